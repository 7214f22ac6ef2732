/* models/abr_estimate.c: the shared throughput estimators (see the header). */
#include "models/abr_estimate.h"

#include <math.h>

static const double half_life_s[2] = { 3.0, 8.0 };

void est_ewma_push(struct est_ewma *e, double segment_s, double transfer_s,
                   double bps, double latency_s)
{
    if (!(bps > 0))
        return;
    for (int i = 0; i < 2; i++) {
        double a = pow(0.5, transfer_s / half_life_s[i]);
        e->bps[i] = (float)(a * e->bps[i] + (1 - a) * bps);
        a = pow(0.5, 1.0 / (half_life_s[i] / segment_s));
        e->latency[i] = (float)(a * e->latency[i] + (1 - a) * latency_s);
    }
    e->weight_s += (float)transfer_s;
    e->samples += 1;
}

double est_ewma_bps(const struct est_ewma *e)
{
    if (!(e->weight_s > 0))
        return 0;
    double best = INFINITY;
    for (int i = 0; i < 2; i++) {
        double v = e->bps[i] / (1 - pow(0.5, e->weight_s / half_life_s[i]));
        if (v < best)
            best = v;
    }
    return best;
}

double est_ewma_latency(const struct est_ewma *e, double segment_s)
{
    if (!(e->samples > 0))
        return 0;
    double worst = 0;
    for (int i = 0; i < 2; i++) {
        double v = e->latency[i] / (1 - pow(0.5, e->samples / (half_life_s[i] / segment_s)));
        if (v > worst)
            worst = v;
    }
    return worst;
}
