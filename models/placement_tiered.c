/* models/placement_tiered.c: popularity fill, except that an IX holds only
 * what the embedded clusters of its region do not all hold already: its
 * storage goes to the tail the ISPs' own clusters miss. */
#include "models/placement.h"

static int tiered_replicas(const struct placement_view *v, uint32_t file)
{
    if (v->w->sc->sites[v->site].kind == SITE_IX && v->held_by_all_embedded &&
        (v->held_by_all_embedded[file >> 6] >> (file & 63) & 1))
        return 0;
    return 1;
}

const struct placement_rule placement_tiered = {
    .name = "tiered", .needs_embedded_plans = 1, .replicas = tiered_replicas,
};
