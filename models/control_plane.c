/* models/control_plane.c: health reports, the stale view, ranked lists, the
 * QoE drain and the play-request queue.
 *
 * Health reports are one event per health_period for the whole world
 * (DESIGN §2: periodic work is per aggregate, never per session). At each
 * report the view of every resource is rebuilt from what the resource
 * would say: down (faults), and its egress utilization, the committed rate
 * of its flows over the capacity it believes it has. A degraded OCA knows
 * its lost capacity; a leaking one does not (its firmware reports nominal
 * egress), so only the clients' telemetry can expose it: that is the QoE
 * drain. Between reports the view does not move.
 *
 * QoE drain: finished downloads report (bytes, time, stalled?) against the
 * cluster that served them; every drain window a cluster with enough
 * samples whose mean throughput is below min_throughput or whose share of
 * downloads that ended stalled is above max_stalled is drained: it moves
 * down every list. After `hold` it is undrained on probation; if its
 * figures are still bad at the next window it is drained again.
 *
 * Play requests: one FIFO server answering `capacity` requests per second;
 * a request that would wait past `timeout` is never answered (the client
 * has given up); none is answered while the control plane is down. */
#include "models/control_plane.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/fault.h"
#include "models/network.h"
#include "models/placement.h"
#include "models/steering.h"
#include "sim/results.h"

const char *const marker_kind_name[MARK_KIND_COUNT] = {
    "fault_start", "fault_end", "reported_down", "reported_up", "drain", "undrain",
    "reported_errors", "reported_clean",
};

int control_plane_init(struct world *w)
{
    struct control_plane *cp = calloc(1, sizeof *cp);
    if (!cp)
        return -1;
    w->cp = cp;
    uint32_t n = w->net.nres;
    size_t ns = (size_t)(w->nsites ? w->nsites : 1);
    cp->view = calloc(n, 1);
    cp->util = calloc(n, sizeof *cp->util);
    cp->down = calloc(n, 1);
    cp->nominal_bps = malloc(n * sizeof *cp->nominal_bps);
    cp->reported_bps = malloc(n * sizeof *cp->reported_bps);
    cp->res_fault = malloc(n * sizeof *cp->res_fault);
    cp->evacuated_to = malloc((size_t)(w->nregions ? w->nregions : 1) * sizeof *cp->evacuated_to);
    cp->tel_bytes = calloc(ns, sizeof *cp->tel_bytes);
    cp->tel_us = calloc(ns, sizeof *cp->tel_us);
    cp->tel_n = calloc(ns, sizeof *cp->tel_n);
    cp->tel_stalled = calloc(ns, sizeof *cp->tel_stalled);
    cp->drained_at = malloc(ns * sizeof *cp->drained_at);
    cp->requests = calloc(ns, sizeof *cp->requests);
    cp->rep_downloads = calloc(n, sizeof *cp->rep_downloads);
    cp->rep_errors = calloc(n, sizeof *cp->rep_errors);
    cp->error_rate = calloc(n, sizeof *cp->error_rate);
    cp->fail_share = calloc(n, sizeof *cp->fail_share);
    cp->errors_at = calloc(n, sizeof *cp->errors_at);
    if (!cp->rep_downloads || !cp->rep_errors || !cp->error_rate || !cp->fail_share
        || !cp->errors_at)
        return -1;
    if (!cp->view || !cp->util || !cp->down || !cp->nominal_bps || !cp->reported_bps
        || !cp->res_fault || !cp->evacuated_to || !cp->tel_bytes || !cp->tel_us || !cp->tel_n
        || !cp->tel_stalled || !cp->drained_at || !cp->requests)
        return -1;
    for (uint32_t r = 0; r < n; r++) {
        cp->nominal_bps[r] = cp->reported_bps[r] = w->net.res[r].capacity_bps;
        cp->res_fault[r] = -1;
    }
    for (int r = 0; r < w->nregions; r++)
        cp->evacuated_to[r] = -1;
    for (size_t s = 0; s < ns; s++)
        cp->drained_at[s] = -1;
    cp->cdn_res = w->sc->cdn.enabled ? w->first_link_res + w->nlinks : NONE;
    return 0;
}

void control_plane_destroy(struct world *w)
{
    struct control_plane *cp = w->cp;
    if (!cp)
        return;
    free(cp->view);
    free(cp->util);
    free(cp->down);
    free(cp->nominal_bps);
    free(cp->reported_bps);
    free(cp->res_fault);
    free(cp->evacuated_to);
    free(cp->tel_bytes);
    free(cp->tel_us);
    free(cp->tel_n);
    free(cp->tel_stalled);
    free(cp->drained_at);
    free(cp->requests);
    free(cp->rep_downloads);
    free(cp->rep_errors);
    free(cp->error_rate);
    free(cp->fail_share);
    free(cp->errors_at);
    free(cp);
    w->cp = NULL;
}

static void add(const struct world *w, struct steer_list *l, uint32_t res0, uint32_t res1,
                uint8_t tier)
{
    if (l->n == STEER_LIST_MAX)
        return;
    const struct control_plane *cp = w->cp;
    struct steer_entry *e = &l->e[l->n++];
    e->res0 = res0;
    e->res1 = res1;
    e->tier = tier;
    e->flags = (uint8_t)(cp->view[res0] | (res1 != NONE ? cp->view[res1] : 0));
    e->util = cp->util[res0];
}

/* The holders of file in site, in HRW order, at most STEER_PER_SITE. The
 * candidates are the site's placed copies when placement knows them
 * (placement_site_copies), else every OCA of the site, asked one by one
 * (static placement, reactive caches). */
static void add_site(const struct world *w, struct steer_list *l, int site, uint32_t file,
                     uint32_t link, uint8_t tier)
{
    const struct site *s = &w->sites[site];
    uint32_t best[STEER_PER_SITE], copies[64];
    uint64_t score[STEER_PER_SITE];
    int n = 0;
    int ncopies = placement_site_copies(w, site, file, copies);
    uint32_t ncand = ncopies >= 0 ? (uint32_t)ncopies : s->noca;
    for (uint32_t i = 0; i < ncand; i++) {
        uint32_t o = ncopies >= 0 ? copies[i] : s->first_oca + i;
        if (ncopies < 0 && !oca_holds(w, o, file))
            continue;
        uint64_t h = steering_hrw(file, o);
        if (n == STEER_PER_SITE && h <= score[n - 1])
            continue;
        int j = n < STEER_PER_SITE ? n++ : n - 1;
        while (j > 0 && score[j - 1] < h) {
            best[j] = best[j - 1];
            score[j] = score[j - 1];
            j--;
        }
        best[j] = o;
        score[j] = h;
    }
    for (int k = 0; k < n; k++)
        add(w, l, w->ocas[best[k]].resource, link, tier);
}

/* Whether the policy leaves proximity order as it is for this view. */
static int order_is_proximity(const struct world *w)
{
    enum steering_policy p = w->sc->steering;
    return p == STEERING_NEAREST || (p == STEERING_NEAREST_HEALTHY && w->cp->nflagged == 0);
}

void control_plane_rank(const struct world *w, int isp, uint32_t file, int need,
                        struct steer_list *out)
{
    const struct isp *ip = &w->isps[isp];
    const struct cfg_isp *ci = &w->sc->isps[isp];
    out->n = 0;
    int enough = order_is_proximity(w) ? need : STEER_LIST_MAX;
    int evac = w->cp->evacuated_to[ip->region];
    if (evac >= 0) {
        /* The region's caches are out: its clients reach the other region's
         * IX over their ISP's transit. */
        add_site(w, out, evac, file, ip->transit_link, TIER_IX);
    } else {
        for (int k = 0; k < ip->nembedded && out->n < enough; k++)
            add_site(w, out, ip->embedded[k], file, NONE, TIER_EMBEDDED);
        for (int k = 0; k < ci->npeering && out->n < enough; k++)
            add_site(w, out, ci->peering[k].ix_site, file,
                     w->peering_link[w->peering_first[isp] + (uint32_t)k], TIER_IX);
    }
    add(w, out, w->origin_res, ip->transit_link, TIER_ORIGIN);
    if (w->cp->cdn_res != NONE)
        add(w, out, w->cp->cdn_res, NONE, TIER_CDN);
    steering_policy(w->sc->steering)->order(w, out);
}

void control_plane_home(const struct world *w, int isp, uint32_t title, struct steer_entry *out)
{
    const struct isp *ip = &w->isps[isp];
    const struct cfg_isp *ci = &w->sc->isps[isp];
    struct steer_list l = { 0 };
    for (int k = 0; k < ip->nembedded && l.n == 0; k++)
        add_site(w, &l, ip->embedded[k], title, NONE, TIER_EMBEDDED);
    for (int k = 0; k < ci->npeering && l.n == 0; k++)
        add_site(w, &l, ci->peering[k].ix_site, title,
                 w->peering_link[w->peering_first[isp] + (uint32_t)k], TIER_IX);
    if (l.n == 0)
        add(w, &l, w->origin_res, ip->transit_link, TIER_ORIGIN);
    *out = l.e[0];
}

int control_plane_play(struct world *w, simtime now, simtime *answer_at)
{
    struct control_plane *cp = w->cp;
    const struct cfg_control_plane *c = &w->sc->control_plane;
    if (cp->control_down) {
        cp->plays_timed_out++;
        return -1;
    }
    if (c->capacity <= 0) {
        *answer_at = now;
        return 0;
    }
    simtime start = cp->next_free > now ? cp->next_free : now;
    /* Scaled by sample like every capacity: a sampled run sends that
     * fraction of the requests (issue #7's herds run sampled). */
    simtime service = (simtime)ceil(1e6 / (c->capacity * w->sc->sample));
    if (start + service - now > c->timeout) {
        cp->plays_timed_out++;
        return -1;
    }
    cp->next_free = start + service;
    *answer_at = start + service;
    return 0;
}

void control_plane_reroute_region(struct world *w, int r)
{
    for (uint32_t id = 0; id < w->session_cap; id++) {
        struct session *s = &w->sessions[id];
        if (s->phase != PH_FREE && (r < 0 || w->isps[s->isp].region == r))
            s->url |= STEER_REROUTE;
    }
}

void control_plane_mark(struct world *w, enum marker_kind kind, const char *target, int fault)
{
    if (!w->results || w->write_failed)
        return;
    struct marker_row row = { simtime_to_s(w->engine->now), w->cp->marker_seq++, marker_kind_name[kind],
                              target, fault };
    if (results_marker(w->results, &row, w->err) != 0)
        w->write_failed = 1;
}

/* The drain's verdict on every cluster at the end of a window. Returns 1
 * when a cluster came back (sessions should ask again). */
static int judge_drain(struct world *w, simtime now)
{
    struct control_plane *cp = w->cp;
    const struct cfg_steering *st = &w->sc->steer;
    int back = 0;
    for (int s = 0; s < w->nsites; s++) {
        int bad = 0;
        if (cp->tel_n[s] >= (uint32_t)st->drain_min_samples && cp->tel_us[s] > 0) {
            double bps = cp->tel_bytes[s] * 8 / (cp->tel_us[s] / 1e6);
            bad = bps < st->drain_min_bps
                  || (double)cp->tel_stalled[s] / cp->tel_n[s] > st->drain_max_stalled;
        }
        if (cp->drained_at[s] < 0 && bad) {
            cp->drained_at[s] = now;
            control_plane_mark(w, MARK_DRAIN, w->sc->sites[s].id, -1);
        } else if (cp->drained_at[s] >= 0 && !bad && now - cp->drained_at[s] >= st->drain_hold) {
            cp->drained_at[s] = -1;
            back = 1;
            control_plane_mark(w, MARK_UNDRAIN, w->sc->sites[s].id, -1);
        }
        cp->tel_bytes[s] = cp->tel_us[s] = 0;
        cp->tel_n[s] = cp->tel_stalled[s] = 0;
    }
    return back;
}

void control_plane_on_health(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    struct control_plane *cp = w->cp;
    const struct cfg_steering *st = &w->sc->steer;
    simtime now = ev->time;
    engine_at(w->engine, now + st->health_period, EV_HEALTH, 0, 0);
    fault_on_health(w, now);
    int back = 0;
    if (st->drain && now - cp->window_start >= st->drain_window) {
        back |= judge_drain(w, now);
        cp->window_start = now;
    }
    char name[2 * CFG_ID_MAX + 16];
    cp->nflagged = 0;
    cp->reports++;
    for (uint32_t r = 0; r < w->net.nres; r++) {
        const struct resource *res = &w->net.res[r];
        double u = cp->reported_bps[r] > 0 ? (res->committed_bps + res->live_bps) / cp->reported_bps[r] : 0;
        uint8_t v = 0;
        if (cp->down[r])
            v |= VIEW_DOWN;
        else if (u > st->overload)
            v |= VIEW_OVERLOADED;
        if (r < w->nocas && cp->drained_at[w->ocas[r].site] >= 0)
            v |= VIEW_DRAINED;
        /* Recent errors: what the resource failed since its last report.
         * A down one sends no report, so it carries none. */
        uint32_t asked = cp->rep_downloads[r], failed = cp->rep_errors[r];
        cp->error_rate[r] = asked ? (float)failed / (float)asked : 0;
        uint8_t was = cp->view[r];
        int judged = asked >= (uint32_t)st->error_min_downloads;
        if (v & VIEW_DOWN) {
        } else if (judged && (double)failed > st->error_max_rate * asked) {
            if (!(was & VIEW_ERRORS))
                cp->errors_at[r] = now;
            v |= VIEW_ERRORS;
        } else if ((was & VIEW_ERRORS) && !judged && now - cp->errors_at[r] < st->error_hold) {
            /* Moved down, it gets too few downloads to judge: the verdict
             * holds for errors.hold, then it is back on probation. */
            v |= VIEW_ERRORS;
        }
        cp->rep_downloads[r] = cp->rep_errors[r] = 0;
        if ((was ^ v) & VIEW_DOWN) {
            fault_resource_name(w, r, name, sizeof name);
            control_plane_mark(w, v & VIEW_DOWN ? MARK_REPORTED_DOWN : MARK_REPORTED_UP, name,
                               cp->res_fault[r]);
            if (v & VIEW_DOWN)
                fault_seen(w, cp->res_fault[r], now);
            else
                back = 1;
        }
        if ((was ^ v) & VIEW_ERRORS) {
            fault_resource_name(w, r, name, sizeof name);
            /* No reroute when it reads clean again: it is on probation,
             * and new requests find it (a place back from down gets its
             * load back at once). */
            control_plane_mark(w, v & VIEW_ERRORS ? MARK_REPORTED_ERRORS : MARK_REPORTED_CLEAN,
                               name, cp->res_fault[r]);
        }
        /* A degradation is seen when it reads as overloaded, drained or
         * failing. */
        if ((v & (VIEW_OVERLOADED | VIEW_DRAINED | VIEW_ERRORS)) && cp->res_fault[r] >= 0)
            fault_seen(w, cp->res_fault[r], now);
        cp->view[r] = v;
        cp->util[r] = (float)u;
        cp->nflagged += v != 0;
    }
    /* A place came back: clients ask for a fresh list at their next
     * download, so load returns (the scan is rare: status changes only). */
    if (back)
        control_plane_reroute_region(w, -1);
}
