/* models/network.c: flows, their progress and their periodic fair shares.
 *
 * Bytes are accounted as they are delivered (at each recomputation and at
 * completion) to the session's tier, to every resource on the path and to
 * the run's tier totals, so bytes requested equal bytes served by the tiers
 * at any instant (tests/test_world.c checks the conservation). */
#include "models/network.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/access.h"
#include "models/fairshare.h"
#include "models/player.h"

const char *const tier_name[TIER_COUNT] = { "embedded", "ix", "origin", "cdn", "fill" };

_Static_assert(sizeof(struct flow) == 64, "a flow fills one cache line");

static int grow_flows(struct network *n)
{
    uint32_t cap = n->flow_cap ? n->flow_cap * 2 : 1024;
    /* A flow is one cache line when the pool starts on a line, so a
     * download's end reads one line. realloc aligns to 16 only, but it grows
     * a large block in place (mremap) where aligned_alloc and a copy would
     * hold both blocks at once (+47 MB of peak RSS on bench_e2e): the block
     * is a line longer than the pool, which starts at its first line
     * boundary and is moved when realloc moves the block to another offset. */
    size_t old_off = n->flows ? (size_t)((char *)n->flows - n->flows_block) : 0;
    char *block = realloc(n->flows_block, (size_t)cap * sizeof(struct flow) + 64);
    if (!block)
        return -1;
    size_t off = (size_t)(-(uintptr_t)block & 63);
    if (n->flow_cap && off != old_off)
        memmove(block + off, block + old_off, n->flow_cap * sizeof(struct flow));
    n->flows_block = block;
    struct flow *f = (struct flow *)(block + off);
    n->flows = f;
    uint32_t *ids = realloc(n->ids, cap * sizeof *ids);
    if (!ids)
        return -1;
    n->ids = ids;
    /* The per-tick resources of each flow (2 per flow), then the solver's. */
    uint32_t *is = realloc(n->iscratch, (2 * (size_t)cap + FAIRSHARE_ISCRATCH(n->nres, cap)) * sizeof *is);
    if (!is)
        return -1;
    n->iscratch = is;
    double *d = realloc(n->scratch, 3 * (size_t)cap * sizeof *d);
    if (!d)
        return -1;
    n->scratch = d;
    /* New slots go on the free list in increasing order (the list is empty
     * when the pool grows). */
    for (uint32_t i = n->flow_cap; i < cap; i++) {
        f[i].session = NONE;
        f[i].gen = i + 1 < cap ? i + 1 : NONE;         /* free-list link */
    }
    n->flow_free = n->flow_cap;
    n->flow_cap = cap;
    return 0;
}

int network_init(struct world *w, uint32_t nres)
{
    struct network *n = &w->net;
    memset(n, 0, sizeof *n);
    n->nres = nres;
    n->res = calloc(nres, sizeof *n->res);
    n->capacity = malloc(nres * sizeof *n->capacity);
    n->level = malloc(nres * sizeof *n->level);
    if (!n->res || !n->capacity || !n->level)
        return -1;
    for (uint32_t r = 0; r < nres; r++)
        n->res[r].level_bps = INFINITY;
    n->flow_free = NONE;
    return grow_flows(n);
}

void network_destroy(struct world *w)
{
    struct network *n = &w->net;
    free(n->res);
    free(n->flows_block);
    free(n->ids);
    free(n->iscratch);
    free(n->scratch);
    free(n->capacity);
    free(n->level);
    memset(n, 0, sizeof *n);
}

/* Accounts bytes of flow f as delivered: to its tier and its resources. The
 * session's own counters are credited once, when the download ends
 * (models/player.c), so the periodic scan stays off the sessions. */
static void deliver(struct world *w, struct flow *f, double bytes)
{
    w->m.bytes_tier[f->tier] += bytes;
    w->m.bytes_tier_period[f->tier] += bytes;
    for (int k = 0; k < 2; k++)
        if (f->res[k] != NONE) {
            w->net.res[f->res[k]].bytes_period += bytes;
            w->net.res[f->res[k]].bytes_total += bytes;
        }
    f->remaining -= bytes;
}

/* Progress of flow f up to now at its rate. A flow that is not
 * done_scheduled was last brought up to date at its start or at the last
 * tick, whichever is later. */
static inline void advance_by(struct world *w, struct flow *f, double seconds)
{
    double bytes = f->rate_bps / 8.0 * seconds;
    if (bytes > f->remaining)
        bytes = f->remaining;
    if (bytes > 0)
        deliver(w, f, bytes);
}

static void advance(struct world *w, struct flow *f, simtime now)
{
    simtime from = f->start > w->net.last_tick ? f->start : w->net.last_tick;
    advance_by(w, f, simtime_to_s(now - from));
}

/* Schedules the completion when it falls before the next recomputation.
 * The event carries the flow id too, so its session and flow can be
 * prefetched together (player_prefetch_download). */
static void maybe_schedule(struct world *w, uint32_t id, simtime now, simtime next_tick)
{
    struct flow *f = &w->net.flows[id];
    /* Most calls find the flow still running at the next recomputation
     * (two in three on country.json: 41 M of 62 M in a simulated minute).
     * A bound without the division settles those: the flow's microseconds
     * left exceed the period even with a margin of 1e-9 of it, far above
     * the rounding of either side (~1e-15), so what it lets through gets
     * the exact test below and the schedule is the same to the bit. */
    if (f->remaining * 8e6 > (double)(next_tick - now) * f->rate_bps * (1 + 1e-9))
        return;
    double us = ceil(f->remaining * 8.0 / f->rate_bps * 1e6);
    if (now + us <= (double)next_tick) {
        f->done_scheduled = 1;
        if (f->session == FLOW_FILL)
            engine_at(w->engine, now + (simtime)us, EV_FILL_DONE, f->gen, id);
        else
            engine_at(w->engine, now + (simtime)us, EV_DOWNLOAD_DONE, f->session,
                      (uint64_t)id << 32 | f->gen);
    }
}

/* Adds bps to the committed rate of every resource on f's path. */
static void commit(struct network *n, const struct flow *f, double bps)
{
    for (int k = 0; k < 2; k++)
        if (f->res[k] != NONE)
            n->res[f->res[k]].committed_bps += bps;
}

/* What VOD flows (and fills) share of a resource: its capacity less the
 * live streams' load, never less than LIVE_VOD_FLOOR of it (live is served
 * first; models/live_stream.c). */
#define LIVE_VOD_FLOOR 0.01
static inline double vod_capacity(const struct resource *r)
{
    double c = r->capacity_bps - r->live_bps;
    return c > LIVE_VOD_FLOOR * r->capacity_bps ? c : LIVE_VOD_FLOOR * r->capacity_bps;
}

static simtime next_tick_after(const struct world *w, simtime now)
{
    simtime p = w->sc->network.share_period;
    return (now / p + 1) * p;
}

/* A free flow slot, the pool grown when it is full; NONE when growing
 * fails. Sessions and fills take slots the same way. */
static uint32_t take_flow(struct network *n)
{
    if (n->flow_free == NONE && grow_flows(n) != 0)
        return NONE;
    uint32_t id = n->flow_free;
    n->flow_free = n->flows[id].gen;
    if (id >= n->flow_top)
        n->flow_top = id + 1;
    n->nactive++;
    return id;
}

/* A new flow (session or fill) joins its resources at min(its cap, each
 * resource's room left but at least the even split, at most the current
 * water level) until the next recomputation, and commits that rate. */
static void admit(struct network *n, struct flow *f)
{
    double rate = f->cap_bps;
    for (int k = 0; k < 2; k++)
        if (f->res[k] != NONE) {
            struct resource *r = &n->res[f->res[k]];
            r->flows++;
            double vod_bps = vod_capacity(r);
            double allowed = vod_bps - r->committed_bps;
            double split = vod_bps / r->flows;
            if (allowed < split)
                allowed = split;
            if (r->level_bps < allowed)
                allowed = r->level_bps;
            if (allowed < rate)
                rate = allowed;
        }
    f->rate_bps = rate;
    commit(n, f, rate);
}

int network_start(struct world *w, uint32_t s, double bytes, double media_bps)
{
    struct network *n = &w->net;
    uint32_t id = take_flow(n);
    if (id == NONE)
        return -1;
    struct flow *f = &n->flows[id];
    const struct session *ss = &w->sessions[s];
    simtime now = w->engine->now;
    f->session = s;
    f->gen = ss->gen;
    f->tier = ss->tier;
    f->res[0] = ss->res[0];
    f->res[1] = ss->res[1];
    f->access_varies = ss->access_trace != 0;
    f->cap_bps = f->access_varies ? (float)access_cap_at(w, ss, now) : ss->access_bps;
    f->remaining = bytes;
    f->bytes = bytes;
    f->media_bps = media_bps;
    f->start = now;
    f->done_scheduled = 0;
    w->m.bytes_requested += bytes;
    admit(n, f);
    w->sessions[s].flow = id;
    maybe_schedule(w, id, now, next_tick_after(w, now));
    return 0;
}

uint32_t network_start_fill(struct world *w, uint32_t oca, uint32_t res0, uint32_t res1,
                            double bytes, double cap_bps)
{
    struct network *n = &w->net;
    uint32_t id = take_flow(n);
    if (id == NONE)
        return NONE;
    struct flow *f = &n->flows[id];
    simtime now = w->engine->now;
    f->session = FLOW_FILL;
    f->gen = oca;
    f->tier = TIER_FILL;
    f->access_varies = 0;           /* a fill's cap is its rate cap, not a client's access */
    f->res[0] = res0;
    f->res[1] = res1;
    f->cap_bps = (float)cap_bps;
    f->remaining = bytes;
    f->bytes = bytes;
    f->media_bps = 0;
    f->start = now;
    f->done_scheduled = 0;
    admit(n, f);
    maybe_schedule(w, id, now, next_tick_after(w, now));
    return id;
}

simtime network_finish(struct world *w, uint32_t id)
{
    struct network *n = &w->net;
    struct flow *f = &n->flows[id];
    if (f->remaining > 0)
        deliver(w, f, f->remaining);
    commit(n, f, -f->rate_bps);
    for (int k = 0; k < 2; k++)
        if (f->res[k] != NONE)
            n->res[f->res[k]].flows--;
    if (f->session != FLOW_FILL)
        w->sessions[f->session].flow = NONE;
    simtime took = w->engine->now - f->start;
    f->session = NONE;
    f->gen = n->flow_free;
    n->flow_free = id;
    n->nactive--;
    /* Keep the scanned range tight when the top slots empty. */
    while (n->flow_top > 0 && n->flows[n->flow_top - 1].session == NONE)
        n->flow_top--;
    return took;
}

double network_cut(struct world *w, uint32_t id)
{
    struct flow *f = &w->net.flows[id];
    double undelivered = f->remaining;
    f->remaining = 0;
    network_finish(w, id);
    return undelivered;
}

/* Abandonment checks (player.abandon on) on the flows just given new
 * rates that will not finish before the next recomputation: a download
 * that ends before it is never abandoned, and the whole pass is skipped
 * when the key is off, so the default path does no per-flow work for it.
 * A restart may grow the pool (realloc of ids): read ids afresh each
 * time; a restart reuses a freed slot already passed, never one ahead. */
static void abandon_pass(struct world *w, uint32_t m)
{
    struct network *n = &w->net;
    for (uint32_t i = 0; i < m; i++) {
        uint32_t fid = n->ids[i];
        const struct flow *f = &n->flows[fid];
        if (f->session == NONE || f->session == FLOW_FILL || f->done_scheduled)
            continue;               /* fills are the network's, not a player's */
        if (player_check_abandon(w, fid) != 0)
            w->engine->failed = 1;
    }
}

void network_tick(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    struct network *n = &w->net;
    simtime now = ev->time;
    simtime next = now + w->sc->network.share_period;
    engine_at(w->engine, next, EV_NET_TICK, 0, 0);

    /* Flows with a completion pending finish at or before now: they take
     * no part in the new shares but count in committed until they finish.
     * The others progress to now and are gathered for the solver. One
     * linear pass over the pool. */
    uint32_t *ids = n->ids;
    uint32_t *fres = n->iscratch;                       /* 2 * m */
    uint32_t *iscratch = fres + 2 * (size_t)n->flow_cap;
    double *cap = n->scratch, *rate = cap + n->flow_cap, *tmp = rate + n->flow_cap;
    for (uint32_t r = 0; r < n->nres; r++)
        n->res[r].committed_bps = 0;
    uint32_t m = 0;
    /* Time-varying access caps, read now; a pass of its own, so worlds
     * without such ISPs run exactly the scan below. */
    if (w->access_pool_n > 0)
        for (uint32_t id = 0; id < n->flow_top; id++) {
            struct flow *f = &n->flows[id];
            if (f->session != NONE && f->access_varies && !f->done_scheduled)
                f->cap_bps = (float)access_cap_at(w, &w->sessions[f->session], now);
        }
    /* advance() for the flows that started before the last tick (most),
     * with their common interval's seconds computed once: the division per
     * flow was a tenth of the pass. */
    double since_tick_s = simtime_to_s(now - n->last_tick);
    for (uint32_t id = 0; id < n->flow_top; id++) {
        struct flow *f = &n->flows[id];
        if (f->session == NONE)
            continue;
        if (f->done_scheduled) {
            commit(n, f, f->rate_bps);
            continue;
        }
        advance_by(w, f, f->start > n->last_tick ? simtime_to_s(now - f->start) : since_tick_s);
        ids[m] = id;
        fres[2 * m] = f->res[0];
        fres[2 * m + 1] = f->res[1];
        cap[m] = f->cap_bps;
        m++;
    }
    n->last_tick = now;
    for (uint32_t r = 0; r < n->nres; r++)
        n->capacity[r] = vod_capacity(&n->res[r]);
    fairshare_solve(n->nres, n->capacity, m, fres, cap, rate, n->level, tmp, iscratch);
    for (uint32_t r = 0; r < n->nres; r++)
        n->res[r].level_bps = n->level[r];
    /* committed is rebuilt from scratch each period so rounding never
     * accumulates. The flows gathered are a sparse, increasing subset of
     * the pool that the solver's passes have pushed out of cache; the
     * hardware's prefetcher does not follow the gaps, so the loop asks for
     * the flow FLOW_AHEAD places on. */
    enum { FLOW_AHEAD = 16 };
    for (uint32_t i = 0; i < m; i++) {
        if (i + FLOW_AHEAD < m)
            __builtin_prefetch(&n->flows[ids[i + FLOW_AHEAD]], 1);
        struct flow *f = &n->flows[ids[i]];
        f->rate_bps = rate[i];
        commit(n, f, f->rate_bps);
        maybe_schedule(w, ids[i], now, next);
    }
    if (w->player_cfg.abandon)
        abandon_pass(w, m);
}

void network_settle(struct world *w, simtime now)
{
    struct network *n = &w->net;
    for (uint32_t id = 0; id < n->flow_top; id++) {
        struct flow *f = &n->flows[id];
        if (f->session != NONE)
            advance(w, f, now);
    }
    n->last_tick = now;
}
