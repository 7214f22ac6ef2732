/* sim/scenario.c: a JSON scenario file into struct scenario.
 *
 * The pipeline: read the file (at most 64 MiB) -> cJSON parse (syntax
 * errors located by line and column) -> --set overrides on the tree
 * (scenario_set.c) -> tree checks: duplicate keys, non-finite numbers
 * (json_util.c) -> one reader per section that rejects unknown keys with a
 * did-you-mean hint, checks each value's type, unit and range, and fills
 * its default -> cross-references by id (an ISP's region, a site's ISP, a
 * peering link's IX) -> the canonical resolved text (scenario_resolved.c).
 *
 * Every check fails on the first problem with the JSON path of the value
 * ($.isps[1].access.median), what was expected and what was found; the
 * first error is the one reported. The tables of keys below are the schema;
 * scenarios/README.md is its reference and must change with it. */
#include "sim/scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "sim/input_limit.h"
#include "sim/json_util.h"
#include "sim/scenario_int.h"
#include "sim/units.h"

#define DURATION_MAX (30 * 86400 * SIM_US_PER_S)
#define SEED_MAX 9007199254740992.0         /* 2^53: integers above it are rounded by cJSON */
/* Shares are decimals like 0.1 that do not add up exactly in binary. */
#define SHARE_SLACK 1e-9

const char *const scenario_access_models[] = { "lognormal", "markov", "traces", NULL };
const char *const scenario_popularity_models[] = { "zipf", NULL };
const char *const scenario_ladders[] = { "per-title", "fixed", NULL };
const char *const scenario_abr_rules[] = { "throughput", "rules", "bba", "bola", "robustmpc", NULL };
const char *const scenario_abr_estimators[] = { "harmonic", "mean", "ewma", NULL };
const char *const scenario_abandon_modes[] = { "off", "on", NULL };
const char *const scenario_steering_policies[] = { "nearest-healthy", "nearest", "least-loaded", NULL };
const char *const scenario_placement_policies[] = { "static", "popularity", "tiered", "hashed",
                                                     "none", "oracle", NULL };
const char *const scenario_site_kinds[] = { "embedded", "ix", NULL };

/* Fraction of subscribers streaming at local hour h:00. A planning curve,
 * not a measurement: the peak level (18% of subscribers at once, at 21:00)
 * is an assumption to set per region; its shape follows reference/DOMAIN.md
 * section 6: a plateau 20:00-23:00 local (Sandvine 2010; Arbor 2009), above
 * 0.6 of the peak until 01:00, a trough of 0.17-0.22 of the peak at
 * 04:00-07:00 (Arbor), and the 02:00-14:00 Open Connect fill window in the
 * trough (0.33 of the peak on average). "diurnal" overrides it per region. */
static const double default_diurnal[CFG_DIURNAL_HOURS] = {
    0.130, 0.108, 0.081, 0.058, 0.040, 0.031, 0.031, 0.036, 0.045, 0.054, 0.061, 0.068,
    0.076, 0.079, 0.083, 0.086, 0.094, 0.104, 0.122, 0.144, 0.167, 0.180, 0.176, 0.158,
};

/* The classic fixed AVC ladder Netflix served from 2010 to 2015, before
 * per-title encoding (Netflix Tech Blog, "Per-Title Encode Optimization",
 * 2015), in kbps. */
static const double fixed_ladder_kbps[] = { 235, 375, 560, 750, 1050, 1750, 2350, 3000, 4300, 5800 };

static int site_is_ix(const void *base, int i)
{
    return ((const struct cfg_site *)base)[i].kind == SITE_IX;
}

/* ---- sections ---- */

static int rd_regions(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = { "id", "utc_offset", "subscribers", "diurnal", NULL };
    const cJSON *arr;
    int n;
    if (sr_array(l, root, "regions", 1, &arr, &n) != 0)
        return -1;
    size_t m0 = sr_push_key(l, "regions");
    if (n == 0)
        return sr_fail(l, "a scenario needs at least one region");
    if (!(s->regions = calloc((size_t)n, sizeof *s->regions)))
        return sr_fail(l, "out of memory");
    s->nregions = n;
    int i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        struct cfg_region *r = &s->regions[i];
        size_t m = sr_push_index(l, i);
        if (!cJSON_IsObject(e))
            return sr_wrong_type(l, "an object (a region)", e);
        if (sr_known_keys(l, e, keys) || sr_id(l, e, r->id))
            return -1;
        const char *off;
        size_t mo;
        if (sr_unit_text(l, e, "utc_offset", "+00:00", "an offset string like \"-03:00\"", &off, &mo))
            return -1;
        if (units_parse_offset(off, &r->utc_offset_s, l->err) != 0)
            return -1;
        sr_pop(l, mo);
        if (sr_number(l, e, "subscribers", 1, 0, 0, INFINITY, 0, &r->subscribers))
            return -1;
        const cJSON *d = sr_get(e, "diurnal");
        if (!d) {
            memcpy(r->diurnal, default_diurnal, sizeof r->diurnal);
        } else {
            size_t md = sr_push_key(l, "diurnal");
            int k = 0;
            char num[40];
            if (!cJSON_IsArray(d))
                return sr_wrong_type(l, "an array of 24 numbers, one per local hour", d);
            for (const cJSON *h = d->child; h; h = h->next, k++) {
                if (k >= CFG_DIURNAL_HOURS)
                    continue;   /* counted, then reported below */
                size_t mh = sr_push_index(l, k);
                if (!cJSON_IsNumber(h))
                    return sr_wrong_type(l, "a number (the fraction streaming at this hour)", h);
                if (h->valuedouble < 0 || h->valuedouble > 1)
                    return sr_fail(l, "must be in [0, 1] (a fraction of subscribers), found %s",
                                   jsonu_number(h->valuedouble, num, sizeof num));
                r->diurnal[k] = h->valuedouble;
                sr_pop(l, mh);
            }
            if (k != CFG_DIURNAL_HOURS)
                return sr_fail(l, "expected exactly 24 numbers (local hours 00:00 to 23:00),"
                               " found %d", k);
            sr_pop(l, md);
        }
        sr_pop(l, m);
    }
    sr_pop(l, m0);
    return sr_index_ids(l, "region", "regions", s->regions, sizeof *s->regions, n, &l->regions);
}

/* An ISP's own keys; its peering waits for the sites (rd_peering). */
static int rd_isps(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = { "id", "region", "share", "access", "peering", "transit",
                                        NULL };
    static const char *const access_keys[] = { "model", "median", "sigma", "good", "bad",
                                               "good_mean", "bad_mean", "traces", NULL };
    const cJSON *arr;
    int n;
    char list[256];
    if (sr_array(l, root, "isps", 1, &arr, &n) != 0)
        return -1;
    size_t m0 = sr_push_key(l, "isps");
    if (n == 0)
        return sr_fail(l, "a scenario needs at least one ISP");
    if (!(s->isps = calloc((size_t)n, sizeof *s->isps)))
        return sr_fail(l, "out of memory");
    s->nisps = n;
    int i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        struct cfg_isp *p = &s->isps[i];
        size_t m = sr_push_index(l, i);
        if (!cJSON_IsObject(e))
            return sr_wrong_type(l, "an object (an ISP)", e);
        const char *region;
        if (sr_known_keys(l, e, keys) || sr_id(l, e, p->id)
            || sr_string(l, e, "region", 1, NULL, &region))
            return -1;
        p->region = sr_lookup(l->regions, s->nregions, region);
        if (p->region < 0) {
            size_t mr = sr_push_key(l, "region");
            sr_fail(l, "ISP \"%s\" is in unknown region \"%.48s\"; the regions are: %s", p->id, region,
                    sr_list_ids(s->regions, sizeof *s->regions, s->nregions, NULL, list, sizeof list));
            sr_pop(l, mr);
            return -1;
        }
        if (sr_number(l, e, "share", 1, 0, 0, 1, 0, &p->share))
            return -1;
        const cJSON *acc;
        int model;
        if (sr_object(l, e, "access", access_keys, &acc))
            return -1;
        size_t ma = sr_push_key(l, "access");
        if (sr_enum(l, acc, "model", scenario_access_models, &model)
            || sr_rate(l, acc, "median", "25Mbps", &p->access.median_bps)
            || sr_number(l, acc, "sigma", 0, 0.8, 0, 3, 0, &p->access.sigma))
            return -1;
        p->access.model = (enum access_model)model;
        /* The Markov model's keys (models/access.c); read for every model
         * so a typo is caught, used by "markov" only. */
        if (sr_rate(l, acc, "good", "20Mbps", &p->access.good_bps)
            || sr_rate(l, acc, "bad", "1Mbps", &p->access.bad_bps)
            || sr_duration(l, acc, "good_mean", "60s", 0, SIM_TIME_MAX, SR_LO_OPEN,
                           &p->access.good_mean)
            || sr_duration(l, acc, "bad_mean", "10s", 0, SIM_TIME_MAX, SR_LO_OPEN,
                           &p->access.bad_mean))
            return -1;
        const char *dir;
        if (sr_string(l, acc, "traces", 0, "", &dir))
            return -1;
        if (strlen(dir) >= sizeof p->access.traces_dir) {
            size_t mt = sr_push_key(l, "traces");
            sr_fail(l, "a folder path of at most %zu characters, found %zu",
                    sizeof p->access.traces_dir - 1, strlen(dir));
            sr_pop(l, mt);
            return -1;
        }
        snprintf(p->access.traces_dir, sizeof p->access.traces_dir, "%s", dir);
        if (model == ACCESS_TRACES && !dir[0]) {
            sr_fail(l, "access model \"traces\" needs \"traces\": a folder of trace files");
            return -1;
        }
        sr_pop(l, ma);
        if (sr_rate(l, e, "transit", "10Gbps", &p->transit_bps))
            return -1;
        sr_pop(l, m);
    }
    /* Summed in document order, so the same file gives the same verdict. */
    double *sum = calloc((size_t)s->nregions, sizeof *sum);
    if (!sum)
        return sr_fail(l, "out of memory");
    for (int k = 0; k < n; k++)
        sum[s->isps[k].region] += s->isps[k].share;
    for (int r = 0; r < s->nregions; r++) {
        if (sum[r] > 1 + SHARE_SLACK) {
            sr_fail(l, "the shares of region \"%s\"'s ISPs sum to %.10g: they are fractions of"
                    " the region's subscribers and must sum to at most 1", s->regions[r].id, sum[r]);
            free(sum);
            return -1;
        }
    }
    free(sum);
    sr_pop(l, m0);
    return sr_index_ids(l, "ISP", "isps", s->isps, sizeof *s->isps, n, &l->isps);
}

static int rd_sites(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = { "id", "kind", "isp", "region", "ocas", NULL };
    static const char *const oca_keys[] = { "count", "storage", "egress", "kind", "fill_window", NULL };
    const cJSON *arr;
    int n;
    char list[256];
    if (sr_array(l, root, "sites", 0, &arr, &n) != 0)
        return -1;
    size_t m0 = sr_push_key(l, "sites");
    if (n > 0 && !(s->sites = calloc((size_t)n, sizeof *s->sites)))
        return sr_fail(l, "out of memory");
    s->nsites = n;
    int i = 0;
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next, i++) {
        struct cfg_site *t = &s->sites[i];
        size_t m = sr_push_index(l, i);
        if (!cJSON_IsObject(e))
            return sr_wrong_type(l, "an object (a site)", e);
        if (sr_known_keys(l, e, keys) || sr_id(l, e, t->id))
            return -1;
        if (!sr_get(e, "kind"))
            return sr_fail(l, "missing required key \"kind\" (\"embedded\" or \"ix\")");
        int kind;
        if (sr_enum(l, e, "kind", scenario_site_kinds, &kind))
            return -1;
        t->kind = (enum site_kind)kind;
        const char *ref;
        if (t->kind == SITE_EMBEDDED) {
            if (sr_get(e, "region"))
                return sr_fail(l, "an embedded site is in its ISP's region: remove \"region\"");
            if (!sr_get(e, "isp"))
                return sr_fail(l, "missing required key \"isp\" (the ISP an embedded site is in)");
            if (sr_string(l, e, "isp", 1, NULL, &ref))
                return -1;
            t->isp = sr_lookup(l->isps, s->nisps, ref);
            if (t->isp < 0) {
                size_t mi = sr_push_key(l, "isp");
                sr_fail(l, "site \"%s\" is embedded in unknown ISP \"%.48s\"; the ISPs are: %s", t->id,
                        ref, sr_list_ids(s->isps, sizeof *s->isps, s->nisps, NULL, list, sizeof list));
                sr_pop(l, mi);
                return -1;
            }
            t->region = s->isps[t->isp].region;
        } else {
            if (sr_get(e, "isp"))
                return sr_fail(l, "an IX site belongs to no ISP: remove \"isp\"");
            if (!sr_get(e, "region"))
                return sr_fail(l, "missing required key \"region\" (the region an IX site is in)");
            if (sr_string(l, e, "region", 1, NULL, &ref))
                return -1;
            t->isp = -1;
            t->region = sr_lookup(l->regions, s->nregions, ref);
            if (t->region < 0) {
                size_t mr = sr_push_key(l, "region");
                sr_fail(l, "site \"%s\" is in unknown region \"%.48s\"; the regions are: %s", t->id,
                        ref, sr_list_ids(s->regions, sizeof *s->regions, s->nregions, NULL, list,
                                   sizeof list));
                sr_pop(l, mr);
                return -1;
            }
        }
        const cJSON *o;
        if (sr_object(l, e, "ocas", oca_keys, &o))
            return -1;
        size_t mo = sr_push_key(l, "ocas");
        if (sr_int(l, o, "count", 1, 1, 100000, &t->oca_count)
            || sr_bytes(l, o, "storage", "120TB", &t->oca_storage_bytes)
            || sr_rate(l, o, "egress", "100Gbps", &t->oca_egress_bps)
            || scenario_read_site_fill(l, o, t))
            return -1;
        sr_pop(l, mo);
        sr_pop(l, m);
    }
    sr_pop(l, m0);
    return sr_index_ids(l, "site", "sites", s->sites, sizeof *s->sites, n, &l->sites);
}

/* The ISPs' peering links, now that the sites are known. */
static int rd_peering(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = { "ix", "capacity", NULL };
    const cJSON *isps = sr_get(root, "isps");
    char list[256];
    int i = 0;
    for (const cJSON *e = isps->child; e; e = e->next, i++) {
        struct cfg_isp *p = &s->isps[i];
        size_t m = sr_push_key(l, "isps");
        sr_push_index(l, i);
        const cJSON *arr;
        int n;
        if (sr_array(l, e, "peering", 0, &arr, &n))
            return -1;
        if (n > 0 && !(p->peering = calloc((size_t)n, sizeof *p->peering)))
            return sr_fail(l, "out of memory");
        p->npeering = n;
        sr_push_key(l, "peering");
        int j = 0;
        for (const cJSON *c = arr ? arr->child : NULL; c; c = c->next, j++) {
            struct cfg_peering *q = &p->peering[j];
            size_t mj = sr_push_index(l, j);
            const char *ix;
            if (!cJSON_IsObject(c))
                return sr_wrong_type(l, "an object like {\"ix\": \"ix-1\", \"capacity\":"
                                     " \"100Gbps\"}", c);
            if (sr_known_keys(l, c, keys) || sr_string(l, c, "ix", 1, NULL, &ix)
                || sr_rate(l, c, "capacity", NULL, &q->capacity_bps))
                return -1;
            sr_push_key(l, "ix");
            q->ix_site = sr_lookup(l->sites, s->nsites, ix);
            if (q->ix_site < 0)
                return sr_fail(l, "ISP \"%s\" peers with unknown site \"%.48s\"; the IX sites are: %s",
                               p->id, ix, sr_list_ids(s->sites, sizeof *s->sites, s->nsites, site_is_ix,
                                                list, sizeof list));
            if (s->sites[q->ix_site].kind != SITE_IX)
                return sr_fail(l, "site \"%s\" is an embedded site, not an IX: peering links go to"
                               " sites of kind \"ix\" (the IX sites are: %s)", ix,
                               sr_list_ids(s->sites, sizeof *s->sites, s->nsites, site_is_ix, list,
                                     sizeof list));
            for (int k = 0; k < j; k++)
                if (p->peering[k].ix_site == q->ix_site)
                    return sr_fail(l, "ISP \"%s\" already peers with \"%s\" (peering[%d]): give one"
                                   " link with the total capacity", p->id, ix, k);
            sr_pop(l, mj);
        }
        sr_pop(l, m);
    }
    return 0;
}

static int rd_sections(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const origin_keys[] = { "egress", NULL };
    static const char *const catalog_keys[] = { "titles", "popularity", "episode_share",
                                                "episode_duration", "film_duration", NULL };
    static const char *const popularity_keys[] = { "model", "alpha", NULL };
    static const char *const demand_keys[] = { "watch_median", "watch_sigma", "warm_start", NULL };
    static const char *const player_keys[] = { "segment", "buffer", "startup", "abr",
                                               "abr_window", "abr_safety",
                                               "abr_estimator", "rules_low", "rules_high",
                                               "rules_hold", "rules_up_fraction", "bba_reservoir",
                                               "bba_cushion", "bola_gamma_p", "mpc_horizon",
                                               "mpc_lambda", "mpc_mu", "abandon", NULL };
    static const char *const network_keys[] = { "share_period", NULL };
    static const char *const metrics_keys[] = { "period", NULL };
    const cJSON *o, *p;
    size_t m;
    int e;

    if (sr_object(l, root, "origin", origin_keys, &o))
        return -1;
    m = sr_push_key(l, "origin");
    if (sr_rate(l, o, "egress", "10Tbps", &s->origin.egress_bps))
        return -1;
    sr_pop(l, m);

    struct cfg_catalog *c = &s->catalog;
    if (sr_object(l, root, "catalog", catalog_keys, &o))
        return -1;
    m = sr_push_key(l, "catalog");
    if (sr_int(l, o, "titles", 5000, 1, 10000000, &c->titles)
        || sr_object(l, o, "popularity", popularity_keys, &p))
        return -1;
    size_t mp = sr_push_key(l, "popularity");
    if (sr_enum(l, p, "model", scenario_popularity_models, &e)
        || sr_number(l, p, "alpha", 0, 0.9, 0, 3, 0, &c->zipf_alpha))
        return -1;
    c->popularity = (enum popularity_model)e;
    sr_pop(l, mp);
    if (sr_number(l, o, "episode_share", 0, 0.7, 0, 1, 0, &c->episode_share)
        || sr_duration(l, o, "episode_duration", "45m", 0, SIM_TIME_MAX, SR_LO_OPEN, &c->episode_duration)
        || sr_duration(l, o, "film_duration", "110m", 0, SIM_TIME_MAX, SR_LO_OPEN, &c->film_duration))
        return -1;
    sr_pop(l, m);

    if (scenario_read_encoding(l, root, s))
        return -1;
    s->encoding.nrungs = (int)(sizeof fixed_ladder_kbps / sizeof fixed_ladder_kbps[0]);
    for (int i = 0; i < s->encoding.nrungs; i++)
        s->encoding.rung_bps[i] = fixed_ladder_kbps[i] * 1000;

    struct cfg_demand *d = &s->demand;
    if (sr_object(l, root, "demand", demand_keys, &o))
        return -1;
    m = sr_push_key(l, "demand");
    if (sr_duration(l, o, "watch_median", "35m", 0, SIM_TIME_MAX, SR_LO_OPEN, &d->watch_median)
        || sr_number(l, o, "watch_sigma", 0, 1.0, 0, 3, 0, &d->watch_sigma)
        || sr_bool(l, o, "warm_start", 1, &d->warm_start))
        return -1;
    sr_pop(l, m);

    struct cfg_player *pl = &s->player;
    char a[48], b[48];
    if (sr_object(l, root, "player", player_keys, &o))
        return -1;
    m = sr_push_key(l, "player");
    if (sr_duration(l, o, "segment", "4s", 100 * 1000, 60 * SIM_US_PER_S, 0, &pl->segment)
        || sr_duration(l, o, "buffer", "60s", 0, SIM_TIME_MAX, SR_LO_OPEN, &pl->buffer))
        return -1;
    if (pl->buffer < pl->segment) {
        size_t mb = sr_push_key(l, "buffer");
        sr_fail(l, "buffer \"%s\" is shorter than segment \"%s\" ($.player.segment): the buffer must"
                " hold at least one segment", units_format_duration(pl->buffer, a, sizeof a),
                units_format_duration(pl->segment, b, sizeof b));
        sr_pop(l, mb);
        return -1;
    }
    if (sr_duration(l, o, "startup", "4s", 0, SIM_TIME_MAX, SR_LO_OPEN, &pl->startup))
        return -1;
    if (pl->startup > pl->buffer) {
        size_t ms = sr_push_key(l, "startup");
        sr_fail(l, "startup \"%s\" is longer than buffer \"%s\" ($.player.buffer): playback could"
                " never start", units_format_duration(pl->startup, a, sizeof a),
                units_format_duration(pl->buffer, b, sizeof b));
        sr_pop(l, ms);
        return -1;
    }
    if (sr_enum(l, o, "abr", scenario_abr_rules, &e)
        || sr_int(l, o, "abr_window", 5, 1, 6, &pl->abr_window)
        || sr_number(l, o, "abr_safety", 0, 0.9, 0, 1, SR_LO_OPEN, &pl->abr_safety))
        return -1;
    pl->abr = (enum abr_name)e;
    /* The rules' parameters (models/abr_*.c; defaults and papers in
     * scenarios/README.md). */
    if (sr_enum(l, o, "abr_estimator", scenario_abr_estimators, &pl->abr_estimator)
        || sr_duration(l, o, "rules_low", "10s", 0, SIM_TIME_MAX, 0, &pl->rules_low)
        || sr_duration(l, o, "rules_high", "60s", 0, SIM_TIME_MAX, 0, &pl->rules_high)
        || sr_duration(l, o, "rules_hold", "30s", 0, SIM_TIME_MAX, 0, &pl->rules_hold)
        || sr_number(l, o, "rules_up_fraction", 0, 0.8, 0, 1, SR_LO_OPEN, &pl->rules_up_fraction)
        || sr_duration(l, o, "bba_reservoir", "0s", 0, SIM_TIME_MAX, 0, &pl->bba_reservoir)
        || sr_duration(l, o, "bba_cushion", "0s", 0, SIM_TIME_MAX, 0, &pl->bba_cushion)
        || sr_number(l, o, "bola_gamma_p", 0, 5.0, 0, 1000, SR_LO_OPEN, &pl->bola_gamma_p)
        || sr_int(l, o, "mpc_horizon", 5, 1, 8, &pl->mpc_horizon)
        || sr_number(l, o, "mpc_lambda", 0, 1.0, 0, 1e9, 0, &pl->mpc_lambda)
        || sr_number(l, o, "mpc_mu", 0, 0, 0, 1e9, 0, &pl->mpc_mu)
        || sr_enum(l, o, "abandon", scenario_abandon_modes, &pl->abandon))
        return -1;
    sr_pop(l, m);

    if (scenario_read_control(l, root, s))     /* steering, control_plane, cdn, cost, faults */
        return -1;
    if (scenario_read_live(l, root, s))        /* premieres and live streams */
        return -1;

    if (scenario_read_placement(l, root, s))
        return -1;

    if (sr_object(l, root, "network", network_keys, &o))
        return -1;
    m = sr_push_key(l, "network");
    if (sr_duration(l, o, "share_period", "1s", 10 * 1000, 60 * SIM_US_PER_S, 0,
                    &s->network.share_period))
        return -1;
    sr_pop(l, m);

    if (sr_object(l, root, "metrics", metrics_keys, &o))
        return -1;
    m = sr_push_key(l, "metrics");
    if (sr_duration(l, o, "period", "60s", SIM_US_PER_S, 86400 * SIM_US_PER_S, 0,
                    &s->metrics.period))
        return -1;
    if (s->metrics.period > s->duration) {
        size_t mp2 = sr_push_key(l, "period");
        sr_fail(l, "period \"%s\" is longer than the scenario's duration \"%s\" ($.duration)",
                units_format_duration(s->metrics.period, a, sizeof a),
                units_format_duration(s->duration, b, sizeof b));
        sr_pop(l, mp2);
        return -1;
    }
    sr_pop(l, m);
    return 0;
}

static int rd_top(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = {
        "name", "description", "start", "duration", "seed", "sample", "regions", "isps", "sites",
        "origin", "catalog", "encoding", "devices", "demand", "player", "steering", "placement",
        "network", "metrics", "control_plane", "cdn", "cost", "faults", "live", NULL,
    };
    if (sr_known_keys(l, root, keys))
        return -1;
    const char *name, *desc, *text;
    if (sr_string(l, root, "name", 1, NULL, &name))
        return -1;
    size_t len = strlen(name);
    int ctrl = 0;
    for (size_t i = 0; i < len; i++)
        ctrl |= (unsigned char)name[i] < 0x20;
    if (len == 0 || len >= sizeof s->name || ctrl) {
        size_t m = sr_push_key(l, "name");
        sr_fail(l, "a name is 1 to %d characters without control characters, found %zu characters",
                (int)sizeof s->name - 1, len);
        sr_pop(l, m);
        return -1;
    }
    memcpy(s->name, name, len + 1);
    if (sr_string(l, root, "description", 0, "", &desc))
        return -1;
    if (!(s->description = strdup(desc)))
        return sr_fail(l, "out of memory");
    size_t m;
    if (sr_unit_text(l, root, "start", NULL, "an instant string like \"2026-11-20T20:00:00Z\"",
                  &text, &m))
        return -1;
    if (units_parse_instant(text, &s->start_unix, l->err))
        return -1;
    sr_pop(l, m);
    if (sr_duration(l, root, "duration", NULL, 0, DURATION_MAX, SR_LO_OPEN, &s->duration))
        return -1;
    const cJSON *seed = sr_get(root, "seed");
    s->seed = 1;
    if (seed) {
        m = sr_push_key(l, "seed");
        if (!cJSON_IsNumber(seed) || seed->valuedouble != floor(seed->valuedouble)
            || seed->valuedouble < 0 || seed->valuedouble > SEED_MAX) {
            char d[96];
            return sr_fail(l, "expected a whole number from 0 to 2^53, found %s",
                           jsonu_describe(seed, d, sizeof d));
        }
        s->seed = (uint64_t)seed->valuedouble;
        sr_pop(l, m);
    }
    if (sr_number(l, root, "sample", 0, 1.0, 0, 1, SR_LO_OPEN, &s->sample))
        return -1;
    if (rd_regions(l, root, s) || rd_isps(l, root, s) || rd_sites(l, root, s)
        || rd_peering(l, root, s))
        return -1;
    if (rd_sections(l, root, s) || scenario_read_devices(l, root, s))
        return -1;
    return 0;
}

/* ---- loading ---- */

static int load_tree(cJSON *root, const char *const *sets, int nsets,
                     struct scenario *out, struct error *err)
{
    struct sr l = { .err = err, .path = "$" };
    for (int i = 0; i < nsets; i++)
        if (scenario_apply_set(root, sets[i], err) != 0)
            return -1;
    if (jsonu_check_tree(root, "$", err) != 0)
        return -1;
    int rc = rd_top(&l, root, out);
    free(l.regions);
    free(l.isps);
    free(l.sites);
    if (rc == 0 && !(out->resolved_json = scenario_resolve_json(out))) {
        error_at(err, "", "out of memory");
        rc = -1;
    }
    return rc;
}

/* text[len] must be '\0'. */
static int load_buffer(const char *text, size_t len, const char *const *sets,
                       int nsets, struct scenario *out, struct error *err)
{
    memset(out, 0, sizeof *out);
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        jsonu_position(text, (size_t)(nul - text), &err->line, &err->col);
        error_set(err, "a NUL byte at line %d, column %d: a scenario is JSON text", err->line,
                  err->col);
        return -1;
    }
    size_t ws = strspn(text, " \t\r\n");
    if (ws == len) {
        error_set(err, "empty file: expected a JSON object");
        return -1;
    }
    const char *end = NULL;
    /* The length counts the terminating NUL: with require_null_terminated,
     * cJSON looks for it after the value, which rejects trailing text. */
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!root) {
        jsonu_syntax_error(text, len, end ? (size_t)(end - text) : 0, err);
        return -1;
    }
    int rc = -1;
    if (!cJSON_IsObject(root)) {
        char d[96];
        error_at(err, "$", "the top level must be a JSON object (the scenario's keys in {...}),"
                 " found %s", jsonu_describe(root, d, sizeof d));
    } else {
        rc = load_tree(root, sets, nsets, out, err);
    }
    cJSON_Delete(root);
    if (rc != 0)
        scenario_free(out);
    return rc;
}

static void set_file(struct error *err, const char *name)
{
    memset(err, 0, sizeof *err);
    error_file(err, name ? name : "");
}

int scenario_load_text(const char *name, const char *text, const char *const *sets, int nsets,
                       struct scenario *out, struct error *err)
{
    set_file(err, name);
    if (!text) {
        memset(out, 0, sizeof *out);
        error_set(err, "empty file: expected a JSON object");
        return -1;
    }
    int rc = load_buffer(text, strlen(text), sets, nsets, out, err);
    if (rc == 0 && (rc = scenario_load_traces(out, name, err)) != 0)
        scenario_free(out);
    return rc;
}

int scenario_parse_text(const char *name, const char *text, size_t len,
                        const char *const *sets, int nsets, struct scenario *out,
                        struct error *err)
{
    set_file(err, name);
    return load_buffer(text, len, sets, nsets, out, err);
}

/* Reads the whole file, refusing more than input_limit() bytes. Reads
 * to the end rather than trusting st_size, so pipes ("<(...)") work too;
 * the buffer grows only when a one-byte probe shows there is more. */
static int read_file(const char *file, char **text, size_t *len, struct error *err)
{
    size_t limit;
    if (input_limit(&limit, err) != 0)
        return -1;
    int fd = open(file, O_RDONLY);
    if (fd < 0) {
        error_set(err, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        error_set(err, "cannot read: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        error_set(err, "is a directory, not a scenario file");
        close(fd);
        return -1;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > limit) {
        input_limit_refuse(err, (size_t)st.st_size, limit, "scenarios");
        close(fd);
        return -1;
    }
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536, n = 0;
    char *buf = malloc(cap);
    const char *problem = buf ? NULL : "out of memory";
    while (!problem) {
        char probe;
        ssize_t got = n + 1 < cap ? read(fd, buf + n, cap - 1 - n) : read(fd, &probe, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            problem = strerror(errno);
            break;
        }
        if (got == 0)
            break;
        if (n + 1 < cap) {
            n += (size_t)got;
            continue;
        }
        if (n + 1 > limit) {
            input_limit_refuse(err, 0, limit, "scenarios");
            problem = err->msg;
            break;
        }
        char *b = realloc(buf, cap * 2);
        if (!b) {
            problem = "out of memory";
            break;
        }
        buf = b;
        cap *= 2;
        buf[n++] = probe;
    }
    close(fd);
    if (!problem && n > limit) {
        input_limit_refuse(err, n, limit, "scenarios");
        problem = err->msg;
    }
    if (problem) {
        if (problem != err->msg)
            error_set(err, "%s%s", strcmp(problem, "out of memory") ? "cannot read: " : "",
                      problem);
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

int scenario_load(const char *file, const char *const *sets, int nsets, struct scenario *out,
                  struct error *err)
{
    set_file(err, file);
    memset(out, 0, sizeof *out);
    char *text;
    size_t len;
    if (read_file(file ? file : "", &text, &len, err) != 0)
        return -1;
    int rc = load_buffer(text, len, sets, nsets, out, err);
    free(text);
    if (rc == 0 && (rc = scenario_load_traces(out, file, err)) != 0)
        scenario_free(out);
    return rc;
}

void scenario_free(struct scenario *s)
{
    if (!s)
        return;
    free(s->description);
    for (int i = 0; i < s->nisps; i++) {
        free(s->isps[i].peering);
        for (int k = 0; k < s->isps[i].access.ntraces; k++)
            trace_free(&s->isps[i].access.traces[k]);
        free(s->isps[i].access.traces);
    }
    free(s->regions);
    free(s->isps);
    free(s->sites);
    free(s->devices.mix);
    free(s->faults);
    scenario_free_live(s);
    free(s->resolved_json);
    memset(s, 0, sizeof *s);
}
