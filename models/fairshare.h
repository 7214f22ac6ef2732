/* models/fairshare.h: max-min fair rates of flows over shared resources.
 *
 * Each flow crosses one or two shared resources (an OCA's egress, and a
 * peering or transit link) and has its own cap (the client's access
 * throughput). fairshare_solve is the fast approximation the network uses;
 * fairshare_exact is textbook progressive filling (Bertsekas and Gallager,
 * Data Networks, 1992, §6.5.2), the reference the tests bound it against. */
#ifndef LASTMILE_FAIRSHARE_H
#define LASTMILE_FAIRSHARE_H

#include <stddef.h>
#include <stdint.h>

#define FAIRSHARE_NONE UINT32_MAX
/* The most sweeps fairshare_solve makes; it stops as soon as a sweep changes
 * no level. On the random cases of tests/test_fairshare.c one or two sweeps
 * miss the exact rates by up to 25%, three already reach them. */
#define FAIRSHARE_SWEEPS 16

/* The water level lambda of one resource: sum_i min(caps[i], lambda) equals
 * capacity, or INFINITY when the caps sum to at most the capacity.
 * Reorders caps in place (only when the resource is congested). */
double fairshare_level(double capacity, double *caps, size_t n);

/* The exact max-min allocation. res[2*f], res[2*f+1]: the resources of flow
 * f (the second may be FAIRSHARE_NONE). Writes rate[f]. O(F^2): tests only.
 * Returns 0, or -1 when memory runs out. */
int fairshare_exact(size_t nres, const double *capacity, size_t nflows,
                    const uint32_t *res, const double *cap, double *rate);

/* The approximation: each resource's level is computed alone, with each
 * flow's cap lowered to the level of its other resource, and the sweep is
 * repeated until no level changes (at most FAIRSHARE_SWEEPS times: a
 * Gauss-Seidel iteration towards the max-min fixed point); a resource is
 * recomputed only when the level of a resource it shares flows with moved
 * since. A flow's rate is min(cap, its resources' levels). Only the flows
 * crossing a resource whose caps sum past its capacity take part (the
 * others get their cap: the same result, see fairshare.c). level[]
 * receives each resource's level. Same arguments as the exact one (rate
 * may not alias cap); scratch needs room for nflows doubles, iscratch for
 * FAIRSHARE_ISCRATCH(nres, nflows) uint32. */
#define FAIRSHARE_ISCRATCH_ALL(nres, nflows) (5 * (size_t)(nres) + 2 + 4 * (size_t)(nflows))
#define FAIRSHARE_ISCRATCH(nres, nflows) \
    (FAIRSHARE_ISCRATCH_ALL(nres, nflows) + (size_t)(nres) + 2 * (size_t)(nflows))
void fairshare_solve(size_t nres, const double *capacity, size_t nflows,
                     const uint32_t *res, const double *cap, double *rate,
                     double *level, double *scratch, uint32_t *iscratch);
/* The same sweeps over every flow given (the reference tests hold
 * fairshare_solve's subset to, bit for bit); iscratch needs
 * FAIRSHARE_ISCRATCH_ALL(nres, nflows). */
void fairshare_solve_every(size_t nres, const double *capacity, size_t nflows,
                           const uint32_t *res, const double *cap, double *rate,
                           double *level, double *scratch, uint32_t *iscratch);

#endif
