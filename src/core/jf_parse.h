/* jf_parse.h: exact parsing of counts given on the command line. */
#ifndef JF_PARSE_H
#define JF_PARSE_H

#include <stdint.h>
#include "jf_error.h"

/* Parse a positive count with an optional decimal suffix k, M, G, T, P
 * (10^3 .. 10^15) and an optional fraction ("1.5G", "350M", "7e9" is NOT
 * accepted: suffixes only). The value must be an exact integer after scaling,
 * at least 1 and at most max. On error returns JF_EINVAL or JF_ERANGE and
 * writes why into msg. */
jf_err_t jf_parse_count(const char *text, uint64_t max, uint64_t *value,
                        char *msg, size_t msglen);

/* Parse a finite, strictly positive real number ("0.1", "3e-4"). */
jf_err_t jf_parse_positive_real(const char *text, double *value,
                                char *msg, size_t msglen);

#endif
