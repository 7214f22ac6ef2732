/* models/live_stream.c: live-stream viewers as players (models/live_stream.h).
 *
 * Per segment (one event per segment time for the whole stream, never one
 * per viewer):
 * - ABR. Each group picks the highest rung of the fixed AVC ladder at most
 *   player.abr_safety x its estimate, the throughput of its last segment
 *   (the throughput rule, whatever player.abr says), capped by load
 *   shedding (bitrate-cap) from its place's utilization.
 * - Live edge. A segment exists only once produced; a viewer fetches it
 *   when it appears (its buffer is at most its lag behind the edge, so it
 *   is always waiting for the edge) unless still busy with the previous
 *   one: its delay after production d_k = max(fetch_k, d_{k-1} - S) + its
 *   transfer time. Lags and stalls per viewer: models/live_lag.h.
 * - Origin fetches. An OCA fetches a (segment, rung) from origin on the
 *   first request; with collapsing the other requests wait on it, without
 *   every request arriving while it is in flight fetches too: 1 + (n - 1)
 *   min(1, fetch / S) fetches when the n requests are spread over a segment
 *   time (players poll at their own phase). Fetch count and fetch time are
 *   solved together by fixed-point iteration.
 * - Delivery. Aggregated per resource, not per viewer: the approximation of
 *   scenarios/README.md. A resource carrying the live load rho x C (viewers'
 *   rung rates and fetches, requests spread over the segment time) gives a
 *   flow the processor-sharing rate min(its cap, C max(1 - rho, floor))
 *   (the mean rate of a flow in a processor-sharing link at load rho,
 *   Bonald and Roberts, "Internet and the Erlang formula", CCR 2012); above
 *   rho = 1 the excess piles up as a backlog, S (rho - 1) seconds per
 *   segment, that delays everything on the resource until it drains.
 *   tests/test_live_stream.c bounds the rate against a per-flow fluid
 *   simulation.
 * - Network. The live load of every resource (res.live_bps) is taken off
 *   its capacity before VOD flows share it (models/network.c), its bytes
 *   count in the resource's and the tiers' totals (so link_ts, oca_ts and
 *   offload show the event), and the control plane's health reports see it. */
#include "models/live_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/live.h"
#include "models/shed.h"

static int access_bin(double bps)
{
    double k = floor(log2(bps / LIVE_BIN_BASE) * LIVE_BINS_PER_OCTAVE);
    return k < 0 ? 0 : k >= LIVE_BINS ? LIVE_BINS - 1 : (int)k;
}

/* Serving site of an ISP: its first embedded cluster, else its first IX. */
static int serving_site(const struct world *w, int isp)
{
    const struct isp *ip = &w->isps[isp];
    if (ip->nembedded > 0)
        return ip->embedded[0];
    if (w->sc->isps[isp].npeering > 0)
        return w->sc->isps[isp].peering[0].ix_site;
    return -1;
}

int live_stream_init(struct world *w, struct live_event *e)
{
    struct live_stream *s = &e->s;
    int nr = w->sc->encoding.nrungs;
    size_t ni = (size_t)(w->nisps ? w->nisps : 1), nres = w->net.nres;
    s->group_first = calloc(ni, sizeof *s->group_first);
    s->place_first = calloc(ni, sizeof *s->place_first);
    s->place_n = calloc(ni, sizeof *s->place_n);
    if (!s->group_first || !s->place_first || !s->place_n)
        return -1;
    uint32_t ng = 0;
    for (int i = 0; i < w->nisps; i++) {
        int site = serving_site(w, i);
        s->group_first[i] = ng;
        if (site < 0 || w->sites[site].noca == 0) {
            s->place_first[i] = w->nocas;
            s->place_n[i] = 1;
        } else {
            s->place_first[i] = w->sites[site].first_oca;
            s->place_n[i] = w->sites[site].noca;
        }
        ng += s->place_n[i] * LIVE_BINS;
    }
    s->ng = ng;
    s->g = calloc(ng ? ng : 1, sizeof *s->g);
    s->active = malloc((ng ? ng : 1) * sizeof *s->active);
    s->place_rung = calloc((size_t)(w->nocas + 1) * (size_t)nr, sizeof *s->place_rung);
    s->fetch_s = calloc((size_t)(w->nocas + 1) * (size_t)nr, sizeof *s->fetch_s);
    s->fetches = calloc((size_t)(w->nocas + 1) * (size_t)nr, sizeof *s->fetches);
    s->res_bps = calloc(nres, sizeof *s->res_bps);
    s->res_new = calloc(nres, sizeof *s->res_new);
    s->res_fetch = calloc(nres, sizeof *s->res_fetch);
    s->eff_bps = malloc(nres * sizeof *s->eff_bps);
    s->backlog_s = calloc(nres, sizeof *s->backlog_s);
    s->res_flows = calloc(nres, sizeof *s->res_flows);
    s->res_carried = calloc(nres, sizeof *s->res_carried);
    if (!s->res_carried)
        return -1;
    if (!s->res_flows || !s->g || !s->active || !s->place_rung || !s->fetch_s || !s->fetches || !s->res_bps ||
        !s->res_new || !s->res_fetch || !s->eff_bps || !s->backlog_s)
        return -1;
    for (size_t r = 0; r < nres; r++)
        s->eff_bps[r] = w->net.res[r].capacity_bps;
    return 0;
}

void live_stream_free(struct world *w, struct live_event *e)
{
    (void)w;
    struct live_stream *s = &e->s;
    for (uint32_t k = 0; s->g && k < s->ng; k++)
        live_lag_free(&s->g[k].lag);
    free(s->g);
    free(s->group_first);
    free(s->place_first);
    free(s->place_n);
    free(s->active);
    free(s->place_rung);
    free(s->fetch_s);
    free(s->fetches);
    free(s->res_bps);
    free(s->res_new);
    free(s->res_fetch);
    free(s->eff_bps);
    free(s->backlog_s);
    free(s->res_flows);
    free(s->res_carried);
    memset(s, 0, sizeof *s);
}

double live_place_util(const struct world *w, uint32_t place)
{
    if (place >= w->nocas)
        return 0;
    const struct resource *r = &w->net.res[place];
    return r->capacity_bps > 0 ? (r->live_bps + r->committed_bps) / r->capacity_bps : 0;
}

/* The origin-fetch path of OCA o: origin, and the transit link of an
 * embedded cluster's ISP. */
static uint32_t fetch_link(const struct world *w, uint32_t o)
{
    const struct cfg_site *cs = &w->sc->sites[w->ocas[o].site];
    return cs->kind == SITE_EMBEDDED ? w->isps[cs->isp].transit_link : NONE;
}

static double path_rate(const struct live_stream *s, const uint32_t res[2])
{
    double r = s->eff_bps[res[0]];
    if (res[1] != NONE && s->eff_bps[res[1]] < r)
        r = s->eff_bps[res[1]];
    return r > 1 ? r : 1;           /* a failed resource (capacity 0): endless, not infinite */
}

static double path_backlog(const struct live_stream *s, const uint32_t res[2])
{
    return s->backlog_s[res[0]] + (res[1] != NONE ? s->backlog_s[res[1]] : 0);
}

/* One origin fetch of bytes by OCA o at today's rates (the origin's
 * backlog, when it is behind, delays the segment on top: see below). */
static double fetch_time(const struct world *w, const struct live_event *e, uint32_t o, double bytes)
{
    const struct live_stream *s = &e->s;
    uint32_t path[2] = { w->origin_res, fetch_link(w, o) };
    double rate = fmin(e->c->fetch_bps, path_rate(s, path));
    return bytes * 8 / rate;
}

static double fetch_backlog(const struct world *w, const struct live_stream *s, uint32_t o)
{
    uint32_t path[2] = { w->origin_res, fetch_link(w, o) };
    return path_backlog(s, path);
}

double live_stream_join(struct world *w, struct live_event *e, int isp, uint32_t place,
                        double access_bps)
{
    struct live_stream *s = &e->s;
    const struct scenario *sc = w->sc;
    const struct cfg_live *c = e->c;
    uint32_t slot = place < w->nocas ? place - s->place_first[isp] : 0;
    uint32_t gi = s->group_first[isp] + slot * LIVE_BINS + (uint32_t)access_bin(access_bps);
    struct live_group *g = &s->g[gi];
    if (!g->active) {
        g->active = 1;
        live_lag_init(&g->lag);
        s->unsorted++;
        g->place = place;
        if (place < w->nocas) {
            g->res[0] = place;
            int ix = sc->sites[w->ocas[place].site].kind == SITE_IX;
            g->res[1] = ix ? w->peering_link[w->peering_first[isp]] : NONE;
        } else {
            g->res[0] = w->origin_res;
            g->res[1] = w->isps[isp].transit_link;
        }
        s->active[s->nactive++] = gi;
    }
    double seg_s = simtime_to_s(c->segment);
    double b0 = sc->encoding.rung_bps[0] / 8 * seg_s;
    double thr = fmin(access_bps, path_rate(s, g->res));
    double t0 = b0 * 8 / thr;
    double manifest = LIVE_MANIFEST_BYTES * 8 / thr;
    /* The lowest rung is cached at the OCA when someone watched it at the
     * last segment; else the first request fetches it from origin. */
    double fetch = 0;
    int nr = sc->encoding.nrungs;
    if (place < w->nocas && s->place_rung[(size_t)place * (size_t)nr] == 0)
        fetch = fetch_time(w, e, place, b0);
    /* Start at the live edge minus the latency target, on a segment
     * boundary; the startup media must all be produced. */
    double now_s = simtime_to_s(w->engine->now - c->at);
    double lat_s = simtime_to_s(c->latency);
    double k0 = floor((now_s - lat_s) / seg_s);
    if (k0 < 0)
        k0 = 0;
    double m = ceil(simtime_to_s(sc->player.startup) / seg_s - 1e-9);
    if (m < 1)
        m = 1;
    double produced_in = (k0 + m) * seg_s - now_s;
    double first_frame = manifest + fetch + fmax(m * t0, fmax(produced_in, 0) + t0);
    double lag = now_s + first_frame - k0 * seg_s;
    if (live_lag_add(&g->lag, lag, 1) != 0)
        return -1;
    if (g->n == 0) {
        g->est_bps = thr;
        g->delay_s = 0;
    }
    g->n += 1;
    g->access_sum += access_bps;
    return first_frame;
}

static int rung_for(const struct scenario *sc, double est_bps)
{
    int r = 0;
    for (int k = 1; k < sc->encoding.nrungs; k++)
        if (sc->encoding.rung_bps[k] <= est_bps * sc->player.abr_safety)
            r = k;
    return r;
}

/* Processor-sharing rates from this segment's live load (this event's new
 * load plus other events' current load): C (1 - rho), but never below C / N
 * with N the viewers and fetches on the resource (each has at most one
 * request out, so that is the share if all were active at once). */
double live_ps_rate(double capacity_bps, double load_bps, double flows)
{
    double rho = capacity_bps > 0 ? load_bps / capacity_bps : INFINITY;
    double floor = flows > 1 ? capacity_bps / flows : capacity_bps;
    return fmax(capacity_bps * (1 - rho), floor);
}

static void update_rates(struct world *w, struct live_stream *s)
{
    for (uint32_t r = 0; r < w->net.nres; r++) {
        const struct resource *res = &w->net.res[r];
        double load = res->live_bps - s->res_bps[r] + s->res_new[r] + s->res_fetch[r];
        s->eff_bps[r] = live_ps_rate(res->capacity_bps, load, s->res_flows[r]);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int live_stream_segment(struct world *w, struct live_event *e, simtime now)
{
    struct live_stream *s = &e->s;
    struct live *L = w->live;
    const struct scenario *sc = w->sc;
    const struct cfg_live *c = e->c;
    const struct shed_policy *shed = shed_policy(c->shed.policy);
    int nr = sc->encoding.nrungs;
    uint32_t nres = w->net.nres, nocas = w->nocas;
    double seg_s = simtime_to_s(c->segment);
    memset(s->place_rung, 0, (size_t)(nocas + 1) * (size_t)nr * sizeof *s->place_rung);
    memset(s->res_new, 0, nres * sizeof *s->res_new);
    memset(s->res_fetch, 0, nres * sizeof *s->res_fetch);
    memset(s->res_flows, 0, nres * sizeof *s->res_flows);
    double viewer_bytes[TIER_VIEW_COUNT] = {0};
    if (s->unsorted > s->nactive / 8) {
        /* Visit groups mostly in memory order: the two passes below touch
         * every one each segment (sorted again once an eighth is new). */
        qsort(s->active, s->nactive, sizeof *s->active, cmp_u32);
        s->unsorted = 0;
    }

    /* ABR and the viewers' load. */
    double viewers = 0;
    for (uint32_t a = 0; a < s->nactive; a++) {
        struct live_group *g = &s->g[s->active[a]];
        if (g->n <= 0)
            continue;
        int r = rung_for(sc, g->est_bps);
        int cap = shed->rung_cap(&c->shed, live_place_util(w, g->place), nr);
        g->rung = (uint8_t)(r < cap ? r : cap);
        double bps = sc->encoding.rung_bps[g->rung];
        s->place_rung[(size_t)g->place * (size_t)nr + g->rung] += g->n;
        for (int k = 0; k < 2; k++)
            if (g->res[k] != NONE) {
                s->res_new[g->res[k]] += g->n * bps;
                s->res_flows[g->res[k]] += g->n;
            }
        viewers += g->n;
    }
    if (viewers == 0)
        return 0;

    /* Origin fetches and their time, solved together. */
    double fetches = 0, fetch_bytes = 0;
    int iters = c->collapsing ? 2 : 8;
    for (int it = 0; it < iters; it++) {
        update_rates(w, s);
        memset(s->res_fetch, 0, nres * sizeof *s->res_fetch);
        s->res_flows[w->origin_res] -= s->origin_fetch_flows;
        s->origin_fetch_flows = 0;
        fetches = fetch_bytes = 0;
        for (uint32_t o = 0; o < nocas; o++)
            for (int k = 0; k < nr; k++) {
                size_t x = (size_t)o * (size_t)nr + (size_t)k;
                double n = s->place_rung[x];
                if (n <= 0)
                    continue;
                double b = sc->encoding.rung_bps[k] / 8 * seg_s;
                double f = fetch_time(w, e, o, b);
                double per = c->collapsing ? 1 : 1 + (n - 1) * fmin(1, f / seg_s);
                s->fetch_s[x] = f;
                s->fetches[x] = per;
                fetches += per;
                fetch_bytes += per * b;
                s->res_fetch[w->origin_res] += per * b * 8 / seg_s;
                s->origin_fetch_flows += per;
                uint32_t l = fetch_link(w, o);
                if (l != NONE)
                    s->res_fetch[l] += per * b * 8 / seg_s;
            }
        s->res_flows[w->origin_res] += s->origin_fetch_flows;
    }
    s->origin_fetch_flows = 0;
    update_rates(w, s);
    for (uint32_t o = 0; o < nocas; o++)
        for (int k = 0; k < nr; k++) {
            size_t x = (size_t)o * (size_t)nr + (size_t)k;
            if (s->place_rung[x] > 0 && s->fetches[x] > e->max_fetches_per_file)
                e->max_fetches_per_file = s->fetches[x];
        }
    e->fetches_total += fetches;
    e->segments_files += 1;

    /* Backlogs: an overloaded resource falls behind by the excess. What
     * it carries is its capacity at most (the rest waits in the backlog),
     * and a link carries the origin's fetches only as fast as the origin
     * sends them. */
    double origin_frac = 1;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t r = 0; r < nres; r++) {
            if ((pass == 0) != (r == w->origin_res))
                continue;
            const struct resource *res = &w->net.res[r];
            double fetch = r == w->origin_res ? s->res_fetch[r] : s->res_fetch[r] * origin_frac;
            double mine = s->res_new[r] + fetch;
            double c = res->capacity_bps;
            double others = res->live_bps - s->res_bps[r];
            double rho = c > 0 ? (others + mine) / c : 0;
            double want = mine + s->backlog_s[r] * c / seg_s;
            double b = s->backlog_s[r] + seg_s * (rho - 1);
            s->backlog_s[r] = b > 0 ? b : 0;
            double carried = fmin(want, fmax(0, c - others));
            s->res_carried[r] = carried;
            if (r == w->origin_res && mine > 0)
                origin_frac = fmin(1, carried / mine);
        }

    /* Every group's segment: delay, stalls, the next estimate. */
    double stalled = 0;
    for (uint32_t a = 0; a < s->nactive; a++) {
        struct live_group *g = &s->g[s->active[a]];
        if (g->n <= 0)
            continue;
        double b = sc->encoding.rung_bps[g->rung] / 8 * seg_s;
        double thr = fmin(g->access_sum / g->n, path_rate(s, g->res));
        double t = b * 8 / thr + path_backlog(s, g->res);
        double f = 0;
        if (g->place < nocas)
            f = s->fetch_s[(size_t)g->place * (size_t)nr + g->rung] + fetch_backlog(w, s, g->place);
        double prev = g->delay_s - seg_s;
        g->delay_s = (f > prev ? f : prev) + t;
        g->est_bps = b * 8 / t;
        /* The stall ends when the segment arrives: the part after the
         * event's end never happens (the viewers leave then). */
        double over = simtime_to_s(now - c->at - c->length) + g->delay_s;
        stalled += live_lag_stall(&g->lag, g->delay_s + seg_s, over > 0 ? over : 0);
    }
    /* A viewer's segment time is spent playing or stalled. */
    s->rebuffer_vs += stalled;
    s->watched_vs += viewers * seg_s - stalled;
    L->rebuffer_us += stalled * 1e6;
    L->watched_us += (viewers * seg_s - stalled) * 1e6;

    /* The load onto the network: VOD shares what is left, bytes counted. */
    /* Viewers' bytes by tier: what their places carried (an OCA carries
     * only its viewers; origin also the fetches, in proportion). */
    double origin_bps = s->res_carried[w->origin_res];
    for (uint32_t o = 0; o < nocas; o++) {
        int tier = sc->sites[w->ocas[o].site].kind == SITE_IX ? TIER_IX : TIER_EMBEDDED;
        viewer_bytes[tier] += s->res_carried[o] / 8 * seg_s;
    }
    double origin_all = s->res_new[w->origin_res] + s->res_fetch[w->origin_res];
    if (origin_all > 0)
        viewer_bytes[TIER_ORIGIN] += origin_bps * s->res_new[w->origin_res] / origin_all / 8 * seg_s;
    for (uint32_t r = 0; r < nres; r++) {
        struct resource *res = &w->net.res[r];
        double bps = s->res_carried[r];
        res->live_bps += bps - s->res_bps[r];
        if (res->live_bps < 0)
            res->live_bps = 0;
        s->res_bps[r] = bps;
        res->bytes_period += bps / 8 * seg_s;
        res->bytes_total += bps / 8 * seg_s;
    }
    for (int k = 0; k < TIER_VIEW_COUNT; k++) {
        w->m.bytes_tier[k] += viewer_bytes[k];
        w->m.bytes_tier_period[k] += viewer_bytes[k];
        w->m.bytes_requested += viewer_bytes[k];
    }
    double fetch_share = s->res_new[w->origin_res] + s->res_fetch[w->origin_res] > 0
        ? s->res_fetch[w->origin_res] / (s->res_new[w->origin_res] + s->res_fetch[w->origin_res]) : 0;
    (void)fetch_bytes;
    L->origin_bytes += fetch_share * origin_bps / 8 * seg_s;
    e->origin_fetches_now = fetches;
    if (origin_bps > L->origin_peak_bps)
        L->origin_peak_bps = origin_bps;
    return 0;
}

void live_stream_end(struct world *w, struct live_event *e)
{
    struct live_stream *s = &e->s;
    for (uint32_t r = 0; r < w->net.nres; r++) {
        struct resource *res = &w->net.res[r];
        res->live_bps -= s->res_bps[r];
        if (res->live_bps < 0)
            res->live_bps = 0;
        s->res_bps[r] = 0;
        s->backlog_s[r] = 0;
    }
    for (uint32_t a = 0; a < s->nactive; a++) {
        struct live_group *g = &s->g[s->active[a]];
        live_lag_free(&g->lag);
        g->n = g->access_sum = 0;
    }
}
