/* sim/scenario_set.c: --set KEY=VALUE overrides on the parsed JSON tree.
 *
 * KEY is a dotted path: object members by name (missing members are
 * created, as objects when the path goes on through them), array elements
 * by the value of their "id" member or by a numeric index
 * (regions.br.subscribers, isps.0.share). Ids may themselves contain dots,
 * so an array step tries the longest run of segments that names an element
 * ("sites.isp.a.1.ocas" finds the site "isp.a.1" before a site "isp"); an
 * id wins over an index when an element's id is a number. VALUE is taken as
 * JSON when it parses as JSON (2e6, true, "x", [..], {..}) and as a string
 * otherwise (player.abr=bba), so shells need no extra quoting.
 *
 * Overrides edit the tree before validation, so an override is checked
 * exactly like the same value written in the file. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json_util.h"
#include "sim/scenario_int.h"

#define SET_SEGMENTS 64

/* The element of arr whose "id" is the n bytes at id; NULL if none. */
static cJSON *element_by_id(const cJSON *arr, const char *id, size_t n)
{
    for (cJSON *e = arr->child; e; e = e->next) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "id");
        if (cJSON_IsString(v) && strlen(v->valuestring) == n && memcmp(v->valuestring, id, n) == 0)
            return e;
    }
    return NULL;
}

static cJSON *element_by_index(const cJSON *arr, const char *seg, size_t n)
{
    if (n == 0 || n > 9 || strspn(seg, "0123456789") < n)
        return NULL;
    long k = strtol(seg, NULL, 10);
    cJSON *e = arr->child;
    for (long i = 0; e && i < k; i++)
        e = e->next;
    return e;
}

/* "a, b and 2 more": the ids of arr's elements, for messages. */
static const char *element_ids(const cJSON *arr, char *buf, size_t cap)
{
    size_t o = 0;
    int shown = 0, total = 0;
    buf[0] = '\0';
    for (const cJSON *e = arr->child; e; e = e->next) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "id");
        total++;
        if (cJSON_IsString(v) && o + strlen(v->valuestring) + 16 < cap) {
            o += (size_t)snprintf(buf + o, cap - o, "%s%s", shown ? ", " : "", v->valuestring);
            shown++;
        }
    }
    if (shown == 0)
        snprintf(buf, cap, "none; use an index from 0 to %d", total - 1);
    else if (shown < total)
        snprintf(buf + o, cap - o, " and %d more", total - shown);
    return buf;
}

/* Appends to a JSON path; a path too long for the buffer is cut, which
 * only shortens a message. */
__attribute__((format(printf, 2, 3)))
static void path_append(char path[256], const char *fmt, ...)
{
    size_t n = strlen(path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path + n, 256 - n, fmt, ap);
    va_end(ap);
}

int scenario_apply_set(cJSON *root, const char *set, struct error *err)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) {
        error_at(err, "", "--set expects KEY=VALUE with KEY a dotted path like player.abr,"
                 " found \"%.80s\"", set);
        return -1;
    }
    size_t keylen = (size_t)(eq - set);
    const char *value = eq + 1;
    /* Segment i is key[start[i] .. start[i] + len[i]). */
    size_t start[SET_SEGMENTS], len[SET_SEGMENTS];
    int nseg = 0;
    for (size_t i = 0, s = 0; i <= keylen; i++) {
        if (i < keylen && set[i] != '.')
            continue;
        if (i == s || nseg == SET_SEGMENTS) {
            error_at(err, "", "--set %.*s: %s", (int)keylen, set,
                     i == s ? "an empty step in the key (two dots, or a dot at an end)"
                            : "too many steps in the key");
            return -1;
        }
        start[nseg] = s;
        len[nseg++] = i - s;
        s = i + 1;
    }

    cJSON *v = cJSON_ParseWithOpts(value, NULL, 1);
    if (!v)
        v = cJSON_CreateString(value);
    if (!v) {
        error_at(err, "", "out of memory");
        return -1;
    }

    char path[256] = "$", seg[256];
    cJSON *cur = root;
    for (int i = 0; i < nseg; i++) {
        int last = i == nseg - 1;
        snprintf(seg, sizeof seg, "%.*s", (int)len[i], set + start[i]);
        if (cJSON_IsObject(cur)) {
            cJSON *child = cJSON_GetObjectItemCaseSensitive(cur, seg);
            if (last) {
                int ok = child ? cJSON_ReplaceItemInObjectCaseSensitive(cur, seg, v)
                               : cJSON_AddItemToObject(cur, seg, v);
                if (!ok) {
                    cJSON_Delete(v);
                    error_at(err, path, "out of memory");
                    return -1;
                }
                return 0;
            }
            if (!child) {
                child = cJSON_CreateObject();
                if (!child || !cJSON_AddItemToObject(cur, seg, child)) {
                    cJSON_Delete(child);
                    cJSON_Delete(v);
                    error_at(err, path, "out of memory");
                    return -1;
                }
            }
            path_append(path, ".%s", seg);
            cur = child;
        } else if (cJSON_IsArray(cur)) {
            /* The longest run of segments i..j that is an element's id. */
            cJSON *e = NULL;
            int j;
            for (j = nseg - 1; j >= i && !e; j--)
                e = element_by_id(cur, set + start[i], start[j] + len[j] - start[i]);
            if (e) {
                j++;
            } else {
                j = i;
                e = element_by_index(cur, set + start[i], len[i]);
            }
            if (!e) {
                char ids[200];
                error_at(err, path, "--set %.100s: no element with id or index \"%s\" here"
                         " (ids: %s)", set, seg, element_ids(cur, ids, sizeof ids));
                cJSON_Delete(v);
                return -1;
            }
            int k = 0;
            for (const cJSON *c = cur->child; c != e; c = c->next)
                k++;
            if (j == nseg - 1) {
                if (!cJSON_ReplaceItemViaPointer(cur, e, v)) {
                    cJSON_Delete(v);
                    error_at(err, path, "out of memory");
                    return -1;
                }
                return 0;
            }
            path_append(path, "[%d]", k);
            cur = e;
            i = j;
        } else {
            char d[96];
            error_at(err, path, "--set %.100s: cannot set \"%s\" inside %s: the path goes"
                     " through a value that is not an object or array", set, seg,
                     jsonu_describe(cur, d, sizeof d));
            cJSON_Delete(v);
            return -1;
        }
    }
    cJSON_Delete(v);        /* not reached: the last step returns */
    return 0;
}
