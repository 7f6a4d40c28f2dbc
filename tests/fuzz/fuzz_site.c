/* fuzz_site: libFuzzer harness for the site reader (jf_site_parse_text,
 * results/sites/README.md), through jf_json_in like every JSON input.
 * Built by `make fuzz` (configure --enable-fuzzing). */
#include <stddef.h>
#include <stdint.h>

#include "analysis/jf_site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jf_site_t site;
    char msg[JF_MSG_LEN];
    (void)jf_site_parse_text((const char *)data, size, "fuzz.json", &site, msg, sizeof msg);
    return 0;
}
