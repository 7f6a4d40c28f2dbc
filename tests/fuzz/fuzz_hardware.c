/* fuzz_hardware: libFuzzer harness for the hardware table (jf_hw_parse_text,
 * results/claims/README.md); a table that parses is looked up as jflop
 * claim does. Built by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "analysis/jf_claim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jf_hw_table_t hw;
    char msg[JF_MSG_LEN];
    if (jf_hw_parse_text((const char *)data, size, "hardware.json", &hw, msg, sizeof msg) ==
        JF_OK) {
        for (int i = 0; i < hw.n; i++)
            (void)jf_hw_peak(jf_hw_find(&hw, hw.hw[i].id), "bf16");
        jf_hw_free(&hw);
    }
    return 0;
}
