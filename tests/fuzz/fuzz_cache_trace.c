/* tests/fuzz/fuzz_cache_trace.c: libFuzzer harness for the CSV request
 * trace reader of `lastmile cache --trace` (time,object_id,size lines),
 * read from memory through fmemopen.
 */
// FUZZ_SEEDS: tests/data/trace_tiny.csv tests/data/bad_trace/*.csv
#include <stdint.h>
#include <stdio.h>

#include "sim/cache_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;                   /* fmemopen refuses a size of 0 */
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    struct cache_trace t;
    struct error err;
    if (cache_trace_read_stream(f, "fuzz.csv", &t, &err) == 0)
        cache_trace_free(&t);
    fclose(f);
    return 0;
}
