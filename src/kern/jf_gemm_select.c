/* jf_gemm_select.c: GEMM back-end and kernel-set choice by measurement, see
 * jf_gemm_select.h. Each candidate runs in its own forked child: BLIS can
 * only be given a kernel set before it starts, a kernel set the CPU cannot
 * run dies of SIGILL there instead of here, and the parent stays free of
 * OpenMP threads (libgomp does not survive a fork). */
#define _GNU_SOURCE
#include "jf_gemm_select.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/jf_child.h"
#include "core/jf_clock.h"
#include "core/jf_rng.h"
#include "core/jf_sysmem.h"
#include "jf_bf16.h"
#include "jf_gemm.h"
#include "jf_gemm_backend.h"

#define MAX_SHAPES 24
/* the token dimension is cut so that no measured GEMM exceeds this */
#define SHAPE_FLOPS_CAP 4e9
#define CHILD_TIMEOUT_S 20.0
/* Every candidate is measured this many times, in ABBA order (the list,
 * then the list reversed), each time in a fresh child with the budget
 * shared out: a pause of the machine (another process, a hypervisor
 * taking the vCPU) slows one measurement, never speeds one up, so each
 * shape's fastest product over the rounds is the figure. One measurement
 * per candidate picked a BLIS set 8 % slower than oneDNN in 1 of 5 runs
 * on a 2-vCPU VM. */
#define ROUNDS 2

typedef struct {
    int64_t m, n, k;
    int trans_a, trans_b;
    double weight;   /* products of this shape per step */
    /* attention's per-(sequence, head) products: one per thread at once,
     * each on 1 thread, as the step issues them */
    int concurrent;
} shape_t;

/* What a child writes back. */
typedef struct {
    int ok;          /* 1 measured and correct */
    int arch;        /* BLIS kernel set that ran (BLIS candidates) */
    int nshapes;     /* shapes timed per pass */
    int timed_out;   /* no answer within the child's time limit */
    double gflops;
    double best[MAX_SHAPES];  /* each timed shape's fastest product, s */
    double workspace;  /* bytes the process grew by, beyond the operands */
    char kernel[64];
    char why[120];
} report_t;

static const char *const slot_backend[JF_NCAND] = {"blis", "blis", "blis", "blis", "onednn"};
static const char *const slot_kernel[JF_NCAND] = {"", "skx", "haswell", "zen3", ""};

jf_err_t jf_gemm_request_check(const jf_gemm_request_t *req, char *msg, size_t msglen)
{
    char names[64];
    jf_gemm_backend_names(names, sizeof names);
    if (strcmp(req->gemm, "auto") != 0) {
        const jf_gemm_backend_t *b = jf_gemm_backend_find(req->gemm);
        if (b == NULL) {
            snprintf(msg, msglen, "--gemm: unknown back-end '%s' (auto, %s%s)", req->gemm,
                     names, strcmp(req->gemm, "onednn") == 0
                                ? "; this jflop was built without oneDNN (configure --with-onednn)"
                                : "");
            return JF_EINVAL;
        }
        if (!(b->precisions & JF_PRECISION_BIT(req->precision))) {
            snprintf(msg, msglen, "--gemm %s: the %s back-end has no %s GEMM", req->gemm,
                     req->gemm, jf_precision_name(req->precision));
            return JF_EINVAL;
        }
    }
    for (int i = 0; jf_gemm_backends[i] != NULL; i++)
        if (jf_gemm_backends[i]->precisions & JF_PRECISION_BIT(req->precision))
            return JF_OK;
    snprintf(msg, msglen,
             "--precision %s: this jflop was built without a back-end for %s GEMMs (%s); "
             "install oneDNN (Debian: libdnnl-dev) and configure --with-onednn",
             jf_precision_name(req->precision), jf_precision_name(req->precision), names);
    return JF_EINVAL;
}

/* 0 forward, 1 backward weights, 2 backward data, 3 attention */
static int shape_kind(const shape_t *x)
{
    return x->concurrent ? 3 : x->trans_a ? 1 : x->trans_b ? 2 : 0;
}

/* The step's distinct GEMMs (jf_model_tmpl.c): dense and head with the
 * token dimension T cut to *t_used, and attention's per-(sequence, head)
 * products; largest share of the step's FLOPs first, kinds in turn. */
static int step_shapes(const jf_gemm_request_t *req, shape_t *s, int64_t *t_used)
{
    const jf_shape_t *sh = &req->shape;
    const int64_t d = sh->d_model, ff = sh->ff, V = sh->vocab, L = sh->layers;
    const int64_t ctx = sh->ctx, dh = sh->heads > 0 ? d / sh->heads : d;
    int64_t T = req->batch * sh->ctx;
    const int64_t widest = ff > 3 * d ? ff : 3 * d;
    const int64_t wide2 = V > widest ? V : widest;
    while (T > 256 && 2.0 * (double)T * (double)wide2 * (double)(d > ff ? d : ff) > SHAPE_FLOPS_CAP)
        T /= 2;
    *t_used = T;
    /* each attention shape twice per layer and (sequence, head) pair */
    const double pairs = 2.0 * (double)L * (double)req->batch * (double)sh->heads;
    const shape_t all[] = {
        /* forward: x W */
        {T, 3 * d, d, 0, 0, (double)L, 0}, {T, d, d, 0, 0, (double)L, 0},
        {T, ff, d, 0, 0, (double)L, 0}, {T, d, ff, 0, 0, (double)L, 0}, {T, V, d, 0, 0, 1, 0},
        /* backward, weights: x^T dy */
        {d, 3 * d, T, 1, 0, (double)L, 0}, {d, d, T, 1, 0, (double)L, 0},
        {d, ff, T, 1, 0, (double)L, 0}, {ff, d, T, 1, 0, (double)L, 0}, {d, V, T, 1, 0, 1, 0},
        /* backward, data: dy W^T */
        {T, d, 3 * d, 0, 1, (double)L, 0}, {T, d, d, 0, 1, (double)L, 0},
        {T, d, ff, 0, 1, (double)L, 0}, {T, ff, d, 0, 1, (double)L, 0}, {T, d, V, 0, 1, 1, 0},
        /* attention: Q K^T and dO V^T; P V and dS K; P^T dO and dS^T Q */
        {ctx, ctx, dh, 0, 1, pairs, 1}, {ctx, dh, ctx, 0, 0, pairs, 1},
        {ctx, dh, ctx, 1, 0, pairs, 1},
    };
    const int n = (int)(sizeof all / sizeof all[0]);
    for (int i = 0; i < n; i++)
        s[i] = all[i];
    /* largest share of the step's FLOPs first (insertion sort, stable) */
    for (int i = 1; i < n; i++) {
        const shape_t x = s[i];
        const double fx = x.weight * (double)x.m * (double)x.n * (double)x.k;
        int j = i - 1;
        while (j >= 0 && s[j].weight * (double)s[j].m * (double)s[j].n * (double)s[j].k < fx) {
            s[j + 1] = s[j];
            j--;
        }
        s[j + 1] = x;
    }
    /* then one of each kind in turn (forward, backward weights, backward
     * data, attention), so that a budget that times only the first few
     * still sees every kind the step runs */
    shape_t by_kind[MAX_SHAPES];
    int used[MAX_SHAPES] = {0}, k = 0;
    while (k < n)
        for (int kind = 0; kind < 4; kind++)
            for (int i = 0; i < n; i++)
                if (!used[i] && shape_kind(&s[i]) == kind) {
                    used[i] = 1;
                    by_kind[k++] = s[i];
                    break;
                }
    for (int i = 0; i < n; i++)
        s[i] = by_kind[i];
    return n;
}

static void fill(void *buf, jf_precision_t p, int64_t n, uint64_t key)
{
    for (int64_t i = 0; i < n; i++) {
        const double v = jf_rng_uniform(key, (uint64_t)i) - 0.5;
        if (p == JF_FP64)
            ((double *)buf)[i] = v;
        else if (p == JF_FP32)
            ((float *)buf)[i] = (float)v;
        else
            ((jf_bf16_t *)buf)[i] = jf_bf16_from_float((float)v);
    }
}

static double value(const void *buf, jf_precision_t p, int64_t i)
{
    return p == JF_FP64 ? ((const double *)buf)[i]
         : p == JF_FP32 ? (double)((const float *)buf)[i]
                        : (double)jf_bf16_to_float(((const jf_bf16_t *)buf)[i]);
}

/* One product checked against a long-double reference of the same
 * (already rounded) operands: only accumulation error may remain. */
static int check_product(const jf_gemm_backend_t *b, jf_precision_t p, char *why, size_t len)
{
    enum { M = 37, N = 29, K = 41 };
    const size_t in = p == JF_FP64 ? 8 : p == JF_FP32 ? 4 : 2, out = p == JF_FP64 ? 8 : 4;
    void *a = malloc(M * K * in), *bb = malloc(K * N * in), *c = calloc(M * N, out);
    int ok = 0;
    if (a == NULL || bb == NULL || c == NULL) {
        snprintf(why, len, "out of memory");
        goto cleanup;
    }
    fill(a, p, M * K, 11);
    fill(bb, p, K * N, 12);
    const jf_gemm_args_t g = {p, 0, 0, M, N, K, K, N, N, 1.0, 0.0, a, bb, c, 1, 0, NULL, 0};
    if (b->gemm(&g, why, len) != JF_OK)
        goto cleanup;
    const double u = p == JF_FP64 ? 0x1p-53 : 0x1p-24;
    ok = 1;
    for (int i = 0; i < M && ok; i++)
        for (int j = 0; j < N && ok; j++) {
            long double ref = 0, mag = 0;
            for (int q = 0; q < K; q++) {
                const long double x = value(a, p, i * K + q) * value(bb, p, q * N + j);
                ref += x;
                mag += fabsl(x);
            }
            const double got = p == JF_FP64 ? ((double *)c)[i * N + j] : ((float *)c)[i * N + j];
            if (!(fabsl(got - ref) <= 2.0L * K * u * mag + 1e-30L))
                ok = 0;
        }
    if (!ok)
        snprintf(why, len, "wrong results on a %dx%dx%d check", M, N, K);
cleanup:
    free(a);
    free(bb);
    free(c);
    return ok;
}

static double max_rss_bytes(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss * 1024.0 : 0;
}

/* One product of shape x on dense operands (leading dimensions as the
 * model's), 0 or -1 with the back-end's reason. */
static int run_product(const jf_gemm_backend_t *b, jf_precision_t p, const shape_t *x,
                       int threads, const void *a, const void *bb, void *c, char *why,
                       size_t whylen)
{
    const jf_gemm_args_t g = {p, x->trans_a, x->trans_b, x->m, x->n, x->k,
                              x->trans_a ? x->m : x->k, x->trans_b ? x->k : x->n, x->n,
                              1.0, 0.0, a, bb, c, threads, 0, NULL, 0};
    return b->gemm(&g, why, whylen) == JF_OK ? 0 : -1;
}

/* Shape x as the step runs it: a dense product on all the rank's threads,
 * or an attention product on each thread at once (its own C each, cstride
 * elements apart). Returns the products done (0 on failure, with why). */
static int run_shape(const jf_gemm_backend_t *b, const jf_gemm_request_t *req, const shape_t *x,
                     const void *a, const void *bb, char *c, size_t cstride, report_t *rep)
{
    if (!x->concurrent || req->threads <= 1)
        return run_product(b, req->precision, x, req->threads, a, bb, c, rep->why,
                           sizeof rep->why) == 0;
    int failed = 0;
#pragma omp parallel num_threads(req->threads) reduction(+ : failed)
    {
        char why[120];
        const size_t t = (size_t)omp_get_thread_num();
        if (run_product(b, req->precision, x, 1, a, bb, c + t * cstride, why, sizeof why) != 0) {
            failed++;
#pragma omp critical(jf_select_why)
            snprintf(rep->why, sizeof rep->why, "%s", why);
        }
    }
    return failed ? 0 : req->threads;
}

/* The step's GEMM rate predicted from per-product times: the products
 * each shape does per step, over the time they would take. */
static double weighted_gflops(const shape_t *s, int n, const double *seconds,
                              const double *products)
{
    double flops = 0, time = 0;
    for (int i = 0; i < n; i++) {
        if (products[i] <= 0)
            continue;
        flops += s[i].weight * 2.0 * (double)s[i].m * (double)s[i].n * (double)s[i].k;
        time += s[i].weight * seconds[i] / products[i];
    }
    return time > 0 ? flops / time * 1e-9 : 0;
}

/* Keep each shape's fastest product of one pass over the shapes. */
static void keep_fastest(int use, const double *seconds, const double *products, double *best)
{
    for (int i = 0; i < use; i++) {
        const double t = products[i] > 0 ? seconds[i] / products[i] : 0;
        if (t > 0 && (best[i] <= 0 || t < best[i]))
            best[i] = t;
    }
}

/* The step's GEMM rate from each shape's fastest product. */
static double fastest_gflops(const shape_t *s, int n, const double *best)
{
    double ones[MAX_SHAPES];
    for (int i = 0; i < n; i++)
        ones[i] = best[i] > 0;
    return weighted_gflops(s, n, best, ones);
}

/* In the child: run the shapes, each pass after the warm-up for this
 * round's share of the budget, keeping each shape's fastest product;
 * rep->nshapes 0 means decide how many fit in half the budget (the first
 * candidate does, the others follow it). */
static void measure(const jf_gemm_backend_t *b, const jf_gemm_request_t *req,
                    const shape_t *s, int nshapes, double rss0, report_t *rep)
{
    const jf_precision_t p = req->precision;
    const size_t in = p == JF_FP64 ? 8 : p == JF_FP32 ? 4 : 2, out = p == JF_FP64 ? 8 : 4;
    const int64_t copies = req->threads > 1 ? req->threads : 1;  /* concurrent C's */
    int64_t amax = 0, bmax = 0, cmax = 0;
    for (int i = 0; i < nshapes; i++) {
        amax = s[i].m * s[i].k > amax ? s[i].m * s[i].k : amax;
        bmax = s[i].k * s[i].n > bmax ? s[i].k * s[i].n : bmax;
        const int64_t cs = s[i].m * s[i].n * (s[i].concurrent ? copies : 1);
        cmax = cs > cmax ? cs : cmax;
    }
    const double operand_bytes = (double)amax * (double)in + (double)bmax * (double)in +
                                 (double)cmax * (double)out;
    const double avail = (double)jf_mem_available();
    void *a = NULL, *bb = NULL;
    char *c = NULL;
    double seconds[MAX_SHAPES] = {0}, products[MAX_SHAPES] = {0};
    if (avail > 0 && operand_bytes > avail / 4) {
        snprintf(rep->why, sizeof rep->why,
                 "out of memory for the measurement (%.3g GiB of operands)",
                 operand_bytes / 1073741824.0);
        goto cleanup;
    }
    a = malloc((size_t)amax * in);
    bb = malloc((size_t)bmax * in);
    c = calloc((size_t)cmax, out);
    if (a == NULL || bb == NULL || c == NULL) {
        snprintf(rep->why, sizeof rep->why, "out of memory for the measurement");
        goto cleanup;
    }
    fill(a, p, amax, 1);
    fill(bb, p, bmax, 2);
    const int decide = rep->nshapes == 0;
    int use = decide ? nshapes : rep->nshapes;
    double t0, spent = 0;
    /* warm-up pass (packing buffers, JIT), and in it the decision */
    t0 = jf_clock_seconds();
    for (int i = 0; i < use; i++) {
        const double ti = jf_clock_seconds();
        const int done = run_shape(b, req, &s[i], a, bb, c, (size_t)(s[i].m * s[i].n) * out, rep);
        if (done == 0)
            goto cleanup;
        seconds[i] += jf_clock_seconds() - ti;
        products[i] += done;
        /* at least the first of each kind (see step_shapes) */
        if (decide && i + 1 >= 4 && jf_clock_seconds() - t0 >= req->budget / 2) {
            use = i + 1;
            break;
        }
    }
    rep->nshapes = use;
    const double warm = jf_clock_seconds() - t0;
    if (!decide && warm > 2 * req->budget) {
        /* far slower than the first candidate: its warm-up pass is figure
         * enough (it only flatters it), and keeps the whole choice short */
        keep_fastest(use, seconds, products, rep->best);
        rep->gflops = fastest_gflops(s, use, rep->best);
        rep->workspace = fmax(0, max_rss_bytes() - rss0 - operand_bytes);
        rep->ok = 1;
        goto cleanup;
    }
    t0 = jf_clock_seconds();
    do {
        for (int i = 0; i < use; i++) {
            const double ti = jf_clock_seconds();
            const int done =
                run_shape(b, req, &s[i], a, bb, c, (size_t)(s[i].m * s[i].n) * out, rep);
            if (done == 0)
                goto cleanup;
            seconds[i] = jf_clock_seconds() - ti;
            products[i] = done;
        }
        keep_fastest(use, seconds, products, rep->best);
        spent = jf_clock_seconds() - t0;
    } while (spent < req->budget / ROUNDS);
    rep->gflops = fastest_gflops(s, use, rep->best);
    rep->workspace = fmax(0, max_rss_bytes() - rss0 - operand_bytes);
    rep->ok = 1;
cleanup:
    free(a);
    free(bb);
    free(c);
}

static void child_main(int slot, int arch, const jf_gemm_request_t *req, const shape_t *s,
                       int nshapes, report_t *rep)
{
    const jf_gemm_backend_t *b = jf_gemm_backend_find(slot_backend[slot]);
    if (b == NULL) {
        snprintf(rep->why, sizeof rep->why, "not built in");
        return;
    }
    omp_set_num_threads(req->threads);
    if (strcmp(b->name, "blis") == 0) {
        if (arch >= 0) {
            char v[16];
            snprintf(v, sizeof v, "%d", arch);
            setenv("BLIS_ARCH_TYPE", v, 1);
        }
        b->kernel(req->precision, rep->kernel, sizeof rep->kernel);  /* starts BLIS */
        rep->arch = jf_blis_arch_id(rep->kernel);
        if (arch >= 0 && rep->arch != arch) {
            snprintf(rep->why, sizeof rep->why, "BLIS ran %s instead", rep->kernel);
            return;
        }
    }
    /* the run's process starts its OpenMP threads and BLIS before its
     * memory baseline: from here on, what this one grows by is the
     * back-end's own (oneDNN's start-up, JIT code, packing buffers,
     * scratchpads) or the measurement's operands */
#pragma omp parallel num_threads(req->threads)
    {
        (void)0;
    }
    double rss0 = max_rss_bytes();
    char why[120] = "";
    if (!b->probe(req->precision, why, sizeof why)) {
        snprintf(rep->why, sizeof rep->why, "%s", why);
        return;
    }
    if (!check_product(b, req->precision, rep->why, sizeof rep->why))
        return;
    if (req->started_before_baseline)
        rss0 = max_rss_bytes();
    measure(b, req, s, nshapes, rss0, rep);
    if (strcmp(b->name, "blis") != 0)
        b->kernel(req->precision, rep->kernel, sizeof rep->kernel);
}

/* Fork, run child_main, collect its report; a child that dies or hangs is
 * a reason, not a failure of the run. */
static void run_child(int slot, int arch, const jf_gemm_request_t *req, const shape_t *s,
                      int nshapes, report_t *rep)
{
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(rep->why, sizeof rep->why, "pipe: %s", strerror(errno));
        return;
    }
    fflush(NULL);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        snprintf(rep->why, sizeof rep->why, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        jf_child_dies_with_parent(parent);
        if (freopen("/dev/null", "w", stderr) == NULL || freopen("/dev/null", "w", stdout) == NULL)
            _exit(3);
        child_main(slot, arch, req, s, nshapes, rep);
        const ssize_t w = write(fds[1], rep, sizeof *rep);
        _exit(w == (ssize_t)sizeof *rep ? 0 : 4);
    }
    close(fds[1]);
    struct pollfd pfd = {fds[0], POLLIN, 0};
    const double deadline = jf_clock_seconds() + CHILD_TIMEOUT_S + 20 * req->budget;
    ssize_t r = -1;
    for (;;) {
        const int left = (int)((deadline - jf_clock_seconds()) * 1000);
        const int ready = left > 0 ? poll(&pfd, 1, left) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready > 0) {
            do {
                r = read(fds[0], rep, sizeof *rep);
            } while (r < 0 && errno == EINTR);
        } else {
            kill(pid, SIGKILL);
        }
        break;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (r != (ssize_t)sizeof *rep) {
        rep->ok = 0;
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
            rep->timed_out = 1;
            snprintf(rep->why, sizeof rep->why, "no answer within %.0f s", CHILD_TIMEOUT_S);
        }
        else if (WIFSIGNALED(status))
            snprintf(rep->why, sizeof rep->why, "died with signal %d (%s)%s", WTERMSIG(status),
                     strsignal(WTERMSIG(status)),
                     WTERMSIG(status) == SIGILL ? ": this CPU lacks its instructions" : "");
        else
            snprintf(rep->why, sizeof rep->why, "failed to start (exit %d)",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
}

static int cpu_has_avx512(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

static int cpu_has_avx2(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

static void rule_out(jf_gemm_candidate_t *c, const char *fmt, const char *arg)
{
    c->considered = 0;
    snprintf(c->note, sizeof c->note, fmt, arg);
}

jf_err_t jf_gemm_select_measure(const jf_gemm_request_t *req, jf_gemm_choice_t *ch,
                                char *msg, size_t msglen)
{
    shape_t shapes[MAX_SHAPES];
    int64_t t_used;
    const int nshapes = step_shapes(req, shapes, &t_used);
    const char *env = getenv("BLIS_ARCH_TYPE");
    const int blis_keep = strcmp(req->blis_arch, "keep") == 0 ||
                          (strcmp(req->blis_arch, "auto") == 0 && env != NULL);
    const int blis_named = !blis_keep && strcmp(req->blis_arch, "auto") != 0;
    int forced_arch = -1;
    const double t0 = jf_clock_seconds();

    memset(ch, 0, sizeof *ch);
    ch->precision = req->precision;
    ch->chosen = -1;
    ch->forced = strcmp(req->gemm, "auto") != 0 || blis_named;
    ch->blis_keep = strcmp(req->blis_arch, "keep") == 0;
    ch->blis_named = blis_named;
    if (blis_named) {
        forced_arch = jf_blis_arch_id(req->blis_arch);
        if (forced_arch < 0) {
            char names[400];
            jf_blis_arch_names(names, sizeof names);
            snprintf(msg, msglen, "--blis-arch: unknown kernel set '%s' (auto, keep, %s)",
                     req->blis_arch, names);
            return JF_EINVAL;
        }
    }
    for (int i = 0; i < JF_NCAND; i++) {
        jf_gemm_candidate_t *c = &ch->cand[i];
        const jf_gemm_backend_t *b = jf_gemm_backend_find(slot_backend[i]);
        snprintf(c->backend, sizeof c->backend, "%s", slot_backend[i]);
        snprintf(c->kernel, sizeof c->kernel, "%s", slot_kernel[i]);
        c->considered = 1;
        if (b == NULL)
            rule_out(c, "not built in (configure --with-%s)", slot_backend[i]);
        else if (!(b->precisions & JF_PRECISION_BIT(req->precision)))
            snprintf(c->note, sizeof c->note, "%s has no %s GEMM",
                     strcmp(b->name, "blis") == 0 ? "BLIS" : "oneDNN",
                     jf_precision_name(req->precision)), c->considered = 0;
        else if (strcmp(req->gemm, "auto") != 0 && strcmp(req->gemm, b->name) != 0)
            rule_out(c, "not a candidate: --gemm %s", req->gemm);
        else if (i == JF_CAND_BLIS_OWN && blis_named)
            snprintf(c->kernel, sizeof c->kernel, "%s", req->blis_arch);
        else if (i > JF_CAND_BLIS_OWN && i < JF_CAND_ONEDNN && (blis_keep || blis_named))
            rule_out(c, "not a candidate: %s",
                     blis_named ? "--blis-arch names the kernel set"
                     : env != NULL ? "BLIS_ARCH_TYPE is set" : "--blis-arch keep");
        else if (i == JF_CAND_BLIS_SKX && !cpu_has_avx512())
            rule_out(c, "%s", "this CPU lacks AVX-512 F/DQ/BW/VL");
        else if ((i == JF_CAND_BLIS_HASWELL || i == JF_CAND_BLIS_ZEN3) && !cpu_has_avx2())
            rule_out(c, "%s", "this CPU lacks AVX2 with FMA");
    }
    snprintf(ch->shapes, sizeof ch->shapes,
             "the step's dense, head and attention GEMM shapes (T = %lld tokens%s), "
             "weighted by their products per step, largest of each kind first",
             (long long)t_used, t_used < req->batch * req->shape.ctx ? ", cut from the step's" : "");
    /* BLIS's own choice first (a quick child), so that a kernel set it
     * would pick anyway is not measured twice */
    int own_arch = -1;
    if (ch->cand[JF_CAND_BLIS_OWN].considered) {
        char why[120];
        own_arch = forced_arch >= 0 ? forced_arch : jf_blis_arch_try(-1, why, sizeof why);
    }
    for (int i = JF_CAND_BLIS_OWN + 1; i < JF_CAND_ONEDNN; i++) {
        jf_gemm_candidate_t *c = &ch->cand[i];
        const int arch = jf_blis_arch_id(slot_kernel[i]);
        if (!c->considered)
            continue;
        if (arch < 0)
            rule_out(c, "not in this BLIS build%s", "");
        else if (arch == own_arch && ch->cand[JF_CAND_BLIS_OWN].considered)
            rule_out(c, "the same kernel set as BLIS's own choice%s", "");
    }
    /* the likely fastest first: it decides how many shapes fit the budget,
     * and the slower ones then run the same shapes; then the list again
     * in reverse (ROUNDS) */
    static const int order[JF_NCAND] = {JF_CAND_ONEDNN, JF_CAND_BLIS_SKX, JF_CAND_BLIS_HASWELL,
                                        JF_CAND_BLIS_ZEN3, JF_CAND_BLIS_OWN};
    double best[JF_NCAND][MAX_SHAPES];
    int failed[JF_NCAND] = {0}, considered = 0;
    int decided = 0;
    memset(best, 0, sizeof best);
    for (int i = 0; i < JF_NCAND; i++)
        considered += ch->cand[i].considered;
    /* one candidate (a forced choice) has nothing to be compared with */
    const int rounds = considered > 1 ? ROUNDS : 1;
    for (int round = 0; round < rounds; round++)
        for (int o = 0; o < JF_NCAND; o++) {
            const int i = order[round % 2 ? JF_NCAND - 1 - o : o];
            jf_gemm_candidate_t *c = &ch->cand[i];
            if (!c->considered || failed[i])
                continue;
            const int arch = i == JF_CAND_BLIS_OWN ? forced_arch
                           : i < JF_CAND_ONEDNN ? jf_blis_arch_id(slot_kernel[i]) : -1;
            report_t rep;
            memset(&rep, 0, sizeof rep);
            rep.nshapes = decided;
            rep.arch = -1;
            run_child(i, arch, req, shapes, nshapes, &rep);
            /* a later round that gets no answer in time (a loaded machine)
             * keeps the figure already measured */
            if (!rep.ok && round > 0 && c->usable && rep.timed_out)
                continue;
            /* a candidate that fails otherwise is out, with its reason */
            failed[i] = !rep.ok;
            c->usable = rep.ok;
            if (rep.kernel[0] != '\0')
                snprintf(c->kernel, sizeof c->kernel, "%s", rep.kernel);
            if (!rep.ok)
                snprintf(c->note, sizeof c->note, "%s", rep.why);
            if (i == JF_CAND_BLIS_OWN && blis_named && !rep.ok) {
                snprintf(msg, msglen, "--blis-arch %s: %s", req->blis_arch, rep.why);
                return JF_EINVAL;
            }
            if (!rep.ok)
                continue;
            if (decided == 0)
                decided = rep.nshapes;
            for (int k = 0; k < rep.nshapes; k++)
                if (rep.best[k] > 0 && (best[i][k] <= 0 || rep.best[k] < best[i][k]))
                    best[i][k] = rep.best[k];
            c->workspace_bytes = fmax(c->workspace_bytes, rep.workspace);
        }
    for (int i = 0; i < JF_NCAND; i++) {
        jf_gemm_candidate_t *c = &ch->cand[i];
        c->gflops = c->considered && c->usable ? fastest_gflops(shapes, decided, best[i]) : 0;
        if (!c->usable)
            c->workspace_bytes = 0;
    }
    if (decided > 0) {
        const size_t used = strlen(ch->shapes);
        snprintf(ch->shapes + used, sizeof ch->shapes - used,
                 "; %d of %d timed, each its fastest product of %d round%s", decided, nshapes,
                 rounds, rounds > 1 ? "s" : "");
    }
    ch->seconds = jf_clock_seconds() - t0;
    return JF_OK;
}

jf_err_t jf_gemm_select_apply(jf_gemm_choice_t *ch, jf_blis_info_t *blis, char *msg,
                              size_t msglen)
{
    int best = -1, measured = 0;
    for (int i = 0; i < JF_NCAND; i++) {
        const jf_gemm_candidate_t *c = &ch->cand[i];
        if (!c->considered || !c->usable)
            continue;
        measured++;
        if (best < 0 || c->gflops > ch->cand[best].gflops)
            best = i;
    }
    if (best < 0) {
        /* a model too large to measure is refused by the memory check
         * that follows (with its size); run the first candidate until then */
        for (int i = 0; i < JF_NCAND && best < 0; i++)
            if (ch->cand[i].considered && strncmp(ch->cand[i].note, "out of memory", 13) == 0)
                best = i;
        if (best >= 0) {
            ch->chosen = best;
            jf_gemm_use(ch->precision, jf_gemm_backend_find(ch->cand[best].backend));
            snprintf(ch->how, sizeof ch->how, "not measured: %s", ch->cand[best].note);
            snprintf(blis->how, sizeof blis->how, "BLIS's own CPU detection (not measured)");
            return JF_OK;
        }
        char list[600];
        jf_gemm_choice_str(ch, list, sizeof list);
        snprintf(msg, msglen, "no GEMM back-end can run %s here: %s",
                 jf_precision_name(ch->precision), list);
        return JF_EBLIS;
    }
    ch->chosen = best;
    const jf_gemm_candidate_t *c = &ch->cand[best];
    blis->overridden = 0;
    if (strcmp(c->backend, "blis") == 0) {
        const char *env = getenv("BLIS_ARCH_TYPE");
        const int id = jf_blis_arch_id(c->kernel);
        if (best == JF_CAND_BLIS_OWN && !ch->blis_named) {
            snprintf(blis->how, sizeof blis->how, "%s%s, measured fastest of %d candidate%s",
                     env ? "BLIS_ARCH_TYPE from the environment" : "BLIS's own CPU detection",
                     ch->blis_keep ? " (--blis-arch keep)" : "", measured,
                     measured == 1 ? "" : "s");
        } else {
            if (id < 0 || jf_blis_arch_force(id, blis) != JF_OK) {
                snprintf(msg, msglen, "cannot select BLIS kernel set %s", c->kernel);
                return JF_EBLIS;
            }
            snprintf(blis->how, sizeof blis->how, "jflop: %s, BLIS_ARCH_TYPE=%d (%s)",
                     ch->blis_named ? "--blis-arch" : "measured fastest", id, c->kernel);
        }
    } else {
        /* BLIS runs none of this run's GEMMs; it still gets the fastest set
         * measured, so that anything comparing with BLIS here compares
         * with its best */
        int bb = -1;
        for (int i = 0; i < JF_NCAND; i++)
            if (strcmp(ch->cand[i].backend, "blis") == 0 && ch->cand[i].considered &&
                ch->cand[i].usable && (bb < 0 || ch->cand[i].gflops > ch->cand[bb].gflops))
                bb = i;
        const int id = bb > JF_CAND_BLIS_OWN ? jf_blis_arch_id(ch->cand[bb].kernel) : -1;
        if (id >= 0 && jf_blis_arch_force(id, blis) == JF_OK)
            snprintf(blis->how, sizeof blis->how,
                     "BLIS runs no GEMM of this run; set to its fastest measured set "
                     "(BLIS_ARCH_TYPE=%d, %s)", id, ch->cand[bb].kernel);
        else
            snprintf(blis->how, sizeof blis->how, "%s (BLIS runs no GEMM of this run)",
                     getenv("BLIS_ARCH_TYPE") ? "BLIS_ARCH_TYPE from the environment"
                                              : "BLIS's own CPU detection");
    }
    jf_gemm_use(ch->precision, jf_gemm_backend_find(c->backend));
    snprintf(ch->how, sizeof ch->how, "%s: %s %s at %.1f GFLOP/s, of %d measured",
             ch->forced ? "forced by --gemm/--blis-arch" : "measured fastest", c->backend,
             c->kernel, c->gflops, measured);
    return JF_OK;
}

void jf_gemm_choice_str(const jf_gemm_choice_t *ch, char *buf, size_t buflen)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < JF_NCAND && used < buflen; i++) {
        const jf_gemm_candidate_t *c = &ch->cand[i];
        int n;
        if (c->considered && c->usable)
            n = snprintf(buf + used, buflen - used, "%s%s %s %.1f GFLOP/s%s", used ? "; " : "",
                         c->backend, c->kernel, c->gflops, i == ch->chosen ? " (chosen)" : "");
        else
            n = snprintf(buf + used, buflen - used, "%s%s%s%s: %s", used ? "; " : "", c->backend,
                         c->kernel[0] ? " " : "", c->kernel, c->note);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void jf_gemm_choice_finish(jf_gemm_choice_t *ch)
{
    const jf_gemm_backend_t *b = jf_gemm_backend_of(ch->precision);
    if (b == NULL)
        return;
    snprintf(ch->backend, sizeof ch->backend, "%s", b->name);
    b->version(ch->version, sizeof ch->version);
    b->kernel(ch->precision, ch->kernel, sizeof ch->kernel);
    ch->native = b->native(ch->precision);
}

const char *jf_gemm_bf16_tensors(jf_precision_t precision)
{
    if (precision != JF_BF16)
        return "none";
    return "bf16: the operands of every GEMM (forward, both backward GEMMs, attention): the "
           "weights through a bf16 copy the optimizer rewrites each step, activations and "
           "gradients through bf16 copies their producers write; the tensors only GEMMs read "
           "(LayerNorm and GELU outputs, q/k/v, attention output, their gradients) are kept "
           "only in bf16, rounded from fp32 by their producer or GEMM; fp32: accumulation, "
           "other GEMM outputs, master weights, gradients and their sum over ranks, "
           "LayerNorm, softmax, GELU, loss, optimizer";
}
