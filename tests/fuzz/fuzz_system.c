/* fuzz_system: libFuzzer harness for system.json (jf_system_parse_text,
 * results/submission-example/README.md). Built by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "analysis/jf_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jf_system_t sys;
    char msg[JF_MSG_LEN];
    if (jf_system_parse_text((const char *)data, size, "system.json", &sys, msg, sizeof msg) ==
        JF_OK)
        (void)jf_system_peak(&sys, "fp32");
    return 0;
}
