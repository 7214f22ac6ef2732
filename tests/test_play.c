/* tests/test_play.c: the player over traces (models/play.c), its conformance
 * with Sabre's published results, the trace and manifest loaders, and the
 * `lastmile play` command.
 *
 * Conformance: ../shared/reference/abr/ (next to the clone; LASTMILE_REFERENCE
 * overrides it) holds Sabre's 50 traces, its Big Buck Bunny manifest and the
 * results Sabre gave on them. Its README asks that they be read in place, not
 * copied, so the tests that need them skip with a message when the folder is
 * absent. Every (trace, rule) row must be matched within 5% on the mean
 * bitrate and on the total rebuffer time (absolute floor 0.5 s). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/play.h"
#include "sim/trace_load.h"
#include "helpers.h"

static const double LADDER[] = { 235e3, 375e3, 560e3, 750e3, 1050e3, 1750e3, 2350e3, 3000e3,
                                 4300e3, 5800e3 };
#define TOP 9

/* The Sabre reference folder, or NULL (the test then skips). */
static const char *sabre_dir(char *buf, size_t n)
{
    const char *ref = getenv("LASTMILE_REFERENCE");
    if (ref && *ref)
        snprintf(buf, n, "%s/abr", ref);
    else
        snprintf(buf, n, "%s/../shared/reference/abr", th_root());
    char probe[1200];
    snprintf(probe, sizeof probe, "%s/sabre_results.csv", buf);
    return access(probe, R_OK) == 0 ? buf : NULL;
}

struct last { int rung, max_rung_after; double t_s, recover_after_s; };

static void keep_last(void *ctx, const struct play_row *r)
{
    struct last *l = ctx;
    l->rung = r->rung;
    if (r->t_s > l->recover_after_s && r->rung > l->max_rung_after)
        l->max_rung_after = r->rung;
}

static struct play_setup setup(const char *rule, const struct trace *t, double watch_s)
{
    struct play_setup p = {
        .cfg = { 4 * SIM_US_PER_S, 25 * SIM_US_PER_S, 4 * SIM_US_PER_S },
        .rule = abr_rule_find(rule),
        .ladder = { 10, LADDER, NULL },
        .trace = t,
        .watch = (simtime)(watch_s * 1e6),
    };
    abr_params_default(&p.params, p.cfg.segment, p.cfg.buffer);
    cr_assert_not_null(p.rule);
    return p;
}

static const char *const RULES[] = { "throughput", "rules", "bba", "bola", "robustmpc" };

Test(play, constant_trace_above_the_top_rung_converges_with_no_rebuffer)
{
    double d[] = { 1.0 }, b[] = { 10e6 }, l[] = { 0.02 }, st[] = { 0 };
    struct trace t = { 1, d, b, l, st, 1.0 };
    for (int i = 0; i < 5; i++) {
        struct play_setup p = setup(RULES[i], &t, 600);
        struct last last = { .recover_after_s = 1e9 };
        struct play_summary s;
        play_session(&p, keep_last, &last, &s);
        cr_assert_eq(last.rung, TOP, "%s ends at the top rung", RULES[i]);
        cr_assert_eq(s.rebuffer_s, 0, "%s: no rebuffer", RULES[i]);
        cr_assert_eq(s.rebuffer_events, 0);
        cr_assert_eq(s.segments, 150);
        cr_assert_lt(s.startup_s, 1.0, "the first segment at 235k takes 0.1 s");
    }
}

Test(play, a_drop_to_zero_rebuffers_then_recovers)
{
    /* 60 s at 10 Mbit/s, 40 s at 0, then 10 Mbit/s again. */
    double d[] = { 60, 40, 1000 }, b[] = { 10e6, 0, 10e6 }, l[] = { 0, 0, 0 }, st[] = { 0, 60, 100 };
    struct trace t = { 3, d, b, l, st, 1100 };
    for (int i = 0; i < 5; i++) {
        struct play_setup p = setup(RULES[i], &t, 400);
        struct last last = { .recover_after_s = 200, .max_rung_after = -1 };
        struct play_summary s;
        play_session(&p, keep_last, &last, &s);
        cr_assert_gt(s.rebuffer_s, 10, "%s stalls when the link is dead 40 s (buffer <= 25 s)",
                     RULES[i]);
        cr_assert_lt(s.rebuffer_s, 40);
        cr_assert_geq(s.rebuffer_events, 1);
        cr_assert_eq(last.max_rung_after, TOP, "%s recovers to the top rung", RULES[i]);
        cr_assert_float_eq(s.play_time_s, s.startup_s + 400 + s.rebuffer_s, 1e-3,
                           "play time = startup + media + stalls");
    }
}

Test(play, download_integrates_latency_and_bandwidth_across_periods)
{
    /* 1 s at 1 Mbit/s (latency 0.5 s), 1 s at 3 Mbit/s (latency 1 s). */
    double d[] = { 1, 1 }, b[] = { 1e6, 3e6 }, l[] = { 0.5, 1.0 }, st[] = { 0, 1 };
    struct trace t = { 2, d, b, l, st, 2 };
    double lat;
    /* From 0.8: 0.2 s pays 0.4 of the 0.5 s latency; the rest (0.6) of the
     * next period's 1 s latency: 0.6 s; then 3 Mbit at 3 Mbit/s in 0.4 s
     * left of it gives 1.2 Mbit, then 1 s at 1 Mbit/s (looped), 0.8 Mbit
     * at 3 Mbit/s: 0.2667 s. */
    double took = trace_download(&t, 0.8, 3e6, 0, &lat);
    cr_assert_float_eq(lat, 0.8, 1e-12);
    cr_assert_float_eq(took, 0.8 + 0.4 + 1.0 + 0.8e6 / 3e6, 1e-9);
    /* Loops: time 10.8 is time 0.8. */
    cr_assert_float_eq(trace_download(&t, 10.8, 3e6, 0, &lat), took, 1e-9);
}

/* Reads one CSV row of Sabre's results. */
struct ref { char trace[128], rule[32]; double kbps, rebuffer_s; };

Test(play, conformance_with_sabre_on_50_traces)
{
    char dir[1024], path[1400];
    if (!sabre_dir(dir, sizeof dir))
        cr_skip_test("Sabre's reference results not found at %s: conformance not checked",
                     dir);
    snprintf(path, sizeof path, "%s/sabre_results.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    struct manifest man;
    struct error err;
    snprintf(path, sizeof path, "%s/manifest-bbb.json", dir);
    cr_assert_eq(manifest_load(path, &man, &err), 0, "%s", err.msg);
    char line[512];
    cr_assert_not_null(fgets(line, sizeof line, f));
    int rows = 0;
    double worst_rate = 0, worst_rebuf = 0;
    while (fgets(line, sizeof line, f)) {
        struct ref r;
        int ev;
        double pt;
        cr_assert_eq(sscanf(line, "%127[^,],%31[^,],%lf,%lf,%d,%lf", r.trace, r.rule, &r.kbps,
                            &r.rebuffer_s, &ev, &pt), 6, "row: %s", line);
        snprintf(path, sizeof path, "%s/traces/%s", dir, r.trace);
        struct trace t;
        cr_assert_eq(trace_load(path, &t, &err), 0, "%s", err.msg);
        simtime seg = (simtime)(man.segment_s * 1e6 + 0.5);
        struct play_setup p = {
            .cfg = { seg, 25 * SIM_US_PER_S, seg },
            .rule = abr_rule_find(r.rule),
            .ladder = { man.nrungs, man.bps, NULL },
            .segment_bits = man.bits, .nsegments = man.nsegments,
            .trace = &t, .watch = seg * man.nsegments,
        };
        cr_assert_not_null(p.rule);
        abr_params_default(&p.params, seg, p.cfg.buffer);
        p.params.estimator = ABR_EST_MEAN;     /* what `--preset sabre` sets */
        p.params.window = 3;
        struct play_summary s;
        play_session(&p, NULL, NULL, &s);
        double drate = fabs(s.mean_bitrate_kbps - r.kbps) / r.kbps;
        double drebuf = fabs(s.rebuffer_s - r.rebuffer_s);
        double tol = fmax(0.5, 0.05 * r.rebuffer_s);
        cr_expect_leq(drate, 0.05, "%s %s: %.1f kbps, Sabre %.1f", r.trace, r.rule,
                      s.mean_bitrate_kbps, r.kbps);
        cr_expect_leq(drebuf, tol, "%s %s: rebuffer %.3f s, Sabre %.3f", r.trace, r.rule,
                      s.rebuffer_s, r.rebuffer_s);
        worst_rate = fmax(worst_rate, drate);
        worst_rebuf = fmax(worst_rebuf, drebuf);
        trace_free(&t);
        rows++;
    }
    fclose(f);
    manifest_free(&man);
    cr_assert_eq(rows, 100, "50 traces x 2 rules");
    cr_log_info("conformance: worst bitrate error %.2e, worst rebuffer error %.3f s",
                worst_rate, worst_rebuf);
}

static int write_file(char *name, size_t n, const char *suffix, const char *text)
{
    th_tmpname(name, n, suffix);
    FILE *f = fopen(name, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

Test(play, text_trace_loads_and_rejects_bad_lines_with_file_and_line)
{
    char name[256];
    struct trace t;
    struct error err;
    cr_assert_eq(write_file(name, sizeof name, ".txt", "# cooked\n0 1.5\n1.0 2.0\n\n3.0 0.5\n"), 0);
    cr_assert_eq(trace_load(name, &t, &err), 0, "%s", err.msg);
    cr_assert_eq(t.n, 2);
    cr_assert_float_eq(t.duration_s[1], 2.0, 1e-12);
    cr_assert_float_eq(t.bps[0], 2e6, 1e-6, "the bandwidth of the line that ends the period");
    trace_free(&t);
    unlink(name);
    const char *bad[][2] = {
        { "0 1\n1 2\n2 fast\n", "expected a bandwidth" },
        { "0 1\n1 2\n1 2\n", "times that increase" },
        { "0 1\n1 -2\n", ">= 0" },
        { "0 1\n1 2 3\n", "extra text" },
        { "0 1\n", "at least two" },
        { "0 0\n1 0\n", "above 0" },
    };
    int want_line[] = { 3, 3, 2, 2, 0, 0 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(write_file(name, sizeof name, ".txt", bad[i][0]), 0);
        cr_assert_eq(trace_load(name, &t, &err), -1, "case %zu", i);
        cr_assert_str_eq(err.file, name);
        cr_assert_eq(err.line, want_line[i], "case %zu: line %d", i, err.line);
        cr_assert_not_null(strstr(err.msg, bad[i][1]), "case %zu: %s", i, err.msg);
        unlink(name);
    }
}

Test(play, json_trace_and_manifest_reject_bad_input_with_a_path)
{
    char name[256];
    struct trace t;
    struct manifest m;
    struct error err;
    const char *bad[][3] = {
        { "[{\"duration_ms\": 1000, \"bandwidth_kbps\": 500, \"latency_ms\": 20},\n"
          " {\"duration_ms\": 1000, \"latency_ms\": 20}]", "$[1].bandwidth_kbps", "missing" },
        { "[{\"duration_ms\": 0, \"bandwidth_kbps\": 500, \"latency_ms\": 20}]",
          "$[0].duration_ms", "> 0" },
        { "[{\"duration_ms\": 10, \"bandwidth_kbps\": \"fast\", \"latency_ms\": 20}]",
          "$[0].bandwidth_kbps", "expected a number" },
        { "[{\"duration_ms\": 10,\n \"bandwidth_kbps\": 5 \"latency_ms\": 20}]", "", "" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(write_file(name, sizeof name, ".json", bad[i][0]), 0);
        cr_assert_eq(trace_load(name, &t, &err), -1, "case %zu", i);
        cr_assert_str_eq(err.file, name);
        cr_assert_str_eq(err.path, bad[i][1], "case %zu: %s", i, err.path);
        cr_assert_not_null(strstr(err.msg, bad[i][2]), "case %zu: %s", i, err.msg);
        if (i == 0 || i == 3)
            cr_assert_eq(err.line, 2, "case %zu: the line of the fault", i);
        if (i == 1)
            cr_assert_eq(err.line, 1);
        unlink(name);
    }
    cr_assert_eq(write_file(name, sizeof name, ".json",
                            "{\"segment_duration_ms\": 3000, \"bitrates_kbps\": [200, 100],"
                            " \"segment_sizes_bits\": [[1, 2]]}"), 0);
    cr_assert_eq(manifest_load(name, &m, &err), -1);
    cr_assert_str_eq(err.path, "$.bitrates_kbps[1]");
    unlink(name);
    cr_assert_eq(write_file(name, sizeof name, ".json",
                            "{\"segment_duration_ms\": 3000, \"bitrates_kbps\": [100, 200],"
                            " \"segment_sizes_bits\": [[1, 2], [3]]}"), 0);
    cr_assert_eq(manifest_load(name, &m, &err), -1);
    cr_assert_str_eq(err.path, "$.segment_sizes_bits[1]");
    unlink(name);
}

Test(play, cli_reproduces_sabre_on_one_trace)
{
    char dir[900], cmd[3000], out[1 << 16];
    if (!sabre_dir(dir, sizeof dir))
        cr_skip_test("Sabre's reference traces not found at %s: not checked", dir);
    snprintf(cmd, sizeof cmd, "%s play --trace %s/traces/3g-report.2010-09-14_1038CEST.json"
             " --manifest %s/manifest-bbb.json --rule bola --preset sabre --format json",
             th_bin(), dir, dir);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    const char *keys[] = { "\"rebuffer_s\": 142.14", "\"rebuffer_events\": 25",
                           "\"mean_bitrate_kbps\": 840.5" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert_not_null(strstr(out, keys[i]), "%s in %s", keys[i], out);
}

Test(play, cli_prints_rows_and_a_json_summary)
{
    char cmd[2048], out[1 << 16], p1[512], p2[512], p3[512];
    th_path(p1, sizeof p1, "tests/data/traces/mobile-swing.json");
    th_path(p2, sizeof p2, "tests/data/manifest-small.json");
    th_path(p3, sizeof p3, "tests/data/traces/cable-dip.txt");
    snprintf(cmd, sizeof cmd, "%s play --trace %s --manifest %s --rule bola --format json",
             th_bin(), p1, p2);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    const char *keys[] = { "\"startup_s\"", "\"rebuffer_s\"", "\"rebuffer_events\"",
                           "\"mean_bitrate_kbps\"", "\"switches\"", "\"mean_quality\"" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert_not_null(strstr(out, keys[i]), "%s in %s", keys[i], out);
    for (int r = 0; r < 5; r++) {
        const char *trace = r % 2 ? p3 : p1;
        snprintf(cmd, sizeof cmd, "%s play --trace %s --rule %s --format csv --duration 60s",
                 th_bin(), trace, RULES[r]);
        cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
        cr_assert_not_null(strstr(out, "segment,t_s,rung,bitrate_kbps"));
        cr_assert_not_null(strstr(out, "\n14,"), "15 segments of 4 s: %s", out);
    }
    snprintf(cmd, sizeof cmd, "%s play --trace %s --rule bolla", th_bin(), p1);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
    cr_assert_not_null(strstr(out, "unknown rule"));
    snprintf(cmd, sizeof cmd, "%s play --trace /nonexistent/trace.json", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
    cr_assert_not_null(strstr(out, "/nonexistent/trace.json"));
    snprintf(cmd, sizeof cmd, "%s play --trace %s --ladder 300,200", th_bin(), p1);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
}
