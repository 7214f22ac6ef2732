/* models/abr_throughput.c: the throughput rule.
 *
 * The estimate is the harmonic mean of the last `window` download
 * throughputs (default 5), times a safety factor (default 0.9); the rule
 * picks the highest rung under it. The harmonic mean is the one of FESTIVE
 * (Jiang, Sekar, Zhang, CoNEXT 2012) and of RobustMPC's predictor (Yin et
 * al., SIGCOMM 2015): robust to one outlying fast download. With no history
 * it picks the lowest rung. */
#include "models/abr.h"

#include <assert.h>

/* The loader's upper bound of player.abr_window (sim/scenario.c). */
#define WINDOW_MAX 8

struct tp_state {
    float bps[WINDOW_MAX];          /* ring of recent throughputs */
    unsigned char n, next;
};

_Static_assert(sizeof(struct tp_state) <= ABR_STATE_MAX, "ABR state too big");

static void tp_init(union abr_state *s, const struct abr_params *p)
{
    (void)p;
    struct tp_state *t = (struct tp_state *)s->bytes;
    t->n = t->next = 0;
}

static double tp_estimate(const struct tp_state *t)
{
    double inv = 0;
    for (int i = 0; i < t->n; i++)
        inv += 1.0 / t->bps[i];
    return t->n / inv;
}

static int tp_choose(const union abr_state *s, const struct abr_params *p,
                     const struct abr_view *v)
{
    (void)v;
    const struct tp_state *t = (const struct tp_state *)s->bytes;
    if (t->n == 0)
        return 0;
    return abr_highest_under(p, p->safety * tp_estimate(t));
}

static void tp_push(struct tp_state *t, const struct abr_params *p, double bps)
{
    int window = p->window < WINDOW_MAX ? p->window : WINDOW_MAX;
    if (bps <= 0)
        return;
    t->bps[t->next] = (float)bps;
    t->next = (unsigned char)((t->next + 1) % window);
    if (t->n < window)
        t->n++;
}

static void tp_on_download(union abr_state *s, const struct abr_params *p,
                           double bytes, simtime duration)
{
    assert(duration > 0);
    tp_push((struct tp_state *)s->bytes, p, bytes * 8.0 / simtime_to_s(duration));
}

static void tp_prime(union abr_state *s, const struct abr_params *p, double bps)
{
    tp_push((struct tp_state *)s->bytes, p, bps);
}

const struct abr_rule abr_throughput = {
    .name = "throughput",
    .state_size = sizeof(struct tp_state),
    .init = tp_init,
    .choose = tp_choose,
    .on_download = tp_on_download,
    .prime = tp_prime,
};
