/* sim/run.h: one run of a loaded scenario, from engine to database. */
#ifndef LASTMILE_RUN_H
#define LASTMILE_RUN_H

#include <stdint.h>
#include "models/config.h"
#include "sim/error.h"

struct run_result {
    int64_t run_id;                 /* 0 when no database was written */
    uint64_t digest;                /* of the run's rows; 0 without a database */
    uint64_t events;
    uint64_t fingerprint;           /* of the popped events */
    uint64_t segments;              /* segment downloads completed */
    double wall_s;
    double cpu_s;                   /* process CPU time over the same span (benchmarks on a shared machine) */
    double bytes_per_session;       /* at the end of the run */
    uint64_t peak_live_sessions;
};

/* Runs sc. db_path NULL: no database (benchmarks). Returns 0, 1 when the
 * run failed (out of memory, a write failed, a full or read-only disk, a
 * database file that cannot be created), 2 when the database is refused
 * (not lastmile's, newer schema); err says why. */
int run_scenario(const struct scenario *sc, const char *db_path, int show_progress,
                 struct run_result *out, struct error *err);

#endif
