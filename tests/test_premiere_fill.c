/* tests/test_premiere_fill.c: scheduled releases are known in advance. A
 * premiere (models/live.c) pre-positioned for a region is in the fill
 * forecast before release (models/forecast.c, scheduled_releases), so a
 * forecast-driven policy places it before anyone has watched it and its
 * first hour streams from the embedded cluster; one not pre-positioned is
 * on no OCA before release and streams from elsewhere. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "models/placement.h"
#include "models/placement_int.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"

/* The premiere is the catalog's least popular title, so only its forecast
 * can put it on the embedded cluster, which holds a slice of the catalog. */
static const char WORLD[] =
    "{\"name\": \"pf\", \"start\": \"2026-11-20T23:00:00Z\", \"duration\": \"1h\", \"seed\": 5,"
    " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": 1000,"
    "               \"diurnal\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}],"
    " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 1,"
    "             \"peering\": [{\"ix\": \"ix\", \"capacity\": \"40Gbps\"}], \"transit\": \"20Gbps\"}],"
    " \"sites\": [{\"id\": \"a1\", \"kind\": \"embedded\", \"isp\": \"a\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"1TB\", \"egress\": \"100Gbps\"}},"
    "             {\"id\": \"ix\", \"kind\": \"ix\", \"region\": \"r\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"2TB\", \"egress\": \"40Gbps\"}}],"
    " \"catalog\": {\"titles\": 500},"
    " \"placement\": {\"policy\": \"%s\", \"forecast\": \"observed\"},"
    " \"live\": [{\"id\": \"p\", \"kind\": \"premiere\", \"at\": \"1m\", \"for\": \"1h\", \"title\": 499,"
    "            \"audience\": [{\"region\": \"r\", \"viewers\": 1500}], \"burst\": 0.5,"
    "            \"jitter\": \"30s\", \"prepositioned\": %s}],"
    " \"metrics\": {\"period\": \"60s\"}}";

struct outcome {
    int held_files;                 /* premiere files on the embedded cluster at the start */
    int partly_held;                /* of them, on some of the cluster's OCAs but not all */
    double embedded_share;          /* of the run's viewing bytes */
};

static struct outcome premiere(const char *policy, int prepositioned)
{
    char text[8192];
    snprintf(text, sizeof text, WORLD, policy, prepositioned ? "true" : "false");
    struct scenario sc;
    struct engine e;
    struct error err = {0};
    cr_assert_eq(scenario_load_text("pf.json", text, NULL, 0, &sc, &err), 0, "%s: %s", err.path, err.msg);
    cr_assert_eq(engine_init(&e, sc.duration, 1024), 0);
    struct world *w = world_create(&sc, &e, NULL, &err);
    cr_assert_not_null(w, "%s", err.msg);
    struct outcome out = {0};
    uint32_t a, b;
    placement_title_files(w, 499, &a, &b);
    const struct site *st = &w->sites[0];
    for (uint32_t f = a; f < b; f++) {
        uint32_t on = 0;
        for (uint32_t k = 0; k < st->noca; k++)
            on += (uint32_t)oca_holds(w, st->first_oca + k, f);
        out.held_files += on > 0;
        out.partly_held += on > 0 && on < st->noca;
    }
    double catalog = 0;
    for (int t = 0; t < w->ntitles; t++)
        catalog += w->titles[t].size_bytes;
    /* The cluster holds a slice: only the forecast can bring the premiere. */
    cr_assert_lt(sc.sites[0].oca_storage_bytes * st->noca, 0.5 * catalog);
    cr_assert_eq(engine_run(&e, NULL, NULL), 0);
    cr_assert_eq(world_finish(w), 0);
    double total = 0;
    for (int k = 0; k < TIER_VIEW_COUNT; k++)
        total += w->m.bytes_tier[k];
    cr_assert_gt(w->m.sessions_started, 1000, "the premiere's joins played");
    out.embedded_share = w->m.bytes_tier[TIER_EMBEDDED] / total;
    world_destroy(w);
    engine_destroy(&e);
    scenario_free(&sc);
    return out;
}

Test(premiere_fill, prepositioned_premiere_is_filled_from_the_forecast_before_release)
{
    const char *policies[] = { "popularity", "static" };
    for (int i = 0; i < 2; i++) {
        struct outcome on = premiere(policies[i], 1), off = premiere(policies[i], 0);
        cr_assert_gt(on.held_files, 0, "%s: no premiere file placed before release", policies[i]);
        cr_assert_eq(off.held_files, 0, "%s: a held-back premiere is on the cluster", policies[i]);
        /* Every OCA of the cluster holds what is placed: one copy per
         * cluster would put the whole herd on one OCA (placement.c,
         * replicas_of). */
        cr_assert_eq(on.partly_held, 0, "%s: %d premiere files on some OCAs only", policies[i],
                     on.partly_held);
        cr_assert_gt(on.embedded_share, 0.95, "%s: pre-positioned, embedded share %g", policies[i],
                     on.embedded_share);
        cr_assert_lt(off.embedded_share, 0.5, "%s: held back, embedded share %g", policies[i],
                     off.embedded_share);
    }
}
