/* sim/report_runs.c: `lastmile report DB --run 1,2,3` (or `--run all`):
 * several runs side by side, one column per run, one row per metric.
 *
 * What tells the runs apart is read off the resolved scenario each run
 * stored (runs.scenario, after --set): every leaf of the JSON is flattened
 * to a dotted path (player.abr, isps[1].access.model) and the paths whose
 * values are not the same in every run are shown in the header (the name
 * and seed have rows of their own). In text, each metric row has one unit,
 * chosen from the largest value of the row, so a row's numbers compare
 * directly; json gives each run's object as the one-run report does plus
 * the differing parameters; csv is wide: a metric column, then one column
 * per run headed by its id and its differing parameters. */
#include "sim/report.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "sim/report_int.h"
#include "sim/results.h"

/* Differing values shown in the text header and in the csv column labels
 * (runs of two unrelated scenarios differ in hundreds); json has all. */
#define TEXT_PARAMS_MAX 12
#define TEXT_VALUE_MAX 24
#define CSV_PARAMS_MAX 4

struct param {
    char *path, *value;
};

struct run_col {
    struct run_head head;
    struct metric *m;
    size_t nm;
    struct param *p;                /* sorted by path */
    size_t np, pcap;
    int oom;
};

static int param_cmp(const void *a, const void *b)
{
    return strcmp(((const struct param *)a)->path, ((const struct param *)b)->path);
}

static void add_param(struct run_col *c, const char *path, const char *value)
{
    if (c->oom)
        return;
    if (c->np == c->pcap) {
        size_t cap = c->pcap ? 2 * c->pcap : 64;
        struct param *p = realloc(c->p, cap * sizeof *p);
        if (!p) {
            c->oom = 1;
            return;
        }
        c->p = p;
        c->pcap = cap;
    }
    char *k = strdup(path), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        c->oom = 1;
        return;
    }
    c->p[c->np++] = (struct param){ k, v };
}

static void flatten(struct run_col *c, const cJSON *j, char *path, size_t len, size_t cap)
{
    if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
        int i = 0;
        for (const cJSON *e = j->child; e; e = e->next, i++) {
            int w = cJSON_IsObject(j)
                        ? snprintf(path + len, cap - len, "%s%s", len ? "." : "", e->string)
                        : snprintf(path + len, cap - len, "[%d]", i);
            if (w > 0 && (size_t)w < cap - len)
                flatten(c, e, path, len + (size_t)w, cap);
            path[len] = '\0';
        }
        return;
    }
    if (cJSON_IsString(j)) {
        add_param(c, path, j->valuestring);
        return;
    }
    char *v = cJSON_PrintUnformatted(j);
    if (!v) {
        c->oom = 1;
        return;
    }
    add_param(c, path, v);
    free(v);
}

/* The run's resolved scenario as sorted (path, value) pairs; a run whose
 * scenario text is not JSON has none (nothing to tell it apart by). */
static int read_params(sqlite3 *db, const char *path, struct run_col *c, struct error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT scenario FROM runs WHERE run_id = ?1", -1, &s, NULL)
        != SQLITE_OK) {
        error_file(err, path);
        error_set(err, "cannot read the runs table: %s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_int64(s, 1, c->head.run_id);
    cJSON *j = NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        j = cJSON_Parse((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (j) {
        char buf[512] = "";
        flatten(c, j, buf, 0, sizeof buf);
        cJSON_Delete(j);
    }
    if (c->oom) {
        error_file(err, path);
        error_set(err, "out of memory reading the scenario of run %" PRId64, c->head.run_id);
        return -1;
    }
    if (c->np)
        qsort(c->p, c->np, sizeof *c->p, param_cmp);
    return 0;
}

static const char *param_of(const struct run_col *c, const char *path)
{
    struct param key = { (char *)path, NULL };
    const struct param *p = c->np ? bsearch(&key, c->p, c->np, sizeof *c->p, param_cmp) : NULL;
    return p ? p->value : NULL;
}

/* The paths whose values differ between the runs (a path some run lacks
 * differs), sorted; an array of borrowed strings the caller frees. */
static const char **differing(const struct run_col *c, int n, size_t *count)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += c[i].np;
    const char **all = malloc((total ? total : 1) * sizeof *all);
    if (!all)
        return NULL;
    size_t k = 0;
    for (int i = 0; i < n; i++)
        for (size_t j = 0; j < c[i].np; j++)
            if (strcmp(c[i].p[j].path, "name") != 0 && strcmp(c[i].p[j].path, "seed") != 0
                && strcmp(c[i].p[j].path, "description") != 0)
                all[k++] = c[i].p[j].path;
    /* Sorted, unique, then kept when some run's value differs. */
    struct param *tmp = malloc((k ? k : 1) * sizeof *tmp);
    if (!tmp) {
        free(all);
        return NULL;
    }
    for (size_t j = 0; j < k; j++)
        tmp[j] = (struct param){ (char *)all[j], NULL };
    qsort(tmp, k, sizeof *tmp, param_cmp);
    size_t out = 0;
    for (size_t j = 0; j < k; j++) {
        if (j > 0 && strcmp(tmp[j].path, tmp[j - 1].path) == 0)
            continue;
        const char *first = param_of(&c[0], tmp[j].path);
        int differs = 0;
        for (int i = 1; i < n && !differs; i++) {
            const char *v = param_of(&c[i], tmp[j].path);
            differs = !first || !v || strcmp(first, v) != 0;
        }
        if (differs)
            all[out++] = tmp[j].path;
    }
    free(tmp);
    *count = out;
    return all;
}

/* Every metric name of any run, in name order (borrowed strings). */
static const char **metric_names(const struct run_col *c, int n, size_t *count)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += c[i].nm;
    const char **names = malloc((total ? total : 1) * sizeof *names);
    if (!names)
        return NULL;
    size_t k = 0;
    for (int i = 0; i < n; i++)
        for (size_t j = 0; j < c[i].nm; j++)
            names[k++] = c[i].m[j].name;
    struct param *tmp = malloc((k ? k : 1) * sizeof *tmp);
    if (!tmp) {
        free(names);
        return NULL;
    }
    for (size_t j = 0; j < k; j++)
        tmp[j] = (struct param){ (char *)names[j], NULL };
    qsort(tmp, k, sizeof *tmp, param_cmp);
    size_t out = 0;
    for (size_t j = 0; j < k; j++)
        if (j == 0 || strcmp(tmp[j].path, tmp[j - 1].path) != 0)
            names[out++] = tmp[j].path;
    free(tmp);
    *count = out;
    return names;
}

static const struct metric *metric_of(const struct run_col *c, const char *name)
{
    size_t lo = 0, hi = c->nm;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int d = strcmp(c->m[mid].name, name);
        if (d == 0)
            return &c->m[mid];
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* One row's cells in one unit: the unit `lastmile report` gives the
 * row's largest finite value; every value scaled to it. cells[i] gets
 * run i's text ("-" when missing or NULL). */
static void row_cells(const struct run_col *c, int n, const char *name, char cells[][64],
                      const char **unit)
{
    struct metric big = { (char *)name, 0, 1 };
    int all_whole = 1;
    for (int i = 0; i < n; i++) {
        const struct metric *m = metric_of(&c[i], name);
        if (!m || m->null || !isfinite(m->value))
            continue;
        if (big.null || fabs(m->value) > fabs(big.value))
            big = (struct metric){ (char *)name, m->value, 0 };
        all_whole &= m->value == floor(m->value) && fabs(m->value) < 1e15;
    }
    char tmp[64];
    *unit = "";
    if (!big.null)
        report_fmt_metric(&big, tmp, sizeof tmp, unit);
    double scale = 1;
    if (strcmp(*unit, "TB") == 0)
        scale = 1e-12;
    else if (strcmp(*unit, "GB") == 0)
        scale = 1e-9;
    else if (strcmp(*unit, "%") == 0)
        scale = 100;
    for (int i = 0; i < n; i++) {
        const struct metric *m = metric_of(&c[i], name);
        if (!m || m->null)
            snprintf(cells[i], 64, "-");
        else if (!isfinite(m->value))
            snprintf(cells[i], 64, "%s", isnan(m->value) ? "nan" : m->value > 0 ? "inf" : "-inf");
        else if (!(*unit)[0] && all_whole)
            snprintf(cells[i], 64, "%.0f", m->value);
        else
            report_fmt_sig(cells[i], 64, m->value * scale);
    }
}

/* A header value cut to TEXT_VALUE_MAX characters for the text table. */
static const char *cut(const char *v, char *buf, size_t n)
{
    if (!v)
        return "-";
    if (strlen(v) <= TEXT_VALUE_MAX)
        return v;
    snprintf(buf, n, "%.*s...", TEXT_VALUE_MAX - 3, v);
    return buf;
}

static int width(int w, const char *s)
{
    int l = (int)strlen(s);
    return l > w ? l : w;
}

static void print_text(FILE *out, const struct run_col *c, int n, const char **diff, size_t nd,
                       const char **names, size_t nn)
{
    char (*cells)[64] = malloc((size_t)n * sizeof *cells);
    int *w = calloc((size_t)n, sizeof *w);
    char (*title)[64] = malloc((size_t)n * sizeof *title);
    if (!cells || !w || !title)
        goto done;
    char buf[96];
    /* Column titles: the differing value when exactly one differs (the
     * rule of a shootout), else the run id. */
    for (int i = 0; i < n; i++) {
        const char *v = nd == 1 ? param_of(&c[i], diff[0]) : NULL;
        if (v)
            snprintf(title[i], 64, "%.63s", cut(v, buf, sizeof buf));
        else
            snprintf(title[i], 64, "run %" PRId64, c[i].head.run_id);
    }
    int wname = width((int)strlen("metric"), "scenario"), wunit = (int)strlen("unit");
    for (size_t d = 0; d < nd; d++)
        wname = width(wname, diff[d]);
    for (size_t k = 0; k < nn; k++) {
        const char *unit;
        row_cells(c, n, names[k], cells, &unit);
        wname = width(wname, names[k]);
        wunit = width(wunit, unit);
        for (int i = 0; i < n; i++)
            w[i] = width(w[i], cells[i]);
    }
    for (int i = 0; i < n; i++) {
        w[i] = width(w[i], title[i]);
        w[i] = width(w[i], cut(c[i].head.name, buf, sizeof buf));
        snprintf(buf, sizeof buf, "%" PRId64, c[i].head.run_id);
        w[i] = width(w[i], buf);
        for (size_t d = 0; d < nd && d < TEXT_PARAMS_MAX; d++) {
            w[i] = width(w[i], cut(param_of(&c[i], diff[d]), buf, sizeof buf));
        }
    }
    int lead = wname + 2 + wunit;
    /* The header: what each run is. */
    fprintf(out, "%-*s", lead, "run");
    for (int i = 0; i < n; i++)
        fprintf(out, "  %*" PRId64, w[i], c[i].head.run_id);
    fprintf(out, "\n%-*s", lead, "scenario");
    for (int i = 0; i < n; i++)
        fprintf(out, "  %*s", w[i], cut(c[i].head.name, buf, sizeof buf));
    fprintf(out, "\n%-*s", lead, "seed");
    for (int i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%" PRIu64, (uint64_t)c[i].head.seed);
        fprintf(out, "  %*s", w[i], buf);
    }
    fputc('\n', out);
    size_t shown = nd < TEXT_PARAMS_MAX ? nd : TEXT_PARAMS_MAX;
    for (size_t d = 0; d < shown; d++) {
        fprintf(out, "%-*s", lead, diff[d]);
        for (int i = 0; i < n; i++) {
            fprintf(out, "  %*s", w[i], cut(param_of(&c[i], diff[d]), buf, sizeof buf));
        }
        fputc('\n', out);
    }
    if (nd == 0)
        fprintf(out, "(the runs' scenarios do not differ but for name and seed)\n");
    else if (nd > shown)
        fprintf(out, "(and %zu more differing values: --format json lists them all)\n",
                nd - shown);
    fputc('\n', out);
    if (nn == 0) {
        fprintf(out, "(no summary metrics)\n");
        goto done;
    }
    fprintf(out, "%-*s  %-*s", wname, "metric", wunit, "unit");
    for (int i = 0; i < n; i++)
        fprintf(out, "  %*s", w[i], title[i]);
    fputc('\n', out);
    for (size_t k = 0; k < nn; k++) {
        const char *unit;
        row_cells(c, n, names[k], cells, &unit);
        fprintf(out, "%-*s  %-*s", wname, names[k], wunit, unit);
        for (int i = 0; i < n; i++)
            fprintf(out, "  %*s", w[i], cells[i]);
        fputc('\n', out);
    }
done:
    free(cells);
    free(w);
    free(title);
}

static void print_json(FILE *out, const struct run_col *c, int n, const char **diff, size_t nd)
{
    fputs("{\"differs\":[", out);
    for (size_t d = 0; d < nd; d++) {
        if (d)
            fputc(',', out);
        report_put_json_string(out, diff[d]);
    }
    fputs("],\"runs\":[", out);
    for (int i = 0; i < n; i++) {
        const struct run_head *h = &c[i].head;
        fprintf(out, "%s{\"run_id\":%" PRId64 ",\"name\":", i ? "," : "", h->run_id);
        report_put_json_string(out, h->name);
        fprintf(out, ",\"seed\":%" PRIu64 ",\"digest\":", (uint64_t)h->seed);
        if (h->digest[0])
            report_put_json_string(out, h->digest);
        else
            fputs("null", out);
        fputs(",\"parameters\":{", out);
        for (size_t d = 0; d < nd; d++) {
            if (d)
                fputc(',', out);
            report_put_json_string(out, diff[d]);
            fputc(':', out);
            const char *v = param_of(&c[i], diff[d]);
            if (v)
                report_put_json_string(out, v);
            else
                fputs("null", out);
        }
        fputs("},\"metrics\":{", out);
        for (size_t k = 0; k < c[i].nm; k++) {
            const struct metric *m = &c[i].m[k];
            if (k)
                fputc(',', out);
            report_put_json_string(out, m->name);
            if (m->null || !isfinite(m->value))
                fputs(":null", out);
            else
                fprintf(out, ":%.17g", m->value);
        }
        fputs("}}", out);
    }
    fputs("]}\n", out);
}

static void print_csv(FILE *out, const struct run_col *c, int n, const char **diff, size_t nd,
                      const char **names, size_t nn)
{
    fputs("metric", out);
    for (int i = 0; i < n; i++) {
        /* "1 player.abr=bola": the run and what sets it apart. */
        size_t len = 0, cap = 64;
        char *label = malloc(cap);
        if (!label)
            return;
        len = (size_t)snprintf(label, cap, "%" PRId64, c[i].head.run_id);
        for (size_t d = 0; d < nd && d < CSV_PARAMS_MAX; d++) {
            const char *v = param_of(&c[i], diff[d]);
            size_t need = len + strlen(diff[d]) + (v ? strlen(v) : 1) + 4;
            if (need > cap) {
                char *l2 = realloc(label, need * 2);
                if (!l2) {
                    free(label);
                    return;
                }
                label = l2;
                cap = need * 2;
            }
            len += (size_t)snprintf(label + len, cap - len, "%s%s=%s", d ? ";" : " ", diff[d],
                                    v ? v : "-");
        }
        fputc(',', out);
        report_put_csv_field(out, label);
        free(label);
    }
    fputc('\n', out);
    for (size_t k = 0; k < nn; k++) {
        report_put_csv_field(out, names[k]);
        for (int i = 0; i < n; i++) {
            const struct metric *m = metric_of(&c[i], names[k]);
            if (!m || m->null)
                fputc(',', out);
            else
                fprintf(out, ",%.17g", m->value);
        }
        fputc('\n', out);
    }
}

/* Every run id of the file, in order; the caller frees *ids. */
static int all_runs(sqlite3 *db, const char *path, int64_t **ids, int *n, struct error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT run_id FROM runs ORDER BY run_id", -1, &s, NULL)
        != SQLITE_OK)
        goto fail;
    int cap = 0;
    *n = 0;
    *ids = NULL;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            int64_t *v = realloc(*ids, (size_t)cap * sizeof *v);
            if (!v) {
                sqlite3_finalize(s);
                goto fail;
            }
            *ids = v;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    if (*n == 0) {
        error_file(err, path);
        error_set(err, "holds no runs yet");
        return -1;
    }
    return 0;
fail:
    error_file(err, path);
    error_set(err, "cannot read the runs table: %s", sqlite3_errmsg(db));
    return -1;
}

int report_print_runs(const char *db_path, const int64_t *run_ids, int nruns,
                      enum report_format fmt, FILE *out, struct error *err)
{
    sqlite3 *db = results_open_read(db_path, err);
    if (!db)
        return -1;
    int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    if (rc != 0) {
        error_file(err, db_path);
        error_set(err, "cannot read the database: %s", sqlite3_errmsg(db));
    }
    int64_t *ids = NULL;
    int n = nruns;
    if (rc == 0 && nruns == 0)
        rc = all_runs(db, db_path, &ids, &n, err);
    struct run_col *c = rc == 0 ? calloc((size_t)n, sizeof *c) : NULL;
    if (rc == 0 && !c) {
        err->file[0] = '\0';
        error_set(err, "out of memory");
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        c[i].head.run_id = ids ? ids[i] : run_ids[i];
        rc = results_find_run(db, db_path, &c[i].head.run_id, err);
        if (rc == 0)
            rc = report_read_head(db, db_path, &c[i].head, err);
        if (rc == 0)
            rc = report_read_metrics(db, db_path, c[i].head.run_id, &c[i].m, &c[i].nm, err);
        if (rc == 0)
            rc = read_params(db, db_path, &c[i], err);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    size_t nd = 0, nn = 0;
    const char **diff = rc == 0 ? differing(c, n, &nd) : NULL;
    const char **names = rc == 0 ? metric_names(c, n, &nn) : NULL;
    if (rc == 0 && (!diff || !names)) {
        err->file[0] = '\0';
        error_set(err, "out of memory");
        rc = -1;
    }
    if (rc == 0) {
        if (fmt == REPORT_JSON)
            print_json(out, c, n, diff, nd);
        else if (fmt == REPORT_CSV)
            print_csv(out, c, n, diff, nd, names, nn);
        else
            print_text(out, c, n, diff, nd, names, nn);
        if (fflush(out) != 0 || ferror(out)) {
            err->file[0] = '\0';
            error_set(err, "cannot write the report: the output was closed or is full");
            rc = -1;
        }
    }
    free(diff);
    free(names);
    for (int i = 0; c && i < n; i++) {
        report_free_metrics(c[i].m, c[i].nm);
        for (size_t j = 0; j < c[i].np; j++) {
            free(c[i].p[j].path);
            free(c[i].p[j].value);
        }
        free(c[i].p);
    }
    free(c);
    free(ids);
    return rc;
}
