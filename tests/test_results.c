/* tests/test_results.c: the results database keeps runs whole and tells
 * them apart by digest.
 *
 * sim/results.c promises: every row written comes back in its table under
 * its run; a run is committed whole or not at all, even when its process
 * is killed mid-write (checked with forked children that die by SIGKILL
 * before and after their pages have been spilled into the file); the digest depends on
 * the rows and nothing else (not the file, run id, insertion order or wall
 * time) and on every one of them; files that are not lastmile's, or of a
 * newer schema, are refused and left byte for byte as they were. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <sys/stat.h>

#include "sim/results.h"
#include "tests/helpers.h"

/* The number of rows write_run puts in each table. */
/* Rungs of the test run: titles 0 and 1, two rungs each. */
static inline int i_title(int k) { return k / 2; }

static const struct { const char *table; int rows; } expected_rows[] = {
    {"runs", 1}, {"regions", 2}, {"isps", 3}, {"sites", 2}, {"ocas", 3}, {"links", 2},
    {"titles", 3}, {"rungs", 4}, {"sessions", 5}, {"oca_ts", 6}, {"link_ts", 4},
    {"region_ts", 4}, {"tier_ts", 6}, {"summary", 4},
};
#define NTABLES (sizeof expected_rows / sizeof expected_rows[0])

/* How write_run varies the run. */
struct variant {
    double bump;            /* added to the bytes_ix of session 3 */
    int reverse_sessions;   /* write the sessions in the opposite order */
    double wall_s;
    int fail_after_sessions;/* stop before the summary (for abort tests) */
};

/* Writes a small run with a few rows in every table. Returns the digest. */
static uint64_t write_run(struct results *r, const struct variant *v, int64_t *run_id)
{
    struct error err = {0};
    struct run_info info = { "tiny", "{\"name\":\"tiny\"}", 7, "test", 0.5, 1.7e9, 3600 };
    cr_assert_eq(results_begin_run(r, &info, run_id, &err), 0, "%s", err.msg);
#define OK(call) cr_assert_eq((call), 0, "%s", err.msg)
    for (int i = 0; i < 2; i++) {
        struct region_row row = { i, i ? "south" : "north", 3600 * i, 1e6 * (i + 1) };
        OK(results_region(r, &row, &err));
    }
    for (int i = 0; i < 3; i++) {
        struct isp_row row = { i, i == 0 ? "alpha" : i == 1 ? "beta" : "gamma", i % 2, 0.3,
                               25e6, 0.6, 1e10 };
        OK(results_isp(r, &row, &err));
    }
    for (int i = 0; i < 2; i++) {
        struct site_row row = { i, i ? "ix-1" : "alpha-emb", i ? "ix" : "embedded",
                                i ? -1 : 0, 0, i + 1 };
        OK(results_site(r, &row, &err));
    }
    for (int i = 0; i < 3; i++) {
        struct oca_row row = { i, i ? 1 : 0, i ? i - 1 : 0, 2e14, 1e11, 1.5e14, 9000 + i };
        OK(results_oca(r, &row, &err));
    }
    struct link_row l0 = { 0, "alpha/transit", "transit", 0, -1, 1e10 };
    struct link_row l1 = { 1, "alpha/ix-1", "peering", 0, 1, 4e10 };
    OK(results_link(r, &l0, &err));
    OK(results_link(r, &l1, &err));
    for (int i = 0; i < 3; i++) {
        struct title_row row = { i, i ? "episode" : "film", 2700.0 + i, 0.1 / (i + 1), 3e9,
                                 0.3 + i };
        OK(results_title(r, &row, &err));
    }
    for (int k = 0; k < 4; k++) {
        struct rung_row row = { i_title(k), "avc", k, 235.0 * (1 << k), 320 << k, 240 << k,
                                40.0 + 10 * k };
        OK(results_rung(r, &row, &err));
    }
    for (int j = 0; j < 5; j++) {
        int i = v->reverse_sessions ? 4 - j : j;
        struct session_row row = {
            .id = 100 + i, .region = i % 2, .isp = i % 3, .title = i % 3, .warm = i == 0,
            .start_s = 10.0 * i, .end_s = 10.0 * i + 600, .outcome = i == 4 ? "running" : "completed",
            .watch_s = 600, .startup_s = i == 0 ? NAN : 0.8 + 0.1 * i, .rebuffer_s = 0.25 * i,
            .rebuffer_count = i / 2, .bitrate_mean_kbps = 2500 + i, .switches = i, .segments = 150,
            .bytes_embedded = 4e8, .bytes_ix = 5e7 + (i == 3 ? v->bump : 0), .bytes_origin = 0,
            .device = i % 2 ? "tv-4k" : "phone", .codec = i % 2 ? "av1" : "avc",
            .vmaf_mean = i == 4 ? NAN : 90 + i,
        };
        OK(results_session(r, &row, &err));
    }
    if (v->fail_after_sessions)
        return 0;
    for (int t = 0; t < 2; t++) {
        for (int o = 0; o < 3; o++) {
            struct oca_ts_row row = { 60.0 * t, o, 1e10, 1.3e9, 0.013, 40 + o, 0, 0, 0 };
            OK(results_oca_ts(r, &row, &err));
        }
        for (int k = 0; k < 2; k++) {
            struct link_ts_row row = { 60.0 * t, k, 1e9, 1.3e8, 0.01 };
            OK(results_link_ts(r, &row, &err));
        }
        for (int g = 0; g < 2; g++) {
            struct region_ts_row row = { 60.0 * t, g, 1200.5, 1250, 37, 1.5, 70000 };
            OK(results_region_ts(r, &row, &err));
        }
        static const char *tiers[] = { "embedded", "ix", "origin" };
        for (int k = 0; k < 3; k++) {
            struct tier_ts_row row = { 60.0 * t, tiers[k], 1e10, 1.333 };
            OK(results_tier_ts(r, &row, &err));
        }
    }
    OK(results_summary(r, "offload.embedded", 0.875, &err));
    OK(results_summary(r, "qoe.startup_p50_s", 0.95, &err));
    OK(results_summary(r, "sessions.started", 5, &err));
    OK(results_summary(r, "qoe.vmaf_mean", NAN, &err));
    struct run_end end = { 123456, 0xfeedfacecafebeefu, v->wall_s };
    uint64_t digest;
    OK(results_end_run(r, &end, &digest, &err));
#undef OK
    return digest;
}

/* Writes one run into a fresh file; returns its digest. */
static uint64_t write_file(const char *path, const struct variant *v)
{
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s: %s", err.file, err.msg);
    int64_t id;
    uint64_t d = write_run(r, v, &id);
    results_close(r);
    return d;
}

static sqlite3 *open_plain(const char *path)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    return db;
}

static int64_t query(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static int64_t count_rows(const char *path, const char *table, int64_t run_id)
{
    char sql[256];
    if (run_id > 0)
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE run_id = %lld", table,
                 (long long)run_id);
    else
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    sqlite3 *db = open_plain(path);
    int64_t n = query(db, sql);
    sqlite3_close(db);
    return n;
}

/* The whole file, for before/after comparisons; *n its size. */
static char *slurp(const char *path, size_t *n)
{
    char *buf = th_slurp(path, n);
    cr_assert_not_null(buf, "cannot read %s", path);
    return buf;
}

static void assert_unchanged(const char *path, const char *before, size_t nbefore)
{
    size_t n;
    char *after = slurp(path, &n);
    cr_assert_eq(n, nbefore, "%s changed size: %zu -> %zu bytes", path, nbefore, n);
    cr_assert(memcmp(before, after, n) == 0, "%s changed", path);
    free(after);
    char j[300];
    snprintf(j, sizeof j, "%s-journal", path);
    cr_assert_neq(access(j, F_OK), 0, "a journal was left next to %s", path);
}

Test(results, two_runs_read_back_with_their_row_counts)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    int64_t a, b;
    struct variant v = { .wall_s = 1 };
    write_run(r, &v, &a);
    write_run(r, &v, &b);
    results_close(r);
    cr_assert_eq(a, 1);
    cr_assert_eq(b, 2);
    for (size_t t = 0; t < NTABLES; t++) {
        cr_assert_eq(count_rows(path, expected_rows[t].table, 1), expected_rows[t].rows,
                     "table %s", expected_rows[t].table);
        cr_assert_eq(count_rows(path, expected_rows[t].table, 2), expected_rows[t].rows,
                     "table %s", expected_rows[t].table);
        cr_assert_eq(count_rows(path, expected_rows[t].table, 0), 2 * expected_rows[t].rows,
                     "table %s", expected_rows[t].table);
    }
    unlink(path);
}

Test(results, values_come_back_as_written_and_nan_as_null)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct variant v = { .wall_s = 2.5 };
    uint64_t d = write_file(path, &v);
    sqlite3 *db = open_plain(path);
    cr_assert_eq(query(db, "SELECT COUNT(*) FROM sessions WHERE startup_s IS NULL"), 1);
    cr_assert_eq(query(db, "SELECT id FROM sessions WHERE startup_s IS NULL"), 100);
    cr_assert_eq(query(db, "SELECT COUNT(*) FROM summary WHERE value IS NULL"), 1);
    cr_assert_eq(query(db, "SELECT seed FROM runs"), 7);
    cr_assert_eq(query(db, "SELECT events FROM runs"), 123456);
    cr_assert_eq(query(db, "SELECT fingerprint = 'feedfacecafebeef' FROM runs"), 1);
    cr_assert_eq(query(db, "SELECT wall_s = 2.5 FROM runs"), 1);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT digest = '%016llx' FROM runs", (unsigned long long)d);
    cr_assert_eq(query(db, sql), 1);
    cr_assert_eq(query(db, "SELECT bytes_ix FROM sessions WHERE id = 103"), 50000000);
    cr_assert_eq(query(db, "SELECT COUNT(*) FROM links WHERE site = -1 AND kind = 'transit'"), 1);
    cr_assert_eq(query(db, "SELECT typeof(start_s) = 'real' FROM sessions WHERE id = 101"), 1);
    cr_assert_eq(query(db, "SELECT typeof(arrivals) = 'integer' FROM region_ts LIMIT 1"), 1);
    sqlite3_close(db);
    unlink(path);
}

Test(results, schema_is_marked_versioned_and_keyed)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    results_close(r);
    sqlite3 *db = open_plain(path);
    cr_assert_eq(query(db, "PRAGMA application_id"), 0x4C614D69);
    cr_assert_eq(query(db, "SELECT version FROM schema_version"), RESULTS_SCHEMA_VERSION);
    cr_assert_eq(query(db, "SELECT COUNT(*) FROM schema_version"), 1);
    cr_assert_eq(query(db, "PRAGMA page_size"), 16384);
    /* Every data table has run_id and a primary key that starts with it. */
    for (size_t t = 0; t < NTABLES; t++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT pk FROM pragma_table_info('%s') WHERE name = 'run_id'",
                 expected_rows[t].table);
        cr_assert_eq(query(db, sql), 1, "table %s", expected_rows[t].table);
    }
    cr_assert_eq(query(db, "SELECT group_concat(name, ',') = 'run_id,id,region,isp,title,warm,"
                           "start_s,end_s,outcome,watch_s,startup_s,rebuffer_s,rebuffer_count,"
                           "bitrate_mean_kbps,switches,segments,bytes_embedded,bytes_ix,"
                           "bytes_origin,bytes_cdn,failovers,device,codec,vmaf_mean' FROM pragma_table_info('sessions')"), 1);
    cr_assert_eq(query(db, "SELECT group_concat(name || ':' || pk, ',') = "
                           "'run_id:1,title:2,codec:3,rung:4,bitrate_kbps:0,width:0,height:0,"
                           "quality:0' FROM pragma_table_info('rungs')"), 1);
    cr_assert_eq(query(db, "SELECT group_concat(name || ':' || pk, ',') = "
                           "'run_id:1,t_s:2,tier:3,bytes:0,gbps:0' FROM pragma_table_info('tier_ts')"), 1);
    sqlite3_close(db);
    /* Reopening our own file is fine and changes nothing. */
    r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    results_close(r);
    unlink(path);
}

Test(results, digest_is_stable_across_files_and_run_ids)
{
    char a[256], b[256];
    th_tmpname(a, sizeof a, ".db");
    th_tmpname(b, sizeof b, ".db");
    struct variant v1 = { .wall_s = 1 }, v2 = { .wall_s = 99 };
    uint64_t da = write_file(a, &v1);
    /* b gets another run first, so the same run lands as run 2. */
    struct error err = {0};
    struct results *r = results_open(b, &err);
    cr_assert(r, "%s", err.msg);
    int64_t id;
    struct variant other = { .bump = 1 };
    write_run(r, &other, &id);
    uint64_t db_ = write_run(r, &v2, &id);
    results_close(r);
    cr_assert_eq(id, 2);
    cr_assert_eq(da, db_, "%016llx vs %016llx: digest depends on the file, run id or wall time",
                 (unsigned long long)da, (unsigned long long)db_);
    unlink(a);
    unlink(b);
}

Test(results, digest_ignores_insertion_order)
{
    char a[256], b[256];
    th_tmpname(a, sizeof a, ".db");
    th_tmpname(b, sizeof b, ".db");
    struct variant fwd = { 0 }, rev = { .reverse_sessions = 1 };
    cr_assert_eq(write_file(a, &fwd), write_file(b, &rev));
    unlink(a);
    unlink(b);
}

Test(results, digest_changes_when_one_value_changes)
{
    char a[256], b[256], c[256];
    th_tmpname(a, sizeof a, ".db");
    th_tmpname(b, sizeof b, ".db");
    th_tmpname(c, sizeof c, ".db");
    struct variant v = { 0 }, one_byte = { .bump = 1 }, tiny = { .bump = 1e-8 };
    uint64_t d0 = write_file(a, &v), d1 = write_file(b, &one_byte), d2 = write_file(c, &tiny);
    cr_assert_neq(d0, d1);
    cr_assert_neq(d0, d2, "a change in the last bits of a double is missed");
    cr_assert_neq(d1, d2);
    unlink(a);
    unlink(b);
    unlink(c);
}

Test(results, digest_changes_when_the_file_is_edited)
{
    char a[256];
    th_tmpname(a, sizeof a, ".db");
    struct variant v = { 0 };
    uint64_t d0 = write_file(a, &v), d;
    struct error err = {0};
    sqlite3 *db = open_plain(a);
    static const char *edits[] = {
        "UPDATE tier_ts SET tier = 'ix ' WHERE tier = 'ix' AND t_s = 60",
        "UPDATE summary SET value = NULL WHERE metric = 'sessions.started'",
        "UPDATE runs SET scenario = '{}'",
        "UPDATE runs SET events = 123457",
        "DELETE FROM rungs WHERE rung = 3",
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        cr_assert_eq(sqlite3_exec(db, "SAVEPOINT e", NULL, NULL, NULL), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, edits[i], NULL, NULL, NULL), SQLITE_OK, "%s", edits[i]);
        cr_assert_eq(sqlite3_exec(db, "RELEASE e", NULL, NULL, NULL), SQLITE_OK);
        cr_assert_eq(results_run_digest(a, 0, &d, &err), 0, "%s", err.msg);
        cr_assert_neq(d, d0, "edit not seen by the digest: %s", edits[i]);
        d0 = d;
    }
    /* The columns left out really are left out. */
    cr_assert_eq(sqlite3_exec(db, "UPDATE runs SET wall_s = 1e6, digest = 'x'", NULL, NULL, NULL),
                 SQLITE_OK);
    cr_assert_eq(results_run_digest(a, 0, &d, &err), 0, "%s", err.msg);
    cr_assert_eq(d, d0);
    sqlite3_close(db);
    unlink(a);
}

Test(results, run_digest_recomputes_the_returned_digest)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    int64_t a, b;
    struct variant v1 = { 0 }, v2 = { .bump = 3 };
    uint64_t da = write_run(r, &v1, &a), db_ = write_run(r, &v2, &b);
    results_close(r);
    uint64_t d;
    cr_assert_eq(results_run_digest(path, a, &d, &err), 0, "%s", err.msg);
    cr_assert_eq(d, da);
    cr_assert_eq(results_run_digest(path, b, &d, &err), 0, "%s", err.msg);
    cr_assert_eq(d, db_);
    cr_assert_eq(results_run_digest(path, 0, &d, &err), 0, "%s", err.msg);
    cr_assert_eq(d, db_, "run 0 is not the latest run");
    unlink(path);
}

Test(results, run_digest_names_missing_run_and_existing_ones)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    uint64_t d;
    cr_assert_eq(results_run_digest(path, 0, &d, &err), -1);
    cr_assert(strstr(err.msg, "no runs"), "%s", err.msg);
    int64_t id;
    struct variant v = { 0 };
    for (int i = 0; i < 3; i++)
        write_run(r, &v, &id);
    results_close(r);
    memset(&err, 0, sizeof err);
    cr_assert_eq(results_run_digest(path, 9, &d, &err), -1);
    cr_assert(strstr(err.msg, "no run 9"), "%s", err.msg);
    cr_assert(strstr(err.msg, "1-3"), "%s", err.msg);
    cr_assert_str_eq(err.file, path);
    unlink(path);
}

Test(results, foreign_sqlite_file_is_refused_and_unchanged)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "CREATE TABLE foo(x INTEGER); INSERT INTO foo VALUES(42);",
                              NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    size_t n;
    char *before = slurp(path, &n);
    struct error err = {0};
    cr_assert_null(results_open(path, &err));
    cr_assert_str_eq(err.file, path);
    cr_assert(strstr(err.msg, "not a lastmile results database"), "%s", err.msg);
    assert_unchanged(path, before, n);
    uint64_t d;
    memset(&err, 0, sizeof err);
    cr_assert_eq(results_run_digest(path, 0, &d, &err), -1);
    cr_assert(strstr(err.msg, "not a lastmile results database"), "%s", err.msg);
    assert_unchanged(path, before, n);
    free(before);
    unlink(path);
}

Test(results, foreign_wal_database_is_refused_and_unchanged)
{
    /* Setting journal_mode=DELETE before the check would rewrite it. */
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE foo(x);", NULL, NULL,
                              NULL), SQLITE_OK);
    sqlite3_close(db);
    size_t n;
    char *before = slurp(path, &n);
    struct error err = {0};
    cr_assert_null(results_open(path, &err));
    assert_unchanged(path, before, n);
    free(before);
    unlink(path);
}

Test(results, foreign_application_id_without_tables_is_refused)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "PRAGMA application_id = 1234; CREATE TABLE t(x); DROP TABLE t;",
                              NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    size_t n;
    char *before = slurp(path, &n);
    struct error err = {0};
    cr_assert_null(results_open(path, &err));
    cr_assert(strstr(err.msg, "application_id 1234"), "%s", err.msg);
    assert_unchanged(path, before, n);
    free(before);
    unlink(path);
}

Test(results, non_sqlite_files_are_refused_and_unchanged)
{
    static const char *contents[] = {
        "hello, I am a text file and not a database\n",
        "SQLite",                               /* shorter than the header */
        "SQLite format 2\0 and more bytes after the almost-header",
    };
    static const size_t sizes[] = { 44, 6, 56 };
    for (size_t i = 0; i < 3; i++) {
        char path[256];
        th_tmpname(path, sizeof path, ".db");
        FILE *f = fopen(path, "wb");
        cr_assert(f);
        fwrite(contents[i], 1, sizes[i], f);
        fclose(f);
        size_t n;
        char *before = slurp(path, &n);
        struct error err = {0};
        cr_assert_null(results_open(path, &err));
        cr_assert_str_eq(err.file, path);
        cr_assert(strstr(err.msg, "not an SQLite database"), "%s", err.msg);
        assert_unchanged(path, before, n);
        free(before);
        unlink(path);
    }
}

Test(results, directory_is_refused)
{
    char path[256];
    th_tmpname(path, sizeof path, ".d");
    cr_assert_eq(mkdir(path, 0700), 0);
    struct error err = {0};
    cr_assert_null(results_open(path, &err));
    cr_assert(strstr(err.msg, "directory"), "%s", err.msg);
    rmdir(path);
}

Test(results, empty_and_missing_files_become_databases)
{
    char a[256], b[256];
    th_tmpname(a, sizeof a, ".db");
    th_tmpname(b, sizeof b, ".db");
    FILE *f = fopen(a, "wb");
    cr_assert(f);
    fclose(f);
    struct variant v = { 0 };
    cr_assert_eq(write_file(a, &v), write_file(b, &v));
    unlink(a);
    unlink(b);
}

Test(results, newer_schema_version_is_refused_and_unchanged)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct variant v = { 0 };
    write_file(path, &v);
    sqlite3 *db = open_plain(path);
    cr_assert_eq(sqlite3_exec(db, "UPDATE schema_version SET version = version + 1", NULL, NULL,
                              NULL), SQLITE_OK);
    sqlite3_close(db);
    size_t n;
    char *before = slurp(path, &n);
    struct error err = {0};
    cr_assert_null(results_open(path, &err));
    cr_assert_str_eq(err.file, path);
    cr_assert(strstr(err.msg, "newer"), "%s", err.msg);
    char want[64];
    snprintf(want, sizeof want, "schema version %d", RESULTS_SCHEMA_VERSION + 1);
    cr_assert(strstr(err.msg, want), "%s", err.msg);
    uint64_t d;
    cr_assert_eq(results_run_digest(path, 0, &d, &err), -1);
    cr_assert(strstr(err.msg, "newer"), "%s", err.msg);
    assert_unchanged(path, before, n);
    free(before);
    unlink(path);
}

Test(results, abort_run_leaves_nothing)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    int64_t id;
    struct variant v = { 0 }, partial = { .fail_after_sessions = 1 };
    uint64_t d = write_run(r, &v, &id);
    write_run(r, &partial, &id);
    cr_assert_eq(id, 2);
    results_abort_run(r);
    results_abort_run(r);           /* a no-op the second time */
    /* Writers refuse to write outside a run. */
    cr_assert_eq(results_summary(r, "x", 1, &err), -1);
    cr_assert(strstr(err.msg, "no run is open"), "%s", err.msg);
    /* The next run takes the id the aborted one had. */
    write_run(r, &partial, &id);
    cr_assert_eq(id, 2);
    results_close(r);               /* closing with a run open rolls it back */
    for (size_t t = 0; t < NTABLES; t++)
        cr_assert_eq(count_rows(path, expected_rows[t].table, 0), expected_rows[t].rows,
                     "table %s", expected_rows[t].table);
    uint64_t again;
    cr_assert_eq(results_run_digest(path, 0, &again, &err), 0, "%s", err.msg);
    cr_assert_eq(again, d);
    unlink(path);
}

Test(results, duplicate_key_is_an_error_that_names_the_table)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    int64_t id;
    struct run_info info = { "dup", "{}", 1, "test", 1, 0, 60 };
    cr_assert_eq(results_begin_run(r, &info, &id, &err), 0, "%s", err.msg);
    cr_assert_eq(results_summary(r, "sessions.started", 1, &err), 0, "%s", err.msg);
    cr_assert_eq(results_summary(r, "sessions.started", 2, &err), -1);
    cr_assert(strstr(err.msg, "summary"), "%s", err.msg);
    cr_assert(strstr(err.msg, "UNIQUE"), "%s", err.msg);
    /* The run is still open and can still be committed or aborted. */
    cr_assert_eq(results_summary(r, "sessions.failed", 0, &err), 0, "%s", err.msg);
    struct run_end end = { 1, 2, 0 };
    uint64_t d;
    cr_assert_eq(results_end_run(r, &end, &d, &err), 0, "%s", err.msg);
    cr_assert_eq(results_end_run(r, &end, &d, &err), -1);
    results_close(r);
    cr_assert_eq(count_rows(path, "summary", 0), 2);
    unlink(path);
}

Test(results, second_begin_without_end_is_refused)
{
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    int64_t id;
    struct run_info info = { "x", "{}", 1, "test", 1, 0, 60 };
    cr_assert_eq(results_begin_run(r, &info, &id, &err), 0, "%s", err.msg);
    cr_assert_eq(results_begin_run(r, &info, &id, &err), -1);
    cr_assert(strstr(err.msg, "already open"), "%s", err.msg);
    results_close(r);
    cr_assert_eq(count_rows(path, "runs", 0), 0);
    unlink(path);
}

#define KILL_ROWS 200000

/* The child: writes a run that it never ends, then dies by SIGKILL. With
 * spill, a soft heap limit of 4 MiB forces SQLite to spill dirty pages into
 * the database file mid-transaction, so the parent meets a hot journal, the
 * case that matters; without, everything stays in the page cache and the
 * child leaves only a stale journal. Exits 3..5 on failures it can report. */
static void killed_writer(const char *path, int spill)
{
    if (spill)
        sqlite3_soft_heap_limit64(4 << 20);
    struct error err = {0};
    struct results *r = results_open(path, &err);
    if (!r)
        _exit(3);
    struct run_info info = { "doomed", "{}", 9, "test", 1, 0, 60 };
    int64_t id;
    if (results_begin_run(r, &info, &id, &err) != 0)
        _exit(4);
    for (int i = 0; i < KILL_ROWS; i++) {
        struct session_row row = {
            .id = i, .region = 0, .isp = 1, .title = i % 97, .start_s = i, .end_s = i + 60.0,
            .outcome = "completed", .watch_s = 60, .startup_s = 1, .bitrate_mean_kbps = 3000,
            .segments = 15, .bytes_embedded = 2e7,
        };
        if (results_session(r, &row, &err) != 0)
            _exit(5);
    }
    raise(SIGKILL);
    _exit(6);
}

/* Runs killed_writer in a child and checks that it died by SIGKILL. */
static void kill_a_writer(const char *path, int spill)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0)
        killed_writer(path, spill);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "the child did not die by SIGKILL (exit %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* After a killed run, the file takes the next run as run 2; returns its
 * digest. */
static uint64_t write_next_run(const char *path, const struct variant *v)
{
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    int64_t id;
    uint64_t d = write_run(r, v, &id);
    results_close(r);
    cr_assert_eq(id, 2);
    return d;
}

Test(results, run_killed_mid_write_leaves_earlier_runs_whole_and_no_trace, .timeout = 120)
{
    /* Memory statistics must stay on for the child's soft heap limit, so
     * set them before anything initialises SQLite in this process. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
    sqlite3_initialize();
    char path[256], journal[300];
    th_tmpname(path, sizeof path, ".db");
    snprintf(journal, sizeof journal, "%s-journal", path);
    struct variant v = { 0 };
    uint64_t before = write_file(path, &v);
    int64_t sessions_before = count_rows(path, "sessions", 0);
    struct stat st0, st1;
    cr_assert_eq(stat(path, &st0), 0);

    kill_a_writer(path, 1);
    /* The kill left a hot journal and a file that holds part of the run. */
    cr_assert_eq(access(journal, F_OK), 0, "no journal: the test did not reach the disk");
    cr_assert_eq(stat(path, &st1), 0);
    cr_assert_gt(st1.st_size, st0.st_size, "nothing was spilled into the file");

    /* Reading rolls the journal back: run 1 as it was, nothing of run 2. */
    uint64_t after;
    struct error err = {0};
    cr_assert_eq(results_run_digest(path, 1, &after, &err), 0, "%s", err.msg);
    cr_assert_eq(after, before);
    cr_assert_eq(results_run_digest(path, 0, &after, &err), 0, "%s", err.msg);
    cr_assert_eq(after, before, "the latest run is not run 1");
    cr_assert_neq(access(journal, F_OK), 0, "the hot journal is still there");
    cr_assert_eq(count_rows(path, "runs", 0), 1);
    cr_assert_eq(count_rows(path, "sessions", 0), sessions_before);
    cr_assert_eq(count_rows(path, "sessions", 2), 0);
    sqlite3 *db = open_plain(path);
    cr_assert_eq(query(db, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
    sqlite3_close(db);

    /* And the file takes the next run as run 2. */
    cr_assert_eq(write_next_run(path, &v), before);
    unlink(path);
}

Test(results, killed_run_is_rolled_back_by_the_next_writer_too, .timeout = 120)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
    sqlite3_initialize();
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct variant v = { 0 };
    uint64_t before = write_file(path, &v);
    kill_a_writer(path, 1);
    write_next_run(path, &v);
    cr_assert_eq(count_rows(path, "sessions", 0), 10);
    struct error err = {0};
    uint64_t d;
    cr_assert_eq(results_run_digest(path, 1, &d, &err), 0, "%s", err.msg);
    cr_assert_eq(d, before);
    unlink(path);
}

Test(results, run_killed_before_reaching_the_file_leaves_it_as_it_was, .timeout = 120)
{
    char path[256], journal[300];
    th_tmpname(path, sizeof path, ".db");
    snprintf(journal, sizeof journal, "%s-journal", path);
    struct variant v = { 0 };
    uint64_t before = write_file(path, &v);
    size_t n;
    char *bytes = slurp(path, &n);
    kill_a_writer(path, 0);
    /* Nothing reached the file; the journal left beside it is stale (its
     * header was never synced), so readers ignore it. */
    size_t n2;
    char *after = slurp(path, &n2);
    cr_assert(n2 == n && memcmp(bytes, after, n) == 0, "the killed run changed the file");
    free(after);
    free(bytes);
    uint64_t d;
    struct error err = {0};
    cr_assert_eq(results_run_digest(path, 0, &d, &err), 0, "%s", err.msg);
    cr_assert_eq(d, before);
    write_next_run(path, &v);
    cr_assert_eq(count_rows(path, "sessions", 0), 10);
    cr_assert_neq(access(journal, F_OK), 0, "the next commit left the journal behind");
    unlink(path);
}

Test(results, a_run_is_one_transaction_invisible_until_it_ends)
{
    /* Speed lives in tests/bench/bench_results.c; what a unit test can pin
     * without a clock is the cause of the classic order-of-magnitude loss:
     * rows committed one by one (one fsync each) instead of in a single
     * transaction. While the run is open, another connection sees none of
     * its rows; after it ends, all of them. */
    char path[256];
    th_tmpname(path, sizeof path, ".db");
    struct error err = {0};
    struct results *r = results_open(path, &err);
    cr_assert(r, "%s", err.msg);
    int64_t id;
    struct run_info info = { "txn", "{}", 1, "test", 1, 0, 60 };
    cr_assert_eq(results_begin_run(r, &info, &id, &err), 0, "%s", err.msg);
    const int n = 2000; /* small enough that SQLite's cache never spills */
    for (int i = 0; i < n; i++) {
        /* Near-sorted ids, as sessions arrive in order of their end. */
        int64_t sid = i ^ 7;
        struct session_row row = { .id = sid, .start_s = (double)sid, .end_s = sid + 9.0,
                                   .outcome = "completed", .watch_s = 9, .startup_s = 0.5,
                                   .bytes_embedded = 1e6 };
        cr_assert_eq(results_session(r, &row, &err), 0, "row %d: %s", i, err.msg);
    }
    cr_assert_eq(count_rows(path, "sessions", 0), 0, "rows became visible before the run ended");
    cr_assert_eq(count_rows(path, "runs", 0), 0, "the run became visible before it ended");
    struct run_end end = { 1, 1, 0 };
    uint64_t d, again;
    cr_assert_eq(results_end_run(r, &end, &d, &err), 0, "%s", err.msg);
    results_close(r);
    cr_assert_eq(count_rows(path, "sessions", 1), n);
    cr_assert_eq(results_run_digest(path, 1, &again, &err), 0, "%s", err.msg);
    cr_assert_eq(again, d);
    unlink(path);
}
