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
 * Join time is request to first frame, from the model: the control-plane
 * wait (tries, retries and the queue) plus, for a live stream, the manifest,
 * the origin fetch when the joiner's OCA has not the lowest rung, and the
 * startup segments at the lowest rung at the path's rate (models/
 * live_stream.c); for a premiere, the player session's own startup (the
 * flow model's), counted when the session closes.
 *
 * Premiere: an admitted joiner opens an ordinary player session of the
 * premiere title (without a second control-plane call), so its bytes, tiers
 * and QoE are the flow model's. Pre-positioned: the title is in the fill
 * forecast before release, as hot as the region's most wanted title
 * (models/forecast.c; static placement places it first); not: no
 * placement holds it before release, so its sessions go to origin.
 *
 * Live streams: encoded on the scenario's fixed AVC ladder (a live
 * encoder has no per-title analysis to run); the viewers are players held
 * in groups, their segments, origin fetches and deliveries load the flow
 * model's resources: models/live_stream.c. */
#include "models/live.h"
#include "models/live_stream.h"

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
    if (e->c->kind == LIVE_STREAM)
        return live_place_util(w, j->oca);
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

/* Premiere sessions get ids in increasing order: appended, searched. */
static int push_pending(struct live *L, int64_t session, double wait_s)
{
    if (L->npend == L->cappend) {
        size_t cap = L->cappend ? L->cappend * 2 : 4096;
        struct live_pending *p = realloc(L->pend, cap * sizeof *p);
        if (!p)
            return -1;
        L->pend = p;
        L->cappend = cap;
    }
    L->pend[L->npend++] = (struct live_pending){ session, (float)wait_s };
    return 0;
}

void live_session_closed(struct world *w, uint32_t id)
{
    struct live *L = w->live;
    int64_t sid = w->session_ids[id];
    size_t lo = 0, hi = L->npend;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (L->pend[mid].session < sid)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == L->npend || L->pend[lo].session != sid)
        return;
    const struct session *s = &w->sessions[id];
    L->pre_rebuffer_us += (double)s->rebuffer;
    L->pre_played_us += (double)(s->fetched - s->buffer);
    if (s->startup_at >= 0 &&
        push_join_time(L, L->pend[lo].wait_s + simtime_to_s(s->startup_at - s->start)) != 0)
        w->write_failed = 1;
}

/* Joiner id is in: it reaches its first frame, and (premiere) plays. */
static int admit(struct world *w, uint32_t id)
{
    struct live *L = w->live;
    struct live_joiner *j = &L->j[id];
    struct live_event *e = &L->ev[j->event];
    const struct scenario *sc = w->sc;
    simtime now = w->engine->now;
    double wait_s = simtime_to_s(now - j->first);
    e->viewers++;
    if (e->c->kind == LIVE_STREAM) {
        double first_frame = live_stream_join(w, e, j->isp, j->oca, j->access_bps);
        if (first_frame < 0 || push_join_time(L, wait_s + first_frame) != 0)
            return -1;
    }
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
        if (push_pending(L, w->next_session_id, wait_s) != 0)
            return -1;
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

/* One segment of live stream k produced now: models/live_stream.c. */
void live_on_segment(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    struct live_event *e = &w->live->ev[ev->entity];
    const struct cfg_live *c = e->c;
    simtime now = ev->time;
    if (now + c->segment < c->at + c->length)
        engine_at(w->engine, now + c->segment, EV_LIVE_SEGMENT, ev->entity, 0);
    if (live_stream_segment(w, e, now) != 0) {
        w->engine->failed = 1;
        return;
    }
    struct live_second *s = second_at(e, now);
    if (s)
        s->origin_bps = e->s.res_bps[w->origin_res];
}

void live_on_end(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    struct live_event *e = &w->live->ev[ev->entity];
    live_stream_end(w, e);
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
            if (live_stream_init(w, e) != 0)
                return -1;
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
        live_stream_free(w, e);
    }
    free(L->ev);
    free(L->j);
    free(L->join_s);
    free(L->pend);
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

/* Stalled over watched plus stalled, of the events' own viewers: live
 * streams' groups and premiere sessions (whole sessions). */
static double live_rebuffer_ratio(const struct live *L)
{
    double re = L->rebuffer_us + L->pre_rebuffer_us;
    double all = re + L->watched_us + L->pre_played_us;
    return all > 0 ? re / all : NAN;
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
        { "live.rebuffer_ratio", live_rebuffer_ratio(L) },
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
