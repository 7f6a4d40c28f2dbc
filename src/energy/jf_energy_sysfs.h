/* jf_energy_sysfs.h: reading one-value files (sysfs attributes and the
 * synthetic trees tests build), shared by the file-based backends. */
#ifndef JF_ENERGY_SYSFS_H
#define JF_ENERGY_SYSFS_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_error.h"

/* Read a whole small file (reopened every time: sysfs regenerates it, and
 * a test feeder replaces it by rename). Trailing newline removed. */
jf_err_t jf_sysfs_read_text(const char *path, char *buf, size_t buflen, char *msg,
                            size_t msglen);

/* Read an unsigned decimal integer, optionally followed by " unit ..."
 * (pm_counters' "123 J 456 us"); rest, if not NULL, gets what follows. */
jf_err_t jf_sysfs_read_u64(const char *path, uint64_t *value, char *rest, size_t restlen,
                           char *msg, size_t msglen);

#endif
