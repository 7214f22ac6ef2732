/* models/live.c: live events and the thundering herd (issue #7).
 *
 * Joins. Each ISP's joiners of an event arrive as a non-homogeneous Poisson
 * process (thinning, Lewis and Shedler 1979) whose rate is the audience's
 * join profile: a fraction `burst` of the region's viewers x sample x the
 * ISP's share spread over the jitter window (uniform on [0, jitter), or
 * exponential of mean jitter), the rest uniform over the event. With no
 * jitter the burst is one instant: a Poisson count of joiners all at `at`.
 * A joiner in the burst had the app open with probability `prefetch`: its
 * manifest is already there and it needs no control-plane call.
 *
 * A try goes through load shedding (models/shed.h; a refusal is known at
 * once) and then the control plane's request queue (control_plane_play): a
 * request it would answer after its timeout is never answered, and the
 * client learns that only when its own timeout expires. A failed try is
 * retried after the retry policy's wait (models/retry.h) until max_tries.
 * Join time is request to first frame: the control-plane wait plus the
 * download of the startup media at the lowest rung at the joiner's access
 * throughput (plus, for a live stream, the origin fetch when the joiner's
 * OCA has no viewers yet). That first-frame term is an estimate, not the
 * flow model: the approximation of scenarios/README.md.
 *
 * Premiere: an admitted joiner opens an ordinary player session of the
 * premiere title (without a second control-plane call), so its bytes, tiers
 * and QoE are the flow model's. Pre-positioned: the title is in the fill
 * forecast before release, as hot as the region's most wanted title
 * (models/forecast.c; static placement places it first); not: no
 * placement holds it before release, so its sessions go to origin.
 *
 * Live streams: encoded on the scenario's fixed AVC ladder (a live
 * encoder has no per-title analysis to run). An aggregate model per
 * segment, not per viewer. Viewers
 * stay from their join to the event's end at the rung their access allows
 * (abr_safety x access, capped by load shedding). Every segment time each
 * OCA with viewers requests the new segment once per rung; the viewers'
 * requests are spread uniformly over one segment time (players poll at
 * their own phase). The first request misses and fetches from origin; the
 * fetch takes max(bytes / fetch_rate, bytes of all this segment's fetches /
 * origin egress). With collapsing the other requests wait on that fetch;
 * without, every request arriving while it is in flight is a miss of its
 * own: (n - 1) x min(1, fetch / segment) expected extra fetches, solved
 * with the fetch time by fixed-point iteration. Viewers play `latency`
 * behind the edge: a segment later than that stalls everyone served and
 * the lag grows by the stall (no catch-up); an origin that needs more than
 * a segment time to send one segment's fetches stalls everyone by the
 * excess at every segment. An OCA whose egress (live plus
 * its VOD flows) is over capacity delivers a segment in segment x
 * utilization, and its viewers stall for the excess. The origin fetches do
 * not take capacity from the VOD flows of the flow model. */
#include "models/live.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "models/control_plane.h"
#include "models/placement.h"
#include "models/player.h"
#include "models/retry.h"
#include "models/shed.h"
#include "sim/results.h"
#include "sim/rng.h"

#define BURST_FLAG (UINT64_C(1) << 32)

static struct live_second *second_at(struct live_event *e, simtime t)
{
    simtime x = t - e->c->at;
    if (x < -(simtime)LIVE_TS_BEFORE * SIM_US_PER_S)
        return NULL;
    int64_t k = (x + (simtime)LIVE_TS_BEFORE * SIM_US_PER_S) / SIM_US_PER_S;
    return k < LIVE_TS_LEN ? &e->ts[k] : NULL;
}

#define TS(e, t, field, add) do { struct live_second *s_ = second_at(e, t); if (s_) s_->field += (add); } while (0)

/* Join profile density of the burst at x microseconds after `at`. */
static double burst_density(const struct cfg_live *c, double x)
{
    double j = (double)c->jitter;
    if (x < 0 || j <= 0)
        return 0;
    if (c->jitter_dist == JITTER_UNIFORM)
        return x < j ? 1 / j : 0;
    return exp(-x / j) / j;
}

static double rate_at(const struct live_event *e, int i, double x)
{
    double r = e->burst_n[i] * burst_density(e->c, x);
    if (x >= 0 && x < (double)e->c->length)
        r += e->rest_rate[i];
    return r;
}

/* The next thinned arrival of ISP i after t, or SIM_TIME_MAX. */
static simtime next_arrival(struct world *w, struct live_event *e, int i, simtime t)
{
    const struct cfg_live *c = e->c;
    double jmax = c->jitter > 0 ? e->burst_n[i] / (double)c->jitter : 0;
    double lmax = jmax + e->rest_rate[i];
    if (lmax <= 0)
        return SIM_TIME_MAX;
    double tail = c->jitter_dist == JITTER_UNIFORM ? (double)c->jitter : 30.0 * (double)c->jitter;
    double stop = (double)c->at + fmax((double)c->length, tail);
    double x = (double)t;
    for (;;) {
        x += gsl_ran_exponential(e->arrivals[i], 1 / lmax);
        if (x >= stop || x >= (double)w->engine->end)
            return SIM_TIME_MAX;
        simtime at = (simtime)ceil(x);
        if (gsl_rng_uniform(e->arrivals[i]) * lmax < rate_at(e, i, (double)(at - c->at)))
            return at;
    }
}

static uint32_t live_oca(const struct world *w, int isp, gsl_rng *r)
{
    const struct isp *ip = &w->isps[isp];
    int site = -1;
    if (ip->nembedded > 0)
        site = ip->embedded[0];
    else if (w->sc->isps[isp].npeering > 0)
        site = w->sc->isps[isp].peering[0].ix_site;
    if (site < 0 || w->sites[site].noca == 0)
        return w->nocas;
    return w->sites[site].first_oca + (uint32_t)gsl_rng_uniform_int(r, w->sites[site].noca);
}

static int push_joiner(struct world *w, int ev, int isp, int burst)
{
    struct live *L = w->live;
    struct live_event *e = &L->ev[ev];
    if (L->nj == L->capj) {
        uint32_t cap = L->capj ? L->capj * 2 : 4096;
        struct live_joiner *p = realloc(L->j, cap * sizeof *p);
        if (!p)
            return -1;
        L->j = p;
        L->capj = cap;
    }
    gsl_rng *r = e->arrivals[isp];
    struct live_joiner *j = &L->j[L->nj];
    memset(j, 0, sizeof *j);
    j->first = w->engine->now;
    j->isp = (uint16_t)isp;
    j->event = (uint8_t)ev;
    double u = gsl_rng_uniform(r);
    int t = 0;
    while (t < LIVE_TIERS - 1 && u >= e->tier_cdf[isp * LIVE_TIERS + t])
        t++;
    j->tier = (uint8_t)t;
    const struct cfg_access *a = &w->sc->isps[isp].access;
    j->access_bps = (float)exp(log(a->median_bps) + a->sigma * gsl_ran_ugaussian(r));
    j->prefetched = (uint8_t)(gsl_rng_uniform(r) < e->c->prefetch && burst);
    j->oca = e->c->kind == LIVE_STREAM ? live_oca(w, isp, r) : NONE;
    L->nj++;
    TS(e, j->first, arrivals, 1);
    engine_at(w->engine, j->first, EV_LIVE_TRY, L->nj - 1, 0);
    return 0;
}

void live_on_arrival(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    int i = (int)ev->entity, k = (int)(ev->payload & 0xffffffffu);
    struct live_event *e = &w->live->ev[k];
    if (ev->payload & BURST_FLAG) {
        /* No jitter: the whole burst at one instant. */
        unsigned n = gsl_ran_poisson(e->arrivals[i], e->burst_n[i]);
        for (unsigned q = 0; q < n; q++)
            if (push_joiner(w, k, i, 1) != 0) {
                w->engine->failed = 1;
                return;
            }
        return;
    }
    double x = (double)(ev->time - e->c->at);
    double b = e->burst_n[i] * burst_density(e->c, x);
    double tot = rate_at(e, i, x);
    int burst = tot > 0 && gsl_rng_uniform(e->arrivals[i]) * tot < b;
    if (push_joiner(w, k, i, burst) != 0) {
        w->engine->failed = 1;
        return;
    }
    simtime next = next_arrival(w, e, i, ev->time);
    if (next != SIM_TIME_MAX)
        engine_at(w->engine, next, EV_LIVE_ARRIVAL, (uint32_t)i, (uint64_t)k);
}

/* Utilization of where joiner j's segments would come from. */
static double target_util(const struct world *w, const struct live_joiner *j)
{
    const struct live_event *e = &w->live->ev[j->event];
    if (e->c->kind == LIVE_STREAM) {
        if (j->oca >= w->nocas)
            return 0;
        const struct resource *r = &w->net.res[j->oca];
        double live_bps = 0;
        const double *cnt = &e->count[(size_t)j->oca * (size_t)w->sc->encoding.nrungs];
        for (int k = 0; k < w->sc->encoding.nrungs; k++)
            live_bps += cnt[k] * w->sc->encoding.rung_bps[k];
        return r->capacity_bps > 0 ? (live_bps + r->committed_bps) / r->capacity_bps : 0;
    }
    struct steer_list l;
    control_plane_rank(w, j->isp, (uint32_t)e->c->title, 1, &l);
    return l.n > 0 ? w->cp->util[l.e[0].res0] : 0;
}

static void try_failed(struct world *w, uint32_t id, simtime known_at)
{
    struct live *L = w->live;
    struct live_joiner *j = &L->j[id];
    struct live_event *e = &L->ev[j->event];
    if (j->tries >= e->c->retry.max_tries) {
        L->failed++;
        TS(e, known_at, failed, 1);
        return;
    }
    simtime wait = retry_policy(e->c->retry.policy)->wait(&e->c->retry, j->tries,
                                                         e->retries[j->isp]);
    L->retries++;
    engine_at(w->engine, known_at + wait, EV_LIVE_TRY, id, 0);
}

static int push_join_time(struct live *L, double s)
{
    if (L->njoin == L->capjoin) {
        size_t cap = L->capjoin ? L->capjoin * 2 : 4096;
        float *p = realloc(L->join_s, cap * sizeof *p);
        if (!p)
            return -1;
        L->join_s = p;
        L->capjoin = cap;
    }
    L->join_s[L->njoin++] = (float)s;
    return 0;
}

static int rung_for(const struct world *w, double access_bps)
{
    int r = 0;
    for (int k = 1; k < w->sc->encoding.nrungs; k++)
        if (w->sc->encoding.rung_bps[k] <= access_bps * w->sc->player.abr_safety)
            r = k;
    return r;
}

/* Joiner id is in: it reaches its first frame, and (premiere) plays. */
static int admit(struct world *w, uint32_t id)
{
    struct live *L = w->live;
    struct live_joiner *j = &L->j[id];
    struct live_event *e = &L->ev[j->event];
    const struct scenario *sc = w->sc;
    simtime now = w->engine->now;
    double first_frame = sc->encoding.rung_bps[0] * simtime_to_s(sc->player.startup) /
                         j->access_bps;
    int nr = sc->encoding.nrungs;
    e->viewers++;
    if (e->c->kind == LIVE_STREAM) {
        double *cnt = &e->count[(size_t)j->oca * (size_t)nr];
        double here = 0;
        for (int k = 0; k < nr; k++)
            here += cnt[k];
        if (here == 0 || j->oca >= w->nocas)
            first_frame += e->last_fetch_us / 1e6;
        int r = rung_for(w, j->access_bps);
        int cap = shed_policy(e->c->shed.policy)->rung_cap(&e->c->shed, target_util(w, j), nr);
        cnt[r < cap ? r : cap] += 1;
    }
    if (push_join_time(L, simtime_to_s(now - j->first) + first_frame) != 0)
        return -1;
    TS(e, now, admitted, 1);
    if (e->c->kind == LIVE_PREMIERE) {
        /* Watch time from a counter-based draw keyed by the joiner, so it
         * does not depend on the order joins were admitted in. */
        double u = rng_hash_unit(rng_mix(sc->seed, RNG_LIVE, id));
        u = u < 1e-12 ? 1e-12 : u;
        double watch = exp(log((double)sc->demand.watch_median) +
                           sc->demand.watch_sigma * gsl_cdf_ugaussian_Pinv(u));
        double dur = (double)w->titles[e->c->title].duration;
        struct session_draw d = { .title = (uint32_t)e->c->title,
                                  .watch = (simtime)(watch < dur ? watch : dur),
                                  .access_bps = j->access_bps, .admitted = 1 };
        return player_open(w, j->isp, &d);
    }
    return 0;
}

void live_on_try(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    struct live *L = w->live;
    uint32_t id = ev->entity;
    struct live_joiner *j = &L->j[id];
    struct live_event *e = &L->ev[j->event];
    simtime now = ev->time;
    j->tries++;
    if (j->prefetched && j->tries == 1) {
        L->admitted_prefetch++;
        if (admit(w, id) != 0)
            w->engine->failed = 1;
        return;
    }
    L->offered++;
    TS(e, now, offered, 1);
    if (shed_policy(e->c->shed.policy)->refuse(&e->c->shed, target_util(w, j), j->tier)) {
        L->refused++;
        L->refused_tier[j->tier]++;
        TS(e, now, refused, 1);
        try_failed(w, id, now);
        return;
    }
    simtime at;
    if (control_plane_play(w, now, &at) != 0) {
        L->timed_out++;
        TS(e, now, timed_out, 1);
        try_failed(w, id, now + w->sc->control_plane.timeout);
        return;
    }
    L->admitted_cp++;
    double cap = w->sc->control_plane.capacity * w->sc->sample;
    double queued = cap > 0 ? (double)(w->cp->next_free - now) * cap / 1e6 : 0;
    if (queued > L->queue_peak)
        L->queue_peak = queued;
    struct live_second *s = second_at(e, now);
    if (s && queued > s->queue_peak)
        s->queue_peak = queued;
    if (at > now)
        engine_at(w->engine, at, EV_LIVE_ADMIT, id, 0);
    else if (admit(w, id) != 0)
        w->engine->failed = 1;
}

void live_on_admit(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    if (admit(w, ev->entity) != 0)
        w->engine->failed = 1;
}

/* One segment of live stream k produced now: origin fetches, stalls. */
void live_on_segment(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    struct live *L = w->live;
    struct live_event *e = &L->ev[ev->entity];
    const struct cfg_live *c = e->c;
    const struct scenario *sc = w->sc;
    simtime now = ev->time;
    if (now + c->segment < c->at + c->length)
        engine_at(w->engine, now + c->segment, EV_LIVE_SEGMENT, ev->entity, 0);
    int nr = sc->encoding.nrungs;
    double seg_s = simtime_to_s(c->segment);
    double origin_bps = w->net.res[w->origin_res].capacity_bps;
    const struct shed_policy *shed = shed_policy(c->shed.policy);
    /* Requests per (OCA, rung) after the rung cap, in place in a scratch
     * row per OCA; the fixed point needs them twice. */
    double total_viewers = 0, served_bytes_collapsed = 0;
    uint32_t nplaces = w->nocas + 1;
    double stall_weighted = 0;
    double *req = malloc((size_t)nplaces * (size_t)nr * sizeof *req);
    if (!req) {
        w->engine->failed = 1;
        return;
    }
    for (uint32_t o = 0; o < nplaces; o++) {
        double *cnt = &e->count[(size_t)o * (size_t)nr], *out = &req[(size_t)o * (size_t)nr];
        double live_bps = 0, n = 0;
        for (int k = 0; k < nr; k++) {
            live_bps += cnt[k] * sc->encoding.rung_bps[k];
            n += cnt[k];
            out[k] = 0;
        }
        if (n == 0)
            continue;
        total_viewers += n;
        double util = 0;
        if (o < w->nocas && w->net.res[o].capacity_bps > 0)
            util = (live_bps + w->net.res[o].committed_bps) / w->net.res[o].capacity_bps;
        int cap = shed->rung_cap(&c->shed, util, nr);
        double served_bps = 0;
        for (int k = 0; k < nr; k++)
            out[k < cap ? k : cap] += cnt[k];
        for (int k = 0; k < nr; k++)
            served_bps += out[k] * sc->encoding.rung_bps[k];
        if (o < w->nocas && w->net.res[o].capacity_bps > 0) {
            double u = (served_bps + w->net.res[o].committed_bps) / w->net.res[o].capacity_bps;
            if (u > 1)      /* the OCA cannot deliver a segment per segment time */
                stall_weighted += n * seg_s * (u - 1);
        }
        for (int k = 0; k < nr; k++)
            if (out[k] > 0)
                served_bytes_collapsed += sc->encoding.rung_bps[k] / 8 * seg_s;
    }
    if (total_viewers == 0) {
        free(req);
        return;
    }
    /* Fixed point between the fetch time and the number of fetches. */
    double fetch_s = 0, total_bytes = served_bytes_collapsed, fetches = 0;
    for (int it = 0; it < 8; it++) {
        double origin_s = origin_bps > 0 ? total_bytes * 8 / origin_bps : INFINITY;
        double bytes = 0;
        fetches = 0;
        fetch_s = 0;
        for (uint32_t o = 0; o < nplaces; o++)
            for (int k = 0; k < nr; k++) {
                double n = req[(size_t)o * (size_t)nr + (size_t)k];
                if (n <= 0)
                    continue;
                double b = sc->encoding.rung_bps[k] / 8 * seg_s;
                double f = fmax(b * 8 / c->fetch_bps, origin_s);
                if (f > fetch_s)
                    fetch_s = f;
                double per;
                if (o == w->nocas)
                    per = n;                            /* no cache: every viewer fetches */
                else if (c->collapsing)
                    per = 1;
                else
                    per = 1 + (n - 1) * fmin(1, f / seg_s);
                fetches += per;
                bytes += per * b;
                if (it == 7 && o < w->nocas && per > e->max_fetches_per_file)
                    e->max_fetches_per_file = per;
            }
        total_bytes = bytes;
    }
    free(req);
    e->fetches_total += fetches;
    e->segments_files += 1;
    e->last_fetch_us = fetch_s * 1e6;
    double rate = fmin(origin_bps, total_bytes * 8 / fmax(seg_s, fetch_s));
    L->origin_bytes += total_bytes;
    if (rate > L->origin_peak_bps)
        L->origin_peak_bps = rate;
    struct live_second *s = second_at(e, now);
    if (s)
        s->origin_bps = rate;
    /* Stalls: a segment later than the viewers' lag behind the edge
     * (everyone, once: the lag grows by it); an origin that cannot send a
     * segment's fetches in a segment time (everyone, every segment: the
     * throughput deficit); overloaded OCAs (their viewers). */
    double stall_us = 0;
    if (fetch_s * 1e6 > e->lag_us) {
        stall_us = fetch_s * 1e6 - e->lag_us;
        e->lag_us = fetch_s * 1e6;
    }
    double origin_s = origin_bps > 0 ? total_bytes * 8 / origin_bps : INFINITY;
    if (origin_s > seg_s)
        stall_us += (origin_s - seg_s) * 1e6;
    L->rebuffer_us += total_viewers * stall_us + stall_weighted * 1e6;
    L->watched_us += total_viewers * (double)c->segment;
}

void live_on_end(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    struct live_event *e = &w->live->ev[ev->entity];
    if (e->count)
        memset(e->count, 0, (size_t)(w->nocas + 1) * (size_t)w->sc->encoding.nrungs *
                                sizeof *e->count);
    e->viewers = 0;
}

int live_init(struct world *w)
{
    const struct scenario *sc = w->sc;
    if (sc->nlive == 0)
        return 0;
    struct live *L = calloc(1, sizeof *L);
    if (!L)
        return -1;
    w->live = L;
    L->nevents = sc->nlive;
    if (!(L->ev = calloc((size_t)sc->nlive, sizeof *L->ev)))
        return -1;
    for (int k = 0; k < sc->nlive; k++) {
        struct live_event *e = &L->ev[k];
        const struct cfg_live *c = &sc->live[k];
        e->c = c;
        size_t ni = (size_t)(w->nisps ? w->nisps : 1);
        e->arrivals = calloc(ni, sizeof *e->arrivals);
        e->retries = calloc(ni, sizeof *e->retries);
        e->burst_n = calloc(ni, sizeof *e->burst_n);
        e->rest_rate = calloc(ni, sizeof *e->rest_rate);
        e->tier_cdf = calloc(ni * LIVE_TIERS, sizeof *e->tier_cdf);
        if (!e->arrivals || !e->retries || !e->burst_n || !e->rest_rate || !e->tier_cdf)
            return -1;
        if (c->kind == LIVE_STREAM) {
            e->count = calloc((size_t)(w->nocas + 1) * (size_t)sc->encoding.nrungs,
                              sizeof *e->count);
            if (!e->count)
                return -1;
            e->lag_us = (double)c->latency;
            engine_at(w->engine, c->at + c->segment, EV_LIVE_SEGMENT, (uint32_t)k, 0);
            engine_at(w->engine, c->at + c->length, EV_LIVE_END, (uint32_t)k, 0);
        }
        for (int i = 0; i < w->nisps; i++) {
            uint64_t sid = (uint64_t)k << 20 | (uint64_t)i;
            e->arrivals[i] = rng_stream_create(sc->seed, RNG_LIVE, sid);
            e->retries[i] = rng_stream_create(sc->seed, RNG_LIVE_RETRY, sid);
            if (!e->arrivals[i] || !e->retries[i])
                return -1;
            int region = w->isps[i].region;
            double n = 0;
            double *cdf = &e->tier_cdf[(size_t)i * LIVE_TIERS];
            for (int a = 0; a < c->naudience; a++)
                if (c->audience[a].region == region) {
                    n += c->audience[a].viewers;
                    double acc = 0;
                    for (int t = 0; t < LIVE_TIERS; t++)
                        cdf[t] = acc += c->audience[a].tier_share[t];
                }
            n *= sc->sample * sc->isps[i].share;
            e->burst_n[i] = n * c->burst;
            e->rest_rate[i] = n * (1 - c->burst) / (double)c->length;
            if (c->jitter == 0 && e->burst_n[i] > 0)
                engine_at(w->engine, c->at, EV_LIVE_ARRIVAL, (uint32_t)i,
                          (uint64_t)k | BURST_FLAG);
            simtime first = next_arrival(w, e, i, c->at);
            if (first != SIM_TIME_MAX)
                engine_at(w->engine, first, EV_LIVE_ARRIVAL, (uint32_t)i, (uint64_t)k);
        }
    }
    return 0;
}

void live_destroy(struct world *w)
{
    struct live *L = w->live;
    if (!L)
        return;
    for (int k = 0; L->ev && k < L->nevents; k++) {
        struct live_event *e = &L->ev[k];
        for (int i = 0; i < w->nisps; i++) {
            if (e->arrivals)
                rng_stream_destroy(e->arrivals[i]);
            if (e->retries)
                rng_stream_destroy(e->retries[i]);
        }
        free(e->arrivals);
        free(e->retries);
        free(e->burst_n);
        free(e->rest_rate);
        free(e->tier_cdf);
        free(e->count);
    }
    free(L->ev);
    free(L->j);
    free(L->join_s);
    free(L);
    w->live = NULL;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static double quantile(const float *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    size_t i = (size_t)ceil(q * (double)n);
    return v[i > 0 ? i - 1 : 0];
}

/* Offered requests over first tries in the seconds the control plane was
 * turning requests away: the storm's amplification while saturated. */
static double storm_ratio(const struct live *L)
{
    double offered = 0, arrivals = 0;
    for (int k = 0; k < L->nevents; k++)
        for (int s = 0; s < LIVE_TS_LEN; s++)
            if (L->ev[k].ts[s].timed_out > 0) {
                offered += L->ev[k].ts[s].offered;
                arrivals += L->ev[k].ts[s].arrivals;
            }
    return arrivals > 0 ? offered / arrivals : NAN;
}

double live_storm_ratio(const struct world *w)
{
    return w->live ? storm_ratio(w->live) : NAN;
}

int live_write(struct world *w)
{
    struct live *L = w->live;
    if (!L || !w->results)
        return 0;
    qsort(L->join_s, L->njoin, sizeof *L->join_s, cmp_float);
    double joins = (double)L->njoin;
    double fetch_per_file = 0;
    for (int k = 0; k < L->nevents; k++)
        if (L->ev[k].max_fetches_per_file > fetch_per_file)
            fetch_per_file = L->ev[k].max_fetches_per_file;
    struct { const char *name; double value; } m[] = {
        { "live.joins", joins },
        { "live.join_p50_s", quantile(L->join_s, L->njoin, 0.50) },
        { "live.join_p99_s", quantile(L->join_s, L->njoin, 0.99) },
        { "live.failed_joins", (double)L->failed },
        { "live.retries_per_join", L->nj ? (double)L->retries / (double)L->nj : NAN },
        { "live.cp_queue_peak", L->queue_peak },
        { "live.offered_to_admitted", L->admitted_cp ? (double)L->offered / (double)L->admitted_cp : NAN },
        { "live.offered_to_arrivals_saturated", storm_ratio(L) },
        { "live.refused", (double)L->refused },
        { "live.prefetched", (double)L->admitted_prefetch },
        { "live.origin_peak_gbps", L->origin_peak_bps / 1e9 },
        { "live.origin_bytes", L->origin_bytes },
        { "live.origin_fetches_per_file_max", fetch_per_file },
        { "live.rebuffer_ratio", L->watched_us + L->rebuffer_us > 0
              ? L->rebuffer_us / (L->watched_us + L->rebuffer_us) : NAN },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (results_summary(w->results, m[i].name, m[i].value, w->err) != 0)
            return -1;
    for (int k = 0; k < L->nevents; k++) {
        const struct live_event *e = &L->ev[k];
        double viewers = 0;
        for (int s = 0; s < LIVE_TS_LEN; s++) {
            const struct live_second *x = &e->ts[s];
            viewers += x->admitted;
            simtime t = e->c->at + (simtime)(s - LIVE_TS_BEFORE) * SIM_US_PER_S;
            if (t < 0 || t >= w->engine->end)
                continue;
            struct live_ts_row row = { simtime_to_s(t), e->c->id, x->arrivals, x->offered,
                                       x->admitted, x->refused, x->timed_out, x->failed,
                                       x->queue_peak, viewers, x->origin_bps / 1e9 };
            if (results_live_ts(w->results, &row, w->err) != 0)
                return -1;
        }
    }
    return 0;
}
