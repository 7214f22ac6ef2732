/* tests/test_abr.c: each ABR rule's textbook behaviour, on the rule alone
 * (no player): BBA-0's reservoir and cushion, BOLA's buffer thresholds and
 * up-switch guard, the stability window of the buffer rules, the throughput
 * rule's harmonic mean and latency-aware choice, RobustMPC's robust
 * discount, and the registry. */
#include <criterion/criterion.h>
#include <math.h>

#include "models/abr.h"
#include "models/abr_estimate.h"
#include "sim/rng.h"

static const double LADDER[] = { 235e3, 375e3, 560e3, 750e3, 1050e3, 1750e3, 2350e3, 3000e3,
                                 4300e3, 5800e3 };
static const struct abr_ladder L = { 10, LADDER, NULL };
#define TOP 9

static struct abr_params params(double segment_s, double buffer_s)
{
    struct abr_params p;
    abr_params_default(&p, (simtime)(segment_s * 1e6), (simtime)(buffer_s * 1e6));
    return p;
}

static int choose(const struct abr_rule *r, union abr_state *s, const struct abr_params *p,
                  double now_s, double buffer_s, int last)
{
    struct abr_view v = { .now = (simtime)(now_s * 1e6), .buffer = (simtime)(buffer_s * 1e6),
                          .last_rung = last, .media = p->segment, .ladder = &L };
    return r->choose(s, p, &v);
}

static void feed(const struct abr_rule *r, union abr_state *s, const struct abr_params *p,
                 double bps, int n)
{
    for (int i = 0; i < n; i++)
        r->on_download(s, p, &(struct abr_sample){ .bits = bps * 2.0, .transfer = 2 * SIM_US_PER_S });
}

Test(abr, registry_has_the_five_rules_within_the_state_budget)
{
    const char *names[] = { "throughput", "rules", "bba", "bola", "robustmpc" };
    for (int i = 0; i < 5; i++) {
        const struct abr_rule *r = abr_rule_find(names[i]);
        cr_assert_not_null(r, "%s registered", names[i]);
        cr_assert_str_eq(abr_rule_names[i], names[i], "names in registry order");
        cr_assert_leq(r->state_size, ABR_STATE_MAX);
    }
    cr_assert_null(abr_rule_find("bolla"));
}

Test(abr, bba_lowest_in_reservoir_highest_above_cushion)
{
    const struct abr_rule *r = abr_rule_find("bba");
    struct abr_params p = params(4, 240);           /* the paper's setting */
    double res, cu;
    abr_bba_zones(&p, &res, &cu);
    cr_assert_float_eq(res, 90, 1e-9, "paper: 90 s reservoir");
    cr_assert_float_eq(cu, 126, 1e-9, "paper: 126 s cushion");
    union abr_state s;
    r->init(&s, &p, &L);
    for (int last = -1; last <= TOP; last++) {
        cr_assert_eq(choose(r, &s, &p, 0, 10, last), 0);
        cr_assert_eq(choose(r, &s, &p, 0, 90, last), 0, "the reservoir's edge");
        cr_assert_eq(choose(r, &s, &p, 0, 216, last), TOP, "the cushion's end");
        cr_assert_eq(choose(r, &s, &p, 0, 230, last), TOP);
    }
    /* Between: the rate map, with hysteresis. f(153) = halfway = 3017.5 kbps. */
    cr_assert_eq(choose(r, &s, &p, 0, 153, 0), 7, "from below: highest rung under f(B)");
    cr_assert_eq(choose(r, &s, &p, 0, 153, TOP), 8, "from above: lowest rung over f(B)");
    cr_assert_eq(choose(r, &s, &p, 0, 153, 7), 7, "f(B) between neighbours: hold");
    /* Scaled with a 25 s buffer, the top zone stays reachable (<= 21 s). */
    p = params(4, 25);
    abr_bba_zones(&p, &res, &cu);
    cr_assert_lt(res + cu, 21.0);
    cr_assert_eq(choose(r, &s, &p, 0, 21, 3), TOP);
}

Test(abr, bola_never_picks_a_rung_its_buffer_does_not_support)
{
    struct abr_params p = params(3, 25);
    double vp = abr_bola_vp(&p, &L);
    cr_assert_float_eq(vp, 22.0 / (log(5800.0 / 235.0) + 5.0), 1e-12);
    int prev = 0;
    for (double b = 0; b <= 22.0; b += 0.01) {
        int m = abr_bola_from_buffer(&p, &L, b);
        cr_assert_geq(m, prev, "monotone in the buffer");
        prev = m;
        /* Rung m needs the buffer past the point where its score beats
         * rung m-1's: B >= Vp (b_m (u_m-1 + gp) - b_m-1 (u_m + gp)) / (b_m - b_m-1). */
        if (m > 0) {
            double um1 = log(LADDER[m - 1] / LADDER[0]), um = log(LADDER[m] / LADDER[0]);
            double need = vp * (LADDER[m] * (um1 + 5) - LADDER[m - 1] * (um + 5))
                          / (LADDER[m] - LADDER[m - 1]);
            cr_assert_geq(b, need - 1e-9, "rung %d at %.2f s, needs %.3f s", m, b, need);
        }
    }
    cr_assert_eq(abr_bola_from_buffer(&p, &L, 0), 0);
    cr_assert_eq(abr_bola_from_buffer(&p, &L, 22.0), TOP, "the top rung just below cap - segment");
}

Test(abr, bola_up_switch_guard_against_throughput)
{
    const struct abr_rule *r = abr_rule_find("bola");
    struct abr_params p = params(3, 25);
    union abr_state s;
    r->init(&s, &p, &L);
    feed(r, &s, &p, 800e3, 10);                    /* throughput allows rung 3 (750k) */
    cr_assert_eq(choose(r, &s, &p, 60, 22, 0), 4, "buffer asks top, guard gives q + 1");
    cr_assert_eq(choose(r, &s, &p, 60, 22, 6), 6, "previous above q: keep it");
    cr_assert_eq(choose(r, &s, &p, 60, 22, TOP), TOP, "down-switches only follow the buffer");
    r->init(&s, &p, &L);
    feed(r, &s, &p, 50e6, 10);
    cr_assert_eq(choose(r, &s, &p, 60, 22, 0), TOP, "throughput supports it: no guard");
}

Test(abr, throughput_harmonic_mean_and_safety)
{
    const struct abr_rule *r = abr_rule_find("throughput");
    struct abr_params p = params(4, 25);
    union abr_state s;
    r->init(&s, &p, &L);
    cr_assert_eq(choose(r, &s, &p, 0, 0, -1), 0, "no history: lowest");
    feed(r, &s, &p, 1e6, 1);
    feed(r, &s, &p, 9e6, 1);
    /* harmonic mean 1.8 Mbit/s x 0.9 = 1.62 -> 1050k (rung 4); arithmetic would give 4.5. */
    cr_assert_eq(choose(r, &s, &p, 0, 10, 0), 4);
    cr_assert_float_eq(r->estimate(&s, &p), 1.8e6, 1.0);
    p.estimator = ABR_EST_MEAN;
    cr_assert_eq(choose(r, &s, &p, 0, 10, 0), 8, "mean 5 Mbit/s x 0.9 -> 4300k");
    /* Latency counts against the segment time (Sabre): 1 s of a 4 s segment. */
    r->init(&s, &p, &L);
    r->on_download(&s, &p, &(struct abr_sample){ .bits = 5e6, .transfer = SIM_US_PER_S,
                                                 .latency = SIM_US_PER_S });
    /* 1 + 4 b / (0.9 x 5e6) <= 4  ->  b <= 3.375 Mbit/s -> 3000k */
    cr_assert_eq(choose(r, &s, &p, 0, 10, 0), 7);
}

Test(abr, rules_stability_window_holds)
{
    const struct abr_rule *r = abr_rule_find("rules");
    struct abr_params p = params(4, 120);           /* high threshold 60 s reachable */
    union abr_state s;
    r->init(&s, &p, &L);
    feed(r, &s, &p, 10e6, 10);
    cr_assert_eq(choose(r, &s, &p, 0, 30, 2), 2, "between thresholds: hold");
    cr_assert_eq(choose(r, &s, &p, 1, 70, 2), TOP, "above 60 s: up to 80% of throughput");
    cr_assert_eq(choose(r, &s, &p, 5, 8, TOP), TOP - 1, "below 10 s: one step down, at once");
    cr_assert_eq(choose(r, &s, &p, 20, 70, TOP - 1), TOP - 1, "15 s after a switch: held");
    cr_assert_eq(choose(r, &s, &p, 34.9, 70, TOP - 1), TOP - 1, "29.9 s: still held");
    cr_assert_eq(choose(r, &s, &p, 35.1, 70, TOP - 1), TOP, "30 s on: may step up");
    feed(r, &s, &p, 1e6, 30);
    cr_assert_eq(choose(r, &s, &p, 100, 70, 2), 3, "up only as far as 80% of 1 Mbit/s: 750k");
}

Test(abr, robustmpc_discounts_by_the_recent_error)
{
    const struct abr_rule *r = abr_rule_find("robustmpc");
    struct abr_params p = params(4, 60);
    union abr_state s;
    r->init(&s, &p, &L);
    cr_assert_eq(choose(r, &s, &p, 0, 0, -1), 0, "no history: lowest");
    /* Steady 20 Mbit/s with a full buffer: the top rung. */
    for (int i = 0; i < 6; i++) {
        feed(r, &s, &p, 20e6, 1);
        choose(r, &s, &p, i, 30, TOP);
    }
    cr_assert_eq(choose(r, &s, &p, 10, 30, TOP), TOP);
    /* Steady 2 Mbit/s, empty buffer: no rung whose download outlasts the
     * buffer by much: at most 1750k (2 Mbit/s predicted). */
    r->init(&s, &p, &L);
    for (int i = 0; i < 6; i++) {
        feed(r, &s, &p, 2e6, 1);
        choose(r, &s, &p, i, 2, 0);
    }
    int steady = choose(r, &s, &p, 10, 2, 0);
    cr_assert_leq(steady, 5);
    /* Now an erratic history with the same harmonic mean prediction error:
     * the robust discount picks no higher. */
    r->init(&s, &p, &L);
    double xs[] = { 8e6, 1.2e6, 8e6, 1.2e6, 8e6, 1.2e6 };
    for (int i = 0; i < 6; i++) {
        feed(r, &s, &p, xs[i], 1);
        choose(r, &s, &p, i, 2, 0);
    }
    cr_assert_leq(choose(r, &s, &p, 10, 2, 0), steady);
}

Test(abr, estimators_window_and_ewma)
{
    struct est_window w = {0};
    for (int i = 1; i <= 10; i++)
        est_window_push(&w, 3, i * 1e6, 0.05);
    cr_assert_float_eq(est_window_mean(&w), 9e6, 1, "the last three: 8, 9, 10");
    cr_assert_float_eq(est_window_latency(&w), 0.05, 1e-4);
    struct est_ewma e = {0};
    est_ewma_push(&e, 3, 1.0, 4e6, 0.1);
    cr_assert_float_eq(est_ewma_bps(&e), 4e6, 1, "zero-bias correction: one sample is itself");
    cr_assert_float_eq(est_ewma_latency(&e, 3), 0.1, 1e-6);
    est_ewma_push(&e, 3, 1.0, 1e6, 0.1);
    cr_assert_lt(est_ewma_bps(&e), 4e6);
    cr_assert_gt(est_ewma_bps(&e), 1e6);
}

/* The plain exhaustive search of RobustMPC's QoE over all rung sequences,
 * to check that the bounded search of models/abr_robustmpc.c loses nothing. */
static double brute(const struct abr_params *p, double bps, double buffer_s, int prev, int depth,
                    int *first)
{
    if (depth == p->mpc_horizon)
        return 0;
    double best = -INFINITY, media = simtime_to_s(p->segment), cap = simtime_to_s(p->buffer_cap);
    double mu = abr_utility(&L, TOP);
    for (int r = 0; r <= TOP; r++) {
        double dl = LADDER[r] * media / bps;
        double rebuf = dl > buffer_s ? dl - buffer_s : 0;
        double b = fmin(fmax(buffer_s - dl, 0) + media, cap);
        double u = abr_utility(&L, r);
        double g = u - mu * rebuf - (prev >= 0 ? fabs(u - abr_utility(&L, prev)) : 0);
        int dummy;
        double total = g + brute(p, bps, b, r, depth + 1, &dummy);
        if (total > best) {
            best = total;
            *first = r;
        }
    }
    return best;
}

Test(abr, robustmpc_bounded_search_equals_the_exhaustive_one)
{
    const struct abr_rule *r = abr_rule_find("robustmpc");
    struct abr_params p = params(4, 30);
    p.mpc_horizon = 4;                              /* 10^4 sequences per case */
    uint64_t x = 12345;
    for (int k = 0; k < 60; k++) {
        union abr_state s;
        r->init(&s, &p, &L);
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        double bps = 300e3 + (double)(x >> 40) / (1 << 24) * 7e6;
        feed(r, &s, &p, bps, 3);                    /* steady: no error, prediction = bps */
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        double buffer = (double)(x >> 40) / (1 << 24) * 26;
        int prev = (int)((x >> 20) % 10);
        int want;
        brute(&p, bps, buffer, prev, 0, &want);
        struct abr_view v = { .now = 0, .buffer = (simtime)(buffer * 1e6), .last_rung = prev,
                              .media = p.segment, .ladder = &L };
        int got = r->choose(&s, &p, &v);
        cr_assert_eq(got, want, "case %d: %.0f bps, buffer %.2f s, prev %d: got %d, want %d",
                     k, bps, (double)v.buffer / 1e6, prev, got, want);
    }
}

/* abr_highest_under is a binary search (models/abr.c): on random
 * increasing ladders of 1 to 16 rungs it must agree with the definition,
 * the last rung at most bps, scanned from rung 0, including bitrates on a
 * rung exactly, below the lowest, above the highest, NaN and infinities. */
Test(abr, highest_under_is_the_last_rung_at_most_the_rate)
{
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 40);
    cr_assert_not_null(r);
    double bps[16];
    for (int t = 0; t < 20000; t++) {
        int n = 1 + (int)gsl_rng_uniform_int(r, 16);
        double v = 100e3;
        for (int i = 0; i < n; i++)
            bps[i] = v += 1 + (double)gsl_rng_uniform_int(r, 2000000);
        struct abr_ladder l = { n, bps, NULL };
        const double specials[] = { NAN, INFINITY, -INFINITY };
        double probe;
        switch (gsl_rng_uniform_int(r, 6)) {
        case 0: probe = bps[gsl_rng_uniform_int(r, (unsigned long)n)]; break;
        case 1: probe = bps[0] - 1; break;
        case 2: probe = bps[n - 1] + 1; break;
        case 3: probe = specials[gsl_rng_uniform_int(r, 3)]; break;
        default: probe = (double)gsl_rng_uniform_int(r, (unsigned long)(v + 200e3)); break;
        }
        int want = 0;
        while (want + 1 < n && bps[want + 1] <= probe)
            want++;
        cr_assert_eq(abr_highest_under(&l, probe), want, "ladder of %d, bps %g", n, probe);
    }
    rng_stream_destroy(r);
}
