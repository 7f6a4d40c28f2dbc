/* jf_report.h: the tables of `jflop report`, built from results files. */
#ifndef JF_REPORT_H
#define JF_REPORT_H

#include "analysis/jf_figures.h"
#include "analysis/jf_result_read.h"
#include "analysis/jf_site.h"
#include "out/jf_table.h"

typedef struct {
    double temperature;     /* K, for the bounds */
    double bits;            /* bits per FLOP; 0: each run's operand width */
    double active_params;   /* N_a for Eq. 17; 0: each run's N */
} jf_report_opts_t;

/* Table 1: one row per run. */
void jf_report_runs(const jf_result_t *runs, int n, jf_table_t *t);
/* A new row of a per-run table: the run's name in column 0, with
 * label_last the energy label (what it covers, how obtained) in the last
 * column, and f (unless NULL) the run's figures. -1 when no row could be
 * added. */
int jf_report_run_row(jf_table_t *t, const jf_result_t *r, int label_last, jf_figures_t *f);
/* A row per run, each started by jf_report_run_row and filled by fill with
 * the run's figures; ctx is fill's own (the table's options, or what its
 * notes count). */
typedef void (*jf_report_row_fn)(jf_table_t *t, int row, const jf_result_t *r,
                                 const jf_figures_t *f, void *ctx);
void jf_report_rows(const jf_result_t *runs, int n, jf_table_t *t, int label_last,
                    jf_report_row_fn fill, void *ctx);
/* The per-node and per-domain tables, read from each run's node groups
 * (/energy/node_NNNN). Returns how many files' node groups were unreadable
 * (each named in a note of the nodes table); why (n messages, or NULL)
 * gets the reader's message for each such run and "" for the others. */
int jf_report_nodes(const jf_result_t *runs, int n, jf_table_t *nodes, jf_table_t *domains,
                    char (*why)[JF_MSG_LEN]);
/* Table 2: measured J/FLOP beside the thermodynamic bounds. */
void jf_report_bounds(const jf_result_t *runs, int n, const jf_report_opts_t *o, jf_table_t *t);

/* Table 3: IT energy x PUE, and the Eq. 19 penalty for each cooling row of
 * the site, with the Landauer bound at T* referred back to ambient. */
void jf_report_cooling(const jf_result_t *runs, int n, const jf_site_t *site,
                       const jf_report_opts_t *o, jf_table_t *t);
/* Table 4: operating and embodied energy and carbon per job, FLOP, token. */
void jf_report_lifecycle(const jf_result_t *runs, int n, const jf_site_t *site, jf_table_t *t);
/* The quality table (README "Quality and learning"): bits compressed, J per
 * bit against k_B T ln 2, validation loss, the target, the Pareto front of
 * best validation loss against energy. Returns the runs that validated
 * (jflop report shows the table only then, unless asked for it). */
int jf_report_quality(const jf_result_t *runs, int n, const jf_report_opts_t *o, jf_table_t *t);

/* The energy table: gross, idle and dynamic energy, energy per step part
 * (jf_report_energy.c). */
void jf_report_energy(const jf_result_t *runs, int n, jf_table_t *t);

/* Table 5: runs that differ only in rank or node count; returns the rows. */
int jf_report_scaling(const jf_result_t *runs, int n, jf_table_t *t);

#endif
