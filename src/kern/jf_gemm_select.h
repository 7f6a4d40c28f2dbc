/* jf_gemm_select.h: choosing the GEMM back-end and BLIS kernel set of a run
 * by measuring them, not by tables. Before the first BLIS call (BLIS fixes
 * its kernel set on first use) and before any threads exist, each
 * candidate -- BLIS's own choice, each BLIS kernel set this CPU can run,
 * each other back-end serving the precision -- runs in a forked child on
 * the run's own GEMM shapes for a bounded time. The ranks then agree (the
 * caller sums the rates over ranks; a candidate unusable anywhere is out),
 * the fastest is applied, and every candidate's figure is recorded. */
#ifndef JF_GEMM_SELECT_H
#define JF_GEMM_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_error.h"
#include "core/jf_shape.h"
#include "jf_blis_arch.h"

/* The fixed candidate table, the same on every rank so that the rates can
 * be summed element by element. */
enum {
    JF_CAND_BLIS_OWN = 0,   /* BLIS's own CPU detection (or BLIS_ARCH_TYPE) */
    JF_CAND_BLIS_SKX,
    JF_CAND_BLIS_HASWELL,
    JF_CAND_BLIS_ZEN3,
    JF_CAND_ONEDNN,
    JF_NCAND
};

typedef struct {
    char backend[16];   /* "blis", "onednn" */
    char kernel[64];    /* kernel set or implementation ("skx", "brg:avx512_core_bf16") */
    int considered;     /* 0: ruled out before measuring (see note) */
    int usable;         /* measured and correct on this rank (all ranks once agreed) */
    double gflops;      /* on the measured shapes; summed over ranks once agreed */
    double workspace_bytes;  /* resident memory the back-end itself grew by on those
                              * shapes (JIT code, packing buffers, scratchpads), beyond
                              * the operands; the largest rank's once agreed */
    char note[160];     /* why not considered or not usable; "" otherwise */
} jf_gemm_candidate_t;

typedef struct {
    jf_precision_t precision;
    jf_gemm_candidate_t cand[JF_NCAND];
    int chosen;              /* index into cand, -1 before the choice */
    char how[256];           /* how the choice was made, one phrase */
    char shapes[320];        /* what was measured */
    double seconds;          /* wall time spent measuring, this rank */
    int forced;              /* --gemm or --blis-arch named the choice */
    int blis_keep;           /* --blis-arch keep */
    int blis_named;          /* --blis-arch NAME */
    /* what ran, filled by jf_gemm_choice_finish after the run */
    char backend[16];        /* "blis", "onednn" */
    char version[48];        /* "BLIS 0.9.0", "oneDNN 2.6.3" */
    char kernel[160];        /* kernel set or implementations that ran */
    int native;              /* 0: the precision was emulated in wider arithmetic */
} jf_gemm_choice_t;

/* The run's requests: --gemm auto|blis|onednn, --blis-arch auto|keep|NAME,
 * and the step's shape (batch sequences per rank, threads per rank). */
typedef struct {
    const char *gemm;
    const char *blis_arch;
    jf_precision_t precision;
    jf_shape_t shape;
    int64_t batch;
    int threads;
    double budget;           /* seconds each candidate is timed, over all rounds
                              * (about; each child also has a warm-up pass) */
    /* 1 when the caller starts the chosen back-end before it takes its
     * memory baseline (jflop-run's bf16 GEMM peak): the back-end's own
     * start-up is then not part of the workspace the choice measures */
    int started_before_baseline;
} jf_gemm_request_t;

/* Check --gemm against this build and the precision before anything runs:
 * JF_EINVAL with one line (unknown name, a back-end without the precision,
 * bf16 in a build without a back-end serving it). */
jf_err_t jf_gemm_request_check(const jf_gemm_request_t *req, char *msg, size_t msglen);

/* Measure every candidate on this rank. JF_EINVAL for a bad --blis-arch
 * (unknown set, or it fails on this CPU); JF_EBLIS if nothing can run. */
jf_err_t jf_gemm_select_measure(const jf_gemm_request_t *req, jf_gemm_choice_t *choice,
                                char *msg, size_t msglen);

/* After the caller summed gflops and AND-ed usable over ranks: pick the
 * fastest usable candidate, set BLIS_ARCH_TYPE if a BLIS set was chosen,
 * select the back-end for the precision (jf_gemm_use), and fill blis->how.
 * JF_EBLIS if no candidate is usable everywhere. */
jf_err_t jf_gemm_select_apply(jf_gemm_choice_t *choice, jf_blis_info_t *blis, char *msg,
                              size_t msglen);

/* Fill backend, version, kernel and native from the back-end that ran. */
void jf_gemm_choice_finish(jf_gemm_choice_t *choice);

/* Which tensors a run of this precision holds in bf16, one sentence. */
const char *jf_gemm_bf16_tensors(jf_precision_t precision);

/* "blis skx 96.3 GFLOP/s (chosen), blis haswell 88.1, ..." into buf. */
void jf_gemm_choice_str(const jf_gemm_choice_t *choice, char *buf, size_t buflen);

#endif
