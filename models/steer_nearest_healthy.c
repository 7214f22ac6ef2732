/* models/steer_nearest_healthy.c: proximity order, minus what the last
 * reports show down; caches reported overloaded or drained move below the
 * healthy caches but stay above the origin and CDN (the expensive last
 * resorts), which move down among themselves the same way. */
#include "models/steering.h"

/* Drops entries reported down, keeping the order of the rest. */
static void drop_down(struct steer_list *l)
{
    int k = 0;
    for (int i = 0; i < l->n; i++)
        if (!(l->e[i].flags & VIEW_DOWN))
            l->e[k++] = l->e[i];
    l->n = k;
}

static void nearest_healthy_order(const struct world *w, struct steer_list *l)
{
    (void)w;
    drop_down(l);
    double key[STEER_LIST_MAX];
    for (int i = 0; i < l->n; i++)
        key[i] = steering_class(&l->e[i]);
    steering_stable_sort(l, key);
}

const struct steer_policy steer_nearest_healthy = { "nearest-healthy", nearest_healthy_order };
