/* jf_cmd_tables.c: how report and claim hand their tables out. On stdout
 * one document (one JSON object, one CSV with a "table" column, or the text
 * and Markdown tables one after another); with --out DIR one file per
 * table; with --table NAME only that table, as its own file would hold it
 * (its own CSV columns; JSON: the table object). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/jf_cmd.h"
#include "core/jf_outfile.h"
#include "core/jf_outpath.h"

int jf_cmd_out_dir_check(const char *cmd, const char *out_dir, jf_format_t format,
                         const char *const *ids, int n)
{
    char msg[JF_MSG_LEN], file[JF_OUTPATH_MAX + 64];
    struct stat st;
    if (jf_outpath_check_dir("--out", out_dir, 32, msg, sizeof msg) != JF_OK) {
        fprintf(stderr, "jflop %s: %s\n", cmd, msg);
        return 2;
    }
    /* a table's file that exists must be a regular file: never replaced
     * when it is a FIFO or a device, and found before any work */
    for (int t = 0; t < n && stat(out_dir, &st) == 0; t++) {
        snprintf(file, sizeof file, "%s/%s.%s", out_dir, ids[t], jf_format_extension(format));
        if (jf_outpath_check("--out", file, msg, sizeof msg) != JF_OK) {
            fprintf(stderr, "jflop %s: %s\n", cmd, msg);
            return 2;
        }
    }
    return 0;
}

int jf_cmd_emit_tables(const char *cmd, jf_table_t *tables, int n, jf_format_t format,
                       const char *only, const char *out_dir)
{
    int status = 0, first = 0, count = n;
    if (only != NULL) {
        count = 0;
        for (int t = 0; t < n && count == 0; t++)
            if (strcmp(tables[t].id, only) == 0)
                first = t, count = 1;
        if (count == 0) {
            char list[256] = "";
            for (int t = 0; t < n; t++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", t ? ", " : "",
                         tables[t].id);
            fprintf(stderr, "jflop %s: --table: no table '%s' (tables: %s)\n", cmd, only, list);
            status = 2;
            goto cleanup;
        }
    }
    if (out_dir == NULL) {
        if (only != NULL)  /* just that table, as its --out file would hold it */
            jf_table_emit(stdout, &tables[first], format);
        else
            jf_tables_emit(stdout, tables, n, format, cmd);
        goto cleanup;
    }
    /* each table whole or not at all: a temporary file renamed over the
     * target, so a full disk leaves no partial table behind */
    for (int t = first; t < first + count; t++) {
        char file[JF_OUTPATH_MAX + 64], msg[JF_MSG_LEN];
        jf_outfile_t out;
        snprintf(file, sizeof file, "%s/%s.%s", out_dir, tables[t].id,
                 jf_format_extension(format));
        if (jf_outfile_open(&out, "--out", file, msg, sizeof msg) != JF_OK) {
            fprintf(stderr, "jflop %s: %s\n", cmd, msg);
            status = 1;
            continue;
        }
        jf_table_emit(out.f, &tables[t], format);
        if (jf_outfile_commit(&out, "--out", msg, sizeof msg) != JF_OK) {
            fprintf(stderr, "jflop %s: %s\n", cmd, msg);
            status = 1;
        }
    }
cleanup:
    for (int t = 0; t < n; t++)
        jf_table_free(&tables[t]);
    return status;
}
