/* tests/pyrandom.h: Python's `random` module, bit for bit, to regenerate
 * tests' reference traces from the script that made them.
 *
 * The cache reference (hit ratios libCacheSim gave, tests/test_cache_
 * reference.c) was computed on a trace written by a short Python script
 * seeded with 424242. Rather than committing the 15 MB trace, the test
 * replays the script's random draws: MT19937 (Matsumoto and Nishimura,
 * "Mersenne Twister: a 623-dimensionally equidistributed uniform
 * pseudo-random number generator", ACM TOMS 8(1), 1998) seeded by its
 * init_by_array with the seed's 32-bit words, random() from two outputs
 * (27 + 26 bits), getrandbits(k) as the top k bits of one output,
 * randbelow by rejection on bit_length(n) bits, shuffle as Fisher-Yates
 * from the end, gauss as Box-Muller keeping the second value for the next
 * call. These are the documented algorithms of CPython 3's random module. */
#ifndef LASTMILE_TEST_PYRANDOM_H
#define LASTMILE_TEST_PYRANDOM_H

#include <math.h>
#include <stdint.h>

struct pyrandom {
    uint32_t mt[624];
    int mti;
    int has_gauss;
    double gauss_next;
};

static inline void pyr_init_genrand(struct pyrandom *r, uint32_t s)
{
    r->mt[0] = s;
    for (int i = 1; i < 624; i++)
        r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
    r->mti = 624;
}

/* random.seed(n) for 0 <= n < 2^32: init_by_array with the key [n]. */
static inline void pyr_seed(struct pyrandom *r, uint32_t seed)
{
    const uint32_t key[1] = { seed };
    const int klen = 1;
    pyr_init_genrand(r, 19650218u);
    int i = 1, j = 0;
    for (int k = 624 > klen ? 624 : klen; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= 624) {
            r->mt[0] = r->mt[623];
            i = 1;
        }
        if (j >= klen)
            j = 0;
    }
    for (int k = 623; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
        i++;
        if (i >= 624) {
            r->mt[0] = r->mt[623];
            i = 1;
        }
    }
    r->mt[0] = 0x80000000u;
    r->has_gauss = 0;
}

static inline uint32_t pyr_u32(struct pyrandom *r)
{
    if (r->mti >= 624) {
        for (int k = 0; k < 624; k++) {
            uint32_t y = (r->mt[k] & 0x80000000u) | (r->mt[(k + 1) % 624] & 0x7fffffffu);
            r->mt[k] = r->mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        r->mti = 0;
    }
    uint32_t y = r->mt[r->mti++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

static inline double pyr_random(struct pyrandom *r)
{
    uint32_t a = pyr_u32(r) >> 5, b = pyr_u32(r) >> 6;
    return ((double)a * 67108864.0 + (double)b) * (1.0 / 9007199254740992.0);
}

/* randbelow(n) for 1 < n < 2^32. */
static inline uint32_t pyr_below(struct pyrandom *r, uint32_t n)
{
    int k = 0;
    while (k < 32 && (n >> k))
        k++;
    for (;;) {
        uint32_t v = pyr_u32(r) >> (32 - k);
        if (v < n)
            return v;
    }
}

static inline void pyr_shuffle_u32(struct pyrandom *r, uint32_t *x, uint32_t n)
{
    for (uint32_t i = n - 1; i >= 1; i--) {
        uint32_t j = pyr_below(r, i + 1);
        uint32_t t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

static inline double pyr_gauss(struct pyrandom *r, double mu, double sigma)
{
    double z;
    if (r->has_gauss) {
        z = r->gauss_next;
        r->has_gauss = 0;
    } else {
        double x2pi = pyr_random(r) * 6.283185307179586;
        double g2rad = sqrt(-2.0 * log(1.0 - pyr_random(r)));
        z = cos(x2pi) * g2rad;
        r->gauss_next = sin(x2pi) * g2rad;
        r->has_gauss = 1;
    }
    return mu + z * sigma;
}

#endif
