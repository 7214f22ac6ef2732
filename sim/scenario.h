/* sim/scenario.h: loading a JSON scenario into struct scenario.
 *
 * Parses with cJSON, rejects duplicate keys, non-finite numbers, unknown
 * keys (with a did-you-mean hint) and references to unknown ids; applies
 * --set overrides by path before validation; fills every default; resolves
 * units into base units. Errors name the file, the JSON path (line and
 * column for syntax errors), what was expected and what was found. Every
 * key is documented in scenarios/README.md. */
#ifndef LASTMILE_SCENARIO_H
#define LASTMILE_SCENARIO_H

#include <stdio.h>
#include "models/config.h"
#include "sim/error.h"

/* sets: nsets strings "KEY=VALUE" where KEY is a dotted path
 * (regions.br.subscribers: array elements by their id or index) and VALUE
 * is JSON when it parses as JSON, else a string. On success fills *out (free
 * with scenario_free) and returns 0; on failure returns -1 with err filled
 * and *out left empty. */
int scenario_load(const char *file, const char *const *sets, int nsets,
                  struct scenario *out, struct error *err);
/* The same from text in memory; name is used in messages as the file. */
int scenario_load_text(const char *name, const char *text, const char *const *sets,
                       int nsets, struct scenario *out, struct error *err);
/* Everything scenario_load_text does but reading trace folders (which
 * touches the file system), from text[0..len) with text[len] == '\0' (a
 * NUL inside is an error). For the fuzzer. */
int scenario_parse_text(const char *name, const char *text, size_t len,
                        const char *const *sets, int nsets, struct scenario *out,
                        struct error *err);
void scenario_free(struct scenario *s);

#endif
