/* models/cache_plfu.c: "perfect" LFU: request counts are kept for every
 * object ever requested, cached or not, and eviction takes the cached
 * object with the lowest count (ties: the one that reached it first).
 *
 * Under independent requests the counts estimate popularity, so the cache
 * converges to the k most popular objects: the static top-k optimum
 * (Breslau, Cao, Fan, Phillips and Shenker, "Web caching and Zipf-like
 * distributions", INFOCOM 1999, call this Perfect-LFU). The plain `lfu`
 * (counts reset on eviction, libCacheSim's) can stay far from it: an
 * evicted popular object re-enters at 1 and is evicted again by the next
 * miss unless it is requested in between. The price: 16 bytes per distinct
 * object seen. A min-heap ordered by (count, stamp) holds the cached
 * entries; an entry's aux is its heap position. */
#include "models/cache.h"

#include <stdlib.h>

/* Heap order: lower count first, then the earlier stamp (taken when an
 * entry's count last changed). */
struct hkey {
    uint64_t count, stamp;
};

struct plfu {
    struct cache_index counts;      /* id -> index into cnt */
    uint64_t *cnt;                  /* requests of each object seen */
    uint32_t ncnt, cnt_cap;
    uint32_t *heap;                 /* slots */
    struct hkey *key;               /* per slot */
    uint32_t nheap, heap_cap, key_cap;
    uint64_t stamp;
};

static int plfu_init(struct cache *c)
{
    struct plfu *s = calloc(1, sizeof *s);
    if (!s || cache_index_init(&s->counts, 1024) != 0) {
        free(s);
        return -1;
    }
    c->ps = s;
    return 0;
}

static void plfu_destroy(struct cache *c)
{
    struct plfu *s = c->ps;
    if (!s)
        return;
    cache_index_free(&s->counts);
    free(s->cnt);
    free(s->heap);
    free(s->key);
    free(s);
}

/* Counts one request of id; returns its count, 0 on OOM. */
static uint64_t count_request(struct plfu *s, uint32_t id)
{
    uint32_t i = cache_index_get(&s->counts, id);
    if (i == CACHE_NIL) {
        if (s->ncnt == s->cnt_cap) {
            uint32_t cap = s->cnt_cap ? s->cnt_cap * 2 : 1024;
            uint64_t *n = realloc(s->cnt, (size_t)cap * sizeof *n);
            if (!n)
                return 0;
            s->cnt = n;
            s->cnt_cap = cap;
        }
        i = s->ncnt;
        if (cache_index_put(&s->counts, id, i) != 0)
            return 0;
        s->cnt[s->ncnt++] = 0;
    }
    return ++s->cnt[i];
}

static struct hkey *keys_of(struct plfu *s)
{
    return s->key;
}

static int less(struct plfu *s, uint32_t a, uint32_t b)
{
    const struct hkey *k = keys_of(s);
    return k[a].count < k[b].count || (k[a].count == k[b].count && k[a].stamp < k[b].stamp);
}

static void place(struct cache *c, uint32_t pos, uint32_t slot)
{
    struct plfu *s = c->ps;
    s->heap[pos] = slot;
    cache_entry(c, slot)->aux = pos;
}

static void sift_up(struct cache *c, uint32_t pos)
{
    struct plfu *s = c->ps;
    uint32_t slot = s->heap[pos];
    while (pos > 0) {
        uint32_t parent = (pos - 1) / 2;
        if (!less(s, slot, s->heap[parent]))
            break;
        place(c, pos, s->heap[parent]);
        pos = parent;
    }
    place(c, pos, slot);
}

static void sift_down(struct cache *c, uint32_t pos)
{
    struct plfu *s = c->ps;
    uint32_t slot = s->heap[pos];
    for (;;) {
        uint32_t l = 2 * pos + 1, best = pos;
        uint32_t best_slot = slot;
        if (l < s->nheap && less(s, s->heap[l], best_slot)) {
            best = l;
            best_slot = s->heap[l];
        }
        if (l + 1 < s->nheap && less(s, s->heap[l + 1], best_slot))
            best = l + 1;
        if (best == pos)
            break;
        place(c, pos, s->heap[best]);
        pos = best;
    }
    place(c, pos, slot);
}

static void plfu_on_hit(struct cache *c, uint32_t slot)
{
    struct plfu *s = c->ps;
    struct hkey *k = &keys_of(s)[slot];
    uint64_t n = count_request(s, cache_entry(c, slot)->id);
    if (n == 0)
        return;
    k->count = n;
    k->stamp = ++s->stamp;
    sift_down(c, cache_entry(c, slot)->aux);
}

static int plfu_on_insert(struct cache *c, uint32_t slot)
{
    struct plfu *s = c->ps;
    if (c->ecap > s->key_cap) {
        /* Keys are per slot: grow with the entry array. */
        struct hkey *k = realloc(s->key, (size_t)c->ecap * sizeof *k);
        if (!k)
            return -1;
        s->key = k;
        s->key_cap = c->ecap;
    }
    if (s->nheap == s->heap_cap) {
        uint32_t cap = s->heap_cap ? s->heap_cap * 2 : 256;
        uint32_t *h = realloc(s->heap, (size_t)cap * sizeof *h);
        if (!h)
            return -1;
        s->heap = h;
        s->heap_cap = cap;
    }
    uint64_t n = count_request(s, cache_entry(c, slot)->id);
    if (n == 0)
        return -1;
    keys_of(s)[slot] = (struct hkey){ n, ++s->stamp };
    s->heap[s->nheap] = slot;
    sift_up(c, s->nheap++);
    return 0;
}

static uint32_t plfu_evict(struct cache *c)
{
    struct plfu *s = c->ps;
    uint32_t victim = s->heap[0];
    s->nheap--;
    if (s->nheap) {
        place(c, 0, s->heap[s->nheap]);
        sift_down(c, 0);
    }
    return victim;
}

const struct cache_policy cache_plfu = {
    .name = "perfect-lfu", .summary = "LFU with counts kept for every object seen (Breslau et al. 1999)",
    .init = plfu_init, .destroy = plfu_destroy, .on_hit = plfu_on_hit,
    .on_insert = plfu_on_insert, .evict = plfu_evict,
};
