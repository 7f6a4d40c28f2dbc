/* jflop.c: main() of the jflop CLI, which needs no MPI launcher. Commands:
 *   probe   what this node can measure (energy backends, BLIS kernels)
 * Exit status: 0 ok, 1 the command ran and found a problem, 2 bad usage. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <ftw.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analysis/jf_bounds.h"
#include "analysis/jf_plot.h"
#include "analysis/jf_report.h"
#include "analysis/jf_result_read.h"
#include "analysis/jf_site.h"
#include "out/jf_table.h"
#include "config.h"
#include "core/jf_error.h"
#include "core/jf_parse.h"
#include "energy/jf_energy.h"
#include "kern/jf_blis_arch.h"

static void usage(FILE *out)
{
    fputs("Usage: jflop COMMAND [OPTIONS]\n"
          "Commands:\n"
          "  probe      what this node can measure: every energy backend's verdict with\n"
          "             its reason and the domains it would read, and BLIS's kernels\n"
          "Options of probe:\n"
          "  --powercap-root DIR     powercap tree (default /sys/class/powercap)\n"
          "  --pm-counters-root DIR  Cray pm_counters (default /sys/cray/pm_counters)\n"
          "  --json                  one JSON object on stdout instead of text\n"
          "  report     tables over any number of results files (FILE.h5 or DIR, searched)\n"
          "Options of report:\n"
          "  --format table|csv|md|json   output format (default table)\n"
          "  --out DIR               one file per table in DIR instead of stdout\n"
          "  --temperature T, --bits B, --active-params N_a   for the bounds table\n"
          "  --site FILE.json        site description (default: the built-in\n"
          "                          results/sites/default.json; every table names it)\n"
          "  --plot DIR              J/FLOP vs N, power traces, scaling curves: data and\n"
          "                          gnuplot scripts, rendered when gnuplot is installed\n"
          "  tables: runs, bounds, cooling (Eq. 19), lifecycle, scaling (when runs\n"
          "  differ only in rank or node count)\n"
          "  (exit 1 when any file was unreadable: those are listed and skipped)\n"
          "  bounds     thermodynamic lower bounds for a model (Tkachenko, arXiv:2503.09980)\n"
          "Options of bounds:\n"
          "  --params N              parameters N (k/M/G/T suffixes)\n"
          "  --tokens D              training tokens D\n"
          "  --active-params N_a     active parameters (MoE; default N)\n"
          "  --temperature T         kelvin (default 300)\n"
          "  --bits B                operand width per FLOP (default 16)\n"
          "  --neurons NU --active-neurons NU_A   for the inference bound of Eq. 5\n"
          "  --paper-table1          recompute the bounds columns of the paper's Table 1\n"
          "  --json                  JSON instead of text\n"
          "Common: -h/--help, --version\n"
          "Exit status: 0 ok (probe: at least one backend measures energy),\n"
          "1 probe found no energy backend, 2 bad usage.\n",
          out);
}

static json_t *domains_json(const jf_energy_session_t *s)
{
    json_t *arr = json_array();
    for (int i = 0; i < s->ndomains; i++) {
        const jf_energy_domain_t *d = &s->domains[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:b, s:f, s:f}", "name", d->name, "scope", d->scope,
                           "in_node_total", d->in_node_total, "wrap_joules",
                           (double)d->range * d->joules_per_unit, "max_watts", d->max_watts));
    }
    return arr;
}

static int probe(int argc, char **argv)
{
    static const struct option opts[] = {
        {"powercap-root", required_argument, NULL, 'p'},
        {"pm-counters-root", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *powercap = NULL, *pm = NULL;
    int as_json = 0, c, usable = 0;
    char host[256] = "", msg[JF_MSG_LEN];
    jf_energy_paths_t paths;
    jf_blis_info_t blis;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': powercap = optarg; break;
        case 'c': pm = optarg; break;
        case 'j': as_json = 1; break;
        case 'h': usage(stdout); return 0;
        case ':':
            fprintf(stderr, "jflop probe: option '%s' needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "jflop probe: unknown option '%s' (see jflop --help)\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "jflop probe: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    jf_energy_paths_resolve(&paths, powercap, pm);
    gethostname(host, sizeof host - 1);
    memset(&blis, 0, sizeof blis);
    const int blis_ok = jf_blis_arch_select("auto", &blis, msg, sizeof msg) == JF_OK;
    if (blis_ok)
        jf_blis_info_read(&blis);

    json_t *out = json_object(), *backends = json_array();
    json_object_set_new(out, "host", json_string(host));
    json_object_set_new(out, "jflop_version", json_string(PACKAGE_VERSION));
    if (!as_json)
        printf("jflop probe on %s\nenergy backends (in --energy auto order):\n", host);
    for (int i = 0; jf_energy_backends[i] != NULL; i++) {
        const jf_energy_backend_t *b = jf_energy_backends[i];
        jf_energy_session_t would;
        char why[JF_MSG_LEN] = "";
        memset(&would, 0, sizeof would);
        const int ok = b->probe(&paths, &would, why, sizeof why) == JF_OK;
        const int measures = ok && would.ndomains > 0;
        usable |= measures;
        json_array_append_new(backends,
                              json_pack("{s:s, s:s, s:b, s:b, s:s, s:o}", "name", b->name,
                                        "description", b->description, "available", ok,
                                        "measures_energy", measures, "reason",
                                        ok ? "" : why, "domains", domains_json(&would)));
        if (as_json)
            continue;
        printf("  %-12s %s\n", b->name, ok ? (measures ? "yes" : "yes (measures nothing)")
                                          : "no");
        if (!ok)
            printf("               %s\n", why);
        for (int d = 0; d < would.ndomains; d++)
            printf("               %-24s %-20s %s, wraps at %.6g J\n", would.domains[d].name,
                   would.domains[d].scope,
                   would.domains[d].in_node_total ? "in node total" : "inside another, not added",
                   (double)would.domains[d].range * would.domains[d].joules_per_unit);
    }
    json_object_set_new(out, "energy_backends", backends);
    json_object_set_new(out, "energy_measurable", json_boolean(usable));
    json_object_set_new(out, "blis",
                        blis_ok ? json_pack("{s:s, s:s, s:s, s:s}", "version", blis.version,
                                            "active", blis.active, "detected", blis.detected,
                                            "how", blis.how)
                                : json_pack("{s:s}", "error", msg));
    if (as_json) {
        json_dumpf(out, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        printf("\n");
    } else {
        if (blis_ok)
            printf("BLIS %s: %s kernels (%s)\n", blis.version, blis.active, blis.how);
        else
            printf("BLIS: %s\n", msg);
        printf("%s\n", usable ? "energy: measurable on this node"
                              : "energy: NOT measurable on this node (jflop-run would report "
                                "\"energy: not measured\")");
    }
    json_decref(out);
    return usable ? 0 : 1;
}

/* A positive real option value, or a usage error naming the flag. */
static int real_arg(const char *flag, const char *text, double *v)
{
    char why[JF_MSG_LEN];
    if (jf_parse_positive_real(text, v, why, sizeof why) != JF_OK) {
        fprintf(stderr, "jflop bounds: %s: %s\n", flag, why);
        return -1;
    }
    return 0;
}

static int count_arg(const char *flag, const char *text, double *v)
{
    char why[JF_MSG_LEN];
    uint64_t n;
    if (jf_parse_count(text, UINT64_MAX / 10, &n, why, sizeof why) != JF_OK) {
        fprintf(stderr, "jflop bounds: %s: %s\n", flag, why);
        return -1;
    }
    *v = (double)n;
    return 0;
}

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

static int bounds(int argc, char **argv)
{
    static const struct option opts[] = {
        {"params", required_argument, NULL, 'n'},
        {"tokens", required_argument, NULL, 'd'},
        {"active-params", required_argument, NULL, 'a'},
        {"temperature", required_argument, NULL, 't'},
        {"bits", required_argument, NULL, 'b'},
        {"neurons", required_argument, NULL, 'u'},
        {"active-neurons", required_argument, NULL, 'v'},
        {"paper-table1", no_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    double n = 0, d = 0, na = 0, t = 300, bits = 16, nu = 0, nua = 0;
    int c, table = 0, as_json = 0, bad = 0;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': bad |= count_arg("--params", optarg, &n); break;
        case 'd': bad |= count_arg("--tokens", optarg, &d); break;
        case 'a': bad |= count_arg("--active-params", optarg, &na); break;
        case 't': bad |= real_arg("--temperature", optarg, &t); break;
        case 'b': bad |= real_arg("--bits", optarg, &bits); break;
        case 'u': bad |= count_arg("--neurons", optarg, &nu); break;
        case 'v': bad |= count_arg("--active-neurons", optarg, &nua); break;
        case 'p': table = 1; break;
        case 'j': as_json = 1; break;
        case 'h': usage(stdout); return 0;
        case ':':
            fprintf(stderr, "jflop bounds: option '%s' needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "jflop bounds: unknown option '%s' (see jflop --help)\n",
                    argv[optind - 1]);
            return 2;
        }
        if (bad)
            return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "jflop bounds: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (table)
        return paper_table1(as_json);
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

/* --- report -------------------------------------------------------------- */

typedef struct {
    char **paths;
    int n, cap;
} jf_paths_t;

static jf_paths_t *walk_paths;

/* Add a file once, however it was named (a folder and a file inside it). */
static int add_path(jf_paths_t *p, const char *path)
{
    char real[PATH_MAX];
    if (realpath(path, real) != NULL) {
        path = real;  /* kept resolved, so duplicates compare equal */
        for (int i = 0; i < p->n; i++)
            if (strcmp(real, p->paths[i]) == 0)
                return 0;
    }
    if (p->n == p->cap) {
        const int cap = p->cap ? 2 * p->cap : 64;
        char **grown = realloc(p->paths, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        p->paths = grown;
        p->cap = cap;
    }
    if ((p->paths[p->n] = strdup(path)) == NULL)
        return -1;
    p->n++;
    return 0;
}

/* Results files in a directory: *.h5, not the temporaries of a run still
 * writing (*.h5.tmp.*). */
static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    const size_t n = strlen(path);
    if (type == FTW_F && n > 3 && strcmp(path + n - 3, ".h5") == 0)
        return add_path(walk_paths, path) == 0 ? 0 : 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},
        {"temperature", required_argument, NULL, 't'},
        {"bits", required_argument, NULL, 'b'},
        {"active-params", required_argument, NULL, 'a'},
        {"site", required_argument, NULL, 's'},
        {"plot", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    jf_report_opts_t ro = {300.0, 0, 0};
    const char *site_path = NULL, *plot_dir = NULL;
    jf_site_t site;
    char why[JF_MSG_LEN];
    jf_format_t format = JF_FMT_TABLE;
    const char *out_dir = NULL;
    jf_paths_t paths = {NULL, 0, 0};
    int c, skipped = 0, status = 0;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (jf_format_parse(optarg, &format) != JF_OK) {
                fprintf(stderr, "jflop report: --format: '%s' is not table, csv, md or json\n",
                        optarg);
                return 2;
            }
            break;
        case 'o': out_dir = optarg; break;
        case 's': site_path = optarg; break;
        case 'P': plot_dir = optarg; break;
        case 't':
            if (real_arg("--temperature", optarg, &ro.temperature) != 0)
                return 2;
            break;
        case 'b':
            if (real_arg("--bits", optarg, &ro.bits) != 0)
                return 2;
            break;
        case 'a':
            if (count_arg("--active-params", optarg, &ro.active_params) != 0)
                return 2;
            break;
        case 'h': usage(stdout); return 0;
        case ':':
            fprintf(stderr, "jflop report: option '%s' needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "jflop report: unknown option '%s' (see jflop --help)\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "jflop report: give result files or folders (see jflop --help)\n");
        return 2;
    }
    if ((site_path != NULL ? jf_site_load(site_path, &site, why, sizeof why)
                           : jf_site_default(&site, why, sizeof why)) != JF_OK) {
        fprintf(stderr, "jflop report: %s\n", why);
        return 2;
    }
    if (plot_dir != NULL && mkdir(plot_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "jflop report: --plot %s: %s\n", plot_dir, strerror(errno));
        return 2;
    }
    if (out_dir != NULL && mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "jflop report: --out %s: %s\n", out_dir, strerror(errno));
        return 2;
    }
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "jflop report: %s: %s (skipped)\n", argv[i], strerror(errno));
            skipped++;
        } else if (S_ISDIR(st.st_mode)) {
            const int before = paths.n;
            walk_paths = &paths;
            if (nftw(argv[i], walk_one, 16, FTW_PHYS) != 0) {
                fprintf(stderr, "jflop report: %s: cannot search it\n", argv[i]);
                skipped++;
            }
            qsort(paths.paths + before, (size_t)(paths.n - before), sizeof *paths.paths, cmp_str);
        } else if (add_path(&paths, argv[i]) != 0) {
            fprintf(stderr, "jflop report: out of memory\n");
            return 1;
        }
    }
    jf_result_t *runs = calloc((size_t)(paths.n > 0 ? paths.n : 1), sizeof *runs);
    int n = 0;
    for (int i = 0; runs != NULL && i < paths.n; i++) {
        if (jf_result_read(paths.paths[i], &runs[n], why, sizeof why) == JF_OK)
            n++;
        else {
            fprintf(stderr, "jflop report: %s (skipped)\n", why);
            skipped++;
        }
    }
    if (n == 0) {
        fprintf(stderr, "jflop report: no readable results file\n");
        status = 1;
        goto cleanup;
    }
    jf_table_t tables[5];
    jf_report_runs(runs, n, &tables[0]);
    jf_report_bounds(runs, n, &ro, &tables[1]);
    jf_report_cooling(runs, n, &site, &ro, &tables[2]);
    jf_report_lifecycle(runs, n, &site, &tables[3]);
    const int ntables = jf_report_scaling(runs, n, &tables[4]) > 0 ? 5 : 4;
    if (plot_dir != NULL) {
        jf_plot_summary_t ps;
        if (jf_plot_write(plot_dir, runs, n, ntables == 5 ? &tables[4] : NULL, &ps, why,
                          sizeof why) != JF_OK) {
            fprintf(stderr, "jflop report: %s\n", why);
            status = 1;
        } else if (ps.have_gnuplot) {
            fprintf(stderr, "jflop report: --plot %s: %d of %d plots rendered (PNG and SVG)\n",
                    plot_dir, ps.rendered, ps.scripts);
        } else {
            fprintf(stderr, "jflop report: --plot %s: gnuplot is not installed: wrote the data "
                            "and %d gnuplot scripts (run 'gnuplot NAME.gp' there)\n",
                    plot_dir, ps.scripts);
        }
    }
    if (ntables == 4)
        jf_table_free(&tables[4]);
    for (int t = 0; t < ntables; t++) {
        FILE *out = stdout;
        char file[4200];
        if (out_dir != NULL) {
            if (snprintf(file, sizeof file, "%s/%s.%s", out_dir, tables[t].id,
                         jf_format_extension(format)) >= (int)sizeof file ||
                (out = fopen(file, "w")) == NULL) {
                fprintf(stderr, "jflop report: %s: %s\n", file, strerror(errno));
                status = 1;
                jf_table_free(&tables[t]);
                continue;
            }
        } else if (t > 0 && format != JF_FMT_JSON) {
            fputc('\n', stdout);
        }
        jf_table_emit(out, &tables[t], format);
        if (out != stdout)
            fclose(out);
        jf_table_free(&tables[t]);
    }
    if (skipped > 0) {
        fprintf(stderr, "jflop report: %d of %d inputs skipped\n", skipped, skipped + n);
        status = 1;
    }
cleanup:
    for (int i = 0; i < paths.n; i++)
        free(paths.paths[i]);
    free(paths.paths);
    free(runs);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("jflop %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "probe") == 0)
        return probe(argc - 1, argv + 1);
    if (strcmp(argv[1], "bounds") == 0)
        return bounds(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return report(argc - 1, argv + 1);
    fprintf(stderr, "jflop: unknown command '%s' (see jflop --help)\n", argv[1]);
    return 2;
}
