/* sim/input_limit.c: the input size limit (see the header). */
#include "sim/input_limit.h"

#include <stdlib.h>

#include "sim/units.h"

int input_limit(size_t *bytes, struct error *err)
{
    const char *v = getenv(INPUT_LIMIT_ENV);
    *bytes = INPUT_LIMIT_DEFAULT;
    if (!v || !*v)
        return 0;
    char *end;
    double b = strtod(v, &end);
    struct error e = {0};
    if (*end && units_parse_bytes(v, &b, &e) != 0) {
        error_set(err, "%s=\"%.64s\": expected a size such as 64MiB, 1GB or a number of bytes",
                  INPUT_LIMIT_ENV, v);
        return -1;
    }
    if (!(b >= 1) || !(b <= 1e15)) {
        error_set(err, "%s=\"%.64s\": expected a size from 1 byte to 1PB", INPUT_LIMIT_ENV, v);
        return -1;
    }
    *bytes = (size_t)b;
    return 0;
}

void input_limit_refuse(struct error *err, size_t size, size_t limit, const char *what)
{
    char lim[32];
    units_format_bytes((double)limit, lim, sizeof lim);
    if (size)
        error_set(err, "the file is %zu bytes, over the limit of %s (%zu bytes): %s that large"
                  " are refused (set %s to raise it)", size, lim, limit, what, INPUT_LIMIT_ENV);
    else
        error_set(err, "the file is over the limit of %s (%zu bytes): %s that large are refused"
                  " (set %s to raise it)", lim, limit, what, INPUT_LIMIT_ENV);
}
