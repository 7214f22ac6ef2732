/* models/access.c: time-varying access throughput (see the header). */
#include "models/access.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>

#include "sim/rng.h"

/* 168 B, plus 8 B of encoding state (device, codec, rung cap, rung quality,
 * quality sum: issue 3). */
_Static_assert(sizeof(struct session) <= 176, "the session outgrew its byte budget");

/* Long enough that few sessions loop (a looped realization replays itself). */
#define REALIZATION_S (6 * 3600.0)

static int draw_markov(struct trace *t, const struct cfg_access *a, gsl_rng *r)
{
    double good = simtime_to_s(a->good_mean), bad = simtime_to_s(a->bad_mean);
    int cap = 64;
    *t = (struct trace){0};
    t->duration_s = malloc(cap * sizeof(double));
    t->bps = malloc(cap * sizeof(double));
    if (!t->duration_s || !t->bps)
        return -1;
    /* The first state from the stationary distribution. */
    int is_good = gsl_rng_uniform(r) < good / (good + bad);
    double at = 0;
    while (at < REALIZATION_S) {
        if (t->n == cap) {
            cap *= 2;
            double *d = realloc(t->duration_s, cap * sizeof(double));
            if (d)
                t->duration_s = d;
            double *b = realloc(t->bps, cap * sizeof(double));
            if (b)
                t->bps = b;
            if (!d || !b)
                return -1;
        }
        double len = gsl_ran_exponential(r, is_good ? good : bad);
        if (len < 1e-3)
            len = 1e-3;
        t->duration_s[t->n] = len;
        t->bps[t->n] = is_good ? a->good_bps : a->bad_bps;
        t->n++;
        at += len;
        is_good = !is_good;
    }
    t->latency_s = calloc((size_t)t->n, sizeof(double));
    t->start_s = malloc((size_t)t->n * sizeof(double));
    if (!t->latency_s || !t->start_s)
        return -1;
    at = 0;
    for (int i = 0; i < t->n; i++) {
        t->start_s[i] = at;
        at += t->duration_s[i];
    }
    t->total_s = at;
    return 0;
}

int access_build(struct world *w)
{
    int n = 0;
    for (int i = 0; i < w->nisps; i++) {
        const struct cfg_access *a = &w->sc->isps[i].access;
        n += a->model == ACCESS_MARKOV ? ACCESS_POOL : a->model == ACCESS_TRACES ? a->ntraces : 0;
    }
    if (n == 0)
        return 0;
    w->access_pool = calloc((size_t)n, sizeof *w->access_pool);
    if (!w->access_pool)
        return -1;
    for (int i = 0; i < w->nisps; i++) {
        const struct cfg_access *a = &w->sc->isps[i].access;
        if (a->model == ACCESS_TRACES) {
            /* The scenario's traces, shared (not copied, not freed here). */
            w->isps[i].pool_first = w->access_pool_n;
            w->isps[i].pool_n = a->ntraces;
            for (int k = 0; k < a->ntraces; k++)
                w->access_pool[w->access_pool_n++] = a->traces[k];
            continue;
        }
        if (a->model != ACCESS_MARKOV)
            continue;
        gsl_rng *r = rng_stream_create(w->sc->seed, RNG_ACCESS, (uint64_t)i);
        if (!r)
            return -1;
        w->isps[i].pool_first = w->access_pool_n;
        w->isps[i].pool_n = ACCESS_POOL;
        for (int k = 0; k < ACCESS_POOL; k++) {
            int rc = draw_markov(&w->access_pool[w->access_pool_n++], a, r);
            if (rc != 0) {
                rng_stream_destroy(r);
                return -1;
            }
        }
        rng_stream_destroy(r);
    }
    for (int k = 0; k < w->access_pool_n && !w->access_latency; k++)
        for (int i = 0; i < w->access_pool[k].n; i++)
            if (w->access_pool[k].latency_s[i] > 0) {
                w->access_latency = 1;
                break;
            }
    return 0;
}

void access_destroy(struct world *w)
{
    for (int i = 0; w->isps && i < w->nisps; i++)
        if (w->sc->isps[i].access.model == ACCESS_MARKOV)
            for (int k = 0; k < w->isps[i].pool_n; k++)
                trace_free(&w->access_pool[w->isps[i].pool_first + k]);
    free(w->access_pool);
    w->access_pool = NULL;
    w->access_pool_n = 0;
}

simtime access_latency_at(const struct world *w, const struct session *s, simtime now)
{
    const struct trace *t = &w->access_pool[s->access_trace - 1];
    double x = simtime_to_s(now - s->start);
    double loops = floor(x / t->total_s);
    x -= loops * t->total_s;
    /* The period holding x (a binary search on the starts). */
    int lo = 0, hi = t->n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (t->start_s[mid] <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return (simtime)(t->latency_s[lo] * 1e6 + 0.5);
}

double access_cap_at(const struct world *w, const struct session *s, simtime now)
{
    return trace_bps_at(&w->access_pool[s->access_trace - 1], simtime_to_s(now - s->start));
}
