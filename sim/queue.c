/* sim/queue.c: the pending-event set, ordered by (time, seq).
 *
 * Owns every pending event of a run. Structure: a multi-level bucket queue
 * on the base-256 digits of the time (a radix heap with 256-way digits and
 * FIFO buckets; R. Ahuja, K. Mehlhorn, J. Orlin and R. Tarjan, "Faster
 * algorithms for the shortest path problem", JACM 37(2), 1990, and the
 * multi-level buckets of E. Denardo and B. Fox, "Shortest-route methods:
 * 1. Reaching, pruning, and buckets", Oper. Res. 27(1), 1979; in simulation
 * terms a hierarchical timing wheel, G. Varghese and T. Lauck, "Hashed and
 * hierarchical timing wheels", SOSP 1987, whose wheels cascade down).
 *
 * How it works. `now` is the key of the last popped event (a key is the
 * time with its sign bit flipped, so unsigned order is time order and
 * negative times work). An event with key k lives on level L = the highest
 * base-256 digit where k and now differ (0 when k == now), in slot = digit
 * L of k; 8 levels of 256 slots cover all 64 bits, so there is no separate
 * far-future structure and no horizon to tune. A slot is a FIFO of 32-byte
 * records in chunks of 2 KB. Popping takes the lowest non-empty slot of
 * level 0 (found with one bitmap word per 64 slots); when level 0 is empty
 * it takes the lowest non-empty slot of the lowest non-empty level, moves
 * `now` to that slot's minimum key (kept per slot on push) and re-files its
 * events, in FIFO order, one level down or more (a cascade). Each event
 * moves at most 7 times and in practice 1-2 (an event 1 s ahead differs from
 * now in digit 2). Pushes append to a tail; cascades are sequential passes
 * over chunks (prefetched), so the cost is a few cache lines per event,
 * never a log n walk through memory.
 *
 * Level 0's run. A level-1 bucket's events differ only in the lowest digit,
 * so its cascade would file each in a level-0 slot of its own (a million
 * sessions give a few hundred events per 256 us, most slots holding one),
 * taking a chunk and a bitmap bit per event. Instead, a level-1 bucket of
 * at most RUN_MAX events is sorted into an array, the run, by one stable
 * counting sort on that digit, and pops read the run in order. The slots
 * stay for pushes that land in the current 256 us while the run is popped
 * (and for buckets too big for the run); a pop takes the smaller of the
 * run's next key and the slots' lowest, the run's on a tie. The run is
 * for buckets of up to 1 024 events, a choice by measurement: it gains
 * where buckets hold tens to hundreds (bench_e2e: 64-255 events; global.json
 * at sample 0.06: 97% under 512), and it lost 6-12% against the cascade on
 * 15 M sessions' first 10 s, whose buckets nearly all hold 1 024-32 767
 * (two thirds 2 048-4 095), with or without prefetching its counting pass
 * (analysis/PERFORMANCE.md, "Level 0's run and the bucket size").
 *
 * Why (time, seq) order is exact. Level 0's slot for key k holds only key
 * k, so FIFO order there is insertion order, i.e. seq order. All events of
 * one time are always in the same bucket (the placement depends only on k
 * and now); a cascade moves a bucket's events, in order, into buckets that
 * are empty (every lower level is empty when a cascade runs), and a later
 * push appends behind them. So within a bucket, events of equal time are in
 * seq order, by induction. A push at the current instant from a handler
 * lands in the level-0 slot being popped, behind every earlier event of
 * that instant. Moving `now` to the minimum of the lowest bucket keeps every
 * other event where the rule puts it. The run: a stable sort keeps equal
 * keys in their bucket's order; it is filled only when level 0 is empty,
 * so an event in a slot beside it was pushed later (a larger seq), and a
 * tie goes to the run. Pushes before the last popped event
 * would break the rule; queue_push refuses them with -1 (the engine asserts
 * they never happen).
 *
 * Memory. No allocation per event: chunks come from slabs that grow
 * geometrically (each at least half of what is owned), handed out from a
 * free list or, when it is empty, from the untouched end of the newest slab
 * (pages are touched only when used). Cascades and pops never allocate: a
 * push first reserves enough chunks for the worst case of its size (every
 * chunk holds an event, and a bucket wastes at most one partial chunk, two
 * on level 0), so queue_pop cannot fail. At 10^7 events: 32.5 bytes per
 * event (63 records per 2 KB chunk; queue.bytes_per_event.1e7). queue_bytes
 * counts every chunk allocated, touched or not, and the run (RUN_MAX
 * records, 32 KB, allocated with the queue so that pops never allocate).
 * A push before the last popped event is also refused with -1 (see
 * above).
 *
 * Measured (tests/bench/bench_queue.c, hold model: 80% Exp(1 s), 10% ties at
 * the current instant, 10% at the next whole second; 2-core AMD EPYC VM, gcc
 * 12 -O2, quiet machine; hold operations per second at 10^3 / 10^6 / 10^7
 * pending; figures drop by up to a third when other jobs share the cores):
 *   this structure, 2 KB chunks (chosen)       35-37 M / 29-35 M / 31-35 M
 *     with its level-0 run up to 4 096 events  32-33 M / 40-41 M / 33-34 M
 *     the same code without the run            33-35 M / 31 M    / 34 M
 *     (these two rows: three runs of each, interleaved, on another day,
 *     with a profiler on the other core; the run pays its digit pass for
 *     buckets of one event at 10^3 pending and sorts ~2 500 a bucket at
 *     10^7, and gains where buckets hold tens to hundreds)
 *     the run up to 1 024 events (chosen)      34-35 M / 46-47 M / 36-37 M
 *     the run up to 4 096 again                35 M    / 44-46 M / 38-39 M
 *     without the run                          36 M    / 35 M    / 36-37 M
 *     (these three rows: two runs of each, interleaved, quiet VM; at
 *     10^7 the 1 024 limit sends the ~2 500-event buckets down the
 *     cascade, which loses ~4% here but won 6-12% in a whole run of 15 M
 *     sessions, where the sort meets the look-ahead's prefetches)
 *     with 512 B chunks                        34-35 M / 23-28 M / 17-19 M
 *     with 4 KB chunks                         33-35 M / 32-35 M / 36-37 M
 *     with 6-, 7-, 9- or 10-bit digits         7-40% slower (measured before
 *                                              prefetching was added)
 *   implicit 4-ary heap alone (the baseline)   14.2 M /  3.9 M /  1.9 M
 *   one-level wheel of 2^20 1-us FIFO buckets
 *     + 4-ary heap beyond 1.05 s               15.3 M /  3.5 M /  2.9 M
 *     with 2^23 buckets (8.4 s)                 6.1 M /  7.4 M /  4.8 M
 * The heap pays ~250-500 ns per hold at 10^6-10^7 events (a cache miss per
 * level); the one-level wheel pays for the far events that land in its heap
 * and for scanning or touching a huge bucket array (the wheel baselines
 * were simple linked-list versions, not tuned; DESIGN.md quotes 62-131 ns
 * for a tuned one, still 2-4 times this structure's ~30 ns). Other regimes
 * of this structure: 10^4 pending 29 M, 10^5 pending 44 M, 10^5 with
 * Exp(1 h) increments 24 M, 10^6 with Exp(10 ms) 61 M holds/s; a premiere
 * (10^6 joins at one instant, each scheduling more) 19 M events/s including
 * the random draws. Small chunks lose at scale because cascades then jump
 * between chunks every 15 events; 4 KB gains a little at 10^7 and doubles
 * the waste per non-empty bucket (at most one partial chunk each). */
#include "sim/queue.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define DIGIT_BITS  8                               /* base-256 digits */
#define SLOTS       (1u << DIGIT_BITS)
#define WORDS       (SLOTS / 64)                    /* bitmap words per level */
#define LEVELS      ((64 + DIGIT_BITS - 1) / DIGIT_BITS)
#ifndef QUEUE_CHUNK_BYTES                           /* overridable to measure */
#define QUEUE_CHUNK_BYTES 2048
#endif
/* A chunk is a 32-byte header (the link) and then events: with slabs
 * aligned to 64 bytes, no event straddles a cache line. */
#define CHUNK_EVENTS ((QUEUE_CHUNK_BYTES - 32) / 32)
/* The largest level-1 bucket sorted into level 0's run (32 KB); a larger
 * one (a premiere's joins, 15 M sessions' busiest seconds) is cascaded
 * into level 0's slots (see "Level 0's run" above). */
#define RUN_MAX QUEUE_RUN_MAX
_Static_assert(RUN_MAX <= UINT16_MAX, "digit counts are 16-bit");
/* Chunks a queue of n events may need beyond n / CHUNK_EVENTS (see
 * chunks_needed). */
#define CHUNK_SLACK (LEVELS * SLOTS + SLOTS + 8)

struct chunk {
    struct chunk *next;
    uint64_t pad[3];
    struct event ev[CHUNK_EVENTS];
};

_Static_assert(sizeof(struct event) == 32, "event records are 32 bytes");
_Static_assert(sizeof(struct chunk) == QUEUE_CHUNK_BYTES, "chunks fill their size exactly");

/* A FIFO of events: a list of nchunks chunks, read at head[hpos], written
 * at tail[tcnt]. Empty when head is NULL. */
struct bucket {
    struct chunk *head, *tail;
    uint16_t hpos, tcnt;
    uint32_t nchunks;       /* so that its size is known without a walk */
    uint64_t min;           /* smallest key in the bucket */
};
_Static_assert(CHUNK_EVENTS <= UINT16_MAX, "hpos and tcnt are 16-bit");

struct queue {
    uint64_t now;           /* key of the last popped event (0 before any) */
    uint64_t seq;           /* the next sequence number */
    size_t size;
    size_t limit;           /* size the owned chunks are guaranteed to hold */
    unsigned levelmask;     /* bit l (l >= 1): level l has a non-empty bucket;
                             * bit 0 is never set: pops read level 0's
                             * bitmap itself, and level 0 empties its slots
                             * one per pop, so keeping the bit would cost a
                             * scan of the level's words per pop */
    uint64_t bits[LEVELS][WORDS];
    struct chunk *free;     /* free chunks, linked by next */
    struct chunk *bump, *bump_end;  /* never-used chunks of the newest slab */
    size_t nchunks;         /* chunks owned (in buckets, free or never used) */
    struct chunk **slabs;   /* the allocations chunks live in */
    size_t nslabs, slabcap;
    queue_visit near;       /* shown each event a cascade files on level 0 */
    void *near_ctx;
    uint32_t nslots0;       /* level 0's non-empty slots (beside the run) */
    struct event *run;      /* level 0's sorted run: run[run_pos..run_len) */
    uint32_t run_pos, run_len;
    uint16_t digit_count[SLOTS];    /* the run's counting sort */
    struct bucket b[LEVELS][SLOTS];
};

/* Keys are times with the sign bit flipped: unsigned order = time order. */
static inline uint64_t time_key(simtime t) { return (uint64_t)t ^ (UINT64_C(1) << 63); }
static inline simtime key_time(uint64_t k) { return (simtime)(k ^ (UINT64_C(1) << 63)); }

/* The most chunks n events can ever occupy, whatever pops and cascades
 * follow: every chunk holds at least one unread event, except that during
 * a cascade one event may sit in its old and new chunk at once (n + 2).
 * And a bucket of m events spans fewer than m / CHUNK_EVENTS + 1 chunks on
 * levels >= 1 (read only whole, from position 0), + 2 on level 0 (read from
 * the front): at most LEVELS * SLOTS buckets, SLOTS of them on level 0, plus
 * the bucket being cascaded (CHUNK_SLACK). */
static size_t chunks_needed(size_t n)
{
    size_t a = n + 2, b = n / CHUNK_EVENTS + 1 + CHUNK_SLACK;
    return a < b ? a : b;
}

/* The largest n with chunks_needed(n) <= nchunks. */
static size_t size_limit(size_t nchunks)
{
    size_t lim = nchunks >= 2 ? nchunks - 2 : 0;
    if (nchunks >= CHUNK_SLACK + 1) {
        size_t alt = (nchunks - CHUNK_SLACK - 1) * CHUNK_EVENTS + (CHUNK_EVENTS - 1);
        if (alt > lim)
            lim = alt;
    }
    return lim;
}

/* Adds chunks until the queue can hold `want` events. Geometric: at least
 * half of what it owns, so pushes cost amortised O(1). */
static int reserve(struct queue *q, size_t want)
{
    size_t need = chunks_needed(want);
    if (need <= q->nchunks)
        return 0;
    size_t add = need - q->nchunks;
    if (add < q->nchunks / 2)
        add = q->nchunks / 2;
    if (add < 16)
        add = 16;
    if (q->nslabs == q->slabcap) {
        size_t cap = q->slabcap ? 2 * q->slabcap : 16;
        struct chunk **s = realloc(q->slabs, cap * sizeof *s);
        if (!s)
            return -1;
        q->slabs = s;
        q->slabcap = cap;
    }
    if (add > SIZE_MAX / sizeof(struct chunk))
        return -1;
    /* Cache-line aligned, so no 32-byte record straddles two lines. */
    struct chunk *slab = aligned_alloc(64, add * sizeof *slab);
    if (!slab)
        return -1;
    q->slabs[q->nslabs++] = slab;
    /* The old slab's never-used chunks join the free list; the new slab is
     * handed out from its start, so pages are touched only when needed. */
    while (q->bump != q->bump_end) {
        q->bump->next = q->free;
        q->free = q->bump++;
    }
    q->bump = slab;
    q->bump_end = slab + add;
    q->nchunks += add;
    q->limit = size_limit(q->nchunks);
    return 0;
}

struct queue *queue_create(size_t capacity_hint)
{
    struct queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->run = aligned_alloc(64, RUN_MAX * sizeof *q->run);
    if (!q->run || reserve(q, capacity_hint) != 0) {
        queue_destroy(q);
        return NULL;
    }
    return q;
}

void queue_destroy(struct queue *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->nslabs; i++)
        free(q->slabs[i]);
    free(q->slabs);
    free(q->run);
    free(q);
}

static inline struct chunk *chunk_take(struct queue *q)
{
    struct chunk *c = q->free;
    if (c) {
        q->free = c->next;
    } else {
        assert(q->bump != q->bump_end);     /* guaranteed by reserve() */
        c = q->bump++;
    }
    c->next = NULL;
    return c;
}

static inline void chunk_give(struct queue *q, struct chunk *c)
{
    c->next = q->free;
    q->free = c;
}

static inline void bit_set(struct queue *q, unsigned lvl, unsigned slot)
{
    q->bits[lvl][slot >> 6] |= UINT64_C(1) << (slot & 63);
    q->levelmask |= (1u << lvl) & ~1u;
    q->nslots0 += lvl == 0;
}

static inline void bit_clear(struct queue *q, unsigned lvl, unsigned slot)
{
    uint64_t *w = q->bits[lvl];
    w[slot >> 6] &= ~(UINT64_C(1) << (slot & 63));
    if (lvl == 0) {
        q->nslots0--;
        return;
    }
    uint64_t any = 0;
    for (unsigned i = 0; i < WORDS; i++)
        any |= w[i];
    if (!any)
        q->levelmask &= ~(1u << lvl);
}

/* The lowest set slot of a level, or -1. On level L no slot below digit
 * L of `now` is ever set (a key there differs from now first at digit L,
 * and is larger), so the scan starts at that digit's word. */
static inline int first_slot(const struct queue *q, unsigned lvl)
{
    const uint64_t *w = q->bits[lvl];
    int from = (int)((q->now >> (lvl * DIGIT_BITS)) & (SLOTS - 1)) >> 6;
    for (int i = from; i < (int)WORDS; i++)
        if (w[i])
            return i * 64 + __builtin_ctzll(w[i]);
    return -1;
}

/* The level of key k relative to `now`: the index of the highest base-256
 * digit where they differ (0 when equal). */
static inline unsigned key_level(uint64_t k, uint64_t now)
{
    return (unsigned)(63 - __builtin_clzll((k ^ now) | 1)) / DIGIT_BITS;
}

/* Returns the next free record at the tail of bucket (lvl, slot), which is
 * to hold key k. Inlined by force: GCC 12 kept it a call, and an event is
 * appended about three times on its way down (its push and two cascades). */
__attribute__((always_inline))
static inline struct event *bucket_append(struct queue *q, unsigned lvl, unsigned slot,
                                          uint64_t k)
{
    struct bucket *b = &q->b[lvl][slot];
    if (!b->head) {
        struct chunk *c = chunk_take(q);
        b->head = b->tail = c;
        b->hpos = 0;
        b->tcnt = 0;
        b->nchunks = 1;
        b->min = k;
        bit_set(q, lvl, slot);
    } else {
        if (k < b->min)
            b->min = k;
        if (b->tcnt == CHUNK_EVENTS) {
            struct chunk *c = chunk_take(q);
            b->tail->next = c;
            b->tail = c;
            b->tcnt = 0;
            b->nchunks++;
        }
    }
    return &b->tail->ev[b->tcnt++];
}

int queue_push(struct queue *q, simtime time, uint32_t kind, uint32_t entity,
               uint64_t payload)
{
    uint64_t k = time_key(time);
    if (k < q->now)
        return -1;      /* before the last popped event: refuse, never misorder */
    if (q->size >= q->limit && reserve(q, q->size + 1) != 0)
        return -1;
    unsigned lvl = key_level(k, q->now);
    unsigned slot = (unsigned)(k >> (lvl * DIGIT_BITS)) & (SLOTS - 1);
    struct event *e = bucket_append(q, lvl, slot, k);
    e->time = time;
    e->seq = q->seq++;
    e->kind = kind;
    e->entity = entity;
    e->payload = payload;
    q->size++;
    return 0;
}

/* Empties bucket (lvl, slot), which holds the smallest keys while every
 * lower level is empty, and moves `now` to its minimum. Returns what it
 * held, for the walk below: its events in FIFO order, chunk by chunk,
 * each chunk given back once read. */
static inline struct bucket bucket_detach(struct queue *q, unsigned lvl, unsigned slot)
{
    struct bucket src = q->b[lvl][slot];
    memset(&q->b[lvl][slot], 0, sizeof src);
    bit_clear(q, lvl, slot);
    q->now = src.min;
    return src;
}

/* The events in a non-empty bucket. */
static inline size_t bucket_size(const struct bucket *b)
{
    return (size_t)(b->nchunks - 1) * CHUNK_EVENTS + b->tcnt - b->hpos;
}

/* The end of the detached bucket's current chunk, src->head; its events
 * start at src->hpos. */
static inline uint32_t walk_end(const struct bucket *src)
{
    return src->head == src->tail ? src->tcnt : CHUNK_EVENTS;
}

/* Moves to the next chunk, leaving the current one where it is; false
 * after the last. Also walks a bucket that stays in place (a copy of it). */
static inline bool walk_advance(struct bucket *src)
{
    if (src->head == src->tail)
        return false;
    src->head = src->head->next;
    src->hpos = 0;
    return true;
}

/* Asks for the first lines of the chunk after the current one: chunks are
 * linked, so the hardware's prefetcher cannot guess where it is. */
static inline void walk_prefetch_next(const struct bucket *src)
{
    if (src->head != src->tail) {
        __builtin_prefetch(src->head->next);
        __builtin_prefetch((const char *)src->head->next + 64);
    }
}

/* Gives the current chunk back and moves to the next; false after the
 * last. */
static inline bool walk_next(struct queue *q, struct bucket *src)
{
    struct chunk *c = src->head;
    bool more = walk_advance(src);      /* reads c->next before chunk_give relinks c */
    chunk_give(q, c);
    return more;
}

/* Empties bucket (lvl, slot) (see bucket_detach) into lower levels, its
 * events in FIFO order. */
static void cascade(struct queue *q, unsigned lvl, unsigned slot)
{
    struct bucket src = bucket_detach(q, lvl, slot);
    uint64_t now = src.min;
    do {
        const struct chunk *c = src.head;
        walk_prefetch_next(&src);
        for (uint32_t pos = src.hpos, end = walk_end(&src); pos < end; pos++) {
            const struct event *e = &c->ev[pos];
            __builtin_prefetch(e + 8);     /* 256 bytes ahead */
            uint64_t k = time_key(e->time);
            unsigned l = key_level(k, now);
            unsigned s = (unsigned)(k >> (l * DIGIT_BITS)) & (SLOTS - 1);
            *bucket_append(q, l, s, k) = *e;
            if (l == 0 && q->near)
                q->near(q->near_ctx, e);
        }
    } while (walk_next(q, &src));
}

/* count[d] (events with low digit d) becomes the run position of digit
 * d's first event: an exclusive prefix sum. Four 16-bit counts at a time
 * where the byte order allows it (a fill's 256 digits one by one cost as
 * much as its ~100 events on country.json): within a 64-bit word the
 * lanes add up without carrying into each other, as no sum exceeds
 * RUN_MAX. */
static void digits_to_positions(uint16_t *count)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t carry = 0;
    for (unsigned i = 0; i < SLOTS; i += 4) {
        uint64_t x;
        memcpy(&x, &count[i], sizeof x);
        x += x << 16;
        x += x << 32;               /* lane j: count[i] + ... + count[i + j] */
        uint64_t first = (x << 16) + carry * UINT64_C(0x0001000100010001);
        carry += x >> 48;
        memcpy(&count[i], &first, sizeof first);
    }
#else
    uint32_t at = 0;
    for (unsigned d = 0; d < SLOTS; d++) {
        uint32_t m = count[d];
        count[d] = (uint16_t)at;
        at += m;
    }
#endif
}

/* Sorts level-1 bucket `slot`, which holds the smallest keys while level 0
 * is empty, into level 0's run and moves `now` to its minimum; false,
 * with nothing changed, when it holds more than RUN_MAX events. Its events
 * share every digit but the lowest, so one stable counting sort on that
 * digit orders them by (key, seq): equal keys keep their FIFO order, which
 * is seq order. The cascade it replaces filed each event in a slot of its
 * own (a few hundred per 256 us in a million-session run, most slots
 * holding one), taking and giving back a chunk and a bitmap bit per event. */
static bool run_fill(struct queue *q, unsigned slot)
{
    uint16_t *count = q->digit_count;
    struct bucket it = q->b[1][slot];
    size_t size = bucket_size(&it);
    if (size > RUN_MAX)
        return false;
    uint32_t n = (uint32_t)size;
    uint32_t seen = 0;      /* the walk's count, against bucket_size's */
    do {
        uint32_t end = walk_end(&it);
        seen += end - it.hpos;
        /* The times have the same low digit as their keys (the sign bit
         * is far above it). */
        walk_prefetch_next(&it);
        for (uint32_t i = it.hpos; i < end; i++) {
            const struct event *e = &it.head->ev[i];
            __builtin_prefetch(e + 8);
            count[(uint64_t)e->time & (SLOTS - 1)]++;
        }
    } while (walk_advance(&it));
    assert(seen == n);
    (void)seen;
    digits_to_positions(count);
    struct bucket src = bucket_detach(q, 1, slot);
    do {
        const struct chunk *c = src.head;
        for (uint32_t pos = src.hpos, end = walk_end(&src); pos < end; pos++) {
            const struct event *e = &c->ev[pos];
            q->run[count[(uint64_t)e->time & (SLOTS - 1)]++] = *e;
            if (q->near)
                q->near(q->near_ctx, e);
        }
    } while (walk_next(q, &src));
    memset(count, 0, sizeof q->digit_count);
    q->run_pos = 0;
    q->run_len = n;
    return true;
}

/* The key of level 0's slot `slot`: now's higher digits, then slot. */
static inline uint64_t slot0_key(const struct queue *q, unsigned slot)
{
    return (q->now & ~(uint64_t)(SLOTS - 1)) | slot;
}

/* The smallest key in level 0's slots (some must be set). */
static inline uint64_t slots0_min(const struct queue *q)
{
    return slot0_key(q, (unsigned)first_slot(q, 0));
}

/* Pops the earliest event if its key is below until_key (any event when
 * bounded is false). The bound is checked before any cascade: a cascade
 * moves `now` to its bucket's minimum, and an event not popped must leave
 * `now` where it was, or a later push between the two would be refused.
 *
 * Level 0 is the run and the slots. Events reach the run only by
 * run_fill, which runs when level 0 is empty; every event in the slots
 * beside a run was pushed after it was filled, so it has a later seq than
 * every run event, and on equal keys the run goes first. */
static inline bool pop_below(struct queue *q, bool bounded, uint64_t until_key,
                             struct event *out)
{
    if (q->size == 0)
        return false;
    unsigned lvl, slot;
    struct bucket *b;
    for (;;) {
        if (q->run_pos < q->run_len) {
            const struct event *r = &q->run[q->run_pos];
            uint64_t k = time_key(r->time);
            if (q->nslots0 == 0 || k <= slots0_min(q)) {
                if (bounded && k >= until_key)
                    return false;
                *out = *r;
                q->run_pos++;
                q->now = k;
                q->size--;
                return true;
            }
        }
        if (q->nslots0) {
            lvl = 0;
            slot = (unsigned)q->now & (SLOTS - 1);
            b = &q->b[0][slot];
            if (!b->head) {
                slot = (unsigned)first_slot(q, 0);
                b = &q->b[0][slot];
            }
            if (bounded && slot0_key(q, slot) >= until_key)
                return false;
            break;
        }
        assert(q->levelmask != 0);
        lvl = (unsigned)__builtin_ctz(q->levelmask);
        slot = (unsigned)first_slot(q, lvl);
        b = &q->b[lvl][slot];
        if (bounded && b->min >= until_key)
            return false;
        /* A lone event is the minimum: pop it without moving it. */
        if (b->head == b->tail && b->tcnt - b->hpos == 1)
            break;
        if (lvl == 1 && run_fill(q, slot))
            continue;
        cascade(q, lvl, slot);
    }
    struct chunk *c = b->head;
    *out = c->ev[b->hpos++];
    q->now = time_key(out->time);
    if (c == b->tail) {
        if (b->hpos == b->tcnt) {
            chunk_give(q, c);
            b->head = b->tail = NULL;
            bit_clear(q, lvl, slot);
        }
    } else if (b->hpos == CHUNK_EVENTS) {
        b->head = c->next;
        b->hpos = 0;
        b->nchunks--;
        chunk_give(q, c);
    }
    q->size--;
    return true;
}

bool queue_pop(struct queue *q, struct event *out)
{
    return pop_below(q, false, 0, out);
}

bool queue_pop_before(struct queue *q, simtime until, struct event *out)
{
    return pop_below(q, true, time_key(until), out);
}

void queue_on_near(struct queue *q, queue_visit fn, void *ctx)
{
    q->near = fn;
    q->near_ctx = ctx;
}

size_t queue_size(const struct queue *q)
{
    return q->size;
}

simtime queue_peek_time(struct queue *q)
{
    if (q->size == 0)
        return SIM_TIME_MAX;
    if (q->run_pos < q->run_len || q->nslots0) {
        uint64_t k = UINT64_MAX;
        if (q->run_pos < q->run_len)
            k = time_key(q->run[q->run_pos].time);
        if (q->nslots0) {
            uint64_t s = slots0_min(q);
            if (s < k)
                k = s;
        }
        return key_time(k);
    }
    unsigned lvl = (unsigned)__builtin_ctz(q->levelmask);
    return key_time(q->b[lvl][first_slot(q, lvl)].min);
}

size_t queue_bytes(const struct queue *q)
{
    return sizeof *q + q->nchunks * sizeof(struct chunk) + q->slabcap * sizeof *q->slabs
           + RUN_MAX * sizeof *q->run;
}
