/* models/cache.c: the reactive cache core and the policy registry.
 *
 * The core owns what every policy shares (the id index, the entry array,
 * byte accounting, the evict-until-it-fits loop, hit counters), so a policy
 * file holds only its ordering (libCacheSim's split, STYLE.md). Eviction
 * happens before admission, as in libCacheSim, so a policy never evicts
 * the object being admitted. */
#include "models/cache.h"

#include <stdlib.h>
#include <string.h>

extern const struct cache_policy cache_lru, cache_lfu, cache_s3fifo, cache_plfu;

static const struct cache_policy *const registry[] = { &cache_lru, &cache_lfu, &cache_s3fifo, &cache_plfu };

const char *const cache_policy_names[] = { "lru", "lfu", "s3-fifo", "perfect-lfu", NULL };

const struct cache_policy *cache_policy_find(const char *name)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

/* ---- id index ---------------------------------------------------------- */

static inline uint32_t hash_id(uint32_t id, uint32_t mask)
{
    return (uint32_t)(((uint64_t)id * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & mask;
}

int cache_index_init(struct cache_index *x, uint32_t expected)
{
    uint32_t n = 16;
    while (n < 2 * (uint64_t)expected && n < (UINT32_C(1) << 31))
        n <<= 1;
    x->slots = calloc(n, sizeof *x->slots);
    x->mask = n - 1;
    x->count = 0;
    return x->slots ? 0 : -1;
}

void cache_index_free(struct cache_index *x)
{
    free(x->slots);
    x->slots = NULL;
}

uint32_t cache_index_get(const struct cache_index *x, uint32_t id)
{
    uint64_t key = (uint64_t)id + 1;
    for (uint32_t i = hash_id(id, x->mask);; i = (i + 1) & x->mask) {
        uint64_t s = x->slots[i];
        if (s == 0)
            return CACHE_NIL;
        if (s >> 32 == key)
            return (uint32_t)s;
    }
}

static int index_grow(struct cache_index *x)
{
    struct cache_index bigger;
    if (cache_index_init(&bigger, x->mask + 1) != 0)
        return -1;
    for (uint32_t i = 0; i <= x->mask; i++) {
        uint64_t s = x->slots[i];
        if (!s)
            continue;
        uint32_t j = hash_id((uint32_t)((s >> 32) - 1), bigger.mask);
        while (bigger.slots[j])
            j = (j + 1) & bigger.mask;
        bigger.slots[j] = s;
    }
    bigger.count = x->count;
    free(x->slots);
    *x = bigger;
    return 0;
}

int cache_index_put(struct cache_index *x, uint32_t id, uint32_t value)
{
    if (2 * (x->count + 1) > x->mask + 1 && index_grow(x) != 0)
        return -1;
    uint64_t key = (uint64_t)id + 1;
    uint32_t i = hash_id(id, x->mask);
    for (;; i = (i + 1) & x->mask) {
        uint64_t s = x->slots[i];
        if (s == 0) {
            x->count++;
            break;
        }
        if (s >> 32 == key)
            break;
    }
    x->slots[i] = key << 32 | value;
    return 0;
}

void cache_index_del(struct cache_index *x, uint32_t id)
{
    uint64_t key = (uint64_t)id + 1;
    uint32_t i = hash_id(id, x->mask);
    for (;; i = (i + 1) & x->mask) {
        if (x->slots[i] == 0)
            return;
        if (x->slots[i] >> 32 == key)
            break;
    }
    /* Backward shift: pull later members of the probe run into the hole
     * when their home is not between the hole and them (Knuth 6.4 R). */
    uint32_t hole = i;
    for (uint32_t j = (i + 1) & x->mask; x->slots[j]; j = (j + 1) & x->mask) {
        uint32_t home = hash_id((uint32_t)((x->slots[j] >> 32) - 1), x->mask);
        if (((j - home) & x->mask) >= ((j - hole) & x->mask)) {
            x->slots[hole] = x->slots[j];
            hole = j;
        }
    }
    x->slots[hole] = 0;
    x->count--;
}

/* ---- lists ------------------------------------------------------------- */

void cache_list_init(struct cache_list *l)
{
    l->head = l->tail = CACHE_NIL;
    l->count = 0;
    l->bytes = 0;
}

void cache_list_push_head(struct cache *c, struct cache_list *l, uint32_t slot)
{
    struct cache_entry *e = &c->e[slot];
    e->prev = CACHE_NIL;
    e->next = l->head;
    if (l->head != CACHE_NIL)
        c->e[l->head].prev = slot;
    else
        l->tail = slot;
    l->head = slot;
    l->count++;
    l->bytes += e->size;
}

void cache_list_remove(struct cache *c, struct cache_list *l, uint32_t slot)
{
    struct cache_entry *e = &c->e[slot];
    if (e->prev != CACHE_NIL)
        c->e[e->prev].next = e->next;
    else
        l->head = e->next;
    if (e->next != CACHE_NIL)
        c->e[e->next].prev = e->prev;
    else
        l->tail = e->prev;
    l->count--;
    l->bytes -= e->size;
}

/* ---- the cache --------------------------------------------------------- */

struct cache *cache_create(const struct cache_policy *p, uint64_t capacity, uint32_t id_space)
{
    struct cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->policy = p;
    c->capacity = capacity;
    c->efree = CACHE_NIL;
    c->id_space = id_space;
    if (id_space) {
        c->direct = malloc((size_t)id_space * sizeof *c->direct);
        if (!c->direct)
            goto fail;
        memset(c->direct, 0xff, (size_t)id_space * sizeof *c->direct);
    } else if (cache_index_init(&c->index, 64) != 0) {
        goto fail;
    }
    if (p->init(c) != 0)
        goto fail;
    return c;
fail:
    free(c->direct);
    cache_index_free(&c->index);
    free(c);
    return NULL;
}

void cache_destroy(struct cache *c)
{
    if (!c)
        return;
    c->policy->destroy(c);
    free(c->direct);
    cache_index_free(&c->index);
    free(c->e);
    free(c);
}

static inline uint32_t lookup(const struct cache *c, uint32_t id)
{
    return c->direct ? c->direct[id] : cache_index_get(&c->index, id);
}

int cache_contains(const struct cache *c, uint32_t id)
{
    return lookup(c, id) != CACHE_NIL;
}

void cache_reset_counters(struct cache *c)
{
    c->requests = c->hits = c->admitted = c->evicted = 0;
    c->bytes_requested = c->bytes_hit = 0;
}

static uint32_t slot_alloc(struct cache *c)
{
    if (c->efree == CACHE_NIL) {
        uint32_t cap = c->ecap ? c->ecap * 2 : 256;
        struct cache_entry *e = realloc(c->e, (size_t)cap * sizeof *e);
        if (!e)
            return CACHE_NIL;
        c->e = e;
        for (uint32_t i = c->ecap; i < cap; i++)
            e[i].next = i + 1 < cap ? i + 1 : CACHE_NIL;
        c->efree = c->ecap;
        c->ecap = cap;
    }
    uint32_t s = c->efree;
    c->efree = c->e[s].next;
    return s;
}

static void evict_one(struct cache *c)
{
    uint32_t s = c->policy->evict(c);
    struct cache_entry *e = &c->e[s];
    if (c->direct)
        c->direct[e->id] = CACHE_NIL;
    else
        cache_index_del(&c->index, e->id);
    c->used -= e->size;
    c->nentries--;
    c->evicted++;
    e->next = c->efree;
    c->efree = s;
}

int cache_access(struct cache *c, uint32_t id, uint64_t size)
{
    c->requests++;
    c->bytes_requested += (double)size;
    uint32_t s = lookup(c, id);
    if (s != CACHE_NIL) {
        c->hits++;
        c->bytes_hit += (double)size;
        c->policy->on_hit(c, s);
        return 1;
    }
    if (size > c->capacity)
        return 0;
    while (c->used + size > c->capacity)
        evict_one(c);
    s = slot_alloc(c);
    if (s == CACHE_NIL)
        return -1;
    struct cache_entry *e = &c->e[s];
    e->id = id;
    e->size = size;
    e->aux = 0;
    if (c->direct)
        c->direct[id] = s;
    else if (cache_index_put(&c->index, id, s) != 0)
        return -1;
    c->used += size;
    c->nentries++;
    c->admitted++;
    return c->policy->on_insert(c, s) == 0 ? 0 : -1;
}
