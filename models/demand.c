/* models/demand.c: session arrivals.
 *
 * Each ISP's sessions arrive as a non-homogeneous Poisson process whose rate
 * makes the concurrency follow N(t) = subscribers x share x sample x
 * diurnal(local time). By Little's law the steady-state rate is N/m, with m
 * the mean session length (the catalog's mean capped watch time). When N
 * moves, the M/G/inf population lags it: for an arrival rate lambda(s) =
 * (N(s) + c N'(s)) / m and N linear, the population is
 * N(t) + N'(t) (c - m_e), with m_e = E[L^2] / 2m the mean residual length
 * (integrate lambda against the survival function of L). So c = m_e makes
 * it track a piecewise-linear N exactly but for the kinks: the rate is
 * (N + m_e N') / m, clamped at zero. (For exponential lengths m_e = m and
 * this is the familiar lambda = N/m + N'.) Startup delays and stalls
 * lengthen sessions a little beyond their watch time; tests/test_world.c
 * bounds the residual error against the target (3% per hour).
 * Arrival times are drawn by thinning (Lewis and Shedler, 1979) against the
 * rate's maximum over the day.
 *
 * Sessions already playing at the start ("warm start") are drawn from the
 * stationary M/G/inf state: Poisson(N(0)) of them, each length-biased (a
 * session is in progress with probability proportional to its length, by
 * rejection against the longest title) with a uniform fraction of it left.
 *
 * Every draw comes from the ISP's own streams (arrivals; session
 * attributes; warm start), so demand does not depend on any policy. */
#include "models/demand.h"

#include <math.h>

#include "models/player.h"
#include "sim/rng.h"


/* Local seconds of day at t, in [0, 86400). */
static double local_seconds(const struct world *w, int region, simtime t)
{
    double s = (double)(w->sc->start_unix + w->sc->regions[region].utc_offset_s) +
               simtime_to_s(t);
    s = fmod(s, 86400.0);
    return s < 0 ? s + 86400.0 : s;
}

double demand_diurnal(const struct world *w, int region, simtime t)
{
    const double *d = w->sc->regions[region].diurnal;
    double s = local_seconds(w, region, t);
    int h = (int)(s / 3600.0);
    if (h > 23)
        h = 23;
    double frac = (s - 3600.0 * h) / 3600.0;
    return d[h] + (d[(h + 1) % 24] - d[h]) * frac;
}

double demand_target(const struct world *w, int region, simtime t)
{
    return w->regions[region].target_scale * demand_diurnal(w, region, t);
}

/* Arrivals per microsecond of ISP i at t. */
static double rate_at(const struct world *w, int i, simtime t)
{
    const struct isp *ip = &w->isps[i];
    const double *d = w->sc->regions[ip->region].diurnal;
    double s = local_seconds(w, ip->region, t);
    int h = (int)(s / 3600.0);
    if (h > 23)
        h = 23;
    double slope = (d[(h + 1) % 24] - d[h]) / 3600e6;   /* per microsecond */
    double n = ip->scale * demand_diurnal(w, ip->region, t);
    double r = (n + w->residual_watch_us * ip->scale * slope) / w->mean_watch_us;
    return r > 0 ? r : 0;
}

static double rate_max(const struct world *w, int i)
{
    const struct isp *ip = &w->isps[i];
    const double *d = w->sc->regions[ip->region].diurnal;
    double best = 0;
    for (int h = 0; h < 24; h++) {
        double a = d[h], b = d[(h + 1) % 24];
        double slope = (b - a) / 3600e6;
        double r = ip->scale * ((a > b ? a : b) + w->residual_watch_us * (slope > 0 ? slope : 0)) /
                   w->mean_watch_us;
        if (r > best)
            best = r;
    }
    return best;
}

/* The next arrival of ISP i after t from stream r, or a time past the end. */
static simtime next_arrival_from(struct world *w, int i, simtime t, gsl_rng *r, double lambda_max)
{
    if (lambda_max <= 0)
        return SIM_TIME_MAX;
    double x = (double)t;
    for (;;) {
        x += gsl_ran_exponential(r, 1.0 / lambda_max);
        if (x >= (double)w->engine->end)
            return SIM_TIME_MAX;
        simtime c = (simtime)ceil(x);
        if (gsl_rng_uniform(r) * lambda_max < rate_at(w, i, c))
            return c;
    }
}

static simtime next_arrival(struct world *w, int i, simtime t)
{
    struct isp *ip = &w->isps[i];
    ip->next_arrival = next_arrival_from(w, i, t, ip->arrivals, ip->lambda_max);
    ip->arrivals_started = 1;
    return ip->next_arrival;
}

/* A realization of the ISP's time-varying access model (1-based), or 0;
 * drawn only for such ISPs, so the others' streams are unchanged. */
static uint16_t pick_access(const struct world *w, int i, gsl_rng *r)
{
    const struct isp *ip = &w->isps[i];
    if (ip->pool_n == 0)
        return 0;
    return (uint16_t)(1 + ip->pool_first + (int)gsl_rng_uniform_int(r, (unsigned long)ip->pool_n));
}

/* Title, watch time and access throughput, always drawn in this order. */
static void draw_session_from(struct world *w, int i, struct session_draw *d, gsl_rng *r)
{
    const struct scenario *sc = w->sc;
    d->title = (uint32_t)gsl_ran_discrete(r, w->title_pick);
    double watch = exp(log((double)sc->demand.watch_median) +
                       sc->demand.watch_sigma * gsl_ran_ugaussian(r));
    double dur = (double)w->titles[d->title].duration;
    d->watch = (simtime)(watch < dur ? watch : dur);
    const struct cfg_access *a = &sc->isps[i].access;
    d->access_bps = exp(log(a->median_bps) + a->sigma * gsl_ran_ugaussian(r));
    d->access_trace = pick_access(w, i, r);
    d->warm = 0;
    d->buffer = 0;
}

static void draw_session(struct world *w, int i, struct session_draw *d)
{
    draw_session_from(w, i, d, w->isps[i].sessions);
}

int demand_preview(struct world *w, int i, simtime to, double *counts)
{
    struct isp *ip = &w->isps[i];
    gsl_rng *arr = gsl_rng_clone(ip->arrivals), *ses = gsl_rng_clone(ip->sessions);
    if (!arr || !ses) {
        if (arr)
            gsl_rng_free(arr);
        if (ses)
            gsl_rng_free(ses);
        return -1;
    }
    double lambda = ip->arrivals_started ? ip->lambda_max : rate_max(w, i);
    simtime t = ip->arrivals_started ? ip->next_arrival
                                     : next_arrival_from(w, i, w->engine->now, arr, lambda);
    while (t != SIM_TIME_MAX && t < to) {
        struct session_draw d = {0};
        draw_session_from(w, i, &d, ses);
        counts[d.title] += 1;
        t = next_arrival_from(w, i, t, arr, lambda);
    }
    gsl_rng_free(arr);
    gsl_rng_free(ses);
    return 0;
}

void demand_on_arrival(void *ctx, const struct event *ev)
{
    struct world *w = ctx;
    int i = (int)ev->entity;
    struct session_draw d = {0};
    draw_session(w, i, &d);
    if (player_open(w, i, &d) != 0) {
        w->engine->failed = 1;
        return;
    }
    simtime next = next_arrival(w, i, ev->time);
    if (next != SIM_TIME_MAX)
        engine_at(w->engine, next, EV_ARRIVAL, (uint32_t)i, 0);
}

static int warm_start(struct world *w, int i)
{
    const struct scenario *sc = w->sc;
    double longest = 0;
    for (int t = 0; t < w->ntitles; t++)
        if ((double)w->titles[t].duration > longest)
            longest = (double)w->titles[t].duration;
    gsl_rng *r = rng_stream_create(sc->seed, RNG_WARM, (uint64_t)i);
    if (!r)
        return -1;
    struct isp *ip = &w->isps[i];
    unsigned n = gsl_ran_poisson(r, ip->scale * demand_diurnal(w, ip->region, 0));
    int rc = 0;
    for (unsigned k = 0; k < n && rc == 0; k++) {
        struct session_draw d = {0};
        do {
            d.title = (uint32_t)gsl_ran_discrete(r, w->title_pick);
            double watch = exp(log((double)sc->demand.watch_median) +
                               sc->demand.watch_sigma * gsl_ran_ugaussian(r));
            double dur = (double)w->titles[d.title].duration;
            d.watch = (simtime)(watch < dur ? watch : dur);
        } while (gsl_rng_uniform(r) * longest >= (double)d.watch);
        d.watch = (simtime)((double)d.watch * gsl_rng_uniform_pos(r));
        const struct cfg_access *a = &sc->isps[i].access;
        d.access_bps = exp(log(a->median_bps) + a->sigma * gsl_ran_ugaussian(r));
        d.access_trace = pick_access(w, i, r);
        d.warm = 1;
        d.buffer = (simtime)(gsl_rng_uniform(r) * (double)sc->player.buffer);
        rc = player_open(w, i, &d);
    }
    rng_stream_destroy(r);
    return rc;
}

int demand_start(struct world *w)
{
    for (int i = 0; i < w->nisps; i++) {
        struct isp *ip = &w->isps[i];
        ip->lambda_max = rate_max(w, i);
        if (w->sc->demand.warm_start && warm_start(w, i) != 0)
            return -1;
        simtime first = next_arrival(w, i, 0);
        if (first != SIM_TIME_MAX)
            engine_at(w->engine, first, EV_ARRIVAL, (uint32_t)i, 0);
    }
    return 0;
}
