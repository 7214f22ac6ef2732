/* sim/scenario_int.h: what the loader's own files share (scenario.c reads
 * and validates, scenario_set.c applies --set, scenario_resolved.c prints
 * the resolved scenario, scenario_read.c holds the typed readers). Not for
 * other modules: they see struct scenario. */
#ifndef LASTMILE_SCENARIO_INT_H
#define LASTMILE_SCENARIO_INT_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "models/config.h"
#include "sim/error.h"

/* Names of enum values as written in scenarios, indexed by the enum's
 * value, NULL-terminated: the parser and the printer use the same table so
 * a resolved scenario always reads back. */
extern const char *const scenario_access_models[];      /* enum access_model */
extern const char *const scenario_popularity_models[];  /* enum popularity_model */
extern const char *const scenario_ladders[];            /* enum ladder_kind */
extern const char *const scenario_abr_rules[];          /* enum abr_name */
/* Loads the trace folders of ISPs with access model "traces", relative to
 * the scenario file's folder (sim/scenario_traces.c). */
int scenario_load_traces(struct scenario *s, const char *scenario_file, struct error *err);
extern const char *const scenario_abr_estimators[];     /* enum abr_estimator */
extern const char *const scenario_abandon_modes[];      /* player.abandon: off, on */
extern const char *const scenario_steering_policies[];  /* enum steering_policy */
extern const char *const scenario_placement_policies[]; /* enum placement_policy */
extern const char *const scenario_site_kinds[];         /* enum site_kind */
extern const char *const scenario_fault_kinds[];        /* enum fault_kind */
extern const char *const scenario_drain_policies[];     /* "off", "qoe" */

/* ---- scenario_placement.c: the placement section, a site's fill keys ---- */
struct sr;
struct jsonw;
extern const char *const scenario_forecast_sources[];  /* enum forecast_source */
extern const char *const scenario_oca_kinds[];         /* enum oca_kind */
int scenario_read_placement(struct sr *l, const cJSON *root, struct scenario *s);
/* "kind" and "fill_window" of a site's "ocas" object. */
int scenario_read_site_fill(struct sr *l, const cJSON *ocas, struct cfg_site *t);
void scenario_resolve_placement(struct jsonw *w, const struct scenario *s);
void scenario_resolve_site_fill(struct jsonw *w, const struct cfg_site *t);

/* Applies one "KEY=VALUE" override to the parsed tree (root is an object).
 * Returns 0, or -1 with err->path and err->msg filled. */
int scenario_apply_set(cJSON *root, const char *set, struct error *err);

/* The canonical resolved text of s (every key, defaults applied, units
 * formatted, fixed key order), owned by the caller; NULL when out of
 * memory. */
char *scenario_resolve_json(const struct scenario *s);

/* ---- scenario_encoding.c: the "encoding" and "devices" sections ---- */

struct sr;
struct jsonw;
int scenario_read_encoding(struct sr *l, const cJSON *root, struct scenario *s);
/* After the regions: a mix is keyed by region id. */
int scenario_read_devices(struct sr *l, const cJSON *root, struct scenario *s);
void scenario_resolve_encoding(struct jsonw *w, const struct scenario *s);
void scenario_resolve_devices(struct jsonw *w, const struct scenario *s);

/* ---- scenario_read.c: typed readers that track the JSON path ---- */

struct idref {
    const char *id;
    int index;
};

/* The loader's state: the error, the path of the value being read, and the
 * id indexes built as each entity array is read (owned, freed by the
 * loader). */
struct sr {
    struct error *err;
    char path[256];
    struct idref *regions, *isps, *sites;   /* sorted by id */
};

/* Sets err->path from the current path and msg from fmt; returns -1. */
int sr_fail(struct sr *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append ".key" or "[i]" to the path; return the old length for sr_pop. */
size_t sr_push_key(struct sr *l, const char *key);
size_t sr_push_index(struct sr *l, int i);
void sr_pop(struct sr *l, size_t mark);

/* obj's member key; NULL when absent or when obj is NULL. */
const cJSON *sr_get(const cJSON *obj, const char *key);
int sr_missing(struct sr *l, const char *key);
/* "expected <expected>, found <what v is>" at the current path. */
int sr_wrong_type(struct sr *l, const char *expected, const cJSON *v);
/* Fails on the first member of obj not in keys (NULL-terminated), with a
 * did-you-mean hint and the list of known keys. */
int sr_known_keys(struct sr *l, const cJSON *obj, const char *const *keys);

/* Readers of obj's member key. obj may be NULL (a section left out): the
 * member then reads as absent. Absent members take def, or are an error
 * when required (a NULL def for unit readers). */
int sr_object(struct sr *l, const cJSON *obj, const char *key, const char *const *keys,
              const cJSON **out);                       /* absent: *out = NULL */
int sr_array(struct sr *l, const cJSON *obj, const char *key, int required,
             const cJSON **out, int *n);
enum { SR_LO_OPEN = 1, SR_HI_OPEN = 2 };                /* open ends of a range */
int sr_number(struct sr *l, const cJSON *obj, const char *key, int required, double def,
              double lo, double hi, int open, double *out);
int sr_int(struct sr *l, const cJSON *obj, const char *key, int def, int lo, int hi, int *out);
int sr_bool(struct sr *l, const cJSON *obj, const char *key, int def, int *out);
/* *out points into the tree. */
int sr_string(struct sr *l, const cJSON *obj, const char *key, int required, const char *def,
              const char **out);
/* The member "id": 1..CFG_ID_MAX-1 characters from [A-Za-z0-9_.-]. */
int sr_id(struct sr *l, const cJSON *obj, char out[CFG_ID_MAX]);
/* Index into names (NULL-terminated); absent gives 0, the default. */
int sr_enum(struct sr *l, const cJSON *obj, const char *key, const char *const *names, int *out);
/* The text of a unit string member (def when absent; like names the form in
 * a type error). On success the key stays pushed and err->path is set, for
 * a units_parse_* call; the caller pops *mark. */
int sr_unit_text(struct sr *l, const cJSON *obj, const char *key, const char *def,
                 const char *like, const char **text, size_t *mark);
/* Rates and sizes must be > 0. */
int sr_rate(struct sr *l, const cJSON *obj, const char *key, const char *def, double *out);
int sr_bytes(struct sr *l, const cJSON *obj, const char *key, const char *def, double *out);
/* A duration in [lo, hi], or (lo, hi] with SR_LO_OPEN; hi SIM_TIME_MAX for
 * no upper bound. */
int sr_duration(struct sr *l, const cJSON *obj, const char *key, const char *def, simtime lo,
                simtime hi, int open, simtime *out);
/* Printing back (scenario_resolved.c): a quantity as the shortest unit
 * text that parses to the same value. */
struct jsonw;
void sr_print_rate(struct jsonw *w, const char *key, double bps);
void sr_print_duration(struct jsonw *w, const char *key, simtime us);
/* An instant inside the run: absolute, or a time from the start. */
int sr_run_instant(struct sr *l, const cJSON *obj, const char *key, const struct scenario *s,
                   const char *what, simtime *at);

/* The id of element i of an entity array: every cfg struct begins with
 * char id[CFG_ID_MAX]. */
#define ID_AT(base, stride, i) ((const char *)(base) + (size_t)(i) * (stride))
/* Sorts the n ids of array (named "regions" in paths, "region" in
 * messages) into *out (owned by the caller even on failure) and fails on
 * the first duplicate in document order, naming both elements. */
int sr_index_ids(struct sr *l, const char *what, const char *array, const void *base,
                 size_t stride, int n, struct idref **out);
/* The index of the entity with this id, or -1. */
int sr_lookup(const struct idref *idx, int n, const char *id);
/* "br, us and 3 more" in document order for messages; keep filters (NULL:
 * all). Returns buf. */
const char *sr_list_ids(const void *base, size_t stride, int n, int (*keep)(const void *, int),
                        char *buf, size_t cap);

/* ---- scenario_faults.c: steering, control_plane, cdn, cost, faults ---- */

struct jsonw;
/* Reads the sections after the entities are indexed (faults name them). */
int scenario_read_control(struct sr *l, const cJSON *root, struct scenario *s);
/* Prints them back in the resolved text. */
void scenario_resolve_control(struct jsonw *w, const struct scenario *s);

/* ---- scenario_live.c: the live list (premieres and live streams) ---- */

extern const char *const scenario_live_kinds[];         /* enum live_kind */
extern const char *const scenario_live_jitters[];       /* enum live_jitter */
extern const char *const scenario_retry_policies[];     /* enum retry_name */
extern const char *const scenario_shed_policies[];      /* enum shed_name */
/* Reads $.live after the regions, catalog and encoding. */
int scenario_read_live(struct sr *l, const cJSON *root, struct scenario *s);
void scenario_resolve_live(struct jsonw *w, const struct scenario *s);
void scenario_free_live(struct scenario *s);

#endif
