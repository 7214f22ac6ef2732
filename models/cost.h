/* models/cost.h: what the run costs in transit and third-party CDN, and the
 * peak utilization of peering links. */
#ifndef LASTMILE_COST_H
#define LASTMILE_COST_H

#include "models/world.h"

/* One billed resource's samples: mean Mbps over each sample interval. */
struct cost_series {
    uint32_t res;
    double last_bytes;
    double *mbps;
    simtime *t;                     /* each sample's start */
    size_t n, cap;
};

struct cost {
    int nseries;                    /* transit links, then the CDN */
    struct cost_series *series;
    double *peer_last;              /* per peering link: bytes_total at the last sample */
    double *peer_cap;               /* per peering link: capacity at the last sample */
    double peak_peering_util;
    simtime last;                   /* the last sample's end */
};

int cost_init(struct world *w);
void cost_destroy(struct world *w);
/* The EV_COST_SAMPLE handler. */
void cost_on_sample(void *ctx, const struct event *ev);
/* The 95th percentile by nearest rank (the billing convention: sort the
 * samples, drop the top 5%, bill the highest left) of n values; sorts v. */
double cost_p95(double *v, size_t n);
/* Takes the last partial sample and computes the totals. */
void cost_totals(struct world *w, double *transit_usd, double *cdn_usd, double *peak_peering);

#endif
