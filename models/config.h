/* models/config.h: the scenario as plain data, what the models are built from.
 *
 * sim/scenario.c fills it from JSON (parsing, units, defaults, validation,
 * --set); models never see JSON. All quantities are in base units: bits per
 * second, bytes, microseconds (simtime), seconds for clock values. Ids are
 * indices into the arrays, resolved by the loader; names are kept for the
 * database and messages. */
#ifndef LASTMILE_CONFIG_H
#define LASTMILE_CONFIG_H

#include <stdint.h>
#include "sim/simtime.h"
#include "models/trace.h"

#define CFG_ID_MAX 48
#define CFG_DIURNAL_HOURS 24
#define CFG_LADDER_MAX 16

struct cfg_region {
    char id[CFG_ID_MAX];
    int32_t utc_offset_s;           /* seconds east of UTC */
    double subscribers;             /* before sampling */
    /* Fraction of subscribers streaming at local hour h:00, linearly
     * interpolated between hours and wrapping at midnight. */
    double diurnal[CFG_DIURNAL_HOURS];
};

enum access_model { ACCESS_LOGNORMAL = 0, ACCESS_MARKOV = 1, ACCESS_TRACES = 2 };

struct cfg_access {
    enum access_model model;
    double median_bps;              /* of the per-session access throughput */
    double sigma;                   /* of its natural logarithm */
    /* markov: two states with exponential sojourns (models/access.c) */
    double good_bps, bad_bps;
    simtime good_mean, bad_mean;
    /* traces: a folder of trace files (sim/scenario_traces.c loads them) */
    char traces_dir[256];           /* as written; relative to the scenario's folder */
    int ntraces;
    struct trace *traces;           /* owned; in file-name order */
};

struct cfg_peering {
    int ix_site;                    /* index into scenario.sites, kind IX */
    double capacity_bps;
};

struct cfg_isp {
    char id[CFG_ID_MAX];
    int region;
    double share;                   /* of the region's subscribers */
    struct cfg_access access;
    int npeering;
    struct cfg_peering *peering;    /* in order of preference */
    double transit_bps;             /* the ISP's path to origin */
};

enum site_kind { SITE_EMBEDDED = 0, SITE_IX = 1 };

struct cfg_site {
    char id[CFG_ID_MAX];
    enum site_kind kind;
    int isp;                        /* embedded: its ISP; IX: -1 */
    int region;                     /* IX: its region; embedded: the ISP's */
    int oca_count;
    double oca_storage_bytes;       /* per OCA */
    double oca_egress_bps;          /* per OCA */
    int oca_kind;                   /* enum oca_kind: fill rate and volume caps */
    int32_t fill_start_s, fill_end_s;   /* local fill window; -1: placement's */
};

enum oca_kind { OCA_STORAGE = 0, OCA_FLASH = 1, OCA_KIND_COUNT = 2 };

struct cfg_origin {
    double egress_bps;              /* the cloud origin's total egress */
};

enum popularity_model { POPULARITY_ZIPF = 0 };

struct cfg_catalog {
    int titles;
    enum popularity_model popularity;
    double zipf_alpha;
    double episode_share;           /* fraction of titles that are episodes */
    simtime episode_duration;       /* nominal; each title varies +-20% */
    simtime film_duration;
};

/* The first is the default: per-title, what Open Connect serves today. */
enum ladder_kind { LADDER_PER_TITLE = 0, LADDER_FIXED = 1 };

/* Codecs, in order of generation: a device uses the highest it decodes
 * that the title has. */
enum codec { CODEC_AVC = 0, CODEC_HEVC = 1, CODEC_AV1 = 2, CODEC_COUNT = 3 };

/* The rate-quality model and ladder construction (models/encoding.c owns
 * the formulas; scenarios/README.md "encoding" documents every field). */
struct cfg_rq_model {
    double k;                       /* slope in log-bitrate */
    double gamma;                   /* R50 scales as pixels^gamma */
    double r50_bps;                 /* half-quality bitrate at 1080p, c = 1, AVC */
};

struct cfg_encoding {
    enum ladder_kind ladder;
    int nrungs;
    double rung_bps[CFG_LADDER_MAX];    /* the fixed ladder, increasing */
    /* per-title ladders */
    unsigned codecs;                /* bit (1 << enum codec): encoded */
    double av1_titles;              /* fraction of titles, most popular first, with AV1 */
    double bits_factor[CODEC_COUNT];/* bits for equal quality, relative to AVC */
    double complexity_median;       /* title complexity c: lognormal */
    double complexity_sigma;
    struct cfg_rq_model model;
    double min_bps, max_bps;        /* HD rungs' bitrate range */
    double max_uhd_bps;             /* 2160p rungs up to this */
    double quality_step;            /* VMAF points between rungs */
    double top_quality;             /* HD ladder stops at this quality */
    double top_quality_uhd;         /* 2160p rungs stop at this quality */
    double banding_floor_bps;       /* 1080p AVC floor on flat content */
    double banding_flat;            /* complexity below which the full floor applies */
    double vbr_factor;              /* file bytes / (nominal bitrate x duration) */
    double vbr_sigma;               /* per-segment size variation (lognormal sigma) */
};

#define CFG_DEVICE_MAX 16

struct cfg_device_class {
    char id[CFG_ID_MAX];
    unsigned codecs;                /* bit (1 << enum codec): decodes */
    int max_height;                 /* lines: 720, 1080, 2160... */
};

struct cfg_devices {
    int nclasses;
    struct cfg_device_class classes[CFG_DEVICE_MAX];
    /* mix[r][k]: share of region r's sessions on class k (sums to 1);
     * owned, nregions x CFG_DEVICE_MAX */
    double (*mix)[CFG_DEVICE_MAX];
    double default_mix[CFG_DEVICE_MAX]; /* regions not named in the mix */
    double av1_capable;             /* < 0: as the classes say; else the share of
                                       devices that decode AV1, whatever their class */
};

struct cfg_demand {
    simtime watch_median;           /* lognormal watch time, capped at the title */
    double watch_sigma;
    int warm_start;                 /* 1: sessions already playing at the start */
};

/* Same order as abr_rule_names (models/abr.c). */
enum abr_name { ABR_THROUGHPUT = 0, ABR_RULES, ABR_BBA, ABR_BOLA, ABR_ROBUSTMPC };

struct cfg_player {
    simtime segment;
    simtime buffer;                 /* cap on buffered media */
    simtime startup;                /* media buffered before play (and resume) */
    enum abr_name abr;
    int abr_window;                 /* downloads in the harmonic mean */
    double abr_safety;              /* factor on the estimate */
    int abr_estimator;              /* enum abr_estimator: harmonic, mean, ewma */
    simtime rules_low, rules_high, rules_hold;
    double rules_up_fraction;
    simtime bba_reservoir, bba_cushion;     /* 0: scaled with the buffer */
    double bola_gamma_p;            /* seconds */
    int mpc_horizon;
    double mpc_lambda, mpc_mu;      /* mu 0: the top rung's utility */
    int abandon;                    /* 0 off, 1 on (models/abandon.h) */
};

/* Steering policies (models/steer_*.c); the first is the default. */
enum steering_policy { STEERING_NEAREST_HEALTHY = 0, STEERING_NEAREST, STEERING_LEAST_LOADED };

/* The control plane (models/control_plane.c): health reports, ranked lists,
 * the QoE drain, its own request capacity, the client's failover timeout. */
struct cfg_steering {
    simtime health_period;          /* OCAs report this often */
    double overload;                /* utilization above which an OCA or link is moved down */
    simtime timeout;                /* client: no bytes this long = the URL failed */
    int drain;                      /* 1: QoE drain on */
    simtime drain_window;           /* telemetry aggregated over this */
    double drain_min_bps;           /* mean download throughput below it drains */
    double drain_max_stalled;       /* fraction of downloads ending stalled above it drains */
    int drain_min_samples;          /* downloads in a window before judging */
    simtime drain_hold;             /* a drained cluster stays drained at least this */
    double error_max_rate;          /* reported recent error rate above it: moved down (1: never) */
    int error_min_downloads;        /* downloads in a report period before the rate counts */
    simtime error_hold;             /* moved down for errors, too few downloads to judge: held this long */
};

struct cfg_control_plane {
    double capacity;                /* play requests answered per second; 0: unlimited */
    simtime timeout;                /* a request not answered by then fails */
};

struct cfg_cdn {
    int enabled;                    /* a third-party CDN after the origin */
    double capacity_bps;
};

struct cfg_cost {
    double transit_per_gb;          /* USD per GB (1e9 bytes) over transit */
    double transit_per_mbps95;      /* USD per Mbps of 95th percentile per billing period */
    double cdn_per_gb;
    double cdn_per_mbps95;
    simtime sample;                 /* 95th-percentile sample interval */
    simtime billing_period;
};

enum fault_kind {
    FAULT_OCA_DOWN = 0, FAULT_OCA_DEGRADE, FAULT_OCA_LEAK, FAULT_SITE_DOWN, FAULT_LINK_DOWN,
    FAULT_LINK_DEGRADE, FAULT_ORIGIN_DOWN, FAULT_CONTROL_PLANE_DOWN, FAULT_REGION_EVACUATION,
    FAULT_OCA_ERRORS, FAULT_KIND_COUNT
};

struct cfg_fault {
    enum fault_kind kind;
    simtime at;                     /* from the scenario's start */
    simtime length;                 /* "for" */
    int target;                     /* OCA, site, link (world link id), region; -1 none */
    char target_id[2 * CFG_ID_MAX + 8];
    double factor;                  /* degrade: capacity x factor */
    simtime leak_half_life;         /* leak: full-load time that halves the egress */
    double leak_floor;              /* leak: the egress never falls below floor x nominal */
    int to_site;                    /* evacuation: the IX site that takes the region */
    double error_rate;              /* oca_errors: share of downloads that get no bytes */
};
/* Placement policies (models/placement_*.c); the order is the names'
 * table's (sim/scenario.c). */
enum placement_policy {
    PLACEMENT_STATIC = 0, PLACEMENT_POPULARITY, PLACEMENT_TIERED, PLACEMENT_HASHED,
    PLACEMENT_NONE, PLACEMENT_ORACLE
};
enum forecast_source { FORECAST_CATALOG = 0, FORECAST_OBSERVED = 1 };

/* The placement section (sim/scenario_placement.c reads it). */
struct cfg_placement {
    enum forecast_source forecast;
    double forecast_error;          /* sigma of a lognormal factor on the catalog's popularity */
    int32_t fill_start_s, fill_end_s;           /* local clock, seconds after midnight */
    double fill_rate_bps[OCA_KIND_COUNT];       /* per OCA, by kind */
    double fill_volume_bytes[OCA_KIND_COUNT];   /* per OCA per night; 0: no cap */
    int cache;                      /* index into cache_policy_names + 1; 0: no reactive cache */
    double cache_share;             /* of each OCA's storage given to the reactive cache */
    double stickiness;              /* held files keep their place up to (1 + this) x the cutoff rank */
};

/* Live events (models/live.c): a VOD premiere or a live stream, its
 * audience, its join profile, the clients' retry policy, load shedding. */
enum live_kind { LIVE_PREMIERE = 0, LIVE_STREAM };
enum live_jitter { JITTER_UNIFORM = 0, JITTER_EXPONENTIAL };
enum retry_name { RETRY_IMMEDIATE = 0, RETRY_FIXED, RETRY_EXPONENTIAL };
enum shed_name { SHED_NONE = 0, SHED_BITRATE_CAP, SHED_PRIORITY };
enum { LIVE_TIERS = 4 };            /* anonymous, basic, standard, premium */

struct cfg_live_audience {
    int region;
    double viewers;                 /* before sampling */
    double tier_share[LIVE_TIERS];  /* sums to 1 */
};

struct cfg_retry {
    enum retry_name policy;
    simtime delay;                  /* fixed: the wait; exponential: the base */
    simtime cap;                    /* exponential: longest wait */
    int jitter;                     /* exponential: 1 full jitter, 0 none */
    int max_tries;                  /* first try included */
};

struct cfg_shed {
    enum shed_name policy;
    double threshold;               /* bitrate-cap: utilization above which new segments are capped */
    int cap_rung;                   /* bitrate-cap: the highest rung served then */
    double refuse[LIVE_TIERS - 1];  /* priority: utilization above which a tier is refused (premium never) */
};

struct cfg_live {
    char id[CFG_ID_MAX];
    enum live_kind kind;
    simtime at;                     /* release or start, from the scenario's start */
    simtime length;                 /* premiere: arrivals window; live: the event */
    int title;                      /* premiere: catalog index */
    int prepositioned;              /* premiere: on every cluster before release */
    int naudience;
    struct cfg_live_audience *audience;     /* owned */
    double burst;                   /* fraction joining in the burst at `at` */
    simtime jitter;                 /* the burst's spread (uniform width, exponential mean) */
    enum live_jitter jitter_dist;
    double prefetch;                /* fraction of the burst with the manifest already */
    struct cfg_retry retry;
    struct cfg_shed shed;
    simtime segment;                /* live: segment duration */
    simtime latency;                /* live: behind the live edge */
    int collapsing;                 /* live: concurrent misses share one origin fetch */
    double fetch_bps;               /* live: one origin fetch's rate when origin is idle */
};

struct cfg_network {
    simtime share_period;           /* fair shares recomputed this often */
};

struct cfg_metrics {
    simtime period;                 /* time-series resolution */
};

struct scenario {
    char name[64];
    char *description;              /* owned */
    int64_t start_unix;             /* UTC seconds of simulated time 0 */
    simtime duration;
    uint64_t seed;
    double sample;                  /* fraction of subscribers simulated */

    int nregions, nisps, nsites;
    struct cfg_region *regions;     /* owned arrays */
    struct cfg_isp *isps;
    struct cfg_site *sites;
    struct cfg_origin origin;
    struct cfg_catalog catalog;
    struct cfg_encoding encoding;
    struct cfg_devices devices;
    struct cfg_demand demand;
    struct cfg_player player;
    enum steering_policy steering;
    struct cfg_steering steer;
    struct cfg_control_plane control_plane;
    struct cfg_cdn cdn;
    struct cfg_cost cost;
    int nfaults;
    struct cfg_fault *faults;       /* owned */
    enum placement_policy placement;
    struct cfg_placement place;
    int nlive;
    struct cfg_live *live;          /* owned */
    struct cfg_network network;
    struct cfg_metrics metrics;

    char *resolved_json;            /* owned: every key with defaults applied,
                                       as stored in the runs table */
};

#endif
