/* sim/plot_export.c: a run's data for the plot scripts, as TSV files.
 *
 * Each file is what one analysis/NAME.gp script reads: a "# " comment line
 * saying what it holds (run, units), a header line of column names, then
 * tab-separated rows; NULL is an empty field (gnuplot: missing). Times are
 * hours from the run's start. Some files hold several data blocks (one per
 * series, two blank lines apart, each starting with its own header line
 * whose first field is the series' name), which gnuplot selects with
 * `index`. analysis/SCHEMA.md ("Plot data files") lists the files.
 *
 * Series of unbounded size are reduced here, not in gnuplot: the startup
 * CDF keeps about 2000 quantile points, the distributions are binned. */
#include "sim/plot.h"

#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/results.h"

struct exporter {
    sqlite3 *db;
    const char *db_path, *dir;
    int64_t run_id;
    struct error *err;
};

static int fail_sql(struct exporter *x, const char *what)
{
    error_file(x->err, x->db_path);
    error_set(x->err, "cannot read %s of run %" PRId64 ": %s", what, x->run_id,
              sqlite3_errmsg(x->db));
    return -1;
}

static FILE *open_data(struct exporter *x, const char *name, const char *comment)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", x->dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        error_file(x->err, path);
        error_set(x->err, "cannot write: %s", strerror(errno));
        return NULL;
    }
    fprintf(f, "# %s, run %" PRId64 " of %s\n", comment, x->run_id, x->db_path);
    return f;
}

static int close_data(struct exporter *x, FILE *f, const char *name)
{
    if (fclose(f) != 0) {
        snprintf(x->err->file, sizeof x->err->file, "%s/%s", x->dir, name);
        error_set(x->err, "cannot write: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* A field: text with tabs and newlines blanked (they would split it). */
static void put_field(FILE *f, sqlite3_stmt *s, int c)
{
    switch (sqlite3_column_type(s, c)) {
    case SQLITE_NULL:
        break;
    case SQLITE_INTEGER:
        fprintf(f, "%lld", (long long)sqlite3_column_int64(s, c));
        break;
    case SQLITE_FLOAT:
        fprintf(f, "%.10g", sqlite3_column_double(s, c));
        break;
    default:
        for (const unsigned char *p = sqlite3_column_text(s, c); p && *p; p++)
            fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, f);
    }
}

/* Writes the rows of sql (?1 bound to the run, ?2 to arg2 when >= 0) to
 * f: a header line of its column names unless header is 0. Returns the
 * number of rows, or -1. */
static long put_query(struct exporter *x, FILE *f, const char *sql, int header, int64_t arg2,
                      const char *what)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(x->db, sql, -1, &s, NULL) != SQLITE_OK)
        return fail_sql(x, what);
    sqlite3_bind_int64(s, 1, x->run_id);
    if (arg2 >= 0)
        sqlite3_bind_int64(s, 2, arg2);
    int nc = sqlite3_column_count(s);
    if (header)
        for (int c = 0; c < nc; c++)
            fprintf(f, "%s%s", sqlite3_column_name(s, c), c + 1 < nc ? "\t" : "\n");
    long rows = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int c = 0; c < nc; c++) {
            put_field(f, s, c);
            fputc(c + 1 < nc ? '\t' : '\n', f);
        }
        rows++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return fail_sql(x, what);
    return rows;
}

static long export_query(struct exporter *x, const char *name, const char *comment,
                         const char *sql, const char *what)
{
    FILE *f = open_data(x, name, comment);
    if (!f)
        return -1;
    long rows = put_query(x, f, sql, 1, -1, what);
    if (close_data(x, f, name) != 0)
        return -1;
    return rows;
}

/* Appends a double-quoted SQL identifier (quotes doubled). */
static void put_ident(FILE *m, const char *s)
{
    fputc('"', m);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', m);
        fputc(*s, m);
    }
    fputc('"', m);
}

/* A wide table of a per-region series: hour, then a column "all" when
 * all_expr is given, then one column per region (named as in the
 * scenario), value_expr aggregated over the region's rows of region_ts. */
static long export_by_region(struct exporter *x, const char *name, const char *comment,
                             const char *all_expr, const char *value_fmt)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(x->db, "SELECT id, name FROM regions WHERE run_id = ?1 ORDER BY id",
                           -1, &s, NULL) != SQLITE_OK)
        return fail_sql(x, "the regions");
    sqlite3_bind_int64(s, 1, x->run_id);
    char *sql = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&sql, &len);
    if (!m) {
        sqlite3_finalize(s);
        error_set(x->err, "out of memory");
        return -1;
    }
    fputs("SELECT t_s / 3600.0 AS hour", m);
    if (all_expr)
        fprintf(m, ", %s AS \"all\"", all_expr);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int id = sqlite3_column_int(s, 0);
        const char *rname = (const char *)sqlite3_column_text(s, 1);
        char expr[512];
        snprintf(expr, sizeof expr, value_fmt, id, id, id, id);
        fprintf(m, ", %s AS ", expr);
        put_ident(m, rname ? rname : "?");
    }
    sqlite3_finalize(s);
    fputs(" FROM region_ts WHERE run_id = ?1 GROUP BY t_s ORDER BY t_s", m);
    if (fclose(m) != 0) {
        free(sql);
        error_set(x->err, "out of memory");
        return -1;
    }
    long rows = export_query(x, name, comment, sql, "region_ts");
    free(sql);
    return rows;
}

/* One block per series of a query taking the series' key as ?2: the
 * block's header names the series (label), then the columns. */
static long put_block(struct exporter *x, FILE *f, int first, const char *label,
                      const char *columns, const char *sql, int64_t key, const char *what)
{
    fprintf(f, "%s%s\t%s\n", first ? "" : "\n\n", label, columns);
    return put_query(x, f, sql, 0, key, what);
}

/* Ladders of three titles (least, median and most complex), one block per
 * title and codec: bitrate against quality. */
static long export_ladders(struct exporter *x, const char *name)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(x->db, "SELECT id, complexity FROM titles WHERE run_id = ?1"
                           " AND complexity IS NOT NULL ORDER BY complexity, id", -1, &s, NULL)
        != SQLITE_OK)
        return fail_sql(x, "the titles");
    sqlite3_bind_int64(s, 1, x->run_id);
    int ids[3] = { -1, -1, -1 }, n = 0, cap = 0;
    double cx[3] = {0};
    int *all = NULL;
    double *allc = NULL;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            int *a = realloc(all, (size_t)cap * sizeof *a);
            double *c = realloc(allc, (size_t)cap * sizeof *c);
            if (a)
                all = a;
            if (c)
                allc = c;
            if (!a || !c) {
                sqlite3_finalize(s);
                free(all);
                free(allc);
                error_set(x->err, "out of memory");
                return -1;
            }
        }
        all[n] = sqlite3_column_int(s, 0);
        allc[n++] = sqlite3_column_double(s, 1);
    }
    sqlite3_finalize(s);
    int picks = 0;
    if (n > 0) {
        int idx[3] = { 0, n / 2, n - 1 };
        for (int k = 0; k < 3; k++) {
            if (picks > 0 && all[idx[k]] == ids[picks - 1])
                continue;
            ids[picks] = all[idx[k]];
            cx[picks++] = allc[idx[k]];
        }
    }
    free(all);
    free(allc);
    FILE *f = open_data(x, name, "ladders of the least, median and most complex titles:"
                        " one block per title and codec; bitrate_kbps kbit/s, quality VMAF-like,"
                        " height lines");
    if (!f)
        return -1;
    long rows = 0;
    static const char *const codecs[] = { "avc", "hevc", "av1" };
    for (int t = 0; t < picks && rows >= 0; t++)
        for (int c = 0; c < 3 && rows >= 0; c++) {
            char sql[256], label[96];
            snprintf(sql, sizeof sql, "SELECT bitrate_kbps, quality, height FROM rungs"
                     " WHERE run_id = ?1 AND title = ?2 AND codec = '%s' ORDER BY rung", codecs[c]);
            /* Only codecs the title has: peek before writing a header. */
            sqlite3_stmt *p;
            char peek[160];
            snprintf(peek, sizeof peek, "SELECT 1 FROM rungs WHERE run_id = ?1 AND title = ?2"
                     " AND codec = '%s' LIMIT 1", codecs[c]);
            if (sqlite3_prepare_v2(x->db, peek, -1, &p, NULL) != SQLITE_OK) {
                rows = fail_sql(x, "the rungs");
                break;
            }
            sqlite3_bind_int64(p, 1, x->run_id);
            sqlite3_bind_int64(p, 2, ids[t]);
            int has = sqlite3_step(p) == SQLITE_ROW;
            sqlite3_finalize(p);
            if (!has)
                continue;
            snprintf(label, sizeof label, "title %d (c %.2f) %s", ids[t], cx[t], codecs[c]);
            long r = put_block(x, f, rows == 0, label, "quality\theight", sql, ids[t], "the rungs");
            rows = r < 0 ? -1 : rows + r;
        }
    if (close_data(x, f, name) != 0 || rows < 0)
        return -1;
    return rows;
}

/* One block per live event: its join curve, second by second. */
static long export_live(struct exporter *x, const char *name)
{
    FILE *f = open_data(x, name, "live events, one block per event: second from the event's"
                        " first row, joins admitted since the series began, admitted, first tries"
                        " and requests offered to the control plane per second");
    if (!f)
        return -1;
    sqlite3_stmt *s;
    long rows = 0;
    if (sqlite3_prepare_v2(x->db, "SELECT DISTINCT event FROM live_ts WHERE run_id = ?1"
                           " ORDER BY event", -1, &s, NULL) != SQLITE_OK) {
        fclose(f);
        return fail_sql(x, "live_ts");
    }
    sqlite3_bind_int64(s, 1, x->run_id);
    char **events = NULL;
    int nev = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        char **e = realloc(events, (size_t)(nev + 1) * sizeof *e);
        if (!e)
            break;
        events = e;
        events[nev] = strdup((const char *)sqlite3_column_text(s, 0));
        if (events[nev])
            nev++;
    }
    sqlite3_finalize(s);
    for (int k = 0; k < nev && rows >= 0; k++) {
        char *sql = sqlite3_mprintf("SELECT t_s - (SELECT MIN(t_s) FROM live_ts WHERE run_id = ?1"
                                    " AND event = %Q), joined, admitted, arrivals, offered FROM live_ts"
                                    " WHERE run_id = ?1 AND event = %Q ORDER BY t_s",
                                    events[k], events[k]);
        long r = sql ? put_block(x, f, rows == 0, events[k], "joined\tadmitted\tarrivals\toffered",
                                 sql, -1, "live_ts") : -1;
        sqlite3_free(sql);
        rows = r < 0 ? -1 : rows + r;
    }
    for (int k = 0; k < nev; k++)
        free(events[k]);
    free(events);
    if (close_data(x, f, name) != 0 || rows < 0)
        return -1;
    return rows;
}

static const char TIERS_SQL[] =
    "SELECT t_s / 3600.0 AS hour,"
    " SUM(CASE WHEN tier = 'embedded' THEN gbps END) AS embedded,"
    " SUM(CASE WHEN tier = 'ix' THEN gbps END) AS ix,"
    " SUM(CASE WHEN tier = 'origin' THEN gbps END) AS origin,"
    " SUM(CASE WHEN tier = 'fill' THEN gbps END) AS fill,"
    " SUM(CASE WHEN tier = 'cdn' THEN gbps END) AS cdn"
    " FROM tier_ts WHERE run_id = ?1 GROUP BY t_s ORDER BY t_s";

static const char OCA_SQL[] =
    "SELECT u.t_s / 3600.0 AS hour, u.oca, u.utilization, s.name || '/' || o.index_in_site AS name"
    " FROM oca_ts u JOIN ocas o ON o.run_id = u.run_id AND o.id = u.oca"
    " JOIN sites s ON s.run_id = o.run_id AND s.id = o.site"
    " WHERE u.run_id = ?1 ORDER BY u.t_s, u.oca";

/* About 2000 points of the empirical CDF: every k-th order statistic,
 * the first and the last. */
static const char STARTUP_SQL[] =
    "WITH v AS (SELECT startup_s, ROW_NUMBER() OVER (ORDER BY startup_s) AS k,"
    " COUNT(*) OVER () AS n FROM sessions WHERE run_id = ?1 AND startup_s IS NOT NULL)"
    " SELECT startup_s, CAST(k AS REAL) / n AS fraction FROM v"
    " WHERE k = 1 OR k = n OR k % MAX(1, n / 2000) = 0 ORDER BY k";

static const char BITRATE_SQL[] =
    "SELECT (CAST(bitrate_mean_kbps / 250 AS INTEGER) + 0.5) * 250 AS kbps, COUNT(*) AS sessions"
    " FROM sessions WHERE run_id = ?1 AND bitrate_mean_kbps IS NOT NULL GROUP BY 1 ORDER BY 1";

static const char VMAF_SQL[] =
    "SELECT (CAST(vmaf_mean / 2 AS INTEGER) + 0.5) * 2 AS vmaf, COUNT(*) AS sessions"
    " FROM sessions WHERE run_id = ?1 AND vmaf_mean IS NOT NULL GROUP BY 1 ORDER BY 1";

static const char MARKERS_SQL[] =
    "SELECT t_s / 3600.0 AS hour, kind, target, fault FROM markers WHERE run_id = ?1"
    " ORDER BY t_s, seq";

static int make_dir(const char *dir, struct error *err)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            return 0;
    }
    error_file(err, dir);
    error_set(err, "cannot use it as the output directory: %s",
              errno == EEXIST ? "it is not a directory" : strerror(errno));
    return -1;
}

static void add(struct plot_set *set, const char *name, const char *data, const char *caption,
                long rows)
{
    set->fig[set->n++] = (struct plot_figure){ name, data, caption, rows };
}

int plot_export(const char *db_path, int64_t run_id, const char *dir, struct plot_set *set,
                struct error *err)
{
    memset(set, 0, sizeof *set);
    sqlite3 *db = results_open_read(db_path, err);
    if (!db)
        return -1;
    struct exporter x = { db, db_path, dir, run_id, err };
    int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : fail_sql(&x, "the database");
    if (rc == 0)
        rc = results_find_run(db, db_path, &x.run_id, err);
    if (rc == 0)
        rc = make_dir(dir, err);
    set->run_id = x.run_id;
    long r;
#define STEP(call, name, data, caption) \
    if (rc == 0) { r = (call); if (r < 0) rc = -1; else add(set, name, data, caption, r); }
    STEP(export_by_region(&x, "concurrency.tsv", "concurrent sessions per region (time-average"
                          " over each metrics period); hour from the run's start",
                          "SUM(concurrent)", "SUM(CASE WHEN region = %d THEN concurrent END)"),
         "concurrency", "concurrency.tsv", "Concurrent sessions by region")
    STEP(export_query(&x, "tiers.tsv", "egress by delivery tier, Gbit/s (mean over each metrics"
                      " period); hour from the run's start", TIERS_SQL, "tier_ts"),
         "egress_tiers", "tiers.tsv", "Egress by tier, stacked")
    STEP(export_query(&x, "oca_util.tsv", "utilization (0..1) of each OCA per metrics period;"
                      " hour from the run's start", OCA_SQL, "oca_ts"),
         "oca_heatmap", "oca_util.tsv", "OCA utilization over time")
    STEP(export_query(&x, "startup.tsv", "startup delay of cold sessions, s, and the fraction"
                      " of them at or below it (about 2000 points)", STARTUP_SQL, "sessions"),
         "startup_cdf", "startup.tsv", "Startup delay, CDF")
    STEP(export_by_region(&x, "rebuffer.tsv", "rebuffer ratio (0..1: stalled over stalled plus"
                          " played time) per metrics period, all regions and each region",
                          "SUM(stall_s) / NULLIF(SUM(stall_s) + SUM(played_s), 0)",
                          "SUM(CASE WHEN region = %d THEN stall_s END) / NULLIF(SUM(CASE WHEN"
                          " region = %d THEN stall_s + played_s END), 0)"),
         "rebuffer", "rebuffer.tsv", "Rebuffer ratio over time")
    if (rc == 0) {
        long b = export_query(&x, "bitrate_hist.tsv", "sessions by mean bitrate, 250 kbit/s bins"
                              " (kbps is the bin's centre)", BITRATE_SQL, "sessions");
        long v = b < 0 ? -1 : export_query(&x, "vmaf_hist.tsv", "sessions by mean quality"
                                           " (VMAF-like), bins of 2 (vmaf is the bin's centre)",
                                           VMAF_SQL, "sessions");
        if (v < 0)
            rc = -1;
        else
            add(set, "quality", "bitrate_hist.tsv", "Bitrate and quality of sessions", b < v ? b : v);
    }
    STEP(export_ladders(&x, "ladders.tsv"), "ladders", "ladders.tsv",
         "Ladders of three titles (least, median, most complex)")
    STEP(export_live(&x, "live.tsv"), "live_join", "live.tsv", "Live events: joins")
    STEP(export_query(&x, "markers.tsv", "fault markers (analysis/SCHEMA.md, markers); hour"
                      " from the run's start", MARKERS_SQL, "markers"),
         "faults", "markers.tsv", "Fault markers over egress by tier")
#undef STEP
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}
