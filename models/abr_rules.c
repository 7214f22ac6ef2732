/* models/abr_rules.c: the seed's buffer rules, with a stability window.
 *
 * Below player.rules_low of buffer (10 s) step down one rung, at once;
 * at or above player.rules_high (60 s, but at most the buffer cap minus one
 * segment, which a buffer can reach) step up to the highest rung under
 * rules_up_fraction (80%) of the throughput estimate, but only when the last
 * switch is at least rules_hold (30 s) old; otherwise hold. The estimate is
 * the dual EWMA of models/abr_estimate.h (recent downloads weigh more, by
 * their duration). The thresholds come from the foundation's design notes,
 * in the spirit of the buffer-threshold players surveyed by Huang et al.
 * (SIGCOMM 2014) rather than one paper. */
#include "models/abr.h"

#include "models/abr_estimate.h"

struct rules_state {
    struct est_ewma e;
    float last_switch_s;            /* session time of the last switch */
};

_Static_assert(sizeof(struct rules_state) <= ABR_STATE_MAX, "ABR state too big");

static void rules_init(union abr_state *s, const struct abr_params *p, const struct abr_ladder *l)
{
    (void)p;
    (void)l;
    *(struct rules_state *)s->bytes = (struct rules_state){ .last_switch_s = -1e30f };
}

static int rules_choose(union abr_state *s, const struct abr_params *p, const struct abr_view *v)
{
    struct rules_state *r = (struct rules_state *)s->bytes;
    int cur = v->last_rung < 0 ? 0 : v->last_rung;
    simtime high = p->rules_high;
    if (high > p->buffer_cap - p->segment)
        high = p->buffer_cap - p->segment;
    double now_s = simtime_to_s(v->now);
    int next = cur;
    if (v->buffer < p->rules_low) {
        next = cur > 0 ? cur - 1 : 0;
    } else if (v->buffer >= high && now_s - r->last_switch_s >= simtime_to_s(p->rules_hold)) {
        int target = abr_highest_under(v->ladder, p->rules_up_fraction * est_ewma_bps(&r->e));
        if (target > cur)
            next = target;
    }
    if (next != cur)
        r->last_switch_s = (float)now_s;
    return next;
}

static void rules_on_download(union abr_state *s, const struct abr_params *p, const struct abr_sample *d)
{
    struct rules_state *r = (struct rules_state *)s->bytes;
    double transfer_s = simtime_to_s(d->transfer);
    est_ewma_push(&r->e, simtime_to_s(p->segment), transfer_s, d->bits / transfer_s,
                  simtime_to_s(d->latency));
}

static void rules_prime(union abr_state *s, const struct abr_params *p, double bps)
{
    rules_on_download(s, p, &(struct abr_sample){ .bits = bps, .transfer = SIM_US_PER_S });
}

static double rules_estimate(const union abr_state *s, const struct abr_params *p)
{
    (void)p;
    return est_ewma_bps(&((const struct rules_state *)s->bytes)->e);
}

const struct abr_rule abr_rules = {
    .name = "rules",
    .state_size = sizeof(struct rules_state),
    .init = rules_init,
    .choose = rules_choose,
    .on_download = rules_on_download,
    .prime = rules_prime,
    .estimate = rules_estimate,
};
