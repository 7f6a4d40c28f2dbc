/* bench_overlap.c: does --overlap save time?
 *
 * One model and one trainer on every rank; training steps alternate between
 * the default (one chunked MPI_Allreduce after backward) and --overlap (each
 * block's MPI_Iallreduce started as backward finishes it), in ABBA order so
 * neither side always runs first. Each step is timed between barriers; the
 * medians are compared. Both modes give bit-identical weights, so switching
 * between steps changes nothing but the timing.
 *
 * Usage: bench_overlap [--reps N] [--json FILE] [-- jflop-run flags] */
#include <jansson.h>
#include <mpi.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_args.h"
#include "bench_row.h"
#include "bench_stats.h"
#include "bench_train.h"
#include "train/jf_data.h"
#include "train/jf_model.h"
#include "train/jf_options.h"
#include "train/jf_train.h"

#define TARGET_RATIO 1.0  /* with --overlap / without: below 1 saves time */

static double timed_step(jf_trainer_t *tr, int overlap, uint64_t step, jf_ledger_t *ledger)
{
    jf_trainer_set_overlap(tr, overlap);
    return bench_timed_step(tr, step, ledger);
}

int main(int argc, char **argv)
{
    int reps = 7, rank, ranks;
    const char *json = NULL;
    jf_run_options_t opt;
    char msg[JF_MSG_LEN];

    /* with the GEMM back-end a run would choose */
    if (bench_parse_args("bench_overlap", "--reps", &reps, &json, argc, argv, &opt) != 0 ||
        bench_train_start("bench_overlap", &opt, &argc, &argv, &rank, &ranks) != 0)
        return 2;

    jf_model_t *model = NULL;
    jf_data_t data;
    jf_trainer_t tr;
    jf_ledger_t ledger;
    double *t_off = calloc((size_t)reps, sizeof *t_off);
    double *t_on = calloc((size_t)reps, sizeof *t_on);
    if (t_off == NULL || t_on == NULL ||
        jf_model_create(&opt.shape, opt.batch, opt.precision, opt.threads, opt.seed, &model,
                        msg, sizeof msg) != JF_OK ||
        jf_data_init(&data, opt.seed, opt.shape.vocab, opt.shape.ctx) != JF_OK ||
        jf_trainer_init(&tr, model, &data, MPI_COMM_WORLD, opt.batch, opt.lr) != JF_OK) {
        fprintf(stderr, "bench_overlap: rank %d: cannot set up the model: %s\n", rank, msg);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    jf_mul_choice_t mul;  /* the product with GELU' as a run runs it */
    jf_trainer_begin_mul_choice(&tr);
    jf_ledger_clear(&ledger);
    uint64_t step = 0;
    timed_step(&tr, 0, step++, &ledger);  /* warm both paths */
    timed_step(&tr, 1, step++, &ledger);
    jf_trainer_finish_mul_choice(&tr, &mul);
    for (int r = 0; r < reps; r++) {
        const int first = r % 2;  /* ABBA: off,on / on,off / ... */
        double t = timed_step(&tr, first, step++, &ledger);
        *(first ? &t_on[r] : &t_off[r]) = t;
        t = timed_step(&tr, !first, step++, &ledger);
        *(first ? &t_off[r] : &t_on[r]) = t;
    }
    const double off = bench_median(t_off, reps), on = bench_median(t_on, reps);
    const double ratio = on / off;
    if (rank == 0) {
        const char *prec = jf_precision_name(opt.precision);
        printf("overlap   %-10s %-5s %d ranks: step %.4f s with --overlap, %.4f s without: "
               "%.4f (target < %.2f)\n", opt.preset, prec, ranks, on, off, ratio, TARGET_RATIO);
        if (json != NULL) {
            char id[96], name[96];
            snprintf(id, sizeof id, "overlap/%s/%s", opt.preset, prec);
            bench_train_name(name, sizeof name, &opt, ranks);
            json_t *rows = json_array();
            json_array_append_new(
                rows, bench_row(id, "--overlap: step time with / without", name, on, "s",
                                "median step time with --overlap", off, "s",
                                "median step time without (one allreduce after backward)",
                                ratio, "<", TARGET_RATIO, "ratio"));
            json_t *j = json_pack("{s:s, s:o, s:s, s:s, s:i, s:i, s:i, s:f, s:f, s:f, s:f}",
                                  "benchmark", "overlap_step_time", "rows", rows, "preset",
                                  opt.preset, "precision", prec, "ranks", ranks,
                                  "threads_per_rank", opt.threads, "reps", reps,
                                  "seconds_with_overlap_median", on,
                                  "seconds_without_overlap_median", off, "ratio", ratio,
                                  "saved_seconds_per_step", off - on);
            if (j == NULL || json_dump_file(j, json, JSON_INDENT(2)) != 0)
                fprintf(stderr, "bench_overlap: cannot write %s\n", json);
            json_decref(j);
        }
    }
    free(t_off);
    free(t_on);
    jf_trainer_free(&tr);
    jf_data_free(&data);
    jf_model_destroy(model);
    MPI_Finalize();
    return 0;
}
