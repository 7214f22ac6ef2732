/* sim/results.h: the results database (SQLite), as seen by the rest.
 *
 * One database holds many runs. A run is written inside one transaction
 * that begins at results_begin_run and commits at results_end_run, so a run
 * killed at any moment leaves no partial run and every earlier run intact.
 * Models hand over plain row structs; nothing outside sim/results.c and
 * sim/report.c includes sqlite3.h. The schema is documented in
 * analysis/SCHEMA.md and versioned in the schema_version table.
 *
 * Every writer returns 0, or -1 with a message in err. Doubles given as NAN
 * are stored as NULL. */
#ifndef LASTMILE_RESULTS_H
#define LASTMILE_RESULTS_H

#include <stdint.h>
#include "sim/error.h"

#define RESULTS_SCHEMA_VERSION 6

struct results;

struct run_info {
    const char *name;               /* scenario name */
    const char *scenario_json;      /* resolved scenario text */
    uint64_t seed;
    const char *version;            /* lastmile version string */
    double sample;
    double start_unix;              /* scenario start instant, UTC seconds */
    double duration_s;              /* simulated duration */
};

struct run_end {
    uint64_t events;                /* events popped */
    uint64_t fingerprint;           /* running hash of popped events */
    double wall_s;                  /* wall-clock: left out of the digest */
};

struct region_row { int id; const char *name; int utc_offset_s; double subscribers; };
struct isp_row {
    int id; const char *name; int region; double share;
    double access_median_bps, access_sigma, transit_bps;
};
struct site_row { int id; const char *name; const char *kind; int isp; int region; int oca_count; };
struct oca_row {
    int id; int site; int index_in_site;
    double storage_bytes, egress_bps, stored_bytes; int titles_held;
};
struct link_row {
    int id; const char *name; const char *kind;   /* "peering", "transit", "origin" */
    int isp; int site; double capacity_bps;       /* -1 where not applicable */
};
struct title_row {
    int id; const char *kind; double duration_s; double popularity; double size_bytes;
    double complexity;              /* encoding complexity c (models/encoding.c) */
};
/* One file's rung: (title, codec, rung) with its encode and quality. */
struct rung_row {
    int title; const char *codec; int rung; double bitrate_kbps;
    int width, height; double quality;
};

struct session_row {
    int64_t id;
    int region, isp, title;
    int warm;                       /* 1: already playing at the start */
    double start_s, end_s;          /* simulated seconds */
    const char *outcome;            /* "completed", "running" (cut by the run's end) */
    double watch_s;                 /* intended watch time */
    double startup_s;               /* NAN for warm sessions */
    double rebuffer_s; int rebuffer_count;
    double bitrate_mean_kbps;       /* time-weighted over played segments */
    int switches; int segments;
    double bytes_embedded, bytes_ix, bytes_origin;
    double bytes_cdn;
    int failovers;                  /* URLs of its lists that failed and were left */
    const char *device;             /* devices.classes id */
    const char *codec;              /* "avc", "hevc", "av1" */
    double vmaf_mean;               /* quality, weighted by media fetched; NAN when none */
};

/* A fault's impact (models/fault.c says how each figure is measured). */
struct fault_row {
    int id; const char *kind; const char *target;
    double start_s, end_s, seen_s;  /* seen: the control plane's first report of it; NAN never */
    int64_t sessions_affected, failovers, sessions_failed;
    double rebuffer_added_s, bytes_moved;
};
/* A marker on the time axis: a fault began or ended, the control plane saw
 * something go down or come back, drained or undrained a cluster. */
struct marker_row { double t_s; int seq; const char *kind; const char *target; int fault; };

/* requests: sessions counted at the OCA (served by it, or missed at its
 * cluster and it is first in rendezvous order); hits: those it served;
 * stored_bytes: placed and reactively cached bytes at the period's end. */
struct oca_ts_row { double t_s; int oca; double bytes; double egress_bps; double utilization; int flows;
                    int64_t requests; int64_t hits; double stored_bytes; };
/* One OCA's placement churn over one local fill day (models/fill.c). */
struct churn_row { int day; int oca; int64_t added; int64_t evicted; double fill_bytes; };
struct link_ts_row { double t_s; int link; double bytes; double bps; double utilization; };
/* stall_s, played_s: the region's sessions' stalled and played time in
 * the period (schema 6): stall_s / (stall_s + played_s) is its rebuffer
 * ratio over time, summing to qoe.rebuffer_ratio's parts over the run. */
struct region_ts_row { double t_s; int region; double concurrent; double target; int64_t arrivals;
                       double stall_s, played_s; };
struct tier_ts_row { double t_s; const char *tier; double bytes; double gbps; };
struct live_ts_row {
    double t_s; const char *event; int64_t arrivals, offered, admitted, refused, timed_out, failed;
    double queue_peak, joined, origin_gbps;
};

/* Opens or creates the database. Refuses a file that is not lastmile's or
 * of a newer schema version, leaving it untouched. */
struct results *results_open(const char *path, struct error *err);
void results_close(struct results *r);

int results_begin_run(struct results *r, const struct run_info *info,
                      int64_t *run_id, struct error *err);
int results_region(struct results *r, const struct region_row *row, struct error *err);
int results_isp(struct results *r, const struct isp_row *row, struct error *err);
int results_site(struct results *r, const struct site_row *row, struct error *err);
int results_oca(struct results *r, const struct oca_row *row, struct error *err);
int results_link(struct results *r, const struct link_row *row, struct error *err);
int results_title(struct results *r, const struct title_row *row, struct error *err);
int results_rung(struct results *r, const struct rung_row *row, struct error *err);
int results_session(struct results *r, const struct session_row *row, struct error *err);
int results_oca_ts(struct results *r, const struct oca_ts_row *row, struct error *err);
int results_link_ts(struct results *r, const struct link_ts_row *row, struct error *err);
int results_churn(struct results *r, const struct churn_row *row, struct error *err);
int results_region_ts(struct results *r, const struct region_ts_row *row, struct error *err);
int results_tier_ts(struct results *r, const struct tier_ts_row *row, struct error *err);
int results_summary(struct results *r, const char *metric, double value, struct error *err);
int results_fault(struct results *r, const struct fault_row *row, struct error *err);
int results_marker(struct results *r, const struct marker_row *row, struct error *err);
int results_live_ts(struct results *r, const struct live_ts_row *row, struct error *err);
/* Computes the run's digest over all its rows (wall-clock columns and
 * run_id aside, in primary-key order), stores it and commits the run. */
int results_end_run(struct results *r, const struct run_end *end,
                    uint64_t *digest, struct error *err);
/* Rolls the open run back; a no-op when none is open. */
void results_abort_run(struct results *r);
/* Recomputes the digest of a committed run (0 run_id: the latest). */
int results_run_digest(const char *path, int64_t run_id, uint64_t *digest,
                       struct error *err);

/* For readers of the file (sim/report.c and other commands that include
 * sqlite3.h): opens path read-only as a lastmile database of a schema this
 * build knows, or returns NULL with err filled (missing file, not SQLite,
 * another program's database, newer schema). Never creates the file; a hot
 * journal left by a killed run is rolled back first. Close with
 * sqlite3_close(). */
struct sqlite3;
struct sqlite3 *results_open_read(const char *path, struct error *err);
/* Resolves *run_id (0: the latest) to a run that exists in db, or fails
 * naming the run asked for and the run ids the file holds. */
int results_find_run(struct sqlite3 *db, const char *path, int64_t *run_id,
                     struct error *err);

#endif
