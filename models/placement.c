/* models/placement.c: placement v1, static at the start.
 *
 * Each site (an embedded cluster or an IX) is filled with titles in order
 * of popularity; a title goes to the first OCA in its rendezvous (HRW)
 * order that still has room, so steering, which follows the same order,
 * finds it. A title that fits nowhere is skipped and smaller ones are still
 * tried. The origin holds everything. No fill traffic: v1 places before the
 * run starts (the fill-window policies are issue #5's). */
#include "models/placement.h"

#include <stdlib.h>

#include "models/steering.h"

int placement_build(struct world *w)
{
    size_t words = ((size_t)w->ntitles + 63) / 64;
    w->words_per_bitset = words;
    for (uint32_t o = 0; o < w->nocas; o++) {
        w->ocas[o].holds = calloc(words, sizeof(uint64_t));
        if (!w->ocas[o].holds)
            return -1;
    }
    uint32_t maxn = 0;
    for (int s = 0; s < w->nsites; s++)
        if (w->sites[s].noca > maxn)
            maxn = w->sites[s].noca;
    uint32_t *order = malloc((maxn ? maxn : 1) * sizeof *order);
    if (!order)
        return -1;
    for (int s = 0; s < w->nsites; s++) {
        double cap = w->sc->sites[s].oca_storage_bytes;
        for (int t = 0; t < w->ntitles; t++) {
            double size = w->titles[t].size_bytes;
            steering_rank(w, s, (uint32_t)t, order);
            for (uint32_t i = 0; i < w->sites[s].noca; i++) {
                struct oca *o = &w->ocas[order[i]];
                if (o->stored_bytes + size <= cap) {
                    o->stored_bytes += size;
                    o->titles_held++;
                    o->holds[t >> 6] |= UINT64_C(1) << (t & 63);
                    break;
                }
            }
        }
    }
    free(order);
    return 0;
}
