/* models/placement_hashed.c: within a cluster each file goes to r OCAs in
 * rendezvous (HRW) order, the order steering follows (steering_hrw), with
 * r growing with the file's forecast share of the region's demand s: a
 * file whose share exceeds a quarter of one OCA's fair share of the
 * cluster's load gets another copy, r = clamp(ceil(4 n s), 1, n) for a
 * cluster of n OCAs. The factor 4 is this model's choice, not a published
 * figure. Extra copies cost storage, so fewer distinct files fit. */
#include "models/placement.h"

#include <math.h>

static int hashed_replicas(const struct placement_view *v, uint32_t file)
{
    uint32_t n = v->w->sites[v->site].noca;
    double s = v->demand_total > 0 ? v->demand[file] / v->demand_total : 0;
    double r = ceil(4.0 * n * s);
    if (r < 1)
        r = 1;
    if (r > n)
        r = n;
    return (int)r;
}

const struct placement_rule placement_hashed = {
    .name = "hashed", .replicas = hashed_replicas,
};
