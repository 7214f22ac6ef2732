/* sim/rng.c: random streams derived from (run seed, stream kind, entity id).
 *
 * Owns the one generator lastmile uses and the one way streams are seeded.
 *
 * Generator: xoshiro256** (D. Blackman and S. Vigna, "Scrambled Linear
 * Pseudorandom Number Generators", ACM TOMS 47(4), 2021): 256 bits of state
 * (32 bytes, against 5,000 for GSL's mt19937), period 2^256 - 1, passes
 * BigCrush, a few ns per draw. It is wrapped as a gsl_rng_type so every GSL
 * distribution (gsl_ran_exponential, gsl_ran_lognormal, ...) draws from it:
 *   get         the upper 32 bits of the 64-bit output (the upper bits are
 *               the strongest; max = 2^32 - 1 keeps gsl_rng_uniform_int
 *               exact on the range GSL expects);
 *   get_double  the upper 53 bits times 2^-53: a uniform on the 2^53-point
 *               grid in [0,1), never 1.
 *
 * Seeding: GSL's gsl_rng_set takes an unsigned long and GSL's own generators
 * keep 32 bits of it, so per-entity seeds would collide by the birthday
 * bound (~50% at ~77k streams). We never seed through it: rng_stream_create
 * allocates the generator and writes the 256-bit state directly from four
 * consecutive outputs of splitmix64 (S. Vigna's seeding recommendation for
 * the xoshiro family; splitmix64 is from G. Steele, D. Lea and C. Flood,
 * "Fast Splittable Pseudorandom Number Generators", OOPSLA 2014) started at
 * rng_mix(seed, kind, id).
 *
 * rng_mix applies the splitmix64 finaliser (a bijection of 64-bit words) to
 * the seed, then xors in kind times an odd constant and finalises again, then
 * the same with id. For a fixed (seed, kind) the map id -> rng_mix is
 * therefore a bijection: two ids of one kind never share a seed; across
 * kinds and seeds the values behave like independent random 64-bit words.
 * And since the second state word (the only one the first xoshiro256**
 * output depends on) is splitmix64 applied to a bijection of the mixed seed,
 * distinct mixed seeds give distinct first outputs (test_rng checks it over
 * 10^6 streams). A stream depends only on its own triple, so adding an ISP
 * never shifts another ISP's numbers.
 *
 * gsl_rng_env_setup() is never called: no environment variable may change
 * results. */
#include "sim/rng.h"

#include <stddef.h>

#define GOLDEN  UINT64_C(0x9e3779b97f4a7c15)   /* 2^64 / golden ratio, odd */
#define KIND_MUL UINT64_C(0xd6e8feb86659fd93)  /* odd: spreads small kinds */
#define ID_MUL  UINT64_C(0xa0761d6478bd642f)   /* odd: spreads small ids */

/* The splitmix64 finaliser (Stafford's "Mix13" variant): a bijection with
 * full avalanche. */
static inline uint64_t fmix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* One splitmix64 step: advances *x and returns the next output. */
static inline uint64_t splitmix64_next(uint64_t *x)
{
    *x += GOLDEN;
    return fmix64(*x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

struct xoshiro_state {
    uint64_t s[4];
};

/* Fills the state from a 64-bit seed. splitmix64 never yields four zero
 * words in a row (it is a bijection of distinct inputs), so the state is
 * never the forbidden all-zero one. */
static void xoshiro_seed(struct xoshiro_state *st, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        st->s[i] = splitmix64_next(&x);
}

static inline uint64_t xoshiro_next(struct xoshiro_state *st)
{
    uint64_t *s = st->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Called by gsl_rng_alloc (with gsl_rng_default_seed) and by gsl_rng_set.
 * unsigned long is 64 bits on our platforms, but lastmile never seeds
 * through here (see the top of the file). */
static void xoshiro_gsl_set(void *state, unsigned long seed)
{
    xoshiro_seed(state, (uint64_t)seed);
}

static unsigned long xoshiro_gsl_get(void *state)
{
    return (unsigned long)(xoshiro_next(state) >> 32);
}

static double xoshiro_gsl_get_double(void *state)
{
    return (double)(xoshiro_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro256ss_type = {
    "xoshiro256**",                 /* name */
    UINT32_MAX,                     /* max */
    0,                              /* min */
    sizeof(struct xoshiro_state),   /* size */
    xoshiro_gsl_set,
    xoshiro_gsl_get,
    xoshiro_gsl_get_double
};

const gsl_rng_type *rng_xoshiro256ss = &xoshiro256ss_type;

uint64_t rng_mix(uint64_t seed, uint64_t kind, uint64_t id)
{
    uint64_t h = fmix64(seed + GOLDEN);
    h = fmix64(h ^ (kind * KIND_MUL));
    h = fmix64(h ^ (id * ID_MUL));
    return h;
}

gsl_rng *rng_stream_create(uint64_t seed, uint64_t kind, uint64_t id)
{
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256ss);
    if (!r)
        return NULL;
    xoshiro_seed(r->state, rng_mix(seed, kind, id));
    return r;
}

void rng_stream_destroy(gsl_rng *r)
{
    if (r)
        gsl_rng_free(r);
}

double rng_hash_unit(uint64_t key)
{
    uint64_t x = key;
    return (double)(splitmix64_next(&x) >> 11) * 0x1.0p-53;
}
