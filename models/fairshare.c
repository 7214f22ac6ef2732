/* models/fairshare.c: max-min fair sharing, exact and fast.
 *
 * Why an approximation: the exact progressive filling costs O(F^2) (or
 * O(F log F) with care per round, times the rounds); at 10^5-10^6 active
 * flows recomputed every second it would dominate the run. Our paths are
 * short (one or two shared resources), so each resource's level can be
 * found on its own in linear time (fairshare_level), and a few sweeps that
 * feed each resource the levels of the others converge to the max-min
 * allocation. tests/test_fairshare.c bounds the error against the exact
 * solution on random small cases. A resource whose flows' caps sum to no
 * more than its capacity is not congested: its level is infinite, and the
 * flows that cross only such resources skip the sweeps (fairshare_solve,
 * at the end: the common case for a well-provisioned OCA). */
#include "models/fairshare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The level without sorting: a selection that keeps only the caps whose
 * side of the level is still unknown. With a pivot p, every cap below p is
 * below the level when sum_i min(caps[i], p) <= capacity (the sum grows
 * with p), and every cap at or above p is above it otherwise. Each round
 * keeps one side, so the expected cost is linear (sorting cost n log n and
 * was a quarter of a country run's time). The pivot is the median of three:
 * deterministic, so a run's rates never depend on anything but its input. */
double fairshare_level(double capacity, double *caps, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += caps[i];
    if (sum <= capacity)
        return INFINITY;
    double below = 0;           /* sum of the caps known to be under the level */
    size_t above = 0;           /* count of the caps known to be over it */
    size_t lo = 0, hi = n;      /* caps[lo..hi) are undecided */
    while (lo < hi) {
        double a = caps[lo], b = caps[lo + (hi - lo) / 2], c = caps[hi - 1];
        double p = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        /* Three-way partition of caps[lo..hi): < p, == p, > p. */
        size_t lt = lo, i = lo, gt = hi;
        double sum_lt = 0;
        while (i < gt) {
            double x = caps[i];
            if (x < p) {
                caps[i] = caps[lt];
                caps[lt++] = x;
                sum_lt += x;
                i++;
            } else if (x > p) {
                caps[i] = caps[--gt];
                caps[gt] = x;
            } else {
                i++;
            }
        }
        size_t at_or_over = hi - lt;
        if (below + sum_lt + p * (double)(above + at_or_over) > capacity) {
            above += at_or_over;            /* the level is under p */
            hi = lt;
        } else {
            below += sum_lt + p * (double)(gt - lt);   /* caps <= p fit whole */
            lo = gt;
        }
    }
    /* above is 0 only when rounding made the caps fit after all. */
    return above ? (capacity - below) / (double)above : INFINITY;
}

int fairshare_exact(size_t nres, const double *capacity, size_t nflows,
                    const uint32_t *res, const double *cap, double *rate)
{
    double *left = malloc(nres * sizeof *left);
    unsigned char *frozen = calloc(nflows ? nflows : 1, 1);
    size_t *count = malloc((nres ? nres : 1) * sizeof *count);
    if (!left || !frozen || !count) {
        free(left);
        free(frozen);
        free(count);
        return -1;
    }
    memcpy(left, capacity, nres * sizeof *left);
    for (size_t f = 0; f < nflows; f++)
        rate[f] = 0;
    size_t active = nflows;
    while (active > 0) {
        /* The next increment every unfrozen flow can take together. */
        memset(count, 0, nres * sizeof *count);
        for (size_t f = 0; f < nflows; f++)
            if (!frozen[f])
                for (int k = 0; k < 2; k++)
                    if (res[2 * f + k] != FAIRSHARE_NONE)
                        count[res[2 * f + k]]++;
        double inc = INFINITY;
        for (size_t r = 0; r < nres; r++)
            if (count[r] > 0 && left[r] / (double)count[r] < inc)
                inc = left[r] / (double)count[r];
        for (size_t f = 0; f < nflows; f++)
            if (!frozen[f] && cap[f] - rate[f] < inc)
                inc = cap[f] - rate[f];
        for (size_t f = 0; f < nflows; f++)
            if (!frozen[f]) {
                rate[f] += inc;
                for (int k = 0; k < 2; k++)
                    if (res[2 * f + k] != FAIRSHARE_NONE)
                        left[res[2 * f + k]] -= inc;
            }
        /* Freeze flows at their cap or on a saturated resource. */
        for (size_t f = 0; f < nflows; f++) {
            if (frozen[f])
                continue;
            int stop = rate[f] >= cap[f] * (1 - 1e-12);
            for (int k = 0; k < 2 && !stop; k++) {
                uint32_t r = res[2 * f + k];
                stop = r != FAIRSHARE_NONE && left[r] <= capacity[r] * 1e-12;
            }
            if (stop) {
                frozen[f] = 1;
                active--;
            }
        }
    }
    free(left);
    free(frozen);
    free(count);
    return 0;
}

/* Every flow takes part. rate may be cap itself: each rate is written
 * after the last read of its cap. */
void fairshare_solve_every(size_t nres, const double *capacity, size_t nflows,
                           const uint32_t *res, const double *cap, double *rate,
                           double *level, double *scratch, uint32_t *iscratch)
{
    /* Group flows by resource (a counting sort): start[r]..start[r+1] in
     * member[] lists the flows crossing r. */
    uint32_t *start = iscratch;                 /* nres + 1 */
    uint32_t *member = start + nres + 1;        /* 2 * nflows */
    uint32_t *nb_start = member + 2 * nflows;   /* nres + 1 */
    uint32_t *nb = nb_start + nres + 1;         /* 2 * nflows */
    uint32_t *stamp = nb + 2 * nflows;          /* nres */
    uint32_t *done_at = stamp + nres;           /* nres */
    uint32_t *changed_at = done_at + nres;      /* nres */
    memset(start, 0, (nres + 1) * sizeof *start);
    for (size_t f = 0; f < nflows; f++)
        for (int k = 0; k < 2; k++)
            if (res[2 * f + k] != FAIRSHARE_NONE)
                start[res[2 * f + k] + 1]++;
    for (size_t r = 0; r < nres; r++)
        start[r + 1] += start[r];
    /* Fill using start[] as the cursors; afterwards start[r] holds the old
     * start[r+1], so shift it back by one. */
    for (size_t f = 0; f < nflows; f++)
        for (int k = 0; k < 2; k++) {
            uint32_t r = res[2 * f + k];
            if (r != FAIRSHARE_NONE)
                member[start[r]++] = (uint32_t)f;
        }
    for (size_t r = nres; r > 0; r--)
        start[r] = start[r - 1];
    start[0] = 0;
    /* The neighbours of each resource: the distinct other resources of its
     * flows. A resource's level depends on its neighbours' levels only, so
     * a sweep recomputes it only when one of them changed since its last
     * computation; an embedded OCA (no neighbours) is computed once. This
     * skips most of the work of the confirming sweep. */
    for (size_t r = 0; r < nres; r++)
        stamp[r] = UINT32_MAX;
    uint32_t nnb = 0;
    for (size_t r = 0; r < nres; r++) {
        nb_start[r] = nnb;
        for (uint32_t i = start[r]; i < start[r + 1]; i++) {
            uint32_t f = member[i];
            uint32_t other = res[2 * f] == r ? res[2 * f + 1] : res[2 * f];
            if (other != FAIRSHARE_NONE && stamp[other] != r) {
                stamp[other] = (uint32_t)r;
                nb[nnb++] = other;
            }
        }
    }
    nb_start[nres] = nnb;
    for (size_t r = 0; r < nres; r++) {
        level[r] = INFINITY;
        done_at[r] = 0;
        changed_at[r] = 0;
    }
    /* step counts resource computations; done_at[r] is the step of r's
     * last one (0: never), changed_at[r] the step its level last moved. */
    uint32_t step = 0;
    double *caps = scratch;
    for (int sweep = 0; sweep < FAIRSHARE_SWEEPS; sweep++) {
        int changed = 0;
        for (size_t r = 0; r < nres; r++) {
            uint32_t n = start[r + 1] - start[r];
            if (n == 0)
                continue;
            if (done_at[r] != 0) {
                int stale = 0;
                for (uint32_t j = nb_start[r]; j < nb_start[r + 1] && !stale; j++)
                    stale = changed_at[nb[j]] > done_at[r];
                if (!stale)
                    continue;
            }
            for (uint32_t i = 0; i < n; i++) {
                uint32_t f = member[start[r] + i];
                uint32_t other = res[2 * f] == r ? res[2 * f + 1] : res[2 * f];
                double c = cap[f];
                if (other != FAIRSHARE_NONE && level[other] < c)
                    c = level[other];
                caps[i] = c;
            }
            double l = fairshare_level(capacity[r], caps, n);
            done_at[r] = ++step;
            if (l != level[r]) {
                changed = 1;
                changed_at[r] = step;
            }
            level[r] = l;
        }
        if (!changed)
            break;
    }
    for (size_t f = 0; f < nflows; f++) {
        double x = cap[f];
        for (int k = 0; k < 2; k++) {
            uint32_t r = res[2 * f + k];
            if (r != FAIRSHARE_NONE && level[r] < x)
                x = level[r];
        }
        rate[f] = x;
    }
}

/* Only the flows that cross a resource whose caps sum to more than its
 * capacity (a congested one) need the sweeps; every other flow gets its cap.
 * This gives the same rates and levels to the bit as solving every flow:
 * for a resource whose caps fit, any sum of its flows' lowered caps, taken
 * in the same order, is no larger (rounding is monotone and the terms are
 * not negative), so its level is infinite either way; a congested resource
 * keeps all of its flows, in their order, and its neighbours; and a level
 * that stays infinite never marks a neighbour stale. So the sweeps compute
 * the congested resources' levels from the same caps in the same order. In
 * a run most resources fit most of the time (country.json after its first
 * two minutes: 0 to 5 of 117 congested, carrying 0 to 8% of the flows), and
 * the sweeps' grouping passes were a tenth of a run's instructions. */
static inline int crosses_congested(const uint32_t *res, size_t f, const uint32_t *congested)
{
    uint32_t a = res[2 * f], b = res[2 * f + 1];
    return (a != FAIRSHARE_NONE && congested[a]) || (b != FAIRSHARE_NONE && congested[b]);
}

void fairshare_solve(size_t nres, const double *capacity, size_t nflows,
                     const uint32_t *res, const double *cap, double *rate,
                     double *level, double *scratch, uint32_t *iscratch)
{
    /* The sums go in level[] (fairshare_solve_every resets it); the flags
     * and the subset's resources go past fairshare_solve_every's share of
     * iscratch. */
    uint32_t *congested = iscratch + FAIRSHARE_ISCRATCH_ALL(nres, nflows);
    uint32_t *sub_res = congested + nres;
    double *sum = level;
    for (size_t r = 0; r < nres; r++)
        sum[r] = 0;
    for (size_t f = 0; f < nflows; f++)
        for (int k = 0; k < 2; k++)
            if (res[2 * f + k] != FAIRSHARE_NONE)
                sum[res[2 * f + k]] += cap[f];
    size_t ncongested = 0;
    for (size_t r = 0; r < nres; r++) {
        congested[r] = sum[r] > capacity[r];
        ncongested += congested[r];
    }
    if (ncongested == 0) {
        for (size_t r = 0; r < nres; r++)
            level[r] = INFINITY;
        memcpy(rate, cap, nflows * sizeof *rate);
        return;
    }
    /* The subset: its caps in rate[] (in place, a flow's position only
     * moves down), its resources in sub_res. */
    size_t m = 0;
    for (size_t f = 0; f < nflows; f++)
        if (crosses_congested(res, f, congested)) {
            sub_res[2 * m] = res[2 * f];
            sub_res[2 * m + 1] = res[2 * f + 1];
            rate[m++] = cap[f];
        }
    if (m == nflows) {      /* every flow: on the caller's arrays */
        fairshare_solve_every(nres, capacity, nflows, res, cap, rate, level, scratch, iscratch);
        return;
    }
    fairshare_solve_every(nres, capacity, m, sub_res, rate, rate, level, scratch, iscratch);
    /* Spread the subset's rates back to their flows, from the end (a
     * subset position is never after its flow's). */
    for (size_t f = nflows; f-- > 0;)
        rate[f] = crosses_congested(res, f, congested) ? rate[--m] : cap[f];
}
