/* jf_outpath.c: output paths checked before the work (see jf_outpath.h). */
#define _DEFAULT_SOURCE
#include "jf_outpath.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* Room the writers' temporary name adds to the file's name: ".tmp." and a
 * process id. */
#define TMP_SUFFIX_LEN 16

/* Kernel pseudo file systems: their files are interfaces, not outputs. */
static const struct {
    unsigned long magic;
    const char *name;
} pseudo_fs[] = {
    {0x9fa0UL, "proc"},          {0x62656572UL, "sysfs"},   {0x64626720UL, "debugfs"},
    {0x74726163UL, "tracefs"},   {0x27e0ebUL, "cgroup"},    {0x63677270UL, "cgroup2"},
    {0x1cd1UL, "devpts"},        {0x73636673UL, "securityfs"}, {0x62656570UL, "configfs"},
    {0xcafe4a11UL, "bpf"},       {0xde5e81e4UL, "efivarfs"}, {0x42494e4dUL, "binfmt_misc"},
};

static const char *pseudo_fs_name(const char *path)
{
    struct statfs fs;
    if (statfs(path, &fs) != 0)
        return NULL;
    for (size_t i = 0; i < sizeof pseudo_fs / sizeof pseudo_fs[0]; i++)
        if ((unsigned long)fs.f_type == pseudo_fs[i].magic)
            return pseudo_fs[i].name;
    return NULL;
}

static const char *kind(mode_t mode)
{
    return S_ISDIR(mode)    ? "a folder"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISFIFO(mode) ? "a FIFO (named pipe)"
           : S_ISSOCK(mode) ? "a socket"
                            : "a file";
}

/* path's folder into dir ("." for a bare name, "/" for /name); the name
 * after the last '/' into *base. dir holds JF_OUTPATH_MAX bytes. */
static void split(const char *path, char *dir, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, JF_OUTPATH_MAX, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, JF_OUTPATH_MAX, "/");
        *base = slash + 1;
    } else {
        snprintf(dir, JF_OUTPATH_MAX, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

/* The folder an output goes into (or is created in) exists and is a
 * folder; messages "FLAG ARG: the folder FOLDER ...". */
static jf_err_t existing_folder(const char *flag, const char *arg, const char *folder,
                                char *msg, size_t msglen)
{
    struct stat st;
    if (stat(folder, &st) != 0) {
        snprintf(msg, msglen, "%s %s: the folder %s %s", flag, arg, folder,
                 errno == ENOENT    ? "does not exist (create it first)"
                 : errno == ENOTDIR ? "has a file where a folder should be"
                                    : strerror(errno));
        return JF_EINVAL;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(msg, msglen, "%s %s: %s is %s, not a folder", flag, arg, folder,
                 kind(st.st_mode));
        return JF_EINVAL;
    }
    return JF_OK;
}

/* That folder is no kernel interface and this user may write in it;
 * messages name it as shown. */
static jf_err_t writable_folder(const char *flag, const char *arg, const char *folder,
                                const char *shown, char *msg, size_t msglen)
{
    const char *pseudo = pseudo_fs_name(folder);
    if (pseudo != NULL) {
        snprintf(msg, msglen, "%s %s: %s is on the kernel's %s file system, whose files are "
                 "interfaces, not outputs", flag, arg, shown, pseudo);
        return JF_EINVAL;
    }
    if (access(folder, W_OK | X_OK) != 0) {
        snprintf(msg, msglen, "%s %s: the folder %s %s", flag, arg, shown,
                 errno == EROFS ? "is on a read-only file system"
                 : errno == EACCES ? "is not writable by this user"
                                   : strerror(errno));
        return JF_EINVAL;
    }
    return JF_OK;
}

jf_err_t jf_outpath_check(const char *flag, const char *path, char *msg, size_t msglen)
{
    char dir[JF_OUTPATH_MAX];
    const char *base;
    struct stat st;

    if (path == NULL || path[0] == '\0') {
        snprintf(msg, msglen, "%s: the path is empty", flag);
        return JF_EINVAL;
    }
    const size_t len = strlen(path);
    if (len >= JF_OUTPATH_MAX) {
        snprintf(msg, msglen, "%s %.60s...: the path is %zu bytes, longer than the %d jflop "
                 "keeps (it is never truncated); use a shorter one", flag, path, len,
                 JF_OUTPATH_MAX - 1);
        return JF_EINVAL;
    }
    split(path, dir, &base);
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        snprintf(msg, msglen, "%s %s: names a folder, not a file", flag, path);
        return JF_EINVAL;
    }
    /* every name in the path must fit the file system, the file's own with
     * the writers' temporary suffix */
    long name_max = pathconf(dir, _PC_NAME_MAX);
    if (name_max <= 0)
        name_max = NAME_MAX;
    for (const char *p = path; *p;) {
        const size_t n = strcspn(p, "/");
        const int is_base = p == base;
        if ((long)n + (is_base ? TMP_SUFFIX_LEN : 0) > name_max) {
            snprintf(msg, msglen, "%s %.60s...: the name '%.40s...' is %zu bytes; the file "
                     "system allows %ld%s", flag, path, p, n,
                     is_base ? name_max - TMP_SUFFIX_LEN : name_max,
                     is_base ? " for an output (its temporary name adds a suffix)" : "");
            return JF_EINVAL;
        }
        p += n;
        while (*p == '/')
            p++;
    }
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            snprintf(msg, msglen, "%s %s: is %s, not a regular file; jflop writes its outputs "
                     "only to regular files (name a new or existing file)", flag, path,
                     kind(st.st_mode));
            return JF_EINVAL;
        }
    } else if (errno == ENOTDIR || errno == ENOENT) {
        /* below: which folder is missing or not a folder */
    } else if (errno == EACCES) {
        snprintf(msg, msglen, "%s %s: a folder on the way cannot be searched (permission "
                 "denied)", flag, path);
        return JF_EINVAL;
    } else if (errno == ELOOP) {
        snprintf(msg, msglen, "%s %s: too many symbolic links (a loop?)", flag, path);
        return JF_EINVAL;
    }
    if (existing_folder(flag, path, dir, msg, msglen) != JF_OK)
        return JF_EINVAL;
    return writable_folder(flag, path, dir, dir, msg, msglen);
}

/* An absolute spelling: the real folder and the name, "" when the folder
 * cannot be resolved. */
static void canonical(const char *path, char *out, size_t outlen)
{
    char dir[JF_OUTPATH_MAX], real[PATH_MAX];
    const char *base;
    out[0] = '\0';
    if (realpath(path, real) != NULL) {
        snprintf(out, outlen, "%s", real);
        return;
    }
    split(path, dir, &base);
    if (realpath(dir, real) != NULL)
        snprintf(out, outlen, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
}

int jf_outpath_same(const char *a, const char *b)
{
    struct stat sa, sb;
    char ca[PATH_MAX + JF_OUTPATH_MAX], cb[PATH_MAX + JF_OUTPATH_MAX];
    if (strcmp(a, b) == 0)
        return 1;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    canonical(a, ca, sizeof ca);
    canonical(b, cb, sizeof cb);
    return ca[0] != '\0' && strcmp(ca, cb) == 0;
}

jf_err_t jf_outpath_check_all(const jf_outpath_t *outs, int n, char *msg, size_t msglen)
{
    for (int i = 0; i < n; i++)
        if (outs[i].path != NULL && jf_outpath_check(outs[i].flag, outs[i].path, msg, msglen) !=
                                        JF_OK)
            return JF_EINVAL;
    for (int i = 0; i < n; i++)
        for (int k = i + 1; k < n; k++)
            if (outs[i].path != NULL && outs[k].path != NULL &&
                jf_outpath_same(outs[i].path, outs[k].path)) {
                snprintf(msg, msglen, "%s %s and %s %s name the same file; give each output "
                         "its own", outs[i].flag, outs[i].path, outs[k].flag, outs[k].path);
                return JF_EINVAL;
            }
    return JF_OK;
}

/* dir without its trailing slashes ("/" stays "/"), into out. */
static void trim_slashes(const char *dir, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", dir);
    for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
        out[n - 1] = '\0';
}

jf_err_t jf_outpath_check_dir(const char *flag, const char *dir, size_t name_len, char *msg,
                              size_t msglen)
{
    char trimmed[JF_OUTPATH_MAX], parent[JF_OUTPATH_MAX];
    const char *base, *where = dir;
    struct stat st;

    if (dir == NULL || dir[0] == '\0') {
        snprintf(msg, msglen, "%s: the path is empty", flag);
        return JF_EINVAL;
    }
    /* room for DIR/NAME and the writers' temporary suffix */
    const size_t len = strlen(dir);
    if (len + 1 + name_len + TMP_SUFFIX_LEN >= JF_OUTPATH_MAX) {
        snprintf(msg, msglen, "%s %.60s...: the path is %zu bytes; with the names of the files "
                 "written into it it is longer than the %d jflop keeps (it is never "
                 "truncated); use a shorter one", flag, dir, len, JF_OUTPATH_MAX - 1);
        return JF_EINVAL;
    }
    trim_slashes(dir, trimmed, sizeof trimmed);
    if (stat(trimmed, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            snprintf(msg, msglen, "%s %s: is %s, not a folder; name a folder (created when it "
                     "does not exist)", flag, dir, kind(st.st_mode));
            return JF_EINVAL;
        }
    } else if (errno == ENOENT || errno == ENOTDIR) {
        /* created later: its parent must take it */
        split(trimmed, parent, &base);
        if (existing_folder(flag, dir, parent, msg, msglen) != JF_OK)
            return JF_EINVAL;
        long name_max = pathconf(parent, _PC_NAME_MAX);
        if (name_max <= 0)
            name_max = NAME_MAX;
        if ((long)strlen(base) > name_max) {
            snprintf(msg, msglen, "%s %.60s...: the name '%.40s...' is %zu bytes; the file "
                     "system allows %ld", flag, dir, base, strlen(base), name_max);
            return JF_EINVAL;
        }
        snprintf(trimmed, sizeof trimmed, "%s", parent);
        where = parent;
    } else {
        snprintf(msg, msglen, "%s %s: %s", flag, dir,
                 errno == EACCES ? "a folder on the way cannot be searched (permission denied)"
                                 : strerror(errno));
        return JF_EINVAL;
    }
    /* trimmed: the folder itself, or the parent it will be created in */
    return writable_folder(flag, dir, trimmed, where, msg, msglen);
}

jf_err_t jf_outpath_make_dir(const char *flag, const char *dir, char *msg, size_t msglen)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST)
        return JF_OK;
    snprintf(msg, msglen, "%s %s: cannot create the folder: %s", flag, dir, strerror(errno));
    return JF_EIO;
}
