/* models/shed.c: the registry of load-shedding policies (order of enum
 * shed_name) and `none`, which sheds nothing. */
#include "models/shed.h"

static int refuse_never(const struct cfg_shed *c, double util, int tier)
{
    (void)c, (void)util, (void)tier;
    return 0;
}

static int cap_none(const struct cfg_shed *c, double util, int nrungs)
{
    (void)c, (void)util;
    return nrungs - 1;
}

const struct shed_policy shed_none = { "none", refuse_never, cap_none };

static const struct shed_policy *const registry[] = {
    [SHED_NONE] = &shed_none,
    [SHED_BITRATE_CAP] = &shed_bitrate_cap,
    [SHED_PRIORITY] = &shed_priority,
};

const struct shed_policy *shed_policy(enum shed_name n)
{
    return registry[n];
}
