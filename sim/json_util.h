/* sim/json_util.h: what the scenario loader needs from JSON beyond cJSON.
 *
 * cJSON keeps duplicate keys (lookups find the first), parses 1e400 as
 * infinity and keeps no positions; these helpers close those gaps, describe
 * values for messages, suggest the closest name for a typo, and write JSON
 * text in a fixed layout (cJSON's printer indents with tabs and puts every
 * array element on its own line, which makes a 24-hour curve 24 lines). */
#ifndef LASTMILE_JSON_UTIL_H
#define LASTMILE_JSON_UTIL_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "sim/error.h"

/* Walks v (whose JSON path is path, e.g. "$") and fails on the first object
 * holding a key twice or the first number that is not finite. Fills
 * err->path and err->msg; returns 0 or -1. */
int jsonu_check_tree(const cJSON *v, const char *path, struct error *err);

/* 1-based line and column of byte offset off in text; the column counts
 * characters (UTF-8 continuation bytes do not count). */
void jsonu_position(const char *text, size_t off, int *line, int *col);

/* Fills err (line, col, msg) for a cJSON parse failure reported at byte
 * offset off of text[0..len). cJSON reports where it gave up, which can be
 * one token late, hence "at or near". */
void jsonu_syntax_error(const char *text, size_t len, size_t off, struct error *err);

/* "number 5", "string \"abc\"", "true", "null", "an array", "an object":
 * what was found, for "expected X, found Y" messages. Returns buf. */
const char *jsonu_describe(const cJSON *v, char *buf, size_t n);

/* Levenshtein distance (insertions, deletions, substitutions), with a
 * change of letter case alone costing nothing, so "Duration" is an exact
 * hint for "duration". */
int jsonu_edit_distance(const char *a, const char *b);

/* The name in names[0..n) nearest to s, or NULL when even the nearest needs
 * more edits than a typo would (more than a third of its length, at least
 * 2). Ties go to the earlier name. */
const char *jsonu_closest(const char *s, const char *const *names, int n);

/* The shortest text that strtod reads back as v ("0.9", "2000000",
 * "1e+300"). Returns buf. */
const char *jsonu_number(double v, char *buf, size_t n);

/* A JSON text writer: objects one member per line indented by two spaces,
 * arrays of scalars on one line when asked. Allocation failures are sticky
 * and reported once by jsonw_finish. key is NULL inside arrays and for the
 * top-level value. */
#define JSONW_DEPTH 16
struct jsonw {
    char *buf;
    size_t len, cap;
    int oom;
    int depth;
    int count[JSONW_DEPTH];         /* values written in each open container */
    int one_line[JSONW_DEPTH];
};

void jsonw_init(struct jsonw *w);
void jsonw_begin_object(struct jsonw *w, const char *key);
void jsonw_end_object(struct jsonw *w);
void jsonw_begin_array(struct jsonw *w, const char *key, int one_line);
void jsonw_end_array(struct jsonw *w);
void jsonw_string(struct jsonw *w, const char *key, const char *s);
void jsonw_number(struct jsonw *w, const char *key, double v);
void jsonw_bool(struct jsonw *w, const char *key, int b);
/* The text, owned by the caller (free), or NULL after an allocation failure
 * (the buffer is then freed). */
char *jsonw_finish(struct jsonw *w);

#endif
