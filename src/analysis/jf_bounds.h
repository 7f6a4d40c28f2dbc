/* jf_bounds.h: thermodynamic lower bounds on the energy of computing and
 * training (Tkachenko, "Thermodynamic bounds on energy use in Deep Neural
 * Networks", arXiv:2503.09980; equation numbers are the paper's). */
#ifndef JF_BOUNDS_H
#define JF_BOUNDS_H

#include <stdio.h>

/* Boltzmann's constant, exact in the 2019 SI. */
#define JF_KB 1.380649e-23

/* Erasing one bit at temperature T: k_B T ln 2 (J). */
double jf_landauer_bit(double temperature);

/* Landauer cost of one FLOP whose operands are `bits` wide (J). */
double jf_landauer_flop(double bits, double temperature);

/* Eq. 5, dynamic analog inference: k_B T nu_a (1 + ln(nu / nu_a)) (J per
 * inference pass, i.e. per token). */
double jf_bound_inference_dynamic(double neurons, double active_neurons, double temperature);

/* Eq. 16, analog training: 2 N D k_B T (J). */
double jf_bound_training_analog(double params, double tokens, double temperature);

/* Eq. 17, digital training: 10^2 N_a D k_B T (J). */
double jf_bound_training_digital(double active_params, double tokens, double temperature);

/* Eq. 19: hardware held at T* below ambient T. The Carnot minimum factor on
 * energy dissipated at T* is T/T*; a cooler reaching a fraction eta of
 * Carnot costs 1 + (T/T* - 1)/eta in all. */
double jf_cooling_factor_carnot(double ambient, double cold);
double jf_cooling_factor_practical(double ambient, double cold, double eta);

/* One row of the paper's Table 1 recomputed. */
typedef struct {
    const char *function, *model, *column;
    double computed, paper;        /* J/token */
    const char *assumptions;       /* what the computed figure assumes */
    const char *explanation;       /* why they differ, when they do */
} jf_table1_row_t;

/* The bounds columns of Table 1 (Llama 65B inference, DeepSeek-V3
 * training) at 300 K, with the paper's own figures beside them. Returns the
 * number of rows written (at most max). */
int jf_paper_table1(jf_table1_row_t *rows, int max);

#endif
