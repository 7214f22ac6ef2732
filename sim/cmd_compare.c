/* sim/cmd_compare.c: `lastmile compare BASE.db[:RUNS] CAND.db[:RUNS]`: the
 * summary metrics of two sets of runs side by side, and a verdict.
 *
 * Each side is one run or several replications (a sweep's runs of one grid
 * point). With two runs or more a side's value is the mean with a 95%
 * Student-t interval (sim/stats_ci.c). When both sides hold the same seeds,
 * each once, the change is paired: the mean and interval of the per-seed
 * differences, which cancels the demand both sides share; otherwise it is
 * the difference of the means with Welch's interval.
 *
 * The verdict (exit 1) is on the point estimate: a judged metric fails when
 * it moves in its bad direction (sim/metric_direction.c) by more than its
 * tolerance, absolute (in the metric's stored unit: 0.01 of a fraction is
 * one percentage point) or relative to the base mean ("2%"). The interval
 * is shown so a reader can tell a real move from noise; it does not change
 * the exit status, which must not depend on how many seeds were run. */
#include "sim/cmd_compare.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/json_util.h"
#include "sim/metric_direction.h"
#include "sim/results.h"
#include "sim/stats_ci.h"

#define MAX_JUDGE 64
#define DEFAULT_TOL_PCT 1.0

const char COMPARE_USAGE[] =
    "usage: lastmile compare BASE.db[:RUNS] CAND.db[:RUNS] [--metric NAME:TOL[:up|down]]...\n"
    "                        [--format text|json]\n"
    "\n"
    "Prints the summary metrics of the base and the candidate side by side with\n"
    "their change, and exits 1 when a judged metric moves in its bad direction by\n"
    "more than its tolerance, 0 otherwise, 2 on bad input.\n"
    "\n"
    "RUNS picks the runs of a side (default: every run of the file):\n"
    "  7  or  3,4,5       run ids\n"
    "  KEY=VALUE[,K=V]    the runs of a sweep's grid point, by its --set values\n"
    "                     (table sweep_params), e.g. reg.db:placement.policy=hashed\n"
    "Several runs are replications: each side shows the mean with a 95% Student-t\n"
    "confidence interval; when both sides hold the same seeds the change is paired\n"
    "by seed (mean and interval of the per-seed differences), else Welch's.\n"
    "\n"
    "  --metric NAME:TOL  judge NAME with tolerance TOL: absolute in the metric's\n"
    "                     stored unit (offload.embedded:0.01 = 1 percentage point)\n"
    "                     or relative to the base mean (offload.embedded:2%).\n"
    "                     :up or :down sets the good direction of a metric that has\n"
    "                     none in the table (scenarios/README.md, \"Compare\").\n"
    "                     Repeatable. Without any, every metric with a direction\n"
    "                     is judged at 1%.\n"
    "  --format json      the same as one JSON object, for scripts\n";

struct side {
    char label[600];
    const char *path;
    int nruns;
    int64_t *ids;
    int64_t *seeds;
    char scenario[256];
};

struct judge {
    char name[128];
    double tol;
    int relative;
    enum metric_dir dir;            /* DIR_NONE: the table's */
};

struct row {
    const char *name;
    double *base, *cand;            /* per run, NAN when missing */
    struct mean_ci b, c, d;
    int paired;
    enum metric_dir dir;
    int judged;
    double limit;                   /* allowed worsening, in the metric's unit */
    double worse;                   /* worsening (> 0 worse, < 0 better) */
    const char *verdict;
};

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "lastmile compare: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'lastmile help compare')\n");
    return 2;
}

/* ---- reading a side ---- */

static int push_id(struct side *s, int64_t id, int64_t seed)
{
    int64_t *a = realloc(s->ids, (size_t)(s->nruns + 1) * sizeof *a);
    if (!a)
        return -1;
    s->ids = a;
    int64_t *b = realloc(s->seeds, (size_t)(s->nruns + 1) * sizeof *b);
    if (!b)
        return -1;
    s->seeds = b;
    s->ids[s->nruns] = id;
    s->seeds[s->nruns++] = seed;
    return 0;
}

static int has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = ?1", -1, &s, NULL)
        == SQLITE_OK) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
    }
    return found;
}

/* The grid points of the file, for a message. */
static void list_points(sqlite3 *db, char *buf, size_t n)
{
    sqlite3_stmt *s;
    size_t len = 0;
    buf[0] = '\0';
    if (!has_table(db, "sweep_runs") || sqlite3_prepare_v2(db,
            "SELECT DISTINCT point_label FROM sweep_runs ORDER BY point", -1, &s, NULL)
        != SQLITE_OK) {
        snprintf(buf, n, "it holds no sweep runs");
        return;
    }
    int k = 0;
    while (sqlite3_step(s) == SQLITE_ROW && len + 8 < n) {
        int w = snprintf(buf + len, n - len, "%s\"%s\"", k ? "; " : "its grid points are ",
                         (const char *)sqlite3_column_text(s, 0));
        if (w > 0)
            len += (size_t)w;
        k++;
    }
    sqlite3_finalize(s);
    if (k == 0)
        snprintf(buf, n, "it holds no sweep runs");
}

/* Runs whose grid point sets every KEY=VALUE of sel. */
static int select_point(sqlite3 *db, struct side *s, const char *sel)
{
    char sql[4096];
    size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT r.run_id, r.seed FROM runs r WHERE 1");
    char copy[512];
    snprintf(copy, sizeof copy, "%s", sel);
    int npairs = 0;
    const char *keys[32], *vals[32];
    for (char *tok = strtok(copy, ","); tok && npairs < 32; tok = strtok(NULL, ",")) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return -2;
        *eq = '\0';
        keys[npairs] = tok;
        vals[npairs++] = eq + 1;
        len += (size_t)snprintf(sql + len, sizeof sql - len, " AND EXISTS (SELECT 1 FROM"
                                " sweep_params p WHERE p.run_id = r.run_id AND p.key = ?%d AND"
                                " p.value = ?%d)", 2 * npairs - 1, 2 * npairs);
    }
    snprintf(sql + len, sizeof sql - len, " ORDER BY r.run_id");
    if (!has_table(db, "sweep_params"))
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    for (int i = 0; i < npairs; i++) {
        sqlite3_bind_text(st, 2 * i + 1, keys[i], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2 * i + 2, vals[i], -1, SQLITE_TRANSIENT);
    }
    while (sqlite3_step(st) == SQLITE_ROW)
        if (push_id(s, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)) != 0)
            break;
    sqlite3_finalize(st);
    return 0;
}

/* "FILE" or "FILE:RUNS"; a FILE that exists with its colon is taken whole. */
static int read_side(const char *arg, struct side *s, char *pathbuf, size_t pathn,
                     struct error *err)
{
    memset(s, 0, sizeof *s);
    snprintf(s->label, sizeof s->label, "%s", arg);
    snprintf(pathbuf, pathn, "%s", arg);
    const char *sel = NULL;
    struct stat st;
    char *colon = strrchr(pathbuf, ':');
    if (colon && stat(pathbuf, &st) != 0) {
        *colon = '\0';
        sel = colon + 1;
    }
    s->path = pathbuf;
    sqlite3 *db = results_open_read(pathbuf, err);
    if (!db)
        return -1;
    int rc = 0;
    if (sel && strchr(sel, '=')) {
        rc = select_point(db, s, sel);
        if (rc == 0 && s->nruns == 0) {
            char points[400];
            list_points(db, points, sizeof points);
            error_file(err, pathbuf);
            error_set(err, "no run matches \"%s\"; %s", sel, points);
            rc = -1;
        } else if (rc != 0) {
            error_file(err, pathbuf);
            error_set(err, "cannot read the runs matching \"%s\": %s", sel,
                      rc == -2 ? "expected KEY=VALUE pairs separated by commas"
                               : sqlite3_errmsg(db));
            rc = -1;
        }
    } else if (sel) {
        for (const char *p = sel; rc == 0;) {
            char *end;
            errno = 0;
            long long v = strtoll(p, &end, 10);
            if (errno || end == p || (*end && *end != ',') || v <= 0) {
                error_file(err, pathbuf);
                error_set(err, "after the colon, expected run ids (7 or 3,4,5) or a grid point"
                          " (KEY=VALUE[,KEY=VALUE]), found \"%s\"", sel);
                rc = -1;
                break;
            }
            int64_t id = v;
            if (results_find_run(db, pathbuf, &id, err) != 0) {
                rc = -1;
                break;
            }
            push_id(s, id, 0);
            if (!*end)
                break;
            p = end + 1;
        }
    } else {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(db, "SELECT run_id FROM runs ORDER BY run_id", -1, &q, NULL)
            == SQLITE_OK) {
            while (sqlite3_step(q) == SQLITE_ROW)
                push_id(s, sqlite3_column_int64(q, 0), 0);
            sqlite3_finalize(q);
        }
        if (s->nruns == 0) {
            error_file(err, pathbuf);
            error_set(err, "holds no runs");
            rc = -1;
        }
    }
    /* Seeds and the scenario name of every run. */
    sqlite3_stmt *q;
    if (rc == 0 && sqlite3_prepare_v2(db, "SELECT seed, name FROM runs WHERE run_id = ?1", -1,
                                      &q, NULL) == SQLITE_OK) {
        for (int i = 0; i < s->nruns; i++) {
            sqlite3_reset(q);
            sqlite3_bind_int64(q, 1, s->ids[i]);
            if (sqlite3_step(q) == SQLITE_ROW) {
                s->seeds[i] = sqlite3_column_int64(q, 0);
                const char *name = (const char *)sqlite3_column_text(q, 1);
                if (i == 0 || strcmp(s->scenario, name ? name : "") == 0)
                    snprintf(s->scenario, sizeof s->scenario, "%s", name ? name : "");
                else
                    snprintf(s->scenario, sizeof s->scenario, "(several)");
            }
        }
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return rc;
}

/* ---- metrics ---- */

struct table {
    int n;
    char **names;
    double **base, **cand;
};

static int find_name(const struct table *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->names[i], name) == 0)
            return i;
    return -1;
}

static int add_name(struct table *t, const char *name, int nb, int nc)
{
    int i = find_name(t, name);
    if (i >= 0)
        return i;
    char **n = realloc(t->names, (size_t)(t->n + 1) * sizeof *n);
    double **b = n ? realloc(t->base, (size_t)(t->n + 1) * sizeof *b) : NULL;
    if (n)
        t->names = n;
    if (b)
        t->base = b;
    double **c = b ? realloc(t->cand, (size_t)(t->n + 1) * sizeof *c) : NULL;
    if (!c)
        return -1;
    t->cand = c;
    t->names[t->n] = strdup(name);
    t->base[t->n] = malloc((size_t)(nb ? nb : 1) * sizeof(double));
    t->cand[t->n] = malloc((size_t)(nc ? nc : 1) * sizeof(double));
    if (!t->names[t->n] || !t->base[t->n] || !t->cand[t->n])
        return -1;
    for (int k = 0; k < nb; k++)
        t->base[t->n][k] = NAN;
    for (int k = 0; k < nc; k++)
        t->cand[t->n][k] = NAN;
    return t->n++;
}

static int read_metrics(const struct side *s, int is_cand, struct table *t, int nb, int nc,
                        struct error *err)
{
    sqlite3 *db = results_open_read(s->path, err);
    if (!db)
        return -1;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT metric, value FROM summary WHERE run_id = ?1"
                           " ORDER BY metric", -1, &q, NULL) != SQLITE_OK) {
        error_file(err, s->path);
        error_set(err, "cannot read the summary table: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    int rc = 0;
    for (int k = 0; k < s->nruns && rc == 0; k++) {
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, s->ids[k]);
        while (sqlite3_step(q) == SQLITE_ROW) {
            int i = add_name(t, (const char *)sqlite3_column_text(q, 0), nb, nc);
            if (i < 0) {
                error_set(err, "out of memory");
                rc = -1;
                break;
            }
            double v = sqlite3_column_type(q, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 1);
            (is_cand ? t->cand : t->base)[i][k] = v;
        }
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- units ---- */

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Scale and unit of a metric, read off its name as `lastmile report` does
 * (analysis/SCHEMA.md, summary). pct: a fraction shown in percent (its
 * change in percentage points). */
static double unit_of(const char *name, const char **unit, int *pct)
{
    *pct = 0;
    if (strncmp(name, "offload.", 8) == 0 || ends_with(name, "ratio") || ends_with(name, "_fraction")
        || strcmp(name, "encoding.bits_saved_vs_fixed") == 0) {
        *pct = 1;
        *unit = "%";
        return 100;
    }
    if (strncmp(name, "bytes.", 6) == 0 || strncmp(name, "storage.", 8) == 0
        || ends_with(name, "_bytes")) {
        *unit = "GB";
        return 1e-9;
    }
    *unit = ends_with(name, "_s") ? "s" : ends_with(name, "_kbps") ? "kbps"
          : ends_with(name, "_gbps") ? "Gbps" : ends_with(name, "_per_hour") ? "/h"
          : ends_with(name, "_usd") ? "USD" : "";
    return 1;
}

/* Decimals giving four significant digits of ref; -1 for exponent form. */
static int decimals_for(double ref)
{
    double a = fabs(ref);
    if (a >= 1e7 || a < 1e-4)
        return -1;
    return a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4;
}

/* v at the precision of ref (the value it is read against: a change or a
 * half-width at the precision of the base value, so noise far below the
 * fourth digit prints as 0.000 rather than as 1.2e-13). */
static void fmt_at(char *buf, size_t n, double v, double ref, int sign)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
        return;
    }
    int d = decimals_for(ref != 0 && !isnan(ref) ? ref : v);
    if (v == 0)
        snprintf(buf, n, "0");
    else if (d < 0)
        snprintf(buf, n, sign ? "%+.3e" : "%.3e", v);
    else
        snprintf(buf, n, sign ? "%+.*f" : "%.*f", d, v);
}

static void sig(char *buf, size_t n, double v, int sign)
{
    fmt_at(buf, n, v, v, sign);
}

/* "63.61 % ± 0.12" or "63.61 %" (n = 1). */
static void fmt_mean(char *buf, size_t n, const char *name, const struct mean_ci *m)
{
    const char *unit;
    int pct;
    double k = unit_of(name, &unit, &pct);
    char v[24], h[24];
    if (m->n == 0) {
        snprintf(buf, n, "-");
        return;
    }
    sig(v, sizeof v, m->mean * k, 0);
    if (isnan(m->half)) {
        snprintf(buf, n, "%s%s%s", v, unit[0] ? " " : "", unit);
    } else {
        fmt_at(h, sizeof h, m->half * k, m->mean * k, 0);
        snprintf(buf, n, "%s ± %s%s%s", v, h, unit[0] ? " " : "", unit);
    }
}

/* "-0.06 pp [-0.09, -0.03]" or "+12.1 GB (+3.4%)". */
static void fmt_change(char *buf, size_t n, const struct row *r)
{
    const char *unit;
    int pct;
    double k = unit_of(r->name, &unit, &pct);
    char v[24], lo[24], hi[24];
    if (isnan(r->d.mean)) {
        snprintf(buf, n, "-");
        return;
    }
    double ref = fmax(fabs(r->b.mean), fabs(r->c.mean)) * k;
    fmt_at(v, sizeof v, r->d.mean * k, ref, 1);
    size_t len = (size_t)snprintf(buf, n, "%s%s%s", v, pct ? " pp" : unit[0] ? " " : "",
                                  pct ? "" : unit);
    if (!isnan(r->d.half) && len < n) {
        fmt_at(lo, sizeof lo, (r->d.mean - r->d.half) * k, ref, 1);
        fmt_at(hi, sizeof hi, (r->d.mean + r->d.half) * k, ref, 1);
        len += (size_t)snprintf(buf + len, n - len, " [%s, %s]", lo, hi);
    }
    if (!pct && r->b.mean != 0 && !isnan(r->b.mean) && len < n)
        snprintf(buf + len, n - len, " (%+.1f%%)", 100 * r->d.mean / fabs(r->b.mean));
}

static void fmt_limit(char *buf, size_t n, const struct row *r, const struct judge *j)
{
    if (!r->judged) {
        snprintf(buf, n, "-");
        return;
    }
    if (j && j->relative) {
        snprintf(buf, n, "%g%%", j->tol);
        return;
    }
    if (!j) {
        snprintf(buf, n, "%g%%", DEFAULT_TOL_PCT);
        return;
    }
    const char *unit;
    int pct;
    double k = unit_of(r->name, &unit, &pct);
    char v[24];
    sig(v, sizeof v, j->tol * k, 0);
    snprintf(buf, n, "%s%s", v, pct ? " pp" : unit[0] ? " " : "");
    if (!pct)
        snprintf(buf + strlen(buf), n - strlen(buf), "%s", unit);
}

/* ---- the comparison ---- */

static int paired_sides(const struct side *b, const struct side *c)
{
    if (b->nruns != c->nruns)
        return 0;
    for (int i = 0; i < b->nruns; i++) {
        int found = 0;
        for (int k = 0; k < c->nruns; k++)
            if (c->seeds[k] == b->seeds[i])
                found++;
        for (int k = 0; k < i; k++)
            if (b->seeds[k] == b->seeds[i])
                return 0;
        if (found != 1)
            return 0;
    }
    return 1;
}

static void compute_row(struct row *r, const struct side *b, const struct side *c, int paired,
                        const struct judge *j, int judge_all)
{
    stats_mean_ci(r->base, b->nruns, 0.95, &r->b);
    stats_mean_ci(r->cand, c->nruns, 0.95, &r->c);
    r->paired = paired;
    if (paired && b->nruns > 1) {
        double d[b->nruns];
        for (int i = 0; i < b->nruns; i++) {
            int k = 0;
            while (c->seeds[k] != b->seeds[i])
                k++;
            d[i] = r->cand[k] - r->base[i];
        }
        stats_mean_ci(d, b->nruns, 0.95, &r->d);
    } else {
        stats_welch_diff(&r->b, &r->c, 0.95, &r->d);
    }
    r->dir = j && j->dir != DIR_NONE ? j->dir : metric_direction(r->name);
    r->judged = (j || judge_all) && r->dir != DIR_NONE;
    r->verdict = "-";
    if (!r->judged)
        return;
    if (isnan(r->b.mean) || isnan(r->c.mean)) {
        r->verdict = "n/a";
        r->judged = 0;
        return;
    }
    double tol = j ? j->tol : DEFAULT_TOL_PCT;
    int relative = j ? j->relative : 1;
    r->limit = relative ? tol / 100 * fabs(r->b.mean) : tol;
    r->worse = r->dir == DIR_UP ? r->b.mean - r->c.mean : r->c.mean - r->b.mean;
    r->verdict = r->worse > r->limit ? "REGRESSION" : r->worse > 0 ? "worse, within"
               : r->worse < 0 ? "better" : "same";
}

static int parse_judge(const char *arg, struct judge *j)
{
    memset(j, 0, sizeof *j);
    const char *c1 = strchr(arg, ':');
    if (!c1 || c1 == arg || (size_t)(c1 - arg) >= sizeof j->name)
        return -1;
    memcpy(j->name, arg, (size_t)(c1 - arg));
    const char *t = c1 + 1, *c2 = strchr(t, ':');
    char num[64];
    size_t tl = c2 ? (size_t)(c2 - t) : strlen(t);
    if (tl == 0 || tl >= sizeof num)
        return -1;
    memcpy(num, t, tl);
    num[tl] = '\0';
    if (num[tl - 1] == '%') {
        j->relative = 1;
        num[tl - 1] = '\0';
    }
    char *end;
    errno = 0;
    j->tol = strtod(num, &end);
    if (errno || end == num || *end || !isfinite(j->tol) || j->tol < 0)
        return -1;
    if (c2) {
        if (strcmp(c2 + 1, "up") == 0)
            j->dir = DIR_UP;
        else if (strcmp(c2 + 1, "down") == 0)
            j->dir = DIR_DOWN;
        else
            return -1;
    }
    return 0;
}

static void seeds_text(const struct side *s, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < s->nruns && len + 24 < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%" PRId64, i ? "," : "", s->seeds[i]);
    if (s->nruns > 0 && len + 24 >= n)
        snprintf(buf + len, n - len, ",...");
}

/* No change worth a line: both sides undefined, or equal to within
 * floating-point summation noise (a sum taken in another order). */
static int unchanged(const struct row *r)
{
    if (isnan(r->b.mean) && isnan(r->c.mean))
        return 1;
    double scale = fmax(fabs(r->b.mean), fabs(r->c.mean));
    return r->b.n == r->c.n && fabs(r->d.mean) <= 1e-12 * scale
        && (isnan(r->d.half) || r->d.half <= 1e-12 * scale);
}

/* Unchanged, or a change and interval that vanish at the four significant
 * digits the values are shown with. */
static int negligible(const struct row *r)
{
    if (unchanged(r))
        return 1;
    const char *unit;
    int pct;
    double k = unit_of(r->name, &unit, &pct);
    double ref = fmax(fabs(r->b.mean), fabs(r->c.mean)) * k;
    int d = decimals_for(ref);
    if (d < 0 || isnan(r->d.mean))
        return 0;
    double ulp = 0.5 * pow(10, -d), half = isnan(r->d.half) ? 0 : r->d.half;
    return fabs(r->d.mean * k) < ulp && fabs(r->d.mean - half) * k < ulp
        && fabs(r->d.mean + half) * k < ulp;
}

static void print_text(FILE *out, const struct side *b, const struct side *c, struct row *rows,
                       int n, int paired, const struct judge *judges, int njudges)
{
    char seeds[200];
    fprintf(out, "lastmile compare\n");
    const struct side *sides[2] = { b, c };
    int lw = (int)strlen(b->label) > (int)strlen(c->label) ? (int)strlen(b->label)
                                                            : (int)strlen(c->label);
    for (int k = 0; k < 2; k++) {
        seeds_text(sides[k], seeds, sizeof seeds);
        fprintf(out, "  %s  %-*s  %d run%s, scenario %s, seed%s %s\n", k ? "cand" : "base",
                lw, sides[k]->label, sides[k]->nruns, sides[k]->nruns == 1 ? "" : "s",
                sides[k]->scenario, sides[k]->nruns == 1 ? "" : "s", seeds);
    }
    if (b->nruns > 1 || c->nruns > 1)
        fprintf(out, "  values: means ± half-width of the 95%% confidence interval (Student t);"
                " change: %s\n", paired ? "paired by seed, mean [95% CI] of the per-seed"
                " differences" : "difference of the means [95% CI, Welch]");
    else
        fprintf(out, "  one run a side: change = cand - base%s\n",
                paired ? " (same seed)" : " (different seeds: not paired)");
    int nreg = 0, njudged = 0, nsame = 0, nsame_judged = 0;
    for (int pass = 0; pass < 2; pass++) {
        int header = 0;
        for (int i = 0; i < n; i++) {
            struct row *r = &rows[i];
            const struct judge *j = NULL;
            for (int k = 0; k < njudges; k++)
                if (strcmp(judges[k].name, r->name) == 0)
                    j = &judges[k];
            if (pass == 0) {
                if (!r->judged)
                    continue;
                njudged++;
                /* Named metrics always show; the default set only when moved. */
                if (!j && negligible(r)) {
                    nsame_judged++;
                    continue;
                }
            } else {
                if (r->judged)
                    continue;
                if (negligible(r)) {
                    nsame++;
                    continue;
                }
            }
            if (!header) {
                fprintf(out, "\n%-32s %-4s %-20s %-20s %-36s %-9s %s\n",
                        pass == 0 ? "judged metric" : "other metric (not judged)", "good",
                        "base", "cand", "change", "tolerance", pass == 0 ? "verdict" : "");
                header = 1;
            }
            char bs[96], cs[96], ds[128], ls[48];
            fmt_mean(bs, sizeof bs, r->name, &r->b);
            fmt_mean(cs, sizeof cs, r->name, &r->c);
            fmt_change(ds, sizeof ds, r);
            fmt_limit(ls, sizeof ls, r, j);
            /* "±" is two bytes, one column: pad by display width. */
            int bw = 20 + (strstr(bs, "±") ? 1 : 0), cw = 20 + (strstr(cs, "±") ? 1 : 0);
            fprintf(out, "%-32s %-4s %-*s %-*s %-36s %-9s %s\n", r->name, metric_dir_name(r->dir),
                    bw, bs, cw, cs, ds, ls, pass == 0 ? r->verdict : "");
            if (pass == 0 && strcmp(r->verdict, "REGRESSION") == 0)
                nreg++;
        }
    }
    if (nsame_judged || nsame)
        fputc('\n', out);
    if (nsame_judged)
        fprintf(out, "%d judged metric%s the same on both sides to 4 significant digits (not listed).\n", nsame_judged,
                nsame_judged == 1 ? "" : "s");
    if (nsame)
        fprintf(out, "%d other metric%s the same on both sides to 4 significant digits (not listed).\n", nsame,
                nsame == 1 ? "" : "s");
    fprintf(out, "\n");
    if (nreg == 0) {
        fprintf(out, "verdict: PASS, no regression in %d judged metric%s\n", njudged,
                njudged == 1 ? "" : "s");
        return;
    }
    fprintf(out, "verdict: FAIL, %d regression%s in %d judged metric%s:", nreg,
            nreg == 1 ? "" : "s", njudged, njudged == 1 ? "" : "s");
    for (int i = 0; i < n; i++)
        if (rows[i].judged && strcmp(rows[i].verdict, "REGRESSION") == 0)
            fprintf(out, " %s", rows[i].name);
    fprintf(out, "\n");
}

static void json_num(FILE *out, double v)
{
    char buf[40];
    if (isnan(v))
        fputs("null", out);
    else
        fputs(jsonu_number(v, buf, sizeof buf), out);
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(out, "\\u%04x", *s);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

static void json_ci(FILE *out, const char *key, const struct mean_ci *m)
{
    fprintf(out, "\"%s\": {\"n\": %d, \"mean\": ", key, m->n);
    json_num(out, m->mean);
    fputs(", \"ci_low\": ", out);
    json_num(out, m->mean - m->half);
    fputs(", \"ci_high\": ", out);
    json_num(out, m->mean + m->half);
    fputs("}", out);
}

static void print_json(FILE *out, const struct side *b, const struct side *c, struct row *rows,
                       int n, int paired, int nreg)
{
    const struct side *sides[2] = { b, c };
    fputs("{\n", out);
    for (int k = 0; k < 2; k++) {
        fprintf(out, "  \"%s\": {\"label\": ", k ? "cand" : "base");
        json_str(out, sides[k]->label);
        fputs(", \"scenario\": ", out);
        json_str(out, sides[k]->scenario);
        fputs(", \"runs\": [", out);
        for (int i = 0; i < sides[k]->nruns; i++)
            fprintf(out, "%s%" PRId64, i ? ", " : "", sides[k]->ids[i]);
        fputs("], \"seeds\": [", out);
        for (int i = 0; i < sides[k]->nruns; i++)
            fprintf(out, "%s%" PRId64, i ? ", " : "", sides[k]->seeds[i]);
        fputs("]},\n", out);
    }
    fprintf(out, "  \"paired\": %s,\n  \"confidence\": 0.95,\n  \"metrics\": [\n",
            paired ? "true" : "false");
    for (int i = 0; i < n; i++) {
        struct row *r = &rows[i];
        fputs("    {\"name\": ", out);
        json_str(out, r->name);
        fprintf(out, ", \"good\": \"%s\", ", metric_dir_name(r->dir));
        json_ci(out, "base", &r->b);
        fputs(", ", out);
        json_ci(out, "cand", &r->c);
        fputs(", ", out);
        json_ci(out, "change", &r->d);
        fprintf(out, ", \"judged\": %s", r->judged ? "true" : "false");
        if (r->judged) {
            fputs(", \"allowed_worsening\": ", out);
            json_num(out, r->limit);
            fputs(", \"worsening\": ", out);
            json_num(out, r->worse);
        }
        fprintf(out, ", \"verdict\": \"%s\"}%s\n", r->verdict, i + 1 < n ? "," : "");
    }
    fprintf(out, "  ],\n  \"regressions\": %d,\n  \"exit\": %d\n}\n", nreg, nreg ? 1 : 0);
}

int cmd_compare(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(COMPARE_USAGE, stdout);
            return 0;
        }
    const char *args[2] = { NULL, NULL };
    struct judge judges[MAX_JUDGE];
    int njudges = 0, json = 0, nargs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--metric") == 0 && i + 1 < argc) {
            if (njudges == MAX_JUDGE)
                return bad("%s", "too many --metric options");
            if (parse_judge(argv[++i], &judges[njudges]) != 0)
                return bad("--metric expects NAME:TOL (absolute, 0.01), NAME:TOL%% (relative to"
                           " the base, 2%%) or either with :up or :down after it; found '%s'",
                           argv[i]);
            njudges++;
        } else if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "json") == 0)
                json = 1;
            else if (strcmp(f, "text") != 0)
                return bad("--format expects text or json, found '%s'", f);
        } else if (a[0] == '-') {
            return bad("unknown option or missing value: '%s'", a);
        } else if (nargs < 2) {
            args[nargs++] = a;
        } else {
            return bad("expected two databases (BASE and CAND), found a third: '%s'", a);
        }
    }
    if (nargs < 2)
        return bad("%s", "expected BASE.db[:RUNS] and CAND.db[:RUNS]");
    struct side b, c;
    char bpath[600], cpath[600];
    struct error err = {0};
    struct table t = {0};
    struct row *rows = NULL;
    int rc = 2;
    memset(&c, 0, sizeof c);
    if (read_side(args[0], &b, bpath, sizeof bpath, &err) != 0
        || read_side(args[1], &c, cpath, sizeof cpath, &err) != 0
        || read_metrics(&b, 0, &t, b.nruns, c.nruns, &err) != 0
        || read_metrics(&c, 1, &t, b.nruns, c.nruns, &err) != 0) {
        error_print(&err, stderr);
        goto out;
    }
    for (int k = 0; k < njudges; k++) {
        if (find_name(&t, judges[k].name) >= 0)
            continue;
        const char *hint = jsonu_closest(judges[k].name, (const char *const *)t.names, t.n);
        fprintf(stderr, "lastmile compare: --metric %s: no such metric in either database%s%s%s\n",
                judges[k].name, hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
        goto out;
    }
    for (int k = 0; k < njudges; k++)
        if (judges[k].dir == DIR_NONE && metric_direction(judges[k].name) == DIR_NONE) {
            fprintf(stderr, "lastmile compare: --metric %s: this metric has no good direction"
                    " (it describes the load); say which is good with %s:TOL:up or :down\n",
                    judges[k].name, judges[k].name);
            goto out;
        }
    /* Sort names, keeping each name's values with it. */
    int *order = malloc((size_t)(t.n ? t.n : 1) * sizeof *order);
    char **sorted = malloc((size_t)(t.n ? t.n : 1) * sizeof *sorted);
    rows = calloc((size_t)(t.n ? t.n : 1), sizeof *rows);
    if (!order || !sorted || !rows) {
        free(order);
        free(sorted);
        fprintf(stderr, "lastmile compare: out of memory\n");
        goto out;
    }
    memcpy(sorted, t.names, (size_t)t.n * sizeof *sorted);
    qsort(sorted, (size_t)t.n, sizeof *sorted, cmp_str);
    int paired = paired_sides(&b, &c);
    int nreg = 0;
    for (int i = 0; i < t.n; i++) {
        int k = find_name(&t, sorted[i]);
        struct row *r = &rows[i];
        r->name = t.names[k];
        r->base = t.base[k];
        r->cand = t.cand[k];
        const struct judge *j = NULL;
        for (int q = 0; q < njudges; q++)
            if (strcmp(judges[q].name, r->name) == 0)
                j = &judges[q];
        compute_row(r, &b, &c, paired, j, njudges == 0);
        if (r->judged && strcmp(r->verdict, "REGRESSION") == 0)
            nreg++;
    }
    free(order);
    free(sorted);
    if (json)
        print_json(stdout, &b, &c, rows, t.n, paired, nreg);
    else
        print_text(stdout, &b, &c, rows, t.n, paired, judges, njudges);
    rc = nreg ? 1 : 0;
out:
    for (int i = 0; i < t.n; i++) {
        free(t.names[i]);
        free(t.base[i]);
        free(t.cand[i]);
    }
    free(t.names);
    free(t.base);
    free(t.cand);
    free(rows);
    free(b.ids);
    free(b.seeds);
    free(c.ids);
    free(c.seeds);
    return rc;
}
