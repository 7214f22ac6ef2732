/* tests/test_latency.c: a trace's latency in `lastmile run` is each
 * download's time to first byte (models/player.c starts the flow that much
 * after the request): sessions on a trace with 500 ms of latency start
 * 500 ms later than on the same trace without, and the latency-free worlds
 * never take the path (no EV_FIRST_BYTE). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "tests/helpers.h"
#include "world_run.h"

static const char WORLD[] =
    "{\"name\": \"latency\", \"start\": \"2026-11-20T21:00:00Z\", \"duration\": \"10m\", \"seed\": 5,"
    " \"demand\": {\"warm_start\": false},"
    " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": 3000}],"
    " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 1.0,"
    "             \"access\": {\"model\": \"traces\", \"traces\": \"%s\"},"
    "             \"peering\": [{\"ix\": \"ix\", \"capacity\": \"10Gbps\"}]}],"
    " \"sites\": [{\"id\": \"a1\", \"kind\": \"embedded\", \"isp\": \"a\","
    "              \"ocas\": {\"count\": 2, \"egress\": \"20Gbps\"}},"
    "             {\"id\": \"ix\", \"kind\": \"ix\", \"region\": \"r\"}],"
    " \"catalog\": {\"titles\": 500}, \"player\": {\"buffer\": \"30s\"},"
    " \"metrics\": {\"period\": \"60s\"}}";

/* A folder holding one trace: 8 Mbit/s with latency_ms of latency. */
static void make_folder(char *dir, size_t n, int latency_ms)
{
    char suffix[32];
    snprintf(suffix, sizeof suffix, "-latency-%d", latency_ms);
    th_tmpname(dir, n, suffix);
    mkdir(dir, 0700);
    char path[512];
    snprintf(path, sizeof path, "%s/t.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fprintf(f, "[{\"duration_ms\": 60000, \"bandwidth_kbps\": 8000, \"latency_ms\": %d}]\n",
            latency_ms);
    fclose(f);
}

static void run(struct world_run *r, const char *dir)
{
    char text[4096];
    snprintf(text, sizeof text, WORLD, dir);
    wr_start(r, "latency.json", text);
    wr_run_to_end(r);
}

static double mean_startup(const struct world *w)
{
    double sum = 0;
    for (size_t i = 0; i < w->m.nstartup; i++)
        sum += w->m.startup_s[i];
    return w->m.nstartup ? sum / (double)w->m.nstartup : NAN;
}

Test(latency, a_traces_latency_delays_every_first_byte)
{
    char d0[256], d500[256], path[512];
    make_folder(d0, sizeof d0, 0);
    make_folder(d500, sizeof d500, 500);
    struct world_run a, b;
    run(&a, d0);
    run(&b, d500);
    cr_assert_eq(a.w->access_latency, 0);
    cr_assert_eq(b.w->access_latency, 1);
    cr_assert_eq(world_finish(a.w), 0);
    cr_assert_eq(world_finish(b.w), 0);
    double sa = mean_startup(a.w), sb = mean_startup(b.w);
    cr_log_info("mean startup %.4f s without latency, %.4f s with 500 ms (%zu, %zu sessions)", sa, sb,
                a.w->m.nstartup, b.w->m.nstartup);
    cr_assert_gt(a.w->m.nstartup, 100);
    /* One 4 s segment fills the 4 s startup threshold: one latency each. */
    cr_assert_float_eq(sb - sa, 0.5, 0.02, "startup %.4f s vs %.4f s", sb, sa);
    /* Downloads take longer: the segment rate falls. */
    cr_assert_lt(b.w->m.segments, a.w->m.segments);
    world_destroy(a.w);
    world_destroy(b.w);
    engine_destroy(&a.e);
    engine_destroy(&b.e);
    scenario_free(&a.sc);
    scenario_free(&b.sc);
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/t.json", k ? d500 : d0);
        unlink(path);
        rmdir(k ? d500 : d0);
    }
}
