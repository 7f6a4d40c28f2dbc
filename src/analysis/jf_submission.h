/* jf_submission.h: a submission folder, as `jflop validate` reads it: the
 * run's results files (the *.h5 at the top of the folder), system.json,
 * optionally site.json, MANIFEST.sha256 and the summaries --pack writes,
 * and any other files (logs, job scripts), in subfolders too.
 *
 * What is in the folder is walked explicitly, so that nothing outside it
 * is ever hashed, read or followed:
 *   - regular files and folders are listed, at any depth up to
 *     JF_SUBMISSION_MAX_DEPTH (paths relative to the folder, sorted);
 *   - a symbolic link is followed only when it leads to a regular file
 *     inside the folder (it is listed under its own name and its target's
 *     bytes are hashed); a link leading outside the folder, to a folder,
 *     nowhere (dangling) or round in a loop is refused, the link named;
 *   - a FIFO, device node or socket is refused, named (reading a FIFO
 *     would hang; a device is not a file of a run).
 * A refusal is one line naming the file; the CLI exits 2. */
#ifndef JF_SUBMISSION_H
#define JF_SUBMISSION_H

#include <stddef.h>

#include "analysis/jf_result_read.h"
#include "analysis/jf_site.h"
#include "analysis/jf_system.h"
#include "core/jf_error.h"

#define JF_SUBMISSION_MANIFEST "MANIFEST.sha256"
#define JF_SUBMISSION_SYSTEM "system.json"
#define JF_SUBMISSION_SITE "site.json"
#define JF_SUBMISSION_SUMMARY_MD "submission.md"
#define JF_SUBMISSION_SUMMARY_JSON "submission.json"
#define JF_SUBMISSION_MAX_DEPTH 16       /* folders below the submission's own */
#define JF_SUBMISSION_MAX_FILES 100000
#define JF_SUBMISSION_PATH_MAX 1024      /* the folder's path, as given (never cut) */

/* Every file of the folder `dir` and its subfolders, walked as above:
 * *files the paths relative to dir ("logs/run.out"), sorted, *n of them.
 * JF_EINVAL naming the first thing refused; JF_EIO when a folder cannot be
 * read. Free with jf_submission_list_free. */
jf_err_t jf_submission_list(const char *dir, char ***files, int *n, char *msg, size_t msglen);
void jf_submission_list_free(char **files, int n);

/* A submission folder, loaded. */
typedef struct {
    char dir[JF_SUBMISSION_PATH_MAX];
    int nfiles;                   /* every file, walked as above, sorted */
    char **files;
    int nresults;                 /* the *.h5 at the top, in file order */
    char **result_names;          /* base names */
    jf_result_t *results;
    jf_result_node_t **nodes;     /* each result's node groups */
    int *nnodes;
    jf_system_t system;
    int have_site;
    jf_site_t site;
} jf_submission_t;

/* Load a submission: the folder walked, every *.h5 at its top read (nodes
 * and traces too), system.json and site.json checked. Anything unreadable,
 * malformed or refused by the walk returns an error with one line naming
 * the file and the field (the CLI exits 2). */
jf_err_t jf_submission_load(const char *dir, jf_submission_t *s, char *msg, size_t msglen)
    __attribute__((nonnull(1, 2, 3)));
void jf_submission_free(jf_submission_t *s);

#endif
