/* sim/cmd_merge.c: `lastmile merge OUT.db IN.db...`: every run of the inputs
 * into OUT, in the order given, refusing duplicates (sim/merge.h). */
#include "sim/cmd_merge.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/merge.h"

const char MERGE_USAGE[] =
    "usage: lastmile merge OUT.db IN.db...\n"
    "\n"
    "Copies every run of the inputs into OUT.db (created when missing), in the\n"
    "order given, with their sweep tags; each run gets the next run id of OUT.db\n"
    "and keeps its digest. A run's identity is its digest (same scenario, seed\n"
    "and binary: same digest): a run already in OUT.db, or brought twice, is\n"
    "refused and then nothing is merged (exit 2). One transaction: a merge\n"
    "killed midway leaves OUT.db as it was.\n";

static int same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

int cmd_merge(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(MERGE_USAGE, stdout);
            return 0;
        }
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-') {
            fprintf(stderr, "lastmile merge: unknown option '%s'\n(see 'lastmile help merge')\n",
                    argv[i]);
            return 2;
        }
    if (argc < 3) {
        fprintf(stderr, "lastmile merge: expected OUT.db and at least one IN.db\n"
                "(see 'lastmile help merge')\n");
        return 2;
    }
    const char *out = argv[1];
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], out) == 0 || same_file(argv[i], out)) {
            fprintf(stderr, "lastmile merge: %s is the output; it cannot be an input too\n",
                    argv[i]);
            return 2;
        }
    struct merge_source *src = NULL;
    int n = 0, rc = 0;
    struct error err = {0};
    for (int i = 2; i < argc && rc == 0; i++) {
        int64_t *ids;
        int k;
        if (merge_list_runs(argv[i], &ids, &k, &err) != 0) {
            rc = -1;
            break;
        }
        struct merge_source *p = realloc(src, (size_t)(n + k + 1) * sizeof *p);
        if (!p) {
            free(ids);
            error_set(&err, "out of memory");
            rc = -1;
            break;
        }
        src = p;
        for (int j = 0; j < k; j++)
            src[n++] = (struct merge_source){ argv[i], ids[j] };
        free(ids);
    }
    int64_t *new_ids = rc == 0 ? malloc((size_t)(n + 1) * sizeof *new_ids) : NULL;
    if (rc == 0 && !new_ids) {
        error_set(&err, "out of memory");
        rc = -1;
    }
    if (rc == 0)
        rc = merge_runs(out, src, n, new_ids, &err);
    if (rc != 0) {
        error_print(&err, stderr);
    } else if (n == 0) {
        printf("merged no runs: the inputs hold none\n");
    } else {
        printf("merged %d run%s from %d file%s into %s as runs %" PRId64 "-%" PRId64 "\n", n,
               n == 1 ? "" : "s", argc - 2, argc == 3 ? "" : "s", out, new_ids[0],
               new_ids[n - 1]);
    }
    free(src);
    free(new_ids);
    return rc == 0 ? 0 : error_exit_code(&err);
}
