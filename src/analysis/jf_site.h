/* jf_site.h: a site description (the JSON files in results/sites, format in
 * results/sites/README.md): PUE, temperatures and coolers, grid carbon,
 * embodied figures of the nodes. Every figure keeps its source, and the
 * tables that use one say so. */
#ifndef JF_SITE_H
#define JF_SITE_H

#include <stddef.h>

#include "analysis/jf_json_in.h"
#include "core/jf_error.h"

#define JF_SITE_MAX_COOLING 8
#define JF_SITE_SCHEMA_MAJOR 1  /* schema_version "1.x" */

typedef struct {
    double value;
    char source[1024];          /* longer sources are refused, never cut */
} jf_sourced_t;

typedef struct {
    char label[64];
    jf_sourced_t t_star_k, eta;
} jf_cooling_row_t;

typedef struct {
    char name[64], origin[512];   /* origin: the file, or "built in" */
    jf_sourced_t pue, ambient_k, grid_gco2e_per_kwh, curtailed_share;
    jf_sourced_t node_embodied_kgco2e, node_embodied_mj, service_life_years, utilisation;
    jf_sourced_t transport_kgco2e_per_node, end_of_life_kgco2e_per_node;
    int ncooling;
    jf_cooling_row_t cooling[JF_SITE_MAX_COOLING];
} jf_site_t;

/* Parse and check a site description (strictly, through jf_json_in:
 * unknown or duplicate keys, another schema or a newer major version are
 * refused); errors name the file and the field (missing, not a number,
 * or unphysical: PUE < 1, T* > T, eta outside (0, 1], shares outside
 * [0, 1], figures beyond physical limits). jf_site_load(NULL, ...) loads
 * the built-in default (results/sites/default.json, compiled in). */
JF_JSON_IN_DECLARE(jf_site, jf_site_t);

#endif
