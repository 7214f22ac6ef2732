/* tests/test_views.c: analysis/views.sql on a small real database, and the
 * region_ts clocks (schema 6) the rebuffer plot reads.
 *
 * Every view of the file is listed here and must return rows on a run
 * with a fault and a live event; the file must load on a read-only
 * connection (its views are TEMP: the database is never changed); a few
 * views must agree with the run's own summary (shares that sum to one,
 * the rebuffer ratio, offload). */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/db_fixture.h"

static const char *const VIEWS[] = {
    "offload_by_hour", "worst_isps_by_rebuffer", "busiest_ocas", "link_peaks",
    "peak_by_region", "qoe_by_device", "runs_summary", "fault_impact",
};
#define NVIEWS (sizeof VIEWS / sizeof VIEWS[0])

static sqlite3 *open_with_views(const char *db_path)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char path[512];
    FILE *f = fopen(th_path(path, sizeof path, "analysis/views.sql"), "rb");
    cr_assert(f, "no %s", path);
    static char sql[1 << 16];
    size_t n = fread(sql, 1, sizeof sql - 1, f);
    fclose(f);
    sql[n] = '\0';
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "views.sql: %s", msg);
    return db;
}

static double scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s", sql);
    double v = sqlite3_column_type(s, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

Test(views, every_view_runs_and_has_rows_on_a_small_run)
{
    char path[256], sql[256];
    fixture_db(path, sizeof path, 1);
    sqlite3 *db = open_with_views(path);
    for (size_t i = 0; i < NVIEWS; i++) {
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE run_id = 1", VIEWS[i]);
        cr_assert_gt(scalar(db, sql), 0, "view %s has no rows", VIEWS[i]);
    }
    /* The list above is the whole file: a new view needs a line here. */
    cr_assert_eq(scalar(db, "SELECT COUNT(*) FROM sqlite_temp_master WHERE type = 'view'"),
                 (double)NVIEWS);
    cr_assert_eq(scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'view'"), 0,
                 "views.sql must not write views into the file");
    sqlite3_close(db);
}

Test(views, offload_shares_sum_to_one_and_match_the_summary)
{
    char path[256];
    fixture_db(path, sizeof path, 1);
    sqlite3 *db = open_with_views(path);
    double worst = scalar(db, "SELECT MAX(ABS(embedded + ix + origin + cdn - 1)) FROM offload_by_hour"
                              " WHERE viewing_gb > 0");
    cr_assert_lt(worst, 1e-9);
    double ix = scalar(db, "SELECT SUM(ix * viewing_gb) / SUM(viewing_gb) FROM offload_by_hour");
    double want = scalar(db, "SELECT value FROM summary WHERE metric = 'offload.ix'");
    cr_assert_gt(want, 0, "the fault should push bytes to the IX");
    cr_assert_lt(fabs(ix - want), 1e-9 * (1 + want), "%g vs %g", ix, want);
    cr_assert_eq(scalar(db, "SELECT offload_ix FROM runs_summary"), want);
    sqlite3_close(db);
}

Test(views, isp_rebuffer_ratio_matches_the_summary)
{
    char path[256];
    fixture_db(path, sizeof path, 1);
    sqlite3 *db = open_with_views(path);
    /* One ISP: its sessions' ratio is the run's (session time = startup +
     * played + stalled, so only rounding of the float columns differs). */
    double isp = scalar(db, "SELECT rebuffer_ratio FROM worst_isps_by_rebuffer");
    double want = scalar(db, "SELECT value FROM summary WHERE metric = 'qoe.rebuffer_ratio'");
    cr_assert_gt(want, 0);
    cr_assert_lt(fabs(isp - want), 0.01 * want, "%g vs %g", isp, want);
    sqlite3_close(db);
}

Test(views, busiest_ocas_come_first)
{
    char path[256];
    fixture_db(path, sizeof path, 1);
    sqlite3 *db = open_with_views(path);
    double first = scalar(db, "SELECT peak_utilization FROM busiest_ocas LIMIT 1");
    cr_assert_eq(first, scalar(db, "SELECT MAX(utilization) FROM oca_ts"));
    sqlite3_close(db);
}

/* region_ts.stall_s and played_s split the run's stall and playback into
 * periods without losing any: summed, they give qoe.rebuffer_ratio. */
Test(views, region_clocks_sum_to_the_rebuffer_ratio)
{
    char path[256];
    fixture_db(path, sizeof path, 1);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    double sum = scalar(db, "SELECT SUM(stall_s) / (SUM(stall_s) + SUM(played_s)) FROM region_ts");
    double want = scalar(db, "SELECT value FROM summary WHERE metric = 'qoe.rebuffer_ratio'");
    cr_assert_gt(want, 0);
    cr_assert_lt(fabs(sum - want), 1e-9 * want, "%.17g vs %.17g", sum, want);
    /* Played time per period is at most the sessions present in it. */
    cr_assert_lt(scalar(db, "SELECT MAX(played_s + stall_s - concurrent * 60) FROM region_ts"
                            " WHERE t_s < 3540"), 1e-6);
    cr_assert_eq(scalar(db, "SELECT MIN(stall_s) >= 0 AND MIN(played_s) >= 0 FROM region_ts"), 1);
    sqlite3_close(db);
}
