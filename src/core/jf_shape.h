/* jf_shape.h: the transformer's shape, Kaplan's parameter count N, named
 * presets, shape resolution from N/D targets and the memory estimate. */
#ifndef JF_SHAPE_H
#define JF_SHAPE_H

#include <stdint.h>
#include "jf_error.h"

/* The GEMM operand precision of a run. bf16 is mixed precision as the
 * frameworks train: bf16 GEMM operands, fp32 accumulation, outputs, master
 * weights and everything else (see train/jf_model.h). */
typedef enum { JF_FP32 = 0, JF_FP64 = 1, JF_BF16 = 2, JF_NPRECISION } jf_precision_t;

typedef struct {
    int64_t layers;   /* n_layer */
    int64_t d_model;  /* residual width; d_attn = d_model */
    int64_t heads;    /* attention heads; d_model % heads == 0 */
    int64_t ctx;      /* n_ctx, tokens per sequence */
    int64_t ff;       /* d_ff, MLP hidden width */
    int64_t vocab;    /* synthetic vocabulary size */
} jf_shape_t;

/* Largest values jflop accepts for any one dimension; keeps every product
 * below in int64 range and catches typos early. */
#define JF_DIM_MAX ((int64_t)1 << 20)

/* Kaplan et al. 2020 non-embedding parameters: n_layer*(4*d^2 + 2*d*d_ff). */
uint64_t jf_shape_params(const jf_shape_t *shape);

/* Parameters actually allocated: N plus LayerNorm gains/biases, the token
 * and position embeddings and the output head (which Kaplan's N excludes). */
uint64_t jf_shape_params_allocated(const jf_shape_t *shape);

/* Check that a shape is runnable; names the offending flag in msg. */
jf_err_t jf_shape_check(const jf_shape_t *shape, char *msg, size_t msglen);

/* A named preset: a shape plus a run length a user can pick by name. */
typedef struct {
    const char *name;
    const char *purpose;
    jf_shape_t shape;
    int64_t batch, steps, warmup;
} jf_preset_t;

/* NULL-terminated table of presets; the first is the default. */
extern const jf_preset_t jf_presets[];
const jf_preset_t *jf_preset_find(const char *name);

/* Derive a shape for a target N: d_model a multiple of 64 with 64-wide heads,
 * d_ff = 4*d_model, and the layer count that lands closest to the target with
 * an aspect ratio d_model/n_layer near 64. ctx and vocab are kept from *shape.
 * Fails with JF_ERANGE when no shape is within 25% of the target. */
jf_err_t jf_shape_from_params(uint64_t target_params, jf_shape_t *shape,
                              char *msg, size_t msglen);

/* Measured steps needed for at least target_tokens tokens over all ranks. */
int64_t jf_steps_for_tokens(uint64_t target_tokens, int64_t tokens_per_step);

const char *jf_precision_name(jf_precision_t precision);
/* "fp32", "fp64" or "bf16" to a precision; -1 if none. */
int jf_precision_parse(const char *name);
int jf_precision_bits(jf_precision_t precision);

#endif
