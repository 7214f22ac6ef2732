/* models/retry_exponential.c: exponential backoff, base x 2^(tries-1)
 * capped at cap; with "full jitter" the wait is uniform on [0, that]
 * (Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog,
 * 2015), which decorrelates clients that failed at the same instant. */
#include "models/retry.h"

static simtime wait_exponential(const struct cfg_retry *c, int tries, gsl_rng *r)
{
    double w = (double)c->delay;
    for (int k = 1; k < tries && w < (double)c->cap; k++)
        w *= 2;
    if (w > (double)c->cap)
        w = (double)c->cap;
    if (c->jitter)
        w *= gsl_rng_uniform(r);
    return (simtime)w;
}

const struct retry_policy retry_exponential = { "exponential", wait_exponential };
