/* tests/test_merge.c: `lastmile merge` keeps every run with its digest,
 * refuses a run the output already holds (same digest: same scenario, seed
 * and binary) and then changes nothing, and refuses the output as an
 * input. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>

#include "sim/results.h"
#include "tests/helpers.h"

static void run_into(const char *db, int seed, char *digest)
{
    char scen[512], cmd[2048], out[4096];
    th_path(scen, sizeof scen, "scenarios/minimal.json");
    snprintf(cmd, sizeof cmd, "%s run %s --set duration=5m --set catalog.titles=200 --seed %d --db %s --quiet", th_bin(),
             scen, seed, db);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    const char *d = strstr(out, "digest ");
    cr_assert_not_null(d);
    snprintf(digest, 17, "%s", d + 7);
}

static void digest_of(const char *db, int64_t run, char *hex)
{
    uint64_t d;
    struct error err = {0};
    cr_assert_eq(results_run_digest(db, run, &d, &err), 0, "%s", err.msg);
    snprintf(hex, 17, "%016" PRIx64, d);
}

Test(merge, keeps_every_run_and_refuses_duplicates)
{
    char a[256], b[256], out_db[256], cmd[2048], digests[3][32], got[32];
    static char out[8192];
    th_tmpname(a, sizeof a, "-a.db");
    th_tmpname(b, sizeof b, "-b.db");
    th_tmpname(out_db, sizeof out_db, "-out.db");
    run_into(a, 1, digests[0]);
    run_into(a, 2, digests[1]);
    run_into(b, 3, digests[2]);
    snprintf(cmd, sizeof cmd, "%s merge %s %s %s", th_bin(), out_db, a, b);
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s", out);
    cr_expect(strstr(out, "merged 3 runs from 2 files"), "%s", out);
    for (int i = 0; i < 3; i++) {
        digest_of(out_db, i + 1, got);
        cr_expect_str_eq(got, digests[i], "run %d", i + 1);
    }
    /* b again: its run is already there. Nothing changes. */
    char c[256];
    th_tmpname(c, sizeof c, "-c.db");
    char extra[32];
    run_into(c, 4, extra);
    snprintf(cmd, sizeof cmd, "%s merge %s %s %s", th_bin(), out_db, c, b);
    cr_assert_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_expect(strstr(out, "is the same run as run 3"), "%s", out);
    cr_expect(strstr(out, "Nothing was merged"), "%s", out);
    struct error err = {0};
    uint64_t d;
    cr_expect_neq(results_run_digest(out_db, 4, &d, &err), 0, "run 4 (of c) must not be there");
    /* A duplicate inside the inputs. */
    char fresh[256];
    th_tmpname(fresh, sizeof fresh, "-fresh.db");
    snprintf(cmd, sizeof cmd, "%s merge %s %s %s", th_bin(), fresh, b, b);
    cr_expect_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    snprintf(cmd, sizeof cmd, "%s merge %s %s", th_bin(), out_db, out_db);
    cr_expect_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_expect(strstr(out, "is the output"), "%s", out);
    snprintf(cmd, sizeof cmd, "%s merge %s /nonexistent.db", th_bin(), fresh);
    cr_expect_eq(th_run(cmd, out, sizeof out), 2, "%s", out);
    cr_expect(strstr(out, "no such results database"), "%s", out);
    unlink(a);
    unlink(b);
    unlink(c);
    unlink(out_db);
    unlink(fresh);
}
