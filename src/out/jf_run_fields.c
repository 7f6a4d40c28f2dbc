/* jf_run_fields.c: the table of the run's configuration fields, in the
 * order /config has always had them (results/SCHEMA.md documents each). */
#include "jf_run_fields.h"

#include <string.h>

/* The member's offset, and a compile error when the member is not of the
 * type the row's kind reads it as (jf_run_field_value casts by kind). */
#define AT(member, type) \
    (offsetof(jf_run_t, member) + 0 * sizeof(_Generic(((jf_run_t *)0)->member, type: 1)))

const jf_run_field_t jf_run_fields[] = {
    {"preset", JF_RUN_PRESET, AT(opt.preset, const char *), NULL, JF_RUN_BOTH},
    {"layers", JF_RUN_I64, AT(opt.shape.layers, int64_t), NULL, JF_RUN_BOTH},
    {"d_model", JF_RUN_I64, AT(opt.shape.d_model, int64_t), NULL, JF_RUN_BOTH},
    {"heads", JF_RUN_I64, AT(opt.shape.heads, int64_t), NULL, JF_RUN_BOTH},
    {"ctx", JF_RUN_I64, AT(opt.shape.ctx, int64_t), NULL, JF_RUN_BOTH},
    {"ff", JF_RUN_I64, AT(opt.shape.ff, int64_t), NULL, JF_RUN_BOTH},
    {"vocab", JF_RUN_I64, AT(opt.shape.vocab, int64_t), NULL, JF_RUN_BOTH},
    {"batch", JF_RUN_I64, AT(opt.batch, int64_t), NULL, JF_RUN_BOTH},
    {"steps", JF_RUN_I64, AT(opt.steps, int64_t), NULL, JF_RUN_BOTH},
    {"warmup", JF_RUN_I64, AT(opt.warmup, int64_t), NULL, JF_RUN_BOTH},
    {"steps_done", JF_RUN_I64, AT(steps_done, int64_t), NULL, JF_RUN_BOTH},
    {"ranks", JF_RUN_INT, AT(ranks, int), NULL, JF_RUN_BOTH},
    {"nodes", JF_RUN_INT, AT(nodes, int), NULL, JF_RUN_BOTH},
    {"threads_per_rank", JF_RUN_INT, AT(opt.threads, int), NULL, JF_RUN_BOTH},
    {"precision", JF_RUN_PRECISION, AT(opt.precision, jf_precision_t), NULL, JF_RUN_BOTH},
    /* the JSON summary has {"optimizer": {"name", "lr"}} instead */
    {"optimizer", JF_RUN_OPTIMIZER_NAME, 0, NULL, JF_RUN_HDF5},
    {"lr", JF_RUN_F64, AT(opt.lr, double), NULL, JF_RUN_HDF5},
    {"N", JF_RUN_U64, AT(n_params, uint64_t), NULL, JF_RUN_BOTH},
    {"N_target", JF_RUN_U64, AT(opt.params_target, uint64_t), NULL, JF_RUN_BOTH},
    {"D", JF_RUN_U64, AT(tokens, uint64_t), NULL, JF_RUN_BOTH},
    {"D_target", JF_RUN_U64, AT(opt.tokens_target, uint64_t), NULL, JF_RUN_BOTH},
    {"weights_trained", JF_RUN_U64, AT(n_weights, uint64_t), NULL, JF_RUN_BOTH},
    {"energy_request", JF_RUN_STR, AT(opt.energy, const char *), NULL, JF_RUN_HDF5},
    {"seconds", JF_RUN_F64, AT(seconds, double), "s", JF_RUN_BOTH},
    {"warmup_seconds", JF_RUN_F64, AT(warmup_seconds, double), "s", JF_RUN_BOTH},
    {"startup_seconds", JF_RUN_F64, AT(startup_seconds, double), "s", JF_RUN_BOTH},
    {"peak_flops_per_second", JF_RUN_F64, AT(peak_flops, double), NULL,
     JF_RUN_BOTH | JF_RUN_PEAK_UNITS},
    {"peak_isa", JF_RUN_STR, AT(peak_isa, const char *), NULL, JF_RUN_BOTH},
    {"peak_kind", JF_RUN_STR, AT(peak_kind, const char *), NULL, JF_RUN_BOTH},
    /* the JSON summary has these three in its "memory" object */
    {"predicted_peak_rss_bytes", JF_RUN_U64, AT(predicted_bytes, uint64_t), "B", JF_RUN_HDF5},
    {"predicted_model_bytes_per_rank", JF_RUN_U64, AT(predicted_model_bytes, uint64_t), "B", JF_RUN_HDF5},
    {"peak_rss_bytes_max_rank", JF_RUN_U64, AT(peak_rss_bytes, uint64_t), "B", JF_RUN_HDF5},
    /* 1.10: transparent huge pages for the model arrays (core/jf_hugepages.h) */
    {"huge_pages", JF_RUN_STR, AT(huge_pages, const char *), NULL, JF_RUN_HDF5},
    {"huge_page_bytes_min_rank", JF_RUN_U64, AT(huge_page_bytes, uint64_t), "B", JF_RUN_HDF5},
    /* 1.5: the losses' unit, as /loss has it */
    {"loss_first", JF_RUN_F64, AT(loss_first, double), "nat", JF_RUN_BOTH | JF_RUN_JSON_LOSS},
    {"loss_last", JF_RUN_F64, AT(loss_last, double), "nat", JF_RUN_BOTH | JF_RUN_JSON_LOSS},
    {"loss_floor", JF_RUN_F64, AT(loss_floor, double), "nat", JF_RUN_BOTH},
    {"weights_identical_on_ranks", JF_RUN_INT, AT(replicas_identical, int), NULL,
     JF_RUN_BOTH | JF_RUN_JSON_BOOL},
    {"min_seconds", JF_RUN_F64, AT(opt.min_seconds, double), "s (--min-seconds; 0 when not given)",
     JF_RUN_BOTH},
};

const size_t jf_run_nfields = sizeof jf_run_fields / sizeof jf_run_fields[0];

/* The field is read through its own type: offset came from offsetof on
 * jf_run_t, so the address is that member's. */
jf_run_value_t jf_run_field_value(const jf_run_field_t *f, const jf_run_t *r)
{
    const void *const at = (const char *)r + f->offset;
    const char *s = NULL;
    switch (f->kind) {
    case JF_RUN_INT: return (jf_run_value_t){.type = JF_RUN_VAL_I64, .i = *(const int *)at};
    case JF_RUN_I64: return (jf_run_value_t){.type = JF_RUN_VAL_I64, .i = *(const int64_t *)at};
    case JF_RUN_U64: return (jf_run_value_t){.type = JF_RUN_VAL_U64, .u = *(const uint64_t *)at};
    case JF_RUN_F64: return (jf_run_value_t){.type = JF_RUN_VAL_F64, .f = *(const double *)at};
    case JF_RUN_STR: s = *(const char *const *)at; break;
    case JF_RUN_PRECISION: s = jf_precision_name(*(const jf_precision_t *)at); break;
    case JF_RUN_PRESET: s = r->opt.params_target ? "" : r->opt.preset; break;
    case JF_RUN_OPTIMIZER_NAME: s = JF_RUN_OPTIMIZER; break;
    }
    return (jf_run_value_t){.type = JF_RUN_VAL_STR, .s = s != NULL ? s : ""};
}

const char *jf_run_field_units(const jf_run_field_t *f, const jf_run_t *r)
{
    if (!(f->flags & JF_RUN_PEAK_UNITS))
        return f->units;
    return r->peak_kind != NULL && strcmp(r->peak_kind, "GEMM") == 0
               ? "FLOP/s (measured GEMM peak: best sustained 1024^3 product, all ranks)"
               : "FLOP/s (measured FMA peak, all ranks)";
}
