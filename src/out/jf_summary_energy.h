/* jf_summary_energy.h: the summary's idle/dynamic energy and energy per
 * step part (text and JSON), kept apart from jf_summary.c's other lines. */
#ifndef JF_SUMMARY_ENERGY_H
#define JF_SUMMARY_ENERGY_H

#include <jansson.h>
#include <stdio.h>

#include "out/jf_summary.h"

/* The FLOPs each step part did over all ranks (NAN: a part that does no
 * arithmetic of its own: allreduce, other): forward 2ND and backward 4ND
 * (the 6ND split), optimizer the SGD's counted 2 per weight per step. */
void jf_summary_part_flops(const jf_run_t *run, double flops[JF_ENERGY_PARTS_MAX]);

/* Job totals of the parts, summed over the measured nodes; 0 unless
 * every measured node has them. */
int jf_summary_parts_total(const jf_energy_job_t *e, double joules[JF_ENERGY_PARTS_MAX],
                           double uncertainty[JF_ENERGY_PARTS_MAX], int *nparts);

void jf_summary_energy_print(FILE *out, const jf_summary_t *s);
void jf_summary_energy_node_json(json_t *node, const jf_energy_node_t *n);
void jf_summary_energy_json(json_t *energy, const jf_summary_t *s);

#endif
