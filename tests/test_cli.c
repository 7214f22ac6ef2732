/* tests/test_cli.c: the command line as users and scripts see it: exit
 * statuses, the run digest as proof of determinism, and a run killed with
 * SIGKILL leaving the database as it was. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/results.h"
#include "tests/helpers.h"

static char out[1 << 16];

/* The digest line of a run's output, or "" */
static const char *digest_of(const char *text, char *buf, size_t n)
{
    const char *d = strstr(text, "digest ");
    buf[0] = '\0';
    if (d)
        snprintf(buf, n, "%.16s", d + 7);
    return buf;
}

static int run_quickstart(const char *db, const char *extra)
{
    char cmd[2048], path[1024];
    snprintf(cmd, sizeof cmd, "%s run %s --db %s --quiet --set duration=15m %s", th_bin(),
             th_path(path, sizeof path, "scenarios/quickstart.json"), db, extra);
    return th_run(cmd, out, sizeof out);
}

Test(cli, help_lists_every_command_and_option)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s --help", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 0);
    const char *want[] = { "run", "validate", "report", "help", "--db", "--seed", "--set",
                           "--quiet", "--progress", "--format", "--run" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert(strstr(out, want[i]), "--help does not mention %s", want[i]);
    snprintf(cmd, sizeof cmd, "%s help run", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 0);
    cr_assert(strstr(out, "--set KEY=VALUE"));
}

Test(cli, bad_usage_exits_2)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s frobnicate", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
    snprintf(cmd, sizeof cmd, "%s run", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
    snprintf(cmd, sizeof cmd, "%s run x.json --seed -4", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
    snprintf(cmd, sizeof cmd, "%s report", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
}

Test(cli, bad_scenario_exits_2_and_writes_nothing)
{
    char db[256], cmd[2048], path[1024];
    th_tmpname(db, sizeof db, ".db");
    snprintf(cmd, sizeof cmd, "%s run %s --db %s --quiet --set player.abr=nope", th_bin(),
             th_path(path, sizeof path, "scenarios/quickstart.json"), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "$.player.abr"), "message: %s", out);
    cr_assert(strstr(out, "quickstart.json"), "message: %s", out);
    cr_assert_neq(access(db, F_OK), 0, "a database was created for a bad scenario");
}

Test(cli, validate_prints_resolved_values)
{
    char cmd[2048], path[1024];
    snprintf(cmd, sizeof cmd, "%s validate %s --set regions.br.subscribers=2e6", th_bin(),
             th_path(path, sizeof path, "scenarios/quickstart.json"));
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "2000000"), "%s", out);
    cr_assert(strstr(out, "\"share_period\""), "defaults are not printed: %s", out);
}

Test(cli, same_seed_same_digest_other_seed_other_digest, .timeout = 300)
{
    char a[256], b[256], da[32], db_[32], dc[32];
    th_tmpname(a, sizeof a, ".db");
    th_tmpname(b, sizeof b, ".db");
    cr_assert_eq(run_quickstart(a, ""), 0, "%s", out);
    digest_of(out, da, sizeof da);
    cr_assert_eq(run_quickstart(b, ""), 0, "%s", out);
    digest_of(out, db_, sizeof db_);
    cr_assert_eq(run_quickstart(b, "--seed 2"), 0, "%s", out);
    digest_of(out, dc, sizeof dc);
    cr_assert_eq(strlen(da), 16);
    cr_assert_str_eq(da, db_);
    cr_assert_str_neq(da, dc);
    /* The stored digest recomputed from the file matches the printed one. */
    uint64_t stored;
    struct error err = {0};
    cr_assert_eq(results_run_digest(a, 0, &stored, &err), 0, "%s", err.msg);
    char hex[32];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)stored);
    cr_assert_str_eq(hex, da);
    unlink(a);
    unlink(b);
}

Test(cli, report_formats, .timeout = 300)
{
    char db[256], cmd[1024];
    th_tmpname(db, sizeof db, ".db");
    cr_assert_eq(run_quickstart(db, ""), 0, "%s", out);
    snprintf(cmd, sizeof cmd, "%s report %s", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "offload.embedded"));
    snprintf(cmd, sizeof cmd, "%s report %s --format json", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0);
    cr_assert(strstr(out, "\"qoe.rebuffer_ratio\""));
    snprintf(cmd, sizeof cmd, "%s report %s --format csv", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0);
    cr_assert(strstr(out, "run_id,metric,value"));
    snprintf(cmd, sizeof cmd, "%s report %s --run 99", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
    unlink(db);
}

Test(cli, run_killed_mid_way_leaves_earlier_runs_intact, .timeout = 300)
{
    char db[256], path[1024];
    th_tmpname(db, sizeof db, ".db");
    cr_assert_eq(run_quickstart(db, ""), 0, "%s", out);
    uint64_t before;
    struct error err = {0};
    cr_assert_eq(results_run_digest(db, 0, &before, &err), 0, "%s", err.msg);
    /* A long run, killed while it writes. */
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(th_bin(), "lastmile", "run", th_path(path, sizeof path, "scenarios/quickstart.json"),
              "--db", db, "--quiet", (char *)NULL);
        _exit(127);
    }
    nanosleep(&(struct timespec){ 1, 500000000 }, NULL);
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFSIGNALED(st), "the run finished before it was killed: make it longer");
    uint64_t after;
    cr_assert_eq(results_run_digest(db, 1, &after, &err), 0, "%s", err.msg);
    cr_assert_eq(before, after);
    /* The latest run is still run 1: nothing of the killed run remains. */
    cr_assert_eq(results_run_digest(db, 0, &after, &err), 0, "%s", err.msg);
    cr_assert_eq(before, after);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sqlite3 %s 'SELECT COUNT(*) FROM runs; SELECT COUNT(*) FROM sessions WHERE run_id <> 1;'", db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert_str_eq(out, "1\n0\n");
    unlink(db);
}
