/* jf_sysmem.h: how much memory this process may use. */
#ifndef JF_SYSMEM_H
#define JF_SYSMEM_H

/* Bytes available to this process: /proc/meminfo's MemAvailable, lowered by
 * the memory limit of the process's own cgroup (v2 memory.max, or v1
 * memory.limit_in_bytes), which is how Slurm's --mem and containers cap a
 * job. 0 when nothing can tell. */
unsigned long long jf_mem_available(void);

#endif
