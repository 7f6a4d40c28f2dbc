/* jf_manifest.h: MANIFEST.sha256, the SHA-256 of every file of a
 * submission in `sha256sum` format ("<64 hex digits>  <path>", one line a
 * file, `sha256sum -c MANIFEST.sha256` checks it). Paths are relative to
 * the submission folder and stay inside it: no leading '/', no "." or ".."
 * component, no empty one, no backslash or newline (sha256sum would
 * escape them). */
#ifndef JF_MANIFEST_H
#define JF_MANIFEST_H

#include "core/jf_sha256.h"

/* 1 when `name` may stand in a manifest (the rules above), else 0. */
int jf_manifest_name_ok(const char *name);

/* One line of a manifest, its newline removed: 0 with the lowercase digest
 * in hex and *name pointing into line, or -1 when the line is not
 * "<64 hex digits>  <path>" (or " *<path>", sha256sum's binary mark) with
 * a path jf_manifest_name_ok accepts. */
int jf_manifest_parse_line(const char *line, char hex[JF_SHA256_HEXLEN], const char **name);

#endif
