/* sim/cmd_ladder.c: `lastmile ladder`, a teaching tool.
 *
 * Prints the convex hull of quality against bitrate of one title (every
 * resolution, 240p to 2160p) and the ladder picked on it, next to the fixed
 * 2010 ladder, from the rate-quality model of models/encoding.c. Either for
 * a complexity given on the command line (the model's parameters are the
 * scenario defaults, changed with --set encoding.KEY=VALUE), or for a title
 * of a run: its complexity and the run's encoding section come from the
 * database, its rungs from the rungs table. */
#include "sim/cmd_ladder.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/encoding.h"
#include "sim/results.h"
#include "sim/scenario.h"

#define MAX_SETS 64

const char LADDER_USAGE[] =
    "usage: lastmile ladder --complexity C [--codec NAME] [--format text|csv] [--set KEY=VALUE]...\n"
    "       lastmile ladder --title ID --db FILE [--run ID] [--codec NAME] [--format text|csv]\n"
    "\n"
    "Prints one title's convex hull (the best encode at each bitrate over the\n"
    "resolutions 240p..2160p, upper concave envelope) and the ladder chosen on it,\n"
    "with the fixed 2010 AVC ladder's quality for the same title.\n"
    "\n"
    "  --complexity C    the title's complexity: 0.3 flat animation, 0.87 typical\n"
    "                    live action, 1.1 grainy action, 2 heavy grain\n"
    "  --codec NAME      avc (default), hevc or av1\n"
    "  --set KEY=VALUE   a scenario override, e.g. --set encoding.quality_step=4\n"
    "  --title ID        a title of a run (its id in the titles table) ...\n"
    "  --db FILE         ... in this results database\n"
    "  --run ID          the run (default: the latest)\n"
    "  --format F        text (default) or csv: kind,codec,bitrate_kbps,width,height,quality\n";

/* The smallest scenario: only its encoding section matters here. */
static const char BASE[] =
    "{\"name\": \"ladder\", \"start\": \"2026-01-01T00:00:00Z\", \"duration\": \"1h\","
    " \"regions\": [{\"id\": \"r\", \"subscribers\": 1}],"
    " \"isps\": [{\"id\": \"i\", \"region\": \"r\", \"share\": 1}]}";

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "lastmile ladder: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'lastmile help ladder')\n");
    return 2;
}

static void row(int csv, const char *kind, int codec, const struct enc_point *p)
{
    if (csv)
        printf("%s,%s,%.1f,%d,%d,%.2f\n", kind, codec_names[codec], p->bps / 1e3, p->width,
               p->height, p->quality);
    else
        printf("  %-8s %10.0f kbps  %4dx%-4d  %6.2f\n", kind, p->bps / 1e3, p->width, p->height,
               p->quality);
}

static void print_model(const struct cfg_encoding *e, double c, int codec, int csv,
                        const struct enc_point *rungs, int nr)
{
    struct enc_point hull[ENC_HULL_MAX], fixed[CFG_LADDER_MAX];
    int nh = encoding_hull(e, c, codec, 2160, hull);
    int nf = encoding_fixed_ladder(e, c, fixed);
    if (csv) {
        puts("kind,codec,bitrate_kbps,width,height,quality");
    } else {
        printf("complexity %.4g, codec %s (bits x %.3g of AVC)\n", c, codec_names[codec],
               e->bits_factor[codec]);
        printf("\nconvex hull (%s, 240p..2160p, between %.0f kbps and %.0f kbps):\n",
               codec_names[codec], e->min_bps / 2e3, e->max_uhd_bps * 1.5 / 1e3);
    }
    for (int i = 0; i < nh; i++)
        if (hull[i].bps >= e->min_bps / 2 && hull[i].bps <= e->max_uhd_bps * 1.5)
            row(csv, "hull", codec, &hull[i]);
    if (!csv)
        printf("\nladder (%d rungs, quality step %g, top %g / %g at 2160p; banding guard on):\n",
               nr, e->quality_step, e->top_quality, e->top_quality_uhd);
    for (int i = 0; i < nr; i++)
        row(csv, "rung", codec, &rungs[i]);
    if (!csv)
        printf("\nfixed ladder (AVC, the same for every title), its quality for this title:\n");
    for (int i = 0; i < nf; i++)
        row(csv, "fixed", CODEC_AVC, &fixed[i]);
}

static int codec_by_name(const char *name)
{
    for (int k = 0; k < CODEC_COUNT; k++)
        if (strcmp(name, codec_names[k]) == 0)
            return k;
    return -1;
}

/* --title ID --db FILE: the run's scenario and the title's complexity and
 * rungs. */
static int from_db(const char *path, int64_t run, long title, int codec, int csv)
{
    struct error err = {0};
    sqlite3 *db = results_open_read(path, &err);
    if (!db || results_find_run(db, path, &run, &err) != 0) {
        error_print(&err, stderr);
        if (db)
            sqlite3_close(db);
        return 2;
    }
    sqlite3_stmt *q = NULL;
    char *text = NULL;
    double c = NAN;
    int rc = 2;
    if (sqlite3_prepare_v2(db, "SELECT r.scenario, t.complexity FROM runs r JOIN titles t"
                           " ON t.run_id = r.run_id WHERE r.run_id = ?1 AND t.id = ?2",
                           -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "lastmile: %s: %s\n", path, sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, title);
    if (sqlite3_step(q) != SQLITE_ROW) {
        fprintf(stderr, "lastmile: %s: run %" PRId64 " has no title %ld\n", path, run, title);
        goto out;
    }
    text = strdup((const char *)sqlite3_column_text(q, 0));
    c = sqlite3_column_double(q, 1);
    sqlite3_finalize(q);
    q = NULL;
    struct scenario sc;
    if (!text || scenario_load_text("runs.scenario", text, NULL, 0, &sc, &err) != 0) {
        error_print(&err, stderr);
        goto out;
    }
    struct enc_point rungs[CFG_LADDER_MAX];
    int nr = 0;
    sqlite3_prepare_v2(db, "SELECT bitrate_kbps, width, height, quality FROM rungs WHERE"
                       " run_id = ?1 AND title = ?2 AND codec = ?3 ORDER BY rung", -1, &q, NULL);
    sqlite3_bind_int64(q, 1, run);
    sqlite3_bind_int64(q, 2, title);
    sqlite3_bind_text(q, 3, codec_names[codec], -1, SQLITE_STATIC);
    while (nr < CFG_LADDER_MAX && sqlite3_step(q) == SQLITE_ROW) {
        rungs[nr++] = (struct enc_point){ sqlite3_column_double(q, 0) * 1e3,
                                          (float)sqlite3_column_double(q, 3),
                                          (uint16_t)sqlite3_column_int(q, 1),
                                          (uint16_t)sqlite3_column_int(q, 2) };
    }
    if (nr == 0) {
        fprintf(stderr, "lastmile: %s: run %" PRId64 ": title %ld is not encoded in %s\n", path,
                run, title, codec_names[codec]);
        scenario_free(&sc);
        goto out;
    }
    if (!csv)
        printf("title %ld of run %" PRId64 " in %s (ladder \"%s\")\n", title, run, path,
               sc.encoding.ladder == LADDER_FIXED ? "fixed" : "per-title");
    print_model(&sc.encoding, c, codec, csv, rungs, nr);
    scenario_free(&sc);
    rc = 0;
out:
    sqlite3_finalize(q);
    free(text);
    sqlite3_close(db);
    return rc;
}

int cmd_ladder(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(LADDER_USAGE, stdout);
            return 0;
        }
    double c = NAN;
    int codec = CODEC_AVC, csv = 0, nsets = 0;
    long title = -1;
    int64_t run = 0;
    const char *db = NULL, *sets[MAX_SETS];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        char *end;
        if (strcmp(a, "--complexity") == 0 && has) {
            errno = 0;
            c = strtod(argv[++i], &end);
            if (errno || *end || !(c >= 0.02 && c <= 50))
                return usage("--complexity expects a number from 0.02 to 50, found '%s'", argv[i]);
        } else if (strcmp(a, "--codec") == 0 && has) {
            if ((codec = codec_by_name(argv[++i])) < 0)
                return usage("--codec expects avc, hevc or av1, found '%s'", argv[i]);
        } else if (strcmp(a, "--format") == 0 && has) {
            const char *f = argv[++i];
            if (strcmp(f, "text") == 0)
                csv = 0;
            else if (strcmp(f, "csv") == 0)
                csv = 1;
            else
                return usage("--format expects text or csv, found '%s'", f);
        } else if (strcmp(a, "--set") == 0 && has) {
            if (nsets == MAX_SETS)
                return usage("%s", "too many --set options");
            sets[nsets++] = argv[++i];
        } else if (strcmp(a, "--title") == 0 && has) {
            errno = 0;
            title = strtol(argv[++i], &end, 10);
            if (errno || *end || title < 0)
                return usage("--title expects a title id (a whole number from 0), found '%s'",
                             argv[i]);
        } else if (strcmp(a, "--db") == 0 && has) {
            db = argv[++i];
        } else if (strcmp(a, "--run") == 0 && has) {
            errno = 0;
            long long v = strtoll(argv[++i], &end, 10);
            if (errno || *end || v <= 0)
                return usage("--run expects a run id (a positive whole number), found '%s'",
                             argv[i]);
            run = v;
        } else {
            return usage("unknown option or missing value: '%s'", a);
        }
    }
    if (title >= 0 || db) {
        if (title < 0 || !db)
            return usage("%s", "--title and --db go together");
        if (!isnan(c) || nsets)
            return usage("%s", "--title reads the complexity and the model from the run: no"
                         " --complexity or --set with it");
        return from_db(db, run, title, codec, csv);
    }
    if (isnan(c))
        return usage("%s", "expected --complexity C (or --title ID --db FILE)");
    struct scenario sc;
    struct error err = {0};
    if (scenario_load_text("--set", BASE, sets, nsets, &sc, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    struct enc_point rungs[CFG_LADDER_MAX];
    int nr = sc.encoding.ladder == LADDER_FIXED ? encoding_fixed_ladder(&sc.encoding, c, rungs)
                                                : encoding_ladder(&sc.encoding, c, codec, rungs);
    print_model(&sc.encoding, c, codec, csv, rungs, nr);
    scenario_free(&sc);
    return 0;
}
