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

/* Solving only the flows that cross a congested resource gives the rates
 * and levels of solving every flow, to the bit: random cases from all
 * resources fitting to all congested, with tied caps and one-resource
 * paths. */
Test(fairshare, solve_on_the_congested_subset_equals_solve_on_every_flow)
{
    gsl_rng *r = rng_stream_create(7, RNG_TEST, 2);
    int mixed = 0, path[3] = { 0 };
    for (int trial = 0; trial < 2000; trial++) {
        size_t nocas = 1 + gsl_rng_uniform_int(r, 5), nlinks = 1 + gsl_rng_uniform_int(r, 3);
        size_t nres = nocas + nlinks, nflows = gsl_rng_uniform_int(r, 65);
        double capacity[8], level[8], rate[64], cap[64], scratch[64];
        double level_every[8], rate_every[64];
        uint32_t res[128], iscratch[FAIRSHARE_ISCRATCH(8, 64)];
        for (size_t k = 0; k < nres; k++)
            capacity[k] = (gsl_rng_uniform(r) < 0.5 ? 100e6 : 1000e6) * gsl_rng_uniform(r);
        for (size_t f = 0; f < nflows; f++) {
            res[2 * f] = (uint32_t)gsl_rng_uniform_int(r, nocas);
            res[2 * f + 1] = gsl_rng_uniform(r) < 0.4 ? FAIRSHARE_NONE
                                 : (uint32_t)(nocas + gsl_rng_uniform_int(r, nlinks));
            cap[f] = gsl_rng_uniform(r) < 0.3 ? 5e6 : gsl_ran_lognormal(r, log(15e6), 0.8);
        }
        fairshare_solve(nres, capacity, nflows, res, cap, rate, level, scratch, iscratch);
        fairshare_solve_every(nres, capacity, nflows, res, cap, rate_every, level_every,
                              scratch, iscratch);
        size_t at_cap = 0, below = 0;
        for (size_t f = 0; f < nflows; f++) {
            cr_assert(rate[f] == rate_every[f], "trial %d flow %zu: %.17g against %.17g",
                      trial, f, rate[f], rate_every[f]);
            if (rate[f] == cap[f])
                at_cap++;
            else
                below++;
        }
        for (size_t k = 0; k < nres; k++)
            cr_assert(level[k] == level_every[k] || (isinf(level[k]) && isinf(level_every[k])),
                      "trial %d resource %zu: level %.17g against %.17g", trial, k, level[k],
                      level_every[k]);
        mixed += at_cap > 0 && below > 0;
        /* Which of fairshare_solve's paths the case took: no resource
         * congested, some flows on congested ones (the subset), or all. */
        double sum[8] = { 0 };
        for (size_t f = 0; f < nflows; f++)
            for (int k = 0; k < 2; k++)
                if (res[2 * f + k] != FAIRSHARE_NONE)
                    sum[res[2 * f + k]] += cap[f];
        size_t on_congested = 0;
        for (size_t f = 0; f < nflows; f++) {
            int on = 0;
            for (int k = 0; k < 2; k++)
                on |= res[2 * f + k] != FAIRSHARE_NONE && sum[res[2 * f + k]] > capacity[res[2 * f + k]];
            on_congested += (size_t)on;
        }
        int any = 0;
        for (size_t k = 0; k < nres; k++)
            any |= sum[k] > capacity[k];
        path[!any ? 0 : on_congested < nflows ? 1 : 2]++;
    }
    /* Most cases have flows of both kinds: the subset is a proper one. */
    cr_assert_gt(mixed, 1000, "only %d mixed cases", mixed);
    for (int p = 0; p < 3; p++)
        cr_assert_gt(path[p], 100, "path %d taken %d times", p, path[p]);
    rng_stream_destroy(r);
}
