/* bench_row.h: one row of `make bench`'s merged table, as JSON.
 *
 * Every micro-benchmark writes {"rows": [ROW, ...], ...details} and
 * run-bench merges the rows of all of them into one table and one JSON
 * file. A row says what was measured, what it is compared with, the ratio
 * and the target; run-bench decides pass/MISS from those numbers alone
 * (benchmarks/README.md describes the fields). NaN means "none" (JSON null). */
#ifndef BENCH_ROW_H
#define BENCH_ROW_H

#include <jansson.h>
#include <math.h>

static inline json_t *bench_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* target_op: ">=", "<=", "<", "within" (|ratio - 1| <= target) or NULL
 * (information only); target_on: "ratio" or "measured". */
static inline json_t *bench_row(const char *id, const char *section, const char *name,
                                double measured, const char *measured_unit,
                                const char *measured_what, double reference,
                                const char *reference_unit, const char *reference_what,
                                double ratio, const char *target_op, double target,
                                const char *target_on)
{
    json_t *r = json_object();
    json_object_set_new(r, "id", json_string(id));
    json_object_set_new(r, "section", json_string(section));
    json_object_set_new(r, "name", json_string(name));
    json_object_set_new(r, "measured", bench_num(measured));
    json_object_set_new(r, "measured_unit", json_string(measured_unit));
    json_object_set_new(r, "measured_what", json_string(measured_what));
    json_object_set_new(r, "reference", bench_num(reference));
    json_object_set_new(r, "reference_unit", json_string(reference_unit));
    json_object_set_new(r, "reference_what", json_string(reference_what));
    json_object_set_new(r, "ratio", bench_num(ratio));
    json_object_set_new(r, "target_op", target_op ? json_string(target_op) : json_null());
    json_object_set_new(r, "target", target_op ? bench_num(target) : json_null());
    json_object_set_new(r, "target_on", json_string(target_on ? target_on : "ratio"));
    return r;
}

#endif
