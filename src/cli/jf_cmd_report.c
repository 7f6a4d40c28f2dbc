/* jf_cmd_report.c: `jflop report`, tables over any number of results files. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/jf_plot.h"
#include "analysis/jf_report.h"
#include "analysis/jf_result_guard.h"
#include "analysis/jf_result_read.h"
#include "analysis/jf_site.h"
#include "cli/jf_cmd.h"
#include "core/jf_outpath.h"
#include "out/jf_table.h"

typedef struct {
    char **paths;
    int n, cap;
} jf_paths_t;

static jf_paths_t *walk_paths;

/* Add a file once, however it was named (a folder and a file inside it). */
static int add_path(jf_paths_t *p, const char *path)
{
    char real[PATH_MAX];
    if (realpath(path, real) != NULL) {
        path = real;  /* kept resolved, so duplicates compare equal */
        for (int i = 0; i < p->n; i++)
            if (strcmp(real, p->paths[i]) == 0)
                return 0;
    }
    if (p->n == p->cap) {
        const int cap = p->cap ? 2 * p->cap : 64;
        char **grown = realloc(p->paths, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        p->paths = grown;
        p->cap = cap;
    }
    if ((p->paths[p->n] = strdup(path)) == NULL)
        return -1;
    p->n++;
    return 0;
}

/* Results files in a directory: *.h5, not the temporaries of a run still
 * writing (*.h5.tmp.*). */
static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    const size_t n = strlen(path);
    if (type == FTW_F && n > 3 && strcmp(path + n - 3, ".h5") == 0)
        return add_path(walk_paths, path) == 0 ? 0 : 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int jf_cmd_report(int argc, char **argv)
{
    static const char *const table_names[] = {"runs",    "bounds", "cooling", "lifecycle",
                                              "scaling", "nodes",  "domains", "quality",
                                              "energy",  NULL};
    jf_report_opts_t ro = {300.0, 0, 0};
    const char *site_path = NULL, *plot_dir = NULL;
    jf_site_t site;
    char why[JF_MSG_LEN];
    jf_format_t format = JF_FMT_TABLE;
    const char *out_dir = NULL, *only = NULL;
    jf_paths_t paths = {NULL, 0, 0};
    int skipped = 0, status = 0;

    const jf_cmd_arg_t args[] = {
        JF_CMD_ARGS_TABLES(&format, table_names, &only, &out_dir),
        JF_CMD_ARGS_PHYSICS(&ro.temperature, &ro.bits),
        {"active-params", JF_ARG_COUNT, &ro.active_params, NULL},
        {"site", JF_ARG_STRING, &site_path, NULL},
        {"plot", JF_ARG_STRING, &plot_dir, NULL},
    };
    const int stop = JF_CMD_ARGS("report", argc, argv, args);
    if (stop != JF_CMD_GO_ON)
        return stop;
    if (optind == argc) {
        fprintf(stderr, "jflop report: give result files or folders (see jflop report --help)\n");
        return 2;
    }
    if (jf_site_load(site_path, &site, why, sizeof why) != JF_OK) {
        fprintf(stderr, "jflop report: %s\n", why);
        return 2;
    }
    /* the output folders before any file is read: a folder that cannot
     * take the tables or plots is bad input (exit 2), never found after
     * the work, and never replaced */
    static const char *const table_ids[] = {"runs",    "nodes",     "domains", "bounds",
                                            "cooling", "lifecycle", "quality", "scaling",
                                            "energy"};
    if (out_dir != NULL &&
        jf_cmd_out_dir_check("report", out_dir, format, table_ids,
                             (int)(sizeof table_ids / sizeof table_ids[0])) != 0)
        return 2;
    if (plot_dir != NULL &&
        jf_outpath_check_dir("--plot", plot_dir, JF_PLOT_NAME_RESERVE, why, sizeof why) != JF_OK) {
        fprintf(stderr, "jflop report: %s\n", why);
        return 2;
    }
    if ((out_dir != NULL && jf_outpath_make_dir("--out", out_dir, why, sizeof why) != JF_OK) ||
        (plot_dir != NULL && jf_outpath_make_dir("--plot", plot_dir, why, sizeof why) != JF_OK)) {
        fprintf(stderr, "jflop report: %s\n", why);
        return 2;
    }
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "jflop report: %s: %s (skipped)\n", argv[i], strerror(errno));
            skipped++;
        } else if (S_ISDIR(st.st_mode)) {
            const int before = paths.n;
            walk_paths = &paths;
            if (nftw(argv[i], walk_one, 16, FTW_PHYS) != 0) {
                fprintf(stderr, "jflop report: %s: cannot search it\n", argv[i]);
                skipped++;
            }
            qsort(paths.paths + before, (size_t)(paths.n - before), sizeof *paths.paths, cmp_str);
        } else if (add_path(&paths, argv[i]) != 0) {
            fprintf(stderr, "jflop report: out of memory\n");
            return 1;
        }
    }
    /* every file read once in one child before it is read here */
    jf_result_guard_files((const char *const *)paths.paths, (size_t)paths.n);
    jf_result_t *runs = calloc((size_t)(paths.n > 0 ? paths.n : 1), sizeof *runs);
    int n = 0;
    for (int i = 0; runs != NULL && i < paths.n; i++) {
        if (jf_result_read(paths.paths[i], &runs[n], why, sizeof why) == JF_OK)
            n++;
        else {
            fprintf(stderr, "jflop report: %s (skipped)\n", why);
            skipped++;
        }
    }
    if (n == 0) {
        fprintf(stderr, "jflop report: no readable results file\n");
        status = 1;
        goto cleanup;
    }
    /* two run.h5 in different folders get different names */
    jf_result_name_runs(runs, n);
    jf_table_t tables[9];
    jf_report_runs(runs, n, &tables[0]);
    /* a file whose node groups or traces are corrupt is named with the
     * field, as a file that could not be read at all (exit 1) */
    char(*nodes_why)[JF_MSG_LEN] = calloc((size_t)n, sizeof *nodes_why);
    if (jf_report_nodes(runs, n, &tables[1], &tables[2], nodes_why) > 0) {
        for (int i = 0; nodes_why != NULL && i < n; i++)
            if (nodes_why[i][0] != '\0')
                fprintf(stderr, "jflop report: %s (its nodes and domains left out)\n",
                        nodes_why[i]);
        status = 1;
    }
    free(nodes_why);
    jf_report_bounds(runs, n, &ro, &tables[3]);
    jf_report_cooling(runs, n, &site, &ro, &tables[4]);
    jf_report_lifecycle(runs, n, &site, &tables[5]);
    const int validated = jf_report_quality(runs, n, &ro, &tables[6]);
    jf_report_energy(runs, n, &tables[7]);
    /* the scaling table only when runs differ only in rank count, or asked for */
    const int scaling = jf_report_scaling(runs, n, &tables[8]) > 0;
    if (plot_dir != NULL) {
        jf_plot_summary_t ps;
        const jf_err_t perr = jf_plot_write(plot_dir, runs, n,
                                            tables[8].nrows > 0 ? &tables[8] : NULL,
                                            ro.temperature, ro.bits, &ps, why, sizeof why);
        /* what was left out, one line each, and why */
        for (int k = 0; k < ps.nskipped; k++)
            fprintf(stderr, "jflop report: --plot %s: skipped %s\n", plot_dir, ps.skipped[k]);
        if (ps.more_skipped > 0)
            fprintf(stderr, "jflop report: --plot %s: skipped %d more plots (see above)\n",
                    plot_dir, ps.more_skipped);
        if (perr != JF_OK) {
            fprintf(stderr, "jflop report: %s\n", why);
            status = 1;
        } else if (ps.have_gnuplot) {
            fprintf(stderr, "jflop report: --plot %s: %d of %d plots rendered (PNG and SVG)\n",
                    plot_dir, ps.rendered, ps.scripts);
        } else {
            fprintf(stderr, "jflop report: --plot %s: gnuplot is not installed: wrote the data "
                            "and %d gnuplot scripts (run 'gnuplot NAME.gp' there)\n",
                    plot_dir, ps.scripts);
        }
    }
    /* the quality table only when some run validated, the scaling table
     * only when runs differ only in rank count; either when asked for */
    const int asked_quality = only != NULL && strcmp(only, "quality") == 0;
    const int asked_scaling = only != NULL && strcmp(only, "scaling") == 0;
    const int keep[9] = {1, 1, 1, 1, 1, 1, validated > 0 || asked_quality, 1,
                         scaling || asked_scaling};
    int ntables = 0;
    for (int k = 0; k < 9; k++) {
        if (keep[k])
            tables[ntables++] = tables[k];
        else
            jf_table_free(&tables[k]);
    }
    if (jf_cmd_emit_tables("report", tables, ntables, format, only, out_dir) != 0)
        status = 1;
    if (skipped > 0) {
        fprintf(stderr, "jflop report: %d of %d inputs skipped\n", skipped, skipped + n);
        status = 1;
    }
cleanup:
    for (int i = 0; i < paths.n; i++)
        free(paths.paths[i]);
    free(paths.paths);
    free(runs);
    return status;
}

