/* jf_sched.h: did the scheduler give the job its nodes to itself? Recorded
 * beside the measured CPU share (jf_cpu_share.h): a node the scheduler may
 * share is worth knowing even when nothing else ran on it this time. */
#ifndef JF_SCHED_H
#define JF_SCHED_H

#include <stddef.h>

/* exclusive: "yes", "no" or "unknown"; how: where that comes from, or why
 * it is unknown ("Slurm job 42: OverSubscribe=NO", "not under Slurm",
 * "scontrol not found"). Under Slurm (SLURM_JOB_ID) runs
 * `scontrol show job $SLURM_JOB_ID` (scontrol from PATH, or the program
 * JFLOP_SCONTROL names). */
void jf_sched_exclusive(char *exclusive, size_t exlen, char *how, size_t howlen);

/* scontrol's text: OverSubscribe=NO (--exclusive) or USER (the user's own
 * jobs only) are "yes", OK, YES, FORCE or MCS "no"; anything else
 * "unknown". value gets the word after OverSubscribe= ("" when none). */
const char *jf_sched_parse_oversubscribe(const char *text, char *value, size_t vlen);

#endif
