/* models/world.h: the simulated world, built from a struct scenario.
 *
 * Entities live in arrays indexed by small integer ids (region 2, ISP 7,
 * OCA 130); sessions live in a pool with a free list, so nothing is
 * allocated per session, segment or event. The world registers its event
 * handlers with the engine and writes its rows through sim/results (plain
 * structs; no SQLite here). results may be NULL: then nothing is written,
 * which tests and benchmarks use. */
#ifndef LASTMILE_WORLD_H
#define LASTMILE_WORLD_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "models/config.h"
#include "models/abr.h"
#include "models/trace.h"
#include "sim/engine.h"
#include "sim/error.h"

struct results;
struct encoding;

/* Event kinds. */
enum {
    EV_ARRIVAL = 1,         /* entity: ISP */
    EV_DOWNLOAD_DONE,       /* entity: session; payload: flow << 32 | its generation */
    EV_RESUME,              /* entity: session; payload: its generation */
    EV_SESSION_END,         /* entity: session; payload: its generation */
    EV_NET_TICK,            /* fair shares recomputed */
    EV_METRICS_TICK,        /* a time-series row per entity */
    EV_HEALTH,              /* health reports reach the control plane */
    EV_FAULT,               /* entity: fault; payload: 1 start, 0 end */
    EV_PLAY_TIMEOUT,        /* entity: session; payload: its generation */
    EV_COST_SAMPLE,         /* a 95th-percentile sample of billed links */
    EV_FILL_START,          /* entity: site; its fill window opens */
    EV_FILL_DONE,           /* entity: OCA; payload: its fill flow */
    EV_FIRST_BYTE,          /* entity: session; payload: its generation (trace latency) */
    EV_LIVE_ARRIVAL,        /* entity: ISP; payload: live event (| 1 << 32: the jitterless burst) */
    EV_LIVE_TRY,            /* entity: live joiner */
    EV_LIVE_ADMIT,          /* entity: live joiner */
    EV_LIVE_SEGMENT,        /* entity: live event */
    EV_LIVE_END,            /* entity: live event */
};

/* Viewing tiers first; fill traffic (placement's transfers) is a tier of
 * its own on the same links. A session's bytes are by viewing tier only. */
enum tier { TIER_EMBEDDED = 0, TIER_IX = 1, TIER_ORIGIN = 2, TIER_CDN = 3, TIER_FILL = 4, TIER_COUNT = 5 };
#define TIER_VIEW_COUNT 4
extern const char *const tier_name[TIER_COUNT];

#define NONE UINT32_MAX

struct region {
    double target_scale;            /* subscribers x sample */
    simtime period_active_since;    /* for the time-weighted concurrency */
    double active_integral;         /* session-microseconds this period */
    uint32_t active;                /* sessions alive now */
    int64_t arrivals;               /* this period */
    /* Stall and playback clocks for region_ts (schema 6): of the sessions
     * closed so far, and the region's total at the last period's end. */
    double closed_stall_us, closed_played_us;
    double period_stall_us, period_played_us;
};

struct isp {
    int region;
    int pool_first, pool_n;         /* its realizations in world.access_pool (markov) */
    double scale;                   /* subscribers x share x sample */
    double lambda_max;              /* arrivals per microsecond, for thinning */
    gsl_rng *arrivals;              /* RNG_ARRIVALS stream */
    gsl_rng *sessions;              /* RNG_SESSIONS stream */
    simtime next_arrival;           /* the pending arrival (demand.c), once arrivals_started */
    int arrivals_started;
    uint32_t transit_link;          /* resource id */
    int nembedded;                  /* embedded clusters of this ISP */
    int *embedded;                  /* site indices, in scenario order */
};

struct site {
    uint32_t first_oca;             /* OCAs of a site are contiguous */
    uint32_t noca;
};

/* A shared resource of the flow model: an OCA's egress, a peering or
 * transit link, the origin's egress. */
struct resource {
    double capacity_bps;
    double level_bps;               /* water level at the last recompute; INFINITY when uncongested */
    double committed_bps;           /* sum of the rates of its active flows */
    double live_bps;                /* live streams' load (models/live_stream.c): VOD flows share the rest */
    double bytes_period;            /* served this metrics period */
    double bytes_total;
    uint32_t flows;                 /* active flows now */
};

struct oca {
    uint32_t site;
    uint32_t resource;
    uint64_t *holds;                /* static placement: bitset over titles held */
    double stored_bytes;            /* placed (the reactive cache's are its own) */
    uint32_t titles_held;
    uint32_t holds_words;           /* length of holds; files beyond are not held */
    uint32_t requests_period, hits_period;  /* sessions counted at this OCA (placement_on_request) */
};

struct title {
    simtime duration;
    double popularity;              /* probability of being chosen */
    double size_bytes;              /* all rungs of the ladder */
    uint8_t is_film;
};

/* Playback phases; PH_FREE marks a pool slot with no session. */
enum { PH_FREE = 0, PH_STARTUP, PH_PLAYING, PH_STALLED };

/* One viewing session. Kept small: its bytes are budgeted (DESIGN §6), and
 * the fields every event reads come first, in the first cache line. Media
 * played is not stored: it is fetched - buffer. */
struct session {
    simtime t_eval;                 /* buffer last evaluated at */
    simtime buffer;                 /* media buffered at t_eval */
    simtime watch;                  /* media to watch */
    simtime fetched;                /* media downloaded */
    uint32_t gen;                   /* bumps on reuse: stale events are dropped */
    uint32_t flow;                  /* active flow, NONE; free-list link when free */
    uint32_t res[2];                /* serving path: OCA or origin, link or NONE */
    float access_bps;
    uint32_t title;
    uint8_t tier;
    uint8_t phase;
    uint8_t rung;                   /* of the current or last segment */
    uint8_t warm;
    uint16_t isp;
    uint16_t rebuffer_count;
    /* 64 bytes so far */
    simtime start;                  /* arrival */
    simtime startup_at;             /* first frame; -1 before */
    simtime rebuffer;               /* stalled time */
    double bitrate_media;           /* sum of kbps x media us, for the mean */
    /* Per-session totals in float: four tiers in the 176-byte budget
     * (models/access.c asserts it); the run's totals (metrics, resources)
     * are doubles, this only rounds the session rows (to ~1e-5). */
    float bytes[TIER_VIEW_COUNT];
    uint32_t segments;
    uint16_t switches;
    uint16_t access_trace;          /* 1 + index into world.access_pool; 0: constant access_bps */
    uint8_t device;                 /* devices.classes index */
    uint8_t codec;                  /* enum codec of its ladder */
    uint8_t rung_cap;               /* rungs its device shows: [0, rung_cap) */
    uint8_t rung_quality;           /* the current rung's quality x 2.5, rounded
                                       (models/player.c: why) */
    float quality_media;            /* sum of quality x media seconds, for the mean */
    uint8_t url;                    /* failover and re-ask state (models/control_plane.h, STEER_*) */
    uint8_t failovers;              /* saturates at 255 */
    uint8_t prev_rung;              /* of the segment before the current one (abandonment) */
    uint8_t latency_4ms;            /* the download's time to first byte / 4 ms, saturated
                                       (its trace's latency: models/access.h) */
    uint8_t episode;                /* 1 + the fault whose stall episode runs (models/failover.c), 0 none */
    union abr_state abr;
};

/* The player's settings (scenario player.*), shared by `lastmile run` and
 * `lastmile play`. */
struct player_cfg {
    simtime segment;                /* media per segment */
    simtime buffer;                 /* cap on buffered media */
    simtime startup;                /* media buffered before play (and resume) */
    int abandon;                    /* 1: abandon downloads that would run the buffer dry */
};

/* A download in flight. The pool is scanned linearly at every share
 * period, so a flow carries what the scan needs (its session's generation
 * and tier) and the scan never touches a session. */
struct flow {
    double remaining;               /* bytes */
    double rate_bps;
    simtime start;                  /* the download's start */
    /* What the download is, kept so that its end neither draws the
     * segment's size again nor reads the title's ladder (a cache miss per
     * download with per-title ladders at a million sessions): its size in
     * bytes, and its rung's bitrate for the player's mean bitrate (0 for
     * fills). The network sets them and reads neither. 64 B in all: one
     * cache line (the pool is aligned: models/network.c). */
    double bytes;
    double media_bps;
    uint32_t session;               /* NONE when the slot is free */
    uint32_t gen;                   /* the session's, for its completion event */
    uint32_t res[2];                /* second is NONE for one-resource paths */
    float cap_bps;                  /* the client's access throughput */
    uint8_t tier;
    uint8_t done_scheduled;         /* completion event pending */
    uint8_t access_varies;          /* cap follows the session's access trace */
};

struct network {
    uint32_t nres;
    struct resource *res;
    struct flow *flows;             /* pool; slots [0, flow_top) may be live */
    char *flows_block;              /* its allocation: flows is its first 64-byte boundary */
    uint32_t flow_cap, flow_free, flow_top;
    uint32_t nactive;               /* live flows */
    simtime last_tick;              /* every flow not done_scheduled is exact here */
    /* scratch for the water-filling, sized with the pool */
    uint32_t *ids, *iscratch;
    double *scratch;
    double *capacity, *level;       /* per resource, for the solver */
};

struct metrics {
    double bytes_tier[TIER_COUNT];      /* whole run */
    double bytes_requested;             /* sizes of the downloads started */
    double bytes_cut;                   /* undelivered: the run ended, a fault, an abandonment */
    uint64_t abandons;                  /* downloads abandoned (models/abandon.h) */
    double bytes_abandoned;             /* delivered by downloads then abandoned */
    double bytes_tier_period[TIER_COUNT];
    double peak_concurrent;
    double peak_egress_bps;
    double peak_peering_bps, peak_transit_bps;  /* all peering (transit) links together, per period */
    uint64_t sessions_started, sessions_warm, sessions_completed;
    uint64_t sessions_failed, failovers;
    uint64_t segments;
    double rebuffer_us, played_us, fetched_us, switches, bitrate_media;
    double quality_media;               /* quality x media seconds, sessions closed */
    double bytes_codec[CODEC_COUNT];    /* bytes delivered by codec */
    float *startup_s;                   /* non-warm sessions that played */
    size_t nstartup, startup_cap;
    simtime period_start;
};

struct placement;

struct world {
    const struct scenario *sc;
    struct engine *engine;
    struct results *results;        /* may be NULL */
    struct error *err;              /* where a failed write puts its message */

    int nregions, nisps, nsites, ntitles;
    uint32_t nocas, nlinks;
    struct region *regions;
    struct isp *isps;
    struct site *sites;
    struct oca *ocas;
    struct title *titles;
    uint32_t *peering_link;         /* per (isp, peering entry): resource id */
    uint32_t *peering_first;        /* per isp: index into peering_link */
    uint32_t origin_res;
    uint32_t first_link_res;        /* links are resources first_link_res.. */
    double mean_watch_us;           /* m = E[min(W, D)] over popularity */
    double residual_watch_us;       /* E[min(W, D)^2] / 2m: mean residual length */
    gsl_ran_discrete_t *title_pick;
    size_t words_per_bitset;
    struct placement *placement;    /* models/placement.c; NULL for "static" */

    struct session *sessions;
    uint32_t session_cap, session_free, nsessions_live;
    int64_t next_session_id;
    int64_t *session_ids;           /* database id of each pool slot */

    struct trace *access_pool;      /* pre-drawn access realizations (models/access.c) */
    int access_pool_n;
    int access_latency;             /* 1: some pool trace has a latency (flows wait for it) */
    struct control_plane *cp;       /* models/control_plane.h */
    struct faults *faults;          /* models/fault.h */
    struct cost *cost;              /* models/cost.h */
    struct live *live;              /* models/live.h; NULL without live events */
    const struct abr_rule *abr;
    struct abr_params abr_params;
    struct abr_ladder ladder;       /* scratch: the ladder of the session being served (player.c) */
    struct player_cfg player_cfg;
    struct encoding *enc;           /* every title's ladders (models/encoding.h) */
    /* Files (title, codec, rung), numbered title by title, codecs in enum
     * order, rungs increasing (models/placement.h; built by placement_build). */
    uint32_t nfiles;
    uint32_t *file_first;           /* per ladder (title x CODEC_COUNT + codec): its rung 0 */
    uint32_t *file_title;           /* per file */
    double *file_bytes;             /* per file */
    struct network net;
    struct metrics m;
    int write_failed;
};

/* Builds the world and schedules its first events on the engine. Returns
 * NULL with err filled when memory runs out or the scenario cannot be
 * built. results may be NULL. */
struct world *world_create(const struct scenario *sc, struct engine *e,
                           struct results *results, struct error *err);
/* Closes every open session at the engine's end, writes the time series'
 * last partial period and the summary. Returns 0 or -1 (err filled). */
int world_finish(struct world *w);
void world_destroy(struct world *w);
/* Bytes of state per live session, counting its share of flows and events. */
double world_bytes_per_session(const struct world *w);

#endif
