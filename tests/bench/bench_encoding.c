/* tests/bench/bench_encoding.c: building the ladders of a 50 000-title
 * catalog in three codecs (AVC, HEVC, AV1; every title in every codec).
 *
 * Prints:
 *   encoding.ladders_50k N s        wall time of encoding_create, best of 5
 *   encoding.ladders_50k_mem N MB   bytes the ladders hold (rungs + index)
 *   encoding.rungs_per_ladder N     mean rungs per (title, codec)
 * Goal: under one second (issue 3). */
#include <stdio.h>
#include <time.h>
#include <gsl/gsl_errno.h>

#include "models/encoding.h"
#include "sim/scenario.h"

static const char SCENARIO[] =
    "{\"name\": \"bench\", \"start\": \"2026-01-01T00:00:00Z\", \"duration\": \"1h\","
    " \"regions\": [{\"id\": \"r\", \"subscribers\": 1}],"
    " \"isps\": [{\"id\": \"i\", \"region\": \"r\", \"share\": 1}],"
    " \"encoding\": {\"ladder\": \"per-title\", \"codecs\": [\"avc\", \"hevc\", \"av1\"],"
    "               \"av1_titles\": 1}}";

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
    gsl_set_error_handler_off();
    struct scenario sc;
    struct error err = {0};
    if (scenario_load_text("bench", SCENARIO, NULL, 0, &sc, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    const int n = 50000;
    double best = 1e9;
    size_t bytes = 0, rungs = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now_s();
        struct encoding *e = encoding_create(&sc.encoding, sc.seed, n);
        double dt = now_s() - t0;
        if (!e) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
        if (dt < best)
            best = dt;
        rungs = e->nrung_total;
        /* Rung slots at a fixed stride: CFG_LADDER_MAX per (title, codec). */
        bytes = (size_t)n * e->bps_stride * sizeof *e->bps +
                (size_t)n * (size_t)e->nslots * CFG_LADDER_MAX *
                    (sizeof *e->quality + sizeof *e->width + sizeof *e->height) +
                (size_t)n * CODEC_COUNT * sizeof *e->nrungs + (size_t)n * sizeof *e->complexity;
        encoding_destroy(e);
    }
    printf("encoding.ladders_50k %.3f s\n", best);
    printf("encoding.ladders_50k_mem %.1f MB\n", (double)bytes / 1e6);
    printf("encoding.rungs_per_ladder %.2f\n", (double)rungs / (n * CODEC_COUNT));
    scenario_free(&sc);
    return 0;
}
