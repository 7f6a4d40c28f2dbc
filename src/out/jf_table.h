/* jf_table.h: one table structure for every report, and one emitter per
 * output format (aligned text, CSV, Markdown, JSON) fed by it. Headers
 * carry their SI units; numbers stay numbers (JSON: exact integers).
 * Cell texts and notes are allocated to their length: a source note or a
 * claim's reason is never cut. */
#ifndef JF_TABLE_H
#define JF_TABLE_H

#include <stdio.h>

#include "core/jf_error.h"
#include "core/jf_ledger.h"

typedef enum { JF_FMT_TABLE, JF_FMT_CSV, JF_FMT_MD, JF_FMT_JSON } jf_format_t;

typedef enum { JF_CELL_EMPTY, JF_CELL_TEXT, JF_CELL_REAL, JF_CELL_COUNT } jf_cell_kind_t;

typedef struct {
    jf_cell_kind_t kind;
    char *text;          /* what text-like formats print; NULL when empty */
    double real;         /* JF_CELL_REAL */
    jf_u128 count;       /* JF_CELL_COUNT: exact */
    int numeric;         /* an empty cell that holds a number when it has one */
} jf_cell_t;

#define JF_TABLE_MAX_COLS 32

typedef struct {
    char id[32];                              /* "runs", "bounds": file names, JSON keys */
    char title[160];
    int ncols;
    char headers[JF_TABLE_MAX_COLS][48];      /* "J/FLOP", "seconds [s]" */
    int nrows, capacity;
    jf_cell_t *cells;                         /* nrows x ncols */
    int nnotes, notes_cap;
    char **notes;                             /* printed under the table, whole */
} jf_table_t;

/* A table `id` with ncols headers, titled by printf format title_fmt.
 * JF_TABLE_INIT counts the headers of a headers[] array itself. */
void jf_table_init(jf_table_t *t, const char *id, int ncols, const char *const *headers,
                   const char *title_fmt, ...) __attribute__((format(printf, 5, 6)));
#define JF_TABLE_INIT(t, id, headers, ...) \
    jf_table_init((t), (id), (int)(sizeof(headers) / sizeof((headers)[0])), (headers), __VA_ARGS__)
void jf_table_free(jf_table_t *t);
/* A new empty row; returns its index, -1 when out of memory. */
int jf_table_add_row(jf_table_t *t);
void jf_table_text(jf_table_t *t, int row, int col, const char *text);
/* fmt is a printf format for the text forms, e.g. "%.3g". A value that is
 * not finite (NAN: a figure that cannot be computed) leaves the cell empty:
 * blank in text, CSV and Markdown, null in JSON. */
void jf_table_real(jf_table_t *t, int row, int col, double value, const char *fmt);
void jf_table_count(jf_table_t *t, int row, int col, jf_u128 value);
void jf_table_note(jf_table_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A column's unit: what its header has in brackets ("seconds [s]" -> "s"),
 * the header itself when it is a unit ("J/FLOP"), else NULL (text, counts
 * and dimensionless ratios). */
const char *jf_table_unit(const char *header, char *buf, size_t len);

/* "table", "csv", "md", "json" */
jf_err_t jf_format_parse(const char *name, jf_format_t *format);
const char *jf_format_extension(jf_format_t format);

/* One table on its own: a file of `--out DIR`. JSON: one object
 * {id, title, columns: [{name, unit, type}], rows: [{header: value}], notes}. */
void jf_table_emit(FILE *out, const jf_table_t *t, jf_format_t format);

/* Several tables as ONE document on one stream (stdout):
 *   json   {"jflop_version", "command", "tables": {id: table object, ...}}
 *   csv    one header: "table", then the union of the tables' columns in
 *          order of first appearance; each row names its table, cells of
 *          columns its table lacks are empty
 *   table, md  the tables one after another, a blank line between. */
void jf_tables_emit(FILE *out, const jf_table_t *tables, int n, jf_format_t format,
                    const char *command);

#endif
