/* jf_hugepages.c: see jf_hugepages.h. */
#define _GNU_SOURCE
#include "jf_hugepages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"

void jf_huge_mode_parse(const char *text, char *mode, size_t len)
{
    const char *open = text != NULL ? strchr(text, '[') : NULL;
    const char *close = open != NULL ? strchr(open, ']') : NULL;
    const size_t n = close != NULL ? (size_t)(close - open - 1) : 0;
    if (n == 0 || n >= len) {
        snprintf(mode, len, "unknown");
        return;
    }
    memcpy(mode, open + 1, n);
    mode[n] = '\0';
}

static void read_mode(char *mode, size_t len)
{
    char text[128] = "";
    FILE *f = fopen(THP_ENABLED, "r");
    if (f != NULL) {
        if (fgets(text, sizeof text, f) == NULL)
            text[0] = '\0';
        fclose(f);
    }
    jf_huge_mode_parse(text, mode, len);
}

void *jf_huge_alloc(size_t bytes, int want, jf_huge_t *info)
{
    void *p = NULL;
    const size_t align = bytes >= JF_HUGE_PAGE_BYTES ? JF_HUGE_PAGE_BYTES : 64;
    memset(info, 0, sizeof *info);
    read_mode(info->mode, sizeof info->mode);
    if (posix_memalign(&p, align, bytes > 0 ? bytes : 1) != 0)
        return NULL;
    if (!want) {
        /* kept off them even where the kernel's mode is "always" */
#ifdef MADV_NOHUGEPAGE
        if (bytes >= JF_HUGE_PAGE_BYTES)
            (void)madvise(p, bytes / JF_HUGE_PAGE_BYTES * JF_HUGE_PAGE_BYTES, MADV_NOHUGEPAGE);
#endif
        snprintf(info->note, sizeof info->note, "not requested (--no-huge-pages)");
        return p;
    }
    if (bytes < JF_HUGE_PAGE_BYTES) {
        snprintf(info->note, sizeof info->note, "not requested: the arrays fit in one huge page");
        return p;
    }
#ifdef MADV_HUGEPAGE
    if (madvise(p, bytes / JF_HUGE_PAGE_BYTES * JF_HUGE_PAGE_BYTES, MADV_HUGEPAGE) == 0)
        info->requested = 1;
    else
        snprintf(info->note, sizeof info->note, "not requested: madvise(MADV_HUGEPAGE): %s",
                 strerror(errno));
#else
    snprintf(info->note, sizeof info->note, "not requested: no MADV_HUGEPAGE on this system");
#endif
    return p;
}

long long jf_huge_anon_kb(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    long long sum = -1, kb;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "AnonHugePages: %lld kB", &kb) == 1)
            sum = (sum < 0 ? 0 : sum) + kb;
    fclose(f);
    return sum;
}

long long jf_huge_resident_bytes(void)
{
    long long kb = jf_huge_anon_kb("/proc/self/smaps_rollup");
    if (kb < 0)
        kb = jf_huge_anon_kb("/proc/self/smaps");
    return kb < 0 ? -1 : kb * 1024;
}
