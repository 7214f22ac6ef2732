/* models/placement_oracle.c: popularity fill planned from the real demand
 * distribution instead of a forecast: the upper bound a forecast-driven
 * policy is judged against (tests/test_placement.c checks that it never
 * does worse than popularity on the same demand). */
#include "models/placement.h"

static int oracle_replicas(const struct placement_view *v, uint32_t file)
{
    (void)v;
    (void)file;
    return 1;
}

const struct placement_rule placement_oracle = {
    .name = "oracle", .knows_truth = 1, .replicas = oracle_replicas,
};
