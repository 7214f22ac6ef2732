/* models/trace.c: downloads over a looping throughput trace (see the header). */
#include "models/trace.h"

#include <math.h>
#include <stdlib.h>

/* The period holding time x in [0, total). */
static int period_at(const struct trace *t, double x)
{
    int lo = 0, hi = t->n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (t->start_s[mid] <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

double trace_download(const struct trace *t, double t0_s, double bits,
                      double extra_latency_s, double *latency_s)
{
    double loops = floor(t0_s / t->total_s);
    double x = t0_s - loops * t->total_s;
    int k = period_at(t, x);
    double left = t->start_s[k] + t->duration_s[k] - x;   /* of period k */
    double elapsed = 0;
    /* The latency: the fraction `need` of a latency still to pay. */
    double need = 1.0;
    for (;;) {
        double lat = t->latency_s[k] + extra_latency_s;
        if (lat <= 0)
            break;
        if (need * lat <= left) {
            elapsed += need * lat;
            left -= need * lat;
            break;
        }
        need -= left / lat;
        elapsed += left;
        k = (k + 1) % t->n;
        left = t->duration_s[k];
    }
    if (latency_s)
        *latency_s = elapsed;
    /* The bits. */
    for (;;) {
        double can = t->bps[k] * left;
        if (bits <= can && t->bps[k] > 0) {
            elapsed += bits / t->bps[k];
            break;
        }
        bits -= can;
        elapsed += left;
        k = (k + 1) % t->n;
        left = t->duration_s[k];
    }
    return elapsed;
}

double trace_bits_within(const struct trace *t, double t0_s, double extra_latency_s, double dt_s)
{
    double loops = floor(t0_s / t->total_s);
    double x = t0_s - loops * t->total_s;
    int k = period_at(t, x);
    double left = t->start_s[k] + t->duration_s[k] - x;
    double budget = dt_s;
    /* The latency, paid as trace_download pays it. */
    double need = 1.0;
    for (;;) {
        double lat = t->latency_s[k] + extra_latency_s;
        if (lat <= 0)
            break;
        if (need * lat <= left) {
            if (need * lat >= budget)
                return 0;
            budget -= need * lat;
            left -= need * lat;
            break;
        }
        if (left >= budget)
            return 0;
        need -= left / lat;
        budget -= left;
        k = (k + 1) % t->n;
        left = t->duration_s[k];
    }
    double bits = 0;
    for (;;) {
        if (budget <= left)
            return bits + t->bps[k] * budget;
        bits += t->bps[k] * left;
        budget -= left;
        k = (k + 1) % t->n;
        left = t->duration_s[k];
    }
}

double trace_bps_at(const struct trace *t, double x)
{
    double loops = floor(x / t->total_s);
    return t->bps[period_at(t, x - loops * t->total_s)];
}

double trace_mean_bps(const struct trace *t)
{
    double bits = 0;
    for (int i = 0; i < t->n; i++)
        bits += t->bps[i] * t->duration_s[i];
    return bits / t->total_s;
}

void trace_free(struct trace *t)
{
    free(t->duration_s);
    free(t->bps);
    free(t->latency_s);
    free(t->start_s);
    *t = (struct trace){0};
}
