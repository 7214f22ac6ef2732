/* sim/cmd_cache.c: `lastmile cache`, the researcher's quick tool: one
 * reactive cache (models/cache.c, the code `lastmile run` uses) over a
 * trace file or a generated Zipf stream, printing object and byte hit
 * ratios and requests per second. Lists of policies and sizes run every
 * pair over the same stream. */
#include "sim/cmd_cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/cache.h"
#include "sim/cache_trace.h"
#include "sim/units.h"

const char CACHE_USAGE[] =
    "usage: lastmile cache (--trace FILE | --zipf OBJECTS,ALPHA,REQUESTS[,SEED])\n"
    "                      --policy NAME[,NAME...] --size BYTES|PCT[,...]\n"
    "                      [--sizes FIXED|FILE] [--warmup N] [--format text|csv|json]\n"
    "\n"
    "Runs one reactive cache (cache on miss) over a request stream and prints its\n"
    "object and byte hit ratios and requests per second. Every policy x size pair\n"
    "replays the same stream.\n"
    "\n"
    "  --trace FILE      CSV lines time,object_id,size (a header line is allowed;\n"
    "                    '#' comments and blank lines are skipped; .gz is read\n"
    "                    through gzip); an object's size is that of its first request\n"
    "  --zipf O,A,R[,S]  R independent requests over O objects, Zipf exponent A,\n"
    "                    seed S (default 1); every object 1 byte unless --sizes\n"
    "  --policy NAME     lru, lfu, s3-fifo or perfect-lfu (a comma list\n"
    "                    runs each)\n"
    "  --size S          cache size in bytes (\"3241330691\", \"32GB\") or a\n"
    "                    percentage of the working set (\"10%\"); a comma list\n"
    "  --sizes FIXED     every object this many bytes (\"1\": count objects)\n"
    "  --sizes FILE      CSV lines object_id,size overriding the trace's sizes\n"
    "  --warmup N        serve the first N requests without counting them (default 0)\n"
    "  --format F        text (default), csv or json\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "lastmile cache: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'lastmile help cache')\n");
    return 2;
}

static int parse_whole(const char *s, uint64_t *v)
{
    char *end;
    if (!*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

/* A size: whole bytes, a size with a unit, or a percentage (pct = 1). */
static int parse_size(const char *s, double *v, int *pct)
{
    uint64_t whole;
    struct error err = {0};
    size_t n = strlen(s);
    *pct = 0;
    if (n && s[n - 1] == '%') {
        *pct = 1;
        if (units_parse_percent(s, v, &err) != 0 || *v <= 0 || *v > 1)
            return -1;
        return 0;
    }
    if (parse_whole(s, &whole) == 0) {
        *v = (double)whole;
        return whole ? 0 : -1;
    }
    return units_parse_bytes(s, v, &err) == 0 && *v >= 1 ? 0 : -1;
}

#define MAX_LIST 32

/* Splits a comma list into items (modifies s). Returns the count or -1. */
static int split_list(char *s, char **items)
{
    int n = 0;
    for (char *p = strtok(s, ","); p; p = strtok(NULL, ",")) {
        if (n == MAX_LIST)
            return -1;
        items[n++] = p;
    }
    return n;
}

enum fmt { FMT_TEXT, FMT_CSV, FMT_JSON };

int cmd_cache(int argc, char **argv)
{
    const char *trace = NULL, *zipf = NULL, *policy_arg = NULL, *size_arg = NULL, *sizes = NULL;
    uint64_t warmup = 0;
    enum fmt fmt = FMT_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(CACHE_USAGE, stdout);
            return 0;
        }
        int has_value = i + 1 < argc;
        if (strcmp(a, "--trace") == 0 && has_value)
            trace = argv[++i];
        else if (strcmp(a, "--zipf") == 0 && has_value)
            zipf = argv[++i];
        else if (strcmp(a, "--policy") == 0 && has_value)
            policy_arg = argv[++i];
        else if (strcmp(a, "--size") == 0 && has_value)
            size_arg = argv[++i];
        else if (strcmp(a, "--sizes") == 0 && has_value)
            sizes = argv[++i];
        else if (strcmp(a, "--warmup") == 0 && has_value) {
            if (parse_whole(argv[++i], &warmup) != 0)
                return usage_error("--warmup expects a whole number of requests, found '%s'", argv[i]);
        } else if (strcmp(a, "--format") == 0 && has_value) {
            const char *f = argv[++i];
            if (strcmp(f, "text") == 0)
                fmt = FMT_TEXT;
            else if (strcmp(f, "csv") == 0)
                fmt = FMT_CSV;
            else if (strcmp(f, "json") == 0)
                fmt = FMT_JSON;
            else
                return usage_error("--format expects text, csv or json, found '%s'", f);
        } else
            return usage_error("unknown option or missing value: '%s'", a);
    }
    if (!trace == !zipf)
        return usage_error("%s", "expected one of --trace FILE or --zipf OBJECTS,ALPHA,REQUESTS[,SEED]");
    if (!policy_arg)
        return usage_error("%s", "expected --policy NAME (lru, lfu, s3-fifo or perfect-lfu)");
    if (!size_arg)
        return usage_error("%s", "expected --size BYTES or --size PCT (e.g. 10%)");

    char pbuf[512], sbuf[512];
    char *pnames[MAX_LIST], *snames[MAX_LIST];
    snprintf(pbuf, sizeof pbuf, "%s", policy_arg);
    snprintf(sbuf, sizeof sbuf, "%s", size_arg);
    int np = split_list(pbuf, pnames), ns = split_list(sbuf, snames);
    if (np <= 0)
        return usage_error("--policy expects a name or a comma list of at most 32, found '%s'", policy_arg);
    if (ns <= 0)
        return usage_error("--size expects a size or a comma list of at most 32, found '%s'", size_arg);
    const struct cache_policy *pol[MAX_LIST];
    for (int i = 0; i < np; i++) {
        pol[i] = cache_policy_find(pnames[i]);
        if (!pol[i]) {
            fprintf(stderr, "lastmile cache: --policy: unknown policy '%s'; known:", pnames[i]);
            for (int k = 0; cache_policy_names[k]; k++)
                fprintf(stderr, " %s", cache_policy_names[k]);
            fprintf(stderr, "\n");
            return 2;
        }
    }
    double sval[MAX_LIST];
    int spct[MAX_LIST];
    for (int i = 0; i < ns; i++)
        if (parse_size(snames[i], &sval[i], &spct[i]) != 0)
            return usage_error("--size expects bytes (\"3241330691\", \"32GB\") or a percentage in (0%, 100%], found '%s'",
                               snames[i]);
    uint64_t fixed = 0;
    int sizes_is_fixed = sizes && parse_whole(sizes, &fixed) == 0;
    if (sizes_is_fixed && fixed == 0)
        return usage_error("--sizes expects a positive number of bytes or a FILE, found '%s'", sizes);

    struct cache_trace t;
    struct error err = {0};
    const char *source = trace;
    if (zipf) {
        char zbuf[256];
        char *z[MAX_LIST];
        snprintf(zbuf, sizeof zbuf, "%s", zipf);
        int nz = split_list(zbuf, z);
        uint64_t objects, requests, seed = 1;
        char *end;
        double alpha = nz >= 2 ? strtod(z[1], &end) : 0;
        if (nz < 3 || nz > 4 || parse_whole(z[0], &objects) != 0 || objects == 0 ||
            objects >= UINT32_MAX || *end || !(alpha >= 0 && alpha <= 10) ||
            parse_whole(z[2], &requests) != 0 || requests == 0 || (nz == 4 && parse_whole(z[3], &seed) != 0))
            return usage_error("--zipf expects OBJECTS,ALPHA,REQUESTS[,SEED] (objects and requests positive, "
                               "alpha from 0 to 10), found '%s'", zipf);
        if (cache_trace_zipf((uint32_t)objects, alpha, requests, seed, &t) != 0) {
            fprintf(stderr, "lastmile cache: out of memory generating the stream\n");
            return 2;
        }
        source = zipf;
    } else if (cache_trace_read(trace, &t, &err) != 0) {
        error_print(&err, stderr);
        return 2;
    }
    if (sizes_is_fixed) {
        cache_trace_fixed_sizes(&t, fixed);
    } else if (sizes && cache_trace_read_sizes(sizes, &t, &err) != 0) {
        error_print(&err, stderr);
        cache_trace_free(&t);
        return 2;
    }

    if (fmt == FMT_TEXT)
        printf("%s %s: %llu requests, %u objects, working set %.0f bytes\n", trace ? "trace" : "zipf",
               source, (unsigned long long)t.nreq, t.nobjects, t.working_set);
    else if (fmt == FMT_CSV)
        printf("policy,cache_bytes,requests,hits,hit_ratio,byte_hit_ratio,requests_per_s\n");
    else
        printf("{\"source\": \"%s\", \"requests\": %llu, \"objects\": %u, \"working_set_bytes\": %.0f, \"results\": [",
               trace ? "trace" : "zipf", (unsigned long long)t.nreq, t.nobjects, t.working_set);
    if (fmt == FMT_TEXT)
        printf("%-8s %16s %10s %14s %12s\n", "policy", "cache_bytes", "hit_ratio", "byte_hit_ratio", "requests/s");
    int rc = 0, first = 1;
    for (int i = 0; i < np && rc == 0; i++)
        for (int k = 0; k < ns; k++) {
            double bytes = spct[k] ? sval[k] * t.working_set : sval[k];
            uint64_t cap = bytes >= 1.8e19 ? UINT64_MAX : (uint64_t)bytes;
            struct cache_replay r;
            if (cache_trace_replay(&t, pol[i], cap, warmup, NULL, &r) != 0) {
                fprintf(stderr, "lastmile cache: out of memory replaying the stream\n");
                rc = 2;
                break;
            }
            double rps = r.wall_s > 0 ? (double)(t.nreq) / r.wall_s : 0;
            if (fmt == FMT_TEXT)
                printf("%-8s %16llu %10.4f %14.4f %12.0f\n", pol[i]->name, (unsigned long long)cap,
                       r.hit_ratio, r.byte_hit_ratio, rps);
            else if (fmt == FMT_CSV)
                printf("%s,%llu,%llu,%llu,%.6f,%.6f,%.0f\n", pol[i]->name, (unsigned long long)cap,
                       (unsigned long long)r.requests, (unsigned long long)r.hits, r.hit_ratio,
                       r.byte_hit_ratio, rps);
            else
                printf("%s\n  {\"policy\": \"%s\", \"cache_bytes\": %llu, \"requests\": %llu, \"hits\": %llu, "
                       "\"hit_ratio\": %.6f, \"byte_hit_ratio\": %.6f, \"requests_per_s\": %.0f}",
                       first ? "" : ",", pol[i]->name, (unsigned long long)cap,
                       (unsigned long long)r.requests, (unsigned long long)r.hits, r.hit_ratio,
                       r.byte_hit_ratio, rps);
            first = 0;
        }
    if (fmt == FMT_JSON)
        printf("\n]}\n");
    cache_trace_free(&t);
    return rc;
}
