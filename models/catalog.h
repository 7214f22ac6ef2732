/* models/catalog.h: titles, their popularity and the watch-time law. */
#ifndef LASTMILE_CATALOG_H
#define LASTMILE_CATALOG_H

#include "models/world.h"

/* Fills w->titles, w->title_pick, w->mean_watch_us and w->residual_watch_us.
 * 0 or -1 (OOM). */
int catalog_build(struct world *w);
void catalog_destroy(struct world *w);
/* E[min(W, d)] in microseconds for W lognormal with the given median (us)
 * and sigma: the mean watch time of a title of duration d. */
double catalog_mean_capped_watch(double median_us, double sigma, double d_us);
/* E[min(W, d)^2] in microseconds squared, for the same W. */
double catalog_m2_capped_watch(double median_us, double sigma, double d_us);

#endif
