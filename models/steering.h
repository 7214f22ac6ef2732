/* models/steering.h: the control plane's answer to a play request. */
#ifndef LASTMILE_STEERING_H
#define LASTMILE_STEERING_H

#include "models/world.h"

/* Rendezvous (highest random weight) score of an OCA for a title:
 * Thaler and Ravishankar, "Using name-based mappings to increase hit
 * rates", IEEE/ACM ToN 1998. */
uint64_t steering_hrw(uint32_t title, uint32_t oca);
/* Orders the OCAs of a site for a title by descending HRW score into out
 * (room for the site's OCA count). */
void steering_rank(const struct world *w, int site, uint32_t title, uint32_t *out);
/* Picks the serving path of a session of ISP isp for title: the ISP's own
 * embedded clusters that hold it (in scenario order), then the IXs the ISP
 * peers with (in the order of its peering list), then the origin over
 * transit. Within a cluster the first OCA in HRW order that holds it. */
void steering_route(const struct world *w, int isp, uint32_t title,
                    uint8_t *tier, uint32_t *res0, uint32_t *res1);

#endif
