/* bench_args.h: the command line the MPI micro-benchmarks share:
 *     PROG [COUNT_FLAG N] [--json FILE] [-- jflop-run flags]
 * Their own flags come first; everything after `--` is parsed by jflop-run's
 * own parser, so a benchmark runs exactly the model a jflop-run line would. */
#ifndef BENCH_ARGS_H
#define BENCH_ARGS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/jf_options.h"

/* Fills *count (when COUNT_FLAG is given), *json and *opt; returns 0, or 2
 * after printing one line naming the problem. Call before MPI_Init. */
static inline int bench_parse_args(const char *prog, const char *count_flag, int *count,
                                   const char **json, int argc, char **argv,
                                   jf_run_options_t *opt)
{
    char msg[JF_MSG_LEN];
    int rest = 1;

    for (; rest < argc; rest++) {
        if (strcmp(argv[rest], "--") == 0) {
            rest++;
            break;
        } else if (strcmp(argv[rest], count_flag) == 0 && rest + 1 < argc) {
            *count = atoi(argv[++rest]);
        } else if (strcmp(argv[rest], "--json") == 0 && rest + 1 < argc) {
            *json = argv[++rest];
        } else {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[rest]);
            return 2;
        }
    }
    if (*count < 1) {
        fprintf(stderr, "%s: %s must be >= 1\n", prog, count_flag);
        return 2;
    }
    /* jflop-run's parser wants a program name in front of its flags */
    argv[rest - 1] = argv[0];
    if (jf_options_parse(argc - rest + 1, argv + rest - 1, opt, msg, sizeof msg) != JF_OK) {
        fprintf(stderr, "%s: %s\n", prog, msg);
        return 2;
    }
    return 0;
}

#endif
