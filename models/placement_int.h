/* models/placement_int.h: the state shared by placement.c (plans, caches,
 * requests), forecast.c and fill.c. Not for other modules. */
#ifndef LASTMILE_PLACEMENT_INT_H
#define LASTMILE_PLACEMENT_INT_H

#include "models/cache.h"
#include "models/placement.h"

struct oca_place {
    uint32_t *queue;                /* files to fill, best first */
    uint32_t nqueue, qpos, queue_cap;
    uint32_t *evict;                /* held but not planned, least wanted first */
    uint32_t nevict, epos, evict_cap;
    uint32_t flow, file;            /* transfer in flight (flow NONE: none) */
    double night_bytes;             /* real bytes filled (or in flight) since the window opened */
    double max_night_bytes;         /* the most any night has filled, for tests */
    simtime window_end;
    double capacity;                /* bytes for placed files */
    double fill_rate_bps;           /* real, before sampling */
    double night_cap;               /* bytes; 0: none */
    struct cache *cache;            /* reactive, or NULL */
    int64_t day;                    /* local fill day the churn counters are for */
    uint32_t added_day, evicted_day;
    double fill_bytes_day;
};

/* A site's copies beyond each file's first (rendezvous rank >= 1): only
 * the hashed policy's hot files and pre-positioned premieres have them. */
struct extra_copies {
    uint32_t file;                  /* NONE: empty slot */
    uint64_t held, plan;            /* bit j: the OCA of rank j (1..63) */
};

/* What a site holds and plans. A file's copies go to the site's OCAs in
 * its rendezvous order (placement_rank_of); the first copy is a bit in a
 * bitset over files, further copies live in `extra`. */
struct site_place {
    uint64_t *held;                 /* bitset over files: servable on its rank-0 OCA */
    uint64_t *plan;                 /* bitset over files: tonight's plan for rank 0 */
    struct extra_copies *extra;     /* open addressing, power-of-two size, or NULL */
    uint32_t nextra, extra_cap;
    const uint16_t *first;          /* per file: the rank-0 OCA's index in the site */
};

/* The rank-0 OCA of every file, for sites of one size (shared). */
struct first_table {
    uint32_t noca;
    uint16_t *first;
};

struct placement {
    const struct placement_rule *policy;
    struct site_place *s;           /* per site */
    struct first_table *firsts;
    int nfirsts;
    int building;                   /* the initial plan: no fill lists */
    int twin;                       /* the last site planned from scratch, -1 none */
    int caches;                     /* every OCA keeps a reactive cache */
    int64_t twin_day;               /* and its forecast day */
    double *demand_total;           /* per region: sum of the forecast */
    uint32_t nfiles;
    struct oca_place *o;
    double *observed;               /* per region x file: requests since the last forecast */
    double *forecast;               /* per region x file: the current forecast */
    uint32_t *rank;                 /* per region x file: files best first */
    double *rank_size;              /* per region x file: the size of rank[i] */
    uint32_t *pos;                  /* per region x file: its place in rank */
    uint64_t *keys;                 /* scratch, 3 per file */
    int64_t *forecast_day;          /* per region: the local day of its forecast, -1 none */
    double smallest;                /* the smallest file's size */
    double *watch_frac;             /* per file: expected fraction of it a session streams */
    uint64_t *all_embedded;         /* scratch bitset over files */
    uint32_t *order;                /* scratch, per OCA of the biggest site */
    /* totals */
    double fill_bytes;
    uint64_t cache_requests, cache_hits, files_added, files_evicted;
    double cache_bytes_requested, cache_bytes_hit;
};

/* Scheduled releases known in advance (a premiere of models/live.c not
 * yet released at t): 1 when title is such a premiere pre-positioned for
 * region (its audience there; region -1: any), 0 when it is held back
 * (not pre-positioned, or no audience in the region), -1 when none. */
int placement_premiere(const struct world *w, uint32_t title, int region, simtime t);

/* forecast.c: brings region r's forecast and ranking to the local day
 * `day` (no-op when current). 0 or -1 (OOM). */
int forecast_update(struct world *w, int region, int64_t day);

/* placement.c */
void placement_set_held(struct world *w, uint32_t oca, uint32_t file, int held);
int placement_plan_site(struct world *w, int site, int64_t day);
int bitset_get(const uint64_t *b, uint32_t words, uint32_t i);
/* The OCA of the site (its index) holding a servable copy of file other
 * than skip (NONE: any), the lowest rendezvous rank first; NONE if none. */
uint32_t placement_site_holder(const struct world *w, int site, uint32_t file, uint32_t skip);
/* Rendezvous order of the site's OCAs (indices) for file: out[0..noca). */
void placement_rank_of(const struct world *w, int site, uint32_t file, uint32_t *out);

/* Writes the churn rows of the site's OCAs for their current day and
 * starts counting `day` (site -1: every OCA, at the run's end). */
void placement_flush_churn(struct world *w, int site, int64_t day);

/* fill.c: the fill windows. */
void fill_on_start(void *ctx, const struct event *ev);
void fill_on_done(void *ctx, const struct event *ev);
/* Local day and the next window opening of a site at or after now. */
int64_t fill_local_day(const struct world *w, int site, simtime t);
simtime fill_next_window(const struct world *w, int site, simtime after);

#endif
