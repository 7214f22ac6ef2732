/* sim/cache_trace.c: reading and generating request streams, and replaying
 * them through one cache (models/cache.c, the same code `lastmile run`
 * uses). Object ids in a file are any unsigned 64-bit numbers; they are
 * mapped to dense ids in order of first request, so the cache can index
 * them directly. */
#include "sim/cache_trace.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "sim/rng.h"

/* uint64 id -> dense id, open addressing. */
struct idmap {
    uint64_t *keys;
    uint32_t *vals;
    uint64_t mask, count;
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return x;
}

static int idmap_init(struct idmap *m, uint64_t n)
{
    m->mask = n - 1;
    m->count = 0;
    m->keys = malloc(n * sizeof *m->keys);
    m->vals = malloc(n * sizeof *m->vals);
    if (!m->keys || !m->vals)
        return -1;
    memset(m->vals, 0xff, n * sizeof *m->vals);
    return 0;
}

static void idmap_free(struct idmap *m)
{
    free(m->keys);
    free(m->vals);
}

/* The dense id of key; *fresh = 1 when it is new (given id next). */
static int idmap_get(struct idmap *m, uint64_t key, uint32_t next, uint32_t *out, int *fresh)
{
    if (2 * (m->count + 1) > m->mask + 1) {
        struct idmap big;
        if (idmap_init(&big, 2 * (m->mask + 1)) != 0) {
            idmap_free(&big);
            return -1;
        }
        for (uint64_t i = 0; i <= m->mask; i++) {
            if (m->vals[i] == UINT32_MAX)
                continue;
            uint64_t j = mix64(m->keys[i]) & big.mask;
            while (big.vals[j] != UINT32_MAX)
                j = (j + 1) & big.mask;
            big.keys[j] = m->keys[i];
            big.vals[j] = m->vals[i];
        }
        big.count = m->count;
        idmap_free(m);
        *m = big;
    }
    uint64_t i = mix64(key) & m->mask;
    for (; m->vals[i] != UINT32_MAX; i = (i + 1) & m->mask)
        if (m->keys[i] == key) {
            *out = m->vals[i];
            *fresh = 0;
            return 0;
        }
    m->keys[i] = key;
    m->vals[i] = next;
    m->count++;
    *out = next;
    *fresh = 1;
    return 0;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && strcmp(s + n - k, suf) == 0;
}

/* Opens file, through gzip -dc when it ends in .gz. *piped says which. */
static FILE *open_text(const char *file, int *piped, struct error *err)
{
    error_file(err, file);
    FILE *f = fopen(file, "r");
    if (!f) {
        error_set(err, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        error_set(err, "is a directory, not a CSV file");
        return NULL;
    }
    *piped = 0;
    if (!has_suffix(file, ".gz"))
        return f;
    fclose(f);
    /* Quote the name for the shell: ' becomes '\''. */
    char cmd[2048] = "gzip -dc -- '";
    size_t n = strlen(cmd);
    for (const char *p = file; *p && n + 8 < sizeof cmd; p++) {
        if (*p == '\'') {
            memcpy(cmd + n, "'\\''", 4);
            n += 4;
        } else {
            cmd[n++] = *p;
        }
    }
    cmd[n++] = '\'';
    cmd[n] = '\0';
    f = popen(cmd, "r");
    if (!f) {
        error_set(err, "cannot run gzip to read it: %s", strerror(errno));
        return NULL;
    }
    *piped = 1;
    return f;
}

static int close_text(FILE *f, int piped)
{
    return piped ? pclose(f) : fclose(f);
}

/* Parses an unsigned decimal field [s, end); 0 or -1. */
static int parse_u64(const char *s, const char *end, uint64_t *v)
{
    if (s == end)
        return -1;
    uint64_t x = 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
            return -1;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *v = x;
    return 0;
}

/* Parses a number field (the time column: integer or decimal). */
static int parse_number(const char *s, const char *end, double *v)
{
    char buf[64];
    size_t n = (size_t)(end - s);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *e;
    errno = 0;
    *v = strtod(buf, &e);
    return *e || errno || !isfinite(*v) ? -1 : 0;
}

/* Splits line (no newline) at commas into at most max fields; returns the count. */
static int split(char *line, const char **start, const char **end, int max)
{
    int n = 0;
    const char *p = line;
    for (;;) {
        const char *c = strchr(p, ',');
        if (n < max) {
            start[n] = p;
            end[n] = c ? c : p + strlen(p);
        }
        n++;
        if (!c)
            return n;
        p = c + 1;
    }
}

static void trim_eol(char *line)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
        line[--n] = '\0';
}

/* The next line of f that holds data (not blank, not a # comment), its
 * end of line trimmed, *lineno and err->line advanced: 1, 0 at the end of
 * the file, -1 (err set) for a line longer than the buffer. */
static int next_line(FILE *f, char *line, size_t n, int *lineno, struct error *err)
{
    while (fgets(line, (int)n, f)) {
        err->line = ++*lineno;
        if (!strchr(line, '\n') && !feof(f)) {
            error_set(err, "line longer than %zu characters", n - 2);
            return -1;
        }
        trim_eol(line);
        if (line[0] && line[0] != '#')
            return 1;
    }
    return 0;
}

static const char *shown(const char *s, const char *e, char *buf, size_t n)
{
    size_t k = (size_t)(e - s);
    if (k >= n)
        k = n - 1;
    memcpy(buf, s, k);
    buf[k] = '\0';
    return buf;
}

static int push_request(struct cache_trace *t, uint64_t *cap, uint32_t obj)
{
    if (t->nreq == *cap) {
        uint64_t c = *cap ? *cap * 2 : 1 << 10;
        uint32_t *r = realloc(t->req, c * sizeof *r);
        if (!r)
            return -1;
        t->req = r;
        *cap = c;
    }
    t->req[t->nreq++] = obj;
    return 0;
}

static int push_object(struct cache_trace *t, uint32_t *cap, uint64_t id, uint64_t size)
{
    if (t->nobjects == *cap) {
        uint32_t c = *cap ? *cap * 2 : 1 << 12;
        uint64_t *s = realloc(t->size, (size_t)c * sizeof *s);
        if (!s)
            return -1;
        t->size = s;
        uint64_t *o = realloc(t->orig_id, (size_t)c * sizeof *o);
        if (!o)
            return -1;
        t->orig_id = o;
        *cap = c;
    }
    t->size[t->nobjects] = size;
    t->orig_id[t->nobjects] = id;
    t->nobjects++;
    t->working_set += (double)size;
    return 0;
}

/* Reads requests from f until its end; 0, or -1 with err->line and msg. */
static int read_requests(FILE *f, struct cache_trace *t, struct error *err)
{
    struct idmap map;
    if (idmap_init(&map, 1 << 12) != 0) {
        idmap_free(&map);
        error_set(err, "out of memory");
        return -1;
    }
    char line[1024], shown_buf[64];
    uint64_t reqcap = 0;
    uint32_t objcap = 0;
    int rc = -1, lineno = 0, data_lines = 0;
    int got;
    while ((got = next_line(f, line, sizeof line, &lineno, err)) > 0) {
        const char *s[3], *e[3];
        int n = split(line, s, e, 3);
        if (data_lines == 0 && lineno == 1 && n == 3 && !(line[0] >= '0' && line[0] <= '9'))
            continue;               /* a header */
        data_lines++;
        if (n != 3) {
            error_set(err, "expected 3 comma-separated fields time,object_id,size, found %d", n);
            goto out;
        }
        double time;
        uint64_t id, size;
        if (parse_number(s[0], e[0], &time) != 0) {
            error_set(err, "time: expected a number, found '%s'", shown(s[0], e[0], shown_buf, sizeof shown_buf));
            goto out;
        }
        if (parse_u64(s[1], e[1], &id) != 0) {
            error_set(err, "object_id: expected a whole number from 0 to 2^64-1, found '%s'",
                      shown(s[1], e[1], shown_buf, sizeof shown_buf));
            goto out;
        }
        if (parse_u64(s[2], e[2], &size) != 0 || size == 0) {
            error_set(err, "size: expected a positive whole number of bytes, found '%s'",
                      shown(s[2], e[2], shown_buf, sizeof shown_buf));
            goto out;
        }
        uint32_t obj;
        int fresh;
        if (t->nobjects == UINT32_MAX - 1) {
            error_set(err, "more than %u distinct objects", UINT32_MAX - 1);
            goto out;
        }
        if (idmap_get(&map, id, t->nobjects, &obj, &fresh) != 0 ||
            (fresh && push_object(t, &objcap, id, size) != 0) || push_request(t, &reqcap, obj) != 0) {
            error_set(err, "out of memory");
            goto out;
        }
    }
    err->line = 0;
    if (got < 0)
        goto out;
    if (ferror(f)) {
        error_set(err, "read error");
        goto out;
    }
    if (t->nreq == 0) {
        error_set(err, "expected requests (lines time,object_id,size), found none");
        goto out;
    }
    rc = 0;
out:
    idmap_free(&map);
    return rc;
}

int cache_trace_read(const char *file, struct cache_trace *t, struct error *err)
{
    memset(t, 0, sizeof *t);
    int piped;
    FILE *f = open_text(file, &piped, err);
    if (!f)
        return -1;
    int rc = read_requests(f, t, err);
    if (close_text(f, piped) != 0 && rc == 0 && piped) {
        error_set(err, "gzip could not decompress it");
        rc = -1;
    }
    if (rc != 0)
        cache_trace_free(t);
    return rc;
}

int cache_trace_read_stream(FILE *f, const char *name, struct cache_trace *t,
                            struct error *err)
{
    memset(t, 0, sizeof *t);
    error_file(err, name);
    int rc = read_requests(f, t, err);
    if (rc != 0)
        cache_trace_free(t);
    return rc;
}

int cache_trace_read_sizes(const char *file, struct cache_trace *t, struct error *err)
{
    int piped;
    FILE *f = open_text(file, &piped, err);
    if (!f)
        return -1;
    char line[1024], shown_buf[64];
    int lineno = 0, rc = -1;
    /* For a file trace, look ids up through a map of the trace's own. */
    struct idmap map = {0};
    if (t->orig_id) {
        if (idmap_init(&map, 1 << 12) != 0)
            goto oom;
        for (uint32_t i = 0; i < t->nobjects; i++) {
            uint32_t v;
            int fresh;
            if (idmap_get(&map, t->orig_id[i], i, &v, &fresh) != 0)
                goto oom;
        }
    }
    int got;
    while ((got = next_line(f, line, sizeof line, &lineno, err)) > 0) {
        const char *s[2], *e[2];
        int n = split(line, s, e, 2);
        if (lineno == 1 && n == 2 && !(line[0] >= '0' && line[0] <= '9'))
            continue;
        if (n != 2) {
            error_set(err, "expected 2 comma-separated fields object_id,size, found %d", n);
            goto out;
        }
        uint64_t id, size;
        if (parse_u64(s[0], e[0], &id) != 0) {
            error_set(err, "object_id: expected a whole number, found '%s'", shown(s[0], e[0], shown_buf, sizeof shown_buf));
            goto out;
        }
        if (parse_u64(s[1], e[1], &size) != 0 || size == 0) {
            error_set(err, "size: expected a positive whole number of bytes, found '%s'",
                      shown(s[1], e[1], shown_buf, sizeof shown_buf));
            goto out;
        }
        uint32_t obj = UINT32_MAX;
        if (t->orig_id) {
            uint64_t i = mix64(id) & map.mask;
            for (; map.vals[i] != UINT32_MAX; i = (i + 1) & map.mask)
                if (map.keys[i] == id) {
                    obj = map.vals[i];
                    break;
                }
        } else if (id < t->nobjects) {
            obj = (uint32_t)id;
        }
        if (obj != UINT32_MAX) {
            t->working_set += (double)size - (double)t->size[obj];
            t->size[obj] = size;
        }
    }
    err->line = 0;
    if (got < 0)
        goto out;
    if (ferror(f)) {
        error_set(err, "read error");
        goto out;
    }
    rc = 0;
    goto out;
oom:
    error_set(err, "out of memory");
out:
    if (t->orig_id)
        idmap_free(&map);
    close_text(f, piped);
    return rc;
}

int cache_trace_zipf(uint32_t objects, double alpha, uint64_t requests, uint64_t seed,
                     struct cache_trace *t)
{
    memset(t, 0, sizeof *t);
    double *w = malloc((size_t)objects * sizeof *w);
    t->req = malloc((requests ? requests : 1) * sizeof *t->req);
    t->size = malloc((size_t)objects * sizeof *t->size);
    gsl_rng *r = rng_stream_create(seed, RNG_CACHE_TRACE, 0);
    gsl_ran_discrete_t *pick = NULL;
    if (w && t->req && t->size && r) {
        for (uint32_t i = 0; i < objects; i++)
            w[i] = pow((double)i + 1, -alpha);
        pick = gsl_ran_discrete_preproc(objects, w);
    }
    if (!pick) {
        free(w);
        rng_stream_destroy(r);
        cache_trace_free(t);
        return -1;
    }
    t->nobjects = objects;
    t->nreq = requests;
    for (uint64_t i = 0; i < requests; i++)
        t->req[i] = (uint32_t)gsl_ran_discrete(r, pick);
    /* The working set counts only objects requested at least once. */
    uint8_t *seen = calloc(objects, 1);
    if (seen) {
        for (uint64_t i = 0; i < requests; i++)
            seen[t->req[i]] = 1;
    }
    for (uint32_t i = 0; i < objects; i++) {
        t->size[i] = 1;
        t->working_set += seen ? seen[i] : 1;
    }
    free(seen);
    gsl_ran_discrete_free(pick);
    free(w);
    rng_stream_destroy(r);
    return 0;
}

void cache_trace_fixed_sizes(struct cache_trace *t, uint64_t bytes)
{
    /* The working set becomes (distinct objects requested) x bytes. */
    uint8_t *seen = calloc(t->nobjects ? t->nobjects : 1, 1);
    double n = 0;
    for (uint64_t i = 0; seen && i < t->nreq; i++)
        if (!seen[t->req[i]]) {
            seen[t->req[i]] = 1;
            n++;
        }
    if (!seen)
        n = t->nobjects;
    free(seen);
    for (uint32_t i = 0; i < t->nobjects; i++)
        t->size[i] = bytes;
    t->working_set = n * (double)bytes;
}

void cache_trace_free(struct cache_trace *t)
{
    free(t->req);
    free(t->size);
    free(t->orig_id);
    memset(t, 0, sizeof *t);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int cache_trace_replay(const struct cache_trace *t, const struct cache_policy *p,
                       uint64_t capacity, uint64_t warmup, uint8_t *hits,
                       struct cache_replay *out)
{
    memset(out, 0, sizeof *out);
    struct cache *c = cache_create(p, capacity, t->nobjects);
    if (!c)
        return -1;
    const uint32_t *req = t->req;
    const uint64_t *size = t->size;
    uint64_t w = warmup < t->nreq ? warmup : t->nreq;
    double t0 = now_s();
    for (uint64_t i = 0; i < w; i++) {
        int h = cache_access(c, req[i], size[req[i]]);
        if (h < 0)
            goto oom;
        if (hits)
            hits[i] = (uint8_t)h;
    }
    cache_reset_counters(c);
    for (uint64_t i = w; i < t->nreq; i++) {
        int h = cache_access(c, req[i], size[req[i]]);
        if (h < 0)
            goto oom;
        if (hits)
            hits[i] = (uint8_t)h;
    }
    out->wall_s = now_s() - t0;
    out->requests = c->requests;
    out->hits = c->hits;
    out->bytes_requested = c->bytes_requested;
    out->bytes_hit = c->bytes_hit;
    out->hit_ratio = c->requests ? (double)c->hits / (double)c->requests : 0;
    out->byte_hit_ratio = c->bytes_requested > 0 ? c->bytes_hit / c->bytes_requested : 0;
    cache_destroy(c);
    return 0;
oom:
    cache_destroy(c);
    return -1;
}
