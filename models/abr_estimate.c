/* models/abr_estimate.c: the shared throughput estimators (see the header). */
#include "models/abr_estimate.h"

#include <math.h>

static const double half_life_s[2] = { 3.0, 8.0 };

void est_window_push(struct est_window *e, int window, double bps, double latency_s)
{
    if (window > ABR_WINDOW_MAX)
        window = ABR_WINDOW_MAX;
    if (window < 1)
        window = 1;
    if (!(bps > 0))
        return;
    e->bps[e->next] = (float)bps;
    if (latency_s > 0) {
        double l = latency_s * 1e4 + 0.5;
        e->latency_100us[e->next] = (uint16_t)(l > 65535 ? 65535 : l);
        e->has_latency = 1;
    } else {
        e->latency_100us[e->next] = 0;
    }
    e->next = (uint8_t)(e->next + 1 < window ? e->next + 1 : 0);
    if (e->n < window)
        e->n++;
}

double est_window_harmonic(const struct est_window *e)
{
    double inv = 0;
    for (int i = 0; i < e->n; i++)
        inv += 1.0 / e->bps[i];
    return e->n ? e->n / inv : 0;
}

double est_window_mean(const struct est_window *e)
{
    double sum = 0;
    for (int i = 0; i < e->n; i++)
        sum += e->bps[i];
    return e->n ? sum / e->n : 0;
}

double est_window_latency(const struct est_window *e)
{
    if (!e->has_latency)
        return 0;
    double sum = 0;
    for (int i = 0; i < e->n; i++)
        sum += e->latency_100us[i];
    return e->n ? sum / e->n * 1e-4 : 0;
}

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
