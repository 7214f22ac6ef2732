/* sim/error.c: filling and printing struct error. */
#include "sim/error.h"

#include <stdarg.h>
#include <string.h>

void error_set(struct error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

void error_file(struct error *e, const char *file)
{
    size_t n = strlen(file ? file : "");
    if (n < sizeof e->file) {
        memcpy(e->file, file ? file : "", n + 1);
    } else {
        /* Keep the end of a long path: the file name is what a reader needs. */
        memcpy(e->file, "...", 3);
        memcpy(e->file + 3, file + n - (sizeof e->file - 4), sizeof e->file - 3);
    }
}

void error_at(struct error *e, const char *path, const char *fmt, ...)
{
    va_list ap;
    snprintf(e->path, sizeof e->path, "%s", path ? path : "");
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

void error_print(const struct error *e, FILE *out)
{
    fputs("lastmile: ", out);
    if (e->file[0]) {
        fputs(e->file, out);
        if (e->line > 0 && e->col > 0)
            fprintf(out, ":%d:%d", e->line, e->col);
        else if (e->line > 0)
            fprintf(out, ":%d", e->line);       /* a line-oriented file */
        fputs(": ", out);
    }
    if (e->path[0])
        fprintf(out, "%s: ", e->path);
    fprintf(out, "%s\n", e->msg);
}

int error_exit_code(const struct error *e)
{
    return e->system ? 1 : 2;
}
