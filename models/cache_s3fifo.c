/* models/cache_s3fifo.c: S3-FIFO, Yang, Zhang, Qiu, Yue and Rashmi, "FIFO
 * queues are all you need for cache eviction", SOSP 2023.
 *
 * Three FIFO queues: a small one S (10% of the bytes) that new objects
 * enter, a main one M, and a ghost G of ids recently evicted from S
 * (metadata only, as many bytes as M). A hit raises a 2-bit frequency
 * (capped at 3). Evicting from S: an object hit while in S moves to M, the
 * others leave and their ids go to G. Evicting from M: an object with a
 * frequency above zero is reinserted with one less (a CLOCK-like second
 * chance), the others leave. A miss whose id is in G goes straight to M.
 * Where lastmile's choices may differ from libCacheSim's (the
 * reference in tests/test_cache_reference.c): the frequency is reset when
 * an object moves to M, and G is measured in bytes. An entry's aux holds
 * its frequency (bits 0-1) and whether it is in M (bit 2). */
#include "models/cache.h"

#include <stdlib.h>

#define IN_MAIN 4u
#define FREQ_MASK 3u

struct ghost_item {
    uint64_t size;
    uint32_t id, seq;
};

struct s3fifo {
    struct cache_list small, main;
    uint64_t small_cap, ghost_cap, ghost_bytes;
    struct cache_index ghost;       /* id -> seq of its ring item */
    struct ghost_item *ring;        /* FIFO of ghost ids, oldest at ring_head */
    uint32_t ring_cap, ring_head, ring_len, seq;
};

static int s3_init(struct cache *c)
{
    struct s3fifo *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    cache_list_init(&s->small);
    cache_list_init(&s->main);
    s->small_cap = c->capacity / 10;
    s->ghost_cap = c->capacity - s->small_cap;
    if (cache_index_init(&s->ghost, 64) != 0) {
        free(s);
        return -1;
    }
    c->ps = s;
    return 0;
}

static void s3_destroy(struct cache *c)
{
    struct s3fifo *s = c->ps;
    if (!s)
        return;
    cache_index_free(&s->ghost);
    free(s->ring);
    free(s);
}

static void s3_on_hit(struct cache *c, uint32_t slot)
{
    struct cache_entry *e = cache_entry(c, slot);
    if ((e->aux & FREQ_MASK) < 3)
        e->aux++;
}

static void ghost_pop_oldest(struct s3fifo *s)
{
    struct ghost_item *g = &s->ring[s->ring_head];
    if (cache_index_get(&s->ghost, g->id) == g->seq) {
        cache_index_del(&s->ghost, g->id);
        s->ghost_bytes -= g->size;
    }
    s->ring_head = (s->ring_head + 1) % s->ring_cap;
    s->ring_len--;
}

/* Remembers id as evicted from S. On OOM the id is simply not remembered. */
static void ghost_push(struct s3fifo *s, uint32_t id, uint64_t size)
{
    if (size > s->ghost_cap)
        return;
    while (s->ghost_bytes + size > s->ghost_cap && s->ring_len)
        ghost_pop_oldest(s);
    if (s->ring_len == s->ring_cap) {
        uint32_t cap = s->ring_cap ? s->ring_cap * 2 : 256;
        struct ghost_item *r = malloc((size_t)cap * sizeof *r);
        if (!r)
            return;
        for (uint32_t i = 0; i < s->ring_len; i++)
            r[i] = s->ring[(s->ring_head + i) % s->ring_cap];
        free(s->ring);
        s->ring = r;
        s->ring_cap = cap;
        s->ring_head = 0;
    }
    uint32_t seq = ++s->seq;
    if (cache_index_put(&s->ghost, id, seq) != 0)
        return;
    s->ring[(s->ring_head + s->ring_len) % s->ring_cap] = (struct ghost_item){ size, id, seq };
    s->ring_len++;
    s->ghost_bytes += size;
}

static int s3_on_insert(struct cache *c, uint32_t slot)
{
    struct s3fifo *s = c->ps;
    struct cache_entry *e = cache_entry(c, slot);
    uint32_t seq = cache_index_get(&s->ghost, e->id);
    if (seq != CACHE_NIL) {
        cache_index_del(&s->ghost, e->id);
        s->ghost_bytes -= e->size;  /* the ring item is now stale and skipped */
        e->aux = IN_MAIN;
        cache_list_push_head(c, &s->main, slot);
    } else {
        e->aux = 0;
        cache_list_push_head(c, &s->small, slot);
    }
    return 0;
}

static uint32_t s3_evict(struct cache *c)
{
    struct s3fifo *s = c->ps;
    for (;;) {
        if (s->small.count && (s->small.bytes >= s->small_cap || s->main.count == 0)) {
            uint32_t t = s->small.tail;
            struct cache_entry *e = cache_entry(c, t);
            cache_list_remove(c, &s->small, t);
            if (e->aux & FREQ_MASK) {
                e->aux = IN_MAIN;
                cache_list_push_head(c, &s->main, t);
                continue;
            }
            ghost_push(s, e->id, e->size);
            return t;
        }
        uint32_t t = s->main.tail;
        struct cache_entry *e = cache_entry(c, t);
        cache_list_remove(c, &s->main, t);
        if (e->aux & FREQ_MASK) {
            e->aux--;
            cache_list_push_head(c, &s->main, t);
            continue;
        }
        return t;
    }
}

const struct cache_policy cache_s3fifo = {
    .name = "s3-fifo", .summary = "S3-FIFO (Yang et al., SOSP 2023)",
    .init = s3_init, .destroy = s3_destroy, .on_hit = s3_on_hit,
    .on_insert = s3_on_insert, .evict = s3_evict,
};
