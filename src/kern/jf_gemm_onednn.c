/* jf_gemm_onednn.c: the oneDNN back-end (bf16, fp32) through its matmul
 * primitive, which runs on the node's matrix and vector units (AMX-BF16,
 * AVX512-BF16, AVX-512, AVX2) as oneDNN's own dispatcher picks.
 *
 * A primitive is made once per distinct call (shape, strides, alpha, beta;
 * a training step has a few dozen) and kept. Scratchpads are the caller's
 * (one per thread) and streams are per thread, so attention's small GEMMs
 * can run the same primitive from every OpenMP thread at once. A CPU on
 * which oneDNN has no bf16 matmul still trains in bf16: the bf16 operands
 * are widened to fp32 (exactly) and run through its fp32 matmul, which is
 * the same arithmetic, and the kernel string says "emulated". */
#include "config.h"

#include "jf_gemm_backend.h"

#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jf_bf16.h"

#define MAX_PRIMS 512
#define MAX_IMPLS 4

typedef struct {
    jf_precision_t precision;
    int trans_a, trans_b;
    int64_t m, n, k, lda, ldb, ldc;
    float alpha, beta;
    int c_bf16;
    int c_mul;           /* an elementwise factor (binary mul post-op) */
    int64_t ldmul;
} prim_key_t;

typedef struct {
    prim_key_t key;
    dnnl_primitive_t prim;
    dnnl_memory_desc_t a_md, b_md, c_md, scratch_md, mul_md;
    int mul_index;  /* the binary mul's place among the post-ops */
    size_t scratch_bytes;
    int emulated;   /* bf16 key served by an fp32 primitive on widened operands */
    int round_c;    /* c_bf16 key whose primitive writes fp32 C: rounded here */
} prim_t;

/* Per thread: its stream and scratch buffers, kept reachable from the
 * list below for the life of the process. */
typedef struct thread_state {
    dnnl_stream_t stream;
    void *scratch;
    size_t scratch_bytes;
    float *widened;              /* emulation: fp32 copies of bf16 operands */
    size_t widened_bytes;
    float *c_wide;               /* round_c: the fp32 C before rounding */
    size_t c_wide_bytes;
    struct thread_state *next;
} thread_state_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static dnnl_engine_t engine;
static prim_t prims[MAX_PRIMS];
static int nprims;
static thread_state_t *threads_list;
static _Thread_local thread_state_t *self;
/* per precision: the implementations that ran, and whether bf16 had to be
 * emulated (0 unknown, 1 native primitive, -1 emulated) */
static char impls[JF_NPRECISION][MAX_IMPLS][64];
static int bf16_mode;

static const char *status_str(dnnl_status_t s)
{
    switch (s) {
    case dnnl_success: return "success";
    case dnnl_out_of_memory: return "out of memory";
    case dnnl_invalid_arguments: return "invalid arguments";
    case dnnl_unimplemented: return "no implementation on this CPU";
    case dnnl_runtime_error: return "runtime error";
    default: return "error";
    }
}

/* Under lock. */
static dnnl_status_t engine_get(void)
{
    if (engine != NULL)
        return dnnl_success;
    return dnnl_engine_create(&engine, dnnl_cpu, 0);
}

static thread_state_t *thread_state(char *msg, size_t msglen)
{
    if (self != NULL)
        return self;
    thread_state_t *t = calloc(1, sizeof *t);
    if (t == NULL) {
        snprintf(msg, msglen, "oneDNN back-end: out of memory");
        return NULL;
    }
    pthread_mutex_lock(&lock);
    dnnl_status_t s = engine_get();
    if (s == dnnl_success)
        s = dnnl_stream_create(&t->stream, engine, dnnl_stream_default_flags);
    if (s == dnnl_success) {
        t->next = threads_list;
        threads_list = t;
    }
    pthread_mutex_unlock(&lock);
    if (s != dnnl_success) {
        snprintf(msg, msglen, "oneDNN: cannot create a CPU stream: %s", status_str(s));
        free(t);
        return NULL;
    }
    self = t;
    return t;
}

static void strides_of(int trans, int64_t ld, dnnl_dims_t st)
{
    st[0] = trans ? 1 : ld;
    st[1] = trans ? ld : 1;
}

/* A matmul primitive for this key with operands of data type dt (f32 or
 * bf16) and result of data type cdt (f32, or bf16 for a c_bf16 key).
 * Under lock. */
static dnnl_status_t prim_create(const prim_key_t *key, dnnl_data_type_t dt,
                                 dnnl_data_type_t cdt, prim_t *p, char *impl, size_t impllen)
{
    dnnl_dims_t ad = {key->m, key->k}, bd = {key->k, key->n}, cd = {key->m, key->n};
    dnnl_dims_t as, bs, cs = {key->ldc, 1};
    dnnl_matmul_desc_t desc;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t ops = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t s;

    strides_of(key->trans_a, key->lda, as);
    strides_of(key->trans_b, key->ldb, bs);
    memset(p, 0, sizeof *p);
    p->key = *key;
    if ((s = dnnl_memory_desc_init_by_strides(&p->a_md, 2, ad, dt, as)) != dnnl_success ||
        (s = dnnl_memory_desc_init_by_strides(&p->b_md, 2, bd, dt, bs)) != dnnl_success ||
        (s = dnnl_memory_desc_init_by_strides(&p->c_md, 2, cd, cdt, cs)) != dnnl_success ||
        (s = dnnl_matmul_desc_init(&desc, &p->a_md, &p->b_md, NULL, &p->c_md)) != dnnl_success ||
        (s = dnnl_primitive_attr_create(&attr)) != dnnl_success ||
        (s = dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user)) !=
            dnnl_success)
        goto cleanup;
    if (key->alpha != 1.0f &&
        (s = dnnl_primitive_attr_set_output_scales(attr, 1, 0, &key->alpha)) != dnnl_success)
        goto cleanup;
    /* C = (alpha AB + beta C) * M: the sum first, then the binary mul */
    if (key->beta != 0.0f || key->c_mul) {
        if ((s = dnnl_post_ops_create(&ops)) != dnnl_success ||
            (key->beta != 0.0f && (s = dnnl_post_ops_append_sum(ops, key->beta)) != dnnl_success))
            goto cleanup;
        if (key->c_mul) {
            dnnl_dims_t ms = {key->ldmul, 1};
            p->mul_index = key->beta != 0.0f;
            if ((s = dnnl_memory_desc_init_by_strides(&p->mul_md, 2, cd, dnnl_f32, ms)) !=
                    dnnl_success ||
                (s = dnnl_post_ops_append_binary(ops, dnnl_binary_mul, &p->mul_md)) !=
                    dnnl_success)
                goto cleanup;
        }
        if ((s = dnnl_primitive_attr_set_post_ops(attr, ops)) != dnnl_success)
            goto cleanup;
    }
    if ((s = dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL)) != dnnl_success)
        goto cleanup;
    const char *name = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) == dnnl_success &&
        name != NULL)
        snprintf(impl, impllen, "%s", name);
    const dnnl_memory_desc_t *smd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    if (smd != NULL) {
        p->scratch_md = *smd;
        p->scratch_bytes = dnnl_memory_desc_get_size(smd);
    }
    s = dnnl_primitive_create(&p->prim, pd);
cleanup:
    if (pd != NULL)
        dnnl_primitive_desc_destroy(pd);
    if (ops != NULL)
        dnnl_post_ops_destroy(ops);
    if (attr != NULL)
        dnnl_primitive_attr_destroy(attr);
    return s;
}

static void impl_note(jf_precision_t precision, const char *impl)
{
    for (int i = 0; i < MAX_IMPLS; i++) {
        if (strcmp(impls[precision][i], impl) == 0)
            return;
        if (impls[precision][i][0] == '\0') {
            snprintf(impls[precision][i], sizeof impls[precision][i], "%s", impl);
            return;
        }
    }
}

/* A primitive for a new key, the best this CPU has: bf16 operands (and a
 * bf16 result for a c_bf16 key); else the fp32 result rounded by the
 * back-end; else, for bf16, fp32 operands (*emulated). Under lock. */
static dnnl_status_t prim_make(const prim_key_t *key, prim_t *p, char *impl, size_t impllen)
{
    const int bf16 = key->precision == JF_BF16;
    const dnnl_data_type_t dt = bf16 ? dnnl_bf16 : dnnl_f32;
    dnnl_status_t s = prim_create(key, dt, key->c_bf16 ? dnnl_bf16 : dnnl_f32, p, impl, impllen);
    if (s == dnnl_unimplemented && key->c_bf16) {
        s = prim_create(key, dt, dnnl_f32, p, impl, impllen);
        p->round_c = 1;
    }
    if (s == dnnl_unimplemented && bf16) {
        s = prim_create(key, dnnl_f32, dnnl_f32, p, impl, impllen);
        if (s == dnnl_success) {
            char e[64];
            snprintf(e, sizeof e, "emulated: f32 %s", impl);
            snprintf(impl, impllen, "%s", e);
            p->emulated = 1;
            p->round_c = key->c_bf16;
        }
    }
    return s;
}

/* The cached primitive for key, made on first use. A bf16 key on a CPU
 * without a bf16 matmul gets an fp32 primitive and *emulated = 1. */
static const prim_t *prim_get(const prim_key_t *key, int *emulated, char *msg, size_t msglen)
{
    const prim_t *found = NULL;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nprims && found == NULL; i++)
        if (memcmp(&prims[i].key, key, sizeof *key) == 0)
            found = &prims[i];
    if (found == NULL && nprims < MAX_PRIMS) {
        prim_t *p = &prims[nprims];
        char impl[64] = "?";
        dnnl_status_t s = engine_get();
        if (s == dnnl_success)
            s = prim_make(key, p, impl, sizeof impl);
        if (s == dnnl_success) {
            if (key->precision == JF_BF16)
                bf16_mode = p->emulated ? -1 : (bf16_mode == 0 ? 1 : bf16_mode);
            p->key = *key;
            impl_note(key->precision, impl);
            found = p;
            nprims++;
        } else {
            snprintf(msg, msglen,
                     "oneDNN: no %s matmul for %lld x %lld x %lld: %s",
                     jf_precision_name(key->precision), (long long)key->m, (long long)key->n,
                     (long long)key->k, status_str(s));
        }
    } else if (found == NULL) {
        snprintf(msg, msglen, "oneDNN back-end: more than %d distinct GEMM shapes", MAX_PRIMS);
    }
    *emulated = found != NULL && found->emulated;
    pthread_mutex_unlock(&lock);
    return found;
}

static int grow(void **buf, size_t *have, size_t need)
{
    if (*have >= need)
        return 1;
    void *p = realloc(*buf, need);
    if (p == NULL)
        return 0;
    *buf = p;
    *have = need;
    return 1;
}

static jf_err_t onednn_gemm(const jf_gemm_args_t *g, char *msg, size_t msglen)
{
    if (g->precision != JF_FP32 && g->precision != JF_BF16) {
        snprintf(msg, msglen, "oneDNN back-end: no %s GEMM", jf_precision_name(g->precision));
        return JF_EINVAL;
    }
    thread_state_t *t = thread_state(msg, msglen);
    if (t == NULL)
        return JF_EIO;
    prim_key_t key;
    memset(&key, 0, sizeof key);  /* padding too: keys are compared bytewise */
    key.precision = g->precision;
    key.trans_a = g->trans_a;
    key.trans_b = g->trans_b;
    key.m = g->m, key.n = g->n, key.k = g->k;
    key.lda = g->lda, key.ldb = g->ldb, key.ldc = g->ldc;
    key.alpha = (float)g->alpha;
    key.beta = (float)g->beta;
    key.c_bf16 = g->precision == JF_BF16 && g->c_bf16;
    key.c_mul = g->c_mul != NULL;
    key.ldmul = g->c_mul != NULL ? g->ldmul : 0;
    if (key.c_bf16 && g->beta != 0) {
        snprintf(msg, msglen, "oneDNN back-end: a bf16 C needs beta = 0");
        return JF_EINVAL;
    }

    const void *a = g->a, *b = g->b;
    void *c = g->c;
    int emulated = 0;
    const prim_t *p = prim_get(&key, &emulated, msg, msglen);
    if (p == NULL)
        return JF_EIO;
    if (emulated) {
        /* fp32 copies in the same layout: the primitive was made for the
         * original strides */
        const int64_t ar = g->trans_a ? g->k : g->m, ac = g->trans_a ? g->m : g->k;
        const int64_t br = g->trans_b ? g->n : g->k, bc = g->trans_b ? g->k : g->n;
        const size_t need = ((size_t)(ar * g->lda) + (size_t)(br * g->ldb)) * sizeof(float);
        if (!grow((void **)&t->widened, &t->widened_bytes, need)) {
            snprintf(msg, msglen, "oneDNN back-end: out of memory");
            return JF_ENOMEM;
        }
        float *wa = t->widened, *wb = t->widened + ar * g->lda;
        for (int64_t r = 0; r < ar; r++)
            jf_bf16_to_floats(wa + r * g->lda, (const jf_bf16_t *)g->a + r * g->lda, ac);
        for (int64_t r = 0; r < br; r++)
            jf_bf16_to_floats(wb + r * g->ldb, (const jf_bf16_t *)g->b + r * g->ldb, bc);
        a = wa;
        b = wb;
    }
    if (p->round_c) {
        if (!grow((void **)&t->c_wide, &t->c_wide_bytes,
                  (size_t)(g->m * g->ldc) * sizeof(float))) {
            snprintf(msg, msglen, "oneDNN back-end: out of memory");
            return JF_ENOMEM;
        }
        c = t->c_wide;
    }
    if (!grow(&t->scratch, &t->scratch_bytes, p->scratch_bytes ? p->scratch_bytes : 1)) {
        snprintf(msg, msglen, "oneDNN back-end: out of memory for a scratchpad");
        return JF_ENOMEM;
    }
    dnnl_memory_t ma = NULL, mb = NULL, mc = NULL, ms = NULL, mm = NULL;
    dnnl_status_t s;
    if ((s = dnnl_memory_create(&ma, &p->a_md, engine, (void *)a)) == dnnl_success &&
        (s = dnnl_memory_create(&mb, &p->b_md, engine, (void *)b)) == dnnl_success &&
        (s = dnnl_memory_create(&mc, &p->c_md, engine, c)) == dnnl_success &&
        (s = dnnl_memory_create(&ms, &p->scratch_md, engine, t->scratch)) == dnnl_success &&
        (!key.c_mul ||
         (s = dnnl_memory_create(&mm, &p->mul_md, engine, (void *)g->c_mul)) == dnnl_success)) {
        const dnnl_exec_arg_t args[] = {
            {DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc},
            {DNNL_ARG_SCRATCHPAD, ms},
            {DNNL_ARG_ATTR_MULTIPLE_POST_OP(p->mul_index) | DNNL_ARG_SRC_1, mm}};
        /* oneDNN's OpenMP runtime uses omp_get_max_threads() */
        const int outer = !omp_in_parallel(), before = omp_get_max_threads();
        if (outer && g->threads > 0 && g->threads != before)
            omp_set_num_threads(g->threads);
        s = dnnl_primitive_execute(p->prim, t->stream, key.c_mul ? 5 : 4, args);
        if (s == dnnl_success)
            s = dnnl_stream_wait(t->stream);
        if (outer && g->threads > 0 && g->threads != before)
            omp_set_num_threads(before);
    }
    dnnl_memory_destroy(ma);
    dnnl_memory_destroy(mb);
    dnnl_memory_destroy(mc);
    dnnl_memory_destroy(ms);
    dnnl_memory_destroy(mm);
    if (s != dnnl_success) {
        snprintf(msg, msglen, "oneDNN: %s matmul %lld x %lld x %lld failed: %s",
                 jf_precision_name(g->precision), (long long)g->m, (long long)g->n,
                 (long long)g->k, status_str(s));
        return JF_EIO;
    }
    if (p->round_c)
        for (int64_t r = 0; r < g->m; r++)
            jf_bf16_from_floats((jf_bf16_t *)g->c + r * g->ldc, t->c_wide + r * g->ldc, g->n);
    return JF_OK;
}

/* Can oneDNN make a matmul of this precision here? Makes one small
 * primitive (oneDNN's dispatcher decides, as it will for the run). */
static int onednn_probe(jf_precision_t precision, char *why, size_t whylen)
{
    if (precision == JF_FP64) {
        snprintf(why, whylen, "oneDNN has no fp64 matmul");
        return 0;
    }
    prim_key_t key;
    memset(&key, 0, sizeof key);
    key.precision = precision;
    key.m = key.n = key.k = key.lda = key.ldb = key.ldc = 64;
    key.alpha = 1;
    int emulated = 0;
    if (prim_get(&key, &emulated, why, whylen) == NULL)
        return 0;
    return 1;
}

static void onednn_version(char *buf, size_t buflen)
{
    const dnnl_version_t *v = dnnl_version();
    snprintf(buf, buflen, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
}

static void onednn_kernel(jf_precision_t precision, char *buf, size_t buflen)
{
    size_t used = 0;
    buf[0] = '\0';
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_IMPLS && impls[precision][i][0] != '\0' && used < buflen; i++) {
        const int n = snprintf(buf + used, buflen - used, "%s%s", i ? ", " : "",
                               impls[precision][i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    pthread_mutex_unlock(&lock);
    if (buf[0] == '\0')
        snprintf(buf, buflen, "none ran");
}

/* bf16 is native when oneDNN made a bf16 primitive on a CPU whose
 * effective ISA (capped by ONEDNN_MAX_CPU_ISA) has bf16 instructions;
 * oneDNN's avx512_core bf16 kernels emulate bf16 dot products in fp32. */
static int onednn_native(jf_precision_t precision)
{
    if (precision != JF_BF16)
        return precision == JF_FP32;
    const dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    pthread_mutex_lock(&lock);
    const int mode = bf16_mode;
    pthread_mutex_unlock(&lock);
    return mode > 0 && (isa == dnnl_cpu_isa_avx512_core_bf16 || isa == dnnl_cpu_isa_avx512_core_amx);
}

const jf_gemm_backend_t jf_gemm_onednn = {
    .name = "onednn",
    .description = "oneDNN matmul (bf16 with fp32 accumulation, fp32) on the CPU's "
                   "matrix/vector units",
    .precisions = JF_PRECISION_BIT(JF_FP32) | JF_PRECISION_BIT(JF_BF16),
    .fuses_mul = JF_PRECISION_BIT(JF_FP32) | JF_PRECISION_BIT(JF_BF16),
    .probe = onednn_probe,
    .gemm = onednn_gemm,
    .version = onednn_version,
    .kernel = onednn_kernel,
    .native = onednn_native,
};
