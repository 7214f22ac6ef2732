/* tests/bench/bench_results.c: how fast the results database takes rows.
 *
 * Writes one run of N = 10^6 session rows the way a day of simulation
 * hands them over: ids are given at arrival (start times one after the
 * other), rows are written when a session ends, and sessions last an
 * exponential time of mean 40 min, so rows arrive near-sorted by id with a
 * window of a few thousand. Then 10^5 time-series rows, the digest and the
 * commit. The rows are built before the clock starts, so the figures are
 * the database's cost.
 *
 * Prints, on stdout:
 *   results.sessions_per_s N rows/s   results_session() calls per second
 *   results.oca_ts_per_s N rows/s     results_oca_ts() calls per second
 *   results.end_run_s N s             digest (reads the run back) + commit
 *   results.file_bytes_per_session N  database size / sessions
 * and exits 1 on any error or if the stored digest does not match. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/results.h"

#define NSESS 1000000
#define NTS   100000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): enough for made-up rows. */
static uint64_t sm_state = 42;
static double uniform(void)
{
    uint64_t z = (sm_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static int by_end(const void *a, const void *b)
{
    const struct session_row *x = a, *y = b;
    return (x->end_s > y->end_s) - (x->end_s < y->end_s);
}

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/lastmile-bench-%ld.db", (long)getpid());
    unlink(path);
    struct session_row *rows = malloc(NSESS * sizeof *rows);
    if (!rows)
        return 1;
    for (int i = 0; i < NSESS; i++) {
        double start = 86400.0 * i / NSESS;
        double watch = -2400 * log(uniform());
        rows[i] = (struct session_row){
            .id = i, .region = i % 4, .isp = i % 12, .title = (int)(uniform() * 5000),
            .warm = 0, .start_s = start, .end_s = start + watch, .outcome = "completed",
            .watch_s = watch, .startup_s = uniform() * 2, .rebuffer_s = 0,
            .rebuffer_count = 0, .bitrate_mean_kbps = 3000 + 2000 * uniform(),
            .switches = (int)(uniform() * 10), .segments = (int)(watch / 4),
            .bytes_embedded = 1e9 * uniform(), .bytes_ix = 1e8 * uniform(),
            .bytes_origin = 0,
        };
    }
    qsort(rows, NSESS, sizeof *rows, by_end);

    struct error err = {0};
    struct results *r = results_open(path, &err);
    int64_t run_id;
    struct run_info info = { "bench", "{}", 1, "bench", 1, 0, 86400 };
    if (!r || results_begin_run(r, &info, &run_id, &err) != 0)
        goto fail;
    double t0 = now_s();
    for (int i = 0; i < NSESS; i++)
        if (results_session(r, &rows[i], &err) != 0)
            goto fail;
    double t1 = now_s();
    for (int i = 0; i < NTS; i++) {
        struct oca_ts_row row = { .t_s = 60.0 * (i / 100), .oca = i % 100, .bytes = 1e9, .egress_bps = 1e9,
                                  .utilization = 0.5, .flows = 100, .requests = 10, .hits = 9,
                                  .stored_bytes = 1e12 };
        if (results_oca_ts(r, &row, &err) != 0)
            goto fail;
    }
    double t2 = now_s();
    struct run_end end = { 123, 456, 1.0 };
    uint64_t digest, again;
    if (results_end_run(r, &end, &digest, &err) != 0)
        goto fail;
    double t3 = now_s();
    results_close(r);
    r = NULL;
    if (results_run_digest(path, run_id, &again, &err) != 0)
        goto fail;
    struct stat st;
    stat(path, &st);
    printf("results.sessions_per_s %.0f rows/s\n", NSESS / (t1 - t0));
    printf("results.oca_ts_per_s %.0f rows/s\n", NTS / (t2 - t1));
    printf("results.end_run_s %.3f s\n", t3 - t2);
    printf("results.file_bytes_per_session %.0f\n", (double)st.st_size / NSESS);
    unlink(path);
    free(rows);
    if (again != digest) {
        fprintf(stderr, "bench_results: digest %016" PRIx64 " at commit, %016" PRIx64
                " recomputed\n", digest, again);
        return 1;
    }
    return 0;
fail:
    error_print(&err, stderr);
    results_close(r);
    unlink(path);
    return 1;
}
