/* tests/fuzz/fuzz_sweep.c: libFuzzer harness for the sweep loader (grid,
 * fixed sets, seeds, and the check that every point loads as a scenario).
 * sweep_load reads a file and resolves the base scenario against the sweep
 * file's folder, so each input is written to a file in scenarios/sweeps/
 * (where the real sweeps live, so "../quickstart.json" resolves) and
 * removed after. Slow inputs are expected: a grid may hold up to
 * SWEEP_MAX_RUNS points, each loaded as a scenario.
 */
// FUZZ_SEEDS: scenarios/sweeps/*.json tests/data/bad_sweep/*.json
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/sweep_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *root = getenv("LASTMILE_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/sweeps/.fuzz-%ld.json", root && *root ? root : ".",
             (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct sweep s;
    struct error err;
    if (sweep_load(path, &s, &err) == 0)
        sweep_free(&s);
    unlink(path);
    return 0;
}
