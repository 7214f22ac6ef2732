/* models/live_lag.c: lag classes of a live group (models/live_lag.h).
 * Classes are kept in decreasing lag order so that the ones a late segment
 * merges, and the ones new joiners (who join at the latency target, the
 * smallest lags) land next to, sit at the end of the arrays. */
#include "models/live_lag.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double quantize(double s)
{
    return ceil(s / LIVE_LAG_QUANTUM - 1e-9) * LIVE_LAG_QUANTUM;
}

static int grow(struct live_lag *l)
{
    uint32_t cap = l->cap ? l->cap * 2 : 4;
    double *a = realloc(l->lag, cap * sizeof *a);
    if (!a)
        return -1;
    l->lag = a;
    double *b = realloc(l->n, cap * sizeof *b);
    if (!b)
        return -1;
    l->n = b;
    l->cap = cap;
    return 0;
}

void live_lag_init(struct live_lag *l)
{
    memset(l, 0, sizeof *l);
    l->min = INFINITY;
}

int live_lag_add(struct live_lag *l, double lag_s, double n)
{
    double q = quantize(lag_s);
    uint32_t i = l->len;
    while (i > 0 && l->lag[i - 1] < q - 1e-9)
        i--;
    if (i > 0 && fabs(l->lag[i - 1] - q) < 1e-9) {
        l->n[i - 1] += n;
        return 0;
    }
    if (l->len == l->cap && grow(l) != 0)
        return -1;
    memmove(&l->lag[i + 1], &l->lag[i], (l->len - i) * sizeof *l->lag);
    memmove(&l->n[i + 1], &l->n[i], (l->len - i) * sizeof *l->n);
    l->lag[i] = q;
    l->n[i] = n;
    l->len++;
    l->min = l->lag[l->len - 1];
    return 0;
}

double live_lag_stall(struct live_lag *l, double need_s, double over_s)
{
    if (!(l->min < need_s))
        return 0;
    double stalled = 0, merged = 0;
    while (l->len > 0 && l->lag[l->len - 1] < need_s) {
        l->len--;
        double x = need_s - l->lag[l->len] - over_s;
        if (x > 0)
            stalled += x * l->n[l->len];
        merged += l->n[l->len];
    }
    if (merged > 0 && l->len > 0 && l->lag[l->len - 1] == need_s) {
        l->n[l->len - 1] += merged;
    } else if (merged > 0) {
        /* The merged class sits at need_s exactly (not rounded): its stall
         * was paid in full. */
        l->lag[l->len] = need_s;
        l->n[l->len] = merged;
        l->len++;
    }
    l->min = l->len ? l->lag[l->len - 1] : INFINITY;
    return stalled;
}

double live_lag_min(const struct live_lag *l)
{
    return l->min;
}

void live_lag_free(struct live_lag *l)
{
    free(l->lag);
    free(l->n);
    live_lag_init(l);
}
