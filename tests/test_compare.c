/* tests/test_compare.c: `lastmile compare`: Student-t intervals against a
 * hand-computed case (directly and through the command's paired change),
 * exit 0 on identical runs, exit 1 on a planted regression (a real run
 * with a starved embedded cluster), tolerances absolute and relative, and
 * exit 2 with a clear message on bad input. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>

#include "sim/results.h"
#include "sim/stats_ci.h"
#include "tests/helpers.h"

/* x = 1..5: mean 3, sd = sqrt(10/4) = 1.58113883, t(0.975, 4) = 2.77644511
 * (statistical tables), half = 2.77644511 * 1.58113883 / sqrt(5)
 * = 1.96324316. */
Test(compare, t_interval_matches_a_hand_computed_case)
{
    double x[] = { 1, 2, 3, 4, 5 };
    struct mean_ci m;
    stats_mean_ci(x, 5, 0.95, &m);
    cr_assert_eq(m.n, 5);
    cr_assert_float_eq(m.mean, 3.0, 1e-12);
    cr_assert_float_eq(m.sd, 1.58113883, 1e-8);
    cr_assert_float_eq(m.half, 1.96324316, 1e-7, "half %.9f", m.half);
    double one[] = { 4, NAN };
    stats_mean_ci(one, 2, 0.95, &m);
    cr_assert_eq(m.n, 1, "NAN is skipped");
    cr_assert(isnan(m.half), "one value has no interval");
    /* Welch with equal sizes and variances: df = 2(n-1) = 8, t = 2.30600414,
     * se = sqrt(2.5/5 + 2.5/5) = 1. */
    double y[] = { 11, 12, 13, 14, 15 };
    struct mean_ci a, b, d;
    stats_mean_ci(x, 5, 0.95, &a);
    stats_mean_ci(y, 5, 0.95, &b);
    stats_welch_diff(&a, &b, 0.95, &d);
    cr_assert_float_eq(d.mean, 10.0, 1e-12);
    cr_assert_float_eq(d.half, 2.30600414, 1e-7, "half %.9f", d.half);
}

/* Five runs, seeds 1..5, with offload.embedded = base[i] (+ shift[i]). */
static void make_side(const char *path, const double *shift)
{
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    for (int i = 0; i < 5; i++) {
        struct run_info info = { "ci", "{}", (uint64_t)i + 1, "test", 1, 1700000000, 3600 };
        int64_t id;
        cr_assert_eq(results_begin_run(r, &info, &id, &err), 0, "%s", err.msg);
        double v = 0.90 + 0.01 * i + (shift ? shift[i] : 0);
        cr_assert_eq(results_summary(r, "offload.embedded", v, &err), 0);
        cr_assert_eq(results_summary(r, "bytes.total", 1e12, &err), 0);
        struct run_end end = { 1000, 42, 1.5 };
        uint64_t dg;
        cr_assert_eq(results_end_run(r, &end, &dg, &err), 0, "%s", err.msg);
    }
    results_close(r);
}

static const cJSON *metric(const cJSON *root, const char *name)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(root, "metrics"))
        if (strcmp(cJSON_GetObjectItem(m, "name")->valuestring, name) == 0)
            return m;
    return NULL;
}

static double num(const cJSON *m, const char *obj, const char *key)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(m, obj), key)->valuedouble;
}

Test(compare, paired_interval_and_tolerances_on_replications)
{
    char base[256], cand[256], cmd[1024];
    static char out[1 << 16];
    th_tmpname(base, sizeof base, "-base.db");
    th_tmpname(cand, sizeof cand, "-cand.db");
    /* Per-seed differences -0.01..-0.05: mean -0.03, sd 0.0158113883,
     * half 2.77644511 * 0.0158113883 / sqrt(5) = 0.0196324316. */
    double shift[] = { -0.01, -0.02, -0.03, -0.04, -0.05 };
    make_side(base, NULL);
    make_side(cand, shift);
    snprintf(cmd, sizeof cmd, "%s compare %s %s --metric offload.embedded:0.02 --format json",
             th_bin(), base, cand);
    int rc = th_run(cmd, out, sizeof out);
    cr_assert_eq(rc, 1, "a 3-point drop over a 2-point tolerance fails: %s", out);
    cJSON *root = cJSON_Parse(out);
    cr_assert_not_null(root, "not JSON: %s", out);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(root, "paired")));
    const cJSON *m = metric(root, "offload.embedded");
    cr_assert_not_null(m);
    cr_assert_float_eq(num(m, "base", "mean"), 0.92, 1e-12);
    cr_assert_float_eq(num(m, "base", "ci_low"), 0.92 - 0.0196324316, 1e-9);
    cr_assert_float_eq(num(m, "change", "mean"), -0.03, 1e-12);
    cr_assert_float_eq(num(m, "change", "ci_low"), -0.03 - 0.0196324316, 1e-9);
    cr_assert_float_eq(num(m, "change", "ci_high"), -0.03 + 0.0196324316, 1e-9);
    cr_assert_str_eq(cJSON_GetObjectItem(m, "verdict")->valuestring, "REGRESSION");
    cJSON_Delete(root);
    struct { const char *tol; int exit; } cases[] = {
        { "0.05", 0 }, { "0.029", 1 }, { "2%", 1 },     /* 2% of 0.92 = 0.0184 */
        { "5%", 0 },                                    /* 0.046 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s compare %s %s --metric offload.embedded:%s", th_bin(),
                 base, cand, cases[i].tol);
        rc = th_run(cmd, out, sizeof out);
        cr_expect_eq(rc, cases[i].exit, "tolerance %s: exit %d: %s", cases[i].tol, rc, out);
    }
    /* The other way round it is an improvement. */
    snprintf(cmd, sizeof cmd, "%s compare %s %s --metric offload.embedded:0", th_bin(), cand, base);
    cr_expect_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_expect(strstr(out, "better"), "%s", out);
    unlink(base);
    unlink(cand);
}

Test(compare, identical_runs_pass_and_a_planted_regression_fails)
{
    char a[256], b[256], c[256], scen[512], cmd[2048];
    static char out[1 << 16];
    th_path(scen, sizeof scen, "scenarios/minimal.json");
    th_tmpname(a, sizeof a, "-a.db");
    th_tmpname(b, sizeof b, "-b.db");
    th_tmpname(c, sizeof c, "-c.db");
    const char *dbs[] = { a, b };
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "%s run %s --set duration=10m --db %s --quiet", th_bin(), scen,
                 dbs[i]);
        cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    }
    /* Planted: the embedded cluster's egress cut to 200 Mbps sends most
     * bytes over the IX and raises rebuffering. */
    snprintf(cmd, sizeof cmd, "%s run %s --set duration=10m --set sites.isp-a-1.ocas.egress=200Mbps"
             " --db %s --quiet", th_bin(), scen, c);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);

    snprintf(cmd, sizeof cmd, "%s compare %s %s", th_bin(), a, b);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "identical runs: %s", out);
    cr_expect(strstr(out, "verdict: PASS"), "%s", out);
    snprintf(cmd, sizeof cmd, "%s compare %s %s", th_bin(), a, c);
    cr_assert_eq(th_run(cmd, out, sizeof out), 1, "planted regression: %s", out);
    cr_expect(strstr(out, "verdict: FAIL"), "%s", out);
    cr_expect(strstr(out, "offload.embedded"), "%s", out);
    /* Judged only on what is named: bytes moved is not a regression of
     * startup p95 within 50%. */
    snprintf(cmd, sizeof cmd, "%s compare %s:1 %s:1 --metric qoe.startup_p95_s:50%%", th_bin(), a, c);
    cr_expect_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    snprintf(cmd, sizeof cmd, "%s compare %s:1 %s:1 --metric offload.embedded:0.5", th_bin(), a, c);
    cr_expect_eq(th_run(cmd, out, sizeof out), 1, "a 69-point drop over 50 points: %s", out);

    /* Bad input: exit 2 with the reason. */
    struct { const char *args; const char *expect; } bad[] = {
        { "%s %s --metric offload.embeded:1%%", "did you mean \"offload.embedded\"" },
        { "%s %s --metric offload.embedded:abc", "--metric expects NAME:TOL" },
        { "%s %s --metric bytes.total:1%%", "has no good direction" },
        { "%s %s:99", "no run 99" },
        { "%s %s:policy=x", "no run matches \"policy=x\"" },
        { "%s /nonexistent/x.db", "no such results database" },
        { "%s", "expected BASE.db[:RUNS] and CAND.db[:RUNS]" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char args[1024];
        snprintf(args, sizeof args, bad[i].args, a, b);
        snprintf(cmd, sizeof cmd, "%s compare %s", th_bin(), args);
        int rc = th_run(cmd, out, sizeof out);
        cr_expect_eq(rc, 2, "%s: exit %d: %s", args, rc, out);
        cr_expect(strstr(out, bad[i].expect), "%s: expected \"%s\" in: %s", args, bad[i].expect, out);
    }
    unlink(a);
    unlink(b);
    unlink(c);
}
