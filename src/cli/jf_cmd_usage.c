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
          "Common: -h/--help, --version\n"
          "Exit status: 0 ok (probe: at least one backend measures energy),\n"
          "1 probe found no energy backend, 2 bad usage.\n",
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
