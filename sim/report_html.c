/* sim/report_html.c: `lastmile report DB --format html --out DIR`: one
 * static page, DIR/index.html, with the run's header, its summary table
 * (the text report's values and units), the fault impact table and every
 * figure of `lastmile plot` (drawn into the same directory). Without
 * gnuplot the page is written without its figures, saying so.
 *
 * The page needs no server and no network: images by relative name, style
 * inline. A few lines of script count the images that failed to load and
 * say so at the top of the page (and in body's data-images-broken, which
 * tests/test_report_html.c reads through headless Chromium). */
#include "sim/report.h"

#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/plot.h"
#include "sim/report_faults.h"
#include "sim/report_int.h"
#include "sim/results.h"

static void put_html(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

static const char STYLE[] =
    "body{font-family:sans-serif;margin:2em auto;max-width:1040px;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}"
    "td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:2em 0}img{max-width:100%}"
    "figcaption{color:#555}"
    "#broken{display:none;background:#fdd;padding:0.5em;border:1px solid #c00}"
    "pre{background:#f6f6f6;padding:0.5em;overflow-x:auto}";

/* Counts images that did not load once the page has, and shows it. */
static const char SCRIPT[] =
    "window.addEventListener('load',function(){"
    "var bad=0,imgs=document.images;"
    "for(var i=0;i<imgs.length;i++)if(!imgs[i].complete||imgs[i].naturalWidth===0)bad++;"
    "document.body.setAttribute('data-images',String(imgs.length));"
    "document.body.setAttribute('data-images-broken',String(bad));"
    "if(bad){var b=document.getElementById('broken');"
    "b.textContent=bad+' of '+imgs.length+' figures failed to load.';b.style.display='block';}"
    "});";

static void put_row(FILE *out, const char *key, const char *value)
{
    fputs("<tr><th>", out);
    put_html(out, key);
    fputs("</th><td>", out);
    put_html(out, value);
    fputs("</td></tr>\n", out);
}

static void put_head(FILE *out, const struct run_head *h, const char *db_path)
{
    char buf[128];
    fputs("<table class=\"run\">\n", out);
    put_row(out, "database", db_path);
    snprintf(buf, sizeof buf, "%" PRId64, h->run_id);
    put_row(out, "run", buf);
    put_row(out, "scenario", h->name);
    snprintf(buf, sizeof buf, "%" PRIu64, (uint64_t)h->seed);
    put_row(out, "seed", buf);
    if (h->has_sample) {
        snprintf(buf, sizeof buf, "%.6g", h->sample);
        put_row(out, "sample", buf);
    }
    if (h->has_start && isfinite(h->start_unix)) {
        time_t t = (time_t)floor(h->start_unix);
        struct tm tm;
        if (gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm))
            put_row(out, "start", buf);
    }
    if (h->has_duration) {
        snprintf(buf, sizeof buf, "%.6g s (%.4g h)", h->duration_s, h->duration_s / 3600);
        put_row(out, "simulated", buf);
    }
    if (h->has_events) {
        snprintf(buf, sizeof buf, "%" PRIu64, (uint64_t)h->events);
        put_row(out, "events", buf);
    }
    if (h->has_wall) {
        snprintf(buf, sizeof buf, "%.3f s", h->wall_s);
        put_row(out, "wall", buf);
    }
    put_row(out, "digest", h->digest[0] ? h->digest : "-");
    put_row(out, "version", h->version);
    fputs("</table>\n", out);
}

static void put_metrics(FILE *out, const struct metric *m, size_t n)
{
    fputs("<h2>Summary</h2>\n<table class=\"summary\">\n"
          "<tr><th>metric</th><th>value</th><th>unit</th></tr>\n", out);
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        const char *unit;
        report_fmt_metric(&m[i], buf, sizeof buf, &unit);
        fputs("<tr><td>", out);
        put_html(out, m[i].name);
        fputs("</td><td class=\"n\">", out);
        put_html(out, buf);
        fputs("</td><td>", out);
        put_html(out, unit);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

int report_html(const char *db_path, int64_t run_id, const char *dir, struct error *err)
{
    struct plot_set set;
    int prc = plot_draw(db_path, run_id, dir, &set, err);
    /* Without gnuplot the page is still worth having: summary and faults,
     * and a line where the figures would be (the data files are written). */
    int no_gnuplot = prc == PLOT_NO_GNUPLOT;
    if (prc != PLOT_OK && !no_gnuplot)
        return prc == PLOT_BAD_INPUT ? -1 : -2;
    if (no_gnuplot)
        memset(err, 0, sizeof *err);
    sqlite3 *db = results_open_read(db_path, err);
    if (!db)
        return -1;
    struct run_head head = { .run_id = set.run_id };
    struct metric *m = NULL;
    size_t n = 0;
    int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    if (rc == 0)
        rc = report_read_head(db, db_path, &head, err);
    if (rc == 0)
        rc = report_read_metrics(db, db_path, head.run_id, &m, &n, err);
    char *faults = rc == 0 ? report_faults_text(db, head.run_id) : NULL;
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    if (rc != 0) {
        if (!err->msg[0])
            error_set(err, "cannot read run %" PRId64, head.run_id);
        free(faults);
        return -1;
    }
    char path[1100];
    snprintf(path, sizeof path, "%s/index.html", dir);
    FILE *out = fopen(path, "w");
    if (!out) {
        error_file(err, path);
        error_set(err, "cannot write the report");
        free(faults);
        report_free_metrics(m, n);
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>lastmile: ", out);
    put_html(out, head.name);
    fprintf(out, ", run %" PRId64 "</title>\n<style>%s</style>\n</head>\n<body>\n", head.run_id, STYLE);
    fputs("<h1>lastmile: ", out);
    put_html(out, head.name);
    fprintf(out, ", run %" PRId64 "</h1>\n<div id=\"broken\"></div>\n", head.run_id);
    put_head(out, &head, db_path);
    put_metrics(out, m, n);
    if (faults) {
        fputs("<h2>Faults</h2>\n<pre>", out);
        put_html(out, faults + (faults[0] == '\n'));
        fputs("</pre>\n", out);
    }
    fputs("<h2>Figures</h2>\n", out);
    if (no_gnuplot)
        fputs("<p class=\"skipped\">The figures were skipped: gnuplot was not found on PATH"
              " when this page was made. Their data files are in this folder;"
              " install gnuplot (Debian: gnuplot-nox) and make the page again to draw"
              " them.</p>\n", out);
    for (int i = 0; i < set.n && !no_gnuplot; i++) {
        if (set.fig[i].rows == 0)
            continue;
        fprintf(out, "<figure><img src=\"%s.png\" alt=\"", set.fig[i].name);
        put_html(out, set.fig[i].caption);
        fputs("\"><figcaption>", out);
        put_html(out, set.fig[i].caption);
        fprintf(out, " (data %s, script %s.gp)</figcaption></figure>\n", set.fig[i].data,
                set.fig[i].name);
    }
    fprintf(out, "<script>%s</script>\n</body></html>\n", SCRIPT);
    free(faults);
    report_free_metrics(m, n);
    if (fclose(out) != 0) {
        error_file(err, path);
        error_set(err, "cannot write the report");
        return -1;
    }
    return no_gnuplot ? 1 : 0;
}
