/* tests/bench/bench_placement.c: the nightly placement plan at the scale
 * issue 9 targets: 18 000 OCAs over a 50 000-title catalog (goal: under
 * 10 s). 1 000 ISPs each with an embedded cluster of 16 OCAs of 20 TB (a
 * cluster holds about 70% of the catalog), 50 IX sites of 40 OCAs of
 * 100 TB, one region, popularity fill from a catalog forecast with error
 * (so each night's ranking is new). Timed: one whole night's plan of every
 * site (forecast, ranking, copies in rendezvous order, fill and eviction
 * lists), after the world is built. Demand is sampled down to nothing.
 *
 * Prints:
 *   placement.nightly_plan.18000x50000 N s
 *   placement.bytes_per_oca N B   (plan + servable bitsets and lists) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_errno.h>

#include "models/placement.h"
#include "models/placement_int.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(const int argc, char **argv)
{
    gsl_set_error_handler_off();
    /* Optional: titles and ISPs (default 50 000 and 1 000), to measure how
     * the plan scales with files without the full-size run. */
    const int ntitles = argc > 1 ? atoi(argv[1]) : 50000;
    const int nisps = argc > 2 ? atoi(argv[2]) : 1000, nix = nisps < 50 ? nisps : 50;
    if (ntitles <= 0 || nisps <= 0) {
        fprintf(stderr, "usage: bench_placement [TITLES [ISPS]]\n");
        return 2;
    }
    size_t cap = 1 << 20, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t + n, cap - n,
        "{\"name\": \"bench\", \"start\": \"2026-11-20T05:00:00Z\", \"duration\": \"1m\", \"sample\": 1e-6,"
        " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": 1e6}], \"isps\": [");
    for (int i = 0; i < nisps; i++)
        n += (size_t)snprintf(t + n, cap - n, "%s{\"id\": \"i%d\", \"region\": \"r\", \"share\": %.17g,"
                              " \"peering\": [{\"ix\": \"x%d\", \"capacity\": \"100Gbps\"}]}",
                              i ? "," : "", i, 1.0 / nisps, i % nix);
    n += (size_t)snprintf(t + n, cap - n, "], \"sites\": [");
    for (int i = 0; i < nisps; i++)
        n += (size_t)snprintf(t + n, cap - n, "%s{\"id\": \"e%d\", \"kind\": \"embedded\", \"isp\": \"i%d\","
                              " \"ocas\": {\"count\": 16, \"storage\": \"20TB\"}}", i ? "," : "", i, i);
    for (int i = 0; i < nix; i++)
        n += (size_t)snprintf(t + n, cap - n, ",{\"id\": \"x%d\", \"kind\": \"ix\", \"region\": \"r\","
                              " \"ocas\": {\"count\": 40, \"storage\": \"100TB\"}}", i);
    n += (size_t)snprintf(t + n, cap - n, "], \"catalog\": {\"titles\": %d},"
                          " \"demand\": {\"warm_start\": false},"
                          " \"placement\": {\"policy\": \"popularity\", \"forecast_error\": 0.5}}", ntitles);
    struct scenario sc;
    struct error err = {0};
    if (scenario_load_text("bench.json", t, NULL, 0, &sc, &err) != 0) {
        fprintf(stderr, "bench_placement: %s: %s\n", err.path, err.msg);
        return 1;
    }
    free(t);
    struct engine e;
    if (engine_init(&e, sc.duration, 1024) != 0)
        return 1;
    double t0 = now_s();
    struct world *w = world_create(&sc, &e, NULL, &err);
    if (!w) {
        fprintf(stderr, "bench_placement: %s\n", err.msg);
        return 1;
    }
    double built = now_s() - t0;
    /* Next night: a new forecast and a new plan for every site. */
    t0 = now_s();
    for (int pass = 0; pass < 2; pass++)
        for (int s = 0; s < w->nsites; s++)
            if ((sc.sites[s].kind == SITE_EMBEDDED) == (pass == 0) &&
                placement_plan_site(w, s, fill_local_day(w, s, 0) + 1) != 0)
                return 1;
    double night = now_s() - t0;
    double bytes = 0, queued = 0;
    for (uint32_t o = 0; o < w->nocas; o++) {
        const struct oca_place *op = &w->placement->o[o];
        bytes += 8.0 * (w->ocas[o].holds_words + op->target_words) + 4.0 * (op->queue_cap + op->evict_cap);
        queued += op->nqueue;
    }
    printf("placement.nightly_plan.%ux%u %.2f s    # goal < 10 s; world built (with the first plan) in %.2f s\n",
           w->nocas, placement_nfiles(w), night, built);
    printf("placement.bytes_per_oca %.0f B    # two bitsets and the fill/evict lists; %.0f files to fill per OCA\n",
           bytes / w->nocas, queued / w->nocas);
    world_destroy(w);
    engine_destroy(&e);
    scenario_free(&sc);
    return 0;
}
