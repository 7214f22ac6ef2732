/* sim/error.h: the error a failing loader or parser fills in for the CLI.
 *
 * Functions that can fail on user input return an int status (0 ok, -1
 * error) and fill a struct error; the CLI prints it with error_print() and
 * exits 2 (1 when error_exit_code() says the machine is at fault). Nothing
 * below main prints or exits. */
#ifndef LASTMILE_ERROR_H
#define LASTMILE_ERROR_H

#include <stdio.h>

struct error {
    char file[256];     /* the file at fault, "" when none */
    char path[256];     /* JSON path like $.regions[0].subscribers, "" when none */
    int line, col;      /* 1-based position for syntax errors, 0 when unknown */
    char msg[512];      /* what was expected and what was found */
    /* 1 when the failure is the machine's, not the input's: a disk that is
     * full or read-only, a file that cannot be created or read. The CLI
     * exits 1 for those and 2 for bad input. Set by sim/results.c, where
     * opening a database can fail either way; 0 elsewhere. */
    int system;
};

/* Sets msg from a printf format; file and path are kept as they are. */
void error_set(struct error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets file (a path longer than the field keeps its end, after "..."). */
void error_file(struct error *e, const char *file);
/* Sets path then msg. */
void error_at(struct error *e, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "FILE:LINE:COL: PATH: MSG", leaving out the parts that are empty (COL
 * when 0: text files such as traces report a line only). */
void error_print(const struct error *e, FILE *out);
/* The exit code of a failure: 1 when e->system, else 2 (bad input). */
int error_exit_code(const struct error *e);

#endif
