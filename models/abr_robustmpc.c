/* models/abr_robustmpc.c: RobustMPC (Yin, Jindal, Sekar, Sinopoli, "A
 * Control-Theoretic Approach for Dynamic Adaptive Video Streaming over
 * HTTP", SIGCOMM 2015).
 *
 * Prediction: C = harmonic mean of the last 5 download throughputs, divided
 * by 1 + e, e the largest relative error |C_prev - x| / x of the last 5
 * predictions (as Pensieve's test/mpc.py computes it). Then over a horizon
 * of player.mpc_horizon (5) segments every rung sequence is scored by
 * QoE = sum q(R_k) - lambda sum |q(R_k) - q(R_k-1)| - mu sum rebuffer_k,
 * simulating the buffer (download time = nominal bits / C, rebuffer when it
 * exceeds the buffer, + one segment of media per download, capped at the
 * buffer cap: waiting costs nothing); the first rung of the best sequence is
 * taken. q is abr_utility(): the ladder's quality, else Mbit/s (the linear
 * QoE). lambda defaults to 1 and mu to the top rung's utility, which is
 * Pensieve's 4.3 for its 4.3 Mbit/s ladder. The search is exhaustive with a
 * bound (a branch whose utility so far plus the top utility for every step
 * left cannot beat the best is cut; see dfs()), so its cost grows with the
 * ladder; tests/test_abr.c checks it against the plain exhaustive search. */
#include "models/abr.h"

#include <math.h>

#include "models/abr_estimate.h"

#define MPC_PAST 5
#define MPC_HORIZON_MAX 8

struct mpc_state {
    float bps[MPC_PAST];
    uint16_t err_milli[MPC_PAST];   /* relative error x 1000, capped */
    float last_prediction;
    uint8_t n, next, nerr, enext;
};

_Static_assert(sizeof(struct mpc_state) <= ABR_STATE_MAX, "ABR state too big");

static void mpc_init(union abr_state *s, const struct abr_params *p, const struct abr_ladder *l)
{
    (void)p;
    (void)l;
    *(struct mpc_state *)s->bytes = (struct mpc_state){0};
}

struct search {
    int n, horizon;
    double media_s, cap_s, lambda, mu;
    double u[16], dl[16];           /* utility and predicted download time per rung */
    double bound[MPC_HORIZON_MAX + 1];  /* most QoE steps depth.. can still add */
    double u_top, g;                /* top utility; max over rungs of u - mu.dl */
    int order[16];                  /* rungs to try, the sustainable one first */
    double best;
    int best_first;
};

/* Depth-first over rung sequences, in q->order. A branch is cut
 * when its QoE so far plus bound[depth] cannot beat the best: bound sums,
 * over the steps left, the best gain any rung could have with the most
 * buffer that step could hold (the buffer grows by at most one segment per
 * step), ignoring switch penalties, so the cut never loses the optimum. */
static void dfs(struct search *q, int depth, double buffer_s, int prev, double acc, int first)
{
    for (int i = 0; i < q->n; i++) {
        int r = q->order[i];
        double dl = q->dl[r];
        double rebuf = dl > buffer_s ? dl - buffer_s : 0;
        double gain = q->u[r] - q->mu * rebuf;
        if (prev >= 0)
            gain -= q->lambda * fabs(q->u[r] - q->u[prev]);
        double next = acc + gain;
        if (next + q->bound[depth + 1] <= q->best)
            continue;
        int f = depth == 0 ? r : first;
        if (depth + 1 == q->horizon) {
            q->best = next;
            q->best_first = f;
            continue;
        }
        double b = (dl > buffer_s ? 0 : buffer_s - dl) + q->media_s;
        if (b > q->cap_s)
            b = q->cap_s;
        /* With k steps left and buffer b, the stall is at least the sum of
         * the downloads minus b + (k-1) segments of media (what the buffer
         * can hold at most), so QoE <= k.g + mu (b + (k-1) p). */
        int k = q->horizon - depth - 1;
        double cut = k * q->g + q->mu * (b + (k - 1) * q->media_s);
        if (next + cut <= q->best)
            continue;
        dfs(q, depth + 1, b, r, next, f);
    }
}

static int mpc_choose(union abr_state *s, const struct abr_params *p, const struct abr_view *v)
{
    struct mpc_state *m = (struct mpc_state *)s->bytes;
    if (m->n == 0)
        return 0;
    double inv = 0;
    for (int i = 0; i < m->n; i++)
        inv += 1.0 / m->bps[i];
    double predicted = m->n / inv;
    double err = 0;
    for (int i = 0; i < m->nerr; i++)
        if (m->err_milli[i] / 1000.0 > err)
            err = m->err_milli[i] / 1000.0;
    m->last_prediction = (float)predicted;
    const struct abr_ladder *l = v->ladder;
    double u_top = abr_utility(l, l->nrungs - 1);
    double bps = predicted / (1 + err);
    struct search q = {
        .n = l->nrungs < 16 ? l->nrungs : 16,
        .horizon = p->mpc_horizon < MPC_HORIZON_MAX ? p->mpc_horizon : MPC_HORIZON_MAX,
        .media_s = simtime_to_s(v->media), .cap_s = simtime_to_s(p->buffer_cap),
        .lambda = p->mpc_lambda, .mu = p->mpc_mu >= 0 ? p->mpc_mu : u_top,
        .best = -INFINITY, .best_first = 0,
    };
    for (int r = 0; r < q.n; r++) {
        q.u[r] = abr_utility(l, r);
        q.dl[r] = l->bps[r] * q.media_s / bps;
    }
    double b0 = simtime_to_s(v->buffer);
    /* A good sequence found early makes the bound cut more: try first the
     * highest rung the prediction sustains, then its neighbours outwards. */
    int sus = 0;
    while (sus + 1 < q.n && q.dl[sus + 1] <= q.media_s)
        sus++;
    for (int i = 0, up = sus, down = sus - 1; i < q.n; i++)
        q.order[i] = (up < q.n && (i % 2 == 0 || down < 0)) ? up++ : down--;
    q.u_top = u_top;
    q.g = -INFINITY;
    for (int r = 0; r < q.n; r++)
        if (q.u[r] - q.mu * q.dl[r] > q.g)
            q.g = q.u[r] - q.mu * q.dl[r];
    q.bound[q.horizon] = 0;
    for (int d = q.horizon - 1; d >= 0; d--) {
        double most = b0 + d * q.media_s;
        if (d > 0 && most > q.cap_s)
            most = q.cap_s;
        double g = -INFINITY;
        for (int r = 0; r < q.n; r++) {
            double x = q.u[r] - q.mu * (q.dl[r] > most ? q.dl[r] - most : 0);
            if (x > g)
                g = x;
        }
        q.bound[d] = q.bound[d + 1] + g;
    }
    dfs(&q, 0, b0, v->last_rung, 0, 0);
    return q.best_first;
}

static void mpc_on_download(union abr_state *s, const struct abr_params *p, const struct abr_sample *d)
{
    (void)p;
    struct mpc_state *m = (struct mpc_state *)s->bytes;
    double x = d->bits / simtime_to_s(d->transfer);
    if (!(x > 0))
        return;
    if (m->last_prediction > 0) {
        double e = fabs(m->last_prediction - x) / x * 1000.0 + 0.5;
        m->err_milli[m->enext] = (uint16_t)(e > 65535 ? 65535 : e);
        m->enext = (uint8_t)((m->enext + 1) % MPC_PAST);
        if (m->nerr < MPC_PAST)
            m->nerr++;
    }
    m->bps[m->next] = (float)x;
    m->next = (uint8_t)((m->next + 1) % MPC_PAST);
    if (m->n < MPC_PAST)
        m->n++;
}

static void mpc_prime(union abr_state *s, const struct abr_params *p, double bps)
{
    mpc_on_download(s, p, &(struct abr_sample){ .bits = bps, .transfer = SIM_US_PER_S });
}

static double mpc_estimate(const union abr_state *s, const struct abr_params *p)
{
    (void)p;
    const struct mpc_state *m = (const struct mpc_state *)s->bytes;
    double inv = 0;
    for (int i = 0; i < m->n; i++)
        inv += 1.0 / m->bps[i];
    return m->n ? m->n / inv : 0;
}

const struct abr_rule abr_robustmpc = {
    .name = "robustmpc",
    .state_size = sizeof(struct mpc_state),
    .init = mpc_init,
    .choose = mpc_choose,
    .on_download = mpc_on_download,
    .prime = mpc_prime,
    .estimate = mpc_estimate,
};
