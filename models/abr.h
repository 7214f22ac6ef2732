/* models/abr.h: an ABR rule picks the rung of each segment.
 *
 * Rules plug in as one struct of function pointers registered by name in
 * models/abr.c (the pattern of STYLE.md). A rule's per-session state lives
 * inline in the session (union abr_state, ABR_STATE_MAX bytes), so a session
 * never allocates. The player (models/player.c) owns the buffer arithmetic;
 * a rule only sees the view it is given. */
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

struct abr_params {
    int window;                     /* downloads remembered */
    double safety;                  /* factor on the throughput estimate */
    simtime segment;
    simtime buffer_cap;
    int nrungs;
    const double *rung_bps;         /* increasing */
};

/* What the player shows a rule when it asks for the next segment. */
struct abr_view {
    simtime buffer;                 /* media buffered now */
    int last_rung;                  /* -1 before the first segment */
};

struct abr_rule {
    const char *name;               /* as written in scenarios */
    size_t state_size;              /* <= ABR_STATE_MAX */
    void (*init)(union abr_state *s, const struct abr_params *p);
    int (*choose)(const union abr_state *s, const struct abr_params *p,
                  const struct abr_view *v);
    /* A download of bytes took duration microseconds (> 0). */
    void (*on_download)(union abr_state *s, const struct abr_params *p,
                        double bytes, simtime duration);
    /* Seeds the estimate with a known throughput (sessions already playing
     * at the scenario's start have a history). */
    void (*prime)(union abr_state *s, const struct abr_params *p, double bps);
};

/* NULL if unknown. */
const struct abr_rule *abr_rule_find(const char *name);
/* The names, NULL-terminated, for messages. */
extern const char *const abr_rule_names[];
/* The highest rung whose bitrate is at most bps (0 if none is). */
int abr_highest_under(const struct abr_params *p, double bps);

#endif
