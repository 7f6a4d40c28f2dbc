/* jf_plot.c: data files, gnuplot scripts, and gnuplot when present. */
#define _POSIX_C_SOURCE 200809L
#include "jf_plot.h"

#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A file name from a run's file name: letters, digits, '-', '_' only. */
static void slug(const char *path, char *out, size_t len)
{
    const char *base = strrchr(path, '/');
    size_t o = 0;
    base = base ? base + 1 : path;
    for (; *base && o + 1 < len; base++) {
        const char ch = *base;
        if (strcmp(base, ".h5") == 0)
            break;
        out[o++] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'
                       ? ch
                       : '_';
    }
    out[o] = '\0';
}

static FILE *open_in(const char *dir, const char *name, char *path, size_t len)
{
    if (snprintf(path, len, "%s/%s", dir, name) >= (int)len)
        return NULL;
    return fopen(path, "w");
}

/* gnuplot's two outputs for one script body. */
static int write_script(const char *dir, const char *name, const char *body)
{
    char file[4200], path[4400];
    snprintf(file, sizeof file, "%s.gp", name);
    FILE *f = open_in(dir, file, path, sizeof path);
    if (f == NULL)
        return -1;
    fprintf(f, "# %s.gp: written by jflop report --plot; run with gnuplot in this folder\n",
            name);
    fprintf(f, "set terminal pngcairo size 900,560 noenhanced\nset output '%s.png'\n%s\n"
               "set terminal svg size 900,560 noenhanced\nset output '%s.svg'\nreplot\n",
            name, body, name);
    return fclose(f) == 0 ? 0 : -1;
}

/* Each node's power trace of one run: t [s] from the phase start, W. */
static int power_traces(const char *dir, const jf_result_t *r, int *scripts)
{
    hid_t f = H5Fopen(r->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    char run[256];
    int written = 0;
    if (f < 0)
        return 0;
    slug(r->path, run, sizeof run);
    for (int i = 0; i < 100000; i++) {
        char group[64], trace[96];
        snprintf(group, sizeof group, "/energy/node_%04d", i);
        if (H5Lexists(f, "/energy", H5P_DEFAULT) <= 0 || H5Lexists(f, group, H5P_DEFAULT) <= 0)
            break;
        snprintf(trace, sizeof trace, "%s/trace", group);
        const hid_t d = H5Dopen2(f, trace, H5P_DEFAULT);
        const hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
        hsize_t dims[2] = {0, 0};
        if (sp >= 0 && H5Sget_simple_extent_ndims(sp) == 2)
            H5Sget_simple_extent_dims(sp, dims, NULL);
        double *rows = dims[0] > 1 ? malloc(dims[0] * dims[1] * sizeof *rows) : NULL;
        int64_t in_total[64] = {0};
        const hid_t a = H5Aopen_by_name(f, group, "domain_in_node_total", H5P_DEFAULT, H5P_DEFAULT);
        const int have_flags = a >= 0 && dims[1] - 1 <= 64 && H5Aread(a, H5T_NATIVE_INT64, in_total) >= 0;
        if (a >= 0)
            H5Aclose(a);
        if (rows != NULL && have_flags &&
            H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0) {
            char name[400], path[4400];
            snprintf(name, sizeof name, "power_%s_node%04d", run, i);
            char dat[420];
            snprintf(dat, sizeof dat, "%s.dat", name);
            FILE *out = open_in(dir, dat, path, sizeof path);
            if (out != NULL) {
                fprintf(out, "# t_s power_W (node total, between consecutive readings)\n");
                for (hsize_t k = 1; k < dims[0]; k++) {
                    double j0 = 0, j1 = 0;
                    for (hsize_t c = 1; c < dims[1]; c++)
                        if (in_total[c - 1]) {
                            j0 += rows[(k - 1) * dims[1] + c];
                            j1 += rows[k * dims[1] + c];
                        }
                    const double dt = rows[k * dims[1]] - rows[(k - 1) * dims[1]];
                    if (dt > 0)
                        fprintf(out, "%.6f %.6f\n", rows[k * dims[1]], (j1 - j0) / dt);
                }
                fclose(out);
                char body[1200];
                snprintf(body, sizeof body,
                         "set title 'power of %s, node %d (measured phase shaded)'\n"
                         "set xlabel 'time from the measured phase start [s]'\n"
                         "set ylabel 'node power [W]'\nset grid\n"
                         "set object 1 rect from 0, graph 0 to %.6f, graph 1 "
                         "fc rgb '#cce5ff' fs solid 0.5 behind\n"
                         "plot '%s' using 1:2 with fsteps lw 2 title 'power'",
                         run, i, r->seconds, dat);
                if (write_script(dir, name, body) == 0)
                    (*scripts)++, written++;
            }
        }
        free(rows);
        if (sp >= 0)
            H5Sclose(sp);
        if (d >= 0)
            H5Dclose(d);
    }
    H5Fclose(f);
    return written;
}

/* gnuplot NAME.gp in dir; 1 when it ran and succeeded. */
static int run_gnuplot(const char *dir, const char *script)
{
    const pid_t pid = fork();
    int status = 0;
    if (pid < 0)
        return 0;
    if (pid == 0) {
        /* gnuplot warns about single-point ranges; the pictures are fine */
        if (chdir(dir) != 0 || freopen("/dev/null", "w", stdout) == NULL ||
            freopen("/dev/null", "w", stderr) == NULL)
            _exit(127);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
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
static int write_scaling(const char *dir, const jf_table_t *t)
{
    char path[4400];
    FILE *f = open_in(dir, "scaling.dat", path, sizeof path);
    if (f == NULL)
        return -1;
    fprintf(f, "# experiment ranks speedup efficiency (blank line between experiments)\n");
    char last[96] = "";
    for (int r = 0; r < t->nrows; r++) {
        const jf_cell_t *row = &t->cells[(size_t)r * (size_t)t->ncols];
        if (r > 0 && strcmp(last, row[0].text) != 0)
            fprintf(f, "\n\n");
        snprintf(last, sizeof last, "%s", row[0].text);
        /* columns: experiment, run, ranks, nodes, FLOP/s, speed-up, efficiency */
        fprintf(f, "\"%s\" %s %.6g %.6g\n", row[0].text, row[2].text, row[5].real, row[6].real);
    }
    fclose(f);
    return write_script(dir, "scaling",
                        "set title 'speed-up versus ranks (ideal: dashed)'\n"
                        "set xlabel 'ranks'\nset ylabel 'speed-up'\nset grid\nset key left\n"
                        "plot 'scaling.dat' using 2:3 with linespoints pt 7 title 'measured', "
                        "x with lines dt 2 title 'ideal'");
}

jf_err_t jf_plot_write(const char *dir, const jf_result_t *runs, int n, const jf_table_t *scaling,
                       jf_plot_summary_t *summary, char *msg, size_t msglen)
{
    char path[4400];
    memset(summary, 0, sizeof *summary);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    /* J/FLOP versus N */
    FILE *f = open_in(dir, "jflop_vs_n.dat", path, sizeof path);
    if (f == NULL) {
        snprintf(msg, msglen, "--plot %s: cannot write %s: %s", dir, path, strerror(errno));
        return JF_EIO;
    }
    fprintf(f, "# N J_per_FLOP estimated(0/1) run\n");
    for (int i = 0; i < n; i++) {
        int est;
        const double j = jf_result_joules(&runs[i], &est);
        char run[256];
        slug(runs[i].path, run, sizeof run);
        if (runs[i].have_joules)
            fprintf(f, "%llu %.9g %d %s\n", (unsigned long long)runs[i].n_params,
                    j / (double)runs[i].flops_6nd, est, run);
    }
    fclose(f);
    if (write_script(dir, "jflop_vs_n",
                     "set title 'energy per 6ND FLOP versus model size'\n"
                     "set logscale xy\nset xlabel 'N (non-embedding parameters)'\n"
                     "set ylabel 'J/FLOP'\nset grid\n"
                     "plot 'jflop_vs_n.dat' using 1:($3 == 0 ? $2 : 1/0) with points pt 7 ps 1.5 "
                     "title 'measured', '' using 1:($3 == 1 ? $2 : 1/0) with points pt 6 ps 1.5 "
                     "title 'ESTIMATE (extrapolated nodes)'") == 0)
        summary->scripts++;

    for (int i = 0; i < n; i++)
        if (runs[i].have_joules)
            power_traces(dir, &runs[i], &summary->scripts);

    if (scaling != NULL && scaling->nrows > 0 && write_scaling(dir, scaling) == 0)
        summary->scripts++;

    summary->have_gnuplot = have_gnuplot();
    if (!summary->have_gnuplot)
        return JF_OK;
    /* render every script this call wrote */
    summary->rendered += run_gnuplot(dir, "jflop_vs_n.gp");
    if (scaling != NULL && scaling->nrows > 0)
        summary->rendered += run_gnuplot(dir, "scaling.gp");
    for (int i = 0; i < n; i++) {
        char run[256];
        slug(runs[i].path, run, sizeof run);
        for (int k = 0;; k++) {
            char script[400], full[4800];
            snprintf(script, sizeof script, "power_%s_node%04d.gp", run, k);
            snprintf(full, sizeof full, "%s/%s", dir, script);
            if (access(full, R_OK) != 0)
                break;
            summary->rendered += run_gnuplot(dir, script);
        }
    }
    return JF_OK;
}
