/* models/player.h: one viewing session from play to its end. */
#ifndef LASTMILE_PLAYER_H
#define LASTMILE_PLAYER_H

#include "models/world.h"

/* What the demand draws for a new session. */
struct session_draw {
    uint32_t title;
    simtime watch;          /* media to watch from now on */
    double access_bps;
    int warm;               /* already playing at the scenario's start */
    simtime buffer;         /* warm only: media already buffered */
};

/* Opens a session of ISP isp at the engine's now and starts its first
 * download. Returns 0, or -1 when memory runs out. */
int player_open(struct world *w, int isp, const struct session_draw *d);
void player_on_download_done(void *ctx, const struct event *ev);
void player_on_resume(void *ctx, const struct event *ev);
void player_on_end(void *ctx, const struct event *ev);
/* Prefetch hints (engine_prefetch_on): the session of a resume or end
 * event; the session and flow of a download's completion. */
void player_prefetch(void *ctx, const struct event *ev);
void player_prefetch_download(void *ctx, const struct event *ev);
/* Closes every live session at the run's end (outcome "running"). */
int player_close_all(struct world *w);

#endif
