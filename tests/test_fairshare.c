/* tests/test_fairshare.c: the flow model's sharing against exact max-min.
 *
 * The bound: on random cases shaped like ours (a few OCAs, a few links,
 * flows crossing an OCA and maybe a link, access caps lognormal), every
 * flow's rate from fairshare_solve is within 1% of the exact max-min rate,
 * or 0.1% of the bottleneck capacity, whichever is larger; and no resource
 * is over its capacity by more than 1e-9 relative. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "models/fairshare.h"
#include "sim/rng.h"
#include <gsl/gsl_randist.h>

Test(fairshare, level_uncongested_is_infinite)
{
    double caps[] = { 1, 2, 3 };
    cr_assert(isinf(fairshare_level(10, caps, 3)));
}

Test(fairshare, level_splits_equally_when_caps_are_high)
{
    double caps[] = { 100, 100, 100, 100 };
    cr_assert_float_eq(fairshare_level(10, caps, 4), 2.5, 1e-12);
}

Test(fairshare, level_gives_small_flows_their_cap)
{
    /* 1 and 2 are satisfied; 12 left for the other two: 6 each. */
    double caps[] = { 50, 1, 40, 2 };
    cr_assert_float_eq(fairshare_level(15, caps, 4), 6.0, 1e-12);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The textbook level: sort, then give each cap in turn its fair share of
 * what is left. */
static double level_by_sorting(double capacity, double *caps, size_t n)
{
    qsort(caps, n, sizeof *caps, cmp_double);
    double left = capacity;
    for (size_t i = 0; i < n; i++) {
        double share = left / (double)(n - i);
        if (caps[i] >= share)
            return share;
        left -= caps[i];
    }
    return INFINITY;
}

Test(fairshare, level_by_selection_matches_level_by_sorting)
{
    /* Random caps, many of them tied (a few discrete values), as many as a
     * busy OCA carries, at capacities from slack to deeply congested. */
    gsl_rng *r = rng_stream_create(11, RNG_TEST, 3);
    static double a[5000], b[5000];
    for (int trial = 0; trial < 400; trial++) {
        size_t n = 1 + gsl_rng_uniform_int(r, trial < 200 ? 40 : 5000);
        int tied = trial % 3 == 0;
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            a[i] = tied ? (double)(1 + gsl_rng_uniform_int(r, 4)) : gsl_ran_lognormal(r, 3, 1);
            b[i] = a[i];
            sum += a[i];
        }
        double capacity = sum * (0.05 + gsl_rng_uniform(r));
        double want = level_by_sorting(capacity, b, n);
        double got = fairshare_level(capacity, a, n);
        if (isinf(want)) {
            cr_assert(isinf(got), "trial %d: %g, expected uncongested", trial, got);
            continue;
        }
        cr_assert(fabs(got - want) <= 1e-9 * want, "trial %d (n %zu): level %.12g, sorting gives %.12g",
                  trial, n, got, want);
    }
    rng_stream_destroy(r);
}

Test(fairshare, exact_textbook_case)
{
    /* Two links of 10; flow 0 crosses both, flows 1 and 2 one each, and
     * flow 3 shares link 0 with a cap of 1. Max-min: flow 3 gets 1, then
     * link 0 splits 9 between flows 0 and 1 (4.5 each), flow 2 gets 5.5. */
    double capacity[] = { 10, 10 };
    uint32_t res[] = { 0, 1, 0, FAIRSHARE_NONE, 1, FAIRSHARE_NONE, 0, FAIRSHARE_NONE };
    double cap[] = { 100, 100, 100, 1 };
    double rate[4];
    cr_assert_eq(fairshare_exact(2, capacity, 4, res, cap, rate), 0);
    cr_assert_float_eq(rate[3], 1.0, 1e-9);
    cr_assert_float_eq(rate[0], 4.5, 1e-9);
    cr_assert_float_eq(rate[1], 4.5, 1e-9);
    cr_assert_float_eq(rate[2], 5.5, 1e-9);
}

Test(fairshare, solve_within_bound_of_exact_on_random_cases)
{
    gsl_rng *r = rng_stream_create(7, RNG_TEST, 1);
    double worst = 0;
    for (int trial = 0; trial < 300; trial++) {
        size_t nocas = 1 + gsl_rng_uniform_int(r, 4), nlinks = 1 + gsl_rng_uniform_int(r, 3);
        size_t nres = nocas + nlinks, nflows = 1 + gsl_rng_uniform_int(r, 60);
        double capacity[8], level[8], rate[64], exact[64], cap[64], scratch[64];
        uint32_t res[128], iscratch[FAIRSHARE_ISCRATCH(8, 64)];
        for (size_t k = 0; k < nres; k++)
            capacity[k] = 20e6 + gsl_rng_uniform(r) * 200e6;
        for (size_t f = 0; f < nflows; f++) {
            res[2 * f] = (uint32_t)gsl_rng_uniform_int(r, nocas);
            res[2 * f + 1] = gsl_rng_uniform(r) < 0.5 ? FAIRSHARE_NONE
                                 : (uint32_t)(nocas + gsl_rng_uniform_int(r, nlinks));
            cap[f] = gsl_ran_lognormal(r, log(25e6), 0.8);
        }
        fairshare_solve(nres, capacity, nflows, res, cap, rate, level, scratch, iscratch);
        cr_assert_eq(fairshare_exact(nres, capacity, nflows, res, cap, exact), 0);
        double used[8] = { 0 };
        for (size_t f = 0; f < nflows; f++) {
            double bottleneck = capacity[res[2 * f]];
            double tol = fmax(0.01 * exact[f], 0.001 * bottleneck);
            double err = fabs(rate[f] - exact[f]);
            if (err / exact[f] > worst)
                worst = err / exact[f];
            cr_assert(err <= tol, "trial %d flow %zu: solve %.6g exact %.6g", trial, f, rate[f], exact[f]);
            cr_assert(rate[f] <= cap[f] * (1 + 1e-12));
            for (int k = 0; k < 2; k++)
                if (res[2 * f + k] != FAIRSHARE_NONE)
                    used[res[2 * f + k]] += rate[f];
        }
        for (size_t k = 0; k < nres; k++)
            cr_assert(used[k] <= capacity[k] * (1 + 1e-9), "resource %zu over capacity", k);
    }
    rng_stream_destroy(r);
    cr_log_info("worst relative error %.3g", worst);
}
