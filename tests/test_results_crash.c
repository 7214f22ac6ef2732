/* tests/test_results_crash.c: the results database survives what happens
 * to a run from outside. A `lastmile run` killed by SIGKILL at several
 * points of a run (building the world, writing rows, committing) leaves
 * every earlier run whole and no part of its own; a read-only file and a
 * full disk (RLIMIT_FSIZE in a child, SIGXFSZ ignored) fail the run with a
 * clear message and exit status 1, byte for byte leaving the file as it
 * was, and a new file on a full disk, or in a folder that cannot hold it,
 * exits 1 leaving no half-made file; files that are not lastmile's, or of a newer schema, are refused by
 * the CLI with exit 2 and left untouched. (tests/test_results.c kills a
 * writer mid-transaction through the library.) */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "sim/results.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "tests/helpers.h"

static char out[8192];

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* The whole file, for before/after comparisons; *n its size. */
static char *slurp(const char *path, size_t *n)
{
    char *buf = th_slurp(path, n);
    cr_assert_not_null(buf, "cannot read %s", path);
    return buf;
}

static void assert_bytes(const char *path, const char *before, size_t n, const char *what)
{
    size_t n2;
    char *now = slurp(path, &n2);
    cr_assert(n2 == n && memcmp(now, before, n) == 0, "%s changed the file", what);
    free(now);
}

static int64_t query(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Every run in the file is whole: its stored digest is the one its rows
 * give now; no row belongs to a run that is not in runs; the file passes
 * SQLite's integrity check. Returns the number of runs. */
static int64_t assert_whole(const char *path, uint64_t run1_digest)
{
    struct error err = {0};
    uint64_t d;
    cr_assert_eq(results_run_digest(path, 1, &d, &err), 0, "%s", err.msg);
    cr_assert_eq(d, run1_digest, "run 1 changed");
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(query(db, "SELECT COUNT(*) FROM pragma_integrity_check"
                           " WHERE integrity_check <> 'ok'"), 0);
    cr_assert_eq(query(db, "SELECT COUNT(*) FROM sessions"
                           " WHERE run_id NOT IN (SELECT run_id FROM runs)"), 0,
                 "rows of a run that is not in runs");
    cr_assert_eq(query(db, "SELECT COUNT(*) FROM runs WHERE digest IS NULL"), 0,
                 "a run without a digest: it was not ended");
    int64_t nruns = query(db, "SELECT COUNT(*) FROM runs");
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT run_id, digest FROM runs", -1, &s, NULL),
                 SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        uint64_t stored = strtoull((const char *)sqlite3_column_text(s, 1), NULL, 16);
        cr_assert_eq(results_run_digest(path, id, &d, &err), 0, "%s", err.msg);
        cr_assert_eq(d, stored, "run %lld: its rows do not give its digest", (long long)id);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return nruns;
}

/* Starts `lastmile run SCENARIO --db db --set sample=...` with output to
 * /dev/null. */
static pid_t start_run(const char *scenario, const char *db, const char *set)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(th_bin(), "lastmile", "run", scenario, "--db", db, "--quiet", "--set", set,
              (char *)NULL);
        _exit(127);
    }
    return pid;
}

Test(results_crash, runs_killed_at_several_points_leave_earlier_runs_whole, .timeout = 600)
{
    char db[256], scen[1024];
    th_tmpname(db, sizeof db, ".db");
    th_path(scen, sizeof scen, "scenarios/quickstart.json");
    const char *set = "sample=0.02";
    double t0 = now_s();
    pid_t pid = start_run(scen, db, set);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the first run failed");
    double full = now_s() - t0;
    uint64_t run1;
    struct error err = {0};
    cr_assert_eq(results_run_digest(db, 1, &run1, &err), 0, "%s", err.msg);
    /* Kill points as fractions of a whole run's wall time: early ones land
     * while the scenario loads and the world is built, middle ones while
     * rows are written, late ones around the commit; past 1 the run may
     * have finished, which must leave it whole. */
    const double at[] = { 0.01, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.05 };
    int killed = 0;
    int64_t committed = 1;
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        pid = start_run(scen, db, set);
        double d = at[i] * full;
        nanosleep(&(struct timespec){ (time_t)d, (long)((d - (time_t)d) * 1e9) }, NULL);
        kill(pid, SIGKILL);
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        int was_killed = WIFSIGNALED(st);
        killed += was_killed;
        /* A run killed between its commit and its exit is whole, and in. */
        int64_t runs = assert_whole(db, run1);
        cr_assert(runs == committed + 1 || (was_killed && runs == committed),
                  "after the kill at %.2f of a run: %lld runs, %lld before", at[i],
                  (long long)runs, (long long)committed);
        committed = runs;
    }
    fprintf(stderr, "results_crash: a run takes %.2f s; %d of %zu runs were killed\n", full,
            killed, sizeof at / sizeof at[0]);
    cr_assert_geq(killed, 5, "only %d runs were killed: the runs are too short", killed);
    unlink(db);
}

/* A child that loads minimal.json, then (as a user who cannot write the
 * file, or under a file size limit) runs it into db; exits with
 * run_scenario's status, 40 + n on a failure of its own. The message goes
 * to the file msg. */
static void child_run(const char *db, const char *msg, int as_nobody, rlim_t fsize)
{
    char scen[1024];
    struct scenario sc;
    struct error err = {0};
    if (scenario_load(th_path(scen, sizeof scen, "scenarios/minimal.json"), NULL, 0, &sc,
                      &err) != 0)
        _exit(41);
    FILE *m = fopen(msg, "w");
    if (!m)
        _exit(42);
    if (as_nobody && geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
        _exit(43);
    /* Only the soft limit, lifted again before the message is written
     * (the limit applies to every file, msg too). */
    struct rlimit unlimited;
    if (getrlimit(RLIMIT_FSIZE, &unlimited) != 0)
        _exit(44);
    if (fsize) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = { fsize, unlimited.rlim_max };
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(44);
    }
    struct run_result res;
    int rc = run_scenario(&sc, db, 0, &res, &err);
    if (setrlimit(RLIMIT_FSIZE, &unlimited) != 0)
        _exit(45);
    if (rc != 0)
        error_print(&err, m);
    fclose(m);
    scenario_free(&sc);
    _exit(rc);
}

static int run_in_child(const char *db, const char *msg, int as_nobody, rlim_t fsize)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0)
        child_run(db, msg, as_nobody, fsize);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st), "the child died by signal %d", WTERMSIG(st));
    size_t n;
    char *text = slurp(msg, &n);
    snprintf(out, sizeof out, "%s", text);
    free(text);
    return WEXITSTATUS(st);
}

/* A run into db with a file size limit of limit bytes (room: what that
 * leaves, for the messages) must exit 1 naming the file and the disk. */
static void run_on_full_disk(const char *db, const char *msg, rlim_t limit, rlim_t room)
{
    int rc = run_in_child(db, msg, 0, limit);
    cr_assert_eq(rc, 1, "room %zu bytes: exit %d: %s", (size_t)room, rc, out);
    cr_assert(strstr(out, db) && strstr(out, "the disk is full or a file size limit"),
              "room %zu bytes: %s", (size_t)room, out);
}

static uint64_t first_run(const char *db, const char *msg)
{
    cr_assert_eq(run_in_child(db, msg, 0, 0), 0, "%s", out);
    uint64_t d;
    struct error err = {0};
    cr_assert_eq(results_run_digest(db, 1, &d, &err), 0, "%s", err.msg);
    return d;
}

Test(results_crash, read_only_file_fails_the_run_with_exit_1_and_stays_as_it_was, .timeout = 120)
{
    char db[256], msg[256];
    th_tmpname(db, sizeof db, ".db");
    th_tmpname(msg, sizeof msg, ".msg");
    uint64_t run1 = first_run(db, msg);
    cr_assert_eq(chmod(db, 0444), 0);
    chmod(msg, 0666);
    size_t n;
    char *before = slurp(db, &n);
    /* Root writes a mode-0444 file anyway: the child drops to nobody. */
    cr_assert_eq(run_in_child(db, msg, 1, 0), 1, "%s", out);
    cr_assert(strstr(out, db) && strstr(out, "the database file is read-only"), "%s", out);
    assert_bytes(db, before, n, "a run into a read-only file");
    cr_assert_eq(assert_whole(db, run1), 1);
    free(before);
    unlink(db);
    unlink(msg);
}

Test(results_crash, full_disk_fails_the_run_with_exit_1_and_leaves_the_file_whole, .timeout = 300)
{
    char db[256], msg[256];
    th_tmpname(db, sizeof db, ".db");
    th_tmpname(msg, sizeof msg, ".msg");
    uint64_t run1 = first_run(db, msg);
    struct stat st;
    cr_assert_eq(stat(db, &st), 0);
    size_t n;
    char *before = slurp(db, &n);
    /* Room for nothing more, a few pages, and about half a run: the run
     * fails writing the journal, spilling pages mid-run, or committing. */
    const rlim_t room[] = { 0, 16 << 10, 256 << 10, (rlim_t)st.st_size / 2 };
    for (size_t i = 0; i < sizeof room / sizeof room[0]; i++) {
        run_on_full_disk(db, msg, (rlim_t)st.st_size + room[i], room[i]);
        assert_bytes(db, before, n, "a run on a full disk");
        cr_assert_eq(assert_whole(db, run1), 1);
    }
    free(before);
    unlink(db);
    unlink(msg);
}

/* A new database on a full disk: the schema itself does not fit (no room,
 * a few pages, most of it), or it fits and the run does not. Exit 1 and
 * the disk named, as for an existing file; and nothing left that a later
 * run would refuse: results_open removes the file it created and could not
 * fill (so no file at all), and a file whose schema did land is a valid
 * empty database that the next run writes its run 1 into. */
Test(results_crash, full_disk_on_a_new_database_exits_1_and_leaves_nothing_half_made,
     .timeout = 300)
{
    char db[256], msg[256], side[300];
    th_tmpname(db, sizeof db, ".db");
    th_tmpname(msg, sizeof msg, ".msg");
    snprintf(side, sizeof side, "%s-journal", db);
    const rlim_t room[] = { 1, 16 << 10, 64 << 10, 200 << 10, 1 << 20 };
    int schema_landed = 0;
    for (size_t i = 0; i < sizeof room / sizeof room[0]; i++) {
        unlink(db);
        run_on_full_disk(db, msg, room[i], room[i]);
        struct stat st;
        cr_assert(stat(side, &st) != 0, "room %zu bytes: a journal was left", (size_t)room[i]);
        if (stat(db, &st) != 0)
            continue;       /* removed: the schema did not fit */
        cr_assert_gt(st.st_size, 0, "room %zu bytes: an empty file was left", (size_t)room[i]);
        schema_landed = 1;
        cr_assert_eq(run_in_child(db, msg, 0, 0), 0, "room %zu bytes: the next run: %s",
                     (size_t)room[i], out);
        uint64_t d;
        struct error err = {0};
        cr_assert_eq(results_run_digest(db, 1, &d, &err), 0, "%s", err.msg);
        cr_assert_eq(assert_whole(db, d), 1, "room %zu bytes", (size_t)room[i]);
    }
    /* 1 byte to 200 KiB cannot hold the schema (one 16 KiB page a table);
     * 1 MiB can, so both outcomes were seen. */
    cr_assert(schema_landed, "the schema never fitted: the last room is too small");
    unlink(db);
    unlink(msg);
}

/* A database that cannot be created at all: its folder is missing, or
 * not writable (the child drops to nobody when root). Exit 1, the folder
 * named, no file. */
Test(results_crash, a_database_that_cannot_be_created_exits_1_naming_the_folder,
     .timeout = 120)
{
    char dir[256], db[300], msg[256];
    th_tmpname(dir, sizeof dir, ".d");
    th_tmpname(msg, sizeof msg, ".msg");
    chmod(msg, 0666);
    snprintf(db, sizeof db, "%s/results.db", dir);
    cr_assert_eq(run_in_child(db, msg, 0, 0), 1, "%s", out);
    cr_assert(strstr(out, db) && strstr(out, "its folder") && strstr(out, "No such file"),
              "%s", out);
    cr_assert_eq(mkdir(dir, 0555), 0);
    cr_assert_eq(run_in_child(db, msg, 1, 0), 1, "%s", out);
    cr_assert(strstr(out, db) && strstr(out, "cannot create a file in the folder"), "%s", out);
    struct stat st;
    cr_assert(stat(db, &st) != 0, "a file was created");
    rmdir(dir);
    /* The other writers of a database map it the same way: merge. */
    char in[256], cmd[1200];
    th_tmpname(in, sizeof in, ".db");
    first_run(in, msg);
    snprintf(cmd, sizeof cmd, "%s merge %s %s", th_bin(), db, in);
    cr_assert_eq(th_run(cmd, out, sizeof out), 1, "%s", out);
    cr_assert(strstr(out, "its folder"), "%s", out);
    unlink(in);
    unlink(msg);
}

Test(results_crash, cli_refuses_foreign_and_newer_files_and_leaves_them_untouched, .timeout = 120)
{
    char db[256], scen[1024], cmd[3000];
    th_path(scen, sizeof scen, "scenarios/minimal.json");
    th_tmpname(db, sizeof db, ".db");
    sqlite3 *h;
    const char *setups[][2] = {
        { "CREATE TABLE t(x); INSERT INTO t VALUES(1);", "not a lastmile results database" },
        { "PRAGMA application_id = 42;", "not a lastmile results database" },
        { NULL, "written by a newer lastmile" },
    };
    for (size_t i = 0; i < sizeof setups / sizeof setups[0]; i++) {
        unlink(db);
        if (setups[i][0]) {
            cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
            cr_assert_eq(sqlite3_exec(h, setups[i][0], NULL, NULL, NULL), SQLITE_OK);
            sqlite3_close(h);
        } else {
            snprintf(cmd, sizeof cmd, "%s run %s --db %s --quiet", th_bin(), scen, db);
            cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
            cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
            cr_assert_eq(sqlite3_exec(h, "UPDATE schema_version SET version = version + 1",
                                      NULL, NULL, NULL), SQLITE_OK);
            sqlite3_close(h);
        }
        size_t n;
        char *before = slurp(db, &n);
        snprintf(cmd, sizeof cmd, "%s run %s --db %s --quiet", th_bin(), scen, db);
        cr_assert_eq(th_run(cmd, out, sizeof out), 2, "case %zu: %s", i, out);
        cr_assert(strstr(out, setups[i][1]), "case %zu: %s", i, out);
        snprintf(cmd, sizeof cmd, "%s report %s", th_bin(), db);
        cr_assert_eq(th_run(cmd, out, sizeof out), 2, "case %zu: report: %s", i, out);
        assert_bytes(db, before, n, "a refused file");
        free(before);
    }
    /* And a text file named .db. */
    FILE *f = fopen(db, "w");
    fputs("not a database\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s run %s --db %s --quiet", th_bin(), scen, db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "not an SQLite database"), "%s", out);
    unlink(db);
}
