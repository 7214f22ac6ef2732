/* models/abr_bola.c: BOLA-BASIC (Spiteri, Urgaonkar, Sitaraman, "BOLA:
 * Near-Optimal Bitrate Adaptation for Online Videos", INFOCOM 2016), in the
 * form of Sabre (Spiteri et al., MMSys 2018, `-a bola -ab`).
 *
 * Utilities u_m = ln(b_m / b_0); with gamma.p = player.bola_gamma_p (5 s)
 * and V.p = (buffer cap - p) / (u_M + gamma.p), the rule picks the m that
 * maximises (V.p (u_m + gamma.p) - B) / b_m, B the buffer in seconds. Rung m
 * is thus never chosen once B exceeds V.p (u_m + gamma.p), and the top rung
 * is the choice just below the cap minus one segment. Variant: BOLA-BASIC
 * (constant V, no placeholder, not BOLA-FINITE nor BOLA-E), with Sabre's
 * default up-switch guard (BOLA-O without oscillation): when the buffer
 * asks for a rung above the previous one, let q be the highest rung the
 * throughput estimate allows (safety 1); keep the buffer's rung if it is
 * <= q, else keep the previous rung if that is above q, else take q + 1.
 * The estimate is the dual EWMA of models/abr_estimate.h. The ladder's
 * qualities, if any, are not used: BOLA's utility is defined on bitrates. */
#include "models/abr.h"

#include <math.h>

#include "models/abr_estimate.h"

struct bola_state {
    struct est_ewma e;
};

_Static_assert(sizeof(struct bola_state) <= ABR_STATE_MAX, "ABR state too big");

static void bola_init(union abr_state *s, const struct abr_params *p, const struct abr_ladder *l)
{
    (void)p;
    (void)l;
    *(struct bola_state *)s->bytes = (struct bola_state){0};
}

double abr_bola_vp(const struct abr_params *p, const struct abr_ladder *l)
{
    double u_top = log(l->bps[l->nrungs - 1] / l->bps[0]);
    return (simtime_to_s(p->buffer_cap) - simtime_to_s(p->segment)) / (u_top + p->bola_gamma_p);
}

int abr_bola_from_buffer(const struct abr_params *p, const struct abr_ladder *l, double buffer_s)
{
    double vp = abr_bola_vp(p, l);
    int best = 0;
    double best_score = -INFINITY;
    for (int m = 0; m < l->nrungs; m++) {
        double score = (vp * (log(l->bps[m] / l->bps[0]) + p->bola_gamma_p) - buffer_s) / l->bps[m];
        if (score > best_score) {
            best = m;
            best_score = score;
        }
    }
    return best;
}

static int bola_choose(union abr_state *s, const struct abr_params *p, const struct abr_view *v)
{
    const struct bola_state *b = (const struct bola_state *)s->bytes;
    const struct abr_ladder *l = v->ladder;
    int m = abr_bola_from_buffer(p, l, simtime_to_s(v->buffer));
    int prev = v->last_rung < 0 ? 0 : v->last_rung;
    if (m <= prev)
        return m;
    double bps = est_ewma_bps(&b->e);
    int q = bps > 0 ? abr_highest_in_time(l, bps, est_ewma_latency(&b->e, simtime_to_s(p->segment)),
                                          simtime_to_s(v->media))
                    : 0;
    if (m <= q)
        return m;
    if (prev > q)
        return prev;
    return q + 1;
}

static void bola_on_download(union abr_state *s, const struct abr_params *p, const struct abr_sample *d)
{
    struct bola_state *b = (struct bola_state *)s->bytes;
    double transfer_s = simtime_to_s(d->transfer);
    est_ewma_push(&b->e, simtime_to_s(p->segment), transfer_s, d->bits / transfer_s,
                  simtime_to_s(d->latency));
}

static void bola_prime(union abr_state *s, const struct abr_params *p, double bps)
{
    bola_on_download(s, p, &(struct abr_sample){ .bits = bps, .transfer = SIM_US_PER_S });
}

static double bola_estimate(const union abr_state *s, const struct abr_params *p)
{
    (void)p;
    return est_ewma_bps(&((const struct bola_state *)s->bytes)->e);
}

const struct abr_rule abr_bola = {
    .name = "bola",
    .state_size = sizeof(struct bola_state),
    .init = bola_init,
    .choose = bola_choose,
    .on_download = bola_on_download,
    .prime = bola_prime,
    .estimate = bola_estimate,
};
