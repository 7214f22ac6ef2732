/* models/cache_lru.c: least recently used. One list, newest at the head;
 * a hit moves the entry to the head, eviction takes the tail. */
#include "models/cache.h"

#include <stdlib.h>

static int lru_init(struct cache *c)
{
    struct cache_list *l = malloc(sizeof *l);
    if (!l)
        return -1;
    cache_list_init(l);
    c->ps = l;
    return 0;
}

static void lru_destroy(struct cache *c)
{
    free(c->ps);
}

static void lru_on_hit(struct cache *c, uint32_t slot)
{
    struct cache_list *l = c->ps;
    if (l->head == slot)
        return;
    cache_list_remove(c, l, slot);
    cache_list_push_head(c, l, slot);
}

static int lru_on_insert(struct cache *c, uint32_t slot)
{
    cache_list_push_head(c, c->ps, slot);
    return 0;
}

static uint32_t lru_evict(struct cache *c)
{
    struct cache_list *l = c->ps;
    uint32_t s = l->tail;
    cache_list_remove(c, l, s);
    return s;
}

const struct cache_policy cache_lru = {
    .name = "lru", .summary = "least recently used",
    .init = lru_init, .destroy = lru_destroy, .on_hit = lru_on_hit,
    .on_insert = lru_on_insert, .evict = lru_evict,
};
