/* jf_claim_hw.h: the hardware table published energy claims are checked
 * against (results/claims/hardware.json, format in results/claims/README.md):
 * each accelerator's datasheet dense peak FLOP/s per precision and its board
 * power, every figure with its source. Compiled in as the default. Read
 * strictly through jf_json_in; errors are one line naming the file (origin)
 * and the field. */
#ifndef JF_CLAIM_HW_H
#define JF_CLAIM_HW_H

#include <jansson.h>
#include <stddef.h>

#include "analysis/jf_json_in.h"
#include "core/jf_error.h"

#define JF_CLAIM_SCHEMA_MAJOR 1   /* claims and hardware files: schema_version "1.x" */
#define JF_CLAIM_SOURCE_LEN 640
#define JF_HW_MAX_PRECISIONS 8
#define JF_HW_MAX_ENTRIES 1000      /* entries of a hardware table */
#define JF_CLAIM_MAX_CLAIMS 10000   /* claims in one file */
#define JF_CLAIM_MAX_CHECKS 6
#define JF_CLAIM_TEXT_LEN 96     /* labels: fit one table cell */
#define JF_CLAIM_REASON_LEN 256  /* kept under 96 characters by design */

/* A figure and where it comes from. */
typedef struct {
    int given;
    double value;
    char source[JF_CLAIM_SOURCE_LEN];
} jf_claim_fig_t;

typedef struct {
    char precision[8];           /* "fp16", "bf16", "fp8", "tf32", "fp32", "fp64" */
    jf_claim_fig_t flop_per_s;   /* dense peak */
} jf_hw_peak_t;

typedef struct {
    char id[64], name[160];
    jf_claim_fig_t board_w;
    int npeak;
    jf_hw_peak_t peak[JF_HW_MAX_PRECISIONS];
} jf_hw_t;

typedef struct {
    char origin[512];
    int n;
    jf_hw_t *hw;
} jf_hw_table_t;

/* Hardware table, read strictly through jf_json_in (unknown or duplicate
 * keys, another schema, a newer major, figures beyond physical limits
 * refused). jf_hw_load(NULL, ...) loads the built-in
 * results/claims/hardware.json. */
JF_JSON_IN_DECLARE(jf_hw, jf_hw_table_t);
void jf_hw_free(jf_hw_table_t *t);
/* The entry with this id, or NULL. */
const jf_hw_t *jf_hw_find(const jf_hw_table_t *t, const char *id);
/* Its dense peak at a precision, or NULL. */
const jf_hw_peak_t *jf_hw_peak(const jf_hw_t *hw, const char *precision);

/* Operand width of a precision name (fp8 8, fp16/bf16 16, tf32 19, fp32 32,
 * fp64 64); 0 for an unknown name. */
double jf_claim_precision_bits(const char *precision);

/* One entry of a claims or hardware list: e (an object whose id is read)
 * into *entry, with ctx; where is "ORIGIN: KEY[i] (ID)" for its messages.
 * 0, or -1 with msg. */
typedef int (*jf_claim_entry_parser_t)(json_t *e, void *entry, const void *ctx, const char *where,
                                       char *msg, size_t msglen);

/* What claims and hardware files share: the document parsed as `schema`
 * (jf_json_in), its root keys (schema, schema_version, description and
 * list_key), and its list `list_key` of 1 to max entries into *entries
 * (calloc'ed, `size` bytes each; free it), *n of them. Each entry is an
 * object whose "id", a non-empty string no earlier entry has, goes to the
 * id_len bytes at id_offset of the entry; then parse reads the rest. On an
 * error *entries is NULL and *n 0. */
jf_err_t jf_claim_list(const char *text, size_t len, const char *origin, const char *schema,
                       const char *list_key, size_t max, size_t size, size_t id_offset,
                       size_t id_len, jf_claim_entry_parser_t parse, const void *ctx,
                       void **entries, int *n, char *msg, size_t msglen);
/* The entry of such a list (n entries of `size` bytes) whose id, at
 * id_offset, is `id`; NULL if none. */
const void *jf_claim_list_find(const void *entries, int n, size_t size, size_t id_offset,
                               const char *id);

/* A claim's or a hardware entry's figure {"value", "source"} under `key`
 * of obj (jf_json_in_figure; unknown keys are "not a figure field"), the
 * value in (lo, hi] (lo included unless lo_open). where: the file and the
 * entry ("claims.json: claims[0] (id)"). 0, or -1 with msg. */
int jf_claim_fig_read(json_t *obj, const char *key, int required, double lo, int lo_open,
                      double hi, jf_claim_fig_t *out, const char *where, const char *field,
                      char *msg, size_t msglen);

#endif
