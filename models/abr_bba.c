/* models/abr_bba.c: BBA-0 (Huang, Johari, McKeown, Trunnell, Watson, "A
 * Buffer-Based Approach to Rate Adaptation", SIGCOMM 2014, section 4).
 *
 * The rate map f(B) is R_min up to the reservoir r, R_max from r + cushion,
 * linear between. With hysteresis: R+ / R- are the rungs just above / below
 * the previous one; if f(B) >= R+ take the highest rung strictly below f(B),
 * if f(B) <= R- the lowest strictly above it, else keep the previous rung.
 * The paper's setting is a 240 s buffer, r = 90 s, cushion = 126 s, 4 s
 * segments. Unless set, both scale with the highest buffer a request can
 * see, cap - segment (236 s in the paper): r = 90/236 and cushion = 126/236
 * of it, so the top rung's zone (24 s upper reservoir in the paper) stays
 * reachable with small buffers (scaling the cap alone would put it above
 * what a 25 s buffer ever holds at a request).
 * Stateless: the previous rung comes with the view. */
#include "models/abr.h"

static void bba_init(union abr_state *s, const struct abr_params *p, const struct abr_ladder *l)
{
    (void)s;
    (void)p;
    (void)l;
}

void abr_bba_zones(const struct abr_params *p, double *reservoir_s, double *cushion_s)
{
    double reach = simtime_to_s(p->buffer_cap - p->segment);
    *reservoir_s = p->bba_reservoir > 0 ? simtime_to_s(p->bba_reservoir) : reach * 90.0 / 236.0;
    *cushion_s = p->bba_cushion > 0 ? simtime_to_s(p->bba_cushion) : reach * 126.0 / 236.0;
}

static int bba_choose(union abr_state *s, const struct abr_params *p, const struct abr_view *v)
{
    (void)s;
    const struct abr_ladder *l = v->ladder;
    int top = l->nrungs - 1;
    double r, cu;
    abr_bba_zones(p, &r, &cu);
    double b = simtime_to_s(v->buffer);
    if (b <= r)
        return 0;
    if (b >= r + cu)
        return top;
    double f = l->bps[0] + (l->bps[top] - l->bps[0]) * (b - r) / cu;
    int prev = v->last_rung < 0 ? 0 : v->last_rung;
    double up = l->bps[prev < top ? prev + 1 : top];
    double down = l->bps[prev > 0 ? prev - 1 : 0];
    if (f >= up) {
        int k = 0;
        while (k + 1 <= top && l->bps[k + 1] < f)
            k++;
        return k;
    }
    if (f <= down) {
        int k = top;
        while (k - 1 >= 0 && l->bps[k - 1] > f)
            k--;
        return k;
    }
    return prev;
}

static void bba_on_download(union abr_state *s, const struct abr_params *p, const struct abr_sample *d)
{
    (void)s;
    (void)p;
    (void)d;
}

static void bba_prime(union abr_state *s, const struct abr_params *p, double bps)
{
    (void)s;
    (void)p;
    (void)bps;
}

const struct abr_rule abr_bba = {
    .name = "bba",
    .state_size = 0,
    .init = bba_init,
    .choose = bba_choose,
    .on_download = bba_on_download,
    .prime = bba_prime,
};
