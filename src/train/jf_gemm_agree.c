/* jf_gemm_agree.c: see jf_gemm_agree.h. */
#include "jf_gemm_agree.h"

#include <stdio.h>

jf_err_t jf_gemm_agree(jf_gemm_choice_t *g, jf_blis_info_t *blis, MPI_Comm comm, char *msg,
                       size_t msglen)
{
    double rate[JF_NCAND], workspace[JF_NCAND];
    int usable[JF_NCAND];
    for (int i = 0; i < JF_NCAND; i++) {
        rate[i] = g->cand[i].gflops;
        workspace[i] = g->cand[i].workspace_bytes;
        usable[i] = g->cand[i].usable;
    }
    if (MPI_Allreduce(MPI_IN_PLACE, rate, JF_NCAND, MPI_DOUBLE, MPI_SUM, comm) != MPI_SUCCESS ||
        MPI_Allreduce(MPI_IN_PLACE, workspace, JF_NCAND, MPI_DOUBLE, MPI_MAX, comm) != MPI_SUCCESS ||
        MPI_Allreduce(MPI_IN_PLACE, usable, JF_NCAND, MPI_INT, MPI_LAND, comm) != MPI_SUCCESS) {
        snprintf(msg, msglen, "summing the GEMM candidates' rates over ranks failed");
        return JF_EMPI;
    }
    for (int i = 0; i < JF_NCAND; i++) {
        if (g->cand[i].usable && !usable[i])
            snprintf(g->cand[i].note, sizeof g->cand[i].note, "not usable on every rank");
        g->cand[i].gflops = rate[i];
        g->cand[i].workspace_bytes = workspace[i];
        g->cand[i].usable = usable[i];
    }
    /* every rank applies the same choice, from the same sums */
    return jf_gemm_select_apply(g, blis, msg, msglen);
}
