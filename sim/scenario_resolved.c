/* sim/scenario_resolved.c: the canonical text of a loaded scenario.
 *
 * Every key, defaults applied, quantities formatted back into units
 * ("100Gbps", "1h30m"), ids as names, in the fixed order of
 * scenarios/README.md. `lastmile validate` prints it and the runs table
 * stores it, so a run can be repeated from its database row alone. The unit
 * formatters print the shortest text that parses back to the same double,
 * so loading this text gives the same struct scenario (tests/test_scenario.c
 * checks it). */
#include <stdio.h>

#include "sim/json_util.h"
#include "sim/scenario_int.h"
#include "sim/units.h"

void sr_print_rate(struct jsonw *w, const char *key, double bps)
{
    char b[64];
    jsonw_string(w, key, units_format_rate(bps, b, sizeof b));
}

void sr_print_duration(struct jsonw *w, const char *key, simtime us)
{
    char b[64];
    jsonw_string(w, key, units_format_duration(us, b, sizeof b));
}

static void regions(struct jsonw *w, const struct scenario *s)
{
    char b[64];
    jsonw_begin_array(w, "regions", 0);
    for (int i = 0; i < s->nregions; i++) {
        const struct cfg_region *r = &s->regions[i];
        jsonw_begin_object(w, NULL);
        jsonw_string(w, "id", r->id);
        jsonw_string(w, "utc_offset", units_format_offset(r->utc_offset_s, b, sizeof b));
        jsonw_number(w, "subscribers", r->subscribers);
        jsonw_begin_array(w, "diurnal", 1);
        for (int h = 0; h < CFG_DIURNAL_HOURS; h++)
            jsonw_number(w, NULL, r->diurnal[h]);
        jsonw_end_array(w);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void isps(struct jsonw *w, const struct scenario *s)
{
    jsonw_begin_array(w, "isps", 0);
    for (int i = 0; i < s->nisps; i++) {
        const struct cfg_isp *p = &s->isps[i];
        jsonw_begin_object(w, NULL);
        jsonw_string(w, "id", p->id);
        jsonw_string(w, "region", s->regions[p->region].id);
        jsonw_number(w, "share", p->share);
        jsonw_begin_object(w, "access");
        jsonw_string(w, "model", scenario_access_models[p->access.model]);
        sr_print_rate(w, "median", p->access.median_bps);
        jsonw_number(w, "sigma", p->access.sigma);
        if (p->access.model == ACCESS_TRACES)
            jsonw_string(w, "traces", p->access.traces_dir);
        if (p->access.model == ACCESS_MARKOV) {
            sr_print_rate(w, "good", p->access.good_bps);
            sr_print_rate(w, "bad", p->access.bad_bps);
            sr_print_duration(w, "good_mean", p->access.good_mean);
            sr_print_duration(w, "bad_mean", p->access.bad_mean);
        }
        jsonw_end_object(w);
        jsonw_begin_array(w, "peering", 0);
        for (int j = 0; j < p->npeering; j++) {
            jsonw_begin_object(w, NULL);
            jsonw_string(w, "ix", s->sites[p->peering[j].ix_site].id);
            sr_print_rate(w, "capacity", p->peering[j].capacity_bps);
            jsonw_end_object(w);
        }
        jsonw_end_array(w);
        sr_print_rate(w, "transit", p->transit_bps);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void sites(struct jsonw *w, const struct scenario *s)
{
    char b[64];
    jsonw_begin_array(w, "sites", 0);
    for (int i = 0; i < s->nsites; i++) {
        const struct cfg_site *t = &s->sites[i];
        jsonw_begin_object(w, NULL);
        jsonw_string(w, "id", t->id);
        jsonw_string(w, "kind", scenario_site_kinds[t->kind]);
        /* An embedded site's region is its ISP's and may not be written. */
        if (t->kind == SITE_EMBEDDED)
            jsonw_string(w, "isp", s->isps[t->isp].id);
        else
            jsonw_string(w, "region", s->regions[t->region].id);
        jsonw_begin_object(w, "ocas");
        jsonw_number(w, "count", t->oca_count);
        jsonw_string(w, "storage", units_format_bytes(t->oca_storage_bytes, b, sizeof b));
        sr_print_rate(w, "egress", t->oca_egress_bps);
        scenario_resolve_site_fill(w, t);
        jsonw_end_object(w);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

char *scenario_resolve_json(const struct scenario *s)
{
    struct jsonw w;
    char b[64];
    jsonw_init(&w);
    jsonw_begin_object(&w, NULL);
    jsonw_string(&w, "name", s->name);
    jsonw_string(&w, "description", s->description);
    jsonw_string(&w, "start", units_format_instant(s->start_unix, b, sizeof b));
    sr_print_duration(&w, "duration", s->duration);
    jsonw_number(&w, "seed", (double)s->seed);
    jsonw_number(&w, "sample", s->sample);
    regions(&w, s);
    isps(&w, s);
    sites(&w, s);

    jsonw_begin_object(&w, "origin");
    sr_print_rate(&w, "egress", s->origin.egress_bps);
    jsonw_end_object(&w);

    const struct cfg_catalog *c = &s->catalog;
    jsonw_begin_object(&w, "catalog");
    jsonw_number(&w, "titles", c->titles);
    jsonw_begin_object(&w, "popularity");
    jsonw_string(&w, "model", scenario_popularity_models[c->popularity]);
    jsonw_number(&w, "alpha", c->zipf_alpha);
    jsonw_end_object(&w);
    jsonw_number(&w, "episode_share", c->episode_share);
    sr_print_duration(&w, "episode_duration", c->episode_duration);
    sr_print_duration(&w, "film_duration", c->film_duration);
    jsonw_end_object(&w);

    scenario_resolve_encoding(&w, s);
    scenario_resolve_devices(&w, s);

    jsonw_begin_object(&w, "demand");
    sr_print_duration(&w, "watch_median", s->demand.watch_median);
    jsonw_number(&w, "watch_sigma", s->demand.watch_sigma);
    jsonw_bool(&w, "warm_start", s->demand.warm_start);
    jsonw_end_object(&w);

    const struct cfg_player *p = &s->player;
    jsonw_begin_object(&w, "player");
    sr_print_duration(&w, "segment", p->segment);
    sr_print_duration(&w, "buffer", p->buffer);
    sr_print_duration(&w, "startup", p->startup);
    jsonw_string(&w, "abr", scenario_abr_rules[p->abr]);
    jsonw_number(&w, "abr_window", p->abr_window);
    jsonw_number(&w, "abr_safety", p->abr_safety);
    jsonw_string(&w, "abr_estimator", scenario_abr_estimators[p->abr_estimator]);
    sr_print_duration(&w, "rules_low", p->rules_low);
    sr_print_duration(&w, "rules_high", p->rules_high);
    sr_print_duration(&w, "rules_hold", p->rules_hold);
    jsonw_number(&w, "rules_up_fraction", p->rules_up_fraction);
    sr_print_duration(&w, "bba_reservoir", p->bba_reservoir);
    sr_print_duration(&w, "bba_cushion", p->bba_cushion);
    jsonw_number(&w, "bola_gamma_p", p->bola_gamma_p);
    jsonw_number(&w, "mpc_horizon", p->mpc_horizon);
    jsonw_number(&w, "mpc_lambda", p->mpc_lambda);
    jsonw_number(&w, "mpc_mu", p->mpc_mu);
    jsonw_string(&w, "abandon", scenario_abandon_modes[p->abandon]);
    jsonw_end_object(&w);

    scenario_resolve_control(&w, s);
    scenario_resolve_live(&w, s);
    scenario_resolve_placement(&w, s);

    jsonw_begin_object(&w, "network");
    sr_print_duration(&w, "share_period", s->network.share_period);
    jsonw_end_object(&w);

    jsonw_begin_object(&w, "metrics");
    sr_print_duration(&w, "period", s->metrics.period);
    jsonw_end_object(&w);
    jsonw_end_object(&w);
    return jsonw_finish(&w);
}
