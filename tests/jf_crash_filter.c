/* jf_crash_filter.c: an HDF5 dynamic filter plugin whose decoding crashes
 * the process with a real SIGSEGV inside HDF5's read path (H5Dread ->
 * H5Z_pipeline -> here). test_report_guard.sh puts it in a folder of its
 * own named by HDF5_PLUGIN_PATH (as libjf_crash_filter.so: HDF5 1.10 loads
 * only lib*.so files there) and gives jflop report a results file with one
 * dataset written through this filter's id (jf_h5_edit crash), so that the
 * guard's child (src/analysis/jf_result_guard.c) really dies on it, with
 * no hook in jflop. A plain shared object (tests/Makefile.am) needing only
 * HDF5's headers: the process that loads it has HDF5. */
#include <H5PLextern.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "jf_crash_filter.h"

/* A store to address 16, in page 0, which no process maps: a real
 * segmentation fault. Through a volatile address, so that GCC cannot put a
 * trap instruction in its place, and not null, so that UBSan's null check
 * (a sanitizer build compiles this too) does not end the process first. */
static void crash(void)
{
    volatile uintptr_t page0 = 16;
    *(volatile int *)page0 = 1;
    raise(SIGSEGV);  /* not reached */
}

static size_t crash_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
                           size_t nbytes, size_t *buf_size, void **buf)
{
    (void)flags, (void)cd_nelmts, (void)cd_values, (void)nbytes, (void)buf_size, (void)buf;
    crash();
    return 0;
}

static const H5Z_class2_t crash_class = {
    H5Z_CLASS_T_VERS,
    (H5Z_filter_t)JF_CRASH_FILTER_ID,
    1,
    1,
    JF_CRASH_FILTER_NAME,
    NULL,
    NULL,
    crash_filter,
};

H5PL_type_t H5PLget_plugin_type(void)
{
    return H5PL_TYPE_FILTER;
}

const void *H5PLget_plugin_info(void)
{
    return &crash_class;
}
