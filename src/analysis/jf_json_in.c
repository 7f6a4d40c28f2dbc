/* jf_json_in.c: the strict JSON input reader every input file goes through
 * (see jf_json_in.h for the rules). */
#include "jf_json_in.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

jf_err_t jf_json_in_read(const char *path, long max_bytes, char **text, size_t *len, char *msg,
                         size_t msglen)
{
    FILE *f = fopen(path, "rb");
    jf_err_t err = JF_EIO;
    long size = -1;

    *text = NULL;
    *len = 0;
    if (f == NULL) {
        snprintf(msg, msglen, "%s: cannot open it (%s)", path, strerror(errno));
        return JF_EIO;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(msg, msglen, "%s: cannot read it (not a regular file?)", path);
        goto cleanup;
    }
    if (size > max_bytes) {
        snprintf(msg, msglen, "%s: %ld bytes, larger than the %ld an input file may have", path,
                 size, max_bytes);
        err = JF_ERANGE;
        goto cleanup;
    }
    if ((*text = calloc((size_t)size + 1, 1)) == NULL) {
        snprintf(msg, msglen, "%s: out of memory reading %ld bytes", path, size);
        err = JF_ENOMEM;
        goto cleanup;
    }
    if (fread(*text, 1, (size_t)size, f) != (size_t)size) {
        snprintf(msg, msglen, "%s: cannot read it (%s)", path,
                 ferror(f) ? strerror(errno) : "shorter than its size");
        free(*text);
        *text = NULL;
        goto cleanup;
    }
    *len = (size_t)size;
    err = JF_OK;
cleanup:
    fclose(f);
    return err;
}

jf_err_t jf_json_in_load(const char *path, jf_json_in_parser_t parse, void *out, size_t size,
                         const void *ctx, char *msg, size_t msglen)
{
    char *text;
    size_t len;
    memset(out, 0, size);
    if (path == NULL) {
        snprintf(msg, msglen, "no input file given, and this kind of file has no built-in default");
        return JF_EINVAL;
    }
    jf_err_t err = jf_json_in_read(path, JF_JSON_IN_MAX_BYTES, &text, &len, msg, msglen);
    if (err != JF_OK)
        return err;
    err = parse(text, len, path, out, ctx, msg, msglen);
    free(text);
    return err;
}

/* The deepest nesting of objects and arrays, strings skipped; stops at
 * the first level deeper than max (the line is reported). */
static int nesting(const char *text, size_t len, int max, int *line)
{
    int depth = 0, deepest = 0, in_string = 0;
    *line = 1;
    for (size_t i = 0; i < len; i++) {
        const char c = text[i];
        if (c == '\n')
            ++*line;
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > deepest)
                deepest = depth;
            if (depth > max)
                return depth;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return deepest;
}

int jf_json_in_version_major(const char *s, int *major)
{
    int m = 0, digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        if (digits < 4)  /* more digits are refused below; never overflow */
            m = m * 10 + (*s - '0');
    if (digits == 0 || digits > 4 || *s++ != '.')
        return -1;
    for (digits = 0; *s >= '0' && *s <= '9'; s++)
        digits++;
    if (digits == 0 || digits > 4 || *s != '\0')
        return -1;
    *major = m;
    return 0;
}

jf_err_t jf_json_in_parse(const char *text, size_t len, const char *origin, const char *schema,
                          int major, json_t **root, char *msg, size_t msglen)
{
    json_error_t jerr;
    int line, file_major = 0;

    *root = NULL;
    if (len > (size_t)JF_JSON_IN_MAX_BYTES) {
        snprintf(msg, msglen, "%s: %zu bytes, larger than the %ld an input file may have", origin,
                 len, JF_JSON_IN_MAX_BYTES);
        return JF_ERANGE;
    }
    if (nesting(text, len, JF_JSON_IN_MAX_DEPTH, &line) > JF_JSON_IN_MAX_DEPTH) {
        snprintf(msg, msglen, "%s: nested deeper than %d levels (line %d)", origin,
                 JF_JSON_IN_MAX_DEPTH, line);
        return JF_EINVAL;
    }
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL && json_error_code(&jerr) == json_error_duplicate_key) {
        snprintf(msg, msglen, "%s: line %d: a key given twice (%s)", origin, jerr.line,
                 jerr.text);
        return JF_EINVAL;
    }
    if (doc == NULL) {
        snprintf(msg, msglen, "%s: not JSON (line %d: %s)", origin, jerr.line, jerr.text);
        return JF_EINVAL;
    }
    if (!json_is_object(doc)) {
        snprintf(msg, msglen, "%s: not a %s file (the document is not a JSON object)", origin,
                 schema);
        goto fail;
    }
    json_t *s = json_object_get(doc, "schema");
    if (!json_is_string(s) || strcmp(json_string_value(s), schema) != 0) {
        snprintf(msg, msglen, "%s: field 'schema' is %s\"%s\" (not a %s file)", origin,
                 s == NULL ? "missing, expected " : "not ", schema, schema);
        goto fail;
    }
    json_t *v = json_object_get(doc, "schema_version");
    if (v == NULL) {
        snprintf(msg, msglen, "%s: field 'schema_version' is missing (\"%d.0\" for this jflop)",
                 origin, major);
        goto fail;
    }
    if (!json_is_string(v) || jf_json_in_version_major(json_string_value(v), &file_major) != 0) {
        snprintf(msg, msglen, "%s: field 'schema_version' is not a version (expected a string "
                              "\"<major>.<minor>\" such as \"%d.0\")", origin, major);
        goto fail;
    }
    if (file_major > major) {
        snprintf(msg, msglen, "%s: field 'schema_version' = \"%s\": a newer major version than "
                              "this jflop reads (%d.x); update jflop", origin,
                 json_string_value(v), major);
        goto fail;
    }
    if (file_major < 1) {
        snprintf(msg, msglen, "%s: field 'schema_version' = \"%s\": no such version (the first "
                              "is 1.0)", origin, json_string_value(v));
        goto fail;
    }
    *root = doc;
    return JF_OK;
fail:
    json_decref(doc);
    return JF_EINVAL;
}

int jf_json_in_keys_of(json_t *obj, const char *const *known, const char *kind,
                       const char *origin, const char *where, char *msg, size_t msglen)
{
    const char *key;
    json_t *v;
    if (kind == NULL)
        kind = "known";
    json_object_foreach(obj, key, v) {
        int ok = 0;
        (void)v;
        for (const char *const *k = known; *k != NULL && !ok; k++)
            ok = strcmp(key, *k) == 0;
        if (!ok) {
            char list[400] = "";
            for (const char *const *k = known; *k != NULL; k++) {
                const size_t used = strlen(list);
                snprintf(list + used, sizeof list - used, "%s%s", k == known ? "" : ", ", *k);
            }
            snprintf(msg, msglen, "%s: field '%s%s%.80s' is not a%s %s field (known: %s)",
                     origin, where, where[0] ? "." : "", key,
                     strchr("aeiou", kind[0]) != NULL ? "n" : "", kind, list);
            return -1;
        }
    }
    return 0;
}

int jf_json_in_keys(json_t *obj, const char *const *known, const char *origin, const char *where,
                    char *msg, size_t msglen)
{
    return jf_json_in_keys_of(obj, known, NULL, origin, where, msg, msglen);
}

int jf_json_in_string(json_t *obj, const char *key, int required, char *out, size_t outlen,
                      const char *origin, const char *field, char *msg, size_t msglen)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL && !required)
        return 0;
    if (v == NULL) {
        snprintf(msg, msglen, "%s: field '%s' is missing (a non-empty string)", origin, field);
        return -1;
    }
    if (!json_is_string(v) || json_string_length(v) == 0) {
        snprintf(msg, msglen, "%s: field '%s' must be a non-empty string", origin, field);
        return -1;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        snprintf(msg, msglen, "%s: field '%s' holds a NUL character", origin, field);
        return -1;
    }
    if (json_string_length(v) >= outlen) {  /* refused whole, never cut */
        snprintf(msg, msglen, "%s: field '%s' is %zu characters long; at most %zu", origin,
                 field, json_string_length(v), outlen - 1);
        return -1;
    }
    snprintf(out, outlen, "%s", json_string_value(v));
    return 0;
}

int jf_json_in_number(json_t *v, double lo, int lo_open, double hi, const char *why,
                      const char *origin, const char *field, double *out, char *msg,
                      size_t msglen)
{
    if (v == NULL) {
        snprintf(msg, msglen, "%s: field '%s' is missing", origin, field);
        return -1;
    }
    if (!json_is_number(v)) {
        snprintf(msg, msglen, "%s: field '%s' is not a number", origin, field);
        return -1;
    }
    const double x = json_number_value(v);
    const int low = isfinite(x) && (lo_open ? x <= lo : x < lo);
    if (!isfinite(x) || low || x > hi) {
        char limit[64];
        if (why == NULL) {
            if (low)
                snprintf(limit, sizeof limit, "it must be %s %g", lo_open ? "above" : "at least",
                         lo);
            else
                snprintf(limit, sizeof limit, "it must be at most %g", hi);
            why = limit;
        }
        snprintf(msg, msglen, "%s: field '%s' = %g is %s: %s", origin, field, x,
                 low && x < 0 ? "negative" : low && x == 0 ? "zero" : "out of range", why);
        return -1;
    }
    *out = x;
    return 0;
}

int jf_json_in_figure(json_t *obj, const char *key, int required, const char *field,
                      const char *kind, double lo, int lo_open, double hi, const char *why,
                      double *value, char *source, size_t source_len, const char *origin,
                      char *msg, size_t msglen)
{
    static const char *const keys[] = {"value", "source", NULL};
    json_t *o = json_object_get(obj, key);
    char name[160];
    if (o == NULL && !required)
        return 0;
    if (!json_is_object(o)) {
        snprintf(msg, msglen, "%s: field '%s' is %s (expected {\"value\": number, \"source\": "
                              "\"...\"})", origin, field, o == NULL ? "missing" : "not an object");
        return -1;
    }
    if (jf_json_in_keys_of(o, keys, kind, origin, field, msg, msglen) != 0)
        return -1;
    snprintf(name, sizeof name, "%s.value", field);
    if (jf_json_in_number(json_object_get(o, "value"), lo, lo_open, hi, why, origin, name, value,
                          msg, msglen) != 0)
        return -1;
    return jf_json_in_source(o, field, source, source_len, origin, msg, msglen) == 0 ? 1 : -1;
}

int jf_json_in_source(json_t *obj, const char *field, char *out, size_t outlen,
                      const char *origin, char *msg, size_t msglen)
{
    char name[160];
    snprintf(name, sizeof name, "%s.source", field);
    if (json_object_get(obj, "source") == NULL) {
        snprintf(msg, msglen, "%s: field '%s' is missing: every figure needs a source", origin,
                 name);
        return -1;
    }
    return jf_json_in_string(obj, "source", 1, out, outlen, origin, name, msg, msglen);
}

int jf_json_in_text_ok(json_t *obj, const char *key, const char *origin, char *msg,
                       size_t msglen)
{
    json_t *v = json_object_get(obj, key);
    if (v != NULL && !json_is_string(v)) {
        snprintf(msg, msglen, "%s: field '%s' must be a string", origin, key);
        return -1;
    }
    return 0;
}

json_t *jf_json_in_object(json_t *obj, const char *key, const char *const *known,
                          const char *what, const char *origin, char *msg, size_t msglen)
{
    json_t *o = json_object_get(obj, key);
    if (o == NULL || !json_is_object(o)) {
        snprintf(msg, msglen, "%s: field '%s' is missing (%s)", origin, key, what);
        return NULL;
    }
    return jf_json_in_keys(o, known, origin, key, msg, msglen) == 0 ? o : NULL;
}

json_t *jf_json_in_list(json_t *obj, const char *key, size_t max, const char *origin, char *msg,
                        size_t msglen)
{
    json_t *list = json_object_get(obj, key);
    if (!json_is_array(list) || json_array_size(list) == 0) {
        snprintf(msg, msglen, "%s: field '%s' must be a non-empty list", origin, key);
        return NULL;
    }
    if (json_array_size(list) > max) {
        snprintf(msg, msglen, "%s: field '%s' has %zu entries; at most %zu", origin, key,
                 json_array_size(list), max);
        return NULL;
    }
    return list;
}

double jf_json_in_unit(const jf_json_unit_t *units, const char *name)
{
    for (const jf_json_unit_t *u = units; u->name != NULL; u++)
        if (strcmp(u->name, name) == 0)
            return u->scale;
    return 0;
}

void jf_json_in_unit_list(const jf_json_unit_t *units, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const jf_json_unit_t *u = units; u->name != NULL && used < len; u++) {
        const int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", u->name);
        used += w > 0 ? (size_t)w : 0;
    }
}

int jf_json_in_quantity(json_t *obj, const char *key, const char *field,
                        const jf_json_unit_t *units, const char *kind, double max_si,
                        int need_source, double *out, char *source, size_t source_len,
                        const char *origin, char *msg, size_t msglen)
{
    static const char *const with_source[] = {"value", "units", "source", NULL};
    static const char *const without_source[] = {"value", "units", NULL};
    char list[160];
    jf_json_in_unit_list(units, list, sizeof list);
    json_t *q = json_object_get(obj, key);
    if (q == NULL) {
        snprintf(msg, msglen, "%s: field '%s' is missing", origin, field);
        return -1;
    }
    if (!json_is_object(q)) {
        snprintf(msg, msglen, "%s: field '%s' needs its units: {\"value\": <number>, \"units\": "
                              "\"<%s>\"%s}", origin, field, list,
                 need_source ? ", \"source\": \"<how it was derived>\"" : "");
        return -1;
    }
    if (jf_json_in_keys(q, need_source ? with_source : without_source, origin, field, msg,
                        msglen) != 0)
        return -1;
    json_t *v = json_object_get(q, "value"), *u = json_object_get(q, "units");
    if (v == NULL || !json_is_number(v)) {
        snprintf(msg, msglen, "%s: field '%s.value' is missing or not a number", origin, field);
        return -1;
    }
    if (u == NULL || !json_is_string(u)) {
        snprintf(msg, msglen, "%s: field '%s.units' is missing (one of %s)", origin, field, list);
        return -1;
    }
    const double scale = jf_json_in_unit(units, json_string_value(u));
    if (scale == 0) {
        snprintf(msg, msglen, "%s: field '%s.units' = '%s' is not %s (one of %s)", origin, field,
                 json_string_value(u), kind, list);
        return -1;
    }
    const double si = json_number_value(v) * scale;
    if (!(json_number_value(v) > 0) || !isfinite(si)) {
        snprintf(msg, msglen, "%s: field '%s.value' must be above 0", origin, field);
        return -1;
    }
    if (si > max_si) {
        snprintf(msg, msglen, "%s: field '%s' = %g %s is implausible for one node (a unit "
                              "error?)", origin, field, json_number_value(v), json_string_value(u));
        return -1;
    }
    if (need_source) {
        char name[160];
        snprintf(name, sizeof name, "%s.source", field);
        if (json_object_get(q, "source") == NULL) {
            snprintf(msg, msglen, "%s: field '%s' is missing: say how the figure was derived "
                                  "(cores x clock x FLOP/cycle, or the vendor's sheet)", origin,
                     name);
            return -1;
        }
        if (jf_json_in_string(q, "source", 1, source, source_len, origin, name, msg, msglen) != 0)
            return -1;
    }
    *out = si;
    return 0;
}

int jf_json_in_integer(json_t *v, long long lo, long long hi, const char *origin,
                       const char *field, long long *out, char *msg, size_t msglen)
{
    if (v == NULL) {
        snprintf(msg, msglen, "%s: field '%s' is missing", origin, field);
        return -1;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        snprintf(msg, msglen, "%s: field '%s' must be an integer from %lld to %lld (a count, no "
                              "units)", origin, field, lo, hi);
        return -1;
    }
    *out = (long long)json_integer_value(v);
    return 0;
}
