/* jf_claim_hw.c: the hardware table claims are checked against (see
 * jf_claim_hw.h). */
#include "jf_claim_hw.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/jf_json_in.h"

/* results/claims/hardware.json as a C string, generated at build time. */
extern const char jf_hardware_default_json[];

/* Physical limits of the hardware's figures: only a unit error or a typo
 * reaches them. */
#define JF_CLAIM_MAX_BOARD_W 1e5
#define JF_CLAIM_MAX_PEAK 1e18         /* FLOP/s of one accelerator */

static const struct {
    const char *name;
    double bits;
} precisions[] = {
    {"fp8", 8}, {"fp16", 16}, {"bf16", 16}, {"tf32", 19}, {"fp32", 32}, {"fp64", 64},
};

double jf_claim_precision_bits(const char *precision)
{
    for (size_t i = 0; i < sizeof precisions / sizeof precisions[0]; i++)
        if (strcmp(precision, precisions[i].name) == 0)
            return precisions[i].bits;
    return 0;
}

int jf_claim_fig_read(json_t *obj, const char *key, int required, double lo, int lo_open,
                      double hi, jf_claim_fig_t *out, const char *where, const char *field,
                      char *msg, size_t msglen)
{
    memset(out, 0, sizeof *out);
    const int got = jf_json_in_figure(obj, key, required, field, "figure", lo, lo_open, hi, NULL,
                                      &out->value, out->source, sizeof out->source, where, msg,
                                      msglen);
    out->given = got == 1;
    return got < 0 ? -1 : 0;
}

static jf_err_t claim_doc(const char *text, size_t len, const char *origin, const char *schema,
                      const char *list_key, size_t max, size_t size, void **entries,
                      json_t **root, json_t **list, char *msg, size_t msglen)
{
    const char *const root_keys[] = {"schema", "schema_version", "description", list_key, NULL};
    jf_err_t err = jf_json_in_parse(text, len, origin, schema, JF_CLAIM_SCHEMA_MAJOR, root, msg,
                                    msglen);
    *list = NULL;
    if (err != JF_OK)
        return err;
    if (jf_json_in_keys(*root, root_keys, origin, "", msg, msglen) != 0 ||
        jf_json_in_text_ok(*root, "description", origin, msg, msglen) != 0 ||
        (*list = jf_json_in_list(*root, list_key, max, origin, msg, msglen)) == NULL) {
        json_decref(*root);
        *root = NULL;
        return JF_EINVAL;
    }
    if ((*entries = calloc(json_array_size(*list), size)) == NULL) {
        snprintf(msg, msglen, "%s: out of memory", origin);
        json_decref(*root);
        *root = NULL;
        return JF_ENOMEM;
    }
    return JF_OK;
}

static int claim_entry(json_t *list, const char *list_key, size_t i, const char *origin, char *id,
                   size_t idlen, char *where, size_t wherelen, char *msg, size_t msglen)
{
    json_t *e = json_array_get(list, i);
    snprintf(where, wherelen, "%s: %s[%zu]", origin, list_key, i);
    if (!json_is_object(e)) {
        snprintf(msg, msglen, "%s: field '%s[%zu]' is not an object", origin, list_key, i);
        return -1;
    }
    if (jf_json_in_string(e, "id", 1, id, idlen, where, "id", msg, msglen) != 0)
        return -1;
    snprintf(where, wherelen, "%s: %s[%zu] (%s)", origin, list_key, i, id);
    for (size_t k = 0; k < i; k++) {
        json_t *other = json_object_get(json_array_get(list, k), "id");
        if (json_is_string(other) && strcmp(json_string_value(other), id) == 0) {
            snprintf(msg, msglen, "%s: field 'id': '%s' is given twice", where, id);
            return -1;
        }
    }
    return 0;
}

jf_err_t jf_claim_list(const char *text, size_t len, const char *origin, const char *schema,
                       const char *list_key, size_t max, size_t size, size_t id_offset,
                       size_t id_len, jf_claim_entry_parser_t parse, const void *ctx,
                       void **entries, int *n, char *msg, size_t msglen)
{
    json_t *root = NULL, *list = NULL;
    jf_err_t err = claim_doc(text, len, origin, schema, list_key, max, size, entries, &root,
                             &list, msg, msglen);
    *n = 0;
    if (err != JF_OK)
        return err;
    for (size_t i = 0; i < json_array_size(list) && err == JF_OK; i++) {
        char *entry = (char *)*entries + i * size;
        char where[700];
        if (claim_entry(list, list_key, i, origin, entry + id_offset, id_len, where,
                        sizeof where, msg, msglen) != 0 ||
            parse(json_array_get(list, i), entry, ctx, where, msg, msglen) != 0)
            err = JF_EINVAL;
        else
            ++*n;
    }
    json_decref(root);
    if (err != JF_OK) {
        free(*entries);
        *entries = NULL;
        *n = 0;
    }
    return err;
}

/* One entry of the hardware list (jf_claim_entry_parser_t). */
static int hw_entry(json_t *h, void *entry, const void *ctx, const char *where, char *msg,
                    size_t msglen)
{
    static const char *const hw_keys[] = {"id", "name", "board_power_w", "peak_flop_per_s",
                                          "note", NULL};
    jf_hw_t *hw = entry;
    (void)ctx;
    if (jf_json_in_keys_of(h, hw_keys, "hardware", where, "", msg, msglen) != 0 ||
        jf_json_in_string(h, "name", 0, hw->name, sizeof hw->name, where, "name", msg, msglen) != 0 ||
        jf_claim_fig_read(h, "board_power_w", 1, 0, 1, JF_CLAIM_MAX_BOARD_W, &hw->board_w, where,
                "board_power_w", msg, msglen) != 0)
        return -1;
    json_t *peaks = json_object_get(h, "peak_flop_per_s");
    if (!json_is_object(peaks) || json_object_size(peaks) == 0) {
        snprintf(msg, msglen, "%s: field 'peak_flop_per_s' is %s (expected {\"bf16\": "
                              "{\"value\": ..., \"source\": ...}, ...})", where,
                 peaks == NULL ? "missing" : "malformed or empty");
        return -1;
    }
    const char *prec;
    json_t *pv;
    json_object_foreach(peaks, prec, pv) {
        char field[96];
        (void)pv;
        snprintf(field, sizeof field, "peak_flop_per_s.%s", prec);
        if (jf_claim_precision_bits(prec) == 0) {
            snprintf(msg, msglen, "%s: field '%s': '%s' is not a precision (fp8, fp16, bf16, "
                                  "tf32, fp32, fp64)", where, field, prec);
            return -1;
        }
        if (hw->npeak == JF_HW_MAX_PRECISIONS) {
            snprintf(msg, msglen, "%s: field 'peak_flop_per_s': more than %d precisions",
                     where, JF_HW_MAX_PRECISIONS);
            return -1;
        }
        jf_hw_peak_t *p = &hw->peak[hw->npeak];
        snprintf(p->precision, sizeof p->precision, "%s", prec);
        if (jf_claim_fig_read(peaks, prec, 1, 0, 1, JF_CLAIM_MAX_PEAK, &p->flop_per_s, where, field, msg,
                    msglen) != 0)
            return -1;
        hw->npeak++;
    }
    return 0;
}

jf_err_t jf_hw_parse_text(const char *json_text, size_t len, const char *origin,
                          jf_hw_table_t *t, char *msg, size_t msglen)
{
    void *entries = NULL;
    memset(t, 0, sizeof *t);
    snprintf(t->origin, sizeof t->origin, "%s", origin);
    const jf_err_t err = jf_claim_list(json_text, len, origin, "jflop-hardware", "hardware",
                                       JF_HW_MAX_ENTRIES, sizeof *t->hw, offsetof(jf_hw_t, id),
                                       sizeof t->hw->id, hw_entry, NULL, &entries, &t->n, msg,
                                       msglen);
    t->hw = entries;
    return err;
}

JF_JSON_IN_ENTRY_POINTS(jf_hw, jf_hw_table_t, jf_hardware_default_json,
                        "built-in default (results/claims/hardware.json)")

void jf_hw_free(jf_hw_table_t *t)
{
    free(t->hw);
    t->hw = NULL;
    t->n = 0;
}

const void *jf_claim_list_find(const void *entries, int n, size_t size, size_t id_offset,
                               const char *id)
{
    for (int i = 0; i < n; i++) {
        const char *entry = (const char *)entries + (size_t)i * size;
        if (strcmp(entry + id_offset, id) == 0)
            return entry;
    }
    return NULL;
}

const jf_hw_t *jf_hw_find(const jf_hw_table_t *t, const char *id)
{
    return jf_claim_list_find(t->hw, t->n, sizeof *t->hw, offsetof(jf_hw_t, id), id);
}

const jf_hw_peak_t *jf_hw_peak(const jf_hw_t *hw, const char *precision)
{
    for (int i = 0; i < hw->npeak; i++)
        if (strcmp(hw->peak[i].precision, precision) == 0)
            return &hw->peak[i];
    return NULL;
}
