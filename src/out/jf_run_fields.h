/* jf_run_fields.h: the run's configuration fields (shape, options, N and D,
 * times, peak, memory, losses) in one table, read by both writers: the
 * HDF5 file's /config attributes and the JSON summary's top-level keys.
 * A field is added here once; names, units and the value's place cannot
 * drift apart between the two outputs. */
#ifndef JF_RUN_FIELDS_H
#define JF_RUN_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "train/jf_train.h"

/* The one optimizer jflop-run trains with. */
#define JF_RUN_OPTIMIZER "sgd"

/* How the value is stored in jf_run_t. */
typedef enum {
    JF_RUN_INT,        /* int */
    JF_RUN_I64,        /* int64_t */
    JF_RUN_U64,        /* uint64_t, a count */
    JF_RUN_F64,        /* double */
    JF_RUN_STR,        /* const char *; NULL is written as "" */
    JF_RUN_PRECISION,  /* jf_precision_t, written as its name */
    JF_RUN_PRESET,     /* opt.preset; "" when --params shaped the model */
    JF_RUN_OPTIMIZER_NAME  /* no storage: JF_RUN_OPTIMIZER */
} jf_run_kind_t;

/* Where a field goes, and how an output departs from the plain value. */
enum {
    JF_RUN_HDF5 = 1,       /* an attribute of /config */
    JF_RUN_JSON = 2,       /* a top-level key of the JSON summary */
    JF_RUN_BOTH = JF_RUN_HDF5 | JF_RUN_JSON,
    JF_RUN_JSON_BOOL = 4,  /* JSON true/false; HDF5 int64 1 or 0 */
    JF_RUN_JSON_LOSS = 8,  /* JSON -1 when not finite; HDF5 the value */
    JF_RUN_PEAK_UNITS = 16 /* the units say which peak (peak_kind) */
};

typedef struct {
    const char *name;   /* the attribute's and the key's name */
    jf_run_kind_t kind;
    size_t offset;      /* offsetof(jf_run_t, ...) */
    const char *units;  /* NAME_units in HDF5; NULL: none */
    unsigned flags;
} jf_run_field_t;

extern const jf_run_field_t jf_run_fields[];
extern const size_t jf_run_nfields;

/* A field's value as the outputs write it: one of four types. */
typedef struct {
    enum { JF_RUN_VAL_I64, JF_RUN_VAL_U64, JF_RUN_VAL_F64, JF_RUN_VAL_STR } type;
    int64_t i;
    uint64_t u;
    double f;
    const char *s;  /* never NULL */
} jf_run_value_t;

jf_run_value_t jf_run_field_value(const jf_run_field_t *f, const jf_run_t *r);

/* The field's units for this run (NULL: none). */
const char *jf_run_field_units(const jf_run_field_t *f, const jf_run_t *r);

#endif
