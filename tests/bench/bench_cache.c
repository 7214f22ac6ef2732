/* tests/bench/bench_cache.c: reactive cache throughput.
 *
 * 10 million independent Zipf(0.9) requests over 1 million objects of one
 * size, replayed through each policy at 10% of the working set (the goal
 * for LRU: >= 10 M requests/s). The stream is drawn before the clock
 * starts, so the figure is the cache's cost. Both indexes are measured: the
 * direct array `lastmile cache` uses and the hash index a cache in
 * `lastmile run` uses (sized by what it holds, not by the catalog).
 *
 * Prints, on stdout:
 *   cache.<policy>.direct N req/s   (hit ratio in a comment)
 *   cache.<policy>.hashed N req/s */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <gsl/gsl_errno.h>

#include "models/cache.h"
#include "sim/cache_trace.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(void)
{
    gsl_set_error_handler_off();
    struct cache_trace t;
    if (cache_trace_zipf(1000000, 0.9, 10000000, 1, &t) != 0) {
        fprintf(stderr, "bench_cache: out of memory\n");
        return 1;
    }
    uint64_t cap = (uint64_t)(0.10 * t.working_set);
    for (int i = 0; cache_policy_names[i]; i++) {
        const struct cache_policy *p = cache_policy_find(cache_policy_names[i]);
        for (int direct = 1; direct >= 0; direct--) {
            struct cache *c = cache_create(p, cap, direct ? t.nobjects : 0);
            if (!c)
                return 1;
            double t0 = now_s();
            for (uint64_t k = 0; k < t.nreq; k++)
                if (cache_access(c, t.req[k], 1) < 0)
                    return 1;
            double dt = now_s() - t0;
            printf("cache.%s.%s %.0f req/s    # hit ratio %.4f, 1e7 Zipf(0.9) requests, 1e6 objects, 10%%\n",
                   p->name, direct ? "direct" : "hashed", (double)t.nreq / dt,
                   (double)c->hits / (double)c->requests);
            cache_destroy(c);
        }
    }
    cache_trace_free(&t);
    return 0;
}
