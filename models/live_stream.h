/* models/live_stream.h: the viewers of a live stream as players (issue #7),
 * for models/live.c. Viewers are held in groups (ISP, serving OCA, access
 * bin); a group's viewers share a rung (ABR on the fixed AVC ladder), a
 * throughput and the delay of every segment after its production, and keep
 * their own lag behind the live edge (models/live_lag.h). Deliveries and
 * origin fetches load the flow model's resources (models/network.c gives
 * VOD flows what live leaves). */
#ifndef LASTMILE_LIVE_STREAM_H
#define LASTMILE_LIVE_STREAM_H

#include "models/live_lag.h"
#include "models/world.h"

/* Access bins: LIVE_BIN_BASE x 2^(k / LIVE_BINS_PER_OCTAVE), k < LIVE_BINS. */
#define LIVE_BINS 48
#define LIVE_BINS_PER_OCTAVE 4
#define LIVE_BIN_BASE 0.25e6
/* A live manifest's size: a few playlist lines per rung. */
#define LIVE_MANIFEST_BYTES 8192.0

struct live_event;

struct live_group {
    struct live_lag lag;
    double n;                       /* viewers */
    double access_sum;              /* of their access throughputs (the bin's mean) */
    double est_bps;                 /* throughput of the last segment: the ABR estimate */
    double delay_s;                 /* the last segment's arrival after its production */
    uint32_t place;                 /* OCA, or nocas: straight from origin */
    uint32_t res[2];                /* delivery path: the place, then a link or NONE */
    uint8_t rung, active;
};

struct live_stream {
    struct live_group *g;
    uint32_t ng;
    uint32_t *group_first;          /* per ISP */
    uint32_t *place_first;          /* per ISP: its serving site's first OCA, or nocas */
    uint32_t *place_n;              /* per ISP: OCAs of that site (1 for origin) */
    uint32_t *active;               /* groups with viewers, in order of first join */
    uint32_t nactive;
    uint32_t unsorted;              /* groups added to active since it was last sorted */
    double *place_rung;             /* (nocas + 1) x nrungs: viewers of the last segment */
    double *fetch_s;                /* nocas x nrungs: the last segment's origin fetch time */
    double *fetches;                /* nocas x nrungs: origin fetches of the last segment */
    double *res_bps;                /* per resource: this event's live load now */
    double *res_new, *res_fetch;    /* per resource: scratch */
    double *eff_bps;                /* per resource: a flow's rate by processor sharing */
    double *backlog_s;              /* per resource: delivery behind after overload */
    double *res_flows;              /* per resource: viewers and fetches on it (scratch) */
    double *res_carried;            /* per resource: the load it carries (scratch) */
    double origin_fetch_flows;      /* scratch of the fixed point */
    double rebuffer_vs, watched_vs; /* viewer-seconds */
};

/* What one flow gets of a resource of capacity C carrying load_bps (rho =
 * load / C) from `flows` viewers and fetches, each with one request out at
 * most: C (1 - rho) (processor sharing), never less than C / flows. A
 * flow's transfer rate is the least of this over its path and its own cap. */
double live_ps_rate(double capacity_bps, double load_bps, double flows);
int live_stream_init(struct world *w, struct live_event *e);
void live_stream_free(struct world *w, struct live_event *e);
/* A viewer of ISP isp with access access_bps served by place joins at the
 * engine's now (its control-plane answer): returns the seconds from then to
 * its first frame (manifest, origin fetch, startup segments), or -1 when
 * memory runs out. */
double live_stream_join(struct world *w, struct live_event *e, int isp, uint32_t place,
                        double access_bps);
/* Utilization of a place (live and VOD), for load shedding. */
double live_place_util(const struct world *w, uint32_t place);
/* A new segment was produced now: ABR, origin fetches, deliveries, stalls. */
int live_stream_segment(struct world *w, struct live_event *e, simtime now);
/* The event ended: its viewers leave and its load goes. */
void live_stream_end(struct world *w, struct live_event *e);

#endif
