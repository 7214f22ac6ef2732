/* tests/test_faults.c: what each fault does to the world, the impact
 * figures, and cost accounting against a hand-computed case. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/control_plane.h"
#include "models/cost.h"
#include "models/fault.h"
#include "models/network.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "helpers.h"
#include "world_run.h"

/* Two regions: r (ISP a, cluster a1, IX ix) and s (ISP b, IX ix2). */
static const char WORLD[] =
    "{\"name\": \"faults\", \"start\": \"2026-11-20T23:00:00Z\", \"duration\": \"%s\", \"seed\": 5,"
    " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": %d},"
    "               {\"id\": \"s\", \"utc_offset\": \"-03:00\", \"subscribers\": 1000}],"
    " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 1,"
    "             \"peering\": [{\"ix\": \"ix\", \"capacity\": \"4Gbps\"}], \"transit\": \"4Gbps\"},"
    "            {\"id\": \"b\", \"region\": \"s\", \"share\": 1,"
    "             \"peering\": [{\"ix\": \"ix2\", \"capacity\": \"4Gbps\"}], \"transit\": \"1Gbps\"}],"
    " \"sites\": [{\"id\": \"a1\", \"kind\": \"embedded\", \"isp\": \"a\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"4TB\", \"egress\": \"2Gbps\"}},"
    "             {\"id\": \"ix\", \"kind\": \"ix\", \"region\": \"r\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"8TB\", \"egress\": \"4Gbps\"}},"
    "             {\"id\": \"ix2\", \"kind\": \"ix\", \"region\": \"s\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"8TB\", \"egress\": \"10Gbps\"}}],"
    " \"catalog\": {\"titles\": 2000}, %s \"metrics\": {\"period\": \"60s\"}}";

static void start(struct world_run *r, const char *duration, int subscribers, const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text, WORLD, duration, subscribers, extra);
    wr_start(r, "faults.json", text);
}

Test(faults, degrade_scales_capacity_and_restores_it)
{
    struct world_run r;
    start(&r, "20m", 2000,
          "\"faults\": [{\"kind\": \"oca_degrade\", \"at\": \"5m\", \"for\": \"5m\", \"target\": \"a1/1\","
          " \"factor\": 0.25}, {\"kind\": \"link_degrade\", \"at\": \"6m\", \"for\": \"2m\","
          " \"target\": \"a/ix\", \"factor\": 0.5}],");
    struct world *w = r.w;
    uint32_t link = w->peering_link[0];
    wr_step(&r, S(299));
    cr_assert_float_eq(w->net.res[1].capacity_bps, 2e9, 1);
    wr_step(&r, S(420));
    cr_assert_float_eq(w->net.res[1].capacity_bps, 0.5e9, 1);
    cr_assert_float_eq(w->net.res[link].capacity_bps, 2e9, 1);
    wr_step(&r, S(601));
    cr_assert_float_eq(w->net.res[1].capacity_bps, 2e9, 1);
    cr_assert_float_eq(w->net.res[link].capacity_bps, 4e9, 1);
    wr_stop(&r);
}

Test(faults, leak_decays_with_load_served_and_recovers_on_restart)
{
    struct world_run r;
    start(&r, "30m", 6000,
          "\"faults\": [{\"kind\": \"oca_leak\", \"at\": \"5m\", \"for\": \"15m\", \"target\": \"a1/0\","
          " \"half_life\": \"2m\", \"floor\": 0.1}],");
    struct world *w = r.w;
    double nominal = 2e9;
    double prev = nominal;
    double bytes0 = 0;
    for (simtime t = S(300); t < S(1200); t += S(60)) {
        wr_step(&r, t);
        if (t == S(300))
            bytes0 = w->net.res[0].bytes_total;
        double cap = w->net.res[0].capacity_bps;
        cr_assert_leq(cap, prev * (1 + 1e-12), "egress never grows while leaking");
        cr_assert_geq(cap, nominal * 0.1 * (1 - 1e-12), "never below the floor");
        prev = cap;
    }
    /* The formula: 0.5^(L / half_life), L = bytes served since the start
     * over the nominal rate; exact at the last report (every 10 s, the
     * reports at 5 s past: the last before 1200 s is 1195 s). */
    wr_step(&r, S(1195) + 1);
    const struct fault_state *f = &w->faults->f[0];
    double load_s = (f->leak_last_bytes - bytes0) * 8 / nominal;
    double want = nominal * fmax(0.1, pow(0.5, load_s / 120.0));
    cr_log_info("after %.0f s of full-rate load: %.3g bps (of %.3g)", load_s,
                w->net.res[0].capacity_bps, nominal);
    cr_assert_gt(load_s, 0);
    cr_assert_float_eq(w->net.res[0].capacity_bps, want, want * 0.05);
    cr_assert_lt(w->net.res[0].capacity_bps, nominal * 0.9, "the leak bit");
    /* The leak is invisible to health reports: nominal capacity reported. */
    cr_assert_float_eq(w->cp->reported_bps[0], nominal, 1);
    wr_step(&r, S(1201));
    cr_assert_float_eq(w->net.res[0].capacity_bps, nominal, 1, "restarted");
    wr_stop(&r);
}

Test(faults, evacuation_moves_a_region_to_the_other_ix_and_back)
{
    struct world_run r;
    start(&r, "30m", 3000,
          "\"faults\": [{\"kind\": \"region_evacuation\", \"at\": \"5m\", \"for\": \"10m\","
          " \"target\": \"r\", \"to\": \"ix2\"}],");
    struct world *w = r.w;
    uint32_t ix2_first = w->sites[2].first_oca;
    /* Within one segment's wait after the start every session of ISP a is
     * served by ix2 (over its transit), the origin or nothing. */
    wr_step(&r, S(300) + S(70));
    int on_ix2 = 0;
    for (uint32_t id = 0; id < w->session_cap; id++) {
        const struct session *s = &w->sessions[id];
        if (s->phase == PH_FREE || s->isp != 0 || s->flow == NONE)
            continue;
        int at_ix2 = s->res[0] >= ix2_first && s->res[0] < ix2_first + 2;
        cr_assert(at_ix2 || s->tier == TIER_ORIGIN, "a session of a downloads from resource %u",
                  s->res[0]);
        if (at_ix2) {
            cr_assert_eq(s->res[1], w->isps[0].transit_link);
            on_ix2++;
        }
    }
    cr_assert_gt(on_ix2, 10);
    cr_assert_gt(w->faults->f[0].sessions_affected, 100);
    /* After it ends they come back home. */
    wr_step(&r, S(900) + S(70));
    for (uint32_t id = 0; id < w->session_cap; id++) {
        const struct session *s = &w->sessions[id];
        if (s->phase != PH_FREE && s->isp == 0 && s->flow != NONE)
            cr_assert(s->res[0] < ix2_first || s->res[0] >= ix2_first + 2,
                      "still on ix2 after the evacuation");
    }
    wr_stop(&r);
}

Test(faults, site_down_fails_sessions_when_every_url_fails)
{
    struct world_run r;
    /* Everything of ISP a down: cluster, IX and the origin: nowhere to go. */
    start(&r, "20m", 2000,
          "\"faults\": [{\"kind\": \"site_down\", \"at\": \"5m\", \"for\": \"10m\", \"target\": \"a1\"},"
          " {\"kind\": \"site_down\", \"at\": \"5m\", \"for\": \"10m\", \"target\": \"ix\"},"
          " {\"kind\": \"origin_down\", \"at\": \"5m\", \"for\": \"10m\"}],");
    struct world *w = r.w;
    wr_step(&r, S(300));
    cr_assert_eq(w->m.sessions_failed, 0);
    wr_step(&r, S(400));
    cr_assert_gt(w->m.sessions_failed, 50, "sessions failed: %llu",
                 (unsigned long long)w->m.sessions_failed);
    uint64_t failed = 0;
    for (int i = 0; i < 3; i++)
        failed += w->faults->f[i].sessions_failed;
    /* Sessions that were on a downed place are the faults'; new plays that
     * find an empty list belong to no single fault. */
    cr_assert_gt(failed, 0);
    cr_assert_leq(failed, w->m.sessions_failed);
    wr_stop(&r);
}

Test(faults, p95_is_the_nearest_rank)
{
    double v[100];
    for (int i = 0; i < 20; i++)
        v[i] = 20 - i;                          /* 20..1, unsorted */
    cr_assert_eq(cost_p95(v, 20), 19);          /* rank ceil(19) = 19 */
    for (int i = 0; i < 100; i++)
        v[i] = i + 1;
    cr_assert_eq(cost_p95(v, 100), 95);
    v[0] = 7;
    cr_assert_eq(cost_p95(v, 1), 7);
    for (int i = 0; i < 21; i++)
        v[i] = i + 1;
    cr_assert_eq(cost_p95(v, 21), 20);          /* ceil(19.95) = 20 */
}

static void put(struct cost_series *s, simtime t, double mbps)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->mbps = realloc(s->mbps, s->cap * sizeof *s->mbps);
        s->t = realloc(s->t, s->cap * sizeof *s->t);
        cr_assert(s->mbps && s->t);
    }
    s->mbps[s->n] = mbps;
    s->t[s->n++] = t;
}

Test(faults, cost_matches_a_hand_computed_bill)
{
    struct world_run r;
    start(&r, "2h", 100,
          "\"cdn\": {\"enabled\": true},"
          " \"cost\": {\"transit_per_gb\": 0.5, \"transit_per_mbps95\": 2, \"cdn_per_gb\": 0.03,"
          "            \"cdn_per_mbps95\": 1, \"sample\": \"5m\", \"billing_period\": \"1h\"},");
    struct world *w = r.w;
    struct cost *c = w->cost;
    cr_assert_eq(c->nseries, 3, "two transit links and the CDN");
    /* Transit of ISP a, two billing hours of twelve 5-minute samples:
     * hour 1: 1..12 Mbps -> rank ceil(11.4) = 12 -> 12 Mbps;
     * hour 2: ten at 50, two at 80 -> the 12th -> 80 Mbps. */
    for (int k = 0; k < 12; k++)
        put(&c->series[0], S(300) * k, k + 1);
    for (int k = 0; k < 12; k++)
        put(&c->series[0], S(3600) + S(300) * k, k < 10 ? 50 : 80);
    /* ISP b's transit: one sample of 40 Mbps. */
    put(&c->series[1], 0, 40);
    /* The CDN: 20 samples in hour 1, 1..20 -> rank 19 -> 19 Mbps. */
    for (int k = 0; k < 20; k++)
        put(&c->series[2], S(180) * k, k + 1);
    w->net.res[c->series[0].res].bytes_total = 5e9;     /* 5 GB */
    w->net.res[c->series[1].res].bytes_total = 1e9;
    w->net.res[c->series[2].res].bytes_total = 10e9;
    double transit, cdn, peak;
    cost_totals(w, &transit, &cdn, &peak);
    /* 6 GB x 0.5 + (12 + 80 + 40) Mbps x 2 = 3 + 264 */
    cr_assert_float_eq(transit, 267.0, 1e-9);
    /* 10 GB x 0.03 + 19 Mbps x 1 */
    cr_assert_float_eq(cdn, 19.3, 1e-9);
    wr_stop(&r);
}

Test(faults, the_three_scenarios_validate)
{
    const char *names[] = { "oca-failure", "peering-cut", "firmware-leak", "oca-errors" };
    for (int i = 0; i < 4; i++) {
        char cmd[1400], out[8192], path[256];
        snprintf(path, sizeof path, "scenarios/%s.json", names[i]);
        char full[512];
        snprintf(cmd, sizeof cmd, "%s validate %s", th_bin(), th_path(full, sizeof full, path));
        cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s: %s", names[i], out);
        cr_assert(strstr(out, "\"faults\""), "%s resolves its faults", names[i]);
    }
}

Test(faults, rebuffer_added_is_part_of_the_run_s_rebuffer)
{
    struct world_run r;
    /* nearest keeps sending segments to the dead OCA: each waits 4 s, and
     * sessions short of buffer stall. */
    start(&r, "20m", 4000,
          "\"player\": {\"buffer\": \"8s\"}, \"steering\": {\"policy\": \"nearest\"},"
          " \"faults\": [{\"kind\": \"oca_down\", \"at\": \"5m\", \"for\": \"5m\", \"target\": \"a1/0\"}],");
    struct world *w = r.w;
    wr_step(&r, r.sc.duration);
    cr_assert_eq(world_finish(w), 0);
    double added_us = w->faults->f[0].rebuffer_added_us;
    cr_log_info("rebuffer added %.1f s of the run's %.1f s", added_us / 1e6, w->m.rebuffer_us / 1e6);
    cr_assert_gt(added_us, 0);
    cr_assert_leq(added_us, w->m.rebuffer_us * (1 + 1e-12));
    wr_stop(&r);
}

/* One integer or real from a query, as a double. */
static double q(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s", sql);
    double v = sqlite3_column_type(s, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

Test(faults, the_database_has_impact_rows_and_markers)
{
    char db[256], cmd[2048], out[8192], scen[512];
    th_tmpname(db, sizeof db, ".db");
    snprintf(cmd, sizeof cmd,
             "%s run %s --db %s --quiet --set 'faults=[{\"kind\": \"oca_down\", \"at\": \"10m\","
             " \"for\": \"5m\", \"target\": \"isp-a-1/0\"}]'",
             th_bin(), th_path(scen, sizeof scen, "scenarios/minimal.json"), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    sqlite3 *d;
    cr_assert_eq(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(q(d, "SELECT count(*) FROM faults"), 1);
    cr_assert_eq(q(d, "SELECT start_s FROM faults"), 600);
    cr_assert_eq(q(d, "SELECT end_s FROM faults"), 900);
    cr_assert_eq(q(d, "SELECT seen_s FROM faults"), 605, "reports every 10 s from 5 s");
    cr_assert_gt(q(d, "SELECT sessions_affected FROM faults"), 0);
    cr_assert_eq(q(d, "SELECT t_s FROM markers WHERE kind = 'fault_start'"), 600);
    cr_assert_eq(q(d, "SELECT t_s FROM markers WHERE kind = 'reported_down'"), 605);
    cr_assert_eq(q(d, "SELECT t_s FROM markers WHERE kind = 'fault_end'"), 900);
    cr_assert_eq(q(d, "SELECT t_s FROM markers WHERE kind = 'reported_up'"), 905);
    cr_assert_eq(q(d, "SELECT value FROM summary WHERE metric = 'sessions.failovers'"),
                 q(d, "SELECT sum(failovers) FROM sessions"));
    sqlite3_close(d);
    unlink(db);
}

/* Fill transfers in flight over resource res, and how many of them move. */
static int fills_on(const struct world *w, uint32_t res, int *moving)
{
    int n = 0;
    *moving = 0;
    for (uint32_t f = 0; f < w->net.flow_top; f++) {
        const struct flow *fl = &w->net.flows[f];
        if (fl->session == FLOW_FILL && (fl->res[0] == res || fl->res[1] == res)) {
            n++;
            *moving += fl->rate_bps > 0;
        }
    }
    return n;
}

/* A peering cut inside the fill window: the embedded cluster's fills over
 * that link stall (no bytes, no session touched: a fill carries none) and
 * resume when the link comes back. Before, cutting a resource read fills
 * as sessions, out of bounds. */
Test(faults, a_cut_during_the_fill_window_stalls_fills_and_they_resume)
{
    struct world_run r;
    /* Local 20:00 at the start: the window opens two minutes in. */
    start(&r, "1h", 2000,
          "\"placement\": {\"policy\": \"popularity\", \"forecast\": \"catalog\","
          " \"forecast_error\": 1.0, \"fill_window\": [\"20:02\", \"21:00\"],"
          " \"fill_rate\": {\"storage\": \"200Mbps\"}},"
          " \"faults\": [{\"kind\": \"link_down\", \"at\": \"10m\", \"for\": \"10m\", \"target\": \"a/ix\"}],");
    struct world *w = r.w;
    uint32_t link = w->peering_link[0];
    int moving;
    wr_step(&r, S(9 * 60));
    double before = w->m.bytes_tier[TIER_FILL];
    cr_assert_gt(fills_on(w, link, &moving), 0, "no fill over the peering link before the cut");
    cr_assert_gt(moving, 0);
    wr_step(&r, S(15 * 60));
    int during = fills_on(w, link, &moving);
    cr_log_info("fills over the cut link: %d, %d moving", during, moving);
    cr_assert_eq(moving, 0, "a fill moves over a link that is down");
    double cut = w->m.bytes_tier[TIER_FILL];
    cr_assert_geq(cut, before);
    wr_step(&r, S(30 * 60));
    cr_assert_gt(w->m.bytes_tier[TIER_FILL], cut, "fills did not resume after the link came back");
    wr_run_to_end(&r);
    cr_assert_eq(world_finish(w), 0);
    wr_stop(&r);
}
