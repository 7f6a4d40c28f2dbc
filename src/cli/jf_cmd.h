/* jf_cmd.h: the jflop CLI's commands, one file each; jflop.c dispatches.
 * Each takes its own argv (argv[0] is the command name) and returns the
 * exit status: 0 ok, 1 the command found a problem, 2 bad usage. */
#ifndef JF_CMD_H
#define JF_CMD_H

#include <stdio.h>

int jf_cmd_probe(int argc, char **argv);
int jf_cmd_report(int argc, char **argv);
int jf_cmd_bounds(int argc, char **argv);
int jf_cmd_claim(int argc, char **argv);
int jf_cmd_validate(int argc, char **argv);

/* The whole CLI's usage text. */
void jf_cmd_usage(FILE *out);

/* Option values shared by the commands: a count with k/M/G/T suffixes, a
 * positive real. Print one line naming the flag and return -1 when bad. */
int jf_cmd_count_arg(const char *cmd, const char *flag, const char *text, double *v);
int jf_cmd_real_arg(const char *cmd, const char *flag, const char *text, double *v);

#endif
