/* jf_site.c: site descriptions, parsed with jansson and checked. */
#include "jf_site.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* results/sites/default.json as a C string, generated at build time. */
extern const char jf_site_default_json[];

static int sourced(json_t *root, const char *key, jf_sourced_t *out, const char *origin,
                   char *msg, size_t msglen)
{
    json_t *o = json_object_get(root, key);
    json_t *v = o ? json_object_get(o, "value") : NULL;
    json_t *s = o ? json_object_get(o, "source") : NULL;
    if (o == NULL || !json_is_object(o)) {
        snprintf(msg, msglen, "%s: field '%s' is missing (expected {\"value\": ..., "
                              "\"source\": ...})", origin, key);
        return -1;
    }
    if (v == NULL || !json_is_number(v)) {
        snprintf(msg, msglen, "%s: field '%s': value is missing or not a number", origin, key);
        return -1;
    }
    if (s == NULL || !json_is_string(s) || json_string_length(s) == 0) {
        snprintf(msg, msglen, "%s: field '%s': every figure needs a source", origin, key);
        return -1;
    }
    if (json_string_length(s) >= sizeof out->source) {  /* refused whole, never cut */
        snprintf(msg, msglen, "%s: field '%s.source' is %zu characters long; at most %zu",
                 origin, key, json_string_length(s), sizeof out->source - 1);
        return -1;
    }
    out->value = json_number_value(v);
    snprintf(out->source, sizeof out->source, "%s", json_string_value(s));
    return 0;
}

/* Range checks: lo <= v (or lo < v when open) and v <= hi. */
static int in_range(const jf_sourced_t *f, const char *origin, const char *key, double lo,
                    int lo_open, double hi, const char *why, char *msg, size_t msglen)
{
    const double v = f->value;
    if ((lo_open ? v <= lo : v < lo) || v > hi) {
        snprintf(msg, msglen, "%s: field '%s' = %g is unphysical: %s", origin, key, v, why);
        return -1;
    }
    return 0;
}

jf_err_t jf_site_parse(const char *json_text, const char *origin, jf_site_t *site, char *msg,
                       size_t msglen)
{
    json_error_t jerr;
    json_t *root = json_loads(json_text, 0, &jerr);
    jf_err_t err = JF_EINVAL;
    const double inf = 1e300;

    memset(site, 0, sizeof *site);
    snprintf(site->origin, sizeof site->origin, "%s", origin);
    if (root == NULL) {
        snprintf(msg, msglen, "%s: not JSON (line %d: %s)", origin, jerr.line, jerr.text);
        return JF_EINVAL;
    }
    json_t *schema = json_object_get(root, "schema");
    if (!json_is_string(schema) || strcmp(json_string_value(schema), "jflop-site") != 0) {
        snprintf(msg, msglen, "%s: not a jflop site file (\"schema\": \"jflop-site\" missing)",
                 origin);
        goto cleanup;
    }
    json_t *name = json_object_get(root, "name");
    snprintf(site->name, sizeof site->name, "%s", json_is_string(name) ? json_string_value(name)
                                                                       : "unnamed");
    struct {
        const char *key;
        jf_sourced_t *f;
        double lo;
        int lo_open;
        double hi;
        const char *why;
    } fields[] = {
        {"pue", &site->pue, 1, 0, 100, "PUE is facility / IT energy, at least 1"},
        {"ambient_temperature_k", &site->ambient_k, 0, 1, 1000, "a temperature in kelvin above 0"},
        {"grid_gco2e_per_kwh", &site->grid_gco2e_per_kwh, 0, 0, 5000, "must not be negative"},
        {"curtailed_renewable_share", &site->curtailed_share, 0, 0, 1, "a share in [0, 1]"},
        {"node_embodied_kgco2e", &site->node_embodied_kgco2e, 0, 0, inf, "must not be negative"},
        {"node_embodied_mj", &site->node_embodied_mj, 0, 0, inf, "must not be negative"},
        {"service_life_years", &site->service_life_years, 0, 1, 100, "must be above 0"},
        {"utilisation", &site->utilisation, 0, 1, 1, "a share in (0, 1]"},
        {"transport_kgco2e_per_node", &site->transport_kgco2e_per_node, 0, 0, inf,
         "must not be negative"},
        {"end_of_life_kgco2e_per_node", &site->end_of_life_kgco2e_per_node, -inf, 0, inf, ""},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (sourced(root, fields[i].key, fields[i].f, origin, msg, msglen) != 0 ||
            in_range(fields[i].f, origin, fields[i].key, fields[i].lo, fields[i].lo_open,
                     fields[i].hi, fields[i].why, msg, msglen) != 0)
            goto cleanup;
    json_t *cooling = json_object_get(root, "cooling");
    if (!json_is_array(cooling) || json_array_size(cooling) == 0) {
        snprintf(msg, msglen, "%s: field 'cooling' must be a non-empty list of "
                              "{label, t_star_k, eta}", origin);
        goto cleanup;
    }
    for (size_t i = 0; i < json_array_size(cooling) && i < JF_SITE_MAX_COOLING; i++) {
        json_t *row = json_array_get(cooling, i);
        jf_cooling_row_t *c = &site->cooling[site->ncooling];
        char where[96];
        snprintf(where, sizeof where, "cooling[%zu]", i);
        json_t *label = json_object_get(row, "label");
        snprintf(c->label, sizeof c->label, "%.63s",
                 json_is_string(label) ? json_string_value(label) : where);
        char key_t[128], key_e[128];
        snprintf(key_t, sizeof key_t, "%s.t_star_k", where);
        snprintf(key_e, sizeof key_e, "%s.eta", where);
        if (sourced(row, "t_star_k", &c->t_star_k, origin, msg, msglen) != 0 ||
            sourced(row, "eta", &c->eta, origin, msg, msglen) != 0)
            goto cleanup;
        if (in_range(&c->t_star_k, origin, key_t, 0, 1, site->ambient_k.value,
                     "T* must be above 0 K and not above the ambient temperature", msg,
                     msglen) != 0 ||
            in_range(&c->eta, origin, key_e, 0, 1, 1,
                     "eta is the fraction of Carnot a cooler reaches, in (0, 1]", msg, msglen) != 0)
            goto cleanup;
        site->ncooling++;
    }
    err = JF_OK;
cleanup:
    json_decref(root);
    return err;
}

jf_err_t jf_site_load(const char *path, jf_site_t *site, char *msg, size_t msglen)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    long size;
    jf_err_t err;
    if (f == NULL) {
        snprintf(msg, msglen, "--site %s: cannot open it", path);
        return JF_EIO;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > (1 << 20) ||
        fseek(f, 0, SEEK_SET) != 0 || (text = calloc((size_t)size + 1, 1)) == NULL ||
        fread(text, 1, (size_t)size, f) != (size_t)size) {
        snprintf(msg, msglen, "--site %s: cannot read it (or larger than 1 MiB)", path);
        err = JF_EIO;
    } else {
        err = jf_site_parse(text, path, site, msg, msglen);
    }
    free(text);
    fclose(f);
    return err;
}

jf_err_t jf_site_default(jf_site_t *site, char *msg, size_t msglen)
{
    return jf_site_parse(jf_site_default_json, "built-in default (results/sites/default.json)",
                         site, msg, msglen);
}
