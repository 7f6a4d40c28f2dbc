/* jf_outpath.h: checks on the paths jflop writes its outputs to, made
 * before any work so that a run of hours never ends on a path it could not
 * use, and never replaces what is not an output of its own. Every command
 * that writes a file (jflop-run --output and --summary-json, jflop report
 * --out and --plot, and later validate --pack) calls the same checks.
 *
 * jflop's writers put their output in a temporary file beside the target
 * (PATH.tmp.<pid>) and rename it over the target, so what matters is: the
 * path fits (never truncated), its folder exists and can be written, and
 * the target is a regular file or does not exist yet. A rename over a
 * device node, a FIFO or a socket would replace it (as root, /dev/null for
 * the whole machine); over a folder it fails at the end of the run; files
 * under /proc or /sys are the kernel's, not outputs. */
#ifndef JF_OUTPATH_H
#define JF_OUTPATH_H

#include <stddef.h>

#include "core/jf_error.h"

/* The longest output path jflop keeps (the buffers that carry it into the
 * writers hold this many bytes with the terminating NUL). */
#define JF_OUTPATH_MAX 1024

/* One output: the flag that named it (for messages) and its path. */
typedef struct {
    const char *flag;   /* "--output" */
    const char *path;
} jf_outpath_t;

/* Can `path` be written as an output named by `flag`? JF_OK, or JF_EINVAL
 * with one line in msg, "FLAG PATH: why" (too long, a name too long for
 * its file system, a folder, a device node, a FIFO, a socket, a file of a
 * pseudo file system such as /proc, a folder that is missing, not a folder,
 * not writable or read-only). Reads the file system; writes nothing. */
jf_err_t jf_outpath_check(const char *flag, const char *path, char *msg, size_t msglen);

/* Are a and b the same file (the same path, another spelling of it, a
 * symbolic or hard link)? 1 if so, 0 if not or when it cannot be told. */
int jf_outpath_same(const char *a, const char *b);

/* jf_outpath_check on each of the n outputs (entries with a NULL path are
 * skipped), then no two of them the same file: JF_EINVAL with "FLAG_A and
 * FLAG_B name the same file PATH; give each output its own". */
jf_err_t jf_outpath_check_all(const jf_outpath_t *outs, int n, char *msg, size_t msglen);

/* Can `dir` be the folder an output flag writes its files into (jflop
 * report --out DIR, --plot DIR)? It is a folder that can be written, or
 * does not exist yet and its parent is one (jf_outpath_make_dir creates
 * it). Refused, JF_EINVAL with "FLAG DIR: why": a path so long that
 * DIR/NAME no longer fits for a name of `name_len` bytes, a regular file,
 * a device node, a FIFO or a socket, a folder of a pseudo file system such
 * as /proc, a folder this user cannot write or on a read-only file system,
 * a missing parent. Reads the file system; writes nothing. */
jf_err_t jf_outpath_check_dir(const char *flag, const char *dir, size_t name_len, char *msg,
                              size_t msglen);

/* Create the folder jf_outpath_check_dir accepted, when it is missing. */
jf_err_t jf_outpath_make_dir(const char *flag, const char *dir, char *msg, size_t msglen);

#endif
