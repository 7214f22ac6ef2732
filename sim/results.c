/* sim/results.c: the results database (SQLite): schema, writers, digest.
 *
 * One file holds many runs; every table carries run_id. The schema lives in
 * one place, the table list below, from which the CREATE, INSERT and digest
 * SELECT statements are built, so the three can never disagree. It is
 * documented column by column in analysis/SCHEMA.md.
 *
 * Recognising our files. A lastmile database has PRAGMA application_id =
 * RESULTS_APP_ID in its header and a schema_version table. results_open
 * creates the schema only in a file that is empty (no tables, no foreign
 * application_id); it refuses, before writing anything, a file that is not
 * SQLite, an SQLite file of another program, and a schema newer than this
 * build's.
 *
 * Atomicity. A run is one transaction, BEGIN IMMEDIATE at results_begin_run
 * to COMMIT at results_end_run, in rollback-journal mode (journal_mode=
 * DELETE). A process killed mid-run leaves a hot journal; the next
 * connection to read the file rolls it back, so the partial run vanishes and
 * the earlier runs are as they were committed. If SQLite rolls the
 * transaction back by itself (disk full, I/O error), the run is marked
 * closed, so no later row can slip into the file in autocommit mode.
 *
 * Speed. Every writer steps a statement prepared once per connection with
 * SQLITE_PREPARE_PERSISTENT, with run_id bound once per run at ?1 (bindings
 * survive sqlite3_reset). Tables are WITHOUT ROWID, clustered on their
 * primary key, whose leading run_id only grows, so a run's rows land at the
 * right edge of one B-tree. Sessions arrive in order of their end, not id:
 * near-sorted, inside a window of a few thousand ids that the 256 MiB page
 * cache holds. Measured on 10^6 such rows (tests/bench/bench_results.c and
 * variants): a rowid table with a PRIMARY KEY index inserts at about the
 * same rate but reads back ~1.7x slower and is larger; a rowid table with
 * no key inserts ~1.8x faster but must sort the run to digest it (~3x the
 * read time, more than the gain) and cannot refuse a duplicate id.
 *
 * Digest. A 64-bit hash of every row of the run, table by table in a fixed
 * order, rows in primary-key order, each column as a type tag and its value
 * (integers as int64, reals as IEEE-754 bits, text as length and bytes),
 * leaving out run_id and the columns that are not results (runs.wall_s,
 * runs.digest). It is computed by reading the rows back, by the same code
 * at commit time and in results_run_digest, so the two always agree. The
 * mixing step is our own multiply-xorshift; the finaliser is the fmix64 of
 * Austin Appleby's MurmurHash3 (2011). SCHEMA.md states it exactly. */
#include "sim/results.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "LaMi": PRAGMA application_id of every lastmile results database. */
#define RESULTS_APP_ID 0x4C614D69

/* Page size of a new file. Larger pages split less often under the
 * near-sorted session inserts: in tests/bench/bench_results.c 16 KiB took
 * ~10% more rows/s than SQLite's default 4 KiB, and 32 or 64 KiB no more
 * than 16 KiB, while every table costs at least one page. */
#ifndef RESULTS_PAGE_SIZE
#define RESULTS_PAGE_SIZE 16384
#endif

#define MAX_COLS 24

struct col { const char *name, *type; };

struct table {
    const char *name;
    const char *key;                /* primary key after run_id */
    struct col cols[MAX_COLS];      /* after run_id; {NULL} ends */
};

enum {
    T_REGIONS, T_ISPS, T_SITES, T_OCAS, T_LINKS, T_TITLES, T_RUNGS, T_SESSIONS,
    T_OCA_TS, T_LINK_TS, T_REGION_TS, T_TIER_TS, T_SUMMARY, T_FAULTS, T_MARKERS, T_CHURN, T_LIVE_TS,
    T_COUNT
};

/* The data tables in digest order (runs comes first, see digest_run).
 * Columns follow the row structs of results.h one to one. Changing
 * anything here is a schema change: bump RESULTS_SCHEMA_VERSION and update
 * analysis/SCHEMA.md. */
static const struct table tables[T_COUNT] = {
    [T_REGIONS] = { "regions", "id", {
        {"id", "INTEGER"}, {"name", "TEXT"}, {"utc_offset_s", "INTEGER"},
        {"subscribers", "REAL"} } },
    [T_ISPS] = { "isps", "id", {
        {"id", "INTEGER"}, {"name", "TEXT"}, {"region", "INTEGER"}, {"share", "REAL"},
        {"access_median_bps", "REAL"}, {"access_sigma", "REAL"}, {"transit_bps", "REAL"} } },
    [T_SITES] = { "sites", "id", {
        {"id", "INTEGER"}, {"name", "TEXT"}, {"kind", "TEXT"}, {"isp", "INTEGER"},
        {"region", "INTEGER"}, {"oca_count", "INTEGER"} } },
    [T_OCAS] = { "ocas", "id", {
        {"id", "INTEGER"}, {"site", "INTEGER"}, {"index_in_site", "INTEGER"},
        {"storage_bytes", "REAL"}, {"egress_bps", "REAL"}, {"stored_bytes", "REAL"},
        {"titles_held", "INTEGER"} } },
    [T_LINKS] = { "links", "id", {
        {"id", "INTEGER"}, {"name", "TEXT"}, {"kind", "TEXT"}, {"isp", "INTEGER"},
        {"site", "INTEGER"}, {"capacity_bps", "REAL"} } },
    [T_TITLES] = { "titles", "id", {
        {"id", "INTEGER"}, {"kind", "TEXT"}, {"duration_s", "REAL"},
        {"popularity", "REAL"}, {"size_bytes", "REAL"}, {"complexity", "REAL"} } },
    [T_RUNGS] = { "rungs", "title, codec, rung", {
        {"title", "INTEGER"}, {"codec", "TEXT"}, {"rung", "INTEGER"}, {"bitrate_kbps", "REAL"},
        {"width", "INTEGER"}, {"height", "INTEGER"}, {"quality", "REAL"} } },
    [T_SESSIONS] = { "sessions", "id", {
        {"id", "INTEGER"}, {"region", "INTEGER"}, {"isp", "INTEGER"}, {"title", "INTEGER"},
        {"warm", "INTEGER"}, {"start_s", "REAL"}, {"end_s", "REAL"}, {"outcome", "TEXT"},
        {"watch_s", "REAL"}, {"startup_s", "REAL"}, {"rebuffer_s", "REAL"},
        {"rebuffer_count", "INTEGER"}, {"bitrate_mean_kbps", "REAL"},
        {"switches", "INTEGER"}, {"segments", "INTEGER"}, {"bytes_embedded", "REAL"},
        {"bytes_ix", "REAL"}, {"bytes_origin", "REAL"}, {"bytes_cdn", "REAL"},
        {"failovers", "INTEGER"}, {"device", "TEXT"}, {"codec", "TEXT"},
        {"vmaf_mean", "REAL"} } },
    [T_OCA_TS] = { "oca_ts", "t_s, oca", {
        {"t_s", "REAL"}, {"oca", "INTEGER"}, {"bytes", "REAL"}, {"egress_bps", "REAL"},
        {"utilization", "REAL"}, {"flows", "INTEGER"}, {"requests", "INTEGER"},
        {"hits", "INTEGER"}, {"stored_bytes", "REAL"} } },
    [T_LINK_TS] = { "link_ts", "t_s, link", {
        {"t_s", "REAL"}, {"link", "INTEGER"}, {"bytes", "REAL"}, {"bps", "REAL"},
        {"utilization", "REAL"} } },
    [T_REGION_TS] = { "region_ts", "t_s, region", {
        {"t_s", "REAL"}, {"region", "INTEGER"}, {"concurrent", "REAL"},
        {"target", "REAL"}, {"arrivals", "INTEGER"}, {"stall_s", "REAL"},
        {"played_s", "REAL"} } },
    [T_TIER_TS] = { "tier_ts", "t_s, tier", {
        {"t_s", "REAL"}, {"tier", "TEXT"}, {"bytes", "REAL"}, {"gbps", "REAL"} } },
    [T_SUMMARY] = { "summary", "metric", {
        {"metric", "TEXT"}, {"value", "REAL"} } },
    [T_FAULTS] = { "faults", "id", {
        {"id", "INTEGER"}, {"kind", "TEXT"}, {"target", "TEXT"}, {"start_s", "REAL"},
        {"end_s", "REAL"}, {"seen_s", "REAL"}, {"sessions_affected", "INTEGER"},
        {"failovers", "INTEGER"}, {"sessions_failed", "INTEGER"},
        {"rebuffer_added_s", "REAL"}, {"bytes_moved", "REAL"} } },
    [T_MARKERS] = { "markers", "t_s, seq", {
        {"t_s", "REAL"}, {"seq", "INTEGER"}, {"kind", "TEXT"}, {"target", "TEXT"},
        {"fault", "INTEGER"} } },
    [T_CHURN] = { "churn", "day, oca", {
        {"day", "INTEGER"}, {"oca", "INTEGER"}, {"added", "INTEGER"}, {"evicted", "INTEGER"},
        {"fill_bytes", "REAL"} } },
    [T_LIVE_TS] = { "live_ts", "event, t_s", {
        {"t_s", "REAL"}, {"event", "TEXT"}, {"arrivals", "INTEGER"}, {"offered", "INTEGER"},
        {"admitted", "INTEGER"}, {"refused", "INTEGER"}, {"timed_out", "INTEGER"},
        {"failed", "INTEGER"}, {"queue_peak", "REAL"}, {"joined", "REAL"},
        {"origin_gbps", "REAL"} } },
};

/* The runs columns that enter the digest, in order (run_id, wall_s and
 * digest stay out). */
static const char runs_digest_cols[] =
    "name, scenario, seed, version, sample, start_unix, duration_s, events, fingerprint";

struct results {
    sqlite3 *db;
    char path[256];
    sqlite3_stmt *ins[T_COUNT];     /* INSERT per data table, ?1 = run_id */
    sqlite3_stmt *ins_run;
    int64_t run_id;
    int run_open;
};

/* ---- errors --------------------------------------------------------------- */

static void fail_file(struct error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_file_v(struct error *err, int is_system, const char *path, const char *fmt,
                        va_list ap)
{
    if (!err)
        return;
    error_file(err, path);
    err->path[0] = '\0';
    err->line = err->col = 0;
    err->system = is_system;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

/* Every message of this file names the database file through err->file.
 * fail_file is for a file refused or a call out of turn (exit 2 when it
 * comes from results_open); fail_sys for the machine's failures: I/O, a
 * full or read-only disk, no memory (err->system, exit 1). */
static void fail_file(struct error *err, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_file_v(err, 0, path, fmt, ap);
    va_end(ap);
}

static void fail_sys(struct error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_sys(struct error *err, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_file_v(err, 1, path, fmt, ap);
    va_end(ap);
}

/* ---- small SQL helpers ------------------------------------------------------ */

/* SQLite's message for the last failure on db, with the cause said plainly
 * when it is the file system's: a read-only file, a full disk or a file
 * size limit (SQLite reports the last two as "disk I/O error"). Returns a
 * static buffer (one thread writes). */
static const char *db_error(sqlite3 *db)
{
    static char buf[384];
    int code = sqlite3_errcode(db) & 0xff, sys = sqlite3_system_errno(db);
    const char *msg = sqlite3_errmsg(db);
    if (code == SQLITE_READONLY)
        snprintf(buf, sizeof buf, "the database file is read-only (%s)", msg);
    else if (code == SQLITE_FULL || sys == ENOSPC || sys == EFBIG || sys == EDQUOT)
        snprintf(buf, sizeof buf, "no room to write: the disk is full or a file size limit was"
                 " reached (%s%s%s)", msg, sys ? ": " : "", sys ? strerror(sys) : "");
    else if (sqlite3_extended_errcode(db) == SQLITE_IOERR_WRITE)
        /* By the time a failed COMMIT returns, the rollback has reset the
         * system errno, so the cause can only be named as the usual one. */
        snprintf(buf, sizeof buf, "could not write to the file (%s%s%s): the disk is full or a"
                 " file size limit was reached, most likely", msg, sys ? ": " : "",
                 sys ? strerror(sys) : "");
    else if ((code == SQLITE_IOERR || code == SQLITE_CANTOPEN) && sys)
        snprintf(buf, sizeof buf, "%s (%s)", msg, strerror(sys));
    else
        snprintf(buf, sizeof buf, "%s", msg);
    return buf;
}

static int exec(sqlite3 *db, const char *path, const char *sql, struct error *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fail_sys(err, path, "%s (while running: %.120s)", db_error(db), sql);
        return -1;
    }
    return 0;
}

/* The first column of the first row of sql as an integer; *found tells
 * whether there was a row. Returns the SQLite result code. */
static int query_int(sqlite3 *db, const char *sql, int64_t *v, int *found)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    *found = 0;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *found = sqlite3_column_type(s, 0) != SQLITE_NULL;
        *v = sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

/* Appends to buf[0..n) at *len, truncating silently (the buffers below are
 * sized for the longest statement with a wide margin). */
static void append(char *buf, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
    if (*len >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *len, n - *len, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len += (size_t)k;
}

static void col_list(const struct table *t, char *buf, size_t n, size_t *len)
{
    for (int i = 0; t->cols[i].name; i++)
        append(buf, n, len, "%s%s", i ? ", " : "", t->cols[i].name);
}

/* ---- recognising a file ---------------------------------------------------- */

enum marker { MARK_NEW, MARK_OURS };

enum header { HEAD_MISSING, HEAD_EMPTY, HEAD_SQLITE };

/* Refuses what is not a regular file starting with the SQLite header.
 * Returns HEAD_MISSING, HEAD_EMPTY (zero length), HEAD_SQLITE or -1. */
static int check_header(const char *path, struct error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return HEAD_MISSING;
        fail_sys(err, path, "cannot read the database: %s", strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        fail_file(err, path, "is a directory, not a results database");
        return -1;
    }
    if (st.st_size == 0)
        return HEAD_EMPTY;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_sys(err, path, "cannot read the database: %s", strerror(errno));
        return -1;
    }
    char head[16] = {0};
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    if (got != sizeof head || memcmp(head, "SQLite format 3", 16) != 0) {
        fail_file(err, path, "not an SQLite database, so not a lastmile results database "
                  "(left untouched)");
        return -1;
    }
    return HEAD_SQLITE;
}

/* Reads the marker with queries only. Returns MARK_NEW for an SQLite file
 * with no tables and no foreign application_id, MARK_OURS for a lastmile
 * database of a schema this build reads, -1 (err filled) otherwise. */
static int check_marker(sqlite3 *db, const char *path, struct error *err)
{
    int64_t app = 0, ntables = 0, version = 0;
    int found;
    int rc = query_int(db, "PRAGMA application_id", &app, &found);
    if (rc == SQLITE_OK)
        rc = query_int(db, "SELECT COUNT(*) FROM sqlite_master", &ntables, &found);
    if (rc == SQLITE_NOTADB) {
        fail_file(err, path, "not an SQLite database, so not a lastmile results database "
                  "(left untouched)");
        return -1;
    }
    if (rc != SQLITE_OK) {
        fail_sys(err, path, "cannot read the database: %s", db_error(db));
        return -1;
    }
    if (ntables == 0 && (app == 0 || app == RESULTS_APP_ID))
        return MARK_NEW;
    if (app != RESULTS_APP_ID) {
        fail_file(err, path, "an SQLite database of another program (application_id %" PRId64
                  ", %" PRId64 " schema objects), not a lastmile results database; "
                  "left untouched", app, ntables);
        return -1;
    }
    rc = query_int(db, "SELECT MAX(version) FROM schema_version", &version, &found);
    if (rc != SQLITE_OK || !found) {
        fail_file(err, path, "carries lastmile's application_id but has no schema version "
                  "(%s); refusing a damaged results database",
                  rc != SQLITE_OK ? db_error(db) : "the schema_version table is empty");
        return -1;
    }
    if (version > RESULTS_SCHEMA_VERSION) {
        fail_file(err, path, "written by a newer lastmile (schema version %" PRId64
                  "; this build knows up to %d); use a newer lastmile or another file",
                  version, RESULTS_SCHEMA_VERSION);
        return -1;
    }
    if (version < 1) {
        fail_file(err, path, "has an unknown schema version %" PRId64, version);
        return -1;
    }
    if (version < RESULTS_SCHEMA_VERSION) {
        /* No migration yet: version 2 rekeyed rungs and added session
         * columns, version 3 session columns and fault tables, version 4
         * oca_ts columns and the churn table, version 6 region_ts clocks,
         * which old rows cannot fill. */
        fail_file(err, path, "written by an older lastmile (schema version %" PRId64
                  "; this build writes %d and does not migrate); use a new file",
                  version, RESULTS_SCHEMA_VERSION);
        return -1;
    }
    return MARK_OURS;
}

/* ---- schema ------------------------------------------------------------------ */

static int create_schema(sqlite3 *db, const char *path, struct error *err)
{
    char sql[2048];
    if (exec(db, path,
             "CREATE TABLE schema_version(version INTEGER NOT NULL);"
             "CREATE TABLE runs(run_id INTEGER PRIMARY KEY, name TEXT, scenario TEXT,"
             " seed INTEGER, version TEXT, sample REAL, start_unix REAL, duration_s REAL,"
             " events INTEGER, fingerprint TEXT, wall_s REAL, digest TEXT);", err) != 0)
        return -1;
    for (int t = 0; t < T_COUNT; t++) {
        const struct table *tb = &tables[t];
        size_t len = 0;
        append(sql, sizeof sql, &len, "CREATE TABLE %s(run_id INTEGER NOT NULL", tb->name);
        for (int i = 0; tb->cols[i].name; i++) {
            /* key columns are NOT NULL: WITHOUT ROWID requires it anyway */
            int is_key = 0;
            const char *k = tb->key, *c = tb->cols[i].name;
            size_t cl = strlen(c);
            while (*k) {
                size_t kl = strcspn(k, ", ");
                if (kl == cl && strncmp(k, c, cl) == 0)
                    is_key = 1;
                k += kl;
                k += strspn(k, ", ");
            }
            append(sql, sizeof sql, &len, ", %s %s%s", c, tb->cols[i].type,
                   is_key ? " NOT NULL" : "");
        }
        append(sql, sizeof sql, &len, ", PRIMARY KEY(run_id, %s)) WITHOUT ROWID", tb->key);
        if (exec(db, path, sql, err) != 0)
            return -1;
    }
    snprintf(sql, sizeof sql, "INSERT INTO schema_version(version) VALUES(%d);"
             "PRAGMA application_id = %d;", RESULTS_SCHEMA_VERSION, RESULTS_APP_ID);
    return exec(db, path, sql, err);
}

static int prepare_writers(struct results *r, struct error *err)
{
    char sql[2048];
    for (int t = 0; t < T_COUNT; t++) {
        const struct table *tb = &tables[t];
        size_t len = 0;
        append(sql, sizeof sql, &len, "INSERT INTO %s(run_id, ", tb->name);
        col_list(tb, sql, sizeof sql, &len);
        append(sql, sizeof sql, &len, ") VALUES(?1");
        for (int i = 0; tb->cols[i].name; i++)
            append(sql, sizeof sql, &len, ", ?%d", i + 2);
        append(sql, sizeof sql, &len, ")");
        if (sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &r->ins[t], NULL)
            != SQLITE_OK) {
            fail_sys(err, r->path, "cannot prepare the writer of table %s: %s", tb->name,
                     db_error(r->db));
            return -1;
        }
    }
    if (sqlite3_prepare_v3(r->db,
                           "INSERT INTO runs(name, scenario, seed, version, sample, start_unix,"
                           " duration_s) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1,
                           SQLITE_PREPARE_PERSISTENT, &r->ins_run, NULL) != SQLITE_OK) {
        fail_sys(err, r->path, "cannot prepare the writer of table runs: %s",
                 db_error(r->db));
        return -1;
    }
    return 0;
}

/* ---- open and close ------------------------------------------------------------ */

/* Turns off SQLite's global memory statistics, which take a mutex around
 * every allocation; nothing in lastmile reads them. Only possible before
 * SQLite initialises, so a later call is a harmless SQLITE_MISUSE. Together
 * with SQLITE_OPEN_NOMUTEX (one connection, one thread) this saves ~7% of
 * the insert time. */
static void quiet_sqlite(void)
{
    static int done;
    if (!done) {
        done = 1;
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    }
}

/* Why a new database could not be created, said plainly: SQLite reports
 * a missing or unwritable folder as "unable to open database file" with
 * whatever errno its last probe left. */
static void open_failure(const char *path, sqlite3 *db, char *why, size_t n)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    struct stat st;
    if (stat(dir, &st) != 0)
        snprintf(why, n, "its folder %.300s: %s", dir, strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        snprintf(why, n, "%.300s is not a folder", dir);
    else if (stat(path, &st) != 0 && access(dir, W_OK | X_OK) != 0)
        snprintf(why, n, "cannot create a file in the folder %.300s: %s", dir, strerror(errno));
    else
        snprintf(why, n, "%s", db ? db_error(db) : "out of memory");
}

/* Removes the file results_open created when it failed before any schema
 * landed (a full or read-only disk): zero bytes and no journal beside it.
 * A zero-byte file would be taken as new by the next run anyway, but the
 * user asked for no file and should find none. A file that has bytes, or
 * a journal (the next connection must roll it back, or another process is
 * creating the schema in the same new file right now), is left alone. */
static void remove_unborn(const char *path)
{
    struct stat st;
    char journal[4096 + 16];
    snprintf(journal, sizeof journal, "%s-journal", path);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0
        && stat(journal, &st) != 0 && errno == ENOENT)
        remove(path);
}

struct results *results_open(const char *path, struct error *err)
{
    int head = check_header(path, err);
    if (head < 0)
        return NULL;
    struct results *r = calloc(1, sizeof *r);
    if (!r) {
        fail_sys(err, path, "out of memory opening the database");
        return NULL;
    }
    snprintf(r->path, sizeof r->path, "%s", path);
    quiet_sqlite();
    if (sqlite3_open_v2(path, &r->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)
        != SQLITE_OK) {
        char why[384];
        open_failure(path, r->db, why, sizeof why);
        fail_sys(err, path, "cannot open or create the database: %s", why);
        goto fail;
    }
    /* Another writer (a parallel sweep) holds the file for a whole run. */
    sqlite3_busy_timeout(r->db, 60000);
    int mark = check_marker(r->db, path, err);
    if (mark < 0)
        goto fail;
    /* Connection settings come only now: journal_mode would rewrite a
     * foreign file's header (a WAL database), which must stay untouched. */
    if (exec(r->db, path,
             "PRAGMA journal_mode = DELETE;"
             "PRAGMA synchronous = NORMAL;"
             "PRAGMA cache_size = -262144;"
             "PRAGMA temp_store = MEMORY;", err) != 0)
        goto fail;
    if (mark == MARK_NEW) {
        /* Check again under the write lock: two processes may race to
         * create the schema in the same new file. */
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA page_size = %d", RESULTS_PAGE_SIZE);
        if (exec(r->db, path, sql, err) != 0 || exec(r->db, path, "BEGIN IMMEDIATE", err) != 0)
            goto fail;
        mark = check_marker(r->db, path, err);
        if (mark < 0 || (mark == MARK_NEW && create_schema(r->db, path, err) != 0)
            || exec(r->db, path, "COMMIT", err) != 0) {
            sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
            goto fail;
        }
    }
    if (prepare_writers(r, err) != 0)
        goto fail;
    return r;
fail:
    results_close(r);
    if (head == HEAD_MISSING)
        remove_unborn(path);
    return NULL;
}

void results_close(struct results *r)
{
    if (!r)
        return;
    results_abort_run(r);
    for (int t = 0; t < T_COUNT; t++)
        sqlite3_finalize(r->ins[t]);
    sqlite3_finalize(r->ins_run);
    sqlite3_close(r->db);
    free(r);
}

/* ---- writers ------------------------------------------------------------------ */

static int bind_int(sqlite3_stmt *s, int i, int64_t v)
{
    return sqlite3_bind_int64(s, i, v);
}

static int bind_real(sqlite3_stmt *s, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(s, i) : sqlite3_bind_double(s, i, v);
}

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

/* The insert statement of table t, or NULL (err filled) when no run is
 * open. sqlite3_get_autocommit() catches a transaction that SQLite rolled
 * back on its own: writing on would commit rows one by one. */
static sqlite3_stmt *writer(struct results *r, int t, struct error *err)
{
    if (!r->run_open || sqlite3_get_autocommit(r->db)) {
        r->run_open = 0;
        fail_file(err, r->path, "cannot write to table %s: no run is open", tables[t].name);
        return NULL;
    }
    return r->ins[t];
}

/* Steps and resets a statement whose columns are bound (bind_rc is the OR
 * of the bind results). */
static int write_row(struct results *r, sqlite3_stmt *s, int bind_rc, const char *table,
                     struct error *err)
{
    int rc = bind_rc == SQLITE_OK ? sqlite3_step(s) : bind_rc;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(s);
        return 0;
    }
    fail_sys(err, r->path, "cannot write a row of table %s: %s", table, db_error(r->db));
    sqlite3_reset(s);
    if (sqlite3_get_autocommit(r->db))
        r->run_open = 0;        /* SQLite rolled the whole run back */
    return -1;
}

int results_begin_run(struct results *r, const struct run_info *info, int64_t *run_id,
                      struct error *err)
{
    if (r->run_open) {
        fail_file(err, r->path, "a run is already open (run %" PRId64 ")", r->run_id);
        return -1;
    }
    if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        if (sqlite3_errcode(r->db) == SQLITE_BUSY)
            fail_file(err, r->path, "another process is writing a run to this file (waited "
                      "60 s); give each process its own file and join them with "
                      "`lastmile merge`");
        else
            fail_sys(err, r->path, "cannot begin a run: %s", db_error(r->db));
        return -1;
    }
    sqlite3_stmt *s = r->ins_run;
    int rc = bind_text(s, 1, info->name);
    rc |= bind_text(s, 2, info->scenario_json);
    /* The loader keeps seeds below 2^53; a larger one is stored as the
     * int64 with the same bits. */
    rc |= bind_int(s, 3, (int64_t)info->seed);
    rc |= bind_text(s, 4, info->version);
    rc |= bind_real(s, 5, info->sample);
    rc |= bind_real(s, 6, info->start_unix);
    rc |= bind_real(s, 7, info->duration_s);
    r->run_open = 1;
    if (write_row(r, s, rc, "runs", err) != 0) {
        results_abort_run(r);
        return -1;
    }
    sqlite3_clear_bindings(s);      /* drop pointers into the caller's strings */
    r->run_id = sqlite3_last_insert_rowid(r->db);
    for (int t = 0; t < T_COUNT; t++)
        sqlite3_bind_int64(r->ins[t], 1, r->run_id);
    *run_id = r->run_id;
    return 0;
}

int results_region(struct results *r, const struct region_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_REGIONS, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->id);
    rc |= bind_text(s, 3, x->name);
    rc |= bind_int(s, 4, x->utc_offset_s);
    rc |= bind_real(s, 5, x->subscribers);
    return write_row(r, s, rc, "regions", err);
}

int results_isp(struct results *r, const struct isp_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_ISPS, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->id);
    rc |= bind_text(s, 3, x->name);
    rc |= bind_int(s, 4, x->region);
    rc |= bind_real(s, 5, x->share);
    rc |= bind_real(s, 6, x->access_median_bps);
    rc |= bind_real(s, 7, x->access_sigma);
    rc |= bind_real(s, 8, x->transit_bps);
    return write_row(r, s, rc, "isps", err);
}

int results_site(struct results *r, const struct site_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_SITES, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->id);
    rc |= bind_text(s, 3, x->name);
    rc |= bind_text(s, 4, x->kind);
    rc |= bind_int(s, 5, x->isp);
    rc |= bind_int(s, 6, x->region);
    rc |= bind_int(s, 7, x->oca_count);
    return write_row(r, s, rc, "sites", err);
}

int results_oca(struct results *r, const struct oca_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_OCAS, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->id);
    rc |= bind_int(s, 3, x->site);
    rc |= bind_int(s, 4, x->index_in_site);
    rc |= bind_real(s, 5, x->storage_bytes);
    rc |= bind_real(s, 6, x->egress_bps);
    rc |= bind_real(s, 7, x->stored_bytes);
    rc |= bind_int(s, 8, x->titles_held);
    return write_row(r, s, rc, "ocas", err);
}

int results_link(struct results *r, const struct link_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_LINKS, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->id);
    rc |= bind_text(s, 3, x->name);
    rc |= bind_text(s, 4, x->kind);
    rc |= bind_int(s, 5, x->isp);
    rc |= bind_int(s, 6, x->site);
    rc |= bind_real(s, 7, x->capacity_bps);
    return write_row(r, s, rc, "links", err);
}

int results_title(struct results *r, const struct title_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_TITLES, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->id);
    rc |= bind_text(s, 3, x->kind);
    rc |= bind_real(s, 4, x->duration_s);
    rc |= bind_real(s, 5, x->popularity);
    rc |= bind_real(s, 6, x->size_bytes);
    rc |= bind_real(s, 7, x->complexity);
    return write_row(r, s, rc, "titles", err);
}

int results_rung(struct results *r, const struct rung_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_RUNGS, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->title);
    rc |= bind_text(s, 3, x->codec);
    rc |= bind_int(s, 4, x->rung);
    rc |= bind_real(s, 5, x->bitrate_kbps);
    rc |= bind_int(s, 6, x->width);
    rc |= bind_int(s, 7, x->height);
    rc |= bind_real(s, 8, x->quality);
    return write_row(r, s, rc, "rungs", err);
}

int results_session(struct results *r, const struct session_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_SESSIONS, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->id);
    rc |= bind_int(s, 3, x->region);
    rc |= bind_int(s, 4, x->isp);
    rc |= bind_int(s, 5, x->title);
    rc |= bind_int(s, 6, x->warm);
    rc |= bind_real(s, 7, x->start_s);
    rc |= bind_real(s, 8, x->end_s);
    rc |= bind_text(s, 9, x->outcome);
    rc |= bind_real(s, 10, x->watch_s);
    rc |= bind_real(s, 11, x->startup_s);
    rc |= bind_real(s, 12, x->rebuffer_s);
    rc |= bind_int(s, 13, x->rebuffer_count);
    rc |= bind_real(s, 14, x->bitrate_mean_kbps);
    rc |= bind_int(s, 15, x->switches);
    rc |= bind_int(s, 16, x->segments);
    rc |= bind_real(s, 17, x->bytes_embedded);
    rc |= bind_real(s, 18, x->bytes_ix);
    rc |= bind_real(s, 19, x->bytes_origin);
    rc |= bind_real(s, 20, x->bytes_cdn);
    rc |= bind_int(s, 21, x->failovers);
    rc |= bind_text(s, 22, x->device);
    rc |= bind_text(s, 23, x->codec);
    rc |= bind_real(s, 24, x->vmaf_mean);
    return write_row(r, s, rc, "sessions", err);
}

int results_oca_ts(struct results *r, const struct oca_ts_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_OCA_TS, err);
    if (!s)
        return -1;
    int rc = bind_real(s, 2, x->t_s);
    rc |= bind_int(s, 3, x->oca);
    rc |= bind_real(s, 4, x->bytes);
    rc |= bind_real(s, 5, x->egress_bps);
    rc |= bind_real(s, 6, x->utilization);
    rc |= bind_int(s, 7, x->flows);
    rc |= bind_int(s, 8, x->requests);
    rc |= bind_int(s, 9, x->hits);
    rc |= bind_real(s, 10, x->stored_bytes);
    return write_row(r, s, rc, "oca_ts", err);
}

int results_churn(struct results *r, const struct churn_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_CHURN, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->day);
    rc |= bind_int(s, 3, x->oca);
    rc |= bind_int(s, 4, x->added);
    rc |= bind_int(s, 5, x->evicted);
    rc |= bind_real(s, 6, x->fill_bytes);
    return write_row(r, s, rc, "churn", err);
}

int results_link_ts(struct results *r, const struct link_ts_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_LINK_TS, err);
    if (!s)
        return -1;
    int rc = bind_real(s, 2, x->t_s);
    rc |= bind_int(s, 3, x->link);
    rc |= bind_real(s, 4, x->bytes);
    rc |= bind_real(s, 5, x->bps);
    rc |= bind_real(s, 6, x->utilization);
    return write_row(r, s, rc, "link_ts", err);
}

int results_region_ts(struct results *r, const struct region_ts_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_REGION_TS, err);
    if (!s)
        return -1;
    int rc = bind_real(s, 2, x->t_s);
    rc |= bind_int(s, 3, x->region);
    rc |= bind_real(s, 4, x->concurrent);
    rc |= bind_real(s, 5, x->target);
    rc |= bind_int(s, 6, x->arrivals);
    rc |= bind_real(s, 7, x->stall_s);
    rc |= bind_real(s, 8, x->played_s);
    return write_row(r, s, rc, "region_ts", err);
}

int results_tier_ts(struct results *r, const struct tier_ts_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_TIER_TS, err);
    if (!s)
        return -1;
    int rc = bind_real(s, 2, x->t_s);
    rc |= bind_text(s, 3, x->tier);
    rc |= bind_real(s, 4, x->bytes);
    rc |= bind_real(s, 5, x->gbps);
    return write_row(r, s, rc, "tier_ts", err);
}

int results_summary(struct results *r, const char *metric, double value, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_SUMMARY, err);
    if (!s)
        return -1;
    int rc = bind_text(s, 2, metric);
    rc |= bind_real(s, 3, value);
    return write_row(r, s, rc, "summary", err);
}

/* ---- digest ------------------------------------------------------------------- */

/* One step per 64-bit word: xor in, multiply by an odd constant, fold the
 * high half down, twice. Each part is a bijection of the state, so changing
 * any single word always changes the result. */
static uint64_t mix(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0x9E3779B97F4A7C15u;
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93u;
    h ^= h >> 32;
    return h;
}

static uint64_t fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDu;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53u;
    h ^= h >> 33;
    return h;
}

/* Bytes as little-endian 8-byte words, the last one padded with zeros,
 * after their length (so padding cannot alias). */
static uint64_t mix_bytes(uint64_t h, const unsigned char *p, size_t n)
{
    h = mix(h, (uint64_t)n);
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = 0;
        for (size_t k = 0; k < 8 && i + k < n; k++)
            w |= (uint64_t)p[i + k] << (8 * k);
        h = mix(h, w);
    }
    return h;
}

/* Hashes every row of one SELECT; the row count closes the table. */
static int digest_rows(sqlite3 *db, const char *path, const char *sql, int64_t run_id,
                       uint64_t *h, struct error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fail_sys(err, path, "cannot read the run back: %s", db_error(db));
        return -1;
    }
    sqlite3_bind_int64(s, 1, run_id);
    int ncol = sqlite3_column_count(s), rc;
    uint64_t rows = 0, x = *h;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        rows++;
        for (int c = 0; c < ncol; c++) {
            int type = sqlite3_column_type(s, c);
            x = mix(x, (uint64_t)type);
            switch (type) {
            case SQLITE_INTEGER:
                x = mix(x, (uint64_t)sqlite3_column_int64(s, c));
                break;
            case SQLITE_FLOAT: {
                double d = sqlite3_column_double(s, c);
                uint64_t bits;
                memcpy(&bits, &d, sizeof bits);
                x = mix(x, bits);
                break;
            }
            case SQLITE_TEXT:
            case SQLITE_BLOB: {
                const unsigned char *p = type == SQLITE_TEXT ? sqlite3_column_text(s, c)
                                                             : sqlite3_column_blob(s, c);
                x = mix_bytes(x, p, (size_t)sqlite3_column_bytes(s, c));
                break;
            }
            default:    /* SQLITE_NULL: the tag alone */
                break;
            }
        }
    }
    if (rc != SQLITE_DONE) {
        fail_sys(err, path, "cannot read the run back: %s", db_error(db));
        sqlite3_finalize(s);
        return -1;
    }
    sqlite3_finalize(s);
    *h = mix(x, rows);
    return 0;
}

/* The digest of run_id as stored in db (inside the caller's transaction). */
static int digest_run(sqlite3 *db, const char *path, int64_t run_id, uint64_t *out,
                      struct error *err)
{
    char sql[1024];
    uint64_t h = 0x6C6173746D696C65u;          /* "lastmile" */
    snprintf(sql, sizeof sql, "SELECT %s FROM runs WHERE run_id = ?1", runs_digest_cols);
    h = mix(h, 0);
    if (digest_rows(db, path, sql, run_id, &h, err) != 0)
        return -1;
    for (int t = 0; t < T_COUNT; t++) {
        const struct table *tb = &tables[t];
        size_t len = 0;
        append(sql, sizeof sql, &len, "SELECT ");
        col_list(tb, sql, sizeof sql, &len);
        append(sql, sizeof sql, &len, " FROM %s WHERE run_id = ?1 ORDER BY %s", tb->name,
               tb->key);
        h = mix(h, (uint64_t)t + 1);
        if (digest_rows(db, path, sql, run_id, &h, err) != 0)
            return -1;
    }
    *out = fmix64(h);
    return 0;
}

int results_end_run(struct results *r, const struct run_end *end, uint64_t *digest,
                     struct error *err)
{
    if (!r->run_open || sqlite3_get_autocommit(r->db)) {
        r->run_open = 0;
        fail_file(err, r->path, "cannot end the run: no run is open");
        return -1;
    }
    char fp[17], dg[17];
    snprintf(fp, sizeof fp, "%016" PRIx64, end->fingerprint);
    sqlite3_stmt *s;
    /* events and fingerprint enter the digest, so they go in first. */
    if (sqlite3_prepare_v2(r->db, "UPDATE runs SET events = ?2, fingerprint = ?3, wall_s = ?4"
                           " WHERE run_id = ?1", -1, &s, NULL) != SQLITE_OK) {
        fail_sys(err, r->path, "cannot end the run: %s", db_error(r->db));
        goto fail;
    }
    int rc = sqlite3_bind_int64(s, 1, r->run_id);
    rc |= bind_int(s, 2, (int64_t)end->events);
    rc |= bind_text(s, 3, fp);
    rc |= bind_real(s, 4, end->wall_s);
    rc = rc == SQLITE_OK ? sqlite3_step(s) : rc;
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        fail_sys(err, r->path, "cannot end the run: %s", db_error(r->db));
        goto fail;
    }
    uint64_t d;
    if (digest_run(r->db, r->path, r->run_id, &d, err) != 0)
        goto fail;
    snprintf(dg, sizeof dg, "%016" PRIx64, d);
    if (sqlite3_prepare_v2(r->db, "UPDATE runs SET digest = ?2 WHERE run_id = ?1", -1, &s, NULL)
        != SQLITE_OK) {
        fail_sys(err, r->path, "cannot end the run: %s", db_error(r->db));
        goto fail;
    }
    rc = sqlite3_bind_int64(s, 1, r->run_id);
    rc |= bind_text(s, 2, dg);
    rc = rc == SQLITE_OK ? sqlite3_step(s) : rc;
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        fail_sys(err, r->path, "cannot end the run: %s", db_error(r->db));
        goto fail;
    }
    if (exec(r->db, r->path, "COMMIT", err) != 0)
        goto fail;
    r->run_open = 0;
    *digest = d;
    return 0;
fail:
    results_abort_run(r);
    return -1;
}

void results_abort_run(struct results *r)
{
    if (!r || !r->db)
        return;
    if (!sqlite3_get_autocommit(r->db))
        sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
    r->run_open = 0;
}

/* ---- reading committed runs ------------------------------------------------------- */

struct sqlite3 *results_open_read(const char *path, struct error *err)
{
    int head = check_header(path, err);
    if (head < 0)
        return NULL;
    if (head == HEAD_MISSING) {
        fail_file(err, path, "no such results database");
        return NULL;
    }
    if (head == HEAD_EMPTY) {
        fail_file(err, path, "an empty file, not a lastmile results database");
        return NULL;
    }
    sqlite3 *db = NULL;
    for (int attempt = 0;; attempt++) {
        quiet_sqlite();
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL)
            != SQLITE_OK) {
            fail_sys(err, path, "cannot open the database: %s",
                     db ? db_error(db) : "out of memory");
            sqlite3_close(db);
            return NULL;
        }
        sqlite3_busy_timeout(db, 60000);
        sqlite3_extended_result_codes(db, 1);
        int64_t v;
        int found;
        int rc = query_int(db, "SELECT COUNT(*) FROM sqlite_master", &v, &found);
        if (rc != SQLITE_READONLY_ROLLBACK || attempt > 0)
            break;
        /* A run was killed while writing and left a hot journal, which only
         * a writable connection may roll back. Rolling back restores the
         * last committed state and nothing else. */
        sqlite3_close(db);
        db = NULL;
        sqlite3 *w = NULL;
        if (sqlite3_open_v2(path, &w, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
            sqlite3_busy_timeout(w, 60000);
            query_int(w, "SELECT COUNT(*) FROM sqlite_master", &v, &found);
        }
        sqlite3_close(w);
    }
    int mark = check_marker(db, path, err);
    if (mark == MARK_NEW)
        fail_file(err, path, "an SQLite database without tables, not a lastmile results database");
    if (mark != MARK_OURS) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* "1-3, 5, 7-9" for the run ids in db, at most n bytes. */
static void list_runs(sqlite3 *db, char *buf, size_t n)
{
    sqlite3_stmt *s;
    size_t len = 0;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT run_id FROM runs ORDER BY run_id", -1, &s, NULL)
        != SQLITE_OK)
        return;
    int64_t first = 0, last = 0;
    int have = 0;
    for (;;) {
        int rc = sqlite3_step(s);
        int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
        if (rc == SQLITE_ROW && have && id == last + 1) {
            last = id;
            continue;
        }
        if (have) {
            if (len + 32 >= n) {
                append(buf, n, &len, ", ...");
                break;
            }
            append(buf, n, &len, "%s%" PRId64, len ? ", " : "", first);
            if (last > first)
                append(buf, n, &len, "-%" PRId64, last);
        }
        if (rc != SQLITE_ROW)
            break;
        first = last = id;
        have = 1;
    }
    sqlite3_finalize(s);
}

int results_find_run(struct sqlite3 *db, const char *path, int64_t *run_id,
                     struct error *err)
{
    int64_t v = 0;
    int found = 0;
    char sql[128];
    if (*run_id == 0)
        snprintf(sql, sizeof sql, "SELECT MAX(run_id) FROM runs");
    else
        snprintf(sql, sizeof sql, "SELECT run_id FROM runs WHERE run_id = %" PRId64, *run_id);
    if (query_int(db, sql, &v, &found) != SQLITE_OK) {
        fail_sys(err, path, "cannot read the runs table: %s", db_error(db));
        return -1;
    }
    if (found) {
        *run_id = v;
        return 0;
    }
    char ids[200];
    list_runs(db, ids, sizeof ids);
    if (*run_id == 0)
        fail_file(err, path, "holds no runs yet");
    else if (ids[0])
        fail_file(err, path, "no run %" PRId64 "; the runs in this file are %s", *run_id, ids);
    else
        fail_file(err, path, "no run %" PRId64 "; this file holds no runs yet", *run_id);
    return -1;
}

int results_run_digest(const char *path, int64_t run_id, uint64_t *digest, struct error *err)
{
    sqlite3 *db = results_open_read(path, err);
    if (!db)
        return -1;
    /* One read transaction: a snapshot even while another process writes. */
    int rc = exec(db, path, "BEGIN", err);
    if (rc == 0)
        rc = results_find_run(db, path, &run_id, err);
    if (rc == 0)
        rc = digest_run(db, path, run_id, digest, err);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

int results_fault(struct results *r, const struct fault_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_FAULTS, err);
    if (!s)
        return -1;
    int rc = bind_int(s, 2, x->id);
    rc |= bind_text(s, 3, x->kind);
    rc |= bind_text(s, 4, x->target);
    rc |= bind_real(s, 5, x->start_s);
    rc |= bind_real(s, 6, x->end_s);
    rc |= bind_real(s, 7, x->seen_s);
    rc |= bind_int(s, 8, x->sessions_affected);
    rc |= bind_int(s, 9, x->failovers);
    rc |= bind_int(s, 10, x->sessions_failed);
    rc |= bind_real(s, 11, x->rebuffer_added_s);
    rc |= bind_real(s, 12, x->bytes_moved);
    return write_row(r, s, rc, "faults", err);
}

int results_marker(struct results *r, const struct marker_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_MARKERS, err);
    if (!s)
        return -1;
    int rc = bind_real(s, 2, x->t_s);
    rc |= bind_int(s, 3, x->seq);
    rc |= bind_text(s, 4, x->kind);
    rc |= bind_text(s, 5, x->target);
    rc |= bind_int(s, 6, x->fault);
    return write_row(r, s, rc, "markers", err);
}

int results_live_ts(struct results *r, const struct live_ts_row *x, struct error *err)
{
    sqlite3_stmt *s = writer(r, T_LIVE_TS, err);
    if (!s)
        return -1;
    int rc = bind_real(s, 2, x->t_s);
    rc |= bind_text(s, 3, x->event);
    rc |= bind_int(s, 4, x->arrivals);
    rc |= bind_int(s, 5, x->offered);
    rc |= bind_int(s, 6, x->admitted);
    rc |= bind_int(s, 7, x->refused);
    rc |= bind_int(s, 8, x->timed_out);
    rc |= bind_int(s, 9, x->failed);
    rc |= bind_real(s, 10, x->queue_peak);
    rc |= bind_real(s, 11, x->joined);
    rc |= bind_real(s, 12, x->origin_gbps);
    return write_row(r, s, rc, "live_ts", err);
}
