/* tests/test_live_lag.c: a live group's lag classes (models/live_lag.h)
 * against per-viewer bookkeeping: every viewer keeps its own lag, stalls
 * by d + S - lag when a segment is late and plays further behind from then
 * on. The classes round a joiner's lag up to LIVE_LAG_QUANTUM, so a viewer
 * can stall less than it should, by less than the quantum, once (its first
 * stall); nothing else may differ. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "models/live_lag.h"

static double uniform(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (double)((*s >> 8) & 0xffffff) / 16777216.0;
}

Test(live_lag, classes_match_per_viewer_lags_within_the_quantum)
{
    enum { SEGMENTS = 3000, MAXV = 4000 };
    const double S = 2, over_end = 5900;           /* the event ends at segment 2950 */
    for (unsigned seed = 1; seed <= 5; seed++) {
        unsigned r = seed;
        double *lag = malloc(MAXV * sizeof *lag);
        cr_assert_not_null(lag);
        int nv = 0;
        struct live_lag l;
        live_lag_init(&l);
        double exact = 0, classes = 0;
        for (int k = 0; k < SEGMENTS; k++) {
            /* A few joiners, lags from 10 s to 14 s behind the edge. */
            int joins = (int)(uniform(&r) * 3);
            for (int j = 0; j < joins && nv < MAXV; j++) {
                lag[nv] = 10 + 4 * uniform(&r);
                cr_assert_eq(live_lag_add(&l, lag[nv], 1), 0);
                nv++;
            }
            /* Mostly on time, sometimes late by up to 25 s. */
            double u = uniform(&r);
            double d = u < 0.9 ? 0.5 * uniform(&r) : 25 * uniform(&r);
            double t_arrive = (k + 1) * S + d;
            double over = t_arrive - over_end > 0 ? t_arrive - over_end : 0;
            for (int v = 0; v < nv; v++)
                if (lag[v] < d + S) {
                    double x = d + S - lag[v] - over;
                    exact += x > 0 ? x : 0;
                    lag[v] = d + S;
                }
            classes += live_lag_stall(&l, d + S, over);
        }
        cr_assert_gt(exact, 1000, "the sequence made viewers stall (%g s)", exact);
        cr_assert_leq(classes, exact + 1e-6, "rounding only shortens stalls");
        cr_assert_geq(classes, exact - LIVE_LAG_QUANTUM * nv - 1e-6,
                      "classes %g vs per viewer %g (%d viewers)", classes, exact, nv);
        cr_assert_lt(l.len, 200, "the classes stay few: %u", l.len);
        live_lag_free(&l);
        free(lag);
    }
}

Test(live_lag, empty_and_merge)
{
    struct live_lag l;
    live_lag_init(&l);
    cr_assert(isinf(live_lag_min(&l)));
    cr_assert_eq(live_lag_stall(&l, 50, 0), 0);
    cr_assert_eq(live_lag_add(&l, 10, 3), 0);
    cr_assert_eq(live_lag_add(&l, 12.04, 2), 0);      /* rounds up to 12.1 */
    cr_assert_float_eq(live_lag_min(&l), 10, 1e-9);
    /* A segment 11 s late: need 13 s; 3 viewers stall 3 s, 2 stall 0.9 s. */
    cr_assert_float_eq(live_lag_stall(&l, 13, 0), 3 * 3 + 2 * 0.9, 1e-9);
    cr_assert_eq(l.len, 1);
    cr_assert_float_eq(live_lag_min(&l), 13, 1e-9);
    cr_assert_float_eq(l.n[0], 5, 1e-9);
    live_lag_free(&l);
}
