/* models/placement.h: what each OCA holds. */
#ifndef LASTMILE_PLACEMENT_H
#define LASTMILE_PLACEMENT_H

#include "models/world.h"

/* Fills every OCA's bitset of titles. 0 or -1 (OOM). */
int placement_build(struct world *w);
static inline int oca_holds(const struct world *w, uint32_t oca, uint32_t title)
{
    return (int)(w->ocas[oca].holds[title >> 6] >> (title & 63) & 1);
}

#endif
