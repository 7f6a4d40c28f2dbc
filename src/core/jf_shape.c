/* jf_shape.c: Kaplan's N, presets, and shape resolution from N/D targets. */
#include "jf_shape.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

uint64_t jf_shape_params(const jf_shape_t *s)
{
    const uint64_t d = (uint64_t)s->d_model, ff = (uint64_t)s->ff;
    return (uint64_t)s->layers * (4 * d * d + 2 * d * ff);
}

uint64_t jf_shape_params_allocated(const jf_shape_t *s)
{
    const uint64_t d = (uint64_t)s->d_model, v = (uint64_t)s->vocab;
    /* two LayerNorms (gain, bias) per layer, a final LayerNorm,
     * token and position embeddings and the output head d*v */
    return jf_shape_params(s) + (uint64_t)s->layers * 4 * d + 2 * d + 2 * v * d +
           (uint64_t)s->ctx * d;
}

jf_err_t jf_shape_check(const jf_shape_t *s, char *msg, size_t msglen)
{
    const struct { const char *flag; int64_t value; } dims[] = {
        {"--layers", s->layers}, {"--d-model", s->d_model}, {"--heads", s->heads},
        {"--ctx", s->ctx}, {"--ff", s->ff}, {"--vocab", s->vocab},
    };
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        if (dims[i].value < 1 || dims[i].value > JF_DIM_MAX) {
            snprintf(msg, msglen, "%s: %lld is outside 1..%lld", dims[i].flag,
                     (long long)dims[i].value, (long long)JF_DIM_MAX);
            return JF_ERANGE;
        }
    }
    if (s->d_model % s->heads != 0) {
        snprintf(msg, msglen, "--d-model %lld is not divisible by --heads %lld",
                 (long long)s->d_model, (long long)s->heads);
        return JF_EINVAL;
    }
    if (s->vocab < 2) {
        snprintf(msg, msglen, "--vocab must be at least 2 (got %lld)",
                 (long long)s->vocab);
        return JF_ERANGE;
    }
    return JF_OK;
}

/* Presets. "default" is what `make run` and a bare jflop-run use: small
 * enough for a laptop, large enough that GEMMs dominate the step. */
const jf_preset_t jf_presets[] = {
    {"default", "quick demonstration, 2 ranks on a laptop or one node",
     {4, 256, 4, 128, 1024, 256}, 8, 20, 2},
    {"tiny", "smoke tests and CI",
     {2, 64, 2, 32, 256, 64}, 4, 6, 1},
    {"medium", "one node, GEMMs of realistic width (d_model 1024)",
     {8, 1024, 16, 256, 4096, 1024}, 4, 10, 2},
    {"large", "several nodes (d_model 2048, GPT-2 XL-like width)",
     {24, 2048, 16, 512, 8192, 4096}, 4, 20, 2},
    {NULL, NULL, {0, 0, 0, 0, 0, 0}, 0, 0, 0},
};

const jf_preset_t *jf_preset_find(const char *name)
{
    for (const jf_preset_t *p = jf_presets; p->name != NULL; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

jf_err_t jf_shape_from_params(uint64_t target, jf_shape_t *shape,
                              char *msg, size_t msglen)
{
    const double aspect_goal = 64.0;  /* d_model / n_layer of GPT-2/3 small */
    double best_score = INFINITY;
    jf_shape_t best = *shape;

    for (int64_t layers = 1; layers <= 256; layers++) {
        /* N = 12 * layers * d^2 when d_ff = 4 d */
        const double d_exact = sqrt((double)target / (12.0 * (double)layers));
        int64_t d = (int64_t)llround(d_exact / 64.0) * 64;
        if (d < 64)
            d = 64;
        if (d > JF_DIM_MAX / 4)
            continue;
        jf_shape_t cand = *shape;
        cand.layers = layers;
        cand.d_model = d;
        cand.heads = d / 64;
        cand.ff = 4 * d;
        const double n = (double)jf_shape_params(&cand);
        const double miss = fabs(log(n / (double)target));
        const double aspect = fabs(log(((double)d / (double)layers) / aspect_goal));
        const double score = miss + 0.05 * aspect;
        if (miss <= log(1.25) && score < best_score) {
            best_score = score;
            best = cand;
        }
    }
    if (!isfinite(best_score)) {
        jf_shape_t smallest = *shape;
        smallest.layers = 1;
        smallest.d_model = 64;
        smallest.ff = 256;
        snprintf(msg, msglen,
                 "--params %llu is unreachable: no shape with d_model a multiple of 64 "
                 "lands within 25%% (smallest is %llu)",
                 (unsigned long long)target,
                 (unsigned long long)jf_shape_params(&smallest));
        return JF_ERANGE;
    }
    *shape = best;
    return JF_OK;
}

int64_t jf_steps_for_tokens(uint64_t target_tokens, int64_t tokens_per_step)
{
    return (int64_t)((target_tokens + (uint64_t)tokens_per_step - 1) /
                     (uint64_t)tokens_per_step);
}

const char *jf_precision_name(jf_precision_t p)
{
    return p == JF_FP64 ? "fp64" : p == JF_BF16 ? "bf16" : "fp32";
}

int jf_precision_parse(const char *name)
{
    for (int p = 0; p < JF_NPRECISION; p++)
        if (strcmp(name, jf_precision_name((jf_precision_t)p)) == 0)
            return p;
    return -1;
}

/* The operand width, which the Landauer comparison counts per FLOP. */
int jf_precision_bits(jf_precision_t p)
{
    return p == JF_FP64 ? 64 : p == JF_BF16 ? 16 : 32;
}
