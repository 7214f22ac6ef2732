/* tests/test_report.c: `lastmile report` prints what the database holds.
 *
 * A known run goes into a fresh database through sim/results.c; the text
 * report must match a golden rendering line for line (header, name order,
 * alignment, units read off metric names), the JSON and CSV forms must give
 * back every value bit for bit, and bad requests (a run that is not there,
 * a missing file, a foreign file) must fail with a message that says what
 * exists, without creating or touching anything. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <sys/stat.h>

#include "sim/report.h"
#include "sim/results.h"
#include "tests/helpers.h"

static const struct { const char *name; double value; } known[] = {
    { "sim.events", 123456 },
    { "bytes.embedded", 1.5e12 },
    { "bytes.origin", 2.5e9 },
    { "offload.embedded", 0.875 },
    { "peak.concurrent", 1234.4 },
    { "peak.egress_gbps", 12.5 },
    { "qoe.bitrate_mean_kbps", 3456.7 },
    { "qoe.rebuffer_ratio", 0.0025 },
    { "qoe.startup_p50_s", 0.95 },
    { "qoe.switches_per_hour", 2.5 },
    { "qoe.vmaf_mean", NAN },
    { "sessions.started", 5 },
};
#define NKNOWN (sizeof known / sizeof known[0])

/* Writes the known run (run 1) and a second run whose only metric has a
 * name that CSV must quote (run 2). Returns run 1's digest. */
static uint64_t make_db(const char *path)
{
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    struct run_info info = { "tiny", "{}", 7, "test", 0.5, 1700000000, 86400 };
    int64_t id;
    cr_assert_eq(results_begin_run(r, &info, &id, &err), 0, "%s", err.msg);
    for (size_t i = 0; i < NKNOWN; i++)
        cr_assert_eq(results_summary(r, known[i].name, known[i].value, &err), 0, "%s", err.msg);
    struct run_end end = { 123456, 42, 12.5 };
    uint64_t d1, d2;
    cr_assert_eq(results_end_run(r, &end, &d1, &err), 0, "%s", err.msg);
    struct run_info info2 = { "odd \"name\"", "{}", 8, "test", 1, 0, 60 };
    cr_assert_eq(results_begin_run(r, &info2, &id, &err), 0, "%s", err.msg);
    cr_assert_eq(results_summary(r, "odd,\"metric\"", 0.1, &err), 0, "%s", err.msg);
    cr_assert_eq(results_end_run(r, &end, &d2, &err), 0, "%s", err.msg);
    results_close(r);
    return d1;
}

/* Runs report_print into a string the caller frees; returns its status. */
static int report(const char *path, int64_t run, enum report_format fmt, char **text,
                  struct error *err)
{
    size_t len;
    FILE *f = open_memstream(text, &len);
    cr_assert(f);
    int rc = report_print(path, run, fmt, f, err);
    fclose(f);
    return rc;
}

Test(report, text_matches_the_golden_rendering)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    uint64_t digest = make_db(path);
    char *text;
    struct error err = {0};
    cr_assert_eq(report(path, 1, REPORT_TEXT, &text, &err), 0, "%s", err.msg);
    char want[2048];
    snprintf(want, sizeof want,
             "run        1\n"
             "scenario   tiny\n"
             "seed       7\n"
             "sample     0.5\n"
             "start      2023-11-14 22:13:20 UTC\n"
             "simulated  86400 s (24 h)\n"
             "events     123456\n"
             "wall       12.500 s\n"
             "digest     %016llx\n"
             "version    test\n"
             "\n"
             "metric                  value\n"
             "bytes.embedded          1.500 TB\n"
             "bytes.origin            2.500 GB\n"
             "offload.embedded        87.50 %%\n"
             "peak.concurrent          1234\n"
             "peak.egress_gbps        12.50 Gbps\n"
             "qoe.bitrate_mean_kbps    3457 kbps\n"
             "qoe.rebuffer_ratio     0.2500 %%\n"
             "qoe.startup_p50_s      0.9500 s\n"
             "qoe.switches_per_hour   2.500 /h\n"
             "qoe.vmaf_mean               -\n"
             "sessions.started            5\n"
             "sim.events             123456\n",
             (unsigned long long)digest);
    cr_assert_str_eq(text, want);
    free(text);
    unlink(path);
}

Test(report, latest_run_is_the_default)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    make_db(path);
    char *text;
    struct error err = {0};
    cr_assert_eq(report(path, 0, REPORT_TEXT, &text, &err), 0, "%s", err.msg);
    cr_assert(strncmp(text, "run        2\n", 13) == 0, "%s", text);
    cr_assert(strstr(text, "odd,\"metric\""), "%s", text);
    free(text);
    unlink(path);
}

Test(report, json_gives_back_every_value_exactly)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    uint64_t digest = make_db(path);
    char *text;
    struct error err = {0};
    cr_assert_eq(report(path, 1, REPORT_JSON, &text, &err), 0, "%s", err.msg);
    char head[128];
    snprintf(head, sizeof head, "{\"run_id\":1,\"name\":\"tiny\",\"seed\":7,\"digest\":\"%016llx\","
             "\"metrics\":{\"bytes.embedded\":1500000000000,", (unsigned long long)digest);
    cr_assert(strncmp(text, head, strlen(head)) == 0, "%s", text);
    cr_assert(strstr(text, "\"qoe.vmaf_mean\":null"), "%s", text);
    cr_assert_eq(text[strlen(text) - 1], '\n');
    cJSON *j = cJSON_Parse(text);
    cr_assert(j, "not JSON: %s", text);
    cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "metrics");
    cr_assert(cJSON_IsObject(m));
    cr_assert_eq(cJSON_GetArraySize(m), (int)NKNOWN);
    for (size_t i = 0; i < NKNOWN; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(m, known[i].name);
        cr_assert(v, "%s missing", known[i].name);
        if (isnan(known[i].value))
            cr_assert(cJSON_IsNull(v));
        else
            cr_assert_eq(v->valuedouble, known[i].value, "%s: %.17g", known[i].name, v->valuedouble);
    }
    cJSON_Delete(j);
    free(text);
    /* Names are escaped. */
    cr_assert_eq(report(path, 2, REPORT_JSON, &text, &err), 0, "%s", err.msg);
    cr_assert(strstr(text, "\"name\":\"odd \\\"name\\\"\""), "%s", text);
    cr_assert(strstr(text, "\"odd,\\\"metric\\\"\":0.10000000000000001"), "%s", text);
    j = cJSON_Parse(text);
    cr_assert(j, "not JSON: %s", text);
    cJSON_Delete(j);
    free(text);
    unlink(path);
}

Test(report, csv_has_a_header_and_one_exact_line_per_metric)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    make_db(path);
    char *text;
    struct error err = {0};
    cr_assert_eq(report(path, 1, REPORT_CSV, &text, &err), 0, "%s", err.msg);
    cr_assert(strncmp(text, "run_id,metric,value\n", 20) == 0, "%s", text);
    cr_assert(strstr(text, "\n1,offload.embedded,0.875\n"), "%s", text);
    cr_assert(strstr(text, "\n1,qoe.vmaf_mean,\n"), "%s", text);
    cr_assert(strstr(text, "\n1,sessions.started,5\n"), "%s", text);
    cr_assert(strstr(text, "\n1,bytes.embedded,1500000000000\n"), "%s", text);
    size_t lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        if (lines == 0)
            continue;
        char name[64];
        int off = 0;
        cr_assert_eq(sscanf(line, "1,%63[^,],%n", name, &off), 1, "%s", line);
        for (size_t i = 0; i < NKNOWN; i++)
            if (strcmp(known[i].name, name) == 0 && !isnan(known[i].value))
                cr_assert_eq(strtod(line + off, NULL), known[i].value, "%s", line);
    }
    cr_assert_eq(lines, NKNOWN + 1);
    free(text);
    cr_assert_eq(report(path, 2, REPORT_CSV, &text, &err), 0, "%s", err.msg);
    cr_assert_str_eq(text, "run_id,metric,value\n2,\"odd,\"\"metric\"\"\",0.10000000000000001\n");
    free(text);
    unlink(path);
}

Test(report, missing_run_id_names_the_runs_that_exist)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    make_db(path);
    char *text;
    struct error err = {0};
    cr_assert_eq(report(path, 9, REPORT_TEXT, &text, &err), -1);
    cr_assert_str_eq(text, "", "printed something: %s", text);
    free(text);
    cr_assert(strstr(err.msg, "no run 9"), "%s", err.msg);
    cr_assert(strstr(err.msg, "1-2"), "%s", err.msg);
    cr_assert_str_eq(err.file, path);
    unlink(path);
}

Test(report, database_without_runs_says_so)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    results_close(results_open(path, &err));
    char *text;
    cr_assert_eq(report(path, 0, REPORT_TEXT, &text, &err), -1);
    free(text);
    cr_assert(strstr(err.msg, "no runs"), "%s", err.msg);
    unlink(path);
}

Test(report, missing_file_is_an_error_and_is_not_created)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    char *text;
    struct error err = {0};
    cr_assert_eq(report(path, 0, REPORT_TEXT, &text, &err), -1);
    free(text);
    cr_assert(strstr(err.msg, "no such"), "%s", err.msg);
    cr_assert_str_eq(err.file, path);
    cr_assert_neq(access(path, F_OK), 0, "report created %s", path);
}

Test(report, foreign_files_are_refused)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "CREATE TABLE foo(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    char *text;
    struct error err = {0};
    cr_assert_eq(report(path, 0, REPORT_JSON, &text, &err), -1);
    free(text);
    cr_assert(strstr(err.msg, "not a lastmile results database"), "%s", err.msg);
    unlink(path);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("run_id,metric,value\n", f);
    fclose(f);
    cr_assert_eq(report(path, 0, REPORT_CSV, &text, &err), -1);
    free(text);
    cr_assert(strstr(err.msg, "not an SQLite database"), "%s", err.msg);
    unlink(path);
    /* An empty file, e.g. left by a failed redirect. */
    f = fopen(path, "w");
    cr_assert(f);
    fclose(f);
    cr_assert_eq(report(path, 0, REPORT_CSV, &text, &err), -1);
    free(text);
    cr_assert(strstr(err.msg, "empty"), "%s", err.msg);
    unlink(path);
}

Test(report, read_only_file_can_be_reported)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    make_db(path);
    cr_assert_eq(chmod(path, 0444), 0);
    char *text;
    struct error err = {0};
    cr_assert_eq(report(path, 1, REPORT_CSV, &text, &err), 0, "%s", err.msg);
    cr_assert(strstr(text, "1,sim.events,123456"), "%s", text);
    free(text);
    unlink(path);
}

/* Units the text report reads off the names of issues 3 and 6's metrics:
 * USD, utilization and the encoding saving as percentages, VMAF. */
Test(report, text_units_for_money_utilization_and_quality)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    struct run_info info = { "units", "{}", 1, "test", 1, 0, 60 };
    int64_t id;
    cr_assert_eq(results_begin_run(r, &info, &id, &err), 0, "%s", err.msg);
    cr_assert_eq(results_summary(r, "cost.transit_usd", 1234.5, &err), 0);
    cr_assert_eq(results_summary(r, "peak.peering_utilization", 0.25, &err), 0);
    cr_assert_eq(results_summary(r, "encoding.bits_saved_vs_fixed", 0.221, &err), 0);
    cr_assert_eq(results_summary(r, "qoe.vmaf_mean", 93.25, &err), 0);
    struct run_end end = { 1, 1, 1 };
    uint64_t d;
    cr_assert_eq(results_end_run(r, &end, &d, &err), 0, "%s", err.msg);
    results_close(r);
    char *text;
    cr_assert_eq(report(path, 1, REPORT_TEXT, &text, &err), 0, "%s", err.msg);
    cr_assert(strstr(text, "cost.transit_usd               1234 USD\n"), "%s", text);
    cr_assert(strstr(text, "encoding.bits_saved_vs_fixed  22.10 %\n"), "%s", text);
    cr_assert(strstr(text, "peak.peering_utilization      25.00 %\n"), "%s", text);
    cr_assert(strstr(text, "qoe.vmaf_mean                 93.25 VMAF\n"), "%s", text);
    free(text);
    unlink(path);
}
