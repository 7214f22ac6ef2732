/* tests/test_cache_cli.c: `lastmile cache` as users and scripts see it:
 * formats, a hand-checked result, exit statuses, and every malformed trace
 * in tests/data/bad_trace/ failing with its file name and line number. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "tests/helpers.h"

static char out[1 << 16];

static int cache_cmd(const char *args)
{
    char cmd[3072];
    snprintf(cmd, sizeof cmd, "%s cache %.2000s", th_bin(), args);
    return th_run(cmd, out, sizeof out);
}

/* a b a c b a through LRU of two objects: only the third request hits. */
Test(cache_cli, tiny_trace_gives_the_hand_computed_lru_result)
{
    char args[2048], path[1024];
    snprintf(args, sizeof args, "--trace %s --policy lru --size 200 --format csv",
             th_path(path, sizeof path, "tests/data/trace_tiny.csv"));
    cr_assert_eq(cache_cmd(args), 0, "%s", out);
    cr_assert(strstr(out, "lru,200,6,1,0.166667,0.166667,"), "%s", out);
    snprintf(args, sizeof args, "--trace %s --policy lru --size 100%% --format json",
             th_path(path, sizeof path, "tests/data/trace_tiny.csv"));
    cr_assert_eq(cache_cmd(args), 0, "%s", out);
    cr_assert(strstr(out, "\"cache_bytes\": 300") && strstr(out, "\"hits\": 3"), "%s", out);
}

Test(cache_cli, zipf_stream_runs_every_policy_and_size)
{
    cr_assert_eq(cache_cmd("--zipf 1000,0.8,20000,3 --policy lru,lfu,s3-fifo,perfect-lfu --size 1%,10%"), 0, "%s", out);
    cr_assert(strstr(out, "s3-fifo") && strstr(out, "perfect-lfu") && strstr(out, "hit_ratio"), "%s", out);
    char first[1 << 16];
    strcpy(first, out);
    cr_assert_eq(cache_cmd("--zipf 1000,0.8,20000,3 --policy lru,lfu,s3-fifo,perfect-lfu --size 1%,10%"), 0);
    /* Same seed, same hit ratios (the requests/s column aside). */
    char *a = strstr(first, "lru"), *b = strstr(out, "lru");
    cr_assert(a && b);
    cr_assert_eq(strncmp(a, b, 50), 0);
}

Test(cache_cli, bad_usage_exits_2_with_a_message)
{
    const char *cases[][2] = {
        { "--policy lru --size 10", "expected one of --trace FILE or --zipf" },
        { "--zipf 100,0.8,1000 --size 10", "expected --policy NAME" },
        { "--zipf 100,0.8,1000 --policy lru", "expected --size" },
        { "--zipf 100,0.8,1000 --policy arc --size 10", "unknown policy 'arc'; known: lru lfu s3-fifo" },
        { "--zipf 100,0.8 --policy lru --size 10", "--zipf expects OBJECTS,ALPHA,REQUESTS[,SEED]" },
        { "--zipf 100,x,10 --policy lru --size 10", "--zipf expects" },
        { "--zipf 100,0.8,1000 --policy lru --size 0", "--size expects bytes" },
        { "--zipf 100,0.8,1000 --policy lru --size 120%", "--size expects bytes" },
        { "--zipf 100,0.8,1000 --policy lru --size 10 --format xml", "--format expects text, csv or json" },
        { "--zipf 100,0.8,1000 --policy lru --size 10 --bogus", "unknown option" },
        { "--trace /nonexistent/t.csv --policy lru --size 10", "/nonexistent/t.csv: cannot open" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_expect_eq(cache_cmd(cases[i][0]), 2, "%s exited otherwise: %s", cases[i][0], out);
        cr_expect(strstr(out, cases[i][1]), "%s: expected '%s' in: %s", cases[i][0], cases[i][1], out);
    }
}

Test(cache_cli, every_malformed_trace_names_its_file_and_line)
{
    char dir[1024];
    th_path(dir, sizeof dir, "tests/data/bad_trace");
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0)
            continue;
        char expect_path[2048], args[2048], want[1024] = "";
        snprintf(expect_path, sizeof expect_path, "%s/%.*s.expect", dir, (int)(len - 4), e->d_name);
        FILE *f = fopen(expect_path, "r");
        cr_assert_not_null(f, "%s has no .expect", e->d_name);
        if (fgets(want, sizeof want, f))
            want[strcspn(want, "\n")] = '\0';
        fclose(f);
        snprintf(args, sizeof args, "--trace %s/%s --policy lru --size 10", dir, e->d_name);
        cr_expect_eq(cache_cmd(args), 2, "%s was accepted: %s", e->d_name, out);
        cr_expect(strstr(out, want), "%s: expected \"%s\" in: %s", e->d_name, want, out);
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 8);
}

Test(cache_cli, help_describes_the_trace_format)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s help cache", th_bin());
    cr_assert_eq(th_run(cmd, out, sizeof out), 0);
    cr_assert(strstr(out, "time,object_id,size") && strstr(out, "--sizes"), "%s", out);
}
