/* models/catalog.c: the catalog of titles.
 *
 * Titles are episodes or films (a share set in the scenario); each title's
 * duration is its kind's nominal duration times a uniform factor in
 * [0.8, 1.2), drawn from the catalog's own stream so the catalog is the
 * same whatever else the scenario says. Popularity is Zipf over rank:
 * p(r) proportional to r^-alpha, title 0 the most popular (DOMAIN.md §6
 * gives alpha ~0.85 for the head of Netflix's catalogue). A title's size is
 * the bytes of all its files, every codec and rung (models/encoding.h). Watch time is lognormal, capped at the title's
 * duration; its mean (for the arrival rate, by Little's law) is computed in
 * closed form. */
#include "models/catalog.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>

#include "models/encoding.h"
#include "sim/rng.h"

double catalog_mean_capped_watch(double median_us, double sigma, double d_us)
{
    if (sigma <= 0)
        return median_us < d_us ? median_us : d_us;
    /* E[W; W < d] = e^(mu + s^2/2) Phi((ln d - mu - s^2) / s), and
     * E[min(W,d)] adds d P(W >= d). */
    double mu = log(median_us), ld = log(d_us);
    double below = exp(mu + sigma * sigma / 2) *
                   gsl_cdf_ugaussian_P((ld - mu - sigma * sigma) / sigma);
    return below + d_us * gsl_cdf_ugaussian_Q((ld - mu) / sigma);
}

double catalog_m2_capped_watch(double median_us, double sigma, double d_us)
{
    if (sigma <= 0) {
        double x = median_us < d_us ? median_us : d_us;
        return x * x;
    }
    /* E[W^2; W < d] = e^(2mu + 2s^2) Phi((ln d - mu - 2s^2) / s), plus
     * d^2 P(W >= d). */
    double mu = log(median_us), ld = log(d_us);
    double below = exp(2 * mu + 2 * sigma * sigma) *
                   gsl_cdf_ugaussian_P((ld - mu - 2 * sigma * sigma) / sigma);
    return below + d_us * d_us * gsl_cdf_ugaussian_Q((ld - mu) / sigma);
}

int catalog_build(struct world *w)
{
    const struct cfg_catalog *c = &w->sc->catalog;
    int n = c->titles;
    w->ntitles = n;
    w->titles = calloc((size_t)n, sizeof *w->titles);
    double *p = malloc((size_t)n * sizeof *p);
    gsl_rng *r = rng_stream_create(w->sc->seed, RNG_CATALOG, 0);
    if (!w->titles || !p || !r) {
        free(p);
        rng_stream_destroy(r);
        return -1;
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
        struct title *t = &w->titles[i];
        t->is_film = gsl_rng_uniform(r) >= c->episode_share;
        double nominal = (double)(t->is_film ? c->film_duration : c->episode_duration);
        t->duration = (simtime)(nominal * (0.8 + 0.4 * gsl_rng_uniform(r)));
        if (t->duration < 1)
            t->duration = 1;
        p[i] = pow((double)(i + 1), -c->zipf_alpha);
        sum += p[i];
        t->size_bytes = encoding_title_bytes(w->enc, (uint32_t)i, t->duration);
    }
    rng_stream_destroy(r);
    double mean = 0, m2 = 0;
    double median = (double)w->sc->demand.watch_median, sigma = w->sc->demand.watch_sigma;
    for (int i = 0; i < n; i++) {
        struct title *t = &w->titles[i];
        t->popularity = p[i] / sum;
        mean += t->popularity * catalog_mean_capped_watch(median, sigma, (double)t->duration);
        m2 += t->popularity * catalog_m2_capped_watch(median, sigma, (double)t->duration);
    }
    w->mean_watch_us = mean;
    w->residual_watch_us = m2 / (2 * mean);
    w->title_pick = gsl_ran_discrete_preproc((size_t)n, p);
    free(p);
    return w->title_pick ? 0 : -1;
}

void catalog_destroy(struct world *w)
{
    if (w->title_pick)
        gsl_ran_discrete_free(w->title_pick);
    free(w->titles);
    w->titles = NULL;
    w->title_pick = NULL;
}
