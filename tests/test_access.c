/* tests/test_access.c: time-varying access throughput in `lastmile run`
 * (models/access.c): the Markov model's realizations have the stationary
 * shares of their means, a flow's rate follows its session's trace, and a
 * world with a bad state rebuffers more than one without. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "models/access.h"
#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"
#include "tests/helpers.h"
#include "world_run.h"

static const char WORLD[] =
    "{\"name\": \"access\", \"start\": \"2026-11-20T21:00:00Z\", \"duration\": \"15m\", \"seed\": 3,"
    " \"regions\": [{\"id\": \"r\", \"utc_offset\": \"-03:00\", \"subscribers\": 4000}],"
    " \"isps\": [{\"id\": \"a\", \"region\": \"r\", \"share\": 1.0, \"access\": %s,"
    "             \"peering\": [{\"ix\": \"ix\", \"capacity\": \"10Gbps\"}]}],"
    " \"sites\": [{\"id\": \"a1\", \"kind\": \"embedded\", \"isp\": \"a\","
    "              \"ocas\": {\"count\": 2, \"egress\": \"20Gbps\"}},"
    "             {\"id\": \"ix\", \"kind\": \"ix\", \"region\": \"r\"}],"
    " \"catalog\": {\"titles\": 500}, \"player\": {\"buffer\": \"30s\"},"
    " \"metrics\": {\"period\": \"60s\"}}";

static void start(struct world_run *r, const char *access)
{
    char text[4096];
    snprintf(text, sizeof text, WORLD, access);
    wr_start(r, "access.json", text);
}

static const char MARKOV[] = "{\"model\": \"markov\", \"good\": \"20Mbps\", \"bad\": \"400kbps\","
                             " \"good_mean\": \"60s\", \"bad_mean\": \"20s\"}";

Test(access, markov_realizations_spend_the_stationary_share_in_each_state)
{
    struct world_run r;
    start(&r, MARKOV);
    cr_assert_eq(r.w->access_pool_n, ACCESS_POOL);
    double bad = 0, total = 0;
    for (int k = 0; k < r.w->access_pool_n; k++) {
        const struct trace *t = &r.w->access_pool[k];
        for (int i = 0; i < t->n; i++) {
            cr_assert(t->bps[i] == 20e6 || t->bps[i] == 400e3);
            if (i > 0)
                cr_assert_neq(t->bps[i], t->bps[i - 1], "states alternate");
            if (t->bps[i] == 400e3)
                bad += t->duration_s[i];
        }
        total += t->total_s;
    }
    /* 128 x 6 h, about 21 000 bad sojourns: the share is 20/80 within 1%. */
    cr_assert_float_eq(bad / total, 0.25, 0.01, "bad share %.4f", bad / total);
    wr_stop(&r);
}

Test(access, flows_follow_their_sessions_trace_and_a_bad_state_hurts)
{
    struct world_run good, markov;
    start(&good, "{\"model\": \"markov\", \"good\": \"20Mbps\", \"bad\": \"20Mbps\"}");
    start(&markov, MARKOV);
    /* Run halfway and check every live flow's cap against its trace. */
    cr_assert_eq(engine_run_until(&markov.e, 7 * 60 * SIM_US_PER_S, NULL, NULL), 0);
    int checked = 0;
    for (uint32_t id = 0; id < markov.w->net.flow_top; id++) {
        const struct flow *f = &markov.w->net.flows[id];
        if (f->session == NONE)
            continue;
        const struct session *s = &markov.w->sessions[f->session];
        cr_assert(f->access_varies);
        cr_assert_leq(f->rate_bps, (double)f->cap_bps * (1 + 1e-6));
        if (f->done_scheduled)
            continue;                           /* its cap is from an earlier tick */
        /* The cap was read at the last recomputation or the flow's start. */
        simtime at = f->start > markov.w->net.last_tick ? f->start : markov.w->net.last_tick;
        cr_assert_float_eq(f->cap_bps, (float)access_cap_at(markov.w, s, at), 1.0);
        checked++;
    }
    cr_assert_gt(checked, 10);
    cr_assert_eq(engine_run(&markov.e, NULL, NULL), 0);
    cr_assert_eq(engine_run(&good.e, NULL, NULL), 0);
    cr_assert_eq(world_finish(good.w), 0);
    cr_assert_eq(world_finish(markov.w), 0);
    double rebuf_good = good.w->m.rebuffer_us, rebuf_markov = markov.w->m.rebuffer_us;
    double kbps_good = good.w->m.bitrate_media / good.w->m.fetched_us;
    double kbps_markov = markov.w->m.bitrate_media / markov.w->m.fetched_us;
    cr_log_info("rebuffer %.1f s vs %.1f s; bitrate %.0f vs %.0f kbps", rebuf_good / 1e6,
                rebuf_markov / 1e6, kbps_good, kbps_markov);
    cr_assert_gt(rebuf_markov, rebuf_good);
    cr_assert_lt(kbps_markov, kbps_good * 0.95);
    wr_stop(&good);
    wr_stop(&markov);
}

Test(access, a_trace_folder_is_shared_out_by_the_session_stream)
{
    const char *root = getenv("LASTMILE_ROOT");
    char access[1024];
    snprintf(access, sizeof access, "{\"model\": \"traces\", \"traces\": \"%s/tests/data/traces\"}",
             root && *root ? root : ".");
    struct world_run a, b;
    start(&a, access);
    start(&b, access);
    cr_assert_eq(a.w->access_pool_n, 8, "the 8 traces of the folder");
    cr_assert_eq(engine_run_until(&a.e, 5 * 60 * SIM_US_PER_S, NULL, NULL), 0);
    cr_assert_eq(engine_run_until(&b.e, 5 * 60 * SIM_US_PER_S, NULL, NULL), 0);
    int used[8] = {0}, live = 0, distinct = 0;
    for (uint32_t id = 0; id < a.w->session_cap; id++) {
        const struct session *s = &a.w->sessions[id];
        if (s->phase == PH_FREE)
            continue;
        cr_assert(s->access_trace >= 1 && s->access_trace <= 8);
        cr_assert_eq(s->access_trace, b.w->sessions[id].access_trace, "same seed, same trace");
        distinct += used[s->access_trace - 1]++ == 0;
        live++;
    }
    cr_assert_gt(live, 100);
    cr_assert_eq(distinct, 8, "%d sessions drew %d of the 8 traces", live, distinct);
    wr_stop(&a);
    wr_stop(&b);
}

Test(access, a_bad_trace_folder_is_refused_with_the_file_and_line)
{
    char dir[128], file[160];
    th_tmpname(dir, sizeof dir, "-traces");
    mkdir(dir, 0700);
    snprintf(file, sizeof file, "%s/one.txt", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fputs("0 1.0\n1 2.0\n2 two\n", f);
    fclose(f);
    char access[300], text[4096];
    snprintf(access, sizeof access, "{\"model\": \"traces\", \"traces\": \"%s\"}", dir);
    snprintf(text, sizeof text, WORLD, access);
    struct scenario sc;
    struct error err = {0};
    cr_assert_eq(scenario_load_text("access.json", text, NULL, 0, &sc, &err), -1);
    cr_assert_str_eq(err.file, file);
    cr_assert_eq(err.line, 3);
    unlink(file);
    snprintf(text, sizeof text, WORLD, "{\"model\": \"traces\"}");
    cr_assert_eq(scenario_load_text("access.json", text, NULL, 0, &sc, &err), -1);
    cr_assert_not_null(strstr(err.msg, "needs \"traces\""), "%s", err.msg);
    snprintf(access, sizeof access, "{\"model\": \"traces\", \"traces\": \"%s\"}", dir);
    snprintf(text, sizeof text, WORLD, access);
    cr_assert_eq(scenario_load_text("access.json", text, NULL, 0, &sc, &err), -1);
    cr_assert_not_null(strstr(err.msg, "holds no trace files"), "%s", err.msg);
    rmdir(dir);
}
