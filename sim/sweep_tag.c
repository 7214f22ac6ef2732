/* sim/sweep_tag.c: writing the sweep tags of a run (sweep_runs: the sweep,
 * the run's index, grid point and replicate; sweep_params: one row per grid
 * key with the value of the run's point, as people read it). */
#include "sim/sweep_tag.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "sim/results.h"

static int fail(struct error *err, const char *path, sqlite3 *db, const char *what)
{
    error_file(err, path);
    err->path[0] = '\0';
    error_set(err, "%s: %s", what, sqlite3_errmsg(db));
    return -1;
}

int sweep_tag_create(sqlite3 *db, const char *path, struct error *err)
{
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS sweep_runs(run_id INTEGER PRIMARY KEY,"
                     " sweep TEXT NOT NULL, run_index INTEGER NOT NULL, point INTEGER NOT NULL,"
                     " point_label TEXT NOT NULL, replicate INTEGER NOT NULL);"
                     "CREATE TABLE IF NOT EXISTS sweep_params(run_id INTEGER NOT NULL,"
                     " key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(run_id, key))"
                     " WITHOUT ROWID;", NULL, NULL, NULL) != SQLITE_OK)
        return fail(err, path, db, "cannot create the sweep tables");
    return 0;
}

int sweep_tag_write(const char *path, int64_t run_id, const struct sweep *s, int run,
                    struct error *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fail(err, path, db, "cannot open the database to tag the run");
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 60000);
    int point = run / s->nseeds, rc = -1;
    char label[1024];
    sweep_point_label(s, point, label, sizeof label);
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        fail(err, path, db, "cannot tag the run");
        goto out;
    }
    if (sweep_tag_create(db, path, err) != 0)
        goto out;
    if (sqlite3_prepare_v2(db, "INSERT INTO sweep_runs VALUES(?1, ?2, ?3, ?4, ?5, ?6)", -1,
                           &st, NULL) != SQLITE_OK) {
        fail(err, path, db, "cannot tag the run");
        goto out;
    }
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, s->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, run);
    sqlite3_bind_int(st, 4, point);
    sqlite3_bind_text(st, 5, label, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, run % s->nseeds);
    if (sqlite3_step(st) != SQLITE_DONE) {
        fail(err, path, db, "cannot tag the run");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO sweep_params VALUES(?1, ?2, ?3)", -1, &st, NULL)
        != SQLITE_OK) {
        fail(err, path, db, "cannot tag the run");
        goto out;
    }
    for (int k = 0; k < s->nparams; k++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_text(st, 2, s->params[k].key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, s->params[k].labels[sweep_point_value(s, point, k)], -1,
                          SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fail(err, path, db, "cannot tag the run");
            goto out;
        }
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(err, path, db, "cannot tag the run");
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    if (rc != 0)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}
