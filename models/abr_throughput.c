/* models/abr_throughput.c: the throughput (rate-based) rule.
 *
 * The estimate T is, by player.abr_estimator, the harmonic mean of the last
 * `window` download throughputs (default; FESTIVE, Jiang et al., CoNEXT
 * 2012, and RobustMPC's predictor: robust to one fast outlier), their
 * arithmetic mean (Sabre's "-ma sliding"), or the dual EWMA of Sabre and
 * dash.js. The rule picks the highest rung b with
 * latency + p.b / (safety.T) <= p, p the segment's media and latency the
 * mean of the recent times to first bit (Sabre's ThroughputRule; with no
 * latency this is the textbook b <= safety.T). With no history it picks the
 * lowest rung. */
#include "models/abr.h"

#include "models/abr_estimate.h"

union tp_state {
    struct est_window w;
    struct est_ewma e;
};

_Static_assert(sizeof(union tp_state) <= ABR_STATE_MAX, "ABR state too big");

static void tp_init(union abr_state *s, const struct abr_params *p, const struct abr_ladder *l)
{
    (void)p;
    (void)l;
    *(union tp_state *)s->bytes = (union tp_state){0};
}

static int tp_choose(union abr_state *s, const struct abr_params *p, const struct abr_view *v)
{
    const union tp_state *t = (const union tp_state *)s->bytes;
    double bps, lat;
    double media_s = simtime_to_s(v->media);
    if (p->estimator == ABR_EST_EWMA) {
        bps = est_ewma_bps(&t->e);
        lat = est_ewma_latency(&t->e, simtime_to_s(p->segment));
    } else {
        bps = p->estimator == ABR_EST_MEAN ? est_window_mean(&t->w) : est_window_harmonic(&t->w);
        lat = est_window_latency(&t->w);
    }
    if (!(bps > 0))
        return 0;
    if (lat == 0)
        return abr_highest_under(v->ladder, p->safety * bps);
    return abr_highest_in_time(v->ladder, p->safety * bps, lat, media_s);
}

static void tp_on_download(union abr_state *s, const struct abr_params *p, const struct abr_sample *d)
{
    union tp_state *t = (union tp_state *)s->bytes;
    double transfer_s = simtime_to_s(d->transfer);
    if (p->estimator == ABR_EST_EWMA)
        est_ewma_push(&t->e, simtime_to_s(p->segment), transfer_s, d->bits / transfer_s,
                      simtime_to_s(d->latency));
    else
        est_window_push(&t->w, p->window, d->bits / transfer_s, simtime_to_s(d->latency));
}

static void tp_prime(union abr_state *s, const struct abr_params *p, double bps)
{
    tp_on_download(s, p, &(struct abr_sample){ .bits = bps, .transfer = SIM_US_PER_S });
}

static double tp_estimate(const union abr_state *s, const struct abr_params *p)
{
    const union tp_state *t = (const union tp_state *)s->bytes;
    if (p->estimator == ABR_EST_EWMA)
        return est_ewma_bps(&t->e);
    return p->estimator == ABR_EST_MEAN ? est_window_mean(&t->w) : est_window_harmonic(&t->w);
}

const struct abr_rule abr_throughput = {
    .name = "throughput",
    .state_size = sizeof(union tp_state),
    .init = tp_init,
    .choose = tp_choose,
    .on_download = tp_on_download,
    .prime = tp_prime,
    .estimate = tp_estimate,
};
