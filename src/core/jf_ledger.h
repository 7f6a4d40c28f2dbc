/* jf_ledger.h: the FLOP ledger. Every GEMM adds 2*m*n*k to one category, in
 * exact 128-bit integers: 6*N*D stays exact for N up to 1e13 and D up to
 * 1e15 (6e28 < 3.4e38). */
#ifndef JF_LEDGER_H
#define JF_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "jf_shape.h"

typedef unsigned __int128 jf_u128;

typedef enum {
    JF_FLOP_DENSE_FWD = 0,    /* weight GEMMs, forward */
    JF_FLOP_DENSE_BWD_DATA,   /* weight GEMMs, gradient w.r.t. activations */
    JF_FLOP_DENSE_BWD_WEIGHT, /* weight GEMMs, gradient w.r.t. weights */
    JF_FLOP_ATTN_FWD,         /* score (Q K^T) and value (P V) GEMMs */
    JF_FLOP_ATTN_BWD,         /* their four backward GEMMs */
    JF_FLOP_HEAD,             /* output head GEMMs (embedding side, not in N) */
    JF_FLOP_OTHER,            /* non-GEMM arithmetic: norms, softmax, GELU, loss, SGD */
    JF_FLOP_NCAT
} jf_flop_cat_t;

typedef struct {
    jf_u128 flops[JF_FLOP_NCAT];
    uint64_t gemm_calls;
    /* bf16 runs: fp32 elements rounded to bf16 for GEMM operands, not
     * FLOPs and in no category above (non-GEMM work, reported apart) */
    uint64_t bf16_converted;
} jf_ledger_t;

void jf_ledger_clear(jf_ledger_t *ledger);
void jf_ledger_add(jf_ledger_t *ledger, jf_flop_cat_t cat, jf_u128 flops);
/* Adds every category of src into dst. */
void jf_ledger_merge(jf_ledger_t *dst, const jf_ledger_t *src);

jf_u128 jf_ledger_dense(const jf_ledger_t *ledger);
jf_u128 jf_ledger_attention(const jf_ledger_t *ledger);
jf_u128 jf_ledger_total(const jf_ledger_t *ledger);

/* 6*N*D. */
jf_u128 jf_flops_6nd(uint64_t n_params, uint64_t tokens);
/* Training attention FLOPs, Kaplan's per-token forward term 2*2*n_ctx*d_model
 * per layer, times 3 for forward + backward. */
jf_u128 jf_flops_attention_analytic(const jf_shape_t *shape, uint64_t tokens);

/* Exact decimal digits of v into buf (at least 40 bytes); returns buf. */
char *jf_u128_str(jf_u128 v, char *buf, size_t buflen);
/* The same with thousands separators ("1,234,567"), at least 54 bytes. */
char *jf_u128_str_grouped(jf_u128 v, char *buf, size_t buflen);

#define JF_U128_STRLEN 56

#endif
