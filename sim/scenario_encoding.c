/* sim/scenario_encoding.c: the "encoding" and "devices" sections of a
 * scenario: readers (defaults, units, ranges, did-you-mean) and their
 * resolved text. scenarios/README.md ("encoding", "devices") is the
 * reference of every key; models/encoding.c owns the model they feed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/encoding.h"
#include "sim/json_util.h"
#include "sim/scenario_int.h"
#include "sim/units.h"

/* Shares of a mix are decimals that do not add up exactly in binary. */
#define MIX_SLACK 1e-6

/* The default device classes and mix: an assumption for a 2026 streaming
 * audience, not a published figure (Netflix publishes no device split).
 * AV1 decode on 4K TVs (since 2021), phones (dav1d, since 2020) and half
 * the browsers, none on older HD TVs and set-top boxes: 40% of devices,
 * near the "30% of viewing" of the Dec 2025 AV1 post (DOMAIN.md §3.2). */
static const struct cfg_device_class default_classes[] = {
    { "tv-4k", (1u << CODEC_AVC) | (1u << CODEC_HEVC) | (1u << CODEC_AV1), 2160 },
    { "tv-hd", (1u << CODEC_AVC) | (1u << CODEC_HEVC), 1080 },
    { "phone", (1u << CODEC_AVC) | (1u << CODEC_HEVC) | (1u << CODEC_AV1), 1080 },
    { "laptop", (1u << CODEC_AVC), 1080 },
    { "legacy-stb", (1u << CODEC_AVC), 720 },
};
static const double default_mix[] = { 0.20, 0.30, 0.20, 0.20, 0.10 };
#define NDEFAULT_CLASSES ((int)(sizeof default_classes / sizeof default_classes[0]))

static int rd_codec_list(struct sr *l, const cJSON *obj, const char *key, unsigned def,
                         unsigned *out)
{
    const cJSON *arr;
    int n;
    if (sr_array(l, obj, key, 0, &arr, &n))
        return -1;
    *out = def;
    if (!arr)
        return 0;
    size_t m = sr_push_key(l, key);
    *out = 0;
    int i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        size_t mi = sr_push_index(l, i);
        if (!cJSON_IsString(c))
            return sr_wrong_type(l, "a codec name: \"avc\", \"hevc\" or \"av1\"", c);
        int k = 0;
        while (k < CODEC_COUNT && strcmp(c->valuestring, codec_names[k]) != 0)
            k++;
        if (k == CODEC_COUNT) {
            const char *near = jsonu_closest(c->valuestring, codec_names, CODEC_COUNT);
            return sr_fail(l, "unknown codec \"%.40s\"%s%s%s: the accepted names are \"avc\","
                           " \"hevc\" and \"av1\"", c->valuestring, near ? "; did you mean \"" : "",
                           near ? near : "", near ? "\"?" : "");
        }
        if (*out & (1u << k))
            return sr_fail(l, "codec \"%s\" is listed twice", codec_names[k]);
        *out |= 1u << k;
        sr_pop(l, mi);
    }
    if (!(*out & (1u << CODEC_AVC)))
        return sr_fail(l, "the list must include \"avc\": every title is encoded in AVC and every"
                       " device decodes it (the baseline)");
    sr_pop(l, m);
    return 0;
}

int scenario_read_encoding(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = {
        "ladder", "codecs", "av1_titles", "bits_factor", "complexity", "model", "min_bitrate",
        "max_bitrate", "max_bitrate_uhd", "quality_step", "top_quality", "top_quality_uhd",
        "banding", "vbr", NULL,
    };
    static const char *const factor_keys[] = { "hevc", "av1", NULL };
    static const char *const complexity_keys[] = { "median", "sigma", NULL };
    static const char *const model_keys[] = { "k", "gamma", "r50", NULL };
    static const char *const banding_keys[] = { "floor", "flat", NULL };
    static const char *const vbr_keys[] = { "factor", "sigma", NULL };
    struct cfg_encoding *e = &s->encoding;
    const cJSON *o, *p;
    int v;
    if (sr_object(l, root, "encoding", keys, &o))
        return -1;
    size_t m = sr_push_key(l, "encoding"), mp;
    if (sr_enum(l, o, "ladder", scenario_ladders, &v))
        return -1;
    e->ladder = (enum ladder_kind)v;
    if (rd_codec_list(l, o, "codecs", (1u << CODEC_COUNT) - 1, &e->codecs)
        || sr_number(l, o, "av1_titles", 0, 1.0, 0, 1, 0, &e->av1_titles))
        return -1;
    e->bits_factor[CODEC_AVC] = 1.0;
    if (sr_object(l, o, "bits_factor", factor_keys, &p))
        return -1;
    mp = sr_push_key(l, "bits_factor");
    if (sr_number(l, p, "hevc", 0, 0.6, 0, 1, SR_LO_OPEN, &e->bits_factor[CODEC_HEVC])
        || sr_number(l, p, "av1", 0, 0.5, 0, 1, SR_LO_OPEN, &e->bits_factor[CODEC_AV1]))
        return -1;
    sr_pop(l, mp);
    if (sr_object(l, o, "complexity", complexity_keys, &p))
        return -1;
    mp = sr_push_key(l, "complexity");
    if (sr_number(l, p, "median", 0, 0.6, 0.05, 10, 0, &e->complexity_median)
        || sr_number(l, p, "sigma", 0, 0.5, 0, 2, 0, &e->complexity_sigma))
        return -1;
    sr_pop(l, mp);
    if (sr_object(l, o, "model", model_keys, &p))
        return -1;
    mp = sr_push_key(l, "model");
    if (sr_number(l, p, "k", 0, 1.6, 0.5, 4, 0, &e->model.k)
        || sr_number(l, p, "gamma", 0, 0.75, 0.3, 1.2, 0, &e->model.gamma)
        || sr_rate(l, p, "r50", "597kbps", &e->model.r50_bps))
        return -1;
    sr_pop(l, mp);
    if (sr_rate(l, o, "min_bitrate", "150kbps", &e->min_bps)
        || sr_rate(l, o, "max_bitrate", "8Mbps", &e->max_bps)
        || sr_rate(l, o, "max_bitrate_uhd", "16Mbps", &e->max_uhd_bps))
        return -1;
    if (e->max_bps <= e->min_bps) {
        size_t mk = sr_push_key(l, "max_bitrate");
        char a[40], b[40];
        sr_fail(l, "max_bitrate \"%s\" must be above min_bitrate \"%s\"",
                units_format_rate(e->max_bps, a, sizeof a), units_format_rate(e->min_bps, b, sizeof b));
        sr_pop(l, mk);
        return -1;
    }
    if (sr_number(l, o, "quality_step", 0, 6, 0.5, 50, 0, &e->quality_step)
        || sr_number(l, o, "top_quality", 0, 95, 10, 100, 0, &e->top_quality)
        || sr_number(l, o, "top_quality_uhd", 0, 98, 10, 100, 0, &e->top_quality_uhd))
        return -1;
    if (sr_object(l, o, "banding", banding_keys, &p))
        return -1;
    mp = sr_push_key(l, "banding");
    if (sr_rate(l, p, "floor", "1Mbps", &e->banding_floor_bps)
        || sr_number(l, p, "flat", 0, 0.5, 0.01, 10, 0, &e->banding_flat))
        return -1;
    sr_pop(l, mp);
    if (sr_object(l, o, "vbr", vbr_keys, &p))
        return -1;
    mp = sr_push_key(l, "vbr");
    if (sr_number(l, p, "factor", 0, 1.0, 0.5, 2, 0, &e->vbr_factor)
        || sr_number(l, p, "sigma", 0, 0.25, 0, 1, 0, &e->vbr_sigma))
        return -1;
    sr_pop(l, mp);
    sr_pop(l, m);
    return 0;
}

static int class_index(const struct cfg_devices *d, const char *id)
{
    for (int i = 0; i < d->nclasses; i++)
        if (strcmp(d->classes[i].id, id) == 0)
            return i;
    return -1;
}

/* One mix object: class id -> share, summing to 1. */
static int rd_mix(struct sr *l, const cJSON *obj, const struct cfg_devices *d, double *out)
{
    if (!cJSON_IsObject(obj))
        return sr_wrong_type(l, "an object of class id -> share, like {\"tv-4k\": 0.3,"
                             " \"phone\": 0.7}", obj);
    for (int i = 0; i < CFG_DEVICE_MAX; i++)
        out[i] = 0;
    double sum = 0;
    for (const cJSON *c = obj->child; c; c = c->next) {
        int k = class_index(d, c->string);
        size_t m = sr_push_key(l, c->string);
        if (k < 0) {
            char list[400];
            size_t len = 0;
            list[0] = '\0';
            for (int i = 0; i < d->nclasses && len + 60 < sizeof list; i++)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%s\"", i ? ", " : "",
                                        d->classes[i].id);
            return sr_fail(l, "unknown device class \"%.40s\": the classes are %s", c->string, list);
        }
        if (!cJSON_IsNumber(c))
            return sr_wrong_type(l, "a share in [0, 1]", c);
        if (!(c->valuedouble >= 0 && c->valuedouble <= 1))
            return sr_fail(l, "expected a share in [0, 1], found %g", c->valuedouble);
        out[k] = c->valuedouble;
        sum += c->valuedouble;
        sr_pop(l, m);
    }
    if (fabs(sum - 1) > MIX_SLACK)
        return sr_fail(l, "the shares sum to %.9g; they must sum to 1", sum);
    return 0;
}

int scenario_read_devices(struct sr *l, const cJSON *root, struct scenario *s)
{
    static const char *const keys[] = { "classes", "mix", "av1_capable", NULL };
    static const char *const class_keys[] = { "id", "codecs", "max_height", NULL };
    struct cfg_devices *d = &s->devices;
    const cJSON *o, *arr;
    int n;
    if (sr_object(l, root, "devices", keys, &o))
        return -1;
    size_t m = sr_push_key(l, "devices");
    if (sr_array(l, o, "classes", 0, &arr, &n))
        return -1;
    if (!arr) {
        d->nclasses = NDEFAULT_CLASSES;
        memcpy(d->classes, default_classes, sizeof default_classes);
        memcpy(d->default_mix, default_mix, sizeof default_mix);
    } else {
        size_t mc = sr_push_key(l, "classes");
        if (n < 1 || n > CFG_DEVICE_MAX)
            return sr_fail(l, "expected 1 to %d device classes, found %d", CFG_DEVICE_MAX, n);
        d->nclasses = n;
        int i = 0;
        for (const cJSON *c = arr->child; c; c = c->next, i++) {
            size_t mi = sr_push_index(l, i);
            struct cfg_device_class *k = &d->classes[i];
            if (!cJSON_IsObject(c))
                return sr_wrong_type(l, "an object like {\"id\": \"tv-4k\", \"codecs\": [\"avc\"],"
                                     " \"max_height\": 2160}", c);
            if (sr_known_keys(l, c, class_keys) || sr_id(l, c, k->id)
                || rd_codec_list(l, c, "codecs", 1u << CODEC_AVC, &k->codecs)
                || sr_int(l, c, "max_height", 1080, 240, 4320, &k->max_height))
                return -1;
            for (int j = 0; j < i; j++)
                if (strcmp(d->classes[j].id, k->id) == 0) {
                    size_t mk = sr_push_key(l, "id");
                    sr_fail(l, "device class \"%s\" is already defined at"
                            " $.devices.classes[%d]", k->id, j);
                    sr_pop(l, mk);
                    return -1;
                }
            sr_pop(l, mi);
        }
        for (int j = 0; j < n; j++)
            d->default_mix[j] = 1.0 / n;
        sr_pop(l, mc);
    }
    const cJSON *mix = sr_get(o, "mix");
    if (mix) {
        size_t mm = sr_push_key(l, "mix");
        if (!cJSON_IsObject(mix))
            return sr_wrong_type(l, "an object of region id (or \"default\") -> class shares", mix);
        const cJSON *def = sr_get(mix, "default");
        if (def) {
            size_t md = sr_push_key(l, "default");
            if (rd_mix(l, def, d, d->default_mix))
                return -1;
            sr_pop(l, md);
        }
        for (const cJSON *c = mix->child; c; c = c->next) {
            if (strcmp(c->string, "default") == 0)
                continue;
            size_t mr = sr_push_key(l, c->string);
            int r = sr_lookup(l->regions, s->nregions, c->string);
            if (r < 0) {
                char list[200];
                return sr_fail(l, "unknown region \"%.40s\": a mix is keyed by region id or"
                               " \"default\"; the regions are %s", c->string,
                               sr_list_ids(s->regions, sizeof *s->regions, s->nregions, NULL,
                                           list, sizeof list));
            }
            sr_pop(l, mr);
        }
        sr_pop(l, mm);
    }
    d->mix = calloc((size_t)s->nregions, sizeof *d->mix);
    if (!d->mix)
        return sr_fail(l, "out of memory");
    for (int r = 0; r < s->nregions; r++) {
        const cJSON *rm = mix ? sr_get(mix, s->regions[r].id) : NULL;
        if (!rm || strcmp(s->regions[r].id, "default") == 0) {
            memcpy(d->mix[r], d->default_mix, sizeof d->mix[r]);
            continue;
        }
        size_t mm = sr_push_key(l, "mix"), mr = sr_push_key(l, s->regions[r].id);
        if (rd_mix(l, rm, d, d->mix[r]))
            return -1;
        sr_pop(l, mr);
        sr_pop(l, mm);
    }
    const cJSON *av1 = sr_get(o, "av1_capable");
    d->av1_capable = -1;
    if (av1 && sr_number(l, o, "av1_capable", 1, 0, 0, 1, 0, &d->av1_capable))
        return -1;
    sr_pop(l, m);
    return 0;
}

static void codec_list(struct jsonw *w, const char *key, unsigned mask)
{
    jsonw_begin_array(w, key, 1);
    for (int k = 0; k < CODEC_COUNT; k++)
        if (mask & (1u << k))
            jsonw_string(w, NULL, codec_names[k]);
    jsonw_end_array(w);
}

void scenario_resolve_encoding(struct jsonw *w, const struct scenario *s)
{
    const struct cfg_encoding *e = &s->encoding;
    jsonw_begin_object(w, "encoding");
    jsonw_string(w, "ladder", scenario_ladders[e->ladder]);
    codec_list(w, "codecs", e->codecs);
    jsonw_number(w, "av1_titles", e->av1_titles);
    jsonw_begin_object(w, "bits_factor");
    jsonw_number(w, "hevc", e->bits_factor[CODEC_HEVC]);
    jsonw_number(w, "av1", e->bits_factor[CODEC_AV1]);
    jsonw_end_object(w);
    jsonw_begin_object(w, "complexity");
    jsonw_number(w, "median", e->complexity_median);
    jsonw_number(w, "sigma", e->complexity_sigma);
    jsonw_end_object(w);
    jsonw_begin_object(w, "model");
    jsonw_number(w, "k", e->model.k);
    jsonw_number(w, "gamma", e->model.gamma);
    sr_print_rate(w, "r50", e->model.r50_bps);
    jsonw_end_object(w);
    sr_print_rate(w, "min_bitrate", e->min_bps);
    sr_print_rate(w, "max_bitrate", e->max_bps);
    sr_print_rate(w, "max_bitrate_uhd", e->max_uhd_bps);
    jsonw_number(w, "quality_step", e->quality_step);
    jsonw_number(w, "top_quality", e->top_quality);
    jsonw_number(w, "top_quality_uhd", e->top_quality_uhd);
    jsonw_begin_object(w, "banding");
    sr_print_rate(w, "floor", e->banding_floor_bps);
    jsonw_number(w, "flat", e->banding_flat);
    jsonw_end_object(w);
    jsonw_begin_object(w, "vbr");
    jsonw_number(w, "factor", e->vbr_factor);
    jsonw_number(w, "sigma", e->vbr_sigma);
    jsonw_end_object(w);
    jsonw_end_object(w);
}

static void mix_object(struct jsonw *w, const char *key, const struct cfg_devices *d,
                       const double *mix)
{
    jsonw_begin_object(w, key);
    for (int k = 0; k < d->nclasses; k++)
        if (mix[k] > 0)
            jsonw_number(w, d->classes[k].id, mix[k]);
    jsonw_end_object(w);
}

void scenario_resolve_devices(struct jsonw *w, const struct scenario *s)
{
    const struct cfg_devices *d = &s->devices;
    jsonw_begin_object(w, "devices");
    jsonw_begin_array(w, "classes", 0);
    for (int k = 0; k < d->nclasses; k++) {
        jsonw_begin_object(w, NULL);
        jsonw_string(w, "id", d->classes[k].id);
        codec_list(w, "codecs", d->classes[k].codecs);
        jsonw_number(w, "max_height", d->classes[k].max_height);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
    jsonw_begin_object(w, "mix");
    mix_object(w, "default", d, d->default_mix);
    for (int r = 0; d->mix && r < s->nregions; r++)
        if (memcmp(d->mix[r], d->default_mix, sizeof d->mix[r]) != 0)
            mix_object(w, s->regions[r].id, d, d->mix[r]);
    jsonw_end_object(w);
    if (d->av1_capable >= 0)
        jsonw_number(w, "av1_capable", d->av1_capable);
    jsonw_end_object(w);
}
