/* sim/plot.h: `lastmile plot`: one run's figures, drawn by gnuplot.
 *
 * Two steps, each usable alone. plot_export writes the run's data as TSV
 * files into a directory (sim/plot_export.c); plot_draw copies the
 * analysis/NAME.gp scripts beside them and runs gnuplot on every script
 * whose data is there (sim/plot.c). The scripts read only those files, so
 * the directory can be re-plotted or edited by hand later. */
#ifndef LASTMILE_PLOT_H
#define LASTMILE_PLOT_H

#include <stdint.h>
#include "sim/error.h"

#define PLOT_MAX 16

/* One figure: its script (analysis/NAME.gp), data file and caption. */
struct plot_figure {
    const char *name;               /* script and PNG base name */
    const char *data;               /* TSV file it reads */
    const char *caption;
    long rows;                      /* data rows exported; 0: not drawn */
};

struct plot_set {
    int64_t run_id;                 /* the run resolved (0 asked: the latest) */
    int n;
    struct plot_figure fig[PLOT_MAX];
};

/* Writes every data file of run run_id (0: the latest) of the database
 * at db_path into dir (created when missing). Fills set. Returns 0, or -1
 * with err filled (no such file or run, not a lastmile database, a write
 * error). */
int plot_export(const char *db_path, int64_t run_id, const char *dir,
                struct plot_set *set, struct error *err);

/* Where the analysis/NAME.gp scripts are: $LASTMILE_ROOT/analysis, else
 * analysis/ beside the binary's parent directory (build/lastmile), else
 * ./analysis. Writes it into buf; -1 when none holds them. */
int plot_scripts_dir(char *buf, size_t n);

enum { PLOT_OK = 0, PLOT_BAD_INPUT = -1, PLOT_NO_GNUPLOT = -2, PLOT_GNUPLOT_FAILED = -3 };

/* plot_export, then gnuplot on each figure with rows into dir/NAME.png.
 * Returns PLOT_OK, or one of the failures above with err filled. */
int plot_draw(const char *db_path, int64_t run_id, const char *dir,
              struct plot_set *set, struct error *err);

#endif
