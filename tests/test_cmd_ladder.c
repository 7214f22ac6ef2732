/* tests/test_cmd_ladder.c: `lastmile ladder`, from a complexity and from a
 * title of a run. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/helpers.h"

static char out[1 << 16];

/* Counts lines of out starting with prefix. */
static int count_lines(const char *prefix)
{
    int n = 0;
    size_t k = strlen(prefix);
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        n += strncmp(p, prefix, k) == 0;
    return n;
}

Test(cmd_ladder, csv_has_hull_rungs_and_the_fixed_ladder)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s ladder --complexity 0.3 --codec hevc --format csv", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strncmp(out, "kind,codec,bitrate_kbps,width,height,quality\n", 44) == 0);
    cr_assert_gt(count_lines("hull,hevc,"), 10);
    cr_assert_geq(count_lines("rung,hevc,"), 4);
    cr_assert_eq(count_lines("fixed,avc,"), 11);
}

Test(cmd_ladder, set_changes_the_ladder_and_bad_options_exit_2)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s ladder --complexity 1 --format csv", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 0);
    int coarse = count_lines("rung,");
    snprintf(cmd, sizeof cmd, "%s ladder --complexity 1 --format csv --set encoding.quality_step=3",
             th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 0);
    cr_assert_gt(count_lines("rung,"), coarse);
    const char *bad[] = { "--complexity x", "--complexity 0.3 --codec vp9", "", "--title 3",
                          "--complexity 1 --set encoding.quality_step=0" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s ladder %s", th_bin(), bad[i]);
        cr_assert_eq(th_run(cmd, out, sizeof out), 2, "'%s' gave: %s", bad[i], out);
    }
}

Test(cmd_ladder, title_of_a_run_prints_its_rungs)
{
    char cmd[2048], db[256], path[1024];
    th_tmpname(db, sizeof db, ".db");
    snprintf(cmd, sizeof cmd, "%s run %s --db %s --quiet --set duration=1m --set metrics.period=1m",
             th_bin(), th_path(path, sizeof path, "scenarios/minimal.json"), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    snprintf(cmd, sizeof cmd, "%s ladder --title 7 --db %s --codec av1 --format csv", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert_geq(count_lines("rung,av1,"), 3);
    snprintf(cmd, sizeof cmd, "%s ladder --title 999999 --db %s", th_bin(), db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "has no title 999999"), "%s", out);
    unlink(db);
}
