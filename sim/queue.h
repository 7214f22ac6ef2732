/* sim/queue.h: the pending-event set.
 *
 * Events are fixed-size records ordered by (time, seq); seq is assigned at
 * insertion, so events at equal times pop in insertion order and runs are
 * reproducible. No allocation per event: records live in arrays that grow
 * geometrically. */
#ifndef LASTMILE_QUEUE_H
#define LASTMILE_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "sim/simtime.h"

struct event {
    simtime time;
    uint64_t seq;       /* insertion order, assigned by queue_push */
    uint32_t kind;      /* handler index */
    uint32_t entity;    /* e.g. a session, ISP or OCA index */
    uint64_t payload;   /* one word for the handler */
};

struct queue;

/* The largest 256 us window of events (a level-1 bucket) that the queue
 * sorts into an array instead of filing each event in a slot (sim/queue.c,
 * "Level 0's run"). Public so that tests can straddle it; overridable to
 * measure. */
#ifndef QUEUE_RUN_MAX
#define QUEUE_RUN_MAX 1024
#endif

/* Returns NULL on allocation failure. capacity_hint may be 0. */
struct queue *queue_create(size_t capacity_hint);
void queue_destroy(struct queue *q);
/* Pushes an event; time must be >= the time of the last popped event.
 * Returns 0, or -1 when memory runs out. */
int queue_push(struct queue *q, simtime time, uint32_t kind, uint32_t entity,
               uint64_t payload);
/* Pops the earliest event into *out; false when empty. */
bool queue_pop(struct queue *q, struct event *out);
/* The same when that event's time is before until; false, with the queue
 * as it was, otherwise. One pass where queue_peek_time and queue_pop take
 * two. */
bool queue_pop_before(struct queue *q, simtime until, struct event *out);
size_t queue_size(const struct queue *q);
/* fn sees each event as it comes within 256 us of the next pop (when a
 * cascade files it on the lowest level), some tens to hundreds of events
 * before it pops: the moment to prefetch the state its handler will read,
 * so that the cache misses of many events overlap instead of queueing one
 * behind the other. fn must not touch the queue. NULL turns it off. */
typedef void (*queue_visit)(void *ctx, const struct event *ev);
void queue_on_near(struct queue *q, queue_visit fn, void *ctx);
/* Time of the earliest pending event, SIM_TIME_MAX when empty. */
simtime queue_peek_time(struct queue *q);
/* Bytes the queue holds now, for the memory budget. */
size_t queue_bytes(const struct queue *q);

#endif
