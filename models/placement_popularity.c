/* models/placement_popularity.c: every cluster holds the files of highest
 * forecast demand per byte until its storage is full, one copy per file
 * (on the file's first OCA in the site's rendezvous order; skipped when
 * that OCA is full). An IX, with more storage, reaches deeper into the tail. */
#include "models/placement.h"

static int popularity_replicas(const struct placement_view *v, uint32_t file)
{
    (void)v;
    (void)file;
    return 1;
}

const struct placement_rule placement_popularity = {
    .name = "popularity", .replicas = popularity_replicas,
};
