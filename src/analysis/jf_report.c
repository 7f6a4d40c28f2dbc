/* jf_report.c: the runs and bounds tables. Energies that were extrapolated
 * are used only with their label; runs without energy leave those cells
 * empty, never 0. */
#include "jf_report.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/jf_bounds.h"
#include "analysis/jf_figures.h"

/* At most `shown` hosts of a comma-separated list, then how many more. */
static void hosts_cell(const char *hosts, int shown, char *buf, size_t len)
{
    int count = *hosts != '\0';
    const char *cut = NULL;
    for (const char *p = hosts; *p; p++)
        if (*p == ',' && ++count == shown + 1)
            cut = p;
    if (cut == NULL)
        snprintf(buf, len, "%s", hosts);
    else  /* the nodes table lists every host */
        snprintf(buf, len, "%.*s,... (%d hosts)", (int)(cut - hosts), hosts, count);
}

/* "12345", "12345_7" for an array task, "" outside Slurm. */
static void slurm_cell(const jf_result_t *r, char *buf, size_t len)
{
    if (r->slurm_array_job_id[0] != '\0' && r->slurm_array_task_id[0] != '\0')
        snprintf(buf, len, "%s_%s", r->slurm_array_job_id, r->slurm_array_task_id);
    else
        snprintf(buf, len, "%s", r->slurm_job_id);
}

/* The GEMM back-end and kernels that ran the run's products; files before
 * schema 1.4 have no /gemm and ran every GEMM on BLIS. */
static void gemm_cell(const jf_result_t *r, char *buf, size_t len)
{
    if (r->gemm_backend[0] == '\0') {
        snprintf(buf, len, "blis: %s (before schema 1.4)", r->blis_arch);
        return;
    }
    snprintf(buf, len, "%s: %s%s%s%s%s", r->gemm_backend, r->gemm_kernel[0] ? r->gemm_kernel : "?",
             r->gemm_version[0] ? " (" : "", r->gemm_version, r->gemm_version[0] ? ")" : "",
             r->gemm_emulated ? "; bf16 EMULATED in fp32" : "");
}

/* The last column of every table with energy figures: what the meters
 * cover and how the figure was obtained (1.7). */
/* The energy label in a table's last column (what the energy covers and
 * how it was obtained) */
static void energy_label_cell(jf_table_t *t, int row, const jf_result_t *r)
{
    char buf[256];
    jf_figures_energy_label(r, buf, sizeof buf);
    jf_table_text(t, row, t->ncols - 1, buf);
}

int jf_report_run_row(jf_table_t *t, const jf_result_t *r, int label_last, jf_figures_t *f)
{
    const int row = jf_table_add_row(t);
    if (row < 0)
        return -1;
    jf_table_text(t, row, 0, r->name);
    if (label_last)
        energy_label_cell(t, row, r);
    if (f != NULL)
        jf_figures_of_result(r, f);
    return row;
}

void jf_report_rows(const jf_result_t *runs, int n, jf_table_t *t, int label_last,
                    jf_report_row_fn fill, void *ctx)
{
    for (int i = 0; i < n; i++) {
        jf_figures_t f;
        const int row = jf_report_run_row(t, &runs[i], label_last, &f);
        if (row < 0)
            return;
        fill(t, row, &runs[i], &f, ctx);
    }
}

/* the runs table's columns, and what its notes count over the rows */
enum {
    RUNS_RUN, RUNS_HOSTS, RUNS_START, RUNS_SLURM, RUNS_N, RUNS_D, RUNS_RANKS, RUNS_THREADS,
    RUNS_NODES, RUNS_PREC, RUNS_GEMM, RUNS_CPU, RUNS_SECONDS, RUNS_RATE, RUNS_VERIFIED, RUNS_SOURCE,
    RUNS_BASIS, RUNS_JOULES, RUNS_NODE_W, RUNS_JPF, RUNS_GFW, RUNS_JPT, RUNS_COVERS, RUNS_SHARE,
    RUNS_STATUS
};
typedef struct {
    int estimated, emulated, missing, unnamed_cpu;
} runs_counts_t;

static void runs_row(jf_table_t *t, int row, const jf_result_t *r, const jf_figures_t *f,
                     void *ctx)
{
    runs_counts_t *c = ctx;
    char buf[512];
    hosts_cell(r->hosts, 4, buf, sizeof buf);
    jf_table_text(t, row, RUNS_HOSTS, buf);
    jf_table_text(t, row, RUNS_START, r->start_utc);
    slurm_cell(r, buf, sizeof buf);
    jf_table_text(t, row, RUNS_SLURM, buf);
    jf_table_count(t, row, RUNS_N, r->n_params);
    jf_table_count(t, row, RUNS_D, r->tokens);
    jf_table_count(t, row, RUNS_RANKS, (jf_u128)r->ranks);
    jf_table_count(t, row, RUNS_THREADS, (jf_u128)r->threads);
    jf_table_count(t, row, RUNS_NODES, (jf_u128)r->nodes);
    jf_table_text(t, row, RUNS_PREC, r->precision);
    gemm_cell(r, buf, sizeof buf);
    jf_table_text(t, row, RUNS_GEMM, buf);
    snprintf(buf, sizeof buf, "%s%s", r->cpu, r->cpu_uniform ? "" : " (rank 0's node; the nodes differ)");
    jf_table_text(t, row, RUNS_CPU, buf);
    c->unnamed_cpu += r->cpu[0] == '\0';
    jf_table_real(t, row, RUNS_SECONDS, r->seconds, "%.4g");
    jf_table_real(t, row, RUNS_RATE, f->flops_per_second, "%.4g");
    jf_table_text(t, row, RUNS_VERIFIED, r->verified ? "yes" : "NO");
    jf_table_text(t, row, RUNS_SOURCE, r->energy_source);
    /* measured or estimated, and how (1.7: the counter or the power readings) */
    snprintf(buf, sizeof buf, "%s%s%s", jf_figures_basis(r),
             f->have && r->energy_basis[0] ? ": " : "", f->have ? r->energy_basis : "");
    jf_table_text(t, row, RUNS_BASIS, buf);
    jf_table_text(t, row, RUNS_COVERS, jf_figures_covers(r));
    jf_table_real(t, row, RUNS_SHARE, r->have_max_share ? 100 * r->max_other_cpu_share : NAN,
                  "%.3g");
    /* missing energy: these cells stay empty (NAN), never 0 */
    jf_table_real(t, row, RUNS_JOULES, f->joules, "%.6g");
    jf_table_real(t, row, RUNS_NODE_W, f->node_watts, "%.4g");
    jf_table_real(t, row, RUNS_JPF, f->joules_per_flop, "%.4g");
    jf_table_real(t, row, RUNS_GFW, f->gflops_per_watt, "%.4g");
    jf_table_real(t, row, RUNS_JPT, f->joules_per_token, "%.4g");
    jf_table_text(t, row, RUNS_STATUS, r->status);
    c->estimated += f->estimated;
    c->emulated += r->gemm_emulated != 0;
    c->missing += !f->have;
}

void jf_report_runs(const jf_result_t *runs, int n, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "hosts", "start (UTC)", "Slurm job", "N", "D", "ranks", "threads/rank", "nodes",
        "precision", "GEMM", "CPU", "seconds [s]", "FLOP/s", "6ND verified", "energy source",
        "energy basis", "energy [J]", "node power [W]", "J/FLOP", "GFLOPS/W", "J/token",
        "energy covers", "other CPU share [%]", "status",
    };
    JF_TABLE_INIT(t, "runs", headers,
                  "Runs (J/FLOP per 6ND FLOP; FLOP/s and GFLOPS/W over all counted FLOPs)");
    runs_counts_t counts = {0, 0, 0, 0};
    jf_report_rows(runs, n, t, 0, runs_row, &counts);
    if (counts.estimated > 0)
        jf_table_note(t, "%d run(s) had unmeasured nodes: their energy is an ESTIMATE "
                         "(measured nodes' mean x node count), see 'energy basis'",
                      counts.estimated);
    if (counts.emulated > 0)
        jf_table_note(t, "%d bf16 run(s) had no bf16 instructions: their GEMMs were EMULATED "
                         "in fp32 arithmetic ('GEMM'), so their time and energy are not those "
                         "of bf16 hardware", counts.emulated);
    if (counts.missing > 0)
        jf_table_note(t, "%d run(s) without usable energy: their energy cells are empty "
                         "(null in JSON), see 'energy basis'", counts.missing);
    if (counts.unnamed_cpu > 0)
        jf_table_note(t, "%d run(s) do not name their processor ('CPU' empty): files before "
                         "schema 1.9", counts.unnamed_cpu);
    jf_table_note(t, "node power: the run's energy / its measured phase / the nodes it covers");
    jf_table_note(t, "energy covers: what the meters see (CPU packages + DRAM: RAPL; node incl. "
                     "accelerators: pm_counters; node at its power supply: redfish); other CPU "
                     "share: the most any node's CPU time went to other processes in the "
                     "measured phase (empty before schema 1.7)");
    for (int i = 0; i < n; i++) {
        /* a shared node or oversubscribed cores qualify the run's figures */
        for (const char *w = runs[i].warnings; *w;) {
            const size_t len = strcspn(w, "\n");
            jf_table_note(t, "%s: warning: %.*s", runs[i].name, (int)len, w);
            w += len + (w[len] == '\n');
        }
    }
}

/* What a node's energy is: measured, or why not. */
static void node_status(const jf_result_node_t *x, char *buf, size_t len)
{
    if (x->invalid)
        snprintf(buf, len, "INVALID: %s", x->reason);
    else if (!x->measured)
        snprintf(buf, len, "not measured: %s", x->reason);
    else
        snprintf(buf, len, "measured");
}

int jf_report_nodes(const jf_result_t *runs, int n, jf_table_t *nodes, jf_table_t *domains,
                    char (*why)[JF_MSG_LEN])
{
    static const char *const node_headers[] = {
        "run", "node", "host", "backend", "energy [J]", "mean power [W]", "peak power [W]",
        "seconds [s]", "readings", "wraps", "sample interval [s]", "coverage", "basis",
        "energy status", "covers", "other CPU share [%]",
    };
    static const char *const domain_headers[] = {
        "run", "node", "host", "domain", "scope", "energy [J]", "mean power [W]",
        "in node total", "share of node [%]",
    };
    int unreadable = 0;
    JF_TABLE_INIT(nodes, "nodes", node_headers, "Nodes: each node's energy over the measured phase");
    JF_TABLE_INIT(domains, "domains", domain_headers,
                  "Domains: each node's energy per metered domain");
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        jf_result_node_t *x = NULL;
        int count = 0;
        char msg[JF_MSG_LEN], buf[1024];
        if (why != NULL)
            why[i][0] = '\0';
        if (jf_result_read_nodes(r->path, &x, &count, msg, sizeof msg) != JF_OK) {
            jf_table_note(nodes, "%s: node groups unreadable: %s", r->name, msg);
            if (why != NULL)
                snprintf(why[i], sizeof why[i], "%s", msg);
            unreadable++;
            continue;
        }
        for (int k = 0; k < count; k++) {
            const jf_result_node_t *nd = &x[k];
            const int row = jf_table_add_row(nodes);
            if (row < 0)
                break;
            const int have = nd->measured && nd->have_joules;
            jf_table_text(nodes, row, 0, r->name);
            jf_table_count(nodes, row, 1, (jf_u128)k);
            jf_table_text(nodes, row, 2, nd->node);
            jf_table_text(nodes, row, 3, nd->backend);
            jf_table_real(nodes, row, 4, have ? nd->joules : NAN, "%.6g");
            jf_table_real(nodes, row, 5, have && nd->have_watts ? nd->mean_watts : NAN, "%.4g");
            jf_table_real(nodes, row, 6, have && nd->have_watts ? nd->peak_watts : NAN, "%.4g");
            /* a node nothing read has no phase: blank, not 0 s */
            const int read = nd->samples > 0 || nd->seconds > 0;
            jf_table_real(nodes, row, 7, read ? nd->seconds : NAN, "%.4g");
            jf_table_count(nodes, row, 8, (jf_u128)nd->samples);
            jf_table_count(nodes, row, 9, (jf_u128)nd->wraps);
            jf_table_real(nodes, row, 10, read ? nd->sample_interval : NAN, "%.3g");
            jf_table_text(nodes, row, 11, nd->coverage);
            jf_table_text(nodes, row, 12, nd->basis);
            node_status(nd, buf, sizeof buf);
            jf_table_text(nodes, row, 13, buf);
            jf_table_text(nodes, row, 14, nd->covers);
            jf_table_real(nodes, row, 15, nd->have_share ? 100 * nd->other_cpu_share : NAN,
                          "%.3g");
            for (int d = 0; d < nd->ndomains; d++) {
                const int drow = jf_table_add_row(domains);
                if (drow < 0)
                    break;
                const int dhave = have && nd->have_domain_joules;
                const double dj = dhave ? nd->domain_joules[d] : NAN;
                jf_table_text(domains, drow, 0, r->name);
                jf_table_count(domains, drow, 1, (jf_u128)k);
                jf_table_text(domains, drow, 2, nd->node);
                jf_table_text(domains, drow, 3, nd->domain[d]);
                jf_table_text(domains, drow, 4, nd->domain_scope[d]);
                jf_table_real(domains, drow, 5, dj, "%.6g");
                jf_table_real(domains, drow, 6, nd->seconds > 0 ? dj / nd->seconds : NAN, "%.4g");
                if (nd->have_domain_joules)
                    jf_table_text(domains, drow, 7, nd->domain_in_total[d] ? "yes" : "no");
                jf_table_real(domains, drow, 8, 100.0 * dj / nd->joules, "%.3g");
            }
        }
        jf_result_nodes_free(x, count);
    }
    jf_table_note(nodes, "coverage: what the node's energy includes; basis: how it was "
                         "obtained (an energy counter, or power readings integrated; empty "
                         "before schema 1.6); nodes not measured or invalid have empty "
                         "energy cells (null in JSON)");
    jf_table_note(domains, "a domain with 'in node total' no is inside or overlaps another "
                           "(a core in its package, psys); its share is not added");
    return unreadable;
}

static void bounds_row(jf_table_t *t, int row, const jf_result_t *r, const jf_figures_t *f,
                       void *ctx)
{
    const jf_report_opts_t *o = ctx;
    const double bits = o->bits > 0 ? o->bits : jf_result_operand_bits(r);
    const double na = o->active_params > 0 ? o->active_params : (double)r->n_params;
    const double landauer = jf_landauer_flop(bits, o->temperature);
    const double eq17 = jf_bound_training_digital(na, (double)r->tokens, o->temperature);
    const double eq16 = jf_bound_training_analog((double)r->n_params, (double)r->tokens,
                                                 o->temperature);
    const double j = f->joules, per_flop = f->joules_per_flop;  /* NAN: empty cells */
    jf_table_real(t, row, 1, bits, "%g");
    jf_table_real(t, row, 3, landauer, "%.4g");
    jf_table_real(t, row, 6, eq17, "%.4g");
    jf_table_real(t, row, 9, eq16, "%.4g");
    jf_table_real(t, row, 2, per_flop, "%.4g");
    jf_table_real(t, row, 4, per_flop / landauer, "%.4g");
    jf_table_real(t, row, 5, log10(per_flop / landauer), "%.2f");
    jf_table_real(t, row, 7, j / eq17, "%.4g");
    jf_table_real(t, row, 8, log10(j / eq17), "%.2f");
    jf_table_real(t, row, 10, j / eq16, "%.4g");
    jf_table_real(t, row, 11, log10(j / eq16), "%.2f");
}

void jf_report_bounds(const jf_result_t *runs, int n, const jf_report_opts_t *o, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "bits", "measured [J/FLOP]", "Landauer [J/FLOP]", "measured/Landauer",
        "gap [decades]", "Eq. 17 digital [J]", "measured/Eq.17", "gap17 [decades]",
        "Eq. 16 analog [J]", "measured/Eq.16", "gap16 [decades]", "energy covers, basis",
    };
    JF_TABLE_INIT(t, "bounds", headers,
                  "Thermodynamic bounds at %g K (Tkachenko, arXiv:2503.09980; measured energy "
                  "per 6ND FLOP)", o->temperature);
    jf_report_rows(runs, n, t, 1, bounds_row, (void *)o);
    jf_table_note(t, "Landauer: bits x k_B T ln 2 per FLOP, bits = %s", o->bits > 0
                      ? "as given by --bits" : "the run's operand width (fp64: 64, fp32: 32, bf16: 16)");
    jf_table_note(t, "Eq. 17: 1e2 N_a D k_B T with N_a = %s; Eq. 16: 2 N D k_B T",
                  o->active_params > 0 ? "--active-params" : "N");
    jf_table_note(t, "runs without measured energy have empty measured cells");
}

static void site_note(jf_table_t *t, const jf_site_t *site)
{
    jf_table_note(t, "site '%s' from %s", site->name, site->origin);
}

void jf_report_cooling(const jf_result_t *runs, int n, const jf_site_t *site,
                       const jf_report_opts_t *o, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "cooling", "T* [K]", "eta", "IT energy [J]", "x PUE [J]", "Carnot T/T*",
        "practical factor", "cooling-adjusted [J]", "adjusted [J/FLOP]",
        "Landauer at T*, referred to T [J/FLOP]", "Landauer at T [J/FLOP]",
        "energy covers, basis",
    };
    const double T = site->ambient_k.value;
    JF_TABLE_INIT(t, "cooling", headers, "Cooling-adjusted energy (Eq. 19), ambient T = %g K, PUE %g",
                  T, site->pue.value);
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        const double bits = o->bits > 0 ? o->bits : jf_result_operand_bits(r);
        jf_figures_t f;
        jf_figures_of_result(r, &f);
        const double j = f.joules;
        for (int c = 0; c < site->ncooling; c++) {
            const jf_cooling_row_t *cr = &site->cooling[c];
            const double ts = cr->t_star_k.value, eta = cr->eta.value;
            const double carnot = jf_cooling_factor_carnot(T, ts);
            const double practical = jf_cooling_factor_practical(T, ts, eta);
            const int row = jf_report_run_row(t, r, 1, NULL);
            if (row < 0)
                return;
            jf_table_text(t, row, 1, cr->label);
            jf_table_real(t, row, 2, ts, "%g");
            jf_table_real(t, row, 3, eta, "%g");
            jf_table_real(t, row, 6, carnot, "%.4g");
            jf_table_real(t, row, 7, practical, "%.4g");
            /* cooling cannot beat the bound: bound(T*) x T/T* = bound(T) */
            jf_table_real(t, row, 10, jf_landauer_flop(bits, ts) * carnot, "%.4g");
            jf_table_real(t, row, 11, jf_landauer_flop(bits, T), "%.4g");
            if (!f.have)
                continue;
            const double facility = j * site->pue.value;
            /* the measured IT energy is dissipated at T*; pumping it up to
             * T costs the practical factor, then the facility's PUE */
            const double adjusted = facility * practical;
            jf_table_real(t, row, 4, j, "%.6g");
            jf_table_real(t, row, 5, facility, "%.6g");
            jf_table_real(t, row, 8, adjusted, "%.6g");
            jf_table_real(t, row, 9, adjusted / (double)r->flops_6nd, "%.4g");
        }
    }
    site_note(t, site);
    jf_table_note(t, "practical factor 1 + (T/T* - 1)/eta; the measured hardware ran at ambient, "
                     "so rows below ambient ask: what would this IT energy cost if dissipated at T*");
    jf_table_note(t, "Landauer at T* x T/T* equals Landauer at T: cooling cannot beat the bound");
    for (int c = 0; c < site->ncooling; c++)
        jf_table_note(t, "%s: T* from %s; eta from %s", site->cooling[c].label,
                      site->cooling[c].t_star_k.source, site->cooling[c].eta.source);
}

static void lifecycle_row(jf_table_t *t, int row, const jf_result_t *r, const jf_figures_t *f,
                          void *ctx)
{
    const jf_site_t *site = ctx;
    const double life_h = site->service_life_years.value * 365.25 * 24.0 * site->utilisation.value;
    const double node_hours = (double)r->nodes * r->seconds / 3600.0;
    const double share = node_hours / life_h;  /* of one node's lifetime */
    const double emb_j = share * site->node_embodied_mj.value * 1e6;
    const double emb_kg = share * site->node_embodied_kgco2e.value;
    const double other_kg = share * (site->transport_kgco2e_per_node.value +
                                     site->end_of_life_kgco2e_per_node.value);
    jf_table_real(t, row, 1, node_hours, "%.4g");
    jf_table_real(t, row, 4, emb_j, "%.4g");
    jf_table_real(t, row, 5, emb_kg, "%.4g");
    jf_table_real(t, row, 6, other_kg, "%.4g");
    if (!f->have)
        return;
    const double op_j = f->joules * site->pue.value;
    /* curtailed renewables: zero marginal carbon for that share */
    const double op_kg = op_j / 3.6e6 * site->grid_gco2e_per_kwh.value / 1000.0 *
                         (1.0 - site->curtailed_share.value);
    const double tot_j = op_j + emb_j, tot_kg = op_kg + emb_kg + other_kg;
    jf_table_real(t, row, 2, op_j, "%.6g");
    jf_table_real(t, row, 3, op_kg, "%.4g");
    jf_table_real(t, row, 7, tot_j, "%.6g");
    jf_table_real(t, row, 8, tot_kg, "%.4g");
    jf_table_real(t, row, 9, tot_j / (double)r->flops_6nd, "%.4g");
    jf_table_real(t, row, 10, tot_kg / (double)r->flops_6nd, "%.4g");
    jf_table_real(t, row, 11, tot_j / (double)r->tokens, "%.4g");
    jf_table_real(t, row, 12, tot_kg / (double)r->tokens, "%.4g");
}

void jf_report_lifecycle(const jf_result_t *runs, int n, const jf_site_t *site, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "node-hours [h]", "operating [J]", "operating [kgCO2e]", "embodied [J]",
        "embodied [kgCO2e]", "transport+EoL [kgCO2e]", "total [J]", "total [kgCO2e]",
        "J/FLOP", "kgCO2e/FLOP", "J/token", "kgCO2e/token", "energy covers, basis",
    };
    JF_TABLE_INIT(t, "lifecycle", headers,
                  "Lifecycle: operating (x PUE) and embodied, amortised by node-hours over the "
                  "service life");
    jf_report_rows(runs, n, t, 1, lifecycle_row, (void *)site);
    site_note(t, site);
    jf_table_note(t, "PUE %g (%s); grid %g gCO2e/kWh (%s); curtailed share %g",
                  site->pue.value, site->pue.source, site->grid_gco2e_per_kwh.value,
                  site->grid_gco2e_per_kwh.source, site->curtailed_share.value);
    jf_table_note(t, "embodied per node %g kgCO2e (%s), %g MJ (%s)",
                  site->node_embodied_kgco2e.value, site->node_embodied_kgco2e.source,
                  site->node_embodied_mj.value, site->node_embodied_mj.source);
    jf_table_note(t, "service life %g years (%s) at utilisation %g (%s); node-hours use the "
                     "measured phase", site->service_life_years.value,
                  site->service_life_years.source, site->utilisation.value,
                  site->utilisation.source);
}

/* Runs comparable for scaling: same shape, precision, per-rank batch,
 * threads; only the rank or node count differs. */
static int same_experiment(const jf_result_t *a, const jf_result_t *b)
{
    return a->layers == b->layers && a->d_model == b->d_model && a->heads == b->heads &&
           a->ctx == b->ctx && a->ff == b->ff && a->batch == b->batch &&
           a->threads == b->threads && strcmp(a->precision, b->precision) == 0;
}

int jf_report_scaling(const jf_result_t *runs, int n, jf_table_t *t)
{
    static const char *const headers[] = {
        "experiment", "run", "ranks", "nodes", "FLOP/s", "speed-up", "parallel efficiency",
        "J/FLOP", "energy covers, basis",
    };
    JF_TABLE_INIT(t, "scaling", headers,
                  "Scaling: runs that differ only in rank or node count (weak scaling: fixed "
                  "batch per rank)");
    int group = 0;
    char *done = calloc((size_t)n, 1);
    if (done == NULL)
        return 0;
    for (int i = 0; i < n; i++) {
        if (done[i])
            continue;
        /* the members of i's experiment, and whether rank counts differ */
        int members = 0, base = i, distinct = 0;
        for (int k = i; k < n; k++)
            if (same_experiment(&runs[i], &runs[k])) {
                members++;
                if (runs[k].ranks < runs[base].ranks)
                    base = k;
                distinct |= runs[k].ranks != runs[i].ranks;
            }
        if (members < 2 || !distinct) {
            done[i] = 1;
            continue;
        }
        group++;
        const double base_rate = (double)runs[base].flops_counted / runs[base].seconds;
        for (int k = i; k < n; k++) {
            if (!same_experiment(&runs[i], &runs[k]))
                continue;
            done[k] = 1;
            const jf_result_t *r = &runs[k];
            const double rate = (double)r->flops_counted / r->seconds;
            const double speedup = rate / base_rate;
            const int row = jf_table_add_row(t);
            if (row < 0)
                break;
            char label[96];
            /* no leading "#": CSV readers take it for a comment */
            snprintf(label, sizeof label, "exp%d L%lld d%lld %s", group, (long long)r->layers,
                     (long long)r->d_model, r->precision);
            jf_table_text(t, row, 0, label);
            energy_label_cell(t, row, r);
            jf_table_text(t, row, 1, r->name);
            jf_table_count(t, row, 2, (jf_u128)r->ranks);
            jf_table_count(t, row, 3, (jf_u128)r->nodes);
            jf_table_real(t, row, 4, rate, "%.4g");
            jf_table_real(t, row, 5, speedup, "%.3f");
            jf_table_real(t, row, 6, speedup / ((double)r->ranks / (double)runs[base].ranks),
                          "%.3f");
            jf_figures_t f;
            jf_figures_of_result(r, &f);
            jf_table_real(t, row, 7, f.joules_per_flop, "%.4g");
        }
    }
    free(done);
    jf_table_note(t, "speed-up against the experiment's run with the fewest ranks; efficiency = "
                     "speed-up / rank ratio");
    return t->nrows;
}
