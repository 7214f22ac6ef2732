/* tests/test_steering.c: the control plane and client failover.
 *
 * A small world (one ISP, an embedded cluster of two OCAs, an IX, the
 * origin) run step by step, with faults, checking the properties issue #6
 * names: after a report shows an OCA down no download goes to it; every
 * session on a failed OCA moves within timeout + one download or fails;
 * bytes are conserved under faults; the QoE drain moves load away from a
 * degraded cluster and back after recovery; the policies order lists as
 * they say. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/control_plane.h"
#include "models/fault.h"
#include "models/placement.h"
#include "models/steering.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "world_run.h"

static const char WORLD[] =
    "{\"name\": \"steer\", \"start\": \"2026-11-20T23:00:00Z\", \"duration\": \"%s\", \"seed\": 3,"
    " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": %d}],"
    " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 1,"
    "             \"peering\": [{\"ix\": \"ix\", \"capacity\": \"4Gbps\"}], \"transit\": \"2Gbps\"}],"
    " \"sites\": [{\"id\": \"a1\", \"kind\": \"embedded\", \"isp\": \"a\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"4TB\", \"egress\": \"2Gbps\"}},"
    "             {\"id\": \"ix\", \"kind\": \"ix\", \"region\": \"r\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"8TB\", \"egress\": \"4Gbps\"}}],"
    " \"catalog\": {\"titles\": 2000}, %s \"metrics\": {\"period\": \"60s\"}}";

static void start(struct world_run *r, const char *duration, int subscribers, const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text, WORLD, duration, subscribers, extra);
    wr_start(r, "steer.json", text);
}

/* Flows in flight over resource res. */
static uint32_t flows_on(const struct world *w, uint32_t res)
{
    uint32_t n = 0;
    for (uint32_t f = 0; f < w->net.flow_top; f++)
        if (w->net.flows[f].session != NONE
            && (w->net.flows[f].res[0] == res || w->net.flows[f].res[1] == res))
            n++;
    return n;
}

/* OCA a1/0 dies at 10 min; reports every 10 s, the first at 5 s. */
static const char OCA_DOWN[] =
    "\"steering\": {\"policy\": \"%s\"},"
    " \"faults\": [{\"kind\": \"oca_down\", \"at\": \"10m\", \"for\": \"10m\", \"target\": \"a1/0\"}],";

static uint64_t failed_urls_after_report(const char *policy)
{
    struct world_run r;
    char extra[512];
    snprintf(extra, sizeof extra, OCA_DOWN, policy);
    start(&r, "30m", 4000, extra);
    struct world *w = r.w;
    wr_step(&r, S(605) + 1);               /* the first report after the failure */
    cr_assert(w->cp->view[0] & VIEW_DOWN, "the report at 605 s shows a1/0 down");
    uint64_t at_report = w->faults->f[0].failovers;
    cr_assert_gt(at_report, 0, "sessions on a1/0 failed over");
    /* Until the OCA comes back, nothing goes to it. */
    for (simtime t = S(606); t < S(1200); t += S(1)) {
        wr_step(&r, t);
        cr_assert_eq(flows_on(w, 0), 0, "a flow on the dead OCA at %.0f s", simtime_to_s(t));
    }
    uint64_t later = w->faults->f[0].failovers - at_report;
    wr_stop(&r);
    return later;
}

Test(steering, no_download_to_an_oca_reported_down)
{
    /* Retries already waiting out their timeout at the report land on the
     * next URL, never on a1/0: no URL fails on it after the report. */
    cr_assert_eq(failed_urls_after_report("nearest-healthy"), 0);
    cr_assert_eq(failed_urls_after_report("least-loaded"), 0);
    /* The property can fail: `nearest` ignores reports and keeps trying. */
    cr_assert_gt(failed_urls_after_report("nearest"), 0);
}

Test(steering, sessions_on_a_failed_oca_move_within_timeout_and_one_download)
{
    struct world_run r;
    char extra[512];
    snprintf(extra, sizeof extra, OCA_DOWN, "nearest-healthy");
    start(&r, "30m", 4000, extra);
    struct world *w = r.w;
    wr_step(&r, S(600));                   /* just before the failure */
    enum { MAX = 4096 };
    static uint32_t slot[MAX];
    static int64_t dbid[MAX];
    static uint32_t segs[MAX];
    int n = 0;
    for (uint32_t f = 0; f < w->net.flow_top && n < MAX; f++)
        if (w->net.flows[f].session != NONE && w->net.flows[f].res[0] == 0) {
            slot[n] = w->net.flows[f].session;
            dbid[n] = w->session_ids[slot[n]];
            segs[n] = w->sessions[slot[n]].segments;
            n++;
        }
    cr_assert_gt(n, 10, "sessions downloading from a1/0 at the failure: %d", n);
    /* Timeout (4 s) later each has moved: a download elsewhere, or ended. */
    wr_step(&r, S(604) + 1);
    for (int i = 0; i < n; i++) {
        const struct session *s = &w->sessions[slot[i]];
        if (s->phase == PH_FREE || w->session_ids[slot[i]] != dbid[i])
            continue;                   /* ended (completed or failed) */
        cr_assert_neq(s->res[0], 0, "session %lld still on a1/0", (long long)dbid[i]);
        cr_assert(s->flow != NONE, "session %lld has no download after the timeout",
                  (long long)dbid[i]);
    }
    /* One download later (a segment's download at the slowest rate a
     * session got here takes well under 30 s) every one has a new segment. */
    wr_step(&r, S(634));
    for (int i = 0; i < n; i++) {
        const struct session *s = &w->sessions[slot[i]];
        if (s->phase == PH_FREE || w->session_ids[slot[i]] != dbid[i])
            continue;
        cr_assert_gt(s->segments, segs[i], "session %lld got no segment since the failure",
                     (long long)dbid[i]);
    }
    wr_stop(&r);
}

Test(steering, bytes_are_conserved_under_faults)
{
    struct world_run r;
    start(&r, "40m", 6000,
          "\"faults\": [{\"kind\": \"oca_down\", \"at\": \"5m\", \"for\": \"10m\", \"target\": \"a1/0\"},"
          " {\"kind\": \"site_down\", \"at\": \"12m\", \"for\": \"5m\", \"target\": \"ix\"},"
          " {\"kind\": \"link_down\", \"at\": \"20m\", \"for\": \"3m\", \"target\": \"a/transit\"},"
          " {\"kind\": \"oca_degrade\", \"at\": \"25m\", \"for\": \"5m\", \"target\": \"a1/1\", \"factor\": 0.2},"
          " {\"kind\": \"origin_down\", \"at\": \"31m\", \"for\": \"2m\"}],");
    struct world *w = r.w;
    for (simtime t = S(60); t <= S(2400); t += S(60)) {
        wr_step(&r, t);
        double inflight = 0;
        for (uint32_t f = 0; f < w->net.flow_top; f++)
            if (w->net.flows[f].session != NONE)
                inflight += w->net.flows[f].remaining;
        double tiers = 0;
        for (int k = 0; k < TIER_COUNT; k++)
            tiers += w->m.bytes_tier[k];
        double req = w->m.bytes_requested;
        cr_assert_float_eq(tiers + w->m.bytes_cut + inflight, req, req * 1e-9,
                           "at %.0f s: %.6g served + %.6g cut + %.6g in flight != %.6g requested",
                           simtime_to_s(t), tiers, w->m.bytes_cut, inflight, req);
    }
    cr_assert_gt(w->m.bytes_cut, 0, "the faults cut downloads short");
    cr_assert_gt(w->m.failovers, 0);
    cr_assert_eq(world_finish(w), 0);
    double tiers = 0;
    for (int k = 0; k < TIER_COUNT; k++)
        tiers += w->m.bytes_tier[k];
    cr_assert_float_eq(tiers + w->m.bytes_cut, w->m.bytes_requested, w->m.bytes_requested * 1e-9);
    wr_stop(&r);
}

/* Downloads sent to the cluster a1 (site 0) over [a, b). */
static double cluster_load(struct world_run *r, simtime a, simtime b)
{
    wr_step(r, a);
    uint64_t x = r->w->cp->requests[0];
    wr_step(r, b);
    return (double)(r->w->cp->requests[0] - x);
}

struct drain_run { double before, during, after; simtime drained_at, undrained; };

static struct drain_run run_drain(const char *policy)
{
    struct world_run r;
    char extra[1024];
    /* Both OCAs of a1 drop to 2% of their egress for 10 minutes: they still
     * report nominal capacity (a leak's blind spot), so only the telemetry
     * can see it. */
    snprintf(extra, sizeof extra,
             "\"steering\": {\"drain\": {\"policy\": \"%s\", \"window\": \"30s\","
             " \"min_samples\": 20, \"hold\": \"2m\"}},"
             " \"faults\": [{\"kind\": \"oca_leak\", \"at\": \"10m\", \"for\": \"10m\","
             " \"target\": \"a1/0\", \"half_life\": \"1s\", \"floor\": 0.02},"
             " {\"kind\": \"oca_leak\", \"at\": \"10m\", \"for\": \"10m\", \"target\": \"a1/1\","
             " \"half_life\": \"1s\", \"floor\": 0.02}],", policy);
    start(&r, "50m", 6000, extra);
    struct drain_run d = { 0 };
    d.before = cluster_load(&r, S(300), S(600));
    cr_assert_eq(r.w->cp->drained_at[0], -1, "healthy: not drained");
    d.during = cluster_load(&r, S(900), S(1200));
    d.drained_at = r.w->cp->drained_at[0];
    wr_step(&r, S(1500));                  /* restarted at 1200, then hold and a window */
    d.undrained = r.w->cp->drained_at[0];
    d.after = cluster_load(&r, S(1800), S(2100));
    wr_stop(&r);
    cr_log_info("%s: downloads sent to a1: %.1f before, %.1f during, %.1f after",
                policy, d.before, d.during, d.after);
    return d;
}

Test(steering, drain_moves_load_away_from_a_degraded_cluster_and_back)
{
    struct drain_run off = run_drain("off"), qoe = run_drain("qoe");
    cr_assert_eq(off.drained_at, -1);
    cr_assert_geq(qoe.drained_at, S(600), "drained during the leak");
    /* Downloads in flight stay (a slow download is not a failed one); new
     * ones for the titles the IX also holds go there instead. */
    cr_assert_lt(qoe.during, off.during * 0.5, "load moved away: %.1f vs %.1f without the drain",
                 qoe.during, off.during);
    cr_assert_eq(qoe.undrained, -1, "undrained after recovery");
    cr_assert_gt(qoe.after, qoe.before * 0.6, "load came back: %.1f before, %.1f after",
                 qoe.before, qoe.after);
}

Test(steering, policies_order_lists_as_they_say)
{
    struct world_run r;
    start(&r, "10m", 100, "\"cdn\": {\"enabled\": true, \"capacity\": \"1Gbps\"},");
    struct world *w = r.w;
    struct control_plane *cp = w->cp;
    struct steer_list l = { 0 };
    /* A title held by the cluster and the IX. */
    uint32_t t = 0;
    for (; t < (uint32_t)w->ntitles; t++) {
        control_plane_rank(w, 0, t, STEER_LIST_MAX, &l);
        if (l.n == 4)
            break;
    }
    cr_assert_eq(l.n, 4, "embedded, IX, origin, CDN");
    cr_assert_eq(l.e[0].tier, TIER_EMBEDDED);
    cr_assert_eq(l.e[1].tier, TIER_IX);
    cr_assert_eq(l.e[2].tier, TIER_ORIGIN);
    cr_assert_eq(l.e[3].tier, TIER_CDN);
    uint32_t emb = l.e[0].res0, ix = l.e[1].res0;
    /* Overloaded: moved below the IX, above the origin. */
    cp->view[emb] = VIEW_OVERLOADED;
    control_plane_rank(w, 0, t, STEER_LIST_MAX, &l);
    cr_assert_eq(l.e[0].res0, ix);
    cr_assert_eq(l.e[1].res0, emb);
    cr_assert_eq(l.e[2].tier, TIER_ORIGIN);
    /* Down: dropped; the origin down too leaves the CDN. */
    cp->view[emb] = VIEW_DOWN;
    cp->view[ix] = VIEW_DOWN;
    cp->view[w->origin_res] = VIEW_DOWN;
    control_plane_rank(w, 0, t, STEER_LIST_MAX, &l);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.e[0].tier, TIER_CDN);
    wr_stop(&r);
    /* nearest ignores every report. */
    start(&r, "10m", 100, "\"steering\": {\"policy\": \"nearest\"},");
    w = r.w;
    control_plane_rank(w, 0, t, STEER_LIST_MAX, &l);
    int n = l.n;
    for (uint32_t x = 0; x < w->net.nres; x++)
        w->cp->view[x] = VIEW_DOWN;
    control_plane_rank(w, 0, t, STEER_LIST_MAX, &l);
    cr_assert_eq(l.n, n);
    cr_assert_eq(l.e[0].tier, TIER_EMBEDDED);
    wr_stop(&r);
}

/* Gives file f to every OCA of site (a test's shortcut past placement). */
static void hold_everywhere(struct world *w, int site, uint32_t f)
{
    for (uint32_t k = 0; k < w->sites[site].noca; k++)
        placement_set_held(w, w->sites[site].first_oca + k, f, 1);
}

static uint32_t first_ix(const char *policy, float util0, float util1)
{
    struct world_run r;
    char extra[128];
    snprintf(extra, sizeof extra, "\"steering\": {\"policy\": \"%s\"},", policy);
    start(&r, "10m", 100, extra);
    struct world *w = r.w;
    /* A file of the least popular title: on no cache. */
    uint32_t t = placement_file_of_title(w, (uint32_t)w->ntitles - 1, CODEC_AVC, 0);
    hold_everywhere(w, 1, t);                   /* site 1 is the IX: both its OCAs */
    uint32_t ix0 = w->sites[1].first_oca;
    w->cp->util[ix0] = util0;
    w->cp->util[ix0 + 1] = util1;
    struct steer_list l;
    control_plane_rank(w, 0, t, STEER_LIST_MAX, &l);
    cr_assert_eq(l.e[0].tier, TIER_IX);
    cr_assert_eq(l.e[1].tier, TIER_IX);
    uint32_t first = l.e[0].res0 - ix0;
    wr_stop(&r);
    return first;
}

Test(steering, least_loaded_prefers_the_lower_reported_utilization_within_a_tier)
{
    /* nearest-healthy keeps the rendezvous order whatever the load... */
    uint32_t hrw = first_ix("nearest-healthy", 0.8f, 0.1f);
    cr_assert_eq(first_ix("nearest-healthy", 0.1f, 0.8f), hrw);
    /* ...least-loaded follows the reports. */
    cr_assert_eq(first_ix("least-loaded", 0.8f, 0.1f), 1);
    cr_assert_eq(first_ix("least-loaded", 0.1f, 0.8f), 0);
}

Test(steering, control_plane_down_fails_new_plays)
{
    struct world_run r;
    start(&r, "20m", 4000,
          "\"demand\": {\"warm_start\": false},"
          " \"control_plane\": {\"timeout\": \"5s\"},"
          " \"faults\": [{\"kind\": \"control_plane_down\", \"at\": \"5m\", \"for\": \"5m\"}],");
    struct world *w = r.w;
    wr_step(&r, S(300));
    uint64_t failed = w->m.sessions_failed;
    cr_assert_eq(failed, 0);
    wr_step(&r, S(600) + S(5));
    cr_assert_gt(w->m.sessions_failed, 10, "plays during the outage failed: %llu",
                 (unsigned long long)w->m.sessions_failed);
    cr_assert_eq(w->cp->plays_timed_out, w->m.sessions_failed);
    uint64_t at_end = w->m.sessions_failed;
    wr_step(&r, S(1200));
    cr_assert_eq(w->m.sessions_failed, at_end, "plays are answered again");
    wr_stop(&r);
}

Test(steering, request_queue_answers_at_capacity_and_times_out_beyond)
{
    struct world_run r;
    start(&r, "10m", 100, "\"control_plane\": {\"capacity\": 10, \"timeout\": \"1s\"},");
    struct world *w = r.w;
    simtime at;
    int answered = 0;
    /* 20 requests at one instant: 10 per second, a 1 s timeout: the first
     * 10 are answered 0.1 s apart, the rest never. */
    for (int i = 0; i < 20; i++)
        if (control_plane_play(w, S(100), &at) == 0) {
            answered++;
            cr_assert_eq(at, S(100) + (simtime)answered * 100000);
        }
    cr_assert_eq(answered, 10);
    wr_stop(&r);
}
