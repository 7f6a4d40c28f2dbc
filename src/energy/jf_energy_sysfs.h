/* jf_energy_sysfs.h: reading one-value files (sysfs attributes and the
 * synthetic trees tests build), shared by the file-based backends. */
#ifndef JF_ENERGY_SYSFS_H
#define JF_ENERGY_SYSFS_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_error.h"
#include "energy/jf_energy.h"

/* Read a whole small file (reopened every time: sysfs regenerates it, and
 * a test feeder replaces it by rename). Trailing newline removed. */
jf_err_t jf_sysfs_read_text(const char *path, char *buf, size_t buflen, char *msg,
                            size_t msglen);

/* Read an unsigned decimal integer, optionally followed by " unit ..."
 * (pm_counters' "123 J 456 us"); rest, if not NULL, gets what follows. */
jf_err_t jf_sysfs_read_u64(const char *path, uint64_t *value, char *rest, size_t restlen,
                           char *msg, size_t msglen);

/* The file backends' start and stop: allocate their state, scan the tree
 * into it (scan is the backend's own probe logic with a state to fill), and
 * free it again. */
typedef jf_err_t (*jf_sysfs_scan_fn)(const jf_energy_paths_t *paths, jf_energy_session_t *s,
                                     void *state, char *msg, size_t msglen);
jf_err_t jf_sysfs_backend_start(jf_sysfs_scan_fn scan, size_t state_size,
                                const jf_energy_paths_t *paths, jf_energy_session_t *s,
                                char *msg, size_t msglen);
void jf_sysfs_backend_stop(jf_energy_session_t *s);

#endif
