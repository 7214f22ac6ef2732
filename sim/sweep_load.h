/* sim/sweep_load.h: a sweep file (scenarios/sweeps/, scenarios/README.md
 * "Sweeps"): a base scenario, fixed --set overrides, a grid of --set keys
 * and values, and the seeds of the replications.
 *
 * Runs are numbered point-major: run i is grid point i / nseeds with seed
 * i % nseeds; points count through the grid with its first key varying
 * slowest. */
#ifndef LASTMILE_SWEEP_LOAD_H
#define LASTMILE_SWEEP_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"

#define SWEEP_MAX_RUNS 100000
#define SWEEP_MAX_PARAMS 16

struct sweep_param {
    char *key;                      /* a --set path */
    int nvalues;
    char **sets;                    /* "KEY=JSON" for --set */
    char **labels;                  /* the value as people read it (strings unquoted) */
};

struct sweep {
    char *name;
    char *scenario;                 /* path, resolved against the sweep file's folder */
    int nfixed;
    char **fixed;                   /* "KEY=JSON" applied to every run, before the grid */
    int nparams;
    struct sweep_param params[SWEEP_MAX_PARAMS];
    int nseeds;                     /* >= 1 */
    int own_seed;                   /* 1: no seeds given, each point runs the scenario's seed */
    uint64_t *seeds;
    int npoints, nruns;
};

/* Reads and checks file, including that every grid value and every point
 * loads as a scenario. Returns 0, or -1 with err naming the file, the JSON
 * path, what was expected and what was found. */
int sweep_load(const char *file, struct sweep *out, struct error *err);
void sweep_free(struct sweep *s);

/* The --set list of run i (fixed, grid values, then "seed=N" unless
 * own_seed) into sets[0..max); seedbuf holds the seed string. Returns the
 * count. */
int sweep_run_sets(const struct sweep *s, int run, const char **sets, int max,
                   char *seedbuf, size_t seedbuf_len);
/* "placement.policy=hashed, subscribers=2000" for run i's point ("base"
 * with an empty grid). */
void sweep_point_label(const struct sweep *s, int point, char *buf, size_t n);
/* Index of value of param k at point. */
int sweep_point_value(const struct sweep *s, int point, int k);

#endif
