/* models/metrics.h: what the world measures and hands to sim/results. */
#ifndef LASTMILE_METRICS_H
#define LASTMILE_METRICS_H

#include "models/world.h"

void metrics_session_opened(struct world *w, int isp, int warm);
/* Writes the session's row and adds it to the run's QoE aggregates. */
void metrics_session_closed(struct world *w, uint32_t id, const char *outcome);
/* The EV_METRICS_TICK handler: one time-series row per entity per period. */
void metrics_on_tick(void *ctx, const struct event *ev);
/* Writes the last (partial) period and the summary. 0 or -1. */
int metrics_finish(struct world *w);
/* The entity tables (regions, ISPs, sites, OCAs, links, titles, rungs). */
int metrics_write_entities(struct world *w);

#endif
