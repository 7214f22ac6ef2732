/* tests/fuzz/replay.c: replays the regression corpus of one fuzz harness in
 * `make test` (built once per tests/fuzz/fuzz_NAME.c with -DFUZZ_NAME="NAME"
 * and linked with it, without libFuzzer). Every file in
 * tests/fuzz/regress/NAME/ is an input that once found a crash, a hang, a
 * leak or a sanitizer report; each must now go through the harness cleanly
 * (under `make test-sanitize`, with ASan, UBSan and LeakSanitizer watching). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/helpers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    cr_assert_not_null(buf);
    *len = n;
    return buf;
}

Test(fuzz_replay, every_regression_input_goes_through_cleanly, .timeout = 120)
{
    char dir[1024];
    th_path(dir, sizeof dir, "tests/fuzz/regress/" FUZZ_NAME);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "no regression corpus %s", dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        uint8_t *data = slurp(path, &len);
        LLVMFuzzerTestOneInput(data, len);
        free(data);
        n++;
    }
    closedir(d);
    fprintf(stderr, "fuzz_replay: %s: %d regression inputs replayed\n", FUZZ_NAME, n);
}
