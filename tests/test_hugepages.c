/* test_hugepages: the model arena's huge pages (core/jf_hugepages.c): the
 * kernel's THP mode read from the text of its sysfs file (every bracket
 * case, broken texts), AnonHugePages summed from smaps-format files (fake
 * files: several mappings, none, a missing file), and real allocations:
 * 2 MiB-aligned and advised when asked and large enough, 64-byte aligned
 * and not advised otherwise, each with the reason it records. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/jf_hugepages.h"
#include "jf_test.h"

static void test_mode(void)
{
    char mode[16];
    jf_huge_mode_parse("always [madvise] never\n", mode, sizeof mode);
    CHECK_STR_EQ("madvise", mode);
    jf_huge_mode_parse("[always] madvise never\n", mode, sizeof mode);
    CHECK_STR_EQ("always", mode);
    jf_huge_mode_parse("always madvise [never]", mode, sizeof mode);
    CHECK_STR_EQ("never", mode);
    /* no brackets, empty brackets, an unclosed one, nothing at all */
    const char *broken[] = {"always madvise never\n", "[]", "always [madvise", "", "]x[", NULL};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        jf_huge_mode_parse(broken[i], mode, sizeof mode);
        CHECK_STR_EQ("unknown", mode);
    }
    /* a word longer than the buffer is not cut short into a wrong mode */
    jf_huge_mode_parse("[a-mode-longer-than-sixteen-bytes]", mode, sizeof mode);
    CHECK_STR_EQ("unknown", mode);
    char tiny[4];
    jf_huge_mode_parse("[never]", tiny, sizeof tiny);
    CHECK_STR_EQ("unk", tiny);
}

static void test_smaps(void)
{
    char dir[] = "/tmp/jf-test-smaps-XXXXXX", path[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/smaps", dir);
    jf_test_put(dir, "smaps", "7f00-7f10 rw-p 00000000 00:00 0\nRss: 4096 kB\nAnonHugePages: 2048 kB\n"
                              "7f20-7f30 rw-p 00000000 00:00 0\nAnonHugePages:        0 kB\n"
                              "7f40-7f50 rw-p 00000000 00:00 0\nAnonHugePages:   106496 kB\n");
    CHECK(jf_huge_anon_kb(path) == 2048 + 106496);
    jf_test_put(dir, "smaps", "Rss: 4096 kB\nShmemPmdMapped: 0 kB\n");
    CHECK(jf_huge_anon_kb(path) == -1);
    jf_test_put(dir, "smaps", "");
    CHECK(jf_huge_anon_kb(path) == -1);
    unlink(path);
    CHECK(jf_huge_anon_kb(path) == -1);
    CHECK(jf_huge_anon_kb(dir) == -1);  /* a folder: opens, reads nothing */
    rmdir(dir);
}

static void test_alloc(void)
{
    jf_huge_t info;
    const size_t big = (size_t)9 << 20;

    char *p = jf_huge_alloc(big, 1, &info);
    CHECK(p != NULL);
    CHECK(((uintptr_t)p % JF_HUGE_PAGE_BYTES) == 0);
    /* advised, or a reason why not (a kernel without THP refuses) */
    CHECK(info.requested ? info.note[0] == '\0' : strstr(info.note, "madvise") != NULL);
    CHECK(strlen(info.mode) > 0);
    if (p != NULL) {
        memset(p, 1, big);  /* whole block writable */
        CHECK(p[big - 1] == 1);
    }
    free(p);

    p = jf_huge_alloc(big, 0, &info);
    CHECK(p != NULL && ((uintptr_t)p % JF_HUGE_PAGE_BYTES) == 0);
    CHECK(!info.requested);
    CHECK_STR_CONTAINS(info.note, "--no-huge-pages");
    free(p);

    /* smaller than one huge page: nothing to ask for */
    p = jf_huge_alloc(1000, 1, &info);
    CHECK(p != NULL && ((uintptr_t)p % 64) == 0);
    CHECK(!info.requested);
    CHECK_STR_CONTAINS(info.note, "fit in one huge page");
    free(p);

    p = jf_huge_alloc(0, 1, &info);  /* never NULL for a valid request */
    CHECK(p != NULL);
    free(p);

    /* Linux always has smaps: how much is on huge pages is known */
    if (access("/proc/self/smaps", R_OK) == 0)
        CHECK(jf_huge_resident_bytes() >= 0);
}

int main(void)
{
    test_mode();
    test_smaps();
    test_alloc();
    return JF_TEST_DONE();
}
