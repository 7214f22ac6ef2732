/* sim/json_util.c: duplicate-key and finiteness checks over a cJSON tree,
 * positions of syntax errors, descriptions of values for messages,
 * did-you-mean hints, and the JSON writer behind resolved scenarios. */
#include "sim/json_util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tree checks ---- */

struct keyref {
    const char *key;
    int index;
};

static int keyref_cmp(const void *a, const void *b)
{
    const struct keyref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Sorting the keys makes an object with n keys cost n log n, not n^2: a
 * hostile 64 MiB object must not stall the loader. Reports the duplicate
 * that comes first in the document. */
static int check_duplicates(const cJSON *obj, const char *path, struct error *err)
{
    int n = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        n++;
    if (n < 2)
        return 0;
    struct keyref *refs = malloc((size_t)n * sizeof *refs);
    if (!refs) {
        error_at(err, path, "out of memory");
        return -1;
    }
    int i = 0;
    for (const cJSON *c = obj->child; c; c = c->next, i++)
        refs[i] = (struct keyref){ c->string ? c->string : "", i };
    qsort(refs, (size_t)n, sizeof *refs, keyref_cmp);
    int best = -1;
    for (i = 1; i < n; i++)
        if (strcmp(refs[i].key, refs[i - 1].key) == 0
            && (best < 0 || refs[i].index < refs[best].index))
            best = i;
    if (best >= 0) {
        error_at(err, path, "duplicate key \"%.64s\" (members %d and %d of this object): JSON"
                 " readers disagree on which one wins, so give it once",
                 refs[best].key, refs[best - 1].index + 1, refs[best].index + 1);
        free(refs);
        return -1;
    }
    free(refs);
    return 0;
}

int jsonu_check_tree(const cJSON *v, const char *path, struct error *err)
{
    if (cJSON_IsNumber(v) && !isfinite(v->valuedouble)) {
        error_at(err, path, "number out of range: it parses as %s infinity (like 1e400)",
                 v->valuedouble < 0 ? "minus" : "plus");
        return -1;
    }
    if (cJSON_IsObject(v) && check_duplicates(v, path, err) != 0)
        return -1;
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return 0;
    /* cJSON refuses input nested deeper than CJSON_NESTING_LIMIT (1000), so
     * this recursion is bounded. */
    char sub[256];
    int i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        if (cJSON_IsObject(v))
            snprintf(sub, sizeof sub, "%s.%s", path, c->string ? c->string : "");
        else
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
        if (jsonu_check_tree(c, sub, err) != 0)
            return -1;
    }
    return 0;
}

/* ---- positions ---- */

void jsonu_position(const char *text, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

void jsonu_syntax_error(const char *text, size_t len, size_t off, struct error *err)
{
    if (off > len)
        off = len;
    /* cJSON reports one byte past the token it choked on when it wanted a
     * string (an unquoted key, a comma before '}'). Step back in exactly
     * those shapes: a trailing comma, or a non-space byte just before that
     * cannot end a good token. A closing bracket alone is left alone: in
     * "{...}}" cJSON points at the second bracket, correctly. */
    if (off > 0) {
        char p = text[off - 1];
        if (p == '}' || p == ']') {
            size_t q = off - 1;
            while (q > 0 && isspace((unsigned char)text[q - 1]))
                q--;
            if (q > 0 && text[q - 1] == ',')
                off--;
        } else if (off < len && !isspace((unsigned char)p) && !strchr(",:[{", p)) {
            off--;
        }
    }
    jsonu_position(text, off, &err->line, &err->col);
/* A few characters of what stands there, up to the end of the line. */
    char near[32];
    size_t k = 0;
    for (size_t i = off; i < len && k + 1 < sizeof near && text[i] != '\n' && text[i] != '\r'; i++)
        near[k++] = isprint((unsigned char)text[i]) ? text[i] : '?';
    near[k] = '\0';
    /* Hints for the two slips people make most when hand-editing JSON. */
    size_t p = off;
    while (p > 0 && isspace((unsigned char)text[p - 1]))
        p--;
    const char *hint = "";
    if (p > 0 && text[p - 1] == ',' && off < len && (text[off] == '}' || text[off] == ']'))
        hint = " (JSON allows no comma before a closing bracket)";
    else if (off + 1 < len && text[off] == '/' && (text[off + 1] == '/' || text[off + 1] == '*'))
        hint = " (JSON has no comments)";
    else if (off < len && text[off] == '\'')
        hint = " (JSON strings use double quotes)";
    else if (off < len && (strchr("\"{[tfn-", text[off]) || isdigit((unsigned char)text[off])) && p > 0
             && (strchr("\"}]el", text[p - 1]) || isdigit((unsigned char)text[p - 1])))
        hint = " (a comma missing before it?)";
    if (k)
        error_set(err, "JSON syntax error at or near line %d, column %d, near '%s'%s",
                  err->line, err->col, near, hint);
    else
        error_set(err, "JSON syntax error at or near line %d, column %d: the text ends early%s",
                  err->line, err->col, hint);
}

/* ---- messages ---- */

const char *jsonu_describe(const cJSON *v, char *buf, size_t n)
{
    char num[40];
    if (!v)
        snprintf(buf, n, "nothing");
    else if (cJSON_IsNumber(v))
        snprintf(buf, n, "number %s", jsonu_number(v->valuedouble, num, sizeof num));
    else if (cJSON_IsString(v))
        snprintf(buf, n, strlen(v->valuestring) > 40 ? "string \"%.40s...\"" : "string \"%s\"",
                 v->valuestring);
    else if (cJSON_IsTrue(v))
        snprintf(buf, n, "true");
    else if (cJSON_IsFalse(v))
        snprintf(buf, n, "false");
    else if (cJSON_IsNull(v))
        snprintf(buf, n, "null");
    else if (cJSON_IsArray(v))
        snprintf(buf, n, "an array");
    else if (cJSON_IsObject(v))
        snprintf(buf, n, "an object");
    else
        snprintf(buf, n, "an invalid value");
    return buf;
}

#define HINT_MAX 64     /* names longer than this get no hint */

int jsonu_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > HINT_MAX || lb > HINT_MAX)
        return (int)(la > lb ? la : lb);
    int row[HINT_MAX + 1], prev[HINT_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + !same;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
        }
        memcpy(prev, row, sizeof row);
    }
    return prev[lb];
}

const char *jsonu_closest(const char *s, const char *const *names, int n)
{
    const char *best = NULL;
    int bestd = 0;
    for (int i = 0; i < n; i++) {
        int d = jsonu_edit_distance(s, names[i]);
        int limit = (int)strlen(names[i]) / 3;
        if (limit < 2)
            limit = 2;
        if (d <= limit && (!best || d < bestd)) {
            best = names[i];
            bestd = d;
        }
    }
    return best;
}

const char *jsonu_number(double v, char *buf, size_t n)
{
    /* Whole numbers below 2^53 print as integers ("2000000", not "2e+06"):
     * they are counts and seeds, and people read them. */
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        snprintf(buf, n, "%.0f", v);
        if (v == 0 && signbit(v))
            snprintf(buf, n, "0");      /* -0: "-0" reads oddly, 0 is as good */
        return buf;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* ---- writer ---- */

void jsonw_init(struct jsonw *w)
{
    memset(w, 0, sizeof *w);
}

static void put(struct jsonw *w, const char *s, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 1024;
        while (w->len + n + 1 > cap)
            cap *= 2;
        char *b = realloc(w->buf, cap);
        if (!b) {
            w->oom = 1;
            return;
        }
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void puts_(struct jsonw *w, const char *s)
{
    put(w, s, strlen(s));
}

static void put_string(struct jsonw *w, const char *s)
{
    puts_(w, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            put(w, esc, 2);
        } else if (*p == '\n') {
            puts_(w, "\\n");
        } else if (*p == '\t') {
            puts_(w, "\\t");
        } else if (*p < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            puts_(w, esc);
        } else {
            put(w, (const char *)p, 1);
        }
    }
    puts_(w, "\"");
}

/* The separator, indentation and key before a value. */
static void prefix(struct jsonw *w, const char *key)
{
    if (w->oom)
        return;
    int d = w->depth;
    if (d > 0) {
        int inline_ = w->one_line[d - 1];
        if (w->count[d - 1]++ > 0)
            puts_(w, inline_ ? ", " : ",");
        if (!inline_) {
            puts_(w, "\n");
            for (int i = 0; i < d; i++)
                puts_(w, "  ");
        }
    }
    if (key) {
        put_string(w, key);
        puts_(w, ": ");
    }
}

static void open_(struct jsonw *w, const char *key, const char *bracket, int one_line)
{
    /* Deeper than the writer tracks: fail like an allocation would. Once
     * oom is set every call is a no-op, so depth needs no balancing. */
    if (w->depth >= JSONW_DEPTH)
        w->oom = 1;
    if (w->oom)
        return;
    prefix(w, key);
    puts_(w, bracket);
    w->count[w->depth] = 0;
    w->one_line[w->depth] = one_line;
    w->depth++;
}

static void close_(struct jsonw *w, const char *bracket)
{
    if (w->oom || w->depth == 0)
        return;
    w->depth--;
    if (w->count[w->depth] > 0 && !w->one_line[w->depth]) {
        puts_(w, "\n");
        for (int i = 0; i < w->depth; i++)
            puts_(w, "  ");
    }
    puts_(w, bracket);
}

void jsonw_begin_object(struct jsonw *w, const char *key) { open_(w, key, "{", 0); }
void jsonw_end_object(struct jsonw *w) { close_(w, "}"); }
void jsonw_begin_array(struct jsonw *w, const char *key, int one_line) { open_(w, key, "[", one_line); }
void jsonw_end_array(struct jsonw *w) { close_(w, "]"); }

void jsonw_string(struct jsonw *w, const char *key, const char *s)
{
    prefix(w, key);
    put_string(w, s ? s : "");
}

void jsonw_number(struct jsonw *w, const char *key, double v)
{
    char buf[40];
    prefix(w, key);
    puts_(w, jsonu_number(v, buf, sizeof buf));
}

void jsonw_bool(struct jsonw *w, const char *key, int b)
{
    prefix(w, key);
    puts_(w, b ? "true" : "false");
}

char *jsonw_finish(struct jsonw *w)
{
    if (w->oom || !w->buf) {
        free(w->buf);
        w->buf = NULL;
        return NULL;
    }
    char *b = w->buf;
    w->buf = NULL;
    return b;
}
