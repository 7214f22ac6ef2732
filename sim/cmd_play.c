/* sim/cmd_play.c: `lastmile play`: reads the flags, a trace and a ladder or
 * manifest, plays one session with models/play.c (the player and rule code
 * of `lastmile run`) and prints one line per segment and a QoE summary. */
#include "sim/cmd_play.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/play.h"
#include "sim/trace_load.h"
#include "sim/units.h"

const char PLAY_USAGE[] =
    "usage: lastmile play --trace FILE [--rule NAME] [--ladder KBPS,KBPS,...|--manifest FILE]\n"
    "                     [--segment 4s] [--buffer 25s] [--startup D] [--latency 0s]\n"
    "                     [--duration D] [--estimator harmonic|mean|ewma] [--window N]\n"
    "                     [--safety F] [--abandon] [--preset sabre] [--format text|csv|json]\n"
    "\n"
    "Plays one session over one throughput trace with the player and ABR rules of\n"
    "`lastmile run`, and prints one line per segment (arrival time, rung, bitrate,\n"
    "buffer, download time, the rule's throughput estimate, rebuffering) and a QoE\n"
    "summary (startup, rebuffer time and count, mean bitrate, switches, mean quality).\n"
    "\n"
    "  --trace FILE      \"SECONDS MBPS\" lines (cooked FCC/HSDPA) or a JSON array of\n"
    "                    {duration_ms, bandwidth_kbps, latency_ms}; looped\n"
    "  --rule NAME       throughput (default), rules, bba, bola, robustmpc\n"
    "  --ladder LIST     rungs in kbit/s (default 235,375,560,750,1050,1750,2350,3000,4300,5800)\n"
    "  --manifest FILE   Sabre manifest: segment duration, bitrates, per-segment sizes\n"
    "  --segment D       segment duration (default 4s; a manifest sets its own)\n"
    "  --buffer D        buffer cap (default 25s)\n"
    "  --startup D       media buffered before play and after a stall (default one segment)\n"
    "  --latency D       added to every download's time to first bit (default 0s)\n"
    "  --duration D      media to play (default: the manifest, else one pass of the trace)\n"
    "  --estimator E, --window N, --safety F   the throughput rule's estimate\n"
    "                    (defaults harmonic, 5, 0.9; see scenarios/README.md)\n"
    "  --abandon         abandon a download that would run the buffer dry and restart\n"
    "                    the segment at a lower rung (player.abandon; checked every 100 ms)\n"
    "  --preset sabre    the settings of Sabre's published runs (sabre.py -b 25 -noa;\n"
    "                    throughput: sliding mean of 3; bola: BOLA-BASIC), startup of one\n"
    "                    segment; flags given explicitly still win\n"
    "  --format F        text (default), csv or json (summary only, one object)\n"
    "\n"
    "The mean bitrate is Sabre's time average: nominal bitrate x media / play time,\n"
    "where the play time counts the startup and the stalls.\n";

enum fmt { FMT_TEXT, FMT_CSV, FMT_JSON };

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "lastmile play: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'lastmile help play')\n");
    return 2;
}

static int duration_flag(const char *flag, const char *v, simtime *out)
{
    struct error err = {0};
    if (units_parse_duration(v, out, &err) != 0 || *out < 0) {
        fprintf(stderr, "lastmile play: %s expects a duration like 4s or 1.5m, found '%s'%s%s\n",
                flag, v, err.msg[0] ? ": " : "", err.msg);
        return 2;
    }
    return 0;
}

static void print_row(void *ctx, const struct play_row *r)
{
    enum fmt f = *(const enum fmt *)ctx;
    if (f == FMT_CSV)
        printf("%d,%.3f,%d,%.0f,%.3f,%.3f,%.0f,%.3f\n", r->index, r->t_s, r->rung, r->bitrate_kbps,
               r->buffer_s, r->download_s, r->estimate_kbps, r->rebuffer_s);
    else
        printf("%6d %9.3f %4d %8.0f %8.3f %8.3f %9.0f %8.3f\n", r->index, r->t_s, r->rung,
               r->bitrate_kbps, r->buffer_s, r->download_s, r->estimate_kbps, r->rebuffer_s);
}

static int parse_ladder(const char *v, double *bps, int *n)
{
    const char *p = v;
    *n = 0;
    while (*p) {
        char *end;
        errno = 0;
        double k = strtod(p, &end);
        if (end == p || !isfinite(k) || !(k > 0) || *n == 16 || (*n && !(k * 1e3 > bps[*n - 1])))
            return -1;
        bps[(*n)++] = k * 1e3;
        if (*end == ',')
            end++;
        else if (*end)
            return -1;
        p = end;
    }
    return *n ? 0 : -1;
}

int cmd_play(int argc, char **argv)
{
    const char *trace_file = NULL, *manifest_file = NULL, *ladder_arg = NULL;
    const char *rule_name = "throughput", *estimator = NULL;
    simtime segment = -1, buffer = -1, startup = -1, latency = 0, duration = -1;
    int window = -1, sabre = 0, abandon = 0;
    double safety = -1;
    enum fmt f = FMT_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (strcmp(a, "--abandon") == 0) {
            abandon = 1;
            continue;
        }
        if (!v && a[0] == '-')
            return bad("missing value after '%s'", a);
        if (strcmp(a, "--trace") == 0)
            trace_file = v;
        else if (strcmp(a, "--manifest") == 0)
            manifest_file = v;
        else if (strcmp(a, "--ladder") == 0)
            ladder_arg = v;
        else if (strcmp(a, "--rule") == 0)
            rule_name = v;
        else if (strcmp(a, "--estimator") == 0)
            estimator = v;
        else if (strcmp(a, "--segment") == 0)
            rc = duration_flag(a, v, &segment);
        else if (strcmp(a, "--buffer") == 0)
            rc = duration_flag(a, v, &buffer);
        else if (strcmp(a, "--startup") == 0)
            rc = duration_flag(a, v, &startup);
        else if (strcmp(a, "--latency") == 0)
            rc = duration_flag(a, v, &latency);
        else if (strcmp(a, "--duration") == 0)
            rc = duration_flag(a, v, &duration);
        else if (strcmp(a, "--window") == 0) {
            char *end;
            long w = strtol(v, &end, 10);
            if (*end || w < 1 || w > 6)
                return bad("--window expects a whole number from 1 to 6, found '%s'", v);
            window = (int)w;
        } else if (strcmp(a, "--safety") == 0) {
            char *end;
            safety = strtod(v, &end);
            if (*end || !(safety > 0 && safety <= 1))
                return bad("--safety expects a number in (0, 1], found '%s'", v);
        } else if (strcmp(a, "--preset") == 0) {
            if (strcmp(v, "sabre") != 0)
                return bad("--preset expects sabre, found '%s'", v);
            sabre = 1;
        } else if (strcmp(a, "--format") == 0) {
            if (strcmp(v, "text") == 0)
                f = FMT_TEXT;
            else if (strcmp(v, "csv") == 0)
                f = FMT_CSV;
            else if (strcmp(v, "json") == 0)
                f = FMT_JSON;
            else
                return bad("--format expects text, csv or json, found '%s'", v);
        } else
            return bad("unknown option: '%s'", a);
        if (rc)
            return rc;
        i++;
    }
    if (!trace_file)
        return bad("%s", "expected --trace FILE");
    if (manifest_file && ladder_arg)
        return bad("%s", "--ladder and --manifest both give the ladder: use one");
    const struct abr_rule *rule = abr_rule_find(rule_name);
    if (!rule)
        return bad("unknown rule '%s': the rules are throughput, rules, bba, bola, robustmpc",
                   rule_name);
    int est = -1;
    if (estimator) {
        static const char *const names[] = { "harmonic", "mean", "ewma" };
        for (int k = 0; k < 3; k++)
            if (strcmp(estimator, names[k]) == 0)
                est = k;
        if (est < 0)
            return bad("--estimator expects harmonic, mean or ewma, found '%s'", estimator);
    }

    struct error err = {0};
    struct trace trace;
    if (trace_load(trace_file, &trace, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    struct manifest man = {0};
    double ladder[16];
    int nrungs = 0;
    if (manifest_file) {
        if (manifest_load(manifest_file, &man, &err) != 0) {
            error_print(&err, stderr);
            trace_free(&trace);
            return 2;
        }
    } else if (ladder_arg) {
        if (parse_ladder(ladder_arg, ladder, &nrungs) != 0) {
            trace_free(&trace);
            return bad("--ladder expects 1 to 16 increasing bitrates in kbit/s separated by commas,"
                       " found '%s'", ladder_arg);
        }
    } else {
        static const double def[] = { 235, 375, 560, 750, 1050, 1750, 2350, 3000, 4300, 5800 };
        for (nrungs = 0; nrungs < 10; nrungs++)
            ladder[nrungs] = def[nrungs] * 1e3;
    }

    struct play_setup p = { .rule = rule, .trace = &trace, .extra_latency_s = simtime_to_s(latency) };
    if (manifest_file) {
        p.ladder = (struct abr_ladder){ man.nrungs, man.bps, NULL };
        p.segment_bits = man.bits;
        p.nsegments = man.nsegments;
        if (segment < 0)
            segment = (simtime)(man.segment_s * 1e6 + 0.5);
    } else {
        p.ladder = (struct abr_ladder){ nrungs, ladder, NULL };
    }
    if (segment < 0)
        segment = 4 * SIM_US_PER_S;
    if (segment <= 0) {
        trace_free(&trace);
        manifest_free(&man);
        return bad("%s", "--segment must be above 0s");
    }
    if (buffer < 0)
        buffer = 25 * SIM_US_PER_S;
    if (startup < 0)
        startup = segment;
    if (buffer < segment || startup > buffer) {
        trace_free(&trace);
        manifest_free(&man);
        return bad("%s", "the buffer must hold at least one segment and the startup threshold");
    }
    if (duration < 0)
        duration = manifest_file ? segment * man.nsegments
                                 : (simtime)(trace.total_s * 1e6 / (double)segment + 0.999999) * segment;
    p.cfg = (struct player_cfg){ segment, buffer, startup, abandon };
    p.watch = duration;
    abr_params_default(&p.params, segment, buffer);
    if (sabre) {
        /* sabre.py -b 25 -noa; throughput: -ma sliding -ws 3 -noibr; bola:
         * -ab, its default EWMA estimate (models/abr_bola.c). */
        p.params.estimator = ABR_EST_MEAN;
        p.params.window = 3;
        p.params.safety = 0.9;
    }
    if (est >= 0)
        p.params.estimator = (enum abr_estimator)est;
    if (window > 0)
        p.params.window = window;
    if (safety > 0)
        p.params.safety = safety;

    if (f == FMT_CSV)
        puts("segment,t_s,rung,bitrate_kbps,buffer_s,download_s,estimate_kbps,rebuffer_s");
    else if (f == FMT_TEXT)
        printf("%6s %9s %4s %8s %8s %8s %9s %8s\n", "seg", "t_s", "rung", "kbps", "buffer_s",
               "dl_s", "est_kbps", "rebuf_s");
    struct play_summary sum;
    play_session(&p, f == FMT_JSON ? NULL : print_row, &f, &sum);
    if (f == FMT_JSON)
        printf("{\"rule\": \"%s\", \"segments\": %d, \"startup_s\": %.6f, \"rebuffer_s\": %.6f,"
               " \"rebuffer_events\": %d, \"mean_bitrate_kbps\": %.6f, \"switches\": %d,"
               " \"mean_quality\": %.6f, \"play_time_s\": %.6f, \"abandons\": %d}\n",
               rule->name, sum.segments, sum.startup_s, sum.rebuffer_s, sum.rebuffer_events,
               sum.mean_bitrate_kbps, sum.switches, sum.mean_quality, sum.play_time_s,
               sum.abandons);
    else if (f == FMT_CSV)
        printf("# summary,startup_s=%.3f,rebuffer_s=%.3f,rebuffer_events=%d,mean_bitrate_kbps=%.1f,"
               "switches=%d,mean_quality=%.4f,play_time_s=%.3f\n", sum.startup_s, sum.rebuffer_s,
               sum.rebuffer_events, sum.mean_bitrate_kbps, sum.switches, sum.mean_quality,
               sum.play_time_s);
    else
        printf("\n%s: %d segments, startup %.3f s, rebuffer %.3f s in %d events, mean bitrate"
               " %.1f kbit/s, %d switches, mean quality %.4f%s, play time %.3f s\n",
               rule->name, sum.segments, sum.startup_s, sum.rebuffer_s, sum.rebuffer_events,
               sum.mean_bitrate_kbps, sum.switches, sum.mean_quality,
               p.ladder.quality ? "" : " (Mbit/s: no qualities known)", sum.play_time_s);
    if (f == FMT_CSV && abandon)
        printf("# abandons=%d\n", sum.abandons);
    else if (f == FMT_TEXT && abandon)
        printf("%d downloads abandoned\n", sum.abandons);
    trace_free(&trace);
    manifest_free(&man);
    return 0;
}
