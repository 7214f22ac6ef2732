/* models/abr_estimate.h: throughput and latency estimators the ABR rules
 * share, compact enough to live in a session's union abr_state.
 *
 * A window keeps the last n samples (floats; latencies in 0.1 ms steps, up
 * to 6.5 s) and gives their harmonic or arithmetic mean. The EWMA pair is
 * Sabre's and dash.js's: for a sample of weight w (its transfer time),
 * a = 0.5^(w/h), E <- a.E + (1-a).x; the estimate E / (1 - 0.5^(W/h)) removes
 * the bias of starting at zero (W = total weight); throughput takes the
 * smaller of h = 3 s and 8 s, latency the larger of the same half-lives
 * counted in segments (Spiteri et al., MMSys 2018, Sabre class Ewma). */
#ifndef LASTMILE_ABR_ESTIMATE_H
#define LASTMILE_ABR_ESTIMATE_H

#include <stdint.h>

#define ABR_WINDOW_MAX 6

struct est_window {
    float bps[ABR_WINDOW_MAX];
    uint16_t latency_100us[ABR_WINDOW_MAX];
    uint8_t n, next;
    uint8_t has_latency;            /* a sample had one: `lastmile run`'s never do */
};

struct est_ewma {
    float bps[2], latency[2];       /* fast (3 s), slow (8 s) */
    float weight_s;                 /* total transfer time */
    float samples;
};

/* Inline: the throughput rule runs them on every segment of a run.
 * est_window_harmonic and est_window_mean give 0 when empty;
 * est_window_latency the mean time to first bit, s. */
static inline void est_window_push(struct est_window *e, int window, double bps, double latency_s)
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

static inline double est_window_harmonic(const struct est_window *e)
{
    double inv = 0;
    for (int i = 0; i < e->n; i++)
        inv += 1.0 / e->bps[i];
    return e->n ? e->n / inv : 0;
}

static inline double est_window_mean(const struct est_window *e)
{
    double sum = 0;
    for (int i = 0; i < e->n; i++)
        sum += e->bps[i];
    return e->n ? sum / e->n : 0;
}

static inline double est_window_latency(const struct est_window *e)
{
    if (!e->has_latency)
        return 0;
    double sum = 0;
    for (int i = 0; i < e->n; i++)
        sum += e->latency_100us[i];
    return e->n ? sum / e->n * 1e-4 : 0;
}


void est_ewma_push(struct est_ewma *e, double segment_s, double transfer_s,
                   double bps, double latency_s);
double est_ewma_bps(const struct est_ewma *e);              /* 0 when empty */
double est_ewma_latency(const struct est_ewma *e, double segment_s);

#endif
