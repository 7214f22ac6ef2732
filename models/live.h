/* models/live.h: live events (issue #7): a VOD premiere or a live stream,
 * the herd of joins it brings, the control plane under it, retries, load
 * shedding, and (live streams) segments fetched from origin by the OCAs,
 * with or without request collapsing. */
#ifndef LASTMILE_LIVE_H
#define LASTMILE_LIVE_H

#include "models/live_stream.h"
#include "models/world.h"

/* Seconds of the per-second time series around an event's start. */
#define LIVE_TS_BEFORE 30
#define LIVE_TS_AFTER 600
#define LIVE_TS_LEN (LIVE_TS_BEFORE + LIVE_TS_AFTER)

/* One second of an event's time series. */
struct live_second {
    uint32_t arrivals;              /* first tries */
    uint32_t offered;               /* requests reaching the control plane */
    uint32_t admitted;              /* answered (and prefetched joins) */
    uint32_t refused;               /* load shedding */
    uint32_t timed_out;             /* the control plane would not answer in time */
    uint32_t failed;                /* gave up after max_tries */
    double queue_peak;              /* requests waiting at the control plane */
    double origin_bps;              /* live segment fetches from origin */
};

struct live_event {
    const struct cfg_live *c;
    gsl_rng **arrivals;             /* per ISP: RNG_LIVE stream */
    gsl_rng **retries;              /* per ISP: RNG_LIVE_RETRY stream */
    double *burst_n;                /* per ISP: expected joins in the burst */
    double *rest_rate;              /* per ISP: later joins per microsecond */
    double *tier_cdf;               /* per ISP: LIVE_TIERS cumulative shares */
    double viewers;                 /* joined now */
    /* Live streams: the viewers as players (models/live_stream.h). */
    struct live_stream s;
    double max_fetches_per_file;    /* most origin fetches of one (segment, rung, OCA) */
    double max_fetch_ratio;         /* most fetches of a segment over the OCAs requesting it */
    double fetches_total, segments_files;
    double origin_fetches_now;      /* the last segment's */
    struct live_second ts[LIVE_TS_LEN];
};

/* A joiner: one viewer from first try to joined or given up. */
struct live_joiner {
    simtime first;                  /* first try */
    uint32_t oca;                   /* live: serving OCA, nocas = origin */
    float access_bps;
    uint16_t isp;
    uint8_t tier, tries;
    uint8_t event, prefetched;
};

struct live {
    int nevents;
    struct live_event *ev;
    struct live_joiner *j;
    uint32_t nj, capj;
    float *join_s;                  /* request to first frame of every join */
    size_t njoin, capjoin;
    /* Premiere joins waiting for their first frame: the session's database
     * id and the control-plane wait before it opened, in id order. */
    struct live_pending { int64_t session; float wait_s; } *pend;
    size_t npend, cappend;
    double pre_rebuffer_us, pre_played_us;  /* premiere sessions, closed */
    uint64_t offered, admitted_cp, admitted_prefetch, refused, timed_out, failed, retries;
    uint64_t refused_tier[LIVE_TIERS];
    double queue_peak;
    double origin_peak_bps, origin_bytes;
    double rebuffer_us, watched_us;
};

/* Allocates the events, pre-positions premieres and schedules the first
 * arrivals. 0 or -1 (out of memory). No-op without events. */
int live_init(struct world *w);
void live_destroy(struct world *w);
/* Event handlers. */
void live_on_arrival(void *ctx, const struct event *ev);
void live_on_try(void *ctx, const struct event *ev);
void live_on_admit(void *ctx, const struct event *ev);
void live_on_segment(void *ctx, const struct event *ev);
void live_on_end(void *ctx, const struct event *ev);
/* A session closes (models/metrics.c): a premiere join's first frame and
 * its rebuffering are counted. */
void live_session_closed(struct world *w, uint32_t id);
/* Summary metrics live.* and the live_ts rows. 0 or -1. */
int live_write(struct world *w);
/* Offered requests over first tries in the seconds the control plane
 * turned requests away (the storm's amplification while saturated); NAN
 * when it never did. */
double live_storm_ratio(const struct world *w);

#endif
