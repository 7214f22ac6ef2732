/* sim/report_int.h: what sim/report.c shares with sim/report_runs.c (the
 * side-by-side report of several runs): the run header, the summary
 * metrics and their formatting. */
#ifndef LASTMILE_REPORT_INT_H
#define LASTMILE_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sim/error.h"

struct sqlite3;

struct metric {
    char *name;
    double value;
    int null;
};

struct run_head {
    int64_t run_id;
    char name[256], version[64], digest[32];
    int64_t seed, events;
    double sample, start_unix, duration_s, wall_s;
    int has_events, has_wall, has_start, has_duration, has_sample;
};

/* h->run_id names the run (it must exist). */
int report_read_head(struct sqlite3 *db, const char *path, struct run_head *h, struct error *err);
/* The run's metrics in name order; free with report_free_metrics. */
int report_read_metrics(struct sqlite3 *db, const char *path, int64_t run_id,
                        struct metric **out, size_t *count, struct error *err);
void report_free_metrics(struct metric *v, size_t n);
/* A metric's text and unit, as `lastmile report` shows it (report.c says
 * how the unit is read off the name). */
void report_fmt_metric(const struct metric *m, char *buf, size_t n, const char **unit);
/* About four significant digits, no exponent for 1e-6 up. */
void report_fmt_sig(char *buf, size_t n, double v);
void report_put_json_string(FILE *out, const char *s);
void report_put_csv_field(FILE *out, const char *s);

#endif
