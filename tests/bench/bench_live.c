/* tests/bench/bench_live.c: joins per second during a burst.
 *
 * Runs scenarios/live-fight.json (60 million viewers across three regions)
 * at sample 0.1 (about 6 million joins, 70% in the burst) without a
 * database, and prints:
 *   live.joins_per_s N joins/s     joins processed per wall second (whole run)
 *   live.wall_s N s                wall time of the whole run
 *   live.joins N                   joins in the run
 * The goal: the 60-million-viewer join at sample 0.1 in under one
 * minute of wall time. LASTMILE_BENCH_SAMPLE overrides the sample. */
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>

#include "models/live.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"

#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    gsl_set_error_handler_off();
    const char *root = getenv("LASTMILE_ROOT");
    const char *smp = getenv("LASTMILE_BENCH_SAMPLE");
    char path[1024], set[64];
    snprintf(path, sizeof path, "%s/scenarios/live-fight.json", root ? root : ".");
    snprintf(set, sizeof set, "sample=%s", smp ? smp : "0.1");
    const char *sets[] = { set };
    struct scenario sc;
    struct error err = {0};
    if (scenario_load(path, sets, 1, &sc, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    struct engine e;
    if (engine_init(&e, sc.duration, 1 << 20) != 0)
        return 1;
    double t0 = now_s();
    struct world *w = world_create(&sc, &e, NULL, &err);
    if (!w) {
        error_print(&err, stderr);
        return 1;
    }
    if (engine_run(&e, NULL, NULL) != 0)
        return 1;
    double wall = now_s() - t0;
    double joins = (double)w->live->njoin;
    printf("live.joins_per_s %.0f joins/s\n", joins / wall);
    printf("live.wall_s %.2f s\n", wall);
    printf("live.joins %.0f\n", joins);
    world_destroy(w);
    engine_destroy(&e);
    scenario_free(&sc);
    return 0;
}
