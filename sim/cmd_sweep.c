/* sim/cmd_sweep.c: `lastmile sweep`: every run of a sweep file, on N local
 * processes or across MPI ranks, into one results database.
 *
 * SQLite wants one writer at a time, so no two processes share a file:
 * locally each run is a forked child writing its own database in a
 * temporary folder next to --db, and a merge process (sim/sweep_merge.c)
 * copies each finished run into --db while later runs still run; under
 * MPI each rank writes one database for all its runs and rank 0 merges
 * them at the end.
 * Either way the copy is one transaction of --db, in run order
 * (sweep_runs.run_index), so the run ids and rows are the same whatever
 * the number of processes, and a sweep killed or failed at any point
 * leaves --db as it was (and the folder, to delete or merge by hand). The tags
 * (sim/sweep_tag.c) stay out of the digest: a run's digest is the one
 * `lastmile run` prints for the same scenario, --set values and seed. */
#include "sim/cmd_sweep.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/merge.h"
#include "sim/results.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "sim/sweep_load.h"
#include "sim/sweep_merge.h"
#include "sim/sweep_mpi.h"
#include "sim/sweep_tag.h"

const char SWEEP_USAGE[] =
    "usage: lastmile sweep SWEEP.json [--db FILE] [--jobs N] [--quiet]\n"
    "\n"
    "Runs every point of a sweep's grid with every seed (scenarios/README.md,\n"
    "\"Sweeps\") and puts all the runs in one database, each tagged with its grid\n"
    "point and seed (tables sweep_runs, sweep_params). Each run has the digest\n"
    "`lastmile run` gives the same scenario, --set values and seed.\n"
    "\n"
    "  --db FILE   results database (default lastmile.db); the runs are added\n"
    "  --jobs N    local processes running at once (default 1)\n"
    "  --quiet     no line per run\n"
    "\n"
    "Under MPI (make MPI=1): mpirun -n K build/lastmile sweep SWEEP.json --db FILE\n"
    "spreads the runs over the K ranks; each writes its own database in a folder\n"
    "next to FILE (on a file system every rank sees) and rank 0 merges them.\n";

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "lastmile sweep: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'lastmile help sweep')\n");
    return 2;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Runs run i of s into db; prints one line unless quiet. 0, 1 or 2. */
static int run_one(const struct sweep *s, int i, const char *db, int quiet)
{
    const char *sets[SWEEP_MAX_PARAMS + 256];
    char seed[40], label[512];
    int n = sweep_run_sets(s, i, sets, (int)(sizeof sets / sizeof sets[0]), seed, sizeof seed);
    struct scenario sc;
    struct error err = {0};
    if (scenario_load(s->scenario, sets, n, &sc, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    struct run_result r;
    int rc = run_scenario(&sc, db, 0, &r, &err);
    if (rc == 0 && sweep_tag_write(db, r.run_id, s, i, &err) != 0)
        rc = 1;
    if (rc != 0) {
        error_print(&err, stderr);
    } else if (!quiet) {
        sweep_point_label(s, i / s->nseeds, label, sizeof label);
        printf("[%d/%d] %s, seed %" PRIu64 ": digest %016" PRIx64 ", %.2f s\n", i + 1, s->nruns,
               label, sc.seed, r.digest, r.wall_s);
        fflush(stdout);
    }
    scenario_free(&sc);
    return rc;
}

struct local {
    pid_t *pid;                     /* by process slot (jobs of them); 0 when free */
    int *run;                       /* by slot: the run its process runs */
    signed char *state;             /* by run: 0 not done, 1 done, -1 failed */
    int next, running, failed;
};

/* Notes the end of a child. */
static void reaped(struct local *l, int jobs, pid_t pid, int st)
{
    for (int k = 0; k < jobs; k++)
        if (l->pid[k] == pid) {
            l->pid[k] = 0;
            l->running--;
            int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
            l->state[l->run[k]] = ok ? 1 : -1;
            if (!ok && !l->failed)
                fprintf(stderr, "lastmile sweep: a run failed (%s %d); stopping after the"
                        " runs under way\n", WIFEXITED(st) ? "exit status" : "signal",
                        WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
            l->failed |= !ok;
            return;
        }
}

/* Forks children while fewer than jobs run. */
static void start_runs(struct local *l, const struct sweep *s, const char *dir, int jobs,
                       int quiet, struct sweep_merge *m)
{
    while (!l->failed && l->running < jobs && l->next < s->nruns) {
        char db[1200];
        sweep_run_db(db, sizeof db, dir, l->next);
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "lastmile sweep: cannot start a process: %s\n", strerror(errno));
            l->failed = 1;
            return;
        }
        if (pid == 0) {
            sweep_merge_leave(m);
            int rc = run_one(s, l->next, db, quiet);
            fflush(stdout);
            fflush(stderr);
            _exit(rc);
        }
        int k = 0;
        while (l->pid[k])
            k++;                    /* a free slot: fewer than jobs run */
        l->pid[k] = pid;
        l->run[k] = l->next++;
        l->running++;
    }
}

/* Runs the sweep on up to jobs forked children, one per run, each writing
 * dir/run-I.db, and has each finished run merged into m in run order
 * while the later ones still run: the merge (a row-by-row copy, a quarter
 * of a sweep's CPU time) overlaps the runs instead of following them, and
 * the sweep does not wait for it to start the next run. ids receives the
 * runs' ids in the output. */
static int run_local(const struct sweep *s, const char *dir, int jobs, int quiet,
                     struct sweep_merge *m, int64_t *ids)
{
    struct local l = { .pid = calloc((size_t)jobs, sizeof *l.pid),
                       .run = calloc((size_t)jobs, sizeof *l.run),
                       .state = calloc((size_t)s->nruns + 1, 1) };
    int rc = 1;
    if (!l.pid || !l.run || !l.state) {
        fprintf(stderr, "lastmile sweep: out of memory\n");
        goto out;
    }
    int asked = 0, merged = 0;
    struct error err = {0};
    for (;;) {
        int st;
        pid_t done;
        while (l.running > 0 && (done = waitpid(-1, &st, WNOHANG)) > 0)
            reaped(&l, jobs, done, st);
        if (l.failed) {
            if (l.running == 0)
                break;
        } else {
            start_runs(&l, s, dir, jobs, quiet, m);
        }
        while (!l.failed && asked < s->nruns && l.state[asked] == 1)
            if (sweep_merge_request(m, asked++, &err) != 0 ||
                sweep_merge_collect(m, 0, ids, &merged, &err) != 0) {
                error_print(&err, stderr);
                l.failed = 1;   /* a copy failed: no new run; those under way finish */
            }
        if (asked == s->nruns || l.running == 0)
            break;
        done = wait(&st);
        if (done > 0)
            reaped(&l, jobs, done, st);
        else if (errno != EINTR)
            break;
    }
    if (!l.failed && asked == s->nruns && sweep_merge_collect(m, 1, ids, &merged, &err) != 0) {
        error_print(&err, stderr);
        l.failed = 1;
    }
    rc = l.failed || merged < s->nruns ? 1 : 0;
out:
    free(l.pid);
    free(l.run);
    free(l.state);
    return rc;
}

/* This rank's runs (i = rank, rank + size, ...) into dir/rank-R.db. */
static int run_rank(const struct sweep *s, const char *dir, int rank, int size, int quiet)
{
    char db[1200];
    snprintf(db, sizeof db, "%s/rank-%04d.db", dir, rank);
    for (int i = rank; i < s->nruns; i += size) {
        int rc = run_one(s, i, db, quiet);
        if (rc != 0)
            return rc;
    }
    return 0;
}

struct indexed { struct merge_source src; int run_index; };

static int by_index(const void *a, const void *b)
{
    const struct indexed *x = a, *y = b;
    return (x->run_index > y->run_index) - (x->run_index < y->run_index);
}

/* Every run of every database in dir with its run_index; paths owned by
 * the caller through *paths. */
static int collect(const char *dir, struct indexed **out, int *n, char ***paths, int *npaths,
                   struct error *err)
{
    DIR *d = opendir(dir);
    *out = NULL;
    *n = 0;
    *paths = NULL;
    *npaths = 0;
    if (!d) {
        error_file(err, dir);
        error_set(err, "cannot read the sweep's folder: %s", strerror(errno));
        return -1;
    }
    struct dirent *e;
    int cap = 0, pcap = 0, rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".db") != 0)
            continue;
        if (*npaths == pcap) {
            pcap = pcap ? 2 * pcap : 64;
            char **p = realloc(*paths, (size_t)pcap * sizeof *p);
            if (!p) {
                rc = -1;
                break;
            }
            *paths = p;
        }
        char *path = malloc(strlen(dir) + len + 2);
        if (!path) {
            rc = -1;
            break;
        }
        sprintf(path, "%s/%s", dir, e->d_name);
        (*paths)[(*npaths)++] = path;
        sqlite3 *db = results_open_read(path, err);
        sqlite3_stmt *s = NULL;
        if (!db || sqlite3_prepare_v2(db, "SELECT run_id, run_index FROM sweep_runs", -1, &s,
                                      NULL) != SQLITE_OK) {
            if (db) {
                error_file(err, path);
                error_set(err, "a run without its sweep tags: %s", sqlite3_errmsg(db));
            }
            sqlite3_close(db);
            rc = -1;
            break;
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            if (*n == cap) {
                cap = cap ? 2 * cap : 64;
                struct indexed *p = realloc(*out, (size_t)cap * sizeof *p);
                if (!p) {
                    rc = -1;
                    break;
                }
                *out = p;
            }
            (*out)[*n].src.path = path;
            (*out)[*n].src.run_id = sqlite3_column_int64(s, 0);
            (*out)[*n].run_index = sqlite3_column_int(s, 1);
            (*n)++;
        }
        sqlite3_finalize(s);
        sqlite3_close(db);
    }
    closedir(d);
    if (rc == 0)
        qsort(*out, (size_t)*n, sizeof **out, by_index);
    else if (!err->msg[0])
        error_set(err, "out of memory");
    return rc;
}

static void remove_dir(const char *dir, char **paths, int npaths)
{
    for (int i = 0; i < npaths; i++) {
        unlink(paths[i]);
        char journal[1300];
        snprintf(journal, sizeof journal, "%s-journal", paths[i]);
        unlink(journal);
    }
    rmdir(dir);
}

static void print_done(const struct sweep *s, const char *db, int64_t first, int64_t last,
                       double t0, int procs, const char *how)
{
    printf("sweep %s: %d runs (%d point%s x %d seed%s) in %s as runs %" PRId64 "-%" PRId64
           ", %.1f s on %d %s\n", s->name, s->nruns, s->npoints, s->npoints == 1 ? "" : "s",
           s->nseeds, s->nseeds == 1 ? "" : "s", db, first, last, now_s() - t0, procs, how);
}

/* The local sweep: its runs, merged as they finish, then the commit. 0,
 * or 1 with a message; db is untouched unless every run was merged. */
static int sweep_local(const struct sweep *s, const char *dir, const char *db, int jobs,
                       int quiet, double t0)
{
    struct error err = {0};
    /* The merge process first, ids after: a child forked with the parent's
     * heap holds blocks it never frees, and valgrind calls them lost once
     * the optimiser keeps no pointer to them (LTO did, for ids). */
    struct sweep_merge *m = sweep_merge_start(db, dir, &err);
    int64_t *ids = m ? malloc((size_t)(s->nruns ? s->nruns : 1) * sizeof *ids) : NULL;
    if (!ids) {
        if (m) {
            sweep_merge_abort(m);
            error_set(&err, "out of memory");
        }
        error_print(&err, stderr);
        rmdir(dir);                 /* empty: no run started */
        return 1;
    }
    int rc = run_local(s, dir, jobs, quiet, m, ids);
    if (rc != 0) {
        sweep_merge_abort(m);
        fprintf(stderr, "lastmile sweep: a run failed or could not be merged; %s is untouched"
                " and the finished runs are in %s (lastmile merge can add them to a database"
                " by hand)\n", db, dir);
    } else if (sweep_merge_commit(m, &err) != 0) {
        error_print(&err, stderr);
        fprintf(stderr, "lastmile sweep: the runs are kept in %s (lastmile merge can add them"
                " to a database by hand)\n", dir);
        rc = 1;
    } else {
        for (int i = 0; i < s->nruns; i++) {
            char path[1200], journal[1300];
            sweep_run_db(path, sizeof path, dir, i);
            snprintf(journal, sizeof journal, "%s-journal", path);
            unlink(path);
            unlink(journal);
        }
        rmdir(dir);
        print_done(s, db, s->nruns ? ids[0] : 0, s->nruns ? ids[s->nruns - 1] : 0, t0, jobs,
                   "processes");
    }
    free(ids);
    return rc;
}

/* Merges the databases of dir into db in run order (under MPI, once every
 * rank has finished). 0, or 1/2 with a message. */
static int merge_all(const struct sweep *s, const char *dir, const char *db, double t0,
                     int procs, const char *how)
{
    struct indexed *runs;
    char **paths;
    int n, npaths;
    struct error err = {0};
    int rc = collect(dir, &runs, &n, &paths, &npaths, &err);
    if (rc == 0 && n != s->nruns) {
        snprintf(err.file, sizeof err.file, "%.250s", dir);
        error_set(&err, "holds %d runs, the sweep has %d", n, s->nruns);
        rc = -1;
    }
    struct merge_source *src = rc == 0 ? malloc((size_t)(n ? n : 1) * sizeof *src) : NULL;
    int64_t *ids = rc == 0 ? malloc((size_t)(n ? n : 1) * sizeof *ids) : NULL;
    if (rc == 0 && (!src || !ids)) {
        error_set(&err, "out of memory");
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < n; i++)
        src[i] = runs[i].src;
    if (rc == 0)
        rc = merge_runs(db, src, n, ids, &err);
    if (rc != 0) {
        error_print(&err, stderr);
        fprintf(stderr, "lastmile sweep: the runs are kept in %s (lastmile merge can add them"
                " to a database by hand)\n", dir);
    } else {
        remove_dir(dir, paths, npaths);
        print_done(s, db, n ? ids[0] : 0, n ? ids[n - 1] : 0, t0, procs, how);
    }
    for (int i = 0; i < npaths; i++)
        free(paths[i]);
    free(paths);
    free(runs);
    free(src);
    free(ids);
    return rc == 0 ? 0 : 1;
}

int cmd_sweep(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(SWEEP_USAGE, stdout);
            return 0;
        }
    const char *file = NULL, *db = "lastmile.db";
    int jobs = 1, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--db") == 0 && i + 1 < argc) {
            db = argv[++i];
        } else if (strcmp(a, "--jobs") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || v < 1 || v > 1024)
                return usage("--jobs expects a whole number from 1 to 1024, found '%s'", argv[i]);
            jobs = (int)v;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-') {
            return usage("unknown option or missing value: '%s'", a);
        } else if (!file) {
            file = a;
        } else {
            return usage("one sweep file at a time; found a second: '%s'", a);
        }
    }
    if (!file)
        return usage("%s", "expected a SWEEP.json file");
    int rank, size;
    int mpi = sweep_mpi_init(&rank, &size);
    const char *ompi = getenv("OMPI_COMM_WORLD_SIZE");
    if (!mpi && ompi && atoi(ompi) > 1) {
        fprintf(stderr, "lastmile sweep: started by mpirun with %s ranks, but this lastmile"
                " was built without MPI: every rank would run the whole sweep. Build it"
                " with `make MPI=1`\n", ompi);
        return 2;
    }
    double t0 = now_s();
    struct sweep s;
    struct error err = {0};
    int ok = sweep_load(file, &s, &err) == 0, fail_rc = 2;
    if (!ok && rank == 0)
        error_print(&err, stderr);
    if (ok) {
        struct results *r = results_open(db, &err);
        if (!r) {
            if (rank == 0)
                error_print(&err, stderr);
            sweep_free(&s);
            ok = 0;
            fail_rc = error_exit_code(&err);    /* 1: a full or read-only disk */
        }
        results_close(r);
    }
    if (!sweep_mpi_all_ok(ok)) {
        sweep_mpi_finalize();
        return fail_rc;
    }
    /* The folder of the runs' own databases, next to --db (the same file
     * system, which under MPI every rank must see). Rank 0 names it. */
    char dir[1100];
    snprintf(dir, sizeof dir, "%s.sweep-%ld.d", db, (long)getpid());
    sweep_mpi_bcast(dir, sizeof dir);
    ok = rank != 0 || mkdir(dir, 0777) == 0;
    if (!ok)
        fprintf(stderr, "lastmile sweep: %s: cannot create the sweep's folder: %s\n", dir,
                strerror(errno));
    if (!sweep_mpi_all_ok(ok)) {
        sweep_free(&s);
        sweep_mpi_finalize();
        return 1;
    }
    if (rank == 0 && !quiet)
        printf("sweep %s: %d runs (%d point%s x %d seed%s) of %s on %d %s\n", s.name, s.nruns,
               s.npoints, s.npoints == 1 ? "" : "s", s.nseeds, s.nseeds == 1 ? "" : "s",
               s.scenario, mpi ? size : jobs, mpi ? "MPI ranks" : "processes");
    fflush(stdout);
    if (!mpi) {
        int rc = sweep_local(&s, dir, db, jobs, quiet, t0);
        sweep_free(&s);
        return rc;
    }
    int rc = run_rank(&s, dir, rank, size, quiet);
    ok = sweep_mpi_all_ok(rc == 0);
    if (!ok) {
        if (rank == 0)
            fprintf(stderr, "lastmile sweep: a run failed; %s is untouched and the finished"
                    " runs are in %s\n", db, dir);
        rc = 1;
    } else if (rank == 0) {
        rc = merge_all(&s, dir, db, t0, size, "MPI ranks");
    }
    sweep_free(&s);
    sweep_mpi_all_ok(1);
    sweep_mpi_finalize();
    return rc;
}
