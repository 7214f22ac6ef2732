/* models/demand.h: when sessions arrive and what they ask for. */
#ifndef LASTMILE_DEMAND_H
#define LASTMILE_DEMAND_H

#include "models/world.h"

/* The region's diurnal fraction at simulated time t (its local clock). */
double demand_diurnal(const struct world *w, int region, simtime t);
/* Target concurrent sessions of a region at t: subscribers x sample x diurnal. */
double demand_target(const struct world *w, int region, simtime t);
/* Seeds the warm sessions and each ISP's first arrival. 0 or -1 (OOM). */
int demand_start(struct world *w);
void demand_on_arrival(void *ctx, const struct event *ev);
/* Adds to counts[title] the sessions ISP i will open from now until `to`:
 * the very draws the run will make, replayed on copies of the ISP's
 * streams (the oracle placement's knowledge of tomorrow). Live events'
 * joiners are not included. 0, or -1 when memory runs out. */
int demand_preview(struct world *w, int i, simtime to, double *counts);

#endif
