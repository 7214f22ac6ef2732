/* sim/scenario_traces.c: the trace folders of a scenario's ISPs.
 *
 * An ISP with access model "traces" names a folder; every regular file in
 * it whose name does not start with '.' is a trace (either format of
 * sim/trace_load.h), taken in byte order of the names so the same folder
 * gives the same assignment of traces to sessions on every machine. A
 * relative folder is relative to the scenario file's own folder. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/scenario_int.h"
#include "sim/trace_load.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_folder(struct cfg_access *a, const char *dir, const char *where,
                       struct error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        error_at(err, where, "cannot open the trace folder \"%s\"", dir);
        return -1;
    }
    char **names = NULL;
    int n = 0, cap = 0, rc = -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **g = realloc(names, (size_t)cap * sizeof *g);
            if (!g)
                goto out;
            names = g;
        }
        if (!(names[n] = strdup(e->d_name)))
            goto out;
        n++;
    }
    if (n > 1)
        qsort(names, (size_t)n, sizeof *names, by_name);
    a->traces = calloc(n > 0 ? (size_t)n : 1, sizeof *a->traces);
    if (!a->traces)
        goto out;
    for (int i = 0; i < n; i++) {
        char path[2048];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (trace_load(path, &a->traces[a->ntraces], err) != 0)
            goto out;
        a->ntraces++;
    }
    if (a->ntraces == 0) {
        memset(err, 0, sizeof *err);
        error_at(err, where, "the trace folder \"%s\" holds no trace files", dir);
        goto out;
    }
    if (a->ntraces > 60000) {
        error_at(err, where, "the trace folder \"%s\" holds %d traces; at most 60000", dir,
                 a->ntraces);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0 && !err->msg[0])
        error_set(err, "out of memory");
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int scenario_load_traces(struct scenario *s, const char *scenario_file, struct error *err)
{
    for (int i = 0; i < s->nisps; i++) {
        struct cfg_access *a = &s->isps[i].access;
        if (a->model != ACCESS_TRACES)
            continue;
        char dir[1024], where[96];
        const char *slash = scenario_file ? strrchr(scenario_file, '/') : NULL;
        if (a->traces_dir[0] == '/' || !slash)
            snprintf(dir, sizeof dir, "%s", a->traces_dir);
        else
            snprintf(dir, sizeof dir, "%.*s/%s", (int)(slash - scenario_file), scenario_file,
                     a->traces_dir);
        snprintf(where, sizeof where, "$.isps[%d].access.traces", i);
        if (load_folder(a, dir, where, err) != 0)
            return -1;
    }
    return 0;
}
