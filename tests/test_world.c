/* tests/test_world.c: whole-world properties: conservation of bytes,
 * diurnal fidelity, determinism, the session-state budget. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/demand.h"
#include "models/encoding.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "world_run.h"

/* Two ISPs, an embedded cluster too small for the catalog, an IX and the
 * origin: every tier serves. */
static const char SMALL[] =
    "{\"name\": \"small\", \"start\": \"2026-11-20T21:00:00Z\", \"duration\": \"%s\","
    " \"seed\": %d,"
    " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": %d}],"
    " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 0.6,"
    "             \"peering\": [{\"ix\": \"ix\", \"capacity\": \"2Gbps\"}], \"transit\": \"1Gbps\"},"
    "            {\"id\": \"b\", \"region\": \"r\", \"share\": 0.4, \"transit\": \"1Gbps\"}],"
    " \"sites\": [{\"id\": \"a1\", \"kind\": \"embedded\", \"isp\": \"a\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"2TB\", \"egress\": \"1Gbps\"}},"
    "             {\"id\": \"ix\", \"kind\": \"ix\", \"region\": \"r\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"8TB\", \"egress\": \"2Gbps\"}}],"
    " \"catalog\": {\"titles\": 2000}, %s"
    " \"metrics\": {\"period\": \"60s\"}}";

static void start_small(struct world_run *r, const char *duration, int seed, int subscribers,
                        const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text, SMALL, duration, seed, subscribers, extra);
    wr_start(r, "small.json", text);
}

static void run_small(struct world_run *r, const char *duration, int seed, int subscribers,
                      const char *extra)
{
    start_small(r, duration, seed, subscribers, extra);
    wr_run_to_end(r);
}

Test(world, bytes_requested_equal_bytes_served_by_the_tiers)
{
    struct world_run r;
    run_small(&r, "30m", 1, 20000, "");
    cr_assert_eq(world_finish(r.w), 0);
    struct world *w = r.w;
    double tiers = 0, served = 0;
    for (int k = 0; k < TIER_VIEW_COUNT; k++) {
        tiers += w->m.bytes_tier[k];
        if (k != TIER_CDN)          /* no CDN in this world */
            cr_assert_gt(w->m.bytes_tier[k], 0, "tier %s served nothing", tier_name[k]);
    }
    for (uint32_t o = 0; o < w->nocas; o++)
        served += w->net.res[o].bytes_total;
    served += w->net.res[w->origin_res].bytes_total;
    double requested = w->m.bytes_requested - w->m.bytes_cut;
    cr_assert_float_eq(tiers, requested, requested * 1e-9);
    cr_assert_float_eq(served, requested, requested * 1e-9);
    /* The origin's bytes all cross transit; the IX's all cross peering. */
    double transit = 0, peering = 0;
    for (int i = 0; i < w->nisps; i++)
        transit += w->net.res[w->isps[i].transit_link].bytes_total;
    for (uint32_t l = 0; l < w->peering_first[w->nisps]; l++)
        peering += w->net.res[w->peering_link[l]].bytes_total;
    cr_assert_float_eq(transit, w->m.bytes_tier[TIER_ORIGIN], requested * 1e-9);
    cr_assert_float_eq(peering, w->m.bytes_tier[TIER_IX], requested * 1e-9);
    /* And the sessions were credited those bytes: a download's end and a
     * cut read the segment's size from its flow (models/world.h). */
    double credited = 0;
    for (int c = 0; c < CODEC_COUNT; c++)
        credited += w->m.bytes_codec[c];
    cr_assert_float_eq(credited, requested, requested * 1e-9);
    /* The mean bitrate, from the rung bitrate each flow keeps, lies within
     * the ladder. */
    int nrungs = encoding_rung_cap(w->enc, 0, CODEC_AVC, 1 << 20);
    const double *bps = encoding_bps(w->enc, 0, CODEC_AVC);
    double kbps = w->m.bitrate_media / w->m.fetched_us;
    cr_assert(kbps > bps[0] / 1e3 && kbps < bps[nrungs - 1] / 1e3,
              "mean bitrate %.1f kbps outside the ladder's %.1f-%.1f", kbps, bps[0] / 1e3,
              bps[nrungs - 1] / 1e3);
    wr_stop(&r);
}

/* Between two recomputations each resource's committed rate is the sum of
 * its live flows' rates and its flow count theirs: the tick rebuilds
 * committed from the live flows it finds in the pool (models/network.c),
 * and a start or an end adjusts it. So a tick that visited a freed slot,
 * or missed a live one, shows here. Checked at instants between ticks, in
 * the filling minutes and after (flows ending at every instant free slots
 * below others). */
Test(world, committed_rates_are_the_live_flows_rates)
{
    struct world_run r;
    start_small(&r, "20m", 7, 40000, "");
    struct world *w = r.w;
    double *sum = calloc(w->net.nres, sizeof *sum);
    uint32_t *count = calloc(w->net.nres, sizeof *count);
    cr_assert(sum && count);
    for (simtime t = 30 * SIM_US_PER_S + 500000; t < 20 * 60 * SIM_US_PER_S; t += 97 * SIM_US_PER_S) {
        wr_step(&r, t);
        memset(sum, 0, w->net.nres * sizeof *sum);
        memset(count, 0, w->net.nres * sizeof *count);
        uint32_t live = 0;
        for (uint32_t id = 0; id < w->net.flow_top; id++) {
            const struct flow *f = &w->net.flows[id];
            if (f->session == NONE)
                continue;
            live++;
            for (int k = 0; k < 2; k++)
                if (f->res[k] != NONE) {
                    sum[f->res[k]] += f->rate_bps;
                    count[f->res[k]]++;
                }
        }
        cr_assert_eq(live, w->net.nactive);
        cr_assert_gt(live, 0);
        for (uint32_t k = 0; k < w->net.nres; k++) {
            cr_assert_eq(w->net.res[k].flows, count[k], "resource %u at %lld us", k, (long long)t);
            cr_assert_float_eq(w->net.res[k].committed_bps, sum[k], 1e-6 * (sum[k] + 1),
                               "resource %u at %lld us: committed %.17g, live flows %.17g", k,
                               (long long)t, w->net.res[k].committed_bps, sum[k]);
        }
    }
    free(sum);
    free(count);
    wr_stop(&r);
}

Test(world, no_resource_carries_more_than_its_capacity)
{
    struct world_run r;
    run_small(&r, "20m", 2, 40000, "");
    struct world *w = r.w;
    /* Over the whole run each resource's mean rate is below capacity; the
     * flows that start between two recomputations may overshoot a period
     * slightly (the documented approximation), not the run. */
    double worst = 0;
    for (uint32_t k = 0; k < w->net.nres; k++) {
        double mean_bps = w->net.res[k].bytes_total * 8 / simtime_to_s(r.sc.duration);
        if (mean_bps / w->net.res[k].capacity_bps > worst)
            worst = mean_bps / w->net.res[k].capacity_bps;
        cr_assert_leq(mean_bps, w->net.res[k].capacity_bps * 1.01, "resource %u: %.4g of %.4g bps", k, mean_bps, w->net.res[k].capacity_bps);
    }
    cr_log_info("busiest resource at %.4f of its capacity over the run", worst);
    wr_stop(&r);
}

Test(world, sample_scales_demand_and_capacities_together)
{
    /* `sample` simulates a fraction of subscribers on capacities scaled by
     * the same fraction, so utilisation (and so QoE) stays comparable. */
    struct world_run full, half;
    run_small(&full, "20m", 3, 40000, "");
    run_small(&half, "20m", 3, 40000, "\"sample\": 0.5,");
    cr_assert_eq(full.w->net.nres, half.w->net.nres);
    for (uint32_t k = 0; k < full.w->net.nres; k++) {
        cr_assert_float_eq(half.w->net.res[k].capacity_bps, 0.5 * full.w->net.res[k].capacity_bps,
                           1e-9 * full.w->net.res[k].capacity_bps, "resource %u", k);
        double mean_bps = half.w->net.res[k].bytes_total * 8 / simtime_to_s(half.sc.duration);
        cr_assert_leq(mean_bps, half.w->net.res[k].capacity_bps * 1.01, "resource %u", k);
    }
    simtime end = full.sc.duration;
    cr_assert_float_eq(demand_target(half.w, 0, end), 0.5 * demand_target(full.w, 0, end), 1e-9);
    /* A few thousand sessions each: Poisson noise is ~2%, so 10% is safe. */
    double ratio = (double)half.w->regions[0].active / (double)full.w->regions[0].active;
    cr_log_info("sampled/full concurrency at the end: %.4f", ratio);
    cr_assert(fabs(ratio - 0.5) < 0.05, "sampled/full concurrency %.4f, expected 0.5", ratio);
    wr_stop(&full);
    wr_stop(&half);
}

Test(world, same_seed_same_fingerprint_other_seed_other)
{
    struct world_run a, b, c;
    run_small(&a, "10m", 5, 10000, "");
    run_small(&b, "10m", 5, 10000, "");
    run_small(&c, "10m", 6, 10000, "");
    cr_assert_eq(a.e.events, b.e.events);
    cr_assert_eq(a.e.fingerprint, b.e.fingerprint);
    cr_assert_neq(a.e.fingerprint, c.e.fingerprint);
    wr_stop(&a);
    wr_stop(&b);
    wr_stop(&c);
}

Test(world, prefetch_hints_do_not_change_the_run)
{
    /* The engine's prefetch hints may only warm caches: a run without them
     * is event for event the same. */
    struct world_run a, b;
    run_small(&a, "10m", 4, 20000, "");
    start_small(&b, "10m", 4, 20000, "");
    int hinted = 0;
    for (uint32_t k = 0; k < ENGINE_MAX_KINDS; k++) {
        hinted += b.e.prefetch[k] != NULL;
        engine_prefetch_on(&b.e, k, NULL);
    }
    cr_assert_gt(hinted, 0, "the world registers no prefetch hint: this test checks nothing");
    cr_assert_eq(engine_run(&b.e, NULL, NULL), 0);
    cr_assert_eq(a.e.events, b.e.events);
    cr_assert_eq(a.e.fingerprint, b.e.fingerprint);
    wr_stop(&a);
    wr_stop(&b);
}

Test(world, session_state_within_budget)
{
    /* DESIGN §6: well under 256 bytes per active session. */
    cr_assert_leq(sizeof(struct session) + sizeof(int64_t), 256);
    struct world_run r;
    run_small(&r, "10m", 1, 20000, "");
    cr_assert_leq(world_bytes_per_session(r.w), 256);
    wr_stop(&r);
}

Test(world, concurrency_follows_the_diurnal_target_within_3_percent)
{
    /* 16:00-24:00 local: the ramp to the peak and the plateau. 30 s
     * segments and a 10 s share period keep it quick; concurrency does not
     * depend on them. Each hour's mean concurrency against the target's. */
    struct world_run r;
    char text[4096];
    snprintf(text, sizeof text,
             "{\"name\": \"diurnal\", \"start\": \"2026-11-20T19:00:00Z\", \"duration\": \"8h\","
             " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": 300000}],"
             " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 1.0, \"transit\": \"1Tbps\"}],"
             " \"origin\": {\"egress\": \"10Tbps\"}, \"catalog\": {\"titles\": 1000},"
             " \"player\": {\"segment\": \"30s\", \"buffer\": \"120s\"},"
             " \"network\": {\"share_period\": \"10s\"}, \"metrics\": {\"period\": \"60s\"}}");
    wr_start(&r, "diurnal.json", text);
    struct world *w = r.w;
    /* Step the engine hour by hour, sampling concurrency every 10 s. */
    for (int h = 0; h < 8; h++) {
        double sum = 0, target = 0;
        int n = 0;
        for (simtime t = h * SIM_US_PER_H; t < (h + 1) * SIM_US_PER_H; t += 10 * SIM_US_PER_S) {
            cr_assert_eq(engine_run_until(&r.e, t, NULL, NULL), 0);
            sum += w->regions[0].active;
            target += demand_target(w, 0, t);
            n++;
        }
        double err_rel = fabs(sum - target) / target;
        cr_log_info("hour %d: mean %.0f target %.0f (%.2f%%)", h, sum / n, target / n, 100 * err_rel);
        cr_assert_leq(err_rel, 0.03, "hour %d: mean concurrency %.0f, target %.0f", h, sum / n, target / n);
    }
    wr_stop(&r);
}
