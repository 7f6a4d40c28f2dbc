/* jf_cmd_usage.c: the jflop CLI's one list of commands, which drives the
 * dispatch in jflop.c, `jflop --help` (the list), `jflop COMMAND --help`
 * (that command's usage only) and `jflop --help-all` (all of it, which
 * help2man turns into jflop.1). */
#include <getopt.h>
#include <stdint.h>
#include <string.h>

#include "cli/jf_cmd.h"
#include "config.h"
#include "core/jf_error.h"
#include "core/jf_parse.h"

static const char usage_probe[] =
    "Usage: jflop probe [OPTIONS]\n"
    "What this node can measure: every energy backend's verdict with its reason\n"
    "and the domains it would read, and BLIS's kernels.\n"
    "Options:\n"
    "  --powercap-root DIR     powercap tree (default /sys/class/powercap)\n"
    "  --pm-counters-root DIR  Cray pm_counters (default /sys/cray/pm_counters)\n"
    "  --redfish-url URL       the node's BMC (https://BMC[/redfish/v1/Chassis/ID]);\n"
    "                          %h becomes this node's short name\n"
    "  --redfish-credentials FILE  USER:PASSWORD, a file only its owner can read\n"
    "  --redfish-ca FILE       CA certificates that sign the BMC's (PEM)\n"
    "  --redfish-timeout T     limit on each request to the BMC (default 5s)\n"
    "  --json                  one JSON object on stdout instead of text\n"
    "The environment gives what no option does, as for jflop-run: JFLOP_POWERCAP_ROOT,\n"
    "JFLOP_PM_COUNTERS_ROOT, JFLOP_REDFISH_URL, JFLOP_REDFISH_CREDENTIALS,\n"
    "JFLOP_REDFISH_CA, JFLOP_REDFISH_TIMEOUT.\n"
    "  -h, --help              this help\n"
    "Exit status: 0 at least one backend measures energy, 1 none does, 2 bad usage.\n";

static const char usage_report[] =
    "Usage: jflop report [OPTIONS] FILE.h5|DIR...\n"
    "Tables over any number of results files (folders are searched for *.h5).\n"
    "Tables: runs (where and how each ran: hosts, start, Slurm job, ranks x threads,\n"
    "precision, GEMM back-end, node power), nodes (each node's energy, mean and peak\n"
    "power, readings, coverage), domains (each node's metered domains), bounds,\n"
    "cooling (Eq. 19), lifecycle, quality (bits compressed, J/bit against k_B T ln 2,\n"
    "validation loss, target, Pareto front), energy (gross, idle and dynamic J,\n"
    "J per step part: forward, backward, allreduce, optimizer), and scaling when\n"
    "runs differ only in rank or node count. Runs are named by the shortest path\n"
    "suffix that tells them apart.\n"
    "A figure that needs energy the run lacks is an empty cell (JSON null), never 0.\n"
    "Options:\n"
    "  --format table|csv|md|json   output format (default table); on stdout:\n"
    "                          json  one document {\"jflop_version\", \"command\",\n"
    "                                \"tables\": {NAME: {id, title, columns: [{name,\n"
    "                                unit, type}], rows: [{column: value}], notes}}}\n"
    "                          csv   one CSV: a \"table\" column, then the union of\n"
    "                                the tables' columns (empty where a table has none)\n"
    "  --table NAME            only that table, with its own columns (JSON: the\n"
    "                          table object)\n"
    "  --out DIR               one file per table, DIR/NAME.txt|csv|md|json, instead\n"
    "                          of stdout\n"
    "  --temperature T         kelvin for the bounds (default 300)\n"
    "  --bits B                bits per FLOP for Landauer (default: the run's precision)\n"
    "  --active-params N_a     active parameters for Eq. 17 (MoE; default N)\n"
    "  --site FILE.json        site description (default: the built-in\n"
    "                          results/sites/default.json; every table names it)\n"
    "  --plot DIR              J/FLOP vs N, power traces, scaling curves: data and\n"
    "                          gnuplot scripts, rendered when gnuplot is installed\n"
    "  -h, --help              this help\n"
    "Exit status: 0 ok, 1 an input was unreadable (listed on stderr and skipped)\n"
    "or a file could not be written, 2 bad usage or a bad site file.\n";

static const char usage_bounds[] =
    "Usage: jflop bounds --params N --tokens D [OPTIONS]\n"
    "       jflop bounds --run FILE.h5 [OPTIONS]\n"
    "       jflop bounds --paper-table1 [--json]\n"
    "Thermodynamic lower bounds for a model (Tkachenko, arXiv:2503.09980).\n"
    "Options:\n"
    "  --params N              parameters N (k/M/G/T suffixes)\n"
    "  --tokens D              training tokens D\n"
    "  --active-params N_a     active parameters (MoE; default N)\n"
    "  --temperature T         kelvin (default 300)\n"
    "  --bits B                operand width per FLOP (default: --precision's, else 16)\n"
    "  --precision P           fp32, fp64 or bf16: bits per FLOP of that operand width\n"
    "  --run FILE.h5           N, D and the precision of a jflop-run results file\n"
    "                          (--params, --tokens, --precision, --bits override it)\n"
    "  --neurons NU --active-neurons NU_A   for the inference bound of Eq. 5\n"
    "  --paper-table1          recompute the bounds columns of the paper's Table 1\n"
    "  --json                  one JSON object instead of text\n"
    "  -h, --help              this help\n"
    "Exit status: 0 ok, 2 bad usage.\n";

static const char usage_claim[] =
    "Usage: jflop claim [OPTIONS] [NAME...]\n"
    "Check published training-energy claims (default: all) against their\n"
    "hardware's J/FLOP floor and the thermodynamic bounds.\n"
    "Tables: claims, checks, and measured with --measured.\n"
    "Options:\n"
    "  --claims FILE.json      claims (default: the built-in results/claims/claims.json)\n"
    "  --hardware FILE.json    accelerators' peak FLOP/s and board power (default:\n"
    "                          the built-in results/claims/hardware.json)\n"
    "  --measured FILE.h5      also predict each claim from this run's J/FLOP\n"
    "  --measured-hardware NAME  the hardware the run measured (a hardware id);\n"
    "                          otherwise predictions say they are from different hardware\n"
    "  --format table|csv|md|json   output format (default table); on stdout one\n"
    "                          document, shaped as jflop report's (see jflop report --help)\n"
    "  --table NAME            only that table, with its own columns\n"
    "  --out DIR               one file per table in DIR instead of stdout\n"
    "  --temperature T         kelvin (default 300)\n"
    "  --bits B                bits per FLOP for Landauer (default: the claim's precision)\n"
    "  -h, --help              this help\n"
    "Verdicts: consistent; implausible (below the hardware floor, or utilisation\n"
    "above 100%); impossible (below Landauer or Eq. 17/16). A claim without energy\n"
    "gets an ESTIMATE (accelerator-hours x board power), labelled as such.\n"
    "Exit status: 0 every claim consistent, 1 any claim implausible or impossible,\n"
    "2 bad usage or unreadable input (one line naming the file and the field).\n";

static const char usage_validate[] =
    "Usage: jflop validate [--level 1|2|3] [--pack] SUBMISSION\n"
    "Check a submission folder (its *.h5, system.json, optional site.json,\n"
    "MANIFEST.sha256) against the measurement rules.\n"
    "Options:\n"
    "  --level L               EE HPC WG / Green500 level (default 1); rules of a\n"
    "                          higher level are checked too, and only WARN\n"
    "  --pack                  first write submission.md, submission.json and\n"
    "                          MANIFEST.sha256 (sha256sum -c format), then validate\n"
    "  -h, --help              this help\n"
    "Rules (level from which they are required; every level unless marked):\n"
    "  manifest             every file listed in MANIFEST.sha256, each SHA-256 matches\n"
    "  versions             one jflop and schema version on every results file\n"
    "  system.nodes         the run's nodes <= number_of_nodes (fewer: WARN)\n"
    "  status               status complete\n"
    "  flops.ledger         dense FLOPs counted == 6*N*D exactly\n"
    "  verify               --verify ran and passed in the run itself\n"
    "  counters.startup     no counter restart (pm_counters startup change)\n"
    "  counters.backwards   no counter went backwards (flags and traces)\n"
    "  energy.measured      energy measured, not missing or invalid\n"
    "  energy.nodes         metered nodes: L1 max(n/10, 15), L2 max(n/8, 15),\n"
    "                       all when fewer; L3 all\n"
    "  energy.extrapolation sums consistent; an extrapolated total WARNs (L1, L2),\n"
    "                       FAILs at L3\n"
    "  phase.seconds        measured phase >= 60 s (jflop-run --min-seconds 60)\n"
    "  sampling.rate        L2: >= 1 reading per second\n"
    "  sampling.count       L2: >= 10 readings in the phase; L3: >= 60\n"
    "  sampling.interval    L2: every gap between readings <= 10% of the phase\n"
    "  sampling.coverage    L3: <= 10 s of the phase uncovered by readings\n"
    "  energy.coverage      L2: a node-level meter (pm_counters, redfish) on every\n"
    "                       metered node; RAPL alone WARNs at L1\n"
    "  node.sharing         L2: other processes <= 2% of each node's CPU time in\n"
    "                       the phase (/proc/stat); the scheduler's word quoted\n"
    "  blis.kernels         BLIS not on its generic kernels\n"
    "  flops.peak           FLOP rate <= system.json's theoretical peak x nodes;\n"
    "                       WARN above the run's measured FMA peak\n"
    "Prints each rule with PASS/WARN/FAIL and the value seen, then the verdict.\n"
    "Exit status: 0 every rule passed or warned, 1 a rule failed, 2 bad usage or\n"
    "unreadable input (one line naming the file and the field).\n";

const jf_cmd_t jf_cmds[] = {
    {"probe", jf_cmd_probe, "what this node can measure (energy backends, BLIS kernels)",
     usage_probe},
    {"report", jf_cmd_report, "tables over any number of results files", usage_report},
    {"bounds", jf_cmd_bounds, "thermodynamic lower bounds for a model no one ran here",
     usage_bounds},
    {"claim", jf_cmd_claim, "published training-energy claims against hardware and bounds",
     usage_claim},
    {"validate", jf_cmd_validate, "the rules a submitted run must meet; --pack writes its "
     "manifest", usage_validate},
    {NULL, NULL, NULL, NULL},
};

const jf_cmd_t *jf_cmd_find(const char *name)
{
    for (const jf_cmd_t *c = jf_cmds; c->name != NULL; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

void jf_cmd_usage(FILE *out)
{
    fputs("Usage: jflop COMMAND [OPTIONS]\n"
          "jflop turns jflop-run's results files into tables and checks energy claims\n"
          "against the thermodynamic bounds; it needs no MPI launcher.\n"
          "Commands:\n", out);
    for (const jf_cmd_t *c = jf_cmds; c->name != NULL; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("Options:\n"
          "  -h, --help              this list; 'jflop COMMAND --help' (or 'jflop help\n"
          "                          COMMAND') prints that command's usage\n"
          "  --help-all              every command's usage\n"
          "  --version               jflop's version\n"
          "Exit status: 0 ok, 1 the command ran and found a problem, 2 bad usage or\n"
          "unreadable input (one line naming the file and the field).\n", out);
}

void jf_cmd_usage_all(FILE *out)
{
    jf_cmd_usage(out);
    for (const jf_cmd_t *c = jf_cmds; c->name != NULL; c++) {
        fputc('\n', out);
        fputs(c->usage, out);
    }
}

void jf_cmd_help(FILE *out, const char *name)
{
    const jf_cmd_t *c = jf_cmd_find(name);
    if (c != NULL)
        fputs(c->usage, out);
}
