/* test_validate_rules: the parts of jflop validate a shell test cannot
 * reach cheaply: the metered-node thresholds of each level on jobs of up to
 * 1000 nodes (Green500 / EE HPC WG: Level 1 the larger of 1/10 and 15,
 * Level 2 of 1/8 and 15, all when fewer; Level 3 all), and system.json's
 * units converted to SI. */
#include <stdio.h>
#include <string.h>

#include "analysis/jf_validate.h"
#include "jf_test.h"

/* a system description with its accelerator as %s */
static const char *sys_fmt =
    "{\"schema\": \"jflop-system\", \"schema_version\": \"1.0\", \"submitter\": \"s\", \"system_name\": \"n\","
    " \"node_model\": \"m\", \"number_of_nodes\": 16, \"host_processor_model_name\": \"cpu\","
    " \"host_processors_per_node\": 2, \"host_processor_core_count\": 64,"
    " \"host_memory_capacity\": {\"value\": 0.5, \"units\": \"TiB\"},"
    " \"accelerator_model_name\": \"%s\", \"accelerators_per_node\": 4,"
    " \"interconnect\": \"ib\", \"cooling\": \"air\","
    " \"peak_flops_per_node\": {\"fp64\": {\"value\": 250, \"units\": \"GFLOP/s\", \"source\": \"x\"}},"
    " \"software\": {\"operating_system\": \"a\", \"compiler\": \"b\", \"mpi\": \"c\", \"blis\": \"d\"}}";

int main(void)
{
    static const struct {
        int level;
        int64_t total, need;
    } cases[] = {
        {1, 1, 1},     {1, 14, 14},   {1, 15, 15},   {1, 16, 15},   {1, 100, 15},
        {1, 150, 15},  {1, 151, 16},  {1, 1000, 100}, {1, 1001, 101},
        {2, 15, 15},   {2, 16, 15},   {2, 120, 15},  {2, 121, 16},  {2, 1000, 125},
        {3, 1, 1},     {3, 16, 16},   {3, 1000, 1000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_INT_EQ(cases[i].need, jf_validate_nodes_required(cases[i].level, cases[i].total));

    jf_system_t sys;
    char msg[JF_MSG_LEN], good[2048], bad[2048];
    snprintf(good, sizeof good, sys_fmt, "gpu");
    CHECK_INT_EQ(JF_OK, jf_system_parse(good, "good.json", &sys, msg, sizeof msg));
    CHECK_REL(0.5 * 1099511627776.0, sys.memory_bytes, 1e-15);
    CHECK_REL(250e9, jf_system_peak(&sys, "fp64"), 1e-15);
    CHECK(jf_system_peak(&sys, "fp32") == 0);
    CHECK_INT_EQ(16, sys.number_of_nodes);
    CHECK_INT_EQ(4, sys.accelerators_per_node);

    /* a bf16 peak: validate's flops.peak takes it for bf16 runs */
    char withbf16[2048];
    snprintf(bad, sizeof bad, sys_fmt, "gpu");
    char *at = strstr(bad, "\"fp64\":");
    if (at != NULL) {
        snprintf(withbf16, sizeof withbf16, "%.*s\"bf16\": {\"value\": 2, \"units\": \"TFLOP/s\", "
                 "\"source\": \"vendor sheet\"}, %s", (int)(at - bad), bad, at);
        CHECK_INT_EQ(JF_OK, jf_system_parse(withbf16, "bf16.json", &sys, msg, sizeof msg));
        CHECK_REL(2e12, jf_system_peak(&sys, "bf16"), 1e-15);
        CHECK_REL(250e9, jf_system_peak(&sys, "fp64"), 1e-15);
    }
    CHECK(at != NULL);

    /* "none" and a nonzero count disagree */
    snprintf(bad, sizeof bad, sys_fmt, "none");
    CHECK(jf_system_parse(bad, "bad.json", &sys, msg, sizeof msg) == JF_EINVAL);
    CHECK_STR_CONTAINS(msg, "bad.json: field 'accelerators_per_node'");
    return JF_TEST_DONE();
}
