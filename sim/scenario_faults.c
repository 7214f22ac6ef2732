/* sim/scenario_faults.c: the control plane's sections of a scenario
 * (steering, control_plane, cdn, cost) and the fault list, read and printed
 * back. Faults name their target by id: an OCA as "site/index" (index from
 * 0, as ocas.index_in_site in the results), a site, a link as it is named in
 * the links table ("isp/transit", "isp/ix-site"), a region. A target that
 * does not exist is an error at its JSON path, listing what exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json_util.h"
#include "sim/scenario_int.h"
#include "sim/units.h"

const char *const scenario_fault_kinds[] = {
    "oca_down", "oca_degrade", "oca_leak", "site_down", "link_down", "link_degrade",
    "origin_down", "control_plane_down", "region_evacuation", "oca_errors", NULL,
};
const char *const scenario_drain_policies[] = { "off", "qoe", NULL };

static int rd_steering(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = { "policy", "health_period", "overload", "timeout",
                                        "drain", "errors", NULL };
    static const char *const drain_keys[] = { "policy", "window", "min_throughput",
                                              "max_stalled", "min_samples", "hold", NULL };
    static const char *const error_keys[] = { "max_rate", "min_downloads", "hold", NULL };
    struct cfg_steering *st = &s->steer;
    const cJSON *o, *d, *er;
    int e;
    if (sr_object(l, root, "steering", keys, &o))
        return -1;
    size_t m = sr_push_key(l, "steering");
    if (sr_enum(l, o, "policy", scenario_steering_policies, &e))
        return -1;
    s->steering = (enum steering_policy)e;
    if (sr_duration(l, o, "health_period", "10s", SIM_US_PER_S / 10, 3600 * SIM_US_PER_S, 0,
                    &st->health_period)
        || sr_number(l, o, "overload", 0, 0.9, 0, 10, SR_LO_OPEN, &st->overload)
        || sr_duration(l, o, "timeout", "4s", 0, 600 * SIM_US_PER_S, SR_LO_OPEN, &st->timeout)
        || sr_object(l, o, "drain", drain_keys, &d))
        return -1;
    size_t md = sr_push_key(l, "drain");
    if (sr_enum(l, d, "policy", scenario_drain_policies, &st->drain)
        || sr_duration(l, d, "window", "60s", SIM_US_PER_S, 86400 * SIM_US_PER_S, 0,
                       &st->drain_window)
        || sr_rate(l, d, "min_throughput", "4Mbps", &st->drain_min_bps)
        || sr_number(l, d, "max_stalled", 0, 0.05, 0, 1, 0, &st->drain_max_stalled)
        || sr_int(l, d, "min_samples", 50, 1, 100000000, &st->drain_min_samples)
        || sr_duration(l, d, "hold", "5m", 0, 86400 * SIM_US_PER_S, 0, &st->drain_hold))
        return -1;
    sr_pop(l, md);
    if (sr_object(l, o, "errors", error_keys, &er))
        return -1;
    size_t me = sr_push_key(l, "errors");
    if (sr_number(l, er, "max_rate", 0, 0.1, 0, 1, 0, &st->error_max_rate)
        || sr_int(l, er, "min_downloads", 20, 1, 100000000, &st->error_min_downloads)
        || sr_duration(l, er, "hold", "60s", 0, 86400 * SIM_US_PER_S, 0, &st->error_hold))
        return -1;
    sr_pop(l, me);
    sr_pop(l, m);
    return 0;
}

static int rd_control_plane(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = { "capacity", "timeout", NULL };
    const cJSON *o;
    if (sr_object(l, root, "control_plane", keys, &o))
        return -1;
    size_t m = sr_push_key(l, "control_plane");
    if (sr_number(l, o, "capacity", 0, 0, 0, 1e9, 0, &s->control_plane.capacity)
        || sr_duration(l, o, "timeout", "10s", 0, 3600 * SIM_US_PER_S, SR_LO_OPEN,
                       &s->control_plane.timeout))
        return -1;
    sr_pop(l, m);
    return 0;
}

static int rd_cdn_cost(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const cdn_keys[] = { "enabled", "capacity", NULL };
    static const char *const cost_keys[] = { "transit_per_gb", "transit_per_mbps95", "cdn_per_gb",
                                             "cdn_per_mbps95", "sample", "billing_period", NULL };
    const cJSON *o;
    if (sr_object(l, root, "cdn", cdn_keys, &o))
        return -1;
    size_t m = sr_push_key(l, "cdn");
    if (sr_bool(l, o, "enabled", 0, &s->cdn.enabled)
        || sr_rate(l, o, "capacity", "1Tbps", &s->cdn.capacity_bps))
        return -1;
    sr_pop(l, m);
    struct cfg_cost *c = &s->cost;
    if (sr_object(l, root, "cost", cost_keys, &o))
        return -1;
    m = sr_push_key(l, "cost");
    if (sr_number(l, o, "transit_per_gb", 0, 0, 0, 1e6, 0, &c->transit_per_gb)
        || sr_number(l, o, "transit_per_mbps95", 0, 0.5, 0, 1e6, 0, &c->transit_per_mbps95)
        || sr_number(l, o, "cdn_per_gb", 0, 0.02, 0, 1e6, 0, &c->cdn_per_gb)
        || sr_number(l, o, "cdn_per_mbps95", 0, 0, 0, 1e6, 0, &c->cdn_per_mbps95)
        || sr_duration(l, o, "sample", "5m", SIM_US_PER_S, 86400 * SIM_US_PER_S, 0, &c->sample)
        || sr_duration(l, o, "billing_period", "30d", SIM_US_PER_S, 366 * 86400 * SIM_US_PER_S, 0,
                       &c->billing_period))
        return -1;
    if (c->billing_period < c->sample) {
        size_t mb = sr_push_key(l, "billing_period");
        sr_fail(l, "a billing period shorter than the sample interval ($.cost.sample) has no"
                " 95th percentile");
        sr_pop(l, mb);
        return -1;
    }
    sr_pop(l, m);
    return 0;
}

static int site_index(const struct sr *l, const struct scenario *s, const char *id)
{
    return sr_lookup(l->sites, s->nsites, id);
}

/* Resolves f->target_id for f->kind into f->target. */
static int rd_target(struct sr *l, const struct scenario *s, struct cfg_fault *f)
{
    char list[256];
    const char *id = f->target_id;
    switch (f->kind) {
    case FAULT_OCA_DOWN: case FAULT_OCA_DEGRADE: case FAULT_OCA_LEAK: case FAULT_OCA_ERRORS: {
        const char *slash = strrchr(id, '/');
        char site[CFG_ID_MAX] = "";
        char *end = NULL;
        long k = -1;
        if (slash && (size_t)(slash - id) < sizeof site) {
            memcpy(site, id, (size_t)(slash - id));
            site[slash - id] = '\0';
            k = strtol(slash + 1, &end, 10);
        }
        if (!slash || !end || *end || slash[1] == '\0')
            return sr_fail(l, "an OCA is named \"site/index\" (like \"isp-a-1/0\"), found \"%s\"", id);
        int si = site_index(l, s, site);
        if (si < 0)
            return sr_fail(l, "unknown site \"%s\" in OCA \"%s\"; the sites are: %s", site, id,
                           sr_list_ids(s->sites, sizeof *s->sites, s->nsites, NULL, list, sizeof list));
        if (k < 0 || k >= s->sites[si].oca_count)
            return sr_fail(l, "site \"%s\" has OCAs 0 to %d, found index %ld", site,
                           s->sites[si].oca_count - 1, k);
        int first = 0;
        for (int i = 0; i < si; i++)
            first += s->sites[i].oca_count;
        f->target = first + (int)k;
        return 0;
    }
    case FAULT_SITE_DOWN:
        f->target = site_index(l, s, id);
        if (f->target < 0)
            return sr_fail(l, "unknown site \"%s\"; the sites are: %s", id,
                           sr_list_ids(s->sites, sizeof *s->sites, s->nsites, NULL, list, sizeof list));
        return 0;
    case FAULT_LINK_DOWN: case FAULT_LINK_DEGRADE: {
        /* Link ids as in the links table: transit i = ISP i, then peering. */
        char name[2 * CFG_ID_MAX + 8];
        int next = s->nisps;
        for (int i = 0; i < s->nisps; i++) {
            snprintf(name, sizeof name, "%s/transit", s->isps[i].id);
            if (strcmp(name, id) == 0)
                return f->target = i, 0;
        }
        for (int i = 0; i < s->nisps; i++)
            for (int k = 0; k < s->isps[i].npeering; k++, next++) {
                snprintf(name, sizeof name, "%s/%s", s->isps[i].id,
                         s->sites[s->isps[i].peering[k].ix_site].id);
                if (strcmp(name, id) == 0)
                    return f->target = next, 0;
            }
        /* The links, in links-table order, as many as fit. */
        size_t len = 0;
        list[0] = '\0';
        for (int i = 0; i < s->nisps && len + 1 < sizeof list; i++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s/transit", i ? ", " : "",
                                    s->isps[i].id);
        for (int i = 0; i < s->nisps; i++)
            for (int k = 0; k < s->isps[i].npeering && len + 1 < sizeof list; k++)
                len += (size_t)snprintf(list + len, sizeof list - len, ", %s/%s", s->isps[i].id,
                                        s->sites[s->isps[i].peering[k].ix_site].id);
        return sr_fail(l, "unknown link \"%s\"; the links are: %s", id, list);
    }
    case FAULT_REGION_EVACUATION:
        f->target = sr_lookup(l->regions, s->nregions, id);
        if (f->target < 0)
            return sr_fail(l, "unknown region \"%s\"; the regions are: %s", id,
                           sr_list_ids(s->regions, sizeof *s->regions, s->nregions, NULL, list,
                                       sizeof list));
        return 0;
    default:
        return 0;
    }
}

static int site_is_ix_entry(const void *base, int i)
{
    return ((const struct cfg_site *)base)[i].kind == SITE_IX;
}

static int rd_fault(struct sr *l, const cJSON *e, struct scenario *s, struct cfg_fault *f)
{
    static const char *const keys[] = { "kind", "at", "for", "target", "factor", "half_life",
                                        "floor", "to", "rate", NULL };
    char list[256];
    int k;
    if (!cJSON_IsObject(e))
        return sr_wrong_type(l, "an object like {\"kind\": \"oca_down\", \"at\": \"3h\", \"for\":"
                             " \"30m\", \"target\": \"isp-a-1/0\"}", e);
    if (sr_known_keys(l, e, keys))
        return -1;
    if (!sr_get(e, "kind"))
        return sr_missing(l, "kind");
    if (sr_enum(l, e, "kind", scenario_fault_kinds, &k)
        || sr_run_instant(l, e, "at", s, "fault", &f->at)
        || sr_duration(l, e, "for", NULL, 0, SIM_TIME_MAX, SR_LO_OPEN, &f->length))
        return -1;
    f->kind = (enum fault_kind)k;
    f->target = -1;
    f->to_site = -1;
    int wants_target = f->kind != FAULT_ORIGIN_DOWN && f->kind != FAULT_CONTROL_PLANE_DOWN;
    const cJSON *t = sr_get(e, "target");
    if (wants_target && !t)
        return sr_fail(l, "missing required key \"target\" (the id of what %s hits)",
                       scenario_fault_kinds[k]);
    if (!wants_target && t) {
        size_t mt = sr_push_key(l, "target");
        sr_fail(l, "%s has no target: remove \"target\"", scenario_fault_kinds[k]);
        sr_pop(l, mt);
        return -1;
    }
    if (t) {
        const char *id;
        if (sr_string(l, e, "target", 1, NULL, &id))
            return -1;
        size_t mt = sr_push_key(l, "target");
        snprintf(f->target_id, sizeof f->target_id, "%s", id);
        if (rd_target(l, s, f))
            return -1;
        sr_pop(l, mt);
    }
    int degrade = f->kind == FAULT_OCA_DEGRADE || f->kind == FAULT_LINK_DEGRADE;
    if (!degrade && sr_get(e, "factor")) {
        size_t mf = sr_push_key(l, "factor");
        sr_fail(l, "only oca_degrade and link_degrade take a factor");
        sr_pop(l, mf);
        return -1;
    }
    if (sr_number(l, e, "factor", 0, 0.5, 0, 1, SR_LO_OPEN, &f->factor))
        return -1;
    if (f->kind != FAULT_OCA_LEAK && (sr_get(e, "half_life") || sr_get(e, "floor"))) {
        size_t mf = sr_push_key(l, sr_get(e, "half_life") ? "half_life" : "floor");
        sr_fail(l, "only oca_leak takes half_life and floor");
        sr_pop(l, mf);
        return -1;
    }
    if (sr_duration(l, e, "half_life", "1h", 0, SIM_TIME_MAX, SR_LO_OPEN, &f->leak_half_life)
        || sr_number(l, e, "floor", 0, 0.1, 0, 1, SR_LO_OPEN, &f->leak_floor))
        return -1;
    if (f->kind != FAULT_OCA_ERRORS && sr_get(e, "rate")) {
        size_t mf = sr_push_key(l, "rate");
        sr_fail(l, "only oca_errors takes a rate");
        sr_pop(l, mf);
        return -1;
    }
    if (sr_number(l, e, "rate", 0, 0.5, 0, 1, SR_LO_OPEN, &f->error_rate))
        return -1;
    const cJSON *to = sr_get(e, "to");
    if (f->kind == FAULT_REGION_EVACUATION) {
        const char *id;
        if (!to)
            return sr_fail(l, "missing required key \"to\" (the IX site that takes the region)");
        if (sr_string(l, e, "to", 1, NULL, &id))
            return -1;
        size_t mt = sr_push_key(l, "to");
        f->to_site = site_index(l, s, id);
        if (f->to_site < 0 || s->sites[f->to_site].kind != SITE_IX)
            return sr_fail(l, "\"%s\" is not an IX site; the IX sites are: %s", id,
                           sr_list_ids(s->sites, sizeof *s->sites, s->nsites, site_is_ix_entry, list,
                                       sizeof list));
        if (s->sites[f->to_site].region == f->target)
            return sr_fail(l, "IX site \"%s\" is in the evacuated region \"%s\" itself", id,
                           f->target_id);
        sr_pop(l, mt);
    } else if (to) {
        size_t mt = sr_push_key(l, "to");
        sr_fail(l, "only region_evacuation takes \"to\"");
        sr_pop(l, mt);
        return -1;
    }
    return 0;
}

int scenario_read_control(struct sr *l, const cJSON *root, struct scenario *s)
{
    if (rd_steering(l, root, s) || rd_control_plane(l, root, s) || rd_cdn_cost(l, root, s))
        return -1;
    const cJSON *arr;
    int n;
    if (sr_array(l, root, "faults", 0, &arr, &n))
        return -1;
    if (n > 250) {
        size_t m = sr_push_key(l, "faults");
        sr_fail(l, "at most 250 faults, found %d", n);
        sr_pop(l, m);
        return -1;
    }
    if (n > 0 && !(s->faults = calloc((size_t)n, sizeof *s->faults)))
        return sr_fail(l, "out of memory");
    s->nfaults = n;
    size_t m0 = sr_push_key(l, "faults");
    int i = 0;
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next, i++) {
        size_t m = sr_push_index(l, i);
        if (rd_fault(l, e, s, &s->faults[i]))
            return -1;
        sr_pop(l, m);
    }
    sr_pop(l, m0);
    return 0;
}

/* ---- printing back ---- */

void scenario_resolve_control(struct jsonw *w, const struct scenario *s)
{
    const struct cfg_steering *st = &s->steer;
    jsonw_begin_object(w, "steering");
    jsonw_string(w, "policy", scenario_steering_policies[s->steering]);
    sr_print_duration(w, "health_period", st->health_period);
    jsonw_number(w, "overload", st->overload);
    sr_print_duration(w, "timeout", st->timeout);
    jsonw_begin_object(w, "drain");
    jsonw_string(w, "policy", scenario_drain_policies[st->drain]);
    sr_print_duration(w, "window", st->drain_window);
    sr_print_rate(w, "min_throughput", st->drain_min_bps);
    jsonw_number(w, "max_stalled", st->drain_max_stalled);
    jsonw_number(w, "min_samples", st->drain_min_samples);
    sr_print_duration(w, "hold", st->drain_hold);
    jsonw_end_object(w);
    jsonw_begin_object(w, "errors");
    jsonw_number(w, "max_rate", st->error_max_rate);
    jsonw_number(w, "min_downloads", st->error_min_downloads);
    sr_print_duration(w, "hold", st->error_hold);
    jsonw_end_object(w);
    jsonw_end_object(w);

    jsonw_begin_object(w, "control_plane");
    jsonw_number(w, "capacity", s->control_plane.capacity);
    sr_print_duration(w, "timeout", s->control_plane.timeout);
    jsonw_end_object(w);

    jsonw_begin_object(w, "cdn");
    jsonw_bool(w, "enabled", s->cdn.enabled);
    sr_print_rate(w, "capacity", s->cdn.capacity_bps);
    jsonw_end_object(w);

    const struct cfg_cost *c = &s->cost;
    jsonw_begin_object(w, "cost");
    jsonw_number(w, "transit_per_gb", c->transit_per_gb);
    jsonw_number(w, "transit_per_mbps95", c->transit_per_mbps95);
    jsonw_number(w, "cdn_per_gb", c->cdn_per_gb);
    jsonw_number(w, "cdn_per_mbps95", c->cdn_per_mbps95);
    sr_print_duration(w, "sample", c->sample);
    sr_print_duration(w, "billing_period", c->billing_period);
    jsonw_end_object(w);

    jsonw_begin_array(w, "faults", 0);
    for (int i = 0; i < s->nfaults; i++) {
        const struct cfg_fault *f = &s->faults[i];
        jsonw_begin_object(w, NULL);
        jsonw_string(w, "kind", scenario_fault_kinds[f->kind]);
        sr_print_duration(w, "at", f->at);
        sr_print_duration(w, "for", f->length);
        if (f->target_id[0])
            jsonw_string(w, "target", f->target_id);
        if (f->kind == FAULT_OCA_DEGRADE || f->kind == FAULT_LINK_DEGRADE)
            jsonw_number(w, "factor", f->factor);
        if (f->kind == FAULT_OCA_LEAK) {
            sr_print_duration(w, "half_life", f->leak_half_life);
            jsonw_number(w, "floor", f->leak_floor);
        }
        if (f->kind == FAULT_REGION_EVACUATION)
            jsonw_string(w, "to", s->sites[f->to_site].id);
        if (f->kind == FAULT_OCA_ERRORS)
            jsonw_number(w, "rate", f->error_rate);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}
