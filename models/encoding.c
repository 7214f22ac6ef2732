/* models/encoding.c: the rate-quality model, the convex hull, per-title
 * ladders with a banding guard, the fixed baseline, codecs and file sizes.
 *
 * Rate-quality model (reference/DOMAIN.md §3.4, a calibratable logistic in
 * log-bitrate; no Netflix closed form is published):
 *
 *   Q_h(R) = Qcap(h) / (1 + (R50_h / R)^k)
 *   R50_h  = r50 x c x f_codec x (pixels_h / pixels_1080)^gamma
 *
 * R in bit/s, c the title's complexity (lognormal over the catalog), f the
 * codec's bits for equal quality relative to AVC, Qcap(h) the ceiling of a
 * resolution on the reference screen (upscaling loses detail; interpolated
 * in log pixels between the anchors of qcap_anchor[] below). Defaults
 * (sim/scenario_encoding.c): k = 1.6, gamma = 0.75, r50 = 597 kbps, chosen
 * so that, as the Per-Title post (Netflix Tech Blog, Dec 2015) describes,
 * flat animation (c = 0.3) reaches VMAF 95 at 1080p near 2000 kbps in AVC,
 * grainy action (c = 1.125) needs about 7500 kbps for the same 95, and a
 * fixed 5800 kbps 1080p rung is waste for the first and not enough for the
 * second (tests/test_encoding.c checks all three).
 *
 * Codec efficiency (bits for equal quality relative to AVC): HEVC 0.6 from
 * "in practical systems ... closer to 40%" per codec generation
 * (Katsavounidis, "Dynamic optimizer - a perceptual video encoding
 * optimization framework", Netflix Tech Blog 2018); AV1 0.5, inside the
 * 0.5-0.67 range of DOMAIN.md §3.2: 0.67 is Netflix's session-level "about
 * a third less bandwidth than AVC" ("AV1 - Now Powering 30% of Netflix
 * Streaming", Dec 2025), lab BD-rates are larger.
 *
 * Convex hull (Netflix, "Per-Title Encode Optimization", 2015, and its
 * patent "Techniques for generating per-title encoding ladders"): every
 * resolution is encoded on a log grid of bitrates, and the ladder is picked
 * from the upper concave envelope of (bitrate, quality) over all encodes.
 * Because c and f only scale R50, quality depends on R / (c f) alone: the
 * hull of every title and codec is one normalized hull with its bitrates
 * scaled by c f. The code computes that hull once (grid in u = R / (c f))
 * and scales it, which is exact, not an approximation; it is what makes the
 * ladders of a 50 000-title catalog take milliseconds
 * (tests/bench/bench_encoding.c).
 *
 * Banding guard: CAMBI (Tandon et al., "CAMBI: Contrast-aware Multiscale
 * Banding Index", PCS 2021) shows that flat gradients band at low bitrates
 * even when VMAF is high, and that grain masks banding. The guard refuses
 * an encode below floor(h, c) = banding_floor x f x (pixels_h /
 * pixels_1080)^gamma x min(1, banding_flat / c). The floor's level is an
 * assumption (no published figure), settable in the scenario. */
#include "models/encoding.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "sim/rng.h"

const char *const codec_names[CODEC_COUNT] = { "avc", "hevc", "av1" };

const uint16_t encoding_heights[ENC_NRES] = { 240, 360, 480, 540, 720, 1080, 2160 };
static const uint16_t encoding_widths[ENC_NRES] = { 426, 640, 854, 960, 1280, 1920, 3840 };

/* Quality ceilings by resolution on the reference screen (a 4K-class TV):
 * 1080p and 720p follow DOMAIN.md §3.4's upscaling ceilings shifted so
 * 2160p can reach 100; the lower ones continue the same fall per octave of
 * pixels. An assumption, not a measurement. */
static const struct { double pixels, cap; } qcap_anchor[ENC_NRES] = {
    { 426.0 * 240, 52 }, { 640.0 * 360, 68 }, { 854.0 * 480, 80 }, { 960.0 * 540, 84 },
    { 1280.0 * 720, 91 }, { 1920.0 * 1080, 97 }, { 3840.0 * 2160, 100 },
};

#define PIXELS_1080 (1920.0 * 1080.0)
/* The lowest u of the grid (bit/s), 8 points per octave from there: the
 * grid covers R from 4 kbps x c f to 4 kbps x 2^20 x c f. */
#define GRID_U0 4000.0
#define GRID_PER_OCTAVE 8

double encoding_qcap(double width, double height)
{
    double lp = log2(width * height);
    int n = ENC_NRES;
    int i = 1;
    while (i < n - 1 && lp > log2(qcap_anchor[i].pixels))
        i++;
    /* Linear in log2 pixels between anchors i-1 and i, extended past the
     * ends with the nearest segment's slope. */
    double x0 = log2(qcap_anchor[i - 1].pixels), x1 = log2(qcap_anchor[i].pixels);
    double y0 = qcap_anchor[i - 1].cap, y1 = qcap_anchor[i].cap;
    double q = y0 + (y1 - y0) * (lp - x0) / (x1 - x0);
    return q < 0 ? 0 : q > 100 ? 100 : q;
}

/* Quality at normalized rate u = R / (c f) of an encode of w x h. */
static double quality_u(const struct cfg_encoding *e, double qcap, double pixels, double u)
{
    double r50 = e->model.r50_bps * pow(pixels / PIXELS_1080, e->model.gamma);
    return qcap / (1 + pow(r50 / u, e->model.k));
}

double encoding_quality(const struct cfg_encoding *e, double c, int codec, double width,
                        double height, double bps)
{
    double scale = c * e->bits_factor[codec];
    return quality_u(e, encoding_qcap(width, height), width * height, bps / scale);
}

double encoding_banding_floor(const struct cfg_encoding *e, double c, int codec, int height)
{
    double pixels = (double)height * height * 16.0 / 9.0;
    double grain = c > e->banding_flat ? e->banding_flat / c : 1.0;
    return e->banding_floor_bps * e->bits_factor[codec] *
           pow(pixels / PIXELS_1080, e->model.gamma) * grain;
}

/* The normalized hull (bitrates in u) over resolutions <= max_height. */
static int hull_norm(const struct cfg_encoding *e, int max_height, struct enc_point *out)
{
    double cap[ENC_NRES], pix[ENC_NRES];
    int nres = 0;
    for (int r = 0; r < ENC_NRES && encoding_heights[r] <= max_height; r++, nres++) {
        pix[r] = (double)encoding_widths[r] * encoding_heights[r];
        cap[r] = encoding_qcap(encoding_widths[r], encoding_heights[r]);
    }
    if (nres == 0)
        return 0;
    /* The best encode at each grid bitrate (the hull's vertices are among
     * them: at one bitrate only the best resolution can be on the upper
     * envelope), then Andrew's monotone chain for the upper hull. */
    int n = 0;
    for (int i = 0; i < ENC_GRID; i++) {
        double u = GRID_U0 * exp2((double)i / GRID_PER_OCTAVE);
        int best = 0;
        double bq = -1;
        for (int r = 0; r < nres; r++) {
            double q = quality_u(e, cap[r], pix[r], u);
            if (q > bq) {
                bq = q;
                best = r;
            }
        }
        struct enc_point p = { u, (float)bq, encoding_widths[best], encoding_heights[best] };
        /* Pop while the last vertex is on or below the chord from the one
         * before it to p: what stays is concave. */
        while (n >= 2) {
            const struct enc_point *a = &out[n - 2], *b = &out[n - 1];
            double cross = (b->bps - a->bps) * ((double)p.quality - a->quality) -
                           ((double)b->quality - a->quality) * (p.bps - a->bps);
            if (cross >= 0)
                n--;
            else
                break;
        }
        if (n > 0 && p.quality <= out[n - 1].quality)
            break;                  /* quality stopped rising (float saturation) */
        out[n++] = p;
    }
    return n;
}

int encoding_hull(const struct cfg_encoding *e, double c, int codec, int max_height,
                  struct enc_point *out)
{
    int n = hull_norm(e, max_height, out);
    double scale = c * e->bits_factor[codec];
    for (int i = 0; i < n; i++)
        out[i].bps *= scale;
    return n;
}

/* The hull's encode at bps is refused by the banding guard: the best
 * encode at the same bitrate at a lower resolution that passes it, into
 * *p. It lies below the hull (the guard costs quality there). 0, or -1 when
 * every resolution would band. */
struct res_table {
    double floor[ENC_NRES];         /* banding floor, bit/s */
    double r50[ENC_NRES];           /* R50 of the title and codec, bit/s */
    double cap[ENC_NRES];
};

static void res_table_fill(const struct cfg_encoding *e, double c, int codec,
                           struct res_table *t)
{
    for (int r = 0; r < ENC_NRES; r++) {
        double pix = (double)encoding_widths[r] * encoding_heights[r];
        t->floor[r] = encoding_banding_floor(e, c, codec, encoding_heights[r]);
        t->r50[r] = e->model.r50_bps * c * e->bits_factor[codec] *
                    pow(pix / PIXELS_1080, e->model.gamma);
        t->cap[r] = encoding_qcap(encoding_widths[r], encoding_heights[r]);
    }
}

static int admissible_below(const struct cfg_encoding *e, const struct res_table *t, double bps,
                            struct enc_point *p)
{
    int found = -1;
    double best = -1;
    for (int r = 0; r < ENC_NRES && encoding_heights[r] < p->height; r++) {
        if (bps < t->floor[r])
            continue;
        double q = t->cap[r] / (1 + pow(t->r50[r] / bps, e->model.k));
        if (q > best) {
            best = q;
            found = r;
        }
    }
    if (found < 0)
        return -1;
    *p = (struct enc_point){ bps, (float)best, encoding_widths[found], encoding_heights[found] };
    return 0;
}

/* The rungs along hull v[0..n) (normalized, scale = c f) between lo and hi
 * bit/s, starting above (last_q, last_h, last_bps), spaced by step, up to
 * top; appends to out at *nr. min_height keeps only encodes of at least
 * that height (the 2160p extension). */
static void pick_rungs(const struct cfg_encoding *e, const struct enc_point *v, int n,
                       double scale, double c, int codec, double lo, double hi, double step,
                       double top, int min_height, struct enc_point *out, int *nr)
{
    /* The guard's floor per encode height, once per call: pow() per hull
     * vertex was most of the catalog's build time. */
    struct res_table t;
    res_table_fill(e, c, codec, &t);
    double last_q = *nr ? out[*nr - 1].quality : -1;
    double last_bps = *nr ? out[*nr - 1].bps : 0;
    int last_h = *nr ? out[*nr - 1].height : 0;
    struct enc_point cand = {0};    /* the last admissible encode not taken */
    for (int j = 0; j < n && *nr < CFG_LADDER_MAX; j++) {
        double bps = v[j].bps * scale;
        if (bps < lo || bps <= last_bps)
            continue;
        if (bps > hi)
            break;
        struct enc_point p = { bps, v[j].quality, v[j].width, v[j].height };
        int res = 0;
        while (res + 1 < ENC_NRES && encoding_heights[res] != p.height)
            res++;
        if (bps < t.floor[res] && admissible_below(e, &t, bps, &p) != 0)
            continue;               /* would band on flat content at any size */
        if (p.height < last_h || p.height < min_height)
            continue;
        double target = last_q < 0 ? -1 : fmin(last_q + step, top);
        if (p.quality < target) {
            if (p.quality > last_q)
                cand = p;
            continue;
        }
        out[(*nr)++] = p;
        last_q = p.quality;
        last_bps = bps;
        last_h = p.height;
        cand.bps = 0;
        if (last_q >= top)
            return;
    }
    /* The bitrate cap came first: its best encode is the top rung when it
     * is worth half a step. */
    if (cand.bps > 0 && *nr < CFG_LADDER_MAX && cand.quality >= last_q + step / 2)
        out[(*nr)++] = cand;
}

static int ladder_from_hulls(const struct cfg_encoding *e, const struct enc_point *hd, int nhd,
                             const struct enc_point *full, int nfull, double c, int codec,
                             struct enc_point *out)
{
    double scale = c * e->bits_factor[codec];
    int nr = 0;
    pick_rungs(e, hd, nhd, scale, c, codec, e->min_bps, e->max_bps, e->quality_step,
               e->top_quality, 0, out, &nr);
    if (nr > 0 && e->max_uhd_bps > e->max_bps)
        pick_rungs(e, full, nfull, scale, c, codec, e->min_bps, e->max_uhd_bps,
                   e->quality_step / 2, e->top_quality_uhd, 2160, out, &nr);
    return nr;
}

int encoding_ladder(const struct cfg_encoding *e, double c, int codec, struct enc_point *out)
{
    struct enc_point hd[ENC_HULL_MAX], full[ENC_HULL_MAX];
    int nhd = hull_norm(e, 1080, hd), nfull = hull_norm(e, 2160, full);
    return ladder_from_hulls(e, hd, nhd, full, nfull, c, codec, out);
}

/* The 2010 fixed AVC ladder (Per-Title post, via DOMAIN.md §3.1; the
 * resolutions are marked "from memory" there) and a 16 Mbps 2160p rung,
 * the top of the 2016-2020 fixed 4K ladder (8/10/12/16 Mbps, DOMAIN §3.1). */
static const struct { double kbps; uint16_t w, h; } fixed_rungs[] = {
    { 235, 320, 240 }, { 375, 384, 288 }, { 560, 512, 384 }, { 750, 512, 384 },
    { 1050, 640, 480 }, { 1750, 720, 480 }, { 2350, 1280, 720 }, { 3000, 1280, 720 },
    { 4300, 1920, 1080 }, { 5800, 1920, 1080 }, { 16000, 3840, 2160 },
};
#define NFIXED ((int)(sizeof fixed_rungs / sizeof fixed_rungs[0]))
#define NFIXED_HD (NFIXED - 1)

int encoding_fixed_ladder(const struct cfg_encoding *e, double c, struct enc_point *out)
{
    for (int k = 0; k < NFIXED; k++) {
        double bps = fixed_rungs[k].kbps * 1000;
        out[k] = (struct enc_point){
            bps, (float)encoding_quality(e, c, CODEC_AVC, fixed_rungs[k].w, fixed_rungs[k].h, bps),
            fixed_rungs[k].w, fixed_rungs[k].h };
    }
    return NFIXED;
}

/* ---- the catalog -------------------------------------------------------------- */

static double title_complexity(const struct cfg_encoding *cfg, uint64_t seed, uint32_t t)
{
    double u = rng_hash_unit(rng_mix(seed, RNG_ENCODING, t));
    if (u <= 0)
        u = 0x1p-53;
    double c = cfg->complexity_median * exp(cfg->complexity_sigma * gsl_cdf_ugaussian_Pinv(u));
    return c < 0.02 ? 0.02 : c > 50 ? 50 : c;
}

/* 256 lognormal quantiles of sigma at the midpoints of equal-probability
 * bins, scaled to mean exactly 1: a per-segment multiplier that costs a
 * table lookup. */
static void vbr_table_fill(float *t, double sigma)
{
    double sum = 0, v[256];
    for (int i = 0; i < 256; i++) {
        v[i] = exp(sigma * gsl_cdf_ugaussian_Pinv((i + 0.5) / 256));
        sum += v[i];
    }
    for (int i = 0; i < 256; i++)
        t[i] = (float)(v[i] * 256 / sum);
}

static int push_rungs(struct encoding *e, uint32_t title, int codec, const struct enc_point *r,
                      int n)
{
    e->nrungs[encoding_ladder_index(title, codec)] = (uint8_t)n;
    e->nrung_total += (size_t)n;
    size_t first = encoding_first(e, title, codec);
    double *bps = e->bps + (size_t)title * e->bps_stride + (size_t)e->slot[codec] * CFG_LADDER_MAX;
    for (int k = 0; k < n; k++) {
        size_t i = first + (size_t)k;
        bps[k] = r[k].bps;
        e->quality[i] = r[k].quality;
        e->width[i] = r[k].width;
        e->height[i] = r[k].height;
    }
    return 0;
}

struct encoding *encoding_create(const struct cfg_encoding *cfg, uint64_t seed, int ntitles)
{
    struct encoding *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    size_t n = (size_t)(ntitles > 0 ? ntitles : 1);
    e->ntitles = ntitles;
    e->kind = cfg->ladder;
    e->cfg = cfg;
    for (int k = 0; k < CODEC_COUNT; k++) {
        int on = k == CODEC_AVC || (cfg->ladder == LADDER_PER_TITLE && (cfg->codecs & (1u << k)));
        e->slot[k] = on ? e->nslots++ : -1;
    }
    size_t cap = n * (size_t)e->nslots * CFG_LADDER_MAX;
    e->bps_stride = cfg->ladder == LADDER_FIXED ? 0 : (size_t)e->nslots * CFG_LADDER_MAX;
    size_t bps_cap = e->bps_stride ? cap : (size_t)e->nslots * CFG_LADDER_MAX;
    e->complexity = malloc(n * sizeof *e->complexity);
    e->nrungs = calloc(n * CODEC_COUNT, sizeof *e->nrungs);
    e->bps = malloc(bps_cap * sizeof *e->bps);
    e->quality = malloc(cap * sizeof *e->quality);
    e->width = malloc(cap * sizeof *e->width);
    e->height = malloc(cap * sizeof *e->height);
    if (!e->complexity || !e->nrungs || !e->bps || !e->quality || !e->width
        || !e->height) {
        encoding_destroy(e);
        return NULL;
    }
    vbr_table_fill(e->vbr_table, cfg->vbr_sigma);
    e->vbr_scale = cfg->vbr_factor / 8 / SIM_US_PER_S;
    struct enc_point hd[ENC_HULL_MAX], full[ENC_HULL_MAX], r[CFG_LADDER_MAX];
    int nhd = hull_norm(cfg, 1080, hd), nfull = hull_norm(cfg, 2160, full);
    double av1_rank = cfg->av1_titles * ntitles;
    for (int t = 0; t < ntitles; t++) {
        double c = title_complexity(cfg, seed, (uint32_t)t);
        e->complexity[t] = (float)c;
        if (cfg->ladder == LADDER_FIXED) {
            int nr = encoding_fixed_ladder(cfg, c, r);
            push_rungs(e, (uint32_t)t, CODEC_AVC, r, nr);
            continue;
        }
        for (int k = 0; k < CODEC_COUNT; k++) {
            if (k != CODEC_AVC && !(cfg->codecs & (1u << k)))
                continue;
            if (k == CODEC_AV1 && !(t < av1_rank))
                continue;
            int nr = ladder_from_hulls(cfg, hd, nhd, full, nfull, c, k, r);
            push_rungs(e, (uint32_t)t, k, r, nr);
        }
    }
    return e;
}

void encoding_destroy(struct encoding *e)
{
    if (!e)
        return;
    free(e->complexity);
    free(e->nrungs);
    free(e->bps);
    free(e->quality);
    free(e->width);
    free(e->height);
    free(e);
}

int encoding_best_codec(const struct encoding *e, uint32_t title, unsigned mask)
{
    for (int k = CODEC_COUNT - 1; k >= 0; k--)
        if ((mask & (1u << k)) && e->nrungs[encoding_ladder_index(title, k)])
            return k;
    return -1;
}

int encoding_rung_cap(const struct encoding *e, uint32_t title, int codec, int max_height)
{
    size_t l = encoding_ladder_index(title, codec);
    const uint16_t *h = e->height + encoding_first(e, title, codec);
    int n = 0;
    while (n < e->nrungs[l] && h[n] <= max_height)
        n++;
    return n > 0 ? n : 1;
}

/* ---- files ------------------------------------------------------------------- */

double encoding_file_bytes(const struct encoding *e, uint32_t title, int codec, int rung,
                           simtime duration)
{
    return encoding_bps(e, title, codec)[rung] * e->cfg->vbr_factor * simtime_to_s(duration) / 8;
}

int encoding_title_files(const struct encoding *e, uint32_t title, simtime duration,
                         struct enc_file *out, int cap)
{
    int n = 0;
    for (int k = 0; k < CODEC_COUNT; k++) {
        size_t l = encoding_ladder_index(title, k);
        for (int r = 0; r < e->nrungs[l]; r++, n++)
            if (n < cap)
                out[n] = (struct enc_file){ title, (uint8_t)k, (uint8_t)r,
                                            e->height[encoding_first(e, title, k) + (size_t)r],
                                            encoding_bps(e, title, k)[r],
                                            encoding_file_bytes(e, title, k, r, duration) };
    }
    return n;
}

double encoding_title_bytes(const struct encoding *e, uint32_t title, simtime duration)
{
    double sum = 0;
    for (int k = 0; k < CODEC_COUNT; k++) {
        size_t l = encoding_ladder_index(title, k);
        for (int r = 0; r < e->nrungs[l]; r++)
            sum += encoding_file_bytes(e, title, k, r, duration);
    }
    return sum;
}

double encoding_segment_bytes(const struct encoding *e, uint32_t title, int codec, int rung,
                              uint32_t seg, simtime media_us)
{
    /* One multiply-xorshift of (title, codec, rung, segment): the table
     * index needs 8 well-mixed bits, not a full stream (this is per segment). */
    uint64_t key = (((uint64_t)title << 8 | (uint64_t)codec << 5 | (uint64_t)rung) << 32) ^ seg;
    key *= 0x9E3779B97F4A7C15u;
    key ^= key >> 29;
    key *= 0xBF58476D1CE4E5B9u;
    return encoding_bps(e, title, codec)[rung] * e->vbr_scale *
           (double)media_us * e->vbr_table[key >> 56];
}

/* ---- comparisons ---------------------------------------------------------------- */

void encoding_saving_vs_fixed(const struct cfg_encoding *cfg, const float *complexity,
                              int ntitles, struct enc_saving *out)
{
    struct enc_point hd[ENC_HULL_MAX], full[ENC_HULL_MAX], r[CFG_LADDER_MAX], f[NFIXED];
    int nhd = hull_norm(cfg, 1080, hd), nfull = hull_norm(cfg, 2160, full);
    double bits_fixed = 0, bits_pt = 0, q_fixed = 0, q_pt = 0;
    long count = 0;
    for (int t = 0; t < ntitles; t++) {
        double c = complexity[t];
        int nr = ladder_from_hulls(cfg, hd, nhd, full, nfull, c, CODEC_AVC, r);
        encoding_fixed_ladder(cfg, c, f);
        int top = 0;                /* the top HD rung */
        while (top + 1 < nr && r[top + 1].height <= 1080)
            top++;
        for (int k = 0; k < NFIXED_HD; k++) {
            int j = 0;
            while (j < top && r[j].quality < f[k].quality)
                j++;
            bits_fixed += f[k].bps;
            bits_pt += r[j].bps;
            q_fixed += f[k].quality;
            q_pt += r[j].quality;
            count++;
        }
    }
    out->bits_saved = bits_fixed > 0 ? 1 - bits_pt / bits_fixed : 0;
    out->quality_fixed = count ? q_fixed / (double)count : 0;
    out->quality_per_title = count ? q_pt / (double)count : 0;
}
