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
 *   placement.nightly_plan.OCASxFILES N s
 *   placement.plan_bytes N MB     (per-site plans and the per-OCA fill and
 *                                  eviction lists, per OCA too)
 *   placement.state_bytes N MB    (plus the per-region forecast, ranking and
 *                                  file tables)
 *   placement.max_rss N MB        (the whole process, getrusage) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
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
    /* "distinct": every cluster a few GB apart in storage, so no site's
     * plan is a copy of an identical one's (placement.c, plans_like_twin):
     * the worst case of the plan. */
    const int distinct = argc > 3 && strcmp(argv[3], "distinct") == 0;
    if (ntitles <= 0 || nisps <= 0) {
        fprintf(stderr, "usage: bench_placement [TITLES [ISPS [distinct]]]\n");
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
                              " \"ocas\": {\"count\": 16, \"storage\": \"%dGB\"}}", i ? "," : "", i, i,
                              20000 + (distinct ? i : 0));
    for (int i = 0; i < nix; i++)
        n += (size_t)snprintf(t + n, cap - n, ",{\"id\": \"x%d\", \"kind\": \"ix\", \"region\": \"r\","
                              " \"ocas\": {\"count\": 40, \"storage\": \"%dGB\"}}", i, 100000 + (distinct ? i : 0));
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
    double c0 = (double)clock() / CLOCKS_PER_SEC;
    for (int pass = 0; pass < 2; pass++)
        for (int s = 0; s < w->nsites; s++)
            if ((sc.sites[s].kind == SITE_EMBEDDED) == (pass == 0) &&
                placement_plan_site(w, s, fill_local_day(w, s, 0) + 1) != 0)
                return 1;
    double night = now_s() - t0, night_cpu = (double)clock() / CLOCKS_PER_SEC - c0;
    const struct placement *pl = w->placement;
    double plan = 0, queued = 0, evicting = 0, per_file = 0;
    for (int st = 0; st < w->nsites; st++)
        plan += 2.0 * 8 * w->words_per_bitset + (double)pl->s[st].extra_cap * sizeof *pl->s[st].extra;
    for (int i = 0; i < pl->nfirsts; i++)
        plan += 2.0 * placement_nfiles(w);
    for (uint32_t o = 0; o < w->nocas; o++) {
        const struct oca_place *op = &pl->o[o];
        plan += 4.0 * (op->queue_cap + op->evict_cap) + sizeof *op;
        queued += op->nqueue;
        evicting += op->nevict;
    }
    /* observed, forecast, rank, rank_size, pos per region; keys, watch_frac,
     * file_title, file_bytes per file. */
    per_file = (double)sc.nregions * (8 + 8 + 4 + 8 + 4) + 24 + 8 + 4 + 8;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("placement.nightly_plan.%ux%u%s %.2f s    # goal < 10 s (CPU %.2f s); world built (with the first plan) in %.2f s\n",
           w->nocas, placement_nfiles(w), distinct ? ".distinct" : "", night, night_cpu, built);
    printf("placement.plan_bytes %.1f MB    # %.0f B per OCA: per-site bitsets, further copies, fill/evict lists;"
           " %.0f files to fill, %.0f to evict per OCA\n", plan / 1e6, plan / w->nocas, queued / w->nocas,
           evicting / w->nocas);
    printf("placement.state_bytes %.1f MB    # plus forecasts, rankings and file tables\n",
           (plan + per_file * placement_nfiles(w)) / 1e6);
    printf("placement.max_rss %.0f MB    # CPU time of the whole bench %.1f s\n", (double)ru.ru_maxrss / 1024,
           (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6);
    world_destroy(w);
    engine_destroy(&e);
    scenario_free(&sc);
    return 0;
}
