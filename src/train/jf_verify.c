/* jf_verify.c: numerical self-checks of jflop's kernels and training loop. */
#include "jf_verify.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jf_ledger.h"
#include "core/jf_rng.h"
#include "kern/jf_gemm.h"
#include "train/jf_data.h"
#include "train/jf_model.h"
#include "train/jf_train.h"

/* Residual thresholds in units of k*eps*max|A|*max|B| (BLIS's test suite
 * normalises the same way); a correct GEMM stays well below 1. */
#define GEMM_RESID_MAX 1.0

/* max() that lets NaN win: a NaN anywhere must fail a check, and fmax
 * would silently drop it. */
static double worst_of(double a, double b)
{
    return isnan(a) || isnan(b) ? NAN : (a > b ? a : b);
}

#define DEFINE_GEMM_RESID(ch, real_t, eps)                                             \
    static double gemm_resid_##ch(int ta, int tb, int64_t m, int64_t n, int64_t k,     \
                                  jf_ledger_t *ledger, uint64_t key)                   \
    {                                                                                  \
        const int64_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;     \
        const int64_t na = (ta ? k : m) * lda, nb = (tb ? n : k) * ldb, nc = m * ldc;  \
        real_t *a = malloc((size_t)na * sizeof *a), *b = malloc((size_t)nb * sizeof *b); \
        real_t *c = malloc((size_t)nc * sizeof *c), *r = malloc((size_t)nc * sizeof *r); \
        double amax = 0, bmax = 0, worst = INFINITY;                                   \
        if (a && b && c && r) {                                                        \
            for (int64_t i = 0; i < na; i++)                                           \
                amax = fmax(amax, fabs(a[i] = (real_t)(2 * jf_rng_uniform(key, i) - 1))); \
            for (int64_t i = 0; i < nb; i++)                                           \
                bmax = fmax(bmax, fabs(b[i] = (real_t)(2 * jf_rng_uniform(key + 1, i) - 1))); \
            for (int64_t i = 0; i < nc; i++)                                           \
                c[i] = r[i] = (real_t)jf_rng_uniform(key + 2, i);                      \
            const jf_gemm_ctx_t gc = {ledger, JF_FLOP_DENSE_FWD, 1, NULL};                   \
            jf_gemm_##ch(&gc, ta, tb, m, n, k, (real_t)0.75, a, lda, b, ldb, (real_t)0.5, c, ldc); \
            jf_gemm_ref_##ch(ta, tb, m, n, k, (real_t)0.75, a, lda, b, ldb, (real_t)0.5, r, ldc); \
            double diff = 0;                                                           \
            for (int64_t i = 0; i < m; i++)                                            \
                for (int64_t j = 0; j < n; j++)                                        \
                    diff = worst_of(diff, fabs((double)c[i * ldc + j] - (double)r[i * ldc + j])); \
            worst = diff / ((double)k * (eps) * amax * bmax + DBL_MIN);                \
        }                                                                              \
        free(a); free(b); free(c); free(r);                                            \
        return worst;                                                                  \
    }

DEFINE_GEMM_RESID(s, float, FLT_EPSILON)
DEFINE_GEMM_RESID(d, double, DBL_EPSILON)

/* The small shapes of both GEMM checks: degenerate, odd, and past one
 * kernel block. */
static const int64_t check_shapes[][3] = {{1, 1, 1}, {7, 5, 3}, {16, 16, 16}, {33, 17, 65},
                                          {64, 128, 96}, {127, 61, 200}};
#define NCHECK_SHAPES (sizeof check_shapes / sizeof check_shapes[0])

jf_check_t jf_verify_gemm(void)
{
    jf_check_t c = {"gemm", 1, 1, 0, GEMM_RESID_MAX, ""};
    jf_ledger_t ledger;
    jf_u128 expected = 0;
    int cases = 0;

    jf_ledger_clear(&ledger);
    for (size_t s = 0; s < NCHECK_SHAPES; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                const int64_t m = check_shapes[s][0], n = check_shapes[s][1], k = check_shapes[s][2];
                const uint64_t key = 1000 * s + 10 * (uint64_t)ta + (uint64_t)tb;
                c.value = worst_of(c.value, gemm_resid_s(ta, tb, m, n, k, &ledger, key));
                c.value = worst_of(c.value, gemm_resid_d(ta, tb, m, n, k, &ledger, key));
                expected += (jf_u128)2 * 2 * (uint64_t)(m * n * k);
                cases += 2;
            }
    const int counted = ledger.flops[JF_FLOP_DENSE_FWD] == expected;
    c.pass = c.value < c.threshold && counted;
    const jf_gemm_backend_t *b32 = jf_gemm_backend_of(JF_FP32), *b64 = jf_gemm_backend_of(JF_FP64);
    snprintf(c.detail, sizeof c.detail,
             "%d products (fp32 on %s, fp64 on %s, all transpose pairs), worst residual %.3g "
             "(limit %.3g, units of k*eps*max|A|*max|B|); ledger %s",
             cases, b32 ? b32->name : "none", b64 ? b64->name : "none", c.value, c.threshold,
             counted ? "exact" : "WRONG");
    return c;
}

/* bf16 mixed-precision products (operands rounded by the GEMM door, fp32
 * accumulation) against a long-double product of the unrounded fp32
 * operands. Each element is held to the bound the arithmetic allows:
 * rounding both operands costs at most (2u + u^2) of sum|a||b| (u = 2^-8),
 * fp32 accumulation over k terms at most k*u32 of it, and beta*C one u32. */
static double gemm_resid_bf16(int ta, int tb, int64_t m, int64_t n, int64_t k,
                              jf_ledger_t *ledger, uint64_t key)
{
    const int64_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
    const int64_t na = (ta ? k : m) * lda, nb = (tb ? n : k) * ldb, nc = m * ldc;
    float *a = malloc((size_t)na * sizeof *a), *b = malloc((size_t)nb * sizeof *b);
    float *c = malloc((size_t)nc * sizeof *c);
    double worst = INFINITY;
    const jf_bf16_mirrors_t none = {NULL, 0};  /* every operand rounded */
    const double u = JF_BF16_UNIT_ROUNDOFF, u32 = FLT_EPSILON / 2;
    const float alpha = 0.75f, beta = 0.5f;
    if (a && b && c) {
        for (int64_t i = 0; i < na; i++)
            a[i] = (float)(2 * jf_rng_uniform(key, (uint64_t)i) - 1);
        for (int64_t i = 0; i < nb; i++)
            b[i] = (float)(2 * jf_rng_uniform(key + 1, (uint64_t)i) - 1);
        for (int64_t i = 0; i < nc; i++)
            c[i] = (float)jf_rng_uniform(key + 2, (uint64_t)i);
        const jf_gemm_ctx_t gc = {ledger, JF_FLOP_DENSE_FWD, 1, &none};
        jf_gemm_s(&gc, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        worst = 0;
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                long double ref = 0, mag = 0;
                for (int64_t p = 0; p < k; p++) {
                    const long double x = (long double)(ta ? a[p * lda + i] : a[i * lda + p]) *
                                          (tb ? b[j * ldb + p] : b[p * ldb + j]);
                    ref += x;
                    mag += fabsl(x);
                }
                const double c0 = jf_rng_uniform(key + 2, (uint64_t)(i * ldc + j));
                const double want = (double)(alpha * ref) + (double)beta * (float)c0;
                const double bound = ((2 * u + u * u) + (double)k * u32) * alpha * (double)mag +
                                     u32 * fabs(want) + DBL_MIN;
                worst = worst_of(worst, fabs((double)c[i * ldc + j] - want) / bound);
            }
    }
    free(a);
    free(b);
    free(c);
    return worst;
}

jf_check_t jf_verify_gemm_bf16(void)
{
    jf_check_t c = {"gemm_bf16", 1, 1, 0, GEMM_RESID_MAX, ""};
    jf_ledger_t ledger;
    jf_u128 expected = 0;
    int cases = 0;
    char why[80];

    jf_ledger_clear(&ledger);
    for (size_t s = 0; s < NCHECK_SHAPES; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                const int64_t m = check_shapes[s][0], n = check_shapes[s][1], k = check_shapes[s][2];
                const uint64_t key = 5000 + 1000 * s + 10 * (uint64_t)ta + (uint64_t)tb;
                c.value = worst_of(c.value, gemm_resid_bf16(ta, tb, m, n, k, &ledger, key));
                expected += (jf_u128)2 * (uint64_t)(m * n * k);
                cases++;
            }
    const int counted = ledger.flops[JF_FLOP_DENSE_FWD] == expected;
    const int failed = jf_gemm_failed(why, sizeof why);
    c.pass = c.value <= c.threshold && counted && !failed;
    snprintf(c.detail, sizeof c.detail,
             "%d bf16 products (all transpose pairs) against fp64 on the unrounded operands: "
             "worst |C - Cref| / ((2u+u^2+k*u32)*sum|a||b| + u32|Cref|) = %.3g, u = 2^-8 "
             "(limit %.3g); ledger %s%s%.50s",
             cases, c.value, c.threshold, counted ? "exact" : "WRONG", failed ? "; " : "",
             failed ? why : "");
    return c;
}

/* bf16 training against fp32 from the same seed and data, on the default
 * preset's shape (smaller batch), on this rank alone. */
#define TRACK_BATCH 2
#define TRACK_STEPS 20
#define TRACK_TOL JF_BF16_UNIT_ROUNDOFF  /* one bf16 unit roundoff, relative */

/* Train a fresh model of `shape` on comm for `steps` steps from `seed`:
 * each step's global loss into losses[] (when not NULL), the model left in
 * *out (when not NULL; destroyed otherwise). */
static jf_err_t train_fresh(const jf_shape_t *shape, MPI_Comm comm, int64_t batch,
                            jf_precision_t precision, int threads, uint64_t seed, double lr,
                            int steps, double *losses, jf_model_t **out)
{
    jf_model_t *m = NULL;
    jf_data_t data = {0, 0, 0, NULL, 0};
    jf_trainer_t tr;
    jf_ledger_t ledger;
    char why[JF_MSG_LEN];
    jf_err_t err;

    memset(&tr, 0, sizeof tr);
    jf_ledger_clear(&ledger);
    err = jf_model_create(shape, batch, precision, threads, seed, &m, why, sizeof why);
    if (err == JF_OK)
        err = jf_data_init(&data, seed, shape->vocab, shape->ctx);
    if (err == JF_OK)
        err = jf_trainer_init(&tr, m, &data, comm, batch, lr);
    for (int s = 0; err == JF_OK && s < steps; s++) {
        double loss;
        uint64_t ntok;
        err = jf_trainer_step(&tr, (uint64_t)s, &ledger, &loss, &ntok);
        if (losses != NULL)
            losses[s] = loss;
    }
    jf_trainer_free(&tr);
    jf_data_free(&data);
    if (out != NULL)
        *out = m;
    else
        jf_model_destroy(m);
    return err;
}

static jf_err_t train_losses(jf_precision_t precision, int threads, uint64_t seed,
                             double *losses)
{
    return train_fresh(&jf_preset_find("default")->shape, MPI_COMM_SELF, TRACK_BATCH, precision,
                       threads, seed, 0.5, TRACK_STEPS, losses, NULL);
}

jf_check_t jf_verify_bf16_tracks_fp32(int threads, uint64_t seed)
{
    jf_check_t c = {"bf16_loss", 1, 0, INFINITY, TRACK_TOL, ""};
    double l32[TRACK_STEPS], l16[TRACK_STEPS];
    if (train_losses(JF_FP32, threads, seed, l32) != JF_OK ||
        train_losses(JF_BF16, threads, seed, l16) != JF_OK) {
        snprintf(c.detail, sizeof c.detail, "could not train the two copies");
        return c;
    }
    double worst = 0;
    for (int s = 0; s < TRACK_STEPS; s++)
        worst = worst_of(worst, fabs(l16[s] - l32[s]) / l32[s]);
    c.value = worst;
    c.pass = c.value <= c.threshold;
    snprintf(c.detail, sizeof c.detail,
             "default preset's shape, batch %d, %d steps from seed %llu in bf16 and fp32: "
             "max |loss_bf16 - loss_fp32| / loss_fp32 = %.3g (limit %.3g); "
             "losses %.4f -> %.4f (bf16), %.4f -> %.4f (fp32)",
             TRACK_BATCH, TRACK_STEPS, (unsigned long long)seed, c.value, c.threshold, l16[0],
             l16[TRACK_STEPS - 1], l32[0], l32[TRACK_STEPS - 1]);
    return c;
}

/* A model small enough for a finite difference on every weight. */
#define TINY_CTX 5
static const jf_shape_t tiny_shape = {2, 8, 2, TINY_CTX, 12, 7};
#define TINY_BATCH 2
#define GRAD_TOL 1e-6

jf_check_t jf_verify_gradients(int threads)
{
    jf_check_t c = {"gradients", 1, 0, INFINITY, GRAD_TOL, ""};
    jf_model_t *m = NULL;
    jf_data_t data = {0, 0, 0, NULL, 0};
    jf_ledger_t ledger;
    char why[JF_MSG_LEN];
    const int64_t T = TINY_BATCH * tiny_shape.ctx;
    int32_t tok[TINY_BATCH * TINY_CTX], tgt[TINY_BATCH * TINY_CTX];
    double *grad = NULL;

    jf_ledger_clear(&ledger);
    if (jf_model_create(&tiny_shape, TINY_BATCH, JF_FP64, threads, 7, &m, why, sizeof why) !=
            JF_OK ||
        jf_data_init(&data, 7, tiny_shape.vocab, tiny_shape.ctx) != JF_OK) {
        snprintf(c.detail, sizeof c.detail, "could not set up the tiny model");
        goto cleanup;
    }
    jf_data_fill(&data, 0, TINY_BATCH, tok, tgt);
    const uint64_t n = jf_model_nweights(m);
    grad = malloc((size_t)n * sizeof *grad);
    if (grad == NULL)
        goto cleanup;
    jf_model_forward_backward(m, tok, tgt, 1.0 / (double)T, &ledger);
    double gmax = 0, dmax = 0;
    for (uint64_t i = 0; i < n; i++) {
        grad[i] = jf_model_grad(m, i);
        gmax = worst_of(gmax, fabs(grad[i]));
    }
    const double h = 1e-5;
    for (uint64_t i = 0; i < n; i++) {
        const double w = jf_model_weight(m, i);
        jf_model_set_weight(m, i, w + h);
        const double up = jf_model_forward(m, tok, tgt, &ledger) / (double)T;
        jf_model_set_weight(m, i, w - h);
        const double down = jf_model_forward(m, tok, tgt, &ledger) / (double)T;
        jf_model_set_weight(m, i, w);
        dmax = worst_of(dmax, fabs(grad[i] - (up - down) / (2 * h)));
    }
    c.value = dmax / gmax;
    c.pass = c.value < c.threshold;
    snprintf(c.detail, sizeof c.detail,
             "%llu weights of a %lld-layer fp64 model, central differences (h=%g): "
             "max|g - g_fd|/max|g| = %.3g (limit %.3g)",
             (unsigned long long)n, (long long)tiny_shape.layers, h, c.value, c.threshold);
cleanup:
    free(grad);
    jf_data_free(&data);
    jf_model_destroy(m);
    return c;
}

/* The 1-rank versus all-ranks comparison trains this shape for RANK_STEPS. */
static const jf_shape_t ranks_shape = {2, 64, 4, 16, 128, 64};
#define RANKS_BATCH 2
#define RANKS_STEPS 3

/* Train a fresh model on comm for RANKS_STEPS steps; weights left in *out. */
static jf_err_t train_copy(MPI_Comm comm, int64_t batch, jf_precision_t precision,
                           int threads, uint64_t seed, jf_model_t **out)
{
    return train_fresh(&ranks_shape, comm, batch, precision, threads, seed, 0.1, RANKS_STEPS,
                       NULL, out);
}

jf_check_t jf_verify_ranks(MPI_Comm comm, jf_precision_t precision, int threads, uint64_t seed)
{
    /* bf16: the master weights may differ where a rank's gradient sum,
     * rounded in another order, moves a weight across a bf16 rounding
     * boundary; they must still agree to bf16's unit roundoff */
    const double tol = precision == JF_FP64 ? 1e-12 : precision == JF_BF16 ? JF_BF16_UNIT_ROUNDOFF : 1e-5;
    jf_check_t c = {"ranks", 1, 0, INFINITY, tol, ""};
    jf_model_t *all = NULL, *one = NULL;
    int rank, ranks;
    double verdict[2] = {INFINITY, 0};

    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    if (ranks < 2) {
        c.ran = 0;
        c.pass = 1;
        c.value = 0;
        snprintf(c.detail, sizeof c.detail, "not applicable on 1 rank (run with 2 or more)");
        return c;
    }
    jf_err_t err = train_copy(comm, RANKS_BATCH, precision, threads, seed, &all);
    if (rank == 0 && err == JF_OK)
        err = train_copy(MPI_COMM_SELF, (int64_t)ranks * RANKS_BATCH, precision, threads,
                         seed, &one);
    if (rank == 0 && err == JF_OK) {
        double diff = 0, wmax = 0;
        for (uint64_t i = 0; i < jf_model_nweights(one); i++) {
            const double w = jf_model_weight(one, i);
            diff = worst_of(diff, fabs(jf_model_weight(all, i) - w));
            wmax = worst_of(wmax, fabs(w));
        }
        verdict[0] = diff / wmax;
        verdict[1] = 1;
    }
    MPI_Bcast(verdict, 2, MPI_DOUBLE, 0, comm);
    c.value = verdict[0];
    c.pass = verdict[1] == 1 && c.value <= c.threshold;
    snprintf(c.detail, sizeof c.detail,
             "%d steps, global batch %d on %d ranks vs 1 rank (%s): "
             "max|w_%d - w_1|/max|w| = %.3g (limit %.3g)",
             RANKS_STEPS, ranks * RANKS_BATCH, ranks, jf_precision_name(precision), ranks,
             c.value, c.threshold);
    jf_model_destroy(all);
    jf_model_destroy(one);
    return c;
}

void jf_verify_agree(MPI_Comm comm, jf_check_t *checks, int n)
{
    int rank, ranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    for (int i = 0; i < n; i++) {
        jf_check_t *c = &checks[i];
        /* how bad: a failure or a NaN beats any finite error */
        struct { double badness; int rank; } mine, worst;
        mine.badness = !c->pass || isnan(c->value) ? INFINITY : c->value;
        mine.rank = rank;
        MPI_Allreduce(&mine, &worst, 1, MPI_DOUBLE_INT, MPI_MAXLOC, comm);
        struct { int ran, pass; double value, threshold; char detail[sizeof c->detail]; } v;
        memset(&v, 0, sizeof v);
        v.ran = c->ran;
        v.pass = c->pass;
        v.value = c->value;
        v.threshold = c->threshold;
        memcpy(v.detail, c->detail, sizeof v.detail);
        MPI_Bcast(&v, (int)sizeof v, MPI_BYTE, worst.rank, comm);
        c->ran = v.ran;
        c->pass = v.pass;
        c->value = v.value;
        c->threshold = v.threshold;
        memcpy(c->detail, v.detail, sizeof c->detail);
        c->detail[sizeof c->detail - 1] = '\0';
        const size_t used = strlen(c->detail);
        if (ranks > 1 && c->ran)
            snprintf(c->detail + used, sizeof c->detail - used, " [worst of %d ranks: rank %d]",
                     ranks, worst.rank);
    }
}
