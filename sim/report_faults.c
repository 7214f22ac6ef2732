/* sim/report_faults.c: the per-fault impact table of `lastmile report`
 * (text format), read from the faults table of issue #6. */
#include "sim/report_faults.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_real(char *buf, size_t n, sqlite3_stmt *s, int c, double scale, const char *fmt)
{
    if (sqlite3_column_type(s, c) == SQLITE_NULL)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, fmt, sqlite3_column_double(s, c) * scale);
}

char *report_faults_text(struct sqlite3 *db, int64_t run_id)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT kind, target, start_s, end_s, seen_s, sessions_affected,"
                           " failovers, sessions_failed, rebuffer_added_s, bytes_moved FROM faults"
                           " WHERE run_id = ?1 ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return NULL;                /* a file without the table: nothing to show */
    sqlite3_bind_int64(s, 1, run_id);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out) {
        sqlite3_finalize(s);
        return NULL;
    }
    int rows = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (rows++ == 0)
            fprintf(out, "\n%-18s %-18s %8s %8s %8s %9s %9s %7s %10s %10s\n", "fault", "target",
                    "start_s", "end_s", "seen_s", "sessions", "failovers", "failed",
                    "rebuf_s", "moved_GB");
        char seen[32], rebuf[32], moved[32];
        put_real(seen, sizeof seen, s, 4, 1, "%.0f");
        put_real(rebuf, sizeof rebuf, s, 8, 1, "%.1f");
        put_real(moved, sizeof moved, s, 9, 1e-9, "%.1f");
        fprintf(out, "%-18s %-18s %8.0f %8.0f %8s %9lld %9lld %7lld %10s %10s\n",
                (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
                sqlite3_column_double(s, 2), sqlite3_column_double(s, 3), seen,
                (long long)sqlite3_column_int64(s, 5), (long long)sqlite3_column_int64(s, 6),
                (long long)sqlite3_column_int64(s, 7), rebuf, moved);
    }
    sqlite3_finalize(s);
    fclose(out);
    if (rows == 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
