/* jf_cmd.h: the jflop CLI's commands, one file each; jflop.c dispatches.
 * Each takes its own argv (argv[0] is the command name) and returns the
 * exit status: 0 ok, 1 the command found a problem, 2 bad usage. */
#ifndef JF_CMD_H
#define JF_CMD_H

#include <stdio.h>

#include "out/jf_table.h"

int jf_cmd_probe(int argc, char **argv);
int jf_cmd_report(int argc, char **argv);
int jf_cmd_bounds(int argc, char **argv);
int jf_cmd_claim(int argc, char **argv);
int jf_cmd_validate(int argc, char **argv);

/* The one list of commands: it drives jflop.c's dispatch and every help. */
typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;  /* one line in `jflop --help` */
    const char *usage;    /* `jflop NAME --help`: that command only */
} jf_cmd_t;

extern const jf_cmd_t jf_cmds[];  /* ends with a NULL name */
const jf_cmd_t *jf_cmd_find(const char *name);

/* `jflop --help`: the commands, one line each. */
void jf_cmd_usage(FILE *out);
/* `jflop --help-all`: that list and every command's usage (help2man). */
void jf_cmd_usage_all(FILE *out);
/* `jflop NAME --help`: that command's usage only. */
void jf_cmd_help(FILE *out, const char *name);

/* A command's options, parsed with one set of messages: the next option
 * as getopt_long returns it (-1 at the end), or, having printed what to,
 * JF_CMD_OPT_HELP (-h/--help: the command's usage on stdout; exit 0) or
 * JF_CMD_OPT_BAD (an unknown option or one without its value: one line on
 * stderr; exit 2). The first call of a command starts at argv[1]. */
#define JF_CMD_OPT_HELP (-2)
#define JF_CMD_OPT_BAD (-3)
struct option;
int jf_cmd_opt(const char *cmd, int argc, char **argv, const struct option *opts, int *first);

/* The options the table-making commands share, declared once so that each
 * has the same name, letter and value everywhere (<getopt.h> entries);
 * every list ends with JF_CMD_OPTS_END. */
#define JF_CMD_OPTS_TABLES                                                                     \
    {"format", required_argument, NULL, 'f'}, {"table", required_argument, NULL, 'T'},         \
        {"out", required_argument, NULL, 'o'}
#define JF_CMD_OPTS_PHYSICS                                                                    \
    {"temperature", required_argument, NULL, 't'}, {"bits", required_argument, NULL, 'b'}
#define JF_CMD_OPTS_END {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}

/* Option values shared by the commands: a count with k/M/G/T suffixes, a
 * positive real. Print one line naming the flag and return -1 when bad. */
int jf_cmd_count_arg(const char *cmd, const char *flag, const char *text, double *v);
int jf_cmd_real_arg(const char *cmd, const char *flag, const char *text, double *v);
/* --format: table, csv, md or json. --table: one of the command's tables
 * (names NULL-terminated, in the order the message lists them), kept in
 * *only. Both print one line and return -1 when bad. */
int jf_cmd_format_arg(const char *cmd, const char *text, jf_format_t *format);
int jf_cmd_table_arg(const char *cmd, const char *text, const char *const *names,
                     const char **only);

/* Hand out a command's tables (and free them): on stdout as one document
 * (jf_tables_emit), or with out_dir one file per table named ID.EXT; only
 * (--table NAME) selects one table, emitted alone (jf_table_emit). Returns 0, 1 when a file could not be
 * written, 2 when there is no table named `only`. */
int jf_cmd_emit_tables(const char *cmd, jf_table_t *tables, int n, jf_format_t format,
                       const char *only, const char *out_dir);

/* --out DIR checked before any work (jf_outpath_check_dir, and each of the
 * n tables' files DIR/ID.EXT that exists must be a regular file): 0, or 2
 * with one line "jflop CMD: --out DIR: why" on stderr. Creates nothing. */
int jf_cmd_out_dir_check(const char *cmd, const char *out_dir, jf_format_t format,
                         const char *const *ids, int n);

#endif
