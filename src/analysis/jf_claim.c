/* jf_claim.c: hardware table and claims files (jansson), and the checks
 * of a published energy claim. Nothing here prints. */
#include "jf_claim.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/jf_bounds.h"
#include "analysis/jf_json_in.h"

/* results/claims/{claims,hardware}.json as C strings, generated at build time. */
extern const char jf_claims_default_json[];
extern const char jf_hardware_default_json[];

/* ---- small helpers ------------------------------------------------------ */

/* Physical limits of a claim's figures: far above anything published (the
 * largest models have ~10^12 parameters, trained on ~10^13 tokens in
 * ~10^25 FLOPs), so that only a unit error or a typo is refused. */
#define JF_CLAIM_MAX_PARAMS 1e15
#define JF_CLAIM_MAX_TOKENS 1e17
#define JF_CLAIM_MAX_FLOPS 1e30
#define JF_CLAIM_MAX_ACCELERATORS 1e8
#define JF_CLAIM_MAX_HOURS 1e12        /* accelerator-hours; a duration at most 10^6 h */
#define JF_CLAIM_MAX_ENERGY_J 1e20     /* a year of the world's electricity is ~10^20 J */
#define JF_CLAIM_MAX_PUE 100
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

static const struct {
    const char *name;
    double joules;
} energy_units[] = {
    {"J", 1}, {"kJ", 1e3}, {"MJ", 1e6}, {"GJ", 1e9}, {"TJ", 1e12},
    {"Wh", 3600}, {"kWh", 3.6e6}, {"MWh", 3.6e9}, {"GWh", 3.6e12},
};

static const struct {
    const char *name;
    double hours;
} time_units[] = {
    {"s", 1.0 / 3600}, {"min", 1.0 / 60}, {"h", 1}, {"days", 24},
};

const char *jf_verdict_str(jf_verdict_t v)
{
    static const char *const s[] = {"consistent", "implausible", "impossible"};
    return s[v];
}

const char *jf_check_result_str(jf_check_result_t r)
{
    static const char *const s[] = {"ok", "IMPLAUSIBLE", "IMPOSSIBLE", "not checked"};
    return s[r];
}

const char *jf_energy_scope_str(jf_energy_scope_t sc)
{
    static const char *const s[] = {"unstated", "it", "facility"};
    return s[sc];
}

/* Every key of obj must be in the NULL-terminated list `known`; prefix is
 * the object's path in the claim (NULL for the claim or hardware entry). */
static int known_keys(json_t *obj, const char *const *known, const char *where,
                      const char *prefix, const char *what, char *msg, size_t msglen)
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
            for (const char *const *k = known; *k != NULL; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         k == known ? "" : ", ", *k);
            snprintf(msg, msglen, "%s: field '%s%s%.80s' is not a%s %s field (known: %s)", where,
                     prefix != NULL ? prefix : "", prefix != NULL ? "." : "", key,
                     strchr("aeiou", what[0]) != NULL ? "n" : "", what, list);
            return -1;
        }
    }
    return 0;
}

static int get_string(json_t *obj, const char *key, int required, char *out, size_t outlen,
                      const char *where, const char *field, char *msg, size_t msglen)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL && !required)
        return 0;
    if (!json_is_string(v) || json_string_length(v) == 0) {
        snprintf(msg, msglen, "%s: field '%s' is %s (expected a non-empty string)", where, field,
                 v == NULL ? "missing" : "malformed");
        return -1;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        snprintf(msg, msglen, "%s: field '%s' holds a NUL character", where, field);
        return -1;
    }
    if (json_string_length(v) >= outlen) {  /* refused whole, never cut */
        snprintf(msg, msglen, "%s: field '%s' is %zu characters long; at most %zu", where,
                 field, json_string_length(v), outlen - 1);
        return -1;
    }
    snprintf(out, outlen, "%s", json_string_value(v));
    return 0;
}

static int get_source(json_t *obj, char *out, const char *where, const char *field, char *msg,
                      size_t msglen)
{
    json_t *s = json_object_get(obj, "source");
    if (!json_is_string(s) || json_string_length(s) == 0) {
        snprintf(msg, msglen, "%s: field '%s.source' is missing: every figure needs a source",
                 where, field);
        return -1;
    }
    if (json_string_length(s) >= JF_CLAIM_SOURCE_LEN ||
        strlen(json_string_value(s)) != json_string_length(s)) {  /* refused whole, never cut */
        snprintf(msg, msglen, "%s: field '%s.source' is %zu characters long; at most %d", where,
                 field, json_string_length(s), JF_CLAIM_SOURCE_LEN - 1);
        return -1;
    }
    snprintf(out, JF_CLAIM_SOURCE_LEN, "%s", json_string_value(s));
    return 0;
}

/* A finite number above lo (at least lo when lo_open is 0) and at most hi,
 * the physical limit of the field. */
static int check_number(json_t *v, const char *where, const char *field, double lo, int lo_open,
                        double hi, double *out, char *msg, size_t msglen)
{
    if (v == NULL) {
        snprintf(msg, msglen, "%s: field '%s' is missing", where, field);
        return -1;
    }
    if (!json_is_number(v)) {
        snprintf(msg, msglen, "%s: field '%s' is not a number", where, field);
        return -1;
    }
    const double x = json_number_value(v);
    if (!isfinite(x) || (lo_open ? x <= lo : x < lo)) {
        snprintf(msg, msglen, "%s: field '%s' = %g is %s: it must be %s %g", where, field, x,
                 x < 0 ? "negative" : (x == 0 ? "zero" : "out of range"),
                 lo_open ? "above" : "at least", lo);
        return -1;
    }
    if (x > hi) {
        snprintf(msg, msglen, "%s: field '%s' = %g is out of range: it must be at most %g", where,
                 field, x, hi);
        return -1;
    }
    *out = x;
    return 0;
}

/* {"value": number, "source": "..."}, lo < value (or lo <= value) <= hi. */
static int get_fig(json_t *obj, const char *key, int required, double lo, int lo_open, double hi,
                   jf_claim_fig_t *out, const char *where, const char *field, char *msg,
                   size_t msglen)
{
    static const char *const keys[] = {"value", "source", NULL};
    json_t *o = json_object_get(obj, key);
    char name[160];
    memset(out, 0, sizeof *out);
    if (o == NULL && !required)
        return 0;
    if (!json_is_object(o)) {
        snprintf(msg, msglen, "%s: field '%s' is %s (expected {\"value\": number, \"source\": "
                              "\"...\"})", where, field, o == NULL ? "missing" : "malformed");
        return -1;
    }
    snprintf(name, sizeof name, "%s.value", field);
    if (known_keys(o, keys, where, field, "figure", msg, msglen) != 0 ||
        check_number(json_object_get(o, "value"), where, name, lo, lo_open, hi, &out->value, msg,
                     msglen) != 0 ||
        get_source(o, out->source, where, field, msg, msglen) != 0)
        return -1;
    out->given = 1;
    return 0;
}

/* ---- hardware ----------------------------------------------------------- */

/* The optional top-level "description": a string when given. */
static int description_ok(json_t *root, const char *origin, char *msg, size_t msglen)
{
    json_t *d = json_object_get(root, "description");
    if (d != NULL && !json_is_string(d)) {
        snprintf(msg, msglen, "%s: field 'description' must be a string", origin);
        return 0;
    }
    return 1;
}

jf_err_t jf_hw_parse_text(const char *json_text, size_t len, const char *origin,
                          jf_hw_table_t *t, char *msg, size_t msglen)
{
    static const char *const hw_keys[] = {"id", "name", "board_power_w", "peak_flop_per_s",
                                          "note", NULL};
    static const char *const root_keys[] = {"schema", "schema_version", "description", "hardware",
                                            NULL};
    jf_err_t err;
    json_t *root = NULL;

    memset(t, 0, sizeof *t);
    snprintf(t->origin, sizeof t->origin, "%s", origin);
    err = jf_json_in_parse(json_text, len, origin, "jflop-hardware", JF_CLAIM_SCHEMA_MAJOR, &root,
                           msg, msglen);
    if (err != JF_OK)
        return err;
    err = JF_EINVAL;
    if (jf_json_in_keys(root, root_keys, origin, "", msg, msglen) != 0 ||
        !description_ok(root, origin, msg, msglen))
        goto cleanup;
    json_t *list = json_object_get(root, "hardware");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        snprintf(msg, msglen, "%s: field 'hardware' must be a non-empty list", origin);
        goto cleanup;
    }
    if (json_array_size(list) > JF_HW_MAX_ENTRIES) {
        snprintf(msg, msglen, "%s: field 'hardware' has %zu entries; at most %d", origin,
                 json_array_size(list), JF_HW_MAX_ENTRIES);
        goto cleanup;
    }
    t->hw = calloc(json_array_size(list), sizeof *t->hw);
    if (t->hw == NULL) {
        snprintf(msg, msglen, "%s: out of memory", origin);
        err = JF_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *h = json_array_get(list, i);
        jf_hw_t *hw = &t->hw[t->n];
        char where[700];
        snprintf(where, sizeof where, "%s: hardware[%zu]", origin, i);
        if (!json_is_object(h)) {
            snprintf(msg, msglen, "%s: field 'hardware[%zu]' is not an object", origin, i);
            goto cleanup;
        }
        if (get_string(h, "id", 1, hw->id, sizeof hw->id, where, "id", msg, msglen) != 0)
            goto cleanup;
        snprintf(where, sizeof where, "%s: hardware[%zu] (%s)", origin, i, hw->id);
        if (jf_hw_find(t, hw->id) != NULL) {
            snprintf(msg, msglen, "%s: field 'id': '%s' is given twice", where, hw->id);
            goto cleanup;
        }
        if (known_keys(h, hw_keys, where, NULL, "hardware", msg, msglen) != 0 ||
            get_string(h, "name", 0, hw->name, sizeof hw->name, where, "name", msg, msglen) != 0 ||
            get_fig(h, "board_power_w", 1, 0, 1, JF_CLAIM_MAX_BOARD_W, &hw->board_w, where,
                    "board_power_w", msg, msglen) != 0)
            goto cleanup;
        json_t *peaks = json_object_get(h, "peak_flop_per_s");
        if (!json_is_object(peaks) || json_object_size(peaks) == 0) {
            snprintf(msg, msglen, "%s: field 'peak_flop_per_s' is %s (expected {\"bf16\": "
                                  "{\"value\": ..., \"source\": ...}, ...})", where,
                     peaks == NULL ? "missing" : "malformed or empty");
            goto cleanup;
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
                goto cleanup;
            }
            if (hw->npeak == JF_HW_MAX_PRECISIONS) {
                snprintf(msg, msglen, "%s: field 'peak_flop_per_s': more than %d precisions",
                         where, JF_HW_MAX_PRECISIONS);
                goto cleanup;
            }
            jf_hw_peak_t *p = &hw->peak[hw->npeak];
            snprintf(p->precision, sizeof p->precision, "%s", prec);
            if (get_fig(peaks, prec, 1, 0, 1, JF_CLAIM_MAX_PEAK, &p->flop_per_s, where, field, msg,
                        msglen) != 0)
                goto cleanup;
            hw->npeak++;
        }
        t->n++;
    }
    err = JF_OK;
cleanup:
    json_decref(root);
    if (err != JF_OK)
        jf_hw_free(t);
    return err;
}

jf_err_t jf_hw_parse(const char *json_text, const char *origin, jf_hw_table_t *t, char *msg,
                     size_t msglen)
{
    return jf_hw_parse_text(json_text, strlen(json_text), origin, t, msg, msglen);
}

jf_err_t jf_hw_load(const char *path, jf_hw_table_t *t, char *msg, size_t msglen)
{
    char *text;
    size_t len;
    jf_err_t err = jf_json_in_read(path, JF_JSON_IN_MAX_BYTES, &text, &len, msg, msglen);
    memset(t, 0, sizeof *t);
    if (err != JF_OK)
        return err;
    err = jf_hw_parse_text(text, len, path, t, msg, msglen);
    free(text);
    return err;
}

jf_err_t jf_hw_default(jf_hw_table_t *t, char *msg, size_t msglen)
{
    return jf_hw_parse(jf_hardware_default_json,
                       "built-in default (results/claims/hardware.json)", t, msg, msglen);
}

void jf_hw_free(jf_hw_table_t *t)
{
    free(t->hw);
    t->hw = NULL;
    t->n = 0;
}

const jf_hw_t *jf_hw_find(const jf_hw_table_t *t, const char *id)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->hw[i].id, id) == 0)
            return &t->hw[i];
    return NULL;
}

const jf_hw_peak_t *jf_hw_peak(const jf_hw_t *hw, const char *precision)
{
    for (int i = 0; i < hw->npeak; i++)
        if (strcmp(hw->peak[i].precision, precision) == 0)
            return &hw->peak[i];
    return NULL;
}

/* ---- claims ------------------------------------------------------------- */

static int parse_energy(json_t *c, jf_claim_t *cl, const char *where, char *msg, size_t msglen)
{
    static const char *const keys[] = {"value", "min", "max", "unit", "scope", "source", NULL};
    json_t *e = json_object_get(c, "energy");
    char unit[16], scope[16] = "unstated";
    if (e == NULL)
        return 0;
    if (!json_is_object(e)) {
        snprintf(msg, msglen, "%s: field 'energy' is malformed (expected {\"value\" or \"min\" "
                              "and \"max\", \"unit\", \"scope\", \"source\"})", where);
        return -1;
    }
    if (known_keys(e, keys, where, "energy", "energy", msg, msglen) != 0 ||
        get_string(e, "unit", 1, unit, sizeof unit, where, "energy.unit", msg, msglen) != 0 ||
        get_string(e, "scope", 0, scope, sizeof scope, where, "energy.scope", msg, msglen) != 0 ||
        get_source(e, cl->energy_source, where, "energy", msg, msglen) != 0)
        return -1;
    double per = 0;
    for (size_t i = 0; i < sizeof energy_units / sizeof energy_units[0]; i++)
        if (strcmp(unit, energy_units[i].name) == 0)
            per = energy_units[i].joules;
    if (per == 0) {
        snprintf(msg, msglen, "%s: field 'energy.unit': '%s' is not a unit of energy (J, kJ, MJ, "
                              "GJ, TJ, Wh, kWh, MWh, GWh)", where, unit);
        return -1;
    }
    const double max_value = JF_CLAIM_MAX_ENERGY_J / per;
    snprintf(cl->energy_unit, sizeof cl->energy_unit, "%s", unit);
    if (strcmp(scope, "unstated") == 0)
        cl->scope = JF_SCOPE_UNSTATED;
    else if (strcmp(scope, "it") == 0)
        cl->scope = JF_SCOPE_IT;
    else if (strcmp(scope, "facility") == 0)
        cl->scope = JF_SCOPE_FACILITY;
    else {
        snprintf(msg, msglen, "%s: field 'energy.scope': '%s' is not facility, it or unstated",
                 where, scope);
        return -1;
    }
    json_t *v = json_object_get(e, "value"), *lo = json_object_get(e, "min"),
           *hi = json_object_get(e, "max");
    if (v != NULL && (lo != NULL || hi != NULL)) {
        snprintf(msg, msglen, "%s: field 'energy': give \"value\" or \"min\" and \"max\", not "
                              "both", where);
        return -1;
    }
    if (v != NULL) {
        if (check_number(v, where, "energy.value", 0, 1, max_value, &cl->energy_lo_value, msg,
                         msglen) != 0)
            return -1;
        cl->energy_hi_value = cl->energy_lo_value;
    } else if (lo != NULL || hi != NULL) {
        if (check_number(lo, where, "energy.min", 0, 1, max_value, &cl->energy_lo_value, msg,
                         msglen) != 0 ||
            check_number(hi, where, "energy.max", 0, 1, max_value, &cl->energy_hi_value, msg,
                         msglen) != 0)
            return -1;
        if (cl->energy_hi_value < cl->energy_lo_value) {
            snprintf(msg, msglen, "%s: field 'energy.max' = %g is below 'energy.min' = %g", where,
                     cl->energy_hi_value, cl->energy_lo_value);
            return -1;
        }
        cl->energy_range = cl->energy_hi_value > cl->energy_lo_value;
    } else {
        snprintf(msg, msglen, "%s: field 'energy.value' is missing (or give 'energy.min' and "
                              "'energy.max')", where);
        return -1;
    }
    cl->energy_lo_j = cl->energy_lo_value * per;
    cl->energy_hi_j = cl->energy_hi_value * per;
    cl->have_energy = 1;
    return 0;
}

static int parse_hardware_ref(json_t *c, const jf_hw_table_t *hwt, jf_claim_t *cl,
                              const char *where, char *msg, size_t msglen)
{
    static const char *const keys[] = {"id", "precision", "source", NULL};
    json_t *h = json_object_get(c, "hardware");
    char id[64];
    if (!json_is_object(h)) {
        snprintf(msg, msglen, "%s: field 'hardware' is %s (expected {\"id\": ..., \"precision\": "
                              "..., \"source\": ...})", where, h == NULL ? "missing" : "malformed");
        return -1;
    }
    if (known_keys(h, keys, where, "hardware", "hardware", msg, msglen) != 0 ||
        get_string(h, "id", 1, id, sizeof id, where, "hardware.id", msg, msglen) != 0 ||
        get_string(h, "precision", 1, cl->precision, sizeof cl->precision, where,
                   "hardware.precision", msg, msglen) != 0 ||
        get_source(h, cl->hw_source, where, "hardware", msg, msglen) != 0)
        return -1;
    const jf_hw_t *hw = jf_hw_find(hwt, id);
    if (hw == NULL) {
        char list[400] = "";
        for (int i = 0; i < hwt->n; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     hwt->hw[i].id);
        snprintf(msg, msglen, "%s: field 'hardware.id': unknown hardware '%s' (%s has: %s)", where,
                 id, hwt->origin, list);
        return -1;
    }
    if (jf_claim_precision_bits(cl->precision) == 0) {
        snprintf(msg, msglen, "%s: field 'hardware.precision': '%s' is not a precision (fp8, "
                              "fp16, bf16, tf32, fp32, fp64)", where, cl->precision);
        return -1;
    }
    if (jf_hw_peak(hw, cl->precision) == NULL) {
        snprintf(msg, msglen, "%s: field 'hardware.precision': %s has no %s peak in %s", where,
                 hw->id, cl->precision, hwt->origin);
        return -1;
    }
    cl->hw_index = (int)(hw - hwt->hw);
    return 0;
}

static int parse_claim(json_t *c, const jf_hw_table_t *hwt, jf_claim_t *cl, const char *where,
                       char *msg, size_t msglen)
{
    static const char *const keys[] = {
        "id", "model", "kind", "reference", "note", "params", "active_params", "tokens",
        "flops", "hardware", "accelerators", "duration", "accelerator_hours", "energy", "pue",
        NULL};
    char kind[16] = "training";

    if (known_keys(c, keys, where, NULL, "claim", msg, msglen) != 0 ||
        get_string(c, "model", 1, cl->model, sizeof cl->model, where, "model", msg, msglen) != 0 ||
        get_string(c, "kind", 0, kind, sizeof kind, where, "kind", msg, msglen) != 0 ||
        get_string(c, "reference", 0, cl->reference, sizeof cl->reference, where, "reference",
                   msg, msglen) != 0 ||
        get_string(c, "note", 0, cl->note, sizeof cl->note, where, "note", msg, msglen) != 0)
        return -1;
    if (strcmp(kind, "training") == 0)
        cl->kind = JF_CLAIM_TRAINING;
    else if (strcmp(kind, "inference") == 0)
        cl->kind = JF_CLAIM_INFERENCE;
    else {
        snprintf(msg, msglen, "%s: field 'kind': '%s' is not training or inference", where, kind);
        return -1;
    }
    if (get_fig(c, "params", 0, 0, 1, JF_CLAIM_MAX_PARAMS, &cl->params, where, "params", msg,
                msglen) != 0 ||
        get_fig(c, "active_params", 0, 0, 1, JF_CLAIM_MAX_PARAMS, &cl->active_params, where,
                "active_params", msg, msglen) != 0 ||
        get_fig(c, "tokens", 0, 0, 1, JF_CLAIM_MAX_TOKENS, &cl->tokens, where, "tokens", msg,
                msglen) != 0 ||
        get_fig(c, "flops", 0, 0, 1, JF_CLAIM_MAX_FLOPS, &cl->flops, where, "flops", msg,
                msglen) != 0 ||
        get_fig(c, "accelerators", 0, 0, 1, JF_CLAIM_MAX_ACCELERATORS, &cl->accelerators, where,
                "accelerators", msg, msglen) != 0 ||
        get_fig(c, "accelerator_hours", 0, 0, 1, JF_CLAIM_MAX_HOURS, &cl->accelerator_hours,
                where, "accelerator_hours", msg, msglen) != 0 ||
        get_fig(c, "pue", 0, 1, 0, JF_CLAIM_MAX_PUE, &cl->pue, where, "pue", msg, msglen) != 0)
        return -1;
    if (cl->active_params.given && !cl->params.given) {
        snprintf(msg, msglen, "%s: field 'params' is missing (active_params needs the total)",
                 where);
        return -1;
    }
    if (cl->active_params.given && cl->active_params.value > cl->params.value) {
        snprintf(msg, msglen, "%s: field 'active_params' = %g is above 'params' = %g", where,
                 cl->active_params.value, cl->params.value);
        return -1;
    }
    if (!cl->flops.given && !((cl->params.given || cl->active_params.given) && cl->tokens.given)) {
        snprintf(msg, msglen, "%s: field 'flops' is missing (give 'flops', or 'params' and "
                              "'tokens')", where);
        return -1;
    }
    /* duration: {"value", "unit", "source"} */
    json_t *d = json_object_get(c, "duration");
    if (d != NULL) {
        char unit[16];
        double per = 0;
        if (!json_is_object(d)) {
            snprintf(msg, msglen, "%s: field 'duration' is malformed (expected {\"value\", "
                                  "\"unit\", \"source\"})", where);
            return -1;
        }
        static const char *const dkeys[] = {"value", "unit", "source", NULL};
        if (known_keys(d, dkeys, where, "duration", "duration", msg, msglen) != 0)
            return -1;
        if (check_number(json_object_get(d, "value"), where, "duration.value", 0, 1, 1e9,
                         &cl->duration_h.value, msg, msglen) != 0 ||
            get_string(d, "unit", 1, unit, sizeof unit, where, "duration.unit", msg, msglen) != 0 ||
            get_source(d, cl->duration_h.source, where, "duration", msg, msglen) != 0)
            return -1;
        for (size_t i = 0; i < sizeof time_units / sizeof time_units[0]; i++)
            if (strcmp(unit, time_units[i].name) == 0)
                per = time_units[i].hours;
        if (per == 0) {
            snprintf(msg, msglen, "%s: field 'duration.unit': '%s' is not a unit of time (s, min, "
                                  "h, days)", where, unit);
            return -1;
        }
        cl->duration_h.value *= per;
        if (cl->duration_h.value > 1e6) {
            snprintf(msg, msglen, "%s: field 'duration.value' = %g %s is out of range: at most "
                                  "10^6 hours", where, cl->duration_h.value / per, unit);
            return -1;
        }
        cl->duration_h.given = 1;
    }
    if (cl->accelerator_hours.given && (cl->accelerators.given || cl->duration_h.given)) {
        snprintf(msg, msglen, "%s: field 'accelerator_hours': give it, or 'accelerators' and "
                              "'duration', not both", where);
        return -1;
    }
    if (cl->accelerators.given != cl->duration_h.given) {
        snprintf(msg, msglen, "%s: field '%s' is missing ('accelerators' and 'duration' go "
                              "together)", where, cl->accelerators.given ? "duration"
                                                                          : "accelerators");
        return -1;
    }
    if (parse_hardware_ref(c, hwt, cl, where, msg, msglen) != 0 ||
        parse_energy(c, cl, where, msg, msglen) != 0)
        return -1;
    if (!cl->have_energy && !cl->accelerator_hours.given && !cl->accelerators.given) {
        snprintf(msg, msglen, "%s: field 'energy' is missing, and so are 'accelerator_hours' and "
                              "'accelerators': nothing to evaluate", where);
        return -1;
    }
    return 0;
}

jf_err_t jf_claims_parse_text(const char *json_text, size_t len, const char *origin,
                              const jf_hw_table_t *hw, jf_claim_set_t *s, char *msg, size_t msglen)
{
    static const char *const root_keys[] = {"schema", "schema_version", "description", "claims",
                                            NULL};
    jf_err_t err;
    json_t *root = NULL;

    memset(s, 0, sizeof *s);
    snprintf(s->origin, sizeof s->origin, "%s", origin);
    err = jf_json_in_parse(json_text, len, origin, "jflop-claims", JF_CLAIM_SCHEMA_MAJOR, &root,
                           msg, msglen);
    if (err != JF_OK)
        return err;
    err = JF_EINVAL;
    if (jf_json_in_keys(root, root_keys, origin, "", msg, msglen) != 0 ||
        !description_ok(root, origin, msg, msglen))
        goto cleanup;
    json_t *list = json_object_get(root, "claims");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        snprintf(msg, msglen, "%s: field 'claims' must be a non-empty list", origin);
        goto cleanup;
    }
    if (json_array_size(list) > JF_CLAIM_MAX_CLAIMS) {
        snprintf(msg, msglen, "%s: field 'claims' has %zu entries; at most %d", origin,
                 json_array_size(list), JF_CLAIM_MAX_CLAIMS);
        goto cleanup;
    }
    s->claims = calloc(json_array_size(list), sizeof *s->claims);
    if (s->claims == NULL) {
        snprintf(msg, msglen, "%s: out of memory", origin);
        err = JF_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *c = json_array_get(list, i);
        jf_claim_t *cl = &s->claims[s->n];
        char where[700];
        snprintf(where, sizeof where, "%s: claims[%zu]", origin, i);
        if (!json_is_object(c)) {
            snprintf(msg, msglen, "%s: field 'claims[%zu]' is not an object", origin, i);
            goto cleanup;
        }
        if (get_string(c, "id", 1, cl->id, sizeof cl->id, where, "id", msg, msglen) != 0)
            goto cleanup;
        snprintf(where, sizeof where, "%s: claims[%zu] (%s)", origin, i, cl->id);
        if (jf_claims_find(s, cl->id) != NULL) {
            snprintf(msg, msglen, "%s: field 'id': '%s' is given twice", where, cl->id);
            goto cleanup;
        }
        if (parse_claim(c, hw, cl, where, msg, msglen) != 0)
            goto cleanup;
        s->n++;
    }
    err = JF_OK;
cleanup:
    json_decref(root);
    if (err != JF_OK)
        jf_claims_free(s);
    return err;
}

jf_err_t jf_claims_parse(const char *json_text, const char *origin, const jf_hw_table_t *hw,
                         jf_claim_set_t *s, char *msg, size_t msglen)
{
    return jf_claims_parse_text(json_text, strlen(json_text), origin, hw, s, msg, msglen);
}

jf_err_t jf_claims_load(const char *path, const jf_hw_table_t *hw, jf_claim_set_t *s, char *msg,
                        size_t msglen)
{
    char *text;
    size_t len;
    jf_err_t err = jf_json_in_read(path, JF_JSON_IN_MAX_BYTES, &text, &len, msg, msglen);
    memset(s, 0, sizeof *s);
    if (err != JF_OK)
        return err;
    err = jf_claims_parse_text(text, len, path, hw, s, msg, msglen);
    free(text);
    return err;
}

jf_err_t jf_claims_default(const jf_hw_table_t *hw, jf_claim_set_t *s, char *msg, size_t msglen)
{
    return jf_claims_parse(jf_claims_default_json, "built-in default (results/claims/claims.json)",
                           hw, s, msg, msglen);
}

void jf_claims_free(jf_claim_set_t *s)
{
    free(s->claims);
    s->claims = NULL;
    s->n = 0;
}

const jf_claim_t *jf_claims_find(const jf_claim_set_t *s, const char *id)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->claims[i].id, id) == 0)
            return &s->claims[i];
    return NULL;
}

/* ---- evaluation --------------------------------------------------------- */

int jf_claim_nends(const jf_claim_t *c)
{
    return c->have_energy && c->energy_range ? 2 : 1;
}

static jf_claim_check_t *add_check(jf_claim_eval_t *e, const char *name, const char *unit,
                                   double value, double limit)
{
    jf_claim_check_t *k = &e->checks[e->nchecks++];
    snprintf(k->name, sizeof k->name, "%s", name);
    snprintf(k->unit, sizeof k->unit, "%s", unit);
    k->value = value;
    k->limit = limit;
    k->result = JF_CHECK_OK;
    return k;
}

static void not_checked(jf_claim_check_t *k, const char *why)
{
    k->result = JF_CHECK_NOT_CHECKED;
    snprintf(k->why, sizeof k->why, "%s", why);
}

void jf_claim_evaluate(const jf_claim_t *c, const jf_hw_table_t *hwt, int end,
                       const jf_claim_opts_t *o, jf_claim_eval_t *e)
{
    const double T = o->temperature;
    const int training = c->kind == JF_CLAIM_TRAINING;

    memset(e, 0, sizeof *e);
    e->claim = c;
    e->hw = &hwt->hw[c->hw_index];
    e->end = jf_claim_nends(c) == 1 ? JF_END_ONLY : (end == 0 ? JF_END_LOW : JF_END_HIGH);
    e->temperature = T;

    /* FLOPs: published, else 6·N_a·D (training) or 2·N_a·D (inference) */
    const double n_total = c->params.given ? c->params.value : NAN;
    const double n_active = c->active_params.given ? c->active_params.value : n_total;
    const double d = c->tokens.given ? c->tokens.value : NAN;
    e->flops_6nd = (training ? 6.0 : 2.0) * n_active * d;   /* NAN when unknown */
    e->flops_published = c->flops.given;
    e->flops = c->flops.given ? c->flops.value : e->flops_6nd;

    /* hardware */
    e->peak = jf_hw_peak(e->hw, c->precision)->flop_per_s.value;
    e->board_w = e->hw->board_w.value;
    e->floor_jpf = e->board_w / e->peak;

    /* accelerator-hours and model-FLOP utilisation */
    e->hours = c->accelerator_hours.given ? c->accelerator_hours.value
             : c->accelerators.given    ? c->accelerators.value * c->duration_h.value
                                        : NAN;
    e->mfu = e->flops / (e->hours * 3600.0 * e->peak);

    /* energy: what the checks compare is IT energy */
    if (c->have_energy) {
        e->claimed_j = e->end == JF_END_HIGH ? c->energy_hi_j : c->energy_lo_j;
        e->it_j = e->claimed_j;
        switch (c->scope) {
        case JF_SCOPE_FACILITY:
            if (c->pue.given) {
                e->it_j = e->claimed_j / c->pue.value;
                snprintf(e->basis, sizeof e->basis, "facility / PUE %g = IT energy", c->pue.value);
            } else {
                snprintf(e->basis, sizeof e->basis,
                         "facility, PUE not stated: used as IT (upper bound)");
            }
            break;
        case JF_SCOPE_IT:
            if (c->pue.given)
                snprintf(e->basis, sizeof e->basis, "IT energy as claimed (PUE %g not applied)",
                         c->pue.value);
            else
                snprintf(e->basis, sizeof e->basis, "IT energy as claimed");
            break;
        default:
            snprintf(e->basis, sizeof e->basis, "scope not stated: used as IT (upper bound)");
            break;
        }
    } else {
        e->claimed_j = NAN;
        e->it_j = e->hours * 3600.0 * e->board_w;
        e->estimate = 1;
        snprintf(e->basis, sizeof e->basis, "ESTIMATE: accelerator-hours x board power");
    }
    e->w_per_accel = e->it_j / (e->hours * 3600.0);
    e->implied_jpf = e->it_j / e->flops;

    /* thermodynamic bounds */
    e->bits = o->bits > 0 ? o->bits : jf_claim_precision_bits(c->precision);
    e->landauer_jpf = jf_landauer_flop(e->bits, T);
    e->landauer_j = e->landauer_jpf * e->flops;
    e->eq17_j = training ? jf_bound_training_digital(n_active, d, T) : NAN;
    e->eq16_j = training ? jf_bound_training_analog(n_total, d, T) : NAN;

    /* the checks */
    jf_claim_check_t *k_mfu = add_check(e, "utilisation <= 100%", "%", 100.0 * e->mfu, 100.0);
    if (isnan(e->hours))
        not_checked(k_mfu, "no accelerator-hours given");
    else if (e->mfu > 1.0)
        k_mfu->result = JF_CHECK_IMPLAUSIBLE;

    jf_claim_check_t *k_floor = add_check(e, "J/FLOP >= hardware floor", "J/FLOP",
                                          e->implied_jpf, e->floor_jpf);
    jf_claim_check_t *k_land = add_check(e, "J/FLOP >= Landauer", "J/FLOP", e->implied_jpf,
                                         e->landauer_jpf);
    jf_claim_check_t *k_17 = add_check(e, "energy >= Eq. 17 (digital)", "J", e->it_j, e->eq17_j);
    jf_claim_check_t *k_16 = add_check(e, "energy >= Eq. 16 (analog)", "J", e->it_j, e->eq16_j);
    if (e->estimate) {
        const char *why = "no energy claimed (the ESTIMATE is not a claim)";
        not_checked(k_floor, why);
        not_checked(k_land, why);
        not_checked(k_17, why);
        not_checked(k_16, why);
    } else {
        if (e->implied_jpf < e->floor_jpf)
            k_floor->result = JF_CHECK_IMPLAUSIBLE;
        if (e->implied_jpf < e->landauer_jpf)
            k_land->result = JF_CHECK_IMPOSSIBLE;
        if (!training) {
            not_checked(k_17, "a training bound; this is an inference claim");
            not_checked(k_16, "a training bound; this is an inference claim");
        } else if (isnan(e->eq17_j)) {
            not_checked(k_17, "params or tokens not given");
            not_checked(k_16, "params or tokens not given");
        } else {
            if (e->it_j < e->eq17_j)
                k_17->result = JF_CHECK_IMPOSSIBLE;
            if (e->it_j < e->eq16_j)
                k_16->result = JF_CHECK_IMPOSSIBLE;
        }
    }

    /* verdict: the worst check; the reason names the first check of that kind */
    int failed = 0;
    e->verdict = JF_VERDICT_CONSISTENT;
    for (int i = 0; i < e->nchecks; i++) {
        const jf_check_result_t r = e->checks[i].result;
        if (r == JF_CHECK_IMPOSSIBLE || r == JF_CHECK_IMPLAUSIBLE)
            failed++;
        if (r == JF_CHECK_IMPOSSIBLE)
            e->verdict = JF_VERDICT_IMPOSSIBLE;
        else if (r == JF_CHECK_IMPLAUSIBLE && e->verdict == JF_VERDICT_CONSISTENT)
            e->verdict = JF_VERDICT_IMPLAUSIBLE;
    }
    const char *more = failed > 1 ? " (and more, see checks)" : "";
    if (e->verdict == JF_VERDICT_IMPOSSIBLE) {
        if (k_land->result == JF_CHECK_IMPOSSIBLE)
            snprintf(e->reason, sizeof e->reason, "%.3g J/FLOP is below Landauer's %.3g J/FLOP%s",
                     e->implied_jpf, e->landauer_jpf, more);
        else if (k_17->result == JF_CHECK_IMPOSSIBLE)
            snprintf(e->reason, sizeof e->reason, "%.3g J is below the Eq. 17 bound %.3g J%s",
                     e->it_j, e->eq17_j, more);
        else
            snprintf(e->reason, sizeof e->reason, "%.3g J is below the Eq. 16 bound %.3g J%s",
                     e->it_j, e->eq16_j, more);
    } else if (e->verdict == JF_VERDICT_IMPLAUSIBLE) {
        if (k_floor->result == JF_CHECK_IMPLAUSIBLE)
            snprintf(e->reason, sizeof e->reason, "%.3g J/FLOP is %.3gx below the %s floor%s",
                     e->implied_jpf, e->floor_jpf / e->implied_jpf, e->hw->id, more);
        else
            snprintf(e->reason, sizeof e->reason, "utilisation %.3g%% of the %s %s peak is above "
                     "100%%%s", 100.0 * e->mfu, e->hw->id, c->precision, more);
    } else if (e->estimate) {
        snprintf(e->reason, sizeof e->reason, "no energy claimed: utilisation %.3g%% is possible",
                 100.0 * e->mfu);
    } else if (!isnan(e->hours)) {
        snprintf(e->reason, sizeof e->reason, "%.3gx the hardware floor at %.3g%% utilisation",
                 e->implied_jpf / e->floor_jpf, 100.0 * e->mfu);
    } else {
        snprintf(e->reason, sizeof e->reason, "%.3gx the hardware floor (no hours to check)",
                 e->implied_jpf / e->floor_jpf);
    }
}
