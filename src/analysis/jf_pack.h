/* jf_pack.h: `jflop validate --pack`: writes into the submission folder
 * submission.json and submission.md (the system, each run's figures, every
 * rule's outcome) and MANIFEST.sha256 (the SHA-256 of every file the
 * submission's walk lists, in subfolders too, the summaries included).
 * Their paths are checked before any work (core/jf_outpath: never a
 * device, FIFO or folder; a writable folder; never cut), and the three are
 * written to temporary files and renamed into place only when all three
 * are ready, so a failure leaves the folder as it was. */
#ifndef JF_PACK_H
#define JF_PACK_H

#include <stddef.h>

#include "analysis/jf_submission.h"
#include "analysis/jf_validate.h"
#include "core/jf_error.h"

/* Can --pack write its three files into `dir`? JF_OK, or JF_EINVAL with
 * one line "--pack PATH: why" naming the file. Writes nothing. */
jf_err_t jf_pack_check(const char *dir, char *msg, size_t msglen);

/* Write the summaries of a validation (the manifest rule left out) and
 * the manifest. Errors name the file; nothing is left half-written. */
jf_err_t jf_pack(const jf_submission_t *s, const jf_validation_t *v, char *msg, size_t msglen);

#endif
