/* models/encoding.h: per-title encoding ladders from a rate-quality convex
 * hull, the fixed-ladder baseline, codecs, and the files they make.
 *
 * The model (formulas, calibration, sources) is described at the top of
 * models/encoding.c and in scenarios/README.md ("encoding"). A *file* is
 * (title, codec, rung): what an appliance stores and a player fetches.
 * Ladders are shared per (title, codec), never per session: a session
 * holds a codec and a rung cap (the rungs its screen can show). */
#ifndef LASTMILE_ENCODING_H
#define LASTMILE_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "models/config.h"
#include "sim/simtime.h"

extern const char *const codec_names[CODEC_COUNT];     /* "avc", "hevc", "av1" */

/* ---- the rate-quality model ---------------------------------------------- */

/* The quality (VMAF-like, 0..100, on the reference screen) of a title of
 * complexity c encoded with codec at width x height and bps. */
double encoding_quality(const struct cfg_encoding *e, double c, int codec, double width,
                        double height, double bps);
/* The ceiling of the quality at a resolution (upscaling loses detail). */
double encoding_qcap(double width, double height);
/* The banding guard: the lowest bitrate at which a rung of this height
 * does not band on content of complexity c (flat content bands first). */
double encoding_banding_floor(const struct cfg_encoding *e, double c, int codec, int height);

/* ---- hull and ladder ------------------------------------------------------ */

/* One encode: a point of a hull or a rung of a ladder. */
struct enc_point {
    double bps;
    float quality;
    uint16_t width, height;
};

/* The encode resolutions the hull is taken over, 240p to 2160p (16:9). */
#define ENC_NRES 7
extern const uint16_t encoding_heights[ENC_NRES];
/* Bitrates tried per resolution: a log grid of 8 points per octave. */
#define ENC_GRID 160
#define ENC_HULL_MAX (ENC_GRID + 1)

/* The upper concave hull of quality against bitrate of every encode at a
 * height <= max_height, for complexity c and codec: vertices in increasing
 * bitrate and quality (the hull stops where quality stops rising). Returns
 * the vertex count (<= ENC_HULL_MAX). */
int encoding_hull(const struct cfg_encoding *e, double c, int codec, int max_height,
                  struct enc_point *out);
/* The per-title ladder of complexity c and codec: rungs on the hull, HD
 * rungs (<= 1080p) spaced by quality_step between min_bps and max_bps up to
 * top_quality, then 2160p rungs up to max_uhd_bps and top_quality_uhd,
 * skipping every encode below the banding floor. Returns the rung count
 * (<= CFG_LADDER_MAX); rungs increase in bitrate, quality and height. */
int encoding_ladder(const struct cfg_encoding *e, double c, int codec, struct enc_point *out);
/* The fixed baseline for a title of complexity c: the 2010 AVC ladder (10
 * rungs, 235 kbps at 320x240 to 5800 kbps at 1080p) plus one 2160p rung at
 * 16 Mbps, with each rung's quality for this title. Returns the count. */
int encoding_fixed_ladder(const struct cfg_encoding *e, double c, struct enc_point *out);

/* ---- the catalog's ladders -------------------------------------------------- */

struct encoding {
    int ntitles;
    enum ladder_kind kind;
    const struct cfg_encoding *cfg;
    float *complexity;              /* per title */
    /* per ladder l = title * CODEC_COUNT + codec */
    uint8_t *nrungs;                /* 0: the title is not encoded in codec */
    /* Per rung, each ladder in a slot of CFG_LADDER_MAX at a fixed stride
     * (encoding_first), so finding a session's rung costs one memory
     * access, not two dependent ones: the player reads it per segment. */
    int nslots;                     /* codecs with ladders: slots per title */
    int slot[CODEC_COUNT];          /* a codec's slot, -1 when not encoded */
    /* Rung bitrates per title in bps: nslots x CFG_LADDER_MAX, or 0 for the
     * fixed ladder, whose bitrates every title shares (one copy, always in
     * cache: the per-segment reads of the fixed ladder cost nothing). */
    size_t bps_stride;
    double *bps;                    /* read through encoding_bps */
    float *quality;
    uint16_t *width, *height;
    size_t nrung_total;
    float vbr_table[256];           /* per-segment size multipliers, mean 1 */
    double vbr_scale;               /* vbr_factor / 8 bits / us per s: bytes per (bit/s x us) */
};

/* Builds every title's ladders: complexities are drawn per title from
 * (seed, RNG_ENCODING, title), so they do not depend on anything else in
 * the scenario. Titles are in popularity order (0 most popular): AV1 goes
 * to the first av1_titles x ntitles. Returns NULL when memory runs out. */
struct encoding *encoding_create(const struct cfg_encoding *cfg, uint64_t seed, int ntitles);
void encoding_destroy(struct encoding *e);

static inline size_t encoding_ladder_index(uint32_t title, int codec)
{
    return (size_t)title * CODEC_COUNT + (size_t)codec;
}
/* Index of the lowest rung of (title, codec) in quality, width, height;
 * the ladder's rungs follow it. Only for a codec the title has. */
static inline size_t encoding_first(const struct encoding *e, uint32_t title, int codec)
{
    return ((size_t)title * (size_t)e->nslots + (size_t)e->slot[codec]) * CFG_LADDER_MAX;
}
/* The rung bitrates of (title, codec), increasing, bit/s. */
static inline const double *encoding_bps(const struct encoding *e, uint32_t title, int codec)
{
    return e->bps + (size_t)title * e->bps_stride + (size_t)e->slot[codec] * CFG_LADDER_MAX;
}
/* The highest codec in mask (bits 1 << codec) that title is encoded in;
 * -1 when none. */
int encoding_best_codec(const struct encoding *e, uint32_t title, unsigned mask);
/* Rungs of (title, codec) whose height is at most max_height (at least 1). */
int encoding_rung_cap(const struct encoding *e, uint32_t title, int codec, int max_height);

/* ---- files: what placement stores ------------------------------------------ */

/* A file is (title, codec, rung); its size is its bitrate x the title's
 * duration x the VBR factor (encoding.vbr_factor). */
struct enc_file {
    uint32_t title;
    uint8_t codec, rung;
    uint16_t height;
    double bps;
    double bytes;
};
/* Size in bytes of one file of a title of the given duration. */
double encoding_file_bytes(const struct encoding *e, uint32_t title, int codec, int rung,
                           simtime duration);
/* Enumerates the files of title (every codec it has, every rung, codecs in
 * enum order, rungs increasing) into out, at most cap of them; returns how
 * many the title has (CODEC_COUNT x CFG_LADDER_MAX is always enough). */
int encoding_title_files(const struct encoding *e, uint32_t title, simtime duration,
                         struct enc_file *out, int cap);
/* Bytes of every file of the title (all codecs, all rungs). */
double encoding_title_bytes(const struct encoding *e, uint32_t title, simtime duration);
/* Bytes of segment number seg (0..) of a file, for media_us of media: the
 * rung's bytes for that media times a per-segment VBR multiplier that is a
 * function of (title, codec, rung, seg), the same for every session. */
double encoding_segment_bytes(const struct encoding *e, uint32_t title, int codec, int rung,
                              uint32_t seg, simtime media_us);

/* ---- comparisons ---------------------------------------------------------- */

/* Per-title against fixed, over the catalog (every title counts the same):
 * for each title and each HD rung of the fixed ladder, the cheapest rung of
 * the title's per-title AVC ladder with at least that rung's quality (its
 * top rung when none has). */
struct enc_saving {
    double bits_saved;              /* 1 - per-title bits / fixed bits */
    double quality_fixed;           /* mean quality of the fixed rungs */
    double quality_per_title;       /* mean quality of the rungs matched */
};
void encoding_saving_vs_fixed(const struct cfg_encoding *cfg, const float *complexity,
                              int ntitles, struct enc_saving *out);

#endif
