/* models/abr.h: an ABR rule picks the rung of each segment.
 *
 * Rules plug in as one struct of function pointers registered by name in
 * models/abr.c (the pattern of STYLE.md); one file per rule (abr_*.c). A
 * rule's per-session state lives inline in the session (union abr_state,
 * ABR_STATE_MAX bytes), so a session never allocates. The player
 * (models/player.c) owns the buffer arithmetic; a rule only sees the view it
 * is given, including the session's own ladder (sessions of different
 * titles, codecs or devices have different ladders, so no rule reads a
 * ladder from world-level parameters). Estimators the rules share live in
 * models/abr_estimate.h. */
#ifndef LASTMILE_ABR_H
#define LASTMILE_ABR_H

#include <stddef.h>
#include <stdint.h>
#include "sim/simtime.h"

#define ABR_STATE_MAX 40

union abr_state {
    unsigned char bytes[ABR_STATE_MAX];
    float f[ABR_STATE_MAX / sizeof(float)];
};

/* A session's bitrate ladder. */
struct abr_ladder {
    int nrungs;
    const double *bps;              /* increasing, nominal bits/s */
    const float *quality;           /* VMAF-like 0-100 per rung, or NULL when unknown */
};

enum abr_estimator {
    ABR_EST_HARMONIC = 0,           /* harmonic mean of the last `window` samples */
    ABR_EST_MEAN,                   /* arithmetic mean of the last `window` (Sabre -ma sliding) */
    ABR_EST_EWMA,                   /* two EWMAs, half-lives 3 s and 8 s, the smaller (Sabre, dash.js) */
};

/* Parameters shared by every session of a run (scenario player.*). */
struct abr_params {
    simtime segment;                /* nominal segment duration */
    simtime buffer_cap;
    /* throughput */
    int window;                     /* samples remembered, 1..ABR_WINDOW_MAX */
    double safety;                  /* factor on the throughput estimate */
    enum abr_estimator estimator;
    /* rules */
    simtime rules_low, rules_high;  /* step down below, up above */
    simtime rules_hold;             /* stability window after a switch */
    double rules_up_fraction;       /* of the throughput estimate */
    /* bba: 0 = the paper's fraction of the buffer cap */
    simtime bba_reservoir, bba_cushion;
    /* bola */
    double bola_gamma_p;            /* seconds */
    /* robustmpc */
    int mpc_horizon;
    double mpc_lambda;              /* switch penalty, per unit of utility */
    double mpc_mu;                  /* rebuffer penalty per second; < 0: the default */
};

/* What the player shows a rule when it asks for the next segment. */
struct abr_view {
    simtime now;                    /* since the session started */
    simtime buffer;                 /* media buffered now */
    int last_rung;                  /* -1 before the first segment */
    simtime media;                  /* of the segment to fetch */
    const struct abr_ladder *ladder;
};

/* One finished download. */
struct abr_sample {
    double bits;
    simtime transfer;               /* first to last bit, > 0 */
    simtime latency;                /* request to first bit, >= 0 */
};

struct abr_rule {
    const char *name;               /* as written in scenarios */
    size_t state_size;              /* <= ABR_STATE_MAX */
    void (*init)(union abr_state *s, const struct abr_params *p,
                 const struct abr_ladder *l);
    int (*choose)(union abr_state *s, const struct abr_params *p,
                  const struct abr_view *v);
    void (*on_download)(union abr_state *s, const struct abr_params *p,
                        const struct abr_sample *d);
    /* Seeds the estimate with a known throughput (sessions already playing
     * at the scenario's start have a history). */
    void (*prime)(union abr_state *s, const struct abr_params *p, double bps);
    /* The rule's throughput estimate in bits/s, for `lastmile play`'s
     * output (0: none yet); NULL for a rule that keeps none (bba). */
    double (*estimate)(const union abr_state *s, const struct abr_params *p);
};

/* NULL if unknown. */
const struct abr_rule *abr_rule_find(const char *name);
/* The names, NULL-terminated, in registry order (the scenario's enum). */
extern const char *const abr_rule_names[];
/* The default parameters (scenarios/README.md lists them). */
void abr_params_default(struct abr_params *p, simtime segment, simtime buffer_cap);
/* The highest rung whose bitrate is at most bps (0 if none is). */
int abr_highest_under(const struct abr_ladder *l, double bps);
/* Sabre's latency-aware choice: the highest rung b with
 * latency + media * b / bps <= media (0 if none). */
int abr_highest_in_time(const struct abr_ladder *l, double bps, double latency_s, double media_s);
/* A rung's utility: its quality when the ladder has one, else its bitrate
 * in Mbit/s (the linear QoE of Yin et al. and Pensieve). */
double abr_utility(const struct abr_ladder *l, int rung);

/* Exposed for tests: BOLA's V.p (seconds) and its buffer-only choice. */
double abr_bola_vp(const struct abr_params *p, const struct abr_ladder *l);
/* BBA-0's reservoir and cushion in seconds, after the default scaling. */
void abr_bba_zones(const struct abr_params *p, double *reservoir_s, double *cushion_s);
int abr_bola_from_buffer(const struct abr_params *p, const struct abr_ladder *l, double buffer_s);

#endif
