/* models/shed_bitrate_cap.c: over `threshold` utilization a cluster serves
 * new segment requests at most at rung `cap_rung`; nobody is refused. */
#include "models/shed.h"

static int refuse(const struct cfg_shed *c, double util, int tier)
{
    (void)c, (void)util, (void)tier;
    return 0;
}

static int rung_cap(const struct cfg_shed *c, double util, int nrungs)
{
    return util > c->threshold && c->cap_rung < nrungs - 1 ? c->cap_rung : nrungs - 1;
}

const struct shed_policy shed_bitrate_cap = { "bitrate-cap", refuse, rung_cap };
