/* tests/world_run.h: a world built from scenario text and stepped by hand.
 *
 * Tests that check what the world does at given instants (faults,
 * steering, access models, latency, abandonment) load a small scenario
 * from text, run the engine to an instant, look at the world, and go on.
 * Each test file keeps its own scenario template; this holds the load,
 * step and teardown they share. Uses Criterion's asserts: tests only. */
#ifndef LASTMILE_TEST_WORLD_RUN_H
#define LASTMILE_TEST_WORLD_RUN_H

#include <criterion/criterion.h>

#include "models/world.h"
#include "sim/engine.h"
#include "sim/scenario.h"

struct world_run {
    struct scenario sc;
    struct engine e;
    struct world *w;
};

/* Loads text (reported as file name in errors) and builds its world at t = 0. */
static inline void wr_start(struct world_run *r, const char *name, const char *text)
{
    struct error err = {0};
    int rc = scenario_load_text(name, text, NULL, 0, &r->sc, &err);
    cr_assert_eq(rc, 0, "%s: %s", err.path, err.msg);
    cr_assert_eq(engine_init(&r->e, r->sc.duration, 1024), 0);
    r->w = world_create(&r->sc, &r->e, NULL, &err);
    cr_assert_not_null(r->w, "%s", err.msg);
}

static inline void wr_step(struct world_run *r, simtime until)
{
    cr_assert_eq(engine_run_until(&r->e, until, NULL, NULL), 0);
}

static inline void wr_run_to_end(struct world_run *r)
{
    cr_assert_eq(engine_run(&r->e, NULL, NULL), 0);
}

static inline void wr_stop(struct world_run *r)
{
    world_destroy(r->w);
    engine_destroy(&r->e);
    scenario_free(&r->sc);
}

#define S(x) ((simtime)(x) * SIM_US_PER_S)

#endif
