/* sim/stats_ci.h: means of replications with Student-t confidence
 * intervals, paired and unpaired differences (for `lastmile compare`). */
#ifndef LASTMILE_STATS_CI_H
#define LASTMILE_STATS_CI_H

/* n values (NANs skipped and not counted), their mean, sample standard
 * deviation and the half-width of the two-sided confidence interval of the
 * mean at level (0.95): t_{(1+level)/2, n-1} * sd / sqrt(n). With fewer
 * than two values sd and half are NAN (no interval). */
struct mean_ci {
    int n;
    double mean, sd, half;
};

void stats_mean_ci(const double *x, int n, double level, struct mean_ci *out);

/* The difference of means b - a with Welch's interval (unequal variances,
 * Welch-Satterthwaite degrees of freedom). half is NAN unless both sides
 * have two values or more. */
void stats_welch_diff(const struct mean_ci *a, const struct mean_ci *b, double level,
                      struct mean_ci *out);

#endif
