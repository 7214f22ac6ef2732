/* models/fault.h: the scenario's scheduled failures and what they did.
 *
 * Each fault starts at `at` and ends after `for` (an EV_FAULT event each).
 * Faults act on the flow model's resources (capacity x factor; down: the
 * flows on it stop and no new one starts) and on the control plane's own
 * state (down, evacuated regions); the control plane learns about OCAs and
 * links only through its next health report. Every fault gets a row of its
 * impact in the results (table faults) and markers on the time axis. */
#ifndef LASTMILE_FAULT_H
#define LASTMILE_FAULT_H

#include "models/world.h"

struct fault_state {
    int active;
    simtime seen_at;                /* first report that showed it; -1 never */
    double leak_load_s;             /* oca_leak: seconds at full nominal egress so far */
    double leak_last_bytes;         /* oca_leak: the OCA's bytes_total at the last report */
    uint64_t sessions_affected, failovers, sessions_failed;
    uint64_t *affected;             /* bitset over session ids: counted once each */
    size_t affected_words;
    double rebuffer_added_us;       /* stall of its episodes (failover, degraded download), summed */
    double tier_start[TIER_COUNT], tier_end[TIER_COUNT]; /* bytes per tier at its start, end */
    simtime ended_at;
    double leak_factor;             /* oca_leak: egress x this now */
    double bytes_moved;             /* see fault_note_bytes */
};

struct faults {
    int n;
    struct fault_state *f;
    int nactive;                    /* faults between their start and end */
};

int fault_init(struct world *w);
void fault_destroy(struct world *w);
/* The EV_FAULT handler. */
void fault_on_event(void *ctx, const struct event *ev);
/* Health-report hook: leaks progress. */
void fault_on_health(struct world *w, simtime now);
/* The control plane's report first showed fault f (-1: none). */
void fault_seen(struct world *w, int f, simtime now);
/* A download of session id failed on resource res (down): attributes it
 * to the fault that holds res down. failed: the session gave up. 0, or -1
 * out of memory. */
int fault_note_failure(struct world *w, uint32_t res, uint32_t id, int failed);
/* Adds rebuffer microseconds to fault f's (negative at an episode's start,
 * positive at its end: the sum is the stall of its failover episodes). */
void fault_episode(struct world *w, int f, double rebuffer_us);
/* A download of session id completed (bytes) while faults are active:
 * its bytes count as moved by each active fault that hits the session's
 * home (control_plane_home: its OCA or link is the target, or for an
 * evacuation the session is of the region) when a tier other than the
 * home's served them. */
void fault_note_bytes(struct world *w, uint32_t id, double bytes);
/* "site/index", a link's name, "origin" or "cdn". */
void fault_resource_name(const struct world *w, uint32_t r, char *buf, size_t n);
/* The impact rows; at the run's end. 0 or -1. */
int fault_write(struct world *w);

#endif
