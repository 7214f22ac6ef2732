/* sim/trace_load.c: trace and manifest readers (see the header). */
#include "sim/trace_load.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>

#include "sim/input_limit.h"
#include "sim/json_util.h"

/* Bounds that keep every later product finite and every run finite: 1
 * Tbit/s, periods of at most a year, latencies of at most a minute, time
 * stamps within 30 years. A real trace is far inside them. */
#define TRACE_MBPS_MAX 1e6
#define TRACE_PERIOD_MAX_S (365 * 86400.0)
#define TRACE_LATENCY_MAX_S 60.0
#define TRACE_TIME_MAX_S 1e9

static void set_file(struct error *err, const char *file)
{
    memset(err, 0, sizeof *err);
    error_file(err, file);
}

/* Reads the whole file, refusing more than input_limit() bytes and
 * directories (fopen opens one; its read fails with a less clear EISDIR). */
static char *slurp(const char *file, size_t *len, struct error *err)
{
    size_t limit;
    if (input_limit(&limit, err) != 0)
        return NULL;
    FILE *f = fopen(file, "rb");
    if (!f) {
        error_set(err, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        error_set(err, "is a directory, not a trace file");
        fclose(f);
        return NULL;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > limit) {
        input_limit_refuse(err, (size_t)st.st_size, limit, "traces");
        fclose(f);
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (n > limit) {
            input_limit_refuse(err, 0, limit, "traces");
            free(buf);
            buf = NULL;
            break;
        }
        if (n + 1 < cap) {
            if (ferror(f)) {
                error_set(err, "cannot read: %s", strerror(errno));
                free(buf);
                buf = NULL;
            }
            break;
        }
        char *b = realloc(buf, cap * 2);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    fclose(f);
    if (!buf) {
        if (!err->msg[0])
            error_set(err, "out of memory");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int trace_alloc(struct trace *t, int cap)
{
    t->duration_s = malloc((size_t)cap * sizeof(double));
    t->bps = malloc((size_t)cap * sizeof(double));
    t->latency_s = malloc((size_t)cap * sizeof(double));
    t->start_s = malloc((size_t)cap * sizeof(double));
    return t->duration_s && t->bps && t->latency_s && t->start_s ? 0 : -1;
}

static int trace_finish(struct trace *t, struct error *err)
{
    double at = 0, bits = 0;
    for (int i = 0; i < t->n; i++) {
        t->start_s[i] = at;
        at += t->duration_s[i];
        bits += t->bps[i] * t->duration_s[i];
    }
    t->total_s = at;
    if (t->n == 0 || !(bits > 0)) {
        error_set(err, "expected at least one period with a bandwidth above 0, found %s",
                  t->n ? "only zero bandwidth" : "no periods");
        return -1;
    }
    return 0;
}

/* "SECONDS MBPS" lines: period i spans (t[i-1], t[i]] at the bandwidth of
 * line i (Pensieve's reading of its cooked traces); the first line only sets
 * the start time. */
static int load_text(char *text, struct trace *t, struct error *err)
{
    int cap = 1024, lines = 0, rows = 0;
    double prev = 0;
    if (trace_alloc(t, cap) != 0)
        goto oom;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lines++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            continue;
        char *end;
        errno = 0;
        double sec = strtod(p, &end);
        if (end == p || !isfinite(sec)) {
            err->line = lines;
            error_set(err, "expected \"SECONDS MBPS\" (two numbers), found \"%.40s\"", p);
            return -1;
        }
        p = end;
        double mbps = strtod(p, &end);
        if (end == p || !isfinite(mbps)) {
            err->line = lines;
            error_set(err, "expected a bandwidth in Mbit/s after the time %g, found \"%.40s\"",
                      sec, p);
            return -1;
        }
        while (isspace((unsigned char)*end))
            end++;
        if (*end) {
            err->line = lines;
            error_set(err, "expected two numbers on the line, found extra text \"%.40s\"", end);
            return -1;
        }
        if (mbps < 0) {
            err->line = lines;
            error_set(err, "expected a bandwidth >= 0 Mbit/s, found %g", mbps);
            return -1;
        }
        if (mbps > TRACE_MBPS_MAX || fabs(sec) > TRACE_TIME_MAX_S) {
            err->line = lines;
            error_set(err, "expected a time within +-%g s and a bandwidth <= %g Mbit/s, found"
                      " %g %g", TRACE_TIME_MAX_S, TRACE_MBPS_MAX, sec, mbps);
            return -1;
        }
        if (rows > 0 && !(sec > prev)) {
            err->line = lines;
            error_set(err, "expected times that increase, found %g after %g", sec, prev);
            return -1;
        }
        if (rows > 0 && sec - prev > TRACE_PERIOD_MAX_S) {
            err->line = lines;
            error_set(err, "expected periods of at most %g s (a year), found %g s from %g to %g",
                      TRACE_PERIOD_MAX_S, sec - prev, prev, sec);
            return -1;
        }
        if (rows > 0) {
            if (t->n == cap) {
                cap *= 2;
                struct trace g = *t;
                g.duration_s = realloc(t->duration_s, (size_t)cap * sizeof(double));
                if (g.duration_s) t->duration_s = g.duration_s;
                g.bps = realloc(t->bps, (size_t)cap * sizeof(double));
                if (g.bps) t->bps = g.bps;
                g.latency_s = realloc(t->latency_s, (size_t)cap * sizeof(double));
                if (g.latency_s) t->latency_s = g.latency_s;
                g.start_s = realloc(t->start_s, (size_t)cap * sizeof(double));
                if (g.start_s) t->start_s = g.start_s;
                if (!g.duration_s || !g.bps || !g.latency_s || !g.start_s)
                    goto oom;
            }
            t->duration_s[t->n] = sec - prev;
            t->bps[t->n] = mbps * 1e6;
            t->latency_s[t->n] = 0;
            t->n++;
        }
        prev = sec;
        rows++;
    }
    if (rows == 1) {
        error_set(err, "expected at least two \"SECONDS MBPS\" lines (a period lies between two"
                  " times), found one");
        return -1;
    }
    return trace_finish(t, err);
oom:
    error_set(err, "out of memory");
    return -1;
}

static int member(const cJSON *o, const char *key, int i, const char *array, double lo,
                  int lo_open, double hi, double *out, struct error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char path[96], what[64];
    snprintf(path, sizeof path, "$%s[%d].%s", array, i, key);
    if (!v) {
        error_at(err, path, "missing: each period needs \"duration_ms\", \"bandwidth_kbps\""
                 " and \"latency_ms\"");
        return -1;
    }
    if (!cJSON_IsNumber(v)) {
        error_at(err, path, "expected a number, found %s", jsonu_describe(v, what, sizeof what));
        return -1;
    }
    double x = v->valuedouble;
    if (lo_open ? !(x > lo) : !(x >= lo)) {
        error_at(err, path, "expected a number %s %g, found %s", lo_open ? ">" : ">=", lo,
                 jsonu_number(x, what, sizeof what));
        return -1;
    }
    if (!(x <= hi)) {
        error_at(err, path, "expected a number <= %g, found %s", hi,
                 jsonu_number(x, what, sizeof what));
        return -1;
    }
    *out = x;
    return 0;
}

static cJSON *parse_json(const char *text, size_t len, struct error *err)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!root) {
        jsonu_syntax_error(text, len, end ? (size_t)(end - text) : 0, err);
        return NULL;
    }
    if (jsonu_check_tree(root, "$", err) != 0) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* The line of element i of the top-level array in text (cJSON keeps no
 * positions): counts the values opened at depth 1, skipping strings. */
static int element_line(const char *text, int i)
{
    int depth = 0, line = 1, seen = -1, in_string = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            line++;
        if (in_string) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                in_string = 0;
            continue;
        }
        if (*p == '"')
            in_string = 1;
        if (depth == 1 && !isspace((unsigned char)*p) && *p != ',' && *p != ']') {
            if (++seen == i)
                return line;
            /* Skip the rest of a scalar element. */
            if (*p != '{' && *p != '[' && *p != '"') {
                while (p[1] && p[1] != ',' && p[1] != ']' && p[1] != '\n')
                    p++;
                continue;
            }
        }
        if (*p == '{' || *p == '[')
            depth++;
        else if (*p == '}' || *p == ']')
            depth--;
    }
    return 0;
}

static int load_json(const char *text, size_t len, struct trace *t, struct error *err)
{
    cJSON *root = parse_json(text, len, err);
    if (!root)
        return -1;
    int rc = -1;
    char what[64];
    if (!cJSON_IsArray(root)) {
        error_at(err, "$", "expected an array of {\"duration_ms\", \"bandwidth_kbps\","
                 " \"latency_ms\"} periods, found %s", jsonu_describe(root, what, sizeof what));
        goto out;
    }
    int n = cJSON_GetArraySize(root);
    if (trace_alloc(t, n > 0 ? n : 1) != 0) {
        error_set(err, "out of memory");
        goto out;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        int i = t->n;
        if (!cJSON_IsObject(e)) {
            char path[32];
            snprintf(path, sizeof path, "$[%d]", i);
            error_at(err, path, "expected a period object, found %s",
                     jsonu_describe(e, what, sizeof what));
            goto out;
        }
        double ms, kbps, lat;
        if (member(e, "duration_ms", i, "", 0, 1, TRACE_PERIOD_MAX_S * 1e3, &ms, err)
            || member(e, "bandwidth_kbps", i, "", 0, 0, TRACE_MBPS_MAX * 1e3, &kbps, err)
            || member(e, "latency_ms", i, "", 0, 0, TRACE_LATENCY_MAX_S * 1e3, &lat, err))
            goto out;
        t->duration_s[i] = ms / 1e3;
        t->bps[i] = kbps * 1e3;
        t->latency_s[i] = lat / 1e3;
        t->n++;
    }
    rc = trace_finish(t, err);
out:
    if (rc != 0 && err->path[0] == '$' && err->path[1] == '[')
        err->line = element_line(text, atoi(err->path + 2));
    cJSON_Delete(root);
    return rc;
}

/* text[len] is '\0'; err->file is set. */
static int load_buffer(char *text, size_t len, struct trace *out, struct error *err)
{
    memset(out, 0, sizeof *out);
    if (memchr(text, '\0', len)) {
        error_set(err, "a NUL byte in the file: a trace is text");
        return -1;
    }
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    int rc = *p == '[' ? load_json(text, len, out, err) : load_text(text, out, err);
    if (rc != 0)
        trace_free(out);
    return rc;
}

int trace_load(const char *file, struct trace *out, struct error *err)
{
    set_file(err, file);
    memset(out, 0, sizeof *out);
    size_t len;
    char *text = slurp(file, &len, err);
    if (!text)
        return -1;
    int rc = load_buffer(text, len, out, err);
    free(text);
    return rc;
}

int trace_load_text(const char *name, char *text, size_t len, struct trace *out,
                    struct error *err)
{
    set_file(err, name);
    return load_buffer(text, len, out, err);
}

int manifest_load(const char *file, struct manifest *out, struct error *err)
{
    set_file(err, file);
    memset(out, 0, sizeof *out);
    size_t len;
    char *text = slurp(file, &len, err);
    if (!text)
        return -1;
    cJSON *root = parse_json(text, len, err);
    free(text);
    if (!root)
        return -1;
    int rc = -1;
    char what[64];
    const cJSON *seg = cJSON_GetObjectItemCaseSensitive(root, "segment_duration_ms");
    const cJSON *rates = cJSON_GetObjectItemCaseSensitive(root, "bitrates_kbps");
    const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(root, "segment_sizes_bits");
    if (!cJSON_IsObject(root)) {
        error_at(err, "$", "expected a manifest object, found %s", jsonu_describe(root, what, sizeof what));
        goto out;
    }
    if (!cJSON_IsNumber(seg) || !(seg->valuedouble > 0)) {
        error_at(err, "$.segment_duration_ms", "expected a number of milliseconds > 0, found %s",
                 seg ? jsonu_describe(seg, what, sizeof what) : "nothing");
        goto out;
    }
    out->segment_s = seg->valuedouble / 1e3;
    if (!cJSON_IsArray(rates) || cJSON_GetArraySize(rates) < 1 || cJSON_GetArraySize(rates) > 16) {
        error_at(err, "$.bitrates_kbps", "expected an array of 1 to 16 bitrates, found %s",
                 rates ? jsonu_describe(rates, what, sizeof what) : "nothing");
        goto out;
    }
    out->nrungs = cJSON_GetArraySize(rates);
    out->bps = malloc((size_t)out->nrungs * sizeof(double));
    if (!out->bps)
        goto oom;
    for (int i = 0; i < out->nrungs; i++) {
        const cJSON *r = cJSON_GetArrayItem(rates, i);
        char path[48];
        snprintf(path, sizeof path, "$.bitrates_kbps[%d]", i);
        if (!cJSON_IsNumber(r) || !(r->valuedouble > 0) || (i && !(r->valuedouble * 1e3 > out->bps[i - 1]))) {
            error_at(err, path, "expected a bitrate in kbit/s > 0 and above the previous one, found %s",
                     jsonu_describe(r, what, sizeof what));
            goto out;
        }
        out->bps[i] = r->valuedouble * 1e3;
    }
    if (!cJSON_IsArray(sizes) || cJSON_GetArraySize(sizes) < 1) {
        error_at(err, "$.segment_sizes_bits", "expected an array of segments, found %s",
                 sizes ? jsonu_describe(sizes, what, sizeof what) : "nothing");
        goto out;
    }
    out->nsegments = cJSON_GetArraySize(sizes);
    out->bits = malloc((size_t)out->nsegments * out->nrungs * sizeof(double));
    if (!out->bits)
        goto oom;
    for (int s = 0; s < out->nsegments; s++) {
        const cJSON *row = cJSON_GetArrayItem(sizes, s);
        char path[64];
        snprintf(path, sizeof path, "$.segment_sizes_bits[%d]", s);
        if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) != out->nrungs) {
            error_at(err, path, "expected an array of %d sizes (one per bitrate), found %s",
                     out->nrungs, jsonu_describe(row, what, sizeof what));
            goto out;
        }
        for (int r = 0; r < out->nrungs; r++) {
            const cJSON *v = cJSON_GetArrayItem(row, r);
            if (!cJSON_IsNumber(v) || !(v->valuedouble > 0)) {
                snprintf(path, sizeof path, "$.segment_sizes_bits[%d][%d]", s, r);
                error_at(err, path, "expected a size in bits > 0, found %s",
                         jsonu_describe(v, what, sizeof what));
                goto out;
            }
            out->bits[(size_t)s * out->nrungs + r] = v->valuedouble;
        }
    }
    rc = 0;
    goto out;
oom:
    error_set(err, "out of memory");
out:
    cJSON_Delete(root);
    if (rc != 0)
        manifest_free(out);
    return rc;
}

void manifest_free(struct manifest *m)
{
    free(m->bps);
    free(m->bits);
    *m = (struct manifest){0};
}
