/* models/world.c: building the world from a scenario, and taking it down.
 *
 * Resource ids of the flow model: OCAs first (0..nocas-1, so an OCA's id is
 * its resource id), then the origin's egress, then the links: one transit
 * link per ISP (link id = ISP index), then one peering link per entry of
 * each ISP's peering list. Capacities (OCA egress, links, origin) are scaled
 * by `sample` with the subscribers, so a sampled run sees the same
 * utilizations as the full one; storage is not scaled (the catalog is whole). */
#include "models/world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/access.h"
#include "models/catalog.h"
#include "models/control_plane.h"
#include "models/cost.h"
#include "models/demand.h"
#include "models/encoding.h"
#include "models/failover.h"
#include "models/fault.h"
#include "models/live.h"
#include "models/metrics.h"
#include "models/network.h"
#include "models/placement.h"
#include "models/placement_int.h"
#include "models/player.h"
#include "sim/results.h"
#include "sim/rng.h"

static int build_topology(struct world *w)
{
    const struct scenario *sc = w->sc;
    w->nregions = sc->nregions;
    w->nisps = sc->nisps;
    w->nsites = sc->nsites;
    w->regions = calloc((size_t)sc->nregions, sizeof *w->regions);
    w->isps = calloc((size_t)sc->nisps, sizeof *w->isps);
    w->sites = calloc((size_t)(sc->nsites ? sc->nsites : 1), sizeof *w->sites);
    w->peering_first = calloc((size_t)sc->nisps + 1, sizeof *w->peering_first);
    if (!w->regions || !w->isps || !w->sites || !w->peering_first)
        return -1;
    for (int r = 0; r < sc->nregions; r++)
        w->regions[r].target_scale = sc->regions[r].subscribers * sc->sample;
    w->nocas = 0;
    for (int s = 0; s < sc->nsites; s++) {
        w->sites[s].first_oca = w->nocas;
        w->sites[s].noca = (uint32_t)sc->sites[s].oca_count;
        w->nocas += w->sites[s].noca;
    }
    uint32_t npeer = 0;
    for (int i = 0; i < sc->nisps; i++) {
        w->peering_first[i] = npeer;
        npeer += (uint32_t)sc->isps[i].npeering;
    }
    w->peering_first[sc->nisps] = npeer;
    w->nlinks = (uint32_t)sc->nisps + npeer;
    w->origin_res = w->nocas;
    w->first_link_res = w->nocas + 1;
    w->ocas = calloc(w->nocas ? w->nocas : 1, sizeof *w->ocas);
    w->peering_link = calloc(npeer ? npeer : 1, sizeof *w->peering_link);
    if (!w->ocas || !w->peering_link || network_init(w, w->first_link_res + w->nlinks + (sc->cdn.enabled ? 1 : 0)) != 0)
        return -1;
    struct resource *res = w->net.res;
    for (int s = 0; s < sc->nsites; s++)
        for (uint32_t k = 0; k < w->sites[s].noca; k++) {
            uint32_t o = w->sites[s].first_oca + k;
            w->ocas[o].site = (uint32_t)s;
            w->ocas[o].resource = o;
            res[o].capacity_bps = sc->sites[s].oca_egress_bps * sc->sample;
        }
    res[w->origin_res].capacity_bps = sc->origin.egress_bps * sc->sample;
    if (sc->cdn.enabled)        /* the third-party CDN: one resource after the links */
        res[w->first_link_res + w->nlinks].capacity_bps = sc->cdn.capacity_bps * sc->sample;
    for (int i = 0; i < sc->nisps; i++) {
        struct isp *ip = &w->isps[i];
        ip->region = sc->isps[i].region;
        ip->scale = sc->regions[ip->region].subscribers * sc->isps[i].share * sc->sample;
        ip->transit_link = w->first_link_res + (uint32_t)i;
        res[ip->transit_link].capacity_bps = sc->isps[i].transit_bps * sc->sample;
        for (int k = 0; k < sc->isps[i].npeering; k++) {
            uint32_t l = w->peering_first[i] + (uint32_t)k;
            w->peering_link[l] = w->first_link_res + (uint32_t)sc->nisps + l;
            res[w->peering_link[l]].capacity_bps = sc->isps[i].peering[k].capacity_bps * sc->sample;
        }
        ip->arrivals = rng_stream_create(sc->seed, RNG_ARRIVALS, (uint64_t)i);
        ip->sessions = rng_stream_create(sc->seed, RNG_SESSIONS, (uint64_t)i);
        ip->embedded = malloc((size_t)(sc->nsites ? sc->nsites : 1) * sizeof *ip->embedded);
        if (!ip->arrivals || !ip->sessions || !ip->embedded)
            return -1;
        for (int s = 0; s < sc->nsites; s++)
            if (sc->sites[s].kind == SITE_EMBEDDED && sc->sites[s].isp == i)
                ip->embedded[ip->nembedded++] = s;
    }
    return 0;
}

struct world *world_create(const struct scenario *sc, struct engine *e,
                           struct results *results, struct error *err)
{
    struct world *w = calloc(1, sizeof *w);
    if (!w) {
        error_set(err, "out of memory building the world");
        return NULL;
    }
    w->sc = sc;
    w->engine = e;
    w->results = results;
    w->err = err;
    w->session_free = NONE;
    w->abr = abr_rule_find(abr_rule_names[sc->player.abr]);
    player_params_from_cfg(&sc->player, &w->abr_params);
    w->ladder = (struct abr_ladder){ sc->encoding.nrungs, sc->encoding.rung_bps, NULL };
    w->player_cfg = (struct player_cfg){ sc->player.segment, sc->player.buffer,
                                         sc->player.startup, sc->player.abandon };
    w->enc = encoding_create(&sc->encoding, sc->seed, sc->catalog.titles);
    if (!w->enc || build_topology(w) != 0 || catalog_build(w) != 0 || placement_build(w) != 0
        || access_build(w) != 0 || control_plane_init(w) != 0 || fault_init(w) != 0
        || cost_init(w) != 0 || live_init(w) != 0) {
        error_set(err, "out of memory building the world");
        world_destroy(w);
        return NULL;
    }
    engine_on(e, EV_ARRIVAL, demand_on_arrival, w);
    engine_on(e, EV_DOWNLOAD_DONE, player_on_download_done, w);
    engine_on(e, EV_RESUME, player_on_resume, w);
    engine_on(e, EV_SESSION_END, player_on_end, w);
    engine_on(e, EV_NET_TICK, network_tick, w);
    engine_on(e, EV_METRICS_TICK, metrics_on_tick, w);
    engine_on(e, EV_HEALTH, control_plane_on_health, w);
    engine_on(e, EV_FAULT, fault_on_event, w);
    engine_on(e, EV_PLAY_TIMEOUT, failover_on_play_timeout, w);
    engine_on(e, EV_COST_SAMPLE, cost_on_sample, w);
    engine_on(e, EV_FILL_START, fill_on_start, w);
    engine_on(e, EV_FILL_DONE, fill_on_done, w);
    engine_on(e, EV_FIRST_BYTE, player_on_first_byte, w);
    engine_on(e, EV_LIVE_ARRIVAL, live_on_arrival, w);
    engine_on(e, EV_LIVE_TRY, live_on_try, w);
    engine_on(e, EV_LIVE_ADMIT, live_on_admit, w);
    engine_on(e, EV_LIVE_SEGMENT, live_on_segment, w);
    engine_on(e, EV_LIVE_END, live_on_end, w);
    engine_prefetch_on(e, EV_DOWNLOAD_DONE, player_prefetch_download);
    engine_prefetch_on(e, EV_RESUME, player_prefetch);
    engine_prefetch_on(e, EV_SESSION_END, player_prefetch);
    if (results && metrics_write_entities(w) != 0) {
        world_destroy(w);
        return NULL;
    }
    engine_at(e, sc->network.share_period, EV_NET_TICK, 0, 0);
    engine_at(e, sc->metrics.period, EV_METRICS_TICK, 0, 0);
    /* Reports are offset half a period from whole minutes, where faults
     * are usually scheduled, so the control plane learns of a fault late. */
    engine_at(e, sc->steer.health_period / 2, EV_HEALTH, 0, 0);
    engine_at(e, sc->cost.sample, EV_COST_SAMPLE, 0, 0);
    if (demand_start(w) != 0) {
        if (!w->write_failed)
            error_set(err, "out of memory starting the demand");
        world_destroy(w);
        return NULL;
    }
    return w;
}

int world_finish(struct world *w)
{
    if (player_close_all(w) != 0 || metrics_finish(w) != 0)
        return -1;
    return 0;
}

double world_bytes_per_session(const struct world *w)
{
    return (double)(sizeof(struct session) + sizeof(int64_t)) +
           (w->nsessions_live ? (double)w->net.nactive / w->nsessions_live : 0) *
               (double)sizeof(struct flow);
}

void world_destroy(struct world *w)
{
    if (!w)
        return;
    access_destroy(w);
    for (int i = 0; w->isps && i < w->nisps; i++) {
        rng_stream_destroy(w->isps[i].arrivals);
        rng_stream_destroy(w->isps[i].sessions);
        free(w->isps[i].embedded);
    }
    placement_destroy(w);
    catalog_destroy(w);
    encoding_destroy(w->enc);
    cost_destroy(w);
    live_destroy(w);
    fault_destroy(w);
    control_plane_destroy(w);
    network_destroy(w);
    free(w->regions);
    free(w->isps);
    free(w->sites);
    free(w->ocas);
    free(w->peering_link);
    free(w->peering_first);
    free(w->sessions);
    free(w->session_ids);
    free(w->m.startup_s);
    free(w);
}
