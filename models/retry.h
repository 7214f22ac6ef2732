/* models/retry.h: a client's retry policy after a play request failed
 * (timed out at the control plane, or refused by load shedding). A policy
 * gives the wait before the next try; the live model (models/live.c)
 * counts tries and stops at max_tries. One file per policy, one registry
 * (models/retry.c), as STYLE.md's policy family. */
#ifndef LASTMILE_RETRY_H
#define LASTMILE_RETRY_H

#include <gsl/gsl_rng.h>
#include "models/config.h"

struct retry_policy {
    const char *name;               /* as written in scenarios */
    /* The wait after the failure of try number `tries` (1: the first). r is
     * the joiner's event stream; a policy that draws nothing leaves it. */
    simtime (*wait)(const struct cfg_retry *c, int tries, gsl_rng *r);
};

extern const struct retry_policy retry_immediate, retry_fixed, retry_exponential;
/* The policy of c (its enum indexes the registry). */
const struct retry_policy *retry_policy(enum retry_name n);
/* NULL when unknown. */
const struct retry_policy *retry_policy_find(const char *name);

#endif
