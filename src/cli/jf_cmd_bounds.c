/* jf_cmd_bounds.c: `jflop bounds`, thermodynamic lower bounds for a model
 * no one ran here, and the paper's Table 1 recomputed. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/jf_bounds.h"
#include "analysis/jf_result_read.h"
#include "core/jf_error.h"
#include "core/jf_shape.h"
#include "cli/jf_cmd.h"

static int paper_table1(int as_json)
{
    jf_table1_row_t rows[8];
    const int n = jf_paper_table1(rows, 8);
    json_t *arr = json_array();
    if (!as_json)
        printf("Tkachenko (arXiv:2503.09980) Table 1, bounds columns, J/token at 300 K: "
               "jflop's recomputation from the equations beside the paper's figure\n"
               "%-9s %-11s %-34s %11s %11s %9s\n", "function", "model", "column", "computed",
               "paper", "paper/jf");
    for (int i = 0; i < n; i++) {
        const jf_table1_row_t *r = &rows[i];
        const int have_paper = !isnan(r->paper);
        const double ratio = r->computed > 0 && have_paper ? r->paper / r->computed : NAN;
        if (as_json) {
            json_t *o = json_pack("{s:s, s:s, s:s, s:f, s:s}", "function", r->function, "model",
                                  r->model, "column", r->column, "computed_j_per_token",
                                  r->computed, "assumptions", r->assumptions);
            json_object_set_new(o, "paper_j_per_token", have_paper ? json_real(r->paper)
                                                                   : json_null());
            json_object_set_new(o, "explanation", json_string(r->explanation));
            json_array_append_new(arr, o);
            continue;
        }
        char paper[32], ratio_s[32];
        snprintf(paper, sizeof paper, have_paper ? "%.3g" : "-", r->paper);
        snprintf(ratio_s, sizeof ratio_s, isnan(ratio) ? "-" : "%.2f", ratio);
        printf("%-9s %-11s %-34s %11.3g %11s %9s\n", r->function, r->model, r->column,
               r->computed, paper, ratio_s);
        printf("          assumes: %s\n", r->assumptions);
        if (r->explanation[0] != '\0')
            printf("          differs: %s\n", r->explanation);
    }
    if (as_json) {
        json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        printf("\n");
    } else {
        printf("The paper's 'current' column (4 J/token Llama 65B inference, 0.2 J/token "
               "DeepSeek-V3 training) is measured by others, not recomputed here.\n");
    }
    json_decref(arr);
    return 0;
}

int jf_cmd_bounds(int argc, char **argv)
{
    double n = 0, d = 0, na = 0, t = 300, bits = 0, nu = 0, nua = 0;
    int table = 0, as_json = 0, prec = -1;
    const char *run_path = NULL, *prec_name = NULL;
    static const char *const precisions[] = {"fp32", "fp64", "bf16", NULL};
    const jf_cmd_arg_t args[] = {
        {"params", JF_ARG_COUNT, &n, NULL},
        {"tokens", JF_ARG_COUNT, &d, NULL},
        {"active-params", JF_ARG_COUNT, &na, NULL},
        JF_CMD_ARGS_PHYSICS(&t, &bits),
        {"precision", JF_ARG_CHOICE, &prec_name, precisions},
        {"run", JF_ARG_STRING, &run_path, NULL},
        {"neurons", JF_ARG_COUNT, &nu, NULL},
        {"active-neurons", JF_ARG_COUNT, &nua, NULL},
        {"paper-table1", JF_ARG_FLAG, &table, NULL},
        JF_CMD_ARGS_JSON(&as_json),
    };
    const int stop = JF_CMD_ARGS("bounds", argc, argv, args);
    if (stop != JF_CMD_GO_ON)
        return stop;
    if (prec_name != NULL)
        prec = jf_precision_parse(prec_name);
    if (optind < argc) {
        fprintf(stderr, "jflop bounds: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (table)
        return paper_table1(as_json);
    if (run_path != NULL) {
        /* N, D and the operand width of a run, unless given */
        jf_result_t run;
        char msg[JF_MSG_LEN];
        if (jf_result_read(run_path, &run, msg, sizeof msg) != JF_OK) {
            fprintf(stderr, "jflop bounds: %s\n", msg);
            return 2;
        }
        n = n > 0 ? n : (double)run.n_params;
        d = d > 0 ? d : (double)run.tokens;
        prec = prec >= 0 ? prec : jf_precision_parse(run.precision);
    }
    /* bits per FLOP: --bits, else the precision's operand width, else 16 */
    if (bits <= 0)
        bits = prec >= 0 ? jf_precision_bits((jf_precision_t)prec) : 16;
    if (n == 0 || d == 0) {
        fprintf(stderr, "jflop bounds: --params and --tokens are required (or --paper-table1)\n");
        return 2;
    }
    if (na == 0)
        na = n;
    if (na > n) {
        fprintf(stderr, "jflop bounds: --active-params %.6g is more than --params %.6g\n", na, n);
        return 2;
    }
    if ((nu > 0) != (nua > 0) || nua > nu) {
        fprintf(stderr, "jflop bounds: --neurons and --active-neurons go together, with "
                        "active <= total\n");
        return 2;
    }
    const double flops = 6 * n * d;
    const double landauer = flops * jf_landauer_flop(bits, t);
    const double analog = jf_bound_training_analog(n, d, t);
    const double digital = jf_bound_training_digital(na, d, t);
    const double infer = nu > 0 ? jf_bound_inference_dynamic(nu, nua, t) : NAN;
    if (as_json) {
        json_t *o = json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                              "params", n, "active_params", na, "tokens", d, "temperature_k", t,
                              "bits", bits, "flops_6nd", flops, "landauer_j", landauer,
                              "landauer_j_per_token", landauer / d, "analog_training_j_eq16",
                              analog, "analog_training_j_per_token", analog / d,
                              "digital_training_j_eq17", digital,
                              "digital_training_j_per_token", digital / d);
        json_object_set_new(o, "inference_dynamic_j_per_token_eq5",
                            isnan(infer) ? json_null() : json_real(infer));
        json_object_set_new(o, "inference_quasistatic_j_per_token_eq7", json_real(0));
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        printf("\n");
        json_decref(o);
        return 0;
    }
    printf("Thermodynamic lower bounds (Tkachenko, arXiv:2503.09980) at T = %g K\n", t);
    printf("N = %.6g parameters (N_a = %.6g active), D = %.6g tokens, 6ND = %.6g FLOPs\n", n,
           na, d, flops);
    printf("%-52s %14s %14s\n", "bound", "J", "J/token");
    printf("%-52s %14.4g %14.4g\n", "Landauer, 6ND FLOPs x bits k_B T ln 2", landauer,
           landauer / d);
    printf("  (%g bits per FLOP: %.4g J per FLOP)\n", bits, jf_landauer_flop(bits, t));
    printf("%-52s %14.4g %14.4g\n", "digital training, Eq. 17: 1e2 N_a D k_B T", digital,
           digital / d);
    printf("%-52s %14.4g %14.4g\n", "analog training, Eq. 16: 2 N D k_B T", analog,
           analog / d);
    if (!isnan(infer))
        printf("%-52s %14s %14.4g\n", "inference, dynamic analog, Eq. 5", "-", infer);
    printf("%-52s %14s %14d\n", "inference, quasi-static, Eq. 7", "-", 0);
    return 0;
}

