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

/* A command's options, listed once: the long name (without "--"), what its
 * value is and where it goes. FLAG sets an int to 1; STRING keeps the text
 * (const char *); COUNT is a count with k/M/G/T suffixes and REAL a
 * positive real (double); FORMAT is table, csv, md or json (jf_format_t);
 * CHOICE is one of `choices` (NULL-terminated; the matching const char *). */
typedef enum {
    JF_ARG_FLAG,
    JF_ARG_STRING,
    JF_ARG_COUNT,
    JF_ARG_REAL,
    JF_ARG_FORMAT,
    JF_ARG_CHOICE,
} jf_arg_kind_t;

typedef struct {
    const char *name;
    jf_arg_kind_t kind;
    void *value;
    const char *const *choices;
} jf_cmd_arg_t;

/* Parse argv[1..] against the nargs options of args (--help/-h is added).
 * JF_CMD_GO_ON, with optind at the first operand; else the command's exit
 * status, having printed what to: 0 after --help (the command's usage on
 * stdout), 2 for an unknown option, one without its value or a bad value
 * (one line "jflop CMD: --NAME: why" on stderr). */
#define JF_CMD_GO_ON (-1)
int jf_cmd_args(const char *cmd, int argc, char **argv, const jf_cmd_arg_t *args, size_t nargs);
/* jf_cmd_args over a whole array of options: no terminator to forget */
#define JF_CMD_ARGS(cmd, argc, argv, args)                                                     \
    jf_cmd_args((cmd), (argc), (argv), (args), sizeof(args) / sizeof((args)[0]))

/* The options several commands share, so that each has the same name and
 * value everywhere. */
#define JF_CMD_ARGS_TABLES(format, table_names, only, out_dir)                                 \
    {"format", JF_ARG_FORMAT, (format), NULL}, {"table", JF_ARG_CHOICE, (only), (table_names)}, \
        {"out", JF_ARG_STRING, (out_dir), NULL}
#define JF_CMD_ARGS_PHYSICS(temperature, bits)                                                  \
    {"temperature", JF_ARG_REAL, (temperature), NULL}, {"bits", JF_ARG_REAL, (bits), NULL}
#define JF_CMD_ARGS_JSON(as_json) {"json", JF_ARG_FLAG, (as_json), NULL}

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
                         const char *const *ids, int n) __attribute__((nonnull(1, 2, 4)));

#endif
