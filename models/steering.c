/* models/steering.c: the registry of steering policies and what they share
 * (rendezvous hashing inside a cluster, the stable ordering by class).
 *
 * The preference order is Open Connect's published one (DOMAIN.md §2):
 * embedded, then peering (IX), then the origin; a third-party CDN comes
 * last. The list is built by models/control_plane.c; a policy orders it. */
#include "models/steering.h"

#include <string.h>

#include "sim/rng.h"

extern const struct steer_policy steer_nearest, steer_nearest_healthy, steer_least_loaded;

/* Indexed by enum steering_policy; names match scenario_steering_policies. */
static const struct steer_policy *const policies[] = {
    [STEERING_NEAREST_HEALTHY] = &steer_nearest_healthy,
    [STEERING_NEAREST] = &steer_nearest,
    [STEERING_LEAST_LOADED] = &steer_least_loaded,
};

const struct steer_policy *steering_find(const char *name)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (strcmp(policies[i]->name, name) == 0)
            return policies[i];
    return NULL;
}

const struct steer_policy *steering_policy(enum steering_policy p)
{
    return policies[p];
}

uint64_t steering_hrw(uint32_t title, uint32_t oca)
{
    return rng_mix(0x5a17ed, title, oca);
}

void steering_rank(const struct world *w, int site, uint32_t title, uint32_t *out)
{
    const struct site *s = &w->sites[site];
    /* Insertion sort by descending score: clusters hold a handful of OCAs. */
    for (uint32_t i = 0; i < s->noca; i++) {
        uint32_t o = s->first_oca + i;
        uint64_t score = steering_hrw(title, o);
        uint32_t j = i;
        while (j > 0 && steering_hrw(title, out[j - 1]) < score) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = o;
    }
}

void steering_stable_sort(struct steer_list *l, const double *key)
{
    double k[STEER_LIST_MAX];
    memcpy(k, key, (size_t)l->n * sizeof *k);
    /* Insertion sort: stable, and lists are short. */
    for (int i = 1; i < l->n; i++) {
        struct steer_entry e = l->e[i];
        double x = k[i];
        int j = i;
        while (j > 0 && k[j - 1] > x) {
            l->e[j] = l->e[j - 1];
            k[j] = k[j - 1];
            j--;
        }
        l->e[j] = e;
        k[j] = x;
    }
}

int steering_class(const struct steer_entry *e)
{
    int last_resort = e->tier == TIER_ORIGIN || e->tier == TIER_CDN;
    int moved_down = (e->flags & (VIEW_OVERLOADED | VIEW_DRAINED | VIEW_ERRORS)) != 0;
    return 2 * last_resort + moved_down;
}
