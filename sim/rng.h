/* sim/rng.h: random streams derived from (run seed, stream kind, entity id).
 *
 * Each stream is a small generator (xoshiro256**, 32 bytes of state) wrapped
 * as a GSL generator type, so every GSL distribution works on it. Streams are
 * seeded by a fixed 64-bit mixing of (seed, kind, id): adding an ISP does not
 * shift another ISP's numbers, and two policies on one seed see the same
 * demand. GSL's own seeding keeps 32 bits and would collide by the birthday
 * bound; gsl_rng_env_setup() is never called. */
#ifndef LASTMILE_RNG_H
#define LASTMILE_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* Stream kinds. Append only: renumbering changes every result. */
enum rng_kind {
    RNG_ARRIVALS = 1,   /* per ISP: arrival times */
    RNG_SESSIONS = 2,   /* per ISP: title, watch time, access, device */
    RNG_CATALOG = 3,    /* id 0: title kinds and durations */
    RNG_WARM = 4,       /* per ISP: sessions already playing at the start */
    RNG_ACCESS = 5,     /* per ISP: the pre-drawn Markov access realizations */
    RNG_ENCODING = 6,   /* per title: complexity (counter-based, rng_hash_unit) */
    RNG_DEVICE = 7,     /* per session id: device class and AV1 support (counter-based) */
    RNG_CACHE_TRACE = 8, /* id 0: Zipf request streams of `lastmile cache` */
    RNG_FORECAST = 9,   /* per region: the catalog forecast's error */
    RNG_LIVE = 10,      /* per (live event << 20 | ISP): joins; keyed hashes per joiner */
    RNG_LIVE_RETRY = 11, /* per (live event << 20 | ISP): retry waits */
    RNG_DOWNLOAD_ERRORS = 12, /* per session id: oca_errors draws (counter-based, rng_hash_unit) */
    RNG_TEST = 1000     /* tests and benchmarks */
};

/* The fixed mixing function (splitmix64 finaliser over the three words). */
uint64_t rng_mix(uint64_t seed, uint64_t kind, uint64_t id);
/* A new stream; the caller frees it with rng_stream_destroy. NULL on OOM. */
gsl_rng *rng_stream_create(uint64_t seed, uint64_t kind, uint64_t id);
void rng_stream_destroy(gsl_rng *r);
/* A counter-based uniform in [0,1) from a key: no state, for per-entity
 * draws that must not depend on the order of other draws. */
double rng_hash_unit(uint64_t key);
/* The GSL type of the wrapped generator ("xoshiro256**"). */
extern const gsl_rng_type *rng_xoshiro256ss;

#endif
