/* tests/bench/bench_global.c: the issue-9 size, scenarios/global.json.
 *
 * Runs the busiest region's evening peak hour (global.json's default
 * window: us-east 21:00-22:00 local, every other region at its own local
 * hour) at sample 0.06, about 15 million subscribers and 1.8 million
 * sessions live, without a database, and prints:
 *   global.setup_s N s              building the world: catalog, ladders,
 *                                   the initial placement plan of every site
 *   global.run_s N s                the event loop over the simulated time
 *   global.segments N segments/s    segment downloads per wall second of the loop
 *   global.cpu_segments N segments/s   ... per CPU second of the loop: the figure to read on a
 *                                   shared machine, where wall time is not one core
 *   global.live_sessions N sessions at the end
 *   global.bytes_per_session N B    session + its share of flows and events
 *   global.peak_rss N MB            peak resident memory of the process
 *   global.hour_estimate_s N s      run_s x (1 h / simulated time): the peak
 *                                   hour's loop at this rate (an extrapolation
 *                                   unless LASTMILE_BENCH_GLOBAL_DURATION=1h)
 *
 * Environment (defaults in brackets):
 *   LASTMILE_BENCH_GLOBAL_SAMPLE    [0.06]
 *   LASTMILE_BENCH_GLOBAL_DURATION  [1m] simulated time from the hour's start
 *   LASTMILE_BENCH_GLOBAL_TITLES    [0] catalog size; 0 keeps the
 *       scenario's 50 000 titles (~1 M files: 1.3 GB RSS in all with the
 *       per-site placement plan; the per-OCA bitsets before it needed ~10 GB,
 *       so this bench ran 5 000 titles until then).
 *   LASTMILE_BENCH_GLOBAL=0         skip this bench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <gsl/gsl_errno.h>

#include "sim/run.h"
#include "sim/scenario.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

int main(void)
{
    if (strcmp(env_or("LASTMILE_BENCH_GLOBAL", "1"), "0") == 0)
        return 0;
    gsl_set_error_handler_off();
    const char *root = env_or("LASTMILE_ROOT", ".");
    const char *sample = env_or("LASTMILE_BENCH_GLOBAL_SAMPLE", "0.06");
    const char *dur = env_or("LASTMILE_BENCH_GLOBAL_DURATION", "1m");
    const char *titles = env_or("LASTMILE_BENCH_GLOBAL_TITLES", "0");
    char path[1024], set_sample[64], set_dur[64], set_titles[64];
    /* No database, so the period only sets how often the metrics flush:
     * once, at the end (it may not exceed the duration). */
    char set_period[64];
    snprintf(set_period, sizeof set_period, "metrics.period=\"%s\"", dur);
    snprintf(path, sizeof path, "%s/scenarios/global.json", root);
    snprintf(set_sample, sizeof set_sample, "sample=%s", sample);
    snprintf(set_dur, sizeof set_dur, "duration=\"%s\"", dur);
    snprintf(set_titles, sizeof set_titles, "catalog.titles=%s", titles);
    const char *sets[] = { set_sample, set_dur, set_period, set_titles };
    int nsets = strcmp(titles, "0") == 0 ? 3 : 4;
    struct scenario sc;
    struct error err = {0};
    if (scenario_load(path, sets, nsets, &sc, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    double t0 = now_s();
    struct run_result r;
    if (run_scenario(&sc, NULL, 0, &r, &err) != 0) {
        error_print(&err, stderr);
        return 1;
    }
    double total = now_s() - t0;
    double setup = total - r.wall_s;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double sim_s = (double)sc.duration / 1e6;
    printf("global.sample %s\n", sample);
    printf("global.titles %s\n", strcmp(titles, "0") == 0 ? "scenario" : titles);
    printf("global.setup_s %.1f s\n", setup);
    printf("global.run_s %.1f s\n", r.wall_s);
    printf("global.segments %.0f segments/s\n", (double)r.segments / r.wall_s);
    printf("global.cpu_segments %.0f segments/s\n", r.cpu_s > 0 ? (double)r.segments / r.cpu_s : 0);
    printf("global.segments_total %llu segments\n", (unsigned long long)r.segments);
    printf("global.events %llu events\n", (unsigned long long)r.events);
    printf("global.live_sessions %llu sessions\n", (unsigned long long)r.peak_live_sessions);
    printf("global.bytes_per_session %.0f B\n", r.bytes_per_session);
    printf("global.peak_rss %.0f MB\n", (double)ru.ru_maxrss / 1024.0);
    printf("global.hour_estimate_s %.0f s\n", r.wall_s * 3600.0 / sim_s);
    scenario_free(&sc);
    return 0;
}
