/* models/steering.c: steering v1, nearest first.
 *
 * The preference order is Open Connect's published one (DOMAIN.md §2):
 * embedded, then peering (IX), then the origin. v1 has no health reports:
 * every OCA is up, so the first OCA in order that holds the file serves it. */
#include "models/steering.h"

#include "models/placement.h"
#include "sim/rng.h"

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

/* The first OCA of the site in HRW order that holds the title, or NONE. */
static uint32_t site_pick(const struct world *w, int site, uint32_t title)
{
    const struct site *s = &w->sites[site];
    uint32_t best = NONE;
    uint64_t best_score = 0;
    for (uint32_t i = 0; i < s->noca; i++) {
        uint32_t o = s->first_oca + i;
        if (!oca_holds(w, o, title))
            continue;
        uint64_t score = steering_hrw(title, o);
        if (best == NONE || score > best_score) {
            best = o;
            best_score = score;
        }
    }
    return best;
}

void steering_route(const struct world *w, int isp, uint32_t title,
                    uint8_t *tier, uint32_t *res0, uint32_t *res1)
{
    const struct isp *ip = &w->isps[isp];
    for (int k = 0; k < ip->nembedded; k++) {
        uint32_t o = site_pick(w, ip->embedded[k], title);
        if (o != NONE) {
            *tier = TIER_EMBEDDED;
            *res0 = w->ocas[o].resource;
            *res1 = NONE;
            return;
        }
    }
    const struct cfg_isp *ci = &w->sc->isps[isp];
    for (int k = 0; k < ci->npeering; k++) {
        uint32_t o = site_pick(w, ci->peering[k].ix_site, title);
        if (o != NONE) {
            *tier = TIER_IX;
            *res0 = w->ocas[o].resource;
            *res1 = w->peering_link[w->peering_first[isp] + (uint32_t)k];
            return;
        }
    }
    *tier = TIER_ORIGIN;
    *res0 = w->origin_res;
    *res1 = ip->transit_link;
}
