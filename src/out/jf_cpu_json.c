/* jf_cpu_json.c: the processor as JSON (see the header). */
#include "jf_cpu_json.h"

static json_t *int_or_null(int v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

json_t *jf_cpu_json(const jf_cpu_id_t *c, int uniform)
{
    char line[2 * JF_CPU_TEXT];
    jf_cpu_id_describe(c, line, sizeof line);
    json_t *j = json_pack("{s:s, s:b, s:s, s:s, s:o, s:o, s:o, s:s, s:I, s:s}", "description", line,
                          "known", c->known, "vendor", c->vendor, "model_name", c->model_name,
                          "family", int_or_null(c->family), "model", int_or_null(c->model),
                          "stepping", int_or_null(c->stepping), "microcode", c->microcode,
                          "count", (json_int_t)c->cpus, "features", c->isa);
    if (j != NULL && uniform >= 0)
        json_object_set_new(j, "uniform", json_boolean(uniform));
    return j;
}
