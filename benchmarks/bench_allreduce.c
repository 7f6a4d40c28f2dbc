/* bench_allreduce.c: jflop's gradient allreduce against a bare
 * MPI_Allreduce of the same size, in the manner of the OSU allreduce test
 * (warm-up, then timed iterations, barrier-separated, slowest rank counts).
 * jflop sums a model's whole gradient array in place (jf_allreduce_sum);
 * the bare test sums a separate send buffer into a receive buffer.
 *
 * Usage: bench_allreduce [--iters N] [--json FILE] [-- jflop-run flags] */
#include <jansson.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_args.h"
#include "bench_row.h"
#include "bench_stats.h"
#include "train/jf_model.h"
#include "train/jf_options.h"
#include "train/jf_train.h"

#define TARGET_RATIO 0.90

int main(int argc, char **argv)
{
    int iters = 20, rank, ranks, provided;
    const char *json = NULL;
    jf_run_options_t opt;
    char msg[JF_MSG_LEN];

    if (bench_parse_args("bench_allreduce", "--iters", &iters, &json, argc, argv, &opt) != 0)
        return 2;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);

    jf_model_t *model = NULL;
    if (jf_model_create(&opt.shape, 1, opt.precision, 1, opt.seed, &model, msg, sizeof msg) !=
        JF_OK) {
        fprintf(stderr, "bench_allreduce: %s\n", msg);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    const uint64_t count = jf_model_nweights(model);
    const size_t elem = opt.precision == JF_FP64 ? sizeof(double) : sizeof(float);
    const MPI_Datatype type = opt.precision == JF_FP64 ? MPI_DOUBLE : MPI_FLOAT;
    char *send = calloc(count, elem), *recv = calloc(count, elem);
    double *t_jf = calloc((size_t)iters, sizeof *t_jf), *t_bare = calloc((size_t)iters, sizeof *t_bare);
    if (send == NULL || recv == NULL || t_jf == NULL || t_bare == NULL || count > 0x7fffffff) {
        fprintf(stderr, "bench_allreduce: cannot allocate, or the gradient exceeds INT_MAX\n");
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    /* warm-up both paths, then alternate them */
    jf_allreduce_sum(jf_model_grads(model), count, opt.precision, MPI_COMM_WORLD);
    MPI_Allreduce(send, recv, (int)count, type, MPI_SUM, MPI_COMM_WORLD);
    for (int i = 0; i < iters; i++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        jf_allreduce_sum(jf_model_grads(model), count, opt.precision, MPI_COMM_WORLD);
        double dt = MPI_Wtime() - t0;
        MPI_Allreduce(&dt, &t_jf[i], 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        MPI_Barrier(MPI_COMM_WORLD);
        t0 = MPI_Wtime();
        MPI_Allreduce(send, recv, (int)count, type, MPI_SUM, MPI_COMM_WORLD);
        dt = MPI_Wtime() - t0;
        MPI_Allreduce(&dt, &t_bare[i], 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    }
    const double bytes = (double)count * (double)elem;
    const double tj = bench_median(t_jf, iters), tb = bench_median(t_bare, iters);
    const double ratio = tb / tj;  /* bandwidth ratio = inverse time ratio */
    if (rank == 0) {
        char id[96], name[96];
        const char *prec = jf_precision_name(opt.precision);
        printf("allreduce %-10s %-5s %.1f MB: jflop %.3f GB/s, bare %.3f GB/s: %.4f "
               "(target >= %.2f)\n", opt.preset, prec, bytes / 1e6, bytes / tj / 1e9,
               bytes / tb / 1e9, ratio, TARGET_RATIO);
        if (json != NULL) {
            snprintf(id, sizeof id, "allreduce_vs_bare/%s/%s", opt.preset, prec);
            snprintf(name, sizeof name, "%s %s, %.1f MB, %d ranks", opt.preset, prec,
                     bytes / 1e6, ranks);
            json_t *rows = json_array();
            json_array_append_new(
                rows, bench_row(id, "gradient allreduce vs bare MPI_Allreduce", name,
                                bytes / tj / 1e9, "GB/s",
                                "jflop's in-place chunked gradient sum (median, slowest rank)",
                                bytes / tb / 1e9, "GB/s",
                                "one MPI_Allreduce, separate buffers (median, slowest rank)",
                                ratio, ">=", TARGET_RATIO, "ratio"));
            json_t *j = json_pack("{s:s, s:o, s:s, s:s, s:i, s:f, s:f, s:f, s:f, s:f, s:i}",
                                  "benchmark", "allreduce_vs_bare_mpi", "rows", rows,
                                  "preset", opt.preset, "precision", prec, "ranks", ranks,
                                  "bytes", bytes, "jflop_seconds_median", tj,
                                  "bare_seconds_median", tb, "ratio", ratio, "target",
                                  TARGET_RATIO, "iterations", iters);
            if (j == NULL || json_dump_file(j, json, JSON_INDENT(2)) != 0)
                fprintf(stderr, "bench_allreduce: cannot write %s\n", json);
            json_decref(j);
        }
    }
    free(send);
    free(recv);
    free(t_jf);
    free(t_bare);
    jf_model_destroy(model);
    MPI_Finalize();
    return 0;
}
