/* jf_site.c: site descriptions, parsed with jansson and checked. */
#include "jf_site.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/jf_json_in.h"

/* results/sites/default.json as a C string, generated at build time. */
extern const char jf_site_default_json[];

/* {"value": number, "source": "..."} under `key` of obj, the value in
 * [lo, hi] (lo excluded when lo_open); field is its path in the file. */
static int sourced(json_t *obj, const char *key, const char *field, jf_sourced_t *out,
                   double lo, int lo_open, double hi, const char *why, const char *origin,
                   char *msg, size_t msglen)
{
    return jf_json_in_figure(obj, key, 1, field, NULL, lo, lo_open, hi, why, &out->value,
                             out->source, sizeof out->source, origin, msg, msglen) == 1
               ? 0
               : -1;
}

jf_err_t jf_site_parse_text(const char *json_text, size_t len, const char *origin,
                            jf_site_t *site, char *msg, size_t msglen)
{
    static const char *const root_keys[] = {
        "schema", "schema_version", "name", "description", "cooling", "pue",
        "ambient_temperature_k", "grid_gco2e_per_kwh", "curtailed_renewable_share",
        "node_embodied_kgco2e", "node_embodied_mj", "service_life_years", "utilisation",
        "transport_kgco2e_per_node", "end_of_life_kgco2e_per_node", NULL};
    static const char *const cooling_keys[] = {"label", "t_star_k", "eta", NULL};
    json_t *root = NULL;
    jf_err_t err;

    memset(site, 0, sizeof *site);
    snprintf(site->origin, sizeof site->origin, "%s", origin);
    snprintf(site->name, sizeof site->name, "unnamed");
    err = jf_json_in_parse(json_text, len, origin, "jflop-site", JF_SITE_SCHEMA_MAJOR, &root, msg,
                           msglen);
    if (err != JF_OK)
        return err;
    err = JF_EINVAL;
    if (jf_json_in_keys(root, root_keys, origin, "", msg, msglen) != 0 ||
        jf_json_in_string(root, "name", 0, site->name, sizeof site->name, origin, "name", msg,
                          msglen) != 0)
        goto cleanup;
    if (jf_json_in_text_ok(root, "description", origin, msg, msglen) != 0)
        goto cleanup;
    /* Physical limits: a value outside them is a unit error or a typo
     * (the largest centres' PUE is below 3; no node embodies 1000 t). */
    struct {
        const char *key;
        jf_sourced_t *f;
        double lo;
        int lo_open;
        double hi;
        const char *why;
    } fields[] = {
        {"pue", &site->pue, 1, 0, 100, "PUE is facility / IT energy, from 1 to 100"},
        {"ambient_temperature_k", &site->ambient_k, 0, 1, 1000,
         "a temperature in kelvin above 0 and at most 1000"},
        {"grid_gco2e_per_kwh", &site->grid_gco2e_per_kwh, 0, 0, 5000,
         "from 0 to 5000 gCO2e/kWh (coal is about 1000)"},
        {"curtailed_renewable_share", &site->curtailed_share, 0, 0, 1, "a share in [0, 1]"},
        {"node_embodied_kgco2e", &site->node_embodied_kgco2e, 0, 0, 1e6,
         "from 0 to 1e6 kgCO2e per node"},
        {"node_embodied_mj", &site->node_embodied_mj, 0, 0, 1e7, "from 0 to 1e7 MJ per node"},
        {"service_life_years", &site->service_life_years, 0, 1, 100,
         "above 0 and at most 100 years"},
        {"utilisation", &site->utilisation, 0, 1, 1, "a share in (0, 1]"},
        {"transport_kgco2e_per_node", &site->transport_kgco2e_per_node, 0, 0, 1e6,
         "from 0 to 1e6 kgCO2e per node"},
        {"end_of_life_kgco2e_per_node", &site->end_of_life_kgco2e_per_node, -1e6, 0, 1e6,
         "from -1e6 (a recycling credit) to 1e6 kgCO2e per node"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (sourced(root, fields[i].key, fields[i].key, fields[i].f, fields[i].lo,
                    fields[i].lo_open, fields[i].hi, fields[i].why, origin, msg, msglen) != 0)
            goto cleanup;
    json_t *cooling = json_object_get(root, "cooling");
    if (!json_is_array(cooling) || json_array_size(cooling) == 0) {
        snprintf(msg, msglen, "%s: field 'cooling' must be a non-empty list of "
                              "{label, t_star_k, eta}", origin);
        goto cleanup;
    }
    if (json_array_size(cooling) > JF_SITE_MAX_COOLING) {
        snprintf(msg, msglen, "%s: field 'cooling' has %zu rows; at most %d", origin,
                 json_array_size(cooling), JF_SITE_MAX_COOLING);
        goto cleanup;
    }
    for (size_t i = 0; i < json_array_size(cooling); i++) {
        json_t *row = json_array_get(cooling, i);
        jf_cooling_row_t *c = &site->cooling[site->ncooling];
        char where[32], key_t[64], key_e[64], key_l[64];
        snprintf(where, sizeof where, "cooling[%zu]", i);
        snprintf(key_t, sizeof key_t, "%s.t_star_k", where);
        snprintf(key_e, sizeof key_e, "%s.eta", where);
        snprintf(key_l, sizeof key_l, "%s.label", where);
        if (!json_is_object(row)) {
            snprintf(msg, msglen, "%s: field '%s' is not an object {label, t_star_k, eta}",
                     origin, where);
            goto cleanup;
        }
        snprintf(c->label, sizeof c->label, "%s", where);
        if (jf_json_in_keys(row, cooling_keys, origin, where, msg, msglen) != 0 ||
            jf_json_in_string(row, "label", 0, c->label, sizeof c->label, origin, key_l, msg,
                              msglen) != 0 ||
            sourced(row, "t_star_k", key_t, &c->t_star_k, 0, 1, site->ambient_k.value,
                    "T* must be above 0 K and not above the ambient temperature", origin, msg,
                    msglen) != 0 ||
            sourced(row, "eta", key_e, &c->eta, 0, 1, 1,
                    "eta is the fraction of Carnot a cooler reaches, in (0, 1]", origin, msg,
                    msglen) != 0)
            goto cleanup;
        site->ncooling++;
    }
    err = JF_OK;
cleanup:
    json_decref(root);
    return err;
}

JF_JSON_IN_ENTRY_POINTS(jf_site, jf_site_t, jf_site_default_json,
                        "built-in default (results/sites/default.json)")
