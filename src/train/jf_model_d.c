/* jf_model_d.c: the fp64 instance of jf_model_tmpl.c. */
#define JF_REAL double
#define JF_CH d
#define JF_SQRT sqrt
#define JF_EXP exp
#define JF_TANH tanh
#include "jf_model_tmpl.c"
