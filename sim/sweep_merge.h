/* sim/sweep_merge.h: a local sweep's merge into --db, in a process of its
 * own.
 *
 * A local sweep forks one child per run while it copies the finished runs
 * into --db in one open transaction. A child forked from a process that
 * holds an open SQLite connection inherits it: SQLite forbids using it
 * there (https://www.sqlite.org/howtocorrupt.html, "Carrying an open
 * database connection across a fork()") and the child cannot free it
 * either, so valgrind counted it lost in every run.
 * The connection therefore lives in a merge process forked before any run,
 * and the sweep's own process, which forks the runs, never opens --db. */
#ifndef LASTMILE_SWEEP_MERGE_H
#define LASTMILE_SWEEP_MERGE_H

#include <stdint.h>
#include "sim/error.h"

struct sweep_merge;

/* Forks the merge process, which opens db (created when missing) and
 * begins the transaction; run I's database is dir/run-I.db (sweep_run_db).
 * NULL with err filled when db cannot be opened or the process cannot
 * start. */
struct sweep_merge *sweep_merge_start(const char *db, const char *dir, struct error *err);
/* Asks for run i (the one run of its database) to be copied into db,
 * without waiting: the sweep's process goes on starting runs while the
 * merge process copies. Runs are asked for in order, each once. 0, or -1
 * with err filled when the merge process is gone. */
int sweep_merge_request(struct sweep_merge *m, int i, struct error *err);
/* Takes the answers in: ids[k] receives run k's id in db as run k is
 * copied; *merged counts the runs copied. With wait, blocks until every
 * run asked for is answered; without, takes what has come. 0, or -1 with
 * err filled when a copy failed (the merge is then aborted: only
 * sweep_merge_abort may follow). */
int sweep_merge_collect(struct sweep_merge *m, int wait, int64_t *ids, int *merged,
                        struct error *err);
/* Commits and waits for the process to end. 0, or -1 with err filled.
 * Frees m either way. */
int sweep_merge_commit(struct sweep_merge *m, struct error *err);
/* Rolls every added run back (db is left as it was), waits for the
 * process to end and frees m. NULL is fine. */
void sweep_merge_abort(struct sweep_merge *m);

/* In a run's forked child: lets go of the socket, so that the merge
 * process sees the end of it when the sweep's process dies, not when the
 * last run ends, and frees the child's copy of m (the parent's stays). */
void sweep_merge_leave(struct sweep_merge *m);

/* Run i's own database in dir. */
void sweep_run_db(char *buf, size_t size, const char *dir, int i);

#endif
