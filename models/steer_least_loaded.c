/* models/steer_least_loaded.c: like nearest-healthy, but within a tier the
 * places go in order of their reported utilization, lowest first (ties keep
 * proximity order). The utilization is the last report's, so a burst of
 * plays between two reports all go to the same least-loaded OCA: the herd
 * effect of acting on stale load, which this policy exists to show. */
#include "models/steering.h"

static void least_loaded_order(const struct world *w, struct steer_list *l)
{
    (void)w;
    int k = 0;
    for (int i = 0; i < l->n; i++)
        if (!(l->e[i].flags & VIEW_DOWN))
            l->e[k++] = l->e[i];
    l->n = k;
    /* class, then tier, then utilization in [0, 1) of a step (utilization
     * above 1 is clamped: past full it is overloaded, a class of its own). */
    double key[STEER_LIST_MAX];
    for (int i = 0; i < l->n; i++) {
        double u = l->e[i].util;
        if (!(u >= 0))
            u = 0;
        if (u > 0.999)
            u = 0.999;
        key[i] = steering_class(&l->e[i]) * 16.0 + l->e[i].tier * 2.0 + u;
    }
    steering_stable_sort(l, key);
}

const struct steer_policy steer_least_loaded = { "least-loaded", least_loaded_order };
