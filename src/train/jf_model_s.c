/* jf_model_s.c: the fp32 instance of jf_model_tmpl.c. */
#define JF_REAL float
#define JF_CH s
#define JF_SQRT sqrtf
#define JF_EXP jf_expf
#define JF_BF16_CAPABLE 1  /* bf16 models run this instance */
#include "jf_model_tmpl.c"
