/* jf_summary.c: human and JSON summaries of a jflop-run. */
#include "jf_summary.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int jf_summary_ok(const jf_summary_t *s, const char **reason)
{
    if (!s->run->ok) {
        *reason = s->run->reason;
        return 0;
    }
    for (int i = 0; i < s->nchecks; i++)
        if (!s->checks[i].pass) {
            *reason = s->checks[i].detail;
            return 0;
        }
    *reason = "";
    return 1;
}

/* Counted FLOPs per second: all of them (GEMM and nominal non-GEMM) or the
 * GEMMs alone. */
static double flop_rate(const jf_run_t *r)
{
    return r->seconds > 0 ? (double)jf_ledger_total(&r->ledger) / r->seconds : 0;
}

static double gemm_rate(const jf_run_t *r)
{
    const jf_u128 gemm = jf_ledger_total(&r->ledger) - r->ledger.flops[JF_FLOP_OTHER];
    return r->seconds > 0 ? (double)gemm / r->seconds : 0;
}

void jf_summary_print(FILE *out, const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const jf_run_options_t *o = &r->opt;
    const jf_ledger_t *L = &r->ledger;
    char a[JF_U128_STRLEN], b[JF_U128_STRLEN];
    const char *reason;
    const jf_u128 f6nd = jf_flops_6nd(r->n_params, r->tokens);
    const jf_u128 dense = jf_ledger_dense(L);
    const jf_u128 attn_an = jf_flops_attention_analytic(&o->shape, r->tokens);
    const int ok = jf_summary_ok(s, &reason);

    fprintf(out, "jflop-run %s: %d rank%s on %d node%s x %d thread%s, %s, BLIS %s (%s kernels)\n",
            PACKAGE_VERSION, r->ranks, r->ranks == 1 ? "" : "s", r->nodes,
            r->nodes == 1 ? "" : "s", o->threads, o->threads == 1 ? "" : "s",
            jf_precision_name(o->precision), s->blis->version, s->blis->active);
    fprintf(out, "  BLIS kernels chosen by: %s\n", s->blis->how);
    fprintf(out, "model   preset %s: layers %lld, d_model %lld, heads %lld, d_ff %lld, ctx %lld, vocab %lld\n",
            o->params_target ? "(from --params)" : o->preset, (long long)o->shape.layers,
            (long long)o->shape.d_model, (long long)o->shape.heads, (long long)o->shape.ff,
            (long long)o->shape.ctx, (long long)o->shape.vocab);
    fprintf(out, "        N = %s non-embedding parameters (Kaplan: n_layer*(4*d_model^2 + 2*d_model*d_ff))",
            jf_u128_str_grouped(r->n_params, a, sizeof a));
    if (o->params_target)
        fprintf(out, "; target was %s", jf_u128_str_grouped(o->params_target, b, sizeof b));
    fprintf(out, "\n        %s weights trained in all (with embeddings, head, LayerNorms)\n",
            jf_u128_str_grouped(r->n_weights, a, sizeof a));
    fprintf(out, "run     batch %lld/rank, warm-up %lld, measured steps %lld of %lld, D = %s tokens",
            (long long)o->batch, (long long)o->warmup, (long long)r->steps_done,
            (long long)o->steps, jf_u128_str_grouped(r->tokens, a, sizeof a));
    if (o->tokens_target)
        fprintf(out, " (target %s)", jf_u128_str_grouped(o->tokens_target, b, sizeof b));
    fprintf(out, "\n        optimizer SGD (lr %g), seed %llu\n", o->lr,
            (unsigned long long)o->seed);
    fprintf(out, "time    %.3f s measured (%.2f s warm-up, %.2f s start-up); %.0f tokens/s\n",
            r->seconds, r->warmup_seconds, r->startup_seconds,
            r->seconds > 0 ? (double)r->tokens / r->seconds : 0.0);
    fprintf(out, "        %.2f GFLOP/s all counted FLOPs, %.2f GFLOP/s GEMMs alone\n",
            flop_rate(r) / 1e9, gemm_rate(r) / 1e9);
    fprintf(out, "FLOP ledger, measured steps, all ranks (every GEMM counted as 2*m*n*k):\n");
    fprintf(out, "  6*N*D                     %28s\n", jf_u128_str_grouped(f6nd, a, sizeof a));
    char c[JF_U128_STRLEN], d[JF_U128_STRLEN];
    fprintf(out, "  dense GEMMs counted       %28s  (fwd %s, bwd data %s, bwd weights %s)\n",
            jf_u128_str_grouped(dense, a, sizeof a),
            jf_u128_str_grouped(L->flops[JF_FLOP_DENSE_FWD], b, sizeof b),
            jf_u128_str_grouped(L->flops[JF_FLOP_DENSE_BWD_DATA], c, sizeof c),
            jf_u128_str_grouped(L->flops[JF_FLOP_DENSE_BWD_WEIGHT], d, sizeof d));
    fprintf(out, "  attention GEMMs counted   %28s  (analytic 3*2*2*n_layer*n_ctx*d_model*D: %s)\n",
            jf_u128_str_grouped(jf_ledger_attention(L), a, sizeof a),
            jf_u128_str_grouped(attn_an, b, sizeof b));
    fprintf(out, "  output-head GEMMs counted %28s  (embedding side, outside N)\n",
            jf_u128_str_grouped(L->flops[JF_FLOP_HEAD], a, sizeof a));
    fprintf(out, "  other (non-GEMM)          %28s  (nominal: norms, softmax, GELU, loss, SGD)\n",
            jf_u128_str_grouped(L->flops[JF_FLOP_OTHER], a, sizeof a));
    if (dense == f6nd && r->tokens > 0)
        fprintf(out, "  6ND verified: counted == 6*N*D\n");
    else
        fprintf(out, "  6ND NOT verified: dense counted %s 6*N*D\n", dense > f6nd ? ">" : "<");
    fprintf(out, "loss    first %.4f, last %.4f (%s; ideal predictor %.4f, ln(vocab) %.4f)\n",
            r->loss_first, r->loss_last, isfinite(r->loss_last) ? "finite" : "not finite",
            r->loss_floor, log((double)o->shape.vocab));
    fprintf(out, "weights identical on all ranks: %s\n", r->replicas_identical ? "yes" : "NO");
    for (int i = 0; i < s->nchecks; i++)
        fprintf(out, "verify  %-9s %s: %s\n", s->checks[i].name,
                !s->checks[i].ran ? "n/a " : s->checks[i].pass ? "pass" : "FAIL",
                s->checks[i].detail);
    if (ok)
        fprintf(out, "status  ok\n");
    else
        fprintf(out, "status  failed: %s\n", reason);
}

/* An exact count as a JSON number when it fits in int64, else a double. */
static json_t *json_count(jf_u128 v)
{
    return v <= (jf_u128)INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
}

static json_t *json_count_str(jf_u128 v)
{
    char buf[JF_U128_STRLEN];
    return json_string(jf_u128_str(v, buf, sizeof buf));
}

static json_t *checks_json(const jf_summary_t *s)
{
    json_t *obj = json_object();
    for (int i = 0; i < s->nchecks; i++) {
        const jf_check_t *c = &s->checks[i];
        json_object_set_new(obj, c->name,
                            json_pack("{s:s, s:f, s:f, s:s}", "result",
                                      !c->ran ? "n/a" : c->pass ? "pass" : "fail", "value",
                                      isfinite(c->value) ? c->value : -1.0, "threshold",
                                      c->threshold, "detail", c->detail));
    }
    return obj;
}

json_t *jf_summary_json(const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const jf_run_options_t *o = &r->opt;
    const jf_ledger_t *L = &r->ledger;
    const jf_u128 f6nd = jf_flops_6nd(r->n_params, r->tokens);
    const jf_u128 attn_an = jf_flops_attention_analytic(&o->shape, r->tokens);
    const char *reason;
    const int ok = jf_summary_ok(s, &reason);
    json_t *j = json_object();

    json_object_set_new(j, "jflop_version", json_string(PACKAGE_VERSION));
    json_object_set_new(j, "command_line", json_string(s->command_line));
    json_object_set_new(j, "preset", json_string(o->params_target ? "" : o->preset));
    json_object_set_new(j, "N", json_count(r->n_params));
    json_object_set_new(j, "N_target", json_count(o->params_target));
    json_object_set_new(j, "D", json_count(r->tokens));
    json_object_set_new(j, "D_target", json_count(o->tokens_target));
    json_object_set_new(j, "weights_trained", json_count(r->n_weights));
    json_object_set_new(j, "layers", json_integer(o->shape.layers));
    json_object_set_new(j, "d_model", json_integer(o->shape.d_model));
    json_object_set_new(j, "heads", json_integer(o->shape.heads));
    json_object_set_new(j, "ctx", json_integer(o->shape.ctx));
    json_object_set_new(j, "ff", json_integer(o->shape.ff));
    json_object_set_new(j, "vocab", json_integer(o->shape.vocab));
    json_object_set_new(j, "batch", json_integer(o->batch));
    json_object_set_new(j, "steps", json_integer(o->steps));
    json_object_set_new(j, "steps_done", json_integer(r->steps_done));
    json_object_set_new(j, "warmup", json_integer(o->warmup));
    json_object_set_new(j, "ranks", json_integer(r->ranks));
    json_object_set_new(j, "nodes", json_integer(r->nodes));
    json_object_set_new(j, "threads_per_rank", json_integer(o->threads));
    json_object_set_new(j, "precision", json_string(jf_precision_name(o->precision)));
    json_object_set_new(j, "seed", json_count(o->seed));
    json_object_set_new(j, "optimizer", json_pack("{s:s, s:f}", "name", "sgd", "lr", o->lr));
    json_object_set_new(j, "flops_6nd", json_count(f6nd));
    json_object_set_new(j, "flops_dense_counted", json_count(jf_ledger_dense(L)));
    json_object_set_new(j, "flops_dense_forward", json_count(L->flops[JF_FLOP_DENSE_FWD]));
    json_object_set_new(j, "flops_dense_backward_data",
                        json_count(L->flops[JF_FLOP_DENSE_BWD_DATA]));
    json_object_set_new(j, "flops_dense_backward_weights",
                        json_count(L->flops[JF_FLOP_DENSE_BWD_WEIGHT]));
    json_object_set_new(j, "flops_attention_counted", json_count(jf_ledger_attention(L)));
    json_object_set_new(j, "flops_attention_analytic", json_count(attn_an));
    json_object_set_new(j, "flops_head_counted", json_count(L->flops[JF_FLOP_HEAD]));
    json_object_set_new(j, "flops_other", json_count(L->flops[JF_FLOP_OTHER]));
    json_object_set_new(j, "flops_other_kind", json_string("nominal per-element operation counts"));
    json_object_set_new(j, "flops_total_counted", json_count(jf_ledger_total(L)));
    json_object_set_new(j, "gemm_calls", json_count(L->gemm_calls));
    json_object_set_new(j, "flops_exact",
                        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "flops_6nd",
                                  json_count_str(f6nd), "flops_dense_counted",
                                  json_count_str(jf_ledger_dense(L)), "flops_attention_counted",
                                  json_count_str(jf_ledger_attention(L)),
                                  "flops_attention_analytic", json_count_str(attn_an),
                                  "flops_head_counted", json_count_str(L->flops[JF_FLOP_HEAD]),
                                  "flops_other", json_count_str(L->flops[JF_FLOP_OTHER])));
    json_object_set_new(j, "flops_verified",
                        json_boolean(jf_ledger_dense(L) == f6nd && r->tokens > 0));
    json_object_set_new(j, "seconds", json_real(r->seconds));
    json_object_set_new(j, "warmup_seconds", json_real(r->warmup_seconds));
    json_object_set_new(j, "startup_seconds", json_real(r->startup_seconds));
    json_object_set_new(j, "flops_per_second", json_real(flop_rate(r)));
    json_object_set_new(j, "flops_per_second_gemm", json_real(gemm_rate(r)));
    json_object_set_new(j, "tokens_per_second",
                        json_real(r->seconds > 0 ? (double)r->tokens / r->seconds : 0));
    json_object_set_new(j, "loss_first", json_real(isfinite(r->loss_first) ? r->loss_first : -1));
    json_object_set_new(j, "loss_last", json_real(isfinite(r->loss_last) ? r->loss_last : -1));
    json_object_set_new(j, "loss_floor", json_real(r->loss_floor));
    json_object_set_new(j, "loss_finite", json_boolean(isfinite(r->loss_last)));
    json_object_set_new(j, "weights_identical_on_ranks", json_boolean(r->replicas_identical));
    char hash[32];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)r->weights_hash);
    json_object_set_new(j, "weights_hash", json_string(hash));
    json_object_set_new(j, "weights_sum", json_real(r->weights_sum));
    json_object_set_new(j, "blis_arch", json_string(s->blis->active));
    json_object_set_new(j, "blis_arch_detected", json_string(s->blis->detected));
    json_object_set_new(j, "blis_arch_how", json_string(s->blis->how));
    json_object_set_new(j, "blis_arch_overridden", json_boolean(s->blis->overridden));
    json_object_set_new(j, "blis_version", json_string(s->blis->version));
    json_object_set_new(j, "mpi_library", json_string(s->mpi_library));
    json_object_set_new(j, "verify", checks_json(s));
    json_object_set_new(j, "status", json_string(ok ? "ok" : "failed"));
    if (!ok)
        json_object_set_new(j, "reason", json_string(reason));
    return j;
}

jf_err_t jf_summary_write_json(const char *path, const jf_summary_t *s, char *msg,
                               size_t msglen)
{
    char tmp[4096];
    json_t *j = jf_summary_json(s);
    jf_err_t err = JF_OK;

    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (j == NULL || json_dump_file(j, tmp, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17)) != 0) {
        snprintf(msg, msglen, "--summary-json %s: cannot write %s: %s", path, tmp,
                 strerror(errno));
        err = JF_EIO;
        unlink(tmp);
        goto cleanup;
    }
    if (rename(tmp, path) != 0) {
        snprintf(msg, msglen, "--summary-json %s: %s", path, strerror(errno));
        unlink(tmp);
        err = JF_EIO;
    }
cleanup:
    json_decref(j);
    return err;
}
