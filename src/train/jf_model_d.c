/* jf_model_d.c: the fp64 instance of jf_model_tmpl.c. */
#define JF_REAL double
#define JF_CH d
#define JF_SQRT sqrt
#define JF_EXP jf_exp
#define JF_BF16_CAPABLE 0  /* bf16 models run this instance */
#include "jf_model_tmpl.c"
