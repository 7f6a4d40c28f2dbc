/* jf_gemm.c: the counting door in front of the GEMM back-ends, and the
 * bf16 operand preparation of mixed-precision calls. */
#include "jf_gemm.h"

#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jf_gemm_trace_t *active_trace;
static const jf_gemm_backend_t *backend_for[JF_NPRECISION];
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static int failed;
static char fail_msg[256];

void jf_gemm_trace_begin(jf_gemm_trace_t *trace)
{
    trace->records = NULL;
    trace->count = trace->capacity = 0;
    trace->overflow = 0;
    active_trace = trace;
}

void jf_gemm_trace_end(void)
{
    active_trace = NULL;
}

void jf_gemm_trace_free(jf_gemm_trace_t *trace)
{
    free(trace->records);
    trace->records = NULL;
    trace->count = trace->capacity = 0;
}

static void trace_add(const jf_gemm_record_t *r)
{
#pragma omp critical(jf_gemm_trace)
    {
        jf_gemm_trace_t *t = active_trace;
        if (t->count == t->capacity) {
            const size_t cap = t->capacity ? 2 * t->capacity : 256;
            jf_gemm_record_t *grown = realloc(t->records, cap * sizeof *grown);
            if (grown != NULL) {
                t->records = grown;
                t->capacity = cap;
            }
        }
        if (t->count < t->capacity)
            t->records[t->count++] = *r;
        else
            t->overflow = 1;
    }
}

static void set_defaults(void)
{
    for (int p = 0; p < JF_NPRECISION; p++)
        for (int i = 0; backend_for[p] == NULL && jf_gemm_backends[i] != NULL; i++)
            if (jf_gemm_backends[i]->precisions & JF_PRECISION_BIT(p))
                backend_for[p] = jf_gemm_backends[i];
}

static void defaults(void)
{
    pthread_once(&defaults_once, set_defaults);
}

void jf_gemm_use(jf_precision_t precision, const jf_gemm_backend_t *backend)
{
    defaults();
    backend_for[precision] = backend;
}

const jf_gemm_backend_t *jf_gemm_backend_of(jf_precision_t precision)
{
    defaults();
    return backend_for[precision];
}

static void fail(const char *msg)
{
    pthread_mutex_lock(&fail_lock);
    if (!failed)
        snprintf(fail_msg, sizeof fail_msg, "%s", msg);
    failed = 1;
    pthread_mutex_unlock(&fail_lock);
}

int jf_gemm_failed(char *msg, size_t msglen)
{
    pthread_mutex_lock(&fail_lock);
    const int f = failed;
    if (f)
        snprintf(msg, msglen, "%s", fail_msg);
    pthread_mutex_unlock(&fail_lock);
    return f;
}

/* C *= M over an m x n block (the door's c_mul for back-ends that do not
 * fuse it); C and M of type real_t. */
#define JF_DEFINE_MUL(ch, real_t)                                                           \
    static void mul_##ch(real_t *c, int64_t ldc, const real_t *mul, int64_t ldmul,         \
                         int64_t m, int64_t n, int threads)                                 \
    {                                                                                       \
        _Pragma("omp parallel for num_threads(threads) schedule(static) if (threads > 1)") \
        for (int64_t i = 0; i < m; i++)                                                     \
            for (int64_t j = 0; j < n; j++)                                                 \
                c[i * ldc + j] *= mul[i * ldmul + j];                                       \
    }
JF_DEFINE_MUL(s, float)
JF_DEFINE_MUL(d, double)

/* A product with c_mul on a back-end that does not fuse it: the product,
 * then the multiplication; a bf16 C through an fp32 block rounded after. */
static jf_err_t gemm_then_mul(const jf_gemm_backend_t *b, const jf_gemm_args_t *g, char *msg,
                              size_t msglen)
{
    jf_gemm_args_t plain = *g;
    const int threads = omp_in_parallel() ? 1 : g->threads;
    plain.c_mul = NULL;
    if (g->precision == JF_FP64 || !g->c_bf16) {
        const jf_err_t e = b->gemm(&plain, msg, msglen);
        if (e == JF_OK && g->precision == JF_FP64)
            mul_d(g->c, g->ldc, g->c_mul, g->ldmul, g->m, g->n, threads);
        else if (e == JF_OK)
            mul_s(g->c, g->ldc, g->c_mul, g->ldmul, g->m, g->n, threads);
        return e;
    }
    /* the fp32 block: kept between calls outside parallel regions (a
     * fresh one per call was a page-faulting mmap of megabytes), a
     * thread's own inside them */
    static float *kept;
    static size_t kept_elems;
    const size_t elems = (size_t)(g->m * g->n);
    const int keep = !omp_in_parallel();
    if (keep && kept_elems < elems) {
        free(kept);
        kept = malloc(elems * sizeof *kept);
        kept_elems = kept != NULL ? elems : 0;
    }
    float *wide = keep ? kept : malloc(elems * sizeof *wide);
    if (wide == NULL) {
        snprintf(msg, msglen, "out of memory for a %lld x %lld GEMM result", (long long)g->m,
                 (long long)g->n);
        return JF_ENOMEM;
    }
    plain.c = wide;
    plain.ldc = g->n;
    plain.c_bf16 = 0;
    const jf_err_t e = b->gemm(&plain, msg, msglen);
    if (e == JF_OK) {
        const float *mul = g->c_mul;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
        for (int64_t r = 0; r < g->m; r++)
            jf_bf16_from_products((jf_bf16_t *)g->c + r * g->ldc, wide + r * g->n,
                                  mul + r * g->ldmul, g->n);
    }
    if (!keep)
        free(wide);
    return e;
}

static jf_mul_mode_t mul_mode = JF_MUL_FUSED;
static double mul_seconds[2];
static int mul_calls[2];

void jf_gemm_set_mul_mode(jf_mul_mode_t mode)
{
    mul_mode = mode;
    if (mode == JF_MUL_MEASURE)
        mul_seconds[0] = mul_seconds[1] = mul_calls[0] = mul_calls[1] = 0;
}

void jf_gemm_mul_timed(double seconds[2], int calls[2])
{
    for (int k = 0; k < 2; k++) {
        seconds[k] = mul_seconds[k];
        calls[k] = mul_calls[k];
    }
}

/* Count, trace and run one product on the precision's back-end. */
static void run(const jf_gemm_ctx_t *ctx, const jf_gemm_args_t *g)
{
    jf_ledger_add(ctx->ledger, ctx->cat,
                  (jf_u128)2 * (uint64_t)g->m * (uint64_t)g->n * (uint64_t)g->k);
    ctx->ledger->gemm_calls++;
    if (active_trace != NULL) {
        const jf_gemm_record_t r = {g->m, g->n, g->k, g->lda, g->ldb, g->ldc, g->trans_a,
                                    g->trans_b, g->threads, omp_in_parallel(), g->precision,
                                    ctx->cat, g->c_bf16};
        trace_add(&r);
    }
    const jf_gemm_backend_t *b = jf_gemm_backend_of(g->precision);
    char msg[200];
    if (b == NULL) {
        snprintf(msg, sizeof msg, "no GEMM back-end for %s in this build",
                 jf_precision_name(g->precision));
        fail(msg);
        return;
    }
    const int fusable = g->c_mul != NULL && (b->fuses_mul & JF_PRECISION_BIT(g->precision));
    /* measuring: the two ways in ABBA order over the calls, so that the
     * layers (the last one's factor is the freshest in cache) are shared
     * out evenly; outside parallel regions, where the counters are this
     * thread's alone */
    const int timed = fusable && mul_mode == JF_MUL_MEASURE && !omp_in_parallel();
    const int after = timed ? ((mul_calls[0] + mul_calls[1] + 1) / 2) % 2
                            : mul_mode == JF_MUL_AFTER;
    const int door_mul = g->c_mul != NULL && (!fusable || after);
    const double t0 = timed ? omp_get_wtime() : 0;
    if ((door_mul ? gemm_then_mul(b, g, msg, sizeof msg) : b->gemm(g, msg, sizeof msg)) != JF_OK)
        fail(msg);
    if (timed) {
        mul_seconds[after] += omp_get_wtime() - t0;
        mul_calls[after]++;
    }
}

static jf_gemm_args_t args_of(const jf_gemm_ctx_t *ctx, jf_precision_t p, int trans_a,
                              int trans_b, int64_t m, int64_t n, int64_t k, double alpha,
                              const void *a, int64_t lda, const void *b, int64_t ldb,
                              double beta, void *c, int64_t ldc)
{
    const jf_gemm_args_t g = {p, trans_a, trans_b, m, n, k, lda, ldb, ldc, alpha, beta,
                              a, b, c, ctx->threads > 0 ? ctx->threads : 1, 0, NULL, 0};
    return g;
}

void jf_gemm_mul_d(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b, int64_t m, int64_t n,
                   int64_t k, double alpha, const double *a, int64_t lda, const double *b,
                   int64_t ldb, double beta, double *c, int64_t ldc, const double *mul,
                   int64_t ldmul)
{
    jf_gemm_args_t g = args_of(ctx, JF_FP64, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb,
                               beta, c, ldc);
    g.c_mul = mul;
    g.ldmul = ldmul;
    run(ctx, &g);
}

void jf_gemm_d(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b, int64_t m, int64_t n,
               int64_t k, double alpha, const double *a, int64_t lda, const double *b,
               int64_t ldb, double beta, double *c, int64_t ldc)
{
    jf_gemm_mul_d(ctx, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, NULL, 0);
}

void jf_gemm_bf16(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b, int64_t m, int64_t n,
                  int64_t k, float alpha, const jf_bf16_t *a, int64_t lda, const jf_bf16_t *b,
                  int64_t ldb, float beta, float *c, int64_t ldc)
{
    const jf_gemm_args_t g = args_of(ctx, JF_BF16, trans_a, trans_b, m, n, k, alpha, a, lda,
                                     b, ldb, beta, c, ldc);
    run(ctx, &g);
}

/* Per-thread buffers for rounded operands, kept reachable from one list
 * for the life of the process (OpenMP's threads outlive any one call). */
typedef struct operand_scratch {
    jf_bf16_t *buf[2];
    size_t elems[2];
    struct operand_scratch *next;
} operand_scratch_t;

static pthread_mutex_t scratch_lock = PTHREAD_MUTEX_INITIALIZER;
static operand_scratch_t *scratch_list;
static _Thread_local operand_scratch_t *scratch_self;

static jf_bf16_t *scratch(int slot, size_t elems)
{
    operand_scratch_t *s = scratch_self;
    if (s == NULL) {
        s = calloc(1, sizeof *s);
        if (s == NULL)
            return NULL;
        pthread_mutex_lock(&scratch_lock);
        s->next = scratch_list;
        scratch_list = s;
        pthread_mutex_unlock(&scratch_lock);
        scratch_self = s;
    }
    if (s->elems[slot] < elems) {
        jf_bf16_t *p = realloc(s->buf[slot], elems * sizeof *p);
        if (p == NULL)
            return NULL;
        s->buf[slot] = p;
        s->elems[slot] = elems;
    }
    return s->buf[slot];
}

/* The mirror holding a rows x cols block at x (leading dimension ld), or
 * NULL. */
static const jf_bf16_mirror_t *mirror_of(const jf_gemm_ctx_t *ctx, const float *x, int64_t rows,
                                         int64_t cols, int64_t ld)
{
    for (int i = 0; i < ctx->bf16->count; i++) {
        const jf_bf16_mirror_t *mr = &ctx->bf16->list[i];
        if (x >= mr->base && x + (rows - 1) * ld + cols <= mr->base + mr->count)
            return mr;
    }
    return NULL;
}

/* The bf16 form of a stored rows x cols operand: its mirror when it lies
 * in one (same leading dimension), else a rounded dense copy (*ld becomes
 * cols). NULL if out of memory. */
static const jf_bf16_t *bf16_operand(const jf_gemm_ctx_t *ctx, int slot, const float *x,
                                     int64_t rows, int64_t cols, int64_t *ld)
{
    const jf_bf16_mirror_t *mr = mirror_of(ctx, x, rows, cols, *ld);
    if (mr != NULL)
        return mr->bf16 + (x - mr->base);
    jf_bf16_t *dst = scratch(slot, (size_t)(rows * cols));
    if (dst == NULL)
        return NULL;
    jf_bf16_from_matrix(dst, x, rows, cols, *ld, omp_in_parallel() ? 1 : ctx->threads);
    ctx->ledger->bf16_converted += (uint64_t)(rows * cols);
    *ld = cols;
    return dst;
}

void jf_gemm_mul_s(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b, int64_t m, int64_t n,
                   int64_t k, float alpha, const float *a, int64_t lda, const float *b,
                   int64_t ldb, float beta, float *c, int64_t ldc, const float *mul,
                   int64_t ldmul)
{
    if (ctx->bf16 == NULL) {
        jf_gemm_args_t g = args_of(ctx, JF_FP32, trans_a, trans_b, m, n, k, alpha, a, lda, b,
                                   ldb, beta, c, ldc);
        g.c_mul = mul;
        g.ldmul = ldmul;
        run(ctx, &g);
        return;
    }
    const jf_bf16_t *ab = bf16_operand(ctx, 0, a, trans_a ? k : m, trans_a ? m : k, &lda);
    const jf_bf16_t *bb = bf16_operand(ctx, 1, b, trans_b ? n : k, trans_b ? k : n, &ldb);
    if (ab == NULL || bb == NULL) {
        fail("out of memory rounding GEMM operands to bf16");
        return;
    }
    const jf_bf16_mirror_t *out = mirror_of(ctx, c, m, n, ldc);
    if (out == NULL || !out->only) {
        jf_gemm_args_t g = args_of(ctx, JF_BF16, trans_a, trans_b, m, n, k, alpha, ab, lda, bb,
                                   ldb, beta, c, ldc);
        g.c_mul = mul;
        g.ldmul = ldmul;
        run(ctx, &g);
        return;
    }
    /* C exists only in bf16: the back-end rounds its fp32 result into it */
    if (beta != 0) {
        fail("internal error: a GEMM accumulates into an array kept only in bf16");
        return;
    }
    jf_gemm_args_t g = args_of(ctx, JF_BF16, trans_a, trans_b, m, n, k, alpha, ab, lda, bb, ldb,
                               0.0, out->bf16 + (c - out->base), ldc);
    g.c_bf16 = 1;
    g.c_mul = mul;
    g.ldmul = ldmul;
    ctx->ledger->bf16_converted += (uint64_t)(m * n);
    run(ctx, &g);
}

void jf_gemm_s(const jf_gemm_ctx_t *ctx, int trans_a, int trans_b, int64_t m, int64_t n,
               int64_t k, float alpha, const float *a, int64_t lda, const float *b,
               int64_t ldb, float beta, float *c, int64_t ldc)
{
    jf_gemm_mul_s(ctx, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, NULL, 0);
}

#define JF_DEFINE_GEMM_REF(ch, real_t)                                              \
    void jf_gemm_ref_##ch(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, \
                          real_t alpha, const real_t *a, int64_t lda,                \
                          const real_t *b, int64_t ldb, real_t beta, real_t *c,      \
                          int64_t ldc)                                               \
    {                                                                                \
        for (int64_t i = 0; i < m; i++)                                              \
            for (int64_t j = 0; j < n; j++) {                                        \
                long double sum = 0;                                                 \
                for (int64_t p = 0; p < k; p++) {                                    \
                    const real_t av = trans_a ? a[p * lda + i] : a[i * lda + p];     \
                    const real_t bv = trans_b ? b[j * ldb + p] : b[p * ldb + j];     \
                    sum += (long double)av * bv;                                     \
                }                                                                    \
                const long double prev = beta == 0 ? 0 : (long double)beta * c[i * ldc + j]; \
                c[i * ldc + j] = (real_t)(alpha * sum + prev);                       \
            }                                                                        \
    }

JF_DEFINE_GEMM_REF(s, float)
JF_DEFINE_GEMM_REF(d, double)
