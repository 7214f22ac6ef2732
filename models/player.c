/* models/player.c: player v1.
 *
 * One download at a time, segments of a fixed media duration, a buffer cap,
 * a startup threshold (play once the buffer holds it, and resume after a
 * stall the same way), rebuffering. The buffer is not ticked: it is
 * evaluated when an event touches the session (a download completes, the
 * buffer has room again, the session ends), and a stall is found then,
 * from the time the buffer would have run dry, so a rebuffer costs no
 * event of its own. The ABR rule (models/abr.h) picks each segment's rung.
 *
 * Encoding (models/encoding.h, models/device.h): a session gets a device
 * drawn from its region's mix, plays its title in the best codec the
 * device decodes, and sees only the rungs up to its device's height; the
 * ladder is shared by every session of the (title, codec). Segments take
 * their size from their file (rung bitrate x a per-segment VBR multiplier).
 *
 * Outcomes: "completed" (watched what it meant to), "running" (the run
 * ended first), "failed" (no URL of its list delivered, or its play was
 * never answered: models/failover.c). Sessions already playing at the scenario's start ("warm")
 * have no startup time. */
#include "models/player.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/abandon.h"
#include "models/access.h"
#include "models/device.h"
#include "models/encoding.h"
#include "models/failover.h"
#include "models/network.h"
#include "models/metrics.h"

static int grow_sessions(struct world *w)
{
    uint32_t cap = w->session_cap ? w->session_cap * 2 : 4096;
    struct session *s = realloc(w->sessions, cap * sizeof *s);
    if (!s)
        return -1;
    w->sessions = s;
    int64_t *ids = realloc(w->session_ids, cap * sizeof *ids);
    if (!ids)
        return -1;
    w->session_ids = ids;
    for (uint32_t i = w->session_cap; i < cap; i++) {
        s[i].flow = i + 1 < cap ? i + 1 : NONE;         /* free-list link */
        s[i].gen = 0;
        s[i].phase = PH_FREE;
    }
    w->session_free = w->session_cap;
    w->session_cap = cap;
    return 0;
}

/* Advances the session's buffer from t_eval to now: playback drains it;
 * when it runs dry the session stalls until the next segment arrives. */
static inline __attribute__((always_inline)) void drain(struct session *s, simtime now)
{
    simtime dt = now - s->t_eval;
    s->t_eval = now;
    if (dt <= 0)
        return;
    if (s->phase == PH_PLAYING) {
        if (s->buffer >= dt) {
            s->buffer -= dt;
        } else {
            /* Dry with media left to fetch: a stall since the buffer ran
             * out. (With none left the session has ended at that point.) */
            if (s->fetched < s->watch) {
                s->rebuffer += dt - s->buffer;
                s->rebuffer_count++;
                s->phase = PH_STALLED;
            }
            s->buffer = 0;
        }
    } else if (s->phase == PH_STALLED) {
        s->rebuffer += dt;
    }
}

static inline __attribute__((always_inline)) simtime seg_media(const struct player_cfg *c, const struct session *s)
{
    simtime left = s->watch - s->fetched;
    return left < c->segment ? left : c->segment;
}

static inline __attribute__((always_inline)) simtime wait_for_room(const struct player_cfg *c, const struct session *s)
{
    simtime room = c->buffer - s->buffer;
    simtime seg = seg_media(c, s);
    if (room >= seg || s->phase != PH_PLAYING)
        return 0;
    return seg - room;
}

static inline __attribute__((always_inline)) int choose(const struct player_cfg *c,
        const struct abr_rule *rule, const struct abr_params *p, const struct abr_ladder *l,
        struct session *s, simtime now)
{
    int rung;
    if (s->segments == 0 && !s->warm) {
        /* A cold session's first segment is fetched at the lowest rung, with
         * no history to choose by (Sabre and dash.js do the same). */
        rung = 0;
    } else {
        struct abr_view v = {
            .now = now - s->start, .buffer = s->buffer,
            .last_rung = s->segments || s->warm ? s->rung : -1,
            .media = seg_media(c, s), .ladder = l,
        };
        rung = rule->choose(&s->abr, p, &v);
    }
    assert(rung >= 0 && rung < l->nrungs);
    if (s->segments > 0 && rung != s->rung)
        s->switches++;
    s->prev_rung = s->rung;
    s->rung = (uint8_t)rung;
    return rung;
}

static inline __attribute__((always_inline)) void arrived(const struct player_cfg *c,
        const struct abr_rule *rule, const struct abr_params *p, double rung_bps,
        struct session *s, simtime now, const struct abr_sample *d)
{
    drain(s, now);
    simtime media = seg_media(c, s);
    if (d->transfer > 0)
        rule->on_download(&s->abr, p, d);
    s->buffer += media;
    s->fetched += media;
    s->segments++;
    s->bitrate_media += rung_bps / 1e3 * (double)media;
    if (s->phase == PH_STARTUP || s->phase == PH_STALLED) {
        int full = s->buffer + seg_media(c, s) > c->buffer;
        if (s->buffer >= c->startup || s->fetched >= s->watch || full) {
            if (s->phase == PH_STARTUP)
                s->startup_at = now;
            s->phase = PH_PLAYING;
        }
    }
}

/* The exported steps (for models/play.c); the world's handlers below use
 * the inline versions above, which keeps the hot path free of calls. */
void player_drain(struct session *s, simtime now) { drain(s, now); }
/* drain()'s arithmetic on a copy, for the metrics period's clocks. */
void player_clocks_at(const struct session *s, simtime now, simtime *played, simtime *stalled)
{
    struct session c = *s;
    drain(&c, now);
    *played = c.fetched - c.buffer;
    *stalled = c.rebuffer;
}
simtime player_segment_media(const struct player_cfg *c, const struct session *s)
{
    return seg_media(c, s);
}
simtime player_wait_for_room(const struct player_cfg *c, const struct session *s)
{
    return wait_for_room(c, s);
}
int player_choose(const struct player_cfg *c, const struct abr_rule *rule,
                  const struct abr_params *p, const struct abr_ladder *l,
                  struct session *s, simtime now)
{
    return choose(c, rule, p, l, s, now);
}
void player_arrived(const struct player_cfg *c, const struct abr_rule *rule,
                    const struct abr_params *p, const struct abr_ladder *l,
                    struct session *s, simtime now, const struct abr_sample *d)
{
    arrived(c, rule, p, l->bps[s->rung], s, now, d);
}

int player_abandon_rung(const struct session *s, const struct abr_ladder *l, simtime elapsed,
                        simtime latency, double delivered_bits, double total_bits)
{
    if (s->phase == PH_STARTUP)
        return -1;                  /* nothing plays, nothing runs dry */
    struct abandon_progress a = {
        .rung = s->rung, .elapsed = elapsed, .latency = latency,
        .delivered_bits = delivered_bits, .total_bits = total_bits,
        .buffer_left = s->phase == PH_PLAYING ? s->buffer : 0,
    };
    return abandon_target(&a, l);
}

void player_abandoned(const struct abr_rule *rule, const struct abr_params *p,
                      struct session *s, int rung, const struct abr_sample *partial)
{
    /* The switch count is between the rungs actually played: the segment
     * before, then this one at its new rung. */
    if (s->segments > 0) {
        s->switches -= s->rung != s->prev_rung;
        s->switches += rung != s->prev_rung;
    }
    s->rung = (uint8_t)rung;
    /* What the abandoned download measured is a throughput sample like
     * any other (Sabre's abandonment loop came from dropping it). */
    if (partial->bits > 0 && partial->transfer > 0)
        rule->on_download(&s->abr, p, partial);
}

void player_params_from_cfg(const struct cfg_player *c, struct abr_params *p)
{
    abr_params_default(p, c->segment, c->buffer);
    p->window = c->abr_window;
    p->safety = c->abr_safety;
    p->estimator = (enum abr_estimator)c->abr_estimator;
    p->rules_low = c->rules_low;
    p->rules_high = c->rules_high;
    p->rules_hold = c->rules_hold;
    p->rules_up_fraction = c->rules_up_fraction;
    p->bba_reservoir = c->bba_reservoir;
    p->bba_cushion = c->bba_cushion;
    p->bola_gamma_p = c->bola_gamma_p;
    p->mpc_horizon = c->mpc_horizon;
    p->mpc_lambda = c->mpc_lambda;
    p->mpc_mu = c->mpc_mu > 0 ? c->mpc_mu : -1;
}

/* The one place a session's ladder comes from: its title's ladder in its
 * codec (models/encoding.h), cut at its device's height (rung_cap), with
 * each rung's quality for the title. The struct is the world's scratch,
 * refilled per call: the run is single-threaded and no rule keeps the
 * pointer past the call it was given to. */
static inline const struct abr_ladder *session_ladder(struct world *w, const struct session *s)
{
    w->ladder = (struct abr_ladder){
        s->rung_cap, encoding_bps(w->enc, s->title, s->codec),
        w->enc->quality + encoding_first(w->enc, s->title, s->codec) };
    return &w->ladder;
}

static inline const struct player_cfg *world_player(const struct world *w)
{
    return &w->player_cfg;
}

static simtime segment_media(const struct world *w, const struct session *s)
{
    return seg_media(world_player(w), s);
}

/* The bytes of the session's next (or current) segment at its rung. */
static double segment_bytes(const struct world *w, const struct session *s)
{
    uint32_t seg = (uint32_t)(s->fetched / w->player_cfg.segment);
    return encoding_segment_bytes(w->enc, s->title, s->codec, s->rung, seg,
                                  segment_media(w, s));
}

/* Starts the download of the session's next segment at its rung. The
 * flow keeps the segment's size and its rung's bitrate, which the end of
 * the download reads instead of the ladder (models/world.h). */
static inline int download(struct world *w, uint32_t id)
{
    const struct session *s = &w->sessions[id];
    return failover_download(w, id, segment_bytes(w, s),
                             encoding_bps(w->enc, s->title, s->codec)[s->rung]);
}

/* The session's rung changed: remember its quality. A session keeps it
 * in one byte (steps of 0.4 VMAF) so that the per-segment accounting does
 * not read the title's quality array, a cache miss per segment that cost
 * 15% of the segment rate on country.json; the array is read only when the
 * rung changes. The rounding error of a session's mean is at most 0.2. */
static void note_rung_quality(const struct world *w, struct session *s)
{
    float q = w->enc->quality[encoding_first(w->enc, s->title, s->codec) + s->rung];
    s->rung_quality = (uint8_t)lrintf(q * 2.5f);
}

/* Quality x media of the current rung, for the session's mean. */
static void account_quality(struct session *s, simtime media)
{
    s->quality_media += (float)(s->rung_quality * 0.4 * simtime_to_s(media));
}

static int live(const struct world *w, const struct event *ev);
static inline __attribute__((always_inline)) int request(struct world *w, uint32_t id);

static int start_download(struct world *w, uint32_t id)
{
    struct session *s = &w->sessions[id];
    int before = s->segments ? s->rung : -1;
    choose(world_player(w), w->abr, &w->abr_params, session_ladder(w, s), s, w->engine->now);
    assert(s->rung < s->rung_cap);
    if (s->rung != before)
        note_rung_quality(w, s);
    return request(w, id);
}

/* A request on an access trace with latencies: its flow starts at the
 * first byte, that latency later (0: now). Out of line: the default worlds
 * never come here. Returns -1 when the download could not start, 1 when it
 * waits for its first byte, 0 when it started. */
static __attribute__((noinline)) int request_after_latency(struct world *w, uint32_t id)
{
    struct session *s = &w->sessions[id];
    simtime lat = access_latency_at(w, s, w->engine->now);
    simtime q = (lat + 2000) / 4000;
    s->latency_4ms = (uint8_t)(q > UINT8_MAX ? UINT8_MAX : q);
    if (lat > 0) {
        engine_at(w->engine, w->engine->now + lat, EV_FIRST_BYTE, id, s->gen);
        return 1;
    }
    return download(w, id);
}

/* Requests the session's segment at its rung from its current URL. */
static inline __attribute__((always_inline)) int request(struct world *w, uint32_t id)
{
    struct session *s = &w->sessions[id];
    if (w->access_latency && s->access_trace) {
        int rc = request_after_latency(w, id);
        return rc < 0 ? -1 : 0;
    }
    return download(w, id);
}

void player_on_first_byte(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    if (!live(w, ev))
        return;
    if (download(w, ev->entity) != 0)
        w->engine->failed = 1;
}

/* Decides what a session does after its buffer changed: fetch the next
 * segment, wait for room, or wait for the end. */
static int next_step(struct world *w, uint32_t id)
{
    struct session *s = &w->sessions[id];
    simtime now = w->engine->now;
    if (s->fetched >= s->watch) {
        /* Everything fetched (on_download_done has resumed playback): the
         * session ends when the buffer has played out. */
        assert(s->phase == PH_PLAYING);
        engine_at(w->engine, now + s->buffer, EV_SESSION_END, id, s->gen);
        return 0;
    }
    simtime wait = wait_for_room(world_player(w), s);
    if (wait == 0)
        return start_download(w, id);
    engine_at(w->engine, now + wait, EV_RESUME, id, s->gen);
    return 0;
}

int player_open(struct world *w, int isp, const struct session_draw *d)
{
    if (w->session_free == NONE && grow_sessions(w) != 0)
        return -1;
    uint32_t id = w->session_free;
    struct session *s = &w->sessions[id];
    uint32_t gen = s->gen + 1, next = s->flow;
    memset(s, 0, sizeof *s);
    s->gen = gen;
    w->session_free = next;
    w->session_ids[id] = w->next_session_id++;
    w->nsessions_live++;

    simtime now = w->engine->now;
    s->start = now;
    s->t_eval = now;
    s->isp = (uint16_t)isp;
    s->title = d->title;
    s->watch = d->watch > 0 ? d->watch : 1;
    s->access_bps = (float)d->access_bps;
    s->access_trace = d->access_trace;
    s->flow = NONE;
    s->startup_at = -1;
    s->warm = (uint8_t)d->warm;
    struct device_pick dev;
    device_draw(w->sc, w->isps[isp].region, w->session_ids[id], &dev);
    int codec = encoding_best_codec(w->enc, s->title, dev.codecs);
    assert(codec >= 0);             /* every title has AVC; every device decodes it */
    s->device = dev.cls;
    s->codec = (uint8_t)codec;
    s->rung_cap = (uint8_t)encoding_rung_cap(w->enc, s->title, codec, dev.max_height);
    w->abr->init(&s->abr, &w->abr_params, session_ladder(w, s));
    failover_session_opened(s);
    if (d->warm) {
        /* Playing already: some media buffered and a throughput history. */
        s->phase = PH_PLAYING;
        s->startup_at = now;
        s->buffer = d->buffer < s->watch ? d->buffer : s->watch;
        s->fetched = s->buffer;
        const struct abr_ladder *l = session_ladder(w, s);
        w->abr->prime(&s->abr, &w->abr_params, d->access_bps);
        s->rung = (uint8_t)w->abr->choose(&s->abr, &w->abr_params,
                                          &(struct abr_view){ .buffer = s->buffer, .last_rung = -1,
                                                              .media = segment_media(w, s),
                                                              .ladder = l });
        s->bitrate_media = l->bps[s->rung] / 1e3 * (double)s->buffer;
        note_rung_quality(w, s);
        account_quality(s, s->buffer);
        s->segments = 0;
        w->m.sessions_warm++;
    } else {
        s->phase = PH_STARTUP;
        w->m.sessions_started++;
    }
    metrics_session_opened(w, isp, d->warm);
    if (!d->warm && !d->admitted && failover_play(w, id))
        return 0;               /* the control plane answers later, or never */
    return next_step(w, id);
}

static int live(const struct world *w, const struct event *ev)
{
    return w->sessions[ev->entity].gen == (uint32_t)ev->payload;
}

/* The lines of a session its handlers read: all of it, it is small. A
 * macro, not a function: GCC 12 takes a static function that only
 * prefetches for pure and deletes the calls to it. */
#define PREFETCH_SESSION(w, id)                                                 \
    do {                                                                        \
        const char *p_ = (const char *)&(w)->sessions[id];                      \
        for (size_t off_ = 0; off_ < sizeof(struct session); off_ += 64)        \
            __builtin_prefetch(p_ + off_, 1);                                   \
        __builtin_prefetch(p_ + sizeof(struct session) - 1, 1);                 \
    } while (0)

void player_prefetch(void *ctx, const struct event *ev)
{
    const struct world *w = ctx;
    PREFETCH_SESSION(w, ev->entity);
}

void player_prefetch_download(void *ctx, const struct event *ev)
{
    const struct world *w = ctx;
    PREFETCH_SESSION(w, ev->entity);
    __builtin_prefetch(&w->net.flows[ev->payload >> 32], 1);    /* one line: network.c */
}

void player_on_download_done(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    if (!live(w, ev))
        return;
    uint32_t id = ev->entity;
    struct session *s = &w->sessions[id];
    simtime now = ev->time;
    assert(s->flow == (uint32_t)(ev->payload >> 32));
    const struct flow *f = &w->net.flows[s->flow];
    double seg_bytes = f->bytes, rung_bps = f->media_bps;
    simtime took = network_finish(w, s->flow);
    failover_download_done(w, id, seg_bytes, took);
    player_credit(w, s, seg_bytes);
    w->m.segments++;
    simtime media = segment_media(w, s);
    /* took is the flow's: first to last byte. The latency before it (a
     * trace's) is remembered to 4 ms, for the rules that use it. */
    arrived(world_player(w), w->abr, &w->abr_params, rung_bps, s, now,
                   &(struct abr_sample){ .bits = seg_bytes * 8.0, .transfer = took,
                                         .latency = (simtime)s->latency_4ms * 4000 });
    account_quality(s, media);
    if (next_step(w, id) != 0)
        w->engine->failed = 1;
}

int player_check_abandon(struct world *w, uint32_t fid)
{
    const struct flow *f = &w->net.flows[fid];
    uint32_t id = f->session;
    struct session *s = &w->sessions[id];
    simtime now = w->engine->now, elapsed = now - f->start;
    if (s->rung == 0 || elapsed < ABANDON_GRACE)
        return 0;
    drain(s, now);
    double total = f->bytes, delivered = total - f->remaining;
    const struct abr_ladder *l = session_ladder(w, s);
    int rung = player_abandon_rung(s, l, elapsed, 0, delivered * 8.0, total * 8.0);
    if (rung < 0)
        return 0;
    /* Cut the flow; the bytes that arrived stay the session's (they
     * crossed the network) and are counted as wasted. */
    double cut = network_cut(w, fid);
    player_credit(w, s, total - cut);
    w->m.bytes_cut += cut;
    w->m.bytes_abandoned += total - cut;
    w->m.abandons++;
    player_abandoned(w->abr, &w->abr_params, s, rung,
                     &(struct abr_sample){ .bits = delivered * 8.0, .transfer = elapsed });
    note_rung_quality(w, s);
    return request(w, id);
}

void player_on_resume(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    if (!live(w, ev))
        return;
    struct session *s = &w->sessions[ev->entity];
    drain(s, ev->time);
    if (next_step(w, ev->entity) != 0)
        w->engine->failed = 1;
}

static void close_session(struct world *w, uint32_t id, const char *outcome)
{
    struct session *s = &w->sessions[id];
    metrics_session_closed(w, id, outcome);
    s->gen++;
    s->phase = PH_FREE;
    s->flow = w->session_free;
    w->session_free = id;
    w->nsessions_live--;
}

void player_on_end(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    if (!live(w, ev))
        return;
    drain(&w->sessions[ev->entity], ev->time);
    close_session(w, ev->entity, "completed");
}

int player_close_all(struct world *w)
{
    simtime now = w->engine->now;
    network_settle(w, now);
    /* Slot order: deterministic, unlike any order built from pointers. */
    for (uint32_t id = 0; id < w->session_cap && !w->write_failed; id++) {
        struct session *s = &w->sessions[id];
        if (s->phase == PH_FREE)
            continue;
        drain(s, now);
        if (s->flow != NONE) {
            /* The download in flight: its bytes so far stay counted; the
             * flow is released without the rest. */
            double total = w->net.flows[s->flow].bytes, cut = network_cut(w, s->flow);
            player_credit(w, s, total - cut);
            w->m.bytes_cut += cut;
        }
        close_session(w, id, "running");
    }
    return w->write_failed ? -1 : 0;
}

/* ---- hooks for the control plane and failover (models/failover.c) ---- */

void player_fail(struct world *w, uint32_t id)
{
    drain(&w->sessions[id], w->engine->now);
    close_session(w, id, "failed");
}
