/* tests/test_scenario.c: the scenario language. A minimal scenario loads
 * with every default; --set reaches members by name, array elements by id
 * or index, creates missing members and refuses bad paths; the resolved
 * text loads back into the same struct; and every bad case in
 * tests/data/bad/ (NAME.json, NAME.expect, optional NAME.set) fails with
 * its expected message, naming the file. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/scenario.h"
#include "tests/helpers.h"

static const char *minimal_path(char *buf, size_t n)
{
    return th_path(buf, n, "scenarios/minimal.json");
}

static void load_ok(const char *rel, const char *const *sets, int nsets, struct scenario *s)
{
    char path[1024];
    struct error err = {0};
    int rc = scenario_load(th_path(path, sizeof path, rel), sets, nsets, s, &err);
    cr_assert_eq(rc, 0, "%s: %s: %s", rel, err.path, err.msg);
}

/* The printed error, as the CLI would show it. */
static char *printed(const struct error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    error_print(err, f);
    fclose(f);
    return text;
}

static int is_zeroed(const struct scenario *s)
{
    static const struct scenario zero;
    return memcmp(s, &zero, sizeof zero) == 0;
}

Test(scenario, minimal_loads_with_every_default)
{
    struct scenario s;
    load_ok("scenarios/minimal.json", NULL, 0, &s);
    cr_assert_str_eq(s.name, "minimal");
    cr_assert_eq(s.start_unix, INT64_C(1795215600));       /* 2026-11-20T23:00:00Z */
    cr_assert_eq(s.duration, SIM_US_PER_H);
    cr_assert_eq(s.seed, 1);
    cr_assert_eq(s.sample, 1.0);
    cr_assert_eq(s.nregions, 1);
    cr_assert_str_eq(s.regions[0].id, "r1");
    cr_assert_eq(s.regions[0].utc_offset_s, -3 * 3600);
    cr_assert_eq(s.regions[0].subscribers, 2000);
    cr_assert_eq(s.regions[0].diurnal[0], 0.130);
    cr_assert_eq(s.regions[0].diurnal[21], 0.18);
    cr_assert_eq(s.regions[0].diurnal[23], 0.158);
    cr_assert_eq(s.nisps, 1);
    const struct cfg_isp *p = &s.isps[0];
    cr_assert_str_eq(p->id, "isp-a");
    cr_assert_eq(p->region, 0);
    cr_assert_eq(p->share, 1.0);
    cr_assert_eq(p->access.model, ACCESS_LOGNORMAL);
    cr_assert_eq(p->access.median_bps, 25e6);
    cr_assert_eq(p->access.sigma, 0.8);
    cr_assert_eq(p->npeering, 1);
    cr_assert_eq(p->peering[0].ix_site, 1);
    cr_assert_eq(p->peering[0].capacity_bps, 10e9);
    cr_assert_eq(p->transit_bps, 10e9);
    cr_assert_eq(s.nsites, 2);
    cr_assert_eq(s.sites[0].kind, SITE_EMBEDDED);
    cr_assert_eq(s.sites[0].isp, 0);
    cr_assert_eq(s.sites[0].region, 0, "an embedded site takes its ISP's region");
    cr_assert_eq(s.sites[0].oca_count, 2);
    cr_assert_eq(s.sites[0].oca_storage_bytes, 120e12);
    cr_assert_eq(s.sites[0].oca_egress_bps, 100e9);
    cr_assert_eq(s.sites[1].kind, SITE_IX);
    cr_assert_eq(s.sites[1].isp, -1);
    cr_assert_eq(s.sites[1].region, 0);
    cr_assert_eq(s.sites[1].oca_count, 1);
    cr_assert_eq(s.origin.egress_bps, 10e12);
    cr_assert_eq(s.catalog.titles, 5000);
    cr_assert_eq(s.catalog.popularity, POPULARITY_ZIPF);
    cr_assert_eq(s.catalog.zipf_alpha, 0.9);
    cr_assert_eq(s.catalog.episode_share, 0.7);
    cr_assert_eq(s.catalog.episode_duration, 45 * SIM_US_PER_MIN);
    cr_assert_eq(s.catalog.film_duration, 110 * SIM_US_PER_MIN);
    /* Per-title ladders in three codecs and five device classes by default;
     * rung_bps stays the fixed ladder, the baseline. */
    cr_assert_eq(s.encoding.ladder, LADDER_PER_TITLE);
    cr_assert_eq(s.encoding.codecs, 7u);
    cr_assert_eq(s.devices.nclasses, 5);
    cr_assert_str_eq(s.devices.classes[0].id, "tv-4k");
    cr_assert_eq(s.devices.av1_capable, -1);
    cr_assert_eq(s.encoding.nrungs, 10);
    cr_assert_eq(s.encoding.rung_bps[0], 235e3);
    cr_assert_eq(s.encoding.rung_bps[9], 5800e3);
    for (int i = 1; i < s.encoding.nrungs; i++)
        cr_assert_gt(s.encoding.rung_bps[i], s.encoding.rung_bps[i - 1], "rungs increase");
    cr_assert_eq(s.demand.watch_median, 35 * SIM_US_PER_MIN);
    cr_assert_eq(s.demand.watch_sigma, 1.0);
    cr_assert_eq(s.demand.warm_start, 1);
    cr_assert_eq(s.player.segment, 4 * SIM_US_PER_S);
    cr_assert_eq(s.player.buffer, 60 * SIM_US_PER_S);
    cr_assert_eq(s.player.startup, 4 * SIM_US_PER_S);
    cr_assert_eq(s.player.abr, ABR_THROUGHPUT);
    cr_assert_eq(s.player.abr_window, 5);
    cr_assert_eq(s.player.abr_safety, 0.9);
    cr_assert_eq(s.steering, STEERING_NEAREST_HEALTHY);
    cr_assert_eq(s.steer.health_period, 10 * SIM_US_PER_S);
    cr_assert_eq(s.steer.overload, 0.9);
    cr_assert_eq(s.steer.timeout, 4 * SIM_US_PER_S);
    cr_assert_eq(s.steer.drain, 0);
    cr_assert_eq(s.control_plane.capacity, 0);
    cr_assert_eq(s.control_plane.timeout, 10 * SIM_US_PER_S);
    cr_assert_eq(s.cdn.enabled, 0);
    cr_assert_eq(s.cost.sample, 5 * SIM_US_PER_MIN);
    cr_assert_eq(s.nfaults, 0);
    cr_assert_eq(s.placement, PLACEMENT_STATIC);
    cr_assert_eq(s.network.share_period, SIM_US_PER_S);
    cr_assert_eq(s.metrics.period, 60 * SIM_US_PER_S);
    cr_assert_not_null(s.description);
    cr_assert_not_null(s.resolved_json);
    scenario_free(&s);
    cr_assert(is_zeroed(&s), "scenario_free leaves the struct zeroed");
}

Test(scenario, description_defaults_to_empty)
{
    struct scenario s;
    struct error err = {0};
    const char *text = "{\"name\": \"n\", \"start\": \"2026-01-01T00:00:00Z\", \"duration\": \"1h\","
                       " \"regions\": [{\"id\": \"r\", \"subscribers\": 1}],"
                       " \"isps\": [{\"id\": \"i\", \"region\": \"r\", \"share\": 0.5}]}";
    cr_assert_eq(scenario_load_text("t.json", text, NULL, 0, &s, &err), 0, "%s", err.msg);
    cr_assert_str_eq(s.description, "");
    cr_assert_eq(s.nsites, 0);
    cr_assert_null(s.sites);
    cr_assert_eq(s.isps[0].npeering, 0);
    cr_assert_eq(s.regions[0].utc_offset_s, 0);
    scenario_free(&s);
}

Test(scenario, free_is_safe_on_a_zeroed_struct_and_twice)
{
    struct scenario s;
    memset(&s, 0, sizeof s);
    scenario_free(&s);
    scenario_free(NULL);
    load_ok("scenarios/minimal.json", NULL, 0, &s);
    scenario_free(&s);
    scenario_free(&s);
    cr_assert(is_zeroed(&s));
}

Test(scenario, set_by_id_by_index_and_by_name)
{
    struct scenario s;
    const char *sets[] = { "regions.r1.subscribers=2e6", "isps.0.share=0.25", "player.abr=throughput",
                           "sites.ix-1.ocas.count=7", "isps.isp-a.peering.0.capacity=1.2Gbps",
                           "seed=42",
                           "regions.0.diurnal=[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]",
                           "regions.0.diurnal.21=0.2" };
    load_ok("scenarios/minimal.json", sets, 8, &s);
    cr_assert_eq(s.regions[0].subscribers, 2e6);
    cr_assert_eq(s.isps[0].share, 0.25);
    cr_assert_eq(s.sites[1].oca_count, 7);
    cr_assert_eq(s.isps[0].peering[0].capacity_bps, 1.2e9);
    cr_assert_eq(s.seed, 42);
    cr_assert_eq(s.regions[0].diurnal[21], 0.2);
    scenario_free(&s);
}

Test(scenario, set_creates_missing_members)
{
    struct scenario s;
    /* minimal.json has no catalog, player or metrics section. */
    const char *sets[] = { "catalog.popularity.alpha=1.1", "metrics.period=30s",
                           "player={\"segment\": \"2s\", \"buffer\": \"30s\"}",
                           "isps.isp-a.access.median=50Mbps", "description=a what-if" };
    load_ok("scenarios/minimal.json", sets, 5, &s);
    cr_assert_eq(s.catalog.zipf_alpha, 1.1);
    cr_assert_eq(s.metrics.period, 30 * SIM_US_PER_S);
    cr_assert_eq(s.player.segment, 2 * SIM_US_PER_S);
    cr_assert_eq(s.player.buffer, 30 * SIM_US_PER_S);
    cr_assert_eq(s.isps[0].access.median_bps, 50e6);
    cr_assert_str_eq(s.description, "a what-if", "a value that is not JSON is a string");
    scenario_free(&s);
}

Test(scenario, set_values_are_json_when_they_parse)
{
    struct scenario s;
    const char *sets[] = { "demand.warm_start=false", "sites=[]", "isps.0.peering=[]",
                           "name=\"quoted\"" };
    load_ok("scenarios/minimal.json", sets, 4, &s);
    cr_assert_eq(s.demand.warm_start, 0);
    cr_assert_eq(s.nsites, 0);
    cr_assert_eq(s.isps[0].npeering, 0);
    cr_assert_str_eq(s.name, "quoted");
    scenario_free(&s);
}

Test(scenario, set_replaces_a_whole_array_element)
{
    struct scenario s;
    const char *sets[] = { "regions.r1={\"id\": \"r1\", \"subscribers\": 9, \"utc_offset\": \"+01:00\"}" };
    load_ok("scenarios/minimal.json", sets, 1, &s);
    cr_assert_eq(s.regions[0].subscribers, 9);
    cr_assert_eq(s.regions[0].utc_offset_s, 3600);
    scenario_free(&s);
}

Test(scenario, set_finds_ids_that_contain_dots)
{
    struct scenario s;
    struct error err = {0};
    const char *text = "{\"name\": \"n\", \"start\": \"2026-01-01T00:00:00Z\", \"duration\": \"1h\","
                       " \"regions\": [{\"id\": \"eu\", \"subscribers\": 1},"
                       "               {\"id\": \"eu.de\", \"subscribers\": 2}],"
                       " \"isps\": [{\"id\": \"i\", \"region\": \"eu.de\", \"share\": 0.5}]}";
    const char *sets[] = { "regions.eu.de.subscribers=5", "regions.eu.subscribers=3" };
    cr_assert_eq(scenario_load_text("t.json", text, sets, 2, &s, &err), 0, "%s", err.msg);
    cr_assert_eq(s.regions[0].subscribers, 3);
    cr_assert_eq(s.regions[1].subscribers, 5);
    scenario_free(&s);
}

/* A --set that must fail, with a message fragment and an empty result. */
static void set_fails(const char *set, const char *fragment)
{
    struct scenario s;
    struct error err = {0};
    char path[1024];
    const char *sets[] = { set };
    cr_assert_eq(scenario_load(minimal_path(path, sizeof path), sets, 1, &s, &err), -1,
                 "--set %s was accepted", set);
    char *text = printed(&err);
    cr_assert(strstr(text, fragment), "--set %s: %s", set, text);
    cr_assert(strstr(text, "minimal.json"), "%s", text);
    cr_assert(is_zeroed(&s), "a failed load leaves the struct empty");
    free(text);
}

Test(scenario, set_bad_paths_are_errors)
{
    set_fails("regions.nowhere.subscribers=1", "$.regions: --set regions.nowhere.subscribers=1:"
              " no element with id or index \"nowhere\" here (ids: r1)");
    set_fails("isps.5.share=0.1", "no element with id or index \"5\"");
    set_fails("name.x=1", "$.name: --set name.x=1: cannot set \"x\" inside string");
    set_fails("regions.0.subscribers.x=1", "$.regions[0].subscribers: --set");
    set_fails("regions..subscribers=1", "an empty step");
    set_fails(".name=x", "an empty step");
    set_fails("name.=x", "an empty step");
    set_fails("=x", "--set expects KEY=VALUE");
    set_fails("player", "--set expects KEY=VALUE");
    /* Validation runs after --set, so a bad value gets the normal error. */
    set_fails("player.abr=nope", "$.player.abr: unknown abr \"nope\"");
    set_fails("player.abr_windw=3", "did you mean \"abr_window\"");
    set_fails("sample=1e400", "$.sample: number out of range");
    set_fails("player={\"abr\": \"throughput\", \"abr\": \"throughput\"}", "duplicate key \"abr\"");
}

/* Field by field: the two loads describe the same world. */
static void assert_same(const struct scenario *a, const struct scenario *b)
{
    cr_assert_str_eq(a->name, b->name);
    cr_assert_str_eq(a->description, b->description);
    cr_assert_eq(a->start_unix, b->start_unix);
    cr_assert_eq(a->duration, b->duration);
    cr_assert_eq(a->seed, b->seed);
    cr_assert_eq(a->sample, b->sample);
    cr_assert_eq(a->nregions, b->nregions);
    cr_assert_eq(a->nisps, b->nisps);
    cr_assert_eq(a->nsites, b->nsites);
    for (int i = 0; i < a->nregions; i++)
        cr_assert_eq(memcmp(&a->regions[i], &b->regions[i], sizeof a->regions[i]), 0, "region %d", i);
    for (int i = 0; i < a->nisps; i++) {
        const struct cfg_isp *x = &a->isps[i], *y = &b->isps[i];
        cr_assert_str_eq(x->id, y->id);
        cr_assert_eq(x->region, y->region);
        cr_assert_eq(x->share, y->share);
        cr_assert_eq(memcmp(&x->access, &y->access, sizeof x->access), 0);
        cr_assert_eq(x->transit_bps, y->transit_bps);
        cr_assert_eq(x->npeering, y->npeering);
        for (int j = 0; j < x->npeering; j++) {
            cr_assert_eq(x->peering[j].ix_site, y->peering[j].ix_site);
            cr_assert_eq(x->peering[j].capacity_bps, y->peering[j].capacity_bps);
        }
    }
    for (int i = 0; i < a->nsites; i++)
        cr_assert_eq(memcmp(&a->sites[i], &b->sites[i], sizeof a->sites[i]), 0, "site %d", i);
    cr_assert_eq(memcmp(&a->origin, &b->origin, sizeof a->origin), 0);
    cr_assert_eq(memcmp(&a->catalog, &b->catalog, sizeof a->catalog), 0);
    cr_assert_eq(memcmp(&a->encoding, &b->encoding, sizeof a->encoding), 0);
    cr_assert_eq(memcmp(&a->demand, &b->demand, sizeof a->demand), 0);
    cr_assert_eq(a->devices.nclasses, b->devices.nclasses);
    cr_assert_eq(memcmp(a->devices.classes, b->devices.classes, sizeof a->devices.classes), 0);
    cr_assert_eq(memcmp(a->devices.default_mix, b->devices.default_mix,
                        sizeof a->devices.default_mix), 0);
    for (int r = 0; r < a->nregions; r++)
        cr_assert_eq(memcmp(a->devices.mix[r], b->devices.mix[r], sizeof a->devices.mix[r]), 0);
    cr_assert_eq(a->devices.av1_capable, b->devices.av1_capable);
    cr_assert_eq(memcmp(&a->player, &b->player, sizeof a->player), 0);
    cr_assert_eq(a->steering, b->steering);
    cr_assert_eq(a->placement, b->placement);
    cr_assert_eq(a->network.share_period, b->network.share_period);
    cr_assert_eq(a->metrics.period, b->metrics.period);
    cr_assert_str_eq(a->resolved_json, b->resolved_json, "the resolved text is a fixed point");
}

static void round_trip(const char *rel, const char *const *sets, int nsets)
{
    struct scenario a, b;
    struct error err = {0};
    load_ok(rel, sets, nsets, &a);
    int rc = scenario_load_text("resolved.json", a.resolved_json, NULL, 0, &b, &err);
    cr_assert_eq(rc, 0, "%s resolved does not load: %s: %s\n%s", rel, err.path, err.msg,
                 a.resolved_json);
    assert_same(&a, &b);
    scenario_free(&a);
    scenario_free(&b);
}

Test(scenario, resolved_json_loads_back_to_the_same_struct)
{
    round_trip("scenarios/minimal.json", NULL, 0);
    round_trip("scenarios/quickstart.json", NULL, 0);
    round_trip("scenarios/country.json", NULL, 0);
}

Test(scenario, resolved_json_round_trips_awkward_values)
{
    const char *sets[] = {
        "regions.r1.subscribers=1234.5678", "regions.r1.utc_offset=+05:45",
        "regions.r1.diurnal=[0.1,0.2,0.3,0.0001,0.33333333333333331,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0.7]",
        "isps.0.share=0.1", "isps.0.access={\"median\": \"2.35Mbps\", \"sigma\": 0.123456789}",
        "isps.0.transit=1.1Tbps", "sites.0.ocas={\"count\": 3, \"storage\": \"512MiB\", \"egress\": \"123.456kbps\"}",
        "sites.1.ocas.storage=1.5GB", "duration=1d2h3m4.5s", "player.segment=2.002s",
        "player.buffer=1m30.25s", "player.startup=100ms", "network.share_period=10ms",
        "seed=9007199254740992", "sample=0.001", "description=quotes \" and \\\\ and\nnewlines",
        "catalog={\"titles\": 10000000, \"episode_duration\": \"22m30s\", \"film_duration\": \"2h\"}",
        "demand.watch_median=1.5h", "player.abr_safety=0.85",
    };
    round_trip("scenarios/minimal.json", sets, (int)(sizeof sets / sizeof sets[0]));
}

Test(scenario, resolved_json_prints_every_key_in_a_fixed_order)
{
    struct scenario s;
    load_ok("scenarios/minimal.json", NULL, 0, &s);
    const char *order[] = { "\"name\"", "\"description\"", "\"start\"", "\"duration\"", "\"seed\"",
                            "\"sample\"", "\"regions\"", "\"diurnal\"", "\"isps\"", "\"access\"",
                            "\"peering\"", "\"transit\"", "\"sites\"", "\"ocas\"", "\"origin\"",
                            "\"catalog\"", "\"popularity\"", "\"encoding\"", "\"devices\"",
                            "\"demand\"",
                            "\"player\"", "\"abr_safety\"", "\"steering\"", "\"placement\"",
                            "\"network\"", "\"share_period\"", "\"metrics\"", "\"period\"" };
    const char *at = s.resolved_json;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *p = strstr(at, order[i]);
        cr_assert_not_null(p, "%s missing or out of order in\n%s", order[i], s.resolved_json);
        at = p;
    }
    cr_assert(strstr(s.resolved_json, "\"storage\": \"120TB\""));
    cr_assert(strstr(s.resolved_json, "\"median\": \"25Mbps\""));
    cr_assert(strstr(s.resolved_json, "\"film_duration\": \"1h50m\""));
    scenario_free(&s);
}

Test(scenario, files_that_are_not_scenarios)
{
    struct scenario s;
    struct error err = {0};
    char name[256];
    cr_assert_eq(scenario_load("/nonexistent/x.json", NULL, 0, &s, &err), -1);
    cr_assert(strstr(err.msg, "cannot open"), "%s", err.msg);
    cr_assert_str_eq(err.file, "/nonexistent/x.json");
    cr_assert_eq(scenario_load("/tmp", NULL, 0, &s, &err), -1);
    cr_assert(strstr(err.msg, "is a directory"), "%s", err.msg);
    cr_assert(is_zeroed(&s));

    /* Over 64 MiB: refused before reading (a sparse file costs no disk). */
    th_tmpname(name, sizeof name, ".json");
    int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, (off_t)65 << 20), 0);
    close(fd);
    cr_assert_eq(scenario_load(name, NULL, 0, &s, &err), -1);
    cr_assert(strstr(err.msg, "over the limit of 64MiB"), "%s", err.msg);
    unlink(name);

    /* A NUL byte: not text. */
    FILE *f = fopen(name, "wb");
    cr_assert_not_null(f);
    fwrite("{\n \"a\"\0}", 1, 8, f);
    fclose(f);
    cr_assert_eq(scenario_load(name, NULL, 0, &s, &err), -1);
    cr_assert(strstr(err.msg, "NUL byte at line 2, column 5"), "%s", err.msg);
    unlink(name);

    cr_assert_eq(scenario_load_text("mem.json", NULL, NULL, 0, &s, &err), -1);
    cr_assert(strstr(err.msg, "empty file"), "%s", err.msg);
    cr_assert_str_eq(err.file, "mem.json");
}

Test(scenario, unknown_key_far_from_any_gets_no_guess)
{
    struct scenario s;
    struct error err = {0};
    const char *sets[] = { "zzzzzz=1" };
    char path[1024];
    cr_assert_eq(scenario_load(minimal_path(path, sizeof path), sets, 1, &s, &err), -1);
    cr_assert(strstr(err.msg, "unknown key \"zzzzzz\" (known keys here: name,"), "%s", err.msg);
    cr_assert_null(strstr(err.msg, "did you mean"), "%s", err.msg);
}

Test(scenario, seed_limits)
{
    struct scenario s;
    const char *top[] = { "seed=9007199254740992" }, *zero[] = { "seed=0" };
    load_ok("scenarios/minimal.json", top, 1, &s);
    cr_assert_eq(s.seed, UINT64_C(9007199254740992));
    scenario_free(&s);
    load_ok("scenarios/minimal.json", zero, 1, &s);
    cr_assert_eq(s.seed, 0);
    scenario_free(&s);
}

Test(scenario, shares_may_sum_to_one_within_rounding)
{
    /* 0.1 + 0.2 + 0.7 is 1.0000000000000002 in binary. */
    struct scenario s;
    struct error err = {0};
    const char *text = "{\"name\": \"n\", \"start\": \"2026-01-01T00:00:00Z\", \"duration\": \"1h\","
                       " \"regions\": [{\"id\": \"r\", \"subscribers\": 1}],"
                       " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 0.1},"
                       "  {\"id\": \"b\", \"region\": \"r\", \"share\": 0.2},"
                       "  {\"id\": \"c\", \"region\": \"r\", \"share\": 0.7}]}";
    cr_assert_eq(scenario_load_text("t.json", text, NULL, 0, &s, &err), 0, "%s", err.msg);
    scenario_free(&s);
}

/* Every prefix of a real scenario, and a deterministic spread of single
 * byte changes, must load or fail with a message; never crash, never leave
 * the struct half-filled (run under -fsanitize=address,undefined this also
 * proves the error paths free what they took). */
Test(scenario, truncations_and_byte_changes_fail_cleanly, .timeout = 120)
{
    char path[1024];
    FILE *f = fopen(th_path(path, sizeof path, "scenarios/quickstart.json"), "rb");
    cr_assert_not_null(f);
    static char text[1 << 16], copy[1 << 16];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    static const char subst[] = "{}[],:\"\\0-9e.x ";
    int loaded = 0, failed = 0;
    for (size_t cut = 0; cut <= len; cut++) {
        memcpy(copy, text, cut);
        copy[cut] = '\0';
        struct scenario s;
        struct error err = {0};
        if (scenario_load_text("cut.json", copy, NULL, 0, &s, &err) == 0) {
            loaded++;
            scenario_free(&s);
        } else {
            failed++;
            cr_assert_neq(err.msg[0], '\0', "no message for a cut at %zu", cut);
            cr_assert(is_zeroed(&s));
        }
    }
    for (size_t i = 0; i < len; i += 3) {
        memcpy(copy, text, len + 1);
        copy[i] = subst[i % (sizeof subst - 1)];
        struct scenario s;
        struct error err = {0};
        if (scenario_load_text("flip.json", copy, NULL, 0, &s, &err) == 0) {
            loaded++;
            scenario_free(&s);
        } else {
            failed++;
            cr_assert_neq(err.msg[0], '\0', "no message for a change at %zu", i);
            cr_assert(is_zeroed(&s));
        }
    }
    cr_assert_gt(failed, 0);
    cr_assert_gt(loaded, 0, "the whole text at least must load");
}

/* ---- the bad cases: each file in tests/data/bad is one ---- */

/* Reads a whole small file into a fresh string; NULL if absent. */
static char *slurp(const char *path)
{
    return th_slurp(path, NULL);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs one bad case; returns 1 when it behaves. */
static int run_bad_case(const char *dir, const char *name)
{
    char path[1024], expect_path[1024], set_path[1024];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    snprintf(expect_path, sizeof expect_path, "%s/%s.expect", dir, name);
    snprintf(set_path, sizeof set_path, "%s/%s.set", dir, name);
    char *expect = slurp(expect_path);
    cr_expect_not_null(expect, "%s has no .expect", name);
    if (!expect)
        return 0;
    expect[strcspn(expect, "\n")] = '\0';
    cr_expect_neq(expect[0], '\0', "%s.expect is empty", name);

    /* NAME.set: one KEY=VALUE a line; blank lines and lines starting
     * with # are skipped. */
    const char *sets[16];
    int nsets = 0;
    char *settext = slurp(set_path);
    for (char *line = settext ? strtok(settext, "\n") : NULL; line && nsets < 16;
         line = strtok(NULL, "\n"))
        if (line[0] && line[0] != '#')
            sets[nsets++] = line;

    struct scenario s;
    struct error err = {0};
    int rc = scenario_load(path, sets, nsets, &s, &err);
    int ok = rc == -1;
    cr_expect_eq(rc, -1, "%s was accepted", name);
    if (rc == 0)
        scenario_free(&s);
    char *text = printed(&err);
    char file[300];
    snprintf(file, sizeof file, "%s.json", name);
    int has_expect = strstr(text, expect) != NULL, has_file = strstr(text, file) != NULL;
    cr_expect(has_expect, "%s: expected \"%s\" in: %s", name, expect, text);
    cr_expect(has_file, "%s: the message does not name the file: %s", name, text);
    cr_expect(rc == 0 || is_zeroed(&s), "%s: a failed load leaves the struct empty", name);
    free(text);
    free(settext);
    free(expect);
    return ok && has_expect && has_file;
}

Test(scenario, every_bad_case_fails_with_its_message)
{
    char dir[512];
    th_path(dir, sizeof dir, "tests/data/bad");
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            names[n++] = strndup(e->d_name, len - 5);
        else if (len > 7 && strcmp(e->d_name + len - 7, ".expect") == 0) {
            /* Every .expect has its .json. */
            char json[1024];
            snprintf(json, sizeof json, "%s/%.*s.json", dir, (int)(len - 7), e->d_name);
            cr_expect_eq(access(json, F_OK), 0, "%s has no .json", e->d_name);
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_names);
    int good = 0;
    for (int i = 0; i < n; i++) {
        good += run_bad_case(dir, names[i]);
        free(names[i]);
    }
    cr_assert_geq(n, 20, "only %d bad cases", n);
    cr_assert_eq(good, n, "%d of %d bad cases misbehave", n - good, n);
}

Test(scenario, encoding_and_devices_round_trip)
{
    round_trip("scenarios/per-title-vs-fixed.json", NULL, 0);
    round_trip("scenarios/av1-rollout.json", NULL, 0);
    const char *sets[] = {
        "encoding.ladder=fixed",
        "encoding.bits_factor.av1=0.67",
        "devices.mix.r1={\"tv-4k\": 0.25, \"phone\": 0.75}",
        "devices.av1_capable=0.3",
    };
    round_trip("scenarios/minimal.json", sets, (int)(sizeof sets / sizeof sets[0]));
}
