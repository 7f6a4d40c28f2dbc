/* jf_model_impl.h: the model's private layout, shared by jf_model.c and the
 * per-precision kernels generated from jf_model_tmpl.c. */
#ifndef JF_MODEL_IMPL_H
#define JF_MODEL_IMPL_H

#include "jf_model.h"
#include "kern/jf_gemm.h"

/* Offsets (in elements) of one layer's tensors inside the weight array. */
typedef struct {
    int64_t ln1_g, ln1_b, wqkv, wo, ln2_g, ln2_b, w1, w2;
} jf_layer_offsets_t;

/* Activations of one layer kept for backward. */
typedef struct {
    void *x;           /* layer input, T x d */
    void *a1;          /* LayerNorm 1 output, T x d */
    void *mu1, *rs1;   /* its row means and reciprocal std devs, T */
    void *qkv;         /* T x 3d */
    void *prob;        /* softmax probabilities, batch*heads x ctx x ctx */
    void *att;         /* attention output, heads concatenated, T x d */
    void *x1;          /* after the attention residual, T x d */
    void *a2;          /* LayerNorm 2 output, T x d */
    void *mu2, *rs2;
    void *h;           /* MLP pre-activation a2 W1, T x ff; GELU'(h) once the GELU forward ran */
    void *g;           /* GELU(h), T x ff */
    /* bf16 models: the copies their GEMMs read (forward and backward); a1,
     * qkv, att, a2 and g exist only as these (see keys below) */
    jf_bf16_t *a1_b, *qkv_b, *prob_b, *att_b, *a2_b, *g_b;
} jf_layer_acts_t;

struct jf_model {
    jf_shape_t shape;
    int64_t batch, tokens;  /* sequences and tokens per step (T = tokens) */
    jf_precision_t precision;
    size_t elem;            /* sizeof(double) for fp64, else sizeof(float) */
    int threads;

    uint64_t nweights;
    void *weights, *grads;
    jf_bf16_t *weights_bf16;   /* bf16 models: the GEMMs' copy of the weights */
    /* bf16 models: weights and every tensor a GEMM reads twice, each with
     * its bf16 copy (weights first); NULL otherwise */
    jf_bf16_mirror_t *mirror_list;
    jf_bf16_mirrors_t mirrors;
    jf_bf16_t *af_b, *dx_b, *datt_b, *dqkv_b, *dh_b, *logits_b, *attn_scratch_b;
    int64_t off_emb, off_pos, off_lnf_g, off_lnf_b, off_head;
    jf_layer_offsets_t *layer_off;

    jf_layer_acts_t *acts;  /* one per layer */
    void *x_final;          /* residual stream after the last layer, T x d */
    void *af, *muf, *rsf;   /* final LayerNorm */
    void *logits;           /* T x vocab; holds d(loss)/d(logits) after backward */
    void *dx;               /* residual-stream gradient, T x d */
    void *dtmp;             /* T x d scratch */
    void *datt;             /* T x d, d(loss)/d(attention output); fp32 and
                               fp64 models: the same array as dtmp */
    void *dqkv;             /* T x 3d */
    void *dh;               /* T x ff, dL/dh; bf16 models: only its bf16 copy */
    void *attn_scratch;     /* per thread: one ctx x ctx tile */

    jf_grad_ready_fn grad_ready;  /* see jf_model_on_grad_ready */
    void *grad_ready_ctx;

    void *arena;            /* everything above lives here, except: */
    size_t arena_bytes;
    jf_huge_t huge;         /* whether the arena asked for huge pages */
    /* bf16 models: the tensors only GEMMs read (a1, qkv, att, a2, g, af,
     * datt, dqkv) exist only as bf16 copies, as frameworks keep them; their
     * fp32 addresses, which name them to the GEMM door, lie in this
     * reservation, which is never backed (any fp32 access faults) */
    void *keys;
    size_t keys_bytes;
};

/* Per-precision kernels (jf_model_s.c, jf_model_d.c). */
double jf_model_fwd_s(jf_model_t *m, const int32_t *tok, const int32_t *tgt,
                      double loss_scale, int want_grad, jf_ledger_t *ledger);
double jf_model_fwd_d(jf_model_t *m, const int32_t *tok, const int32_t *tgt,
                      double loss_scale, int want_grad, jf_ledger_t *ledger);
void jf_model_bwd_s(jf_model_t *m, const int32_t *tok, jf_ledger_t *ledger);
void jf_model_bwd_d(jf_model_t *m, const int32_t *tok, jf_ledger_t *ledger);
void jf_model_mul_product_s(jf_model_t *m, jf_ledger_t *ledger);
void jf_model_mul_product_d(jf_model_t *m, jf_ledger_t *ledger);
void jf_model_init_weights_s(jf_model_t *m, uint64_t seed);
void jf_model_init_weights_d(jf_model_t *m, uint64_t seed);
void jf_model_sgd_s(jf_model_t *m, double lr);
void jf_model_sgd_d(jf_model_t *m, double lr);

#endif
