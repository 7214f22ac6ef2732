/* tests/test_rng.c: random streams are the documented generator, are
 * reproducible, independent of each other, and work with GSL's
 * distributions.
 *
 * The bounds on means and variances are 5 standard errors of the estimate
 * (a false alarm once in ~3.5 million seeds; the seeds are fixed, so a
 * failure is a change of the generator, not bad luck). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "sim/rng.h"

/* 64 bits from the start of a stream: the upper halves of its first two
 * outputs (gsl_rng_get gives the upper 32 bits of each). */
static uint64_t first64(gsl_rng *r)
{
    uint64_t hi = gsl_rng_get(r);
    return hi << 32 | gsl_rng_get(r);
}

Test(rng, is_xoshiro256starstar)
{
    /* Known answers of xoshiro256** from the state {1, 2, 3, 4}, as in the
     * reference implementation (Blackman and Vigna, prng.di.unimi.it). The
     * state layout is the generator's four words in order. */
    static const uint64_t want[] = { 11520, 0, 1509978240, UINT64_C(1215971899390074240),
                                     UINT64_C(1216172134540287360), UINT64_C(607988272756665600) };
    gsl_rng *a = rng_stream_create(0, RNG_TEST, 0);
    gsl_rng *b = rng_stream_create(0, RNG_TEST, 0);
    cr_assert_not_null(a);
    cr_assert_str_eq(gsl_rng_name(a), "xoshiro256**");
    cr_assert_eq(gsl_rng_size(a), 32);
    cr_assert_eq(gsl_rng_max(a), UINT32_MAX);
    cr_assert_eq(gsl_rng_min(a), 0);
    static const uint64_t s[4] = { 1, 2, 3, 4 };
    memcpy(a->state, s, sizeof s);
    memcpy(b->state, s, sizeof s);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        cr_assert_eq(gsl_rng_get(a), want[i] >> 32, "output %zu", i);
        cr_assert_eq(gsl_rng_uniform(b), (double)(want[i] >> 11) * 0x1.0p-53, "output %zu", i);
    }
    rng_stream_destroy(a);
    rng_stream_destroy(b);
}

Test(rng, same_triple_same_sequence)
{
    gsl_rng *a = rng_stream_create(42, RNG_SESSIONS, 17);
    gsl_rng *b = rng_stream_create(42, RNG_SESSIONS, 17);
    for (int i = 0; i < 10000; i++) {
        cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b));
        cr_assert_eq(gsl_rng_uniform(a), gsl_rng_uniform(b));
    }
    cr_assert_eq(rng_mix(42, RNG_SESSIONS, 17), rng_mix(42, RNG_SESSIONS, 17));
    rng_stream_destroy(a);
    rng_stream_destroy(b);
}

/* How many of the first 1000 outputs of two streams agree. */
static int agreements(gsl_rng *a, gsl_rng *b)
{
    int same = 0;
    for (int i = 0; i < 1000; i++)
        same += gsl_rng_get(a) == gsl_rng_get(b);
    return same;
}

Test(rng, different_seed_kind_or_id_different_sequence)
{
    static const uint64_t triples[][3] = {
        { 1, RNG_ARRIVALS, 0 }, { 1, RNG_ARRIVALS, 1 }, { 1, RNG_SESSIONS, 0 },
        { 2, RNG_ARRIVALS, 0 }, { 0, 0, 0 }, { 0, 0, 1 }, { 0, 1, 0 }, { 1, 0, 0 },
        { 1, RNG_ARRIVALS, UINT64_C(1) << 32 }, { UINT64_C(1) << 53, RNG_ARRIVALS, 0 },
    };
    size_t n = sizeof triples / sizeof triples[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            gsl_rng *a = rng_stream_create(triples[i][0], triples[i][1], triples[i][2]);
            gsl_rng *b = rng_stream_create(triples[j][0], triples[j][1], triples[j][2]);
            cr_assert_neq(rng_mix(triples[i][0], triples[i][1], triples[i][2]),
                          rng_mix(triples[j][0], triples[j][1], triples[j][2]));
            /* independent 32-bit words agree by chance ~1000/2^32 times */
            cr_assert_leq(agreements(a, b), 1, "triples %zu and %zu", i, j);
            rng_stream_destroy(a);
            rng_stream_destroy(b);
        }
}

/* Seeds that differ in one bit, or swapped kind and id, give unrelated
 * streams (the mixing is not a plain sum or xor of the three words). */
Test(rng, mixing_is_not_linear)
{
    cr_assert_neq(rng_mix(1, 2, 3), rng_mix(1, 3, 2));
    cr_assert_neq(rng_mix(1, 2, 3), rng_mix(2, 1, 3));
    cr_assert_neq(rng_mix(1, 2, 3) ^ rng_mix(1, 2, 4), rng_mix(5, 2, 3) ^ rng_mix(5, 2, 4));
    for (int bit = 0; bit < 64; bit++) {
        uint64_t d = rng_mix(7, 1, 1) ^ rng_mix(7 ^ (UINT64_C(1) << bit), 1, 1);
        int flipped = __builtin_popcountll(d);
        cr_assert(flipped > 12 && flipped < 52, "seed bit %d flips %d output bits", bit, flipped);
    }
}

/* Common random numbers: creating and drawing from a stream for a new
 * entity leaves another entity's numbers unchanged. */
Test(rng, new_stream_does_not_shift_others)
{
    double alone[1000];
    gsl_rng *a = rng_stream_create(9, RNG_ARRIVALS, 3);
    for (int i = 0; i < 1000; i++)
        alone[i] = gsl_rng_uniform(a);
    rng_stream_destroy(a);

    a = rng_stream_create(9, RNG_ARRIVALS, 3);
    gsl_rng *other = rng_stream_create(9, RNG_ARRIVALS, 4);
    gsl_rng *kind = rng_stream_create(9, RNG_SESSIONS, 3);
    for (int i = 0; i < 1000; i++) {
        gsl_rng_uniform(other);
        gsl_rng_uniform(kind);
        cr_assert_eq(gsl_rng_uniform(a), alone[i], "draw %d shifted", i);
    }
    rng_stream_destroy(a);
    rng_stream_destroy(other);
    rng_stream_destroy(kind);
}

/* The environment never reaches the streams (gsl_rng_env_setup is never
 * called). */
Test(rng, environment_does_not_change_streams)
{
    gsl_rng *a = rng_stream_create(5, RNG_TEST, 5);
    unsigned long before = gsl_rng_get(a);
    rng_stream_destroy(a);
    setenv("GSL_RNG_SEED", "12345", 1);
    setenv("GSL_RNG_TYPE", "mt19937", 1);
    a = rng_stream_create(5, RNG_TEST, 5);
    cr_assert_eq(gsl_rng_get(a), before);
    cr_assert_str_eq(gsl_rng_name(a), "xoshiro256**");
    rng_stream_destroy(a);
}

Test(rng, uniform_mean_and_variance)
{
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 10);
    const int n = 1000000;
    double sum = 0, sumsq = 0, lo = 1, hi = 0;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        cr_assert(u >= 0.0 && u < 1.0);
        sum += u;
        sumsq += u * u;
        if (u < lo)
            lo = u;
        if (u > hi)
            hi = u;
    }
    double mean = sum / n, var = sumsq / n - mean * mean;
    /* se(mean) = sqrt(1/12 / n); se(var) = sqrt((1/80 - 1/144) / n) */
    cr_assert_lt(fabs(mean - 0.5), 5 * sqrt(1.0 / 12 / n), "mean %g", mean);
    cr_assert_lt(fabs(var - 1.0 / 12), 5 * sqrt((1.0 / 80 - 1.0 / 144) / n), "variance %g", var);
    cr_assert_lt(lo, 1e-5);
    cr_assert_gt(hi, 1 - 1e-5);
    rng_stream_destroy(r);
}

Test(rng, integers_cover_their_range_evenly)
{
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 11);
    const int n = 1000000, k = 10;
    long count[10] = {0};
    for (int i = 0; i < n; i++)
        count[gsl_rng_uniform_int(r, k)]++;
    /* chi-square with 9 degrees of freedom; P(X > 33.7) = 1e-4 */
    double chi2 = 0, e = (double)n / k;
    for (int i = 0; i < k; i++)
        chi2 += (count[i] - e) * (count[i] - e) / e;
    cr_assert_lt(chi2, 33.7, "chi2 %g", chi2);
    rng_stream_destroy(r);
}

Test(rng, works_with_gsl_exponential)
{
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 12);
    const int n = 1000000;
    const double mu = 2.5;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double x = gsl_ran_exponential(r, mu);
        cr_assert(x >= 0 && isfinite(x));
        sum += x;
    }
    /* se = mu / sqrt(n) */
    cr_assert_lt(fabs(sum / n - mu), 5 * mu / sqrt(n), "mean %g", sum / n);
    rng_stream_destroy(r);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

Test(rng, works_with_gsl_lognormal)
{
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 13);
    const int n = 1000000;
    const double zeta = log(25.0), sigma = 0.8;
    double *x = malloc(n * sizeof *x);
    cr_assert_not_null(x);
    double sumlog = 0, sumlog2 = 0;
    for (int i = 0; i < n; i++) {
        x[i] = gsl_ran_lognormal(r, zeta, sigma);
        cr_assert(x[i] > 0 && isfinite(x[i]));
        double l = log(x[i]);
        sumlog += l;
        sumlog2 += l * l;
    }
    double m = sumlog / n, v = sumlog2 / n - m * m;
    /* log x is normal(zeta, sigma): se(mean) = sigma/sqrt(n),
     * se(var) = sigma^2 sqrt(2/n) */
    cr_assert_lt(fabs(m - zeta), 5 * sigma / sqrt(n), "mean of log %g", m);
    cr_assert_lt(fabs(v - sigma * sigma), 5 * sigma * sigma * sqrt(2.0 / n), "var of log %g", v);
    /* the median is exp(zeta) = 25 */
    qsort(x, n, sizeof *x, cmp_double);
    cr_assert_lt(fabs(x[n / 2] - 25.0), 0.1, "median %g", x[n / 2]);
    free(x);
    rng_stream_destroy(r);
}

Test(rng, hash_unit_is_deterministic_uniform_in_unit_interval)
{
    const int n = 1000000;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double u = rng_hash_unit((uint64_t)i);
        cr_assert(u >= 0.0 && u < 1.0, "key %d gives %g", i, u);
        sum += u;
    }
    cr_assert_lt(fabs(sum / n - 0.5), 5 * sqrt(1.0 / 12 / n), "mean %g", sum / n);
    cr_assert_eq(rng_hash_unit(12345), rng_hash_unit(12345));
    cr_assert_neq(rng_hash_unit(12345), rng_hash_unit(12346));
    cr_assert_neq(rng_hash_unit(0), rng_hash_unit(1));
    double top = rng_hash_unit(UINT64_MAX);
    cr_assert(top >= 0.0 && top < 1.0);
    /* keys are usually built with rng_mix; nearby keys are unrelated */
    cr_assert_neq(rng_hash_unit(rng_mix(1, 2, 3)), rng_hash_unit(rng_mix(1, 2, 4)));
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* 10^6 streams (1000 kinds x 1000 ids, as many ISPs and sessions as a
 * large scenario has): no two share their first 64 bits of output, which
 * a 32-bit seed would break by the birthday bound (~50% at ~77k). */
Test(rng, million_streams_do_not_collide)
{
    const size_t nk = 1000, ni = 1000, n = nk * ni;
    uint64_t *first = malloc(n * sizeof *first);
    uint64_t *mixed = malloc(n * sizeof *mixed);
    cr_assert(first && mixed);
    for (size_t k = 0; k < nk; k++)
        for (size_t i = 0; i < ni; i++) {
            gsl_rng *r = rng_stream_create(1, k, i);
            cr_assert_not_null(r);
            first[k * ni + i] = first64(r);
            mixed[k * ni + i] = rng_mix(1, k, i);
            rng_stream_destroy(r);
        }
    qsort(first, n, sizeof *first, cmp_u64);
    qsort(mixed, n, sizeof *mixed, cmp_u64);
    for (size_t j = 1; j < n; j++) {
        cr_assert_neq(first[j], first[j - 1], "two streams start with %llx",
                      (unsigned long long)first[j]);
        cr_assert_neq(mixed[j], mixed[j - 1]);
    }
    free(first);
    free(mixed);
}

Test(rng, destroy_accepts_null)
{
    rng_stream_destroy(NULL);
}
