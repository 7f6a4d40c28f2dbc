/* jf_json_in.h: the one way jflop reads its JSON input files (site,
 * system, claims, hardware), so that every reader is equally strict:
 *   - a capped read (a file larger than the cap is refused, never cut);
 *   - nesting capped before jansson sees the text (no deep recursion);
 *   - duplicate keys refused (JSON_REJECT_DUPLICATES), the root an object;
 *   - "schema" must name the file's kind and "schema_version" be a version
 *     "<major>.<minor>" whose major this jflop reads (a newer major is
 *     refused with the version named);
 *   - every object's keys checked against the known ones;
 *   - numbers finite and inside physical limits, strings that fit.
 * Every error is one line naming the file (origin) and the field; none
 * names a command-line flag. Nothing here prints. */
#ifndef JF_JSON_IN_H
#define JF_JSON_IN_H

#include <jansson.h>
#include <stddef.h>

#include "core/jf_error.h"

#define JF_JSON_IN_MAX_BYTES (4L << 20)  /* 4 MiB: the shipped files are ~50 kB */
#define JF_JSON_IN_MAX_DEPTH 8           /* the deepest shipped file nests 4 */

/* Read a whole file of at most max_bytes into a new NUL-terminated buffer
 * (*len its length). Errors name the path. */
jf_err_t jf_json_in_read(const char *path, long max_bytes, char **text, size_t *len, char *msg,
                         size_t msglen);

/* How one kind of input file is parsed: len bytes of text named origin
 * into *out; ctx is what that kind needs besides (NULL when nothing). */
typedef jf_err_t (*jf_json_in_parser_t)(const char *text, size_t len, const char *origin,
                                        void *out, const void *ctx, char *msg, size_t msglen);

/* The file at path read (capped at JF_JSON_IN_MAX_BYTES) and parsed by
 * parse with the path as origin. *out (size bytes) is zeroed first, so
 * it is safe to free whatever the outcome. */
jf_err_t jf_json_in_load(const char *path, jf_json_in_parser_t parse, void *out, size_t size,
                         const void *ctx, char *msg, size_t msglen);

/* The three entry points of an input kind, declared once for all:
 * PREFIX_parse_text on len bytes (a NUL among them is refused), PREFIX_parse
 * on a NUL-terminated text, PREFIX_load on a file; errors name the origin
 * (the file) and the field. */
#define JF_JSON_IN_DECLARE(prefix, type)                                                        \
    jf_err_t prefix##_parse_text(const char *json_text, size_t len, const char *origin,        \
                                 type *out, char *msg, size_t msglen);                         \
    jf_err_t prefix##_parse(const char *json_text, const char *origin, type *out, char *msg,    \
                            size_t msglen);                                                    \
    jf_err_t prefix##_load(const char *path, type *out, char *msg, size_t msglen)

/* The two entry points an input kind offers around its
 * PREFIX_parse_text(text, len, origin, TYPE *out, msg, msglen), defined
 * once for all (as BLIS's GENTFUNC): PREFIX_parse on a NUL-terminated text
 * and PREFIX_load on a file (jf_json_in_load), or on the built-in text
 * builtin (named origin_builtin in messages) when the path is NULL, so
 * "the file if given, else the default" is one call (a kind without a
 * default passes NULL, and a NULL path is then refused by
 * jf_json_in_load). Needs <string.h>. */
#define JF_JSON_IN_ENTRY_POINTS(prefix, type, builtin, origin_builtin)                          \
    static jf_err_t prefix##_parser(const char *text, size_t len, const char *origin, void *out, \
                                    const void *ctx, char *msg, size_t msglen)                 \
    {                                                                                          \
        (void)ctx;                                                                             \
        return prefix##_parse_text(text, len, origin, out, msg, msglen);                       \
    }                                                                                          \
    jf_err_t prefix##_parse(const char *json_text, const char *origin, type *out, char *msg,    \
                            size_t msglen)                                                     \
    {                                                                                          \
        return prefix##_parse_text(json_text, strlen(json_text), origin, out, msg, msglen);    \
    }                                                                                          \
    jf_err_t prefix##_load(const char *path, type *out, char *msg, size_t msglen)              \
    {                                                                                          \
        const char *builtin_text = (builtin); /* NULL: this kind has no default */            \
        if (path == NULL && builtin_text != NULL)                                              \
            return prefix##_parse(builtin_text, origin_builtin, out, msg, msglen);             \
        return jf_json_in_load(path, prefix##_parser, out, sizeof *out, NULL, msg, msglen);    \
    }

/* Parse len bytes of text as a `schema` file (e.g. "jflop-site") of major
 * version `major`; *root is the document (json_decref it), NULL on error. */
jf_err_t jf_json_in_parse(const char *text, size_t len, const char *origin, const char *schema,
                          int major, json_t **root, char *msg, size_t msglen);

/* Every key of obj is in the NULL-terminated list `known`; else an error
 * "ORIGIN: field 'WHERE.KEY' is not a known field (known: ...)". where is
 * the object's path in the file ("" for the root). */
int jf_json_in_keys(json_t *obj, const char *const *known, const char *origin, const char *where,
                    char *msg, size_t msglen);
/* The same naming the object's kind: "... is not a claim field" (kind
 * NULL: "a known field"). */
int jf_json_in_keys_of(json_t *obj, const char *const *known, const char *kind,
                       const char *origin, const char *where, char *msg, size_t msglen);

/* A non-empty string of fewer than outlen bytes (refused whole, never cut).
 * required 0: a missing key leaves out untouched and returns 0. */
int jf_json_in_string(json_t *obj, const char *key, int required, char *out, size_t outlen,
                      const char *origin, const char *field, char *msg, size_t msglen);

/* A finite number x with lo <= x (lo < x when lo_open) and x <= hi; `why`
 * says what the limits mean ("a share in [0, 1]"); NULL says the limit
 * crossed ("it must be at most 1e+15"). A value below lo is called
 * negative or zero when it is. */
int jf_json_in_number(json_t *v, double lo, int lo_open, double hi, const char *why,
                      const char *origin, const char *field, double *out, char *msg,
                      size_t msglen);

/* obj's "source": a non-empty string, "FIELD.source is missing: every
 * figure needs a source" when absent (field is obj's path in the file). */
int jf_json_in_source(json_t *obj, const char *field, char *out, size_t outlen,
                      const char *origin, char *msg, size_t msglen);

/* An optional free text (a file's "description"): a string when given. */
int jf_json_in_text_ok(json_t *obj, const char *key, const char *origin, char *msg,
                       size_t msglen);

/* A JSON object under `key` of obj whose keys are all in `known`: the
 * object (borrowed), or NULL with "ORIGIN: field 'KEY' is missing (WHAT)"
 * when it is absent or not an object, or the unknown-key error. */
json_t *jf_json_in_object(json_t *obj, const char *key, const char *const *known,
                          const char *what, const char *origin, char *msg, size_t msglen);

/* A non-empty JSON array under `key` of obj of at most max entries
 * ("field 'claims' must be a non-empty list", "... has N entries; at most
 * MAX"); the array (borrowed) or NULL. */
json_t *jf_json_in_list(json_t *obj, const char *key, size_t max, const char *origin, char *msg,
                        size_t msglen);

/* {"value": number, "source": "text"} under `key` of obj: the value
 * checked as jf_json_in_number, the source a non-empty string (every
 * figure says where it comes from). field is its path in the file, kind
 * names the object in unknown-key messages (NULL: "known"). Returns 1 when
 * read, 0 when absent and not required (value and source untouched), -1
 * on error. */
int jf_json_in_figure(json_t *obj, const char *key, int required, const char *field,
                      const char *kind, double lo, int lo_open, double hi, const char *why,
                      double *value, char *source, size_t source_len, const char *origin,
                      char *msg, size_t msglen);

/* A unit and its factor to SI ({"GiB", 1073741824.0}); tables end with a
 * NULL name. */
typedef struct {
    const char *name;
    double scale;
} jf_json_unit_t;

/* The factor of unit `name` in the table, 0 when it is none of them. */
double jf_json_in_unit(const jf_json_unit_t *units, const char *name);
/* The table's names, ", "-separated, for messages. */
void jf_json_in_unit_list(const jf_json_unit_t *units, char *buf, size_t len);

/* {"value": number above 0, "units": one of `units`, and "source" when
 * need_source} under `key` of obj, converted to SI; `kind` says what the
 * units measure ("a memory size") and a value above max_si is refused as
 * implausible (a unit error). field is its path in the file. */
int jf_json_in_quantity(json_t *obj, const char *key, const char *field,
                        const jf_json_unit_t *units, const char *kind, double max_si,
                        int need_source, double *out, char *source, size_t source_len,
                        const char *origin, char *msg, size_t msglen);

/* An integer in [lo, hi]. */
int jf_json_in_integer(json_t *v, long long lo, long long hi, const char *origin,
                       const char *field, long long *out, char *msg, size_t msglen);

/* A schema version "<major>.<minor>", each 1 to 4 digits: 0 and *major
 * set, or -1 (JSON inputs and results files alike). */
int jf_json_in_version_major(const char *s, int *major);

#endif
