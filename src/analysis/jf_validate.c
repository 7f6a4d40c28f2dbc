/* jf_validate.c: loading a submission (results files, system.json,
 * site.json), the rules as a table, and --pack (summary and manifest). */
#define _POSIX_C_SOURCE 200809L
#include "jf_validate.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "analysis/jf_figures.h"
#include "analysis/jf_json_in.h"
#include "core/jf_sha256.h"

/* ------------------------------------------------------------------------ */
/* system.json                                                              */

typedef struct {
    const char *units;
    double scale;
} jf_unit_t;

static const jf_unit_t flop_units[] = {
    {"FLOP/s", 1}, {"GFLOP/s", 1e9}, {"TFLOP/s", 1e12}, {"PFLOP/s", 1e15}, {NULL, 0}};
static const jf_unit_t memory_units[] = {
    {"GB", 1e9}, {"GiB", 1073741824.0}, {"TB", 1e12}, {"TiB", 1099511627776.0}, {NULL, 0}};

static int sys_str(json_t *obj, const char *prefix, const char *key, char *out, size_t len,
                   const char *origin, char *msg, size_t msglen)
{
    char field[96];
    snprintf(field, sizeof field, "%s%s", prefix, key);
    return jf_json_in_string(obj, key, 1, out, len, origin, field, msg, msglen);
}

static int sys_int(json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out,
                   const char *origin, char *msg, size_t msglen)
{
    long long v = 0;
    if (jf_json_in_integer(json_object_get(obj, key), min, max, origin, key, &v, msg, msglen) != 0)
        return -1;
    *out = (int64_t)v;
    return 0;
}

/* {"value": number, "units": one of `units`, "source": text}: the value in
 * SI, after the plausibility bound `max_si` (above it: a unit error). */
static int sys_quantity(json_t *obj, const char *name, const char *key, const jf_unit_t *units,
                        const char *kind, double max_si, int need_source, double *out,
                        char *source, size_t source_len, const char *origin, char *msg,
                        size_t msglen)
{
    char list[160] = "";
    size_t used = 0;
    for (const jf_unit_t *u = units; u->units != NULL; u++) {
        const int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", u->units);
        used += w > 0 ? (size_t)w : 0;
    }
    json_t *q = json_object_get(obj, key);
    if (q == NULL) {
        snprintf(msg, msglen, "%s: field '%s' is missing", origin, name);
        return -1;
    }
    if (!json_is_object(q)) {
        snprintf(msg, msglen, "%s: field '%s' needs its units: {\"value\": <number>, \"units\": "
                              "\"<%s>\"%s}", origin, name, list,
                 need_source ? ", \"source\": \"<how it was derived>\"" : "");
        return -1;
    }
    static const char *const with_source[] = {"value", "units", "source", NULL};
    static const char *const without_source[] = {"value", "units", NULL};
    if (jf_json_in_keys(q, need_source ? with_source : without_source, origin, name, msg,
                        msglen) != 0)
        return -1;
    json_t *v = json_object_get(q, "value"), *u = json_object_get(q, "units");
    if (v == NULL || !json_is_number(v)) {
        snprintf(msg, msglen, "%s: field '%s.value' is missing or not a number", origin, name);
        return -1;
    }
    if (u == NULL || !json_is_string(u)) {
        snprintf(msg, msglen, "%s: field '%s.units' is missing (one of %s)", origin, name, list);
        return -1;
    }
    const jf_unit_t *hit = NULL;
    for (const jf_unit_t *x = units; x->units != NULL; x++)
        if (strcmp(x->units, json_string_value(u)) == 0)
            hit = x;
    if (hit == NULL) {
        snprintf(msg, msglen, "%s: field '%s.units' = '%s' is not %s (one of %s)", origin, name,
                 json_string_value(u), kind, list);
        return -1;
    }
    const double si = json_number_value(v) * hit->scale;
    if (!(json_number_value(v) > 0) || !isfinite(si)) {
        snprintf(msg, msglen, "%s: field '%s.value' must be above 0", origin, name);
        return -1;
    }
    if (si > max_si) {
        snprintf(msg, msglen, "%s: field '%s' = %g %s is implausible for one node (a unit "
                              "error?)", origin, name, json_number_value(v), hit->units);
        return -1;
    }
    if (need_source) {
        char field[96];
        if (json_object_get(q, "source") == NULL) {
            snprintf(msg, msglen, "%s: field '%s.source' is missing: say how the figure was "
                                  "derived (cores x clock x FLOP/cycle, or the vendor's sheet)",
                     origin, name);
            return -1;
        }
        snprintf(field, sizeof field, "%s.source", name);
        if (jf_json_in_string(q, "source", 1, source, source_len, origin, field, msg, msglen) != 0)
            return -1;
    }
    *out = si;
    return 0;
}

jf_err_t jf_system_parse_text(const char *json_text, size_t len, const char *origin,
                              jf_system_t *sys, char *msg, size_t msglen)
{
    static const char *const root_keys[] = {
        "schema", "schema_version", "submitter", "system_name", "node_model", "number_of_nodes",
        "host_processor_model_name", "host_processors_per_node", "host_processor_core_count",
        "host_memory_capacity", "accelerator_model_name", "accelerators_per_node",
        "interconnect", "cooling", "peak_flops_per_node", "software", NULL};
    static const char *const peak_keys[] = {"fp32", "fp64", "bf16", NULL};
    static const char *const software_keys[] = {"operating_system", "compiler", "mpi", "blis",
                                                NULL};
    json_t *root = NULL;
    jf_err_t err;

    memset(sys, 0, sizeof *sys);
    snprintf(sys->origin, sizeof sys->origin, "%s", origin);
    err = jf_json_in_parse(json_text, len, origin, "jflop-system", JF_SYSTEM_SCHEMA_MAJOR, &root,
                           msg, msglen);
    if (err != JF_OK)
        return err;
    err = JF_EINVAL;
    if (jf_json_in_keys(root, root_keys, origin, "", msg, msglen) != 0)
        goto cleanup;
    /* Limits: the largest machines have ~10^5 nodes, 8 sockets, a few
     * hundred cores per socket and 8 accelerators per node. */
    if (sys_str(root, "", "submitter", sys->submitter, sizeof sys->submitter, origin, msg, msglen) ||
        sys_str(root, "", "system_name", sys->system_name, sizeof sys->system_name, origin, msg,
                msglen) ||
        sys_str(root, "", "node_model", sys->node_model, sizeof sys->node_model, origin, msg,
                msglen) ||
        sys_int(root, "number_of_nodes", 1, 10000000, &sys->number_of_nodes, origin, msg,
                msglen) ||
        sys_str(root, "", "host_processor_model_name", sys->host_processor,
                sizeof sys->host_processor, origin, msg, msglen) ||
        sys_int(root, "host_processors_per_node", 1, 64, &sys->processors_per_node, origin, msg,
                msglen) ||
        sys_int(root, "host_processor_core_count", 1, 65536, &sys->cores_per_processor, origin,
                msg, msglen) ||
        sys_quantity(root, "host_memory_capacity", "host_memory_capacity", memory_units,
                     "a memory size", 1125899906842624.0 /* 1 PiB */, 0, &sys->memory_bytes,
                     NULL, 0, origin, msg, msglen) ||
        sys_str(root, "", "accelerator_model_name", sys->accelerator, sizeof sys->accelerator,
                origin, msg, msglen) ||
        sys_int(root, "accelerators_per_node", 0, 1024, &sys->accelerators_per_node, origin, msg,
                msglen) ||
        sys_str(root, "", "interconnect", sys->interconnect, sizeof sys->interconnect, origin,
                msg, msglen) ||
        sys_str(root, "", "cooling", sys->cooling, sizeof sys->cooling, origin, msg, msglen))
        goto cleanup;
    if ((strcmp(sys->accelerator, "none") == 0) != (sys->accelerators_per_node == 0)) {
        snprintf(msg, msglen, "%s: field 'accelerators_per_node' = %lld disagrees with "
                              "accelerator_model_name '%s' (0 exactly when \"none\")",
                 origin, (long long)sys->accelerators_per_node, sys->accelerator);
        goto cleanup;
    }
    json_t *peak = json_object_get(root, "peak_flops_per_node");
    if (peak == NULL || !json_is_object(peak)) {
        snprintf(msg, msglen, "%s: field 'peak_flops_per_node' is missing (an object with the "
                              "theoretical peak per node at fp32, fp64 and/or bf16)", origin);
        goto cleanup;
    }
    if (jf_json_in_keys(peak, peak_keys, origin, "peak_flops_per_node", msg, msglen) != 0)
        goto cleanup;
    const char *prec[3] = {"fp32", "fp64", "bf16"};
    double *peaks[3] = {&sys->peak_fp32, &sys->peak_fp64, &sys->peak_bf16};
    char *sources[3] = {sys->peak_fp32_source, sys->peak_fp64_source, sys->peak_bf16_source};
    const size_t source_len[3] = {sizeof sys->peak_fp32_source, sizeof sys->peak_fp64_source,
                                  sizeof sys->peak_bf16_source};
    for (int i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "peak_flops_per_node.%s", prec[i]);
        if (json_object_get(peak, prec[i]) != NULL &&
            sys_quantity(peak, name, prec[i], flop_units, "a FLOP rate", 1e18 /* 1 EFLOP/s */, 1,
                         peaks[i], sources[i], source_len[i], origin, msg, msglen) != 0)
            goto cleanup;
    }
    if (sys->peak_fp32 == 0 && sys->peak_fp64 == 0 && sys->peak_bf16 == 0) {
        snprintf(msg, msglen, "%s: field 'peak_flops_per_node' gives none of 'fp32', 'fp64', 'bf16'",
                 origin);
        goto cleanup;
    }
    json_t *sw = json_object_get(root, "software");
    if (sw == NULL || !json_is_object(sw)) {
        snprintf(msg, msglen, "%s: field 'software' is missing (an object: operating_system, "
                              "compiler, mpi, blis)", origin);
        goto cleanup;
    }
    if (jf_json_in_keys(sw, software_keys, origin, "software", msg, msglen) != 0)
        goto cleanup;
    if (sys_str(sw, "software.", "operating_system", sys->os, sizeof sys->os, origin, msg, msglen) ||
        sys_str(sw, "software.", "compiler", sys->compiler, sizeof sys->compiler, origin, msg,
                msglen) ||
        sys_str(sw, "software.", "mpi", sys->mpi, sizeof sys->mpi, origin, msg, msglen) ||
        sys_str(sw, "software.", "blis", sys->blis, sizeof sys->blis, origin, msg, msglen))
        goto cleanup;
    err = JF_OK;
cleanup:
    json_decref(root);
    return err;
}

jf_err_t jf_system_parse(const char *json_text, const char *origin, jf_system_t *sys,
                         char *msg, size_t msglen)
{
    return jf_system_parse_text(json_text, strlen(json_text), origin, sys, msg, msglen);
}

jf_err_t jf_system_load(const char *path, jf_system_t *sys, char *msg, size_t msglen)
{
    char *text;
    size_t len;
    jf_err_t err = jf_json_in_read(path, JF_JSON_IN_MAX_BYTES, &text, &len, msg, msglen);
    memset(sys, 0, sizeof *sys);
    if (err != JF_OK)
        return err;
    err = jf_system_parse_text(text, len, path, sys, msg, msglen);
    free(text);
    return err;
}

double jf_system_peak(const jf_system_t *sys, const char *precision)
{
    return strcmp(precision, "fp64") == 0 ? sys->peak_fp64
           : strcmp(precision, "fp32") == 0 ? sys->peak_fp32
           : strcmp(precision, "bf16") == 0 ? sys->peak_bf16
                                            : 0;
}

/* ------------------------------------------------------------------------ */
/* the submission folder                                                    */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *tail)
{
    const size_t n = strlen(s), m = strlen(tail);
    return n > m && strcmp(s + n - m, tail) == 0;
}

void jf_submission_free(jf_submission_t *s)
{
    for (int i = 0; i < s->nfiles; i++)
        free(s->files[i]);
    for (int i = 0; i < s->nresults; i++) {
        free(s->result_names[i]);
        if (s->nodes != NULL && s->nnodes != NULL)
            jf_result_nodes_free(s->nodes[i], s->nnodes[i]);
    }
    free(s->files);
    free(s->result_names);
    free(s->results);
    free(s->nodes);
    free(s->nnodes);
    memset(s, 0, sizeof *s);
}

/* The regular files at the top of the folder, sorted by name. */
static jf_err_t list_files(jf_submission_t *s, char *msg, size_t msglen)
{
    DIR *d = opendir(s->dir);
    struct dirent *e;
    int cap = 0;
    if (d == NULL) {
        snprintf(msg, msglen, "%s: cannot open the submission folder (%s)", s->dir,
                 strerror(errno));
        return JF_EIO;
    }
    while ((e = readdir(d)) != NULL) {
        char path[2048];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", s->dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (s->nfiles == cap) {
            cap = cap ? 2 * cap : 16;
            char **grown = realloc(s->files, (size_t)cap * sizeof *grown);
            if (grown == NULL)
                break;
            s->files = grown;
        }
        if ((s->files[s->nfiles] = strdup(e->d_name)) == NULL)
            break;
        s->nfiles++;
    }
    const int complete = e == NULL;
    closedir(d);
    if (!complete) {
        snprintf(msg, msglen, "%s: out of memory listing the folder", s->dir);
        return JF_ENOMEM;
    }
    if (s->nfiles > 1)
        qsort(s->files, (size_t)s->nfiles, sizeof *s->files, cmp_str);
    return JF_OK;
}

jf_err_t jf_submission_load(const char *dir, jf_submission_t *s, char *msg, size_t msglen)
{
    char path[2048];
    jf_err_t err;
    struct stat st;

    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(msg, msglen, "%s: not a folder (a submission is a folder of results files, "
                              "system.json and MANIFEST.sha256)", dir);
        return JF_EINVAL;
    }
    if ((err = list_files(s, msg, msglen)) != JF_OK)
        return err;
    for (int i = 0; i < s->nfiles; i++)
        if (ends_with(s->files[i], ".h5"))
            s->nresults++;
    if (s->nresults == 0) {
        snprintf(msg, msglen, "%s: no results file (*.h5) in the submission", dir);
        return JF_EINVAL;
    }
    s->result_names = calloc((size_t)s->nresults, sizeof *s->result_names);
    s->results = calloc((size_t)s->nresults, sizeof *s->results);
    s->nodes = calloc((size_t)s->nresults, sizeof *s->nodes);
    s->nnodes = calloc((size_t)s->nresults, sizeof *s->nnodes);
    if (s->result_names == NULL || s->results == NULL || s->nodes == NULL || s->nnodes == NULL) {
        snprintf(msg, msglen, "out of memory");
        return JF_ENOMEM;
    }
    for (int i = 0, k = 0; i < s->nfiles; i++) {
        if (!ends_with(s->files[i], ".h5"))
            continue;
        if ((s->result_names[k] = strdup(s->files[i])) == NULL) {
            snprintf(msg, msglen, "out of memory");
            return JF_ENOMEM;
        }
        snprintf(path, sizeof path, "%s/%s", dir, s->files[i]);
        if ((err = jf_result_read(path, &s->results[k], msg, msglen)) != JF_OK ||
            (err = jf_result_read_nodes(path, &s->nodes[k], &s->nnodes[k], msg, msglen)) != JF_OK)
            return err;
        k++;
    }
    snprintf(path, sizeof path, "%s/%s", dir, JF_VALIDATE_SYSTEM);
    if (access(path, F_OK) != 0) {
        snprintf(msg, msglen, "%s: missing: every submission describes its system (see "
                              "results/submission-example/)", path);
        return JF_EINVAL;
    }
    if ((err = jf_system_load(path, &s->system, msg, msglen)) != JF_OK)
        return err;
    /* every precision the runs used needs its declared peak */
    for (int i = 0; i < s->nresults; i++)
        if (jf_system_peak(&s->system, s->results[i].precision) <= 0) {
            snprintf(msg, msglen, "%s: field 'peak_flops_per_node.%s' is missing (%s ran in %s)",
                     path, s->results[i].precision, s->result_names[i],
                     s->results[i].precision);
            return JF_EINVAL;
        }
    snprintf(path, sizeof path, "%s/%s", dir, JF_VALIDATE_SITE);
    if (access(path, F_OK) == 0) {
        if ((err = jf_site_load(path, &s->site, msg, msglen)) != JF_OK)
            return err;
        s->have_site = 1;
    }
    return JF_OK;
}

/* ------------------------------------------------------------------------ */
/* outcomes                                                                 */

const char *jf_verdict_name(jf_verdict_t v)
{
    return v == JF_PASS ? "PASS" : v == JF_WARN ? "WARN" : "FAIL";
}

void jf_validation_add(jf_validation_t *v, const char *file, jf_verdict_t verdict,
                       const char *fmt, ...)
{
    if (v->n == v->cap) {
        const int cap = v->cap ? 2 * v->cap : 32;
        jf_outcome_t *grown = realloc(v->outcomes, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return;  /* jf_validate_run reports the shortfall */
        v->outcomes = grown;
        v->cap = cap;
    }
    jf_outcome_t *o = &v->outcomes[v->n++];
    memset(o, 0, sizeof *o);
    o->rule = v->current;
    snprintf(o->file, sizeof o->file, "%s", file != NULL ? file : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->observed, sizeof o->observed, fmt, ap);
    va_end(ap);
    if (verdict == JF_FAIL && v->current != NULL && v->current->level > v->level) {
        verdict = JF_WARN;
        o->demoted = 1;
    }
    o->verdict = verdict;
    if (verdict == JF_PASS)
        v->npass++;
    else if (verdict == JF_WARN)
        v->nwarn++;
    else
        v->nfail++;
}

/* ------------------------------------------------------------------------ */
/* the rules                                                                */

#define FILE_NAME(s, i) ((s)->result_names[i])

/* Nodes whose energy was measured and stayed valid. */
static int metered_nodes(const jf_submission_t *s, int i)
{
    int n = 0;
    for (int k = 0; k < s->nnodes[i]; k++)
        n += s->nodes[i][k].measured && !s->nodes[i][k].invalid;
    return n;
}

int64_t jf_validate_nodes_required(int level, int64_t total)
{
    if (level >= 3 || total <= JF_VALIDATE_NODES_FLOOR)
        return total;
    const int64_t share = level == 2 ? (total + 7) / 8 : (total + 9) / 10;
    const int64_t need = share > JF_VALIDATE_NODES_FLOOR ? share : JF_VALIDATE_NODES_FLOOR;
    return need < total ? need : total;
}

/* The measured phase as a node's trace shows it: readings from the phase
 * start mark to the stop mark. Returns 0 and fills the figures, or -1 when
 * the trace lacks the marks. */
typedef struct {
    size_t first, last, readings;
    double max_gap, uncovered, span;
} jf_phase_trace_t;

static int phase_trace(const jf_result_node_t *x, jf_phase_trace_t *p)
{
    int have_first = 0, have_last = 0;
    memset(p, 0, sizeof *p);
    for (size_t r = 0; r < x->trace_rows; r++) {
        if (x->trace_mark[r] == 2 && !have_first) {
            p->first = r;
            have_first = 1;
        }
        if (x->trace_mark[r] == 3) {
            p->last = r;
            have_last = 1;
        }
    }
    if (!have_first || !have_last || p->last < p->first)
        return -1;
    p->readings = p->last - p->first + 1;
    for (size_t r = p->first + 1; r <= p->last; r++) {
        const double gap = x->trace[r * x->trace_cols] - x->trace[(r - 1) * x->trace_cols];
        if (gap > p->max_gap)
            p->max_gap = gap;
        /* a gap of more than two intervals missed a reading: what it
         * lasts beyond one interval went unobserved (shorter gaps are the
         * sampler's jitter around its deadlines, which is not lost time) */
        if (gap > 2 * x->sample_interval)
            p->uncovered += gap - x->sample_interval;
    }
    p->span = x->trace[p->last * x->trace_cols] - x->trace[p->first * x->trace_cols];
    return 0;
}

static void rule_manifest(const jf_submission_t *s, int file, int level, jf_validation_t *v)
{
    (void)file;
    (void)level;
    char path[2048], line[4096], msg[JF_MSG_LEN];
    int nlisted = 0, bad = 0, lineno = 0, cap = 0;
    char **listed = NULL;
    snprintf(path, sizeof path, "%s/%s", s->dir, JF_VALIDATE_MANIFEST);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        jf_validation_add(v, JF_VALIDATE_MANIFEST, JF_FAIL,
                          "missing: the files' SHA-256 cannot be checked (jflop validate --pack "
                          "writes it)");
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        lineno++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        int ok = n > 66 && line[64] == ' ' && (line[65] == ' ' || line[65] == '*');
        for (int k = 0; ok && k < 64; k++)
            ok = (line[k] >= '0' && line[k] <= '9') || (line[k] >= 'a' && line[k] <= 'f') ||
                 (line[k] >= 'A' && line[k] <= 'F');
        const char *name = line + 66;
        if (ok && (strchr(name, '/') != NULL || strchr(name, '\\') != NULL ||
                   strcmp(name, JF_VALIDATE_MANIFEST) == 0))
            ok = 0;
        if (!ok) {
            jf_validation_add(v, JF_VALIDATE_MANIFEST, JF_FAIL,
                              "line %d is not '<64 hex digits>  <file of the folder>': %.80s",
                              lineno, line);
            bad++;
            continue;
        }
        int dup = 0;
        for (int k = 0; k < nlisted; k++)
            dup |= strcmp(listed[k], name) == 0;
        if (dup) {
            jf_validation_add(v, name, JF_FAIL, "listed twice in %s", JF_VALIDATE_MANIFEST);
            bad++;
            continue;
        }
        if (nlisted == cap) {
            cap = cap ? 2 * cap : 16;
            char **grown = realloc(listed, (size_t)cap * sizeof *grown);
            if (grown == NULL)
                break;
            listed = grown;
        }
        if ((listed[nlisted] = strdup(name)) == NULL)
            break;
        nlisted++;
        char want[JF_SHA256_HEXLEN], got[JF_SHA256_HEXLEN];
        for (int k = 0; k < 64; k++)
            want[k] = (char)(line[k] >= 'A' && line[k] <= 'F' ? line[k] - 'A' + 'a' : line[k]);
        want[64] = '\0';
        char fpath[sizeof s->dir + sizeof line + 2];
        snprintf(fpath, sizeof fpath, "%s/%s", s->dir, name);
        struct stat st;
        if (stat(fpath, &st) != 0 || !S_ISREG(st.st_mode)) {
            jf_validation_add(v, name, JF_FAIL, "listed in %s but missing from the folder",
                              JF_VALIDATE_MANIFEST);
            bad++;
        } else if (jf_sha256_file(fpath, got, msg, sizeof msg) != JF_OK) {
            jf_validation_add(v, name, JF_FAIL, "%s", msg);
            bad++;
        } else if (strcmp(want, got) != 0) {
            jf_validation_add(v, name, JF_FAIL,
                              "content does not match %s (SHA-256 %.16s..., listed %.16s...): "
                              "changed after packing", JF_VALIDATE_MANIFEST, got, want);
            bad++;
        }
    }
    fclose(f);
    for (int i = 0; i < s->nfiles; i++) {
        if (strcmp(s->files[i], JF_VALIDATE_MANIFEST) == 0)
            continue;
        int found = 0;
        for (int k = 0; k < nlisted && !found; k++)
            found = strcmp(listed[k], s->files[i]) == 0;
        if (!found) {
            jf_validation_add(v, s->files[i], JF_FAIL, "in the folder but not in %s",
                              JF_VALIDATE_MANIFEST);
            bad++;
        }
    }
    if (bad == 0)
        jf_validation_add(v, JF_VALIDATE_MANIFEST, JF_PASS,
                          "%d files listed, each present with a matching SHA-256; nothing "
                          "unlisted", nlisted);
    for (int k = 0; k < nlisted; k++)
        free(listed[k]);
    free(listed);
}

static void rule_versions(const jf_submission_t *s, int file, int level, jf_validation_t *v)
{
    (void)file;
    (void)level;
    const jf_result_t *a = &s->results[0];
    int same = 1;
    for (int i = 1; i < s->nresults; i++) {
        const jf_result_t *b = &s->results[i];
        if (strcmp(a->jflop_version, b->jflop_version) != 0 ||
            strcmp(a->schema_version, b->schema_version) != 0) {
            jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                              "jflop %s, schema %s; but %s has jflop %s, schema %s",
                              b->jflop_version, b->schema_version, FILE_NAME(s, 0),
                              a->jflop_version, a->schema_version);
            same = 0;
        }
    }
    if (same)
        jf_validation_add(v, NULL, JF_PASS, "jflop %s, schema %s on all %d file%s",
                          a->jflop_version, a->schema_version, s->nresults,
                          s->nresults == 1 ? "" : "s");
}

static void rule_system_nodes(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    const int64_t sys = s->system.number_of_nodes;
    if (r->nodes > sys)
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "ran on %lld nodes, more than the %lld system.json describes",
                          (long long)r->nodes, (long long)sys);
    else if (r->nodes < sys)
        jf_validation_add(v, FILE_NAME(s, i), JF_WARN,
                          "ran on %lld of the %lld nodes system.json describes",
                          (long long)r->nodes, (long long)sys);
    else
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS, "ran on %lld node%s, all of %s",
                          (long long)sys, sys == 1 ? "" : "s", s->system.system_name);
}

static void rule_status(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    if (strcmp(r->status, "complete") == 0 && r->min_seconds > 0)
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS, "status complete, %lld measured steps "
                          "(%lld asked, then --min-seconds %g)", (long long)r->steps_done,
                          (long long)r->steps, r->min_seconds);
    else if (strcmp(r->status, "complete") == 0)
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS, "status complete, %lld of %lld measured "
                          "steps", (long long)r->steps_done, (long long)r->steps);
    else
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "status %s: %s", r->status,
                          r->status_reason);
}

static void rule_ledger(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    char a[JF_U128_STRLEN], b[JF_U128_STRLEN];
    const jf_u128 f6nd = jf_flops_6nd(r->n_params, r->tokens);
    if (r->tokens == 0)
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "D = 0: no measured tokens");
    else if (r->flops_6nd != f6nd)
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "flops_6nd %s is not 6 x N x D = %s (N %llu, D %llu)",
                          jf_u128_str(r->flops_6nd, a, sizeof a), jf_u128_str(f6nd, b, sizeof b),
                          (unsigned long long)r->n_params, (unsigned long long)r->tokens);
    else if (r->flops_dense_counted != f6nd)
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "dense FLOPs counted %s != 6 x N x D = %s",
                          jf_u128_str(r->flops_dense_counted, a, sizeof a),
                          jf_u128_str(f6nd, b, sizeof b));
    else if (!r->verified)
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "counted = 6 x N x D, but the run did not mark its ledger verified");
    else
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS,
                          "dense FLOPs counted = 6 x N x D = %s exactly (N %llu, D %llu)",
                          jf_u128_str(f6nd, a, sizeof a), (unsigned long long)r->n_params,
                          (unsigned long long)r->tokens);
}

static void rule_verify(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    static const char *const needed[] = {"gemm", "gradients", "ranks"};
    char seen[512] = "";
    size_t used = 0;
    if (!r->have_verify) {
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "no /verify in the file (schema %s, before 1.2): the checks cannot "
                          "be seen", r->schema_version);
        return;
    }
    if (!r->verify_requested || r->nverify == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "the run was made without --verify: no numerical check ran");
        return;
    }
    for (size_t k = 0; k < sizeof needed / sizeof needed[0]; k++) {
        const jf_result_check_t *c = NULL;
        for (int j = 0; j < r->nverify; j++)
            if (strcmp(r->verify[j].name, needed[k]) == 0)
                c = &r->verify[j];
        if (c == NULL) {
            jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "check %s missing from /verify",
                              needed[k]);
            return;
        }
        const int must_run = strcmp(c->name, "ranks") != 0 || r->ranks > 1;
        if (!c->ran && must_run) {
            jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "check %s did not run: %s", c->name,
                              c->detail);
            return;
        }
        if (c->ran && (!c->pass || !(c->value < c->threshold))) {
            jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "check %s %s: %.3g, threshold %.3g",
                              c->name, c->pass ? "marked pass but above its threshold" : "failed",
                              c->value, c->threshold);
            return;
        }
        const int w = c->ran ? snprintf(seen + used, sizeof seen - used, "%s%s %.3g < %.3g",
                                        used ? ", " : "", c->name, c->value, c->threshold)
                             : snprintf(seen + used, sizeof seen - used, "%s%s n/a on 1 rank",
                                        used ? ", " : "", c->name);
        used += w > 0 && (size_t)w < sizeof seen - used ? (size_t)w : 0;
    }
    jf_validation_add(v, FILE_NAME(s, i), JF_PASS, "--verify passed in this run (jflop %s): %s",
                      r->jflop_version, seen);
}

/* Invalid nodes whose reason contains `needle`. */
static void rule_invalid(const jf_submission_t *s, int i, const char *needle, const char *what,
                         jf_validation_t *v, int check_trace)
{
    int bad = 0;
    for (int k = 0; k < s->nnodes[i]; k++) {
        const jf_result_node_t *x = &s->nodes[i][k];
        if (x->invalid && strstr(x->reason, needle) != NULL) {
            jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "node %s: %s", x->node, x->reason);
            bad++;
        }
        /* the trace itself: each domain's cumulative Joules never decrease */
        for (size_t c = 1; check_trace && !x->invalid && c < x->trace_cols; c++)
            for (size_t row = 1; row < x->trace_rows; row++) {
                const double prev = x->trace[(row - 1) * x->trace_cols + c];
                const double now = x->trace[row * x->trace_cols + c];
                if (now < prev - 1e-9 * fabs(prev)) {
                    jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                                      "node %s: the trace's domain %zu goes down at reading %zu "
                                      "(%.6g J -> %.6g J)", x->node, c, row, prev, now);
                    bad++;
                    row = x->trace_rows;
                    c = x->trace_cols;
                }
            }
    }
    if (bad == 0)
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS, "%s on %d node%s", what, s->nnodes[i],
                          s->nnodes[i] == 1 ? "" : "s");
}

static void rule_startup(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    rule_invalid(s, i, "startup", "no counter restart (pm_counters startup unchanged)", v, 0);
}

static void rule_backwards(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    rule_invalid(s, i, "backwards", "no counter went backwards (flags and traces)", v, 1);
}

static void rule_energy_measured(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    const int metered = metered_nodes(s, i);
    if (strcmp(r->energy_status, "measured") != 0 || metered == 0 || !r->have_joules) {
        const char *why = "";
        for (int k = 0; k < s->nnodes[i] && why[0] == '\0'; k++)
            why = s->nodes[i][k].reason;
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "energy %s (source %s)%s%s",
                          r->energy_status, r->energy_source, why[0] ? ": " : "", why);
    } else {
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS, "%.6g J measured by %s on %d of %lld "
                          "node%s", r->joules, r->energy_source, metered, (long long)r->nodes,
                          r->nodes == 1 ? "" : "s");
    }
}

static void rule_energy_nodes(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    const jf_result_t *r = &s->results[i];
    const int64_t total = s->nnodes[i];
    const int metered = metered_nodes(s, i);
    const int64_t need = jf_validate_nodes_required(level, total);
    if (total != r->nodes || total != r->total_nodes) {
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "%lld node groups, but /config/nodes %lld and /energy/total_nodes %lld",
                          (long long)total, (long long)r->nodes, (long long)r->total_nodes);
        return;
    }
    jf_validation_add(v, FILE_NAME(s, i), metered >= need ? JF_PASS : JF_FAIL,
                      "%d of %lld nodes metered; level %d needs %lld (%s)", metered,
                      (long long)total, level, (long long)need,
                      level >= 3   ? "all"
                      : level == 2 ? "the larger of 1/8 and 15, or all if fewer"
                                   : "the larger of 1/10 and 15, or all if fewer");
}

static void rule_extrapolation(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    const jf_result_t *r = &s->results[i];
    double sum = 0;
    const int metered = metered_nodes(s, i);
    for (int k = 0; k < s->nnodes[i]; k++)
        if (s->nodes[i][k].measured && !s->nodes[i][k].invalid)
            sum += s->nodes[i][k].joules;
    if (metered == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "no metered node: nothing to sum or "
                                                       "extrapolate");
        return;
    }
    if (!r->have_joules || fabs(r->joules - sum) > 1e-9 * fabs(sum)) {
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "/energy/joules_total %.9g is not the sum of the metered nodes, %.9g",
                          r->have_joules ? r->joules : 0.0, sum);
        return;
    }
    if (!r->extrapolated) {
        jf_validation_add(v, FILE_NAME(s, i), metered == r->nodes ? JF_PASS : JF_FAIL,
                          metered == r->nodes ? "none: %.6g J is the sum over the %d metered "
                                                "node(s), every node of the run"
                                              : "%.6g J from %d nodes, but not extrapolated to "
                                                "the job's nodes",
                          sum, metered);
        return;
    }
    const double want = sum / metered * (double)r->nodes;
    if (fabs(r->joules_extrapolated - want) > 1e-9 * want) {
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "the estimate %.9g J is not the metered mean x %lld nodes = %.9g J",
                          r->joules_extrapolated, (long long)r->nodes, want);
        return;
    }
    jf_validation_add(v, FILE_NAME(s, i), level >= 3 ? JF_FAIL : JF_WARN,
                      "the job's %.6g J is an ESTIMATE extrapolated from %d of %lld nodes "
                      "(measured %.6g J)%s", want, metered, (long long)r->nodes, sum,
                      level >= 3 ? "; level 3 measures every node" : "");
}

static void rule_phase(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    const jf_result_t *r = &s->results[i];
    double shortest = r->seconds;
    const char *which = "the run's";
    for (int k = 0; k < s->nnodes[i]; k++)
        if (s->nodes[i][k].measured && s->nodes[i][k].seconds < shortest) {
            shortest = s->nodes[i][k].seconds;
            which = "a node's metered";
        }
    jf_validation_add(v, FILE_NAME(s, i), shortest >= JF_VALIDATE_MIN_PHASE_S ? JF_PASS : JF_FAIL,
                      "measured phase %.3f s (%s, the shortest), needs >= %g s", shortest, which,
                      JF_VALIDATE_MIN_PHASE_S);
    (void)level;
}

/* The sampling rules look at every metered node's trace. */
typedef enum { SAMPLE_RATE, SAMPLE_COUNT, SAMPLE_GAP, SAMPLE_COVER } jf_sample_rule_t;

static void rule_sampling(const jf_submission_t *s, int i, int level, jf_validation_t *v,
                          jf_sample_rule_t which)
{
    int checked = 0, bad = 0;
    double worst = which == SAMPLE_RATE || which == SAMPLE_COUNT ? INFINITY : 0;
    const char *worst_node = "";
    for (int k = 0; k < s->nnodes[i]; k++) {
        const jf_result_node_t *x = &s->nodes[i][k];
        jf_phase_trace_t p;
        if (!x->measured)
            continue;
        checked++;
        if (phase_trace(x, &p) != 0) {
            jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "node %s: the trace has no measured "
                              "phase marks", x->node);
            bad++;
            continue;
        }
        const double secs = x->seconds > 0 ? x->seconds : p.span;
        double val = 0, lim = 0;
        int ok = 1;
        switch (which) {
        case SAMPLE_RATE:
            /* intervals per second: the phase's start and stop readings
             * are taken on top of the periodic ones */
            val = secs > 0 ? (double)(p.readings - 1) / secs : 0;
            ok = val >= JF_VALIDATE_MIN_RATE_HZ && x->sample_interval <= 1.0;
            break;
        case SAMPLE_COUNT:
            val = (double)p.readings;
            lim = level >= 3 ? JF_VALIDATE_MIN_SAMPLES_L3 : JF_VALIDATE_MIN_SAMPLES_L2;
            ok = val >= lim;
            break;
        case SAMPLE_GAP:
            val = secs > 0 ? p.max_gap / secs : INFINITY;
            ok = val <= JF_VALIDATE_MAX_GAP_SHARE;
            lim = p.max_gap;
            break;
        case SAMPLE_COVER:
            /* gaps beyond the sampling interval, and the run's phase the
             * meter's readings do not span */
            val = p.uncovered + (s->results[i].seconds > secs ? s->results[i].seconds - secs : 0);
            ok = val <= JF_VALIDATE_MAX_UNCOVERED_S;
            break;
        }
        const int worse = which == SAMPLE_RATE || which == SAMPLE_COUNT ? val < worst : val > worst;
        if (worse || worst_node[0] == '\0') {
            worst = val;
            worst_node = x->node;
        }
        if (!ok) {
            bad++;
            switch (which) {
            case SAMPLE_RATE:
                jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                                  "node %s: %.3g readings per second (every %.3g s), needs >= 1 "
                                  "per second", x->node, val, x->sample_interval);
                break;
            case SAMPLE_COUNT:
                jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                                  "node %s: %.0f readings in the phase, level %d needs >= %.0f",
                                  x->node, val, level, lim);
                break;
            case SAMPLE_GAP:
                jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                                  "node %s: a gap of %.3f s between readings is %.1f%% of the "
                                  "%.3f s phase, needs <= 10%%", x->node, lim, 100 * val, secs);
                break;
            case SAMPLE_COVER:
                jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                                  "node %s: %.3f s of the phase uncovered by readings, needs "
                                  "<= %g s", x->node, val, JF_VALIDATE_MAX_UNCOVERED_S);
                break;
            }
        }
    }
    if (checked == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL, "no metered node: nothing was sampled");
        return;
    }
    if (bad > 0)
        return;
    switch (which) {
    case SAMPLE_RATE:
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS,
                          "%.3g readings per second at least (node %s), every %.3g s",
                          worst, worst_node, s->results[i].sample_interval);
        break;
    case SAMPLE_COUNT:
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS,
                          "%.0f readings in the phase at least (node %s), level %d needs >= %d",
                          worst, worst_node, level,
                          level >= 3 ? JF_VALIDATE_MIN_SAMPLES_L3 : JF_VALIDATE_MIN_SAMPLES_L2);
        break;
    case SAMPLE_GAP:
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS,
                          "largest gap between readings %.2f%% of the phase (node %s), needs "
                          "<= 10%%", 100 * worst, worst_node);
        break;
    case SAMPLE_COVER:
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS,
                          "%.3f s of the phase uncovered at most (node %s), needs <= %g s", worst,
                          worst_node, JF_VALIDATE_MAX_UNCOVERED_S);
        break;
    }
}

static void rule_rate(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    rule_sampling(s, i, level, v, SAMPLE_RATE);
}

static void rule_count(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    rule_sampling(s, i, level, v, SAMPLE_COUNT);
}

static void rule_gap(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    rule_sampling(s, i, level, v, SAMPLE_GAP);
}

static void rule_cover(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    rule_sampling(s, i, level, v, SAMPLE_COVER);
}

/* The GEMMs ran on tuned kernels: not BLIS's generic reference code, and
 * a bf16 run's products on bf16 instructions (emulated bf16 is a WARN: the
 * figure is real but says nothing about the CPU's bf16 hardware). Files
 * before schema 1.4 ran every GEMM on BLIS. */
static void rule_gemm(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    const char *arch = r->blis_arch;
    if (r->gemm_backend[0] != '\0' && strcmp(r->gemm_backend, "blis") != 0) {
        if (r->gemm_emulated)
            jf_validation_add(v, FILE_NAME(s, i), JF_WARN,
                              "%s GEMMs on %s (%s) were EMULATED: this CPU ran no bf16 "
                              "instructions", r->precision, r->gemm_backend, r->gemm_kernel);
        else
            jf_validation_add(v, FILE_NAME(s, i), JF_PASS, "%s GEMMs on %s (%s)", r->precision,
                              r->gemm_backend, r->gemm_kernel);
    } else if (arch[0] == '\0' || strcmp(arch, "generic") == 0) {
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "BLIS ran its %s kernels: the reference code, not this CPU's",
                          arch[0] ? arch : "(unnamed)");
    } else {
        jf_validation_add(v, FILE_NAME(s, i), JF_PASS, "BLIS %s kernels", arch);
    }
}

static void rule_peak(const jf_submission_t *s, int i, int level, jf_validation_t *v)
{
    (void)level;
    const jf_result_t *r = &s->results[i];
    const double rate = r->seconds > 0 ? (double)r->flops_counted / r->seconds : INFINITY;
    const double declared = jf_system_peak(&s->system, r->precision) * (double)r->nodes;
    if (!(rate <= declared)) {
        jf_validation_add(v, FILE_NAME(s, i), JF_FAIL,
                          "%.4g FLOP/s counted, above the theoretical %s peak of %lld node%s, "
                          "%.4g FLOP/s (system.json): the ledger or the clock is wrong",
                          rate, r->precision, (long long)r->nodes, r->nodes == 1 ? "" : "s",
                          declared);
        return;
    }
    if (r->have_peak_flops && r->peak_flops > 0 && rate > r->peak_flops) {
        jf_validation_add(v, FILE_NAME(s, i), JF_WARN,
                          "%.4g FLOP/s counted, above the %.4g FLOP/s FMA peak the run measured "
                          "(below the theoretical %.4g)", rate, r->peak_flops, declared);
        return;
    }
    if (r->have_peak_flops && r->peak_flops > declared) {
        jf_validation_add(v, FILE_NAME(s, i), JF_WARN,
                          "the measured FMA peak %.4g FLOP/s is above the declared theoretical "
                          "%.4g FLOP/s: is system.json's peak too low?", r->peak_flops, declared);
        return;
    }
    jf_validation_add(v, FILE_NAME(s, i), JF_PASS,
                      "%.4g FLOP/s counted = %.3g%% of the theoretical %s peak %.4g FLOP/s%s",
                      rate, 100 * rate / declared, r->precision, declared,
                      r->have_peak_flops ? "; below the measured FMA peak" : "");
}

const jf_rule_t jf_validate_rules[] = {
    {"manifest", 1, 0, "MANIFEST.sha256 lists every file of the folder; each SHA-256 matches",
     rule_manifest},
    {"versions", 1, 0, "one jflop_version and schema_version on every results file",
     rule_versions},
    {"system.nodes", 1, 1, "the run's nodes <= number_of_nodes in system.json (fewer: WARN)",
     rule_system_nodes},
    {"status", 1, 1, "status complete", rule_status},
    {"flops.ledger", 1, 1, "dense FLOPs counted == 6*N*D, recomputed from N and D", rule_ledger},
    {"verify", 1, 1, "--verify ran in the run; every applicable check passed, value < threshold",
     rule_verify},
    {"counters.startup", 1, 1, "no counter invalidated by a restart (pm_counters startup)",
     rule_startup},
    {"counters.backwards", 1, 1, "no counter went backwards (flag or trace)", rule_backwards},
    {"energy.measured", 1, 1, "energy measured by a backend, not estimated or missing",
     rule_energy_measured},
    {"energy.nodes", 1, 1, "metered nodes: L1 max(n/10, 15), L2 max(n/8, 15), or all if fewer; "
                           "L3 all", rule_energy_nodes},
    {"energy.extrapolation", 1, 1, "sums consistent; an extrapolated total WARNs (L1, L2), "
                                   "FAILs at L3", rule_extrapolation},
    {"phase.seconds", 1, 1, "measured phase >= 60 s", rule_phase},
    {"sampling.rate", 2, 1, ">= 1 reading per second on every metered node", rule_rate},
    {"sampling.count", 2, 1, ">= 10 readings in the phase (L2), >= 60 (L3)", rule_count},
    {"sampling.interval", 2, 1, "every gap between readings <= 10% of the phase", rule_gap},
    {"sampling.coverage", 3, 1, "<= 10 s of the phase uncovered by readings", rule_cover},
    {"gemm.kernels", 1, 1, "GEMMs on tuned kernels: not BLIS's generic ones; bf16 not emulated (WARN)", rule_gemm},
    {"flops.peak", 1, 1, "FLOP rate <= theoretical peak x nodes (system.json); WARN above the "
                         "measured FMA peak", rule_peak},
};
const int jf_validate_nrules = (int)(sizeof jf_validate_rules / sizeof jf_validate_rules[0]);

jf_err_t jf_validate_run(const jf_submission_t *s, int level, int with_manifest,
                         jf_validation_t *v)
{
    memset(v, 0, sizeof *v);
    v->level = level;
    for (int k = 0; k < jf_validate_nrules; k++) {
        const jf_rule_t *rule = &jf_validate_rules[k];
        const int at = level > rule->level ? level : rule->level;
        if (!with_manifest && rule->check == rule_manifest)
            continue;
        v->current = rule;
        if (rule->per_file)
            for (int i = 0; i < s->nresults; i++)
                rule->check(s, i, at, v);
        else
            rule->check(s, -1, at, v);
    }
    v->current = NULL;
    return v->n > 0 ? JF_OK : JF_ENOMEM;
}

void jf_validation_free(jf_validation_t *v)
{
    free(v->outcomes);
    memset(v, 0, sizeof *v);
}

jf_verdict_t jf_validation_verdict(const jf_validation_t *v)
{
    return v->nfail > 0 ? JF_FAIL : JF_PASS;
}

/* ------------------------------------------------------------------------ */
/* --pack                                                                   */

/* Write `text` to dir/name through a temporary name, renamed into place. */
static jf_err_t write_file(const char *dir, const char *name, const char *text, char *msg,
                           size_t msglen)
{
    char path[2048], tmp[2100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        snprintf(msg, msglen, "%s: cannot write it (%s)", path, strerror(errno));
        return JF_EIO;
    }
    const int bad = fputs(text, f) < 0;
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        snprintf(msg, msglen, "%s: cannot write it (%s)", path, strerror(errno));
        unlink(tmp);
        return JF_EIO;
    }
    return JF_OK;
}

typedef struct {
    double joules, per_flop, gflops_per_watt, per_token, flops_per_second, watts;
    int estimated, measured;
} jf_figures_view_t;

/* The run's figures by the one rule of jf_figures: NAN (null, "-") when
 * they cannot be computed, never 0. */
static jf_figures_view_t figures(const jf_result_t *r)
{
    jf_figures_t g;
    jf_figures_of_result(r, &g);
    const jf_figures_view_t f = {
        .joules = g.joules,
        .per_flop = g.joules_per_flop,
        .gflops_per_watt = g.gflops_per_watt,
        .per_token = g.joules_per_token,
        .flops_per_second = g.flops_per_second,
        .watts = g.watts,
        .estimated = g.estimated,
        .measured = g.have,
    };
    return f;
}

/* A number for the Markdown summary, "-" when it is missing (NAN). */
static const char *md_num(double x, const char *fmt, char *buf, size_t len)
{
    if (!isfinite(x))
        return "-";
    snprintf(buf, len, fmt, x);
    return buf;
}

static json_t *num_or_null(int have, double x)
{
    return have && isfinite(x) ? json_real(x) : json_null();
}

static json_t *summary_json(const jf_submission_t *s, const jf_validation_t *v)
{
    const jf_system_t *y = &s->system;
    json_t *j = json_object(), *sys = json_object(), *files = json_array(), *rules = json_array();
    json_object_set_new(j, "schema", json_string("jflop-submission"));
    json_object_set_new(j, "schema_version", json_string("1.0"));
    json_object_set_new(j, "packed_by", json_string("jflop " PACKAGE_VERSION));
    json_object_set_new(j, "level", json_integer(v->level));
    json_object_set_new(j, "verdict", json_string(jf_verdict_name(jf_validation_verdict(v))));
    json_object_set_new(j, "rules_passed", json_integer(v->npass));
    json_object_set_new(j, "rules_warned", json_integer(v->nwarn));
    json_object_set_new(j, "rules_failed", json_integer(v->nfail));
    json_object_set_new(sys, "submitter", json_string(y->submitter));
    json_object_set_new(sys, "system_name", json_string(y->system_name));
    json_object_set_new(sys, "node_model", json_string(y->node_model));
    json_object_set_new(sys, "number_of_nodes", json_integer(y->number_of_nodes));
    json_object_set_new(sys, "host_processor_model_name", json_string(y->host_processor));
    json_object_set_new(sys, "host_processors_per_node", json_integer(y->processors_per_node));
    json_object_set_new(sys, "host_processor_core_count", json_integer(y->cores_per_processor));
    json_object_set_new(sys, "host_memory_bytes", json_real(y->memory_bytes));
    json_object_set_new(sys, "accelerator_model_name", json_string(y->accelerator));
    json_object_set_new(sys, "accelerators_per_node", json_integer(y->accelerators_per_node));
    json_object_set_new(sys, "interconnect", json_string(y->interconnect));
    json_object_set_new(sys, "cooling", json_string(y->cooling));
    json_object_set_new(sys, "peak_flops_per_node_fp32", num_or_null(y->peak_fp32 > 0, y->peak_fp32));
    json_object_set_new(sys, "peak_flops_per_node_fp64", num_or_null(y->peak_fp64 > 0, y->peak_fp64));
    json_object_set_new(sys, "peak_flops_per_node_bf16", num_or_null(y->peak_bf16 > 0, y->peak_bf16));
    json_object_set_new(sys, "operating_system", json_string(y->os));
    json_object_set_new(sys, "compiler", json_string(y->compiler));
    json_object_set_new(sys, "mpi", json_string(y->mpi));
    json_object_set_new(sys, "blis", json_string(y->blis));
    json_object_set_new(j, "system", sys);
    if (s->have_site) {
        json_t *site = json_object();
        json_object_set_new(site, "name", json_string(s->site.name));
        json_object_set_new(site, "pue", json_real(s->site.pue.value));
        json_object_set_new(site, "pue_source", json_string(s->site.pue.source));
        json_object_set_new(j, "site", site);
    } else {
        json_object_set_new(j, "site", json_null());
    }
    for (int i = 0; i < s->nresults; i++) {
        const jf_result_t *r = &s->results[i];
        const jf_figures_view_t f = figures(r);
        char buf[JF_U128_STRLEN], path[2048], hex[JF_SHA256_HEXLEN], msg[JF_MSG_LEN];
        json_t *o = json_object();
        snprintf(path, sizeof path, "%s/%s", s->dir, s->result_names[i]);
        json_object_set_new(o, "file", json_string(s->result_names[i]));
        json_object_set_new(o, "sha256", jf_sha256_file(path, hex, msg, sizeof msg) == JF_OK
                                              ? json_string(hex)
                                              : json_null());
        json_object_set_new(o, "jflop_version", json_string(r->jflop_version));
        json_object_set_new(o, "status", json_string(r->status));
        json_object_set_new(o, "start_utc", json_string(r->start_utc));
        json_object_set_new(o, "N", json_integer((json_int_t)r->n_params));
        json_object_set_new(o, "D", json_integer((json_int_t)r->tokens));
        json_object_set_new(o, "flops_6nd", json_string(jf_u128_str(r->flops_6nd, buf, sizeof buf)));
        json_object_set_new(o, "precision", json_string(r->precision));
        json_object_set_new(o, "ranks", json_integer(r->ranks));
        json_object_set_new(o, "nodes", json_integer(r->nodes));
        json_object_set_new(o, "seconds", json_real(r->seconds));
        json_object_set_new(o, "flops_per_second", num_or_null(1, f.flops_per_second));
        json_object_set_new(o, "energy_source", json_string(r->energy_source));
        json_object_set_new(o, "energy_basis", json_string(!f.measured   ? "not measured"
                                                           : f.estimated ? "ESTIMATE (extrapolated)"
                                                                         : "measured"));
        json_object_set_new(o, "joules", num_or_null(f.measured, f.joules));
        json_object_set_new(o, "joules_per_flop", num_or_null(f.measured, f.per_flop));
        json_object_set_new(o, "gflops_per_watt", num_or_null(f.measured, f.gflops_per_watt));
        json_object_set_new(o, "joules_per_token", num_or_null(f.measured, f.per_token));
        json_object_set_new(o, "watts", num_or_null(f.measured, f.watts));
        json_object_set_new(o, "blis_arch", json_string(r->blis_arch));
        json_array_append_new(files, o);
    }
    json_object_set_new(j, "runs", files);
    for (int k = 0; k < v->n; k++) {
        const jf_outcome_t *o = &v->outcomes[k];
        json_t *x = json_object();
        json_object_set_new(x, "rule", json_string(o->rule->id));
        json_object_set_new(x, "level", json_integer(o->rule->level));
        json_object_set_new(x, "file", o->file[0] ? json_string(o->file) : json_null());
        json_object_set_new(x, "verdict", json_string(jf_verdict_name(o->verdict)));
        json_object_set_new(x, "observed", json_string(o->observed));
        json_array_append_new(rules, x);
    }
    json_object_set_new(j, "rules", rules);
    return j;
}

/* A growing string for the Markdown summary. */
typedef struct {
    char *text;
    size_t len, cap;
    int failed;
} jf_buf_t;

static void md(jf_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void md(jf_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        const size_t room = b->cap - b->len;
        va_start(ap, fmt);
        const int n = b->text != NULL ? vsnprintf(b->text + b->len, room, fmt, ap) : -1;
        va_end(ap);
        if (n >= 0 && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        const size_t cap = b->cap ? 2 * b->cap + (n > 0 ? (size_t)n : 0) : 8192;
        char *grown = realloc(b->text, cap);
        if (grown == NULL) {
            b->failed = 1;
            return;
        }
        b->text = grown;
        b->cap = cap;
    }
}

/* Table cells: a | would end the cell. */
static const char *cell(const char *s, char *buf, size_t len)
{
    size_t k = 0;
    for (; *s && k + 2 < len; s++) {
        if (*s == '|')
            buf[k++] = '\\';
        buf[k++] = *s == '\n' ? ' ' : *s;
    }
    buf[k] = '\0';
    return buf;
}

static char *summary_md(const jf_submission_t *s, const jf_validation_t *v)
{
    const jf_system_t *y = &s->system;
    jf_buf_t b = {NULL, 0, 0, 0};
    char c1[1200];
    md(&b, "# jflop submission: %s\n\n", cell(y->system_name, c1, sizeof c1));
    md(&b, "Verdict at level %d: **%s** (%d checks passed, %d warning%s, %d failed). Packed "
           "by jflop %s; `jflop validate --level %d .` checks it again, `sha256sum -c %s` "
           "checks the files.\n\n",
       v->level, jf_verdict_name(jf_validation_verdict(v)), v->npass, v->nwarn,
       v->nwarn == 1 ? "" : "s", v->nfail,
       PACKAGE_VERSION, v->level, JF_VALIDATE_MANIFEST);
    md(&b, "## System\n\n| field | value |\n| --- | --- |\n");
    md(&b, "| submitter | %s |\n", cell(y->submitter, c1, sizeof c1));
    md(&b, "| node model | %s |\n", cell(y->node_model, c1, sizeof c1));
    md(&b, "| nodes | %lld |\n", (long long)y->number_of_nodes);
    md(&b, "| host processor | %s |\n", cell(y->host_processor, c1, sizeof c1));
    md(&b, "| processors per node x cores | %lld x %lld |\n", (long long)y->processors_per_node,
       (long long)y->cores_per_processor);
    md(&b, "| memory per node | %.4g GiB |\n", y->memory_bytes / 1073741824.0);
    md(&b, "| accelerator | %s x %lld |\n", cell(y->accelerator, c1, sizeof c1),
       (long long)y->accelerators_per_node);
    md(&b, "| interconnect | %s |\n", cell(y->interconnect, c1, sizeof c1));
    md(&b, "| cooling | %s |\n", cell(y->cooling, c1, sizeof c1));
    if (y->peak_fp32 > 0)
        md(&b, "| theoretical peak per node, fp32 | %.4g FLOP/s (%s) |\n", y->peak_fp32,
           cell(y->peak_fp32_source, c1, sizeof c1));
    if (y->peak_fp64 > 0)
        md(&b, "| theoretical peak per node, fp64 | %.4g FLOP/s (%s) |\n", y->peak_fp64,
           cell(y->peak_fp64_source, c1, sizeof c1));
    if (y->peak_bf16 > 0)
        md(&b, "| theoretical peak per node, bf16 | %.4g FLOP/s (%s) |\n", y->peak_bf16,
           cell(y->peak_bf16_source, c1, sizeof c1));
    md(&b, "| software | %s", cell(y->os, c1, sizeof c1));
    md(&b, "; %s", cell(y->compiler, c1, sizeof c1));
    md(&b, "; %s", cell(y->mpi, c1, sizeof c1));
    md(&b, "; %s |\n", cell(y->blis, c1, sizeof c1));
    if (s->have_site)
        md(&b, "| site | %s, PUE %.3g |\n", cell(s->site.name, c1, sizeof c1), s->site.pue.value);
    md(&b, "\n## Runs\n\n| file | N | D | precision | ranks | nodes | s | FLOP/s | energy | J "
           "| J/FLOP (6ND) | GFLOPS/W | J/token | status |\n"
           "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | "
           "---: | --- |\n");
    for (int i = 0; i < s->nresults; i++) {
        const jf_result_t *r = &s->results[i];
        const jf_figures_view_t f = figures(r);
        char n0[32], n1[32], n2[32], n3[32], n4[32];
        md(&b, "| %s | %llu | %llu | %s | %lld | %lld | %.3f | %s | %s %s |",
           cell(s->result_names[i], c1, sizeof c1), (unsigned long long)r->n_params,
           (unsigned long long)r->tokens, r->precision, (long long)r->ranks, (long long)r->nodes,
           r->seconds, md_num(f.flops_per_second, "%.4g", n4, sizeof n4), r->energy_source,
           !f.measured ? "(not measured)" : f.estimated ? "(ESTIMATE)" : "(measured)");
        /* a figure that cannot be computed is "-", as jf_figures has it */
        md(&b, " %s | %s | %s | %s | %s |\n", md_num(f.joules, "%.6g", n0, sizeof n0),
           md_num(f.per_flop, "%.4g", n1, sizeof n1),
           md_num(f.gflops_per_watt, "%.4g", n2, sizeof n2),
           md_num(f.per_token, "%.4g", n3, sizeof n3), r->status);
    }
    md(&b, "\n## Rules (level %d)\n\n| verdict | rule | level | file | observed |\n"
           "| --- | --- | ---: | --- | --- |\n", v->level);
    for (int k = 0; k < v->n; k++) {
        const jf_outcome_t *o = &v->outcomes[k];
        char c2[300];
        md(&b, "| %s | %s | %d | %s | %s%s |\n", jf_verdict_name(o->verdict), o->rule->id,
           o->rule->level, cell(o->file, c2, sizeof c2), cell(o->observed, c1, sizeof c1),
           o->demoted ? " (required from a higher level)" : "");
    }
    md(&b, "\nThe manifest rule is checked on the packed folder: `%s` lists every file's "
           "SHA-256, this summary's included.\n", JF_VALIDATE_MANIFEST);
    if (b.failed) {
        free(b.text);
        return NULL;
    }
    return b.text;
}

jf_err_t jf_validate_pack(const jf_submission_t *s, const jf_validation_t *v, char *msg,
                          size_t msglen)
{
    jf_err_t err;
    json_t *j = summary_json(s, v);
    char *text = j != NULL ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (text == NULL) {
        snprintf(msg, msglen, "out of memory writing the summary");
        return JF_ENOMEM;
    }
    const size_t n = strlen(text);
    char *with_nl = realloc(text, n + 2);
    if (with_nl == NULL) {
        free(text);
        snprintf(msg, msglen, "out of memory writing the summary");
        return JF_ENOMEM;
    }
    with_nl[n] = '\n';
    with_nl[n + 1] = '\0';
    err = write_file(s->dir, JF_VALIDATE_SUMMARY_JSON, with_nl, msg, msglen);
    free(with_nl);
    if (err != JF_OK)
        return err;
    char *mdtext = summary_md(s, v);
    if (mdtext == NULL) {
        snprintf(msg, msglen, "out of memory writing the summary");
        return JF_ENOMEM;
    }
    err = write_file(s->dir, JF_VALIDATE_SUMMARY_MD, mdtext, msg, msglen);
    free(mdtext);
    if (err != JF_OK)
        return err;

    /* the manifest: every regular file now in the folder, sorted */
    jf_submission_t now;
    memset(&now, 0, sizeof now);
    snprintf(now.dir, sizeof now.dir, "%s", s->dir);
    if ((err = list_files(&now, msg, msglen)) != JF_OK) {
        jf_submission_free(&now);
        return err;
    }
    jf_buf_t b = {NULL, 0, 0, 0};
    for (int i = 0; i < now.nfiles && err == JF_OK; i++) {
        char path[2048], hex[JF_SHA256_HEXLEN];
        const char *name = now.files[i];
        if (strcmp(name, JF_VALIDATE_MANIFEST) == 0)
            continue;
        if (strpbrk(name, "\n\\") != NULL) {
            snprintf(msg, msglen, "%s/%s: a file name with a newline or backslash cannot go "
                                  "into %s; rename it", s->dir, name, JF_VALIDATE_MANIFEST);
            err = JF_EINVAL;
            break;
        }
        snprintf(path, sizeof path, "%s/%s", s->dir, name);
        err = jf_sha256_file(path, hex, msg, msglen);
        if (err == JF_OK)
            md(&b, "%s  %s\n", hex, name);
    }
    jf_submission_free(&now);
    if (err == JF_OK && (b.failed || b.text == NULL)) {
        snprintf(msg, msglen, "out of memory writing %s", JF_VALIDATE_MANIFEST);
        err = JF_ENOMEM;
    }
    if (err == JF_OK)
        err = write_file(s->dir, JF_VALIDATE_MANIFEST, b.text, msg, msglen);
    free(b.text);
    return err;
}
