/* sim/hugemem.h: transparent huge pages for the large arrays of a run. */
#ifndef LASTMILE_HUGEMEM_H
#define LASTMILE_HUGEMEM_H

#include <stddef.h>

/* Asks the kernel to back the whole 2 MB pages inside [p, p + bytes) with
 * transparent huge pages. Advice only: it changes no contents and no
 * result, and does nothing where the kernel does not support it. */
void hugemem_advise(void *p, size_t bytes);

#endif
