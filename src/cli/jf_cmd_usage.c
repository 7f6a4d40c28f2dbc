/* jf_cmd_usage.c: the jflop CLI's usage text and shared option parsing. */
#include <stdint.h>

#include "cli/jf_cmd.h"
#include "core/jf_error.h"
#include "core/jf_parse.h"

void jf_cmd_usage(FILE *out)
{
    fputs("Usage: jflop COMMAND [OPTIONS]\n"
          "Commands:\n"
          "  probe      what this node can measure: every energy backend's verdict with\n"
          "             its reason and the domains it would read, and BLIS's kernels\n"
          "Options of probe:\n"
          "  --powercap-root DIR     powercap tree (default /sys/class/powercap)\n"
          "  --pm-counters-root DIR  Cray pm_counters (default /sys/cray/pm_counters)\n"
          "  --json                  one JSON object on stdout instead of text\n"
          "  report     tables over any number of results files (FILE.h5 or DIR, searched)\n"
          "Options of report:\n"
          "  --format table|csv|md|json   output format (default table)\n"
          "  --out DIR               one file per table in DIR instead of stdout\n"
          "  --temperature T, --bits B, --active-params N_a   for the bounds table\n"
          "  --site FILE.json        site description (default: the built-in\n"
          "                          results/sites/default.json; every table names it)\n"
          "  --plot DIR              J/FLOP vs N, power traces, scaling curves: data and\n"
          "                          gnuplot scripts, rendered when gnuplot is installed\n"
          "  tables: runs, bounds, cooling (Eq. 19), lifecycle, scaling (when runs\n"
          "  differ only in rank or node count)\n"
          "  (exit 1 when any file was unreadable: those are listed and skipped)\n"
          "  bounds     thermodynamic lower bounds for a model (Tkachenko, arXiv:2503.09980)\n"
          "Options of bounds:\n"
          "  --params N              parameters N (k/M/G/T suffixes)\n"
          "  --tokens D              training tokens D\n"
          "  --active-params N_a     active parameters (MoE; default N)\n"
          "  --temperature T         kelvin (default 300)\n"
          "  --bits B                operand width per FLOP (default 16)\n"
          "  --neurons NU --active-neurons NU_A   for the inference bound of Eq. 5\n"
          "  --paper-table1          recompute the bounds columns of the paper's Table 1\n"
          "  --json                  JSON instead of text\n"
          "  claim      check published training-energy claims [NAME...] (default: all)\n"
          "             against their hardware's J/FLOP floor and the thermodynamic bounds\n"
          "Options of claim:\n"
          "  --claims FILE.json      claims (default: the built-in results/claims/claims.json)\n"
          "  --hardware FILE.json    accelerators' peak FLOP/s and board power (default:\n"
          "                          the built-in results/claims/hardware.json)\n"
          "  --measured FILE.h5      also predict each claim from this run's J/FLOP\n"
          "  --measured-hardware NAME  the hardware the run measured (a hardware id);\n"
          "                          otherwise predictions say they are from different hardware\n"
          "  --format table|csv|md|json   output format (default table)\n"
          "  --temperature T         kelvin (default 300)\n"
          "  --bits B                bits per FLOP for Landauer (default: the claim's precision)\n"
          "  verdicts: consistent; implausible (below the hardware floor, or utilisation\n"
          "  above 100%); impossible (below Landauer or Eq. 17/16). A claim without energy\n"
          "  gets an ESTIMATE (accelerator-hours x board power), labelled as such.\n"
          "  (exit 1 when any claim is implausible or impossible)\n"
          "  validate   check a submission folder (its *.h5, system.json, optional\n"
          "             site.json, MANIFEST.sha256) against the measurement rules\n"
          "Options of validate: [--level 1|2|3] [--pack] SUBMISSION\n"
          "  --level L               EE HPC WG / Green500 level (default 1); rules of a\n"
          "                          higher level are checked too, and only WARN\n"
          "  --pack                  first write submission.md, submission.json and\n"
          "                          MANIFEST.sha256 (sha256sum -c format), then validate\n"
          "  rules (level from which they are required; every level unless marked):\n"
          "    manifest             every file listed in MANIFEST.sha256, each SHA-256 matches\n"
          "    versions             one jflop and schema version on every results file\n"
          "    system.nodes         the run's nodes <= number_of_nodes (fewer: WARN)\n"
          "    status               status complete\n"
          "    flops.ledger         dense FLOPs counted == 6*N*D exactly\n"
          "    verify               --verify ran and passed in the run itself\n"
          "    counters.startup     no counter restart (pm_counters startup change)\n"
          "    counters.backwards   no counter went backwards (flags and traces)\n"
          "    energy.measured      energy measured, not missing or invalid\n"
          "    energy.nodes         metered nodes: L1 max(n/10, 15), L2 max(n/8, 15),\n"
          "                         all when fewer; L3 all\n"
          "    energy.extrapolation sums consistent; an extrapolated total WARNs (L1, L2),\n"
          "                         FAILs at L3\n"
          "    phase.seconds        measured phase >= 60 s (jflop-run --min-seconds 60)\n"
          "    sampling.rate        L2: >= 1 reading per second\n"
          "    sampling.count       L2: >= 10 readings in the phase; L3: >= 60\n"
          "    sampling.interval    L2: every gap between readings <= 10% of the phase\n"
          "    sampling.coverage    L3: <= 10 s of the phase uncovered by readings\n"
          "    blis.kernels         BLIS not on its generic kernels\n"
          "    flops.peak           FLOP rate <= system.json's theoretical peak x nodes;\n"
          "                         WARN above the run's measured FMA peak\n"
          "  prints each rule with PASS/WARN/FAIL and the value seen, then the verdict\n"
          "Common: -h/--help, --version\n"
          "Exit status: 0 ok (probe: at least one backend measures energy; validate:\n"
          "every rule passed or warned), 1 probe found no energy backend, validate\n"
          "failed a rule, 2 bad usage or unreadable input (one line naming the file\n"
          "and the field).\n",
          out);
}


int jf_cmd_real_arg(const char *cmd, const char *flag, const char *text, double *v)
{
    char why[JF_MSG_LEN];
    if (jf_parse_positive_real(text, v, why, sizeof why) != JF_OK) {
        fprintf(stderr, "jflop %s: %s: %s\n", cmd, flag, why);
        return -1;
    }
    return 0;
}

int jf_cmd_count_arg(const char *cmd, const char *flag, const char *text, double *v)
{
    char why[JF_MSG_LEN];
    uint64_t n;
    if (jf_parse_count(text, UINT64_MAX / 10, &n, why, sizeof why) != JF_OK) {
        fprintf(stderr, "jflop %s: %s: %s\n", cmd, flag, why);
        return -1;
    }
    *v = (double)n;
    return 0;
}
