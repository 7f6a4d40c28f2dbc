/* jf_blis_arch.h: which BLIS kernel set runs, and forcing one. BLIS 0.9
 * fixes its choice once, on first use, from the integer BLIS_ARCH_TYPE
 * environment variable or its own CPUID table (falling back to its slow
 * "generic" kernels on CPUs it does not recognise, and to AVX2 "zen3" or
 * "haswell" on some AVX-512 ones), so a choice must be made before the
 * process makes its first BLIS call. Which set is best is measured
 * (jf_gemm_select.h); this file only asks and forces. */
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

/* BLIS's arch id of a kernel-set name, or -1 (reads a static table only). */
int jf_blis_arch_id(const char *name);
const char *jf_blis_arch_name(int id);

/* In a forked child: force arch id (or -1: BLIS's own choice), let BLIS
 * start and check a small GEMM in each precision. Returns the id BLIS runs,
 * or -1 with the reason (rejected by this build, SIGILL, wrong results). */
int jf_blis_arch_try(int id, char *why, size_t whylen);

/* Set BLIS_ARCH_TYPE for this process; before the first BLIS call. */
jf_err_t jf_blis_arch_force(int id, jf_blis_info_t *info);

/* --blis-arch without measuring (jflop probe): "auto" and "keep" leave
 * BLIS's own choice, a name is forced if it works on this CPU. */
jf_err_t jf_blis_arch_select(const char *request, jf_blis_info_t *info,
                             char *msg, size_t msglen);

/* Read the active kernel set and version (initialises BLIS). */
void jf_blis_info_read(jf_blis_info_t *info);

/* Kernel-set names this BLIS build knows, comma-separated, into buf. */
void jf_blis_arch_names(char *buf, size_t buflen);

#endif
