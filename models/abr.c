/* models/abr.c: the registry of ABR rules and what rules share. */
#include "models/abr.h"

#include <string.h>

extern const struct abr_rule abr_throughput;

static const struct abr_rule *const rules[] = { &abr_throughput };

const char *const abr_rule_names[] = { "throughput", NULL };

const struct abr_rule *abr_rule_find(const char *name)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i]->name, name) == 0)
            return rules[i];
    return NULL;
}

int abr_highest_under(const struct abr_params *p, double bps)
{
    int r = 0;
    while (r + 1 < p->nrungs && p->rung_bps[r + 1] <= bps)
        r++;
    return r;
}
