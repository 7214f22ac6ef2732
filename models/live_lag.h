/* models/live_lag.h: how far behind the live edge the viewers of one live
 * group play, and what a late segment costs them.
 *
 * A viewer plays `lag` behind the live edge: segment k (media [kS, (k+1)S),
 * produced at (k+1)S) is played from kS + lag. It arrives d after it was
 * produced; the viewer stalls for d + S - lag when that is positive, and its
 * lag grows by the stall (players do not catch up). So a viewer's lag is the
 * running maximum of its join lag and every d + S since, and viewers of one
 * group (who see the same d) differ only by when they joined. The group
 * keeps one class per distinct lag, the lag rounded up to LIVE_LAG_QUANTUM:
 * a late segment merges every class below d + S into one. Exact but for the
 * rounding, which can only shorten a viewer's first stall, by less than
 * LIVE_LAG_QUANTUM (tests/test_live_lag.c checks it against per-viewer
 * bookkeeping). */
#ifndef LASTMILE_LIVE_LAG_H
#define LASTMILE_LIVE_LAG_H

#include <stdint.h>

#define LIVE_LAG_QUANTUM 0.1        /* seconds */

struct live_lag {
    double *lag;                    /* seconds, decreasing: the smallest last */
    double *n;                      /* viewers of each class */
    double min;                     /* the smallest lag (lag[len - 1]), +INFINITY when empty:
                                       read without touching the arrays */
    uint32_t len, cap;
};

/* An empty set of classes. */
void live_lag_init(struct live_lag *l);
/* Adds n viewers playing lag_s behind the edge (rounded up to the
 * quantum). 0, or -1 when memory runs out. */
int live_lag_add(struct live_lag *l, double lag_s, double n);
/* A segment arrived d after its production: every class below need_s =
 * d + S stalls up to it and they merge. Returns the viewer-seconds
 * stalled, less the last over_s seconds of each stall (those past the
 * event's end). */
double live_lag_stall(struct live_lag *l, double need_s, double over_s);
/* The smallest lag, or +INFINITY when empty. */
double live_lag_min(const struct live_lag *l);
void live_lag_free(struct live_lag *l);

#endif
