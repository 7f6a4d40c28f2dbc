/* jf_result_guard.c: a results file is read first in a child process.
 *
 * HDF5 1.10 itself can read past its buffers or crash on a corrupt file
 * (tests/fuzz/fuzz_results found a heap overflow in its attribute decoding
 * within seconds). So before this process reads a file, a child reads all
 * of it (run, nodes, steps, passes): only a file the child read to its end
 * without dying (or hanging for a minute) is read here, and one that
 * killed the child is an error naming the file, so that jflop report still
 * reads the other files.
 *
 * Each file is checked once per process (the verdict is kept by device,
 * inode, size and change time, so a file rewritten meanwhile is checked
 * again; one changed within 2 s (RACY_NS) of its check is checked at
 * every read), and jf_result_guard_files checks a whole list with one
 * child that goes from file to file and is replaced only when a file kills
 * it: 1,000 healthy files cost one fork, not one per file and part (up to
 * four, 11.9 s for 1,000 files on 2026-12-03 against 0.23 s before the
 * children). Without a child (fork or pipe failed) files are read
 * directly, as before the children. */
#define _POSIX_C_SOURCE 200809L
#include "jf_result_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef JF_FUZZ_BUILD
#include <sanitizer/common_interface_defs.h>
#endif

#include "core/jf_child.h"

enum { READ_SECONDS = 60 };

/* One checked file: its identity and the verdict (msg empty: healthy). */
typedef struct {
    dev_t dev;
    ino_t ino;
    off_t size;
    long long changed_ns;  /* the later of mtime and ctime */
    int used;
    char *msg;
} checked_t;

/* open addressing, power-of-two capacity, at most half full */
static checked_t *table;
static size_t table_cap, table_used;

static int identify(const char *path, checked_t *key)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;  /* the direct read says why */
    memset(key, 0, sizeof *key);
    key->dev = st.st_dev;
    key->ino = st.st_ino;
    key->size = st.st_size;
    const long long m = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    const long long c = (long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
    key->changed_ns = m > c ? m : c;
    return 0;
}

static size_t slot_of(const checked_t *key, size_t cap)
{
    uint64_t h = (uint64_t)key->ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)key->dev;
    h ^= h >> 29;
    return (size_t)h & (cap - 1);
}

static int same_file(const checked_t *a, const checked_t *b)
{
    return a->dev == b->dev && a->ino == b->ino;
}

/* The entry for this file (dev, inode), or the empty slot it would take. */
static checked_t *find(const checked_t *key)
{
    if (table_cap == 0)
        return NULL;
    size_t i = slot_of(key, table_cap);
    while (table[i].used && !same_file(&table[i], key))
        i = (i + 1) & (table_cap - 1);
    return &table[i];
}

static int grow(void)
{
    const size_t cap = table_cap ? 2 * table_cap : 256;
    checked_t *t = calloc(cap, sizeof *t);
    if (t == NULL)
        return -1;
    for (size_t i = 0; i < table_cap; i++)
        if (table[i].used) {
            size_t j = slot_of(&table[i], cap);
            while (t[j].used)
                j = (j + 1) & (cap - 1);
            t[j] = table[i];
        }
    free(table);
    table = t;
    table_cap = cap;
    return 0;
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A file changed this close to its check may change again within the
 * same timestamp tick (file times advance by the kernel's coarse clock,
 * a jiffy, or by whole seconds on some file systems) at the same size,
 * unseen: its verdict is not kept (git's "racily clean" rule). The
 * fuzzer rewrites one file per input. */
#define RACY_NS 2000000000LL

/* Keep a verdict (msg NULL: healthy) of a check that started at
 * start_ns; silently not kept without memory or when the file changed
 * shortly before, which only means the file is checked again. */
static void remember(const checked_t *key, const char *msg, long long start_ns)
{
    if (key->changed_ns + RACY_NS > start_ns)
        return;
    if (2 * (table_used + 1) > table_cap && grow() != 0)
        return;
    checked_t *e = find(key);
    if (!e->used)
        table_used++;
    free(e->msg);
    *e = *key;
    e->used = 1;
    e->msg = msg != NULL ? strdup(msg) : NULL;
    if (msg != NULL && e->msg == NULL) {
        e->used = 0;  /* a corrupt file must not read as healthy */
        table_used--;
    }
}

/* 1: checked and healthy; 0: not checked (or changed since); -1: checked
 * and corrupt, msg says why. */
static int verdict(const char *path, char *msg, size_t msglen)
{
    checked_t key;
    if (identify(path, &key) != 0)
        return 0;
    const checked_t *e = find(&key);
    if (e == NULL || !e->used || e->size != key.size || e->changed_ns != key.changed_ns)
        return 0;
    if (e->msg == NULL)
        return 1;
    snprintf(msg, msglen, "%s", e->msg);
    return -1;
}

/* The child: read paths[from..n) in order, writing each index to fd once
 * its file is read; each file gets READ_SECONDS. */
static void child_reads(const char *const *paths, size_t from, size_t n, int fd)
{
#ifdef JF_FUZZ_BUILD
    /* the fuzzer's crash report belongs to the parent's input, not here */
    __sanitizer_set_death_callback(NULL);
#endif
    /* the caller's handlers and mask are inherited: a crash must end the
     * child, and a blocked SIGALRM would let a hang last for ever */
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGALRM, SIGPIPE};
    sigset_t unblock;
    sigemptyset(&unblock);
    for (size_t k = 0; k < sizeof fatal / sizeof *fatal; k++) {
        signal(fatal[k], SIG_DFL);
        sigaddset(&unblock, fatal[k]);
    }
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    char msg[JF_MSG_LEN];
    checked_t key;
    for (size_t i = from; i < n; i++) {
        alarm(READ_SECONDS);
        /* settled ones by the parent's table, as forked; not a regular
         * file: jf_result_guard refuses it */
        if (identify(paths[i], &key) == 0 && verdict(paths[i], msg, sizeof msg) == 0)
            jf_result_read_every_part(paths[i]);
        alarm(0);
        ssize_t put;
        while ((put = write(fd, &i, sizeof i)) < 0 && errno == EINTR)
            ;
        if (put != (ssize_t)sizeof i)
            _exit(6);
    }
    _exit(0);
}

static void corrupt_msg(const char *path, int status, char *msg, size_t msglen)
{
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(msg, msglen, "%s: corrupt: HDF5 did not finish reading it within %d s", path,
                 READ_SECONDS);
    else if (WIFSIGNALED(status))
        snprintf(msg, msglen, "%s: corrupt: HDF5 crashed reading it (signal %d)", path,
                 WTERMSIG(status));
    else
        snprintf(msg, msglen, "%s: corrupt: HDF5 failed reading it (a memory error)", path);
}

/* Did the child die of the file (a crash, the time limit, a sanitizer's
 * report, the kernel's OOM kill), rather than of something else (its
 * parent going, a pipe error)? */
static int died_of_file(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status) == 1;  /* ASan and UBSan exit with 1 */
    if (!WIFSIGNALED(status))
        return 0;
    switch (WTERMSIG(status)) {
    case SIGSEGV: case SIGBUS: case SIGABRT: case SIGILL: case SIGFPE: case SIGALRM:
    case SIGKILL: case SIGSYS: case SIGTRAP:
        return 1;
    default:
        return 0;
    }
}

/* One child over paths[from..n): remembers each file it finished and the
 * one it died on, whose message also goes to died_msg (when not NULL;
 * else it stays ""). Returns the index after the last file settled, or n
 * when no child could be started or its end not seen (the rest is read
 * directly, as before the children; jf_result_guard checks a file again
 * when it is read). Not for use by several threads at once. */
static size_t check_from(const char *const *paths, size_t from, size_t n, char *died_msg,
                         size_t died_len)
{
    const long long start_ns = now_ns();
    int fds[2];
    if (died_msg != NULL && died_len > 0)
        died_msg[0] = '\0';
    if (pipe(fds) != 0)
        return n;
    /* no other program a thread starts may hold the write end open */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    /* a caller's SIG_IGN or reaping handler would take the child's status */
    struct sigaction dfl, old;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &old);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        sigaction(SIGCHLD, &old, NULL);
        return n;
    }
    if (pid == 0) {
        close(fds[0]);
        jf_child_dies_with_parent(parent);
        child_reads(paths, from, n, fds[1]);
    }
    close(fds[1]);
    size_t next = from, done;
    for (;;) {
        const ssize_t got = read(fds[0], &done, sizeof done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof done || done != next)
            break;
        checked_t key;
        char msg[JF_MSG_LEN];
        if (verdict(paths[done], msg, sizeof msg) == 0 && identify(paths[done], &key) == 0)
            remember(&key, NULL, start_ns);
        next = done + 1;
    }
    close(fds[0]);
    int status = 0;
    pid_t w;
    while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    sigaction(SIGCHLD, &old, NULL);
    if (w < 0)
        return n;
    if (next < n && died_of_file(status)) {
        /* the child died on paths[next] */
        char msg[JF_MSG_LEN];
        checked_t key;
        corrupt_msg(paths[next], status, msg, sizeof msg);
        if (identify(paths[next], &key) == 0)
            remember(&key, msg, start_ns);
        if (died_msg != NULL)
            snprintf(died_msg, died_len, "%s", msg);
        next++;
    } else if (next < n && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        return n;  /* ended by something else: no verdict on the rest */
    }
    return next;
}

void jf_result_guard_files(const char *const *paths, size_t n)
{
    size_t i = 0;
    while (i < n) {
        char msg[JF_MSG_LEN];
        if (verdict(paths[i], msg, sizeof msg) != 0) {
            i++;  /* settled already */
            continue;
        }
        i = check_from(paths, i, n, NULL, 0);
    }
}

jf_err_t jf_result_guard(const char *path, char *msg, size_t msglen)
{
    struct stat st;
    /* a FIFO or device would block the child and then this process */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(msg, msglen, "%s: not a regular file", path);
        return JF_EIO;
    }
    const int v = verdict(path, msg, msglen);
    if (v != 0)
        return v < 0 ? JF_EIO : JF_OK;
    /* not settled (or not kept, see RACY_NS): this child's word */
    const char *one[1] = {path};
    check_from(one, 0, 1, msg, msglen);
    return msg[0] != '\0' ? JF_EIO : JF_OK;
}
