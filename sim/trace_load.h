/* sim/trace_load.h: reading throughput traces and segment manifests.
 *
 * Traces come in the two formats of ABR research: lines of "SECONDS MBPS"
 * (the cooked FCC and HSDPA traces of Pensieve: a timestamp and the
 * bandwidth since the previous timestamp; '#' starts a comment) and a JSON
 * array of {"duration_ms", "bandwidth_kbps", "latency_ms"} periods (Sabre's).
 * The format is told by the first character that is not white space ('['
 * is JSON). A manifest is Sabre's: {"segment_duration_ms", "bitrates_kbps",
 * "segment_sizes_bits": [[bits per rung] per segment]}. Errors name the
 * file and the line (text) or the JSON path, and what was expected. */
#ifndef LASTMILE_TRACE_LOAD_H
#define LASTMILE_TRACE_LOAD_H

#include "models/trace.h"
#include "sim/error.h"

struct manifest {
    double segment_s;
    int nrungs;
    double *bps;                    /* nrungs, increasing */
    int nsegments;
    double *bits;                   /* nsegments x nrungs */
};

int trace_load(const char *file, struct trace *out, struct error *err);
/* The same from text[0..len) in memory (text[len] must be '\0'; the text
 * is modified); name is used in messages as the file. For the fuzzer. */
int trace_load_text(const char *name, char *text, size_t len, struct trace *out,
                    struct error *err);
int manifest_load(const char *file, struct manifest *out, struct error *err);
void manifest_free(struct manifest *m);

#endif
