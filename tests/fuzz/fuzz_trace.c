/* tests/fuzz/fuzz_trace.c: libFuzzer harness for the throughput trace
 * loader, both formats ("SECONDS MBPS" lines and JSON period arrays; the
 * loader tells them by the first character that is not white space).
 */
// FUZZ_SEEDS: tests/data/traces/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    struct trace t;
    struct error err;
    if (trace_load_text("fuzz.trace", buf, size, &t, &err) == 0)
        trace_free(&t);
    free(buf);
    return 0;
}
