/* tests/bench/bench_e2e.c: end-to-end speed and memory on country.json.
 *
 * Runs the country scenario (10 million subscribers at sample 1.0, about
 * a million sessions live from the first instant) for the first simulated
 * minutes without a database, and prints:
 *   e2e.segments N segments/s      segment downloads per wall second
 *   e2e.bytes_per_session N B      session + its share of flows and events
 *   e2e.peak_rss N MB              peak resident memory of the process
 * LASTMILE_BENCH_DURATION overrides the simulated duration (default 5m). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <gsl/gsl_errno.h>

#include "sim/run.h"
#include "sim/scenario.h"

int main(void)
{
    gsl_set_error_handler_off();
    const char *root = getenv("LASTMILE_ROOT");
    const char *dur = getenv("LASTMILE_BENCH_DURATION");
    char path[1024], set[64];
    snprintf(path, sizeof path, "%s/scenarios/country.json", root ? root : ".");
    snprintf(set, sizeof set, "duration=\"%s\"", dur ? dur : "5m");
    const char *sets[] = { set };
    struct scenario sc;
    struct error err = {0};
    if (scenario_load(path, sets, 1, &sc, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    struct run_result r;
    if (run_scenario(&sc, NULL, 0, &r, &err) != 0) {
        error_print(&err, stderr);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("e2e.segments %.0f segments/s\n", (double)r.segments / r.wall_s);
    printf("e2e.bytes_per_session %.0f B\n", r.bytes_per_session);
    printf("e2e.peak_rss %.0f MB\n", (double)ru.ru_maxrss / 1024.0);
    printf("e2e.events %.0f events/s\n", (double)r.events / r.wall_s);
    printf("e2e.live_sessions %llu sessions\n", (unsigned long long)r.peak_live_sessions);
    scenario_free(&sc);
    return 0;
}
