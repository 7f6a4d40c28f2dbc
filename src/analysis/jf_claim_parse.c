/* jf_claim_parse.c: claims files, read strictly through jf_json_in and
 * checked against a hardware table (see jf_claim.h). */
#include "jf_claim.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/jf_json_in.h"

/* results/claims/claims.json as a C string, generated at build time. */
extern const char jf_claims_default_json[];

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


static const jf_json_unit_t energy_units[] = {
    {"J", 1}, {"kJ", 1e3}, {"MJ", 1e6}, {"GJ", 1e9}, {"TJ", 1e12},
    {"Wh", 3600}, {"kWh", 3.6e6}, {"MWh", 3.6e9}, {"GWh", 3.6e12}, {NULL, 0},
};

/* in hours */
static const jf_json_unit_t time_units[] = {
    {"s", 1.0 / 3600}, {"min", 1.0 / 60}, {"h", 1}, {"days", 24}, {NULL, 0},
};

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
    if (jf_json_in_keys_of(e, keys, "energy", where, "energy", msg, msglen) != 0 ||
        jf_json_in_string(e, "unit", 1, unit, sizeof unit, where, "energy.unit", msg, msglen) != 0 ||
        jf_json_in_string(e, "scope", 0, scope, sizeof scope, where, "energy.scope", msg, msglen) != 0 ||
        jf_json_in_source(e, "energy", cl->energy_source, JF_CLAIM_SOURCE_LEN, where, msg, msglen) != 0)
        return -1;
    const double per = jf_json_in_unit(energy_units, unit);
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
        if (jf_json_in_number(v, 0, 1, max_value, NULL, where, "energy.value", &cl->energy_lo_value, msg, msglen) != 0)
            return -1;
        cl->energy_hi_value = cl->energy_lo_value;
    } else if (lo != NULL || hi != NULL) {
        if (jf_json_in_number(lo, 0, 1, max_value, NULL, where, "energy.min", &cl->energy_lo_value, msg, msglen) != 0 ||
            jf_json_in_number(hi, 0, 1, max_value, NULL, where, "energy.max", &cl->energy_hi_value, msg, msglen) != 0)
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
    if (jf_json_in_keys_of(h, keys, "hardware", where, "hardware", msg, msglen) != 0 ||
        jf_json_in_string(h, "id", 1, id, sizeof id, where, "hardware.id", msg, msglen) != 0 ||
        jf_json_in_string(h, "precision", 1, cl->precision, sizeof cl->precision, where,
                   "hardware.precision", msg, msglen) != 0 ||
        jf_json_in_source(h, "hardware", cl->hw_source, JF_CLAIM_SOURCE_LEN, where, msg, msglen) != 0)
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

/* One entry of the claims list (jf_claim_entry_parser_t); hw_table: the
 * hardware table it names its hardware in. */
static int parse_claim(json_t *c, void *entry, const void *hw_table, const char *where,
                       char *msg, size_t msglen)
{
    jf_claim_t *cl = entry;
    const jf_hw_table_t *hwt = hw_table;
    static const char *const keys[] = {
        "id", "model", "kind", "reference", "note", "params", "active_params", "tokens",
        "flops", "hardware", "accelerators", "duration", "accelerator_hours", "energy", "pue",
        NULL};
    char kind[16] = "training";

    if (jf_json_in_keys_of(c, keys, "claim", where, "", msg, msglen) != 0 ||
        jf_json_in_string(c, "model", 1, cl->model, sizeof cl->model, where, "model", msg, msglen) != 0 ||
        jf_json_in_string(c, "kind", 0, kind, sizeof kind, where, "kind", msg, msglen) != 0 ||
        jf_json_in_string(c, "reference", 0, cl->reference, sizeof cl->reference, where, "reference",
                   msg, msglen) != 0 ||
        jf_json_in_string(c, "note", 0, cl->note, sizeof cl->note, where, "note", msg, msglen) != 0)
        return -1;
    if (strcmp(kind, "training") == 0)
        cl->kind = JF_CLAIM_TRAINING;
    else if (strcmp(kind, "inference") == 0)
        cl->kind = JF_CLAIM_INFERENCE;
    else {
        snprintf(msg, msglen, "%s: field 'kind': '%s' is not training or inference", where, kind);
        return -1;
    }
    if (jf_claim_fig_read(c, "params", 0, 0, 1, JF_CLAIM_MAX_PARAMS, &cl->params, where, "params", msg,
                msglen) != 0 ||
        jf_claim_fig_read(c, "active_params", 0, 0, 1, JF_CLAIM_MAX_PARAMS, &cl->active_params, where,
                "active_params", msg, msglen) != 0 ||
        jf_claim_fig_read(c, "tokens", 0, 0, 1, JF_CLAIM_MAX_TOKENS, &cl->tokens, where, "tokens", msg,
                msglen) != 0 ||
        jf_claim_fig_read(c, "flops", 0, 0, 1, JF_CLAIM_MAX_FLOPS, &cl->flops, where, "flops", msg,
                msglen) != 0 ||
        jf_claim_fig_read(c, "accelerators", 0, 0, 1, JF_CLAIM_MAX_ACCELERATORS, &cl->accelerators, where,
                "accelerators", msg, msglen) != 0 ||
        jf_claim_fig_read(c, "accelerator_hours", 0, 0, 1, JF_CLAIM_MAX_HOURS, &cl->accelerator_hours,
                where, "accelerator_hours", msg, msglen) != 0 ||
        jf_claim_fig_read(c, "pue", 0, 1, 0, JF_CLAIM_MAX_PUE, &cl->pue, where, "pue", msg, msglen) != 0)
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
        if (jf_json_in_keys_of(d, dkeys, "duration", where, "duration", msg, msglen) != 0)
            return -1;
        if (jf_json_in_number(json_object_get(d, "value"), 0, 1, 1e9, NULL, where, "duration.value", &cl->duration_h.value, msg, msglen) != 0 ||
            jf_json_in_string(d, "unit", 1, unit, sizeof unit, where, "duration.unit", msg, msglen) != 0 ||
            jf_json_in_source(d, "duration", cl->duration_h.source, JF_CLAIM_SOURCE_LEN, where, msg, msglen) != 0)
            return -1;
        per = jf_json_in_unit(time_units, unit);
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
    void *entries = NULL;
    memset(s, 0, sizeof *s);
    snprintf(s->origin, sizeof s->origin, "%s", origin);
    const jf_err_t err = jf_claim_list(json_text, len, origin, "jflop-claims", "claims",
                                       JF_CLAIM_MAX_CLAIMS, sizeof *s->claims,
                                       offsetof(jf_claim_t, id), sizeof s->claims->id,
                                       parse_claim, hw, &entries, &s->n, msg, msglen);
    s->claims = entries;
    return err;
}

jf_err_t jf_claims_parse(const char *json_text, const char *origin, const jf_hw_table_t *hw,
                         jf_claim_set_t *s, char *msg, size_t msglen)
{
    return jf_claims_parse_text(json_text, strlen(json_text), origin, hw, s, msg, msglen);
}

static jf_err_t claims_parser(const char *text, size_t len, const char *origin, void *s,
                              const void *hw, char *msg, size_t msglen)
{
    return jf_claims_parse_text(text, len, origin, hw, s, msg, msglen);
}

jf_err_t jf_claims_load(const char *path, const jf_hw_table_t *hw, jf_claim_set_t *s, char *msg,
                        size_t msglen)
{
    if (path == NULL)
        return jf_claims_parse(jf_claims_default_json,
                               "built-in default (results/claims/claims.json)", hw, s, msg, msglen);
    return jf_json_in_load(path, claims_parser, s, sizeof *s, hw, msg, msglen);
}

void jf_claims_free(jf_claim_set_t *s)
{
    free(s->claims);
    s->claims = NULL;
    s->n = 0;
}

const jf_claim_t *jf_claims_find(const jf_claim_set_t *s, const char *id)
{
    return jf_claim_list_find(s->claims, s->n, sizeof *s->claims, offsetof(jf_claim_t, id), id);
}
