/* tests/test_report_html.c: `lastmile report DB --format html --out DIR`.
 *
 * The page holds the run's summary with units and one figure per plot;
 * opened in headless Chromium every image loads (the page's script counts
 * broken images into body's data-images-broken), and the check is shown to
 * be able to fail: with one PNG removed it counts one. Skips, saying so,
 * without gnuplot or Chromium (`make deps` installs both, so CI runs it),
 * except the page made without gnuplot, which hides it from PATH. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/db_fixture.h"

static void need(const char *prog, const char *package)
{
    if (!fixture_have(prog))
        cr_skip_test("%s is not installed (Debian package %s; `make deps` installs it)", prog,
                     package);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "no %s", path);
    static char buf[1 << 18];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void make_report(char *db, size_t dbn, char *dir, size_t dirn)
{
    char cmd[2048], out[8192];
    fixture_db(db, dbn, 1);
    th_tmpname(dir, dirn, ".report");
    snprintf(cmd, sizeof cmd, "'%s' report '%s' --format html --out '%s'", th_bin(), db, dir);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
}

/* The <body ...> tag of the page as Chromium leaves it after loading. */
static void chromium_body(const char *dir, char *body, size_t n)
{
    char cmd[2048], profile[256];
    static char out[1 << 18];
    th_tmpname(profile, sizeof profile, ".chromium");
    snprintf(cmd, sizeof cmd, "timeout 120 chromium --headless --no-sandbox --disable-gpu"
             " --user-data-dir='%s' --dump-dom 'file://%s/index.html' 2>/dev/null", profile, dir);
    int rc = th_run(cmd, out, sizeof out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", profile);
    th_run(cmd, NULL, 0);
    cr_assert_eq(rc, 0, "chromium failed (%d):\n%.2000s", rc, out);
    const char *b = strstr(out, "<body");
    cr_assert(b, "no body in Chromium's DOM:\n%.2000s", out);
    const char *end = strchr(b, '>');
    cr_assert(end);
    snprintf(body, n, "%.*s", (int)(end - b + 1), b);
}

Test(report_html, page_has_the_summary_and_every_figure)
{
    need("gnuplot", "gnuplot-nox");
    char db[256], dir[256], path[600];
    make_report(db, sizeof db, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/index.html", dir);
    const char *html = slurp(path);
    cr_assert(strstr(html, "<td>offload.embedded</td><td class=\"n\">"), "%.3000s", html);
    cr_assert(strstr(html, "<td>qoe.rebuffer_ratio</td>"));
    cr_assert(strstr(html, "<td>Gbps</td>"));
    cr_assert(strstr(html, "oca_down"), "the fault table is missing");
    static const char *const figs[] = { "concurrency", "egress_tiers", "oca_heatmap", "startup_cdf",
                                        "rebuffer", "quality", "ladders", "live_join", "faults" };
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        char img[96];
        snprintf(img, sizeof img, "<img src=\"%s.png\"", figs[i]);
        cr_assert(strstr(html, img), "no %s in the page", img);
    }
}

Test(report_html, every_image_loads_in_headless_chromium, .timeout = 300)
{
    need("gnuplot", "gnuplot-nox");
    need("chromium", "chromium");
    char db[256], dir[256], body[512], path[600];
    make_report(db, sizeof db, dir, sizeof dir);
    chromium_body(dir, body, sizeof body);
    cr_assert(strstr(body, "data-images=\"9\""), "%s", body);
    cr_assert(strstr(body, "data-images-broken=\"0\""), "%s", body);
    /* The same check sees a missing picture. */
    snprintf(path, sizeof path, "%s/ladders.png", dir);
    cr_assert_eq(unlink(path), 0);
    chromium_body(dir, body, sizeof body);
    cr_assert(strstr(body, "data-images-broken=\"1\""), "%s", body);
}

Test(report_html, bad_requests_are_exit_2)
{
    char db[256], out[4096], cmd[1024];
    fixture_db(db, sizeof db, 0);
    snprintf(cmd, sizeof cmd, "'%s' report '%s' --out /tmp/x", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "--out goes with --format html"), "%s", out);
    snprintf(cmd, sizeof cmd, "'%s' report '%s' --run all --format html", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "html shows one run"), "%s", out);
    snprintf(cmd, sizeof cmd, "'%s' report '%s' --format pdf", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "text, json, csv or html"), "%s", out);
}

/* Without gnuplot the page is still written, with the summary and a line
 * saying the figures were skipped, and stderr names gnuplot (exit 0). */
Test(report_html, without_gnuplot_the_page_has_no_figures_and_says_so)
{
    char db[256], dir[256], path[600], cmd[2048], out[8192];
    fixture_db(db, sizeof db, 1);
    th_tmpname(dir, sizeof dir, ".report");
    snprintf(cmd, sizeof cmd, "PATH=/nonexistent '%s' report '%s' --format html --out '%s'",
             th_bin(), db, dir);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "gnuplot not found on PATH, so the figures were skipped"), "%s", out);
    snprintf(path, sizeof path, "%s/index.html", dir);
    const char *html = slurp(path);
    cr_assert(strstr(html, "<h2>Summary</h2>") && strstr(html, "qoe.rebuffer_ratio"),
              "no summary");
    cr_assert(strstr(html, "The figures were skipped: gnuplot was not found"), "no note");
    cr_assert_null(strstr(html, "<figure>"), "a figure without gnuplot");
    snprintf(path, sizeof path, "%s/concurrency.tsv", dir);
    cr_assert_not_null(th_slurp(path, NULL), "the data files were not written");
}
