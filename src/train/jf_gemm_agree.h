/* jf_gemm_agree.h: the ranks' one GEMM choice. Each rank measured the same
 * candidates (jf_gemm_select.h) on its own cores before MPI started; here
 * their rates are summed, a candidate unusable on any rank is out, and
 * every rank applies the same fastest one. */
#ifndef JF_GEMM_AGREE_H
#define JF_GEMM_AGREE_H

#include <mpi.h>
#include <stddef.h>

#include "kern/jf_gemm_select.h"

/* Collective over comm. JF_EBLIS (with the reason) if no candidate is
 * usable on every rank. */
jf_err_t jf_gemm_agree(jf_gemm_choice_t *choice, jf_blis_info_t *blis, MPI_Comm comm,
                       char *msg, size_t msglen);

#endif
