/* sim/progress.c: the progress line. */
#include "sim/progress.h"

#include <stdio.h>

#include "sim/units.h"

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void progress_init(struct progress *p, int enabled, simtime end, int64_t start_unix)
{
    p->enabled = enabled;
    p->end = end;
    p->start_unix = start_unix;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    p->last = p->t0;
}

double progress_elapsed(const struct progress *p)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return since(&p->t0, &now);
}

int progress_update(void *ctx, simtime now, uint64_t events)
{
    struct progress *p = ctx;
    if (!p->enabled)
        return 0;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (since(&p->last, &t) < 0.25)
        return 0;
    p->last = t;
    double wall = since(&p->t0, &t);
    double frac = p->end > 0 ? (double)now / (double)p->end : 1;
    double eta = frac > 0 ? wall * (1 - frac) / frac : 0;
    char clock[32];
    units_format_instant(p->start_unix + now / SIM_US_PER_S, clock, sizeof clock);
    fprintf(stderr, "\r%s  %5.1f%%  %6.2f M events/s  ETA %4.0fs ", clock, 100 * frac,
            wall > 0 ? (double)events / wall / 1e6 : 0, eta);
    fflush(stderr);
    return 0;
}

void progress_done(struct progress *p, uint64_t events)
{
    if (!p->enabled)
        return;
    double wall = progress_elapsed(p);
    fprintf(stderr, "\rdone: %llu events in %.2fs (%.2f M events/s)%20s\n",
            (unsigned long long)events, wall, wall > 0 ? (double)events / wall / 1e6 : 0, "");
}
