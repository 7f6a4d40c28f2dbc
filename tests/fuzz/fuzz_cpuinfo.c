/* fuzz_cpuinfo: libFuzzer harness for the /proc/cpuinfo parser
 * (core/jf_cpu_id.c), which takes the text as it comes (the kernel's, or
 * a fake tree's under JFLOP_PROC_ROOT), and for the one-line description
 * and hash of what it found. Built by `make fuzz` (--enable-fuzzing). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jf_cpu_id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    jf_cpu_id_t id;
    char line[2 * JF_CPU_TEXT];
    jf_cpu_id_parse(text, &id);
    jf_cpu_id_describe(&id, line, sizeof line);
    (void)jf_cpu_id_hash(&id);
    free(text);
    return 0;
}
