/* models/placement_hashed.c: within a cluster each file goes to r OCAs in
 * the site's rendezvous (HRW) order (placement_rank_of), with
 * r growing with the file's forecast share s of the region's demand, in
 * proportion as Open Connect describes ("N ~ proportional to popularity",
 * DOMAIN.md §1.4): r = clamp(ceil(32 n s), 1, n) for a cluster of n OCAs,
 * so no copy carries more than 1/32 of one OCA's fair share of the
 * cluster's demand. The factor 32 is this model's choice, not a published
 * figure. Extra copies cost storage, so fewer distinct files fit. */
#include "models/placement.h"

#include <math.h>

static int hashed_replicas(const struct placement_view *v, uint32_t file)
{
    uint32_t n = v->w->sites[v->site].noca;
    double s = v->demand_total > 0 ? v->demand[file] / v->demand_total : 0;
    double r = ceil(32.0 * n * s);
    if (r < 1)
        r = 1;
    if (r > n)
        r = n;
    return (int)r;
}

const struct placement_rule placement_hashed = {
    .name = "hashed", .replicas = hashed_replicas,
};
