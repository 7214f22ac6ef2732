/* tests/test_bad_input.c: files that are not what a command expects get a
 * clear message naming the file, and exit 2, through the CLI: missing,
 * empty, not JSON, a directory, unreadable, over the LASTMILE_MAX_INPUT
 * size limit (a regular file and a pipe), for scenarios, throughput traces
 * and cache request traces; traces with no periods or a negative bandwidth.
 * (Key-level cases live in tests/data/bad/ and tests/data/bad_trace/.) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/helpers.h"

static char out[8192];

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* Runs "ENV lastmile ARGS", asserts exit 2 and that the output holds each
 * of want1 and want2 (NULL: no check). */
static void refused(const char *env, const char *args, const char *want1, const char *want2)
{
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "%s %s %s", env ? env : "", th_bin(), args);
    int rc = th_run(cmd, out, sizeof out);
    cr_expect_eq(rc, 2, "'%s' exited %d: %s", cmd, rc, out);
    if (want1)
        cr_expect(strstr(out, want1), "'%s': expected \"%s\" in: %s", cmd, want1, out);
    if (want2)
        cr_expect(strstr(out, want2), "'%s': expected \"%s\" in: %s", cmd, want2, out);
}

Test(bad_input, scenario_files_that_are_not_scenarios)
{
    char name[256], args[1024], dir[256];
    refused(NULL, "validate /nonexistent/x.json", "/nonexistent/x.json: cannot open", NULL);
    th_tmpname(name, sizeof name, ".json");
    write_text(name, "");
    snprintf(args, sizeof args, "run %s --db /dev/null", name);
    refused(NULL, args, name, "empty file: expected a JSON object");
    write_text(name, "name: x\n");
    snprintf(args, sizeof args, "validate %s", name);
    refused(NULL, args, name, ":1:1: JSON syntax error");
    write_text(name, "{\"name\": \"x\",\n \"sample\": 0.5,,\n}");
    refused(NULL, args, ":2:", "JSON syntax error");
    unlink(name);
    th_tmpname(dir, sizeof dir, ".d");
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(args, sizeof args, "validate %s", dir);
    refused(NULL, args, dir, "is a directory");
    rmdir(dir);
}

Test(bad_input, unreadable_scenario)
{
    if (geteuid() == 0)
        cr_skip_test("running as root: a mode-000 file is still readable");
    char name[256], args[1024];
    th_tmpname(name, sizeof name, ".json");
    write_text(name, "{}");
    cr_assert_eq(chmod(name, 0), 0);
    snprintf(args, sizeof args, "validate %s", name);
    refused(NULL, args, name, "cannot open: Permission denied");
    unlink(name);
}

Test(bad_input, inputs_over_the_size_limit_are_refused_with_the_limit)
{
    char scen[1024], trace[1024], args[2048];
    th_path(scen, sizeof scen, "scenarios/minimal.json");
    th_path(trace, sizeof trace, "tests/data/traces/fibre.txt");
    /* minimal.json is 645 bytes; fibre.txt 23. */
    snprintf(args, sizeof args, "validate %s", scen);
    refused("LASTMILE_MAX_INPUT=100", args, "minimal.json: the file is",
            "over the limit of 100B (100 bytes): scenarios that large are refused"
            " (set LASTMILE_MAX_INPUT to raise it)");
    /* Through a pipe the size is unknown until read. */
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "cat %s %s | LASTMILE_MAX_INPUT=1000 %s validate /dev/stdin", scen,
             scen, th_bin());
    cr_expect_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_expect(strstr(out, "over the limit of 1kB"), "%s", out);
    snprintf(args, sizeof args, "play --trace %s", trace);
    refused("LASTMILE_MAX_INPUT=10", args, "fibre.txt: the file is 23 bytes",
            "traces that large are refused");
    snprintf(args, sizeof args, "validate %s", scen);
    refused("LASTMILE_MAX_INPUT=lots", args, "LASTMILE_MAX_INPUT=\"lots\": expected a size", NULL);
    /* The default (64 MiB) and a raised limit let them through. */
    snprintf(cmd, sizeof cmd, "LASTMILE_MAX_INPUT=1MiB %s validate %s", th_bin(), scen);
    cr_expect_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
}

Test(bad_input, throughput_traces)
{
    char name[256], args[1024], dir[256];
    refused(NULL, "play --trace /nonexistent/t.txt", "/nonexistent/t.txt: cannot open", NULL);
    th_tmpname(dir, sizeof dir, ".d");
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(args, sizeof args, "play --trace %s", dir);
    refused(NULL, args, dir, "is a directory, not a trace file");
    rmdir(dir);
    const char *cases[][3] = {
        { ".txt", "", "found no periods" },
        { ".txt", "# only a comment\n\n", "found no periods" },
        { ".json", "[]", "found no periods" },
        { ".txt", "0 1\n1 -2\n", ":2: expected a bandwidth >= 0 Mbit/s, found -2" },
        { ".json", "[{\"duration_ms\": 1, \"bandwidth_kbps\": -1, \"latency_ms\": 0}]",
          "$[0].bandwidth_kbps: expected a number >= 0, found -1" },
        { ".json", "[{\"duration_ms\": 1e400, \"bandwidth_kbps\": 1, \"latency_ms\": 0}]",
          "number out of range" },
        { ".txt", "0 1\n1 nan\n", ":2: expected a bandwidth" },
        { ".json", "{\"duration_ms\": 1}", ":1: expected \"SECONDS MBPS\"" },
        /* Finite but absurd values once made `lastmile play` spin for ever
         * (a latency of 1e300 ms) or overflow to infinity (1e308 Mbit/s). */
        { ".json", "[{\"duration_ms\": 1000, \"bandwidth_kbps\": 1, \"latency_ms\": 1e300}]",
          "$[0].latency_ms: expected a number <= 60000, found 1e+300" },
        { ".txt", "0 1\n1 1e308\n", ":2: expected a time within +-1e+09 s and a bandwidth <= 1e+06" },
        { ".txt", "0 1\n1e9 1\n", ":2: expected periods of at most 3.1536e+07 s" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        th_tmpname(name, sizeof name, cases[i][0]);
        write_text(name, cases[i][1]);
        snprintf(args, sizeof args, "play --trace %s", name);
        refused(NULL, args, name, cases[i][2]);
        unlink(name);
    }
}

Test(bad_input, cache_request_traces)
{
    char name[256], args[1024], dir[256];
    th_tmpname(dir, sizeof dir, ".d");
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(args, sizeof args, "cache --trace %s --policy lru --size 10", dir);
    refused(NULL, args, dir, "is a directory, not a CSV file");
    th_tmpname(name, sizeof name, ".csv");
    write_text(name, "1,2,3\n");
    /* A sizes file that is a directory used to be read as empty. */
    snprintf(args, sizeof args, "cache --trace %s --policy lru --size 10 --sizes %s", name, dir);
    refused(NULL, args, dir, "is a directory");
    unlink(name);
    rmdir(dir);
}
