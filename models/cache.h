/* models/cache.h: reactive caches (cache on miss), one policy per file.
 *
 * A cache holds objects named by a 32-bit id, each with a size in bytes,
 * up to a capacity in bytes. cache_access() is the whole protocol: a hit
 * updates the policy's state; a miss evicts (policy's choice) until the
 * object fits, then admits it. An object bigger than the whole cache is
 * never admitted. Both `lastmile cache` and `lastmile run` call exactly
 * this code.
 *
 * A policy is one file (models/cache_<name>.c) filling a struct
 * cache_policy; the registry is the table in models/cache.c. Policies keep
 * their lists as 32-bit slot indices into the cache's entry array (the
 * array may move when it grows), never as pointers. */
#ifndef LASTMILE_CACHE_H
#define LASTMILE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define CACHE_NIL UINT32_MAX

/* One cached object. prev/next/aux belong to the policy. */
struct cache_entry {
    uint64_t size;
    uint32_t id;
    uint32_t prev, next;
    uint32_t aux;
};

/* An open-addressing map from a 32-bit id to a 32-bit value (linear
 * probing, backward-shift deletion, load at most 1/2). Policies use it for
 * ghost lists. */
struct cache_index {
    uint64_t *slots;        /* (id + 1) << 32 | value; 0 is empty */
    uint32_t mask, count;
};
int cache_index_init(struct cache_index *x, uint32_t expected);
void cache_index_free(struct cache_index *x);
/* The value of id, or CACHE_NIL. */
uint32_t cache_index_get(const struct cache_index *x, uint32_t id);
/* Sets id to value (id < UINT32_MAX). 0, or -1 when memory runs out. */
int cache_index_put(struct cache_index *x, uint32_t id, uint32_t value);
void cache_index_del(struct cache_index *x, uint32_t id);

struct cache;

struct cache_policy {
    const char *name;               /* as written in scenarios and on the CLI */
    const char *summary;
    int (*init)(struct cache *c);   /* allocates c->ps; 0 or -1 */
    void (*destroy)(struct cache *c);
    void (*on_hit)(struct cache *c, uint32_t slot);
    /* Links a new entry (its id and size are set). 0, or -1 on OOM. */
    int (*on_insert)(struct cache *c, uint32_t slot);
    /* Unlinks the entry to evict and returns its slot. Called only when the
     * cache holds at least one entry. */
    uint32_t (*evict)(struct cache *c);
};

struct cache {
    const struct cache_policy *policy;
    uint64_t capacity, used;        /* bytes */
    uint32_t nentries;
    struct cache_entry *e;          /* entries; free slots chained by next */
    uint32_t ecap, efree;
    uint32_t *direct;               /* id -> slot when ids are dense (id_space > 0) */
    uint32_t id_space;
    struct cache_index index;       /* id -> slot otherwise */
    void *ps;                       /* the policy's state */
    /* counters since creation (or cache_reset_counters) */
    uint64_t requests, hits;
    double bytes_requested, bytes_hit;
    uint64_t admitted, evicted;
};

/* The policy of that name, or NULL. */
const struct cache_policy *cache_policy_find(const char *name);
/* NULL-terminated list of the policy names, for messages and help. */
extern const char *const cache_policy_names[];

/* A new cache of capacity bytes. id_space > 0 promises ids below it and
 * indexes them with a direct array (4 bytes per id: the fast path for a
 * trace); 0 uses a hash index sized by what is cached (for many caches
 * over a big catalog). The caller frees it with cache_destroy. NULL on OOM. */
struct cache *cache_create(const struct cache_policy *p, uint64_t capacity, uint32_t id_space);
void cache_destroy(struct cache *c);
/* One request: 1 on a hit, 0 on a miss (the object is admitted if it fits
 * the cache at all), -1 when memory runs out. */
int cache_access(struct cache *c, uint32_t id, uint64_t size);
/* Whether id is cached, without touching the policy's state. */
int cache_contains(const struct cache *c, uint32_t id);
void cache_reset_counters(struct cache *c);

/* For policies: the entry of a slot. */
static inline struct cache_entry *cache_entry(struct cache *c, uint32_t slot)
{
    return &c->e[slot];
}

/* Doubly linked lists of entries (head = newest), shared by policies. */
struct cache_list {
    uint32_t head, tail, count;
    uint64_t bytes;
};
void cache_list_init(struct cache_list *l);
void cache_list_push_head(struct cache *c, struct cache_list *l, uint32_t slot);
void cache_list_remove(struct cache *c, struct cache_list *l, uint32_t slot);

#endif
