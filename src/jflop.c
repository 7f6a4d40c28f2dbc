/* jflop.c: main() of the jflop CLI, which needs no MPI launcher. Commands:
 *   probe   what this node can measure (energy backends, BLIS kernels)
 *   report  tables over any number of results files
 *   bounds  thermodynamic lower bounds for a model no one ran here
 *   claim   published training-energy claims against hardware and bounds
 *   validate  the rules a submitted run must meet; --pack writes its manifest
 * Each command lives in cli/jf_cmd_<name>.c.
 * Exit status: 0 ok, 1 the command ran and found a problem, 2 bad usage. */
#include <stdio.h>
#include <string.h>

#include "cli/jf_cmd.h"
#include "config.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        jf_cmd_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        jf_cmd_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("jflop %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "probe") == 0)
        return jf_cmd_probe(argc - 1, argv + 1);
    if (strcmp(argv[1], "bounds") == 0)
        return jf_cmd_bounds(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return jf_cmd_report(argc - 1, argv + 1);
    if (strcmp(argv[1], "claim") == 0)
        return jf_cmd_claim(argc - 1, argv + 1);
    if (strcmp(argv[1], "validate") == 0)
        return jf_cmd_validate(argc - 1, argv + 1);
    fprintf(stderr, "jflop: unknown command '%s' (see jflop --help)\n", argv[1]);
    return 2;
}
