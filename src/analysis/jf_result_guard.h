/* jf_result_guard.h: results files are read in a child process first,
 * so that a file that crashes HDF5 is an error naming it, not the end of
 * jflop (see jf_result_guard.c). */
#ifndef JF_RESULT_GUARD_H
#define JF_RESULT_GUARD_H

#include <stddef.h>

#include "core/jf_error.h"

/* Check every file of a list in as few children as possible (one when
 * none is corrupt); the verdicts are kept for jf_result_guard. Optional:
 * a caller about to read many files saves a fork per file. */
void jf_result_guard_files(const char *const *paths, size_t n);

/* JF_OK: the file was read to its end in a child (now or before, and has
 * not changed since), or no child could be started; JF_EIO: reading it
 * killed the child or did not finish, and msg names the file and says so. */
jf_err_t jf_result_guard(const char *path, char *msg, size_t msglen);

/* For the child: read every part of the file and throw it away (in
 * jf_result_read.c, which has the readers). */
void jf_result_read_every_part(const char *path);

#endif
