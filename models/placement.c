/* models/placement.c: the placement registry, the nightly plan of a site,
 * the initial contents, reactive caches in a run, and the per-OCA request
 * counters.
 *
 * "static" is placement v1: each site filled once before the run with
 * titles in order of popularity, each on the first OCA in its rendezvous
 * (HRW) order with room; no fill traffic.
 *
 * The other policies plan per site at its fill window (models/fill.c): the
 * region's files ranked by forecast demand per byte (models/forecast.c)
 * are offered in order to the policy, which says how many OCAs of the site
 * should hold each; copies go to the first OCAs in HRW order with room.
 * Each OCA's plan is a bitset (target); what is servable is another
 * (struct oca.holds), and models/fill.c moves one into the other.
 *
 * Memory: two bitsets per OCA over files, each only as long as the highest
 * file it has ever held (files are numbered title by title in popularity
 * order, so an OCA holding the head stays short). A hash set of held ids
 * costs ~8 bytes per held file, more than a bitset once an OCA holds over
 * 1/64 of the files. With files = (title, codec, rung), ~20 per title,
 * this does NOT scale to the issue-9 size: bench_placement measured
 * 55.8 kB per OCA and 1.0 GB RSS at 18 000 OCAs x 99 321 files (5 000
 * titles); 50 000 titles (~1 M files) would need ~10x that. The planned
 * replacement (not done yet, see /work/notes/files5.md): a per-site plan
 * (files the site holds with a replica count) with the OCAs chosen by
 * steering_hrw, so no per-OCA structure grows with the catalog. */
#include "models/placement_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/catalog.h"
#include "models/encoding.h"
#include "models/steering.h"
#include "sim/results.h"

extern const struct placement_rule placement_popularity, placement_tiered, placement_hashed,
    placement_none, placement_oracle;

/* Indexed by enum placement_policy; "static" (0) has no policy struct. */
static const struct placement_rule *const registry[] = {
    NULL, &placement_popularity, &placement_tiered, &placement_hashed, &placement_none,
    &placement_oracle,
};

const struct placement_rule *placement_policy_find(const char *name)
{
    for (size_t i = 1; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

int bitset_get(const uint64_t *b, uint32_t words, uint32_t i)
{
    return (i >> 6) < words && (b[i >> 6] >> (i & 63) & 1);
}

/* Grows *b (of *words words) to hold bit i; at most full words. */
static int bitset_reserve(uint64_t **b, uint32_t *words, uint32_t i, size_t full)
{
    uint32_t need = (i >> 6) + 1;
    if (need <= *words)
        return 0;
    size_t n = (size_t)*words * 2 > need ? (size_t)*words * 2 : need;
    if (n > full)
        n = full;
    uint64_t *x = realloc(*b, n * sizeof *x);
    if (!x)
        return -1;
    memset(x + *words, 0, (n - *words) * sizeof *x);
    *b = x;
    *words = (uint32_t)n;
    return 0;
}

void placement_set_held(struct world *w, uint32_t oca, uint32_t file, int held)
{
    struct oca *o = &w->ocas[oca];
    if (held) {
        if (bitset_reserve(&o->holds, &o->holds_words, file, w->words_per_bitset) != 0) {
            w->engine->failed = 1;
            return;
        }
        o->holds[file >> 6] |= UINT64_C(1) << (file & 63);
        o->stored_bytes += placement_file_size(w, file);
        o->titles_held++;
    } else if (bitset_get(o->holds, o->holds_words, file)) {
        o->holds[file >> 6] &= ~(UINT64_C(1) << (file & 63));
        o->stored_bytes -= placement_file_size(w, file);
        o->titles_held--;
    }
}

static int build_static(struct world *w)
{
    size_t words = w->words_per_bitset;
    for (uint32_t o = 0; o < w->nocas; o++) {
        w->ocas[o].holds = calloc(words ? words : 1, sizeof(uint64_t));
        if (!w->ocas[o].holds)
            return -1;
        w->ocas[o].holds_words = (uint32_t)words;
    }
    uint32_t maxn = 0;
    for (int s = 0; s < w->nsites; s++)
        if (w->sites[s].noca > maxn)
            maxn = w->sites[s].noca;
    uint32_t *order = malloc((maxn ? maxn : 1) * sizeof *order);
    if (!order)
        return -1;
    for (int s = 0; s < w->nsites; s++) {
        double cap = w->sc->sites[s].oca_storage_bytes;
        for (int t = 0; t < w->ntitles; t++) {
            double size = w->titles[t].size_bytes;
            steering_rank(w, s, (uint32_t)t, order);
            for (uint32_t i = 0; i < w->sites[s].noca; i++) {
                struct oca *o = &w->ocas[order[i]];
                if (o->stored_bytes + size <= cap) {
                    /* v1 places a title whole: every file of it. */
                    o->stored_bytes += size;
                    uint32_t a, b;
                    placement_title_files(w, (uint32_t)t, &a, &b);
                    o->titles_held += b - a;
                    for (uint32_t f = a; f < b; f++)
                        o->holds[f >> 6] |= UINT64_C(1) << (f & 63);
                    break;
                }
            }
        }
    }
    free(order);
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int push_u32(uint32_t **a, uint32_t *n, uint32_t *cap, uint32_t v)
{
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 256;
        uint32_t *x = realloc(*a, (size_t)c * sizeof *x);
        if (!x)
            return -1;
        *a = x;
        *cap = c;
    }
    (*a)[(*n)++] = v;
    return 0;
}

/* Marks in pl->all_embedded the files every embedded cluster of the
 * region plans; 0 everywhere when the region has none. */
static void all_embedded_of_region(struct world *w, int region)
{
    struct placement *pl = w->placement;
    uint32_t n = pl->nfiles;
    int any = 0;
    memset(pl->all_embedded, 1, n);
    for (int s = 0; s < w->nsites; s++) {
        const struct cfg_site *c = &w->sc->sites[s];
        if (c->kind != SITE_EMBEDDED || c->region != region)
            continue;
        any = 1;
        for (uint32_t f = 0; f < n; f++) {
            if (!pl->all_embedded[f])
                continue;
            int held = 0;
            for (uint32_t k = 0; k < w->sites[s].noca && !held; k++) {
                struct oca_place *op = &pl->o[w->sites[s].first_oca + k];
                held = bitset_get(op->target, op->target_words, f);
            }
            pl->all_embedded[f] = (uint8_t)held;
        }
    }
    if (!any)
        memset(pl->all_embedded, 0, n);
}

int placement_plan_site(struct world *w, int site, int64_t day)
{
    struct placement *pl = w->placement;
    const struct cfg_site *cs = &w->sc->sites[site];
    int region = cs->region;
    if (forecast_update(w, region, day) != 0)
        return -1;
    uint32_t n = pl->nfiles;
    const struct site *st = &w->sites[site];
    struct placement_view v = { .w = w, .site = site, .demand = pl->forecast + (size_t)region * n };
    for (uint32_t f = 0; f < n; f++)
        v.demand_total += v.demand[f];
    if (pl->policy->needs_embedded_plans && cs->kind == SITE_IX) {
        all_embedded_of_region(w, region);
        v.held_by_all_embedded = pl->all_embedded;
    }
    double room[st->noca ? st->noca : 1];
    double smallest = pl->smallest, most_room = 0;
    for (uint32_t k = 0; k < st->noca; k++) {
        struct oca_place *op = &pl->o[st->first_oca + k];
        if (op->target)
            memset(op->target, 0, (size_t)op->target_words * sizeof *op->target);
        room[k] = op->capacity;
        if (room[k] > most_room)
            most_room = room[k];
    }
    const uint32_t *rank = pl->rank + (size_t)region * n;
    /* Stickiness (placement.stickiness = h): a file the site holds keeps
     * its place while its rank is within (1 + h) x the rank where the
     * site's storage runs out, so small forecast changes do not cause
     * replacements (Open Connect's objective: the most popular content
     * "while minimising file replacements", DOMAIN.md §1.4). Phase 0
     * places those held files, in rank order; phase 1 everything else. */
    double h = w->sc->place.stickiness;
    uint32_t sticky_end = 0;
    if (h > 0) {
        double total = 0, used = 0;
        for (uint32_t k = 0; k < st->noca; k++)
            total += room[k];
        uint32_t i = 0;
        for (; i < n && used < total; i++) {
            int r = pl->policy->replicas(&v, rank[i]);
            used += (r > 0 ? r : 0) * placement_file_size(w, rank[i]);
        }
        double e = (double)i * (1 + h);
        sticky_end = e < n ? (uint32_t)e : n;
    }
    for (int phase = h > 0 ? 0 : 1; phase < 2; phase++)
    for (uint32_t i = 0; i < (phase ? n : sticky_end) && most_room >= smallest; i++) {
        uint32_t f = rank[i];
        if (phase == 0 || i < sticky_end) {
            int held = 0, planned = 0;
            for (uint32_t k = 0; k < st->noca; k++) {
                const struct oca *x = &w->ocas[st->first_oca + k];
                const struct oca_place *op = &pl->o[st->first_oca + k];
                held |= bitset_get(x->holds, x->holds_words, f);
                planned |= bitset_get(op->target, op->target_words, f);
            }
            if (phase == 0 ? !held : planned)
                continue;
        }
        int r = pl->policy->replicas(&v, f);
        if (r <= 0)
            continue;
        double size = placement_file_size(w, f);
        if (size > most_room)
            continue;
        /* Copies stay where they are (no moves inside a cluster: Open
         * Connect's placement aims to "stay stable day to day", DOMAIN.md
         * §1.4); new copies go to the first OCAs in rendezvous order that
         * have room: each score computed once, then the best eligible
         * picked (a full sort per file would cost noca^2 hashes). Scores
         * are computed only when a copy is missing: most nights most files
         * are where they were, and the hashes are the plan's main cost. */
        uint64_t *score = pl->score;
        uint8_t *state = pl->state;     /* 0 none, 1 holds it, 2 scored, 3 taken */
        int placed = 0, hashed = 0;
        for (uint32_t k = 0; k < st->noca; k++) {
            const struct oca *x = &w->ocas[st->first_oca + k];
            state[k] = bitset_get(x->holds, x->holds_words, f) ? 1 : 0;
        }
        while (placed < r) {
            uint32_t j = NONE;
            for (uint32_t k = 0; k < st->noca && j == NONE; k++)
                if (state[k] == 1 && room[k] >= size)
                    j = k;
            if (j == NONE && hashed) {
                for (uint32_t k = 0; k < st->noca; k++)
                    if (state[k] == 2 && room[k] >= size && (j == NONE || score[k] > score[j]))
                        j = k;
            }
            if (j == NONE && !hashed) {
                hashed = 1;
                for (uint32_t k = 0; k < st->noca; k++)
                    if (state[k] == 0) {
                        score[k] = steering_hrw(f, st->first_oca + k);
                        state[k] = 2;
                    }
                continue;
            }
            if (j == NONE)
                break;
            state[j] = 3;
            uint32_t o = st->first_oca + j;
            struct oca_place *op = &pl->o[o];
            if (bitset_reserve(&op->target, &op->target_words, f, w->words_per_bitset) != 0)
                return -1;
            op->target[f >> 6] |= UINT64_C(1) << (f & 63);
            /* most_room only falls when its own OCA fills: rescan then. */
            int was_most = room[j] >= most_room;
            room[j] -= size;
            placed++;
            if (was_most) {
                double m = 0;
                for (uint32_t k = 0; k < st->noca; k++)
                    m = room[k] > m ? room[k] : m;
                most_room = m;
            }
        }
    }
    /* Tonight's work per OCA: fill what is planned and missing, best
     * first; evict what is held and not planned, least wanted first. Word
     * by word, since a night changes few files (Temkin 2014: "churns less
     * than 1% a day"); only the changed files are sorted by rank. */
    const uint32_t *pos = pl->pos + (size_t)region * n;
    for (uint32_t k = 0; k < st->noca; k++) {
        uint32_t o = st->first_oca + k;
        struct oca_place *op = &pl->o[o];
        const struct oca *x = &w->ocas[o];
        op->nqueue = op->qpos = op->nevict = op->epos = 0;
        uint32_t words = op->target_words > x->holds_words ? op->target_words : x->holds_words;
        uint32_t nadd = 0, ndel = 0;
        uint64_t *add = pl->keys, *del = pl->keys + n;
        for (uint32_t i = 0; i < words; i++) {
            uint64_t t = i < op->target_words ? op->target[i] : 0;
            uint64_t h = i < x->holds_words ? x->holds[i] : 0;
            for (uint64_t a = t & ~h; a; a &= a - 1) {
                uint32_t f = i * 64 + (uint32_t)__builtin_ctzll(a);
                add[nadd++] = (uint64_t)pos[f] << 32 | f;
            }
            for (uint64_t d = h & ~t; d; d &= d - 1) {
                uint32_t f = i * 64 + (uint32_t)__builtin_ctzll(d);
                del[ndel++] = (uint64_t)(n - 1 - pos[f]) << 32 | f;
            }
        }
        qsort(add, nadd, sizeof *add, cmp_u64);
        qsort(del, ndel, sizeof *del, cmp_u64);
        for (uint32_t i = 0; i < nadd; i++)
            if (push_u32(&op->queue, &op->nqueue, &op->queue_cap, (uint32_t)add[i]) != 0)
                return -1;
        for (uint32_t i = 0; i < ndel; i++)
            if (push_u32(&op->evict, &op->nevict, &op->evict_cap, (uint32_t)del[i]) != 0)
                return -1;
    }
    return 0;
}

/* Embedded sites first, so tiered's IXs see their region's plans. */
int placement_plan_all(struct world *w)
{
    for (int pass = 0; pass < 2; pass++)
        for (int s = 0; s < w->nsites; s++)
            if ((w->sc->sites[s].kind == SITE_EMBEDDED) == (pass == 0) &&
                placement_plan_site(w, s, fill_local_day(w, s, w->engine->now)) != 0)
                return -1;
    return 0;
}

/* Numbers every file (title, codec, rung): title by title, codecs in enum
 * order, rungs increasing, so a title's files are contiguous and files of
 * popular titles come first (titles are in popularity order). */
static int build_files(struct world *w)
{
    size_t nl = (size_t)w->ntitles * CODEC_COUNT;
    w->file_first = malloc((nl ? nl : 1) * sizeof *w->file_first);
    if (!w->file_first)
        return -1;
    uint32_t n = 0;
    for (size_t l = 0; l < nl; l++) {
        w->file_first[l] = n;
        n += w->enc->nrungs[l];
    }
    w->nfiles = n;
    w->file_title = malloc((n ? n : 1) * sizeof *w->file_title);
    w->file_bytes = malloc((n ? n : 1) * sizeof *w->file_bytes);
    if (!w->file_title || !w->file_bytes)
        return -1;
    for (int t = 0; t < w->ntitles; t++)
        for (int c = 0; c < CODEC_COUNT; c++) {
            size_t l = encoding_ladder_index((uint32_t)t, c);
            for (int r = 0; r < w->enc->nrungs[l]; r++) {
                uint32_t f = w->file_first[l] + (uint32_t)r;
                w->file_title[f] = (uint32_t)t;
                w->file_bytes[f] = encoding_file_bytes(w->enc, (uint32_t)t, c, r, w->titles[t].duration);
            }
        }
    return 0;
}

int placement_build(struct world *w)
{
    if (build_files(w) != 0)
        return -1;
    w->words_per_bitset = ((size_t)placement_nfiles(w) + 63) / 64;
    if (w->sc->placement == PLACEMENT_STATIC)
        return build_static(w);
    struct placement *pl = calloc(1, sizeof *pl);
    if (!pl)
        return -1;
    w->placement = pl;
    const struct scenario *sc = w->sc;
    pl->policy = registry[sc->placement];
    uint32_t n = pl->nfiles = placement_nfiles(w);
    size_t rn = (size_t)sc->nregions * n;
    uint32_t maxn = 1;
    for (int s = 0; s < w->nsites; s++)
        if (w->sites[s].noca > maxn)
            maxn = w->sites[s].noca;
    pl->o = calloc(w->nocas ? w->nocas : 1, sizeof *pl->o);
    pl->observed = calloc(rn, sizeof *pl->observed);
    pl->forecast = calloc(rn, sizeof *pl->forecast);
    pl->rank = calloc(rn, sizeof *pl->rank);
    pl->pos = calloc(rn, sizeof *pl->pos);
    pl->keys = malloc(2 * (size_t)(n ? n : 1) * sizeof *pl->keys);
    pl->forecast_day = malloc((size_t)sc->nregions * sizeof *pl->forecast_day);
    pl->watch_frac = malloc((size_t)n * sizeof *pl->watch_frac);
    pl->all_embedded = malloc(n ? n : 1);
    pl->score = malloc(maxn * sizeof *pl->score);
    pl->state = malloc(maxn);
    if (!pl->o || !pl->observed || !pl->forecast || !pl->rank || !pl->forecast_day ||
        !pl->watch_frac || !pl->all_embedded || !pl->score || !pl->state || !pl->pos || !pl->keys)
        return -1;
    for (int r = 0; r < sc->nregions; r++)
        pl->forecast_day[r] = INT64_MIN;
    pl->smallest = INFINITY;
    for (uint32_t f = 0; f < n; f++)
        if (placement_file_size(w, f) < pl->smallest)
            pl->smallest = placement_file_size(w, f);
    double median = (double)sc->demand.watch_median, sigma = sc->demand.watch_sigma;
    for (uint32_t f = 0; f < n; f++) {
        double d = (double)w->titles[placement_file_title(w, f)].duration;
        pl->watch_frac[f] = catalog_mean_capped_watch(median, sigma, d) / d;
    }
    const struct cache_policy *cp = sc->place.cache ? cache_policy_find(cache_policy_names[sc->place.cache - 1]) : NULL;
    for (uint32_t o = 0; o < w->nocas; o++) {
        const struct cfg_site *cs = &sc->sites[w->ocas[o].site];
        struct oca_place *op = &pl->o[o];
        op->flow = NONE;
        op->capacity = cs->oca_storage_bytes * (1 - sc->place.cache_share);
        op->fill_rate_bps = sc->place.fill_rate_bps[cs->oca_kind];
        op->night_cap = sc->place.fill_volume_bytes[cs->oca_kind];
        if (cp && sc->place.cache_share > 0) {
            op->cache = cache_create(cp, (uint64_t)(cs->oca_storage_bytes * sc->place.cache_share), 0);
            if (!op->cache)
                return -1;
        }
    }
    /* The initial contents: tonight's plan of the forecast known at the
     * start, as if the last fill had completed. */
    if (placement_plan_all(w) != 0)
        return -1;
    for (uint32_t o = 0; o < w->nocas; o++) {
        struct oca_place *op = &pl->o[o];
        for (uint32_t i = 0; i < op->nqueue; i++)
            placement_set_held(w, o, op->queue[i], 1);
        op->nqueue = op->qpos = op->nevict = op->epos = 0;
    }
    for (int s = 0; s < w->nsites; s++) {
        engine_at(w->engine, fill_next_window(w, s, 1), EV_FILL_START, (uint32_t)s, 0);
        for (uint32_t k = 0; k < w->sites[s].noca; k++)
            pl->o[w->sites[s].first_oca + k].day = fill_local_day(w, s, 0);
    }
    return w->engine->failed ? -1 : 0;
}

void placement_destroy(struct world *w)
{
    for (uint32_t o = 0; w->ocas && o < w->nocas; o++)
        free(w->ocas[o].holds);
    free(w->file_first);
    free(w->file_title);
    free(w->file_bytes);
    w->file_first = w->file_title = NULL;
    w->file_bytes = NULL;
    struct placement *pl = w->placement;
    if (!pl)
        return;
    for (uint32_t o = 0; pl->o && o < w->nocas; o++) {
        free(pl->o[o].target);
        free(pl->o[o].queue);
        free(pl->o[o].evict);
        cache_destroy(pl->o[o].cache);
    }
    free(pl->o);
    free(pl->observed);
    free(pl->forecast);
    free(pl->rank);
    free(pl->pos);
    free(pl->keys);
    free(pl->forecast_day);
    free(pl->watch_frac);
    free(pl->all_embedded);
    free(pl->score);
    free(pl->state);
    free(pl);
    w->placement = NULL;
}

double placement_cached_bytes(const struct world *w, uint32_t oca)
{
    const struct placement *pl = w->placement;
    return pl && pl->o[oca].cache ? (double)pl->o[oca].cache->used : 0;
}

int placement_cache_holds(const struct world *w, uint32_t oca, uint32_t file)
{
    const struct cache *c = w->placement->o[oca].cache;
    return c && cache_contains(c, file);
}

/* The site a request of this ISP is counted at: its first embedded
 * cluster, else the first IX it peers with; -1 when neither. */
static int home_site(const struct world *w, int isp)
{
    if (w->isps[isp].nembedded)
        return w->isps[isp].embedded[0];
    if (w->sc->isps[isp].npeering)
        return w->sc->isps[isp].peering[0].ix_site;
    return -1;
}

/* One level of the request at a site: the per-OCA counters (count) and
 * the reactive cache. The request is counted at the serving OCA when the
 * site served it, else at the site's first OCA in rendezvous order for the
 * file, whose cache then admits it (cache on miss). A copy served from a
 * placed file is no cache lookup. Returns whether the site served it. */
static int request_at_site(struct world *w, int site, uint32_t f, uint32_t res0, int count)
{
    struct placement *pl = w->placement;
    const struct site *st = &w->sites[site];
    int here = res0 >= st->first_oca && res0 < st->first_oca + st->noca;
    uint32_t at = res0;
    if (!here) {
        uint64_t best = 0;
        for (uint32_t k = 0; k < st->noca; k++) {
            uint64_t h = steering_hrw(f, st->first_oca + k);
            if (k == 0 || h > best) {
                best = h;
                at = st->first_oca + k;
            }
        }
    }
    if (count) {
        w->ocas[at].requests_period++;
        w->ocas[at].hits_period += (uint32_t)here;
    }
    if (!pl || !pl->o[at].cache)
        return here;
    const struct oca *o = &w->ocas[at];
    if (here && bitset_get(o->holds, o->holds_words, f))
        return here;
    double size = placement_file_size(w, f);
    pl->cache_requests++;
    pl->cache_bytes_requested += size;
    int hit = cache_access(pl->o[at].cache, f, (uint64_t)size);
    if (hit < 0) {
        w->engine->failed = 1;
    } else if (hit) {
        pl->cache_hits++;
        pl->cache_bytes_hit += size;
    }
    return here;
}

/* Requests are seen at the ISP's first embedded cluster, and, when it
 * missed, at the first IX the ISP peers with: with reactive caches that is
 * a two-level flow-through hierarchy (a miss at both fills both). */
void placement_on_request(struct world *w, int isp, uint32_t f, int tier, uint32_t res0)
{
    struct placement *pl = w->placement;
    if (pl)
        pl->observed[(size_t)w->isps[isp].region * pl->nfiles + f] += 1;
    if (tier == TIER_ORIGIN)
        res0 = NONE;                /* the origin's resource is no OCA */
    int site = home_site(w, isp);
    if (site < 0 || request_at_site(w, site, f, res0, 1))
        return;
    const struct cfg_isp *ci = &w->sc->isps[isp];
    if (w->sc->sites[site].kind == SITE_EMBEDDED && ci->npeering && pl)
        request_at_site(w, ci->peering[0].ix_site, f, res0, 0);
}

void placement_flush_churn(struct world *w, int site, int64_t day)
{
    struct placement *pl = w->placement;
    if (!pl)
        return;
    uint32_t a = site < 0 ? 0 : w->sites[site].first_oca;
    uint32_t b = site < 0 ? w->nocas : a + w->sites[site].noca;
    for (uint32_t o = a; o < b; o++) {
        struct oca_place *op = &pl->o[o];
        if (w->results && !w->write_failed &&
            (op->added_day || op->evicted_day || op->fill_bytes_day > 0)) {
            struct churn_row row = { (int)op->day, (int)o, op->added_day, op->evicted_day,
                                     op->fill_bytes_day };
            if (results_churn(w->results, &row, w->err) != 0)
                w->write_failed = 1;
        }
        op->day = day;
        op->added_day = op->evicted_day = 0;
        op->fill_bytes_day = 0;
    }
}

void placement_totals(const struct world *w, struct placement_totals *t)
{
    memset(t, 0, sizeof *t);
    const struct placement *pl = w->placement;
    for (uint32_t o = 0; o < w->nocas; o++) {
        t->storage += w->sc->sites[w->ocas[o].site].oca_storage_bytes;
        t->storage_used += w->ocas[o].stored_bytes;
        if (pl && pl->o[o].cache)
            t->storage_used += (double)pl->o[o].cache->used;
    }
    if (!pl)
        return;
    t->fill_bytes = pl->fill_bytes;
    t->cache_requests = pl->cache_requests;
    t->cache_hits = pl->cache_hits;
    t->cache_bytes_requested = pl->cache_bytes_requested;
    t->cache_bytes_hit = pl->cache_bytes_hit;
    t->files_added = pl->files_added;
    t->files_evicted = pl->files_evicted;
}
