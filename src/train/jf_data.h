/* jf_data.h: synthetic training data with something to learn. Each sequence
 * follows a fixed random permutation of the vocabulary (token t+1 = perm[t])
 * with probability 7/8 and is uniform noise otherwise, so the best possible
 * loss is well below ln(vocab) and a model that learns the permutation shows
 * a falling loss. Sequence g of the run is a pure function of (seed, g):
 * any split of sequences over ranks sees identical data. */
#ifndef JF_DATA_H
#define JF_DATA_H

#include <stdint.h>

#include "core/jf_error.h"

typedef struct {
    uint64_t key;
    int64_t vocab, ctx;
    int32_t *perm;
    uint64_t seq_key;  /* the stream's sequences: key for training, its own for validation */
} jf_data_t;

jf_err_t jf_data_init(jf_data_t *data, uint64_t seed, int64_t vocab, int64_t ctx);

/* The held-out validation stream of `train`: the same language (the same
 * permutation and noise) but sequences from a key of its own, so no
 * validation sequence is one the model trained on. */
jf_err_t jf_data_validation(const jf_data_t *train, jf_data_t *val);
void jf_data_free(jf_data_t *data);

/* Sequences first_seq .. first_seq+nseq-1: tokens and next-token targets,
 * each nseq*ctx long. */
void jf_data_fill(const jf_data_t *data, uint64_t first_seq, int64_t nseq,
                  int32_t *tokens, int32_t *targets);

/* Cross-entropy per token of the ideal predictor: the floor the loss tends to. */
double jf_data_entropy(const jf_data_t *data);
/* The same for a vocabulary of `vocab` tokens (the floor depends on nothing
 * else), for checking flags before any data exists. */
double jf_data_entropy_of(int64_t vocab);

#endif
