/* models/retry_fixed.c: wait a fixed delay. Clients that failed together
 * come back together: it moves the storm, it does not spread it. */
#include "models/retry.h"

static simtime wait_fixed(const struct cfg_retry *c, int tries, gsl_rng *r)
{
    (void)tries, (void)r;
    return c->delay;
}

const struct retry_policy retry_fixed = { "fixed", wait_fixed };
