/* tests/bench/bench_abr.c: the cost of ABR decisions and of `lastmile play`.
 *
 * Decisions: each rule, on the default 10-rung ladder, decides for a stream
 * of pre-drawn (buffer, throughput sample) pairs: one on_download and one
 * choose per decision, the work a segment costs the rule in a run.
 * Play: one session over a synthetic one-hour trace (1 s periods, lognormal
 * bandwidth, median 4 Mbit/s, sigma 0.8, 40 ms latency) with 4 s segments
 * and each rule, repeated; segments per wall second.
 *
 * Prints, on stdout:
 *   abr.decisions.RULE N decisions/s
 *   play.segments.RULE N segments/s
 * Goal (issue 4): >= 1e6 decisions/s for every rule but robustmpc. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>

#include "models/play.h"

#define NDRAW 4096

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t lcg = 88172645463325252ull;
static double uniform(void)
{
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg >> 11) / 9007199254740992.0;
}

static double lognormal(double median, double sigma)
{
    double u1 = uniform(), u2 = uniform();
    double z = sqrt(-2 * log(u1 > 0 ? u1 : 1e-300)) * cos(6.283185307179586 * u2);
    return median * exp(sigma * z);
}

static const double LADDER[] = { 235e3, 375e3, 560e3, 750e3, 1050e3, 1750e3, 2350e3, 3000e3,
                                 4300e3, 5800e3 };
static const char *const RULES[] = { "throughput", "rules", "bba", "bola", "robustmpc" };

int main(void)
{
    struct abr_ladder l = { 10, LADDER, NULL };
    struct abr_params p;
    abr_params_default(&p, 4 * SIM_US_PER_S, 25 * SIM_US_PER_S);
    static simtime buffer[NDRAW];
    static double bps[NDRAW];
    for (int i = 0; i < NDRAW; i++) {
        buffer[i] = (simtime)(uniform() * 21e6);
        bps[i] = lognormal(4e6, 0.8);
    }
    volatile int sink = 0;
    for (int r = 0; r < 5; r++) {
        const struct abr_rule *rule = abr_rule_find(RULES[r]);
        union abr_state s;
        rule->init(&s, &p, &l);
        long n = 0;
        int last = 0;
        double t0 = now_s(), t;
        do {
            for (int i = 0; i < NDRAW; i++) {
                rule->on_download(&s, &p, &(struct abr_sample){ .bits = bps[i] * 2,
                                                                .transfer = 2 * SIM_US_PER_S });
                struct abr_view v = { .now = n * 4 * SIM_US_PER_S, .buffer = buffer[i],
                                      .last_rung = last, .media = p.segment, .ladder = &l };
                last = rule->choose(&s, &p, &v);
                sink += last;
                n++;
            }
        } while ((t = now_s() - t0) < 0.5);
        printf("abr.decisions.%s %.0f decisions/s\n", RULES[r], n / t);
    }

    /* A one-hour trace. */
    enum { PERIODS = 3600 };
    static double d[PERIODS], b[PERIODS], lat[PERIODS], st[PERIODS];
    for (int i = 0; i < PERIODS; i++) {
        d[i] = 1.0;
        b[i] = lognormal(4e6, 0.8);
        lat[i] = 0.04;
        st[i] = i;
    }
    struct trace tr = { PERIODS, d, b, lat, st, PERIODS };
    for (int r = 0; r < 5; r++) {
        struct play_setup ps = {
            .cfg = { 4 * SIM_US_PER_S, 25 * SIM_US_PER_S, 4 * SIM_US_PER_S },
            .rule = abr_rule_find(RULES[r]), .params = p, .ladder = l, .trace = &tr,
            .watch = 3600 * SIM_US_PER_S,
        };
        long segs = 0;
        struct play_summary sum;
        double t0 = now_s(), t;
        do {
            play_session(&ps, NULL, NULL, &sum);
            segs += sum.segments;
        } while ((t = now_s() - t0) < 0.5);
        printf("play.segments.%s %.0f segments/s\n", RULES[r], segs / t);
    }
    return sink == -1;
}
