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

static const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char *energy_basis(const jf_result_t *r)
{
    if (!r->have_joules)
        return strcmp(r->energy_status, "invalid") == 0 ? "invalid" : "not measured";
    return r->extrapolated ? "ESTIMATE (extrapolated)" : "measured";
}

void jf_report_runs(const jf_result_t *runs, int n, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "N", "D", "ranks", "nodes", "precision", "seconds [s]", "FLOP/s",
        "6ND verified", "energy source", "energy basis", "energy [J]", "J/FLOP",
        "GFLOPS/W", "J/token", "status",
    };
    jf_table_init(t, "runs", "Runs (J/FLOP per 6ND FLOP; FLOP/s and GFLOPS/W over all counted FLOPs)",
                  (int)(sizeof headers / sizeof headers[0]), headers);
    int estimated_rows = 0;
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        const int row = jf_table_add_row(t);
        if (row < 0)
            return;
        int est;
        const double j = jf_result_joules(r, &est);
        const double counted = (double)r->flops_counted;
        jf_table_text(t, row, 0, basename_of(r->path));
        jf_table_count(t, row, 1, r->n_params);
        jf_table_count(t, row, 2, r->tokens);
        jf_table_count(t, row, 3, (jf_u128)r->ranks);
        jf_table_count(t, row, 4, (jf_u128)r->nodes);
        jf_table_text(t, row, 5, r->precision);
        jf_table_real(t, row, 6, r->seconds, "%.4g");
        jf_table_real(t, row, 7, r->seconds > 0 ? counted / r->seconds : NAN, "%.4g");
        jf_table_text(t, row, 8, r->verified ? "yes" : "NO");
        jf_table_text(t, row, 9, r->energy_source);
        jf_table_text(t, row, 10, energy_basis(r));
        if (r->have_joules) {
            jf_table_real(t, row, 11, j, "%.6g");
            jf_table_real(t, row, 12, j / (double)r->flops_6nd, "%.4g");
            jf_table_real(t, row, 13, counted / j / 1e9, "%.4g");
            jf_table_real(t, row, 14, j / (double)r->tokens, "%.4g");
        }
        jf_table_text(t, row, 15, r->status);
        estimated_rows += est && r->have_joules;
    }
    if (estimated_rows > 0)
        jf_table_note(t, "%d run(s) had unmeasured nodes: their energy is an ESTIMATE "
                         "(measured nodes' mean x node count), see 'energy basis'",
                      estimated_rows);
    for (int i = 0; i < n; i++) {
        /* a shared node or oversubscribed cores qualify the run's figures */
        for (const char *w = runs[i].warnings; *w;) {
            const size_t len = strcspn(w, "\n");
            jf_table_note(t, "%s: warning: %.*s", basename_of(runs[i].path), (int)len, w);
            w += len + (w[len] == '\n');
        }
    }
}

/* Operand width of a run's precision. */
static double run_bits(const jf_result_t *r)
{
    const int p = jf_precision_parse(r->precision);
    return p >= 0 ? jf_precision_bits((jf_precision_t)p) : 32;
}

void jf_report_bounds(const jf_result_t *runs, int n, const jf_report_opts_t *o, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "bits", "measured [J/FLOP]", "Landauer [J/FLOP]", "measured/Landauer",
        "gap [decades]", "Eq. 17 digital [J]", "measured/Eq.17", "gap17 [decades]",
        "Eq. 16 analog [J]", "measured/Eq.16", "gap16 [decades]",
    };
    char title[160];
    snprintf(title, sizeof title,
             "Thermodynamic bounds at %g K (Tkachenko, arXiv:2503.09980; measured energy "
             "per 6ND FLOP)", o->temperature);
    jf_table_init(t, "bounds", title, (int)(sizeof headers / sizeof headers[0]), headers);
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        const int row = jf_table_add_row(t);
        if (row < 0)
            return;
        const double bits = o->bits > 0 ? o->bits : run_bits(r);
        const double na = o->active_params > 0 ? o->active_params : (double)r->n_params;
        const double landauer = jf_landauer_flop(bits, o->temperature);
        const double eq17 = jf_bound_training_digital(na, (double)r->tokens, o->temperature);
        const double eq16 = jf_bound_training_analog((double)r->n_params, (double)r->tokens,
                                                     o->temperature);
        int est;
        const double j = jf_result_joules(r, &est);
        jf_table_text(t, row, 0, basename_of(r->path));
        jf_table_real(t, row, 1, bits, "%g");
        jf_table_real(t, row, 3, landauer, "%.4g");
        jf_table_real(t, row, 6, eq17, "%.4g");
        jf_table_real(t, row, 9, eq16, "%.4g");
        if (!r->have_joules)
            continue;
        const double per_flop = j / (double)r->flops_6nd;
        jf_table_real(t, row, 2, per_flop, "%.4g");
        jf_table_real(t, row, 4, per_flop / landauer, "%.4g");
        jf_table_real(t, row, 5, log10(per_flop / landauer), "%.2f");
        jf_table_real(t, row, 7, j / eq17, "%.4g");
        jf_table_real(t, row, 8, log10(j / eq17), "%.2f");
        jf_table_real(t, row, 10, j / eq16, "%.4g");
        jf_table_real(t, row, 11, log10(j / eq16), "%.2f");
    }
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
    };
    const double T = site->ambient_k.value;
    char title[200];
    snprintf(title, sizeof title,
             "Cooling-adjusted energy (Eq. 19), ambient T = %g K, PUE %g", T, site->pue.value);
    jf_table_init(t, "cooling", title, (int)(sizeof headers / sizeof headers[0]), headers);
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        const double bits = o->bits > 0 ? o->bits : run_bits(r);
        int est;
        const double j = jf_result_joules(r, &est);
        for (int c = 0; c < site->ncooling; c++) {
            const jf_cooling_row_t *cr = &site->cooling[c];
            const double ts = cr->t_star_k.value, eta = cr->eta.value;
            const double carnot = jf_cooling_factor_carnot(T, ts);
            const double practical = jf_cooling_factor_practical(T, ts, eta);
            const int row = jf_table_add_row(t);
            if (row < 0)
                return;
            jf_table_text(t, row, 0, basename_of(r->path));
            jf_table_text(t, row, 1, cr->label);
            jf_table_real(t, row, 2, ts, "%g");
            jf_table_real(t, row, 3, eta, "%g");
            jf_table_real(t, row, 6, carnot, "%.4g");
            jf_table_real(t, row, 7, practical, "%.4g");
            /* cooling cannot beat the bound: bound(T*) x T/T* = bound(T) */
            jf_table_real(t, row, 10, jf_landauer_flop(bits, ts) * carnot, "%.4g");
            jf_table_real(t, row, 11, jf_landauer_flop(bits, T), "%.4g");
            if (!r->have_joules)
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

void jf_report_lifecycle(const jf_result_t *runs, int n, const jf_site_t *site, jf_table_t *t)
{
    static const char *const headers[] = {
        "run", "node-hours [h]", "operating [J]", "operating [kgCO2e]", "embodied [J]",
        "embodied [kgCO2e]", "transport+EoL [kgCO2e]", "total [J]", "total [kgCO2e]",
        "J/FLOP", "kgCO2e/FLOP", "J/token", "kgCO2e/token",
    };
    jf_table_init(t, "lifecycle", "Lifecycle: operating (x PUE) and embodied, amortised by "
                                  "node-hours over the service life",
                  (int)(sizeof headers / sizeof headers[0]), headers);
    const double life_h = site->service_life_years.value * 365.25 * 24.0 * site->utilisation.value;
    for (int i = 0; i < n; i++) {
        const jf_result_t *r = &runs[i];
        const int row = jf_table_add_row(t);
        if (row < 0)
            return;
        const double node_hours = (double)r->nodes * r->seconds / 3600.0;
        const double share = node_hours / life_h;  /* of one node's lifetime */
        const double emb_j = share * site->node_embodied_mj.value * 1e6;
        const double emb_kg = share * site->node_embodied_kgco2e.value;
        const double other_kg = share * (site->transport_kgco2e_per_node.value +
                                         site->end_of_life_kgco2e_per_node.value);
        jf_table_text(t, row, 0, basename_of(r->path));
        jf_table_real(t, row, 1, node_hours, "%.4g");
        jf_table_real(t, row, 4, emb_j, "%.4g");
        jf_table_real(t, row, 5, emb_kg, "%.4g");
        jf_table_real(t, row, 6, other_kg, "%.4g");
        if (!r->have_joules)
            continue;
        int est;
        const double op_j = jf_result_joules(r, &est) * site->pue.value;
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
        "J/FLOP",
    };
    jf_table_init(t, "scaling", "Scaling: runs that differ only in rank or node count "
                                "(weak scaling: fixed batch per rank)",
                  (int)(sizeof headers / sizeof headers[0]), headers);
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
            jf_table_text(t, row, 1, basename_of(r->path));
            jf_table_count(t, row, 2, (jf_u128)r->ranks);
            jf_table_count(t, row, 3, (jf_u128)r->nodes);
            jf_table_real(t, row, 4, rate, "%.4g");
            jf_table_real(t, row, 5, speedup, "%.3f");
            jf_table_real(t, row, 6, speedup / ((double)r->ranks / (double)runs[base].ranks),
                          "%.3f");
            int est;
            if (r->have_joules)
                jf_table_real(t, row, 7, jf_result_joules(r, &est) / (double)r->flops_6nd,
                              "%.4g");
        }
    }
    free(done);
    jf_table_note(t, "speed-up against the experiment's run with the fewest ranks; efficiency = "
                     "speed-up / rank ratio");
    return t->nrows;
}
