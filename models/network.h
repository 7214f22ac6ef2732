/* models/network.h: the flow-level network (DESIGN §4).
 *
 * A download is a flow over one or two shared resources, capped by the
 * client's access throughput. Every share period the fair shares are
 * recomputed from the active flows (models/fairshare.c) and each flow keeps
 * its rate until the next recomputation; a flow that starts between two
 * recomputations gets min(cap, the current levels of its resources). A
 * completion event is scheduled only when a flow will finish before the
 * next recomputation at its current rate, so no event is ever cancelled. */
#ifndef LASTMILE_NETWORK_H
#define LASTMILE_NETWORK_H

#include "models/world.h"

int network_init(struct world *w, uint32_t nres);
void network_destroy(struct world *w);
/* Starts a download of bytes for session s over its serving path, capped
 * by its access throughput; media_bps (its rung's bitrate) is kept in the
 * flow for the player, unread here. Returns 0, or -1 when memory runs
 * out. */
int network_start(struct world *w, uint32_t s, double bytes, double media_bps);
/* A flow's session field for a fill transfer (its gen is then the OCA). */
#define FLOW_FILL (NONE - 1)
/* Starts a fill transfer to oca over res0 (the source's egress) and res1
 * (a link, or NONE), capped at cap_bps; its completion is an EV_FILL_DONE
 * event (entity: oca, payload: the flow). Its bytes count as TIER_FILL,
 * not as bytes requested by viewers. Returns the flow id, or NONE on OOM. */
uint32_t network_start_fill(struct world *w, uint32_t oca, uint32_t res0, uint32_t res1,
                            double bytes, double cap_bps);
/* The flow completed at the engine's now: accounts its last bytes to the
 * tiers and resources (not to the session: its caller does that), frees it
 * and returns how long the download took. */
simtime network_finish(struct world *w, uint32_t flow);
/* Releases a flow cut short (the run ended): returns the bytes it had not
 * delivered, which stay undelivered. */
double network_cut(struct world *w, uint32_t flow);
/* The EV_NET_TICK handler. */
void network_tick(void *ctx, const struct event *ev);
/* Accounts every active flow's progress up to now (the run's end). */
void network_settle(struct world *w, simtime now);

#endif
