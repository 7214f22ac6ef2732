/* tests/test_live_stream.c: live-stream viewers as players
 * (models/live_stream.c).
 *
 * - The aggregated delivery's rate, min(cap, C max(1 - rho, 1 / N)), against
 *   a per-flow fluid simulation of N players on one link (each asks for a
 *   segment every S at its own phase, or when its last one arrived if
 *   later; max-min shares with caps): the approximation's error bound.
 * - Segments exist only once produced: a joiner at the start with no
 *   latency target waits for the startup segments to be produced.
 * - Join time is request to first frame from the model: with no
 *   control-plane wait and an idle network it is the manifest and the
 *   startup segments at the lowest rung over the access throughput.
 * - The stream loads the network: every origin fetch of an embedded OCA
 *   crosses its ISP's transit link, the OCAs carry the viewers' bytes,
 *   and the load leaves with the event.
 * - Late segments stall: an origin too small for uncollapsed fetches
 *   makes the viewers rebuffer; collapsing takes it away. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/fairshare.h"
#include "models/live.h"
#include "models/live_stream.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "world_run.h"

/* Mean transfer time of a segment of b bits in a fluid simulation, and
 * the same from live_ps_rate. */
static void fluid(int n, double rho, double *sim_s, double *approx_s)
{
    const double S = 2, b = 5e6 * S, dt = 1e-3;
    double C = n * b / S / rho;
    double *cap = malloc((size_t)n * sizeof *cap), *left = calloc((size_t)n, sizeof *left);
    double *next = malloc((size_t)n * sizeof *next), *began = calloc((size_t)n, sizeof *began);
    double *scratch = malloc((size_t)n * sizeof *scratch);
    cr_assert(cap && left && next && began && scratch);
    unsigned r = 7;
    for (int i = 0; i < n; i++) {
        r = r * 1103515245u + 12345u;
        double u = (double)((r >> 8) & 0xffff) / 65536.0;
        cap[i] = 20e6 * pow(2, 2 * u - 1);          /* 10 to 40 Mbps */
        r = r * 1103515245u + 12345u;
        next[i] = S * (double)((r >> 8) & 0xffff) / 65536.0;
    }
    double sum = 0, approx = 0;
    long done = 0;
    for (double t = 0; t < 80; t += dt) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (left[i] <= 0 && t >= next[i]) {
                left[i] = b;
                began[i] = t;
                next[i] += S;
            }
            if (left[i] > 0)
                scratch[m++] = cap[i];
        }
        double level = fairshare_level(C, scratch, (size_t)m);
        for (int i = 0; i < n; i++)
            if (left[i] > 0) {
                left[i] -= fmin(cap[i], level) * dt;
                if (left[i] <= 0) {
                    if (t > 20) {
                        sum += t + dt - began[i];
                        done++;
                    }
                    if (next[i] < t + dt)
                        next[i] = t + dt;
                }
            }
    }
    for (int i = 0; i < n; i++)
        approx += b / fmin(cap[i], live_ps_rate(C, n * b / S, n));
    *sim_s = sum / (double)done;
    *approx_s = approx / n;
    free(cap);
    free(left);
    free(next);
    free(began);
    free(scratch);
}

Test(live_stream, delivery_rate_within_its_bound_of_a_fluid_simulation)
{
    static const double rhos[] = { 0.3, 0.6, 0.8, 0.9, 1.2, 1.5, 3.0 };
    for (size_t k = 0; k < sizeof rhos / sizeof rhos[0]; k++) {
        double sim, approx;
        fluid(40, rhos[k], &sim, &approx);
        double err = fabs(approx - sim) / sim;
        fprintf(stderr, "rho %.1f: fluid %.3f s, approximation %.3f s (%.0f%%)\n", rhos[k], sim,
                approx, 100 * err);
        cr_assert_lt(err, 0.35, "rho %g: fluid %g s vs approximation %g s", rhos[k], sim, approx);
    }
}

static const char WORLD[] =
    "{\"name\": \"ls\", \"start\": \"2026-11-20T23:00:00Z\", \"duration\": \"%s\", \"seed\": 3,"
    " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": 1000,"
    "               \"diurnal\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}],"
    " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 1,"
    "             \"peering\": [{\"ix\": \"ix\", \"capacity\": \"40Gbps\"}], \"transit\": \"20Gbps\"}],"
    " \"sites\": [{\"id\": \"a1\", \"kind\": \"embedded\", \"isp\": \"a\","
    "              \"ocas\": {\"count\": 4, \"storage\": \"4TB\", \"egress\": \"100Gbps\"}},"
    "             {\"id\": \"ix\", \"kind\": \"ix\", \"region\": \"r\","
    "              \"ocas\": {\"count\": 2, \"storage\": \"8TB\", \"egress\": \"40Gbps\"}}],"
    " \"origin\": {\"egress\": \"%s\"},"
    " \"catalog\": {\"titles\": 100}, \"control_plane\": {\"capacity\": 0, \"timeout\": \"5s\"},"
    " \"live\": [%s], \"metrics\": {\"period\": \"60s\"}}";

static void run_world(struct world_run *r, const char *duration, const char *origin, const char *event)
{
    static char text[8192];
    snprintf(text, sizeof text, WORLD, duration, origin, event);
    wr_start(r, "ls.json", text);
    wr_run_to_end(r);
}

static double median(float *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            float t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[(n - 1) / 2];
}

Test(live_stream, startup_segments_must_be_produced_first)
{
    /* Everyone at the start, prefetched (no control plane), no latency
     * target: the first two segments (4 s of startup) exist at 4 s. */
    const char *ev = "{\"id\": \"f\", \"kind\": \"live\", \"at\": \"1m\", \"for\": \"5m\","
                     " \"audience\": [{\"region\": \"r\", \"viewers\": 300}], \"burst\": 1,"
                     " \"jitter\": \"0s\", \"prefetch\": 1, \"latency\": \"0s\"}";
    struct world_run r;
    run_world(&r, "10m", "10Tbps", ev);
    struct live *L = r.w->live;
    cr_assert_gt(L->njoin, 200);
    for (size_t i = 0; i < L->njoin; i++)
        cr_assert_geq(L->join_s[i], 4.0 - 1e-6, "join %zu at %g s", i, L->join_s[i]);
    double m = median(L->join_s, L->njoin);
    cr_assert_lt(m, 4.5, "median join %g s: the production wait and one segment", m);
    wr_stop(&r);
}

Test(live_stream, join_time_is_manifest_and_startup_segments)
{
    /* Joins spread over the event (burst 0), prefetch irrelevant: the
     * control plane has no capacity limit (0), so the wait is 0. */
    const char *ev = "{\"id\": \"f\", \"kind\": \"live\", \"at\": \"1m\", \"for\": \"20m\","
                     " \"audience\": [{\"region\": \"r\", \"viewers\": 400}], \"burst\": 0}";
    struct world_run r;
    run_world(&r, "30m", "10Tbps", ev);
    const struct scenario *sc = &r.sc;
    struct live *L = r.w->live;
    cr_assert_gt(L->njoin, 300);
    double seg_s = simtime_to_s(sc->live[0].segment);
    double m = ceil(simtime_to_s(sc->player.startup) / seg_s);
    double bits = LIVE_MANIFEST_BYTES * 8 + m * sc->encoding.rung_bps[0] * seg_s;
    /* Join time falls with access, so its median is at the median access
     * (plus the first fetch of each OCA, a handful of joins). */
    double expect = bits / sc->isps[0].access.median_bps;
    double got = median(L->join_s, L->njoin);
    cr_assert_float_eq(got, expect, 0.1 * expect, "median join %g s, expected %g s", got, expect);
    wr_stop(&r);
}

static void load_run(int collapsing, const char *origin, const char *fetch, double *rebuffer,
                     struct world_run *r)
{
    char ev[512];
    snprintf(ev, sizeof ev,
             "{\"id\": \"f\", \"kind\": \"live\", \"at\": \"1m\", \"for\": \"10m\","
             " \"audience\": [{\"region\": \"r\", \"viewers\": 4000}], \"burst\": 0.5,"
             " \"jitter\": \"20s\", \"collapsing\": %s, \"fetch_rate\": \"%s\"}",
             collapsing ? "true" : "false", fetch);
    run_world(r, "15m", origin, ev);
    const struct live *L = r->w->live;
    *rebuffer = L->rebuffer_us / (L->rebuffer_us + L->watched_us);
}

Test(live_stream, the_stream_loads_the_network)
{
    struct world_run r;
    double rebuffer;
    load_run(1, "10Tbps", "1Gbps", &rebuffer, &r);
    struct world *w = r.w;
    const struct live *L = w->live;
    /* Embedded OCAs only (the ISP has a cluster): every fetch crosses the
     * transit link, and the OCAs carry the viewers' bytes. */
    double transit = w->net.res[w->isps[0].transit_link].bytes_total;
    cr_assert_gt(L->origin_bytes, 1e8);
    cr_assert_float_eq(transit, L->origin_bytes, 1e-6 * L->origin_bytes,
                       "transit %g B, origin fetches %g B", transit, L->origin_bytes);
    cr_assert_float_eq(w->net.res[w->origin_res].bytes_total, L->origin_bytes,
                       1e-6 * L->origin_bytes);
    double oca = 0;
    for (uint32_t o = 0; o < w->nocas; o++)
        oca += w->net.res[o].bytes_total;
    cr_assert_gt(oca, 1e9);
    cr_assert_float_eq(oca, w->m.bytes_tier[TIER_EMBEDDED], 1e-6 * oca);
    cr_assert_float_eq(w->m.bytes_requested, w->m.bytes_tier[TIER_EMBEDDED], 1e-6 * oca);
    /* Gone with the event. */
    for (uint32_t x = 0; x < w->net.nres; x++)
        cr_assert_eq(w->net.res[x].live_bps, 0, "resource %u keeps %g bps", x,
                     w->net.res[x].live_bps);
    cr_assert_lt(rebuffer, 0.001, "an ample network: rebuffer %g", rebuffer);
    wr_stop(&r);
}

Test(live_stream, late_segments_stall_and_collapsing_cures_it)
{
    struct world_run a, b;
    double with, without;
    /* Slow fetches (20 Mbps each): without collapsing, every request in
     * the half second a fetch takes is a fetch of its own. */
    load_run(1, "2Gbps", "20Mbps", &with, &a);
    load_run(0, "2Gbps", "20Mbps", &without, &b);
    fprintf(stderr, "origin 2 Gbps: rebuffer %g with collapsing, %g without\n", with, without);
    cr_assert_gt(without, 0.05, "uncollapsed fetches overload the origin: %g", without);
    cr_assert_lt(with, without / 10, "collapsing %g vs %g", with, without);
    cr_assert_gt(b.w->live->ev[0].max_fetches_per_file, 10);
    wr_stop(&a);
    wr_stop(&b);
}
