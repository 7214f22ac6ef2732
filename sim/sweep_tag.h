/* sim/sweep_tag.h: the tables that tag a run with its sweep, grid point and
 * seed (sweep_runs, sweep_params; analysis/SCHEMA.md). They are labels, not
 * results: they stay out of the run's digest, so a run has the same digest
 * alone, in a local sweep and under MPI. */
#ifndef LASTMILE_SWEEP_TAG_H
#define LASTMILE_SWEEP_TAG_H

#include <stdint.h>
#include "sim/error.h"
#include "sim/sweep_load.h"

struct sqlite3;

/* Creates the two tables in db when missing (inside the caller's
 * transaction, if any). */
int sweep_tag_create(struct sqlite3 *db, const char *path, struct error *err);
/* Tags run_id of the results database at path as run `run` of sweep s, in
 * one transaction. */
int sweep_tag_write(const char *path, int64_t run_id, const struct sweep *s, int run,
                    struct error *err);

#endif
