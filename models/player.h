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
    uint16_t access_trace;  /* 1 + index into world.access_pool, or 0 */
    int admitted;           /* the control plane answered already (a live join) */
};

/* Opens a session of ISP isp at the engine's now and starts its first
 * download. Returns 0, or -1 when memory runs out. */
int player_open(struct world *w, int isp, const struct session_draw *d);
void player_on_download_done(void *ctx, const struct event *ev);
void player_on_resume(void *ctx, const struct event *ev);
void player_on_end(void *ctx, const struct event *ev);
/* The EV_FIRST_BYTE handler: a request's latency has passed, its flow starts. */
void player_on_first_byte(void *ctx, const struct event *ev);
/* Prefetch hints (engine_prefetch_on): the session of a resume or end
 * event; the session and flow of a download's completion. */
void player_prefetch(void *ctx, const struct event *ev);
void player_prefetch_download(void *ctx, const struct event *ev);
/* The player's steps, on one session, without the world: `lastmile run`
 * drives them from events and flows, `lastmile play` (models/play.c) from a
 * trace, so both run the same player and rule code. */
/* Plays the buffer out from t_eval to now, counting stalls. */
void player_drain(struct session *s, simtime now);
/* The session's played media and stalled time at now, without touching
 * it: what player_drain would leave in fetched - buffer and rebuffer. */
void player_clocks_at(const struct session *s, simtime now, simtime *played, simtime *stalled);
/* Media of the next segment (the last one may be short). */
simtime player_segment_media(const struct player_cfg *c, const struct session *s);
/* How long to wait before the next request for the buffer to have room
 * for it (0: request now). */
simtime player_wait_for_room(const struct player_cfg *c, const struct session *s);
/* Picks the next segment's rung (sets s->rung, counts a switch). */
int player_choose(const struct player_cfg *c, const struct abr_rule *rule,
                  const struct abr_params *p, const struct abr_ladder *l,
                  struct session *s, simtime now);
/* The segment at s->rung arrived at now: drains to now, feeds the rule,
 * adds the media, starts or resumes playback. */
void player_arrived(const struct player_cfg *c, const struct abr_rule *rule,
                    const struct abr_params *p, const struct abr_ladder *l,
                    struct session *s, simtime now, const struct abr_sample *d);
/* Abandonment (models/abandon.h), shared by both drivers. The rung to
 * restart the segment in flight at, or -1 to go on; the buffer must have
 * been drained to the check's time. */
int player_abandon_rung(const struct session *s, const struct abr_ladder *l, simtime elapsed,
                        simtime latency, double delivered_bits, double total_bits);
/* The segment in flight restarts at rung: keeps the switch count between
 * played rungs and feeds the rule what the abandoned download measured. */
void player_abandoned(const struct abr_rule *rule, const struct abr_params *p,
                      struct session *s, int rung, const struct abr_sample *partial);
/* lastmile run: the check of flow fid at a share recomputation (called by
 * models/network.c only when player.abandon is on, on flows that will not
 * finish before the next one); restarts the segment at the lower rung.
 * 0, or -1 when memory runs out. */
int player_check_abandon(struct world *w, uint32_t fid);
/* The rules' parameters from the scenario's player section. */
void player_params_from_cfg(const struct cfg_player *c, struct abr_params *p);
/* Hook for models/failover.c: closes the session with outcome "failed"
 * (player_drain brings a buffer to now). */
void player_fail(struct world *w, uint32_t id);
/* Closes every live session at the run's end (outcome "running"). */
int player_close_all(struct world *w);
/* Credits bytes delivered to a session: its row's tier total (a float) and
 * the run's total of its codec (a double, so bytes.codec.* add up to the
 * tiers' exact totals). */
static inline void player_credit(struct world *w, struct session *s, double bytes)
{
    s->bytes[s->tier] += (float)bytes;
    w->m.bytes_codec[s->codec] += bytes;
}

#endif
