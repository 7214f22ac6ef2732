/* models/access.h: the throughput a session's access link allows, over time.
 *
 * Sources behind one interface: "lognormal" (the foundation's: one constant
 * rate per session, drawn at arrival) and "markov" (two states, good and
 * bad, with exponential sojourns: a Gilbert-Elliott style modulated link)
 * and "traces" (a folder of trace files, loaded by sim/scenario_traces.c;
 * each session draws one from its ISP's session stream). A trace's latency
 * is a download's time to first byte: the player (models/player.c) starts
 * the flow that much after the request, when some trace has one.
 * A time-varying source is a trace (models/trace.h) followed from the
 * session's start; the flow model (models/network.c) caps each download's
 * rate at the trace's value, read at the download's start and at every
 * fair-share recomputation (network.share_period), so the cap is piecewise
 * constant at that resolution. Markov sessions draw one of ACCESS_POOL
 * realizations pre-drawn per ISP from its RNG_ACCESS stream, so a session
 * costs no memory and no draws beyond the pick. */
#ifndef LASTMILE_ACCESS_H
#define LASTMILE_ACCESS_H

#include "models/world.h"

#define ACCESS_POOL 128

/* Draws the pools of the ISPs whose access model varies. 0 or -1 (OOM). */
int access_build(struct world *w);
void access_destroy(struct world *w);
/* The session's time to first byte for a request at now: the latency of
 * its trace's period (0 for sessions without a trace). */
simtime access_latency_at(const struct world *w, const struct session *s, simtime now);
/* The session's access cap at now, bits/s. */
double access_cap_at(const struct world *w, const struct session *s, simtime now);

#endif
