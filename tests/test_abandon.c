/* tests/test_abandon.c: abandoning a download that would run the buffer
 * dry (models/abandon.c): the rule's cases, then `lastmile play` and
 * `lastmile run` on throughput that collapses mid-download, where
 * abandonment must cut rebuffering, and the bytes still add up. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/abandon.h"
#include "models/play.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "tests/helpers.h"
#include "world_run.h"

static const double LADDER[] = { 235e3, 375e3, 560e3, 750e3, 1050e3, 1750e3, 2350e3, 3000e3,
                                 4300e3, 5800e3 };
static const struct abr_ladder L = { 10, LADDER, NULL };

/* A 4 s segment at rung 8 (4.3 Mbit/s) is 17.2 Mbit. */
static struct abandon_progress at_rung8(double delivered_mbit, double elapsed_s, double buffer_s)
{
    return (struct abandon_progress){
        .rung = 8, .elapsed = (simtime)(elapsed_s * 1e6), .latency = 0,
        .delivered_bits = delivered_mbit * 1e6, .total_bits = 17.2e6,
        .buffer_left = (simtime)(buffer_s * 1e6),
    };
}

Test(abandon, a_download_that_finishes_within_the_buffer_goes_on)
{
    /* 1 Mbit/s measured, 16.2 Mbit missing: 16.2 s, within 20 s. */
    struct abandon_progress p = at_rung8(1, 1, 20);
    cr_assert_eq(abandon_target(&p, &L), -1);
    /* The same with 10 s of buffer runs dry: abandon. */
    p = at_rung8(1, 1, 10);
    cr_assert_geq(abandon_target(&p, &L), 0);
}

Test(abandon, the_target_is_the_highest_lower_rung_that_fits_the_buffer)
{
    /* 1 Mbit/s measured, 10 s of buffer: a whole segment of at most 10 Mbit
     * fits, i.e. rung bitrate <= 2.5 Mbit/s: rung 6 (2350 kbit/s). */
    struct abandon_progress p = at_rung8(1, 1, 10);
    cr_assert_eq(abandon_target(&p, &L), 6);
    /* 0.2 Mbit/s, 3 s of buffer: 0.6 Mbit fits no rung (rung 0 is 0.94
     * Mbit): the lowest, which is still far smaller than what is missing. */
    p = at_rung8(0.2, 1, 3);
    cr_assert_eq(abandon_target(&p, &L), 0);
    /* Stalled (no buffer left): the lowest rung. */
    p = at_rung8(1, 1, 0);
    cr_assert_eq(abandon_target(&p, &L), 0);
}

Test(abandon, never_when_restarting_costs_more_than_going_on)
{
    /* 17.0 of 17.2 Mbit arrived: 0.2 Mbit missing, below rung 0's whole
     * segment (0.94 Mbit), even with no buffer left. */
    struct abandon_progress p = at_rung8(17.0, 4, 0);
    cr_assert_eq(abandon_target(&p, &L), -1);
}

Test(abandon, not_before_the_grace_nor_at_the_lowest_rung_nor_without_a_measurement)
{
    struct abandon_progress p = at_rung8(0.1, 0.4, 0);
    cr_assert_eq(abandon_target(&p, &L), -1, "before 500 ms");
    p = at_rung8(0.1, 0.5, 0);
    cr_assert_eq(abandon_target(&p, &L), 0, "at 500 ms");
    p = at_rung8(0, 2, 0);
    cr_assert_eq(abandon_target(&p, &L), -1, "no bit arrived yet");
    p = at_rung8(0.1, 2, 0);
    p.rung = 0;
    cr_assert_eq(abandon_target(&p, &L), -1, "nothing lower");
}

/* 8 Mbit/s, then 0.4 Mbit/s for 20 s every 50 s. */
static double D[] = { 30, 20 }, B[] = { 8e6, 0.4e6 }, LAT[] = { 0.02, 0.02 }, ST[] = { 0, 30 };
static const struct trace SHARP = { 2, D, B, LAT, ST, 50 };

static struct play_summary play(const char *rule, int abandon)
{
    struct play_setup p = {
        .cfg = { 4 * SIM_US_PER_S, 25 * SIM_US_PER_S, 4 * SIM_US_PER_S, abandon },
        .rule = abr_rule_find(rule), .ladder = L, .trace = &SHARP,
        .watch = 300 * SIM_US_PER_S,
    };
    abr_params_default(&p.params, p.cfg.segment, p.cfg.buffer);
    struct play_summary s;
    play_session(&p, NULL, NULL, &s);
    return s;
}

Test(abandon, play_on_a_sharp_drop_rebuffers_less_with_abandonment)
{
    static const char *const rules[] = { "throughput", "bba", "bola", "robustmpc" };
    for (int i = 0; i < 4; i++) {
        struct play_summary off = play(rules[i], 0), on = play(rules[i], 1);
        cr_log_info("%s: rebuffer %.2f s -> %.2f s, %d abandons, %.0f -> %.0f kbit/s", rules[i],
                    off.rebuffer_s, on.rebuffer_s, on.abandons, off.mean_bitrate_kbps,
                    on.mean_bitrate_kbps);
        cr_assert_eq(off.abandons, 0);
        cr_assert_gt(off.rebuffer_s, 1.0, "%s stalls on the drop", rules[i]);
        cr_assert_gt(on.abandons, 0, "%s abandons", rules[i]);
        cr_assert_lt(on.rebuffer_s, off.rebuffer_s * 0.5, "%s: %.2f s vs %.2f s", rules[i],
                     on.rebuffer_s, off.rebuffer_s);
        cr_assert_eq(on.segments, off.segments, "the same media either way");
    }
}

/* lastmile run: one ISP whose access follows a Markov good/bad model with
 * a deep bad state; the same seed with abandonment off and on. */
static const char WORLD[] =
    "{\"name\": \"abandon\", \"start\": \"2026-11-20T21:00:00Z\", \"duration\": \"15m\", \"seed\": 3,"
    " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": 4000}],"
    " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 1.0,"
    "             \"access\": {\"model\": \"markov\", \"good\": \"20Mbps\", \"bad\": \"400kbps\","
    "                          \"good_mean\": \"60s\", \"bad_mean\": \"20s\"},"
    "             \"peering\": [{\"ix\": \"ix\", \"capacity\": \"10Gbps\"}]}],"
    " \"sites\": [{\"id\": \"a1\", \"kind\": \"embedded\", \"isp\": \"a\","
    "              \"ocas\": {\"count\": 2, \"egress\": \"20Gbps\"}},"
    "             {\"id\": \"ix\", \"kind\": \"ix\", \"region\": \"r\"}],"
    " \"catalog\": {\"titles\": 500}, \"player\": {\"buffer\": \"30s\", \"abandon\": \"%s\"},"
    " \"metrics\": {\"period\": \"60s\"}}";

static void run(struct world_run *r, const char *abandon)
{
    char text[4096];
    snprintf(text, sizeof text, WORLD, abandon);
    wr_start(r, "abandon.json", text);
    wr_run_to_end(r);
    cr_assert_eq(world_finish(r->w), 0);
}

Test(abandon, run_on_a_deep_bad_state_rebuffers_less_and_bytes_add_up)
{
    struct world_run off, on;
    run(&off, "off");
    run(&on, "on");
    const struct metrics *a = &off.w->m, *b = &on.w->m;
    cr_log_info("rebuffer %.1f s -> %.1f s, %llu abandons (%.1f MB wasted), %.0f -> %.0f kbit/s",
                a->rebuffer_us / 1e6, b->rebuffer_us / 1e6, (unsigned long long)b->abandons,
                b->bytes_abandoned / 1e6, a->bitrate_media / a->fetched_us,
                b->bitrate_media / b->fetched_us);
    cr_assert_eq(a->abandons, 0);
    cr_assert_eq(a->bytes_abandoned, 0);
    cr_assert_gt(b->abandons, 10);
    cr_assert_gt(b->bytes_abandoned, 0);
    cr_assert_lt(b->rebuffer_us, a->rebuffer_us * 0.8);
    cr_assert_eq(a->sessions_started, b->sessions_started, "paired: the same demand");
    /* Every byte requested was delivered to a tier or cut (the run's end,
     * or an abandonment). */
    double tiers = 0;
    for (int k = 0; k < TIER_COUNT; k++)
        tiers += b->bytes_tier[k];
    cr_assert_float_eq(tiers + b->bytes_cut, b->bytes_requested, b->bytes_requested * 1e-9);
    wr_stop(&off);
    wr_stop(&on);
}

Test(abandon, play_cli_takes_abandon_and_reports_the_count)
{
    char cmd[1024], out[4096];
    snprintf(cmd, sizeof cmd, "%s play --trace %s/tests/data/traces/drop-to-zero.json --rule bba"
             " --abandon --format json", th_bin(), th_root());
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    int abandons = -1;
    const char *k = strstr(out, "\"abandons\": ");
    cr_assert(k, "%s", out);
    sscanf(k + 12, "%d", &abandons);
    cr_assert_gt(abandons, 0, "%s", out);
    snprintf(cmd, sizeof cmd, "%s play --trace %s/tests/data/traces/drop-to-zero.json --rule bba"
             " --format json", th_bin(), th_root());
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "\"abandons\": 0}"), "off by default: %s", out);
}
