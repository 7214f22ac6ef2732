/* sim/cmd_plot.c: `lastmile plot DB [--run ID] [--out DIR]`: parses the
 * command line and hands over to plot_draw (sim/plot.c). */
#include "sim/cmd_plot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/plot.h"

const char PLOT_USAGE[] =
    "usage: lastmile plot DB [--run ID] [--out DIR]\n"
    "\n"
    "Draws a run's figures (default: the latest run in DB) as PNG files in DIR\n"
    "(default plots/, created if missing) with gnuplot, an external program\n"
    "(Debian: gnuplot-nox): concurrency by region, egress by tier stacked, OCA\n"
    "utilization heatmap, startup-delay CDF, rebuffer ratio over time, bitrate\n"
    "and quality distributions, ladders of three titles, and when the run has\n"
    "them the live join curve and fault markers.\n"
    "\n"
    "DIR also receives each figure's data (TSV, analysis/SCHEMA.md \"Plot data\n"
    "files\") and its script (a copy of analysis/NAME.gp): after an edit,\n"
    "`cd DIR && gnuplot NAME.gp` draws NAME.png again.\n"
    "\n"
    "  --run ID   the run (default: the latest)\n"
    "  --out DIR  output directory (default plots)\n"
    "\n"
    "Exit status: 0 drawn; 1 gnuplot is missing (the data files are still\n"
    "written) or failed; 2 bad usage or input (no such file or run).\n";

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "lastmile plot: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'lastmile help plot')\n");
    return 2;
}

int cmd_plot(int argc, char **argv)
{
    const char *db = NULL, *dir = "plots";
    int64_t run = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(PLOT_USAGE, stdout);
            return 0;
        }
        if (strcmp(a, "--run") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            long long v = strtoll(argv[++i], &end, 10);
            if (errno || end == argv[i] || *end || v <= 0)
                return usage("--run expects a run id (a positive whole number), found '%s'", argv[i]);
            run = v;
        } else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
            dir = argv[++i];
            if (!*dir)
                return usage("%s", "--out expects a directory, found an empty name");
        } else if (a[0] == '-') {
            return usage("unknown option or missing value: '%s'", a);
        } else if (!db) {
            db = a;
        } else {
            return usage("one database at a time; found a second: '%s'", a);
        }
    }
    if (!db)
        return usage("%s", "expected a DB file");
    struct plot_set set;
    struct error err = {0};
    int rc = plot_draw(db, run, dir, &set, &err);
    if (rc != PLOT_OK) {
        fputs("lastmile plot: ", stderr);
        error_print(&err, stderr);
        return rc == PLOT_BAD_INPUT ? 2 : 1;
    }
    printf("run %" PRId64 " of %s:\n", set.run_id, db);
    for (int i = 0; i < set.n; i++)
        if (set.fig[i].rows > 0)
            printf("  %s/%s.png  %s\n", dir, set.fig[i].name, set.fig[i].caption);
    return 0;
}
