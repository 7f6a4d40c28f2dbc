/* jf_model_s.c: the fp32 instance of jf_model_tmpl.c. */
#define JF_REAL float
#define JF_CH s
#define JF_SQRT sqrtf
#define JF_EXP expf
#define JF_TANH tanhf
#include "jf_model_tmpl.c"
