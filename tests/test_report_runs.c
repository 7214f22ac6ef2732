/* tests/test_report_runs.c: `lastmile report DB --run 1,2,3 | all` shows
 * runs side by side: one column per run, one unit per metric row, the
 * scenario values that differ in the header (and only those), json and
 * csv giving back every value exactly; a run that is not there fails. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>

#include "sim/report.h"
#include "sim/results.h"
#include "tests/helpers.h"

static const char *const RULES[] = { "throughput", "bba", "bola" };
static const double REBUF[] = { 0.0031, 0.00095, 0.00056 };
static const double KBPS[] = { 3647.25, 3630.5, 3622.125 };
static const double BYTES[] = { 2.5e12, 9.5e11, 1.25e12 };   /* TB for all, from the largest */

/* Three runs of one scenario, made with --set player.abr=RULE. */
static void make_db(const char *path)
{
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    for (int i = 0; i < 3; i++) {
        char scen[512];
        snprintf(scen, sizeof scen,
                 "{\"name\": \"shoot\", \"seed\": 7, \"description\": \"run %d\","
                 " \"player\": {\"segment\": \"4s\", \"abr\": \"%s\"},"
                 " \"isps\": [{\"id\": \"a\", \"share\": 1}]}", i, RULES[i]);
        struct run_info info = { "shoot", scen, 7, "test", 1, 1700000000, 3600 };
        int64_t id;
        cr_assert_eq(results_begin_run(r, &info, &id, &err), 0, "%s", err.msg);
        cr_assert_eq(results_summary(r, "qoe.rebuffer_ratio", REBUF[i], &err), 0);
        cr_assert_eq(results_summary(r, "qoe.bitrate_mean_kbps", KBPS[i], &err), 0);
        cr_assert_eq(results_summary(r, "bytes.total", BYTES[i], &err), 0);
        if (i != 1)                             /* a metric one run lacks */
            cr_assert_eq(results_summary(r, "sessions.started", 100 + i, &err), 0);
        struct run_end end = { 1000, 42, 1.5 };
        uint64_t d;
        cr_assert_eq(results_end_run(r, &end, &d, &err), 0, "%s", err.msg);
    }
    results_close(r);
}

static int report(const char *path, const int64_t *ids, int n, enum report_format fmt,
                  char **text, struct error *err)
{
    size_t len;
    FILE *f = open_memstream(text, &len);
    cr_assert(f);
    int rc = report_print_runs(path, ids, n, fmt, f, err);
    fclose(f);
    return rc;
}

Test(report_runs, text_shows_the_differing_parameter_and_one_unit_per_row)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    make_db(path);
    char *text;
    struct error err = {0};
    cr_assert_eq(report(path, NULL, 0, REPORT_TEXT, &text, &err), 0, "%s", err.msg);
    const char *want =
        "run                                   1        2        3\n"
        "scenario                          shoot    shoot    shoot\n"
        "seed                                  7        7        7\n"
        "player.abr                   throughput      bba     bola\n"
        "\n"
        "metric                 unit  throughput      bba     bola\n"
        "bytes.total            TB         2.500   0.9500    1.250\n"
        "qoe.bitrate_mean_kbps  kbps        3647     3630     3622\n"
        "qoe.rebuffer_ratio     %         0.3100  0.09500  0.05600\n"
        "sessions.started                    100        -      102\n";
    /* Only player.abr differs (not the description, not the segment); one
     * unit per row, from its largest value (0.95 TB, not 950 GB); the run
     * without sessions.started shows "-"; the rules title the columns. */
    cr_assert_str_eq(text, want);
    free(text);
    unlink(path);
}

Test(report_runs, json_gives_each_run_its_parameters_and_exact_values)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    make_db(path);
    char *text;
    struct error err = {0};
    int64_t ids[] = { 3, 1 };
    cr_assert_eq(report(path, ids, 2, REPORT_JSON, &text, &err), 0, "%s", err.msg);
    cJSON *j = cJSON_Parse(text);
    cr_assert(j, "%s", text);
    cJSON *differs = cJSON_GetObjectItem(j, "differs");
    cr_assert_eq(cJSON_GetArraySize(differs), 1, "%s", text);
    cr_assert_str_eq(cJSON_GetArrayItem(differs, 0)->valuestring, "player.abr");
    cJSON *runs = cJSON_GetObjectItem(j, "runs");
    cr_assert_eq(cJSON_GetArraySize(runs), 2);
    int order[] = { 2, 0 };
    for (int k = 0; k < 2; k++) {
        cJSON *r = cJSON_GetArrayItem(runs, k);
        int i = order[k];
        cr_assert_eq(cJSON_GetObjectItem(r, "run_id")->valuedouble, i + 1, "runs in the order asked");
        cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "parameters"), "player.abr")->valuestring,
                         RULES[i]);
        cJSON *m = cJSON_GetObjectItem(r, "metrics");
        cr_assert_eq(cJSON_GetObjectItem(m, "qoe.rebuffer_ratio")->valuedouble, REBUF[i]);
        cr_assert_eq(cJSON_GetObjectItem(m, "qoe.bitrate_mean_kbps")->valuedouble, KBPS[i]);
        cr_assert_eq(cJSON_GetObjectItem(m, "bytes.total")->valuedouble, BYTES[i]);
    }
    cJSON_Delete(j);
    free(text);
    unlink(path);
}

Test(report_runs, csv_is_wide_with_exact_values_and_labelled_columns)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    make_db(path);
    char *text;
    struct error err = {0};
    int64_t ids[] = { 1, 2, 3 };
    cr_assert_eq(report(path, ids, 3, REPORT_CSV, &text, &err), 0, "%s", err.msg);
    char *line = strtok(text, "\n");
    cr_assert_str_eq(line, "metric,1 player.abr=throughput,2 player.abr=bba,3 player.abr=bola");
    int rows = 0;
    while ((line = strtok(NULL, "\n"))) {
        char name[64];
        double v[3];
        if (strncmp(line, "sessions.started,", 17) == 0) {
            cr_assert_str_eq(line, "sessions.started,100,,102", "an empty field for the missing one");
        } else {
            cr_assert_eq(sscanf(line, "%63[^,],%lf,%lf,%lf", name, &v[0], &v[1], &v[2]), 4, "%s", line);
            const double *want = strcmp(name, "bytes.total") == 0 ? BYTES
                               : strcmp(name, "qoe.rebuffer_ratio") == 0 ? REBUF : KBPS;
            for (int i = 0; i < 3; i++)
                cr_assert_eq(v[i], want[i], "%s run %d: exact", name, i + 1);
        }
        rows++;
    }
    cr_assert_eq(rows, 4, "one row per metric of any run");
    free(text);
    unlink(path);
}

Test(report_runs, a_missing_run_names_the_runs_that_exist)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    make_db(path);
    char *text;
    struct error err = {0};
    int64_t ids[] = { 1, 9 };
    cr_assert_eq(report(path, ids, 2, REPORT_TEXT, &text, &err), -1);
    cr_assert(strstr(err.msg, "no run 9") && strstr(err.msg, "1-3"), "%s", err.msg);
    free(text);
    unlink(path);
}

Test(report_runs, cli_takes_a_list_or_all_and_rejects_bad_lists)
{
    char path[256], cmd[1024], out[8192];
    th_tmpname(path, sizeof path, ".db");
    make_db(path);
    snprintf(cmd, sizeof cmd, "%s report %s --run 1,3", th_bin(), path);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "throughput") && strstr(out, "bola") && !strstr(out, " bba"), "%s", out);
    snprintf(cmd, sizeof cmd, "%s report %s --run all --format csv", th_bin(), path);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "2 player.abr=bba"), "%s", out);
    snprintf(cmd, sizeof cmd, "%s report %s --run 1,,2", th_bin(), path);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "found '1,,2'"), "%s", out);
    unlink(path);
}
