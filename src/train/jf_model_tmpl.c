/* jf_model_tmpl.c: the transformer's arithmetic, written once for both
 * precisions. Not compiled on its own: jf_model_s.c and jf_model_d.c define
 * JF_REAL (the element type), JF_CH (the BLIS-style letter s or d) and the
 * libm functions of that type, then include this file.
 *
 * Layout: row-major, T = batch*ctx tokens per step; a linear layer is
 * y = x W with W stored d_in x d_out. Every GEMM goes through jf_gemm_*,
 * which counts it. Non-GEMM arithmetic is added to JF_FLOP_OTHER with the
 * nominal per-element operation counts below (not instruction counts). */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/jf_rng.h"
#include "kern/jf_gemm.h"
#include "kern/jf_vmath.h"
#include "jf_model_impl.h"

#define JF_PASTE_(a, b) a##_##b
#define JF_PASTE(a, b) JF_PASTE_(a, b)
#define FN(name) JF_PASTE(name, JF_CH)

typedef JF_REAL real;

/* Nominal arithmetic per element of the non-GEMM kernels. */
enum {
    OPS_LN_FWD = 8, OPS_LN_BWD = 12, OPS_GELU_FWD = 10, OPS_GELU_BWD = 12,
    OPS_SOFTMAX_FWD = 4, OPS_SOFTMAX_BWD = 4, OPS_XENT = 6, OPS_ADD = 1
};

static const real ln_eps = (real)1e-5;

static void add_other(jf_ledger_t *ledger, uint64_t elems, int ops)
{
    jf_ledger_add(ledger, JF_FLOP_OTHER, (jf_u128)elems * (uint64_t)ops);
}

static void grad_ready(const jf_model_t *m, uint64_t first, uint64_t count)
{
    if (m->grad_ready != NULL)
        m->grad_ready(m->grad_ready_ctx, first, count);
}

/* bf16 models (fp32 template) give every GEMM bf16 operands through the
 * weights' bf16 mirror; fp32 and fp64 models have none. */
static jf_gemm_ctx_t gemm_ctx(const jf_model_t *m, jf_ledger_t *ledger, jf_flop_cat_t cat,
                              int threads)
{
    jf_gemm_ctx_t c = {ledger, cat, threads, m->precision == JF_BF16 ? &m->mirrors : NULL};
    return c;
}

/* bf16 models: the bf16 copy of tensor x that its producer fills as it
 * writes x (a row or block at a time, while it is in cache), counted as n
 * conversions; NULL for fp32 and fp64 models, whose producers skip it. */
static jf_bf16_t *FN(bf16_target)(const jf_model_t *m, const real *x, int64_t n,
                                  jf_ledger_t *ledger)
{
#if JF_BF16_CAPABLE
    for (int i = 0; m->precision == JF_BF16 && i < m->mirrors.count; i++)
        if (m->mirrors.list[i].base == x) {
            ledger->bf16_converted += (uint64_t)n;
            return m->mirrors.list[i].bf16;
        }
#else
    (void)m, (void)x, (void)n, (void)ledger;
#endif
    return NULL;
}

/* Round n values just written at x into xb (when the tensor has a copy). */
static inline void FN(round_into)(jf_bf16_t *xb, const real *x, int64_t n)
{
#if JF_BF16_CAPABLE
    if (xb != NULL)
        jf_bf16_from_floats(xb, x, n);
#else
    (void)xb, (void)x, (void)n;
#endif
}

/* The row kernels of LayerNorm, softmax and the loss are compiled once per
 * vector ISA, like the GELU loops (the binary is built for baseline
 * x86-64), and their sums are `omp simd` reductions: a plain running sum is
 * one serial chain the compiler may not reorder. Each call does a whole
 * row (or a whole attention matrix), so the dispatch costs nothing. */
/* mean and 1/std of one row (inlined into each clone below) */
JF_VMATH_INLINE void FN(ln_row_stats)(const real *xr, int64_t d, real *mu, real *rs)
{
    real mean = 0, var = 0;
#pragma omp simd reduction(+ : mean)
    for (int64_t j = 0; j < d; j++)
        mean += xr[j];
    mean /= (real)d;
#pragma omp simd reduction(+ : var)
    for (int64_t j = 0; j < d; j++) {
        const real c = xr[j] - mean;
        var += c * c;
    }
    var /= (real)d;
    *mu = mean;
    *rs = (real)1 / JF_SQRT(var + ln_eps);
}

JF_VECTOR_CLONES
static void FN(ln_fwd_row)(const real *xr, const real *g, const real *b, real *yr, int64_t d,
                           real *mu, real *rs)
{
    FN(ln_row_stats)(xr, d, mu, rs);
    const real mean = *mu, r = *rs;
#pragma omp simd
    for (int64_t j = 0; j < d; j++)
        yr[j] = (xr[j] - mean) * r * g[j] + b[j];
}

#if JF_BF16_CAPABLE
/* bf16 models write some results only to their bf16 copies. Each block is
 * computed into a small fp32 buffer (L1) and then rounded, in two loops:
 * GCC vectorises a loop that both computes in fp32 and stores bf16 at
 * half width and ~8x slower (measured on the GELU). */
#define BF16_BLOCK 1024

/* bf16 models: the row written to its bf16 copy, which is all there is of
 * a LayerNorm output (only GEMMs read it) */
JF_VECTOR_CLONES
static void FN(ln_fwd_row_bf16)(const real *xr, const real *g, const real *b, jf_bf16_t *yb,
                                int64_t d, real *mu, real *rs)
{
    real buf[BF16_BLOCK];
    FN(ln_row_stats)(xr, d, mu, rs);
    const real mean = *mu, r = *rs;
    for (int64_t j0 = 0; j0 < d; j0 += BF16_BLOCK) {
        const int64_t k = d - j0 < BF16_BLOCK ? d - j0 : BF16_BLOCK;
#pragma omp simd
        for (int64_t j = 0; j < k; j++)
            buf[j] = (xr[j0 + j] - mean) * r * g[j0 + j] + b[j0 + j];
#pragma omp simd
        for (int64_t j = 0; j < k; j++)
            yb[j0 + j] = jf_bf16_from_float(buf[j]);
    }
}
#endif

/* dx += dL/dx of one row, given dy, the row's x, mean m and 1/std r */
JF_VECTOR_CLONES
static void FN(ln_bwd_row)(const real *xr, const real *dyr, const real *g, real m, real r,
                           real *dxr, int64_t d)
{
    real s1 = 0, s2 = 0;
#pragma omp simd reduction(+ : s1, s2)
    for (int64_t j = 0; j < d; j++) {
        const real dxh = dyr[j] * g[j];
        s1 += dxh;
        s2 += dxh * (xr[j] - m) * r;
    }
    s1 /= (real)d;
    s2 /= (real)d;
#pragma omp simd
    for (int64_t j = 0; j < d; j++)
        dxr[j] += r * (dyr[j] * g[j] - s1 - (xr[j] - m) * r * s2);
}

/* dg, db over columns [j0, j1) of all T rows, rows in order (so the sums
 * do not depend on the thread count) */
JF_VECTOR_CLONES
static void FN(ln_bwd_cols)(const real *x, const real *dy, const real *mu, const real *rs,
                            real *dg, real *db, int64_t T, int64_t d, int64_t j0, int64_t j1)
{
    for (int64_t j = j0; j < j1; j++)
        dg[j] = db[j] = 0;
    for (int64_t t = 0; t < T; t++) {
        const real m = mu[t], r = rs[t];
        const real *xr = x + t * d, *dyr = dy + t * d;
#pragma omp simd
        for (int64_t j = j0; j < j1; j++) {
            dg[j] += dyr[j] * (xr[j] - m) * r;
            db[j] += dyr[j];
        }
    }
}

/* y = LayerNorm(x) * g + b, row by row; keeps mean and 1/std for backward.
 * yb: bf16 models: y's bf16 copy, written instead of y; else NULL. */
static void FN(ln_fwd)(const real *x, const real *g, const real *b, real *y,
                       real *mu, real *rs, int64_t T, int64_t d, int nth, jf_bf16_t *yb)
{
#pragma omp parallel for num_threads(nth) schedule(static)
    for (int64_t t = 0; t < T; t++) {
#if JF_BF16_CAPABLE
        if (yb != NULL) {
            FN(ln_fwd_row_bf16)(x + t * d, g, b, yb + t * d, d, mu + t, rs + t);
            continue;
        }
#else
        (void)yb;
#endif
        FN(ln_fwd_row)(x + t * d, g, b, y + t * d, d, mu + t, rs + t);
    }
}

/* Backward of ln_fwd: dx += dL/dx; dg, db = dL/dg, dL/db (overwritten).
 * dxb: dx's bf16 copy, or NULL. */
static void FN(ln_bwd)(const real *x, const real *g, const real *mu, const real *rs,
                       const real *dy, real *dx, real *dg, real *db,
                       int64_t T, int64_t d, int nth, jf_bf16_t *dxb)
{
#pragma omp parallel num_threads(nth)
    {
#pragma omp for schedule(static)
        for (int64_t t = 0; t < T; t++) {
            FN(ln_bwd_row)(x + t * d, dy + t * d, g, mu[t], rs[t], dx + t * d, d);
            FN(round_into)(dxb ? dxb + t * d : NULL, dx + t * d, d);
        }
        /* column sums in blocks so each thread streams whole rows */
        const int64_t block = 64;
#pragma omp for schedule(static)
        for (int64_t j0 = 0; j0 < d; j0 += block)
            FN(ln_bwd_cols)(x, dy, mu, rs, dg, db, T, d, j0, j0 + block < d ? j0 + block : d);
    }
}

/* GELU, tanh form (Hendrycks and Gimpel 2016), computed as
 * 0.5 x (1 + tanh(u)) = x * sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3),
 * with its derivative GELU'(x) = s + 2 x s (1 - s) u', s = sigmoid(2u):
 * one exp and one division per element give both. The forward keeps
 * GELU'(h) in place of h, which is all the backward needs: there it is
 * the factor of the GEMM that makes dL/dh (jf_gemm_mul), so the backward
 * has no GELU pass over memory of its own. */
#define GELU_C ((real)0.7978845608028654) /* sqrt(2/pi) */
#define GELU_A ((real)0.044715)

JF_VMATH_INLINE real FN(gelu_and_grad)(real x, real *grad)
{
    const real sg = (real)1 / ((real)1 + JF_EXP((real)-2 * GELU_C * (x + GELU_A * x * x * x)));
    const real du = GELU_C * ((real)1 + (real)3 * GELU_A * x * x);
    *grad = sg + (real)2 * x * sg * ((real)1 - sg) * du;
    return x * sg;
}

/* The GELU loop is the step's largest non-GEMM cost; compiled once per
 * vector ISA (JF_VECTOR_CLONES) and run on one contiguous chunk per
 * thread. out = GELU(h), h = GELU'(h). */
JF_VECTOR_CLONES
static void FN(gelu_fwd_chunk)(real *h, real *out, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        real grad;
        out[i] = FN(gelu_and_grad)(h[i], &grad);
        h[i] = grad;
    }
}

#if JF_BF16_CAPABLE
/* bf16 models: GELU(h) goes to the bf16 copy, which is all the GEMM after
 * it reads (blocked as ln_fwd_row_bf16, for the same reason) */
JF_VECTOR_CLONES
static void FN(gelu_fwd_chunk_bf16)(real *h, jf_bf16_t *outb, int64_t n)
{
    real buf[BF16_BLOCK];
    for (int64_t i0 = 0; i0 < n; i0 += BF16_BLOCK) {
        const int64_t k = n - i0 < BF16_BLOCK ? n - i0 : BF16_BLOCK;
#pragma omp simd
        for (int64_t i = 0; i < k; i++) {
            real grad;
            buf[i] = FN(gelu_and_grad)(h[i0 + i], &grad);
            h[i0 + i] = grad;
        }
#pragma omp simd
        for (int64_t i = 0; i < k; i++)
            outb[i0 + i] = jf_bf16_from_float(buf[i]);
    }
}
#endif

/* out = GELU(h) (bf16 models: outb, out's bf16 copy, instead), and h
 * becomes GELU'(h) for the backward */
static void FN(gelu_fwd)(real *h, real *out, int64_t n, int nth, jf_bf16_t *outb)
{
#pragma omp parallel num_threads(nth)
    {
        int64_t lo, len;
        jf_thread_chunk(n, &lo, &len);
#if JF_BF16_CAPABLE
        if (outb != NULL)
            FN(gelu_fwd_chunk_bf16)(h + lo, outb + lo, len);
        else
#else
        (void)outb;
#endif
            FN(gelu_fwd_chunk)(h + lo, out + lo, len);
    }
}

/* P (ctx x ctx scores) becomes its causal softmax, row by row: row i
 * over columns 0..i, zeros after. */
JF_VECTOR_CLONES
static void FN(softmax_causal)(real *P, int64_t ctx)
{
    for (int64_t i = 0; i < ctx; i++) {
        real *row = P + i * ctx;
        real mx = row[0], sum = 0;
#pragma omp simd reduction(max : mx)
        for (int64_t j = 1; j <= i; j++)
            mx = row[j] > mx ? row[j] : mx;
#pragma omp simd reduction(+ : sum)
        for (int64_t j = 0; j <= i; j++) {
            row[j] = JF_EXP(row[j] - mx);
            sum += row[j];
        }
        const real inv = (real)1 / sum;
#pragma omp simd
        for (int64_t j = 0; j <= i; j++)
            row[j] *= inv;
        for (int64_t j = i + 1; j < ctx; j++)
            row[j] = 0;
    }
}

/* softmax backward in place: dP becomes dS = P * (dP - rowsum(dP * P)) * scale */
JF_VECTOR_CLONES
static void FN(softmax_causal_bwd)(real *dP, const real *P, int64_t ctx, real scale)
{
    for (int64_t i = 0; i < ctx; i++) {
        real *row = dP + i * ctx;
        const real *prow = P + i * ctx;
        real dot = 0;
#pragma omp simd reduction(+ : dot)
        for (int64_t j = 0; j <= i; j++)
            dot += row[j] * prow[j];
#pragma omp simd
        for (int64_t j = 0; j <= i; j++)
            row[j] = prow[j] * (row[j] - dot) * scale;
        for (int64_t j = i + 1; j < ctx; j++)
            row[j] = 0;
    }
}

/* Causal multi-head attention, one (sequence, head) pair per iteration:
 * P = softmax(mask(Q K^T / sqrt(dh))), att = P V. The full ctx x ctx score
 * GEMM is computed, as Kaplan's attention FLOP term assumes. */
static void FN(attn_fwd)(jf_model_t *m, const real *qkv, real *prob, real *att,
                         jf_ledger_t *ledger)
{
    const int64_t H = m->shape.heads, ctx = m->shape.ctx, d = m->shape.d_model;
    const int64_t dh = d / H, pairs = m->batch * H;
    const real scale = (real)1 / JF_SQRT((real)dh);

#pragma omp parallel num_threads(m->threads)
    {
        jf_ledger_t local;
        jf_ledger_clear(&local);
        const jf_gemm_ctx_t gc = gemm_ctx(m, &local, JF_FLOP_ATTN_FWD, 1);
        /* bf16 models: P's copy, which P V here and dV = P^T dO in backward read */
        jf_bf16_t *const pb = FN(bf16_target)(m, prob, 0, &local);
#pragma omp for schedule(static)
        for (int64_t bh = 0; bh < pairs; bh++) {
            const int64_t b = bh / H, h = bh % H;
            const real *q = qkv + b * ctx * 3 * d + h * dh;
            const real *k = q + d, *v = q + 2 * d;
            real *P = prob + bh * ctx * ctx;
            FN(jf_gemm)(&gc, 0, 1, ctx, ctx, dh, scale, q, 3 * d, k, 3 * d, 0, P, ctx);
            FN(softmax_causal)(P, ctx);
            add_other(&local, (uint64_t)(ctx * (ctx + 1) / 2), OPS_SOFTMAX_FWD);
            if (pb != NULL) {
                FN(round_into)(pb + bh * ctx * ctx, P, ctx * ctx);
                local.bf16_converted += (uint64_t)(ctx * ctx);
            }
            FN(jf_gemm)(&gc, 0, 0, ctx, dh, ctx, 1, P, ctx, v, 3 * d, 0,
                        att + b * ctx * d + h * dh, d);
        }
#pragma omp critical(jf_ledger_merge)
        jf_ledger_merge(ledger, &local);
    }
}

/* Backward of attn_fwd: datt (T x d) -> dqkv (T x 3d, overwritten). */
static void FN(attn_bwd)(jf_model_t *m, const real *qkv, const real *prob,
                         const real *datt, real *dqkv, jf_ledger_t *ledger)
{
    const int64_t H = m->shape.heads, ctx = m->shape.ctx, d = m->shape.d_model;
    const int64_t dh = d / H, pairs = m->batch * H;
    const real scale = (real)1 / JF_SQRT((real)dh);

#pragma omp parallel num_threads(m->threads)
    {
        jf_ledger_t local;
        jf_ledger_clear(&local);
        const jf_gemm_ctx_t gc = gemm_ctx(m, &local, JF_FLOP_ATTN_BWD, 1);
        const int64_t tid = omp_get_thread_num();
        real *dP = (real *)m->attn_scratch + tid * ctx * ctx;
        /* bf16 models: dS's copy, which dQ = dS K and dK = dS^T Q read */
        jf_bf16_t *dsb = FN(bf16_target)(m, m->attn_scratch, 0, &local);
        if (dsb != NULL)
            dsb += tid * ctx * ctx;
#pragma omp for schedule(static)
        for (int64_t bh = 0; bh < pairs; bh++) {
            const int64_t b = bh / H, h = bh % H;
            const int64_t base = b * ctx * 3 * d + h * dh;
            const real *q = qkv + base, *k = q + d, *v = q + 2 * d;
            real *dq = dqkv + base, *dk = dq + d, *dv = dq + 2 * d;
            const real *P = prob + bh * ctx * ctx;
            const real *dO = datt + b * ctx * d + h * dh;
            /* dP = dO V^T; dV = P^T dO */
            FN(jf_gemm)(&gc, 0, 1, ctx, ctx, dh, 1, dO, d, v, 3 * d, 0, dP, ctx);
            FN(jf_gemm)(&gc, 1, 0, ctx, dh, ctx, 1, P, ctx, dO, d, 0, dv, 3 * d);
            /* softmax backward, in place */
            FN(softmax_causal_bwd)(dP, P, ctx, scale);
            add_other(&local, (uint64_t)(ctx * (ctx + 1) / 2), OPS_SOFTMAX_BWD);
            if (dsb != NULL) {
                FN(round_into)(dsb, dP, ctx * ctx);
                local.bf16_converted += (uint64_t)(ctx * ctx);
            }
            /* dQ = dS K; dK = dS^T Q */
            FN(jf_gemm)(&gc, 0, 0, ctx, dh, ctx, 1, dP, ctx, k, 3 * d, 0, dq, 3 * d);
            FN(jf_gemm)(&gc, 1, 0, ctx, dh, ctx, 1, dP, ctx, q, 3 * d, 0, dk, 3 * d);
        }
#pragma omp critical(jf_ledger_merge)
        jf_ledger_merge(ledger, &local);
    }
}

/* One token's cross-entropy: returns log(sum exp) + max - logit[tgt] in
 * double; row becomes exp(logit - max), or with want_grad
 * loss_scale * (softmax - onehot). */
JF_VECTOR_CLONES
static double FN(xent_row)(real *row, int32_t tgt, int64_t V, double loss_scale, int want_grad)
{
    real mx = row[0], sum = 0;
#pragma omp simd reduction(max : mx)
    for (int64_t j = 1; j < V; j++)
        mx = row[j] > mx ? row[j] : mx;
    const real target_logit = row[tgt];
    /* one exp per logit */
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < V; j++) {
        row[j] = JF_EXP(row[j] - mx);
        sum += row[j];
    }
    if (want_grad) {
        const real scale = (real)(loss_scale / (double)sum);
#pragma omp simd
        for (int64_t j = 0; j < V; j++)
            row[j] *= scale;
        row[tgt] -= (real)loss_scale;
    }
    return log((double)sum) + (double)(mx - target_logit);
}

/* Cross-entropy over the vocabulary for each token. With want_grad the
 * logits are replaced by loss_scale * (softmax - onehot). Sum in double. */
static double FN(xent)(real *logits, const int32_t *tgt, int64_t T, int64_t V,
                       double loss_scale, int want_grad, int nth, jf_bf16_t *gradb)
{
    double loss = 0;
#pragma omp parallel for num_threads(nth) schedule(static) reduction(+ : loss)
    for (int64_t t = 0; t < T; t++) {
        loss += FN(xent_row)(logits + t * V, tgt[t], V, loss_scale, want_grad);
        if (want_grad)
            FN(round_into)(gradb ? gradb + t * V : NULL, logits + t * V, V);
    }
    return loss;
}

double FN(jf_model_fwd)(jf_model_t *m, const int32_t *tok, const int32_t *tgt,
                        double loss_scale, int want_grad, jf_ledger_t *ledger)
{
    const jf_shape_t *s = &m->shape;
    const int64_t T = m->tokens, d = s->d_model, ff = s->ff, V = s->vocab;
    const int nth = m->threads;
    const real *W = m->weights;
    const jf_gemm_ctx_t dense = gemm_ctx(m, ledger, JF_FLOP_DENSE_FWD, nth);
    const jf_gemm_ctx_t head = gemm_ctx(m, ledger, JF_FLOP_HEAD, nth);

    /* token + position embedding */
    real *x0 = m->acts[0].x;
#pragma omp parallel for num_threads(nth) schedule(static)
    for (int64_t t = 0; t < T; t++) {
        const real *e = W + m->off_emb + (int64_t)tok[t] * d;
        const real *p = W + m->off_pos + (t % s->ctx) * d;
        for (int64_t j = 0; j < d; j++)
            x0[t * d + j] = e[j] + p[j];
    }
    add_other(ledger, (uint64_t)(T * d), OPS_ADD);

    for (int64_t l = 0; l < s->layers; l++) {
        const jf_layer_offsets_t *o = &m->layer_off[l];
        jf_layer_acts_t *A = &m->acts[l];
        real *xin = A->x, *x1 = A->x1;
        real *xout = l + 1 < s->layers ? m->acts[l + 1].x : m->x_final;

        FN(ln_fwd)(xin, W + o->ln1_g, W + o->ln1_b, A->a1, A->mu1, A->rs1, T, d, nth,
                   FN(bf16_target)(m, A->a1, T * d, ledger));
        /* bf16 models: qkv and att exist only in bf16, which these GEMMs
         * write (the door rounds their fp32 results) */
        FN(jf_gemm)(&dense, 0, 0, T, 3 * d, d, 1, A->a1, d, W + o->wqkv, 3 * d, 0,
                    A->qkv, 3 * d);
        FN(attn_fwd)(m, A->qkv, A->prob, A->att, ledger);
        /* x1 = xin + att Wo: the residual rides in as beta = 1 */
        memcpy(x1, xin, (size_t)(T * d) * sizeof(real));
        FN(jf_gemm)(&dense, 0, 0, T, d, d, 1, A->att, d, W + o->wo, d, 1, x1, d);
        FN(ln_fwd)(x1, W + o->ln2_g, W + o->ln2_b, A->a2, A->mu2, A->rs2, T, d, nth,
                   FN(bf16_target)(m, A->a2, T * d, ledger));
        FN(jf_gemm)(&dense, 0, 0, T, ff, d, 1, A->a2, d, W + o->w1, ff, 0, A->h, ff);
        FN(gelu_fwd)(A->h, A->g, T * ff, nth, FN(bf16_target)(m, A->g, T * ff, ledger));
        memcpy(xout, x1, (size_t)(T * d) * sizeof(real));
        FN(jf_gemm)(&dense, 0, 0, T, d, ff, 1, A->g, ff, W + o->w2, d, 1, xout, d);
        add_other(ledger, (uint64_t)(T * d), 2 * OPS_LN_FWD + 2 * OPS_ADD);
        add_other(ledger, (uint64_t)(T * ff), OPS_GELU_FWD);
    }
    FN(ln_fwd)(m->x_final, W + m->off_lnf_g, W + m->off_lnf_b, m->af, m->muf, m->rsf,
               T, d, nth, FN(bf16_target)(m, m->af, T * d, ledger));
    FN(jf_gemm)(&head, 0, 0, T, V, d, 1, m->af, d, W + m->off_head, V, 0, m->logits, V);
    add_other(ledger, (uint64_t)(T * d), OPS_LN_FWD);
    add_other(ledger, (uint64_t)(T * V), OPS_XENT);
    /* with gradients, the logits become dL/dlogits, which backward's
     * head GEMMs read in bf16 */
    return FN(xent)(m->logits, tgt, T, V, loss_scale, want_grad, nth,
                    want_grad ? FN(bf16_target)(m, m->logits, T * V, ledger) : NULL);
}

void FN(jf_model_bwd)(jf_model_t *m, const int32_t *tok, jf_ledger_t *ledger)
{
    const jf_shape_t *s = &m->shape;
    const int64_t T = m->tokens, d = s->d_model, ff = s->ff, V = s->vocab;
    const int nth = m->threads;
    const real *W = m->weights;
    real *G = m->grads, *dx = m->dx, *dtmp = m->dtmp, *dh = m->dh, *dqkv = m->dqkv;
    const jf_gemm_ctx_t head = gemm_ctx(m, ledger, JF_FLOP_HEAD, nth);
    const jf_gemm_ctx_t bwd_w = gemm_ctx(m, ledger, JF_FLOP_DENSE_BWD_WEIGHT, nth);
    const jf_gemm_ctx_t bwd_x = gemm_ctx(m, ledger, JF_FLOP_DENSE_BWD_DATA, nth);

    /* head: dWhead = af^T dlogits; daf = dlogits Whead^T */
    FN(jf_gemm)(&head, 1, 0, d, V, T, 1, m->af, d, m->logits, V, 0, G + m->off_head, V);
    FN(jf_gemm)(&head, 0, 1, T, d, V, 1, m->logits, V, W + m->off_head, V, 0, dtmp, d);
    memset(dx, 0, (size_t)(T * d) * sizeof(real));
    FN(ln_bwd)(m->x_final, W + m->off_lnf_g, m->muf, m->rsf, dtmp, dx,
               G + m->off_lnf_g, G + m->off_lnf_b, T, d, nth,
               FN(bf16_target)(m, dx, T * d, ledger));
    add_other(ledger, (uint64_t)(T * d), OPS_LN_BWD);
    /* final LayerNorm and head are last in the weight array */
    grad_ready(m, (uint64_t)m->off_lnf_g, m->nweights - (uint64_t)m->off_lnf_g);

    for (int64_t l = s->layers - 1; l >= 0; l--) {
        const jf_layer_offsets_t *o = &m->layer_off[l];
        const jf_layer_acts_t *A = &m->acts[l];
        /* dx holds dL/dxout (and its bf16 copy). MLP: xout = x1 + GELU(a2 W1) W2 */
        FN(jf_gemm)(&bwd_w, 1, 0, ff, d, T, 1, A->g, ff, dx, d, 0, G + o->w2, d);
        /* dL/dh = (dL/dg W2^T) * GELU'(h), which the forward left in h; bf16
         * models: dh exists only in bf16, which the GEMM writes */
        FN(jf_gemm_mul)(&bwd_x, 0, 1, T, ff, d, 1, dx, d, W + o->w2, d, 0, dh, ff, A->h, ff);
        FN(jf_gemm)(&bwd_w, 1, 0, d, ff, T, 1, A->a2, d, dh, ff, 0, G + o->w1, ff);
        FN(jf_gemm)(&bwd_x, 0, 1, T, d, ff, 1, dh, ff, W + o->w1, ff, 0, dtmp, d);
        FN(ln_bwd)(A->x1, W + o->ln2_g, A->mu2, A->rs2, dtmp, dx, G + o->ln2_g,
                   G + o->ln2_b, T, d, nth, FN(bf16_target)(m, dx, T * d, ledger));
        /* dx holds dL/dx1. Attention: x1 = xin + att Wo */
        FN(jf_gemm)(&bwd_w, 1, 0, d, d, T, 1, A->att, d, dx, d, 0, G + o->wo, d);
        /* bf16 models: datt and dqkv exist only in bf16, as qkv and att */
        FN(jf_gemm)(&bwd_x, 0, 1, T, d, d, 1, dx, d, W + o->wo, d, 0, m->datt, d);
        FN(attn_bwd)(m, A->qkv, A->prob, m->datt, dqkv, ledger);
        FN(jf_gemm)(&bwd_w, 1, 0, d, 3 * d, T, 1, A->a1, d, dqkv, 3 * d, 0, G + o->wqkv,
                    3 * d);
        FN(jf_gemm)(&bwd_x, 0, 1, T, d, 3 * d, 1, dqkv, 3 * d, W + o->wqkv, 3 * d, 0,
                    dtmp, d);
        /* dL/dxin is the next layer down's dL/dxout; the first layer's goes
         * to the embeddings, which no GEMM reads */
        FN(ln_bwd)(A->x, W + o->ln1_g, A->mu1, A->rs1, dtmp, dx, G + o->ln1_g,
                   G + o->ln1_b, T, d, nth, l > 0 ? FN(bf16_target)(m, dx, T * d, ledger) : NULL);
        add_other(ledger, (uint64_t)(T * d), 2 * OPS_LN_BWD + 2 * OPS_ADD);
        add_other(ledger, (uint64_t)(T * ff), OPS_GELU_BWD);
        const int64_t end = l + 1 < s->layers ? m->layer_off[l + 1].ln1_g : m->off_lnf_g;
        grad_ready(m, (uint64_t)o->ln1_g, (uint64_t)(end - o->ln1_g));
    }
    /* dx holds dL/dx0: scatter into the embeddings */
    real *ge = G + m->off_emb, *gp = G + m->off_pos;
    memset(ge, 0, (size_t)(s->vocab * d) * sizeof(real));
    memset(gp, 0, (size_t)(s->ctx * d) * sizeof(real));
    for (int64_t t = 0; t < T; t++) {
        real *er = ge + (int64_t)tok[t] * d, *pr = gp + (t % s->ctx) * d;
        for (int64_t j = 0; j < d; j++) {
            er[j] += dx[t * d + j];
            pr[j] += dx[t * d + j];
        }
    }
    add_other(ledger, (uint64_t)(T * d), 2 * OPS_ADD);
    grad_ready(m, (uint64_t)m->off_emb, (uint64_t)m->layer_off[0].ln1_g);
}

/* The MLP backward's product with GELU' of the last layer, alone, on the
 * model's own buffers (whatever they hold): what jf_trainer_choose_mul
 * times. Counted into ledger, which the caller throws away. */
void FN(jf_model_mul_product)(jf_model_t *m, jf_ledger_t *ledger)
{
    const int64_t T = m->tokens, d = m->shape.d_model, ff = m->shape.ff;
    const jf_layer_offsets_t *o = &m->layer_off[m->shape.layers - 1];
    const jf_gemm_ctx_t bwd_x = gemm_ctx(m, ledger, JF_FLOP_DENSE_BWD_DATA, m->threads);
    FN(jf_gemm_mul)(&bwd_x, 0, 1, T, ff, d, 1, m->dx, d, (const real *)m->weights + o->w2, d,
                    0, m->dh, ff, m->acts[m->shape.layers - 1].h, ff);
}

static void FN(fill_normal)(real *w, int64_t n, double std, uint64_t key, int nth)
{
#pragma omp parallel for num_threads(nth) schedule(static)
    for (int64_t i = 0; i < n; i++)
        w[i] = (real)(std * jf_rng_normal(key, (uint64_t)i));
}

static void FN(fill_const)(real *w, int64_t n, real value)
{
    for (int64_t i = 0; i < n; i++)
        w[i] = value;
}

/* Initial weights: 1/sqrt(fan_in) for the matrices, the residual branches'
 * output projections scaled down by sqrt(2 n_layer) (GPT-2), a small head so
 * the first loss is close to ln(vocab). */
void FN(jf_model_init_weights)(jf_model_t *m, uint64_t seed)
{
    const jf_shape_t *s = &m->shape;
    const int64_t d = s->d_model, ff = s->ff, V = s->vocab;
    const int nth = m->threads;
    const double branch = 1.0 / sqrt(2.0 * (double)s->layers);
    real *W = m->weights;
    uint64_t stream = 0;

    FN(fill_normal)(W + m->off_emb, V * d, 1.0, jf_rng_key(seed, stream++), nth);
    FN(fill_normal)(W + m->off_pos, s->ctx * d, 0.1, jf_rng_key(seed, stream++), nth);
    for (int64_t l = 0; l < s->layers; l++) {
        const jf_layer_offsets_t *o = &m->layer_off[l];
        FN(fill_const)(W + o->ln1_g, d, 1);
        FN(fill_const)(W + o->ln1_b, d, 0);
        FN(fill_const)(W + o->ln2_g, d, 1);
        FN(fill_const)(W + o->ln2_b, d, 0);
        FN(fill_normal)(W + o->wqkv, d * 3 * d, 1.0 / sqrt((double)d),
                        jf_rng_key(seed, stream++), nth);
        FN(fill_normal)(W + o->wo, d * d, branch / sqrt((double)d),
                        jf_rng_key(seed, stream++), nth);
        FN(fill_normal)(W + o->w1, d * ff, 1.0 / sqrt((double)d),
                        jf_rng_key(seed, stream++), nth);
        FN(fill_normal)(W + o->w2, ff * d, branch / sqrt((double)ff),
                        jf_rng_key(seed, stream++), nth);
    }
    FN(fill_const)(W + m->off_lnf_g, d, 1);
    FN(fill_const)(W + m->off_lnf_b, d, 0);
    FN(fill_normal)(W + m->off_head, d * V, 0.1 / sqrt((double)d),
                    jf_rng_key(seed, stream++), nth);
}

void FN(jf_model_sgd)(jf_model_t *m, double lr)
{
    real *w = m->weights;
    const real *g = m->grads;
    const real step = (real)lr;
    const int64_t n = (int64_t)m->nweights;
#pragma omp parallel for num_threads(m->threads) schedule(static)
    for (int64_t i = 0; i < n; i++)
        w[i] -= step * g[i];
}
