/* jf_parse.c: count and real-number parsing for command-line flags.
 * Counts are parsed with integer arithmetic so "1.5G" is exactly 1500000000. */
#include "jf_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int suffix_exponent(char c)
{
    switch (c) {
    case 'k': case 'K': return 3;
    case 'M': return 6;
    case 'G': return 9;
    case 'T': return 12;
    case 'P': return 15;
    default: return -1;
    }
}

jf_err_t jf_parse_count(const char *text, uint64_t max, uint64_t *value,
                        char *msg, size_t msglen)
{
    const char *p = text;
    unsigned __int128 mantissa = 0;
    int fraction_digits = 0, digits = 0, seen_point = 0, exponent = 0;

    if (text == NULL || *text == '\0') {
        snprintf(msg, msglen, "empty value");
        return JF_EINVAL;
    }
    for (; *p != '\0'; p++) {
        if (isdigit((unsigned char)*p)) {
            if (mantissa > (unsigned __int128)UINT64_MAX * 10) {
                snprintf(msg, msglen, "'%s' is too large", text);
                return JF_ERANGE;
            }
            mantissa = mantissa * 10 + (unsigned)(*p - '0');
            digits++;
            fraction_digits += seen_point;
        } else if (*p == '.' && !seen_point) {
            seen_point = 1;
        } else {
            break;
        }
    }
    if (digits == 0) {
        snprintf(msg, msglen, "'%s' is not a number", text);
        return JF_EINVAL;
    }
    if (*p != '\0') {
        exponent = suffix_exponent(*p);
        if (exponent < 0 || p[1] != '\0') {
            snprintf(msg, msglen,
                     "'%s' is not a count (digits with an optional k, M, G, T or P suffix)",
                     text);
            return JF_EINVAL;
        }
    }
    if (fraction_digits > exponent) {
        snprintf(msg, msglen, "'%s' is not a whole number", text);
        return JF_EINVAL;
    }
    for (int i = 0; i < exponent - fraction_digits; i++) {
        mantissa *= 10;
        if (mantissa > max) {
            snprintf(msg, msglen, "'%s' is larger than %llu", text,
                     (unsigned long long)max);
            return JF_ERANGE;
        }
    }
    if (mantissa == 0) {
        snprintf(msg, msglen, "'%s' must be at least 1", text);
        return JF_ERANGE;
    }
    if (mantissa > max) {
        snprintf(msg, msglen, "'%s' is larger than %llu", text,
                 (unsigned long long)max);
        return JF_ERANGE;
    }
    *value = (uint64_t)mantissa;
    return JF_OK;
}

jf_err_t jf_parse_positive_real(const char *text, double *value,
                                char *msg, size_t msglen)
{
    char *end = NULL;
    double v;

    if (text == NULL || *text == '\0') {
        snprintf(msg, msglen, "empty value");
        return JF_EINVAL;
    }
    errno = 0;
    v = strtod(text, &end);
    if (end == text || *end != '\0') {
        snprintf(msg, msglen, "'%s' is not a number", text);
        return JF_EINVAL;
    }
    if (errno == ERANGE || !isfinite(v) || v <= 0.0) {
        snprintf(msg, msglen, "'%s' must be a finite number above 0", text);
        return JF_ERANGE;
    }
    *value = v;
    return JF_OK;
}
