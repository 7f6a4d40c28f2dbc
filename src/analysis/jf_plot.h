/* jf_plot.h: `jflop report --plot DIR`: J/FLOP versus N, each node's power
 * trace with the measured phase shaded, and scaling curves. Writes the data
 * and a gnuplot script for each; runs gnuplot (PNG and SVG) when it is
 * installed, and says so when it is not. */
#ifndef JF_PLOT_H
#define JF_PLOT_H

#include <stddef.h>

#include "analysis/jf_result_read.h"
#include "core/jf_error.h"
#include "out/jf_table.h"

typedef struct {
    int scripts;        /* gnuplot scripts written */
    int rendered;       /* of them, turned into pictures */
    int have_gnuplot;
} jf_plot_summary_t;

/* scaling: the report's scaling table, or NULL when it has no rows. */
jf_err_t jf_plot_write(const char *dir, const jf_result_t *runs, int n, const jf_table_t *scaling,
                       jf_plot_summary_t *summary, char *msg, size_t msglen);

#endif
