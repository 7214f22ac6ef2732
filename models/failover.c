/* models/failover.c: client failover down the ranked list (issue #6).
 *
 * A session does not keep its list (a 176-byte session has no room for
 * it): it keeps its current place (res, tier) and in `url` how many URLs
 * of this download have failed. When its place fails it asks the control
 * plane for the list again and takes the entry after the failed place, or
 * the first entry when the control plane has dropped that place since (its
 * report came in); past the end of the list the session fails. A client
 * holding its original list would walk the same entries while no report
 * arrives; after one, it could try an entry the fresh list no longer has:
 * the approximation stated in scenarios/README.md. A dead place gives no
 * bytes and no error, so the client waits the whole timeout before moving
 * on ("no bytes for timeout"); a degraded one still delivers and is not
 * abandoned: that is the control plane's job (overload, drain). */
#include "models/failover.h"

#include "models/control_plane.h"
#include "models/fault.h"
#include "models/network.h"
#include "models/placement.h"
#include "models/player.h"
#include "sim/rng.h"

void failover_session_opened(struct session *s)
{
    s->url = STEER_REROUTE;
    s->episode = 0;
    s->res[0] = s->res[1] = NONE;
}

int failover_play(struct world *w, uint32_t id)
{
    struct session *s = &w->sessions[id];
    simtime now = w->engine->now, at;
    if (control_plane_play(w, now, &at) != 0) {
        engine_at(w->engine, now + w->sc->control_plane.timeout, EV_PLAY_TIMEOUT, id, s->gen);
        return 1;
    }
    if (at > now) {
        engine_at(w->engine, at, EV_RESUME, id, s->gen);
        return 1;
    }
    return 0;
}

void failover_on_play_timeout(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    if (w->sessions[ev->entity].gen == (uint32_t)ev->payload)
        player_fail(w, ev->entity);
}

/* A stall episode is charged to one fault (session.episode = its index
 * + 1): a failover episode, from the session's first URL that failed on
 * the fault's target to its next download that completes (or its end); a
 * degraded download, from the start of a download from a place a fault
 * degrades (oca_degrade, oca_leak, oca_errors, link_degrade) to its end.
 * The stall of the episode is the session's rebuffer at its end minus at
 * its start (models/fault.c). One episode at a time: a failover during a
 * degraded download stays charged to the degradation. */
static void episode_begin(struct world *w, struct session *s, int f)
{
    if (f < 0 || s->episode)
        return;
    player_drain(s, w->engine->now);
    s->episode = (uint8_t)(f + 1);
    fault_episode(w, f, -(double)s->rebuffer);
}

static void episode_end(struct world *w, struct session *s)
{
    if (s->episode) {
        fault_episode(w, s->episode - 1, s->rebuffer);
        s->episode = 0;
    }
    s->url &= (uint8_t)~STEER_URL_MASK;
}

/* Whether this download of an oca_errors target gets no bytes: a
 * counter-based draw per (session, segment, failover count), so paired
 * runs see the same failures where they make the same requests. */
static int download_fails(const struct world *w, uint32_t id, const struct session *s)
{
    uint64_t k = rng_mix(w->sc->seed, RNG_DOWNLOAD_ERRORS, (uint64_t)w->session_ids[id]);
    k = rng_mix(k, s->segments, s->failovers);
    return rng_hash_unit(k) < w->cp->fail_share[s->res[0]];
}

/* The session's URL gave nothing: wait the timeout, then the next one. */
static void wait_then_next(struct world *w, uint32_t id, uint32_t dead)
{
    struct session *s = &w->sessions[id];
    if (fault_note_failure(w, dead, id, 0) != 0)
        w->engine->failed = 1;
    if ((s->url & STEER_URL_MASK) == 0) {
        episode_begin(w, s, w->cp->res_fault[dead]);
        s->url |= 1;
    }
    engine_at(w->engine, w->engine->now + w->sc->steer.timeout, EV_RESUME, id, s->gen);
}

void failover_session_closing(struct world *w, uint32_t id)
{
    episode_end(w, &w->sessions[id]);
}

static uint32_t down_on_path(const struct world *w, const struct session *s)
{
    const uint8_t *down = w->cp->down;
    if (down[s->res[0]])
        return s->res[0];
    if (s->res[1] != NONE && down[s->res[1]])
        return s->res[1];
    return NONE;
}

/* Where the client goes after its current place failed: the entry after
 * that place in the fresh list; the first entry when the control plane
 * has dropped that place since (reported down); past the end when it was
 * the last. */
static int next_after(const struct steer_list *l, const struct session *s)
{
    for (int i = 0; i < l->n; i++)
        if (l->e[i].res0 == s->res[0] && l->e[i].res1 == s->res[1])
            return i + 1;
    return 0;
}

int failover_download(struct world *w, uint32_t id, double bytes, double media_bps)
{
    struct session *s = &w->sessions[id];
    const uint8_t *view = w->cp->view;
    uint8_t parity = w->cp->reports & 1 ? STEER_PARITY : 0;
    uint8_t sw = s->switches & 1 ? STEER_SWITCH : 0;
    uint8_t flags = 0;
    if (!(s->url & STEER_REROUTE))
        flags = view[s->res[0]] | (s->res[1] != NONE ? view[s->res[1]] : 0);
    /* The file of this segment (issue 5: a request is for a file). A real
     * client gets a ranked URL list per file (per stream) at play start, so
     * after a rung switch it fetches from the best place for the new file:
     * here, a switch since the last ask (switch parity) asks again. Asking
     * only when the current place lacks the file kept clients that opened
     * on the IX (startup rung not embedded) there for good. */
    int reask = (s->url & STEER_SWITCH) != sw && s->res[0] != NONE;   /* a new file */
    if ((s->url & (STEER_REROUTE | STEER_URL_MASK)) || (flags & VIEW_DOWN)
        || ((flags & (VIEW_DRAINED | VIEW_ERRORS)) && (s->url & STEER_PARITY) != parity)
        || (s->url & STEER_SWITCH) != sw) {
        /* Looked up only here: file_first is a cache miss per download
         * at a million sessions, and most downloads do not ask. */
        uint32_t file = placement_file_of_title(w, s->title, s->codec, s->rung);
        struct steer_list l;
        int failed = (s->url & STEER_URL_MASK) != 0;
        control_plane_rank(w, s->isp, file, failed ? STEER_LIST_MAX : 1, &l);
        int k = failed ? next_after(&l, s) : 0;
        if (k >= l.n) {
            /* Every URL failed: the session gives up. */
            if (s->res[0] != NONE) {
                uint32_t dead = down_on_path(w, s);
                if (fault_note_failure(w, dead != NONE ? dead : s->res[0], id, 1) != 0)
                    return -1;
            }
            player_fail(w, id);     /* its episode ends as it closes */
            return 0;
        }
        if (failed) {
            w->m.failovers++;
            if (s->failovers < UINT8_MAX)
                s->failovers++;
        }
        int first = s->res[0] == NONE;     /* the session's first place */
        s->res[0] = l.e[k].res0;
        s->res[1] = l.e[k].res1;
        s->tier = l.e[k].tier;
        s->url = (uint8_t)((s->url & STEER_URL_MASK) | parity | sw);
        if (first || reask)     /* placement's request counters and reactive caches (issue 5) */
            placement_on_request(w, s->isp, file, s->tier, s->res[0]);
    }
    uint32_t dead = down_on_path(w, s);
    if (dead != NONE) {
        wait_then_next(w, id, dead);
        return 0;
    }
    struct control_plane *cp = w->cp;
    if (s->res[0] < w->nocas)
        cp->requests[w->ocas[s->res[0]].site]++;
    cp->rep_downloads[s->res[0]]++;
    if (w->faults->nactive) {
        if (cp->nfailing && cp->fail_share[s->res[0]] > 0 && download_fails(w, id, s)) {
            /* Asked and failed: the OCA's recent errors, and no bytes. */
            cp->rep_errors[s->res[0]]++;
            wait_then_next(w, id, s->res[0]);
            return 0;
        }
        int f = cp->res_fault[s->res[0]];
        if (f < 0 && s->res[1] != NONE)
            f = cp->res_fault[s->res[1]];
        episode_begin(w, s, f);
    }
    return network_start(w, id, bytes, media_bps);
}

void failover_download_done(struct world *w, uint32_t id, double bytes, simtime took)
{
    struct session *s = &w->sessions[id];
    player_drain(s, w->engine->now);    /* the player's own drain is then a no-op */
    control_plane_telemetry(w, s->res[0], bytes, took, s->phase == PH_STALLED);
    if (w->faults->nactive)
        fault_note_bytes(w, id, bytes);
    if (s->episode | (s->url & STEER_URL_MASK))
        episode_end(w, s);
}

void failover_cut_resource(struct world *w, uint32_t r)
{
    struct network *n = &w->net;
    for (uint32_t fid = 0; fid < n->flow_top; fid++) {
        struct flow *f = &n->flows[fid];
        /* A fill transfer is no session's: on a downed resource it stalls
         * at rate 0 and resumes when the resource returns. */
        if (f->session == NONE || f->session == FLOW_FILL || (f->res[0] != r && f->res[1] != r))
            continue;
        uint32_t id = f->session;
        struct session *s = &w->sessions[id];
        player_drain(s, w->engine->now);
        double total = f->bytes, cut = network_cut(w, fid);
        /* What arrived of the segment stays the session's; the rest is
         * never delivered, and the retry asks for the whole segment. */
        player_credit(w, s, total - cut);
        w->m.bytes_cut += cut;
        s->gen++;                   /* its completion event, if any, is void */
        wait_then_next(w, id, r);
    }
}
