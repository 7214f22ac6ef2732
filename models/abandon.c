/* models/abandon.c: the abandonment rule (see the header for the rule and
 * its sources). */
#include "models/abandon.h"

int abandon_target(const struct abandon_progress *p, const struct abr_ladder *l)
{
    if (p->rung <= 0 || p->elapsed < ABANDON_GRACE)
        return -1;
    double missing = p->total_bits - p->delivered_bits;
    if (missing <= 0 || p->delivered_bits <= 0)
        return -1;                  /* done, or no measurement yet */
    double transfer_s = simtime_to_s(p->elapsed - p->latency);
    double bps = transfer_s > 0 ? p->delivered_bits / transfer_s : 0;
    double left_s = simtime_to_s(p->buffer_left);
    /* As products: missing / bps > left  <=>  missing > left * bps. */
    if (missing <= left_s * bps)
        return -1;
    int target = 0;
    for (int r = p->rung - 1; r > 0; r--)
        if (p->total_bits * l->bps[r] / l->bps[p->rung] <= left_s * bps) {
            target = r;
            break;
        }
    if (p->total_bits * l->bps[target] / l->bps[p->rung] >= missing)
        return -1;
    return target;
}
