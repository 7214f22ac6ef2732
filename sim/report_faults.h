/* sim/report_faults.h: the faults section of `lastmile report`. */
#ifndef LASTMILE_REPORT_FAULTS_H
#define LASTMILE_REPORT_FAULTS_H

#include <stdint.h>

struct sqlite3;
/* The run's per-fault impact rows as text (owned by the caller), or NULL
 * when it has none. */
char *report_faults_text(struct sqlite3 *db, int64_t run_id);

#endif
