/* jf_cpu_json.h: the processor (core/jf_cpu_id.h) as a JSON object, the
 * same in jflop-run's summary and jflop probe. */
#ifndef JF_CPU_JSON_H
#define JF_CPU_JSON_H

#include <jansson.h>

#include "core/jf_cpu_id.h"

/* {description, known, vendor, model_name, family, model, stepping,
 * microcode, count, features[, uniform]}: numbers the file did not give
 * are null; uniform (< 0: left out) says whether every node's was the
 * same kind. New reference. */
json_t *jf_cpu_json(const jf_cpu_id_t *c, int uniform);

#endif
