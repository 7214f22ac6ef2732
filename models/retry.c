/* models/retry.c: the registry of retry policies, in the order of enum
 * retry_name (sim/scenario_live.c names them in the same order). */
#include "models/retry.h"

#include <string.h>

static const struct retry_policy *const registry[] = {
    [RETRY_IMMEDIATE] = &retry_immediate,
    [RETRY_FIXED] = &retry_fixed,
    [RETRY_EXPONENTIAL] = &retry_exponential,
};

const struct retry_policy *retry_policy(enum retry_name n)
{
    return registry[n];
}

const struct retry_policy *retry_policy_find(const char *name)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}
