/* jf_submission.c: a submission folder walked without leaving it, and
 * loaded (see jf_submission.h). */
#define _DEFAULT_SOURCE
#include "jf_submission.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The walk: the folder's real path (links are judged against it) and the
 * files found so far. */
typedef struct {
    const char *dir;
    char root[PATH_MAX];
    size_t rootlen;
    char **files;
    int n, cap;
} jf_walk_t;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *tail)
{
    const size_t n = strlen(s), m = strlen(tail);
    return n > m && strcmp(s + n - m, tail) == 0;
}

static const char *kind(mode_t mode)
{
    return S_ISCHR(mode)    ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISFIFO(mode) ? "a FIFO (named pipe)"
           : S_ISSOCK(mode) ? "a socket"
                            : "not a regular file";
}

static jf_err_t add(jf_walk_t *w, const char *rel, char *msg, size_t msglen)
{
    if (w->n == JF_SUBMISSION_MAX_FILES) {
        snprintf(msg, msglen, "%s: more than %d files in the submission", w->dir,
                 JF_SUBMISSION_MAX_FILES);
        return JF_EINVAL;
    }
    if (w->n == w->cap) {
        const int cap = w->cap ? 2 * w->cap : 16;
        char **grown = realloc(w->files, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            goto oom;
        w->files = grown;
        w->cap = cap;
    }
    if ((w->files[w->n] = strdup(rel)) == NULL)
        goto oom;
    w->n++;
    return JF_OK;
oom:
    snprintf(msg, msglen, "%s: out of memory listing the folder", w->dir);
    return JF_ENOMEM;
}

/* A symbolic link at `path` (rel in the submission): listed when it leads
 * to a regular file inside the folder, else refused with the link named. */
static jf_err_t link_entry(jf_walk_t *w, const char *path, const char *rel, char *msg,
                           size_t msglen)
{
    char target[PATH_MAX];
    struct stat st;
    memset(&st, 0, sizeof st);
    if (realpath(path, target) == NULL) {
        snprintf(msg, msglen, "%s: a symbolic link that leads nowhere (%s); a submission holds "
                 "the files themselves", path,
                 errno == ELOOP ? "a loop of links" : "its target is missing");
        return JF_EINVAL;
    }
    /* inside: the root itself is a folder, so a file is strictly below it */
    const int inside = strncmp(target, w->root, w->rootlen) == 0 &&
                       (w->root[w->rootlen - 1] == '/' || target[w->rootlen] == '/');
    if (!inside) {
        snprintf(msg, msglen, "%s: a symbolic link leading outside the submission folder (to "
                 "%.300s); nothing outside it is hashed or followed: copy the file in", path,
                 target);
        return JF_EINVAL;
    }
    if (stat(target, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, msglen, "%s: a symbolic link to %s inside the folder; only links to "
                 "regular files are followed (a linked folder could list files twice or loop)",
                 path, S_ISDIR(st.st_mode) ? "a folder" : kind(st.st_mode));
        return JF_EINVAL;
    }
    return add(w, rel, msg, msglen);
}

/* The folder `rel` below the submission ("" for its top), depth levels down. */
static jf_err_t walk(jf_walk_t *w, const char *rel, int depth, char *msg, size_t msglen)
{
    char path[PATH_MAX], sub[PATH_MAX];
    jf_err_t err = JF_OK;
    struct dirent *e;
    if (snprintf(path, sizeof path, "%s%s%s", w->dir, rel[0] ? "/" : "", rel) >=
        (int)sizeof path) {
        snprintf(msg, msglen, "%s/%.100s...: the path is longer than %d bytes", w->dir, rel,
                 PATH_MAX - 1);
        return JF_EINVAL;
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        snprintf(msg, msglen, "%s: cannot open the folder (%s)", path, strerror(errno));
        return JF_EIO;
    }
    while (err == JF_OK && (e = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name) >=
                (int)sizeof sub ||
            snprintf(path, sizeof path, "%s/%s", w->dir, sub) >= (int)sizeof path) {
            snprintf(msg, msglen, "%s/%.100s...: the path is longer than %d bytes", w->dir, sub,
                     PATH_MAX - 1);
            err = JF_EINVAL;
        } else if (lstat(path, &st) != 0) {
            snprintf(msg, msglen, "%s: cannot read it (%s)", path, strerror(errno));
            err = JF_EIO;
        } else if (S_ISREG(st.st_mode)) {
            err = add(w, sub, msg, msglen);
        } else if (S_ISLNK(st.st_mode)) {
            err = link_entry(w, path, sub, msg, msglen);
        } else if (S_ISDIR(st.st_mode)) {
            if (depth >= JF_SUBMISSION_MAX_DEPTH) {
                snprintf(msg, msglen, "%s: folders nested deeper than %d levels in the "
                         "submission", path, JF_SUBMISSION_MAX_DEPTH);
                err = JF_EINVAL;
            } else {
                err = walk(w, sub, depth + 1, msg, msglen);
            }
        } else {
            snprintf(msg, msglen, "%s: is %s; a submission holds regular files and folders only",
                     path, kind(st.st_mode));
            err = JF_EINVAL;
        }
    }
    closedir(d);
    return err;
}

jf_err_t jf_submission_list(const char *dir, char ***files, int *n, char *msg, size_t msglen)
{
    jf_walk_t w;
    memset(&w, 0, sizeof w);
    w.dir = dir;
    *files = NULL;
    *n = 0;
    if (realpath(dir, w.root) == NULL) {
        snprintf(msg, msglen, "%s: cannot open the submission folder (%s)", dir,
                 strerror(errno));
        return JF_EIO;
    }
    w.rootlen = strlen(w.root);
    const jf_err_t err = walk(&w, "", 0, msg, msglen);
    if (err != JF_OK) {
        jf_submission_list_free(w.files, w.n);
        return err;
    }
    if (w.n > 1)
        qsort(w.files, (size_t)w.n, sizeof *w.files, cmp_str);
    *files = w.files;
    *n = w.n;
    return JF_OK;
}

void jf_submission_list_free(char **files, int n)
{
    for (int i = 0; i < n; i++)
        free(files[i]);
    free(files);
}

void jf_submission_free(jf_submission_t *s)
{
    for (int i = 0; i < s->nresults; i++) {
        if (s->result_names != NULL)
            free(s->result_names[i]);
        if (s->nodes != NULL && s->nnodes != NULL)
            jf_result_nodes_free(s->nodes[i], s->nnodes[i]);
    }
    jf_submission_list_free(s->files, s->nfiles);
    free(s->result_names);
    free(s->results);
    free(s->nodes);
    free(s->nnodes);
    memset(s, 0, sizeof *s);
}

/* A results file: a *.h5 at the top of the folder. */
static int is_result(const char *name)
{
    return strchr(name, '/') == NULL && ends_with(name, ".h5");
}

/* dir/name into path, which holds len bytes; -1 (message) when it does not fit. */
static int join(const char *dir, const char *name, char *path, size_t len, char *msg,
                size_t msglen)
{
    if (snprintf(path, len, "%s/%s", dir, name) < (int)len)
        return 0;
    snprintf(msg, msglen, "%s/%s: the path is longer than %zu bytes", dir, name, len - 1);
    return -1;
}

jf_err_t jf_submission_load(const char *dir, jf_submission_t *s, char *msg, size_t msglen)
{
    char path[JF_SUBMISSION_PATH_MAX + 64];
    jf_err_t err;
    struct stat st;

    memset(s, 0, sizeof *s);
    if (strlen(dir) >= sizeof s->dir) {
        snprintf(msg, msglen, "%.60s...: the path is %zu bytes, longer than the %zu jflop keeps "
                 "(it is never cut); use a shorter one", dir, strlen(dir), sizeof s->dir - 1);
        return JF_EINVAL;
    }
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(msg, msglen, "%s: not a folder (a submission is a folder of results files, "
                              "system.json and MANIFEST.sha256)", dir);
        return JF_EINVAL;
    }
    if ((err = jf_submission_list(dir, &s->files, &s->nfiles, msg, msglen)) != JF_OK)
        return err;
    for (int i = 0; i < s->nfiles; i++)
        s->nresults += is_result(s->files[i]);
    if (s->nresults == 0) {
        snprintf(msg, msglen, "%s: no results file (*.h5) in the submission", dir);
        return JF_EINVAL;
    }
    s->result_names = calloc((size_t)s->nresults, sizeof *s->result_names);
    s->results = calloc((size_t)s->nresults, sizeof *s->results);
    s->nodes = calloc((size_t)s->nresults, sizeof *s->nodes);
    s->nnodes = calloc((size_t)s->nresults, sizeof *s->nnodes);
    if (s->result_names == NULL || s->results == NULL || s->nodes == NULL || s->nnodes == NULL) {
        snprintf(msg, msglen, "out of memory");
        return JF_ENOMEM;
    }
    for (int i = 0, k = 0; i < s->nfiles; i++) {
        if (!is_result(s->files[i]))
            continue;
        if ((s->result_names[k] = strdup(s->files[i])) == NULL) {
            snprintf(msg, msglen, "out of memory");
            return JF_ENOMEM;
        }
        if (join(dir, s->files[i], path, sizeof path, msg, msglen) != 0)
            return JF_EINVAL;
        if ((err = jf_result_read(path, &s->results[k], msg, msglen)) != JF_OK ||
            (err = jf_result_read_nodes(path, &s->nodes[k], &s->nnodes[k], msg, msglen)) != JF_OK)
            return err;
        k++;
    }
    if (join(dir, JF_SUBMISSION_SYSTEM, path, sizeof path, msg, msglen) != 0)
        return JF_EINVAL;
    if (access(path, F_OK) != 0) {
        snprintf(msg, msglen, "%s: missing: every submission describes its system (see "
                              "results/submission-example/)", path);
        return JF_EINVAL;
    }
    if ((err = jf_system_load(path, &s->system, msg, msglen)) != JF_OK)
        return err;
    /* every precision the runs used needs its declared peak */
    for (int i = 0; i < s->nresults; i++)
        if (jf_system_peak(&s->system, s->results[i].precision) <= 0) {
            snprintf(msg, msglen, "%s: field 'peak_flops_per_node.%s' is missing (%s ran in %s)",
                     path, s->results[i].precision, s->result_names[i],
                     s->results[i].precision);
            return JF_EINVAL;
        }
    if (join(dir, JF_SUBMISSION_SITE, path, sizeof path, msg, msglen) != 0)
        return JF_EINVAL;
    if (access(path, F_OK) == 0) {
        if ((err = jf_site_load(path, &s->site, msg, msglen)) != JF_OK)
            return err;
        s->have_site = 1;
    }
    return JF_OK;
}
