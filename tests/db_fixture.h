/* tests/db_fixture.h: a small real results database for the analysis
 * tests (plots, the HTML report, views): scenarios/minimal.json (one hour,
 * 2000 subscribers, about 0.5 s) with, when asked, an OCA fault and a live
 * premiere, so that every figure and view has data. */
#ifndef LASTMILE_TEST_DB_FIXTURE_H
#define LASTMILE_TEST_DB_FIXTURE_H

#include <criterion/criterion.h>
#include "tests/helpers.h"

#define FIXTURE_FAULT "faults=[{\"kind\":\"oca_down\",\"at\":\"2026-11-20T23:20:00Z\"," \
                      "\"for\":\"10m\",\"target\":\"isp-a-1/0\"}]"
#define FIXTURE_LIVE  "live=[{\"id\":\"s1\",\"kind\":\"premiere\",\"at\":\"10m\",\"for\":\"30m\"," \
                      "\"audience\":[{\"region\":\"r1\",\"viewers\":500}]}]"

/* Runs minimal.json into a fresh database at path (a tmpname); with_events
 * adds the fault and the live event. */
static inline void fixture_db(char *path, size_t n, int with_events)
{
    char scen[1024], cmd[3072], out[4096];
    th_tmpname(path, n, ".db");
    snprintf(cmd, sizeof cmd, "'%s' run '%s' --db '%s' --quiet%s%s%s%s", th_bin(),
             th_path(scen, sizeof scen, "scenarios/minimal.json"), path,
             with_events ? " --set '" : "", with_events ? FIXTURE_FAULT : "",
             with_events ? "' --set '" FIXTURE_LIVE : "", with_events ? "'" : "");
    cr_assert_eq(th_run(cmd, out, sizeof out), 0, "%s\n%s", cmd, out);
}

/* 1 when the shell finds prog on PATH. */
static inline int fixture_have(const char *prog)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
    return th_run(cmd, NULL, 0) == 0;
}

#endif
