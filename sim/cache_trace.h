/* sim/cache_trace.h: request streams for one reactive cache (`lastmile
 * cache`, its tests and bench): a CSV trace read from a file, or
 * independent Zipf requests generated from a seed. */
#ifndef LASTMILE_CACHE_TRACE_H
#define LASTMILE_CACHE_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "models/cache.h"
#include "sim/error.h"

/* Requests over dense object ids 0..nobjects-1 (in order of first request
 * for a file; in popularity rank order for Zipf). */
struct cache_trace {
    uint32_t *req;                  /* object of each request */
    uint64_t nreq;
    uint64_t *size;                 /* per object, bytes */
    uint64_t *orig_id;              /* per object, the id in the file (NULL for Zipf) */
    uint32_t nobjects;
    double working_set;             /* sum of the sizes of the objects requested */
};

/* Reads a CSV of `time,object_id,size` lines (a header line is allowed
 * first; blank lines and lines starting with '#' are skipped; a file whose
 * name ends in .gz is read through gzip -dc). An object's size is the one
 * of its first request. Returns 0, or -1 with err naming the file and line. */
int cache_trace_read(const char *file, struct cache_trace *t, struct error *err);
/* The same from an open stream (no gzip); name is used in messages. For
 * the fuzzer, which reads from memory through fmemopen. */
int cache_trace_read_stream(FILE *f, const char *name, struct cache_trace *t,
                            struct error *err);
/* requests independent draws over objects ranked 1..objects with
 * probability proportional to rank^-alpha, every size 1, from (seed, the
 * RNG_CACHE_TRACE stream). 0 or -1 (out of memory). */
int cache_trace_zipf(uint32_t objects, double alpha, uint64_t requests, uint64_t seed,
                     struct cache_trace *t);
/* Sets every object's size to bytes. */
void cache_trace_fixed_sizes(struct cache_trace *t, uint64_t bytes);
/* Sets sizes from a CSV of `object_id,size` lines (ids as in the trace
 * file; for a Zipf stream, the rank 0..objects-1). Objects not listed keep
 * theirs. 0, or -1 with err naming the file and line. */
int cache_trace_read_sizes(const char *file, struct cache_trace *t, struct error *err);
void cache_trace_free(struct cache_trace *t);

struct cache_replay {
    uint64_t requests, hits;
    double bytes_requested, bytes_hit;
    double hit_ratio, byte_hit_ratio;
    double wall_s;
};

/* Replays the trace through a new cache of the policy and capacity bytes
 * (requests before `warmup` are served but not counted). If hits is not
 * NULL it gets one byte per request: 1 when it hit. 0, or -1 on OOM. */
int cache_trace_replay(const struct cache_trace *t, const struct cache_policy *p,
                       uint64_t capacity, uint64_t warmup, uint8_t *hits,
                       struct cache_replay *out);

#endif
