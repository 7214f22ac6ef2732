/* sim/plot.c: drawing a run's figures with gnuplot (an external program).
 *
 * plot_draw exports the data (sim/plot_export.c), copies each figure's
 * script analysis/NAME.gp into the output directory and runs
 * `gnuplot NAME.gp` there, so every script reads its data by a relative
 * name and the directory is self-contained: `cd DIR && gnuplot NAME.gp`
 * draws NAME.png again, after any edit. A figure whose data has no rows
 * (no live event, no fault) is not drawn. gnuplot is looked up on PATH
 * before anything is drawn, so its absence is one clear message. */
#include "sim/plot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int is_dir_with_scripts(const char *dir)
{
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/concurrency.gp", dir);
    return access(probe, R_OK) == 0;
}

int plot_scripts_dir(char *buf, size_t n)
{
    const char *root = getenv("LASTMILE_ROOT");
    if (root && *root) {
        snprintf(buf, n, "%s/analysis", root);
        if (is_dir_with_scripts(buf))
            return 0;
    }
    char exe[1024];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        /* build/lastmile -> analysis/ beside build/ */
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
        snprintf(buf, n, "%s/analysis", exe[0] ? exe : "");
        if (is_dir_with_scripts(buf))
            return 0;
    }
    snprintf(buf, n, "analysis");
    return is_dir_with_scripts(buf) ? 0 : -1;
}

/* 1 when name is an executable file in a directory of PATH. */
static int on_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return 0;
    char *copy = strdup(path), *save = NULL;
    int found = 0;
    for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && !found;
         d = strtok_r(NULL, ":", &save)) {
        char full[1100];
        snprintf(full, sizeof full, "%s/%s", *d ? d : ".", name);
        struct stat st;
        found = stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0;
    }
    free(copy);
    return found;
}

static int copy_file(const char *from, const char *to, struct error *err)
{
    FILE *in = fopen(from, "rb");
    if (!in) {
        error_file(err, from);
        error_set(err, "cannot read the plot script: %s", strerror(errno));
        return -1;
    }
    FILE *out = fopen(to, "wb");
    if (!out) {
        fclose(in);
        error_file(err, to);
        error_set(err, "cannot write: %s", strerror(errno));
        return -1;
    }
    char buf[8192];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, got, out);
    int bad = ferror(in);
    fclose(in);
    if (fclose(out) != 0 || bad) {
        error_file(err, to);
        error_set(err, "cannot copy the plot script from %s", from);
        return -1;
    }
    return 0;
}

/* Runs `gnuplot script` in dir; its exit status, or -1. */
static int run_gnuplot(const char *dir, const char *script)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int plot_draw(const char *db_path, int64_t run_id, const char *dir, struct plot_set *set,
              struct error *err)
{
    char scripts[1024];
    if (plot_export(db_path, run_id, dir, set, err) != 0)
        return PLOT_BAD_INPUT;
    if (!on_path("gnuplot")) {
        err->file[0] = '\0';
        error_set(err, "gnuplot not found on PATH: the data files are in %s, but no figure was"
                  " drawn; install gnuplot with its cairo terminals (Debian: apt-get install"
                  " gnuplot-nox) and run again", dir);
        return PLOT_NO_GNUPLOT;
    }
    if (plot_scripts_dir(scripts, sizeof scripts) != 0) {
        err->file[0] = '\0';
        error_set(err, "cannot find the plot scripts (analysis/NAME.gp): set LASTMILE_ROOT to the"
                  " lastmile checkout");
        return PLOT_GNUPLOT_FAILED;
    }
    for (int i = 0; i < set->n; i++) {
        struct plot_figure *f = &set->fig[i];
        if (f->rows == 0)
            continue;
        char from[1200], to[1200], script[64], png[1200];
        snprintf(script, sizeof script, "%s.gp", f->name);
        snprintf(from, sizeof from, "%s/%s", scripts, script);
        snprintf(to, sizeof to, "%s/%s", dir, script);
        if (copy_file(from, to, err) != 0)
            return PLOT_GNUPLOT_FAILED;
        snprintf(png, sizeof png, "%s/%s.png", dir, f->name);
        unlink(png);
        int rc = run_gnuplot(dir, script);
        struct stat st;
        if (rc != 0 || stat(png, &st) != 0 || st.st_size == 0) {
            error_file(err, to);
            if (rc == 0)
                error_set(err, "gnuplot drew no %s.png", f->name);
            else
                error_set(err, "gnuplot failed (exit %d) on this script (its messages are above)", rc);
            return PLOT_GNUPLOT_FAILED;
        }
    }
    return PLOT_OK;
}
