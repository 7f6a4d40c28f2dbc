/* jf_cmd_claim.c: `jflop claim`, published training-energy claims checked
 * against their hardware and the thermodynamic bounds (analysis/jf_claim),
 * optionally predicted from a measured jflop-run. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/jf_bounds.h"
#include "analysis/jf_claim.h"
#include "analysis/jf_claim_tables.h"
#include "analysis/jf_result_read.h"
#include "cli/jf_cmd.h"
#include "out/jf_table.h"

int jf_cmd_claim(int argc, char **argv)
{
    static const char *const table_names[] = {"claims", "checks", "measured", NULL};
    const char *claims_path = NULL, *hw_path = NULL, *measured_path = NULL, *run_hw = NULL;
    const char *only = NULL, *out_dir = NULL;
    jf_claim_opts_t o = {300.0, 0};
    jf_format_t format = JF_FMT_TABLE;
    jf_hw_table_t hw = {"", 0, NULL};
    jf_claim_set_t set = {"", 0, NULL};
    jf_result_t run;
    jf_claim_eval_t *ev = NULL;
    char why[JF_MSG_LEN];
    int status = 2;

    const jf_cmd_arg_t args[] = {
        {"claims", JF_ARG_STRING, &claims_path, NULL},
        {"hardware", JF_ARG_STRING, &hw_path, NULL},
        {"measured", JF_ARG_STRING, &measured_path, NULL},
        {"measured-hardware", JF_ARG_STRING, &run_hw, NULL},
        JF_CMD_ARGS_TABLES(&format, table_names, &only, &out_dir),
        JF_CMD_ARGS_PHYSICS(&o.temperature, &o.bits),
    };
    const int stop = JF_CMD_ARGS("claim", argc, argv, args);
    if (stop != JF_CMD_GO_ON)
        return stop;
    if (only != NULL && strcmp(only, "measured") == 0 && measured_path == NULL) {
        fprintf(stderr, "jflop claim: --table measured needs --measured FILE.h5\n");
        return 2;
    }
    if (out_dir != NULL && mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "jflop claim: --out %s: %s\n", out_dir, strerror(errno));
        return 2;
    }
    if (run_hw != NULL && measured_path == NULL) {
        fprintf(stderr, "jflop claim: --measured-hardware needs --measured FILE.h5\n");
        return 2;
    }
    if (jf_hw_load(hw_path, &hw, why, sizeof why) != JF_OK) {
        fprintf(stderr, "jflop claim: %s\n", why);
        return 2;
    }
    if (jf_claims_load(claims_path, &hw, &set, why, sizeof why) != JF_OK) {
        fprintf(stderr, "jflop claim: %s\n", why);
        goto cleanup;
    }
    if (run_hw != NULL && jf_hw_find(&hw, run_hw) == NULL) {
        fprintf(stderr, "jflop claim: --measured-hardware: unknown hardware '%s' (not in %s)\n",
                run_hw, hw.origin);
        goto cleanup;
    }

    /* the claims to evaluate: those named, in the order named, else all */
    const int nsel = optind < argc ? argc - optind : set.n;
    const jf_claim_t **sel = calloc((size_t)(nsel > 0 ? nsel : 1), sizeof *sel);
    int nrows = 0;
    if (sel == NULL) {
        fprintf(stderr, "jflop claim: out of memory\n");
        goto cleanup;
    }
    for (int i = 0; i < nsel; i++) {
        sel[i] = optind < argc ? jf_claims_find(&set, argv[optind + i]) : &set.claims[i];
        if (sel[i] == NULL) {
            char list[400] = "";
            for (int k = 0; k < set.n; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "",
                         set.claims[k].id);
            fprintf(stderr, "jflop claim: no claim named '%s' in %s (known: %s)\n",
                    argv[optind + i], set.origin, list);
            free(sel);
            goto cleanup;
        }
        nrows += jf_claim_nends(sel[i]);
    }
    if (measured_path != NULL) {
        if (jf_result_read(measured_path, &run, why, sizeof why) != JF_OK) {
            fprintf(stderr, "jflop claim: --measured: %s\n", why);
            free(sel);
            goto cleanup;
        }
        if (!run.have_joules || run.flops_counted == 0) {
            fprintf(stderr, "jflop claim: --measured %s: no measured energy (energy status '%s'): "
                            "nothing to predict from\n", measured_path, run.energy_status);
            free(sel);
            goto cleanup;
        }
    }
    ev = calloc((size_t)(nrows > 0 ? nrows : 1), sizeof *ev);
    if (ev == NULL) {
        fprintf(stderr, "jflop claim: out of memory\n");
        free(sel);
        goto cleanup;
    }
    int row = 0, bad = 0;
    for (int i = 0; i < nsel; i++)
        for (int end = 0; end < jf_claim_nends(sel[i]); end++) {
            jf_claim_evaluate(sel[i], &hw, end, &o, &ev[row]);
            bad += ev[row].verdict != JF_CLAIM_CONSISTENT;
            row++;
        }
    free(sel);

    jf_table_t tables[3];
    int ntables = 2;
    jf_claim_table_claims(ev, nrows, &set, &hw, &o, &tables[0]);
    jf_claim_table_checks(ev, nrows, &tables[1]);
    if (measured_path != NULL)
        jf_claim_table_measured(ev, nrows, &run, run_hw, &o, &tables[ntables++]);
    if (jf_cmd_emit_tables("claim", tables, ntables, format, only, out_dir) != 0) {
        status = 1;
        goto cleanup;
    }
    status = bad > 0 ? 1 : 0;
cleanup:
    free(ev);
    jf_claims_free(&set);
    jf_hw_free(&hw);
    return status;
}
