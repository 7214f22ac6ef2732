/* sim/run.c: one run: open the database, build the world, run the engine,
 * close the world and commit the run whole. Any failure rolls the run back,
 * so the database never holds part of a run. */
#include "sim/run.h"

#include <string.h>
#include <time.h>

#include "models/world.h"
#include "sim/engine.h"
#include "sim/progress.h"
#include "sim/results.h"
#include "sim/version.h"

int run_scenario(const struct scenario *sc, const char *db_path, int show_progress,
                 struct run_result *out, struct error *err)
{
    memset(out, 0, sizeof *out);
    struct results *db = NULL;
    if (db_path) {
        db = results_open(db_path, err);
        if (!db)
            return error_exit_code(err);
        struct run_info info = {
            .name = sc->name, .scenario_json = sc->resolved_json, .seed = sc->seed,
            .version = LASTMILE_VERSION, .sample = sc->sample,
            .start_unix = (double)sc->start_unix, .duration_s = simtime_to_s(sc->duration),
        };
        if (results_begin_run(db, &info, &out->run_id, err) != 0) {
            results_close(db);
            return 1;
        }
    }
    struct engine e;
    struct progress prog;
    int rc = 1;
    if (engine_init(&e, sc->duration, 1 << 16) != 0) {
        error_set(err, "out of memory creating the event queue");
        goto fail_db;
    }
    struct world *w = world_create(sc, &e, db, err);
    if (!w)
        goto fail_engine;
    progress_init(&prog, show_progress, sc->duration, sc->start_unix);
    struct timespec cpu0, cpu1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
    if (engine_run(&e, progress_update, &prog) != 0) {
        if (!w->write_failed)
            error_set(err, "the run stopped: out of memory");
        goto fail_world;
    }
    out->bytes_per_session = world_bytes_per_session(w);
    if (w->nsessions_live > 0)
        out->bytes_per_session += (double)queue_bytes(e.queue) / w->nsessions_live;
    out->peak_live_sessions = w->nsessions_live;
    if (world_finish(w) != 0)
        goto fail_world;
    out->events = e.events;
    out->fingerprint = e.fingerprint;
    out->segments = w->m.segments;
    out->wall_s = progress_elapsed(&prog);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
    out->cpu_s = (double)(cpu1.tv_sec - cpu0.tv_sec) + (cpu1.tv_nsec - cpu0.tv_nsec) / 1e9;
    progress_done(&prog, e.events);
    if (db) {
        struct run_end end = { e.events, e.fingerprint, out->wall_s };
        if (results_end_run(db, &end, &out->digest, err) != 0)
            goto fail_world;
    }
    rc = 0;
fail_world:
    world_destroy(w);
fail_engine:
    engine_destroy(&e);
fail_db:
    if (db) {
        if (rc != 0)
            results_abort_run(db);
        results_close(db);
    }
    return rc;
}
