/* jf_plot.c: data files, gnuplot scripts, and gnuplot when present. */
#define _POSIX_C_SOURCE 200809L
#include "jf_plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/jf_bounds.h"
#include "core/jf_outfile.h"

/* One --plot call: where it writes, the scripts it wrote (to render), and
 * the first error. */
typedef struct {
    const char *dir;
    char (*names)[320];
    int n, cap;
    jf_plot_summary_t *sum;
    char *msg;
    size_t msglen;
} plot_t;

static void skipped(plot_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void skipped(plot_t *p, const char *fmt, ...)
{
    jf_plot_summary_t *s = p->sum;
    if (s->nskipped == JF_PLOT_MAX_NOTES) {
        s->more_skipped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->skipped[s->nskipped++], sizeof s->skipped[0], fmt, ap);
    va_end(ap);
}

/* A file name from a run's name: letters, digits, '-', '_' only, without
 * ".h5" ("a/run.h5" -> "a_run"). */
static void slug(const char *name, char *out, size_t len)
{
    size_t o = 0;
    for (const char *c = name; *c && o + 1 < len; c++) {
        if (strcmp(c, ".h5") == 0)
            break;
        const char ch = *c;
        out[o++] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'
                       ? ch
                       : '_';
    }
    out[o] = '\0';
}

/* DIR/file opened through a temporary file; -1 with p->msg set. */
static int open_out(plot_t *p, const char *file, jf_outfile_t *o)
{
    char path[JF_OUTPATH_MAX + 400];
    snprintf(path, sizeof path, "%s/%s", p->dir, file);
    return jf_outfile_open(o, "--plot", path, p->msg, p->msglen) == JF_OK ? 0 : -1;
}

static int commit(plot_t *p, jf_outfile_t *o)
{
    return jf_outfile_commit(o, "--plot", p->msg, p->msglen) == JF_OK ? 0 : -1;
}

/* NAME.gp with both outputs. The pictures' base name is jf_out when gnuplot
 * is given one (jflop renders into temporary names, then renames), else
 * NAME, so the script also runs as it is. */
static int write_script(plot_t *p, const char *name, const char *body)
{
    char file[360];
    jf_outfile_t o;
    snprintf(file, sizeof file, "%s.gp", name);
    if (open_out(p, file, &o) != 0)
        return -1;
    fprintf(o.f, "# %s.gp: written by jflop report --plot; run with gnuplot in this folder\n"
                 "if (!exists(\"jf_out\")) jf_out = '%s'\n"
                 "set terminal pngcairo size 900,560 noenhanced\nset output jf_out.'.png'\n%s\n"
                 "set terminal svg size 900,560 noenhanced\nset output jf_out.'.svg'\nreplot\n",
            name, name, body);
    if (commit(p, &o) != 0)
        return -1;
    if (p->n == p->cap) {
        const int cap = p->cap ? 2 * p->cap : 16;
        char(*grown)[320] = realloc(p->names, (size_t)cap * sizeof *grown);
        if (grown == NULL) {
            snprintf(p->msg, p->msglen, "--plot %s: out of memory", p->dir);
            return -1;
        }
        p->names = grown;
        p->cap = cap;
    }
    snprintf(p->names[p->n++], sizeof p->names[0], "%s", name);
    p->sum->scripts++;
    return 0;
}

/* A plot's data file NAME.dat, open through jf_outfile. */
typedef struct {
    jf_outfile_t o;
    char name[320], dat[330];
} plot_dat_t;

/* Open NAME.dat, NAME formatted from fmt. */
static int dat_open(plot_t *p, plot_dat_t *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int dat_open(plot_t *p, plot_dat_t *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->name, sizeof d->name, fmt, ap);
    va_end(ap);
    snprintf(d->dat, sizeof d->dat, "%s.dat", d->name);
    return open_out(p, d->dat, &d->o);
}

/* The data committed, then the script NAME.gp that plots it with body. */
static int dat_finish(plot_t *p, plot_dat_t *d, const char *body)
{
    return commit(p, &d->o) != 0 ? -1 : write_script(p, d->name, body);
}

/* Tics every inc whole units, inc chosen for about 10 of them over n. */
static long whole_tics(double n)
{
    const long inc = (long)ceil(n / 10.0);
    return inc < 1 ? 1 : inc;
}

/* Each node's power trace of one run: t [s] from the phase start, W. */
static int power_traces(plot_t *p, const jf_result_t *r, const char *run)
{
    jf_result_node_t *nodes = NULL;
    int count = 0;
    char why[JF_MSG_LEN];
    if (jf_result_read_nodes(r->path, &nodes, &count, why, sizeof why) != JF_OK) {
        skipped(p, "the power traces of run %s: %s", r->name, why);
        return 0;
    }
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        const jf_result_node_t *x = &nodes[i];
        const size_t cols = x->trace_cols;
        if (x->trace_rows < 2 || cols < 2 || x->ndomains != (int)cols - 1 ||
            !x->have_domain_joules) {
            skipped(p, "the power trace of run %s, node %d (%s): %s", r->name, i, x->node,
                    x->trace_rows < 2 ? "fewer than 2 readings" : "no per-domain figures");
            continue;
        }
        plot_dat_t d;
        if (dat_open(p, &d, "power_%s_node%04d", run, i) != 0) {
            rc = -1;
            break;
        }
        fprintf(d.o.f, "# t_s node_total_W");
        for (size_t c = 1; c < cols; c++)
            fprintf(d.o.f, " %s_W", x->domain[c - 1]);
        fprintf(d.o.f, " (power between consecutive readings)\n");
        for (size_t k = 1; k < x->trace_rows; k++) {
            const double dt = x->trace[k * cols] - x->trace[(k - 1) * cols];
            if (dt <= 0)
                continue;
            double j0 = 0, j1 = 0;
            for (size_t c = 1; c < cols; c++)
                if (x->domain_in_total[c - 1]) {
                    j0 += x->trace[(k - 1) * cols + c];
                    j1 += x->trace[k * cols + c];
                }
            fprintf(d.o.f, "%.6f %.6f", x->trace[k * cols], (j1 - j0) / dt);
            for (size_t c = 1; c < cols; c++)
                fprintf(d.o.f, " %.6f",
                        (x->trace[k * cols + c] - x->trace[(k - 1) * cols + c]) / dt);
            fprintf(d.o.f, "\n");
        }
        /* the node total, then one line per domain (dashed: not in the total) */
        char body[4096];
        int used = snprintf(body, sizeof body,
                            "set title '%s: power of node %d of run %s (measured phase shaded)' "
                            "noenhanced\n"
                            "set xlabel 'time from the measured phase start [s]'\n"
                            "set ylabel 'power [W]'\nset grid\nset key below\n"
                            "set object 1 rect from 0, graph 0 to %.6f, graph 1 "
                            "fc rgb '#cce5ff' fs solid 0.5 behind\n"
                            "plot '%s' using 1:2 with fsteps lw 3 title 'node total'",
                            x->node, i, r->name, r->seconds, d.dat);
        for (size_t c = 1; c < cols && used > 0 && (size_t)used < sizeof body; c++)
            used += snprintf(body + used, sizeof body - (size_t)used,
                             ", '' using 1:%zu with fsteps lw 1%s title '%s%s' noenhanced",
                             c + 2, x->domain_in_total[c - 1] ? "" : " dt 2",
                             x->domain[c - 1],
                             x->domain_in_total[c - 1] ? "" : " (not in the total)");
        rc = dat_finish(p, &d, body);
    }
    jf_result_nodes_free(nodes, count);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The plots every run has, energy or not: loss per measured step, each
 * rank's step time (median, fastest, slowest: the imbalance), and the
 * FLOP/s of each measured step over the phase. */
static int step_plots(plot_t *p, const jf_result_t *r, const char *run)
{
    jf_result_steps_t st;
    char why[JF_MSG_LEN], body[1600];
    plot_dat_t d;
    if (jf_result_read_steps(r->path, &st, why, sizeof why) != JF_OK) {
        skipped(p, "the loss, step-time and FLOP/s plots of run %s: %s", r->name, why);
        return 0;
    }
    const size_t first = (size_t)st.warmup < st.steps ? (size_t)st.warmup : st.steps;
    const size_t measured = st.steps - first;
    int rc = 0;
    double *col = malloc((measured > 0 ? measured : 1) * sizeof *col);
    if (col == NULL) {
        snprintf(p->msg, p->msglen, "--plot %s: out of memory", p->dir);
        rc = -1;
        goto cleanup;
    }

    /* the loss curve */
    if (st.nloss == 0) {
        skipped(p, "the loss curve of run %s: no measured step", r->name);
    } else {
        if (dat_open(p, &d, "loss_%s", run) != 0) {
            rc = -1;
            goto cleanup;
        }
        fprintf(d.o.f, "# measured_step loss_nat_per_token\n");
        for (size_t k = 0; k < st.nloss; k++)
            fprintf(d.o.f, "%zu %.9g\n", k + 1, st.loss[k]);
        snprintf(body, sizeof body,
                 "set title 'loss of %s'\nset xlabel 'measured step'\n"
                 "set ylabel 'loss [nat/token]'\nset grid\nset xtics %ld\nset format x '%%.0f'\n"
                 "plot '%s' using 1:2 with linespoints pt 7 ps 0.6 title 'loss'",
                 r->name, whole_tics((double)st.nloss), d.dat);
        if ((rc = dat_finish(p, &d, body)) != 0)
            goto cleanup;
    }
    if (measured == 0 || st.ranks == 0) {
        skipped(p, "the step-time and FLOP/s plots of run %s: no measured step", r->name);
        goto cleanup;
    }

    /* step time per rank: integer rank tics */
    if (dat_open(p, &d, "steps_%s", run) != 0) {
        rc = -1;
        goto cleanup;
    }
    fprintf(d.o.f, "# rank median_s fastest_s slowest_s (measured steps)\n");
    double lo_median = INFINITY, hi_median = 0;
    for (size_t k = 0; k < st.ranks; k++) {
        size_t m = 0;
        for (size_t j = first; j < st.steps; j++)
            if (st.step_seconds[k * st.steps + j] > 0)  /* 0: did not run (schema 1.0) */
                col[m++] = st.step_seconds[k * st.steps + j];
        if (m == 0)
            continue;
        qsort(col, m, sizeof *col, cmp_double);
        const double median = m % 2 ? col[m / 2] : 0.5 * (col[m / 2 - 1] + col[m / 2]);
        lo_median = fmin(lo_median, median);
        hi_median = fmax(hi_median, median);
        fprintf(d.o.f, "%zu %.9g %.9g %.9g\n", k, median, col[0], col[m - 1]);
    }
    snprintf(body, sizeof body,
             "set title 'step time per rank, %s (slowest/fastest median %.3f)'\n"
             "set xlabel 'rank'\nset ylabel 'step time [s]'\nset grid\n"
             "set xrange [-0.5:%zu.5]\nset xtics %ld\nset format x '%%.0f'\nset mxtics 1\n"
             "plot '%s' using 1:2:3:4 with yerrorbars pt 7 title 'median (bars: fastest to "
             "slowest step)'",
             r->name, lo_median > 0 ? hi_median / lo_median : 1.0, st.ranks - 1,
             whole_tics((double)st.ranks), d.dat);
    if ((rc = dat_finish(p, &d, body)) != 0)
        goto cleanup;

    /* FLOP/s over the phase: a step's FLOPs (all ranks) over its slowest
     * rank's time, since the ranks meet at the gradient allreduce */
    const double per_step = (double)r->flops_counted / (double)measured;
    if (dat_open(p, &d, "flops_%s", run) != 0) {
        rc = -1;
        goto cleanup;
    }
    fprintf(d.o.f, "# t_s (step start from the phase start) FLOP_per_s (all ranks)\n");
    double t = 0;
    for (size_t j = first; j < st.steps; j++) {
        double slowest = 0;
        for (size_t k = 0; k < st.ranks; k++)
            slowest = fmax(slowest, st.step_seconds[k * st.steps + j]);
        if (slowest <= 0)
            continue;
        const double start = st.step_start != NULL ? st.step_start[j] : t;
        fprintf(d.o.f, "%.6f %.6g\n", start, per_step / slowest);
        t += slowest;
    }
    snprintf(body, sizeof body,
             "set title 'FLOP/s over the measured phase, %s (all counted FLOPs, all ranks)'\n"
             "set xlabel 'time from the measured phase start [s]'\nset ylabel 'FLOP/s'\n"
             "set grid\nset yrange [0:*]\n"
             "plot '%s' using 1:2 with steps lw 2 title 'per step'",
             r->name, d.dat);
    rc = dat_finish(p, &d, body);
cleanup:
    free(col);
    jf_result_steps_free(&st);
    return rc;
}

/* gnuplot NAME.gp in dir, into NAME.tmp.<pid>.png and .svg, then renamed;
 * 1 when both pictures are in place. */
static int render(const plot_t *p, const char *name)
{
    char script[340], base[360], set[400];
    snprintf(script, sizeof script, "%s.gp", name);
    snprintf(base, sizeof base, "%s.tmp.%ld", name, (long)getpid());
    snprintf(set, sizeof set, "jf_out='%s'", base);
    const pid_t pid = fork();
    int status = 0, ok = 0;
    if (pid < 0)
        return 0;
    if (pid == 0) {
        /* gnuplot warns about single-point ranges; the pictures are fine */
        if (chdir(p->dir) != 0 || freopen("/dev/null", "w", stdout) == NULL ||
            freopen("/dev/null", "w", stderr) == NULL)
            _exit(127);
        execlp("gnuplot", "gnuplot", "-e", set, script, (char *)NULL);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    static const char *const ext[] = {"png", "svg"};
    for (int e = 0; e < 2; e++) {
        char from[JF_OUTPATH_MAX + 400], to[JF_OUTPATH_MAX + 400], why[JF_MSG_LEN];
        snprintf(from, sizeof from, "%s/%s.%s", p->dir, base, ext[e]);
        snprintf(to, sizeof to, "%s/%s.%s", p->dir, name, ext[e]);
        /* never renamed over what is not a regular file */
        if (ok && (jf_outpath_check("--plot", to, why, sizeof why) != JF_OK ||
                   rename(from, to) != 0))
            ok = 0;
        unlink(from);
    }
    return ok;
}

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    char buf[8192];
    if (path == NULL)
        return 0;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *p = strtok_r(buf, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
        char exe[8300];
        snprintf(exe, sizeof exe, "%s/gnuplot", p);
        if (access(exe, X_OK) == 0)
            return 1;
    }
    return 0;
}

/* Speed-up against ranks per experiment, from the report's scaling table. */
static int write_scaling(plot_t *p, const jf_table_t *t)
{
    plot_dat_t d;
    if (dat_open(p, &d, "scaling") != 0)
        return -1;
    fprintf(d.o.f, "# experiment ranks speedup efficiency (blank line between experiments)\n");
    char last[96] = "";
    long most = 1;
    for (int r = 0; r < t->nrows; r++) {
        const jf_cell_t *row = &t->cells[(size_t)r * (size_t)t->ncols];
        if (r > 0 && strcmp(last, row[0].text) != 0)
            fprintf(d.o.f, "\n\n");
        snprintf(last, sizeof last, "%s", row[0].text);
        /* columns: experiment, run, ranks, nodes, FLOP/s, speed-up, efficiency */
        fprintf(d.o.f, "\"%s\" %s %.6g %.6g\n", row[0].text, row[2].text, row[5].real,
                row[6].real);
        most = fmax(most, atol(row[2].text));
    }
    char body[600];
    snprintf(body, sizeof body,
             "set title 'speed-up versus ranks (ideal: dashed)'\n"
             "set xlabel 'ranks'\nset ylabel 'speed-up'\nset grid\nset key left\n"
             "set xtics %ld\nset format x '%%.0f'\n"
             "plot 'scaling.dat' using 2:3 with linespoints pt 7 title 'measured', "
             "x with lines dt 2 title 'ideal'",
             whole_tics((double)most));
    return dat_finish(p, &d, body);
}

/* J/FLOP versus N over the runs with energy, with the thermodynamic
 * floors at the report's temperature: the Landauer cost of a FLOP for each
 * operand width the runs used (or --bits), and Tkachenko's Eq. 17 for
 * digital training, 10^2 N D k_B T over 6 N D FLOPs. */
static int write_jflop_vs_n(plot_t *p, const jf_result_t *runs, int n, double temperature,
                            double bits)
{
    int with_energy = 0;
    for (int i = 0; i < n; i++)
        with_energy += runs[i].have_joules;
    if (with_energy == 0) {
        skipped(p, "J/FLOP versus N (jflop_vs_n): no energy in any run");
        return 0;
    }
    plot_dat_t d;
    if (dat_open(p, &d, "jflop_vs_n") != 0)
        return -1;
    fprintf(d.o.f, "# N J_per_FLOP estimated(0/1) run\n");
    double widths[8], nmin = 0, nmax = 0;
    int nwidths = 0;
    for (int i = 0; i < n; i++) {
        int est;
        const double j = jf_result_joules(&runs[i], &est);
        char run[256];
        slug(runs[i].name, run, sizeof run);
        if (!runs[i].have_joules)
            continue;
        fprintf(d.o.f, "%llu %.9g %d %s\n", (unsigned long long)runs[i].n_params,
                j / (double)runs[i].flops_6nd, est, run);
        const double nn = (double)runs[i].n_params;
        nmin = nmin == 0 || nn < nmin ? nn : nmin;
        nmax = nn > nmax ? nn : nmax;
        const double b = bits > 0 ? bits : jf_result_operand_bits(&runs[i]);
        int seen = 0;
        for (int k = 0; k < nwidths; k++)
            seen |= widths[k] == b;
        if (!seen && nwidths < 8)
            widths[nwidths++] = b;
    }
    char body[2048];
    int used = snprintf(body, sizeof body,
                        "set title 'energy per 6ND FLOP versus model size, floors at %g K'\n"
                        "set logscale xy\nset xlabel 'N (non-embedding parameters)'\n"
                        "set ylabel 'J/FLOP'\nset grid\nset key below\n"
                        /* the floors are lines across every run's N */
                        "set xrange [%.6g:%.6g]\n"
                        "plot 'jflop_vs_n.dat' using 1:($3 == 0 ? $2 : 1/0) with points pt 7 "
                        "ps 1.5 title 'measured', '' using 1:($3 == 1 ? $2 : 1/0) with points "
                        "pt 6 ps 1.5 title 'ESTIMATE (extrapolated nodes)'",
                        temperature, fmax(nmin, 1) / 3, fmax(nmax, 1) * 3);
    for (int k = 0; k < nwidths && used > 0 && (size_t)used < sizeof body; k++)
        used += snprintf(body + used, sizeof body - (size_t)used,
                         ", %.6g with lines dt 2 lw 2 title 'Landauer, %g-bit operands (%g k_B T ln 2)'",
                         jf_landauer_flop(widths[k], temperature), widths[k], widths[k]);
    if (used > 0 && (size_t)used < sizeof body)
        snprintf(body + used, sizeof body - (size_t)used,
                 ", %.6g with lines dt 3 lw 2 title 'Eq. 17, digital training (10^2 k_B T per "
                 "parameter and token, / 6)' noenhanced",
                 jf_bound_training_digital(1, 1, temperature) / 6.0);
    return dat_finish(p, &d, body);
}

/* Validation loss against the training energy spent before each pass
 * (/quality/passes), one line per run: what each joule bought in quality. */
static int write_valloss_vs_energy(plot_t *p, const jf_result_t *runs, int n)
{
    plot_dat_t d;
    int blocks = 0, opened = 0, rc = 0;
    char body[8192];
    int used = snprintf(body, sizeof body,
                        "set title 'validation loss versus training energy (open points: "
                        "ESTIMATE)'\nset xlabel 'training energy before the pass, all nodes "
                        "[J]'\nset ylabel 'validation loss [nat/token]'\nset grid\n"
                        "set key below\nplot");
    for (int i = 0; i < n && rc == 0; i++) {
        jf_result_passes_t ps;
        char why[JF_MSG_LEN], run[256];
        if (runs[i].evaluations <= 0)
            continue;  /* no validation: nothing to say */
        if (jf_result_read_passes(runs[i].path, &ps, why, sizeof why) != JF_OK) {
            skipped(p, "run %s in valloss_vs_energy: %s", runs[i].name, why);
            continue;
        }
        if (ps.n == 0 || ps.train_joules == NULL) {
            skipped(p, "run %s in valloss_vs_energy: %s", runs[i].name,
                    ps.n == 0 ? "no /quality/passes (written before schema 1.7)"
                              : "no energy at its validation passes");
            jf_result_passes_free(&ps);
            continue;
        }
        if (!opened && (rc = dat_open(p, &d, "valloss_vs_energy")) != 0) {
            jf_result_passes_free(&ps);
            break;
        }
        if (!opened)
            fprintf(d.o.f, "# one block per run (gnuplot index): train_J val_loss_nat step "
                            "train_s\n");
        opened = 1;
        slug(runs[i].name, run, sizeof run);
        fprintf(d.o.f, "%s# %s\n", blocks > 0 ? "\n\n" : "", run);
        for (size_t k = 0; k < ps.n; k++)
            fprintf(d.o.f, "%.9g %.9g %lld %.9g\n", ps.train_joules[k], ps.val_loss[k],
                    (long long)ps.step[k], ps.train_seconds[k]);
        if (used > 0 && (size_t)used < sizeof body)
            used += snprintf(body + used, sizeof body - (size_t)used,
                             "%s 'valloss_vs_energy.dat' index %d using 1:2 with linespoints "
                             "pt %d ps 0.8 title '%s%s' noenhanced",
                             blocks > 0 ? "," : "", blocks, ps.joules_estimated ? 6 : 7,
                             runs[i].name, ps.joules_estimated ? " (ESTIMATE)" : "");
        blocks++;
        jf_result_passes_free(&ps);
    }
    if (rc != 0)
        return rc;
    if (!opened)
        return 0;
    return dat_finish(p, &d, body);
}

/* Energy to the target against N, one line per precision, over the runs
 * that reached their target with energy. */
static int write_energy_to_target(plot_t *p, const jf_result_t *runs, int n)
{
    static const char *const precs[] = {"fp64", "fp32", "bf16"};
    int reached = 0;
    for (int i = 0; i < n; i++)
        reached += runs[i].target_reached == 1 && runs[i].have_joules_to_target;
    if (reached == 0) {
        int targets = 0;
        for (int i = 0; i < n; i++)
            targets += runs[i].target_loss > 0;
        if (targets > 0)
            skipped(p, "energy to target versus precision and N (energy_to_target): no run "
                       "reached its target with energy measured");
        return 0;
    }
    plot_dat_t d;
    if (dat_open(p, &d, "energy_to_target") != 0)
        return -1;
    fprintf(d.o.f, "# one block per precision (fp64, fp32, bf16, gnuplot index), by N: N "
                   "J_to_target estimated(0/1) target_nat run\n");
    char body[4096];
    int used = snprintf(body, sizeof body,
                        "set title 'energy to the target loss versus N, per precision (open "
                        "points: ESTIMATE)'\nset logscale xy\nset xlabel 'N (non-embedding "
                        "parameters)'\nset ylabel 'energy to target [J]'\nset grid\n"
                        "set key below\nplot");
    int block = 0;
    for (int k = 0; k < 3; k++) {
        int rows = 0;
        uint64_t last = 0;
        for (;;) {  /* rows of this precision by increasing N, ties in run order */
            int next = -1;
            for (int i = 0; i < n; i++) {
                const jf_result_t *r = &runs[i];
                if (strcmp(r->precision, precs[k]) != 0 || r->target_reached != 1 ||
                    !r->have_joules_to_target || r->n_params < last ||
                    (rows > 0 && r->n_params == last))
                    continue;
                if (next < 0 || r->n_params < runs[next].n_params)
                    next = i;
            }
            if (next < 0)
                break;
            /* every run of this N */
            last = runs[next].n_params;
            for (int i = 0; i < n; i++) {
                const jf_result_t *r = &runs[i];
                if (strcmp(r->precision, precs[k]) != 0 || r->target_reached != 1 ||
                    !r->have_joules_to_target || r->n_params != last)
                    continue;
                char run[256];
                slug(r->name, run, sizeof run);
                if (rows == 0)
                    fprintf(d.o.f, "%s# %s\n", block > 0 ? "\n\n" : "", precs[k]);
                fprintf(d.o.f, "%llu %.9g %d %.6g %s\n", (unsigned long long)r->n_params,
                        r->joules_to_target, (int)(r->extrapolated != 0), r->target_loss, run);
                rows++;
            }
        }
        if (rows == 0)
            continue;
        if (used > 0 && (size_t)used < sizeof body)
            used += snprintf(body + used, sizeof body - (size_t)used,
                             "%s 'energy_to_target.dat' index %d using 1:($3 == 0 ? $2 : 1/0) "
                             "with linespoints pt 7 ps 1.3 lc %d title '%s', '' index %d using "
                             "1:($3 == 1 ? $2 : 1/0) with points pt 6 ps 1.3 lc %d notitle",
                             block > 0 ? "," : "", block, k + 1, precs[k], block, k + 1);
        block++;
    }
    return dat_finish(p, &d, body);
}

jf_err_t jf_plot_write(const char *dir, const jf_result_t *runs, int n, const jf_table_t *scaling,
                       double temperature, double bits, jf_plot_summary_t *summary, char *msg,
                       size_t msglen)
{
    plot_t p = {dir, NULL, 0, 0, summary, msg, msglen};
    int rc = 0;
    memset(summary, 0, sizeof *summary);

    int with_energy = 0;
    for (int i = 0; i < n; i++)
        with_energy += runs[i].have_joules;
    rc = write_jflop_vs_n(&p, runs, n, temperature, bits);
    for (int i = 0; rc == 0 && i < n; i++) {
        char run[256];
        slug(runs[i].name, run, sizeof run);
        rc = step_plots(&p, &runs[i], run);
        if (rc != 0)
            break;
        if (runs[i].have_joules)
            rc = power_traces(&p, &runs[i], run);
        else
            skipped(&p, "the power traces (power_%s_node*)%s of run %s: no energy in run %s "
                    "(energy %s, source %s)", run, with_energy > 0 ? " and its point in J/FLOP versus N" : "",
                    runs[i].name, runs[i].name, runs[i].energy_status, runs[i].energy_source);
    }
    if (rc == 0 && scaling != NULL && scaling->nrows > 0)
        rc = write_scaling(&p, scaling);
    if (rc == 0)
        rc = write_valloss_vs_energy(&p, runs, n);
    if (rc == 0)
        rc = write_energy_to_target(&p, runs, n);

    summary->have_gnuplot = have_gnuplot();
    for (int i = 0; rc == 0 && summary->have_gnuplot && i < p.n; i++)
        summary->rendered += render(&p, p.names[i]);
    free(p.names);
    return rc == 0 ? JF_OK : JF_EIO;
}
