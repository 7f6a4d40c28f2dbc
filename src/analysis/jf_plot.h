/* jf_plot.h: `jflop report --plot DIR`. Per run: the loss curve, each
 * rank's step time (the imbalance between ranks) and the FLOP/s over the
 * measured phase, which every run has; with energy, each node's power trace
 * and each of its domains, with the measured phase shaded; over the runs,
 * J/FLOP versus N (runs with energy) beside the Landauer cost of a FLOP and
 * Tkachenko's Eq. 17 per FLOP, and the scaling curves. Writes the data and a gnuplot script for
 * each (every file through a temporary file and a rename: never a partial
 * one); runs gnuplot (PNG and SVG) when it is installed, and says so when
 * it is not. A plot a run cannot have (no energy) is skipped with a note. */
#ifndef JF_PLOT_H
#define JF_PLOT_H

#include <stddef.h>

#include "analysis/jf_result_read.h"
#include "core/jf_error.h"
#include "out/jf_table.h"

/* Room to keep in DIR's path for the fixed names written into it
 * (jflop_vs_n.tmp.<pid>.png and the like), checked before any work. */
#define JF_PLOT_NAME_RESERVE 40

/* Notes on skipped plots kept whole; more are counted. */
#define JF_PLOT_MAX_NOTES 16

typedef struct {
    int scripts;        /* gnuplot scripts written */
    int rendered;       /* of them, turned into pictures */
    int have_gnuplot;
    int nskipped;       /* notes in skipped: which plots were left out, and why */
    char skipped[JF_PLOT_MAX_NOTES][JF_MSG_LEN];
    int more_skipped;   /* notes beyond those */
} jf_plot_summary_t;

/* scaling: the report's scaling table, or NULL when it has no rows.
 * temperature (K) and bits (per FLOP; 0: each run's operand width) are the
 * report's, for the bound lines. JF_OK, or (a file could not be written)
 * the error with one line in msg, "--plot DIR/NAME: why". */
jf_err_t jf_plot_write(const char *dir, const jf_result_t *runs, int n, const jf_table_t *scaling,
                       double temperature, double bits, jf_plot_summary_t *summary, char *msg,
                       size_t msglen);

#endif
