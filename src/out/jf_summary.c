/* jf_summary.c: human and JSON summaries of a jflop-run. */
#include "jf_summary.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "analysis/jf_figures.h"
#include "analysis/jf_learning.h"
#include "out/jf_cpu_json.h"
#include "out/jf_run_fields.h"
#include "out/jf_summary_energy.h"

const char *jf_summary_status(const jf_summary_t *s)
{
    const char *reason;
    if (jf_summary_ok(s, &reason))
        return "ok";
    /* stopped by a signal (SIGTERM, SIGINT, SIGUSR1), its file written or
     * none asked for: the one word for it in stdout, JSON and HDF5 */
    if (s->run->stopped_by_signal && (s->results_error == NULL || s->results_error[0] == '\0'))
        return "incomplete";
    return "failed";
}

int jf_summary_ok(const jf_summary_t *s, const char **reason)
{
    /* a results file that was not written is no success, whatever ran */
    if (s->results_error != NULL && s->results_error[0] != '\0') {
        *reason = s->results_error;
        return 0;
    }
    if (!s->run->ok) {
        *reason = s->run->reason;
        return 0;
    }
    if (s->energy != NULL && s->energy->invalid_nodes > 0) {
        *reason = s->energy->nodes[s->energy->first_invalid].reason;
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

/* Derived energy figures, from the measured or (labelled) estimated
 * Joules, by jf_figures' one rule: NAN (JSON null) when not computable. */
typedef struct {
    double joules, per_flop_6nd, per_flop_counted, gflops_per_watt, per_token, watts;
} jf_energy_derived_t;

static jf_energy_derived_t energy_derived(const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const jf_figures_in_t in = {
        .have_joules = s->energy->measured_nodes > 0,
        .estimated = s->energy->extrapolated,
        .joules = jf_energy_job_joules(s->energy),
        .nodes = s->energy->extrapolated ? s->energy->total_nodes : s->energy->measured_nodes,
        .flops_6nd = jf_flops_6nd(r->n_params, r->tokens),
        .flops_counted = jf_ledger_total(&r->ledger),
        .tokens = r->tokens,
        .seconds = r->seconds,
    };
    jf_figures_t f;
    jf_figures(&in, &f);
    const jf_energy_derived_t d = {f.joules, f.joules_per_flop, f.joules_per_flop_counted,
                                   f.gflops_per_watt, f.joules_per_token, f.watts};
    return d;
}

static const char *energy_status(const jf_energy_job_t *e)
{
    return e->invalid_nodes > 0 ? "invalid" : e->measured_nodes > 0 ? "measured" : "not measured";
}

/* The nodes' CPU time used by other processes, and the scheduler's word
 * (1.7): a shared node's energy is not the job's alone. */
static void print_sharing(FILE *out, const jf_energy_job_t *e)
{
    fprintf(out, "sharing scheduler exclusive: %s (%s)\n", e->exclusive[0] ? e->exclusive : "unknown",
            e->exclusive_how);
    for (int i = 0; i < e->total_nodes; i++) {
        const jf_energy_node_t *n = &e->nodes[i];
        if (n->share_known)
            fprintf(out, "        node %s: other processes used %.2f %% of its CPU time in the "
                         "measured phase (%s)\n", n->node, 100 * n->other_cpu_share, n->share_note);
        else
            fprintf(out, "        node %s: CPU share of other processes %s\n", n->node,
                    n->share_note[0] ? n->share_note : "unknown");
    }
}

static json_t *sharing_json(const jf_energy_job_t *e)
{
    json_t *nodes = json_array();
    for (int i = 0; i < e->total_nodes; i++) {
        const jf_energy_node_t *n = &e->nodes[i];
        json_array_append_new(nodes, json_pack("{s:s, s:o, s:s}", "node", n->node,
                                               "other_cpu_share",
                                               n->share_known ? json_real(n->other_cpu_share)
                                                              : json_null(),
                                               "how", n->share_note));
    }
    return json_pack("{s:s, s:s, s:o}", "scheduler_exclusive",
                     e->exclusive[0] ? e->exclusive : "unknown", "scheduler_how",
                     e->exclusive_how, "nodes", nodes);
}

static void print_energy(FILE *out, const jf_summary_t *s)
{
    const jf_energy_job_t *e = s->energy;
    if (e->measured_nodes == 0) {
        fprintf(out, "energy: not measured (%s)\n",
                e->total_nodes > 0 ? e->nodes[0].reason : "no node reported");
        for (int i = 0; i < e->total_nodes; i++)
            if (e->nodes[i].invalid)
                fprintf(out, "energy  INVALID on %s: %s\n", e->nodes[i].node, e->nodes[i].reason);
        return;
    }
    const jf_energy_derived_t d = energy_derived(s);
    fprintf(out, "energy  %s on %d of %d node%s: %.6g J measured", e->source, e->measured_nodes,
            e->total_nodes, e->total_nodes == 1 ? "" : "s", e->joules_measured);
    if (e->extrapolated)
        fprintf(out, "; %.6g J ESTIMATED for all %d nodes (extrapolated: measured nodes' mean "
                     "x node count)", e->joules_estimate, e->total_nodes);
    fprintf(out, "\n");
    for (int i = 0; i < e->total_nodes; i++) {
        const jf_energy_node_t *n = &e->nodes[i];
        if (!n->measured) {
            fprintf(out, "        node %s: %s: %s\n", n->node, n->invalid ? "INVALID" : "not measured",
                    n->reason);
            continue;
        }
        fprintf(out, "        node %s: %.6g J over %.3f s, %.1f W mean, %.1f W peak, %llu "
                     "samples every %.3g s, %llu wraps (",
                n->node, n->joules, n->seconds, n->mean_watts, n->peak_watts,
                (unsigned long long)n->samples, n->interval, (unsigned long long)n->wraps);
        for (int k = 0; k < n->ndomains; k++)
            fprintf(out, "%s%s %.4g J%s", k ? ", " : "", n->domains[k].name, n->domain_joules[k],
                    n->domains[k].in_node_total ? "" : " [inside/overlapping, not added]");
        fprintf(out, ")\n        covers: %s: %s\n", n->covers, n->coverage);
        fprintf(out, "        basis: %s", n->basis);
        if (n->reports_readings)
            fprintf(out, "; the source's own readings: %llu in the phase, %.3g per second "
                         "(it refreshes every %g s: %s)",
                    (unsigned long long)n->source_readings, n->effective_rate, n->update_seconds,
                    n->update_how);
        fprintf(out, "\n");
    }
    char b0[32], b1[32], b2[32], b3[32], b4[32];
    fprintf(out, "        %s%s J/FLOP (per 6ND FLOP), %s J/FLOP (per counted FLOP), "
                 "%s GFLOPS/W, %s J/token, %s W\n",
            e->extrapolated ? "ESTIMATED from the extrapolated total: " : "",
            jf_figures_text(d.per_flop_6nd, "%.4g", b0, sizeof b0),
            jf_figures_text(d.per_flop_counted, "%.4g", b1, sizeof b1),
            jf_figures_text(d.gflops_per_watt, "%.4g", b2, sizeof b2),
            jf_figures_text(d.per_token, "%.4g", b3, sizeof b3), jf_figures_text(d.watts, "%.1f", b4, sizeof b4));
    jf_summary_energy_print(out, s);
}

/* The GEMM back-end lines: what ran, how it was chosen, what it beat. */
static void print_gemm(FILE *out, const jf_summary_t *s)
{
    const jf_gemm_choice_t *g = s->gemm;
    char cands[1024];
    if (g == NULL)
        return;
    fprintf(out, "GEMM    %s on %s (%s; %s)%s\n", jf_precision_name(g->precision), g->backend,
            g->version, g->kernel,
            g->precision != JF_BF16 ? ""
            : g->native ? "; native bf16 instructions"
                        : "; bf16 EMULATED: this CPU (or ONEDNN_MAX_CPU_ISA) has no "
                          "AVX512-BF16 or AMX-BF16 instructions in use");
    fprintf(out, "        chosen by: %s\n", g->how);
    jf_gemm_choice_str(g, cands, sizeof cands);
    fprintf(out, "        candidates (GFLOP/s summed over ranks, %s; %.2f s): %s\n", g->shapes,
            g->seconds, cands);
    if (g->precision == JF_BF16)
        fprintf(out, "        %s\n", jf_gemm_bf16_tensors(g->precision));
    if (s->run != NULL) {
        char mul[256];
        jf_mul_choice_str(&s->run->mul, mul, sizeof mul);
        fprintf(out, "        product with GELU' (MLP backward): %s\n", mul);
    }
}

static json_t *gemm_json(const jf_summary_t *s)
{
    const jf_gemm_choice_t *g = s->gemm;
    if (g == NULL)
        return json_null();
    json_t *cands = json_array();
    for (int i = 0; i < JF_NCAND; i++) {
        const jf_gemm_candidate_t *c = &g->cand[i];
        json_array_append_new(
            cands, json_pack("{s:s, s:s, s:b, s:b, s:o, s:s, s:b}", "backend", c->backend,
                             "kernel", c->kernel, "considered", c->considered, "usable",
                             c->usable, "gflops",
                             c->considered && c->usable ? json_real(c->gflops) : json_null(),
                             "note", c->note, "chosen", i == g->chosen));
    }
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:f, s:s, s:o}", "precision",
                          jf_precision_name(g->precision), "backend", g->backend, "version",
                          g->version, "kernel", g->kernel, "native", g->native, "emulated",
                          g->precision == JF_BF16 && !g->native, "how", g->how,
                          "measured_shapes", g->shapes, "measure_seconds", g->seconds,
                          "bf16_tensors", jf_gemm_bf16_tensors(g->precision), "candidates",
                          cands);
    if (j != NULL && s->run != NULL) {
        const jf_mul_choice_t *m = &s->run->mul;
        json_object_set_new(
            j, "gelu_product",
            json_pack("{s:s, s:b, s:i, s:s, s:o, s:o}", "mode", jf_mul_mode_name(m->mode),
                      "measured", m->measured, "calls", m->calls, "note", m->note,
                      "fused_seconds",
                      m->measured ? json_real(m->fused_seconds) : json_null(), "after_seconds",
                      m->measured ? json_real(m->after_seconds) : json_null()));
    }
    return j;
}

/* The temperature of the summary's Landauer comparisons; `jflop report`
 * uses the site's (--site, --temperature). */
#define JF_SUMMARY_TEMPERATURE 300.0

/* Validation, the target and the learning figures, computed once for the
 * text and the JSON. Energy by jf_figures' rule: NAN when not measured. */
typedef struct {
    int validating;
    double bits;                 /* prequential bits compressed */
    double eval_joules;          /* the validation passes, J (NAN: none) */
    jf_u128 eval_flops;
    double val_first, val_last, learned_fraction;
    jf_learning_t learning;
    double operand_bits;
    jf_energy_derived_t energy;  /* the measured training figures */
} jf_quality_t;

static void quality_figures(const jf_summary_t *s, jf_quality_t *q)
{
    const jf_run_t *r = s->run;
    const jf_run_options_t *o = &r->opt;
    memset(q, 0, sizeof *q);
    q->validating = o->eval_every > 0;
    q->bits = jf_prequential_bits(r->loss, r->steps_done, r->tokens_per_step, o->shape.vocab);
    q->energy = s->energy != NULL ? energy_derived(s)
                                  : (jf_energy_derived_t){NAN, NAN, NAN, NAN, NAN, NAN};
    q->eval_joules = s->energy != NULL && s->energy->measured_nodes > 0
                         ? jf_energy_job_eval_joules(s->energy) : NAN;
    q->eval_flops = jf_ledger_total(&r->ledger_eval);
    q->val_first = r->nevals > 0 ? r->eval_loss[0] : NAN;
    q->val_last = r->nevals > 0 ? r->eval_loss[r->nevals - 1] : NAN;
    q->learned_fraction = jf_learned_fraction(q->val_last, r->loss_floor, o->shape.vocab);
    q->operand_bits = o->precision == JF_FP64 ? 64 : o->precision == JF_BF16 ? 16 : 32;
    const jf_learning_in_t in = {q->bits, q->energy.joules, q->energy.per_flop_6nd,
                                 q->operand_bits, JF_SUMMARY_TEMPERATURE};
    jf_learning_figures(&in, &q->learning);
}

static void print_quality(FILE *out, const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const jf_run_options_t *o = &r->opt;
    jf_quality_t q;
    char a[JF_U128_STRLEN], b[JF_U128_STRLEN], j0[32], j1[32], j2[32], j3[32];
    quality_figures(s, &q);
    if (q.validating) {
        fprintf(out, "quality validation: %s tokens (%llu sequences of the held-out stream) "
                     "evaluated %lld times, every %lld measured steps and after the last: "
                     "%.3f s, %s J, %s FLOPs counted, their own phase (outside 6*N*D and "
                     "the measured figures)\n",
                jf_u128_str_grouped(r->eval_tokens, a, sizeof a),
                (unsigned long long)r->eval_seqs, (long long)r->nevals,
                (long long)o->eval_every, r->eval_seconds,
                jf_figures_text(q.eval_joules, "%.4g", j0, sizeof j0),
                jf_u128_str_grouped(q.eval_flops, b, sizeof b));
        fprintf(out, "        validation loss first %.4f, last %.4f, best %.4f nats/token; "
                     "%s of the learnable information learned ((ln V - last)/(ln V - "
                     "floor))\n",
                q.val_first, q.val_last, r->val_loss_best,
                jf_figures_text(q.learned_fraction, "%.3f", j1, sizeof j1));
    }
    if (o->target_loss > 0 && r->target_reached)
        fprintf(out, "        target %.4f nats/token reached after %lld measured steps (and "
                     "%lld warm-up steps): %s tokens, %s FLOPs counted, %.3f s, %s J of "
                     "training (validation apart: %.3f s, %s J)\n",
                o->target_loss, (long long)r->steps_to_target, (long long)o->warmup,
                jf_u128_str_grouped(r->tokens, a, sizeof a),
                jf_u128_str_grouped(jf_ledger_total(&r->ledger), b, sizeof b), r->seconds,
                jf_figures_text(q.energy.joules, "%.4g", j0, sizeof j0), r->eval_seconds,
                jf_figures_text(q.eval_joules, "%.4g", j1, sizeof j1));
    else if (o->target_loss > 0)
        fprintf(out, "        target %.4f nats/token NOT reached: stopped by %s after %lld "
                     "measured steps; best validation loss %.4f\n",
                o->target_loss, r->stop_rule, (long long)r->steps_done, r->val_loss_best);
    fprintf(out, "learning prequential code: %s bits compressed over D = %s tokens (sum of "
                 "(ln V - loss)/ln 2 over the measured steps, each scored before its "
                 "update)\n",
            jf_figures_text(q.bits, "%.6g", j0, sizeof j0),
            jf_u128_str_grouped(r->tokens, a, sizeof a));
    if (!isfinite(q.energy.joules)) {
        /* no energy: no figure per joule, said once rather than as dashes */
        fprintf(out, "        J/bit and J/FLOP against Landauer (k_B T ln 2 = %.3g J at %.0f "
                     "K): energy not measured\n",
                q.learning.landauer_bit, JF_SUMMARY_TEMPERATURE);
        return;
    }
    fprintf(out, "        %s J/bit = %s x k_B T ln 2 (%.3g J at %.0f K); %s J/FLOP = %s x "
                 "Landauer per %.0f-bit FLOP\n",
            jf_figures_text(q.learning.joules_per_bit, "%.4g", j0, sizeof j0),
            jf_figures_text(q.learning.per_bit_over_landauer, "%.3g", j1, sizeof j1),
            q.learning.landauer_bit, JF_SUMMARY_TEMPERATURE,
            jf_figures_text(q.energy.per_flop_6nd, "%.4g", j2, sizeof j2),
            jf_figures_text(q.learning.per_flop_over_landauer, "%.3g", j3, sizeof j3),
            q.operand_bits);
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
    if (s->placement != NULL) {
        char cpu[2 * JF_CPU_TEXT];
        jf_cpu_id_describe(&s->placement->cpu, cpu, sizeof cpu);
        fprintf(out, "cpu     %s%s\n", cpu,
                s->placement->cpu_uniform ? "" : " (rank 0's node; the nodes differ)");
    }
    print_gemm(out, s);
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
    fprintf(out, "run     batch %lld/rank, warm-up %lld, measured steps %lld %s %lld, D = %s tokens",
            (long long)o->batch, (long long)o->warmup, (long long)r->steps_done,
            o->target_loss > 0 ? "(--target-loss run) of at most" : "of", (long long)o->steps,
            jf_u128_str_grouped(r->tokens, a, sizeof a));
    if (o->tokens_target)
        fprintf(out, " (target %s)", jf_u128_str_grouped(o->tokens_target, b, sizeof b));
    if (o->min_seconds > 0)
        fprintf(out, " (--min-seconds %g: steps went on until the phase lasted that long)",
                o->min_seconds);
    fprintf(out, "\n        optimizer SGD (lr %g), seed %llu\n", o->lr,
            (unsigned long long)o->seed);
    fprintf(out, "time    %.3f s measured (%.2f s warm-up, %.2f s start-up); %.0f tokens/s\n",
            r->seconds, r->warmup_seconds, r->startup_seconds,
            r->seconds > 0 ? (double)r->tokens / r->seconds : 0.0);
    fprintf(out, "        %.2f GFLOP/s all counted FLOPs, %.2f GFLOP/s GEMMs alone\n",
            flop_rate(r) / 1e9, gemm_rate(r) / 1e9);
    if (r->peak_flops > 0 && r->peak_kind != NULL && strcmp(r->peak_kind, "GEMM") == 0)
        fprintf(out, "        %.3f of the measured %s GEMM peak (%.2f GFLOP/s over all ranks: "
                     "best sustained rate of %s on a 1024^3 product; measured attainable, "
                     "not a datasheet figure)\n",
                flop_rate(r) / r->peak_flops, jf_precision_name(o->precision),
                r->peak_flops / 1e9, r->peak_isa);
    else if (r->peak_flops > 0)
        fprintf(out, "        %.3f of the measured %s FMA peak (%.2f GFLOP/s over all ranks' "
                     "threads, %s)\n",
                flop_rate(r) / r->peak_flops, jf_precision_name(o->precision),
                r->peak_flops / 1e9, r->peak_isa);
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
    if (o->precision == JF_BF16)
        fprintf(out, "  bf16 conversions          %28s  elements rounded fp32 -> bf16 (non-GEMM "
                     "work, not FLOPs)\n",
                jf_u128_str_grouped(L->bf16_converted, a, sizeof a));
    if (dense == f6nd && r->tokens > 0)
        fprintf(out, "  6ND verified: counted == 6*N*D\n");
    else
        fprintf(out, "  6ND NOT verified: dense counted %s 6*N*D\n", dense > f6nd ? ">" : "<");
    fprintf(out, "loss    first %.4f, last %.4f (%s; ideal predictor %.4f, ln(vocab) %.4f)\n",
            r->loss_first, r->loss_last, isfinite(r->loss_last) ? "finite" : "not finite",
            r->loss_floor, log((double)o->shape.vocab));
    fprintf(out, "weights identical on all ranks: %s\n", r->replicas_identical ? "yes" : "NO");
    if (s->energy != NULL) {
        print_energy(out, s);
        print_sharing(out, s->energy);
    }
    print_quality(out, s);
    fprintf(out, "memory  predicted before allocating %.3f GiB peak resident per rank (model "
                 "arrays %.3f + process %.3f + allreduce scratch %.3f + GEMM back-end %.3f, "
                 "measured while choosing it); measured %.3f GiB (largest rank, getrusage)\n",
            (double)r->predicted_bytes / 1073741824.0,
            (double)r->predicted_model_bytes / 1073741824.0,
            (double)r->baseline_bytes / 1073741824.0, (double)r->scratch_bytes / 1073741824.0,
            (double)r->gemm_workspace_bytes / 1073741824.0,
            (double)r->peak_rss_bytes / 1073741824.0);
    if (r->huge_pages != NULL) {
        fprintf(out, "        huge pages %s", r->huge_pages);
        if (r->huge_page_bytes_known)
            fprintf(out, "; %.3f GiB on them (smallest rank, AnonHugePages)",
                    (double)r->huge_page_bytes / 1073741824.0);
        fprintf(out, "\n");
    }
    for (int i = 0; s->placement != NULL && i < s->placement->nwarnings; i++)
        fprintf(out, "warning %s\n", s->placement->warnings[i]);
    for (int i = 0; i < s->nchecks; i++)
        fprintf(out, "verify  %-9s %s: %s\n", s->checks[i].name,
                !s->checks[i].ran ? "n/a " : s->checks[i].pass ? "pass" : "FAIL",
                s->checks[i].detail);
    if (s->results_path != NULL && s->results_path[0] != '\0') {
        if (s->results_error != NULL && s->results_error[0] != '\0')
            fprintf(out, "results NOT written: %s\n", s->results_error);
        else
            fprintf(out, "results %s\n", s->results_path);
    }
    if (ok)
        fprintf(out, "status  ok\n");
    else
        fprintf(out, "status  %s: %s\n", jf_summary_status(s), reason);
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

static json_t *json_number_or_null(int have, double v)
{
    return have && isfinite(v) ? json_real(v) : json_null();
}

static json_t *energy_node_json(const jf_energy_node_t *n)
{
    json_t *domains = json_object();
    for (int k = 0; k < n->ndomains; k++)
        json_object_set_new(domains, n->domains[k].name,
                            json_pack("{s:o, s:s, s:b}", "joules",
                                      json_number_or_null(n->measured, n->domain_joules[k]),
                                      "scope", n->domains[k].scope, "in_node_total",
                                      n->domains[k].in_node_total));
    json_t *j = json_pack("{s:s, s:s, s:b, s:b, s:s, s:s, s:o, s:o}", "node", n->node, "backend",
                          n->backend, "measured", n->measured, "invalid", n->invalid, "reason",
                          n->reason, "coverage", n->coverage, "joules",
                          json_number_or_null(n->measured, n->joules), "domains", domains);
    const int timed = n->interval > 0 && isfinite(n->seconds) && n->start_utc > 0;
    json_object_set_new(j, "seconds", json_number_or_null(timed, n->seconds));
    json_object_set_new(j, "mean_watts", json_number_or_null(n->measured, n->mean_watts));
    json_object_set_new(j, "peak_watts", json_number_or_null(n->measured, n->peak_watts));
    json_object_set_new(j, "samples", json_integer((json_int_t)n->samples));
    json_object_set_new(j, "wraps", json_integer((json_int_t)n->wraps));
    json_object_set_new(j, "sample_interval", json_number_or_null(n->interval > 0, n->interval));
    json_object_set_new(j, "phase_start_utc", json_number_or_null(timed, n->start_utc));
    json_object_set_new(j, "phase_end_utc", json_number_or_null(timed, n->stop_utc));
    /* what metering cost: the sampler thread's CPU time over the whole run */
    json_object_set_new(j, "sampler_cpu_seconds",
                        json_number_or_null(n->sampler_reads > 0, n->sampler_cpu_seconds));
    json_object_set_new(j, "sampler_reads", json_integer((json_int_t)n->sampler_reads));
    json_object_set_new(j, "covers", json_string(n->covers));  /* 1.7 */
    /* how the node total was obtained, and how often its source refreshes */
    json_object_set_new(j, "basis", n->basis[0] ? json_string(n->basis) : json_null());
    json_object_set_new(j, "source_update_seconds",
                        json_number_or_null(n->update_seconds > 0, n->update_seconds));
    json_object_set_new(j, "source_update_how",
                        n->update_how[0] ? json_string(n->update_how) : json_null());
    json_object_set_new(j, "source_readings", n->reports_readings
                                                  ? json_integer((json_int_t)n->source_readings)
                                                  : json_null());
    json_object_set_new(j, "effective_rate",
                        json_number_or_null(n->reports_readings && timed, n->effective_rate));
    jf_summary_energy_node_json(j, n);
    return j;
}

static json_t *energy_json(const jf_summary_t *s)
{
    const jf_energy_job_t *e = s->energy;
    const int have = e->measured_nodes > 0;
    const jf_energy_derived_t d = energy_derived(s);
    json_t *j = json_object(), *nodes = json_array(), *domains = json_array();
    uint64_t samples = 0, wraps = 0;

    for (int i = 0; i < e->total_nodes; i++) {
        const jf_energy_node_t *n = &e->nodes[i];
        json_array_append_new(nodes, energy_node_json(n));
        samples += n->samples;
        wraps += n->wraps;
        for (int k = 0; k < n->ndomains; k++) {
            int seen = 0;
            for (size_t x = 0; x < json_array_size(domains); x++)
                seen |= strcmp(json_string_value(json_array_get(domains, x)),
                               n->domains[k].name) == 0;
            if (!seen)
                json_array_append_new(domains, json_string(n->domains[k].name));
        }
    }
    json_object_set_new(j, "source", json_string(e->source));
    /* the measured nodes' basis: one, or "mixed" */
    const char *basis = NULL;
    for (int i = 0; i < e->total_nodes; i++)
        if (e->nodes[i].measured)
            basis = basis == NULL || strcmp(basis, e->nodes[i].basis) == 0 ? e->nodes[i].basis
                                                                           : "mixed";
    json_object_set_new(j, "basis", basis ? json_string(basis) : json_null());
    const char *covers = jf_energy_job_common(e, 0);
    json_object_set_new(j, "covers", covers[0] ? json_string(covers) : json_null());
    json_object_set_new(j, "measured", json_boolean(have && e->invalid_nodes == 0));
    json_object_set_new(j, "status", json_string(energy_status(e)));
    if (e->invalid_nodes > 0)
        json_object_set_new(j, "reason", json_string(e->nodes[e->first_invalid].reason));
    else if (!have)
        json_object_set_new(j, "reason",
                            json_string(e->total_nodes > 0 ? e->nodes[0].reason : ""));
    json_object_set_new(j, "domains", domains);
    json_object_set_new(j, "nodes", nodes);
    json_object_set_new(j, "joules_total", json_number_or_null(have, e->joules_measured));
    json_object_set_new(j, "measured_nodes", json_integer(e->measured_nodes));
    json_object_set_new(j, "total_nodes", json_integer(e->total_nodes));
    json_object_set_new(j, "extrapolated", json_boolean(e->extrapolated));
    if (e->extrapolated)
        json_object_set_new(j, "joules_total_extrapolated", json_real(e->joules_estimate));
    json_object_set_new(j, "derived_from",
                        have ? json_string(e->extrapolated ? "extrapolated" : "measured")
                             : json_null());
    json_object_set_new(j, "joules_per_flop", json_number_or_null(have, d.per_flop_6nd));
    json_object_set_new(j, "joules_per_flop_counted", json_number_or_null(have, d.per_flop_counted));
    json_object_set_new(j, "gflops_per_watt", json_number_or_null(have, d.gflops_per_watt));
    json_object_set_new(j, "joules_per_token", json_number_or_null(have, d.per_token));
    json_object_set_new(j, "watts", json_number_or_null(have, d.watts));
    json_object_set_new(j, "samples", json_integer((json_int_t)samples));
    json_object_set_new(j, "wraps", json_integer((json_int_t)wraps));
    const int timed = e->total_nodes > 0 && e->nodes[0].start_utc > 0;
    json_object_set_new(j, "sample_interval", json_number_or_null(e->interval > 0, e->interval));
    json_object_set_new(j, "phase_start_utc",
                        json_number_or_null(timed, timed ? e->nodes[0].start_utc : 0));
    json_object_set_new(j, "phase_end_utc",
                        json_number_or_null(timed, timed ? e->nodes[0].stop_utc : 0));
    jf_summary_energy_json(j, s);
    return j;
}

/* A NAN-or-number as JSON: null, never 0, for what was not measured. */
static json_t *json_figure(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *json_reals(const double *v, int64_t n)
{
    json_t *a = json_array();
    for (int64_t i = 0; i < n; i++)
        json_array_append_new(a, json_figure(v[i]));
    return a;
}

/* "quality": validation, the target and the learning figures. */
static json_t *quality_json(const jf_summary_t *s)
{
    const jf_run_t *r = s->run;
    const jf_run_options_t *o = &r->opt;
    jf_quality_t q;
    quality_figures(s, &q);
    json_t *j = json_object();
    json_object_set_new(j, "bits_compressed", json_figure(q.bits));
    json_object_set_new(j, "prequential_tokens", json_count(r->tokens));
    json_object_set_new(j, "ln_vocab", json_real(log((double)o->shape.vocab)));
    json_object_set_new(j, "loss_floor", json_real(r->loss_floor));
    json_object_set_new(j, "joules_per_bit", json_figure(q.learning.joules_per_bit));
    json_object_set_new(j, "bits_per_kilojoule", json_figure(q.learning.bits_per_kilojoule));
    json_object_set_new(j, "temperature", json_real(JF_SUMMARY_TEMPERATURE));
    json_object_set_new(j, "landauer_bit_joules", json_real(q.learning.landauer_bit));
    json_object_set_new(j, "joules_per_bit_over_landauer",
                        json_figure(q.learning.per_bit_over_landauer));
    json_object_set_new(j, "operand_bits", json_real(q.operand_bits));
    json_object_set_new(j, "landauer_flop_joules", json_real(q.learning.landauer_flop));
    json_object_set_new(j, "joules_per_flop_over_landauer",
                        json_figure(q.learning.per_flop_over_landauer));
    json_object_set_new(j, "stopped_by", json_string(r->stop_rule != NULL ? r->stop_rule : ""));
    if (q.validating) {
        json_t *v = json_object();
        json_t *steps = json_array();
        for (int64_t i = 0; i < r->nevals; i++)
            json_array_append_new(steps, json_integer(r->eval_step[i]));
        json_object_set_new(v, "every", json_integer(o->eval_every));
        json_object_set_new(v, "tokens", json_count(r->eval_tokens));
        json_object_set_new(v, "sequences", json_count(r->eval_seqs));
        json_object_set_new(v, "evaluations", json_integer(r->nevals));
        json_object_set_new(v, "seconds", json_real(r->eval_seconds));
        json_object_set_new(v, "joules", json_figure(q.eval_joules));
        json_object_set_new(v, "flops_counted", json_count(q.eval_flops));
        json_object_set_new(v, "flops_exact", json_count_str(q.eval_flops));
        json_object_set_new(v, "loss_first", json_figure(q.val_first));
        json_object_set_new(v, "loss_last", json_figure(q.val_last));
        json_object_set_new(v, "loss_best", json_figure(r->val_loss_best));
        json_object_set_new(v, "learned_fraction", json_figure(q.learned_fraction));
        json_object_set_new(v, "steps", steps);
        json_object_set_new(v, "losses", json_reals(r->eval_loss, r->nevals));
        json_object_set_new(v, "train_seconds", json_reals(r->eval_train_seconds, r->nevals));
        json_object_set_new(j, "validation", v);
    } else {
        json_object_set_new(j, "validation", json_null());
    }
    if (o->target_loss > 0) {
        const int hit = r->target_reached;
        json_t *t = json_object();
        json_object_set_new(t, "loss", json_real(o->target_loss));
        json_object_set_new(t, "reached", json_boolean(hit));
        json_object_set_new(t, "best_loss", json_figure(r->val_loss_best));
        json_object_set_new(t, "steps", hit ? json_integer(r->steps_to_target) : json_null());
        json_object_set_new(t, "warmup_steps", json_integer(o->warmup));
        json_object_set_new(t, "tokens", hit ? json_count(r->tokens) : json_null());
        json_object_set_new(t, "flops_counted",
                            hit ? json_count(jf_ledger_total(&r->ledger)) : json_null());
        json_object_set_new(t, "seconds", hit ? json_real(r->seconds) : json_null());
        json_object_set_new(t, "joules", json_figure(hit ? q.energy.joules : NAN));
        json_object_set_new(t, "eval_seconds", hit ? json_real(r->eval_seconds) : json_null());
        json_object_set_new(t, "eval_joules", json_figure(hit ? q.eval_joules : NAN));
        json_object_set_new(j, "target", t);
    } else {
        json_object_set_new(j, "target", json_null());
    }
    return j;
}

/* The run's configuration fields the JSON summary shares with /config
 * (out/jf_run_fields.c), under the same names. */
static void run_fields_json(json_t *j, const jf_run_t *r)
{
    for (size_t i = 0; i < jf_run_nfields; i++) {
        const jf_run_field_t *f = &jf_run_fields[i];
        if (!(f->flags & JF_RUN_JSON))
            continue;
        const jf_run_value_t v = jf_run_field_value(f, r);
        json_t *x = NULL;
        switch (v.type) {
        case JF_RUN_VAL_I64:
            x = f->flags & JF_RUN_JSON_BOOL ? json_boolean(v.i) : json_integer(v.i);
            break;
        case JF_RUN_VAL_U64: x = json_count(v.u); break;
        case JF_RUN_VAL_F64:
            x = json_real(f->flags & JF_RUN_JSON_LOSS && !isfinite(v.f) ? -1 : v.f);
            break;
        case JF_RUN_VAL_STR: x = json_string(v.s); break;
        }
        json_object_set_new(j, f->name, x);
    }
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
    run_fields_json(j, r);
    json_object_set_new(j, "seed", json_count(o->seed));
    json_object_set_new(j, "overlap", json_boolean(o->overlap));
    json_object_set_new(j, "optimizer",
                        json_pack("{s:s, s:f}", "name", JF_RUN_OPTIMIZER, "lr", o->lr));
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
    json_object_set_new(j, "bf16_converted_elements", json_count(L->bf16_converted));
    json_object_set_new(j, "gemm", gemm_json(s));
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
    json_object_set_new(j, "flops_per_second", json_real(flop_rate(r)));
    json_object_set_new(j, "flops_per_second_gemm", json_real(gemm_rate(r)));
    json_object_set_new(j, "fraction_of_peak",
                        r->peak_flops > 0 ? json_real(flop_rate(r) / r->peak_flops) : json_null());
    json_object_set_new(j, "tokens_per_second",
                        json_real(r->seconds > 0 ? (double)r->tokens / r->seconds : 0));
    json_object_set_new(j, "loss_finite", json_boolean(isfinite(r->loss_last)));
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
    if (s->placement != NULL)
        json_object_set_new(j, "cpu", jf_cpu_json(&s->placement->cpu, s->placement->cpu_uniform));
    json_object_set_new(j, "memory",
                        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "predicted_peak_rss_bytes",
                                  (json_int_t)r->predicted_bytes, "predicted_model_bytes_per_rank",
                                  (json_int_t)r->predicted_model_bytes, "baseline_rss_bytes",
                                  (json_int_t)r->baseline_bytes, "allreduce_scratch_bytes",
                                  (json_int_t)r->scratch_bytes, "gemm_workspace_bytes",
                                  (json_int_t)r->gemm_workspace_bytes, "peak_rss_bytes_max_rank",
                                  (json_int_t)r->peak_rss_bytes));
    json_t *memory = json_object_get(j, "memory");
    json_object_set_new(memory, "huge_pages",
                        r->huge_pages != NULL ? json_string(r->huge_pages) : json_null());
    json_object_set_new(memory, "huge_page_bytes_min_rank",
                        r->huge_page_bytes_known ? json_integer((json_int_t)r->huge_page_bytes)
                                                 : json_null());
    json_t *warnings = json_array();
    for (int i = 0; s->placement != NULL && i < s->placement->nwarnings; i++)
        json_array_append_new(warnings, json_string(s->placement->warnings[i]));
    json_object_set_new(j, "warnings", warnings);
    json_object_set_new(j, "verify", checks_json(s));
    if (s->energy != NULL) {
        json_object_set_new(j, "energy", energy_json(s));
        json_object_set_new(j, "sharing", sharing_json(s->energy));
    }
    json_object_set_new(j, "quality", quality_json(s));
    json_object_set_new(j, "results_file",
                        s->results_path && s->results_path[0] &&
                                !(s->results_error && s->results_error[0])
                            ? json_string(s->results_path)
                            : json_null());
    json_object_set_new(j, "status", json_string(jf_summary_status(s)));
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
