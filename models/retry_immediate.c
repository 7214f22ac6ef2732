/* models/retry_immediate.c: try again at once. With many clients failing
 * together this is the retry storm: every failure is a new request. */
#include "models/retry.h"

static simtime wait_none(const struct cfg_retry *c, int tries, gsl_rng *r)
{
    (void)c, (void)tries, (void)r;
    return 0;
}

const struct retry_policy retry_immediate = { "immediate", wait_none };
