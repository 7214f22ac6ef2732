/* tests/test_sweep.c: `lastmile sweep`: every run's digest equals the one
 * `lastmile run` prints for the same --set values and seed, with 1 and 2
 * local processes (and, when an MPI build and mpirun are there, over 2 MPI
 * ranks); runs land in run order, tagged with grid point and seed; every
 * bad sweep file in tests/data/bad_sweep (NAME.json, NAME.expect) exits 2
 * naming the file and saying what is wrong. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdint.h>

#include "sim/results.h"
#include "tests/helpers.h"

/* Two ABR rules x two seeds of the minimal scenario, 10 minutes, 200
 * titles (fewer rows to write). */
static void write_sweep(const char *path)
{
    char scen[512];
    th_path(scen, sizeof scen, "scenarios/minimal.json");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "{\"name\": \"t\", \"scenario\": \"%s\", \"set\": {\"duration\": \"10m\","
            " \"catalog.titles\": 200},"
            " \"grid\": {\"player.abr\": [\"bba\", \"throughput\"]}, \"seeds\": [3, 5]}\n", scen);
    fclose(f);
}

struct tagged { char digest[32]; char abr[32]; int64_t seed; };

/* The runs of db in run_id order with their tags. */
static int read_runs(const char *db, struct tagged *out, int max)
{
    sqlite3 *h;
    cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(h, "SELECT r.digest, p.value, r.seed FROM runs r"
                                    " JOIN sweep_params p ON p.run_id = r.run_id"
                                    " AND p.key = 'player.abr' ORDER BY r.run_id", -1, &s, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(h));
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW && n < max) {
        snprintf(out[n].digest, sizeof out[n].digest, "%s", sqlite3_column_text(s, 0));
        snprintf(out[n].abr, sizeof out[n].abr, "%s", sqlite3_column_text(s, 1));
        out[n].seed = sqlite3_column_int64(s, 2);
        n++;
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    return n;
}

static void single_run_digest(const char *abr, int64_t seed, char *digest)
{
    char scen[512], db[256], cmd[2048], out[4096];
    th_path(scen, sizeof scen, "scenarios/minimal.json");
    th_tmpname(db, sizeof db, "-single.db");
    snprintf(cmd, sizeof cmd, "%s run %s --set duration=10m --set catalog.titles=200 --set player.abr=%s --seed %" PRId64
             " --db %s --quiet", th_bin(), scen, abr, seed, db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    const char *d = strstr(out, "digest ");
    cr_assert_not_null(d, "%s", out);
    snprintf(digest, 17, "%s", d + 7);
    unlink(db);
}

/* Runs the sweep with cmd_prefix (e.g. "mpirun -n 2 BIN") and checks it
 * against single runs. */
static void check_sweep(const char *runner, const char *opts)
{
    char sweep[256], db[256], cmd[2048];
    static char out[1 << 16];
    th_tmpname(sweep, sizeof sweep, "-sweep.json");
    th_tmpname(db, sizeof db, "-sweep.db");
    write_sweep(sweep);
    snprintf(cmd, sizeof cmd, "%s sweep %s --db %s %s", runner, sweep, db, opts);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    struct tagged runs[8];
    int n = read_runs(db, runs, 8);
    cr_assert_eq(n, 4, "%d runs: %s", n, out);
    const char *abr[] = { "bba", "bba", "throughput", "throughput" };
    const int64_t seed[] = { 3, 5, 3, 5 };
    for (int i = 0; i < 4; i++) {
        cr_expect_str_eq(runs[i].abr, abr[i], "run %d", i + 1);
        cr_expect_eq(runs[i].seed, seed[i], "run %d", i + 1);
        char single[32];
        single_run_digest(abr[i], seed[i], single);
        cr_expect_str_eq(runs[i].digest, single, "run %d (%s, seed %" PRId64 ")", i + 1, abr[i],
                         seed[i]);
        /* The stored digest is the rows' digest: the copy kept every bit. */
        uint64_t d;
        struct error err = {0};
        cr_assert_eq(results_run_digest(db, i + 1, &d, &err), 0, "%s", err.msg);
        char hex[32];
        snprintf(hex, sizeof hex, "%016" PRIx64, d);
        cr_expect_str_eq(hex, runs[i].digest);
    }
    /* No temporary folder left next to the database. */
    char dir[300];
    snprintf(dir, sizeof dir, "%s", db);
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    DIR *d = opendir(dir);
    struct dirent *e;
    const char *base = strrchr(db, '/') + 1;
    while ((e = readdir(d)))
        cr_expect(!(strncmp(e->d_name, base, strlen(base)) == 0 && strstr(e->d_name, ".sweep-")),
                  "left behind: %s", e->d_name);
    closedir(d);
    /* Running it again adds the same runs: refused, the file untouched. */
    cr_expect_eq(th_run(cmd, out, sizeof out), 1, "%s", out);
    cr_expect(strstr(out, "is the same run as run 1"), "%s", out);
    cr_expect_eq(read_runs(db, runs, 8), 4);
    /* The refused sweep kept its runs in its folder, for a merge by hand. */
    snprintf(cmd, sizeof cmd, "rm -rf %s.sweep-*.d", db);
    th_run(cmd, out, sizeof out);
    unlink(sweep);
    unlink(db);
}

Test(sweep, digests_equal_single_runs_on_one_process)
{
    check_sweep(th_bin(), "--jobs 1 --quiet");
}

Test(sweep, digests_equal_single_runs_on_two_processes)
{
    check_sweep(th_bin(), "--jobs 2");
}

Test(sweep, mpi_digests_equal_single_runs)
{
    const char *mpi_bin = getenv("LASTMILE_MPI_BIN");
    if (system("command -v mpirun >/dev/null 2>&1") != 0) {
        cr_skip_test("mpirun is not installed (Debian openmpi-bin); `make test-mpi` installs it");
        return;
    }
    if (!mpi_bin || !*mpi_bin) {
        cr_skip_test("no MPI build: `make test-mpi` builds build-mpi/lastmile and runs this");
        return;
    }
    char runner[1024];
    /* OpenMPI refuses root unless told; CI containers run as root. */
    snprintf(runner, sizeof runner, "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
             " mpirun --oversubscribe -n 2 %s", mpi_bin);
    check_sweep(runner, "");
}

Test(sweep, every_bad_sweep_file_fails_with_its_message)
{
    char dir[512];
    th_path(dir, sizeof dir, "tests/data/bad_sweep");
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char file[1024], expect_path[1024], expect[512] = "", db[256], cmd[2048];
        static char out[8192];
        snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
        snprintf(expect_path, sizeof expect_path, "%s/%.*s.expect", dir, (int)(len - 5), e->d_name);
        FILE *f = fopen(expect_path, "r");
        cr_assert_not_null(f, "%s has no .expect", e->d_name);
        cr_assert_not_null(fgets(expect, sizeof expect, f));
        fclose(f);
        expect[strcspn(expect, "\n")] = '\0';
        th_tmpname(db, sizeof db, "-bad.db");
        snprintf(cmd, sizeof cmd, "%s sweep %s --db %s", th_bin(), file, db);
        int rc = th_run(cmd, out, sizeof out);
        cr_expect_eq(rc, 2, "%s: exit %d: %s", e->d_name, rc, out);
        cr_expect(strstr(out, expect), "%s: expected \"%s\" in: %s", e->d_name, expect, out);
        cr_expect(strstr(out, e->d_name), "%s: the message does not name the file: %s",
                  e->d_name, out);
        cr_expect_neq(access(db, F_OK), 0, "%s: a bad sweep created the database", e->d_name);
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 10, "only %d bad sweep files", n);
}

/* A sweep killed (SIGKILL to its whole process group) leaves the database
 * as it was: the earlier run with its digest, none of the sweep's. */
Test(sweep, a_killed_sweep_leaves_the_database_as_it_was)
{
    char scen[512], sweep[256], db[256], cmd[3000], digest[32];
    static char out[1 << 14];
    th_path(scen, sizeof scen, "scenarios/minimal.json");
    th_tmpname(sweep, sizeof sweep, "-kill.json");
    th_tmpname(db, sizeof db, "-kill.db");
    snprintf(cmd, sizeof cmd, "%s run %s --set duration=5m --set catalog.titles=200 --db %s --quiet",
             th_bin(), scen, db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    const char *d = strstr(out, "digest ");
    cr_assert_not_null(d);
    snprintf(digest, 17, "%s", d + 7);
    FILE *f = fopen(sweep, "w");
    cr_assert_not_null(f);
    fprintf(f, "{\"name\": \"k\", \"scenario\": \"%s\", \"replications\": 12}\n", scen);
    fclose(f);
    /* setsid: the sweep and its children in a group of their own. */
    snprintf(cmd, sizeof cmd, "setsid %s sweep %s --db %s --jobs 2 --quiet & pid=$!;"
             " sleep 1.5; kill -9 -$pid; wait $pid 2>/dev/null; true", th_bin(), sweep, db);
    th_run(cmd, out, sizeof out);
    uint64_t got;
    struct error err = {0};
    cr_assert_eq(results_run_digest(db, 1, &got, &err), 0, "%s", err.msg);
    char hex[32];
    snprintf(hex, sizeof hex, "%016" PRIx64, got);
    cr_expect_str_eq(hex, digest);
    cr_expect_neq(results_run_digest(db, 2, &got, &err), 0, "no run of the sweep may be there");
    snprintf(cmd, sizeof cmd, "rm -rf %s.sweep-*.d", db);
    th_run(cmd, out, sizeof out);
    unlink(sweep);
    unlink(db);
}

/* The sweep's process killed alone, its runs still running: the merge
 * process sees the socket close at once (the runs let go of it), rolls
 * back and frees --db, so another writer gets in without waiting for the
 * runs to end. */
Test(sweep, the_sweep_process_killed_alone_frees_the_database_at_once)
{
    char scen[512], sweep[256], db[256], cmd[3000];
    static char out[1 << 14];
    th_path(scen, sizeof scen, "scenarios/quickstart.json");
    th_tmpname(sweep, sizeof sweep, "-alone.json");
    th_tmpname(db, sizeof db, "-alone.db");
    FILE *f = fopen(sweep, "w");
    cr_assert_not_null(f);
    /* Runs of a minute or more each (quickstart's 100 000 subscribers for
     * 12 h): still running when the writer below comes, and killed with
     * their group at the end. */
    fprintf(f, "{\"name\": \"a\", \"scenario\": \"%s\", \"set\": {\"duration\": \"12h\"},"
            " \"replications\": 2}\n", scen);
    fclose(f);
    th_path(scen, sizeof scen, "scenarios/minimal.json");
    snprintf(cmd, sizeof cmd, "setsid %s sweep %s --db %s --jobs 2 --quiet & pid=$!;"
             " sleep 2; kill -9 $pid; wait $pid 2>/dev/null; sleep 0.5;"
             " timeout 10 %s run %s --set duration=1m --db %s --quiet; rc=$?; kill -9 -$pid;"
             " exit $rc",
             th_bin(), sweep, db, th_bin(), scen, db);
    int rc = th_run(cmd, out, sizeof out);
    /* A merge process still holding --db would make the writer wait (up
     * to its 60 s busy timeout): 124, from timeout. */
    cr_expect_eq(rc, 0, "a writer after the sweep's process died: %s", out);
    uint64_t got;
    struct error err = {0};
    cr_expect_eq(results_run_digest(db, 1, &got, &err), 0, "%s", err.msg);
    cr_expect_neq(results_run_digest(db, 2, &got, &err), 0, "one run only: the writer's");
    snprintf(cmd, sizeof cmd, "rm -rf %s.sweep-*.d", db);
    th_run(cmd, out, sizeof out);
    unlink(sweep);
    unlink(db);
}
