/* models/play.h: one session played over one trace (`lastmile play`).
 *
 * The driver runs the player's steps of models/player.c (the same ones
 * `lastmile run` drives from its events and flows) and the same rules, with
 * time taken from the trace instead of the flow model: a request waits for
 * room in the buffer, the rule picks a rung, the download costs the trace's
 * latency and bits (models/trace.h), the segment arrives. Time runs only in
 * the session and starts at 0 with the first request. */
#ifndef LASTMILE_PLAY_H
#define LASTMILE_PLAY_H

#include "models/player.h"
#include "models/trace.h"

struct play_setup {
    struct player_cfg cfg;
    const struct abr_rule *rule;
    struct abr_params params;
    struct abr_ladder ladder;
    const double *segment_bits;     /* per segment x rung (a manifest), or NULL: nominal */
    int nsegments;                  /* rows of segment_bits */
    const struct trace *trace;
    simtime watch;                  /* media to play */
    double extra_latency_s;         /* added to each download's time to first bit */
};

struct play_row {
    int index;
    double t_s;                     /* arrival */
    int rung;
    double bitrate_kbps;            /* nominal */
    double buffer_s;                /* after the arrival */
    double download_s;              /* request to last bit */
    double estimate_kbps;           /* the rule's, after the download; -1 none */
    double rebuffer_s;              /* stalled during this download */
};

struct play_summary {
    double startup_s, rebuffer_s;
    int rebuffer_events, switches, segments;
    double mean_bitrate_kbps;       /* sum(nominal kbps x media) / play time (Sabre's) */
    double mean_quality;            /* media-weighted abr_utility() */
    double play_time_s;             /* startup + media + stalls */
    int abandons;                   /* downloads abandoned (cfg.abandon) */
};

/* Plays the session; on_row (may be NULL) sees every segment. */
void play_session(const struct play_setup *p, void (*on_row)(void *ctx, const struct play_row *r),
                  void *ctx, struct play_summary *out);

#endif
