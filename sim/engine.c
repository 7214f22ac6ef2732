/* sim/engine.c: the event loop, handler table and run fingerprint. */
#include "sim/engine.h"

#include <assert.h>
#include <string.h>

static void near_event(void *ctx, const struct event *ev)
{
    struct engine *e = ctx;
    if (e->prefetch[ev->kind])
        e->prefetch[ev->kind](e->handler_ctx[ev->kind], ev);
}

int engine_init(struct engine *e, simtime end, size_t capacity_hint)
{
    memset(e, 0, sizeof *e);
    e->end = end;
    e->fingerprint = UINT64_C(0xcbf29ce484222325);
    e->queue = queue_create(capacity_hint);
    if (!e->queue)
        return -1;
    queue_on_near(e->queue, near_event, e);
    return 0;
}

void engine_destroy(struct engine *e)
{
    queue_destroy(e->queue);
    e->queue = NULL;
}

void engine_on(struct engine *e, uint32_t kind, engine_handler fn, void *ctx)
{
    assert(kind < ENGINE_MAX_KINDS);
    e->handler[kind] = fn;
    e->handler_ctx[kind] = ctx;
}

void engine_prefetch_on(struct engine *e, uint32_t kind, engine_handler fn)
{
    assert(kind < ENGINE_MAX_KINDS);
    e->prefetch[kind] = fn;
}

void engine_at(struct engine *e, simtime t, uint32_t kind, uint32_t entity, uint64_t payload)
{
    assert(t >= e->now);
    if (t >= e->end)
        return;
    if (queue_push(e->queue, t, kind, entity, payload) != 0)
        e->failed = 1;
}

/* A strong 64-bit mix (the splitmix64 finaliser) so that nearby events give
 * unrelated fingerprints. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

/* Never inlined, even by link-time optimisation: profiles collect exactly
 * the event loop with valgrind's --toggle-collect=engine_run_until
 * (analysis/PERFORMANCE.md): no clone under another name either. One
 * call per run costs nothing. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, noclone))
#else
__attribute__((noinline))
#endif
int engine_run_until(struct engine *e, simtime until, engine_progress progress,
                     void *progress_ctx)
{
    if (until > e->end)
        until = e->end;
    struct event ev;
    while (!e->failed && queue_pop_before(e->queue, until, &ev)) {
        e->now = ev.time;
        e->events++;
        e->fingerprint = mix64(e->fingerprint ^ (uint64_t)ev.time) ^
                         ((uint64_t)ev.kind << 32 | ev.entity);
        e->handler[ev.kind](e->handler_ctx[ev.kind], &ev);
        if (progress && (e->events & 0xffff) == 0 &&
            progress(progress_ctx, e->now, e->events))
            return -1;
    }
    if (e->failed)
        return -1;
    if (until > e->now)
        e->now = until;
    return 0;
}

int engine_run(struct engine *e, engine_progress progress, void *progress_ctx)
{
    return engine_run_until(e, e->end, progress, progress_ctx);
}
