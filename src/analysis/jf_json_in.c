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

int jf_json_in_keys(json_t *obj, const char *const *known, const char *origin, const char *where,
                    char *msg, size_t msglen)
{
    const char *key;
    json_t *v;
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
            snprintf(msg, msglen, "%s: field '%s%s%.80s' is not a known field (known: %s)",
                     origin, where, where[0] ? "." : "", key, list);
            return -1;
        }
    }
    return 0;
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
    if (!isfinite(x) || (lo_open ? x <= lo : x < lo) || x > hi) {
        snprintf(msg, msglen, "%s: field '%s' = %g is out of range: %s", origin, field, x, why);
        return -1;
    }
    *out = x;
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
