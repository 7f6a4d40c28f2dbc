/* jf_cmd_tables.c: how report and claim hand their tables out. On stdout
 * one document (one JSON object, one CSV with a "table" column, or the text
 * and Markdown tables one after another); with --out DIR one file per
 * table; with --table NAME only that table, as its own file would hold it
 * (its own CSV columns; JSON: the table object). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/jf_cmd.h"

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
    for (int t = first; t < first + count; t++) {
        char file[4200];
        FILE *out = NULL;
        if (snprintf(file, sizeof file, "%s/%s.%s", out_dir, tables[t].id,
                     jf_format_extension(format)) >= (int)sizeof file ||
            (out = fopen(file, "w")) == NULL) {
            fprintf(stderr, "jflop %s: %s: %s\n", cmd, file, strerror(errno));
            status = 1;
            continue;
        }
        jf_table_emit(out, &tables[t], format);
        if (fclose(out) != 0) {
            fprintf(stderr, "jflop %s: %s: %s\n", cmd, file, strerror(errno));
            status = 1;
        }
    }
cleanup:
    for (int t = 0; t < n; t++)
        jf_table_free(&tables[t]);
    return status;
}
