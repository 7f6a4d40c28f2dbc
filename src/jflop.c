/* jflop.c: main() of the jflop CLI, which needs no MPI launcher. Commands:
 *   probe   what this node can measure (energy backends, BLIS kernels)
 *   report  tables over any number of results files
 *   bounds  thermodynamic lower bounds for a model no one ran here
 *   claim   published training-energy claims against hardware and bounds
 *   validate  the rules a submitted run must meet; --pack writes its manifest
 * jflop --help lists them, jflop COMMAND --help (or jflop help COMMAND)
 * prints one command's usage, jflop --help-all all of it (for help2man).
 * Each command lives in cli/jf_cmd_<name>.c, and is listed once, with its
 * help, in cli/jf_cmd_usage.c.
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
    if (strcmp(argv[1], "--help-all") == 0) {
        jf_cmd_usage_all(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("jflop %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0) {  /* jflop help [COMMAND], as git help */
        if (argc == 2) {
            jf_cmd_usage(stdout);
            return 0;
        }
        if (jf_cmd_find(argv[2]) == NULL) {
            fprintf(stderr, "jflop help: unknown command '%s' (see jflop --help)\n", argv[2]);
            return 2;
        }
        jf_cmd_help(stdout, argv[2]);
        return 0;
    }
    const jf_cmd_t *cmd = jf_cmd_find(argv[1]);
    if (cmd != NULL)
        return cmd->run(argc - 1, argv + 1);
    fprintf(stderr, "jflop: unknown command '%s' (see jflop --help)\n", argv[1]);
    return 2;
}
