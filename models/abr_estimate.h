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

void est_window_push(struct est_window *e, int window, double bps, double latency_s);
double est_window_harmonic(const struct est_window *e);     /* 0 when empty */
double est_window_mean(const struct est_window *e);
double est_window_latency(const struct est_window *e);      /* mean, s */

void est_ewma_push(struct est_ewma *e, double segment_s, double transfer_s,
                   double bps, double latency_s);
double est_ewma_bps(const struct est_ewma *e);              /* 0 when empty */
double est_ewma_latency(const struct est_ewma *e, double segment_s);

#endif
