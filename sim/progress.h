/* sim/progress.h: a progress line on stderr while a run goes.
 *
 * Simulated time, percent done, events per second and an ETA, redrawn at
 * most 4 times a second. Reads the wall clock for display only: nothing it
 * measures reaches the results. */
#ifndef LASTMILE_PROGRESS_H
#define LASTMILE_PROGRESS_H

#include <stdint.h>
#include <time.h>
#include "sim/simtime.h"

struct progress {
    int enabled;
    simtime end;
    int64_t start_unix;             /* scenario start, for the clock shown */
    struct timespec t0, last;
};

void progress_init(struct progress *p, int enabled, simtime end, int64_t start_unix);
/* The engine's callback; ctx is a struct progress. Never stops the run. */
int progress_update(void *ctx, simtime now, uint64_t events);
void progress_done(struct progress *p, uint64_t events);
/* Seconds of wall time since progress_init. */
double progress_elapsed(const struct progress *p);

#endif
