/* sim/engine.h: the event loop.
 *
 * Handlers are looked up by event kind in a table the models fill; the
 * engine knows nothing of what an event means. It keeps the clock, counts
 * events, and folds every popped event's (time, kind, entity) into a 64-bit
 * fingerprint: two runs that diverge differ in it from the first differing
 * event on, so a bisection by event count finds the divergence cheaply. */
#ifndef LASTMILE_ENGINE_H
#define LASTMILE_ENGINE_H

#include <stdint.h>
#include "sim/queue.h"
#include "sim/simtime.h"

#define ENGINE_MAX_KINDS 32

struct engine;
typedef void (*engine_handler)(void *ctx, const struct event *ev);
/* Called about every 2^16 events with the clock; may stop the run by
 * returning nonzero. */
typedef int (*engine_progress)(void *ctx, simtime now, uint64_t events);

struct engine {
    struct queue *queue;
    simtime now;
    simtime end;                    /* the run's horizon: events at or after it never run */
    uint64_t events;
    uint64_t fingerprint;
    int failed;                     /* set by a handler when memory runs out */
    engine_handler handler[ENGINE_MAX_KINDS];
    engine_handler prefetch[ENGINE_MAX_KINDS];
    void *handler_ctx[ENGINE_MAX_KINDS];
};

int engine_init(struct engine *e, simtime end, size_t capacity_hint);
void engine_destroy(struct engine *e);
void engine_on(struct engine *e, uint32_t kind, engine_handler fn, void *ctx);
/* A hint for events of kind, called with the handler's ctx shortly before
 * they run (see queue_on_near): it may only prefetch, never change state,
 * so a run is the same with or without it. */
void engine_prefetch_on(struct engine *e, uint32_t kind, engine_handler fn);
/* Schedules an event; times before now are a bug (asserted). An event at
 * or after the end is dropped, since it would never run. */
void engine_at(struct engine *e, simtime t, uint32_t kind, uint32_t entity, uint64_t payload);
/* Runs every event before `until` (at most the end); returns 0, or -1
 * when a handler reported failure or progress asked to stop. The clock is
 * left at `until`, so a run can be stepped (tests sample state this way). */
int engine_run_until(struct engine *e, simtime until, engine_progress progress,
                     void *progress_ctx);
/* engine_run_until the end. */
int engine_run(struct engine *e, engine_progress progress, void *progress_ctx);

#endif
