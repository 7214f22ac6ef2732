/* sim/error.h: the error a failing loader or parser fills in for the CLI.
 *
 * Functions that can fail on user input return an int status (0 ok, -1
 * error) and fill a struct error; the CLI prints it with error_print() and
 * exits 2. Nothing below main prints or exits. */
#ifndef LASTMILE_ERROR_H
#define LASTMILE_ERROR_H

#include <stdio.h>

struct error {
    char file[256];     /* the file at fault, "" when none */
    char path[256];     /* JSON path like $.regions[0].subscribers, "" when none */
    int line, col;      /* 1-based position for syntax errors, 0 when unknown */
    char msg[512];      /* what was expected and what was found */
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

#endif
