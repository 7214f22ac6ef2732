/* sim/input_limit.h: the largest input file read whole into memory.
 *
 * Scenarios, throughput traces and manifests are read whole before they are
 * parsed, so a wrong file (a disk image, a video) would otherwise be read
 * into memory in full before it is refused. Files over the limit are refused
 * with a message naming the limit and how to raise it. The limit is the
 * environment variable LASTMILE_MAX_INPUT (a size: "64MiB", "1GB", or a
 * plain number of bytes), default 64 MiB. Cache request traces
 * (`lastmile cache --trace`) are streamed line by line and have no limit. */
#ifndef LASTMILE_INPUT_LIMIT_H
#define LASTMILE_INPUT_LIMIT_H

#include <stddef.h>
#include "sim/error.h"

#define INPUT_LIMIT_ENV "LASTMILE_MAX_INPUT"
#define INPUT_LIMIT_DEFAULT ((size_t)64 << 20)

/* The limit in bytes: 0, or -1 with err->msg saying the variable is not a
 * size (err->file and err->path are left as they are). */
int input_limit(size_t *bytes, struct error *err);

/* Fills err->msg for a file of size bytes (or "more than limit" when size
 * is 0: a pipe) over the limit; what is "scenarios", "traces", ... */
void input_limit_refuse(struct error *err, size_t size, size_t limit, const char *what);

#endif
