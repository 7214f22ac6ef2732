/* models/placement.h: what each OCA holds, and how it gets there.
 *
 * A policy (models/placement_<name>.c, registry in placement.c) decides
 * each night, at each site's fill window, which files each cluster should
 * hold; models/fill.c moves them there as network flows; a file is
 * servable on an OCA only once its transfer has completed. A reactive
 * cache (models/cache.h) can share each OCA's storage with the plan.
 * "static" is placement v1: filled once before the run, no fill traffic.
 *
 * Files are (title, codec, rung) of models/encoding.h: what an appliance
 * stores and a player fetches. Placement code goes through placement_nfiles
 * / placement_file_size / placement_file_title / placement_file_of_title. */
#ifndef LASTMILE_PLACEMENT_H
#define LASTMILE_PLACEMENT_H

#include "models/encoding.h"
#include "models/world.h"

static inline uint32_t placement_nfiles(const struct world *w)
{
    return w->nfiles;
}
static inline double placement_file_size(const struct world *w, uint32_t file)
{
    return w->file_bytes[file];
}
static inline uint32_t placement_file_title(const struct world *w, uint32_t file)
{
    return w->file_title[file];
}
/* The file a session of this title streams at (codec, rung). */
static inline uint32_t placement_file_of_title(const struct world *w, uint32_t title, int codec,
                                               int rung)
{
    return w->file_first[(size_t)title * CODEC_COUNT + (size_t)codec] + (uint32_t)rung;
}

/* A title's files are numbered contiguously: [*first, *end). */
static inline void placement_title_files(const struct world *w, uint32_t title, uint32_t *first,
                                         uint32_t *end)
{
    *first = w->file_first[encoding_ladder_index(title, 0)];
    *end = title + 1 < (uint32_t)w->ntitles ? w->file_first[encoding_ladder_index(title + 1, 0)]
                                            : w->nfiles;
}

/* What a policy sees when it plans one site. */
struct placement_view {
    const struct world *w;
    int site;
    const double *demand;           /* per file: forecast requests per day in the site's region */
    double demand_total;
    const uint64_t *held_by_all_embedded;  /* bitset over files: every embedded cluster of
                                              the region plans it (for tiered; NULL otherwise) */
};

struct placement_rule {
    const char *name;
    int knows_truth;                /* plans from the real demand (oracle) */
    int needs_embedded_plans;       /* wants held_by_all_embedded */
    /* How many OCAs of the site should hold the file tonight (0: none).
     * Files are offered in decreasing forecast demand per byte. */
    int (*replicas)(const struct placement_view *v, uint32_t file);
};

/* The policy of that name ("static" has none: NULL). */
const struct placement_rule *placement_policy_find(const char *name);

/* Places the initial contents (the plan of the forecast known at the
 * start, as if last night's fill had run), sets up the fill windows and
 * reactive caches. 0, or -1 when memory runs out. */
int placement_build(struct world *w);
void placement_destroy(struct world *w);
/* Called for every session once steering has chosen its path: counts the
 * request for the observed forecast and the per-OCA hit ratios, and runs
 * the reactive cache (a hit refreshes it; a miss admits the file). */
void placement_on_request(struct world *w, int isp, uint32_t file, int tier, uint32_t res0);
/* Whether oca's reactive cache holds the file (0 without caches). */
int placement_cache_holds(const struct world *w, uint32_t oca, uint32_t file);
/* Bytes in oca's reactive cache (0 without one). */
double placement_cached_bytes(const struct world *w, uint32_t oca);
/* Plans every site now, without fill (for the bench). 0 or -1. */
int placement_plan_all(struct world *w);

/* Marks file placed (servable) on oca, or not, keeping its stored bytes
 * (placement.c; also used to pre-position a premiere, models/live.c). */
void placement_set_held(struct world *w, uint32_t oca, uint32_t file, int held);

/* Whether a placed copy of file on oca is servable (placement.c). */
int placement_holds_placed(const struct world *w, uint32_t oca, uint32_t file);

/* The OCAs of site holding a servable placed copy of file, into out (room
 * for 64: copies go to ranks 0..63 only), in rendezvous rank order; their
 * count. -1 where the answer is per OCA: static placement (whole titles
 * per OCA) and reactive caches: ask oca_holds for each. The control plane
 * reads a site's holders here instead of probing every OCA (a cache miss
 * each, and with extra copies a rank computation each). */
int placement_site_copies(const struct world *w, int site, uint32_t file, uint32_t *out);

/* Placed and servable, or in the OCA's reactive cache. Static placement
 * (v1) places whole titles: a bitset over titles per OCA; the other
 * policies keep per-site plans (placement.c). */
static inline int oca_holds(const struct world *w, uint32_t oca, uint32_t file)
{
    if (!w->placement) {
        const struct oca *o = &w->ocas[oca];
        uint32_t t = w->file_title[file];
        return (t >> 6) < o->holds_words && (o->holds[t >> 6] >> (t & 63) & 1);
    }
    return placement_holds_placed(w, oca, file) || placement_cache_holds(w, oca, file);
}

/* Summary figures (placement.c). */
struct placement_totals {
    double fill_bytes;              /* real bytes moved by fills */
    double storage_used, storage;   /* bytes, all OCAs, at the end */
    uint64_t cache_requests, cache_hits;
    double cache_bytes_requested, cache_bytes_hit;
    uint64_t files_added, files_evicted;
};
void placement_totals(const struct world *w, struct placement_totals *t);

#endif
