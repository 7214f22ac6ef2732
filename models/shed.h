/* models/shed.h: load shedding by name (graceful degradation under a
 * herd). A policy sees the utilization of the cluster a request would go
 * to and either refuses the join (the client retries by its retry policy)
 * or caps the rung of new segment requests. One file per policy, one
 * registry (models/shed.c). */
#ifndef LASTMILE_SHED_H
#define LASTMILE_SHED_H

#include "models/config.h"

struct shed_policy {
    const char *name;
    /* 1 when a join of subscriber tier `tier` (0 anonymous, 1 basic, 2
     * premium) is refused at utilization util. */
    int (*refuse)(const struct cfg_shed *c, double util, int tier);
    /* The highest rung a new segment request may have at util. */
    int (*rung_cap)(const struct cfg_shed *c, double util, int nrungs);
};

extern const struct shed_policy shed_none, shed_bitrate_cap, shed_priority;
const struct shed_policy *shed_policy(enum shed_name n);

#endif
