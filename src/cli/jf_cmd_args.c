/* jf_cmd_args.c: the jflop commands' option parsing. Each command lists its
 * options once, as a table of name, kind of value and where it goes
 * (jf_cmd_arg_t); this file turns the table into getopt_long's, converts
 * every value with one message per kind, and handles --help, unknown
 * options and missing values the same way for every command. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/jf_cmd.h"
#include "core/jf_error.h"
#include "core/jf_parse.h"

#define JF_CMD_MAX_ARGS 32
#define JF_CMD_ARG_BASE 256 /* getopt values above any letter */

/* "a, b or c" of a NULL-terminated list */
static void list_choices(const char *const *names, char *list, size_t size)
{
    list[0] = '\0';
    for (int i = 0; names[i] != NULL; i++) {
        const size_t used = strlen(list);
        snprintf(list + used, size - used, "%s%s",
                 i == 0 ? "" : names[i + 1] == NULL ? " or " : ", ", names[i]);
    }
}

/* One option's value into its place: 0, or -1 with one line on stderr. */
static int convert(const char *cmd, const jf_cmd_arg_t *a, const char *text)
{
    char why[JF_MSG_LEN];
    uint64_t count;
    switch (a->kind) {
    case JF_ARG_FLAG:
        *(int *)a->value = 1;
        return 0;
    case JF_ARG_STRING:
        *(const char **)a->value = text;
        return 0;
    case JF_ARG_COUNT:
        if (jf_parse_count(text, UINT64_MAX / 10, &count, why, sizeof why) != JF_OK)
            break;
        *(double *)a->value = (double)count;
        return 0;
    case JF_ARG_REAL:
        if (jf_parse_positive_real(text, (double *)a->value, why, sizeof why) != JF_OK)
            break;
        return 0;
    case JF_ARG_FORMAT:
        if (jf_format_parse(text, (jf_format_t *)a->value) == JF_OK)
            return 0;
        snprintf(why, sizeof why, "'%s' is not table, csv, md or json", text);
        break;
    case JF_ARG_CHOICE:
        for (int i = 0; a->choices[i] != NULL; i++)
            if (strcmp(text, a->choices[i]) == 0) {
                *(const char **)a->value = a->choices[i];
                return 0;
            }
        char list[400];
        list_choices(a->choices, list, sizeof list);
        snprintf(why, sizeof why, "'%.100s' is not %s", text, list);
        break;
    }
    fprintf(stderr, "jflop %s: --%s: %s\n", cmd, a->name, why);
    return -1;
}

int jf_cmd_args(const char *cmd, int argc, char **argv, const jf_cmd_arg_t *args, size_t nargs)
{
    struct option opts[JF_CMD_MAX_ARGS + 2];
    if (nargs > JF_CMD_MAX_ARGS) {
        fprintf(stderr, "jflop %s: internal error: more than %d options\n", cmd, JF_CMD_MAX_ARGS);
        return 2;
    }
    const int n = (int)nargs;
    for (int i = 0; i < n; i++)
        opts[i] = (struct option){args[i].name,
                                  args[i].kind == JF_ARG_FLAG ? no_argument : required_argument,
                                  NULL, JF_CMD_ARG_BASE + i};
    opts[n] = (struct option){"help", no_argument, NULL, 'h'};
    opts[n + 1] = (struct option){NULL, 0, NULL, 0};

    opterr = 0; /* our own messages below */
    optind = 1; /* each command parses its own argv from the start */
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            jf_cmd_help(stdout, cmd);
            return 0;
        case ':':
            fprintf(stderr, "jflop %s: option '%s' needs a value\n", cmd, argv[optind - 1]);
            return 2;
        case '?':
            fprintf(stderr, "jflop %s: unknown option '%s' (see jflop %s --help)\n", cmd,
                    argv[optind - 1], cmd);
            return 2;
        default:
            if (convert(cmd, &args[c - JF_CMD_ARG_BASE], optarg) != 0)
                return 2;
        }
    }
    return JF_CMD_GO_ON;
}
