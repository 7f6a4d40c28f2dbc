/* jf_table.c: the table structure and its four emitters. */
#include "jf_table.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

void jf_table_init(jf_table_t *t, const char *id, int ncols, const char *const *headers,
                   const char *title_fmt, ...)
{
    memset(t, 0, sizeof *t);
    snprintf(t->id, sizeof t->id, "%s", id);
    va_list ap;
    va_start(ap, title_fmt);
    vsnprintf(t->title, sizeof t->title, title_fmt, ap);
    va_end(ap);
    t->ncols = ncols < JF_TABLE_MAX_COLS ? ncols : JF_TABLE_MAX_COLS;
    for (int c = 0; c < t->ncols; c++)
        snprintf(t->headers[c], sizeof t->headers[c], "%s", headers[c]);
}

void jf_table_free(jf_table_t *t)
{
    for (size_t i = 0; i < (size_t)t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->capacity = 0;
    for (int i = 0; i < t->nnotes; i++)
        free(t->notes[i]);
    free(t->notes);
    t->notes = NULL;
    t->nnotes = t->notes_cap = 0;
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

/* A cell's new text, whole; on failure to allocate the cell prints empty. */
static void set_text(jf_cell_t *c, const char *text)
{
    free(c->text);
    c->text = strdup(text);
}

void jf_table_text(jf_table_t *t, int row, int col, const char *text)
{
    jf_cell_t *c = cell(t, row, col);
    c->kind = JF_CELL_TEXT;
    set_text(c, text);
}

void jf_table_real(jf_table_t *t, int row, int col, double value, const char *fmt)
{
    jf_cell_t *c = cell(t, row, col);
    char buf[64];
    if (!isfinite(value)) {  /* no value: an empty cell (JSON null), never "nan" */
        free(c->text);
        c->text = NULL;
        c->kind = JF_CELL_EMPTY;
        c->numeric = 1;
        return;
    }
    c->kind = JF_CELL_REAL;
    c->real = value;
    snprintf(buf, sizeof buf, fmt, value);
    set_text(c, buf);
}

void jf_table_count(jf_table_t *t, int row, int col, jf_u128 value)
{
    jf_cell_t *c = cell(t, row, col);
    char buf[48];
    c->kind = JF_CELL_COUNT;
    c->count = value;
    jf_u128_str(value, buf, sizeof buf);
    set_text(c, buf);
}

void jf_table_note(jf_table_t *t, const char *fmt, ...)
{
    va_list ap;
    if (t->nnotes == t->notes_cap) {
        const int cap = t->notes_cap ? 2 * t->notes_cap : 8;
        char **grown = realloc(t->notes, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return;
        t->notes = grown;
        t->notes_cap = cap;
    }
    va_start(ap, fmt);
    const int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *note = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (note == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(note, (size_t)len + 1, fmt, ap);
    va_end(ap);
    t->notes[t->nnotes++] = note;
}

const char *jf_table_unit(const char *header, char *buf, size_t len)
{
    static const char *const units[] = {"J/FLOP", "GFLOPS/W", "J/token", "FLOP/s"};
    const char *open = strrchr(header, '[');
    const size_t n = strlen(header);
    if (open != NULL && n > 0 && header[n - 1] == ']') {
        snprintf(buf, len, "%.*s", (int)(header + n - 1 - open - 1), open + 1);
        return buf;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(header, units[i]) == 0) {
            snprintf(buf, len, "%s", header);
            return buf;
        }
    return NULL;
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
    return (size_t)format < sizeof ext / sizeof ext[0] ? ext[format] : "txt";
}

static const jf_cell_t *ccell(const jf_table_t *t, int row, int col)
{
    return &t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
}

/* What a cell prints: "" when empty (or when its text could not be kept). */
static const char *ctext(const jf_cell_t *x)
{
    return x->text != NULL ? x->text : "";
}

static void emit_text(FILE *out, const jf_table_t *t)
{
    int width[JF_TABLE_MAX_COLS];
    for (int c = 0; c < t->ncols; c++) {
        width[c] = (int)strlen(t->headers[c]);
        for (int r = 0; r < t->nrows; r++) {
            const int w = (int)strlen(ctext(ccell(t, r, c)));
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
                fprintf(out, "%s%-*s", c ? "  " : "", width[c], ctext(x));
            else
                fprintf(out, "%s%*s", c ? "  " : "", width[c], ctext(x));
        }
        fprintf(out, "\n");
    }
    for (int i = 0; i < t->nnotes; i++)
        fprintf(out, "  note: %s\n", t->notes[i]);
}

static void csv_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
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

static void csv_cell(FILE *out, const jf_cell_t *x)
{
    if (x->kind == JF_CELL_REAL)
        fprintf(out, "%.17g", x->real);  /* full precision for pandas */
    else
        csv_field(out, ctext(x));
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
            if (c)
                fputc(',', out);
            csv_cell(out, ccell(t, r, c));
        }
        fputc('\n', out);
    }
}

/* Every table in one rectangular CSV: "table", then the union of the
 * columns (a header shared by two tables is one column: "run", "J/FLOP"). */
static void emit_csv_all(FILE *out, const jf_table_t *tables, int n)
{
    const char **cols = NULL;
    int ncols = 0, cap = 0;
    for (int i = 0; i < n; i++)
        for (int c = 0; c < tables[i].ncols; c++) {
            int seen = 0;
            for (int k = 0; k < ncols && !seen; k++)
                seen = strcmp(cols[k], tables[i].headers[c]) == 0;
            if (seen)
                continue;
            if (ncols == cap) {
                cap = cap ? 2 * cap : 32;
                const char **grown = realloc(cols, (size_t)cap * sizeof *grown);
                if (grown == NULL)
                    goto cleanup;
                cols = grown;
            }
            cols[ncols++] = tables[i].headers[c];
        }
    fputs("table", out);
    for (int k = 0; k < ncols; k++) {
        fputc(',', out);
        csv_field(out, cols[k]);
    }
    fputc('\n', out);
    for (int i = 0; i < n; i++) {
        const jf_table_t *t = &tables[i];
        for (int r = 0; r < t->nrows; r++) {
            csv_field(out, t->id);
            for (int k = 0; k < ncols; k++) {
                fputc(',', out);
                for (int c = 0; c < t->ncols; c++)
                    if (strcmp(cols[k], t->headers[c]) == 0) {
                        csv_cell(out, ccell(t, r, c));
                        break;
                    }
            }
            fputc('\n', out);
        }
    }
cleanup:
    free(cols);
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
        fputs(t->nrows == 0 || ccell(t, 0, c)->kind == JF_CELL_TEXT ? " --- |" : " ---: |", out);
    fputc('\n', out);
    for (int r = 0; r < t->nrows; r++) {
        fputc('|', out);
        for (int c = 0; c < t->ncols; c++) {
            fputc(' ', out);
            md_text(out, ctext(ccell(t, r, c)));
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
                                               : json_string(ctext(x));
    case JF_CELL_TEXT:
        return json_string(ctext(x));
    default:
        return json_null();
    }
}

/* A column's JSON type: that of its first non-empty cell ("number" when
 * its cells are all missing numbers, "text" when the table has none), so a reader can set dtypes before reading rows. */
static const char *column_type(const jf_table_t *t, int c)
{
    int numeric = 0;
    for (int r = 0; r < t->nrows; r++)
        switch (ccell(t, r, c)->kind) {
        case JF_CELL_REAL: return "number";
        case JF_CELL_COUNT: return "integer";
        case JF_CELL_TEXT: return "text";
        default: numeric |= ccell(t, r, c)->numeric; break;
        }
    /* a number column whose every figure is missing (no energy) stays numeric */
    return numeric ? "number" : "text";
}

static json_t *table_json(const jf_table_t *t)
{
    json_t *rows = json_array(), *cols = json_array(), *notes = json_array();
    char unit[48];
    for (int c = 0; c < t->ncols; c++) {
        const char *u = jf_table_unit(t->headers[c], unit, sizeof unit);
        json_array_append_new(cols, json_pack("{s:s, s:o, s:s}", "name", t->headers[c], "unit",
                                              u != NULL ? json_string(u) : json_null(), "type",
                                              column_type(t, c)));
    }
    for (int r = 0; r < t->nrows; r++) {
        json_t *row = json_object();
        for (int c = 0; c < t->ncols; c++)
            json_object_set_new(row, t->headers[c], cell_json(ccell(t, r, c)));
        json_array_append_new(rows, row);
    }
    for (int i = 0; i < t->nnotes; i++)
        json_array_append_new(notes, json_string(t->notes[i]));
    return json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", t->id, "title", t->title, "columns",
                     cols, "rows", rows, "notes", notes);
}

static void dump_json(FILE *out, json_t *o)
{
    json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    fputc('\n', out);
    json_decref(o);
}

void jf_table_emit(FILE *out, const jf_table_t *t, jf_format_t format)
{
    switch (format) {
    case JF_FMT_CSV: emit_csv(out, t); break;
    case JF_FMT_MD: emit_md(out, t); break;
    case JF_FMT_JSON: dump_json(out, table_json(t)); break;
    default: emit_text(out, t); break;
    }
}

void jf_tables_emit(FILE *out, const jf_table_t *tables, int n, jf_format_t format,
                    const char *command)
{
    if (format == JF_FMT_JSON) {
        json_t *all = json_object();
        for (int i = 0; i < n; i++)
            json_object_set_new(all, tables[i].id, table_json(&tables[i]));
        dump_json(out, json_pack("{s:s, s:s, s:o}", "jflop_version", PACKAGE_VERSION,
                                 "command", command, "tables", all));
    } else if (format == JF_FMT_CSV) {
        emit_csv_all(out, tables, n);
    } else {
        for (int i = 0; i < n; i++) {
            if (i > 0)
                fputc('\n', out);
            jf_table_emit(out, &tables[i], format);
        }
    }
}
