/* jf_model.c: layout, allocation and precision dispatch of the model. One
 * function, carve_layout, decides where every array lives; run on a NULL base
 * it only measures, which is how jf_model_bytes predicts memory exactly. */
#include "jf_model_impl.h"

#include "kern/jf_vmath.h"

#include <math.h>
#include <omp.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JF_ALIGN 64

typedef struct {
    char *base;   /* NULL while measuring */
    size_t used;
} jf_arena_t;

static void *carve(jf_arena_t *a, uint64_t elems, size_t elem)
{
    const size_t off = (a->used + JF_ALIGN - 1) / JF_ALIGN * JF_ALIGN;
    a->used = off + (size_t)elems * elem;
    return a->base ? a->base + off : NULL;
}

/* Weight offsets; returns the number of weights. */
static uint64_t weight_offsets(jf_model_t *m)
{
    const jf_shape_t *s = &m->shape;
    const int64_t d = s->d_model, ff = s->ff;
    int64_t o = 0;

    m->off_emb = o;  o += s->vocab * d;
    m->off_pos = o;  o += s->ctx * d;
    for (int64_t l = 0; l < s->layers; l++) {
        jf_layer_offsets_t *L = &m->layer_off[l];
        L->ln1_g = o;  o += d;
        L->ln1_b = o;  o += d;
        L->wqkv = o;   o += d * 3 * d;
        L->wo = o;     o += d * d;
        L->ln2_g = o;  o += d;
        L->ln2_b = o;  o += d;
        L->w1 = o;     o += d * ff;
        L->w2 = o;     o += ff * d;
    }
    m->off_lnf_g = o;  o += d;
    m->off_lnf_b = o;  o += d;
    m->off_head = o;   o += d * s->vocab;
    return (uint64_t)o;
}

/* keys: where the bf16-only tensors' fp32 addresses are carved (bf16
 * models; the arena itself otherwise) */
static void carve_layout(jf_model_t *m, jf_arena_t *a, jf_arena_t *keys)
{
    const jf_shape_t *s = &m->shape;
    const uint64_t T = (uint64_t)m->tokens, d = (uint64_t)s->d_model;
    const uint64_t ff = (uint64_t)s->ff, ctx = (uint64_t)s->ctx;
    const size_t e = m->elem;

    m->weights = carve(a, m->nweights, e);
    m->grads = carve(a, m->nweights, e);
    if (m->precision == JF_BF16)
        m->weights_bf16 = carve(a, m->nweights, sizeof(jf_bf16_t));
    for (int64_t l = 0; l < s->layers; l++) {
        jf_layer_acts_t *A = &m->acts[l];
        A->x = carve(a, T * d, e);
        A->a1 = carve(keys, T * d, e);
        A->mu1 = carve(a, T, e);
        A->rs1 = carve(a, T, e);
        A->qkv = carve(keys, T * 3 * d, e);
        A->prob = carve(a, (uint64_t)m->batch * (uint64_t)s->heads * ctx * ctx, e);
        A->att = carve(keys, T * d, e);
        A->x1 = carve(a, T * d, e);
        A->a2 = carve(keys, T * d, e);
        A->mu2 = carve(a, T, e);
        A->rs2 = carve(a, T, e);
        A->h = carve(a, T * ff, e);
        A->g = carve(keys, T * ff, e);
    }
    m->x_final = carve(a, T * d, e);
    m->af = carve(keys, T * d, e);
    m->muf = carve(a, T, e);
    m->rsf = carve(a, T, e);
    m->logits = carve(a, T * (uint64_t)s->vocab, e);
    m->dx = carve(a, T * d, e);
    m->dtmp = carve(a, T * d, e);
    m->datt = keys != a ? carve(keys, T * d, e) : m->dtmp;
    m->dqkv = carve(keys, T * 3 * d, e);
    m->dh = carve(keys, T * ff, e);
    m->attn_scratch = carve(a, (uint64_t)m->threads * ctx * ctx, e);
    if (m->precision != JF_BF16)
        return;
    const size_t b = sizeof(jf_bf16_t);
    for (int64_t l = 0; l < s->layers; l++) {
        jf_layer_acts_t *A = &m->acts[l];
        A->a1_b = carve(a, T * d, b);
        A->qkv_b = carve(a, T * 3 * d, b);
        A->prob_b = carve(a, (uint64_t)m->batch * (uint64_t)s->heads * ctx * ctx, b);
        A->att_b = carve(a, T * d, b);
        A->a2_b = carve(a, T * d, b);
        A->g_b = carve(a, T * ff, b);
    }
    m->af_b = carve(a, T * d, b);
    m->dx_b = carve(a, T * d, b);
    m->datt_b = carve(a, T * d, b);
    m->dqkv_b = carve(a, T * 3 * d, b);
    m->dh_b = carve(a, T * ff, b);
    m->logits_b = carve(a, T * (uint64_t)s->vocab, b);
    m->attn_scratch_b = carve(a, (uint64_t)m->threads * ctx * ctx, b);
}

/* Every fp32 array with a bf16 copy, for the GEMM door. */
static int mirrors_init(jf_model_t *m)
{
    const jf_shape_t *s = &m->shape;
    const uint64_t T = (uint64_t)m->tokens, d = (uint64_t)s->d_model, ff = (uint64_t)s->ff;
    const uint64_t ctx = (uint64_t)s->ctx, pairs = (uint64_t)m->batch * (uint64_t)s->heads;
    const int n = 1 + 6 * (int)s->layers + 7;  /* weights, per layer, the rest */
    jf_bf16_mirror_t *list = calloc((size_t)n, sizeof *list);
    int k = 0;
    if (list == NULL)
        return -1;
#define MIRROR(f32, b16, elems, only) \
    list[k++] = (jf_bf16_mirror_t){(const float *)(f32), (elems), (b16), (only)}
    MIRROR(m->weights, m->weights_bf16, m->nweights, 0);
    for (int64_t l = 0; l < s->layers; l++) {
        const jf_layer_acts_t *A = &m->acts[l];
        MIRROR(A->a1, A->a1_b, T * d, 1);
        MIRROR(A->qkv, A->qkv_b, T * 3 * d, 1);
        MIRROR(A->prob, A->prob_b, pairs * ctx * ctx, 0);
        MIRROR(A->att, A->att_b, T * d, 1);
        MIRROR(A->a2, A->a2_b, T * d, 1);
        MIRROR(A->g, A->g_b, T * ff, 1);
    }
    MIRROR(m->af, m->af_b, T * d, 1);
    MIRROR(m->dx, m->dx_b, T * d, 0);
    MIRROR(m->datt, m->datt_b, T * d, 1);
    MIRROR(m->dqkv, m->dqkv_b, T * 3 * d, 1);
    MIRROR(m->dh, m->dh_b, T * ff, 1);
    MIRROR(m->logits, m->logits_b, T * (uint64_t)s->vocab, 0);
    MIRROR(m->attn_scratch, m->attn_scratch_b, (uint64_t)m->threads * ctx * ctx, 0);
#undef MIRROR
    m->mirror_list = list;
    m->mirrors.list = list;
    m->mirrors.count = k;
    return 0;
}

static void model_init_fields(jf_model_t *m, const jf_shape_t *shape, int64_t batch,
                              jf_precision_t precision, int threads)
{
    m->shape = *shape;
    m->batch = batch;
    m->tokens = batch * shape->ctx;
    m->precision = precision;
    m->elem = precision == JF_FP64 ? sizeof(double) : sizeof(float);  /* bf16: fp32 master */
    m->threads = threads > 0 ? threads : 1;
}

uint64_t jf_model_bytes(const jf_shape_t *shape, int64_t batch,
                        jf_precision_t precision, int threads)
{
    jf_model_t m;
    jf_arena_t a = {NULL, 0};
    uint64_t bytes = UINT64_MAX;

    /* shapes whose arrays could not even be indexed need no closer look */
    const double T = (double)batch * (double)shape->ctx;
    const double widest = fmax(fmax(3.0 * (double)shape->d_model, (double)shape->ff),
                               fmax((double)shape->vocab, (double)shape->heads * (double)shape->ctx));
    const double layer_weights = (double)shape->d_model * (4.0 * (double)shape->d_model +
                                                          2.0 * (double)shape->ff);
    if (T * widest * (double)shape->layers > 0x1p56 || layer_weights * (double)shape->layers > 0x1p56 ||
        (double)shape->vocab * (double)shape->d_model > 0x1p56)
        return UINT64_MAX;
    memset(&m, 0, sizeof m);
    model_init_fields(&m, shape, batch, precision, threads);
    /* the per-layer bookkeeping is small; the arena is only measured */
    m.layer_off = calloc((size_t)shape->layers, sizeof *m.layer_off);
    m.acts = calloc((size_t)shape->layers, sizeof *m.acts);
    if (m.layer_off != NULL && m.acts != NULL) {
        m.nweights = weight_offsets(&m);
        jf_arena_t keys = {NULL, 0};
        carve_layout(&m, &a, precision == JF_BF16 ? &keys : &a);
        bytes = (uint64_t)a.used + sizeof m +
                (uint64_t)shape->layers * (sizeof *m.layer_off + sizeof *m.acts);
        if (precision == JF_BF16) {
            /* the GEMM door's rounded copies: attention's dO slices */
            const uint64_t ctx = (uint64_t)shape->ctx;
            bytes += (uint64_t)(threads > 0 ? threads : 1) * 2 * ctx * (uint64_t)shape->d_model *
                     sizeof(jf_bf16_t);
            /* and its fp32 block for the product with GELU' when that runs
             * after the product (measured in the warm-up, jf_gemm.h) */
            bytes += (uint64_t)(T * (double)shape->ff) * sizeof(float);
        }
    }
    free(m.layer_off);
    free(m.acts);
    return bytes;
}

static int use_huge_pages = 1;

void jf_model_use_huge_pages(int on)
{
    use_huge_pages = on;
}

const jf_huge_t *jf_model_huge(const jf_model_t *m)
{
    return &m->huge;
}

jf_err_t jf_model_create(const jf_shape_t *shape, int64_t batch,
                         jf_precision_t precision, int threads, uint64_t seed,
                         jf_model_t **out, char *msg, size_t msglen)
{
    jf_err_t err = JF_OK;
    jf_model_t *m = calloc(1, sizeof *m);
    jf_arena_t a = {NULL, 0};

    if (m == NULL)
        goto nomem;
    model_init_fields(m, shape, batch, precision, threads);
    m->layer_off = calloc((size_t)shape->layers, sizeof *m->layer_off);
    m->acts = calloc((size_t)shape->layers, sizeof *m->acts);
    if (m->layer_off == NULL || m->acts == NULL)
        goto nomem;
    m->nweights = weight_offsets(m);
    jf_arena_t keys = {NULL, 0};
    jf_arena_t *keys_at = precision == JF_BF16 ? &keys : &a;
    carve_layout(m, &a, keys_at);
    m->arena_bytes = a.used;
    m->arena = jf_huge_alloc(a.used, use_huge_pages, &m->huge);
    if (m->arena == NULL)
        goto nomem;
    if (keys.used > 0) {
        /* address space only: PROT_NONE, not committed, never resident */
        void *r = mmap(NULL, keys.used, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                       -1, 0);
        if (r == MAP_FAILED)
            goto nomem;
        m->keys = r;
        m->keys_bytes = keys.used;
    }
    a.base = m->arena;
    a.used = 0;
    keys.base = m->keys;
    keys.used = 0;
    carve_layout(m, &a, keys_at);
    if (precision == JF_FP64)
        jf_model_init_weights_d(m, seed);
    else
        jf_model_init_weights_s(m, seed);
    memset(m->grads, 0, (size_t)m->nweights * m->elem);
    if (precision == JF_BF16) {
        if (mirrors_init(m) != 0)
            goto nomem;
        jf_bf16_from_matrix(m->weights_bf16, m->weights, 1, (int64_t)m->nweights,
                            (int64_t)m->nweights, m->threads);
    }
    *out = m;
    return JF_OK;
nomem:
    snprintf(msg, msglen, "cannot allocate the model (%llu bytes)",
             (unsigned long long)jf_model_bytes(shape, batch, precision, threads));
    err = JF_ENOMEM;
    jf_model_destroy(m);
    *out = NULL;
    return err;
}

void jf_model_destroy(jf_model_t *m)
{
    if (m == NULL)
        return;
    free(m->arena);
    if (m->keys != NULL)
        munmap(m->keys, m->keys_bytes);
    free(m->mirror_list);
    free(m->acts);
    free(m->layer_off);
    free(m);
}

double jf_model_forward_train(jf_model_t *m, const int32_t *tok, const int32_t *tgt,
                              double loss_scale, jf_ledger_t *ledger)
{
    return m->precision == JF_FP64 ? jf_model_fwd_d(m, tok, tgt, loss_scale, 1, ledger)
                                   : jf_model_fwd_s(m, tok, tgt, loss_scale, 1, ledger);
}

void jf_model_backward(jf_model_t *m, const int32_t *tok, jf_ledger_t *ledger)
{
    if (m->precision == JF_FP64)
        jf_model_bwd_d(m, tok, ledger);
    else
        jf_model_bwd_s(m, tok, ledger);
}

void jf_model_mul_product(jf_model_t *m, jf_ledger_t *ledger)
{
    if (m->precision == JF_FP64)
        jf_model_mul_product_d(m, ledger);
    else
        jf_model_mul_product_s(m, ledger);
}

double jf_model_forward_backward(jf_model_t *m, const int32_t *tok, const int32_t *tgt,
                                 double loss_scale, jf_ledger_t *ledger)
{
    const double loss = jf_model_forward_train(m, tok, tgt, loss_scale, ledger);
    jf_model_backward(m, tok, ledger);
    return loss;
}

double jf_model_forward(jf_model_t *m, const int32_t *tok, const int32_t *tgt,
                        jf_ledger_t *ledger)
{
    return m->precision == JF_FP64 ? jf_model_fwd_d(m, tok, tgt, 0.0, 0, ledger)
                                   : jf_model_fwd_s(m, tok, tgt, 0.0, 0, ledger);
}

double jf_model_forward_seqs(jf_model_t *m, int64_t nseq, const int32_t *tok,
                             const int32_t *tgt, jf_ledger_t *ledger)
{
    /* every activation array holds batch sequences, so fewer fit; the
     * passes read the step's size from batch and tokens */
    const int64_t batch = m->batch, tokens = m->tokens;
    if (nseq < 1 || nseq > batch)
        return NAN;
    m->batch = nseq;
    m->tokens = nseq * m->shape.ctx;
    const double loss = jf_model_forward(m, tok, tgt, ledger);
    m->batch = batch;
    m->tokens = tokens;
    return loss;
}

int64_t jf_model_batch(const jf_model_t *m)
{
    return m->batch;
}

/* SGD on the fp32 master weights fused with their rounding to the bf16
 * copy the GEMMs read: one pass over the weights instead of two. */
JF_VECTOR_CLONES
static void sgd_bf16_chunk(float *restrict w, const float *restrict g, jf_bf16_t *restrict wb,
                           float step, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        const float v = w[i] - step * g[i];
        w[i] = v;
        wb[i] = jf_bf16_from_float(v);
    }
}

void jf_model_sgd(jf_model_t *m, double lr, jf_ledger_t *ledger)
{
    if (m->precision == JF_FP64) {
        jf_model_sgd_d(m, lr);
    } else if (m->precision == JF_BF16) {
#pragma omp parallel num_threads(m->threads)
        {
            int64_t lo, len;
            jf_thread_chunk((int64_t)m->nweights, &lo, &len);
            sgd_bf16_chunk((float *)m->weights + lo, (const float *)m->grads + lo,
                           m->weights_bf16 + lo, (float)lr, len);
        }
        ledger->bf16_converted += m->nweights;
    } else {
        jf_model_sgd_s(m, lr);
    }
    jf_ledger_add(ledger, JF_FLOP_OTHER, (jf_u128)2 * m->nweights);
}

void jf_model_on_grad_ready(jf_model_t *m, jf_grad_ready_fn fn, void *ctx)
{
    m->grad_ready = fn;
    m->grad_ready_ctx = ctx;
}

void *jf_model_weights(jf_model_t *m) { return m->weights; }
void *jf_model_grads(jf_model_t *m) { return m->grads; }
uint64_t jf_model_nweights(const jf_model_t *m) { return m->nweights; }
jf_precision_t jf_model_precision(const jf_model_t *m) { return m->precision; }
const jf_shape_t *jf_model_shape(const jf_model_t *m) { return &m->shape; }

double jf_model_weight(const jf_model_t *m, uint64_t i)
{
    return m->precision == JF_FP64 ? ((const double *)m->weights)[i]
                                   : (double)((const float *)m->weights)[i];
}

double jf_model_grad(const jf_model_t *m, uint64_t i)
{
    return m->precision == JF_FP64 ? ((const double *)m->grads)[i]
                                   : (double)((const float *)m->grads)[i];
}

void jf_model_set_weight(jf_model_t *m, uint64_t i, double v)
{
    if (m->precision == JF_FP64)
        ((double *)m->weights)[i] = v;
    else
        ((float *)m->weights)[i] = (float)v;
    if (m->precision == JF_BF16)
        m->weights_bf16[i] = jf_bf16_from_float((float)v);
}
