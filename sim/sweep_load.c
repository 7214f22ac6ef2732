/* sim/sweep_load.c: reading and checking a sweep file.
 *
 * The same quality of errors as the scenario loader (it uses the same sr_*
 * readers and JSON helpers): file, JSON path, line and column for syntax
 * errors, expected and found. Every grid value is tried alone on the base
 * scenario, so a bad value is reported at its place in the sweep file with
 * the scenario loader's message, before any run starts; then every point
 * is loaded whole (values can be fine alone and clash together). */
#include "sim/sweep_load.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/json_util.h"
#include "sim/scenario.h"
#include "sim/scenario_int.h"

#define SWEEP_FILE_MAX (1 << 20)

static char *read_all(const char *file, struct error *err)
{
    struct stat st;
    if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
        error_set(err, "is a directory, not a sweep file");
        return NULL;
    }
    FILE *f = fopen(file, "rb");
    if (!f) {
        error_set(err, "cannot open: %s", strerror(errno));
        return NULL;
    }
    char *buf = malloc(SWEEP_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, SWEEP_FILE_MAX + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad || n > SWEEP_FILE_MAX) {
        error_set(err, "%s", !buf ? "out of memory" : bad ? "cannot read the file"
                  : "the file is over 1 MiB; a sweep file that large is refused");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        jsonu_position(buf, strlen(buf), &err->line, &err->col);
        error_set(err, "a NUL byte at line %d, column %d: a sweep file is JSON text",
                  err->line, err->col);
        free(buf);
        return NULL;
    }
    return buf;
}

/* "KEY=VALUE" with VALUE the compact JSON of v (strings keep their quotes,
 * so "true" stays a string). */
static char *make_set(const char *key, const cJSON *v)
{
    char *json = cJSON_PrintUnformatted(v);
    if (!json)
        return NULL;
    size_t n = strlen(key) + strlen(json) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s=%s", key, json);
    free(json);
    return s;
}

static char *make_label(const cJSON *v)
{
    return cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
}

/* "$.grid[\"placement.policy\"]": keys hold dots, so they go in brackets. */
static void grid_path(struct sr *l, const char *section, const char *key, int index)
{
    if (index < 0)
        snprintf(l->path, sizeof l->path, "$.%s[\"%s\"]", section, key);
    else
        snprintf(l->path, sizeof l->path, "$.%s[\"%s\"][%d]", section, key, index);
}

/* Loads the base scenario with sets; on failure fills the sweep's error at
 * the current path with the scenario's message. */
static int try_scenario(struct sr *l, const struct sweep *s, const char **sets, int nsets,
                        const char *what)
{
    struct scenario sc;
    struct error e = {0};
    if (scenario_load(s->scenario, sets, nsets, &sc, &e) == 0) {
        scenario_free(&sc);
        return 0;
    }
    char where[1100];
    snprintf(where, sizeof where, "%s%s%s%s%s", e.file, e.file[0] ? ": " : "", e.path,
             e.path[0] ? ": " : "", e.msg);
    return sr_fail(l, "%s does not load: %s", what, where);
}

static int read_seeds(struct sr *l, const cJSON *root, struct sweep *s)
{
    const cJSON *seeds = sr_get(root, "seeds"), *reps = sr_get(root, "replications");
    int n = 0, first = 1;
    if (seeds && reps) {
        size_t m = sr_push_key(l, "replications");
        sr_fail(l, "give either \"seeds\" (a list) or \"replications\" (a count, with"
                " \"first_seed\"), not both");
        sr_pop(l, m);
        return -1;
    }
    if (sr_get(root, "first_seed") && !reps) {
        size_t m = sr_push_key(l, "first_seed");
        sr_fail(l, "\"first_seed\" goes with \"replications\", which is missing");
        sr_pop(l, m);
        return -1;
    }
    if (reps) {
        if (sr_int(l, root, "replications", 1, 1, 10000, &n) != 0
            || sr_int(l, root, "first_seed", 1, 0, 1 << 30, &first) != 0)
            return -1;
    } else if (seeds) {
        if (sr_array(l, root, "seeds", 0, &seeds, &n) != 0)
            return -1;
        if (n == 0) {
            size_t m = sr_push_key(l, "seeds");
            sr_fail(l, "expected at least one seed, found an empty list");
            sr_pop(l, m);
            return -1;
        }
    } else {
        s->own_seed = 1;
        s->nseeds = 1;
        return 0;
    }
    s->seeds = calloc((size_t)n, sizeof *s->seeds);
    if (!s->seeds)
        return sr_fail(l, "out of memory");
    s->nseeds = n;
    int i = 0;
    for (const cJSON *v = seeds ? seeds->child : NULL; v; v = v->next, i++) {
        size_t m = sr_push_key(l, "seeds");
        sr_push_index(l, i);
        char d[96];
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0
            || v->valuedouble > 9007199254740992.0) {
            sr_fail(l, "expected a whole number from 0 to 2^53, found %s",
                    jsonu_describe(v, d, sizeof d));
            sr_pop(l, m);
            return -1;
        }
        s->seeds[i] = (uint64_t)v->valuedouble;
        for (int k = 0; k < i; k++)
            if (s->seeds[k] == s->seeds[i]) {
                sr_fail(l, "seed %" PRIu64 " is already $.seeds[%d]: replications need"
                        " distinct seeds", s->seeds[i], k);
                sr_pop(l, m);
                return -1;
            }
        sr_pop(l, m);
    }
    if (reps)
        for (int k = 0; k < n; k++)
            s->seeds[k] = (uint64_t)first + (uint64_t)k;
    return 0;
}

/* "set" (fixed overrides) and "grid" are objects keyed by --set paths. */
static int read_sets(struct sr *l, const cJSON *root, struct sweep *s)
{
    const cJSON *set = sr_get(root, "set");
    char d[96];
    if (set && !cJSON_IsObject(set)) {
        size_t m = sr_push_key(l, "set");
        sr_wrong_type(l, "an object of --set keys and values ({\"duration\": \"1h\"})", set);
        sr_pop(l, m);
        return -1;
    }
    int n = cJSON_GetArraySize(set);
    s->fixed = calloc((size_t)n + 1, sizeof *s->fixed);
    if (!s->fixed)
        return sr_fail(l, "out of memory");
    for (const cJSON *v = set ? set->child : NULL; v; v = v->next) {
        if (!(s->fixed[s->nfixed] = make_set(v->string, v)))
            return sr_fail(l, "out of memory");
        s->nfixed++;
        grid_path(l, "set", v->string, -1);
        if (try_scenario(l, s, (const char **)s->fixed, s->nfixed, "this override") != 0)
            return -1;
    }
    snprintf(l->path, sizeof l->path, "$");
    const cJSON *grid = sr_get(root, "grid");
    if (grid && !cJSON_IsObject(grid)) {
        size_t m = sr_push_key(l, "grid");
        sr_wrong_type(l, "an object of --set keys, each with a list of values"
                      " ({\"placement.policy\": [\"popularity\", \"hashed\"]})", grid);
        sr_pop(l, m);
        return -1;
    }
    s->npoints = 1;
    for (const cJSON *g = grid ? grid->child : NULL; g; g = g->next) {
        if (s->nparams == SWEEP_MAX_PARAMS) {
            grid_path(l, "grid", g->string, -1);
            return sr_fail(l, "a grid has at most %d keys", SWEEP_MAX_PARAMS);
        }
        grid_path(l, "grid", g->string, -1);
        if (!cJSON_IsArray(g))
            return sr_fail(l, "expected a list of values, found %s (one value: put it in"
                           " \"set\")", jsonu_describe(g, d, sizeof d));
        int nv = cJSON_GetArraySize(g);
        if (nv == 0)
            return sr_fail(l, "expected at least one value, found an empty list");
        struct sweep_param *p = &s->params[s->nparams++];
        p->key = strdup(g->string);
        p->sets = calloc((size_t)nv, sizeof *p->sets);
        p->labels = calloc((size_t)nv, sizeof *p->labels);
        if (!p->key || !p->sets || !p->labels)
            return sr_fail(l, "out of memory");
        int j = 0;
        for (const cJSON *v = g->child; v; v = v->next, j++) {
            grid_path(l, "grid", g->string, j);
            p->sets[j] = make_set(g->string, v);
            p->labels[j] = make_label(v);
            p->nvalues = j + 1;
            if (!p->sets[j] || !p->labels[j])
                return sr_fail(l, "out of memory");
            for (int k = 0; k < j; k++)
                if (strcmp(p->sets[k], p->sets[j]) == 0)
                    return sr_fail(l, "the value %s is already [%d]: each grid point must"
                                   " differ", p->labels[j], k);
            s->fixed[s->nfixed] = p->sets[j];
            int rc = try_scenario(l, s, (const char **)s->fixed, s->nfixed + 1, "this value");
            s->fixed[s->nfixed] = NULL;
            if (rc != 0)
                return -1;
        }
        if ((double)s->npoints * nv > SWEEP_MAX_RUNS) {
            grid_path(l, "grid", g->string, -1);
            return sr_fail(l, "the grid has over %d points", SWEEP_MAX_RUNS);
        }
        s->npoints *= nv;
    }
    snprintf(l->path, sizeof l->path, "$");
    return 0;
}

/* The scenario path is relative to the sweep file's folder. */
static char *resolve_scenario(const char *sweep_file, const char *rel)
{
    const char *slash = strrchr(sweep_file, '/');
    size_t dir = rel[0] == '/' || !slash ? 0 : (size_t)(slash - sweep_file) + 1;
    size_t n = dir + strlen(rel) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%.*s%s", (int)dir, sweep_file, rel);
    return p;
}

static int read_top(struct sr *l, const char *file, const cJSON *root, struct sweep *s)
{
    static const char *const keys[] = { "name", "description", "scenario", "set", "grid",
                                        "seeds", "replications", "first_seed", NULL };
    if (sr_known_keys(l, root, keys) != 0)
        return -1;
    const char *name, *desc, *scen;
    if (sr_string(l, root, "name", 1, NULL, &name) != 0
        || sr_string(l, root, "description", 0, "", &desc) != 0
        || sr_string(l, root, "scenario", 1, NULL, &scen) != 0)
        return -1;
    if (!name[0] || strlen(name) > 200 || strpbrk(name, "\n\t")) {
        size_t m = sr_push_key(l, "name");
        sr_fail(l, "expected a name of 1 to 200 characters on one line");
        sr_pop(l, m);
        return -1;
    }
    s->name = strdup(name);
    s->scenario = resolve_scenario(file, scen);
    if (!s->name || !s->scenario)
        return sr_fail(l, "out of memory");
    struct scenario sc;
    struct error e = {0};
    if (scenario_load(s->scenario, NULL, 0, &sc, &e) != 0) {
        size_t m = sr_push_key(l, "scenario");
        sr_fail(l, "the base scenario %s does not load: %s%s%s", s->scenario, e.path,
                e.path[0] ? ": " : "", e.msg);
        sr_pop(l, m);
        return -1;
    }
    scenario_free(&sc);
    if (read_seeds(l, root, s) != 0 || read_sets(l, root, s) != 0)
        return -1;
    if ((double)s->npoints * s->nseeds > SWEEP_MAX_RUNS)
        return sr_fail(l, "%d points x %d seeds is over %d runs", s->npoints, s->nseeds,
                       SWEEP_MAX_RUNS);
    s->nruns = s->npoints * s->nseeds;
    /* Values fine alone can clash together: load every point once. */
    const char *sets[SWEEP_MAX_PARAMS + 256];
    char seed[40];
    for (int p = 0; p < s->npoints && s->nparams > 1; p++) {
        int n = sweep_run_sets(s, p * s->nseeds, sets, (int)(sizeof sets / sizeof sets[0]),
                               seed, sizeof seed);
        char label[512], what[600];
        sweep_point_label(s, p, label, sizeof label);
        snprintf(what, sizeof what, "grid point %d (%s)", p, label);
        snprintf(l->path, sizeof l->path, "$.grid");
        if (try_scenario(l, s, sets, n, what) != 0)
            return -1;
    }
    return 0;
}

int sweep_load(const char *file, struct sweep *out, struct error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    error_file(err, file);
    char *text = read_all(file, err);
    if (!text)
        return -1;
    size_t len = strlen(text);
    int rc = -1;
    if (strspn(text, " \t\r\n") == len) {
        error_set(err, "empty file: expected a JSON object");
        free(text);
        return -1;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!root) {
        jsonu_syntax_error(text, len, end ? (size_t)(end - text) : 0, err);
    } else if (!cJSON_IsObject(root)) {
        char d[96];
        error_at(err, "$", "the top level must be a JSON object (the sweep's keys in {...}),"
                 " found %s", jsonu_describe(root, d, sizeof d));
    } else if (jsonu_check_tree(root, "$", err) == 0) {
        struct sr l = { .err = err, .path = "$" };
        rc = read_top(&l, file, root, out);
    }
    cJSON_Delete(root);
    free(text);
    if (rc != 0)
        sweep_free(out);
    return rc;
}

void sweep_free(struct sweep *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->scenario);
    for (int i = 0; i < s->nfixed; i++)
        free(s->fixed[i]);
    free(s->fixed);
    for (int k = 0; k < s->nparams; k++) {
        struct sweep_param *p = &s->params[k];
        for (int j = 0; j < p->nvalues; j++) {
            free(p->sets[j]);
            free(p->labels[j]);
        }
        free(p->key);
        free(p->sets);
        free(p->labels);
    }
    free(s->seeds);
    memset(s, 0, sizeof *s);
}

int sweep_point_value(const struct sweep *s, int point, int k)
{
    int stride = 1;
    for (int j = s->nparams - 1; j > k; j--)
        stride *= s->params[j].nvalues;
    return point / stride % s->params[k].nvalues;
}

int sweep_run_sets(const struct sweep *s, int run, const char **sets, int max,
                   char *seedbuf, size_t seedbuf_len)
{
    int n = 0, point = run / s->nseeds;
    for (int i = 0; i < s->nfixed && n < max; i++)
        sets[n++] = s->fixed[i];
    for (int k = 0; k < s->nparams && n < max; k++)
        sets[n++] = s->params[k].sets[sweep_point_value(s, point, k)];
    if (!s->own_seed && n < max) {
        snprintf(seedbuf, seedbuf_len, "seed=%" PRIu64, s->seeds[run % s->nseeds]);
        sets[n++] = seedbuf;
    }
    return n;
}

void sweep_point_label(const struct sweep *s, int point, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    if (s->nparams == 0) {
        snprintf(buf, n, "base");
        return;
    }
    for (int k = 0; k < s->nparams && len < n; k++) {
        int j = sweep_point_value(s, point, k);
        int w = snprintf(buf + len, n - len, "%s%s=%s", k ? ", " : "", s->params[k].key,
                         s->params[k].labels[j]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}
