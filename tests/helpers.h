/* tests/helpers.h: small helpers shared by the Criterion tests.
 *
 * Criterion runs each test in its own process, possibly in parallel, so
 * temporary names carry the pid and a counter. The Makefile sets
 * LASTMILE_ROOT (the checkout) and LASTMILE_BIN (build/lastmile). */
#ifndef LASTMILE_TEST_HELPERS_H
#define LASTMILE_TEST_HELPERS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

static inline const char *th_root(void)
{
    const char *r = getenv("LASTMILE_ROOT");
    return r && *r ? r : ".";
}

static inline const char *th_bin(void)
{
    const char *b = getenv("LASTMILE_BIN");
    return b && *b ? b : "build/lastmile";
}

/* Writes "<root>/<rel>" into buf. */
static inline const char *th_path(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", th_root(), rel);
    return buf;
}

/* Removes path: a file, or a folder with everything in it (symbolic
 * links are removed, not followed). */
static inline void th_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[1024];
            int k = snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            if (k > 0 && (size_t)k < sizeof sub)
                th_remove_tree(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* At exit, removes everything in /tmp whose name starts with this
 * process's prefix, /tmp/lastmile-test-PID-: the names th_tmpname gave
 * and whatever the code under test made from them (journals, plot and
 * report folders, a sweep's run folder). It runs when a test ends,
 * passed or failed (Criterion runs each test in a process of its own that
 * exits normally after a failed assertion); a test killed by its timeout
 * leaves its files. A forked child that exits has another pid, so it
 * never removes its parent's files. */
static inline void th_cleanup(void)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "lastmile-test-%ld-", (long)getpid());
    DIR *d = opendir("/tmp");
    if (!d)
        return;
    char path[1024];
    struct dirent *e;
    /* Removing entries while reading the folder may skip some: read it
     * until a pass removes nothing. */
    for (int removed = 1; removed;) {
        removed = 0;
        rewinddir(d);
        while ((e = readdir(d)))
            if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
                int k = snprintf(path, sizeof path, "/tmp/%s", e->d_name);
                if (k <= 0 || (size_t)k >= sizeof path)
                    continue;
                th_remove_tree(path);
                struct stat st;
                removed |= lstat(path, &st) != 0;   /* one that resists ends the loop */
            }
    }
    closedir(d);
}

/* A fresh temporary file name (not created) ending in suffix, removed
 * with everything named after it when the test process exits. */
static inline const char *th_tmpname(char *buf, size_t n, const char *suffix)
{
    static int counter;
    if (counter == 0)
        atexit(th_cleanup);
    snprintf(buf, n, "/tmp/lastmile-test-%ld-%d%s", (long)getpid(), counter++, suffix);
    unlink(buf);
    /* A test killed mid-write (tests/test_results_crash.c does it on
     * purpose) leaves a journal behind, and pids are reused: a stale
     * journal next to a new database would be rolled back into it. */
    char side[600];
    snprintf(side, sizeof side, "%s-journal", buf);
    unlink(side);
    snprintf(side, sizeof side, "%s-wal", buf);
    unlink(side);
    return buf;
}

/* The whole file at path, NUL-terminated, in a malloc'd buffer (the
 * caller frees it); its size in *n when n is not NULL. NULL when it
 * cannot be read. */
static inline char *th_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 8192;
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        got = fread(buf + len, 1, 4096, f);
        len += got;
    } while (got > 0);
    fclose(f);
    buf[len] = '\0';
    if (n)
        *n = len;
    return buf;
}

/* Runs a shell command, captures up to n-1 bytes of its stdout+stderr into
 * out, and returns its exit status (-1 when it did not exit normally). */
static inline int th_run(const char *cmd, char *out, size_t n)
{
    char full[4096];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    size_t len = 0;
    if (out && n)
        out[0] = '\0';
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, p)) > 0) {
        if (out && len + 1 < n) {
            size_t take = got < n - 1 - len ? got : n - 1 - len;
            memcpy(out + len, chunk, take);
            len += take;
            out[len] = '\0';
        }
    }
    int st = pclose(p);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

#endif
