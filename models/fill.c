/* models/fill.c: the nightly fill windows.
 *
 * At its window's opening (local time of the site's region; placement's
 * fill_window, or the site's own) a site is planned (placement.c) and each
 * of its OCAs starts copying the files it misses, one transfer at a time,
 * best first. Sources in Open Connect's published order (DOMAIN.md §1.3):
 * a peer OCA of the same cluster that holds the file, then an IX the ISP
 * peers with that holds it (over the peering link), then the origin (over
 * the ISP's transit for an embedded site). Transfers are flows of the
 * network model (models/network.c) on the same resources as viewing, tier
 * "fill", capped at the OCA kind's fill rate.
 *
 * Caps: a transfer starts only if, at the fill rate cap, it would end
 * before the window closes and it keeps the night's bytes within the
 * kind's nightly volume; so per OCA and night, fill bytes <= min(window x
 * rate cap, volume cap) (tests/test_placement.c). A transfer slowed by
 * congestion may still run past the window: that is the evening-peak load
 * a late fill causes. A file becomes servable when its transfer completes;
 * files the new plan drops are evicted only when a transfer needs room.
 *
 * Sampling: a run with sample < 1 scales link capacities; a fill flow
 * carries size x sample bytes at rate cap x sample, so it takes as long as
 * the real one and loads links in proportion. */
#include "models/placement_int.h"

#include <math.h>

#include "models/control_plane.h"
#include "models/network.h"
#include "models/steering.h"

static int32_t window_start(const struct world *w, int site)
{
    const struct cfg_site *c = &w->sc->sites[site];
    return c->fill_start_s >= 0 ? c->fill_start_s : w->sc->place.fill_start_s;
}

static simtime window_length(const struct world *w, int site)
{
    const struct cfg_site *c = &w->sc->sites[site];
    int32_t a = c->fill_start_s >= 0 ? c->fill_start_s : w->sc->place.fill_start_s;
    int32_t b = c->fill_start_s >= 0 ? c->fill_end_s : w->sc->place.fill_end_s;
    int32_t len = ((b - a) % 86400 + 86400) % 86400;
    return (simtime)len * SIM_US_PER_S;
}

/* Seconds since the window of day 0 opened (local), at sim time t. */
static int64_t since_opening_s(const struct world *w, int site, simtime t)
{
    int region = w->sc->sites[site].region;
    return w->sc->start_unix + w->sc->regions[region].utc_offset_s + t / SIM_US_PER_S -
           window_start(w, site);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t fill_local_day(const struct world *w, int site, simtime t)
{
    return floor_div(since_opening_s(w, site, t), 86400);
}

simtime fill_next_window(const struct world *w, int site, simtime after)
{
    int64_t s = since_opening_s(w, site, after);
    int64_t into = s - floor_div(s, 86400) * 86400;     /* seconds since the last opening */
    simtime t = after - (simtime)into * SIM_US_PER_S - after % SIM_US_PER_S;
    while (t < after)
        t += 86400 * SIM_US_PER_S;
    return t;
}

/* The path of a transfer of file to oca: sets res0/res1. */
/* A source is skipped when the control plane's last report shows it (or
 * the link to it) down: fill sources come from the same health view as
 * steering, so a fault seen late may still stall a transfer (it resumes
 * when the resource returns: models/fault.c). */
static int reported_up(const struct world *w, uint32_t res0, uint32_t res1)
{
    const uint8_t *view = w->cp->view;
    return !(view[res0] & VIEW_DOWN) && (res1 == NONE || !(view[res1] & VIEW_DOWN));
}

static void choose_source(const struct world *w, uint32_t oca, uint32_t file, uint32_t *res0,
                          uint32_t *res1)
{
    int site = (int)w->ocas[oca].site;
    const struct site *st = &w->sites[site];
    uint32_t peer = placement_site_holder(w, site, file, oca - st->first_oca);
    if (peer != NONE && reported_up(w, w->ocas[st->first_oca + peer].resource, NONE)) {
        *res0 = w->ocas[st->first_oca + peer].resource;
        *res1 = NONE;
        return;
    }
    const struct cfg_site *cs = &w->sc->sites[site];
    if (cs->kind == SITE_EMBEDDED) {
        const struct cfg_isp *ci = &w->sc->isps[cs->isp];
        for (int k = 0; k < ci->npeering; k++) {
            int ix = ci->peering[k].ix_site;
            uint32_t j = placement_site_holder(w, ix, file, NONE);
            uint32_t link = w->peering_link[w->peering_first[cs->isp] + (uint32_t)k];
            if (j != NONE && reported_up(w, w->ocas[w->sites[ix].first_oca + j].resource, link)) {
                *res0 = w->ocas[w->sites[ix].first_oca + j].resource;
                *res1 = link;
                return;
            }
        }
        *res0 = w->origin_res;
        *res1 = w->isps[cs->isp].transit_link;
        return;
    }
    *res0 = w->origin_res;
    *res1 = NONE;
}

/* Evicts dropped files until `need` more bytes fit. 0, or -1 when the
 * dropped files are not enough. */
static int make_room(struct world *w, uint32_t oca, double need)
{
    struct placement *pl = w->placement;
    struct oca_place *op = &pl->o[oca];
    while (w->ocas[oca].stored_bytes + need > op->capacity * (1 + 1e-12)) {
        if (op->epos == op->nevict)
            return -1;
        uint32_t f = op->evict[op->epos++];
        if (!placement_holds_placed(w, oca, f))
            continue;
        placement_set_held(w, oca, f, 0);
        pl->files_evicted++;
        op->evicted_day++;
    }
    return 0;
}

static void start_next(struct world *w, uint32_t oca)
{
    struct placement *pl = w->placement;
    struct oca_place *op = &pl->o[oca];
    simtime now = w->engine->now;
    double sample = w->sc->sample;
    while (op->flow == NONE && op->qpos < op->nqueue) {
        uint32_t f = op->queue[op->qpos];
        double size = placement_file_size(w, f);
        if (placement_holds_placed(w, oca, f)) {
            op->qpos++;
            continue;
        }
        if (op->night_cap > 0 && op->night_bytes + size > op->night_cap)
            return;             /* the night's volume is spent */
        double at_cap_us = ceil(size * 8.0 / op->fill_rate_bps * 1e6);
        if ((double)now + at_cap_us > (double)op->window_end || make_room(w, oca, size) != 0) {
            op->qpos++;         /* does not fit tonight; a smaller file may */
            continue;
        }
        uint32_t res0, res1;
        choose_source(w, oca, f, &res0, &res1);
        uint32_t id = network_start_fill(w, oca, res0, res1, size * sample, op->fill_rate_bps * sample);
        if (id == NONE) {
            w->engine->failed = 1;
            return;
        }
        op->flow = id;
        op->file = f;
        op->night_bytes += size;
    }
}

void fill_on_start(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    int site = (int)ev->entity;
    simtime now = ev->time;
    engine_at(w->engine, fill_next_window(w, site, now + 1), EV_FILL_START, (uint32_t)site, 0);
    int64_t day = fill_local_day(w, site, now);
    placement_flush_churn(w, site, day);
    if (placement_plan_site(w, site, day) != 0) {
        w->engine->failed = 1;
        return;
    }
    const struct site *st = &w->sites[site];
    for (uint32_t k = 0; k < st->noca; k++) {
        struct oca_place *op = &w->placement->o[st->first_oca + k];
        op->night_bytes = 0;
        op->window_end = now + window_length(w, site);
        start_next(w, st->first_oca + k);
    }
}

void fill_on_done(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    uint32_t oca = ev->entity;
    struct placement *pl = w->placement;
    struct oca_place *op = &pl->o[oca];
    network_finish(w, (uint32_t)ev->payload);
    op->flow = NONE;
    double size = placement_file_size(w, op->file);
    pl->fill_bytes += size;
    if (!placement_holds_placed(w, oca, op->file)) {
        placement_set_held(w, oca, op->file, 1);
        pl->files_added++;
        op->added_day++;
    }
    op->fill_bytes_day += size;
    if (op->night_bytes > op->max_night_bytes)
        op->max_night_bytes = op->night_bytes;
    op->qpos++;
    start_next(w, oca);
}
