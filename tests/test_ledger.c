/* test_ledger: the FLOP ledger of a real forward + backward pass, category by
 * category, against formulas written out here (not the library's own
 * jf_flops_6nd / jf_flops_attention_analytic), over several shapes, both
 * precisions and 1 or 2 threads; and exact 128-bit arithmetic and printing. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/jf_ledger.h"
#include "core/jf_shape.h"
#include "train/jf_model.h"

#include "jf_test.h"

typedef unsigned __int128 u128;

typedef struct {
    jf_shape_t shape;  /* layers, d_model, heads, ctx, ff, vocab */
    int64_t batch;
    jf_precision_t precision;
    int threads;
} ledger_case_t;

/* Decimal string -> u128, the test's own parser. */
static u128 u128_from_digits(const char *s)
{
    u128 v = 0;
    for (; *s; s++)
        v = v * 10 + (u128)(*s - '0');
    return v;
}

static void check_case(const ledger_case_t *c)
{
    const jf_shape_t *s = &c->shape;
    const u128 L = (u128)s->layers, d = (u128)s->d_model, ff = (u128)s->ff;
    const u128 ctx = (u128)s->ctx, V = (u128)s->vocab, B = (u128)c->batch;
    const u128 T = B * ctx;
    /* per token and layer: QKV 3d^2, output d^2, MLP 2*d*ff multiply-adds */
    const u128 n_params = L * (4 * d * d + 2 * d * ff);
    const u128 dense_fwd = 2 * T * (4 * d * d + 2 * d * ff) * L;
    /* per sequence, head and layer: Q K^T and P V, each 2*ctx*ctx*(d/heads) */
    const u128 attn_fwd = 4 * B * ctx * ctx * d * L;
    const u128 head = 3 * 2 * T * d * V;
    jf_model_t *m = NULL;
    char msg[JF_MSG_LEN] = "";
    jf_ledger_t ledger, twice;
    int32_t *tok = NULL, *tgt = NULL;

    fprintf(stderr, "case layers %lld d_model %lld heads %lld ctx %lld ff %lld vocab %lld "
                    "batch %lld %s threads %d\n",
            (long long)s->layers, (long long)s->d_model, (long long)s->heads,
            (long long)s->ctx, (long long)s->ff, (long long)s->vocab, (long long)c->batch,
            jf_precision_name(c->precision), c->threads);

    CHECK_U64_EQ((uint64_t)n_params, jf_shape_params(s));
    jf_err_t err = jf_model_create(s, c->batch, c->precision, c->threads, 3, &m, msg,
                                   sizeof msg);
    CHECK_MSG(err == JF_OK, "jf_model_create: %s", msg);
    tok = malloc((size_t)T * sizeof *tok);
    tgt = malloc((size_t)T * sizeof *tgt);
    CHECK(tok != NULL && tgt != NULL);
    if (err != JF_OK || tok == NULL || tgt == NULL)
        goto cleanup;
    for (u128 t = 0; t < T; t++) {
        tok[t] = (int32_t)((t * 7 + 1) % V);
        tgt[t] = (int32_t)((t * 3 + 2) % V);
    }

    jf_ledger_clear(&ledger);
    const double loss = jf_model_forward_backward(m, tok, tgt, 1.0 / (double)T, &ledger);
    /* a fresh model predicts close to uniformly: loss per token near ln(vocab) */
    CHECK_NEAR(log((double)V), loss / (double)T, 0.25);

    CHECK_U128_EQ(dense_fwd, ledger.flops[JF_FLOP_DENSE_FWD]);
    CHECK_U128_EQ(dense_fwd, ledger.flops[JF_FLOP_DENSE_BWD_DATA]);
    CHECK_U128_EQ(dense_fwd, ledger.flops[JF_FLOP_DENSE_BWD_WEIGHT]);
    CHECK_U128_EQ(attn_fwd, ledger.flops[JF_FLOP_ATTN_FWD]);
    CHECK_U128_EQ(2 * attn_fwd, ledger.flops[JF_FLOP_ATTN_BWD]);
    CHECK_U128_EQ(head, ledger.flops[JF_FLOP_HEAD]);
    CHECK_MSG(ledger.flops[JF_FLOP_OTHER] > 0, "non-GEMM work was not counted");
    CHECK_MSG(ledger.gemm_calls > 0, "no GEMM calls counted");
    /* 6ND: dense sum == 6 N T */
    CHECK_U128_EQ(6 * n_params * T, jf_ledger_dense(&ledger));
    CHECK_U128_EQ(3 * attn_fwd, jf_ledger_attention(&ledger));
    CHECK_U128_EQ(3 * dense_fwd + 3 * attn_fwd + head + ledger.flops[JF_FLOP_OTHER],
                  jf_ledger_total(&ledger));
    /* the library's closed forms agree with what was counted */
    CHECK_U128_EQ(jf_ledger_dense(&ledger), jf_flops_6nd(jf_shape_params(s), (uint64_t)T));
    CHECK_U128_EQ(jf_ledger_attention(&ledger),
                  jf_flops_attention_analytic(s, (uint64_t)T));

    /* a second step adds exactly as much again (the ledger accumulates) */
    twice = ledger;
    jf_model_forward_backward(m, tok, tgt, 1.0 / (double)T, &twice);
    for (int k = 0; k < JF_FLOP_NCAT; k++)
        CHECK_U128_EQ(2 * ledger.flops[k], twice.flops[k]);
    CHECK_U64_EQ(2 * ledger.gemm_calls, twice.gemm_calls);

    /* forward only: the forward third of each GEMM category, nothing backward */
    jf_ledger_t fwd;
    jf_ledger_clear(&fwd);
    jf_model_forward(m, tok, tgt, &fwd);
    CHECK_U128_EQ(dense_fwd, fwd.flops[JF_FLOP_DENSE_FWD]);
    CHECK_U128_EQ(0, fwd.flops[JF_FLOP_DENSE_BWD_DATA]);
    CHECK_U128_EQ(0, fwd.flops[JF_FLOP_DENSE_BWD_WEIGHT]);
    CHECK_U128_EQ(attn_fwd, fwd.flops[JF_FLOP_ATTN_FWD]);
    CHECK_U128_EQ(0, fwd.flops[JF_FLOP_ATTN_BWD]);
    CHECK_U128_EQ(2 * T * d * V, fwd.flops[JF_FLOP_HEAD]);

    /* a validation pass over fewer sequences than the batch: forward only,
     * in the ledger it is given (its own category in jflop-run), sized by
     * the sequences it ran; the training ledger is left as it was */
    const u128 nseq = B > 1 ? B - 1 : 1, Tv = nseq * ctx;
    const jf_ledger_t train_before = ledger;
    jf_ledger_t val;
    jf_ledger_clear(&val);
    const double vloss = jf_model_forward_seqs(m, (int64_t)nseq, tok, tgt, &val);
    CHECK_NEAR(log((double)V), vloss / (double)Tv, 0.5);
    CHECK_U128_EQ(2 * n_params * Tv, val.flops[JF_FLOP_DENSE_FWD]);
    CHECK_U128_EQ(0, val.flops[JF_FLOP_DENSE_BWD_DATA] + val.flops[JF_FLOP_DENSE_BWD_WEIGHT]);
    CHECK_U128_EQ(4 * nseq * ctx * ctx * d * L, val.flops[JF_FLOP_ATTN_FWD]);
    CHECK_U128_EQ(0, val.flops[JF_FLOP_ATTN_BWD]);
    CHECK_U128_EQ(2 * Tv * d * V, val.flops[JF_FLOP_HEAD]);
    CHECK(memcmp(&train_before, &ledger, sizeof ledger) == 0);
    /* the same sequences in a full batch cost the same per sequence */
    if (B > 1)
        CHECK_U128_EQ(dense_fwd / B * nseq, val.flops[JF_FLOP_DENSE_FWD]);
    /* more sequences than the model holds: refused, nothing counted */
    jf_ledger_t over;
    jf_ledger_clear(&over);
    CHECK(isnan(jf_model_forward_seqs(m, (int64_t)B + 1, tok, tgt, &over)));
    CHECK_U128_EQ(0, jf_ledger_total(&over));

    /* SGD adds 2 nominal FLOPs per trained weight, to "other" only */
    jf_ledger_t sgd;
    jf_ledger_clear(&sgd);
    jf_model_sgd(m, 0.01, &sgd);
    CHECK_U128_EQ((u128)2 * jf_model_nweights(m), sgd.flops[JF_FLOP_OTHER]);
    CHECK_U128_EQ((u128)2 * jf_model_nweights(m), jf_ledger_total(&sgd));

cleanup:
    jf_model_destroy(m);
    free(tok);
    free(tgt);
}

static void check_u128_strings(void)
{
    char buf[JF_U128_STRLEN];
    const u128 two64 = (u128)UINT64_MAX + 1;
    const u128 max128 = ~(u128)0;

    CHECK_STR_EQ("0", jf_u128_str(0, buf, sizeof buf));
    CHECK_STR_EQ("7", jf_u128_str(7, buf, sizeof buf));
    CHECK_STR_EQ("18446744073709551615", jf_u128_str(UINT64_MAX, buf, sizeof buf));
    CHECK_STR_EQ("18446744073709551616", jf_u128_str(two64, buf, sizeof buf));
    CHECK_STR_EQ("340282366920938463463374607431768211455",
                 jf_u128_str(max128, buf, sizeof buf));

    /* 6 * 1e13 * 1e15 = 6e28, well above 2^64 ~ 1.8e19: exact digits */
    const u128 six_e28 = u128_from_digits("60000000000000000000000000000");
    CHECK_STR_EQ("60000000000000000000000000000", jf_u128_str(six_e28, buf, sizeof buf));
    CHECK_STR_EQ("60,000,000,000,000,000,000,000,000,000",
                 jf_u128_str_grouped(six_e28, buf, sizeof buf));
    /* jf_flops_6nd at the largest --params and --tokens must not wrap at 64 bits */
    CHECK_U128_EQ(six_e28, jf_flops_6nd(10000000000000ULL, 1000000000000000ULL));
    CHECK_STR_EQ("60000000000000000000000000000",
                 jf_u128_str(jf_flops_6nd(10000000000000ULL, 1000000000000000ULL), buf,
                             sizeof buf));
    /* a value with every digit different, above 2^64 */
    const u128 mixed = u128_from_digits("123456789012345678901234567");
    CHECK_STR_EQ("123456789012345678901234567", jf_u128_str(mixed, buf, sizeof buf));
    CHECK_STR_EQ("123,456,789,012,345,678,901,234,567",
                 jf_u128_str_grouped(mixed, buf, sizeof buf));

    CHECK_STR_EQ("0", jf_u128_str_grouped(0, buf, sizeof buf));
    CHECK_STR_EQ("999", jf_u128_str_grouped(999, buf, sizeof buf));
    CHECK_STR_EQ("1,000", jf_u128_str_grouped(1000, buf, sizeof buf));
    CHECK_STR_EQ("12,345", jf_u128_str_grouped(12345, buf, sizeof buf));
    CHECK_STR_EQ("905,969,664", jf_u128_str_grouped(905969664, buf, sizeof buf));
    CHECK_STR_EQ("18,446,744,073,709,551,616", jf_u128_str_grouped(two64, buf, sizeof buf));
    CHECK_STR_EQ("340,282,366,920,938,463,463,374,607,431,768,211,455",
                 jf_u128_str_grouped(max128, buf, sizeof buf));
}

static void check_ledger_ops(void)
{
    jf_ledger_t a, b;
    const u128 big = u128_from_digits("100000000000000000000000"); /* 1e23 > 2^64 */

    jf_ledger_clear(&a);
    for (int k = 0; k < JF_FLOP_NCAT; k++)
        CHECK_U128_EQ(0, a.flops[k]);
    CHECK_U64_EQ(0, a.gemm_calls);
    jf_ledger_add(&a, JF_FLOP_DENSE_FWD, big);
    jf_ledger_add(&a, JF_FLOP_DENSE_FWD, big);
    jf_ledger_add(&a, JF_FLOP_ATTN_BWD, 5);
    jf_ledger_add(&a, JF_FLOP_OTHER, 11);
    a.gemm_calls = 3;
    CHECK_U128_EQ(2 * big, a.flops[JF_FLOP_DENSE_FWD]);
    CHECK_U128_EQ(2 * big, jf_ledger_dense(&a));
    CHECK_U128_EQ(5, jf_ledger_attention(&a));
    CHECK_U128_EQ(2 * big + 16, jf_ledger_total(&a));

    jf_ledger_clear(&b);
    jf_ledger_add(&b, JF_FLOP_DENSE_BWD_WEIGHT, big);
    jf_ledger_add(&b, JF_FLOP_HEAD, 1);
    b.gemm_calls = 4;
    jf_ledger_merge(&a, &b);
    CHECK_U128_EQ(2 * big, a.flops[JF_FLOP_DENSE_FWD]);
    CHECK_U128_EQ(big, a.flops[JF_FLOP_DENSE_BWD_WEIGHT]);
    CHECK_U128_EQ(1, a.flops[JF_FLOP_HEAD]);
    CHECK_U128_EQ(3 * big, jf_ledger_dense(&a));
    CHECK_U128_EQ(3 * big + 17, jf_ledger_total(&a));
    CHECK_U64_EQ(7, a.gemm_calls);
    /* merge leaves its source alone */
    CHECK_U128_EQ(big, b.flops[JF_FLOP_DENSE_BWD_WEIGHT]);
    CHECK_U64_EQ(4, b.gemm_calls);
}

int main(void)
{
    static const ledger_case_t cases[] = {
        /* layers d_model heads ctx ff vocab */
        {{1, 8, 1, 4, 16, 5}, 1, JF_FP64, 1},
        {{2, 16, 4, 8, 40, 11}, 3, JF_FP32, 1},
        {{3, 32, 2, 16, 64, 32}, 2, JF_FP64, 2},
        {{2, 64, 8, 7, 100, 13}, 5, JF_FP32, 2},  /* odd ctx, ff not a multiple of d */
        {{4, 24, 3, 12, 96, 50}, 2, JF_FP32, 1},
        {{1, 48, 6, 9, 17, 300}, 3, JF_FP64, 2},  /* ff < d_model, vocab > T */
        {{2, 64, 2, 32, 256, 64}, 4, JF_FP32, 2}, /* the "tiny" preset's shape */
#ifdef HAVE_ONEDNN
        {{2, 64, 8, 7, 100, 13}, 3, JF_BF16, 2},  /* mixed precision: same ledger */
        {{1, 48, 6, 9, 17, 300}, 2, JF_BF16, 1},
#endif
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(&cases[i]);
    check_u128_strings();
    check_ledger_ops();
    return JF_TEST_DONE();
}
