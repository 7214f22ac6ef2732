/* models/fault.c: scheduled failures, their effects and their impact rows.
 *
 * Effects (DESIGN §4, issue #6):
 *   oca_down, site_down, link_down, origin_down: the resource is down: the
 *     flows on it stop delivering at once (their clients time out and fail
 *     over, models/failover.c) and a download sent to it later gets no
 *     bytes either; the control plane sees it at its next health report.
 *   oca_degrade, link_degrade: capacity x factor; the OCA or link reports
 *     its reduced capacity, so its utilization reads high.
 *   oca_errors: a share `rate` of the downloads asked of the OCA get no
 *     bytes (models/failover.c draws them); the OCA is up and reports them
 *     as its recent errors, which steering acts on (VIEW_ERRORS).
 *   Degradations, leaks and errors on one resource compose: capacity is
 *   nominal x the product of the active factors, the share of failed
 *   downloads 1 - the product of (1 - rate), recomputed from the faults
 *   still active whenever one starts or ends (refresh()).
 *   oca_leak: a firmware memory leak (the seed's story): egress decays with
 *     sustained load as 0.5^(L / half_life), L the seconds of full nominal
 *     egress served since the fault began, never below floor x nominal; the
 *     OCA still reports its nominal capacity, so it looks healthy. The
 *     restart at the end of `for` restores it. An approximation of a leak's
 *     shape (no published curve), stated in scenarios/README.md.
 *   control_plane_down: no play request is answered.
 *   region_evacuation: every session of the region asks for a new list at
 *     its next download and gets the `to` IX (over its ISP's transit).
 *
 * Impact. sessions_affected counts sessions whose download failed on the
 * faulted resource (or, for an evacuation, the sessions re-steered; for a
 * degradation, the flows on it when it began); rebuffer_added_s is the
 * stall of its episodes (models/failover.c): failover episodes, from a
 * session's first URL that failed on the target to the next download it
 * completes (or its end), and degraded downloads, from the target while
 * the fault holds it; measured on the session's own rebuffer clock.
 * bytes_moved is measured, not estimated: the bytes of downloads completed
 * during the fault, served from another tier than the session's home's,
 * to sessions whose home the fault hits (fault_note_bytes). */
#include "models/fault.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/control_plane.h"
#include "models/failover.h"
#include "models/network.h"
#include "sim/results.h"

int fault_init(struct world *w)
{
    struct faults *fs = calloc(1, sizeof *fs);
    if (!fs)
        return -1;
    w->faults = fs;
    fs->n = w->sc->nfaults;
    fs->f = calloc((size_t)(fs->n ? fs->n : 1), sizeof *fs->f);
    if (!fs->f)
        return -1;
    for (int i = 0; i < fs->n; i++) {
        const struct cfg_fault *c = &w->sc->faults[i];
        fs->f[i].seen_at = -1;
        fs->f[i].ended_at = -1;
        fs->f[i].leak_factor = 1;
        engine_at(w->engine, c->at, EV_FAULT, (uint32_t)i, 1);
        engine_at(w->engine, c->at + c->length, EV_FAULT, (uint32_t)i, 0);
    }
    return 0;
}

void fault_destroy(struct world *w)
{
    struct faults *fs = w->faults;
    if (!fs)
        return;
    for (int i = 0; fs->f && i < fs->n; i++)
        free(fs->f[i].affected);
    free(fs->f);
    free(fs);
    w->faults = NULL;
}

void fault_resource_name(const struct world *w, uint32_t r, char *buf, size_t n)
{
    const struct scenario *sc = w->sc;
    if (r < w->nocas) {
        uint32_t s = w->ocas[r].site;
        snprintf(buf, n, "%s/%u", sc->sites[s].id, r - w->sites[s].first_oca);
    } else if (r == w->origin_res) {
        snprintf(buf, n, "origin");
    } else if (w->cp && r == w->cp->cdn_res) {
        snprintf(buf, n, "cdn");
    } else {
        uint32_t l = r - w->first_link_res;
        if (l < (uint32_t)sc->nisps) {
            snprintf(buf, n, "%s/transit", sc->isps[l].id);
            return;
        }
        uint32_t p = l - (uint32_t)sc->nisps;
        for (int i = 0; i < sc->nisps; i++)
            if (p < w->peering_first[i + 1]) {
                snprintf(buf, n, "%s/%s", sc->isps[i].id,
                         sc->sites[sc->isps[i].peering[p - w->peering_first[i]].ix_site].id);
                return;
            }
        snprintf(buf, n, "resource %u", r);
    }
}

/* The k-th resource of the fault's target, NONE past the last. */
static uint32_t target_resource(const struct world *w, const struct cfg_fault *c, uint32_t k)
{
    switch (c->kind) {
    case FAULT_OCA_DOWN: case FAULT_OCA_DEGRADE: case FAULT_OCA_LEAK: case FAULT_OCA_ERRORS:
        return k == 0 ? w->ocas[c->target].resource : NONE;
    case FAULT_SITE_DOWN:
        return k < w->sites[c->target].noca ? w->ocas[w->sites[c->target].first_oca + k].resource
                                            : NONE;
    case FAULT_LINK_DOWN: case FAULT_LINK_DEGRADE:
        return k == 0 ? w->first_link_res + (uint32_t)c->target : NONE;
    case FAULT_ORIGIN_DOWN:
        return k == 0 ? w->origin_res : NONE;
    default:
        return NONE;
    }
}

/* Names as written in scenarios (sim/scenario_faults.c has the same list:
 * models never see the loader's tables). */
static const char *const kind_name[FAULT_KIND_COUNT] = {
    "oca_down", "oca_degrade", "oca_leak", "site_down", "link_down", "link_degrade",
    "origin_down", "control_plane_down", "region_evacuation", "oca_errors",
};

static const char *target_name(const struct cfg_fault *c)
{
    if (c->target_id[0])
        return c->target_id;
    return c->kind == FAULT_ORIGIN_DOWN ? "origin" : "control_plane";
}

static void snapshot(const struct world *w, double *t)
{
    for (int k = 0; k < TIER_COUNT; k++)
        t[k] = w->m.bytes_tier[k];
}

static int holds_down(enum fault_kind k)
{
    return k == FAULT_OCA_DOWN || k == FAULT_SITE_DOWN || k == FAULT_LINK_DOWN
           || k == FAULT_ORIGIN_DOWN;
}

static int touches(const struct world *w, const struct cfg_fault *c, uint32_t r)
{
    uint32_t t;
    for (uint32_t k = 0; (t = target_resource(w, c, k)) != NONE; k++)
        if (t == r)
            return 1;
    return 0;
}

/* Resource r's state from the faults active on it now: capacity nominal x
 * the product of the degrade and leak factors (the reported capacity only
 * the degrade factors: a leak is invisible), the share of downloads that
 * fail 1 - prod(1 - rate), and the fault failures there are charged to
 * (one holding it down first, then the latest to start). So overlapping
 * faults compose, and the end of one leaves the others in force. */
static void refresh(struct world *w, uint32_t r)
{
    struct control_plane *cp = w->cp;
    const struct faults *fs = w->faults;
    double cap = cp->nominal_bps[r], reported = cap, ok = 1;
    int holder = -1, holder_down = 0;
    for (int i = 0; i < fs->n; i++) {
        const struct cfg_fault *c = &w->sc->faults[i];
        const struct fault_state *f = &fs->f[i];
        if (!f->active || !touches(w, c, r))
            continue;
        int down = holds_down(c->kind);
        if (holder < 0 || down > holder_down
            || (down == holder_down && c->at >= w->sc->faults[holder].at)) {
            holder = i;
            holder_down = down;
        }
        if (c->kind == FAULT_OCA_DEGRADE || c->kind == FAULT_LINK_DEGRADE) {
            cap *= c->factor;
            reported *= c->factor;
        } else if (c->kind == FAULT_OCA_LEAK) {
            cap *= f->leak_factor;
        } else if (c->kind == FAULT_OCA_ERRORS) {
            ok *= 1 - c->error_rate;
        }
    }
    /* A resource held down carries nothing: sessions on it were cut and
     * wait for a new place, and fill transfers across it (which no
     * control plane steers) stall at rate 0 until it returns. */
    w->net.res[r].capacity_bps = cp->down[r] ? 0 : cap;
    cp->reported_bps[r] = reported;
    cp->res_fault[r] = (int16_t)holder;
    float share = (float)(1 - ok);
    if (share > 0 && !(cp->fail_share[r] > 0))
        cp->nfailing++;
    else if (!(share > 0) && cp->fail_share[r] > 0)
        cp->nfailing--;
    cp->fail_share[r] = share;
}

static void begin(struct world *w, int i)
{
    struct control_plane *cp = w->cp;
    const struct cfg_fault *c = &w->sc->faults[i];
    struct fault_state *f = &w->faults->f[i];
    simtime now = w->engine->now;
    network_settle(w, now);
    f->active = 1;
    w->faults->nactive++;
    snapshot(w, f->tier_start);
    control_plane_mark(w, MARK_FAULT_START, target_name(c), i);
    uint32_t r;
    for (uint32_t k = 0; (r = target_resource(w, c, k)) != NONE; k++) {
        switch (c->kind) {
        case FAULT_OCA_DEGRADE: case FAULT_LINK_DEGRADE:
            f->sessions_affected += w->net.res[r].flows;
            refresh(w, r);
            break;
        case FAULT_OCA_LEAK:
            f->leak_load_s = 0;
            f->leak_factor = 1;
            f->leak_last_bytes = w->net.res[r].bytes_total;
            refresh(w, r);
            break;
        case FAULT_OCA_ERRORS:
            refresh(w, r);
            break;
        default:
            cp->down[r]++;
            refresh(w, r);
            failover_cut_resource(w, r);
            break;
        }
    }
    if (c->kind == FAULT_CONTROL_PLANE_DOWN)
        cp->control_down++;
    if (c->kind == FAULT_REGION_EVACUATION) {
        cp->evacuated_to[c->target] = c->to_site;
        for (uint32_t id = 0; id < w->session_cap; id++)
            if (w->sessions[id].phase != PH_FREE && w->isps[w->sessions[id].isp].region == c->target)
                f->sessions_affected++;
        control_plane_reroute_region(w, c->target);
    }
}

static void end(struct world *w, int i)
{
    struct control_plane *cp = w->cp;
    const struct cfg_fault *c = &w->sc->faults[i];
    struct fault_state *f = &w->faults->f[i];
    simtime now = w->engine->now;
    network_settle(w, now);
    f->active = 0;
    w->faults->nactive--;
    f->ended_at = now;
    snapshot(w, f->tier_end);
    control_plane_mark(w, MARK_FAULT_END, target_name(c), i);
    uint32_t r;
    for (uint32_t k = 0; (r = target_resource(w, c, k)) != NONE; k++) {
        if (holds_down(c->kind))
            cp->down[r]--;
        refresh(w, r);
    }
    if (c->kind == FAULT_CONTROL_PLANE_DOWN)
        cp->control_down--;
    if (c->kind == FAULT_REGION_EVACUATION) {
        cp->evacuated_to[c->target] = -1;
        control_plane_reroute_region(w, c->target);
    }
}

void fault_on_event(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    if (ev->payload)
        begin(w, (int)ev->entity);
    else
        end(w, (int)ev->entity);
}

void fault_on_health(struct world *w, simtime now)
{
    struct faults *fs = w->faults;
    (void)now;
    for (int i = 0; i < fs->n; i++) {
        const struct cfg_fault *c = &w->sc->faults[i];
        struct fault_state *f = &fs->f[i];
        if (!f->active || c->kind != FAULT_OCA_LEAK)
            continue;
        uint32_t r = w->ocas[c->target].resource;
        struct resource *res = &w->net.res[r];
        double nominal = w->cp->nominal_bps[r];
        f->leak_load_s += (res->bytes_total - f->leak_last_bytes) * 8 / nominal;
        f->leak_last_bytes = res->bytes_total;
        f->leak_factor = pow(0.5, f->leak_load_s / simtime_to_s(c->leak_half_life));
        if (f->leak_factor < c->leak_floor)
            f->leak_factor = c->leak_floor;
        refresh(w, r);
    }
}

/* Whether fault c hits a session of ISP isp whose home is h. */
static int hits_home(const struct world *w, const struct cfg_fault *c, int isp,
                     const struct steer_entry *h)
{
    if (c->kind == FAULT_REGION_EVACUATION)
        return w->isps[isp].region == c->target;
    uint32_t r;
    for (uint32_t k = 0; (r = target_resource(w, c, k)) != NONE; k++)
        if (h->res0 == r || h->res1 == r)
            return 1;
    return 0;
}

void fault_note_bytes(struct world *w, uint32_t id, double bytes)
{
    const struct faults *fs = w->faults;
    const struct session *s = &w->sessions[id];
    struct steer_entry home;
    int have_home = 0;
    for (int i = 0; i < fs->n; i++) {
        struct fault_state *f = &fs->f[i];
        const struct cfg_fault *c = &w->sc->faults[i];
        if (!f->active || c->kind == FAULT_CONTROL_PLANE_DOWN)
            continue;
        if (!have_home) {
            control_plane_home(w, s->isp, s->title, &home);
            have_home = 1;
            if (home.tier == s->tier)
                return;
        }
        if (hits_home(w, c, s->isp, &home))
            f->bytes_moved += bytes;
    }
}

void fault_seen(struct world *w, int i, simtime now)
{
    if (i >= 0 && w->faults->f[i].seen_at < 0)
        w->faults->f[i].seen_at = now;
}

/* Counts session id (its database id) once per fault. */
static int mark_affected(struct world *w, struct fault_state *f, uint32_t id)
{
    uint64_t sid = (uint64_t)w->session_ids[id];
    size_t word = (size_t)(sid >> 6);
    if (word >= f->affected_words) {
        size_t n = f->affected_words ? f->affected_words : 1024;
        while (n <= word)
            n *= 2;
        uint64_t *p = realloc(f->affected, n * sizeof *p);
        if (!p)
            return -1;
        memset(p + f->affected_words, 0, (n - f->affected_words) * sizeof *p);
        f->affected = p;
        f->affected_words = n;
    }
    uint64_t bit = UINT64_C(1) << (sid & 63);
    if (!(f->affected[word] & bit)) {
        f->affected[word] |= bit;
        f->sessions_affected++;
    }
    return 0;
}

int fault_note_failure(struct world *w, uint32_t res, uint32_t id, int failed)
{
    int i = w->cp->res_fault[res];
    if (i < 0)
        return 0;
    struct fault_state *f = &w->faults->f[i];
    f->failovers += !failed;
    f->sessions_failed += failed;
    return mark_affected(w, f, id);
}

void fault_episode(struct world *w, int f, double rebuffer_us)
{
    w->faults->f[f].rebuffer_added_us += rebuffer_us;
}

int fault_write(struct world *w)
{
    struct faults *fs = w->faults;
    if (!w->results)
        return 0;
    simtime now = w->engine->now;
    for (int i = 0; i < fs->n; i++) {
        const struct cfg_fault *c = &w->sc->faults[i];
        struct fault_state *f = &fs->f[i];
        if (f->ended_at < 0) {
            if (f->active)
                snapshot(w, f->tier_end);
            f->ended_at = now;
        }
        /* The control plane's own fault hits no home: nothing to move. */
        double moved = c->kind == FAULT_CONTROL_PLANE_DOWN || c->at >= now ? NAN : f->bytes_moved;
        struct fault_row row = {
            .id = i, .kind = kind_name[c->kind],
            .target = target_name(c),
            .start_s = simtime_to_s(c->at), .end_s = simtime_to_s(c->at + c->length),
            .seen_s = f->seen_at >= 0 ? simtime_to_s(f->seen_at) : NAN,
            .sessions_affected = (int64_t)f->sessions_affected,
            .failovers = (int64_t)f->failovers, .sessions_failed = (int64_t)f->sessions_failed,
            .rebuffer_added_s = f->rebuffer_added_us / 1e6, .bytes_moved = moved,
        };
        if (!w->write_failed && results_fault(w->results, &row, w->err) != 0)
            w->write_failed = 1;
    }
    return w->write_failed ? -1 : 0;
}
