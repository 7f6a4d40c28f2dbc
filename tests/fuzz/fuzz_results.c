/* fuzz_results: libFuzzer harness for the results reader. Results are HDF5
 * files, which HDF5 opens by name: each input is written to one temporary
 * file, then read as jflop report and validate read it (jf_result_read,
 * jf_result_read_nodes). Built by `make fuzz`. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "analysis/jf_result_read.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static int fd = -1;

static void remove_file(void)
{
    if (fd >= 0)
        unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "%.40s/jf_fuzz_XXXXXX", tmp != NULL ? tmp : "/tmp");
    fd = mkstemp(path);
    if (fd < 0) {
        perror("fuzz_results: mkstemp");
        abort();
    }
    atexit(remove_file);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jf_result_t r;
    char msg[JF_MSG_LEN];
    jf_result_node_t *nodes = NULL;
    int count = 0;
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    (void)jf_result_read(path, &r, msg, sizeof msg);
    if (jf_result_read_nodes(path, &nodes, &count, msg, sizeof msg) == JF_OK)
        jf_result_nodes_free(nodes, count);
    return 0;
}
