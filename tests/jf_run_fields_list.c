/* jf_run_fields_list: prints out/jf_run_fields.c's table for
 * test_run_fields.sh, one field a line, tab-separated: name; "hdf5" when
 * /config has it, else "-"; the JSON summary's type for it (integer,
 * number, loss: a number, -1 when not finite; boolean, string) or "-";
 * the units ("(peak)": they name peak_kind; "-": none); the HDF5 type
 * h5dump names for the attribute. A helper, not a test. */
#include <stdio.h>

#include "out/jf_run_fields.h"

static const char *json_type(const jf_run_field_t *f)
{
    if (!(f->flags & JF_RUN_JSON))
        return "-";
    if (f->flags & JF_RUN_JSON_BOOL)
        return "boolean";
    if (f->flags & JF_RUN_JSON_LOSS)
        return "loss";
    switch (f->kind) {
    case JF_RUN_INT:
    case JF_RUN_I64:
    case JF_RUN_U64:
        return "integer";
    case JF_RUN_F64:
        return "number";
    default:
        return "string";
    }
}

static const char *h5_type(const jf_run_field_t *f)
{
    switch (f->kind) {
    case JF_RUN_INT:
    case JF_RUN_I64:
        return "H5T_STD_I64LE";
    case JF_RUN_U64:
        return "H5T_STD_U64LE";
    case JF_RUN_F64:
        return "H5T_IEEE_F64LE";
    default:
        return "H5T_STRING";
    }
}

int main(void)
{
    for (size_t i = 0; i < jf_run_nfields; i++) {
        const jf_run_field_t *f = &jf_run_fields[i];
        printf("%s\t%s\t%s\t%s\t%s\n", f->name, f->flags & JF_RUN_HDF5 ? "hdf5" : "-",
               json_type(f),
               f->flags & JF_RUN_PEAK_UNITS ? "(peak)"
               : f->units != NULL           ? f->units
                                            : "-",
               h5_type(f));
    }
    return 0;
}
