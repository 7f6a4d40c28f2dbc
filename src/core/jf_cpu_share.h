/* jf_cpu_share.h: how much of a node's CPU time other processes used while
 * the job measured. A node shared with another job (or a busy daemon)
 * makes its energy that of both; validate's node.sharing rule judges the
 * share this records.
 *
 * At each edge of the measured phase every rank reads the node's
 * /proc/stat (busy and total jiffies of the "cpu" line) and its own
 * /proc/self/stat (utime + stime, all threads). Over the phase:
 *     share = (node busy - job busy) / node total,
 * job busy the ranks' own CPU time summed on the node, node total the
 * jiffies of every CPU (capacity). Busy counts user, nice, system, irq and
 * softirq; idle, iowait and steal (another guest's time) do not; total
 * counts all eight. The proc root moves with JFLOP_PROC_ROOT (tests give
 * fake trees with known jiffies). */
#ifndef JF_CPU_SHARE_H
#define JF_CPU_SHARE_H

#include <stddef.h>

#include "core/jf_error.h"

#define JF_CPU_SHARE_ROOT_ENV "JFLOP_PROC_ROOT"

/* One reading at one edge. ok 0: the files could not be read or parsed,
 * why says which and how (one line). */
typedef struct {
    int ok;
    unsigned long long node_busy, node_total;  /* jiffies, all CPUs */
    unsigned long long self_busy;              /* jiffies, this process */
    char why[160];
} jf_cpu_sample_t;

/* The proc root in use: JFLOP_PROC_ROOT, else "/proc". */
const char *jf_cpu_share_root(void);

/* Read both files under root (NULL: jf_cpu_share_root()). */
void jf_cpu_sample(const char *root, jf_cpu_sample_t *s);

/* Parse /proc/stat's text: the first "cpu " line's busy and total
 * jiffies. JF_EINVAL with the reason when it is not there or malformed. */
jf_err_t jf_cpu_parse_stat(const char *text, unsigned long long *busy, unsigned long long *total,
                           char *why, size_t whylen);
/* Parse /proc/<pid>/stat's text: utime + stime (fields 14 and 15, after
 * the command name in parentheses, which may hold spaces). */
jf_err_t jf_cpu_parse_self(const char *text, unsigned long long *busy, char *why, size_t whylen);

/* The node's other share from its readings at the phase's start and stop
 * and the job's own CPU jiffies over the phase (summed over the node's
 * ranks). Clamped to [0, 1] (the job's and the node's clocks tick
 * apart by a jiffy or two). JF_EINVAL with why when a reading failed or the
 * counters went backwards (a fault worth a line); JF_ERANGE with why when no
 * tick passed (a phase shorter than a jiffy: nothing to judge, no fault). */
jf_err_t jf_cpu_share(const jf_cpu_sample_t *start, const jf_cpu_sample_t *stop,
                      unsigned long long job_busy, double *share, char *why, size_t whylen);

#endif
