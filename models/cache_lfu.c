/* models/cache_lfu.c: least frequently used, in O(1) per request.
 *
 * Frequencies are counted while an object is cached (an evicted object
 * starts again at 1), as libCacheSim's LFU does. Entries of equal
 * frequency share a bucket; buckets form a list in increasing frequency
 * (Shah, Mitra and Matani, "An O(1) algorithm for implementing the LFU
 * cache eviction scheme", 2010). Eviction takes the least frequent bucket's
 * oldest arrival, so ties go to the entry that reached that frequency
 * first. An entry's aux is its bucket. */
#include "models/cache.h"

#include <stdlib.h>

struct bucket {
    uint64_t freq;
    uint32_t prev, next;            /* neighbouring buckets; next has a higher freq */
    struct cache_list items;        /* head = newest arrival at this freq */
};

struct lfu {
    struct bucket *b;
    uint32_t cap, free, first;      /* first = least frequent bucket */
};

static int lfu_init(struct cache *c)
{
    struct lfu *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->free = s->first = CACHE_NIL;
    c->ps = s;
    return 0;
}

static void lfu_destroy(struct cache *c)
{
    struct lfu *s = c->ps;
    if (s)
        free(s->b);
    free(s);
}

/* A new bucket of freq linked after `after` (CACHE_NIL: at the front). */
static uint32_t bucket_new(struct lfu *s, uint64_t freq, uint32_t after)
{
    if (s->free == CACHE_NIL) {
        uint32_t cap = s->cap ? s->cap * 2 : 64;
        struct bucket *b = realloc(s->b, (size_t)cap * sizeof *b);
        if (!b)
            return CACHE_NIL;
        s->b = b;
        for (uint32_t i = s->cap; i < cap; i++)
            b[i].next = i + 1 < cap ? i + 1 : CACHE_NIL;
        s->free = s->cap;
        s->cap = cap;
    }
    uint32_t i = s->free;
    struct bucket *n = &s->b[i];
    s->free = n->next;
    n->freq = freq;
    cache_list_init(&n->items);
    n->prev = after;
    n->next = after == CACHE_NIL ? s->first : s->b[after].next;
    if (n->next != CACHE_NIL)
        s->b[n->next].prev = i;
    if (after == CACHE_NIL)
        s->first = i;
    else
        s->b[after].next = i;
    return i;
}

static void bucket_drop_if_empty(struct lfu *s, uint32_t i)
{
    struct bucket *b = &s->b[i];
    if (b->items.count)
        return;
    if (b->prev != CACHE_NIL)
        s->b[b->prev].next = b->next;
    else
        s->first = b->next;
    if (b->next != CACHE_NIL)
        s->b[b->next].prev = b->prev;
    b->next = s->free;
    s->free = i;
}

/* On failure to grow (out of memory) the entry stays at its frequency. */
static void lfu_on_hit(struct cache *c, uint32_t slot)
{
    struct lfu *s = c->ps;
    struct cache_entry *e = cache_entry(c, slot);
    uint32_t from = e->aux;
    uint64_t f = s->b[from].freq + 1;
    uint32_t to = s->b[from].next;
    if (to == CACHE_NIL || s->b[to].freq != f) {
        to = bucket_new(s, f, from);
        if (to == CACHE_NIL)
            return;
    }
    cache_list_remove(c, &s->b[from].items, slot);
    cache_list_push_head(c, &s->b[to].items, slot);
    e->aux = to;
    bucket_drop_if_empty(s, from);
}

static int lfu_on_insert(struct cache *c, uint32_t slot)
{
    struct lfu *s = c->ps;
    uint32_t to = s->first;
    if (to == CACHE_NIL || s->b[to].freq != 1) {
        to = bucket_new(s, 1, CACHE_NIL);
        if (to == CACHE_NIL)
            return -1;
    }
    cache_list_push_head(c, &s->b[to].items, slot);
    cache_entry(c, slot)->aux = to;
    return 0;
}

static uint32_t lfu_evict(struct cache *c)
{
    struct lfu *s = c->ps;
    uint32_t i = s->first;
    uint32_t slot = s->b[i].items.tail;
    cache_list_remove(c, &s->b[i].items, slot);
    bucket_drop_if_empty(s, i);
    return slot;
}

const struct cache_policy cache_lfu = {
    .name = "lfu", .summary = "least frequently used (counted while cached)",
    .init = lfu_init, .destroy = lfu_destroy, .on_hit = lfu_on_hit,
    .on_insert = lfu_on_insert, .evict = lfu_evict,
};
