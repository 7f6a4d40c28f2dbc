/* test_shape: Kaplan's N on published models, shape checking and its
 * messages, shapes derived from --params targets, --tokens rounding, presets,
 * and that the weights a model allocates match jf_shape_params_allocated. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/jf_shape.h"
#include "train/jf_model.h"

#include "jf_test.h"

static jf_shape_t mk(int64_t layers, int64_t d, int64_t heads, int64_t ctx, int64_t ff,
                     int64_t vocab)
{
    const jf_shape_t s = {layers, d, heads, ctx, ff, vocab};
    return s;
}

static void check_kaplan(void)
{
    /* GPT-2 small: 12 layers, d 768, d_ff 3072: 12*(4*768^2 + 2*768*3072) */
    const jf_shape_t gpt2 = mk(12, 768, 12, 1024, 3072, 50257);
    CHECK_U64_EQ(84934656ULL, jf_shape_params(&gpt2));
    /* Llama 65B: 80 layers, d 8192, d_ff 22016. Its MLP has three matrices
     * (SwiGLU), so the real count is larger; Kaplan's formula, with two,
     * gives 80*(4*8192^2 + 2*8192*22016) = 80*(268435456 + 360710144). */
    const jf_shape_t llama = mk(80, 8192, 64, 2048, 22016, 32000);
    CHECK_U64_EQ(50331648000ULL, jf_shape_params(&llama));
    /* GPT-3 175B: 96 layers, d 12288, d_ff 49152: 96*12*12288^2 */
    const jf_shape_t gpt3 = mk(96, 12288, 96, 2048, 49152, 50257);
    CHECK_U64_EQ(173946175488ULL, jf_shape_params(&gpt3));
    /* the tiny preset: 2*(4*64^2 + 2*64*256) */
    const jf_shape_t tiny = mk(2, 64, 2, 32, 256, 64);
    CHECK_U64_EQ(98304ULL, jf_shape_params(&tiny));
    /* N does not depend on ctx, heads or vocab */
    const jf_shape_t tiny2 = mk(2, 64, 16, 4096, 256, 50000);
    CHECK_U64_EQ(98304ULL, jf_shape_params(&tiny2));
    /* the largest dimensions jflop accepts stay within 64 bits */
    const jf_shape_t big = mk(1024, 65536, 1024, 1, 262144, 2);
    CHECK_U64_EQ(1024ULL * (4ULL * 65536 * 65536 + 2ULL * 65536 * 262144),
                 jf_shape_params(&big));
}

/* jf_shape_params_allocated must count exactly what jf_model_create trains. */
static void check_allocated(void)
{
    const jf_shape_t shapes[] = {mk(1, 8, 2, 5, 12, 7), mk(2, 64, 2, 32, 256, 64),
                                 mk(3, 24, 3, 9, 50, 101)};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const jf_shape_t *s = &shapes[i];
        const uint64_t L = (uint64_t)s->layers, d = (uint64_t)s->d_model;
        const uint64_t ff = (uint64_t)s->ff, V = (uint64_t)s->vocab, ctx = (uint64_t)s->ctx;
        /* embeddings V*d + ctx*d; per layer 2 LayerNorms (4d), Wqkv 3d^2, Wo d^2,
         * W1 d*ff, W2 ff*d; final LayerNorm 2d; head d*V */
        const uint64_t expected = V * d + ctx * d + L * (4 * d + 4 * d * d + 2 * d * ff) +
                                  2 * d + d * V;
        CHECK_U64_EQ(expected, jf_shape_params_allocated(s));
        jf_model_t *m = NULL;
        char msg[JF_MSG_LEN] = "";
        const jf_err_t err = jf_model_create(s, 2, JF_FP32, 1, 1, &m, msg, sizeof msg);
        CHECK_MSG(err == JF_OK, "jf_model_create: %s", msg);
        if (err == JF_OK)
            CHECK_U64_EQ(expected, jf_model_nweights(m));
        jf_model_destroy(m);
        /* the memory estimate covers at least weights and gradients */
        CHECK(jf_model_bytes(s, 2, JF_FP64, 1) >= 2 * expected * sizeof(double));
        CHECK(jf_model_bytes(s, 2, JF_FP64, 1) > jf_model_bytes(s, 2, JF_FP32, 1));
        CHECK(jf_model_bytes(s, 4, JF_FP32, 1) > jf_model_bytes(s, 2, JF_FP32, 1));
    }
}

static void expect_bad_shape(jf_shape_t s, jf_err_t want, const char *flag)
{
    char msg[JF_MSG_LEN] = "";
    const jf_err_t err = jf_shape_check(&s, msg, sizeof msg);
    CHECK_MSG(err == want, "shape %lld/%lld/%lld/%lld/%lld/%lld: expected error %d (%s), got %d",
              (long long)s.layers, (long long)s.d_model, (long long)s.heads,
              (long long)s.ctx, (long long)s.ff, (long long)s.vocab, (int)want, flag, (int)err);
    CHECK_STR_CONTAINS(msg, flag);
}

static void check_shape_check(void)
{
    const jf_shape_t good = mk(2, 64, 2, 32, 256, 64);
    char msg[JF_MSG_LEN] = "";
    CHECK_INT_EQ(JF_OK, jf_shape_check(&good, msg, sizeof msg));
    const jf_shape_t one = mk(1, 1, 1, 1, 1, 2);
    CHECK_INT_EQ(JF_OK, jf_shape_check(&one, msg, sizeof msg));
    const jf_shape_t at_max = mk(JF_DIM_MAX, JF_DIM_MAX, 1, JF_DIM_MAX, JF_DIM_MAX, JF_DIM_MAX);
    CHECK_INT_EQ(JF_OK, jf_shape_check(&at_max, msg, sizeof msg));

    expect_bad_shape(mk(2, 100, 3, 32, 256, 64), JF_EINVAL, "--heads");
    expect_bad_shape(mk(2, 100, 3, 32, 256, 64), JF_EINVAL, "--d-model");
    expect_bad_shape(mk(2, 64, 128, 32, 256, 64), JF_EINVAL, "--heads");
    expect_bad_shape(mk(0, 64, 2, 32, 256, 64), JF_ERANGE, "--layers");
    expect_bad_shape(mk(2, 0, 2, 32, 256, 64), JF_ERANGE, "--d-model");
    expect_bad_shape(mk(2, 64, 0, 32, 256, 64), JF_ERANGE, "--heads");
    expect_bad_shape(mk(2, 64, 2, 0, 256, 64), JF_ERANGE, "--ctx");
    expect_bad_shape(mk(2, 64, 2, 32, 0, 64), JF_ERANGE, "--ff");
    expect_bad_shape(mk(2, 64, 2, 32, 256, 0), JF_ERANGE, "--vocab");
    expect_bad_shape(mk(2, 64, 2, 32, 256, 1), JF_ERANGE, "--vocab");
    expect_bad_shape(mk(-1, 64, 2, 32, 256, 64), JF_ERANGE, "--layers");
    expect_bad_shape(mk(2, 64, 2, -32, 256, 64), JF_ERANGE, "--ctx");
    expect_bad_shape(mk(JF_DIM_MAX + 1, 64, 2, 32, 256, 64), JF_ERANGE, "--layers");
    expect_bad_shape(mk(2, 64, 2, 32, JF_DIM_MAX + 1, 64), JF_ERANGE, "--ff");
}

static void check_from_params(void)
{
    static const uint64_t targets[] = {100000ULL, 1000000ULL, 3000000ULL, 125000000ULL,
                                       1300000000ULL, 175000000000ULL, 10000000000000ULL};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        jf_shape_t s = mk(7, 96, 3, 77, 123, 311);  /* ctx and vocab must survive */
        char msg[JF_MSG_LEN] = "";
        const jf_err_t err = jf_shape_from_params(targets[i], &s, msg, sizeof msg);
        CHECK_MSG(err == JF_OK, "--params %llu: %s", (unsigned long long)targets[i], msg);
        if (err != JF_OK)
            continue;
        const double n = (double)jf_shape_params(&s), t = (double)targets[i];
        fprintf(stderr, "--params %llu -> layers %lld d_model %lld heads %lld ff %lld: N %.0f (%+.1f%%)\n",
                (unsigned long long)targets[i], (long long)s.layers, (long long)s.d_model,
                (long long)s.heads, (long long)s.ff, n, 100 * (n / t - 1));
        CHECK_MSG(n >= 0.75 * t && n <= 1.25 * t, "--params %llu: N = %.0f is not within 25%%",
                  (unsigned long long)targets[i], n);
        CHECK_INT_EQ(0, s.d_model % 64);
        CHECK_INT_EQ(s.d_model, s.heads * 64);
        CHECK_INT_EQ(4 * s.d_model, s.ff);
        CHECK(s.layers >= 1);
        CHECK_INT_EQ(77, s.ctx);
        CHECK_INT_EQ(311, s.vocab);
        CHECK_INT_EQ(JF_OK, jf_shape_check(&s, msg, sizeof msg));
    }
    /* a GPT-3-sized target lands on a GPT-3-like aspect ratio (d_model/layers
     * within a factor 4 of 128), not on a degenerate one-layer shape */
    jf_shape_t g = mk(1, 64, 1, 2048, 256, 50257);
    char msg[JF_MSG_LEN] = "";
    if (jf_shape_from_params(175000000000ULL, &g, msg, sizeof msg) == JF_OK) {
        const double aspect = (double)g.d_model / (double)g.layers;
        CHECK_MSG(aspect > 16 && aspect < 512, "175G: aspect d_model/layers = %g", aspect);
    }

    /* unreachable targets: below the smallest shape (1 layer of d_model 64:
     * 4*64^2 + 2*64*256 = 49152, so anything under 49152/1.25) */
    static const uint64_t unreachable[] = {1, 10, 1000, 30000};
    for (size_t i = 0; i < sizeof unreachable / sizeof unreachable[0]; i++) {
        jf_shape_t s = mk(7, 96, 3, 77, 123, 311);
        const jf_shape_t before = s;
        char why[JF_MSG_LEN] = "";
        const jf_err_t err = jf_shape_from_params(unreachable[i], &s, why, sizeof why);
        CHECK_MSG(err == JF_ERANGE, "--params %llu: expected JF_ERANGE, got %d",
                  (unsigned long long)unreachable[i], (int)err);
        CHECK_STR_CONTAINS(why, "--params");
        CHECK_STR_CONTAINS(why, "unreachable");
        CHECK_MSG(memcmp(&s, &before, sizeof s) == 0, "a failed resolution changed the shape");
    }
    /* 49152 itself is reachable exactly */
    jf_shape_t s = mk(7, 96, 3, 77, 123, 311);
    CHECK_INT_EQ(JF_OK, jf_shape_from_params(49152, &s, msg, sizeof msg));
    CHECK_U64_EQ(49152ULL, jf_shape_params(&s));
}

static void check_steps_for_tokens(void)
{
    CHECK_INT_EQ(391, jf_steps_for_tokens(100000, 256));  /* 390.625 rounds up */
    CHECK_INT_EQ(4, jf_steps_for_tokens(1024, 256));      /* exact */
    CHECK_INT_EQ(5, jf_steps_for_tokens(1025, 256));
    CHECK_INT_EQ(1, jf_steps_for_tokens(1, 256));
    CHECK_INT_EQ(1, jf_steps_for_tokens(256, 256));
    CHECK_INT_EQ(2, jf_steps_for_tokens(257, 256));
    CHECK_INT_EQ(7, jf_steps_for_tokens(7, 1));
    CHECK_INT_EQ(1000000000000000LL, jf_steps_for_tokens(1000000000000000ULL, 1));
    CHECK_INT_EQ(1000000000LL, jf_steps_for_tokens(1000000000000000ULL, 1000000));
    CHECK_INT_EQ(1000000001LL, jf_steps_for_tokens(1000000000000001ULL, 1000000));
}

static void check_presets(void)
{
    int n = 0;
    CHECK(jf_presets[0].name != NULL);
    if (jf_presets[0].name != NULL)
        CHECK_STR_EQ("default", jf_presets[0].name);
    for (const jf_preset_t *p = jf_presets; p->name != NULL; p++, n++) {
        char msg[JF_MSG_LEN] = "";
        const jf_err_t err = jf_shape_check(&p->shape, msg, sizeof msg);
        CHECK_MSG(err == JF_OK, "preset %s: %s", p->name, msg);
        CHECK_MSG(p->purpose != NULL && p->purpose[0] != '\0', "preset %s has no purpose",
                  p->name);
        CHECK_MSG(p->batch >= 1 && p->steps >= 1 && p->warmup >= 0,
                  "preset %s: batch %lld steps %lld warmup %lld", p->name,
                  (long long)p->batch, (long long)p->steps, (long long)p->warmup);
        CHECK(jf_preset_find(p->name) == p);
        for (const jf_preset_t *q = jf_presets; q != p; q++)
            CHECK_MSG(strcmp(p->name, q->name) != 0, "preset %s appears twice", p->name);
    }
    CHECK(n >= 2);
    static const char *const expected[] = {"default", "tiny", "medium", "large"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        CHECK_MSG(jf_preset_find(expected[i]) != NULL, "preset %s is missing", expected[i]);
    CHECK(jf_preset_find("nosuch") == NULL);
    CHECK(jf_preset_find("") == NULL);
    CHECK(jf_preset_find("Tiny") == NULL);
    /* tiny stays tiny: the integration tests rely on it running in a blink */
    const jf_preset_t *tiny = jf_preset_find("tiny");
    if (tiny != NULL)
        CHECK(jf_shape_params(&tiny->shape) <= 1000000);
}

static void check_precision(void)
{
    CHECK_STR_EQ("fp32", jf_precision_name(JF_FP32));
    CHECK_STR_EQ("fp64", jf_precision_name(JF_FP64));
    CHECK_INT_EQ(32, jf_precision_bits(JF_FP32));
    CHECK_INT_EQ(64, jf_precision_bits(JF_FP64));
}

int main(void)
{
    check_kaplan();
    check_allocated();
    check_shape_check();
    check_from_params();
    check_steps_for_tokens();
    check_presets();
    check_precision();
    return JF_TEST_DONE();
}
