/* models/abandon.h: abandoning a download in flight that would make the
 * buffer run dry (scenario player.abandon, `lastmile play --abandon`).
 *
 * The rule follows the abandonment of Sabre (ThroughputRule.check_abandon,
 * Spiteri et al., MMSys 2018) and dash.js (AbandonRequestsRule), with the
 * trigger the issue asks for: the buffer, not a multiple of the segment
 * duration. At a check, at least ABANDON_GRACE after the request (500 ms,
 * as both), with T the throughput measured on this download so far
 * (bits delivered / time since its first bit):
 *   - keep going unless the bits still missing need longer than the buffer
 *     left (0 while stalled) at T: the download would make the buffer run
 *     dry (or prolong a stall);
 *   - the target is the highest lower rung whose whole segment (size scaled
 *     by the bitrates, as Sabre estimates it) downloads at T within the
 *     buffer left; the lowest rung when none does;
 *   - abandon only when that whole segment is smaller than the bits still
 *     missing (Sabre's condition: restarting must be cheaper than going on).
 * The target is always a lower rung, so a segment is abandoned at most
 * nrungs - 1 times and there is no abandonment loop (ALGORITHMS.md,
 * pitfall 1 of Sabre). No check before playback starts (nothing drains)
 * nor before the first bit (nothing measured). */
#ifndef LASTMILE_ABANDON_H
#define LASTMILE_ABANDON_H

#include "models/abr.h"

#define ABANDON_GRACE (500 * 1000)          /* us after the request */

struct abandon_progress {
    int rung;                       /* of the download in flight */
    simtime elapsed;                /* since the request */
    simtime latency;                /* request to first bit (0 in lastmile run) */
    double delivered_bits, total_bits;
    simtime buffer_left;            /* media that plays before the buffer is dry */
};

/* The rung to restart the segment at, or -1 to let the download go on. */
int abandon_target(const struct abandon_progress *p, const struct abr_ladder *l);

#endif
