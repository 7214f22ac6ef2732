/* sim/scenario_placement.c: the placement section and the OCA fill keys of
 * a site, read and printed resolved. Defaults are Open Connect's published
 * figures (reference/DOMAIN.md §1.3): the fill window 02:00-14:00 local, a
 * fill rate cap of 1.2 Gbps per storage appliance and 0.3 Gbps per flash
 * appliance, at most 6.5 TB a night per storage appliance. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/cache.h"
#include "sim/json_util.h"
#include "sim/scenario_int.h"
#include "sim/units.h"

const char *const scenario_forecast_sources[] = { "catalog", "observed", NULL };
const char *const scenario_oca_kinds[] = { "storage", "flash", NULL };
/* "none" then the cache registry's names, in order. */
static const char *cache_names[8];

static const char *const *cache_name_table(void)
{
    if (!cache_names[0]) {
        cache_names[0] = "none";
        for (int i = 0; cache_policy_names[i] && i < 6; i++)
            cache_names[i + 1] = cache_policy_names[i];
    }
    return cache_names;
}

/* A ["HH:MM", "HH:MM"] pair; absent leaves the values as they are. */
static int rd_window(struct sr *l, const cJSON *obj, const char *key, int32_t *start, int32_t *end)
{
    const cJSON *v = sr_get(obj, key);
    if (!v)
        return 0;
    size_t m = sr_push_key(l, key);
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 || !cJSON_IsString(v->child) ||
        !cJSON_IsString(v->child->next))
        return sr_wrong_type(l, "a pair of local clock times like [\"02:00\", \"14:00\"]", v);
    for (int k = 0; k < 2; k++) {
        size_t mk = sr_push_index(l, k);
        l->err->path[0] = '\0';
        snprintf(l->err->path, sizeof l->err->path, "%s", l->path);
        if (units_parse_clock(cJSON_GetArrayItem(v, k)->valuestring, k ? end : start, l->err) != 0)
            return -1;
        sr_pop(l, mk);
    }
    if (*start == *end)
        return sr_fail(l, "the fill window is empty: its start and end are both %s",
                       cJSON_GetArrayItem(v, 0)->valuestring);
    sr_pop(l, m);
    return 0;
}

int scenario_read_site_fill(struct sr *l, const cJSON *ocas, struct cfg_site *t)
{
    int e;
    if (sr_enum(l, ocas, "kind", scenario_oca_kinds, &e))
        return -1;
    t->oca_kind = e;
    t->fill_start_s = t->fill_end_s = -1;
    return rd_window(l, ocas, "fill_window", &t->fill_start_s, &t->fill_end_s);
}

/* A per-kind object like {"storage": "1.2Gbps", "flash": "0.3Gbps"}. */
static int rd_per_kind(struct sr *l, const cJSON *o, const char *key, int is_rate,
                       const char *const defs[OCA_KIND_COUNT], double out[OCA_KIND_COUNT])
{
    const cJSON *v;
    if (sr_object(l, o, key, scenario_oca_kinds, &v))
        return -1;
    size_t m = sr_push_key(l, key);
    for (int k = 0; k < OCA_KIND_COUNT; k++) {
        if (is_rate) {
            if (sr_rate(l, v, scenario_oca_kinds[k], defs[k], &out[k]))
                return -1;
        } else {
            const cJSON *x = sr_get(v, scenario_oca_kinds[k]);
            if (x && cJSON_IsString(x) && strcmp(x->valuestring, "none") == 0)
                out[k] = 0;
            else if (!x && strcmp(defs[k], "none") == 0)
                out[k] = 0;
            else if (sr_bytes(l, v, scenario_oca_kinds[k], defs[k], &out[k]))
                return -1;
        }
    }
    sr_pop(l, m);
    return 0;
}

int scenario_read_placement(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = { "policy", "forecast", "forecast_error", "fill_window",
                                        "fill_rate", "fill_volume", "cache", "cache_share", "stickiness", NULL };
    static const char *const rate_defs[] = { "1.2Gbps", "0.3Gbps" };
    static const char *const volume_defs[] = { "6.5TB", "none" };
    const cJSON *o;
    int e;
    if (sr_object(l, root, "placement", keys, &o))
        return -1;
    size_t m = sr_push_key(l, "placement");
    struct cfg_placement *p = &s->place;
    if (sr_enum(l, o, "policy", scenario_placement_policies, &e))
        return -1;
    s->placement = (enum placement_policy)e;
    if (sr_enum(l, o, "forecast", scenario_forecast_sources, &e))
        return -1;
    p->forecast = (enum forecast_source)e;
    if (sr_number(l, o, "forecast_error", 0, 0, 0, 5, 0, &p->forecast_error))
        return -1;
    p->fill_start_s = 2 * 3600;
    p->fill_end_s = 14 * 3600;
    if (rd_window(l, o, "fill_window", &p->fill_start_s, &p->fill_end_s)
        || rd_per_kind(l, o, "fill_rate", 1, rate_defs, p->fill_rate_bps)
        || rd_per_kind(l, o, "fill_volume", 0, volume_defs, p->fill_volume_bytes))
        return -1;
    if (sr_enum(l, o, "cache", cache_name_table(), &p->cache))
        return -1;
    double def_share = s->placement == PLACEMENT_NONE && p->cache ? 1.0 : (p->cache ? 0.2 : 0);
    if (sr_number(l, o, "cache_share", 0, def_share, 0, 1, 0, &p->cache_share))
        return -1;
    if (sr_number(l, o, "stickiness", 0, 0, 0, 10, 0, &p->stickiness))
        return -1;
    if (p->cache_share > 0 && !p->cache)
        return sr_fail(l, "cache_share is %g but no reactive cache is chosen: set \"cache\" to one of"
                       " lru, lfu, s3-fifo, perfect-lfu", p->cache_share);
    if (s->placement == PLACEMENT_STATIC && p->cache)
        return sr_fail(l, "policy \"static\" cannot be combined with a reactive cache; use popularity,"
                       " tiered, hashed, none or oracle");
    sr_pop(l, m);
    return 0;
}

static void clock_pair(struct jsonw *w, const char *key, int32_t a, int32_t b)
{
    char x[32];
    jsonw_begin_array(w, key, 1);
    jsonw_string(w, NULL, units_format_clock(a, x, sizeof x));
    jsonw_string(w, NULL, units_format_clock(b, x, sizeof x));
    jsonw_end_array(w);
}

void scenario_resolve_site_fill(struct jsonw *w, const struct cfg_site *t)
{
    jsonw_string(w, "kind", scenario_oca_kinds[t->oca_kind]);
    if (t->fill_start_s >= 0)
        clock_pair(w, "fill_window", t->fill_start_s, t->fill_end_s);
}

void scenario_resolve_placement(struct jsonw *w, const struct scenario *s)
{
    const struct cfg_placement *p = &s->place;
    char b[64];
    jsonw_begin_object(w, "placement");
    jsonw_string(w, "policy", scenario_placement_policies[s->placement]);
    jsonw_string(w, "forecast", scenario_forecast_sources[p->forecast]);
    jsonw_number(w, "forecast_error", p->forecast_error);
    clock_pair(w, "fill_window", p->fill_start_s, p->fill_end_s);
    jsonw_begin_object(w, "fill_rate");
    for (int k = 0; k < OCA_KIND_COUNT; k++)
        jsonw_string(w, scenario_oca_kinds[k], units_format_rate(p->fill_rate_bps[k], b, sizeof b));
    jsonw_end_object(w);
    jsonw_begin_object(w, "fill_volume");
    for (int k = 0; k < OCA_KIND_COUNT; k++)
        jsonw_string(w, scenario_oca_kinds[k],
                     p->fill_volume_bytes[k] > 0 ? units_format_bytes(p->fill_volume_bytes[k], b, sizeof b) : "none");
    jsonw_end_object(w);
    jsonw_string(w, "cache", cache_name_table()[p->cache]);
    jsonw_number(w, "cache_share", p->cache_share);
    jsonw_number(w, "stickiness", p->stickiness);
    jsonw_end_object(w);
}
