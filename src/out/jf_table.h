/* jf_table.h: one table structure for every report, and one emitter per
 * output format (aligned text, CSV, Markdown, JSON) fed by it. Headers
 * carry their SI units; numbers stay numbers (JSON: exact integers). */
#ifndef JF_TABLE_H
#define JF_TABLE_H

#include <stdio.h>

#include "core/jf_error.h"
#include "core/jf_ledger.h"

typedef enum { JF_FMT_TABLE, JF_FMT_CSV, JF_FMT_MD, JF_FMT_JSON } jf_format_t;

typedef enum { JF_CELL_EMPTY, JF_CELL_TEXT, JF_CELL_REAL, JF_CELL_COUNT } jf_cell_kind_t;

typedef struct {
    jf_cell_kind_t kind;
    char text[96];       /* what text-like formats print */
    double real;         /* JF_CELL_REAL */
    jf_u128 count;       /* JF_CELL_COUNT: exact */
} jf_cell_t;

#define JF_TABLE_MAX_COLS 24
#define JF_TABLE_MAX_NOTES 8

typedef struct {
    char id[32];                              /* "runs", "bounds": file names, JSON keys */
    char title[160];
    int ncols;
    char headers[JF_TABLE_MAX_COLS][48];      /* "J/FLOP", "seconds [s]" */
    int nrows, capacity;
    jf_cell_t *cells;                         /* nrows x ncols */
    int nnotes;
    char notes[JF_TABLE_MAX_NOTES][320];      /* printed under the table */
} jf_table_t;

void jf_table_init(jf_table_t *t, const char *id, const char *title, int ncols,
                   const char *const *headers);
void jf_table_free(jf_table_t *t);
/* A new empty row; returns its index, -1 when out of memory. */
int jf_table_add_row(jf_table_t *t);
void jf_table_text(jf_table_t *t, int row, int col, const char *text);
/* fmt is a printf format for the text forms, e.g. "%.3g" */
void jf_table_real(jf_table_t *t, int row, int col, double value, const char *fmt);
void jf_table_count(jf_table_t *t, int row, int col, jf_u128 value);
void jf_table_note(jf_table_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "table", "csv", "md", "json" */
jf_err_t jf_format_parse(const char *name, jf_format_t *format);
const char *jf_format_extension(jf_format_t format);

void jf_table_emit(FILE *out, const jf_table_t *t, jf_format_t format);

#endif
