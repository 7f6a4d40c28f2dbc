/* jf_data.c: the synthetic permutation-with-noise language. */
#include "jf_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jf_rng.h"

/* one noisy step in JF_NOISE_DEN */
#define JF_NOISE_DEN 8
/* the validation stream's tag: the high bit keeps it apart from any
 * training sequence index */
#define JF_VALIDATION_STREAM ((UINT64_C(1) << 63) | UINT64_C(0x56414C4944))

jf_err_t jf_data_init(jf_data_t *data, uint64_t seed, int64_t vocab, int64_t ctx)
{
    data->key = jf_rng_key(seed, 0xDA7A);
    data->vocab = vocab;
    data->ctx = ctx;
    data->seq_key = data->key;
    data->perm = malloc((size_t)vocab * sizeof *data->perm);
    if (data->perm == NULL)
        return JF_ENOMEM;
    for (int64_t i = 0; i < vocab; i++)
        data->perm[i] = (int32_t)i;
    /* Fisher-Yates with the counter RNG */
    for (int64_t i = vocab - 1; i > 0; i--) {
        const int64_t j = (int64_t)(jf_rng_u64(data->key, (uint64_t)i) % (uint64_t)(i + 1));
        const int32_t t = data->perm[i];
        data->perm[i] = data->perm[j];
        data->perm[j] = t;
    }
    return JF_OK;
}

jf_err_t jf_data_validation(const jf_data_t *train, jf_data_t *val)
{
    *val = *train;
    val->seq_key = jf_rng_key(train->key, JF_VALIDATION_STREAM);
    val->perm = malloc((size_t)train->vocab * sizeof *val->perm);
    if (val->perm == NULL)
        return JF_ENOMEM;
    memcpy(val->perm, train->perm, (size_t)train->vocab * sizeof *val->perm);
    return JF_OK;
}

void jf_data_free(jf_data_t *data)
{
    free(data->perm);
    data->perm = NULL;
}

void jf_data_fill(const jf_data_t *data, uint64_t first_seq, int64_t nseq,
                  int32_t *tokens, int32_t *targets)
{
    const int64_t ctx = data->ctx;
    const uint64_t V = (uint64_t)data->vocab;

    for (int64_t s = 0; s < nseq; s++) {
        const uint64_t key = jf_rng_key(data->seq_key, first_seq + (uint64_t)s);
        int32_t cur = (int32_t)(jf_rng_u64(key, 0) % V);
        for (int64_t t = 0; t < ctx; t++) {
            const uint64_t r = jf_rng_u64(key, (uint64_t)t + 1);
            const int32_t next = (r % JF_NOISE_DEN == 0) ? (int32_t)((r / JF_NOISE_DEN) % V)
                                                         : data->perm[cur];
            tokens[s * ctx + t] = cur;
            targets[s * ctx + t] = next;
            cur = next;
        }
    }
}

double jf_data_entropy(const jf_data_t *data)
{
    return jf_data_entropy_of(data->vocab);
}

double jf_data_entropy_of(int64_t vocab)
{
    const double V = (double)vocab, noise = 1.0 / JF_NOISE_DEN;
    const double p_perm = 1.0 - noise + noise / V, p_other = noise / V;
    return -(p_perm * log(p_perm) + (V - 1.0) * p_other * log(p_other));
}
