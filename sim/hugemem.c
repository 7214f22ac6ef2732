/* sim/hugemem.c: transparent huge pages for the large arrays of a run.
 *
 * At a million sessions every event touches a session and a flow at
 * random in arrays of hundreds of MB: with 4 KB pages each of those is a
 * TLB miss as well as a cache miss (a page walk per access). Huge pages
 * cover 2 MB per TLB entry. Linux gives them to anonymous memory only
 * where asked (transparent_hugepage "madvise", the usual default), so the
 * arrays that grow with the run ask. Measured in analysis/PERFORMANCE.md. */
#define _DEFAULT_SOURCE             /* madvise's MADV_HUGEPAGE */
#include "sim/hugemem.h"

#include <stdint.h>
#include <sys/mman.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)

void hugemem_advise(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t from = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t to = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
    if (to > from)
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}
