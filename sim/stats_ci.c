/* sim/stats_ci.c: Student-t intervals for means of replications.
 *
 * The quantile is GSL's gsl_cdf_tdist_Pinv. Welch's interval: the variance
 * of the difference is sa^2/na + sb^2/nb, with
 * df = v^2 / ((sa^2/na)^2/(na-1) + (sb^2/nb)^2/(nb-1)) (Welch 1947,
 * Satterthwaite 1946). A paired comparison is stats_mean_ci of the
 * per-seed differences. */
#include "sim/stats_ci.h"

#include <math.h>
#include <gsl/gsl_cdf.h>

void stats_mean_ci(const double *x, int n, double level, struct mean_ci *out)
{
    int k = 0;
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i])) {
            sum += x[i];
            k++;
        }
    out->n = k;
    out->mean = k ? sum / k : NAN;
    out->sd = out->half = NAN;
    if (k < 2)
        return;
    /* Two passes: the sum of squared deviations from the mean, not
     * sum(x^2) - n mean^2, which cancels badly for large equal values. */
    double ss = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i]))
            ss += (x[i] - out->mean) * (x[i] - out->mean);
    out->sd = sqrt(ss / (k - 1));
    out->half = gsl_cdf_tdist_Pinv((1 + level) / 2, k - 1) * out->sd / sqrt(k);
}

void stats_welch_diff(const struct mean_ci *a, const struct mean_ci *b, double level,
                      struct mean_ci *out)
{
    out->n = a->n < b->n ? a->n : b->n;
    out->mean = b->mean - a->mean;
    out->sd = out->half = NAN;
    if (a->n < 2 || b->n < 2)
        return;
    double va = a->sd * a->sd / a->n, vb = b->sd * b->sd / b->n, v = va + vb;
    out->sd = sqrt(v);
    if (v == 0) {
        out->half = 0;
        return;
    }
    double df = v * v / (va * va / (a->n - 1) + vb * vb / (b->n - 1));
    out->half = gsl_cdf_tdist_Pinv((1 + level) / 2, df) * sqrt(v);
}
