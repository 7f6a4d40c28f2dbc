/* jf_hugepages.h: the model's arrays on transparent huge pages.
 *
 * A training step sweeps every array of the model (about 0.1 GiB per rank
 * at the default preset) in its GEMMs and passes; on 4 KiB pages they miss
 * the TLB. Linux gives transparent huge pages only to memory that asks
 * for them in its "madvise" mode (Debian's and Ubuntu's default; the
 * kernel's own default is "always"), so the model's arena asks: a 2 MiB-
 * aligned block with MADV_HUGEPAGE (--no-huge-pages: MADV_NOHUGEPAGE,
 * which keeps 4 KiB pages in "always" mode too). What the kernel then
 * gave is measured, not assumed (AnonHugePages), and recorded with its
 * mode. On a d_model 256 fp32 step on Zen 4 it saved 1 to 2 % of the step,
 * at d_model 1024 nothing measurable (benchmarks/README.md). */
#ifndef JF_HUGEPAGES_H
#define JF_HUGEPAGES_H

#include <stddef.h>

#define JF_HUGE_PAGE_BYTES ((size_t)2 << 20)

typedef struct {
    int requested;   /* 1: MADV_HUGEPAGE was accepted on the block */
    char mode[16];   /* the kernel's THP mode: always, madvise, never, or unknown */
    char note[96];   /* why not requested; "" when requested */
} jf_huge_t;

/* The kernel's THP mode from the text of
 * /sys/kernel/mm/transparent_hugepage/enabled ("always [madvise] never"):
 * the bracketed word; "unknown" when there is none. */
void jf_huge_mode_parse(const char *text, char *mode, size_t len);

/* bytes, aligned to JF_HUGE_PAGE_BYTES when at least that large, advised
 * for huge pages when want is 1 (info says whether it was and why not),
 * against them when want is 0; NULL when out of memory. Release with
 * free(). */
void *jf_huge_alloc(size_t bytes, int want, jf_huge_t *info);

/* AnonHugePages summed over a smaps-format file, kB; -1 when the file
 * cannot be read or has no such line. */
long long jf_huge_anon_kb(const char *path);

/* This process's anonymous memory on transparent huge pages (AnonHugePages
 * of /proc/self/smaps_rollup, else summed over /proc/self/smaps), bytes;
 * -1 when the kernel does not say. */
long long jf_huge_resident_bytes(void);

#endif
