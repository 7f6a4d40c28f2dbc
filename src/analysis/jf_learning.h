/* jf_learning.h: learning efficiency -- what a run learned, in bits, and
 * what each bit cost in energy beside the Landauer cost of one bit.
 *
 * Prequential (online) code length (Rissanen's MDL; Dawid's prequential
 * principle): every training batch is scored by the model before the
 * model updates on it, so the summed training loss is the length of an
 * online code for the tokens it saw. Against the uniform code (ln V nats a
 * token) that code saves sum_t (ln V - loss_t) / ln 2 bits: the bits
 * compressed. It is not a bound on learning, and figures from data of
 * different entropy are not comparable (README "Quality and learning"). */
#ifndef JF_LEARNING_H
#define JF_LEARNING_H

#include <stddef.h>
#include <stdint.h>

/* The bits compressed by n measured steps of tokens_per_step tokens each
 * (all ranks), loss[t] the step's mean nats per token before its update.
 * NAN when a loss is not finite; 0 for no steps. */
double jf_prequential_bits(const double *loss, int64_t n, uint64_t tokens_per_step,
                           int64_t vocab);

/* The fraction of the learnable information learned: (ln V - val_loss) /
 * (ln V - floor), 0 untrained, 1 the ideal predictor; NAN when val_loss is
 * not finite. */
double jf_learned_fraction(double val_loss, double floor, int64_t vocab);

/* Energy per bit compressed and per FLOP, each beside its Landauer cost
 * at `temperature`; NAN (jf_figures' rule) wherever energy, bits or FLOPs
 * are missing or not positive. */
typedef struct {
    double bits;              /* bits compressed */
    double joules;            /* training energy of the measured phase (NAN: none) */
    double joules_per_flop;   /* per 6ND FLOP (NAN: none) */
    double operand_bits;      /* bits per FLOP of the Landauer comparison */
    double temperature;       /* K */
} jf_learning_in_t;

typedef struct {
    double joules_per_bit;         /* J per bit compressed */
    double bits_per_kilojoule;     /* bits compressed per kJ */
    double landauer_bit;           /* k_B T ln 2, J */
    double per_bit_over_landauer;  /* joules_per_bit / landauer_bit */
    double landauer_flop;          /* operand_bits k_B T ln 2, J */
    double per_flop_over_landauer; /* joules_per_flop / landauer_flop */
} jf_learning_t;

void jf_learning_figures(const jf_learning_in_t *in, jf_learning_t *out);

/* The training energy drawn before each validation pass, from one node's
 * trace: joules[k] the node total's cumulative J at row k, mark[k] its
 * jf_energy_mark_t (2 phase start, 5 a pass's start, 6 its stop). out[p]
 * gets the J between the phase start and pass p's start, less the earlier
 * passes' own energy (validation is its own phase), for the first npass
 * passes; those not in the trace are NAN. Returns the passes found, -1
 * when the trace has no phase start. Summed over nodes, it is what lets
 * validation loss be plotted against the energy spent learning. */
int64_t jf_pass_joules(const double *joules, const int32_t *mark, size_t rows, double *out,
                       int64_t npass);

#endif
