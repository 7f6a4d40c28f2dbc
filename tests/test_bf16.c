/* test_bf16: bf16 rounding and conversion against an independent reference
 * (round to nearest even done in exact long-double arithmetic on the
 * neighbouring bf16 values), the GEMM back-end registry and its probe
 * reasons, residuals of every back-end in every precision it serves, and
 * the GEMM door in mixed precision: operands taken from a mirror or
 * rounded, 2*m*n*k counted, conversions counted apart. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/jf_ledger.h"
#include "core/jf_rng.h"
#include "kern/jf_bf16.h"
#include "kern/jf_gemm.h"
#include "kern/jf_gemm_backend.h"
#include "train/jf_model.h"

#include "jf_test.h"

/* The reference: the two bf16 values around x (truncation and the next one
 * up in magnitude), the nearer wins, a tie goes to the even one. */
static float ref_round(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    const uint32_t lo = u & 0xffff0000u, hi = lo + 0x10000u;
    float flo, fhi;
    memcpy(&flo, &lo, sizeof flo);
    memcpy(&fhi, &hi, sizeof fhi);
    if ((u & 0xffffu) == 0)
        return x;
    /* past the largest bf16 the next value up is 2^128 in magnitude (IEEE
     * rounding overflows to infinity from there) */
    const long double vhi = isinf(fhi) ? copysignl(0x1p128L, x) : (long double)fhi;
    const long double dlo = fabsl((long double)x - flo), dhi = fabsl(vhi - x);
    if (dlo < dhi)
        return flo;
    if (dhi < dlo)
        return fhi;
    return ((lo >> 16) & 1u) ? fhi : flo;
}

static void check_rounding(void)
{
    /* exact values stay, ties go to even, halfway+1 rounds up */
    CHECK(jf_bf16_to_float(jf_bf16_from_float(1.0f)) == 1.0f);
    CHECK(jf_bf16_to_float(jf_bf16_from_float(-2.5f)) == -2.5f);
    CHECK_INT_EQ(0x3f80, jf_bf16_from_float(1.0f + 0x1p-8f));           /* tie, even below */
    CHECK_INT_EQ(0x3f82, jf_bf16_from_float(1.0f + 3 * 0x1p-8f));       /* tie, even above */
    CHECK_INT_EQ(0x3f81, jf_bf16_from_float(1.0f + 0x1p-8f + 0x1p-20f)); /* above the tie */
    CHECK_INT_EQ(0x7f80, jf_bf16_from_float(INFINITY));
    CHECK_INT_EQ(0xff80, jf_bf16_from_float(-INFINITY));
    CHECK_INT_EQ(0x7f80, jf_bf16_from_float(FLT_MAX));  /* rounds past the largest bf16 */
    CHECK(isnan(jf_bf16_to_float(jf_bf16_from_float(NAN))));
    const uint32_t snan_bits = 0x7f800001u;  /* a NaN whose payload rounding would make inf */
    float snan;
    memcpy(&snan, &snan_bits, sizeof snan);
    CHECK(isnan(jf_bf16_to_float(jf_bf16_from_float(snan))));
    CHECK(jf_bf16_to_float(jf_bf16_from_float(0x1p-130f)) == 0x1p-130f); /* subnormal kept */
    CHECK(signbit(jf_bf16_to_float(jf_bf16_from_float(-0.0f))));

    /* a million values spread over every exponent against the reference,
     * one by one and through the bulk conversion */
    enum { N = 1 << 20 };
    float *x = malloc(N * sizeof *x), *back = malloc(N * sizeof *back);
    jf_bf16_t *b = malloc(N * sizeof *b);
    if (x == NULL || back == NULL || b == NULL) {
        CHECK_MSG(0, "out of memory");
        goto cleanup;
    }
    for (int i = 0; i < N; i++) {
        uint32_t u = (uint32_t)jf_rng_u64(42, (uint64_t)i);
        if ((u & 0x7f800000u) == 0x7f800000u)
            u &= 0xbfffffffu;  /* no inf/NaN here: checked above */
        memcpy(&x[i], &u, sizeof u);
    }
    jf_bf16_from_floats(b, x, N);
    jf_bf16_to_floats(back, b, N);
    int wrong = 0, bad_bulk = 0;
    double worst_rel = 0;
    for (int i = 0; i < N; i++) {
        const float want = ref_round(x[i]);
        wrong += jf_bf16_to_float(jf_bf16_from_float(x[i])) != want;
        bad_bulk += back[i] != jf_bf16_to_float(jf_bf16_from_float(x[i]));
        if (isfinite(want) && fabsf(x[i]) >= FLT_MIN)
            worst_rel = fmax(worst_rel, fabs((double)want - x[i]) / fabs((double)x[i]));
    }
    CHECK_INT_EQ(0, wrong);
    CHECK_INT_EQ(0, bad_bulk);
    CHECK_MSG(worst_rel <= JF_BF16_UNIT_ROUNDOFF, "relative rounding error %g above u = 2^-8",
              worst_rel);
    /* a strided block */
    jf_bf16_t blk[6 * 5];
    jf_bf16_from_matrix(blk, x, 6, 5, 9, 1);
    int blk_bad = 0;
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 5; c++)
            blk_bad += blk[r * 5 + c] != jf_bf16_from_float(x[r * 9 + c]);
    CHECK_INT_EQ(0, blk_bad);
cleanup:
    free(x);
    free(back);
    free(b);
}

static void check_registry(void)
{
    char names[64], why[200];
    jf_gemm_backend_names(names, sizeof names);
    CHECK(jf_gemm_backend_find("blis") == &jf_gemm_blis);
    CHECK(jf_gemm_backend_find("nonesuch") == NULL);
    CHECK(strstr(names, "blis") != NULL);
    for (int i = 0; jf_gemm_backends[i] != NULL; i++) {
        const jf_gemm_backend_t *b = jf_gemm_backends[i];
        CHECK(b->name && b->description && b->probe && b->gemm && b->version && b->kernel &&
              b->native);
        for (int p = 0; p < JF_NPRECISION; p++) {
            why[0] = '\0';
            const int ok = b->probe((jf_precision_t)p, why, sizeof why);
            if (!(b->precisions & JF_PRECISION_BIT(p)))
                CHECK_MSG(!ok && why[0] != '\0' && strchr(why, '\n') == NULL,
                          "%s probe for %s must refuse with one line", b->name,
                          jf_precision_name((jf_precision_t)p));
        }
    }
    CHECK(!jf_gemm_blis.probe(JF_BF16, why, sizeof why) && strstr(why, "bf16"));
#ifdef HAVE_ONEDNN
    CHECK(jf_gemm_backend_find("onednn") == &jf_gemm_onednn);
    CHECK(strstr(names, "onednn") != NULL);
    CHECK(!jf_gemm_onednn.probe(JF_FP64, why, sizeof why) && strstr(why, "fp64"));
    CHECK(jf_gemm_onednn.probe(JF_BF16, why, sizeof why));
    CHECK(jf_gemm_onednn.probe(JF_FP32, why, sizeof why));
    char v[64];
    jf_gemm_onednn.version(v, sizeof v);
    CHECK(strncmp(v, "oneDNN ", 7) == 0);
#else
    CHECK(strstr(names, "onednn") == NULL);
#endif
}

/* One back-end product against long double on the operands it received:
 * |C - Cref| <= 2 k u sum|a||b| + u |beta c| with u the accumulation's
 * unit roundoff (fp32 for fp32 and bf16). Returns the worst ratio. */
static double backend_resid(const jf_gemm_backend_t *be, jf_precision_t p, int ta, int tb,
                            int64_t m, int64_t n, int64_t k, uint64_t key)
{
    const int64_t lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 3, ldc = n + 1;
    const int64_t na = (ta ? k : m) * lda, nb = (tb ? n : k) * ldb, nc = m * ldc;
    const size_t in = p == JF_FP64 ? 8 : p == JF_FP32 ? 4 : 2, out = p == JF_FP64 ? 8 : 4;
    char *a = malloc((size_t)na * in), *b = malloc((size_t)nb * in), *c = malloc((size_t)nc * out);
    double *av = malloc((size_t)na * sizeof *av), *bv = malloc((size_t)nb * sizeof *bv);
    double *c0 = malloc((size_t)nc * sizeof *c0);
    double worst = INFINITY;
    char why[200];
    if (!a || !b || !c || !av || !bv || !c0)
        goto cleanup;
    for (int64_t i = 0; i < na + nb; i++) {
        const double v = 2 * jf_rng_uniform(key, (uint64_t)i) - 1;
        double *dst = i < na ? &av[i] : &bv[i - na];
        char *raw = i < na ? a + i * (int64_t)in : b + (i - na) * (int64_t)in;
        if (p == JF_FP64) {
            memcpy(raw, &v, 8);
            *dst = v;
        } else if (p == JF_FP32) {
            const float f = (float)v;
            memcpy(raw, &f, 4);
            *dst = f;
        } else {
            const jf_bf16_t h = jf_bf16_from_float((float)v);
            memcpy(raw, &h, 2);
            *dst = jf_bf16_to_float(h);
        }
    }
    for (int64_t i = 0; i < nc; i++) {
        c0[i] = jf_rng_uniform(key + 7, (uint64_t)i);
        if (p == JF_FP64)
            ((double *)c)[i] = c0[i];
        else
            ((float *)c)[i] = (float)c0[i], c0[i] = (float)c0[i];
    }
    const double alpha = 0.5, beta = 0.25;
    const jf_gemm_args_t g = {p, ta, tb, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c, 2, 0, NULL, 0};
    if (be->gemm(&g, why, sizeof why) != JF_OK) {
        CHECK_MSG(0, "%s %s gemm failed: %s", be->name, jf_precision_name(p), why);
        goto cleanup;
    }
    const double u = p == JF_FP64 ? 0x1p-53 : 0x1p-24;
    worst = 0;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            long double ref = 0, mag = 0;
            for (int64_t q = 0; q < k; q++) {
                const long double x = (long double)(ta ? av[q * lda + i] : av[i * lda + q]) *
                                      (tb ? bv[j * ldb + q] : bv[q * ldb + j]);
                ref += x;
                mag += fabsl(x);
            }
            const long double want = alpha * ref + beta * c0[i * ldc + j];
            const double got = p == JF_FP64 ? ((double *)c)[i * ldc + j] : ((float *)c)[i * ldc + j];
            const double bound = (double)(2 * k * u * alpha * mag) + u * fabs(beta * c0[i * ldc + j]) +
                                 u * fabs((double)want) + DBL_MIN;
            worst = fmax(worst, fabs(got - (double)want) / bound);
            if (isnan(got))
                worst = INFINITY;
        }
cleanup:
    free(a), free(b), free(c), free(av), free(bv), free(c0);
    return worst;
}

static void check_backends(void)
{
    static const int64_t shapes[][3] = {{1, 1, 1}, {5, 7, 3}, {33, 17, 65}, {64, 96, 128},
                                        {130, 70, 257}};
    for (int i = 0; jf_gemm_backends[i] != NULL; i++) {
        const jf_gemm_backend_t *be = jf_gemm_backends[i];
        for (int p = 0; p < JF_NPRECISION; p++) {
            if (!(be->precisions & JF_PRECISION_BIT(p)))
                continue;
            double worst = 0;
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                for (int ta = 0; ta < 2; ta++)
                    for (int tb = 0; tb < 2; tb++)
                        worst = fmax(worst, backend_resid(be, (jf_precision_t)p, ta, tb,
                                                          shapes[s][0], shapes[s][1],
                                                          shapes[s][2], 100 * s + 3 * ta + tb));
            CHECK_MSG(worst <= 1, "%s %s: worst residual %g (limit 1)", be->name,
                      jf_precision_name((jf_precision_t)p), worst);
            fprintf(stderr, "%s %s: worst residual %.3g of the bound\n", be->name,
                    jf_precision_name((jf_precision_t)p), worst);
        }
    }
}

/* The door in mixed precision: an operand inside the mirror is read from
 * it (so a mirror holding other values changes the result), others are
 * rounded and counted; the FLOPs are 2*m*n*k either way. */
static void check_door_mixed(void)
{
#ifdef HAVE_ONEDNN
    enum { M = 8, N = 6, K = 4 };
    float a[M * K], w[K * N], c[M * N];
    jf_bf16_t wb[K * N];
    for (int i = 0; i < M * K; i++)
        a[i] = 1.0f + 0x1p-12f * (float)i;  /* not representable: rounding shows */
    for (int i = 0; i < K * N; i++) {
        w[i] = 1.0f;
        wb[i] = jf_bf16_from_float(2.0f);  /* the mirror says 2: it must be used */
    }
    jf_ledger_t L;
    jf_ledger_clear(&L);
    const jf_bf16_mirror_t mirror = {w, K * N, wb, 0};
    const jf_bf16_mirrors_t mirrors = {&mirror, 1};
    const jf_gemm_ctx_t ctx = {&L, JF_FLOP_DENSE_FWD, 1, &mirrors};
    jf_gemm_use(JF_BF16, &jf_gemm_onednn);
    jf_gemm_s(&ctx, 0, 0, M, N, K, 1, a, K, w, N, 0, c, N);
    char why[200];
    CHECK(!jf_gemm_failed(why, sizeof why));
    for (int i = 0; i < M; i++) {
        double want = 0;
        for (int q = 0; q < K; q++)
            want += 2.0 * jf_bf16_to_float(jf_bf16_from_float(a[i * K + q]));
        CHECK_MSG(c[i * N] == (float)want, "row %d: got %g, want %g", i, c[i * N], want);
    }
    CHECK_U128_EQ((jf_u128)2 * M * N * K, L.flops[JF_FLOP_DENSE_FWD]);
    CHECK_U64_EQ(M * K, L.bf16_converted);  /* A rounded, the weights from the mirror */
    CHECK_U64_EQ(1, L.gemm_calls);
#endif
}

/* A C inside a bf16-only mirror: the door has the back-end write bf16 C,
 * bit for bit the fp32 result rounded to nearest even, at C's offset and
 * leading dimension, and never touches the fp32 address that names it;
 * the rounding is counted. */
static void check_door_bf16_output(void)
{
#ifdef HAVE_ONEDNN
    enum { M = 24, N = 20, K = 33, LDC = 29, ROW0 = 3, COL0 = 5, ROWS = M + 6 };
    static float a[M * K], w[K * N], c32[M * LDC], key[ROWS * LDC];
    static jf_bf16_t cb[ROWS * LDC];
    for (int i = 0; i < M * K; i++)
        a[i] = (float)jf_rng_normal(11, (uint64_t)i);
    for (int i = 0; i < K * N; i++)
        w[i] = (float)jf_rng_normal(12, (uint64_t)i);
    for (int i = 0; i < ROWS * LDC; i++) {
        key[i] = 12345.0f;                 /* must stay as it is */
        cb[i] = jf_bf16_from_float(-7.0f); /* outside the block: must stay */
    }
    jf_ledger_t L;
    jf_ledger_clear(&L);
    const jf_bf16_mirror_t out = {key, ROWS * LDC, cb, 1};
    const jf_bf16_mirrors_t mirrors = {&out, 1};
    const jf_gemm_ctx_t ctx = {&L, JF_FLOP_DENSE_FWD, 1, &mirrors};
    jf_gemm_use(JF_BF16, &jf_gemm_onednn);
    const float alpha = 0.375f;
    jf_gemm_s(&ctx, 0, 0, M, N, K, alpha, a, K, w, N, 0, c32, LDC);  /* fp32 C */
    jf_gemm_s(&ctx, 0, 0, M, N, K, alpha, a, K, w, N, 0, key + ROW0 * LDC + COL0, LDC);
    char why[200];
    CHECK(!jf_gemm_failed(why, sizeof why));
    int wrong = 0, touched = 0, outside = 0;
    for (int r = 0; r < ROWS; r++)
        for (int j = 0; j < LDC; j++) {
            const int i = r * LDC + j;
            touched += key[i] != 12345.0f;
            const int in = r >= ROW0 && r < ROW0 + M && j >= COL0 && j < COL0 + N;
            if (!in) {
                outside += cb[i] != jf_bf16_from_float(-7.0f);
                continue;
            }
            const float want = c32[(r - ROW0) * LDC + (j - COL0)];
            wrong += cb[i] != jf_bf16_from_float(want);
        }
    CHECK_MSG(wrong == 0, "%d of %d bf16 C elements differ from the rounded fp32 C", wrong,
              M * N);
    CHECK_MSG(touched == 0, "the fp32 address of a bf16-only C was written (%d elements)",
              touched);
    CHECK_MSG(outside == 0, "%d bf16 elements outside C were written", outside);
    /* A and B rounded twice (two calls), C's M*N rounded once */
    CHECK_U64_EQ(2 * (M * K + K * N) + M * N, L.bf16_converted);
    CHECK_U128_EQ((jf_u128)4 * M * N * K, L.flops[JF_FLOP_DENSE_FWD]);
#endif
}

#ifdef HAVE_ONEDNN
/* oneDNN for bf16 as a back-end that does not fuse c_mul: the door's own
 * product-then-multiply path for a bf16-only C */
static jf_err_t unfused_gemm(const jf_gemm_args_t *g, char *msg, size_t msglen)
{
    if (g->c_mul != NULL) {
        snprintf(msg, msglen, "the door passed c_mul to a back-end that does not fuse it");
        return JF_EINVAL;
    }
    return jf_gemm_onednn.gemm(g, msg, msglen);
}
#endif

/* |got - want| over the worst element, in units of the bound
 * slack * (K u sum|a b| + beta |c0| u) |mul| + |want| u_out: within 1 passes. */
static double mul_resid(const double *got, const double *want, const double *mag, int m, int n,
                        int ldc, double k_u, double u_out)
{
    double worst = 0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            const double bound = 2 * k_u * mag[i * n + j] + u_out * fabs(want[i * n + j]) + 1e-30;
            const double r = fabs(got[i * ldc + j] - want[i * n + j]) / bound;
            worst = r > worst ? r : worst;
        }
    return worst;
}

/* jf_gemm_mul: C = (alpha A B + beta C) * M on every back-end and path:
 * fused in oneDNN's epilogue (fp32, and bf16 into a bf16-only C), after the
 * product in the door (BLIS fp32 and fp64, and a bf16 back-end that does
 * not fuse), at C's and M's own leading dimensions; counted as the product. */
static void check_door_mul(void)
{
    enum { M = 24, N = 20, K = 33, LDC = 29, LDM = 31 };
    static float a[M * K], w[K * N], mul[M * LDM], c[M * LDC], c0[M * LDC];
    static double ad[M * K], wd[K * N], muld[M * LDM], cd[M * LDC];
    static double want[M * N], mag[M * N], got[M * LDC];
    const float alpha = 0.75f, beta = 0.5f;
    for (int i = 0; i < M * K; i++)
        ad[i] = a[i] = (float)jf_rng_normal(21, (uint64_t)i);
    for (int i = 0; i < K * N; i++)
        wd[i] = w[i] = (float)jf_rng_normal(22, (uint64_t)i);
    for (int i = 0; i < M * LDM; i++)
        muld[i] = mul[i] = (float)((jf_rng_uniform(23, (uint64_t)i) + 0.5) *
                                   (i % 3 == 0 ? -1 : 1));
    for (int i = 0; i < M * LDC; i++)
        c0[i] = (float)jf_rng_normal(24, (uint64_t)i);
    /* want = (alpha A B + beta c0) * mul from the values as given */
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            long double sum = 0, abs_sum = 0;
            for (int q = 0; q < K; q++) {
                sum += (long double)a[i * K + q] * w[q * N + j];
                abs_sum += fabsl((long double)a[i * K + q] * w[q * N + j]);
            }
            const double f = mul[i * LDM + j];
            want[i * N + j] = (double)((alpha * sum + beta * (long double)c0[i * LDC + j]) * f);
            mag[i * N + j] = (double)((alpha * abs_sum + beta * fabsl(c0[i * LDC + j])) * fabs(f));
        }
    jf_ledger_t L;
    char why[200];
    const jf_gemm_ctx_t ctx = {&L, JF_FLOP_DENSE_BWD_DATA, 2, NULL};
    for (int b = 0; jf_gemm_backends[b] != NULL; b++) {
        const jf_gemm_backend_t *be = jf_gemm_backends[b];
        if (!(be->precisions & JF_PRECISION_BIT(JF_FP32)) || !be->probe(JF_FP32, why, sizeof why))
            continue;
        jf_gemm_use(JF_FP32, be);
        jf_ledger_clear(&L);
        memcpy(c, c0, sizeof c);
        jf_gemm_mul_s(&ctx, 0, 0, M, N, K, alpha, a, K, w, N, beta, c, LDC, mul, LDM);
        CHECK(!jf_gemm_failed(why, sizeof why));
        for (int i = 0; i < M * LDC; i++)
            got[i] = c[i];
        const double r = mul_resid(got, want, mag, M, N, LDC, K * 0x1p-24, 0x1p-24);
        CHECK_MSG(r <= 1, "%s fp32 C*M (%s): residual %.3g of its bound", be->name,
                  be->fuses_mul & JF_PRECISION_BIT(JF_FP32) ? "fused" : "door", r);
        CHECK_U128_EQ((jf_u128)2 * M * N * K, L.flops[JF_FLOP_DENSE_BWD_DATA]);
    }
    jf_gemm_use(JF_FP64, &jf_gemm_blis);
    for (int i = 0; i < M * LDC; i++)
        cd[i] = c0[i];
    jf_gemm_mul_d(&ctx, 0, 0, M, N, K, alpha, ad, K, wd, N, beta, cd, LDC, muld, LDM);
    CHECK(!jf_gemm_failed(why, sizeof why));
    CHECK_MSG(mul_resid(cd, want, mag, M, N, LDC, K * 0x1p-53, 0x1p-53) <= 1,
              "blis fp64 C*M: residual above its bound");
#ifdef HAVE_ONEDNN
    /* bf16 operands, bf16-only C (beta 0): fused, then through the door */
    static float key[M * LDC];
    static jf_bf16_t cb[M * LDC];
    double wantb[M * N], magb[M * N];
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            long double sum = 0, abs_sum = 0;
            for (int q = 0; q < K; q++) {
                const long double x =
                    (long double)jf_bf16_to_float(jf_bf16_from_float(a[i * K + q])) *
                    jf_bf16_to_float(jf_bf16_from_float(w[q * N + j]));
                sum += x;
                abs_sum += fabsl(x);
            }
            wantb[i * N + j] = (double)(alpha * sum * mul[i * LDM + j]);
            magb[i * N + j] = (double)(alpha * abs_sum * fabs(mul[i * LDM + j]));
        }
    const jf_bf16_mirror_t out = {key, M * LDC, cb, 1};
    const jf_bf16_mirrors_t mirrors = {&out, 1};
    const jf_gemm_ctx_t bctx = {&L, JF_FLOP_DENSE_BWD_DATA, 2, &mirrors};
    static const jf_gemm_backend_t unfused = {
        .name = "onednn-unfused", .description = "test", .precisions = 1u << JF_BF16,
        .fuses_mul = 0, .gemm = unfused_gemm};
    const jf_gemm_backend_t *paths[] = {&jf_gemm_onednn, &unfused};
    for (int p = 0; p < 2; p++) {
        jf_gemm_use(JF_BF16, paths[p]);
        jf_ledger_clear(&L);
        jf_gemm_mul_s(&bctx, 0, 0, M, N, K, alpha, a, K, w, N, 0, key, LDC, mul, LDM);
        CHECK_MSG(!jf_gemm_failed(why, sizeof why), "%s: %s", paths[p]->name, why);
        for (int i = 0; i < M * LDC; i++)
            got[i] = jf_bf16_to_float(cb[i]);
        const double r = mul_resid(got, wantb, magb, M, N, LDC, K * 0x1p-24, 0x1p-8);
        CHECK_MSG(r <= 1, "%s bf16-only C*M: residual %.3g of its bound", paths[p]->name, r);
        CHECK_U64_EQ(M * K + K * N + M * N, L.bf16_converted);
        CHECK_U128_EQ((jf_u128)2 * M * N * K, L.flops[JF_FLOP_DENSE_BWD_DATA]);
    }
    jf_gemm_use(JF_BF16, &jf_gemm_onednn);
#endif
}

/* Accumulating into a bf16-only C (beta != 0) has nothing to add to: the
 * door refuses it and says so (run last: the door keeps its first failure). */
static void check_door_bf16_output_beta(void)
{
#ifdef HAVE_ONEDNN
    static float a[4 * 4], w[4 * 4], key[4 * 4];
    static jf_bf16_t cb[4 * 4];
    jf_ledger_t L;
    jf_ledger_clear(&L);
    const jf_bf16_mirror_t out = {key, 16, cb, 1};
    const jf_bf16_mirrors_t mirrors = {&out, 1};
    const jf_gemm_ctx_t ctx = {&L, JF_FLOP_DENSE_FWD, 1, &mirrors};
    char why[200] = "";
    CHECK(!jf_gemm_failed(why, sizeof why));
    jf_gemm_s(&ctx, 0, 0, 4, 4, 4, 1, a, 4, w, 4, 1, key, 4);
    CHECK(jf_gemm_failed(why, sizeof why));
    CHECK_STR_CONTAINS(why, "only in bf16");
#endif
}

/* A bf16 model's gradients against an fp32 model's on the same weights and
 * data: close (bf16 operands, fp32 accumulation) but not equal (bf16 really
 * ran). A bf16 copy read before its producer refreshed it would be far off. */
static void check_model_gradients(void)
{
#ifdef HAVE_ONEDNN
    static const jf_shape_t shape = {2, 32, 4, 16, 64, 40};
    jf_model_t *m32 = NULL, *m16 = NULL;
    jf_ledger_t L;
    char why[JF_MSG_LEN];
    int32_t tok[2 * 16], tgt[2 * 16];
    for (int i = 0; i < 32; i++) {
        tok[i] = (int32_t)(jf_rng_u64(3, (uint64_t)i) % 40);
        tgt[i] = (int32_t)(jf_rng_u64(4, (uint64_t)i) % 40);
    }
    jf_ledger_clear(&L);
    jf_gemm_use(JF_BF16, &jf_gemm_onednn);
    if (jf_model_create(&shape, 2, JF_FP32, 1, 9, &m32, why, sizeof why) != JF_OK ||
        jf_model_create(&shape, 2, JF_BF16, 1, 9, &m16, why, sizeof why) != JF_OK) {
        CHECK_MSG(0, "cannot create the models: %s", why);
        goto cleanup;
    }
    const double l32 = jf_model_forward_backward(m32, tok, tgt, 1.0 / 32, &L);
    const double l16 = jf_model_forward_backward(m16, tok, tgt, 1.0 / 32, &L);
    /* relative to each block of 256 weights' own largest gradient, so that
     * a wrong layer is not hidden by a larger one elsewhere */
    const uint64_t n = jf_model_nweights(m32), block = 256;
    double worst = 0, dmax_all = 0;
    for (uint64_t b0 = 0; b0 < n; b0 += block) {
        double gmax = 0, dmax = 0;
        for (uint64_t i = b0; i < n && i < b0 + block; i++) {
            gmax = fmax(gmax, fabs(jf_model_grad(m32, i)));
            dmax = fmax(dmax, fabs(jf_model_grad(m16, i) - jf_model_grad(m32, i)));
        }
        dmax_all = fmax(dmax_all, dmax);
        if (gmax > 0)
            worst = fmax(worst, dmax / gmax);
    }
    fprintf(stderr, "bf16 vs fp32 model: loss %.6f vs %.6f, worst block max|dg|/max|g| = %.3g\n",
            l16, l32, worst);
    CHECK_MSG(worst < 0.1, "bf16 gradients %g away from fp32's (relative, worst block)", worst);
    CHECK_MSG(dmax_all > 0, "bf16 gradients equal fp32's exactly: bf16 did not run");
    CHECK(fabs(l16 - l32) < 0.01 * l32);
    CHECK(L.bf16_converted > 0);
cleanup:
    jf_model_destroy(m32);
    jf_model_destroy(m16);
#endif
}

int main(void)
{
    check_rounding();
    check_registry();
    check_backends();
    check_door_mixed();
    check_door_bf16_output();
    check_door_mul();
    check_model_gradients();
    check_door_bf16_output_beta();
    return JF_TEST_DONE();
}
