/* tests/test_fault_impact.c: recent errors in health reports (oca_errors,
 * VIEW_ERRORS), the impact rows' bytes_moved and rebuffer_added_s, and
 * overlapping faults on one OCA composing. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/control_plane.h"
#include "models/fault.h"
#include "models/network.h"
#include "models/player.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "world_run.h"

/* Region r: ISP a, its cluster a1 (%s: OCA count, storage, egress), IX ix.
 * Region s: ISP b, IX ix2 only, so ix and a's transit carry a's sessions
 * alone. */
static const char WORLD[] =
    "{\"name\": \"impact\", \"start\": \"2026-11-20T23:00:00Z\", \"duration\": \"20m\", \"seed\": 9,"
    " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": %d},"
    "               {\"id\": \"s\", \"utc_offset\": \"-03:00\", \"subscribers\": 1000}],"
    " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 1,"
    "             \"peering\": [{\"ix\": \"ix\", \"capacity\": \"40Gbps\"}], \"transit\": \"40Gbps\"},"
    "            {\"id\": \"b\", \"region\": \"s\", \"share\": 1,"
    "             \"peering\": [{\"ix\": \"ix2\", \"capacity\": \"4Gbps\"}], \"transit\": \"1Gbps\"}],"
    " \"sites\": [{\"id\": \"a1\", \"kind\": \"embedded\", \"isp\": \"a\", \"ocas\": %s},"
    "             {\"id\": \"ix\", \"kind\": \"ix\", \"region\": \"r\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"400TB\", \"egress\": \"40Gbps\"}},"
    "             {\"id\": \"ix2\", \"kind\": \"ix\", \"region\": \"s\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"400TB\", \"egress\": \"10Gbps\"}}],"
    " \"catalog\": {\"titles\": 2000}, %s \"metrics\": {\"period\": \"60s\"}}";

#define BIG_OCA "{\"count\": 1, \"storage\": \"400TB\", \"egress\": \"100Gbps\"}"
#define TWO_OCAS "{\"count\": 2, \"storage\": \"400TB\", \"egress\": \"20Gbps\"}"

static void start(struct world_run *r, int subscribers, const char *ocas, const char *extra)
{
    char text[8192];
    int n = snprintf(text, sizeof text, WORLD, subscribers, ocas, extra);
    cr_assert_lt(n, (int)sizeof text, "scenario text too long");
    wr_start(r, "impact.json", text);
}

static uint32_t oca_res(const struct world *w, int site, uint32_t k)
{
    return w->ocas[w->sites[site].first_oca + k].resource;
}

/* Bytes the resources ISP a reaches beyond its cluster have carried: the
 * IX site's OCAs and a's transit (to the origin). */
static double beyond_cluster_bytes(struct world *w)
{
    network_settle(w, w->engine->now);
    double b = w->net.res[w->isps[0].transit_link].bytes_total;
    for (uint32_t k = 0; k < w->sites[1].noca; k++)
        b += w->net.res[oca_res(w, 1, k)].bytes_total;
    return b;
}

static int beyond_cluster(const struct world *w, const struct flow *f)
{
    return f->res[0] == oca_res(w, 1, 0) || f->res[0] == oca_res(w, 1, 1)
           || f->res[1] == w->isps[0].transit_link;
}

/* The hand-checkable case: one OCA in a1 holds every title and has room
 * for all, so every session of ISP a has it as its home and nothing of a
 * goes elsewhere before the fault. While it is down, every byte the IX and
 * the origin serve a's sessions is moved: bytes_moved (downloads completed
 * during the fault) = what those resources carried during it minus what
 * the downloads still in flight at its end have received so far. */
Test(fault_impact, bytes_moved_is_what_other_tiers_served_the_target_s_sessions)
{
    struct world_run r;
    start(&r, 6000, BIG_OCA,
          "\"faults\": [{\"kind\": \"oca_down\", \"at\": \"5m\", \"for\": \"10m\", \"target\": \"a1/0\"}],");
    struct world *w = r.w;
    wr_step(&r, S(300));
    cr_assert_eq(beyond_cluster_bytes(w), 0, "before the fault a's sessions stay home");
    wr_step(&r, S(900));               /* the fault's end event is at 900 s: not yet run */
    double carried = beyond_cluster_bytes(w);
    double in_flight = 0;
    for (uint32_t fid = 0; fid < w->net.flow_top; fid++) {
        const struct flow *f = &w->net.flows[fid];
        if (f->session != NONE && beyond_cluster(w, f))
            in_flight += f->bytes - f->remaining;
    }
    double moved = w->faults->f[0].bytes_moved;
    cr_log_info("carried %.4g B during the fault, %.4g B of it in flight at the end, moved %.4g B",
                carried, in_flight, moved);
    cr_assert_gt(moved, 1e9, "the fault moved traffic");
    cr_assert_float_eq(moved, carried - in_flight, carried * 1e-6);
    /* After the end nothing more is counted. */
    wr_step(&r, S(1000));
    cr_assert_float_eq(w->faults->f[0].bytes_moved, moved, moved * 1e-6);
    wr_stop(&r);
}

/* A degraded cache still serves: sessions on it stay on its tier, so
 * bytes_moved counts only what the overload moved elsewhere and is never
 * negative; with the degradation mild enough to leave it unloaded, zero. */
Test(fault_impact, a_mild_degradation_moves_nothing)
{
    struct world_run r;
    start(&r, 6000, BIG_OCA,
          "\"faults\": [{\"kind\": \"oca_degrade\", \"at\": \"5m\", \"for\": \"10m\", \"target\": \"a1/0\","
          " \"factor\": 0.9}],");
    wr_step(&r, r.sc.duration);
    cr_assert_eq(r.w->faults->f[0].bytes_moved, 0);
    wr_stop(&r);
}

/* oca_errors: half the downloads of a1/0 get no bytes. The OCA stays up,
 * its reports carry the error rate, and nearest-healthy moves it down
 * (nearest ignores reports and keeps sending plays to it). */
static void errors_run(const char *policy, double *served, double *reported_rate, int *flagged,
                       uint64_t *failovers, simtime *seen)
{
    char extra[512];
    snprintf(extra, sizeof extra,
             "\"steering\": {\"policy\": \"%s\", \"errors\": {\"min_downloads\": 5}}, \"faults\": [{\"kind\": \"oca_errors\", \"at\": \"5m\","
             " \"for\": \"10m\", \"target\": \"a1/0\", \"rate\": 0.5}],", policy);
    struct world_run r;
    start(&r, 8000, TWO_OCAS, extra);
    struct world *w = r.w;
    uint32_t res = oca_res(w, 0, 0);
    wr_step(&r, S(300));
    cr_assert_eq(w->cp->view[res] & VIEW_ERRORS, 0, "no errors before the fault");
    cr_assert_eq(w->cp->error_rate[res], 0);
    double before;
    wr_step(&r, S(315) + 1);           /* the report at 315 s covers 305-315 s */
    *reported_rate = w->cp->error_rate[res];
    *flagged = (w->cp->view[res] & VIEW_ERRORS) != 0;
    /* From the next report on, every session has asked again. */
    wr_step(&r, S(325) + 1);
    network_settle(w, w->engine->now);
    before = w->net.res[res].bytes_total;
    wr_step(&r, S(900));
    network_settle(w, w->engine->now);
    *served = w->net.res[res].bytes_total - before;
    *failovers = w->faults->f[0].failovers;
    *seen = w->faults->f[0].seen_at;
    wr_step(&r, S(1000));
    cr_assert_eq(w->cp->fail_share[res], 0, "the fault's end clears its failures");
    cr_assert_eq(w->cp->view[res] & VIEW_ERRORS, 0, "and its reports come back clean");
    wr_stop(&r);
}

Test(fault_impact, recent_errors_are_reported_and_steered_around)
{
    double served_h, served_n, rate_h, rate_n;
    int flag_h, flag_n;
    uint64_t fo_h, fo_n;
    simtime seen_h, seen_n;
    errors_run("nearest-healthy", &served_h, &rate_h, &flag_h, &fo_h, &seen_h);
    errors_run("nearest", &served_n, &rate_n, &flag_n, &fo_n, &seen_n);
    cr_log_info("a1/0 served %.4g B (nearest-healthy) vs %.4g B (nearest); reported error rate"
                " %.3f / %.3f; failovers %llu / %llu", served_h, served_n, rate_h, rate_n,
                (unsigned long long)fo_h, (unsigned long long)fo_n);
    cr_assert(flag_n && flag_h, "the report at 315 s shows the errors");
    cr_assert_float_eq(rate_n, 0.5, 0.15, "the reported rate is the fault's");
    cr_assert_eq(seen_h, S(305), "seen at the first report");
    cr_assert_lt(served_h, 0.5 * served_n, "nearest-healthy moves the failing OCA down");
    cr_assert_lt(fo_h, fo_n, "so fewer downloads fail");
    cr_assert_gt(fo_h, 0);
}

/* Overlapping degradations and a leak on one OCA: capacity is nominal x
 * the product of the factors in force, whichever ends first. */
Test(fault_impact, overlapping_degradations_compose)
{
    struct world_run r;
    start(&r, 2000, TWO_OCAS,
          "\"faults\": [{\"kind\": \"oca_degrade\", \"at\": \"2m\", \"for\": \"6m\", \"target\": \"a1/0\","
          " \"factor\": 0.5},"
          " {\"kind\": \"oca_degrade\", \"at\": \"4m\", \"for\": \"8m\", \"target\": \"a1/0\","
          " \"factor\": 0.25},"
          " {\"kind\": \"oca_leak\", \"at\": \"5m\", \"for\": \"2m\", \"target\": \"a1/0\","
          " \"half_life\": \"10s\", \"floor\": 0.2}],");
    struct world *w = r.w;
    uint32_t res = oca_res(w, 0, 0);
    double nominal = 20e9;
    const struct resource *x = &w->net.res[res];
    wr_step(&r, S(150));
    cr_assert_float_eq(x->capacity_bps, nominal * 0.5, 1);
    cr_assert_eq(w->cp->res_fault[res], 0);
    wr_step(&r, S(270));
    cr_assert_float_eq(x->capacity_bps, nominal * 0.125, 1, "both degradations");
    cr_assert_eq(w->cp->res_fault[res], 1, "charged to the latest");
    wr_step(&r, S(400));
    double leak = w->faults->f[2].leak_factor;
    cr_assert_lt(leak, 1, "the leak has bitten");
    cr_assert_float_eq(x->capacity_bps, nominal * 0.125 * leak, 1, "degrade x degrade x leak");
    cr_assert_float_eq(w->cp->reported_bps[res], nominal * 0.125, 1, "the leak is not reported");
    wr_step(&r, S(430));               /* the leak restarted at 420 s */
    cr_assert_float_eq(x->capacity_bps, nominal * 0.125, 1);
    wr_step(&r, S(500));               /* the first degradation ended at 480 s, the second holds */
    cr_assert_float_eq(x->capacity_bps, nominal * 0.25, 1);
    cr_assert_float_eq(w->cp->reported_bps[res], nominal * 0.25, 1);
    cr_assert_eq(w->cp->res_fault[res], 1);
    wr_step(&r, S(730));
    cr_assert_float_eq(x->capacity_bps, nominal, 1);
    cr_assert_eq(w->cp->res_fault[res], -1);
    wr_stop(&r);
}

/* rebuffer_added_s is kept for every fault (the 31st here), and a
 * degradation adds the stall of the downloads its target served. */
Test(fault_impact, rebuffer_added_for_every_fault_and_for_degradations)
{
    char extra[8192];
    size_t n = (size_t)snprintf(extra, sizeof extra,
                                "\"player\": {\"buffer\": \"8s\"}, \"steering\": {\"policy\": \"nearest\"},"
                                " \"faults\": [");
    for (int i = 0; i < 30; i++)    /* harmless: factor 1 on b's transit */
        n += (size_t)snprintf(extra + n, sizeof extra - n,
                              "{\"kind\": \"link_degrade\", \"at\": \"%ds\", \"for\": \"1s\","
                              " \"target\": \"b/transit\", \"factor\": 1}, ", 10 + i);
    snprintf(extra + n, sizeof extra - n,
             "{\"kind\": \"oca_down\", \"at\": \"5m\", \"for\": \"3m\", \"target\": \"a1/0\"},"
             " {\"kind\": \"oca_degrade\", \"at\": \"10m\", \"for\": \"5m\", \"target\": \"a1/1\","
             " \"factor\": 0.01}],");
    struct world_run r;
    start(&r, 8000, TWO_OCAS, extra);
    struct world *w = r.w;
    wr_step(&r, r.sc.duration);
    cr_assert_eq(world_finish(w), 0);
    double down_s = w->faults->f[30].rebuffer_added_us / 1e6;
    double degrade_s = w->faults->f[31].rebuffer_added_us / 1e6;
    cr_log_info("rebuffer added: %.1f s by the 31st fault (down), %.1f s by the degradation, of"
                " the run's %.1f s", down_s, degrade_s, w->m.rebuffer_us / 1e6);
    cr_assert_gt(down_s, 0);
    cr_assert_gt(degrade_s, 0);
    cr_assert_leq(down_s + degrade_s, w->m.rebuffer_us / 1e6 * (1 + 1e-12));
    for (int i = 0; i < 30; i++)
        cr_assert_eq(w->faults->f[i].rebuffer_added_us, 0, "fault %d is harmless", i);
    wr_stop(&r);
}
