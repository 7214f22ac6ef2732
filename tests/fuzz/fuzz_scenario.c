/* tests/fuzz/fuzz_scenario.c: libFuzzer harness for the scenario loader:
 * JSON parse, the duplicate-key and number checks, --set overrides, every
 * section reader, validation and the resolved-JSON writer (all of
 * scenario_load but reading trace folders, which the trace harness covers).
 * An input is the scenario text, optionally followed by a NUL byte and up
 * to four NUL-separated "KEY=VALUE" --set strings.
 */
// FUZZ_SEEDS: scenarios/*.json tests/data/bad/*.json
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *sets[4];
    int nsets = 0;
    size_t text_len = strlen(buf);
    for (size_t at = text_len + 1; at < size && nsets < 4; at += strlen(buf + at) + 1)
        sets[nsets++] = buf + at;
    struct scenario s;
    struct error err;
    if (scenario_parse_text("fuzz.json", buf, text_len, sets, nsets, &s, &err) == 0)
        scenario_free(&s);
    free(buf);
    return 0;
}
