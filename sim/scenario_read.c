/* sim/scenario_read.c: typed readers of scenario members.
 *
 * Each reader takes an object (NULL for a section left out, which reads as
 * all defaults) and a key, checks the member's type, unit and range, fills
 * its default when absent, and on failure fills the error with the JSON
 * path of the member and "expected X, found Y". The path is kept in struct
 * sr as the readers descend, so messages need no bookkeeping at call sites.
 * Also the sorted id indexes behind duplicate checks and references. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json_util.h"
#include "sim/scenario_int.h"
#include "sim/units.h"

int sr_fail(struct sr *l, const char *fmt, ...)
{
    snprintf(l->err->path, sizeof l->err->path, "%s", l->path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->err->msg, sizeof l->err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* Path pushes return the old length; pop restores it. */
size_t sr_push_key(struct sr *l, const char *key)
{
    size_t n = strlen(l->path);
    snprintf(l->path + n, sizeof l->path - n, ".%s", key);
    return n;
}

size_t sr_push_index(struct sr *l, int i)
{
    size_t n = strlen(l->path);
    snprintf(l->path + n, sizeof l->path - n, "[%d]", i);
    return n;
}

void sr_pop(struct sr *l, size_t n)
{
    l->path[n] = '\0';
}

/* ---- readers: each takes the object (NULL for a section left out, which
 * then reads as all defaults) and a key; each pushes the key onto the path
 * while it checks the value ---- */

const cJSON *sr_get(const cJSON *obj, const char *key)
{
    return obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

int sr_missing(struct sr *l, const char *key)
{
    return sr_fail(l, "missing required key \"%s\"", key);
}

int sr_wrong_type(struct sr *l, const char *expected, const cJSON *v)
{
    char d[96];
    return sr_fail(l, "expected %s, found %s", expected, jsonu_describe(v, d, sizeof d));
}

static int count_names(const char *const *names)
{
    int n = 0;
    while (names[n])
        n++;
    return n;
}

/* Writes "a, b, c" (quote = 0) or "\"a\", \"b\"" from names into buf. */
static void join_names(const char *const *names, int quote, char *buf, size_t n)
{
    size_t o = 0;
    const char *q = quote ? "\"" : "";
    buf[0] = '\0';
    for (int i = 0; names[i] && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%s%s%s", i ? ", " : "", q, names[i], q);
}

/* Fails on the first key of obj not in keys, naming the closest known one. */
int sr_known_keys(struct sr *l, const cJSON *obj, const char *const *keys)
{
    int n = count_names(keys);
    for (const cJSON *c = obj->child; c; c = c->next) {
        int found = 0;
        for (int i = 0; i < n && !found; i++)
            found = strcmp(c->string, keys[i]) == 0;
        if (found)
            continue;
        char list[320];
        join_names(keys, 0, list, sizeof list);
        const char *near = jsonu_closest(c->string, keys, n);
        const char *dots = strlen(c->string) > 48 ? "..." : "";
        if (near)
            return sr_fail(l, "unknown key \"%.48s%s\"; did you mean \"%s\"? (known keys here: %s)",
                           c->string, dots, near, list);
        return sr_fail(l, "unknown key \"%.48s%s\" (known keys here: %s)", c->string, dots, list);
    }
    return 0;
}

/* A section object: absent gives *out = NULL (all defaults). */
int sr_object(struct sr *l, const cJSON *obj, const char *key, const char *const *keys,
                     const cJSON **out)
{
    const cJSON *v = sr_get(obj, key);
    *out = NULL;
    if (!v)
        return 0;
    size_t m = sr_push_key(l, key);
    int rc = !cJSON_IsObject(v) ? sr_wrong_type(l, "an object", v) : sr_known_keys(l, v, keys);
    sr_pop(l, m);
    *out = v;
    return rc;
}

/* An array: absent gives *out = NULL and *n = 0, or an error if required. */
int sr_array(struct sr *l, const cJSON *obj, const char *key, int required,
                    const cJSON **out, int *n)
{
    const cJSON *v = sr_get(obj, key);
    *out = NULL;
    *n = 0;
    if (!v)
        return required ? sr_missing(l, key) : 0;
    if (!cJSON_IsArray(v)) {
        size_t m = sr_push_key(l, key);
        sr_wrong_type(l, "an array", v);
        sr_pop(l, m);
        return -1;
    }
    *out = v;
    for (const cJSON *c = v->child; c; c = c->next)
        (*n)++;
    return 0;
}

/* "[0, 3]", "(0, 1]", "at least 0". */
static const char *range_text(double lo, double hi, int open, char *buf, size_t n)
{
    char a[40], b[40];
    jsonu_number(lo, a, sizeof a);
    jsonu_number(hi, b, sizeof b);
    if (isinf(hi))
        snprintf(buf, n, "%s %s", open & SR_LO_OPEN ? "above" : "at least", a);
    else
        snprintf(buf, n, "in %c%s, %s%c", open & SR_LO_OPEN ? '(' : '[', a, b,
                 open & SR_HI_OPEN ? ')' : ']');
    return buf;
}

static int in_range(double v, double lo, double hi, int open)
{
    return (open & SR_LO_OPEN ? v > lo : v >= lo) && (open & SR_HI_OPEN ? v < hi : v <= hi);
}

int sr_number(struct sr *l, const cJSON *obj, const char *key, int required, double def,
                     double lo, double hi, int open, double *out)
{
    const cJSON *v = sr_get(obj, key);
    if (!v) {
        if (required)
            return sr_missing(l, key);
        *out = def;
        return 0;
    }
    size_t m = sr_push_key(l, key);
    int rc = 0;
    char r[96], num[40];
    if (!cJSON_IsNumber(v))
        rc = sr_wrong_type(l, "a number", v);
    else if (!in_range(v->valuedouble, lo, hi, open))
        rc = sr_fail(l, "must be %s, found %s", range_text(lo, hi, open, r, sizeof r),
                     jsonu_number(v->valuedouble, num, sizeof num));
    else
        *out = v->valuedouble;
    sr_pop(l, m);
    return rc;
}

int sr_int(struct sr *l, const cJSON *obj, const char *key, int def, int lo, int hi,
                  int *out)
{
    const cJSON *v = sr_get(obj, key);
    if (!v) {
        *out = def;
        return 0;
    }
    size_t m = sr_push_key(l, key);
    int rc = 0;
    char num[40];
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
        rc = sr_wrong_type(l, "a whole number", v);
    else if (v->valuedouble < lo || v->valuedouble > hi)
        rc = sr_fail(l, "must be a whole number from %d to %d, found %s", lo, hi,
                     jsonu_number(v->valuedouble, num, sizeof num));
    else
        *out = (int)v->valuedouble;
    sr_pop(l, m);
    return rc;
}

int sr_bool(struct sr *l, const cJSON *obj, const char *key, int def, int *out)
{
    const cJSON *v = sr_get(obj, key);
    if (!v) {
        *out = def;
        return 0;
    }
    size_t m = sr_push_key(l, key);
    int rc = 0;
    if (!cJSON_IsBool(v))
        rc = sr_wrong_type(l, "true or false", v);
    else
        *out = cJSON_IsTrue(v);
    sr_pop(l, m);
    return rc;
}

/* A string member; *out points into the tree. */
int sr_string(struct sr *l, const cJSON *obj, const char *key, int required,
                     const char *def, const char **out)
{
    const cJSON *v = sr_get(obj, key);
    if (!v) {
        if (required)
            return sr_missing(l, key);
        *out = def;
        return 0;
    }
    if (cJSON_IsString(v)) {
        *out = v->valuestring;
        return 0;
    }
    size_t m = sr_push_key(l, key);
    sr_wrong_type(l, "a string", v);
    sr_pop(l, m);
    return -1;
}

/* An id: 1..47 characters from [A-Za-z0-9_.-], short and safe in file
 * names, SQL and dotted --set paths. */
int sr_id(struct sr *l, const cJSON *obj, char out[CFG_ID_MAX])
{
    const char *s;
    if (sr_string(l, obj, "id", 1, NULL, &s) != 0)
        return -1;
    size_t len = strlen(s), bad = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789_.-");
    if (len == 0 || len >= CFG_ID_MAX || bad != len) {
        size_t m = sr_push_key(l, "id");
        sr_fail(l, "an id is 1 to %d characters from A-Z a-z 0-9 _ . -, found \"%.48s\"",
                CFG_ID_MAX - 1, s);
        sr_pop(l, m);
        return -1;
    }
    memcpy(out, s, len + 1);
    return 0;
}

int sr_enum(struct sr *l, const cJSON *obj, const char *key, const char *const *names,
                   int *out)
{
    const cJSON *v = sr_get(obj, key);
    if (!v) {
        *out = 0;               /* every enum's default is its first name */
        return 0;
    }
    size_t m = sr_push_key(l, key);
    int rc = -1;
    char list[200];
    join_names(names, 1, list, sizeof list);
    if (!cJSON_IsString(v)) {
        char what[240];
        snprintf(what, sizeof what, "one of the names %s", list);
        sr_wrong_type(l, what, v);
    } else {
        int n = count_names(names);
        for (int i = 0; i < n && rc != 0; i++)
            if (strcmp(v->valuestring, names[i]) == 0) {
                *out = i;
                rc = 0;
            }
        if (rc != 0) {
            const char *near = jsonu_closest(v->valuestring, names, n);
            char hint[80] = "";
            if (near)
                snprintf(hint, sizeof hint, "; did you mean \"%s\"?", near);
            sr_fail(l, "unknown %s \"%.48s\": the accepted names are %s%s", key, v->valuestring,
                    list, hint);
        }
    }
    sr_pop(l, m);
    return rc;
}

/* The string of a unit-bearing member, or def when absent (NULL def: the
 * key is required). Leaves the key pushed on success; the caller pops. */
int sr_unit_text(struct sr *l, const cJSON *obj, const char *key, const char *def,
                     const char *like, const char **text, size_t *mark)
{
    const cJSON *v = sr_get(obj, key);
    if (!v && !def)
        return sr_missing(l, key);
    *mark = sr_push_key(l, key);
    if (v && !cJSON_IsString(v)) {
        sr_wrong_type(l, like, v);
        sr_pop(l, *mark);
        return -1;
    }
    *text = v ? v->valuestring : def;
    /* The unit parsers fill only msg; the path must already be there. */
    snprintf(l->err->path, sizeof l->err->path, "%s", l->path);
    return 0;
}

/* Rates and sizes are all > 0. */
int sr_rate(struct sr *l, const cJSON *obj, const char *key, const char *def, double *out)
{
    const char *s;
    size_t m;
    if (sr_unit_text(l, obj, key, def, "a rate string like \"100Gbps\"", &s, &m) != 0)
        return -1;
    int rc = units_parse_rate(s, out, l->err);
    if (rc == 0 && !(*out > 0))
        rc = sr_fail(l, "a rate must be above 0, found \"%s\"", s);
    sr_pop(l, m);
    return rc;
}

int sr_bytes(struct sr *l, const cJSON *obj, const char *key, const char *def, double *out)
{
    const char *s;
    size_t m;
    if (sr_unit_text(l, obj, key, def, "a size string like \"120TB\"", &s, &m) != 0)
        return -1;
    int rc = units_parse_bytes(s, out, l->err);
    if (rc == 0 && !(*out > 0))
        rc = sr_fail(l, "a size must be above 0, found \"%s\"", s);
    sr_pop(l, m);
    return rc;
}

/* A duration in [lo, hi], or (lo, hi] with SR_LO_OPEN. */
int sr_duration(struct sr *l, const cJSON *obj, const char *key, const char *def,
                       simtime lo, simtime hi, int open, simtime *out)
{
    const char *s;
    size_t m;
    if (sr_unit_text(l, obj, key, def, "a duration string like \"4s\"", &s, &m) != 0)
        return -1;
    int rc = units_parse_duration(s, out, l->err);
    int low = (open & SR_LO_OPEN) ? *out <= lo : *out < lo;
    if (rc == 0 && (low || *out > hi)) {
        char a[48], b[48];
        units_format_duration(lo, a, sizeof a);
        units_format_duration(hi, b, sizeof b);
        if (hi == SIM_TIME_MAX)
            rc = sr_fail(l, "must be %s %s, found \"%s\"",
                         open & SR_LO_OPEN ? "above" : "at least", a, s);
        else
            rc = sr_fail(l, "must be in %c%s, %s], found \"%s\"",
                         open & SR_LO_OPEN ? '(' : '[', a, b, s);
    }
    sr_pop(l, m);
    return rc;
}

/* ---- ids: sorted indexes for lookups and duplicate checks ---- */

static int idref_cmp(const void *a, const void *b)
{
    const struct idref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* "at": an instant ("2026-11-20T21:00:00Z") or a time from the start
 * ("3h"), inside the run; what ("fault", "event") begins the message when
 * it falls outside. */
int sr_run_instant(struct sr *l, const cJSON *obj, const char *key, const struct scenario *s,
                   const char *what, simtime *at)
{
    const cJSON *v = sr_get(obj, key);
    if (!v)
        return sr_missing(l, key);
    size_t m = sr_push_key(l, key);
    if (!cJSON_IsString(v))
        return sr_wrong_type(l, "an instant like \"2026-11-20T21:00:00Z\" or a time from the start"
                             " like \"3h\"", v);
    int64_t unix_s;
    /* The unit parsers fill only msg; the path must already be there. */
    snprintf(l->err->path, sizeof l->err->path, "%s", l->path);
    if (strchr(v->valuestring, 'T')) {
        if (units_parse_instant(v->valuestring, &unix_s, l->err))
            return -1;
        *at = (unix_s - s->start_unix) * SIM_US_PER_S;
    } else if (units_parse_duration(v->valuestring, at, l->err)) {
        return -1;
    }
    if (*at < 0 || *at >= s->duration) {
        char a[64], b[64];
        return sr_fail(l, "%s at \"%s\" is outside the run (from \"%s\" for \"%s\")", what,
                       v->valuestring, units_format_instant(s->start_unix, a, sizeof a),
                       units_format_duration(s->duration, b, sizeof b));
    }
    sr_pop(l, m);
    return 0;
}

/* Builds the sorted index of n ids and fails on the first duplicate in
 * document order, naming both elements. */
int sr_index_ids(struct sr *l, const char *what, const char *array, const void *base,
                     size_t stride, int n, struct idref **out)
{
    struct idref *idx = malloc((size_t)(n ? n : 1) * sizeof *idx);
    if (!idx)
        return sr_fail(l, "out of memory");
    for (int i = 0; i < n; i++)
        idx[i] = (struct idref){ ID_AT(base, stride, i), i };
    qsort(idx, (size_t)n, sizeof *idx, idref_cmp);
    int best = -1;
    for (int i = 1; i < n; i++)
        if (strcmp(idx[i].id, idx[i - 1].id) == 0 && (best < 0 || idx[i].index < idx[best].index))
            best = i;
    *out = idx;
    if (best < 0)
        return 0;
    size_t m = strlen(l->path);
    snprintf(l->path + m, sizeof l->path - m, ".%s[%d]", array, idx[best].index);
    sr_fail(l, "duplicate %s id \"%s\": $.%s[%d] and $.%s[%d] both use it", what, idx[best].id, array,
            idx[best - 1].index, array, idx[best].index);
    sr_pop(l, m);
    return -1;
}

int sr_lookup(const struct idref *idx, int n, const char *id)
{
    struct idref key = { id, 0 };
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(idx[mid].id, key.id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(idx[lo].id, id) == 0 ? idx[lo].index : -1;
}

/* "br, us, ..." in document order, for messages; keep(i) filters. */
const char *sr_list_ids(const void *base, size_t stride, int n, int (*keep)(const void *, int),
                            char *buf, size_t cap)
{
    size_t o = 0;
    int shown = 0, total = 0;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (keep && !keep(base, i))
            continue;
        total++;
        const char *id = ID_AT(base, stride, i);
        if (o + strlen(id) + 16 < cap) {
            o += (size_t)snprintf(buf + o, cap - o, "%s%s", shown ? ", " : "", id);
            shown++;
        }
    }
    if (total == 0)
        snprintf(buf, cap, "none");
    else if (shown < total)
        snprintf(buf + o, cap - o, " and %d more", total - shown);
    return buf;
}

