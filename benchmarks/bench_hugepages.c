/* bench_hugepages.c: do transparent huge pages for the model's arrays
 * save step time (jflop-run's default; --no-huge-pages turns them off)?
 *
 * Two models and trainers on every rank, the same seed and data: one on
 * 4 KiB pages, one whose arrays asked for huge pages (core/jf_hugepages.h).
 * Their training steps alternate in ABBA order so neither side always runs
 * first; each step is timed between barriers and the medians compared.
 * The row also says what the kernel gave (AnonHugePages of the process
 * after the second model's arrays were allocated and touched), since a
 * kernel in "never" mode, or without free huge pages, gives none.
 *
 * Usage: bench_hugepages [--reps N] [--json FILE] [-- jflop-run flags] */
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
#include "core/jf_hugepages.h"
#include "train/jf_data.h"
#include "train/jf_model.h"
#include "train/jf_options.h"
#include "train/jf_train.h"

#define TARGET_RATIO 1.0  /* huge pages / 4 KiB pages: below 1 saves time */

int main(int argc, char **argv)
{
    int reps = 7, rank, ranks;
    const char *json = NULL;
    jf_run_options_t opt;
    char msg[JF_MSG_LEN] = "out of memory";

    if (bench_parse_args("bench_hugepages", "--reps", &reps, &json, argc, argv, &opt) != 0 ||
        bench_train_start("bench_hugepages", &opt, &argc, &argv, &rank, &ranks) != 0)
        return 2;

    /* [0] on 4 KiB pages, [1] asking for huge pages */
    jf_model_t *model[2] = {NULL, NULL};
    jf_trainer_t tr[2];
    jf_data_t data;
    jf_ledger_t ledger;
    double *t[2] = {calloc((size_t)reps, sizeof(double)), calloc((size_t)reps, sizeof(double))};
    int ok = t[0] != NULL && t[1] != NULL &&
             jf_data_init(&data, opt.seed, opt.shape.vocab, opt.shape.ctx) == JF_OK;
    for (int h = 0; h < 2 && ok; h++) {
        jf_model_use_huge_pages(h);
        ok = jf_model_create(&opt.shape, opt.batch, opt.precision, opt.threads, opt.seed,
                             &model[h], msg, sizeof msg) == JF_OK &&
             jf_trainer_init(&tr[h], model[h], &data, MPI_COMM_WORLD, opt.batch, opt.lr) == JF_OK;
    }
    if (!ok) {
        fprintf(stderr, "bench_hugepages: rank %d: cannot set up the models: %s\n", rank, msg);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    const jf_huge_t *huge = jf_model_huge(model[1]);
    jf_ledger_clear(&ledger);
    uint64_t step[2] = {0, 0};
    for (int h = 0; h < 2; h++) {  /* the product with GELU' as a run runs it; warm both */
        jf_mul_choice_t mul;
        jf_trainer_begin_mul_choice(&tr[h]);
        bench_timed_step(&tr[h], step[h]++, &ledger);
        bench_timed_step(&tr[h], step[h]++, &ledger);
        jf_trainer_finish_mul_choice(&tr[h], &mul);
    }
    long long given = jf_huge_resident_bytes(), given_min = 0;
    MPI_Allreduce(&given, &given_min, 1, MPI_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
    for (int r = 0; r < reps; r++) {
        const int first = r % 2;  /* ABBA: 4k,huge / huge,4k / ... */
        t[first][r] = bench_timed_step(&tr[first], step[first]++, &ledger);
        t[!first][r] = bench_timed_step(&tr[!first], step[!first]++, &ledger);
    }
    const double small = bench_median(t[0], reps), big = bench_median(t[1], reps);
    const double ratio = big / small;
    if (rank == 0) {
        const char *prec = jf_precision_name(opt.precision);
        char how[200], given_text[48] = "an unknown amount";
        if (given_min >= 0)
            snprintf(given_text, sizeof given_text, "%.1f MiB", (double)given_min / 1048576.0);
        snprintf(how, sizeof how, "%s (THP mode %s); %s of the process on them (smallest rank)",
                 huge->requested ? "requested" : huge->note, huge->mode, given_text);
        printf("hugepages %-10s %-5s %d ranks: step %.4f s on huge pages, %.4f s on 4 KiB pages: "
               "%.4f (target < %.2f); %s\n", opt.preset, prec, ranks, big, small, ratio,
               TARGET_RATIO, how);
        if (json != NULL) {
            char id[96], name[96];
            snprintf(id, sizeof id, "hugepages/%s/%s", opt.preset, prec);
            bench_train_name(name, sizeof name, &opt, ranks);
            json_t *rows = json_array();
            json_array_append_new(
                rows, bench_row(id, "huge pages: step time with / without", name, big, "s",
                                "median step time, model arrays on transparent huge pages",
                                small, "s", "median step time, model arrays on 4 KiB pages",
                                ratio, "<", TARGET_RATIO, "ratio"));
            json_t *j = json_pack("{s:s, s:o, s:s, s:s, s:i, s:i, s:i, s:f, s:f, s:f, s:s, s:I}",
                                  "benchmark", "hugepages_step_time", "rows", rows, "preset",
                                  opt.preset, "precision", prec, "ranks", ranks,
                                  "threads_per_rank", opt.threads, "reps", reps,
                                  "seconds_huge_pages_median", big,
                                  "seconds_4k_pages_median", small, "ratio", ratio,
                                  "huge_pages", how, "huge_page_bytes_min_rank",
                                  (json_int_t)given_min);
            if (j == NULL || json_dump_file(j, json, JSON_INDENT(2)) != 0)
                fprintf(stderr, "bench_hugepages: cannot write %s\n", json);
            json_decref(j);
        }
    }
    for (int h = 0; h < 2; h++) {
        free(t[h]);
        jf_trainer_free(&tr[h]);
        jf_model_destroy(model[h]);
    }
    jf_data_free(&data);
    MPI_Finalize();
    return 0;
}
