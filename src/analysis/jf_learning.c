/* jf_learning.c: bits compressed, the fraction learned, J per bit. */
#include "jf_learning.h"

#include <math.h>

#include "analysis/jf_bounds.h"
#include "energy/jf_energy_meter.h"

double jf_prequential_bits(const double *loss, int64_t n, uint64_t tokens_per_step,
                           int64_t vocab)
{
    const double ln_vocab = log((double)vocab);
    double nats = 0;
    for (int64_t t = 0; t < n; t++) {
        if (!isfinite(loss[t]))
            return NAN;
        nats += ln_vocab - loss[t];
    }
    return nats * (double)tokens_per_step / log(2.0);
}

double jf_learned_fraction(double val_loss, double floor, int64_t vocab)
{
    const double ln_vocab = log((double)vocab);
    return isfinite(val_loss) && ln_vocab > floor ? (ln_vocab - val_loss) / (ln_vocab - floor)
                                                  : NAN;
}

/* a / b, or NAN when either side makes it meaningless */
static double ratio(double a, double b)
{
    return isfinite(a) && isfinite(b) && b > 0 && a >= 0 ? a / b : NAN;
}

void jf_learning_figures(const jf_learning_in_t *in, jf_learning_t *out)
{
    out->landauer_bit = jf_landauer_bit(in->temperature);
    out->landauer_flop = jf_landauer_flop(in->operand_bits, in->temperature);
    /* no bits compressed (a model that got worse) gives no J per bit */
    out->joules_per_bit = ratio(in->joules, in->bits);
    out->bits_per_kilojoule = ratio(in->bits, in->joules / 1e3);
    out->per_bit_over_landauer = ratio(out->joules_per_bit, out->landauer_bit);
    out->per_flop_over_landauer = ratio(in->joules_per_flop, out->landauer_flop);
}

int64_t jf_pass_joules(const double *joules, const int32_t *mark, size_t rows, double *out,
                       int64_t npass)
{
    for (int64_t p = 0; p < npass; p++)
        out[p] = NAN;
    size_t k = 0;
    while (k < rows && mark[k] != JF_MARK_PHASE_START)
        k++;
    if (k == rows)
        return -1;
    const double start = joules[k];
    double eval = 0, open = NAN;  /* the passes' own J so far; the open pass's start */
    int64_t found = 0;
    for (; k < rows && mark[k] != JF_MARK_PHASE_STOP; k++) {
        if (mark[k] == JF_MARK_EVAL_START) {
            open = joules[k];
            if (found < npass)
                out[found] = joules[k] - start - eval;
            found++;
        } else if (mark[k] == JF_MARK_EVAL_STOP && isfinite(open)) {
            eval += joules[k] - open;
            open = NAN;
        }
    }
    return found;
}
