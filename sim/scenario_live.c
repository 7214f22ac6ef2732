/* sim/scenario_live.c: the `live` list of a scenario (premieres and live
 * streams, issue #7), read and printed back. Each event names its regions
 * by id; the retry policy and load shedding are chosen by name from the
 * tables below, which the printer shares so a resolved scenario reads back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json_util.h"
#include "sim/scenario_int.h"
#include "sim/units.h"

const char *const scenario_live_kinds[] = { "premiere", "live", NULL };
const char *const scenario_live_jitters[] = { "uniform", "exponential", NULL };
const char *const scenario_retry_policies[] = { "immediate", "fixed", "exponential", NULL };
const char *const scenario_shed_policies[] = { "none", "bitrate-cap", "priority", NULL };
static const char *const tier_keys[] = { "anonymous", "basic", "standard", "premium", NULL };
static const char *const refuse_keys[] = { "anonymous", "basic", "standard", NULL };

static int rd_audience(struct sr *l, const cJSON *e, struct scenario *s, struct cfg_live *ev)
{
    static const char *const keys[] = { "region", "viewers", "tiers", NULL };
    const cJSON *arr;
    int n;
    char list[256];
    if (sr_array(l, e, "audience", 1, &arr, &n))
        return -1;
    size_t m0 = sr_push_key(l, "audience");
    if (n == 0)
        return sr_fail(l, "an event needs at least one region in its audience");
    if (!(ev->audience = calloc((size_t)n, sizeof *ev->audience)))
        return sr_fail(l, "out of memory");
    ev->naudience = n;
    int i = 0;
    for (const cJSON *a = arr->child; a; a = a->next, i++) {
        struct cfg_live_audience *au = &ev->audience[i];
        size_t m = sr_push_index(l, i);
        if (!cJSON_IsObject(a))
            return sr_wrong_type(l, "an object like {\"region\": \"br\", \"viewers\": 1e6}", a);
        const char *id;
        const cJSON *t;
        if (sr_known_keys(l, a, keys) || sr_string(l, a, "region", 1, NULL, &id))
            return -1;
        au->region = sr_lookup(l->regions, s->nregions, id);
        if (au->region < 0) {
            sr_push_key(l, "region");
            return sr_fail(l, "unknown region \"%s\"; the regions are: %s", id,
                           sr_list_ids(s->regions, sizeof *s->regions, s->nregions, NULL, list,
                                       sizeof list));
        }
        if (sr_number(l, a, "viewers", 1, 0, 0, 1e10, 0, &au->viewers)
            || sr_object(l, a, "tiers", tier_keys, &t))
            return -1;
        size_t mt = sr_push_key(l, "tiers");
        static const double def[LIVE_TIERS] = { 0.1, 0.3, 0.4, 0.2 };
        double sum = 0;
        for (int k = 0; k < LIVE_TIERS; k++) {
            if (sr_number(l, t, tier_keys[k], 0, t ? 0 : def[k], 0, 1, 0, &au->tier_share[k]))
                return -1;
            sum += au->tier_share[k];
        }
        if (fabs(sum - 1) > 1e-6)
            return sr_fail(l, "tier shares sum to %g; they must sum to 1", sum);
        sr_pop(l, mt);
        sr_pop(l, m);
    }
    sr_pop(l, m0);
    return 0;
}

static int rd_retry(struct sr *l, const cJSON *e, struct cfg_retry *r)
{
    static const char *const keys[] = { "policy", "delay", "cap", "jitter", "max_tries", NULL };
    const cJSON *o;
    int p;
    if (sr_object(l, e, "retry", keys, &o))
        return -1;
    size_t m = sr_push_key(l, "retry");
    /* Default: exponential with full jitter, as clients should. */
    if (o && sr_get(o, "policy")) {
        if (sr_enum(l, o, "policy", scenario_retry_policies, &p))
            return -1;
    } else {
        p = RETRY_EXPONENTIAL;
    }
    r->policy = (enum retry_name)p;
    if (sr_duration(l, o, "delay", "1s", 0, 3600 * SIM_US_PER_S, 0, &r->delay)
        || sr_duration(l, o, "cap", "60s", 0, 3600 * SIM_US_PER_S, 0, &r->cap)
        || sr_bool(l, o, "jitter", 1, &r->jitter)
        || sr_int(l, o, "max_tries", 8, 1, 1000, &r->max_tries))
        return -1;
    sr_pop(l, m);
    return 0;
}

static int rd_shed(struct sr *l, const cJSON *e, const struct scenario *s, struct cfg_shed *sh)
{
    static const char *const keys[] = { "policy", "threshold", "cap_rung", "refuse", NULL };
    const cJSON *o, *r;
    int p;
    if (sr_object(l, e, "shedding", keys, &o))
        return -1;
    size_t m = sr_push_key(l, "shedding");
    if (sr_enum(l, o, "policy", scenario_shed_policies, &p))
        return -1;
    sh->policy = (enum shed_name)p;
    if (sr_number(l, o, "threshold", 0, 0.9, 0, 10, SR_LO_OPEN, &sh->threshold)
        || sr_int(l, o, "cap_rung", 0, 0, s->encoding.nrungs - 1, &sh->cap_rung)
        || sr_object(l, o, "refuse", refuse_keys, &r))
        return -1;
    size_t mr = sr_push_key(l, "refuse");
    /* The seed's tiers: above 0.70 anonymous, 0.85 basic, 0.95 all but premium. */
    static const double def[LIVE_TIERS - 1] = { 0.70, 0.85, 0.95 };
    for (int k = 0; k < LIVE_TIERS - 1; k++)
        if (sr_number(l, r, refuse_keys[k], 0, def[k], 0, 10, SR_LO_OPEN, &sh->refuse[k]))
            return -1;
    if (!(sh->refuse[0] <= sh->refuse[1] && sh->refuse[1] <= sh->refuse[2]))
        return sr_fail(l, "thresholds must not decrease from anonymous to standard, found %g, %g,"
                       " %g", sh->refuse[0], sh->refuse[1], sh->refuse[2]);
    sr_pop(l, mr);
    sr_pop(l, m);
    return 0;
}

static int rd_event(struct sr *l, const cJSON *e, struct scenario *s, struct cfg_live *ev)
{
    static const char *const keys[] = {
        "id", "kind", "at", "for", "title", "prepositioned", "audience", "burst", "jitter",
        "jitter_distribution", "prefetch", "retry", "shedding", "segment", "latency",
        "collapsing", "fetch_rate", NULL,
    };
    int k;
    if (!cJSON_IsObject(e))
        return sr_wrong_type(l, "an object like {\"id\": \"fight\", \"kind\": \"live\", \"at\": \"10m\","
                             " \"for\": \"1h\", \"audience\": [...]}", e);
    if (sr_known_keys(l, e, keys) || sr_id(l, e, ev->id))
        return -1;
    if (!sr_get(e, "kind"))
        return sr_missing(l, "kind");
    if (sr_enum(l, e, "kind", scenario_live_kinds, &k)
        || sr_run_instant(l, e, "at", s, "event", &ev->at)
        || sr_duration(l, e, "for", "1h", 0, SIM_TIME_MAX, SR_LO_OPEN, &ev->length))
        return -1;
    ev->kind = (enum live_kind)k;
    ev->title = -1;
    if (ev->kind == LIVE_PREMIERE) {
        if (sr_int(l, e, "title", s->catalog.titles - 1, 0, s->catalog.titles - 1, &ev->title)
            || sr_bool(l, e, "prepositioned", 1, &ev->prepositioned))
            return -1;
    } else if (sr_get(e, "title") || sr_get(e, "prepositioned")) {
        size_t mt = sr_push_key(l, sr_get(e, "title") ? "title" : "prepositioned");
        sr_fail(l, "only a premiere has a title and pre-positioning");
        sr_pop(l, mt);
        return -1;
    }
    if (rd_audience(l, e, s, ev)
        || sr_number(l, e, "burst", 0, 0.8, 0, 1, 0, &ev->burst)
        || sr_duration(l, e, "jitter", "30s", 0, 3600 * SIM_US_PER_S, 0, &ev->jitter)
        || sr_enum(l, e, "jitter_distribution", scenario_live_jitters, &k))
        return -1;
    ev->jitter_dist = (enum live_jitter)k;
    if (sr_number(l, e, "prefetch", 0, 0.0, 0, 1, 0, &ev->prefetch)
        || rd_retry(l, e, &ev->retry) || rd_shed(l, e, s, &ev->shed)
        || sr_duration(l, e, "segment", "2s", 100 * 1000, 60 * SIM_US_PER_S, 0, &ev->segment)
        || sr_duration(l, e, "latency", "10s", 0, 600 * SIM_US_PER_S, 0, &ev->latency)
        || sr_bool(l, e, "collapsing", 1, &ev->collapsing)
        || sr_rate(l, e, "fetch_rate", "1Gbps", &ev->fetch_bps))
        return -1;
    return 0;
}

int scenario_read_live(struct sr *l, const cJSON *root, struct scenario *s)
{
    const cJSON *arr;
    int n;
    if (sr_array(l, root, "live", 0, &arr, &n))
        return -1;
    if (n > 64) {
        size_t m = sr_push_key(l, "live");
        sr_fail(l, "at most 64 live events, found %d", n);
        sr_pop(l, m);
        return -1;
    }
    if (n > 0 && !(s->live = calloc((size_t)n, sizeof *s->live)))
        return sr_fail(l, "out of memory");
    s->nlive = n;
    size_t m0 = sr_push_key(l, "live");
    int i = 0;
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next, i++) {
        size_t m = sr_push_index(l, i);
        if (rd_event(l, e, s, &s->live[i]))
            return -1;
        for (int j = 0; j < i; j++)
            if (strcmp(s->live[j].id, s->live[i].id) == 0)
                return sr_fail(l, "duplicate live event id \"%s\" (also $.live[%d])",
                               s->live[i].id, j);
        sr_pop(l, m);
    }
    sr_pop(l, m0);
    return 0;
}

void scenario_free_live(struct scenario *s)
{
    for (int i = 0; i < s->nlive; i++)
        free(s->live[i].audience);
    free(s->live);
}

void scenario_resolve_live(struct jsonw *w, const struct scenario *s)
{
    char b[64];
    jsonw_begin_array(w, "live", 0);
    for (int i = 0; i < s->nlive; i++) {
        const struct cfg_live *e = &s->live[i];
        jsonw_begin_object(w, NULL);
        jsonw_string(w, "id", e->id);
        jsonw_string(w, "kind", scenario_live_kinds[e->kind]);
        sr_print_duration(w, "at", e->at);
        sr_print_duration(w, "for", e->length);
        if (e->kind == LIVE_PREMIERE) {
            jsonw_number(w, "title", e->title);
            jsonw_bool(w, "prepositioned", e->prepositioned);
        }
        jsonw_begin_array(w, "audience", 0);
        for (int a = 0; a < e->naudience; a++) {
            jsonw_begin_object(w, NULL);
            jsonw_string(w, "region", s->regions[e->audience[a].region].id);
            jsonw_number(w, "viewers", e->audience[a].viewers);
            jsonw_begin_object(w, "tiers");
            for (int k = 0; k < LIVE_TIERS; k++)
                jsonw_number(w, tier_keys[k], e->audience[a].tier_share[k]);
            jsonw_end_object(w);
            jsonw_end_object(w);
        }
        jsonw_end_array(w);
        jsonw_number(w, "burst", e->burst);
        sr_print_duration(w, "jitter", e->jitter);
        jsonw_string(w, "jitter_distribution", scenario_live_jitters[e->jitter_dist]);
        jsonw_number(w, "prefetch", e->prefetch);
        jsonw_begin_object(w, "retry");
        jsonw_string(w, "policy", scenario_retry_policies[e->retry.policy]);
        sr_print_duration(w, "delay", e->retry.delay);
        sr_print_duration(w, "cap", e->retry.cap);
        jsonw_bool(w, "jitter", e->retry.jitter);
        jsonw_number(w, "max_tries", e->retry.max_tries);
        jsonw_end_object(w);
        jsonw_begin_object(w, "shedding");
        jsonw_string(w, "policy", scenario_shed_policies[e->shed.policy]);
        jsonw_number(w, "threshold", e->shed.threshold);
        jsonw_number(w, "cap_rung", e->shed.cap_rung);
        jsonw_begin_object(w, "refuse");
        for (int k = 0; k < LIVE_TIERS - 1; k++)
            jsonw_number(w, refuse_keys[k], e->shed.refuse[k]);
        jsonw_end_object(w);
        jsonw_end_object(w);
        sr_print_duration(w, "segment", e->segment);
        sr_print_duration(w, "latency", e->latency);
        jsonw_bool(w, "collapsing", e->collapsing);
        jsonw_string(w, "fetch_rate", units_format_rate(e->fetch_bps, b, sizeof b));
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}
