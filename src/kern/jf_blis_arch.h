/* jf_blis_arch.h: which BLIS kernel set runs, and choosing a better one.
 * BLIS 0.9 falls back to its slow "generic" kernels on CPUs it does not
 * recognise (e.g. AMD Zen 4) even when they run AVX-512 or AVX2+FMA. It
 * fixes its choice once, on first use, from the integer BLIS_ARCH_TYPE
 * environment variable or its own CPUID table, so a choice must be made
 * before the process makes its first BLIS call. */
#ifndef JF_BLIS_ARCH_H
#define JF_BLIS_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_error.h"
#include "core/jf_shape.h"

typedef struct {
    char active[32];        /* kernel set in use, e.g. "skx" */
    char detected[32];      /* what BLIS's own detection picks, "" if not probed */
    char version[32];       /* BLIS version string */
    char how[256];          /* how the active set was chosen, one phrase */
    int overridden;         /* 1 when jflop set BLIS_ARCH_TYPE */
    int threading_openmp;   /* BLIS built with OpenMP */
} jf_blis_info_t;

/* Apply --blis-arch: "auto" (replace generic with the CPU's best set when
 * BLIS_ARCH_TYPE is unset), "keep" (leave BLIS alone) or a kernel-set name.
 * Must run before any BLIS call and before threads exist (it forks a child
 * to ask BLIS what it would pick, and to try the chosen set safely).
 * Fills info->how/detected/overridden; call jf_blis_info_read afterwards. */
jf_err_t jf_blis_arch_select(const char *request, jf_blis_info_t *info,
                             char *msg, size_t msglen);
/* The same for a run of one precision and model width: "auto" may also
 * replace a kernel set BLIS detects with one measured faster for that run
 * on this CPU (fp64 at d_model >= 1024 on AVX-512 CPUs that BLIS 0.9 runs
 * as zen3, i.e. AMD Zen 4/5). jf_blis_arch_select is this with fp32, where
 * nothing is replaced. */
jf_err_t jf_blis_arch_select_for(const char *request, jf_precision_t precision,
                                 int64_t d_model, jf_blis_info_t *info, char *msg,
                                 size_t msglen);

/* Read the active kernel set and version (initialises BLIS). */
void jf_blis_info_read(jf_blis_info_t *info);

/* Kernel-set names this BLIS build knows, comma-separated, into buf. */
void jf_blis_arch_names(char *buf, size_t buflen);

#endif
