/* models/cost.c: transit and CDN cost, 95th-percentile billing.
 *
 * Each billed resource (every ISP's transit link, the CDN) is sampled every
 * cost.sample (5 minutes by default, the industry's interval) as its mean
 * rate over the interval. Per billing period the samples are sorted and the
 * 95th percentile taken by nearest rank (the top 5% of samples are free);
 * the charge is p95 Mbps x price per Mbps, plus bytes x price per GB
 * (GB = 1e9 bytes). A billing period the run covers only in part is billed
 * on the samples it has, as if the rest of the period looked the same (a
 * run of one evening prices the month of such evenings). Norton, "Internet
 * Transit Pricing: Historical and Projected" (DrPeering, 2010) describes
 * the convention.
 *
 * The same samples give peak.peering_utilization: the highest mean rate
 * over a sample interval of any peering link over its capacity at the
 * time (a cut link is judged against what is left of it). */
#include "models/cost.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/control_plane.h"
#include "models/network.h"

int cost_init(struct world *w)
{
    struct cost *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    w->cost = c;
    int cdn = w->cp->cdn_res != NONE;
    c->nseries = w->nisps + cdn;
    c->series = calloc((size_t)(c->nseries ? c->nseries : 1), sizeof *c->series);
    uint32_t npeer = w->nlinks - (uint32_t)w->nisps;
    c->peer_last = calloc(npeer ? npeer : 1, sizeof *c->peer_last);
    c->peer_cap = calloc(npeer ? npeer : 1, sizeof *c->peer_cap);
    if (!c->series || !c->peer_last || !c->peer_cap)
        return -1;
    for (uint32_t l = 0; l < npeer; l++)
        c->peer_cap[l] = w->net.res[w->first_link_res + (uint32_t)w->nisps + l].capacity_bps;
    for (int i = 0; i < w->nisps; i++)
        c->series[i].res = w->isps[i].transit_link;
    if (cdn)
        c->series[w->nisps].res = w->cp->cdn_res;
    return 0;
}

void cost_destroy(struct world *w)
{
    struct cost *c = w->cost;
    if (!c)
        return;
    for (int i = 0; i < c->nseries; i++) {
        free(c->series[i].mbps);
        free(c->series[i].t);
    }
    free(c->series);
    free(c->peer_last);
    free(c->peer_cap);
    free(c);
    w->cost = NULL;
}

static int push(struct cost_series *s, simtime t, double mbps)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        double *m = realloc(s->mbps, cap * sizeof *m);
        if (!m)
            return -1;
        s->mbps = m;
        simtime *tt = realloc(s->t, cap * sizeof *tt);
        if (!tt)
            return -1;
        s->t = tt;
        s->cap = cap;
    }
    s->mbps[s->n] = mbps;
    s->t[s->n++] = t;
    return 0;
}

/* One sample of every billed resource over [c->last, now). */
static int sample(struct world *w, simtime now)
{
    struct cost *c = w->cost;
    if (now <= c->last)
        return 0;
    network_settle(w, now);
    double len_s = simtime_to_s(now - c->last);
    for (int i = 0; i < c->nseries; i++) {
        struct cost_series *s = &c->series[i];
        double bytes = w->net.res[s->res].bytes_total;
        if (push(s, c->last, (bytes - s->last_bytes) * 8 / len_s / 1e6) != 0)
            return -1;
        s->last_bytes = bytes;
    }
    for (uint32_t l = 0; l + (uint32_t)w->nisps < w->nlinks; l++) {
        const struct resource *r = &w->net.res[w->first_link_res + (uint32_t)w->nisps + l];
        /* A capacity that changed inside the interval (a cut) is judged by
         * the larger of its two values, so bytes sent before the cut do
         * not read as more than full. */
        double cap = r->capacity_bps > c->peer_cap[l] ? r->capacity_bps : c->peer_cap[l];
        double u = (r->bytes_total - c->peer_last[l]) * 8 / len_s / cap;
        c->peer_cap[l] = r->capacity_bps;
        if (u > c->peak_peering_util)
            c->peak_peering_util = u;
        c->peer_last[l] = r->bytes_total;
    }
    c->last = now;
    return 0;
}

void cost_on_sample(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    if (sample(w, ev->time) != 0)
        w->engine->failed = 1;
    engine_at(w->engine, ev->time + w->sc->cost.sample, EV_COST_SAMPLE, 0, 0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double cost_p95(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t rank = (size_t)ceil(0.95 * (double)n);     /* 1-based */
    return v[rank > 0 ? rank - 1 : 0];
}

/* Sum over billing periods of p95 Mbps of one series. */
static double billed_mbps(const struct world *w, struct cost_series *s)
{
    simtime period = w->sc->cost.billing_period;
    double total = 0;
    size_t i = 0;
    while (i < s->n) {
        simtime p = s->t[i] / period;
        size_t j = i;
        while (j < s->n && s->t[j] / period == p)
            j++;
        total += cost_p95(s->mbps + i, j - i);
        i = j;
    }
    return total;
}

void cost_totals(struct world *w, double *transit_usd, double *cdn_usd, double *peak_peering)
{
    struct cost *c = w->cost;
    const struct cfg_cost *p = &w->sc->cost;
    if (sample(w, w->engine->now) != 0)
        w->write_failed = 1;
    *transit_usd = *cdn_usd = 0;
    for (int i = 0; i < c->nseries; i++) {
        struct cost_series *s = &c->series[i];
        double gb = w->net.res[s->res].bytes_total / 1e9;
        int is_cdn = i >= w->nisps;
        double mbps95 = billed_mbps(w, s);
        if (is_cdn)
            *cdn_usd += gb * p->cdn_per_gb + mbps95 * p->cdn_per_mbps95;
        else
            *transit_usd += gb * p->transit_per_gb + mbps95 * p->transit_per_mbps95;
    }
    *peak_peering = c->peak_peering_util;
}
