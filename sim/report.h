/* sim/report.h: `lastmile report`: a run's summary from a results database. */
#ifndef LASTMILE_REPORT_H
#define LASTMILE_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include "sim/error.h"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_CSV };

/* run_id 0 means the latest run. Returns 0, or -1 with err filled (a
 * missing file, not a lastmile database, no such run). */
int report_print(const char *db_path, int64_t run_id, enum report_format fmt,
                 FILE *out, struct error *err);

/* Several runs side by side (sim/report_runs.c): run_ids[0..nruns), or
 * every run of the file when nruns is 0. Same errors as report_print. */
int report_print_runs(const char *db_path, const int64_t *run_ids, int nruns,
                      enum report_format fmt, FILE *out, struct error *err);

/* The HTML report (sim/report_html.c): dir/index.html with the run's
 * summary and every figure of `lastmile plot`, drawn into dir. Returns 0;
 * 1 when gnuplot is not on PATH (the page is written without figures and
 * says so); -1 with err filled on bad input (no such file or run, a write
 * error); -2 when gnuplot fails. */
int report_html(const char *db_path, int64_t run_id, const char *dir, struct error *err);

#endif
