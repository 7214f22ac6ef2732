/* models/abr.c: the registry of ABR rules and what rules share. */
#include "models/abr.h"

#include <string.h>

extern const struct abr_rule abr_throughput, abr_rules, abr_bba, abr_bola, abr_robustmpc;

/* Same order as abr_rule_names and the scenario's enum abr_name. */
static const struct abr_rule *const rules[] = {
    &abr_throughput, &abr_rules, &abr_bba, &abr_bola, &abr_robustmpc,
};

const char *const abr_rule_names[] = { "throughput", "rules", "bba", "bola", "robustmpc", NULL };

const struct abr_rule *abr_rule_find(const char *name)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i]->name, name) == 0)
            return rules[i];
    return NULL;
}

void abr_params_default(struct abr_params *p, simtime segment, simtime buffer_cap)
{
    *p = (struct abr_params){
        .segment = segment, .buffer_cap = buffer_cap,
        .window = 5, .safety = 0.9, .estimator = ABR_EST_HARMONIC,
        .rules_low = 10 * SIM_US_PER_S, .rules_high = 60 * SIM_US_PER_S,
        .rules_hold = 30 * SIM_US_PER_S, .rules_up_fraction = 0.8,
        .bba_reservoir = 0, .bba_cushion = 0,
        .bola_gamma_p = 5.0,
        .mpc_horizon = 5, .mpc_lambda = 1.0, .mpc_mu = -1,
    };
}

/* A binary search without branches on the comparison (the compiler makes
 * the step a conditional move): ladders are increasing (abr.h; the
 * scenario, the encoding model, --ladder and manifests all enforce it), so
 * the last rung <= bps is where the halving lands. A linear scan from rung
 * 0 cost 4% of a country run's instructions: players sit near the top of a
 * 10-rung ladder, and each step was a branch. tests/test_abr.c checks it
 * against the scan. NaN compares false everywhere and gives 0, as the scan
 * did. */
int abr_highest_under(const struct abr_ladder *l, double bps)
{
    const double *b = l->bps;
    int base = 0, n = l->nrungs;
    while (n > 1) {
        int half = n / 2;
        base = b[base + half] <= bps ? base + half : base;
        n -= half;
    }
    return base;
}

int abr_highest_in_time(const struct abr_ladder *l, double bps, double latency_s, double media_s)
{
    int r = 0;
    if (!(bps > 0))
        return 0;
    while (r + 1 < l->nrungs && latency_s + media_s * l->bps[r + 1] / bps <= media_s)
        r++;
    return r;
}

double abr_utility(const struct abr_ladder *l, int rung)
{
    return l->quality ? (double)l->quality[rung] : l->bps[rung] / 1e6;
}
