/* models/steering.h: steering policies, the control plane's ordering of a
 * ranked list (models/control_plane.h builds the list; a policy orders it).
 *
 * A policy is one struct registered by name in models/steering.c, each in
 * its own file (models/steer_<name>.c), the pattern of STYLE.md. */
#ifndef LASTMILE_STEERING_H
#define LASTMILE_STEERING_H

#include "models/control_plane.h"
#include "models/world.h"

struct steer_policy {
    const char *name;               /* as written in scenarios */
    /* Reorders (and may drop entries of) the list, built in proximity
     * order: embedded clusters of the ISP, its IXs, origin, CDN. */
    void (*order)(const struct world *w, struct steer_list *l);
};

/* NULL if unknown. */
const struct steer_policy *steering_find(const char *name);
/* The policy of the enum value (models/config.h). */
const struct steer_policy *steering_policy(enum steering_policy p);

/* Rendezvous (highest random weight) score of an OCA for a title:
 * Thaler and Ravishankar, "Using name-based mappings to increase hit
 * rates", IEEE/ACM ToN 1998. */
uint64_t steering_hrw(uint32_t title, uint32_t oca);
/* Orders the OCAs of a site for a title by descending HRW score into out
 * (room for the site's OCA count). */
void steering_rank(const struct world *w, int site, uint32_t title, uint32_t *out);

/* Shared by the policies: a stable sort of the list by key[i] (ascending),
 * and the key classes. Within a class proximity order stays. */
void steering_stable_sort(struct steer_list *l, const double *key);
/* 0 a healthy cache, 1 a cache moved down (overloaded, drained or
 * reporting errors above steering.errors.max_rate), 2 the
 * origin or CDN healthy, 3 moved down. Down entries are the caller's. */
int steering_class(const struct steer_entry *e);

#endif
