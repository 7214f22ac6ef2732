/* tests/test_plot.c: `lastmile plot` draws every figure of a small run.
 *
 * Every analysis/NAME.gp script must give a non-empty PNG on a small
 * database (minimal.json with a fault and a live event, so the optional
 * figures have data); the copies left in the output directory must draw
 * again by hand; figures without data are not drawn; a missing gnuplot is
 * exit 1 with a message, the data files still written; bad input exit 2.
 * The drawing tests skip, saying so, when gnuplot is not installed
 * (`make deps` installs it, so CI runs them). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/db_fixture.h"

static const char *const FIGURES[] = {
    "concurrency", "egress_tiers", "oca_heatmap", "startup_cdf", "rebuffer", "quality",
    "ladders", "live_join", "faults",
};
#define NFIG (sizeof FIGURES / sizeof FIGURES[0])

static void need_gnuplot(void)
{
    if (!fixture_have("gnuplot"))
        cr_skip_test("gnuplot is not installed (Debian: gnuplot-nox; `make deps` installs it)");
}

/* Asserts path is a PNG file of more than a header's bytes. */
static void assert_png(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "no %s", path);
    unsigned char sig[8] = {0};
    size_t got = fread(sig, 1, sizeof sig, f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    cr_assert_eq(got, 8u, "%s is too short", path);
    cr_assert(memcmp(sig, "\x89PNG\r\n\x1a\n", 8) == 0, "%s is not a PNG", path);
    cr_assert_gt(size, 2000, "%s has %ld bytes: an empty picture?", path, size);
}

static void tmpdir(char *buf, size_t n)
{
    th_tmpname(buf, n, ".plots");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", buf);
    th_run(cmd, NULL, 0);
}

static int plot(const char *db, const char *dir, const char *extra, char *out, size_t n)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s'%s' plot '%s' --out '%s'", extra, th_bin(), db, dir);
    return th_run(cmd, out, n);
}

Test(plot, every_figure_is_a_png_and_every_script_is_used)
{
    need_gnuplot();
    char db[256], dir[256], out[8192], path[600];
    fixture_db(db, sizeof db, 1);
    tmpdir(dir, sizeof dir);
    cr_assert_eq(plot(db, dir, "", out, sizeof out), 0, "%s", out);
    for (size_t i = 0; i < NFIG; i++) {
        snprintf(path, sizeof path, "%s/%s.png", dir, FIGURES[i]);
        assert_png(path);
        cr_assert(strstr(out, path), "the command did not list %s:\n%s", path, out);
    }
    /* Every script of analysis/ is one of them, but live_ts.gp (below). */
    DIR *d = opendir(th_path(path, sizeof path, "analysis"));
    cr_assert(d);
    struct dirent *e;
    int scripts = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".gp") != 0 || strcmp(e->d_name, "live_ts.gp") == 0)
            continue;
        int known = 0;
        for (size_t i = 0; i < NFIG; i++)
            known |= strlen(FIGURES[i]) == len - 3 && strncmp(FIGURES[i], e->d_name, len - 3) == 0;
        cr_assert(known, "analysis/%s is not drawn by lastmile plot (add it to FIGURES)", e->d_name);
        scripts++;
    }
    closedir(d);
    cr_assert_eq(scripts, (int)NFIG);
}

Test(plot, live_ts_script_reads_the_database)
{
    need_gnuplot();
    if (!fixture_have("sqlite3"))
        cr_skip_test("the sqlite3 shell is not installed (Debian: sqlite3), which live_ts.gp uses");
    char db[256], png[256], out[4096], script[512], cmd[2048];
    fixture_db(db, sizeof db, 1);
    th_tmpname(png, sizeof png, ".png");
    snprintf(cmd, sizeof cmd, "gnuplot -e \"db='%s'; run=1; event='s1'; out='%s'\" '%s'", db, png,
             th_path(script, sizeof script, "analysis/live_ts.gp"));
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    assert_png(png);
}

Test(plot, copies_in_the_output_directory_draw_again_by_hand)
{
    need_gnuplot();
    char db[256], dir[256], out[8192], cmd[1024], png[600];
    fixture_db(db, sizeof db, 0);
    tmpdir(dir, sizeof dir);
    cr_assert_eq(plot(db, dir, "", out, sizeof out), 0, "%s", out);
    snprintf(png, sizeof png, "%s/rebuffer.png", dir);
    cr_assert_eq(unlink(png), 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot rebuffer.gp", dir);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    assert_png(png);
}

Test(plot, figures_without_data_are_not_drawn)
{
    need_gnuplot();
    char db[256], dir[256], out[8192], path[600];
    fixture_db(db, sizeof db, 0);
    tmpdir(dir, sizeof dir);
    cr_assert_eq(plot(db, dir, "", out, sizeof out), 0, "%s", out);
    struct stat st;
    snprintf(path, sizeof path, "%s/faults.png", dir);
    cr_assert_neq(stat(path, &st), 0, "a run without faults drew %s", path);
    snprintf(path, sizeof path, "%s/live_join.png", dir);
    cr_assert_neq(stat(path, &st), 0, "a run without live events drew %s", path);
    snprintf(path, sizeof path, "%s/concurrency.png", dir);
    assert_png(path);
}

Test(plot, missing_gnuplot_is_exit_1_with_the_data_written)
{
    char db[256], dir[256], out[8192], path[600];
    fixture_db(db, sizeof db, 0);
    tmpdir(dir, sizeof dir);
    cr_assert_eq(plot(db, dir, "PATH=/nonexistent ", out, sizeof out), 1, "%s", out);
    cr_assert(strstr(out, "gnuplot not found on PATH"), "%s", out);
    cr_assert(strstr(out, "apt-get install gnuplot-nox"), "%s", out);
    struct stat st;
    snprintf(path, sizeof path, "%s/concurrency.tsv", dir);
    cr_assert_eq(stat(path, &st), 0, "no data written: %s", out);
    cr_assert_gt(st.st_size, 100);
    snprintf(path, sizeof path, "%s/concurrency.png", dir);
    cr_assert_neq(stat(path, &st), 0);
}

Test(plot, bad_input_is_exit_2)
{
    char db[256], dir[256], out[8192], cmd[1024];
    fixture_db(db, sizeof db, 0);
    tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "'%s' plot '%s' --run 7 --out '%s'", th_bin(), db, dir);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "no run 7; the runs in this file are 1"), "%s", out);
    snprintf(cmd, sizeof cmd, "'%s' plot /nonexistent/x.db --out '%s'", th_bin(), dir);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    snprintf(cmd, sizeof cmd, "'%s' plot '%s' --run zero", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "--run expects a run id"), "%s", out);
    snprintf(cmd, sizeof cmd, "'%s' plot '%s' --colour red", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "unknown option"), "%s", out);
}
