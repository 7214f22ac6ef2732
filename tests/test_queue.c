/* tests/test_queue.c: the pending-event set pops in (time, seq) order.
 *
 * The queue (sim/queue.c) keeps events in FIFO buckets on base-256 digit
 * levels and moves them down as the clock reaches them, so the cases that
 * could break are: ties that arrive at different levels (pushed from far
 * away, then from close by), pushes at the current instant from inside a
 * handler, pushes after a peek that looked further ahead, times at the
 * extremes of int64 and crossing digit boundaries, and growth. Each test
 * checks one of them; one test drives 10^5 random operations against a
 * sort-based reference. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "sim/queue.h"
#include "sim/rng.h"

/* Pops everything and checks (time, seq) order.
 * Returns the number popped. */
static size_t drain_checked(struct queue *q)
{
    struct event ev;
    simtime last = INT64_MIN;
    uint64_t last_seq = 0;
    size_t n = 0;
    while (queue_pop(q, &ev)) {
        if (n > 0) {
            cr_assert(ev.time > last || (ev.time == last && ev.seq > last_seq),
                      "event %zu: (%lld, %llu) after (%lld, %llu)", n, (long long)ev.time,
                      (unsigned long long)ev.seq, (long long)last, (unsigned long long)last_seq);
        }
        last = ev.time;
        last_seq = ev.seq;
        n++;
    }
    return n;
}

Test(queue, pops_in_time_order)
{
    struct queue *q = queue_create(0);
    cr_assert_not_null(q);
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 1);
    for (uint32_t i = 0; i < 20000; i++)
        cr_assert_eq(queue_push(q, (simtime)gsl_rng_uniform_int(r, 4000000000UL), 1, i, i), 0);
    cr_assert_eq(drain_checked(q), 20000);
    rng_stream_destroy(r);
    queue_destroy(q);
}

Test(queue, fields_survive_the_trip)
{
    struct queue *q = queue_create(4);
    cr_assert_eq(queue_push(q, 5 * SIM_US_PER_H, 7, 123456, UINT64_C(0xdeadbeefcafef00d)), 0);
    cr_assert_eq(queue_push(q, 3, 2, 9, 1), 0);
    struct event ev;
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(ev.time, 3);
    cr_assert_eq(ev.kind, 2);
    cr_assert_eq(ev.entity, 9);
    cr_assert_eq(ev.payload, 1);
    cr_assert_eq(ev.seq, 1);
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(ev.time, 5 * SIM_US_PER_H);
    cr_assert_eq(ev.kind, 7);
    cr_assert_eq(ev.entity, 123456);
    cr_assert_eq(ev.payload, UINT64_C(0xdeadbeefcafef00d));
    cr_assert_eq(ev.seq, 0);
    cr_assert_not(queue_pop(q, &ev));
    queue_destroy(q);
}

/* 100 000 events at one instant, interleaved with events before and after
 * it and at far times, pop in insertion order. */
Test(queue, ties_pop_in_insertion_order)
{
    struct queue *q = queue_create(0);
    const simtime T = 7 * SIM_US_PER_S + 12345;
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 2);
    uint32_t nties = 0;
    for (uint32_t i = 0; i < 300000; i++) {
        if (i % 3 == 0) {
            cr_assert_eq(queue_push(q, T, 1, nties++, 0), 0);
        } else {
            simtime t = (simtime)gsl_rng_uniform_int(r, 2 * (unsigned long)T);
            if (i % 7 == 0)
                t += 3 * SIM_US_PER_H;
            cr_assert_eq(queue_push(q, t, 2, i, 0), 0);
        }
    }
    cr_assert_eq(nties, 100000);
    struct event ev;
    simtime last = INT64_MIN;
    uint32_t next_tie = 0;
    size_t n = 0;
    while (queue_pop(q, &ev)) {
        cr_assert_geq(ev.time, last);
        last = ev.time;
        if (ev.kind == 1) {
            cr_assert_eq(ev.time, T);
            cr_assert_eq(ev.entity, next_tie, "tie %u popped as %u", next_tie, ev.entity);
            next_tie++;
        }
        n++;
    }
    cr_assert_eq(next_tie, nties);
    cr_assert_eq(n, 300000);
    rng_stream_destroy(r);
    queue_destroy(q);
}

/* Events at one instant pushed while the clock is far away (they sit on a
 * high level) and again when it is close (a low level) keep their order. */
Test(queue, ties_pushed_from_every_distance)
{
    struct queue *q = queue_create(0);
    const simtime T = 10 * SIM_US_PER_H + 777;
    /* Steps of the clock, each further than a base-256 digit from T. */
    static const simtime steps[] = { 0, 1, 300, 70000, 20000000, 5000000000LL,
                                     T - 70000, T - 300, T - 1 };
    uint32_t id = 0;
    struct event ev;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        cr_assert_eq(queue_push(q, steps[i], 0, 0, 0), 0);
        for (int k = 0; k < 40; k++)
            cr_assert_eq(queue_push(q, T, 1, id++, 0), 0);
        cr_assert(queue_pop(q, &ev));
        cr_assert_eq(ev.kind, 0);
        cr_assert_eq(ev.time, steps[i]);
    }
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(ev.time, T);
    /* and from the instant itself, while it is being popped */
    for (int k = 0; k < 40; k++)
        cr_assert_eq(queue_push(q, T, 1, id++, 0), 0);
    uint32_t next = 1;
    while (queue_pop(q, &ev)) {
        cr_assert_eq(ev.time, T);
        cr_assert_eq(ev.entity, next++);
    }
    cr_assert_eq(next, id);
    queue_destroy(q);
}

/* A handler pushing at the current instant: the new event pops after
 * every event inserted earlier at that instant, before any later instant. */
Test(queue, push_at_current_time_while_popping)
{
    struct queue *q = queue_create(0);
    const simtime T = SIM_US_PER_S;
    for (uint32_t i = 0; i < 1000; i++)
        cr_assert_eq(queue_push(q, T, 0, i, 0), 0);
    cr_assert_eq(queue_push(q, T + 1, 2, 0, 0), 0);
    struct event ev;
    uint32_t popped = 0, next_child = 0;
    /* each original event at T spawns a child at T; children spawn none */
    while (queue_pop(q, &ev) && ev.time == T) {
        if (ev.kind == 0) {
            cr_assert_eq(ev.entity, popped, "original %u out of order", popped);
            cr_assert_eq(queue_push(q, T, 1, popped, 0), 0);
            popped++;
        } else {
            cr_assert_eq(popped, 1000, "a child popped before the originals");
            cr_assert_eq(ev.entity, next_child++);
        }
    }
    cr_assert_eq(popped, 1000);
    cr_assert_eq(next_child, 1000);
    cr_assert_eq(ev.time, T + 1);
    cr_assert_eq(ev.kind, 2);
    cr_assert_eq(queue_size(q), 0);
    queue_destroy(q);
}

/* The clock reached a lone far event (popped without descending levels),
 * then a handler pushes at that instant and just after it. */
Test(queue, push_at_current_time_after_a_jump)
{
    struct queue *q = queue_create(0);
    const simtime far = 3 * SIM_US_PER_H + 5;
    cr_assert_eq(queue_push(q, far, 0, 0, 0), 0);
    cr_assert_eq(queue_push(q, far + SIM_US_PER_H, 0, 9, 0), 0);
    struct event ev;
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(ev.time, far);
    cr_assert_eq(queue_push(q, far + 256, 0, 3, 0), 0);
    cr_assert_eq(queue_push(q, far, 0, 1, 0), 0);
    cr_assert_eq(queue_push(q, far + 1, 0, 2, 0), 0);
    cr_assert_eq(queue_peek_time(q), far);
    for (uint32_t want = 1; want <= 3; want++) {
        cr_assert(queue_pop(q, &ev));
        cr_assert_eq(ev.entity, want);
    }
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(ev.entity, 9);
    queue_destroy(q);
}

/* After a peek (or a queue_pop_before that declined, as the engine's loop
 * does at its bound) a push may land before the time seen (but not before
 * the last popped one) and must pop first. */
Test(queue, push_after_peek_before_peeked_time)
{
    struct queue *q = queue_create(0);
    cr_assert_eq(queue_push(q, 10, 0, 0, 0), 0);
    cr_assert_eq(queue_push(q, 5000000, 0, 1, 0), 0);
    struct event ev;
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(queue_peek_time(q), 5000000);
    cr_assert_eq(queue_push(q, 11, 0, 2, 0), 0);
    cr_assert_eq(queue_peek_time(q), 11);
    cr_assert_eq(queue_push(q, 10, 0, 3, 0), 0);
    cr_assert_eq(queue_peek_time(q), 10);
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(ev.entity, 3);
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(ev.entity, 2);
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(ev.entity, 1);
    queue_destroy(q);
}

Test(queue, push_before_last_popped_is_refused)
{
    struct queue *q = queue_create(0);
    cr_assert_eq(queue_push(q, 100, 0, 0, 0), 0);
    cr_assert_eq(queue_push(q, 200, 0, 1, 0), 0);
    struct event ev;
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(queue_push(q, 99, 0, 2, 0), -1);
    cr_assert_eq(queue_size(q), 1);
    cr_assert_eq(queue_push(q, 100, 0, 3, 0), 0);
    cr_assert(queue_pop(q, &ev));
    cr_assert_eq(ev.entity, 3);
    queue_destroy(q);
}

Test(queue, extreme_and_negative_times)
{
    struct queue *q = queue_create(0);
    static const simtime t[] = { SIM_TIME_MAX, 0, -1, INT64_MIN, 1, SIM_TIME_MAX - 1,
                                 INT64_MIN + 1, 255, 256, -256, 65535, 65536, -65536 };
    size_t n = sizeof t / sizeof t[0];
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(queue_push(q, t[i], 0, (uint32_t)i, 0), 0);
    static const simtime want[] = { INT64_MIN, INT64_MIN + 1, -65536, -256, -1, 0, 1, 255,
                                    256, 65535, 65536, SIM_TIME_MAX - 1, SIM_TIME_MAX };
    struct event ev;
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(queue_peek_time(q), want[i]);
        cr_assert(queue_pop(q, &ev));
        cr_assert_eq(ev.time, want[i]);
    }
    cr_assert_eq(queue_peek_time(q), SIM_TIME_MAX);
    queue_destroy(q);
}

Test(queue, size_and_peek)
{
    struct queue *q = queue_create(0);
    struct event ev;
    cr_assert_eq(queue_size(q), 0);
    cr_assert_eq(queue_peek_time(q), SIM_TIME_MAX);
    cr_assert_not(queue_pop(q, &ev));
    cr_assert_gt(queue_bytes(q), 0);
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 3);
    simtime min = SIM_TIME_MAX;
    for (uint32_t i = 0; i < 5000; i++) {
        simtime t = (simtime)gsl_rng_uniform_int(r, 100000000UL);
        if (t < min)
            min = t;
        cr_assert_eq(queue_push(q, t, 0, i, 0), 0);
        cr_assert_eq(queue_size(q), i + 1);
        cr_assert_eq(queue_peek_time(q), min);
    }
    for (size_t left = 5000; left > 0; left--) {
        simtime p = queue_peek_time(q);
        cr_assert_eq(queue_peek_time(q), p, "peek changed the queue");
        cr_assert(queue_pop(q, &ev));
        cr_assert_eq(ev.time, p);
        cr_assert_eq(queue_size(q), left - 1);
    }
    cr_assert_eq(queue_peek_time(q), SIM_TIME_MAX);
    cr_assert_not(queue_pop(q, &ev));
    /* usable again after emptying */
    cr_assert_eq(queue_push(q, ev.time, 0, 0, 0), 0);
    cr_assert_eq(queue_peek_time(q), ev.time);
    rng_stream_destroy(r);
    queue_destroy(q);
}

/* Reference: the pending set as a plain array, sorted by (time, seq)
 * descending whenever pops follow pushes; pops take the last element. */
struct ref_ev {
    simtime time;
    uint64_t seq;
};

static int ref_cmp_desc(const void *a, const void *b)
{
    const struct ref_ev *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? 1 : -1;
    return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* A push time after `now`: ties at now, sub-digit, milliseconds, seconds,
 * hours, and a few shared instants that collect ties at every level. */
static simtime random_time(gsl_rng *r, simtime now)
{
    static const simtime shared[] = { 1000000, 1000256, 2000000, 7200000000LL, 7200000001LL };
    switch (gsl_rng_uniform_int(r, 8)) {
    case 0: return now;
    case 1: return now + (simtime)gsl_rng_uniform_int(r, 300);
    case 2: return now + (simtime)gsl_rng_uniform_int(r, 100000);
    case 3: return now + (simtime)gsl_rng_uniform_int(r, 10000000);
    case 4: return now + (simtime)(gsl_rng_uniform(r) * 5.0 * SIM_US_PER_H);
    case 5: {
        simtime t = shared[gsl_rng_uniform_int(r, sizeof shared / sizeof shared[0])];
        return t >= now ? t : now;
    }
    default: return now + (simtime)gsl_rng_uniform_int(r, 2000000);
    }
}

Test(queue, random_operations_match_sorted_reference)
{
    struct queue *q = queue_create(0);
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 4);
    size_t cap = 200000, n = 0;
    struct ref_ev *ref = malloc(cap * sizeof *ref);
    cr_assert_not_null(ref);
    uint64_t seq = 0;
    simtime now = 0;
    size_t ops = 0, pops = 0;
    while (ops < 100000) {
        /* a batch of pushes, then a batch of pops; batches of 1 interleave */
        size_t npush = 1 + gsl_rng_uniform_int(r, ops < 50000 ? 120 : 80);
        for (size_t i = 0; i < npush && ops < 100000; i++, ops++) {
            simtime t = random_time(r, now);
            cr_assert_eq(queue_push(q, t, 0, 0, seq), 0);
            ref[n].time = t;
            ref[n].seq = seq++;
            n++;
        }
        qsort(ref, n, sizeof *ref, ref_cmp_desc);
        size_t npop = 1 + gsl_rng_uniform_int(r, 100);
        for (size_t i = 0; i < npop && ops < 100000; i++, ops++) {
            struct event ev;
            if (n == 0) {
                cr_assert_not(queue_pop(q, &ev));
                cr_assert_eq(queue_peek_time(q), SIM_TIME_MAX);
                continue;
            }
            cr_assert_eq(queue_peek_time(q), ref[n - 1].time);
            cr_assert(queue_pop(q, &ev));
            n--;
            cr_assert_eq(ev.time, ref[n].time, "pop %zu: time %lld, want %lld", pops,
                         (long long)ev.time, (long long)ref[n].time);
            cr_assert_eq(ev.seq, ref[n].seq, "pop %zu: seq %llu, want %llu", pops,
                         (unsigned long long)ev.seq, (unsigned long long)ref[n].seq);
            cr_assert_eq(ev.payload, ref[n].seq);
            now = ev.time;
            pops++;
        }
        cr_assert_eq(queue_size(q), n);
    }
    cr_assert_gt(pops, 30000);
    /* and the rest drains in order */
    struct event ev;
    while (n > 0) {
        cr_assert(queue_pop(q, &ev));
        n--;
        cr_assert_eq(ev.seq, ref[n].seq);
    }
    cr_assert_not(queue_pop(q, &ev));
    free(ref);
    rng_stream_destroy(r);
    queue_destroy(q);
}

Test(queue, grows_to_a_million_events)
{
    struct queue *q = queue_create(0);
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 5);
    size_t small = queue_bytes(q);
    for (uint32_t i = 0; i < 1000000; i++) {
        simtime t = (simtime)(gsl_rng_uniform(r) * 10.0 * SIM_US_PER_S);
        cr_assert_eq(queue_push(q, i % 10 == 0 ? SIM_US_PER_S : t, 0, i, 0), 0);
    }
    cr_assert_eq(queue_size(q), 1000000);
    size_t bytes = queue_bytes(q);
    cr_assert_gt(bytes, small);
    /* 32-byte records plus chunk headers and growth slack */
    cr_assert_lt(bytes / queue_size(q), 64, "%zu bytes per event", bytes / queue_size(q));
    cr_assert_eq(drain_checked(q), 1000000);
    cr_assert_eq(queue_size(q), 0);
    rng_stream_destroy(r);
    queue_destroy(q);
}

/* A queue created with a hint holds that many events without growing. */
Test(queue, capacity_hint_preallocates)
{
    struct queue *q = queue_create(100000);
    size_t bytes = queue_bytes(q);
    cr_assert_geq(bytes, 100000 * sizeof(struct event));
    for (uint32_t i = 0; i < 100000; i++)
        cr_assert_eq(queue_push(q, (simtime)(i * 7919 % 100003), 0, i, 0), 0);
    cr_assert_eq(queue_bytes(q), bytes);
    cr_assert_eq(drain_checked(q), 100000);
    queue_destroy(q);
}

Test(queue, destroy_accepts_null)
{
    queue_destroy(NULL);
}

/* The near hook: each event it is shown pops later, never twice; the
 * events shown together (by one cascade) all lie in one aligned 256 us
 * window, the one the next pops come from. */
struct near_log {
    char *shown;            /* per entity */
    int fresh;              /* no event shown since the last pop */
    simtime window;         /* time >> 8 of the events of the current batch */
    size_t nshown;
};

static void near_seen(void *ctx, const struct event *ev)
{
    struct near_log *log = ctx;
    cr_assert(!log->shown[ev->entity], "event %u shown twice", ev->entity);
    if (log->fresh) {
        log->window = ev->time >> 8;
        log->fresh = 0;
    }
    cr_assert_eq(ev->time >> 8, log->window, "one batch spans two windows");
    log->shown[ev->entity] = 1;
    log->nshown++;
}

Test(queue, near_hook_sees_events_shortly_before_they_pop)
{
    enum { N = 50000 };
    struct queue *q = queue_create(0);
    cr_assert_not_null(q);
    static char shown[N];
    struct near_log log = { shown, 1, 0, 0 };
    queue_on_near(q, near_seen, &log);
    gsl_rng *r = rng_stream_create(9, RNG_TEST, 9);
    for (uint32_t i = 0; i < N; i++)
        cr_assert_eq(queue_push(q, (simtime)gsl_rng_uniform_int(r, 10000000UL), 1, i, 0), 0);
    struct event ev;
    size_t popped = 0;
    while (queue_pop(q, &ev)) {
        if (shown[ev.entity])
            cr_assert_eq(ev.time >> 8, log.window, "event %u popped outside its batch's window",
                         ev.entity);
        log.fresh = 1;
        popped++;
    }
    cr_assert_eq(popped, N);
    /* 5 events per 1000 us: nearly all come down in a cascade; only lone
     * minima pop without one. */
    cr_assert_gt(log.nshown, N / 2, "only %zu of %d events shown", log.nshown, N);
    rng_stream_destroy(r);
    queue_destroy(q);
}

/* queue_pop_before pops exactly the events before its bound, in order, and
 * one it refuses leaves the queue as it was: a push between the last pop
 * and the refused event (on a higher level, so a pop would have cascaded)
 * is still accepted and comes out first. */
Test(queue, pop_before_stops_at_its_bound_and_leaves_the_queue_as_it_was)
{
    struct queue *q = queue_create(0);
    cr_assert_not_null(q);
    const simtime times[] = { 5, 5, 300, 70000, 70001, 5000000 };
    for (uint32_t i = 0; i < 6; i++)
        cr_assert_eq(queue_push(q, times[i], 1, i, 0), 0);
    struct event ev;
    uint32_t popped = 0;
    while (queue_pop_before(q, 70000, &ev))
        cr_assert_eq(ev.entity, popped++);
    cr_assert_eq(popped, 3, "popped %u before 70000", popped);
    cr_assert_eq(queue_size(q), 3);
    cr_assert_not(queue_pop_before(q, 70000, &ev));
    cr_assert_eq(queue_push(q, 301, 1, 99, 0), 0, "a push after the last pop was refused");
    cr_assert(queue_pop_before(q, 70001, &ev));
    cr_assert_eq(ev.entity, 99);
    cr_assert(queue_pop_before(q, 70001, &ev));
    cr_assert_eq(ev.entity, 3);
    cr_assert_not(queue_pop_before(q, 70001, &ev));
    cr_assert_eq(queue_push(q, 4000000, 1, 98, 0), 0);
    cr_assert(queue_pop_before(q, SIM_TIME_MAX, &ev));
    cr_assert_eq(ev.entity, 4);
    cr_assert(queue_pop_before(q, SIM_TIME_MAX, &ev));
    cr_assert_eq(ev.entity, 98);
    cr_assert(queue_pop_before(q, SIM_TIME_MAX, &ev));
    cr_assert_eq(ev.entity, 5);
    cr_assert_not(queue_pop_before(q, SIM_TIME_MAX, &ev));
    queue_destroy(q);
}

/* Level 0's sorted run (a level-1 bucket of at most QUEUE_RUN_MAX events,
 * sorted when the clock reaches it) beside its slots (pushes that land within
 * the current 256 us while the run is popped): ties at the current
 * instant and pushes between the run's times must come out in (time, seq)
 * order, the run first on equal times. The window holds 1 to 10 000
 * events, so both a run and a bucket too big for one (cascaded into the
 * slots instead) are taken, at the boundary too; some pops are bounded
 * just before or after the next event. Checked against a sorted
 * reference, kept in descending order so pops take its end. */
static void ref_insert(struct ref_ev *ref, size_t *n, simtime t, uint64_t seq)
{
    size_t at = 0;      /* after every later event: the new seq is the largest */
    while (at < *n && ref[at].time > t)
        at++;
    memmove(&ref[at + 1], &ref[at], (*n - at) * sizeof *ref);
    ref[at] = (struct ref_ev){ t, seq };
    (*n)++;
}

Test(queue, run_and_slots_interleave_in_order)
{
    static const size_t sizes[] = { 1, 2, 150, QUEUE_RUN_MAX - 1, QUEUE_RUN_MAX,
                                    QUEUE_RUN_MAX + 1, 4096, 10000 };
    gsl_rng *r = rng_stream_create(1, RNG_TEST, 11);
    struct ref_ev *ref = malloc(40000 * sizeof *ref);
    cr_assert_not_null(ref);
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        struct queue *q = queue_create(0);
        size_t n = 0;
        uint64_t seq = 0;
        /* All in one level-1 bucket: [512, 768) us, seen from 0. */
        for (size_t i = 0; i < sizes[z]; i++, seq++) {
            simtime t = 512 + (simtime)gsl_rng_uniform_int(r, 256);
            cr_assert_eq(queue_push(q, t, 0, 0, seq), 0);
            ref_insert(ref, &n, t, seq);
        }
        size_t pops = 0;
        while (n > 0) {
            struct event ev;
            simtime next = ref[n - 1].time;
            cr_assert_eq(queue_peek_time(q), next, "size %zu, pop %zu", sizes[z], pops);
            if (gsl_rng_uniform_int(r, 8) == 0)
                cr_assert_not(queue_pop_before(q, next, &ev), "popped at its bound");
            cr_assert(gsl_rng_uniform_int(r, 2) ? queue_pop(q, &ev)
                                                : queue_pop_before(q, next + 1, &ev));
            n--;
            cr_assert(ev.time == ref[n].time && ev.seq == ref[n].seq,
                      "size %zu, pop %zu: (%lld, %llu), want (%lld, %llu)", sizes[z], pops,
                      (long long)ev.time, (unsigned long long)ev.seq,
                      (long long)ref[n].time, (unsigned long long)ref[n].seq);
            pops++;
            /* A handler's pushes: at this instant, later in this window,
             * in the next windows; fewer as the test goes on. */
            if (seq < 3 * sizes[z] + 50) {
                simtime now = ev.time, t;
                switch (gsl_rng_uniform_int(r, 4)) {
                case 0: t = now; break;
                case 1: t = now + (simtime)gsl_rng_uniform_int(r, 256 - (uint64_t)(now & 255)); break;
                case 2: t = now + (simtime)gsl_rng_uniform_int(r, 1000); break;
                default: t = -1; break;
                }
                if (t >= 0) {
                    cr_assert_eq(queue_push(q, t, 0, 0, seq), 0);
                    ref_insert(ref, &n, t, seq);
                    seq++;
                }
            }
        }
        cr_assert_eq(queue_size(q), 0);
        queue_destroy(q);
    }
    free(ref);
    rng_stream_destroy(r);
}
