/* sim/merge.h: copying runs from results databases into one
 * (`lastmile merge`, and the end of every sweep).
 *
 * A run's identity is its digest (analysis/SCHEMA.md): a hash of the
 * resolved scenario, the seed, the version and every row, so the same
 * scenario, seed and binary give the same identity wherever the run was
 * made. Merge refuses a run whose digest the output already holds, or that
 * an earlier input brings, and then copies nothing. */
#ifndef LASTMILE_MERGE_H
#define LASTMILE_MERGE_H

#include <stdint.h>
#include "sim/error.h"

struct merge_source {
    const char *path;
    int64_t run_id;
};

/* Every run of path, in run_id order, into a malloc'd array. */
int merge_list_runs(const char *path, int64_t **ids, int *n, struct error *err);

/* Copies the n runs into out_path (created when missing) in one
 * transaction, in the order given, with their sweep tags; new_ids (may be
 * NULL) receives their ids in out_path. A merge killed midway leaves
 * out_path as it was. Returns 0; -1 with err filled (a duplicate, a file
 * that is not a lastmile database, a write error). */
int merge_runs(const char *out_path, const struct merge_source *src, int n,
               int64_t *new_ids, struct error *err);

/* The same, one run at a time: a sweep merges each run as it finishes,
 * while later runs are still running (sim/cmd_sweep.c). merger_begin
 * opens out_path (created when missing) and begins the one transaction;
 * merger_add copies a run; merger_commit commits and frees; merger_abort
 * rolls every added run back and frees (also after a failed merger_add,
 * and NULL is fine). merger_commit frees on failure too. */
struct merger;
struct merger *merger_begin(const char *out_path, struct error *err);
int merger_add(struct merger *m, const struct merge_source *src, int64_t *new_id,
               struct error *err);
int merger_commit(struct merger *m, struct error *err);
void merger_abort(struct merger *m);

#endif
