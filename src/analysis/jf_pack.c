/* jf_pack.c: `jflop validate --pack`: the submission summary
 * (submission.md, submission.json) and MANIFEST.sha256 over every file the
 * submission's walk lists, all three written to temporary files and renamed
 * into place only when all three are ready (see jf_pack.h). */
#define _POSIX_C_SOURCE 200809L
#include "jf_pack.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "analysis/jf_figures.h"
#include "analysis/jf_manifest.h"
#include "core/jf_outpath.h"
#include "core/jf_sha256.h"

/* The three files --pack writes, in the order they are renamed into place
 * (the manifest last: it vouches for the other two). */
static const char *const outputs[] = {JF_SUBMISSION_SUMMARY_JSON, JF_SUBMISSION_SUMMARY_MD,
                                      JF_SUBMISSION_MANIFEST};
enum { OUT_JSON, OUT_MD, OUT_MANIFEST, NOUT };

jf_err_t jf_pack_check(const char *dir, char *msg, size_t msglen)
{
    char path[NOUT][JF_OUTPATH_MAX];
    jf_outpath_t outs[NOUT];
    for (int k = 0; k < NOUT; k++) {
        if (snprintf(path[k], sizeof path[k], "%s/%s", dir, outputs[k]) >= (int)sizeof path[k]) {
            snprintf(msg, msglen, "--pack %.60s...: the path of %s is longer than the %d bytes "
                     "jflop keeps (it is never cut); use a shorter one", dir, outputs[k],
                     JF_OUTPATH_MAX - 1);
            return JF_EINVAL;
        }
        outs[k].flag = "--pack";
        outs[k].path = path[k];
    }
    return jf_outpath_check_all(outs, NOUT, msg, msglen);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static json_t *num_or_null(int have, double x)
{
    return have && isfinite(x) ? json_real(x) : json_null();
}

/* A run's quality figures (issue #15), kept in the pack but never judged:
 * submissions stay about J/FLOP. NULL for a run without /quality. */
static json_t *quality_json(const jf_result_t *r, const jf_figures_t *f)
{
    if (!r->have_quality)
        return json_null();
    json_t *q = json_object();
    const int evals = r->evaluations > 0, hit = r->target_reached == 1;
    const double bits = r->have_bits ? r->bits_compressed : NAN;
    json_object_set_new(q, "judged", json_false());
    json_object_set_new(q, "bits_compressed", num_or_null(r->have_bits, bits));
    json_object_set_new(q, "bits_per_kilojoule",
                        num_or_null(f->have && f->joules > 0, bits / (f->joules / 1e3)));
    json_object_set_new(q, "joules_per_bit", num_or_null(f->have && bits > 0, f->joules / bits));
    json_object_set_new(q, "evaluations", json_integer(r->evaluations));
    json_object_set_new(q, "val_loss_best", num_or_null(evals, r->val_loss_best));
    json_object_set_new(q, "learned_fraction", num_or_null(evals, r->learned_fraction));
    json_object_set_new(q, "target_loss", num_or_null(r->target_loss > 0, r->target_loss));
    json_object_set_new(q, "target_reached", json_boolean(hit));
    json_object_set_new(q, "steps_to_target", hit ? json_integer(r->steps_to_target) : json_null());
    json_object_set_new(q, "seconds_to_target", num_or_null(hit, r->seconds_to_target));
    json_object_set_new(q, "joules_to_target",
                        num_or_null(hit && r->have_joules_to_target, r->joules_to_target));
    return q;
}

static json_t *summary_json(const jf_submission_t *s, const jf_validation_t *v)
{
    const jf_system_t *y = &s->system;
    json_t *j = json_object(), *sys = json_object(), *files = json_array(), *rules = json_array();
    json_object_set_new(j, "schema", json_string("jflop-submission"));
    json_object_set_new(j, "schema_version", json_string("1.0"));
    json_object_set_new(j, "packed_by", json_string("jflop " PACKAGE_VERSION));
    json_object_set_new(j, "level", json_integer(v->level));
    json_object_set_new(j, "verdict", json_string(jf_rule_result_name(jf_validation_verdict(v))));
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
        jf_figures_t f;
        jf_figures_of_result(r, &f);
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
        json_object_set_new(o, "energy_basis", json_string(!f.have   ? "not measured"
                                                           : f.estimated ? "ESTIMATE (extrapolated)"
                                                                         : "measured"));
        json_object_set_new(o, "joules", num_or_null(f.have, f.joules));
        json_object_set_new(o, "joules_per_flop", num_or_null(f.have, f.joules_per_flop));
        json_object_set_new(o, "gflops_per_watt", num_or_null(f.have, f.gflops_per_watt));
        json_object_set_new(o, "joules_per_token", num_or_null(f.have, f.joules_per_token));
        json_object_set_new(o, "watts", num_or_null(f.have, f.watts));
        json_object_set_new(o, "blis_arch", json_string(r->blis_arch));
        json_object_set_new(o, "quality", quality_json(r, &f));
        /* 1.7: what the energy covers and how; whether the nodes were the
         * job's own (the scheduler's word, the largest measured share) */
        json_object_set_new(o, "energy_covers", json_string(jf_figures_covers(r)));
        json_object_set_new(o, "energy_how", json_string(r->energy_basis));
        json_object_set_new(o, "exclusive", json_string(r->exclusive[0] ? r->exclusive : "unknown"));
        json_object_set_new(o, "exclusive_how", json_string(r->exclusive_how));
        double max = 0;
        int known = s->nnodes[i] > 0;
        for (int k = 0; k < s->nnodes[i]; k++) {
            known &= s->nodes[i][k].have_share;
            if (s->nodes[i][k].other_cpu_share > max)
                max = s->nodes[i][k].other_cpu_share;
        }
        json_object_set_new(o, "max_other_cpu_share", num_or_null(known, max));
        json_array_append_new(files, o);
    }
    json_object_set_new(j, "runs", files);
    for (int k = 0; k < v->n; k++) {
        const jf_rule_outcome_t *o = &v->outcomes[k];
        json_t *x = json_object();
        json_object_set_new(x, "rule", json_string(o->rule->id));
        json_object_set_new(x, "level", json_integer(o->rule->level));
        json_object_set_new(x, "file", o->file[0] ? json_string(o->file) : json_null());
        json_object_set_new(x, "verdict", json_string(jf_rule_result_name(o->result)));
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
       v->level, jf_rule_result_name(jf_validation_verdict(v)), v->npass, v->nwarn,
       v->nwarn == 1 ? "" : "s", v->nfail,
       PACKAGE_VERSION, v->level, JF_SUBMISSION_MANIFEST);
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
    md(&b, "\n## Runs\n\n| file | N | D | precision | ranks | nodes | s | FLOP/s | energy | "
           "coverage, nodes | J | J/FLOP (6ND) | GFLOPS/W | J/token | status |\n"
           "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | "
           "---: | --- |\n");
    for (int i = 0; i < s->nresults; i++) {
        const jf_result_t *r = &s->results[i];
        jf_figures_t f;
        jf_figures_of_result(r, &f);
        char n0[32], n1[32], n2[32], n3[32], n4[32];
        md(&b, "| %s | %llu | %llu | %s | %lld | %lld | %.3f | %s | %s %s |",
           cell(s->result_names[i], c1, sizeof c1), (unsigned long long)r->n_params,
           (unsigned long long)r->tokens, r->precision, (long long)r->ranks, (long long)r->nodes,
           r->seconds, jf_figures_text(f.flops_per_second, "%.4g", n4, sizeof n4), r->energy_source,
           !f.have ? "(not measured)" : f.estimated ? "(ESTIMATE)" : "(measured)");
        /* what it covers, and the scheduler's word on the nodes (1.7) */
        md(&b, " covers %s; exclusive %s |", jf_figures_covers(r),
           r->exclusive[0] ? r->exclusive : "unknown");
        /* a figure that cannot be computed is "-", as jf_figures has it */
        md(&b, " %s | %s | %s | %s | %s |\n", jf_figures_text(f.joules, "%.6g", n0, sizeof n0),
           jf_figures_text(f.joules_per_flop, "%.4g", n1, sizeof n1),
           jf_figures_text(f.gflops_per_watt, "%.4g", n2, sizeof n2),
           jf_figures_text(f.joules_per_token, "%.4g", n3, sizeof n3), r->status);
    }
    int quality = 0;
    for (int i = 0; i < s->nresults; i++)
        quality += s->results[i].have_quality && s->results[i].evaluations > 0;
    if (quality > 0)
        md(&b, "\nQuality figures (validation loss, bits compressed, energy to target) are kept "
               "in %s under each run's \"quality\", marked \"judged\": false: no rule "
               "checks them.\n", JF_SUBMISSION_SUMMARY_JSON);
    md(&b, "\n## Rules (level %d)\n\n| verdict | rule | level | file | observed |\n"
           "| --- | --- | ---: | --- | --- |\n", v->level);
    for (int k = 0; k < v->n; k++) {
        const jf_rule_outcome_t *o = &v->outcomes[k];
        char c2[300];
        md(&b, "| %s | %s | %d | %s | %s%s |\n", jf_rule_result_name(o->result), o->rule->id,
           o->rule->level, cell(o->file, c2, sizeof c2), cell(o->observed, c1, sizeof c1),
           o->demoted ? " (required from a higher level)" : "");
    }
    md(&b, "\nThe manifest rule is checked on the packed folder: `%s` lists every file's "
           "SHA-256, this summary's included.\n", JF_SUBMISSION_MANIFEST);
    if (b.failed) {
        free(b.text);
        return NULL;
    }
    return b.text;
}

/* The manifest's text: one line per file of the folder now (the manifest
 * itself left out), the summaries hashed from the texts about to replace
 * them. */
static jf_err_t manifest_text(const char *dir, const char *const texts[NOUT], jf_buf_t *b,
                              char *msg, size_t msglen)
{
    char **files = NULL, **all = NULL;
    int n = 0;
    jf_err_t err = jf_submission_list(dir, &files, &n, msg, msglen);
    if (err != JF_OK)
        return err;
    /* the summaries are listed whether or not an older one is in the folder */
    all = calloc((size_t)n + 2, sizeof *all);
    if (all == NULL) {
        snprintf(msg, msglen, "out of memory writing %s", JF_SUBMISSION_MANIFEST);
        err = JF_ENOMEM;
        goto cleanup;
    }
    int nall = 0;
    for (int k = OUT_JSON; k <= OUT_MD; k++)
        all[nall++] = (char *)outputs[k];
    for (int i = 0; i < n; i++)
        if (strcmp(files[i], outputs[OUT_JSON]) != 0 && strcmp(files[i], outputs[OUT_MD]) != 0 &&
            strcmp(files[i], outputs[OUT_MANIFEST]) != 0)
            all[nall++] = files[i];
    qsort(all, (size_t)nall, sizeof *all, cmp_str);
    for (int i = 0; i < nall && err == JF_OK; i++) {
        char path[JF_OUTPATH_MAX + 4200], hex[JF_SHA256_HEXLEN];
        const char *name = all[i];
        if (!jf_manifest_name_ok(name)) {
            /* the name shown on one line: its newlines and backslashes as '?' */
            char shown[256];
            size_t k = 0;
            for (; name[k] != '\0' && k + 1 < sizeof shown; k++)
                shown[k] = strchr("\n\r\\", name[k]) != NULL ? '?' : name[k];
            shown[k] = '\0';
            snprintf(msg, msglen, "%s/%s: a file name with a newline or backslash cannot go "
                                  "into %s; rename it", dir, shown, JF_SUBMISSION_MANIFEST);
            err = JF_EINVAL;
            break;
        }
        if (strcmp(name, outputs[OUT_JSON]) == 0 || strcmp(name, outputs[OUT_MD]) == 0) {
            const char *text = texts[strcmp(name, outputs[OUT_JSON]) == 0 ? OUT_JSON : OUT_MD];
            jf_sha256_hex(text, strlen(text), hex);
        } else {
            snprintf(path, sizeof path, "%s/%s", dir, name);
            err = jf_sha256_file(path, hex, msg, msglen);
        }
        if (err == JF_OK)
            md(b, "%s  %s\n", hex, name);
    }
    if (err == JF_OK && (b->failed || b->text == NULL)) {
        snprintf(msg, msglen, "out of memory writing %s", JF_SUBMISSION_MANIFEST);
        err = JF_ENOMEM;
    }
cleanup:
    free(all);
    jf_submission_list_free(files, n);
    return err;
}

jf_err_t jf_pack(const jf_submission_t *s, const jf_validation_t *v, char *msg, size_t msglen)
{
    /* sized past what jf_pack_check lets through, so nothing is cut */
    char path[NOUT][JF_SUBMISSION_PATH_MAX + 32], tmp[NOUT][JF_SUBMISSION_PATH_MAX + 64];
    char *texts[NOUT] = {NULL, NULL, NULL};
    int written = 0;
    jf_buf_t manifest = {NULL, 0, 0, 0};
    jf_err_t err = jf_pack_check(s->dir, msg, msglen);
    if (err != JF_OK)
        return err;

    json_t *j = summary_json(s, v);
    texts[OUT_JSON] = j != NULL ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (texts[OUT_JSON] != NULL) {
        const size_t n = strlen(texts[OUT_JSON]);
        char *with_nl = realloc(texts[OUT_JSON], n + 2);
        if (with_nl != NULL) {
            with_nl[n] = '\n';
            with_nl[n + 1] = '\0';
        } else {
            free(texts[OUT_JSON]);
        }
        texts[OUT_JSON] = with_nl;
    }
    texts[OUT_MD] = summary_md(s, v);
    if (texts[OUT_JSON] == NULL || texts[OUT_MD] == NULL) {
        snprintf(msg, msglen, "out of memory writing the summary");
        err = JF_ENOMEM;
        goto cleanup;
    }
    if ((err = manifest_text(s->dir, (const char *const *)texts, &manifest, msg, msglen)) !=
        JF_OK)
        goto cleanup;
    texts[OUT_MANIFEST] = manifest.text;
    manifest.text = NULL;

    /* all three to temporary names first: a failure leaves the folder as
     * it was, never a summary beside a manifest that does not vouch for it */
    for (written = 0; written < NOUT; written++) {
        snprintf(path[written], sizeof path[written], "%s/%s", s->dir, outputs[written]);
        snprintf(tmp[written], sizeof tmp[written], "%s/%s.tmp.%ld", s->dir, outputs[written],
                 (long)getpid());
        FILE *f = fopen(tmp[written], "w");
        if (f == NULL) {
            snprintf(msg, msglen, "%s: cannot write it (%s)", path[written], strerror(errno));
            err = JF_EIO;
            goto cleanup;
        }
        const int bad = fputs(texts[written], f) < 0;
        if (fclose(f) != 0 || bad) {
            snprintf(msg, msglen, "%s: cannot write it (%s)", path[written], strerror(errno));
            written++;  /* its temporary file is removed below */
            err = JF_EIO;
            goto cleanup;
        }
    }
    for (int k = 0; k < NOUT; k++)
        if (rename(tmp[k], path[k]) != 0) {
            snprintf(msg, msglen, "%s: cannot write it (%s)", path[k], strerror(errno));
            err = JF_EIO;
            goto cleanup;
        }
    written = 0;
cleanup:
    for (int k = 0; k < written; k++)
        unlink(tmp[k]);  /* those renamed are gone already */
    for (int k = 0; k < NOUT; k++)
        free(texts[k]);
    free(manifest.text);
    return err;
}
