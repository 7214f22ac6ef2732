/* sim/report.c: `lastmile report`: one run's header and summary metrics.
 *
 * Reads a results database read-only (through results_open_read, which
 * refuses files that are not lastmile's and never creates one) and prints
 * the run's summary table in one of three formats:
 *   text  a header, then an aligned table of every metric in name order,
 *         each shown in a unit read off its name (below), for people;
 *   json  one object with full-precision values (%.17g), for programs;
 *   csv   run_id,metric,value lines with full precision, for spreadsheets.
 * Summary names are the stable dotted names of DESIGN.md section 7; the
 * unit rules follow their conventions: fractions are 0..1, times are
 * seconds, rates say their unit. A metric stored as NULL (a NaN, such as a
 * startup quantile with no cold sessions) prints as "-", null or an empty
 * field. */
#include "sim/report.h"

#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/report_faults.h"
#include "sim/results.h"

#include "sim/report_int.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* v with about four significant digits and never an exponent for the
 * magnitudes a report shows (1e-6 up), e.g. 1.234, 86400, 0.01230. */
static void fmt_sig(char *buf, size_t n, double v)
{
    double a = fabs(v);
    if (a == 0) {
        snprintf(buf, n, "0");
    } else if (a < 1e-6 || a >= 1e15) {
        snprintf(buf, n, "%.3e", v);
    } else {
        int decimals = 3 - (int)floor(log10(a));
        decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
        snprintf(buf, n, "%.*f", decimals, v);
    }
}

/* The text form of one metric: the number in buf, the unit in *unit. The
 * unit comes from the name: bytes.*, storage.* and *_bytes in GB or TB (10^9, 10^12),
 * offload.*, *ratio, *_fraction, *_utilization and
 * encoding.bits_saved_vs_fixed (fractions) as a percentage, *_s seconds,
 * *_kbps, *_mbps, *_gbps, *_bps as rates, *_per_hour per hour, *_usd in
 * USD, *vmaf* on the VMAF-like scale; anything else is a count, shown as a
 * whole number when it is one. */
static void fmt_metric(const struct metric *m, char *buf, size_t n, const char **unit)
{
    const char *name = m->name;
    double v = m->value;
    *unit = "";
    if (m->null) {
        snprintf(buf, n, "-");
        return;
    }
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    if ((starts_with(name, "bytes.") || ends_with(name, "_bytes") || starts_with(name, "storage.")) &&
        !ends_with(name, "_fraction")) {
        if (fabs(v) >= 1e12) {
            v /= 1e12;
            *unit = "TB";
        } else {
            v /= 1e9;
            *unit = "GB";
        }
    } else if (starts_with(name, "offload.") || ends_with(name, "ratio") || ends_with(name, "_fraction") ||
               ends_with(name, "_utilization") || strcmp(name, "encoding.bits_saved_vs_fixed") == 0) {
        v *= 100;
        *unit = "%";
    } else if (ends_with(name, "_s")) {
        *unit = "s";
    } else if (ends_with(name, "_kbps")) {
        *unit = "kbps";
    } else if (ends_with(name, "_mbps")) {
        *unit = "Mbps";
    } else if (ends_with(name, "_gbps")) {
        *unit = "Gbps";
    } else if (ends_with(name, "_bps")) {
        *unit = "bps";
    } else if (ends_with(name, "_per_hour")) {
        *unit = "/h";
    } else if (ends_with(name, "_usd")) {
        *unit = "USD";
    } else if (strstr(name, "vmaf")) {
        *unit = "VMAF";
    } else if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    fmt_sig(buf, n, v);
}

/* JSON string literal of s (RFC 8259: quote, backslash and control
 * characters escaped; other bytes as they are, UTF-8 passing through). */
static void put_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* A CSV field (RFC 4180): quoted when it holds a comma, quote or newline. */
static void put_csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

static void copy_text(sqlite3_stmt *s, int c, char *buf, size_t n)
{
    const unsigned char *t = sqlite3_column_text(s, c);
    snprintf(buf, n, "%s", t ? (const char *)t : "");
}

static int read_head(sqlite3 *db, const char *path, struct run_head *h, struct error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT name, seed, version, sample, start_unix, duration_s,"
                           " events, wall_s, digest FROM runs WHERE run_id = ?1", -1, &s, NULL)
        != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(s, 1, h->run_id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        goto fail;
    }
    copy_text(s, 0, h->name, sizeof h->name);
    h->seed = sqlite3_column_int64(s, 1);
    copy_text(s, 2, h->version, sizeof h->version);
    h->has_sample = sqlite3_column_type(s, 3) != SQLITE_NULL;
    h->sample = sqlite3_column_double(s, 3);
    h->has_start = sqlite3_column_type(s, 4) != SQLITE_NULL;
    h->start_unix = sqlite3_column_double(s, 4);
    h->has_duration = sqlite3_column_type(s, 5) != SQLITE_NULL;
    h->duration_s = sqlite3_column_double(s, 5);
    h->has_events = sqlite3_column_type(s, 6) != SQLITE_NULL;
    h->events = sqlite3_column_int64(s, 6);
    h->has_wall = sqlite3_column_type(s, 7) != SQLITE_NULL;
    h->wall_s = sqlite3_column_double(s, 7);
    copy_text(s, 8, h->digest, sizeof h->digest);
    sqlite3_finalize(s);
    return 0;
fail:
    error_file(err, path);
    error_set(err, "cannot read run %" PRId64 ": %s", h->run_id, sqlite3_errmsg(db));
    return -1;
}

/* The run's metrics in name order; *out is the caller's to free with
 * free_metrics. */
static int read_metrics(sqlite3 *db, const char *path, int64_t run_id, struct metric **out,
                        size_t *count, struct error *err)
{
    sqlite3_stmt *s;
    struct metric *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    if (sqlite3_prepare_v2(db, "SELECT metric, value FROM summary WHERE run_id = ?1"
                           " ORDER BY metric", -1, &s, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t c = cap ? 2 * cap : 32;
            struct metric *nv = realloc(v, c * sizeof *nv);
            if (!nv)
                goto nomem;
            v = nv;
            cap = c;
        }
        const unsigned char *name = sqlite3_column_text(s, 0);
        v[n].name = strdup(name ? (const char *)name : "");
        if (!v[n].name)
            goto nomem;
        v[n].null = sqlite3_column_type(s, 1) == SQLITE_NULL;
        v[n].value = v[n].null ? NAN : sqlite3_column_double(s, 1);
        n++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        goto fail;
    *out = v;
    *count = n;
    return 0;
nomem:
    sqlite3_finalize(s);
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    error_file(err, path);
    error_set(err, "out of memory reading the summary of run %" PRId64, run_id);
    return -1;
fail:
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    error_file(err, path);
    error_set(err, "cannot read the summary of run %" PRId64 ": %s", run_id,
              sqlite3_errmsg(db));
    return -1;
}

static void free_metrics(struct metric *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}

static void print_text(FILE *out, const struct run_head *h, const struct metric *m, size_t n)
{
    char buf[64];
    fprintf(out, "run        %" PRId64 "\n", h->run_id);
    fprintf(out, "scenario   %s\n", h->name);
    fprintf(out, "seed       %" PRIu64 "\n", (uint64_t)h->seed);
    if (h->has_sample)
        fprintf(out, "sample     %.6g\n", h->sample);
    if (h->has_start && isfinite(h->start_unix)) {
        time_t t = (time_t)floor(h->start_unix);
        struct tm tm;
        if (gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm))
            fprintf(out, "start      %s\n", buf);
    }
    if (h->has_duration) {
        fprintf(out, "simulated  %.6g s", h->duration_s);
        if (h->duration_s >= 3600)
            fprintf(out, " (%.4g h)", h->duration_s / 3600);
        fputc('\n', out);
    }
    if (h->has_events)
        fprintf(out, "events     %" PRIu64 "\n", (uint64_t)h->events);
    if (h->has_wall)
        fprintf(out, "wall       %.3f s\n", h->wall_s);
    fprintf(out, "digest     %s\n", h->digest[0] ? h->digest : "-");
    if (h->version[0])
        fprintf(out, "version    %s\n", h->version);
    fputc('\n', out);
    if (n == 0) {
        fprintf(out, "(no summary metrics)\n");
        return;
    }
    /* Names left-aligned; numbers right-aligned so their ends line up, the
     * unit after them. */
    int wname = (int)strlen("metric"), wval = (int)strlen("value");
    for (size_t i = 0; i < n; i++) {
        const char *unit;
        fmt_metric(&m[i], buf, sizeof buf, &unit);
        int ln = (int)strlen(m[i].name), lv = (int)strlen(buf);
        wname = ln > wname ? ln : wname;
        wval = lv > wval ? lv : wval;
    }
    fprintf(out, "%-*s  %*s\n", wname, "metric", wval, "value");
    for (size_t i = 0; i < n; i++) {
        const char *unit;
        fmt_metric(&m[i], buf, sizeof buf, &unit);
        fprintf(out, "%-*s  %*s%s%s\n", wname, m[i].name, wval, buf, unit[0] ? " " : "", unit);
    }
}

static void print_json(FILE *out, const struct run_head *h, const struct metric *m, size_t n)
{
    fprintf(out, "{\"run_id\":%" PRId64 ",\"name\":", h->run_id);
    put_json_string(out, h->name);
    fprintf(out, ",\"seed\":%" PRIu64 ",\"digest\":", (uint64_t)h->seed);
    if (h->digest[0])
        put_json_string(out, h->digest);
    else
        fputs("null", out);
    fputs(",\"metrics\":{", out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        put_json_string(out, m[i].name);
        /* JSON has no NaN or infinity: those print as null. */
        if (m[i].null || !isfinite(m[i].value))
            fputs(":null", out);
        else
            fprintf(out, ":%.17g", m[i].value);
    }
    fputs("}}\n", out);
}

static void print_csv(FILE *out, const struct run_head *h, const struct metric *m, size_t n)
{
    fputs("run_id,metric,value\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%" PRId64 ",", h->run_id);
        put_csv_field(out, m[i].name);
        if (m[i].null)
            fputs(",\n", out);
        else
            fprintf(out, ",%.17g\n", m[i].value);
    }
}

int report_print(const char *db_path, int64_t run_id, enum report_format fmt, FILE *out,
                 struct error *err)
{
    sqlite3 *db = results_open_read(db_path, err);
    if (!db)
        return -1;
    struct run_head head = { .run_id = run_id };
    struct metric *m = NULL;
    size_t n = 0;
    /* One read transaction: header and metrics from the same snapshot. */
    int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    if (rc != 0) {
        error_file(err, db_path);
        error_set(err, "cannot read the database: %s", sqlite3_errmsg(db));
    }
    if (rc == 0)
        rc = results_find_run(db, db_path, &head.run_id, err);
    if (rc == 0)
        rc = read_head(db, db_path, &head, err);
    if (rc == 0)
        rc = read_metrics(db, db_path, head.run_id, &m, &n, err);
    char *faults = rc == 0 && fmt == REPORT_TEXT ? report_faults_text(db, head.run_id) : NULL;
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    if (rc != 0)
        return -1;
    switch (fmt) {
    case REPORT_JSON:
        print_json(out, &head, m, n);
        break;
    case REPORT_CSV:
        print_csv(out, &head, m, n);
        break;
    default:
        print_text(out, &head, m, n);
        if (faults)
            fputs(faults, out);
        break;
    }
    free(faults);
    free_metrics(m, n);
    if (fflush(out) != 0 || ferror(out)) {
        err->file[0] = '\0';
        error_set(err, "cannot write the report: the output was closed or is full");
        return -1;
    }
    return 0;
}

/* ---- shared with sim/report_runs.c (the side-by-side report) ---- */

int report_read_head(struct sqlite3 *db, const char *path, struct run_head *h, struct error *err)
{
    return read_head(db, path, h, err);
}

int report_read_metrics(struct sqlite3 *db, const char *path, int64_t run_id,
                        struct metric **out, size_t *count, struct error *err)
{
    return read_metrics(db, path, run_id, out, count, err);
}

void report_free_metrics(struct metric *v, size_t n)
{
    free_metrics(v, n);
}

void report_fmt_metric(const struct metric *m, char *buf, size_t n, const char **unit)
{
    fmt_metric(m, buf, n, unit);
}

void report_fmt_sig(char *buf, size_t n, double v)
{
    fmt_sig(buf, n, v);
}

void report_put_json_string(FILE *out, const char *s)
{
    put_json_string(out, s);
}

void report_put_csv_field(FILE *out, const char *s)
{
    put_csv_field(out, s);
}
