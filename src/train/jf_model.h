/* jf_model.h: a decoder-only transformer (pre-LayerNorm blocks: causal
 * multi-head attention and a GELU MLP, no biases on the weight matrices)
 * with exact forward and backward passes in fp32 or fp64. Weights and their
 * gradients each live in one contiguous array, so the data-parallel gradient
 * sum is a single MPI_Allreduce. */
#ifndef JF_MODEL_H
#define JF_MODEL_H

#include <stdint.h>

#include "core/jf_error.h"
#include "core/jf_hugepages.h"
#include "core/jf_ledger.h"
#include "core/jf_shape.h"

typedef struct jf_model jf_model_t;

/* Bytes jf_model_create allocates for this configuration: weights,
 * gradients, activations kept for backward and work buffers. */
uint64_t jf_model_bytes(const jf_shape_t *shape, int64_t batch,
                        jf_precision_t precision, int threads);

/* Allocate a model for `batch` sequences per step and initialise its weights
 * from `seed` (identical on every rank by construction). */
jf_err_t jf_model_create(const jf_shape_t *shape, int64_t batch,
                         jf_precision_t precision, int threads, uint64_t seed,
                         jf_model_t **model, char *msg, size_t msglen);
void jf_model_destroy(jf_model_t *model);

/* Whether models made from now on ask for transparent huge pages for their
 * arrays (core/jf_hugepages.h; default 1, jflop-run --no-huge-pages 0),
 * and what a model's arrays asked for and why not. */
void jf_model_use_huge_pages(int on);
const jf_huge_t *jf_model_huge(const jf_model_t *model);

/* Forward and backward over batch*ctx tokens. Gradients are overwritten
 * with d(loss)/d(weights), where loss = loss_scale * sum of the tokens'
 * cross-entropies (loss_scale = 1 / tokens over all ranks gives the global
 * mean). Returns the unscaled cross-entropy sum of this batch. FLOPs go to
 * the ledger. */
double jf_model_forward_backward(jf_model_t *model, const int32_t *tokens,
                                 const int32_t *targets, double loss_scale,
                                 jf_ledger_t *ledger);

/* jf_model_forward_backward in its two halves, so that a trainer can
 * stamp each (the energy per step part): the same work and FLOPs.
 * forward_train keeps what backward needs and returns the cross-entropy
 * sum; backward must follow it with the same tokens. */
double jf_model_forward_train(jf_model_t *model, const int32_t *tokens,
                              const int32_t *targets, double loss_scale, jf_ledger_t *ledger);
void jf_model_backward(jf_model_t *model, const int32_t *tokens, jf_ledger_t *ledger);

/* The MLP backward's product with GELU' (the last layer's, on whatever
 * the buffers hold), alone: for timing how the GEMM door should run it
 * (jf_trainer_choose_mul). Its FLOPs go to ledger. */
void jf_model_mul_product(jf_model_t *model, jf_ledger_t *ledger);

/* Called during backward, from the calling thread, each time a block of
 * gradients is final: weights [first, first + count). The blocks are the
 * output head with the final LayerNorm, each layer from the last to the
 * first, then the embeddings; together they cover every weight once. Lets
 * a data-parallel trainer start each block's allreduce while the rest of
 * backward still runs. NULL turns it off. */
typedef void (*jf_grad_ready_fn)(void *ctx, uint64_t first, uint64_t count);
void jf_model_on_grad_ready(jf_model_t *model, jf_grad_ready_fn fn, void *ctx);

/* Forward only; returns the unscaled cross-entropy sum. */
double jf_model_forward(jf_model_t *model, const int32_t *tokens,
                        const int32_t *targets, jf_ledger_t *ledger);

/* Forward only over the first nseq (1..batch) sequences of tokens and
 * targets: a validation pass, whose last chunk may be shorter than the
 * training batch. Returns the unscaled cross-entropy sum; gradients and
 * weights are untouched. */
double jf_model_forward_seqs(jf_model_t *model, int64_t nseq, const int32_t *tokens,
                             const int32_t *targets, jf_ledger_t *ledger);

/* Sequences per step the model was allocated for. */
int64_t jf_model_batch(const jf_model_t *model);

/* Plain SGD: w -= lr * g. */
void jf_model_sgd(jf_model_t *model, double lr, jf_ledger_t *ledger);

/* Raw access for the allreduce, checks and checksums. Elements are float
 * or double according to the model's precision. */
void *jf_model_weights(jf_model_t *model);
void *jf_model_grads(jf_model_t *model);
uint64_t jf_model_nweights(const jf_model_t *model);
jf_precision_t jf_model_precision(const jf_model_t *model);
const jf_shape_t *jf_model_shape(const jf_model_t *model);
double jf_model_weight(const jf_model_t *model, uint64_t i);
double jf_model_grad(const jf_model_t *model, uint64_t i);
void jf_model_set_weight(jf_model_t *model, uint64_t i, double value);

#endif
