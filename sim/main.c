/* sim/main.c: the lastmile command line (DESIGN §7).
 *
 * Exit status: 0 success; 1 the run failed; 2 bad usage or bad input. Every
 * command parses its own options; `lastmile help COMMAND` prints the same
 * text as `lastmile COMMAND --help`. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "sim/cmd_play.h"
#include "sim/cmd_ladder.h"
#include "sim/cmd_cache.h"
#include "sim/cmd_compare.h"
#include "sim/cmd_merge.h"
#include "sim/cmd_sweep.h"
#include "sim/cmd_plot.h"
#include "sim/error.h"
#include "sim/report.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "sim/version.h"

#define MAX_SETS 256

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const char *usage;
};

static const struct command *find_command(const char *name);

static const char RUN_USAGE[] =
    "usage: lastmile run SCENARIO [--db FILE] [--seed N] [--set KEY=VALUE]... [--quiet|--progress]\n"
    "\n"
    "Runs a scenario and commits it whole to a results database, then prints the\n"
    "run id and a digest of every row of the run (same scenario, seed and binary:\n"
    "same digest).\n"
    "\n"
    "  --db FILE         results database (default lastmile.db); created if missing,\n"
    "                    one database holds many runs\n"
    "  --seed N          the run seed (overrides the scenario's \"seed\")\n"
    "  --set KEY=VALUE   override any scenario key by its dotted path; array elements\n"
    "                    by id or index: --set regions.br.subscribers=2e6,\n"
    "                    --set player.abr=throughput (repeatable)\n"
    "  --progress        progress on stderr (default when stderr is a terminal)\n"
    "  --quiet           no progress\n"
    "\n"
    "Exit 1 when the run fails, a full or read-only disk or a --db folder that\n"
    "cannot hold the file included (the file is left as it was); 2 on bad input,\n"
    "a --db file that is not lastmile's or of a newer schema included.\n";

static const char VALIDATE_USAGE[] =
    "usage: lastmile validate SCENARIO [--set KEY=VALUE]...\n"
    "\n"
    "Checks a scenario and prints it resolved: every key, with defaults filled in\n"
    "and units normalised. Exit 0 when valid, 2 with a message naming the file,\n"
    "the JSON path, what was expected and what was found otherwise.\n";

static const char REPORT_USAGE[] =
    "usage: lastmile report DB [--run ID|ID,ID,...|all] [--format text|json|csv]\n"
    "       lastmile report DB [--run ID] --format html [--out DIR]\n"
    "\n"
    "Prints a run's summary metrics (default: the latest run in DB); in text,\n"
    "then the impact of each fault of the scenario (table faults).\n"
    "\n"
    "With several runs (--run 1,2,3, or --run all for every run in DB) prints them\n"
    "side by side: one column per run, one row per metric in one unit, and in the\n"
    "header the scenario values that differ between the runs (e.g. player.abr of\n"
    "runs made with --set player.abr=NAME). json: an object per run with those\n"
    "parameters; csv: a metric column, then one column per run.\n"
    "\n"
    "html writes DIR/index.html (default DIR report/): the run's summary, fault\n"
    "impact and every figure of 'lastmile plot' (drawn by gnuplot into DIR) on one\n"
    "static page; exit 1 when gnuplot fails. Without gnuplot on PATH the page is\n"
    "written without figures, saying so (exit 0, a warning on stderr). The json\n"
    "and csv shapes are stable: analysis/SCHEMA.md, \"Report formats\".\n";

static const char HELP_USAGE[] =
    "usage: lastmile help [COMMAND]\n";

static void print_usage(FILE *out);

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "lastmile %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'lastmile help %s')\n", cmd);
    return 2;
}

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

/* Parses a seed: a whole number from 0 to 2^53 (JSON's exact integers). */
static int parse_seed(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > (1ULL << 53))
        return -1;
    *out = v;
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(RUN_USAGE, stdout);
        return 0;
    }
    const char *file = NULL, *db = "lastmile.db", *sets[MAX_SETS + 1];
    int nsets = 0, progress = isatty(2);
    char seed_set[64];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "--db") == 0 && has_value) {
            db = argv[++i];
        } else if (strcmp(a, "--seed") == 0 && has_value) {
            uint64_t seed;
            if (parse_seed(argv[++i], &seed) != 0)
                return usage_error("run", "--seed expects a whole number from 0 to 2^53, found '%s'", argv[i]);
            snprintf(seed_set, sizeof seed_set, "seed=%" PRIu64, seed);
            if (nsets == MAX_SETS)
                return usage_error("run", "%s", "too many --set options");
            sets[nsets++] = seed_set;
        } else if (strcmp(a, "--set") == 0 && has_value) {
            if (nsets == MAX_SETS)
                return usage_error("run", "%s", "too many --set options");
            sets[nsets++] = argv[++i];
        } else if (strcmp(a, "--quiet") == 0) {
            progress = 0;
        } else if (strcmp(a, "--progress") == 0) {
            progress = 1;
        } else if (a[0] == '-') {
            return usage_error("run", "unknown option or missing value: '%s'", a);
        } else if (!file) {
            file = a;
        } else {
            return usage_error("run", "one scenario at a time; found a second: '%s'", a);
        }
    }
    if (!file)
        return usage_error("run", "%s", "expected a SCENARIO file");
    struct scenario sc;
    struct error err = {0};
    if (scenario_load(file, sets, nsets, &sc, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    struct run_result r;
    struct error rerr = {0};
    int rc = run_scenario(&sc, db, progress, &r, &rerr);
    if (rc != 0) {
        error_print(&rerr, stderr);
    } else {
        printf("run %" PRId64 " of %s in %s: %" PRIu64 " events, %" PRIu64 " segments, %.2f s\n",
               r.run_id, sc.name, db, r.events, r.segments, r.wall_s);
        printf("digest %016" PRIx64 "\n", r.digest);
    }
    scenario_free(&sc);
    return rc;
}

static int cmd_validate(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(VALIDATE_USAGE, stdout);
        return 0;
    }
    const char *file = NULL, *sets[MAX_SETS];
    int nsets = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
            if (nsets == MAX_SETS)
                return usage_error("validate", "%s", "too many --set options");
            sets[nsets++] = argv[++i];
        } else if (argv[i][0] == '-') {
            return usage_error("validate", "unknown option or missing value: '%s'", argv[i]);
        } else if (!file) {
            file = argv[i];
        } else {
            return usage_error("validate", "one scenario at a time; found a second: '%s'", argv[i]);
        }
    }
    if (!file)
        return usage_error("validate", "%s", "expected a SCENARIO file");
    struct scenario sc;
    struct error err = {0};
    if (scenario_load(file, sets, nsets, &sc, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    fputs(sc.resolved_json, stdout);
    fputc('\n', stdout);
    scenario_free(&sc);
    return 0;
}

static int cmd_report(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(REPORT_USAGE, stdout);
        return 0;
    }
    const char *db = NULL;
    int64_t run = 0, runs[64];
    int nruns = -1;                 /* -1: one run; 0: all; else a list */
    enum report_format fmt = REPORT_TEXT;
    int html = 0;
    const char *out_dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--run") == 0 && i + 1 < argc) {
            const char *list = argv[++i];
            if (strcmp(list, "all") == 0) {
                nruns = 0;
                continue;
            }
            int k = 0;
            for (const char *p = list;; k++) {
                char *end;
                errno = 0;
                long long v = strtoll(p, &end, 10);
                if (errno || end == p || (*end && *end != ',') || v <= 0 || k == 64)
                    return usage_error("report", "--run expects a run id (a positive whole number),"
                                       " a list of up to 64 ids separated by commas, or all;"
                                       " found '%s'", list);
                runs[k] = v;
                if (!*end)
                    break;
                p = end + 1;
            }
            run = runs[0];
            nruns = k + 1 > 1 ? k + 1 : -1;
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "text") == 0)
                fmt = REPORT_TEXT;
            else if (strcmp(f, "json") == 0)
                fmt = REPORT_JSON;
            else if (strcmp(f, "csv") == 0)
                fmt = REPORT_CSV;
            else if (strcmp(f, "html") == 0)
                html = 1;
            else
                return usage_error("report", "--format expects text, json, csv or html, found '%s'", f);
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_dir = argv[++i];
        } else if (argv[i][0] == '-') {
            return usage_error("report", "unknown option or missing value: '%s'", argv[i]);
        } else if (!db) {
            db = argv[i];
        } else {
            return usage_error("report", "one database at a time; found a second: '%s'", argv[i]);
        }
    }
    if (!db)
        return usage_error("report", "%s", "expected a DB file");
    if (out_dir && !html)
        return usage_error("report", "%s", "--out goes with --format html (text, json and csv print"
                           " to standard output)");
    if (html && nruns >= 0)
        return usage_error("report", "%s", "--format html shows one run: give --run ID");
    if (html) {
        struct error herr = {0};
        int hrc = report_html(db, run, out_dir ? out_dir : "report", &herr);
        if (hrc < 0) {
            fputs("lastmile report: ", stderr);
            error_print(&herr, stderr);
            return hrc == -2 ? 1 : 2;
        }
        if (hrc == 1)
            fprintf(stderr, "lastmile report: gnuplot not found on PATH, so the figures were"
                    " skipped: the page has the summary and faults only (install gnuplot,"
                    " Debian: apt-get install gnuplot-nox, and run again to draw them)\n");
        printf("%s/index.html\n", out_dir ? out_dir : "report");
        return 0;
    }
    struct error err = {0};
    if ((nruns >= 0 ? report_print_runs(db, runs, nruns, fmt, stdout, &err)
                    : report_print(db, run, fmt, stdout, &err)) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stdout);
        return 0;
    }
    const struct command *c = find_command(argv[1]);
    if (!c)
        return usage_error("help", "unknown command '%s'", argv[1]);
    fputs(c->usage, stdout);
    return 0;
}

static const struct command commands[] = {
    { "run", cmd_run, "run a scenario into a results database", RUN_USAGE },
    { "validate", cmd_validate, "check a scenario, print the resolved values", VALIDATE_USAGE },
    { "report", cmd_report, "print a run's summary (text, json, csv, html page)", REPORT_USAGE },
    { "play", cmd_play, "play one session over one throughput trace", PLAY_USAGE },
    { "ladder", cmd_ladder, "one title's convex hull and ladder (a teaching tool)", LADDER_USAGE },
    { "cache", cmd_cache, "one reactive cache over a request trace: hit ratios", CACHE_USAGE },
    { "sweep", cmd_sweep, "run a grid of --set values x seeds in parallel into one database", SWEEP_USAGE },
    { "merge", cmd_merge, "copy the runs of several databases into one, refusing duplicates", MERGE_USAGE },
    { "compare", cmd_compare, "base vs candidate runs: differences, CIs, exit 1 on a regression", COMPARE_USAGE },
    { "plot", cmd_plot, "draw a run's figures as PNG files (gnuplot)", PLOT_USAGE },
    { "help", cmd_help, "help on a command", HELP_USAGE },
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_usage(FILE *out)
{
    fputs("lastmile " LASTMILE_VERSION ": a deterministic simulator of a video delivery network\n"
          "\nusage: lastmile COMMAND [ARGS]\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'lastmile help COMMAND' lists a command's options.\n"
          "Exit status: 0 success, 1 the run failed, 2 bad usage or bad input.\n"
          "Scenario, trace and manifest files over LASTMILE_MAX_INPUT (environment;\n"
          "a size such as 256MiB, default 64MiB) are refused.\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fputc('\n', out);
        fputs(commands[i].usage, out);
    }
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; statuses are checked instead. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts("lastmile " LASTMILE_VERSION);
        return 0;
    }
    const struct command *c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "lastmile: unknown command '%s'\n", argv[1]);
        print_usage(stderr);
        return 2;
    }
    return c->fn(argc - 1, argv + 1);
}
