/* tests/bench/bench_queue.c: the classic hold benchmark of the event queue.
 *
 * Hold model (J. H. Vaucher and P. Duval, "A comparison of simulation event
 * list algorithms", CACM 18(4), 1975; D. W. Jones, "An empirical comparison
 * of priority-queue and event-set implementations", CACM 29(4), 1986): fill
 * the queue with N events, then repeat "pop the earliest, push one at its
 * time plus an increment". Increments are what a session-level simulation
 * sees: 80% exponential with mean 1 s (a segment download, a buffer check),
 * 10% zero (a handler scheduling at the current instant, which ties), 10%
 * at the next whole second (many sessions meeting at one instant, as a
 * premiere or a periodic tick does). The increments are drawn before the
 * clock starts, so the figure is the queue's cost, not the generator's.
 *
 * Prints, on stdout:
 *   queue.hold.1e3 N events/s     hold operations (one pop + one push) per
 *   queue.hold.1e6 N events/s     wall second with N events pending
 *   queue.hold.1e7 N events/s
 *   queue.bytes_per_event.1e7 N B queue_bytes() / queue_size() at 10^7
 * and exits 1 if an event ever pops out of (time, seq) order. About 5 s in
 * all on a 2-core machine (the 10^7 run allocates ~330 MB). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "sim/queue.h"
#include "sim/rng.h"

#define NINC (1u << 20)    /* pre-drawn increments, used cyclically */

static simtime *increments;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* -1 marks "at the next whole second". */
static int draw_increments(void)
{
    increments = malloc(NINC * sizeof *increments);
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 42);
    if (!increments || !r)
        return -1;
    for (size_t i = 0; i < NINC; i++) {
        double u = gsl_rng_uniform(r);
        if (u < 0.1)
            increments[i] = 0;
        else if (u < 0.2)
            increments[i] = -1;
        else
            increments[i] = simtime_from_s(gsl_ran_exponential(r, 1.0));
    }
    rng_stream_destroy(r);
    return 0;
}

static inline simtime next_time(simtime now, size_t i)
{
    simtime inc = increments[i & (NINC - 1)];
    if (inc >= 0)
        return now + inc;
    return (now / SIM_US_PER_S + 1) * SIM_US_PER_S;
}

/* Runs warmup + ops hold operations on n pending events; returns hold
 * operations per second of the measured part, or -1 on failure. */
static double hold(size_t n, size_t warmup, size_t ops, size_t *bytes)
{
    struct queue *q = queue_create(n);
    if (!q)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++, k++)
        if (queue_push(q, next_time(0, k), 0, (uint32_t)i, 0) != 0)
            return -1;
    struct event ev;
    simtime last = -1;
    uint64_t last_seq = 0;
    int bad = 0;
    double t0 = 0;
    for (size_t i = 0; i < warmup + ops; i++, k++) {
        if (i == warmup)
            t0 = now_s();
        if (!queue_pop(q, &ev))
            return -1;          /* cannot happen: n events stay pending */
        bad |= ev.time < last || (ev.time == last && ev.seq < last_seq);
        last = ev.time;
        last_seq = ev.seq;
        if (queue_push(q, next_time(ev.time, k), ev.kind, ev.entity, ev.payload) != 0)
            return -1;
    }
    double dt = now_s() - t0;
    if (bytes)
        *bytes = queue_bytes(q) / queue_size(q);
    queue_destroy(q);
    if (bad) {
        fprintf(stderr, "bench_queue: events popped out of order at n=%zu\n", n);
        return -1;
    }
    return (double)ops / dt;
}

int main(void)
{
    gsl_set_error_handler_off();
    if (draw_increments() != 0) {
        fprintf(stderr, "bench_queue: out of memory\n");
        return 1;
    }
    static const struct { const char *name; size_t n, warmup, ops; } runs[] = {
        { "1e3", 1000, 1000000, 20000000 },
        { "1e6", 1000000, 2000000, 20000000 },
        { "1e7", 10000000, 10000000, 20000000 },
    };
    size_t bytes = 0;
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        double rate = hold(runs[i].n, runs[i].warmup, runs[i].ops,
                           runs[i].n == 10000000 ? &bytes : NULL);
        if (rate < 0) {
            fprintf(stderr, "bench_queue: hold %s failed\n", runs[i].name);
            return 1;
        }
        printf("queue.hold.%s %.0f events/s\n", runs[i].name, rate);
        fflush(stdout);
    }
    printf("queue.bytes_per_event.1e7 %zu B\n", bytes);
    free(increments);
    return 0;
}
