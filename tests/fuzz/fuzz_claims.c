/* fuzz_claims: libFuzzer harness for claims files (jf_claims_parse_text,
 * results/claims/README.md) against the built-in hardware table; every
 * claim that parses is evaluated at each end of its range, as jflop claim
 * does, so that UBSan sees the arithmetic too. Built by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analysis/jf_claim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jf_hw_table_t hw;
static int have_hw;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[JF_MSG_LEN];
    jf_claim_set_t set;
    if (!have_hw) {
        if (jf_hw_load(NULL, &hw, msg, sizeof msg) != JF_OK)
            abort();  /* the built-in table must parse */
        have_hw = 1;
    }
    if (jf_claims_parse_text((const char *)data, size, "claims.json", &hw, &set, msg,
                             sizeof msg) != JF_OK)
        return 0;
    const jf_claim_opts_t opts = {.temperature = 300, .bits = 0};
    for (int i = 0; i < set.n; i++)
        for (int end = 0; end < jf_claim_nends(&set.claims[i]); end++) {
            jf_claim_eval_t e;
            jf_claim_evaluate(&set.claims[i], &hw, end, &opts, &e);
        }
    jf_claims_free(&set);
    return 0;
}
