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
 * should hold each. A file's copies go to the site's OCAs in its
 * rendezvous order (steering_hrw's hash on the OCA's index in the site):
 * the first copy always to rank 0 (the file is skipped when that OCA is
 * full), further copies to the next ranks with room. models/fill.c moves
 * the plan into what is servable.
 *
 * Memory (struct site_place): per site, not per OCA. Since a file's rank-0
 * OCA is a function of the file and the site's size, a site keeps one bit
 * per file for its first copy (planned; servable) and a small hash for the
 * few files with further copies (hashed's hot files, pre-positioned
 * premieres); a table per distinct site size gives each file's rank-0 OCA.
 * Before (two bitsets over files per OCA): 1.0 GB RSS at 18 000 OCAs x
 * 99 321 files, and the full bench (993 635 files) was still building its
 * first plan after 18 minutes at 4.8 GB. Now: 52 MB and 855 MB (most of it
 * the night's fill and eviction lists, which grow with churn), measured by
 * tests/bench/bench_placement. Static placement
 * (v1) places whole titles: a bitset over titles per OCA (struct oca). */
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

static int bit(const uint64_t *b, uint32_t i)
{
    return b[i >> 6] >> (i & 63) & 1;
}

/* The site-local rendezvous score: steering_hrw's hash on the OCA's index
 * in its site, so every site of one size shares each file's rank-0 OCA
 * (one table per size, struct first_table) and the plan needs no hashing
 * for the first copy. */
static uint64_t place_hrw(uint32_t file, uint32_t k)
{
    return steering_hrw(file, k);
}

void placement_rank_of(const struct world *w, int site, uint32_t file, uint32_t *out)
{
    uint32_t n = w->sites[site].noca;
    uint64_t score[n ? n : 1];
    for (uint32_t k = 0; k < n; k++) {
        uint64_t s = place_hrw(file, k);
        uint32_t j = k;
        while (j > 0 && score[j - 1] < s) {
            score[j] = score[j - 1];
            out[j] = out[j - 1];
            j--;
        }
        score[j] = s;
        out[j] = k;
    }
}

/* The rank of OCA index k in the site's rendezvous order for file. */
static uint32_t rank_index(const struct world *w, int site, uint32_t file, uint32_t k)
{
    uint64_t s = place_hrw(file, k);
    uint32_t j = 0;
    for (uint32_t i = 0; i < w->sites[site].noca; i++) {
        uint64_t t = place_hrw(file, i);
        j += t > s || (t == s && i < k);
    }
    return j;
}

static uint32_t first_of(const struct site_place *sp, uint32_t file)
{
    return sp->first ? sp->first[file] : 0;
}

static const uint16_t *first_table(struct world *w, uint32_t noca)
{
    struct placement *pl = w->placement;
    if (noca <= 1)
        return NULL;
    for (int i = 0; i < pl->nfirsts; i++)
        if (pl->firsts[i].noca == noca)
            return pl->firsts[i].first;
    if (noca > 65535)
        return NULL;
    struct first_table *x = realloc(pl->firsts, (size_t)(pl->nfirsts + 1) * sizeof *x);
    if (!x)
        return NULL;
    pl->firsts = x;
    uint16_t *t = malloc((size_t)(pl->nfiles ? pl->nfiles : 1) * sizeof *t);
    if (!t)
        return NULL;
    pl->firsts[pl->nfirsts++] = (struct first_table){ noca, t };
    for (uint32_t f = 0; f < pl->nfiles; f++) {
        uint64_t best = place_hrw(f, 0);
        uint16_t bk = 0;
        for (uint32_t k = 1; k < noca; k++) {
            uint64_t s = place_hrw(f, k);
            if (s > best) {
                best = s;
                bk = (uint16_t)k;
            }
        }
        t[f] = bk;
    }
    return t;
}

static struct extra_copies *extra_find(const struct site_place *sp, uint32_t file)
{
    if (!sp->extra)
        return NULL;
    uint32_t m = sp->extra_cap - 1;
    for (uint32_t i = (file * 2654435761u) & m;; i = (i + 1) & m) {
        if (sp->extra[i].file == file)
            return &sp->extra[i];
        if (sp->extra[i].file == NONE)
            return NULL;
    }
}

/* Finds or adds file's entry (entries are never removed: few files ever
 * have more than one copy). NULL when memory runs out. */
static struct extra_copies *extra_get(struct site_place *sp, uint32_t file)
{
    struct extra_copies *e = extra_find(sp, file);
    if (e)
        return e;
    if ((sp->nextra + 1) * 2 > sp->extra_cap) {
        uint32_t cap = sp->extra_cap ? sp->extra_cap * 2 : 16;
        struct extra_copies *x = malloc((size_t)cap * sizeof *x);
        if (!x)
            return NULL;
        for (uint32_t i = 0; i < cap; i++)
            x[i].file = NONE;
        struct extra_copies *old = sp->extra;
        uint32_t oldcap = sp->extra_cap;
        sp->extra = x;
        sp->extra_cap = cap;
        for (uint32_t i = 0; i < oldcap; i++)
            if (old[i].file != NONE) {
                uint32_t j = (old[i].file * 2654435761u) & (cap - 1);
                while (x[j].file != NONE)
                    j = (j + 1) & (cap - 1);
                x[j] = old[i];
            }
        free(old);
    }
    uint32_t m = sp->extra_cap - 1, i = (file * 2654435761u) & m;
    while (sp->extra[i].file != NONE)
        i = (i + 1) & m;
    sp->extra[i] = (struct extra_copies){ file, 0, 0 };
    sp->nextra++;
    return &sp->extra[i];
}

int placement_holds_placed(const struct world *w, uint32_t oca, uint32_t file)
{
    const struct placement *pl = w->placement;
    uint32_t site = w->ocas[oca].site;
    const struct site_place *sp = &pl->s[site];
    uint32_t k = oca - w->sites[site].first_oca;
    if (bit(sp->held, file) && first_of(sp, file) == k)
        return 1;
    if (!sp->nextra)
        return 0;
    const struct extra_copies *e = extra_find(sp, file);
    if (!e || !e->held)
        return 0;
    uint32_t j = rank_index(w, (int)site, file, k);
    return j < 64 && (e->held >> j & 1);
}

uint32_t placement_site_holder(const struct world *w, int site, uint32_t file, uint32_t skip)
{
    const struct placement *pl = w->placement;
    const struct site_place *sp = &pl->s[site];
    uint32_t k0 = first_of(sp, file);
    if (bit(sp->held, file) && k0 != skip)
        return k0;
    const struct extra_copies *e = sp->nextra ? extra_find(sp, file) : NULL;
    if (!e || !e->held)
        return NONE;
    placement_rank_of(w, site, file, pl->order);
    for (uint32_t j = 1; j < 64 && j < w->sites[site].noca; j++)
        if ((e->held >> j & 1) && pl->order[j] != skip)
            return pl->order[j];
    return NONE;
}

int placement_site_copies(const struct world *w, int site, uint32_t file, uint32_t *out)
{
    const struct placement *pl = w->placement;
    if (!pl || pl->caches)
        return -1;
    const struct site_place *sp = &pl->s[site];
    uint32_t first = w->sites[site].first_oca;
    int n = 0;
    if (bit(sp->held, file))
        out[n++] = first + first_of(sp, file);
    const struct extra_copies *e = sp->nextra ? extra_find(sp, file) : NULL;
    if (e && e->held) {
        placement_rank_of(w, site, file, pl->order);
        for (uint32_t j = 1; j < 64 && j < w->sites[site].noca; j++)
            if (e->held >> j & 1)
                out[n++] = first + pl->order[j];
    }
    return n;
}

/* Static placement: whole titles, a bitset over titles per OCA. */
static void static_set_held(struct world *w, uint32_t oca, uint32_t file, int held)
{
    struct oca *o = &w->ocas[oca];
    uint32_t t = placement_file_title(w, file), a, b;
    uint64_t m = UINT64_C(1) << (t & 63);
    int was = (o->holds[t >> 6] & m) != 0;
    if (was == !!held)
        return;
    placement_title_files(w, t, &a, &b);
    o->holds[t >> 6] ^= m;
    o->stored_bytes += (held ? 1 : -1) * w->titles[t].size_bytes;
    o->titles_held += held ? b - a : -(b - a);
}

void placement_set_held(struct world *w, uint32_t oca, uint32_t file, int held)
{
    struct placement *pl = w->placement;
    if (!pl) {
        static_set_held(w, oca, file, held);
        return;
    }
    uint32_t site = w->ocas[oca].site;
    struct site_place *sp = &pl->s[site];
    uint32_t k = oca - w->sites[site].first_oca;
    uint32_t j = first_of(sp, file) == k ? 0 : rank_index(w, (int)site, file, k);
    int was;
    if (j == 0) {
        was = bit(sp->held, file);
        if (held)
            sp->held[file >> 6] |= UINT64_C(1) << (file & 63);
        else
            sp->held[file >> 6] &= ~(UINT64_C(1) << (file & 63));
    } else if (j < 64) {
        struct extra_copies *e = held ? extra_get(sp, file) : extra_find(sp, file);
        if (!e) {
            if (held)
                w->engine->failed = 1;
            return;
        }
        was = (int)(e->held >> j & 1);
        if (held)
            e->held |= UINT64_C(1) << j;
        else
            e->held &= ~(UINT64_C(1) << j);
    } else {
        return;     /* ranks past 63 hold no copies (struct extra_copies) */
    }
    if (was == !!held)
        return;
    struct oca *o = &w->ocas[oca];
    o->stored_bytes += (held ? 1 : -1) * placement_file_size(w, file);
    o->titles_held += held ? 1u : (uint32_t)-1;
}

int placement_premiere(const struct world *w, uint32_t title, int region, simtime t)
{
    int state = -1;
    for (int k = 0; k < w->sc->nlive; k++) {
        const struct cfg_live *c = &w->sc->live[k];
        if (c->kind != LIVE_PREMIERE || (uint32_t)c->title != title || t >= c->at)
            continue;
        int here = region < 0;
        for (int a = 0; a < c->naudience && !here; a++)
            here = c->audience[a].region == region;
        if (c->prepositioned && here)
            return 1;
        state = 0;
    }
    return state;
}

/* Static placement's order: pre-positioned premieres first (scheduled
 * releases known in advance), then the catalog in popularity order; a
 * premiere not pre-positioned is held back (it is not released yet). */
static int static_order(const struct world *w, int *order)
{
    int n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int t = 0; t < w->ntitles; t++) {
            int p = placement_premiere(w, (uint32_t)t, -1, 0);
            if (pass == 0 ? p == 1 : p == -1)
                order[n++] = t;
        }
    return n;
}

static int build_static(struct world *w)
{
    size_t words = ((size_t)w->ntitles + 63) / 64;
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
    int *titles = malloc((size_t)(w->ntitles ? w->ntitles : 1) * sizeof *titles);
    if (!order || !titles) {
        free(order);
        free(titles);
        return -1;
    }
    int ntitles = static_order(w, titles);
    for (int s = 0; s < w->nsites; s++) {
        double cap = w->sc->sites[s].oca_storage_bytes;
        for (int i = 0; i < ntitles; i++) {
            int t = titles[i];
            double size = w->titles[t].size_bytes;
            /* A pre-positioned premiere goes on every OCA with room, for
             * the herd at its release (see replicas_of). */
            int everywhere = w->sc->nlive && placement_premiere(w, (uint32_t)t, -1, 0) == 1;
            steering_rank(w, s, (uint32_t)t, order);
            for (uint32_t i = 0; i < w->sites[s].noca; i++) {
                struct oca *o = &w->ocas[order[i]];
                if (o->stored_bytes + size <= cap) {
                    /* v1 places a title whole: every file of it. */
                    o->stored_bytes += size;
                    uint32_t a, b;
                    placement_title_files(w, (uint32_t)t, &a, &b);
                    o->titles_held += b - a;
                    o->holds[t >> 6] |= UINT64_C(1) << (t & 63);
                    if (!everywhere)
                        break;
                }
            }
        }
    }
    free(order);
    free(titles);
    return 0;
}

/* Sorts keys[0..m) by their upper 32 bits (a rank position; the lower
 * half, a file, is unique): LSD radix, three passes of 11 bits, tmp of
 * m. A comparison sort of the nightly changes was most of the plan's time
 * at the bench's size. */
static void sort_by_rank(uint64_t *keys, uint64_t *tmp, uint32_t m)
{
    uint32_t count[2048];
    for (int pass = 0; pass < 3; pass++) {
        int shift = 32 + 11 * pass;
        memset(count, 0, sizeof count);
        for (uint32_t i = 0; i < m; i++)
            count[keys[i] >> shift & 2047]++;
        uint32_t sum = 0;
        for (int b = 0; b < 2048; b++) {
            uint32_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (uint32_t i = 0; i < m; i++)
            tmp[count[keys[i] >> shift & 2047]++] = keys[i];
        memcpy(keys, tmp, (size_t)m * sizeof *keys);
    }
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

/* Sets pl->all_embedded to the files every embedded cluster of the region
 * plans (a cluster plans a file when it plans its first copy); empty when
 * the region has none. */
static void all_embedded_of_region(struct world *w, int region)
{
    struct placement *pl = w->placement;
    size_t words = w->words_per_bitset;
    int any = 0;
    memset(pl->all_embedded, 0xff, words * sizeof *pl->all_embedded);
    for (int s = 0; s < w->nsites; s++) {
        const struct cfg_site *c = &w->sc->sites[s];
        if (c->kind != SITE_EMBEDDED || c->region != region)
            continue;
        any = 1;
        for (size_t i = 0; i < words; i++)
            pl->all_embedded[i] &= pl->s[s].plan[i];
    }
    if (!any)
        memset(pl->all_embedded, 0, words * sizeof *pl->all_embedded);
}

/* Takes size bytes from OCA k's room; most_room is the largest room. */
static void debit(double *room, uint32_t noca, uint32_t k, double size, double *most_room)
{
    int was_most = room[k] >= *most_room;
    room[k] -= size;
    if (was_most) {
        double m = 0;
        for (uint32_t i = 0; i < noca; i++)
            m = room[i] > m ? room[i] : m;
        *most_room = m;
    }
}

/* Tonight's work per OCA: fill what is planned and missing, best first;
 * evict what is held and not planned, least wanted first. Word by word,
 * since a night changes few files (Temkin 2014: "churns less than 1% a
 * day"); only the changed files are sorted by rank. */
static int fill_lists(struct world *w, int site, int region)
{
    struct placement *pl = w->placement;
    struct site_place *sp = &pl->s[site];
    const struct site *st = &w->sites[site];
    uint32_t n = pl->nfiles;
    const uint32_t *pos = pl->pos + (size_t)region * n;
    for (uint32_t k = 0; k < st->noca; k++) {
        struct oca_place *op = &pl->o[st->first_oca + k];
        op->nqueue = op->qpos = op->nevict = op->epos = 0;
    }
    uint32_t nadd = 0, ndel = 0;
    uint64_t *add = pl->keys, *del = pl->keys + n;
    for (size_t i = 0; i < w->words_per_bitset; i++) {
        uint64_t t = sp->plan[i], h = sp->held[i];
        for (uint64_t a = t & ~h; a; a &= a - 1) {
            uint32_t f = (uint32_t)i * 64 + (uint32_t)__builtin_ctzll(a);
            add[nadd++] = (uint64_t)pos[f] << 32 | f;
        }
        for (uint64_t d = h & ~t; d; d &= d - 1) {
            uint32_t f = (uint32_t)i * 64 + (uint32_t)__builtin_ctzll(d);
            del[ndel++] = (uint64_t)(n - 1 - pos[f]) << 32 | f;
        }
    }
    /* Files whose only change is a further copy. */
    for (uint32_t i = 0; i < sp->extra_cap; i++) {
        const struct extra_copies *e = &sp->extra[i];
        uint32_t f = e->file;
        if (f == NONE)
            continue;
        int p = bit(sp->plan, f), h = bit(sp->held, f);
        if ((e->plan & ~e->held) && !(p && !h))
            add[nadd++] = (uint64_t)pos[f] << 32 | f;
        if ((e->held & ~e->plan) && !(h && !p))
            del[ndel++] = (uint64_t)(n - 1 - pos[f]) << 32 | f;
    }
    sort_by_rank(add, pl->keys + 2 * (size_t)n, nadd);
    sort_by_rank(del, pl->keys + 2 * (size_t)n, ndel);
    for (int which = 0; which < 2; which++) {
        const uint64_t *keys = which ? del : add;
        for (uint32_t i = 0, m = which ? ndel : nadd; i < m; i++) {
            uint32_t f = (uint32_t)keys[i];
            int p = bit(sp->plan, f), h = bit(sp->held, f);
            uint64_t ranks = (which ? h && !p : p && !h) ? 1 : 0;
            const struct extra_copies *e = sp->nextra ? extra_find(sp, f) : NULL;
            if (e)
                ranks |= which ? e->held & ~e->plan : e->plan & ~e->held;
            if (ranks > 1)
                placement_rank_of(w, site, f, pl->order);
            for (uint32_t j = 0; ranks; j++, ranks >>= 1) {
                if (!(ranks & 1))
                    continue;
                struct oca_place *op = &pl->o[st->first_oca + (j ? pl->order[j] : first_of(sp, f))];
                int rc = which ? push_u32(&op->evict, &op->nevict, &op->evict_cap, f)
                               : push_u32(&op->queue, &op->nqueue, &op->queue_cap, f);
                if (rc != 0)
                    return -1;
            }
        }
    }
    /* Lists grow by doubling: give back the slack (they are most of the
     * plan's memory on a night of high churn). */
    for (uint32_t k = 0; k < st->noca; k++) {
        struct oca_place *op = &pl->o[st->first_oca + k];
        if (op->queue_cap > op->nqueue + 64) {
            uint32_t *x = realloc(op->queue, ((size_t)op->nqueue + 1) * sizeof *x);
            if (x) {
                op->queue = x;
                op->queue_cap = op->nqueue + 1;
            }
        }
        if (op->evict_cap > op->nevict + 64) {
            uint32_t *x = realloc(op->evict, ((size_t)op->nevict + 1) * sizeof *x);
            if (x) {
                op->evict = x;
                op->evict_cap = op->nevict + 1;
            }
        }
    }
    return 0;
}

/* Whether site would plan exactly as pl->twin did (same region and
 * forecast day, kind, OCA count and capacities): then its plan is a copy.
 * Only without stickiness (which depends on what each site holds) and not
 * for an IX under a policy that reads the embedded plans (they may have
 * changed since). Identical clusters are the common case (Open Connect
 * ships a few appliance configurations); at the bench's size this turns a
 * thousand scans of a million ranked files into one. */
static int plans_like_twin(const struct world *w, int site, int64_t day)
{
    const struct placement *pl = w->placement;
    int t = pl->twin;
    if (t < 0 || w->sc->place.stickiness > 0 || pl->twin_day != day)
        return 0;
    const struct cfg_site *a = &w->sc->sites[site], *b = &w->sc->sites[t];
    if (a->region != b->region || a->kind != b->kind || w->sites[site].noca != w->sites[t].noca ||
        (pl->policy->needs_embedded_plans && a->kind == SITE_IX))
        return 0;
    for (uint32_t k = 0; k < w->sites[site].noca; k++)
        if (pl->o[w->sites[site].first_oca + k].capacity != pl->o[w->sites[t].first_oca + k].capacity)
            return 0;
    return 1;
}

static int copy_twin_plan(struct world *w, int site)
{
    struct placement *pl = w->placement;
    struct site_place *sp = &pl->s[site];
    const struct site_place *tp = &pl->s[pl->twin];
    memcpy(sp->plan, tp->plan, w->words_per_bitset * sizeof *sp->plan);
    for (uint32_t i = 0; i < sp->extra_cap; i++)
        sp->extra[i].plan = 0;
    for (uint32_t i = 0; i < tp->extra_cap; i++) {
        const struct extra_copies *e = &tp->extra[i];
        if (e->file == NONE || !e->plan)
            continue;
        struct extra_copies *x = extra_get(sp, e->file);
        if (!x)
            return -1;
        x->plan = e->plan;
    }
    return 0;
}

/* How many OCAs of site should hold file tonight: the policy's answer,
 * except that a pre-positioned premiere's files go to every OCA of the
 * site. Its release brings a herd of joins at one instant (issue 7), and
 * one copy per cluster would put the whole herd on one OCA: at sample 0.1
 * that took premiere.json's rebuffer ratio to 40%. This is this model's
 * rule (Open Connect replicates hot files widely, DOMAIN.md §1.4). */
static int replicas_of(const struct placement *pl, const struct placement_view *v, int region,
                       uint32_t file)
{
    int r = pl->policy->replicas(v, file);
    const struct world *w = v->w;
    if (r > 0 && w->sc->nlive
        && placement_premiere(w, placement_file_title(w, file), region, w->engine->now) == 1)
        r = (int)w->sites[v->site].noca;
    return r;
}

int placement_plan_site(struct world *w, int site, int64_t day)
{
    struct placement *pl = w->placement;
    const struct cfg_site *cs = &w->sc->sites[site];
    int region = cs->region;
    if (forecast_update(w, region, day) != 0)
        return -1;
    if (plans_like_twin(w, site, day)) {
        if (copy_twin_plan(w, site) != 0)
            return -1;
        return pl->building ? 0 : fill_lists(w, site, region);
    }
    uint32_t n = pl->nfiles;
    const struct site *st = &w->sites[site];
    struct site_place *sp = &pl->s[site];
    uint32_t noca = st->noca;
    struct placement_view v = { .w = w, .site = site, .demand = pl->forecast + (size_t)region * n,
                                .demand_total = pl->demand_total[region] };
    if (pl->policy->needs_embedded_plans && cs->kind == SITE_IX) {
        all_embedded_of_region(w, region);
        v.held_by_all_embedded = pl->all_embedded;
    }
    double room[noca ? noca : 1];
    double smallest = pl->smallest, most_room = 0;
    for (uint32_t k = 0; k < noca; k++) {
        room[k] = pl->o[st->first_oca + k].capacity;
        if (room[k] > most_room)
            most_room = room[k];
    }
    memset(sp->plan, 0, w->words_per_bitset * sizeof *sp->plan);
    for (uint32_t i = 0; i < sp->extra_cap; i++)
        sp->extra[i].plan = 0;
    const uint32_t *rank = pl->rank + (size_t)region * n;
    const double *rsize = pl->rank_size + (size_t)region * n;
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
        for (uint32_t k = 0; k < noca; k++)
            total += room[k];
        uint32_t i = 0;
        for (; i < n && used < total; i++) {
            int r = replicas_of(pl, &v, region, rank[i]);
            used += (r > 0 ? r : 0) * rsize[i];
        }
        double e = (double)i * (1 + h);
        sticky_end = e < n ? (uint32_t)e : n;
    }
    /* A file's copies go to the OCAs first in its rendezvous order with
     * room, the first copy always to rank 0 (skipped when that OCA is
     * full: a deeper file that hashes elsewhere takes the space). So
     * copies stay where they are from night to night (Open Connect's
     * placement aims to "stay stable day to day", DOMAIN.md §1.4) and the
     * site needs no per-OCA record of where each file is. */
    for (int phase = h > 0 ? 0 : 1; phase < 2; phase++)
    for (uint32_t i = 0; i < (phase ? n : sticky_end) && most_room >= smallest; i++) {
        uint32_t f = rank[i];
        double size = rsize[i];
        if (size > most_room)
            continue;
        uint32_t k0 = first_of(sp, f);
        if (room[k0] < size)
            continue;
        if (phase == 0 || i < sticky_end) {
            const struct extra_copies *e = sp->nextra ? extra_find(sp, f) : NULL;
            int held = bit(sp->held, f) || (e && e->held);
            if (phase == 0 ? !held : bit(sp->plan, f))
                continue;
        }
        int r = replicas_of(pl, &v, region, f);
        if (r <= 0)
            continue;
        sp->plan[f >> 6] |= UINT64_C(1) << (f & 63);
        debit(room, noca, k0, size, &most_room);
        if (r < 2 || noca < 2)
            continue;
        placement_rank_of(w, site, f, pl->order);
        struct extra_copies *e = NULL;
        int placed = 1;
        for (uint32_t j = 1; j < noca && j < 64 && placed < r; j++) {
            uint32_t k = pl->order[j];
            if (room[k] < size)
                continue;
            if (!e && !(e = extra_get(sp, f)))
                return -1;
            e->plan |= UINT64_C(1) << j;
            debit(room, noca, k, size, &most_room);
            placed++;
        }
    }
    pl->twin = site;
    pl->twin_day = day;
    return pl->building ? 0 : fill_lists(w, site, region);
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
    pl->twin = -1;
    uint32_t n = pl->nfiles = placement_nfiles(w);
    size_t rn = (size_t)sc->nregions * n;
    uint32_t maxn = 1;
    for (int s = 0; s < w->nsites; s++)
        if (w->sites[s].noca > maxn)
            maxn = w->sites[s].noca;
    pl->o = calloc(w->nocas ? w->nocas : 1, sizeof *pl->o);
    pl->s = calloc(w->nsites ? (size_t)w->nsites : 1, sizeof *pl->s);
    pl->observed = calloc(rn, sizeof *pl->observed);
    pl->forecast = calloc(rn, sizeof *pl->forecast);
    pl->rank = calloc(rn, sizeof *pl->rank);
    pl->rank_size = calloc(rn, sizeof *pl->rank_size);
    pl->pos = calloc(rn, sizeof *pl->pos);
    pl->keys = malloc(3 * (size_t)(n ? n : 1) * sizeof *pl->keys);
    pl->forecast_day = malloc((size_t)sc->nregions * sizeof *pl->forecast_day);
    pl->demand_total = calloc((size_t)sc->nregions, sizeof *pl->demand_total);
    pl->watch_frac = malloc((size_t)n * sizeof *pl->watch_frac);
    size_t words = w->words_per_bitset ? w->words_per_bitset : 1;
    pl->all_embedded = malloc(words * sizeof *pl->all_embedded);
    pl->order = malloc(maxn * sizeof *pl->order);
    if (!pl->o || !pl->s || !pl->observed || !pl->forecast || !pl->rank || !pl->rank_size ||
        !pl->forecast_day || !pl->demand_total || !pl->watch_frac || !pl->all_embedded ||
        !pl->order || !pl->pos || !pl->keys)
        return -1;
    for (int s = 0; s < w->nsites; s++) {
        struct site_place *sp = &pl->s[s];
        sp->held = calloc(words, sizeof *sp->held);
        sp->plan = calloc(words, sizeof *sp->plan);
        sp->first = first_table(w, w->sites[s].noca);
        if (!sp->held || !sp->plan || (w->sites[s].noca > 1 && !sp->first))
            return -1;
    }
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
            pl->caches = 1;
            op->cache = cache_create(cp, (uint64_t)(cs->oca_storage_bytes * sc->place.cache_share), 0);
            if (!op->cache)
                return -1;
        }
    }
    /* The initial contents: tonight's plan of the forecast known at the
     * start, as if the last fill had completed. */
    pl->building = 1;
    if (placement_plan_all(w) != 0)
        return -1;
    pl->building = 0;
    for (int s = 0; s < w->nsites; s++) {
        struct site_place *sp = &pl->s[s];
        uint32_t first = w->sites[s].first_oca;
        memcpy(sp->held, sp->plan, words * sizeof *sp->held);
        for (size_t i = 0; i < w->words_per_bitset; i++)
            for (uint64_t b = sp->held[i]; b; b &= b - 1) {
                uint32_t f = (uint32_t)i * 64 + (uint32_t)__builtin_ctzll(b);
                struct oca *o = &w->ocas[first + first_of(sp, f)];
                o->stored_bytes += placement_file_size(w, f);
                o->titles_held++;
            }
        for (uint32_t i = 0; i < sp->extra_cap; i++) {
            struct extra_copies *e = &sp->extra[i];
            if (e->file == NONE || !e->plan)
                continue;
            e->held = e->plan;
            placement_rank_of(w, s, e->file, pl->order);
            for (uint32_t j = 1; j < 64; j++)
                if (e->held >> j & 1) {
                    struct oca *o = &w->ocas[first + pl->order[j]];
                    o->stored_bytes += placement_file_size(w, e->file);
                    o->titles_held++;
                }
        }
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
    for (int s = 0; pl->s && s < w->nsites; s++) {
        free(pl->s[s].held);
        free(pl->s[s].plan);
        free(pl->s[s].extra);
    }
    for (int i = 0; i < pl->nfirsts; i++)
        free(pl->firsts[i].first);
    free(pl->firsts);
    free(pl->s);
    free(pl->rank_size);
    free(pl->demand_total);
    for (uint32_t o = 0; pl->o && o < w->nocas; o++) {
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
    free(pl->order);
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
    if (here && placement_holds_placed(w, at, f))
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
