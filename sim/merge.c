/* sim/merge.c: copying runs between results databases.
 *
 * Rows go through two connections (read the input, write the output) with
 * each value bound as it was read, so types and bits are kept exactly and
 * the copy's digest is the original's. The tables to copy are read off the
 * output's schema (every table with a run_id column), so a table added to
 * sim/results.c is merged with no change here. All inputs go in one
 * transaction of the output: any failure rolls everything back. */
#include "sim/merge.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results.h"
#include "sim/sweep_tag.h"

#define MAX_TABLES 64

static int sql_fail(struct error *err, const char *path, sqlite3 *db, const char *what)
{
    error_file(err, path);
    err->path[0] = '\0';
    error_set(err, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
    return -1;
}

/* A failure on the output, which results_open has already accepted as a
 * lastmile database: the disk or the system (exit 1), not bad input. */
static int out_fail(struct error *err, const char *path, sqlite3 *db, const char *what)
{
    sql_fail(err, path, db, what);
    err->system = 1;
    return -1;
}

int merge_list_runs(const char *path, int64_t **ids, int *n, struct error *err)
{
    *ids = NULL;
    *n = 0;
    sqlite3 *db = results_open_read(path, err);
    if (!db)
        return -1;
    sqlite3_stmt *s;
    int rc = -1, cap = 0;
    if (sqlite3_prepare_v2(db, "SELECT run_id FROM runs ORDER BY run_id", -1, &s, NULL)
        != SQLITE_OK) {
        sql_fail(err, path, db, "cannot read the runs table");
        sqlite3_close(db);
        return -1;
    }
    int st;
    while ((st = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            int64_t *p = realloc(*ids, (size_t)cap * sizeof *p);
            if (!p) {
                error_set(err, "out of memory");
                goto out;
            }
            *ids = p;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    if (st != SQLITE_DONE)
        sql_fail(err, path, db, "cannot read the runs table");
    else
        rc = 0;
out:
    sqlite3_finalize(s);
    sqlite3_close(db);
    if (rc != 0) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

struct copier {
    sqlite3 *out;
    const char *out_path;
    int ntables;
    char *tables[MAX_TABLES];        /* data tables of out, runs excluded */
    char *cols[MAX_TABLES];          /* their columns after run_id, "a, b, c" */
    int ncols[MAX_TABLES];
};

/* The data tables of out and their columns. */
static int read_tables(struct copier *c, struct error *err)
{
    sqlite3_stmt *s, *ti;
    if (sqlite3_prepare_v2(c->out, "SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND name NOT IN ('runs', 'schema_version') ORDER BY name", -1,
                           &s, NULL) != SQLITE_OK)
        return out_fail(err, c->out_path, c->out, "cannot read the schema");
    while (sqlite3_step(s) == SQLITE_ROW && c->ntables < MAX_TABLES) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        char sql[256], cols[2048];
        size_t len = 0;
        int n = 0, has_run_id = 0;
        snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", name);
        if (sqlite3_prepare_v2(c->out, sql, -1, &ti, NULL) != SQLITE_OK)
            break;
        cols[0] = '\0';
        while (sqlite3_step(ti) == SQLITE_ROW) {
            const char *col = (const char *)sqlite3_column_text(ti, 1);
            if (strcmp(col, "run_id") == 0) {
                has_run_id = 1;
                continue;
            }
            len += (size_t)snprintf(cols + len, len < sizeof cols ? sizeof cols - len : 0,
                                    "%s\"%s\"", n ? ", " : "", col);
            n++;
        }
        sqlite3_finalize(ti);
        if (!has_run_id || len >= sizeof cols)
            continue;
        c->tables[c->ntables] = strdup(name);
        c->cols[c->ntables] = strdup(cols);
        c->ncols[c->ntables] = n;
        if (!c->tables[c->ntables] || !c->cols[c->ntables]) {
            sqlite3_finalize(s);
            error_set(err, "out of memory");
            return -1;
        }
        c->ntables++;
    }
    sqlite3_finalize(s);
    return 0;
}

static int src_has_table(sqlite3 *src, const char *name)
{
    sqlite3_stmt *s;
    int found = 0;
    if (sqlite3_prepare_v2(src, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
    }
    return found;
}

/* INSERT ... SELECT across two connections: each value bound as read. */
static int copy_rows(struct copier *c, sqlite3 *src, const char *src_path, const char *table,
                     const char *cols, int ncols, int64_t old_id, int64_t new_id,
                     struct error *err)
{
    char sql[2600];
    sqlite3_stmt *sel = NULL, *ins = NULL;
    int rc = -1, st;
    snprintf(sql, sizeof sql, "SELECT %s FROM \"%s\" WHERE run_id = ?1", cols, table);
    if (sqlite3_prepare_v2(src, sql, -1, &sel, NULL) != SQLITE_OK) {
        sql_fail(err, src_path, src, "cannot read a run");
        goto out;
    }
    size_t len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO \"%s\"(run_id, %s) VALUES(?1",
                                  table, cols);
    for (int i = 0; i < ncols && len < sizeof sql; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, ", ?%d", i + 2);
    snprintf(sql + len, len < sizeof sql ? sizeof sql - len : 0, ")");
    if (sqlite3_prepare_v2(c->out, sql, -1, &ins, NULL) != SQLITE_OK) {
        out_fail(err, c->out_path, c->out, "cannot write a run");
        goto out;
    }
    sqlite3_bind_int64(sel, 1, old_id);
    sqlite3_bind_int64(ins, 1, new_id);
    while ((st = sqlite3_step(sel)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++)
            sqlite3_bind_value(ins, i + 2, sqlite3_column_value(sel, i));
        if (sqlite3_step(ins) != SQLITE_DONE) {
            out_fail(err, c->out_path, c->out, "cannot write a run");
            goto out;
        }
        sqlite3_reset(ins);
    }
    if (st != SQLITE_DONE) {
        sql_fail(err, src_path, src, "cannot read a run");
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

static const char run_cols[] =
    "name, scenario, seed, version, sample, start_unix, duration_s, events, fingerprint,"
    " wall_s, digest";

/* Copies one run; refuses it when its digest is already in out. */
static int copy_run(struct copier *c, sqlite3 *src, const struct merge_source *m,
                    int64_t *new_id, struct error *err)
{
    char sql[512];
    sqlite3_stmt *s;
    snprintf(sql, sizeof sql, "SELECT %s FROM runs WHERE run_id = ?1", run_cols);
    if (sqlite3_prepare_v2(src, sql, -1, &s, NULL) != SQLITE_OK)
        return sql_fail(err, m->path, src, "cannot read the runs table");
    sqlite3_bind_int64(s, 1, m->run_id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        error_file(err, m->path);
        error_set(err, "no run %" PRId64, m->run_id);
        return -1;
    }
    const char *digest = (const char *)sqlite3_column_text(s, 10);
    if (!digest) {
        sqlite3_finalize(s);
        error_file(err, m->path);
        error_set(err, "run %" PRId64 " has no digest (not a committed run)", m->run_id);
        return -1;
    }
    sqlite3_stmt *dup;
    if (sqlite3_prepare_v2(c->out, "SELECT run_id FROM runs WHERE digest = ?1", -1, &dup, NULL)
        != SQLITE_OK) {
        sqlite3_finalize(s);
        return out_fail(err, c->out_path, c->out, "cannot read the runs table");
    }
    sqlite3_bind_text(dup, 1, digest, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(dup) == SQLITE_ROW) {
        error_file(err, m->path);
        error_set(err, "run %" PRId64 " (scenario %s, seed %" PRId64 ", digest %s) is the same"
                  " run as run %" PRId64 " of the output %s: the same scenario, seed and binary"
                  " give the same digest, and merge keeps one copy of a run. Nothing was"
                  " merged; leave that input out",
                  m->run_id, (const char *)sqlite3_column_text(s, 0), (int64_t)sqlite3_column_int64(s, 2),
                  digest, (int64_t)sqlite3_column_int64(dup, 0), c->out_path);
        sqlite3_finalize(dup);
        sqlite3_finalize(s);
        return -1;
    }
    sqlite3_finalize(dup);
    sqlite3_stmt *ins;
    snprintf(sql, sizeof sql, "INSERT INTO runs(%s) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
             " ?10, ?11)", run_cols);
    if (sqlite3_prepare_v2(c->out, sql, -1, &ins, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return out_fail(err, c->out_path, c->out, "cannot write the runs table");
    }
    for (int i = 0; i < 11; i++)
        sqlite3_bind_value(ins, i + 1, sqlite3_column_value(s, i));
    int st = sqlite3_step(ins);
    sqlite3_finalize(ins);
    sqlite3_finalize(s);
    if (st != SQLITE_DONE)
        return out_fail(err, c->out_path, c->out, "cannot write the runs table");
    *new_id = sqlite3_last_insert_rowid(c->out);
    for (int t = 0; t < c->ntables; t++) {
        if (!src_has_table(src, c->tables[t])) {
            if (strncmp(c->tables[t], "sweep_", 6) == 0)
                continue;           /* a run made outside a sweep */
            error_file(err, m->path);
            error_set(err, "has no table %s, which %s has", c->tables[t], c->out_path);
            return -1;
        }
        if (copy_rows(c, src, m->path, c->tables[t], c->cols[t], c->ncols[t], m->run_id, *new_id,
                      err) != 0)
            return -1;
    }
    return 0;
}

struct merger {
    struct copier c;
    sqlite3 *cur;                   /* the input read last, kept open for the next run */
    char *cur_path;
};

static void merger_free(struct merger *m)
{
    sqlite3_close(m->cur);
    free(m->cur_path);
    sqlite3_close(m->c.out);
    for (int t = 0; t < m->c.ntables; t++) {
        free(m->c.tables[t]);
        free(m->c.cols[t]);
    }
    free(m);
}

struct merger *merger_begin(const char *out_path, struct error *err)
{
    struct results *r = results_open(out_path, err);
    if (!r)
        return NULL;
    results_close(r);
    struct merger *m = calloc(1, sizeof *m);
    if (!m) {
        error_set(err, "out of memory");
        return NULL;
    }
    m->c.out_path = out_path;
    if (sqlite3_open_v2(out_path, &m->c.out, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        out_fail(err, out_path, m->c.out, "cannot open the output database");
        merger_free(m);
        return NULL;
    }
    sqlite3_busy_timeout(m->c.out, 60000);
    if (sqlite3_exec(m->c.out, "PRAGMA journal_mode = DELETE; PRAGMA cache_size = -65536;"
                     " BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        out_fail(err, out_path, m->c.out, "cannot begin writing the output database");
        merger_free(m);
        return NULL;
    }
    if (sweep_tag_create(m->c.out, out_path, err) != 0 || read_tables(&m->c, err) != 0) {
        merger_abort(m);
        return NULL;
    }
    return m;
}

int merger_add(struct merger *m, const struct merge_source *src, int64_t *new_id,
               struct error *err)
{
    if (!m->cur_path || strcmp(m->cur_path, src->path) != 0) {
        sqlite3_close(m->cur);
        m->cur = NULL;
        free(m->cur_path);
        if (!(m->cur_path = strdup(src->path))) {
            error_set(err, "out of memory");
            return -1;
        }
        if (!(m->cur = results_open_read(src->path, err)))
            return -1;
    }
    int64_t id;
    if (copy_run(&m->c, m->cur, src, &id, err) != 0)
        return -1;
    if (new_id)
        *new_id = id;
    return 0;
}

int merger_commit(struct merger *m, struct error *err)
{
    sqlite3_close(m->cur);
    m->cur = NULL;
    if (sqlite3_exec(m->c.out, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        out_fail(err, m->c.out_path, m->c.out, "cannot commit the merge");
        merger_abort(m);
        return -1;
    }
    merger_free(m);
    return 0;
}

void merger_abort(struct merger *m)
{
    if (!m)
        return;
    sqlite3_exec(m->c.out, "ROLLBACK", NULL, NULL, NULL);
    merger_free(m);
}

int merge_runs(const char *out_path, const struct merge_source *src, int n,
               int64_t *new_ids, struct error *err)
{
    struct merger *m = merger_begin(out_path, err);
    if (!m)
        return -1;
    for (int i = 0; i < n; i++)
        if (merger_add(m, &src[i], new_ids ? &new_ids[i] : NULL, err) != 0) {
            merger_abort(m);
            return -1;
        }
    return merger_commit(m, err);
}
