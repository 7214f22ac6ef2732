/* models/failover.h: the client side of steering. A session downloads from
 * the first URL of the ranked list the control plane gave it; a download
 * that gets no bytes for steering.timeout (the OCA or a link on its path is
 * down) makes it try the next URL, counted as a failover; when every URL
 * has failed the session fails (outcome "failed"). The player calls these
 * hooks; they keep the per-segment work to a few loads unless the session
 * must ask for a new list. */
#ifndef LASTMILE_FAILOVER_H
#define LASTMILE_FAILOVER_H

#include "models/world.h"

/* A new session asks for its list at its first download. */
void failover_session_opened(struct session *s);
/* A new play goes through the control plane's request queue. Returns 0
 * when it is answered now; 1 when the session waits (an EV_RESUME at the
 * answer, or an EV_PLAY_TIMEOUT that fails it). */
int failover_play(struct world *w, uint32_t id);
/* Starts the download of bytes for session id from its current URL,
 * asking for a new list first when a URL failed, its place was reported
 * down, its file changed (a rung switch), or (once per
 * report) its place is drained or failing (control_plane.h, STEER_*). A
 * download from an OCA under oca_errors may get no bytes (a failover).
 * media_bps is its rung's bitrate, kept with the flow for the player. 0,
 * or -1 when memory runs out. */
int failover_download(struct world *w, uint32_t id, double bytes, double media_bps);
/* A download finished (after the player evaluated the buffer to now). */
void failover_download_done(struct world *w, uint32_t id, double bytes, simtime took);
/* Resource r went down: every flow over it stops; its session fails over
 * after the timeout. */
void failover_cut_resource(struct world *w, uint32_t r);
/* A session closes (its buffer evaluated): ends its failover episode. */
void failover_session_closing(struct world *w, uint32_t id);
/* The EV_PLAY_TIMEOUT handler: the play was never answered. */
void failover_on_play_timeout(void *ctx, const struct event *ev);

#endif
