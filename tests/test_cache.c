/* tests/test_cache.c: the reactive caches against analytic results and
 * their own invariants: LRU against Che's approximation, perfect LFU
 * against the static top-k optimum, LRU's inclusion property, byte
 * accounting, and the id index against a plain array. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/cache.h"
#include "sim/cache_trace.h"
#include "sim/rng.h"

static double *zipf_probs(uint32_t n, double alpha)
{
    double *p = malloc(n * sizeof *p), s = 0;
    for (uint32_t i = 0; i < n; i++)
        s += p[i] = pow(i + 1.0, -alpha);
    for (uint32_t i = 0; i < n; i++)
        p[i] /= s;
    return p;
}

/* Che, Tung and Wang, "Hierarchical Web caching systems: modeling, design
 * and experimental results", IEEE JSAC 20(7), 2002: an LRU cache of C
 * objects under independent requests behaves as if each object stayed for
 * a characteristic time T with sum_i (1 - exp(-p_i T)) = C; the hit ratio
 * is sum_i p_i (1 - exp(-p_i T)). */
static double che_lru(const double *p, uint32_t n, double c)
{
    double lo = 0, hi = 1e12;
    for (int it = 0; it < 200; it++) {
        double t = 0.5 * (lo + hi), filled = 0;
        for (uint32_t i = 0; i < n; i++)
            filled += 1 - exp(-p[i] * t);
        if (filled < c)
            lo = t;
        else
            hi = t;
    }
    double t = 0.5 * (lo + hi), h = 0;
    for (uint32_t i = 0; i < n; i++)
        h += p[i] * (1 - exp(-p[i] * t));
    return h;
}

static const double alphas[] = { 0.6, 0.8, 1.0 };
static const uint32_t sizes[] = { 100, 500, 2000 };
#define NOBJ 10000
#define NREQ 1200000
#define WARM 200000

Test(cache, lru_matches_che_within_one_percent)
{
    for (size_t a = 0; a < 3; a++) {
        struct cache_trace t;
        cr_assert_eq(cache_trace_zipf(NOBJ, alphas[a], NREQ, 7, &t), 0);
        double *p = zipf_probs(NOBJ, alphas[a]);
        for (size_t k = 0; k < 3; k++) {
            struct cache_replay r;
            cr_assert_eq(cache_trace_replay(&t, cache_policy_find("lru"), sizes[k], WARM, NULL, &r), 0);
            double che = che_lru(p, NOBJ, sizes[k]);
            cr_expect(fabs(r.hit_ratio - che) < 0.01, "alpha %.1f, %u objects: LRU %.4f, Che %.4f",
                      alphas[a], sizes[k], r.hit_ratio, che);
        }
        free(p);
        cache_trace_free(&t);
    }
}

Test(cache, perfect_lfu_matches_static_top_k_within_one_percent)
{
    for (size_t a = 0; a < 3; a++) {
        struct cache_trace t;
        cr_assert_eq(cache_trace_zipf(NOBJ, alphas[a], NREQ, 8, &t), 0);
        double *p = zipf_probs(NOBJ, alphas[a]);
        for (size_t k = 0; k < 3; k++) {
            struct cache_replay r;
            cr_assert_eq(cache_trace_replay(&t, cache_policy_find("perfect-lfu"), sizes[k], WARM, NULL, &r), 0);
            double topk = 0;
            for (uint32_t i = 0; i < sizes[k]; i++)
                topk += p[i];
            cr_expect(fabs(r.hit_ratio - topk) < 0.01, "alpha %.1f, %u objects: perfect LFU %.4f, top-k %.4f",
                      alphas[a], sizes[k], r.hit_ratio, topk);
        }
        free(p);
        cache_trace_free(&t);
    }
}

/* The in-cache LFU (libCacheSim's) cannot beat the optimum either. */
Test(cache, no_policy_beats_static_top_k_by_more_than_noise)
{
    struct cache_trace t;
    cr_assert_eq(cache_trace_zipf(NOBJ, 0.8, NREQ, 9, &t), 0);
    double *p = zipf_probs(NOBJ, 0.8), topk = 0;
    for (uint32_t i = 0; i < 500; i++)
        topk += p[i];
    for (int i = 0; cache_policy_names[i]; i++) {
        struct cache_replay r;
        cr_assert_eq(cache_trace_replay(&t, cache_policy_find(cache_policy_names[i]), 500, WARM, NULL, &r), 0);
        cr_expect(r.hit_ratio < topk + 0.005, "%s %.4f > top-k %.4f", cache_policy_names[i], r.hit_ratio, topk);
    }
    free(p);
    cache_trace_free(&t);
}

/* Mattson, Gecsei, Slutz and Traiger, "Evaluation techniques for storage
 * hierarchies", IBM Systems Journal 1970: LRU is a stack algorithm, so with
 * equal sizes every hit of a smaller cache is a hit of a bigger one. */
Test(cache, lru_inclusion_every_small_hit_is_a_big_hit)
{
    struct cache_trace t;
    cr_assert_eq(cache_trace_zipf(5000, 0.9, 300000, 3, &t), 0);
    uint8_t *small = malloc(t.nreq), *big = malloc(t.nreq);
    const uint32_t caps[] = { 10, 50, 51, 200, 1000, 4999 };
    struct cache_replay prev = {0};
    for (size_t k = 0; k < 6; k++) {
        struct cache_replay r;
        cr_assert_eq(cache_trace_replay(&t, cache_policy_find("lru"), caps[k], 0, k ? big : small, &r), 0);
        if (k) {
            for (uint64_t i = 0; i < t.nreq; i++)
                cr_assert(!small[i] || big[i], "request %llu hits at %u objects but not at %u",
                          (unsigned long long)i, caps[k - 1], caps[k]);
            cr_assert_geq(r.hits, prev.hits);
            memcpy(small, big, t.nreq);
        }
        prev = r;
    }
    free(small);
    free(big);
    cache_trace_free(&t);
}

/* With real sizes the hit ratio still never falls as the cache grows. */
Test(cache, lru_bigger_cache_never_lowers_hit_ratio_with_sizes)
{
    struct cache_trace t;
    cr_assert_eq(cache_trace_zipf(5000, 0.9, 300000, 4, &t), 0);
    gsl_rng *r = rng_stream_create(4, RNG_TEST, 1);
    t.working_set = 0;
    for (uint32_t i = 0; i < t.nobjects; i++) {
        t.size[i] = 1000 + gsl_rng_uniform_int(r, 1000000);
        t.working_set += (double)t.size[i];
    }
    rng_stream_destroy(r);
    double last_h = -1, last_b = -1;
    for (double f = 0.01; f <= 0.5; f *= 1.5) {
        struct cache_replay out;
        cr_assert_eq(cache_trace_replay(&t, cache_policy_find("lru"), (uint64_t)(f * t.working_set), 0, NULL, &out), 0);
        cr_expect_geq(out.hit_ratio, last_h, "hit ratio fell at %.3f of the working set", f);
        cr_expect_geq(out.byte_hit_ratio, last_b - 0.002, "byte hit ratio fell at %.3f", f);
        last_h = out.hit_ratio;
        last_b = out.byte_hit_ratio;
    }
    cache_trace_free(&t);
}

/* Every policy: used bytes equal the sum of what is cached and never pass
 * the capacity; a just-admitted object is found; an object bigger than the
 * cache is never admitted. */
Test(cache, every_policy_keeps_its_byte_budget)
{
    for (int i = 0; cache_policy_names[i]; i++) {
        const struct cache_policy *p = cache_policy_find(cache_policy_names[i]);
        cr_assert_not_null(p);
        for (int direct = 0; direct < 2; direct++) {
            struct cache *c = cache_create(p, 50000, direct ? 3000 : 0);
            gsl_rng *r = rng_stream_create(11, RNG_TEST, (uint64_t)i);
            uint64_t sz[3000];
            for (int k = 0; k < 3000; k++)
                sz[k] = 1 + gsl_rng_uniform_int(r, 4000);
            sz[17] = 60000;
            for (int n = 0; n < 60000; n++) {
                uint32_t id = (uint32_t)gsl_rng_uniform_int(r, n % 3 ? 3000 : 60);
                int hit = cache_access(c, id, sz[id]);
                cr_assert_geq(hit, 0);
                cr_assert_leq(c->used, c->capacity, "%s over its capacity", p->name);
                cr_assert_eq(cache_contains(c, id), id != 17, "%s: id %u", p->name, id);
            }
            uint64_t sum = 0;
            uint32_t held = 0;
            for (uint32_t id = 0; id < 3000; id++)
                if (cache_contains(c, id)) {
                    sum += sz[id];
                    held++;
                }
            cr_assert_eq(sum, c->used, "%s: bytes held %llu, counted %llu", p->name,
                         (unsigned long long)sum, (unsigned long long)c->used);
            cr_assert_eq(held, c->nentries);
            rng_stream_destroy(r);
            cache_destroy(c);
        }
    }
}

Test(cache, index_agrees_with_a_plain_array)
{
    struct cache_index x;
    cr_assert_eq(cache_index_init(&x, 4), 0);
    static uint32_t shadow[20000];
    memset(shadow, 0xff, sizeof shadow);
    gsl_rng *r = rng_stream_create(5, RNG_TEST, 2);
    for (int n = 0; n < 200000; n++) {
        uint32_t id = (uint32_t)gsl_rng_uniform_int(r, 20000);
        if (gsl_rng_uniform(r) < 0.5) {
            cr_assert_eq(cache_index_put(&x, id, (uint32_t)n), 0);
            shadow[id] = (uint32_t)n;
        } else {
            cache_index_del(&x, id);
            shadow[id] = CACHE_NIL;
        }
        uint32_t probe = (uint32_t)gsl_rng_uniform_int(r, 20000);
        cr_assert_eq(cache_index_get(&x, probe), shadow[probe]);
    }
    uint32_t count = 0;
    for (int i = 0; i < 20000; i++)
        count += shadow[i] != CACHE_NIL;
    cr_assert_eq(x.count, count);
    rng_stream_destroy(r);
    cache_index_free(&x);
}

Test(cache, registry_knows_every_listed_name_and_nothing_else)
{
    for (int i = 0; cache_policy_names[i]; i++) {
        const struct cache_policy *p = cache_policy_find(cache_policy_names[i]);
        cr_assert_not_null(p, "%s", cache_policy_names[i]);
        cr_assert_str_eq(p->name, cache_policy_names[i]);
    }
    cr_assert_null(cache_policy_find("arc"));
    cr_assert_null(cache_policy_find("LRU"));
}

/* Same stream, same numbers: no hidden state between caches. */
Test(cache, replay_is_deterministic)
{
    struct cache_trace t;
    cr_assert_eq(cache_trace_zipf(2000, 0.7, 100000, 12, &t), 0);
    for (int i = 0; cache_policy_names[i]; i++) {
        struct cache_replay a, b;
        const struct cache_policy *p = cache_policy_find(cache_policy_names[i]);
        cache_trace_replay(&t, p, 150, 0, NULL, &a);
        cache_trace_replay(&t, p, 150, 0, NULL, &b);
        cr_assert_eq(a.hits, b.hits, "%s", p->name);
    }
    cache_trace_free(&t);
}
