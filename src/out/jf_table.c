/* jf_table.c: the table structure and its four emitters. */
#include "jf_table.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void jf_table_init(jf_table_t *t, const char *id, const char *title, int ncols,
                   const char *const *headers)
{
    memset(t, 0, sizeof *t);
    snprintf(t->id, sizeof t->id, "%s", id);
    snprintf(t->title, sizeof t->title, "%s", title);
    t->ncols = ncols < JF_TABLE_MAX_COLS ? ncols : JF_TABLE_MAX_COLS;
    for (int c = 0; c < t->ncols; c++)
        snprintf(t->headers[c], sizeof t->headers[c], "%s", headers[c]);
}

void jf_table_free(jf_table_t *t)
{
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->capacity = 0;
}

int jf_table_add_row(jf_table_t *t)
{
    if (t->nrows == t->capacity) {
        const int cap = t->capacity ? 2 * t->capacity : 16;
        jf_cell_t *grown = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof *grown);
        if (grown == NULL)
            return -1;
        t->cells = grown;
        t->capacity = cap;
    }
    memset(&t->cells[(size_t)t->nrows * (size_t)t->ncols], 0, (size_t)t->ncols * sizeof *t->cells);
    return t->nrows++;
}

static jf_cell_t *cell(jf_table_t *t, int row, int col)
{
    return &t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
}

void jf_table_text(jf_table_t *t, int row, int col, const char *text)
{
    jf_cell_t *c = cell(t, row, col);
    c->kind = JF_CELL_TEXT;
    snprintf(c->text, sizeof c->text, "%s", text);
}

void jf_table_real(jf_table_t *t, int row, int col, double value, const char *fmt)
{
    jf_cell_t *c = cell(t, row, col);
    c->kind = JF_CELL_REAL;
    c->real = value;
    snprintf(c->text, sizeof c->text, fmt, value);
}

void jf_table_count(jf_table_t *t, int row, int col, jf_u128 value)
{
    jf_cell_t *c = cell(t, row, col);
    c->kind = JF_CELL_COUNT;
    c->count = value;
    jf_u128_str(value, c->text, sizeof c->text);
}

void jf_table_note(jf_table_t *t, const char *fmt, ...)
{
    va_list ap;
    if (t->nnotes == JF_TABLE_MAX_NOTES)
        return;
    va_start(ap, fmt);
    vsnprintf(t->notes[t->nnotes++], sizeof t->notes[0], fmt, ap);
    va_end(ap);
}

jf_err_t jf_format_parse(const char *name, jf_format_t *format)
{
    static const struct { const char *name; jf_format_t f; } names[] = {
        {"table", JF_FMT_TABLE}, {"csv", JF_FMT_CSV}, {"md", JF_FMT_MD}, {"json", JF_FMT_JSON},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *format = names[i].f;
            return JF_OK;
        }
    return JF_EINVAL;
}

const char *jf_format_extension(jf_format_t format)
{
    static const char *const ext[] = {"txt", "csv", "md", "json"};
    return ext[format];
}

static const jf_cell_t *ccell(const jf_table_t *t, int row, int col)
{
    return &t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
}

static void emit_text(FILE *out, const jf_table_t *t)
{
    int width[JF_TABLE_MAX_COLS];
    for (int c = 0; c < t->ncols; c++) {
        width[c] = (int)strlen(t->headers[c]);
        for (int r = 0; r < t->nrows; r++) {
            const int w = (int)strlen(ccell(t, r, c)->text);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    fprintf(out, "%s\n", t->title);
    for (int c = 0; c < t->ncols; c++)
        fprintf(out, "%s%-*s", c ? "  " : "", width[c], t->headers[c]);
    fprintf(out, "\n");
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const jf_cell_t *x = ccell(t, r, c);
            /* numbers right-aligned, text left */
            if (x->kind == JF_CELL_TEXT || x->kind == JF_CELL_EMPTY)
                fprintf(out, "%s%-*s", c ? "  " : "", width[c], x->text);
            else
                fprintf(out, "%s%*s", c ? "  " : "", width[c], x->text);
        }
        fprintf(out, "\n");
    }
    for (int i = 0; i < t->nnotes; i++)
        fprintf(out, "  note: %s\n", t->notes[i]);
}

static void csv_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void emit_csv(FILE *out, const jf_table_t *t)
{
    for (int c = 0; c < t->ncols; c++) {
        if (c)
            fputc(',', out);
        csv_field(out, t->headers[c]);
    }
    fputc('\n', out);
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const jf_cell_t *x = ccell(t, r, c);
            if (c)
                fputc(',', out);
            if (x->kind == JF_CELL_REAL)
                fprintf(out, "%.17g", x->real);  /* full precision for pandas */
            else
                csv_field(out, x->text);
        }
        fputc('\n', out);
    }
}

static void md_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', out);
        fputc(*s, out);
    }
}

static void emit_md(FILE *out, const jf_table_t *t)
{
    fprintf(out, "**%s**\n\n|", t->title);
    for (int c = 0; c < t->ncols; c++) {
        fputc(' ', out);
        md_text(out, t->headers[c]);
        fputs(" |", out);
    }
    fputs("\n|", out);
    for (int c = 0; c < t->ncols; c++)
        fputs(ccell(t, 0, c)->kind == JF_CELL_TEXT || t->nrows == 0 ? " --- |" : " ---: |", out);
    fputc('\n', out);
    for (int r = 0; r < t->nrows; r++) {
        fputc('|', out);
        for (int c = 0; c < t->ncols; c++) {
            fputc(' ', out);
            md_text(out, ccell(t, r, c)->text);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
    for (int i = 0; i < t->nnotes; i++)
        fprintf(out, "%s%s\n", i ? "" : "\n", t->notes[i]);
    fputc('\n', out);
}

static json_t *cell_json(const jf_cell_t *x)
{
    switch (x->kind) {
    case JF_CELL_REAL:
        return isfinite(x->real) ? json_real(x->real) : json_null();
    case JF_CELL_COUNT:
        /* exact: an integer when it fits, else its decimal digits */
        return x->count <= (jf_u128)INT64_MAX ? json_integer((json_int_t)x->count)
                                               : json_string(x->text);
    case JF_CELL_TEXT:
        return json_string(x->text);
    default:
        return json_null();
    }
}

static void emit_json(FILE *out, const jf_table_t *t)
{
    json_t *rows = json_array(), *cols = json_array(), *notes = json_array();
    for (int c = 0; c < t->ncols; c++)
        json_array_append_new(cols, json_string(t->headers[c]));
    for (int r = 0; r < t->nrows; r++) {
        json_t *row = json_object();
        for (int c = 0; c < t->ncols; c++)
            json_object_set_new(row, t->headers[c], cell_json(ccell(t, r, c)));
        json_array_append_new(rows, row);
    }
    for (int i = 0; i < t->nnotes; i++)
        json_array_append_new(notes, json_string(t->notes[i]));
    json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", t->id, "title", t->title, "columns",
                          cols, "rows", rows, "notes", notes);
    json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    fputc('\n', out);
    json_decref(o);
}

void jf_table_emit(FILE *out, const jf_table_t *t, jf_format_t format)
{
    switch (format) {
    case JF_FMT_CSV: emit_csv(out, t); break;
    case JF_FMT_MD: emit_md(out, t); break;
    case JF_FMT_JSON: emit_json(out, t); break;
    default: emit_text(out, t); break;
    }
}
