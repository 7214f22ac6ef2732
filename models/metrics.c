/* models/metrics.c: aggregation into rows and the run's summary.
 *
 * Periodic work is one event per metrics period for the whole world, never
 * one per session. Concurrency is time-weighted (an integral of live
 * sessions over the period), not sampled, so a period's mean is exact.
 * Summary metric names are the stable dotted names of DESIGN §7. */
#include "models/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/control_plane.h"
#include "models/cost.h"
#include "models/demand.h"
#include "models/encoding.h"
#include "models/failover.h"
#include "models/fault.h"
#include "models/live.h"
#include "models/network.h"
#include "models/placement.h"
#include "models/placement_int.h"
#include "models/player.h"
#include "sim/results.h"

#define WRITE(call) do { if (!w->write_failed && (call) != 0) w->write_failed = 1; } while (0)

static void region_touch(struct world *w, int r, simtime now)
{
    struct region *g = &w->regions[r];
    g->active_integral += (double)g->active * (double)(now - g->period_active_since);
    g->period_active_since = now;
}

void metrics_session_opened(struct world *w, int isp, int warm)
{
    int r = w->isps[isp].region;
    region_touch(w, r, w->engine->now);
    w->regions[r].active++;
    if (!warm)
        w->regions[r].arrivals++;
}

static int push_startup(struct metrics *m, float v)
{
    if (m->nstartup == m->startup_cap) {
        size_t cap = m->startup_cap ? m->startup_cap * 2 : 4096;
        float *p = realloc(m->startup_s, cap * sizeof *p);
        if (!p)
            return -1;
        m->startup_s = p;
        m->startup_cap = cap;
    }
    m->startup_s[m->nstartup++] = v;
    return 0;
}

void metrics_session_closed(struct world *w, uint32_t id, const char *outcome)
{
    struct session *s = &w->sessions[id];
    simtime now = w->engine->now;
    int r = w->isps[s->isp].region;
    region_touch(w, r, now);
    w->regions[r].active--;

    failover_session_closing(w, id);
    if (w->live)
        live_session_closed(w, id);
    struct metrics *m = &w->m;
    int completed = strcmp(outcome, "completed") == 0;
    if (completed)
        m->sessions_completed++;
    else if (strcmp(outcome, "failed") == 0)
        m->sessions_failed++;
    double startup = NAN;
    if (!s->warm && s->startup_at >= 0) {
        startup = simtime_to_s(s->startup_at - s->start);
        if (push_startup(m, (float)startup) != 0)
            w->write_failed = 1;
    }
    m->rebuffer_us += (double)s->rebuffer;
    m->played_us += (double)(s->fetched - s->buffer);
    w->regions[r].closed_stall_us += (double)s->rebuffer;
    w->regions[r].closed_played_us += (double)(s->fetched - s->buffer);
    m->switches += s->switches;
    m->bitrate_media += s->bitrate_media;
    m->fetched_us += (double)s->fetched;
    m->quality_media += s->quality_media;
    if (!w->results)
        return;
    struct session_row row = {
        .id = w->session_ids[id],
        .region = r, .isp = s->isp, .title = (int)s->title, .warm = s->warm,
        .start_s = simtime_to_s(s->start), .end_s = simtime_to_s(now),
        .outcome = outcome,
        .watch_s = simtime_to_s(s->watch),
        .startup_s = startup,
        .rebuffer_s = simtime_to_s(s->rebuffer), .rebuffer_count = s->rebuffer_count,
        .bitrate_mean_kbps = s->fetched > 0 ? s->bitrate_media / (double)s->fetched : NAN,
        .switches = s->switches, .segments = (int)s->segments,
        .bytes_embedded = s->bytes[TIER_EMBEDDED],
        .bytes_ix = s->bytes[TIER_IX],
        .bytes_origin = s->bytes[TIER_ORIGIN],
        .device = w->sc->devices.classes[s->device].id,
        .codec = codec_names[s->codec],
        .vmaf_mean = s->fetched > 0 ? s->quality_media / simtime_to_s(s->fetched) : NAN,
        .bytes_cdn = s->bytes[TIER_CDN],
        .failovers = s->failovers,
    };
    WRITE(results_session(w->results, &row, w->err));
}

/* Mean of the region's target over [a, b): the diurnal curve is linear
 * between whole hours, so the trapezoid rule on minute steps is exact when
 * the scenario starts on a whole minute. */
static double target_mean(const struct world *w, int r, simtime a, simtime b)
{
    int steps = (int)((b - a + SIM_US_PER_MIN - 1) / SIM_US_PER_MIN);
    if (steps < 1)
        steps = 1;
    double sum = 0;
    for (int k = 0; k < steps; k++) {
        simtime x0 = a + (b - a) * k / steps, x1 = a + (b - a) * (k + 1) / steps;
        sum += (demand_target(w, r, x0) + demand_target(w, r, x1)) / 2 * (double)(x1 - x0);
    }
    return sum / (double)(b - a);
}

/* Each region's stalled and played time up to now, summed over its closed
 * and its open sessions (in pool order: a fixed summation order). Open
 * sessions' clocks are read as a drain to now would leave them, so a
 * period's difference is exactly the stall and playback inside it. */
static void region_clocks(struct world *w, simtime now, double *stall_us, double *played_us)
{
    for (int r = 0; r < w->nregions; r++) {
        stall_us[r] = w->regions[r].closed_stall_us;
        played_us[r] = w->regions[r].closed_played_us;
    }
    for (uint32_t i = 0; i < w->session_cap; i++) {
        const struct session *s = &w->sessions[i];
        if (s->phase == PH_FREE)
            continue;
        simtime played, stalled;
        player_clocks_at(s, now, &played, &stalled);
        int r = w->isps[s->isp].region;
        stall_us[r] += (double)stalled;
        played_us[r] += (double)played;
    }
}

/* Rows for the period [m->period_start, now). */
static void flush_period(struct world *w, simtime now)
{
    struct metrics *m = &w->m;
    simtime a = m->period_start;
    if (now <= a)
        return;
    double len_s = simtime_to_s(now - a), t_s = simtime_to_s(a);
    double concurrent_all = 0;
    double *stall_us = calloc(2 * (size_t)w->nregions + 1, sizeof *stall_us);
    if (!stall_us) {
        w->write_failed = 1;
        return;
    }
    double *played_us = stall_us + w->nregions;
    region_clocks(w, now, stall_us, played_us);
    for (int r = 0; r < w->nregions; r++) {
        region_touch(w, r, now);
        struct region *g = &w->regions[r];
        double conc = g->active_integral / (double)(now - a);
        concurrent_all += conc;
        struct region_ts_row row = { t_s, r, conc, target_mean(w, r, a, now), g->arrivals,
                                     (stall_us[r] - g->period_stall_us) / 1e6,
                                     (played_us[r] - g->period_played_us) / 1e6 };
        g->period_stall_us = stall_us[r];
        g->period_played_us = played_us[r];
        if (w->results)
            WRITE(results_region_ts(w->results, &row, w->err));
        g->active_integral = 0;
        g->arrivals = 0;
    }
    free(stall_us);
    if (concurrent_all > m->peak_concurrent)
        m->peak_concurrent = concurrent_all;
    double served = 0, peering = 0, transit = 0;
    for (uint32_t r = 0; r < w->net.nres; r++) {
        if (r >= w->first_link_res && r < w->first_link_res + (uint32_t)w->nisps)
            transit += w->net.res[r].bytes_period * 8 / len_s;
        else if (r >= w->first_link_res + (uint32_t)w->nisps)
            peering += w->net.res[r].bytes_period * 8 / len_s;
        struct resource *res = &w->net.res[r];
        double bps = res->bytes_period * 8 / len_s;
        if (w->results && r < w->nocas) {
            struct oca *o = &w->ocas[r];
            struct oca_ts_row row = { t_s, (int)r, res->bytes_period, bps,
                                      bps / res->capacity_bps, (int)res->flows,
                                      o->requests_period, o->hits_period,
                                      o->stored_bytes + placement_cached_bytes(w, r) };
            WRITE(results_oca_ts(w->results, &row, w->err));
            o->requests_period = o->hits_period = 0;
        } else if (w->results && r >= w->first_link_res) {
            struct link_ts_row row = { t_s, (int)(r - w->first_link_res), res->bytes_period,
                                       bps, bps / res->capacity_bps };
            WRITE(results_link_ts(w->results, &row, w->err));
        }
        if (r < w->nocas || r == w->origin_res)
            served += bps;
        res->bytes_period = 0;
    }
    if (served > m->peak_egress_bps)
        m->peak_egress_bps = served;
    if (peering > m->peak_peering_bps)
        m->peak_peering_bps = peering;
    if (transit > m->peak_transit_bps)
        m->peak_transit_bps = transit;
    for (int k = 0; k < TIER_COUNT; k++) {
        struct tier_ts_row row = { t_s, tier_name[k], m->bytes_tier_period[k],
                                   m->bytes_tier_period[k] * 8 / len_s / 1e9 };
        if (w->results)
            WRITE(results_tier_ts(w->results, &row, w->err));
        m->bytes_tier_period[k] = 0;
    }
    m->period_start = now;
}

void metrics_on_tick(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    /* Flows progress only at share ticks; settle them so the period's bytes
     * are the bytes delivered in it. */
    network_settle(w, ev->time);
    flush_period(w, ev->time);
    engine_at(w->engine, ev->time + w->sc->metrics.period, EV_METRICS_TICK, 0, 0);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The p-quantile of sorted data by linear interpolation (Hyndman and Fan
 * type 7, as GSL's gsl_stats_quantile_from_sorted_data). */
static double quantile(const float *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)h;
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

/* The encoding metrics: quality, bytes and storage by codec, and the
 * catalog's saving against the fixed ladder. */
static int metrics_encoding_summary(struct world *w)
{
    struct metrics *m = &w->m;
    char name[64];
    double played_s = m->fetched_us / 1e6;
    WRITE(results_summary(w->results, "qoe.vmaf_mean", played_s > 0 ? m->quality_media / played_s
                                                                    : NAN, w->err));
    double storage[CODEC_COUNT] = {0}, all = 0;
    for (int t = 0; t < w->ntitles; t++)
        for (int k = 0; k < CODEC_COUNT; k++) {
            size_t l = encoding_ladder_index((uint32_t)t, k);
            for (int r = 0; r < w->enc->nrungs[l]; r++)
                storage[k] += encoding_file_bytes(w->enc, (uint32_t)t, k, r, w->titles[t].duration);
        }
    for (int k = 0; k < CODEC_COUNT; k++) {
        snprintf(name, sizeof name, "bytes.codec.%s", codec_names[k]);
        WRITE(results_summary(w->results, name, m->bytes_codec[k], w->err));
        snprintf(name, sizeof name, "storage.catalog_bytes.%s", codec_names[k]);
        WRITE(results_summary(w->results, name, storage[k], w->err));
        all += storage[k];
    }
    WRITE(results_summary(w->results, "storage.catalog_bytes", all, w->err));
    struct enc_saving sv;
    encoding_saving_vs_fixed(&w->sc->encoding, w->enc->complexity, w->ntitles, &sv);
    WRITE(results_summary(w->results, "encoding.bits_saved_vs_fixed", sv.bits_saved, w->err));
    WRITE(results_summary(w->results, "encoding.vmaf_fixed", sv.quality_fixed, w->err));
    WRITE(results_summary(w->results, "encoding.vmaf_per_title", sv.quality_per_title, w->err));
    return w->write_failed ? -1 : 0;
}

int metrics_finish(struct world *w)
{
    struct metrics *m = &w->m;
    flush_period(w, w->engine->now);
    if (!w->results)
        return w->write_failed ? -1 : 0;
    qsort(m->startup_s, m->nstartup, sizeof *m->startup_s, cmp_float);
    double total = 0;
    for (int k = 0; k < TIER_VIEW_COUNT; k++)
        total += m->bytes_tier[k];
    placement_flush_churn(w, -1, 0);
    struct placement_totals pt;
    placement_totals(w, &pt);
    double share = total > 0 ? 1 / total : 0;
    double watched_h = (m->played_us) / 3600e6;
    double transit_usd, cdn_usd, peak_peering, transit_bytes = 0;
    cost_totals(w, &transit_usd, &cdn_usd, &peak_peering);
    for (int i = 0; i < w->nisps; i++)
        transit_bytes += w->net.res[w->isps[i].transit_link].bytes_total;
    struct { const char *name; double value; } s[] = {
        { "bytes.embedded", m->bytes_tier[TIER_EMBEDDED] },
        { "bytes.fill", m->bytes_tier[TIER_FILL] },
        { "cache.byte_hit_ratio", pt.cache_bytes_requested > 0 ? pt.cache_bytes_hit / pt.cache_bytes_requested : NAN },
        { "cache.hit_ratio", pt.cache_requests ? (double)pt.cache_hits / (double)pt.cache_requests : NAN },
        { "placement.files_added", (double)pt.files_added },
        { "placement.files_evicted", (double)pt.files_evicted },
        { "storage.used_fraction", pt.storage > 0 ? pt.storage_used / pt.storage : NAN },
        { "bytes.ix", m->bytes_tier[TIER_IX] },
        { "bytes.origin", m->bytes_tier[TIER_ORIGIN] },
        { "bytes.total", total },
        { "bytes.transit", transit_bytes },
        { "bytes.cdn", m->bytes_tier[TIER_CDN] },
        { "cost.transit_usd", transit_usd / w->sc->sample },
        { "cost.cdn_usd", cdn_usd / w->sc->sample },
        { "offload.cdn", m->bytes_tier[TIER_CDN] * share },
        { "peak.peering_utilization", peak_peering },
        { "sessions.failovers", (double)m->failovers },
        { "sessions.play_timeouts", (double)w->cp->plays_timed_out },
        { "offload.embedded", m->bytes_tier[TIER_EMBEDDED] * share },
        { "offload.ix", m->bytes_tier[TIER_IX] * share },
        { "offload.origin", m->bytes_tier[TIER_ORIGIN] * share },
        { "peak.concurrent", m->peak_concurrent },
        { "peak.egress_gbps", m->peak_egress_bps / 1e9 },
        { "peak.peering_gbps", m->peak_peering_bps / 1e9 },
        { "peak.transit_gbps", m->peak_transit_bps / 1e9 },
        { "qoe.bitrate_mean_kbps", m->fetched_us > 0 ? m->bitrate_media / m->fetched_us : NAN },
        { "qoe.rebuffer_ratio", m->played_us + m->rebuffer_us > 0
              ? m->rebuffer_us / (m->played_us + m->rebuffer_us) : NAN },
        { "qoe.startup_p50_s", quantile(m->startup_s, m->nstartup, 0.50) },
        { "qoe.startup_p95_s", quantile(m->startup_s, m->nstartup, 0.95) },
        { "qoe.switches_per_hour", watched_h > 0 ? m->switches / watched_h : NAN },
        { "qoe.abandons", (double)m->abandons },
        { "bytes.abandoned", m->bytes_abandoned },
        { "sessions.completed", (double)m->sessions_completed },
        { "sessions.failed", (double)m->sessions_failed },
        { "sessions.started", (double)m->sessions_started },
        { "sessions.warm", (double)m->sessions_warm },
        { "sim.events", (double)w->engine->events },
        { "sim.segments", (double)m->segments },
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        WRITE(results_summary(w->results, s[i].name, s[i].value, w->err));
    WRITE(fault_write(w));
    WRITE(live_write(w));
    return metrics_encoding_summary(w);
}

int metrics_write_entities(struct world *w)
{
    const struct scenario *sc = w->sc;
    struct results *out = w->results;
    for (int r = 0; r < sc->nregions; r++) {
        struct region_row row = { r, sc->regions[r].id, sc->regions[r].utc_offset_s,
                                  sc->regions[r].subscribers };
        WRITE(results_region(out, &row, w->err));
    }
    for (int i = 0; i < sc->nisps; i++) {
        const struct cfg_isp *c = &sc->isps[i];
        struct isp_row row = { i, c->id, c->region, c->share, c->access.median_bps,
                               c->access.sigma, c->transit_bps };
        WRITE(results_isp(out, &row, w->err));
    }
    for (int s = 0; s < sc->nsites; s++) {
        const struct cfg_site *c = &sc->sites[s];
        struct site_row row = { s, c->id, c->kind == SITE_EMBEDDED ? "embedded" : "ix",
                                c->kind == SITE_EMBEDDED ? c->isp : -1, c->region, c->oca_count };
        WRITE(results_site(out, &row, w->err));
    }
    for (uint32_t o = 0; o < w->nocas; o++) {
        const struct oca *x = &w->ocas[o];
        const struct cfg_site *c = &sc->sites[x->site];
        struct oca_row row = { (int)o, (int)x->site, (int)(o - w->sites[x->site].first_oca),
                               c->oca_storage_bytes, c->oca_egress_bps,
                               x->stored_bytes, (int)x->titles_held };
        WRITE(results_oca(out, &row, w->err));
    }
    char name[2 * CFG_ID_MAX + 8];
    for (int i = 0; i < sc->nisps; i++) {
        snprintf(name, sizeof name, "%s/transit", sc->isps[i].id);
        struct link_row row = { i, name, "transit", i, -1, sc->isps[i].transit_bps };
        WRITE(results_link(out, &row, w->err));
    }
    for (int i = 0; i < sc->nisps; i++)
        for (int k = 0; k < sc->isps[i].npeering; k++) {
            const struct cfg_peering *p = &sc->isps[i].peering[k];
            snprintf(name, sizeof name, "%s/%s", sc->isps[i].id, sc->sites[p->ix_site].id);
            struct link_row row = { sc->nisps + (int)(w->peering_first[i] + (uint32_t)k),
                                    name, "peering", i, p->ix_site, p->capacity_bps };
            WRITE(results_link(out, &row, w->err));
        }
    if (sc->cdn.enabled) {
        struct link_row row = { (int)w->nlinks, "cdn", "cdn", -1, -1, sc->cdn.capacity_bps };
        WRITE(results_link(out, &row, w->err));
    }
    for (int t = 0; t < w->ntitles; t++) {
        const struct title *x = &w->titles[t];
        struct title_row row = { t, x->is_film ? "film" : "episode", simtime_to_s(x->duration),
                                 x->popularity, x->size_bytes, w->enc->complexity[t] };
        WRITE(results_title(out, &row, w->err));
    }
    const struct encoding *e = w->enc;
    for (int t = 0; t < w->ntitles && !w->write_failed; t++)
        for (int k = 0; k < CODEC_COUNT; k++) {
            size_t l = encoding_ladder_index((uint32_t)t, k);
            for (int r = 0; r < e->nrungs[l]; r++) {
                size_t i = encoding_first(e, (uint32_t)t, k) + (size_t)r;
                double bps = encoding_bps(e, (uint32_t)t, k)[r];
                struct rung_row row = { t, codec_names[k], r, bps / 1e3, e->width[i],
                                        e->height[i], e->quality[i] };
                WRITE(results_rung(out, &row, w->err));
            }
        }
    return w->write_failed ? -1 : 0;
}
