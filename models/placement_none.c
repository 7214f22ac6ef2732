/* models/placement_none.c: nothing placed ahead of time; only a reactive
 * cache (placement.cache) fills the OCAs, on misses. */
#include "models/placement.h"

static int none_replicas(const struct placement_view *v, uint32_t file)
{
    (void)v;
    (void)file;
    return 0;
}

const struct placement_rule placement_none = {
    .name = "none", .replicas = none_replicas,
};
