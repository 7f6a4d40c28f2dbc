/* jf_gemm_blis.c: the BLIS back-end (fp32, fp64), the reference. Row-major
 * storage and transposition are both expressed as BLIS strides, so BLIS
 * packs each operand once and never needs a separate transpose. Which
 * kernel set runs is fixed before the first call (jf_blis_arch.h). */
#include "jf_gemm_backend.h"

#include <blis.h>
#include <stdio.h>

static int blis_probe(jf_precision_t precision, char *why, size_t whylen)
{
    if (precision == JF_BF16) {
        snprintf(why, whylen, "BLIS %s has no bf16 GEMM", bli_info_get_version_str());
        return 0;
    }
    return 1;
}

/* Row and column strides of a row-major operand, transposed or not. */
static void strides(int trans, int64_t ld, inc_t *rs, inc_t *cs)
{
    *rs = trans ? 1 : ld;
    *cs = trans ? ld : 1;
}

static jf_err_t blis_gemm(const jf_gemm_args_t *g, char *msg, size_t msglen)
{
    inc_t rsa, csa, rsb, csb;
    rntm_t rntm = BLIS_RNTM_INITIALIZER;
    strides(g->trans_a, g->lda, &rsa, &csa);
    strides(g->trans_b, g->ldb, &rsb, &csb);
    bli_rntm_set_num_threads(g->threads > 0 ? g->threads : 1, &rntm);
    if (g->precision == JF_FP64) {
        double alpha = g->alpha, beta = g->beta;
        bli_dgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, g->m, g->n, g->k, &alpha,
                     (double *)g->a, rsa, csa, (double *)g->b, rsb, csb, &beta, g->c,
                     g->ldc, 1, NULL, &rntm);
        return JF_OK;
    }
    if (g->precision == JF_FP32) {
        float alpha = (float)g->alpha, beta = (float)g->beta;
        bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, g->m, g->n, g->k, &alpha,
                     (float *)g->a, rsa, csa, (float *)g->b, rsb, csb, &beta, g->c,
                     g->ldc, 1, NULL, &rntm);
        return JF_OK;
    }
    snprintf(msg, msglen, "BLIS back-end: no %s GEMM", jf_precision_name(g->precision));
    return JF_EINVAL;
}

static void blis_version(char *buf, size_t buflen)
{
    snprintf(buf, buflen, "BLIS %s", bli_info_get_version_str());
}

/* Initialises BLIS, which fixes its kernel set: call after the choice. */
static void blis_kernel(jf_precision_t precision, char *buf, size_t buflen)
{
    (void)precision;
    bli_init();
    snprintf(buf, buflen, "%s", bli_arch_string(bli_arch_query_id()));
}

static int blis_native(jf_precision_t precision)
{
    return precision != JF_BF16;
}

const jf_gemm_backend_t jf_gemm_blis = {
    .name = "blis",
    .description = "BLIS (fp32, fp64), kernel set chosen by --blis-arch",
    .precisions = JF_PRECISION_BIT(JF_FP32) | JF_PRECISION_BIT(JF_FP64),
    .probe = blis_probe,
    .gemm = blis_gemm,
    .version = blis_version,
    .kernel = blis_kernel,
    .native = blis_native,
};
