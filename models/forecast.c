/* models/forecast.c: each region's demand forecast per file for the next
 * fill night, and the files ranked by it.
 *
 * Ranking follows Open Connect's published rule (reference/DOMAIN.md
 * §1.3-1.4): predicted bytes streamed divided by file size. A session of a
 * title streams on average E[min(W, D)] of its duration D (the watch-time
 * model, models/catalog.c), so the score is forecast requests x
 * E[min(W, D)] / D per byte of the file, up to a constant.
 *
 * Sources of the forecast:
 *   catalog   the catalog's popularity times a lognormal error factor
 *             exp(sigma Z - sigma^2/2) (mean 1), Z drawn per (region, night,
 *             file) from a counter-based hash, so no draw depends on the
 *             order of others;
 *   observed  the shares of requests the run itself counted in the region
 *             since the last forecast (the previous day), smoothed over days
 *             (new = (old + observed) / 2: a half-life of one day; Netflix
 *             smooths "historical viewing over multiple days", DOMAIN.md
 *             §1.4); before anything has been observed (the initial
 *             contents, a warm-up) the catalog's popularity, which is also
 *             the prior the first observations are averaged with;
 *   oracle    the sessions the run will really open in the region over the
 *             next 24 h (the oracle policy), replayed on copies of each
 *             ISP's demand streams (models/demand.c, demand_preview): the
 *             exact titles; a title's count is split over its files like
 *             the prior (the rung a session streams depends on the ABR run
 *             itself). Live events' joiners are not foreseen.
 * Scheduled releases (premieres of models/live.c) are known in advance:
 * see scheduled_releases. */
#include "models/placement_int.h"

#include <math.h>
#include <stdlib.h>

#include "models/catalog.h"
#include "models/demand.h"
#include "models/device.h"
#include "models/encoding.h"
#include "sim/rng.h"

/* Each file's expected share of the region's requests: the title's
 * popularity split over its files by the device mix (a device plays the
 * best codec it decodes among the title's, models/device.c) and the time
 * spent on each rung. Approximation (scenarios/README.md, "Models and
 * approximations"): half the time on the top rung the screen shows, a
 * quarter on the one below, and so on, the lowest rung taking the rest.
 * A top-rung-only split left the startup rungs unplaced: every session
 * opened on the IX or the origin (with an earlier re-ask rule it stayed
 * there, and the oracle lost 3 points of embedded offload against a noisy
 * forecast in tests/test_placement.c). The split is a choice, not fitted
 * to the ABR rules' measured rung residence. */
static void file_prior(const struct world *w, int region, double *prior)
{
    const struct cfg_devices *d = &w->sc->devices;
    const double *mix = device_mix(d, region);
    for (uint32_t f = 0; f < w->nfiles; f++)
        prior[f] = 0;
    for (int t = 0; t < w->ntitles; t++) {
        double p = w->titles[t].popularity;
        for (int k = 0; k < d->nclasses; k++) {
            if (mix[k] <= 0)
                continue;
            const struct cfg_device_class *c = &d->classes[k];
            /* devices.av1_capable overrides the class's AV1 bit */
            for (int v = 0; v < 2; v++) {
                unsigned codecs = c->codecs;
                double share = mix[k];
                if (d->av1_capable >= 0) {
                    share *= v ? d->av1_capable : 1 - d->av1_capable;
                    codecs = v ? codecs | 1u << CODEC_AV1 : codecs & ~(1u << CODEC_AV1);
                } else if (v) {
                    break;
                }
                if (share <= 0)
                    continue;
                int codec = encoding_best_codec(w->enc, (uint32_t)t, codecs);
                if (codec < 0)
                    continue;
                int top = encoding_rung_cap(w->enc, (uint32_t)t, codec, c->max_height) - 1;
                uint32_t f0 = placement_file_of_title(w, (uint32_t)t, codec, 0);
                double left = 1;
                for (int r = top; r > 0; r--) {
                    left *= 0.5;
                    prior[f0 + (uint32_t)r] += p * share * left;
                }
                prior[f0] += p * share * left;

            }
        }
    }
}

/* Scheduled releases are known in advance: a premiere not yet released
 * (models/live.c) that is pre-positioned for this region is forecast as
 * hot as the region's most wanted title, split over its files like the
 * prior, so the fill places it before anyone has watched it; one that is
 * not pre-positioned has no forecast until its release. The "as hot as
 * the top title" rule is this model's choice: Open Connect publishes that
 * new releases are pre-positioned, not how they are ranked. */
static int scheduled_releases(const struct world *w, int region, double *fc, const double *prior)
{
    if (w->sc->nlive == 0)
        return 0;
    simtime now = w->engine->now;
    double *title_fc = calloc((size_t)(w->ntitles ? w->ntitles : 1), sizeof *title_fc);
    if (!title_fc)
        return -1;
    for (uint32_t f = 0; f < w->nfiles; f++)
        title_fc[placement_file_title(w, f)] += fc[f];
    double top = 0;
    for (int t = 0; t < w->ntitles; t++)
        if (placement_premiere(w, (uint32_t)t, region, now) < 0 && title_fc[t] > top)
            top = title_fc[t];
    for (int t = 0; t < w->ntitles; t++) {
        int p = placement_premiere(w, (uint32_t)t, region, now);
        if (p < 0)
            continue;
        uint32_t a, b;
        placement_title_files(w, (uint32_t)t, &a, &b);
        double split = 0;
        for (uint32_t f = a; f < b; f++)
            split += prior[f];
        for (uint32_t f = a; f < b; f++)
            fc[f] = p == 1 && split > 0 ? top * prior[f] / split : 0;
    }
    free(title_fc);
    return 0;
}

struct scored {
    double score;
    uint32_t file;
};

static int by_score_desc(const void *a, const void *b)
{
    const struct scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->file > y->file) - (x->file < y->file);
}

static double gauss_from_hash(uint64_t key)
{
    double u1 = 1.0 - rng_hash_unit(key), u2 = rng_hash_unit(key ^ UINT64_C(0x9e3779b97f4a7c15));
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

int forecast_update(struct world *w, int region, int64_t day)
{
    struct placement *pl = w->placement;
    if (pl->forecast_day[region] == day)
        return 0;
    uint32_t n = pl->nfiles;
    double *fc = pl->forecast + (size_t)region * n;
    double *obs = pl->observed + (size_t)region * n;
    const struct cfg_placement *cp = &w->sc->place;
    double seen = 0;
    for (uint32_t f = 0; f < n; f++)
        seen += obs[f];
    uint64_t base = rng_mix(w->sc->seed, RNG_FORECAST, (uint64_t)region);
    double *prior = malloc((size_t)(n ? n : 1) * sizeof *prior);
    if (!prior)
        return -1;
    file_prior(w, region, prior);
    double *truth = NULL;
    if (pl->policy->knows_truth) {
        truth = calloc((size_t)(w->ntitles ? w->ntitles : 1), sizeof *truth);
        if (!truth) {
            free(prior);
            return -1;
        }
        simtime to = w->engine->now + 86400 * SIM_US_PER_S;
        double any = 0;
        for (int i = 0; i < w->nisps; i++)
            if (w->isps[i].region == region && demand_preview(w, i, to, truth) != 0) {
                free(truth);
                free(prior);
                return -1;
            }
        for (int t = 0; t < w->ntitles; t++)
            any += truth[t];
        if (any <= 0) {             /* nothing arrives: plan from the distribution */
            free(truth);
            truth = NULL;
        }
    }
    for (uint32_t f = 0; f < n; f++) {
        double p = prior[f];
        if (pl->policy->knows_truth) {
            const struct title *t = &w->titles[placement_file_title(w, f)];
            fc[f] = !truth ? p : t->popularity > 0 ? p / t->popularity * truth[placement_file_title(w, f)] : 0;
        } else if (cp->forecast == FORECAST_OBSERVED && seen > 0) {
            /* Shares, smoothed over days with a half-life of one day; the
             * first forecast (the catalog's) is the prior. */
            double prev = pl->forecast_day[region] == INT64_MIN ? p : fc[f];
            fc[f] = 0.5 * prev + 0.5 * obs[f] / seen;
        } else if (cp->forecast == FORECAST_CATALOG && cp->forecast_error > 0) {
            double s = cp->forecast_error;
            double z = gauss_from_hash(rng_mix(base, (uint64_t)day, f));
            fc[f] = p * exp(s * z - s * s / 2);
        } else {
            fc[f] = p;
        }
        obs[f] = 0;
    }
    free(truth);
    if (scheduled_releases(w, region, fc, prior) != 0) {
        free(prior);
        return -1;
    }
    free(prior);
    double total = 0;
    for (uint32_t f = 0; f < n; f++)
        total += fc[f];
    pl->demand_total[region] = total;
    struct scored *sc = malloc((size_t)n * sizeof *sc);
    if (!sc)
        return -1;
    for (uint32_t f = 0; f < n; f++)
        sc[f] = (struct scored){ fc[f] * pl->watch_frac[f] / placement_file_size(w, f), f };
    qsort(sc, n, sizeof *sc, by_score_desc);
    uint32_t *rank = pl->rank + (size_t)region * n;
    uint32_t *pos = pl->pos + (size_t)region * n;
    double *rsize = pl->rank_size + (size_t)region * n;
    for (uint32_t i = 0; i < n; i++) {
        rank[i] = sc[i].file;
        rsize[i] = placement_file_size(w, sc[i].file);
        pos[sc[i].file] = i;
    }
    free(sc);
    pl->forecast_day[region] = day;
    return 0;
}
