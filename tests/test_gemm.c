/* test_gemm: jf_gemm_s / jf_gemm_d (BLIS) against the long-double reference
 * on many shapes, all four transpose combinations, leading dimensions above
 * the minimum, several alpha/beta (beta = 0 must overwrite a NaN-filled C),
 * 1 and 2 threads. The error is normalised as in BLIS's test suite:
 *     max|C - Cref| / (eps * ((k+2)*|alpha|*max|A|*max|B| + 2*|beta|*max|C0|))
 * must stay below 1 (a correct GEMM lands at 0.1-0.6 on these shapes: the
 * largest rounding error of a k-term sum over ~10^4 elements; a wrong element,
 * a missed beta or a stride mix-up lands far above). Also: C's padding
 * columns are never written, A and B are not modified, and the ledger counts
 * exactly 2*m*n*k per call into the caller's category. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jf_ledger.h"
#include "core/jf_rng.h"
#include "kern/jf_gemm.h"

#include "jf_test.h"

#define PAD_SENTINEL 12345.0

typedef struct {
    jf_ledger_t ledger;
    jf_u128 expected[JF_FLOP_NCAT];
    uint64_t calls;
    double worst_s, worst_d;
    int cases;
} gemm_state_t;

/* One product in both precisions. pad_* widen the leading dimensions. */
#define DEFINE_RUN(ch, real_t, eps)                                                          \
    static double run_##ch(gemm_state_t *st, int ta, int tb, int64_t m, int64_t n, int64_t k, \
                           double alpha, double beta, int nan_c, int threads,                \
                           jf_flop_cat_t cat, int64_t pad_a, int64_t pad_b, int64_t pad_c,   \
                           uint64_t key)                                                     \
    {                                                                                        \
        /* A is stored m x k (lda >= k) or, transposed, k x m (lda >= m) */                  \
        const int64_t lda = (ta ? m : k) + pad_a, ldb = (tb ? k : n) + pad_b;                \
        const int64_t ldc = n + pad_c;                                                       \
        const int64_t ra = ta ? k : m, rb = tb ? n : k;                                      \
        const size_t na = (size_t)(ra * lda) + 1, nb = (size_t)(rb * ldb) + 1;               \
        const size_t nc = (size_t)(m * ldc) + 1;                                             \
        real_t *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b);                     \
        real_t *a0 = malloc(na * sizeof *a), *b0 = malloc(nb * sizeof *b);                   \
        real_t *c = malloc(nc * sizeof *c), *r = malloc(nc * sizeof *r);                     \
        double amax = 0, bmax = 0, cmax = 0, diff = 0, resid = INFINITY;                     \
        int bad = 0, pad_touched = 0;                                                        \
        JF_TEST_REQUIRE_PTRS(a && b && c && r && a0 && b0);                                  \
        for (size_t i = 0; i < na; i++)                                                      \
            a[i] = (real_t)(2 * jf_rng_uniform(key, i) - 1);                                 \
        for (size_t i = 0; i < nb; i++)                                                      \
            b[i] = (real_t)(2 * jf_rng_uniform(key + 1, i) - 1);                             \
        for (int64_t i = 0; i < ra; i++)                                                     \
            for (int64_t j = 0; j < (ta ? m : k); j++)                                       \
                amax = fmax(amax, fabs((double)a[i * lda + j]));                             \
        for (int64_t i = 0; i < rb; i++)                                                     \
            for (int64_t j = 0; j < (tb ? k : n); j++)                                       \
                bmax = fmax(bmax, fabs((double)b[i * ldb + j]));                             \
        for (int64_t i = 0; i < m; i++)                                                      \
            for (int64_t j = 0; j < ldc; j++) {                                              \
                real_t v = (real_t)(4 * jf_rng_uniform(key + 2, (uint64_t)(i * ldc + j)) - 2); \
                if (j >= n)                                                                  \
                    v = (real_t)PAD_SENTINEL;                                                \
                else if (nan_c)                                                              \
                    v = (real_t)NAN;                                                         \
                else                                                                         \
                    cmax = fmax(cmax, fabs((double)v));                                      \
                c[i * ldc + j] = r[i * ldc + j] = v;                                         \
            }                                                                                \
        memcpy(a0, a, na * sizeof *a);                                                       \
        memcpy(b0, b, nb * sizeof *b);                                                       \
        const jf_gemm_ctx_t ctx = {&st->ledger, cat, threads, NULL};                           \
        jf_gemm_##ch(&ctx, ta, tb, m, n, k, (real_t)alpha, a, lda, b, ldb, (real_t)beta, c, ldc); \
        jf_gemm_ref_##ch(ta, tb, m, n, k, (real_t)alpha, a, lda, b, ldb, (real_t)beta, r, ldc); \
        st->expected[cat] += (jf_u128)2 * (uint64_t)m * (uint64_t)n * (uint64_t)k;          \
        st->calls++;                                                                         \
        for (int64_t i = 0; i < m; i++)                                                      \
            for (int64_t j = 0; j < ldc; j++) {                                              \
                const double cv = c[i * ldc + j], rv = r[i * ldc + j];                       \
                if (j >= n) {                                                                \
                    pad_touched |= cv != PAD_SENTINEL;                                       \
                    continue;                                                                \
                }                                                                            \
                if (!isfinite(cv) || !isfinite(rv))                                          \
                    bad = 1;                                                                 \
                else                                                                         \
                    diff = fmax(diff, fabs(cv - rv));                                        \
            }                                                                                \
        resid = diff / ((eps) * ((double)(k + 2) * fabs(alpha) * amax * bmax +               \
                                 2 * fabs(beta) * cmax) + DBL_MIN);                          \
        CHECK_MSG(!bad, "%s: %s%s m %lld n %lld k %lld beta %g%s: non-finite element in C", \
                  #ch, ta ? "T" : "N", tb ? "T" : "N", (long long)m, (long long)n,           \
                  (long long)k, beta, nan_c ? " (C was NaN)" : "");                          \
        CHECK_MSG(resid < 1.0,                                                               \
                  "%s: %s%s m %lld n %lld k %lld lda %lld ldb %lld ldc %lld alpha %g beta %g " \
                  "threads %d: normalised residual %.3g >= 1 (max|C-Cref| = %.3g)",          \
                  #ch, ta ? "T" : "N", tb ? "T" : "N", (long long)m, (long long)n,           \
                  (long long)k, (long long)lda, (long long)ldb, (long long)ldc, alpha, beta, \
                  threads, resid, diff);                                                     \
        CHECK_MSG(!pad_touched, "%s: %s%s m %lld n %lld k %lld: wrote past column n of C",   \
                  #ch, ta ? "T" : "N", tb ? "T" : "N", (long long)m, (long long)n,           \
                  (long long)k);                                                             \
        CHECK_MSG(memcmp(a, a0, na * sizeof *a) == 0 && memcmp(b, b0, nb * sizeof *b) == 0, \
                  "%s: %s%s m %lld n %lld k %lld: A or B was modified", #ch, ta ? "T" : "N",  \
                  tb ? "T" : "N", (long long)m, (long long)n, (long long)k);                 \
        if (bad)                                                                             \
            resid = INFINITY;                                                                \
        st->cases++;                                                                         \
    cleanup:                                                                                 \
        free(a); free(b); free(a0); free(b0); free(c); free(r);                              \
        return resid;                                                                        \
    }

/* allocation failure inside run_*: count it and leave through cleanup */
#define JF_TEST_REQUIRE_PTRS(cond)                                               \
    do {                                                                         \
        jf_test_checks_++;                                                       \
        if (!(cond)) {                                                           \
            jf_test_fail_(__FILE__, __LINE__, "out of memory");                  \
            goto cleanup;                                                        \
        }                                                                        \
    } while (0)

DEFINE_RUN(s, float, (double)FLT_EPSILON)
DEFINE_RUN(d, double, DBL_EPSILON)

int main(void)
{
    static const int64_t shapes[][3] = {
        {1, 1, 1},    {1, 1, 7},    {2, 3, 4},    {7, 5, 3},    {13, 1, 9},   {1, 17, 31},
        {4, 4, 1},    {16, 16, 16}, {31, 29, 37}, {64, 64, 64}, {65, 33, 129}, {100, 7, 250},
        {3, 200, 5},  {97, 101, 103}, {128, 96, 257}, {9, 300, 2}, {257, 3, 64},
    };
    static const double ab[][2] = {{1.0, 0.0}, {0.75, 0.5}, {-1.5, 1.0}, {2.0, -1.0}};
    gemm_state_t st;
    uint64_t key = 1;

    memset(&st, 0, sizeof st);
    jf_ledger_clear(&st.ledger);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                const int64_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                const size_t which = (s + 2 * (size_t)ta + (size_t)tb) % 4;
                const double alpha = ab[which][0], beta = ab[which][1];
                const int threads = 1 + (int)((s + (size_t)ta) % 2);
                const jf_flop_cat_t cat = (jf_flop_cat_t)((s * 4 + 2 * (size_t)ta + (size_t)tb) %
                                                          JF_FLOP_NCAT);
                const int64_t pa = 1 + (int64_t)(s % 3), pb = 2 + (int64_t)(s % 2), pc = 3;
                key += 10;
                st.worst_s = fmax(st.worst_s, run_s(&st, ta, tb, m, n, k, alpha, beta, 0,
                                                    threads, cat, pa, pb, pc, key));
                st.worst_d = fmax(st.worst_d, run_d(&st, ta, tb, m, n, k, alpha, beta, 0,
                                                    threads, cat, pa, pb, pc, key));
                /* beta = 0 on a NaN-filled C: C must be overwritten, not scaled */
                st.worst_s = fmax(st.worst_s, run_s(&st, ta, tb, m, n, k, alpha, 0.0, 1,
                                                    3 - threads, cat, pa, 0, 1, key + 5));
                st.worst_d = fmax(st.worst_d, run_d(&st, ta, tb, m, n, k, alpha, 0.0, 1,
                                                    3 - threads, cat, 0, pb, 1, key + 5));
            }
    fprintf(stderr, "%d products; worst normalised residual fp32 %.3g, fp64 %.3g\n", st.cases,
            st.worst_s, st.worst_d);

    /* the ledger: exactly 2*m*n*k per call, in the caller's category */
    for (int c = 0; c < JF_FLOP_NCAT; c++)
        CHECK_U128_EQ(st.expected[c], st.ledger.flops[c]);
    CHECK_U64_EQ(st.calls, st.ledger.gemm_calls);

    /* one call, counted by hand: 2*37*29*31 = 66526 */
    jf_ledger_t one;
    jf_ledger_clear(&one);
    {
        double a[37 * 31], b[31 * 29], c[37 * 29];
        for (int i = 0; i < 37 * 31; i++)
            a[i] = 1.0 / (i + 1);
        for (int i = 0; i < 31 * 29; i++)
            b[i] = (i % 7) - 3.0;
        const jf_gemm_ctx_t ctx = {&one, JF_FLOP_HEAD, 1, NULL};
        jf_gemm_d(&ctx, 0, 0, 37, 29, 31, 1.0, a, 31, b, 29, 0.0, c, 29);
        CHECK_U128_EQ(66526, one.flops[JF_FLOP_HEAD]);
        CHECK_U64_EQ(1, one.gemm_calls);
        jf_gemm_d(&ctx, 1, 1, 31, 31, 29, 1.0, b, 31, b, 29, 0.0, c, 31);
        CHECK_U128_EQ(66526 + 2 * 31 * 31 * 29, one.flops[JF_FLOP_HEAD]);
        CHECK_U64_EQ(2, one.gemm_calls);
        CHECK_U128_EQ(66526 + 2 * 31 * 31 * 29, jf_ledger_total(&one));
    }

    /* an exact small case by hand: [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50];
     * with A stored transposed and beta = 2 on C = 1 */
    {
        const float at[4] = {1, 3, 2, 4}, bm[4] = {5, 6, 7, 8};
        float c[4] = {1, 1, 1, 1};
        const jf_gemm_ctx_t ctx = {&one, JF_FLOP_OTHER, 1, NULL};
        jf_gemm_s(&ctx, 1, 0, 2, 2, 2, 1.0f, at, 2, bm, 2, 2.0f, c, 2);
        CHECK_NEAR(21, c[0], 0);
        CHECK_NEAR(24, c[1], 0);
        CHECK_NEAR(45, c[2], 0);
        CHECK_NEAR(52, c[3], 0);
    }

    /* the check itself can fail: a corrupted element is far above threshold */
    {
        const int64_t m = 20, n = 20, k = 20;
        double a[400], b[400], c[400], r[400];
        for (int i = 0; i < 400; i++) {
            a[i] = 2 * jf_rng_uniform(99, (uint64_t)i) - 1;
            b[i] = 2 * jf_rng_uniform(98, (uint64_t)i) - 1;
        }
        const jf_gemm_ctx_t ctx = {&one, JF_FLOP_OTHER, 1, NULL};
        jf_gemm_d(&ctx, 0, 0, m, n, k, 1.0, a, k, b, n, 0.0, c, n);
        jf_gemm_ref_d(0, 0, m, n, k, 1.0, a, k, b, n, 0.0, r, n);
        c[137] += 1e-12;  /* a tiny error, still 200x eps*k */
        double diff = 0, amax = 0, bmax = 0;
        for (int i = 0; i < 400; i++) {
            diff = fmax(diff, fabs(c[i] - r[i]));
            amax = fmax(amax, fabs(a[i]));
            bmax = fmax(bmax, fabs(b[i]));
        }
        const double resid = diff / (DBL_EPSILON * (double)(k + 2) * amax * bmax);
        CHECK_MSG(resid > 1.0, "negative control: a corrupted element gave residual %.3g", resid);
    }
    return JF_TEST_DONE();
}
