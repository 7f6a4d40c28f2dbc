/* jf_ledger.c: exact FLOP accounting. */
#include "jf_ledger.h"

#include <string.h>

void jf_ledger_clear(jf_ledger_t *ledger)
{
    memset(ledger, 0, sizeof *ledger);
}

void jf_ledger_add(jf_ledger_t *ledger, jf_flop_cat_t cat, jf_u128 flops)
{
    ledger->flops[cat] += flops;
}

void jf_ledger_merge(jf_ledger_t *dst, const jf_ledger_t *src)
{
    for (int c = 0; c < JF_FLOP_NCAT; c++)
        dst->flops[c] += src->flops[c];
    dst->gemm_calls += src->gemm_calls;
    dst->bf16_converted += src->bf16_converted;
}

jf_u128 jf_ledger_dense(const jf_ledger_t *l)
{
    return l->flops[JF_FLOP_DENSE_FWD] + l->flops[JF_FLOP_DENSE_BWD_DATA] +
           l->flops[JF_FLOP_DENSE_BWD_WEIGHT];
}

jf_u128 jf_ledger_attention(const jf_ledger_t *l)
{
    return l->flops[JF_FLOP_ATTN_FWD] + l->flops[JF_FLOP_ATTN_BWD];
}

jf_u128 jf_ledger_total(const jf_ledger_t *l)
{
    jf_u128 sum = 0;
    for (int c = 0; c < JF_FLOP_NCAT; c++)
        sum += l->flops[c];
    return sum;
}

jf_u128 jf_flops_6nd(uint64_t n_params, uint64_t tokens)
{
    return (jf_u128)6 * n_params * tokens;
}

jf_u128 jf_flops_attention_analytic(const jf_shape_t *s, uint64_t tokens)
{
    return (jf_u128)3 * 2 * 2 * (uint64_t)s->layers * (uint64_t)s->ctx *
           (uint64_t)s->d_model * tokens;
}

char *jf_u128_str(jf_u128 v, char *buf, size_t buflen)
{
    char tmp[48];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0);
    if (buflen == 0)
        return buf;
    size_t i = 0;
    for (; i < n && i + 1 < buflen; i++)
        buf[i] = tmp[n - 1 - i];
    buf[i] = '\0';
    return buf;
}

char *jf_u128_str_grouped(jf_u128 v, char *buf, size_t buflen)
{
    char digits[48];
    size_t n = strlen(jf_u128_str(v, digits, sizeof digits)), o = 0;

    for (size_t i = 0; i < n && o + 2 < buflen; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    if (buflen > 0)
        buf[o < buflen ? o : buflen - 1] = '\0';
    return buf;
}
