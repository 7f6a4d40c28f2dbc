/* jf_bounds.c: the paper's bounds, computed from their equations only.
 * Nothing here is tuned to reproduce the paper's figures; where the two
 * differ, jf_paper_table1 says which assumption explains it. */
#include "jf_bounds.h"

#include <math.h>

double jf_landauer_bit(double temperature)
{
    return JF_KB * temperature * log(2.0);
}

double jf_landauer_flop(double bits, double temperature)
{
    return bits * jf_landauer_bit(temperature);
}

double jf_bound_inference_dynamic(double neurons, double active_neurons, double temperature)
{
    return JF_KB * temperature * active_neurons * (1.0 + log(neurons / active_neurons));
}

double jf_bound_training_analog(double params, double tokens, double temperature)
{
    return 2.0 * params * tokens * JF_KB * temperature;
}

double jf_bound_training_digital(double active_params, double tokens, double temperature)
{
    return 100.0 * active_params * tokens * JF_KB * temperature;
}

double jf_cooling_factor_carnot(double ambient, double cold)
{
    return ambient / cold;
}

double jf_cooling_factor_practical(double ambient, double cold, double eta)
{
    return 1.0 + (ambient / cold - 1.0) / eta;
}

/* Llama 65B (Touvron et al. 2023): 80 layers, d_model 8192, d_ff 22016;
 * its SwiGLU MLP has three d_model x d_ff matrices, so its matrix weights
 * are 80 (4 d^2 + 3 d d_ff) ~ 64.8e9, Kaplan's 2-matrix N is 80 (4 d^2 +
 * 2 d d_ff) ~ 50.3e9. DeepSeek-V3: 671e9 parameters, 37e9 active. */
#define T_ROOM 300.0
#define LLAMA_LAYERS 80.0
#define LLAMA_D 8192.0
#define LLAMA_FF 22016.0
#define DSV3_TOTAL 671e9
#define DSV3_ACTIVE 37e9

int jf_paper_table1(jf_table1_row_t *rows, int max)
{
    const double llama_n = LLAMA_LAYERS * (4 * LLAMA_D * LLAMA_D + 3 * LLAMA_D * LLAMA_FF);
    const double llama_neurons = LLAMA_LAYERS * (LLAMA_D + LLAMA_FF);
    const double flop16 = jf_landauer_flop(16, T_ROOM);
    const jf_table1_row_t all[] = {
        {"inference", "Llama 65B", "Landauer limit", 2 * llama_n * flop16, 5e-8,
         "2 N FLOPs per token (forward), N = 64.8e9 matrix weights, 16-bit operands, 300 K",
         "the paper's 5e-8 J/token is about 8x this: it corresponds to ~1e12 16-bit FLOPs "
         "per token, i.e. more FLOPs per token (or more bits per FLOP) than 2 N"},
        {"inference", "Llama 65B", "analog bound, dynamic (Eq. 5)",
         jf_bound_inference_dynamic(llama_neurons, llama_neurons, T_ROOM), 1e-14,
         "nu = nu_a = 80 x (d_model + d_ff) = 2.42e6 neurons, all active, 300 K", ""},
        {"inference", "Llama 65B", "analog bound, quasi-static (Eq. 7)", 0.0, 0.0,
         "quasi-static operation: no minimum", ""},
        {"training", "DeepSeek-V3", "Landauer limit", 6 * DSV3_ACTIVE * flop16, 5e-8,
         "6 N_a FLOPs per token, N_a = 37e9 active parameters, 16-bit operands, 300 K",
         "the paper's 5e-8 J/token is about 5x this; with all 671e9 parameters the same "
         "formula gives 1.8e-7: the paper's figure lies between the active and total counts"},
        {"training", "DeepSeek-V3", "analog bound (Eq. 16)",
         jf_bound_training_analog(DSV3_TOTAL, 1, T_ROOM), 5e-9,
         "2 N k_B T per token with N = 671e9 (all parameters), 300 K", ""},
        {"training", "DeepSeek-V3", "digital bound (Eq. 17)",
         jf_bound_training_digital(DSV3_ACTIVE, 1, T_ROOM), NAN,
         "1e2 N_a k_B T per token, N_a = 37e9 active parameters, 300 K",
         "not a column of the paper's Table 1"},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0] && n < max; i++)
        rows[n++] = all[i];
    return n;
}
