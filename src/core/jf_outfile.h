/* jf_outfile.h: one output file written whole or not at all. The text goes
 * to PATH.tmp.<pid> beside the target and is renamed over PATH only when
 * every byte reached the file system, so a failure (a full disk, a killed
 * process) never leaves a partial table or plot under the real name. The
 * target is checked with jf_outpath_check first: a rename over a device
 * node or a FIFO would replace it. */
#ifndef JF_OUTFILE_H
#define JF_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "core/jf_error.h"
#include "core/jf_outpath.h"

typedef struct {
    FILE *f;                            /* write here between open and commit */
    char path[JF_OUTPATH_MAX];
    char tmp[JF_OUTPATH_MAX + 32];
} jf_outfile_t;

/* Check path (flag names it in messages) and open its temporary file.
 * JF_EINVAL (a path jf_outpath_check refuses) or JF_EIO, with one line
 * "FLAG PATH: why" in msg; o->f is NULL then. */
jf_err_t jf_outfile_open(jf_outfile_t *o, const char *flag, const char *path, char *msg,
                         size_t msglen);

/* Close the temporary file and rename it over the target; on any write
 * error the temporary file is removed and the target left as it was. */
jf_err_t jf_outfile_commit(jf_outfile_t *o, const char *flag, char *msg, size_t msglen);

/* Give up: close and remove the temporary file (safe after a failed open). */
void jf_outfile_discard(jf_outfile_t *o);

#endif
