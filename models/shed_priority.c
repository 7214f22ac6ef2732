/* models/shed_priority.c: subscriber tiers are refused in order as the
 * cluster fills: by default above 0.70 utilization anonymous joins, above
 * 0.85 basic too, above 0.95 all but premium (the seed tiers).
 * Premium is never refused. */
#include "models/shed.h"

static int refuse(const struct cfg_shed *c, double util, int tier)
{
    return tier < LIVE_TIERS - 1 && util > c->refuse[tier];
}

static int rung_cap(const struct cfg_shed *c, double util, int nrungs)
{
    (void)c, (void)util;
    return nrungs - 1;
}

const struct shed_policy shed_priority = { "priority", refuse, rung_cap };
