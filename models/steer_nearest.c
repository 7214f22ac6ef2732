/* models/steer_nearest.c: proximity only. The list stays in proximity order
 * whatever the health reports say, so clients of a dead OCA find out by
 * timing out on it (the baseline the health-aware policies are judged
 * against). */
#include "models/steering.h"

static void nearest_order(const struct world *w, struct steer_list *l)
{
    (void)w;
    (void)l;
}

const struct steer_policy steer_nearest = { "nearest", nearest_order };
