/* test_validate_rules: the parts of jflop validate a shell test cannot
 * reach cheaply: the metered-node thresholds of each level on jobs of up to
 * 1000 nodes (Green500 / EE HPC WG: Level 1 the larger of 1/10 and 15,
 * Level 2 of 1/8 and 15, all when fewer; Level 3 all), system.json's
 * units converted to SI, and energy.coverage and node.sharing at Levels 1
 * to 3 on in-memory submissions (RAPL alone: WARN at 1, FAIL at 2 and 3;
 * other processes above 2 % of a node's CPU time: the same), and
 * system.processor's model numbers and CPU counts. */
#include <stdio.h>
#include <string.h>

#include "analysis/jf_validate.h"
#include "energy/jf_energy.h"
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

/* The one outcome of rule `id` on a one-file submission at `level`. */
static jf_rule_result_t judge(const char *id, int level, jf_result_node_t *nodes, int nnodes,
                              const char *source, char *observed, size_t len)
{
    static jf_result_t result;
    static char name[] = "run.h5";
    char *names[1] = {name};
    jf_result_node_t *per_file[1] = {nodes};
    int counts[1] = {nnodes};
    memset(&result, 0, sizeof result);
    snprintf(result.energy_source, sizeof result.energy_source, "%s", source);
    snprintf(result.exclusive, sizeof result.exclusive, "yes");
    snprintf(result.exclusive_how, sizeof result.exclusive_how, "Slurm job 1: OverSubscribe=NO");
    jf_submission_t s;
    memset(&s, 0, sizeof s);
    s.nresults = 1;
    s.result_names = names;
    s.results = &result;
    s.nodes = per_file;
    s.nnodes = counts;
    jf_validation_t v;
    memset(&v, 0, sizeof v);
    v.level = level;
    for (int k = 0; k < jf_validate_nrules; k++) {
        const jf_rule_t *rule = &jf_validate_rules[k];
        if (strcmp(rule->id, id) != 0)
            continue;
        v.current = rule;
        rule->check(&s, 0, level > rule->level ? level : rule->level, &v);
    }
    jf_rule_result_t r = v.n == 1 ? v.outcomes[0].result : (jf_rule_result_t)-1;
    snprintf(observed, len, "%s", v.n == 1 ? v.outcomes[0].observed : "no single outcome");
    jf_validation_free(&v);
    return r;
}

static void node_set(jf_result_node_t *x, const char *name, const char *backend,
                     const char *covers, int have_share, double share)
{
    memset(x, 0, sizeof *x);
    snprintf(x->node, sizeof x->node, "%s", name);
    snprintf(x->backend, sizeof x->backend, "%s", backend);
    snprintf(x->covers, sizeof x->covers, "%s", covers);
    x->measured = 1;
    x->have_share = have_share;
    x->other_cpu_share = share;
    snprintf(x->share_how, sizeof x->share_how, "%s", have_share ? "" : "unknown: /proc/stat: x");
}

static void coverage_and_sharing(void)
{
    jf_result_node_t n[2];
    char seen[1024];
    /* the backend table's classes, and the names validate finds them by */
    static const struct {
        const char *backend, *covers;
        int node;
    } classes[] = {
        {"powercap", "CPU packages + DRAM", 0}, {"likwid", "CPU packages + DRAM", 0},
        {"pm_counters", "node incl. accelerators", 1}, {"redfish", "node at its power supply", 1},
        {"none", "nothing", 0},
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        const jf_energy_backend_t *b = jf_energy_backend_find(classes[i].backend);
        CHECK(b != NULL);
        if (b == NULL)
            continue;
        CHECK_STR_EQ(classes[i].covers, jf_energy_covers_text(b->covers));
        CHECK_INT_EQ(classes[i].node, jf_energy_covers_node(b->covers));
        CHECK_INT_EQ(b->covers, jf_energy_covers_find(classes[i].covers, "no such backend"));
        CHECK_INT_EQ(b->covers, jf_energy_covers_find(NULL, classes[i].backend));
    }
    CHECK_INT_EQ(-1, jf_energy_covers_find("mixed", "mixed"));
    /* RAPL alone: WARN at Level 1, FAIL at 2 and 3 */
    node_set(&n[0], "a", "powercap", "CPU packages + DRAM", 1, 0);
    node_set(&n[1], "b", "powercap", "CPU packages + DRAM", 1, 0);
    CHECK_INT_EQ(JF_RULE_WARN, judge("energy.coverage", 1, n, 2, "powercap", seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "2 of 2 metered nodes lack a node-level meter (node a: CPU packages + DRAM");
    CHECK_INT_EQ(JF_RULE_FAIL, judge("energy.coverage", 2, n, 2, "powercap", seen, sizeof seen));
    CHECK_INT_EQ(JF_RULE_FAIL, judge("energy.coverage", 3, n, 2, "powercap", seen, sizeof seen));
    /* pm_counters and redfish: PASS at every level */
    node_set(&n[0], "a", "pm_counters", "node incl. accelerators", 1, 0);
    node_set(&n[1], "b", "redfish", "node at its power supply", 1, 0);
    for (int level = 1; level <= 3; level++) {
        CHECK_INT_EQ(JF_RULE_PASS, judge("energy.coverage", level, n, 2, "mixed", seen, sizeof seen));
        CHECK_STR_CONTAINS(seen, "all 2 metered nodes have a node-level meter");
    }
    /* one node on RAPL among node-level meters: FAIL at 2, naming it */
    node_set(&n[1], "b", "likwid", "CPU packages + DRAM", 1, 0);
    CHECK_INT_EQ(JF_RULE_FAIL, judge("energy.coverage", 2, n, 2, "mixed", seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "1 of 2 metered nodes lack a node-level meter (node b");
    /* an unmetered node is energy.nodes' business, not this rule's */
    n[1].measured = 0;
    CHECK_INT_EQ(JF_RULE_PASS, judge("energy.coverage", 3, n, 2, "mixed", seen, sizeof seen));
    /* a file before 1.7: the class from the backend's name */
    node_set(&n[0], "a", "pm_counters", "", 1, 0);
    CHECK_INT_EQ(JF_RULE_PASS, judge("energy.coverage", 2, n, 1, "pm_counters", seen, sizeof seen));
    node_set(&n[0], "a", "powercap", "", 1, 0);
    CHECK_INT_EQ(JF_RULE_FAIL, judge("energy.coverage", 2, n, 1, "powercap", seen, sizeof seen));

    /* sharing: 1.5 % passes, 2.5 % WARNs at 1 and FAILs at 2 and 3 */
    node_set(&n[0], "a", "pm_counters", "node incl. accelerators", 1, 0.015);
    node_set(&n[1], "b", "pm_counters", "node incl. accelerators", 1, 0.02);
    for (int level = 1; level <= 3; level++)
        CHECK_INT_EQ(JF_RULE_PASS, judge("node.sharing", level, n, 2, "pm_counters", seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "up to 2.00 % of a node's CPU time (node b; 0 nodes above 2 %)");
    CHECK_STR_CONTAINS(seen, "scheduler exclusive: yes (Slurm job 1: OverSubscribe=NO)");
    n[1].other_cpu_share = 0.025;
    CHECK_INT_EQ(JF_RULE_WARN, judge("node.sharing", 1, n, 2, "pm_counters", seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "up to 2.50 % of a node's CPU time (node b; 1 node above 2 %)");
    CHECK_INT_EQ(JF_RULE_FAIL, judge("node.sharing", 2, n, 2, "pm_counters", seen, sizeof seen));
    CHECK_INT_EQ(JF_RULE_FAIL, judge("node.sharing", 3, n, 2, "pm_counters", seen, sizeof seen));
    /* unknown on a node: cannot show the node was the job's own */
    node_set(&n[1], "b", "pm_counters", "node incl. accelerators", 0, 0);
    CHECK_INT_EQ(JF_RULE_WARN, judge("node.sharing", 1, n, 2, "pm_counters", seen, sizeof seen));
    CHECK_INT_EQ(JF_RULE_FAIL, judge("node.sharing", 2, n, 2, "pm_counters", seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "unknown on 1 of 2 nodes (unknown: /proc/stat: x)");
    /* no node groups at all: nothing shows the nodes were the job's own */
    CHECK_INT_EQ(JF_RULE_FAIL, judge("node.sharing", 2, n, 0, "pm_counters", seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "no node groups in the file");
}

/* system.processor on a one-file submission: the run recorded cpu (its
 * line), model_name, count and uniform; system.json declares name with
 * per_node processors of cores cores. */
static jf_rule_result_t judge_processor(const char *cpu, const char *model_name, int64_t count,
                                        int64_t uniform, const char *name, int64_t per_node,
                                        int64_t cores, char *observed, size_t len)
{
    static jf_result_t result;
    static char file[] = "run.h5";
    char *names[1] = {file};
    memset(&result, 0, sizeof result);
    snprintf(result.cpu, sizeof result.cpu, "%s", cpu);
    snprintf(result.cpu_model_name, sizeof result.cpu_model_name, "%s", model_name);
    result.cpu_count = count;
    result.cpu_uniform = uniform;
    jf_submission_t s;
    memset(&s, 0, sizeof s);
    s.nresults = 1;
    s.result_names = names;
    s.results = &result;
    snprintf(s.system.host_processor, sizeof s.system.host_processor, "%s", name);
    s.system.processors_per_node = per_node;
    s.system.cores_per_processor = cores;
    jf_validation_t v;
    memset(&v, 0, sizeof v);
    v.level = 1;
    for (int k = 0; k < jf_validate_nrules; k++)
        if (strcmp(jf_validate_rules[k].id, "system.processor") == 0) {
            v.current = &jf_validate_rules[k];
            jf_validate_rules[k].check(&s, 0, 1, &v);
        }
    jf_rule_result_t r = v.n == 1 ? v.outcomes[0].result : (jf_rule_result_t)-1;
    snprintf(observed, len, "%s", v.n == 1 ? v.outcomes[0].observed : "no single outcome");
    jf_validation_free(&v);
    return r;
}

/* The model number is a token of 3 or more digits, compared without its
 * punctuation or case; the CPU count is the cores with 1, 2, 4 or 8
 * threads each; unnamed or unlike WARNs, nodes that differ FAIL. */
static void system_processor(void)
{
    char seen[1024];
    const char *spr = "Intel(R) Xeon(R) Platinum 8480+";
    CHECK_INT_EQ(JF_RULE_PASS, judge_processor("x", spr, 224, 1, "Intel Xeon Platinum 8480+ (Sapphire Rapids)", 2, 56, seen, sizeof seen));
    CHECK_INT_EQ(JF_RULE_PASS, judge_processor("x", spr, 112, 1, "xeon platinum 8480", 2, 56, seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "112 CPUs");
    CHECK_INT_EQ(JF_RULE_WARN, judge_processor("x", spr, 168, 1, "Xeon Platinum 8480+", 2, 56, seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "the node lists 168 CPUs, not system.json's 2 x 56 cores");
    /* a core count in the name is no model number */
    CHECK_INT_EQ(JF_RULE_PASS, judge_processor("x", "AMD EPYC 9754 128-Core Processor", 512, 1,
                                               "AMD EPYC 9754 (Bergamo)", 2, 128, seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "model number 9754");
    const char *genoa = "AMD EPYC 9654 96-Core Processor";
    CHECK_INT_EQ(JF_RULE_PASS, judge_processor("x", genoa, 384, 1, "AMD EPYC 9654 (Genoa)", 2, 96, seen, sizeof seen));
    CHECK_INT_EQ(JF_RULE_WARN, judge_processor("x", genoa, 192, 1, "AMD EPYC 7763 (Milan)", 2, 96, seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "has model number 9654, which system.json's 'AMD EPYC 7763 (Milan)' does not name");
    /* "2.40GHz" is no model number; "E5-2680" is, whole */
    CHECK_INT_EQ(JF_RULE_PASS, judge_processor("x", "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", 56, 1,
                                               "Intel Xeon E5-2680 v4", 2, 14, seen, sizeof seen));
    CHECK_INT_EQ(JF_RULE_WARN, judge_processor("x", "Intel(R) Xeon(R) CPU E5-2690 v4 @ 2.40GHz", 56, 1,
                                               "Intel Xeon E5-2680 v4", 2, 14, seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "model number E5-2690");
    CHECK_INT_EQ(JF_RULE_WARN, judge_processor("AMD EPYC (...)", "AMD EPYC", 2, 1, "AMD EPYC 9654", 1, 2, seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "holds no model number");
    CHECK_STR_CONTAINS(seen, "2 CPUs: 1 x 2 cores");
    CHECK_INT_EQ(JF_RULE_WARN, judge_processor("", "", 0, 1, "AMD EPYC 9654", 1, 2, seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "a file before schema 1.9");
    CHECK_INT_EQ(JF_RULE_WARN, judge_processor("unknown: /proc/cpuinfo: cannot be opened", "", 0, 1,
                                               "AMD EPYC 9654", 1, 2, seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "unknown: /proc/cpuinfo: cannot be opened");
    CHECK_INT_EQ(JF_RULE_FAIL, judge_processor("x", genoa, 384, 0, "AMD EPYC 9654", 2, 96, seen, sizeof seen));
    CHECK_STR_CONTAINS(seen, "different processors");
}

int main(void)
{
    coverage_and_sharing();
    system_processor();
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
