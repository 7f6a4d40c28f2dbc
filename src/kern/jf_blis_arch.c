/* jf_blis_arch.c: BLIS kernel-set detection and override, see jf_blis_arch.h. */
#define _GNU_SOURCE
#include "jf_blis_arch.h"

#include "core/jf_child.h"

#include <blis.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Index of a kernel-set name in BLIS's arch_t, or -1. bli_arch_string only
 * reads a static table; it does not initialise BLIS. */
int jf_blis_arch_id(const char *name)
{
    for (int id = 0; id < BLIS_NUM_ARCHS; id++)
        if (strcmp(bli_arch_string((arch_t)id), name) == 0)
            return id;
    return -1;
}

const char *jf_blis_arch_name(int id)
{
    return id >= 0 && id < BLIS_NUM_ARCHS ? bli_arch_string((arch_t)id) : "?";
}

void jf_blis_arch_names(char *buf, size_t buflen)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int id = 0; id < BLIS_NUM_ARCHS && used < buflen; id++) {
        int n = snprintf(buf + used, buflen - used, "%s%s", id ? ", " : "",
                         bli_arch_string((arch_t)id));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* See jf_blis_arch.h. */
int jf_blis_arch_try(int arch_id, char *msg, size_t msglen)
{
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(msg, msglen, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, msglen, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        jf_child_dies_with_parent(parent);
        /* BLIS prints its own complaints; the parent gives the reason. */
        if (freopen("/dev/null", "w", stderr) == NULL ||
            freopen("/dev/null", "w", stdout) == NULL)
            _exit(3);
        if (arch_id >= 0) {
            char v[16];
            snprintf(v, sizeof v, "%d", arch_id);
            setenv("BLIS_ARCH_TYPE", v, 1);
        }
        /* bli_init first: BLIS 0.9 validates BLIS_ARCH_TYPE against its
         * kernel registry, and aborts if asked before that registry exists */
        bli_init();
        int got = (int)bli_arch_query_id();
        double a[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, c[9] = {0};
        double one = 1, zero = 0;
        bli_dgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, 3, 3, 3, &one, a, 3, 1,
                  a, 3, 1, &zero, c, 3, 1);
        float as[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, cs[9] = {0};
        float ones = 1, zeros = 0;
        bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, 3, 3, 3, &ones, as, 3, 1,
                  as, 3, 1, &zeros, cs, 3, 1);
        /* A*A for A = [1..9]: first row 30 36 42, last 102 126 150 */
        if (c[0] != 30 || c[8] != 150 || cs[0] != 30 || cs[8] != 150)
            got = -2;
        ssize_t w = write(fds[1], &got, sizeof got);
        _exit(w == (ssize_t)sizeof got ? 0 : 4);
    }
    close(fds[1]);
    int got = -1, status = 0;
    ssize_t r;
    do {
        r = read(fds[0], &got, sizeof got);
    } while (r < 0 && errno == EINTR);
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        snprintf(msg, msglen, "BLIS died with signal %d (%s)%s", sig, strsignal(sig),
                 sig == SIGILL ? ": this CPU lacks the kernel set's instructions" : "");
        return -1;
    }
    if (r != (ssize_t)sizeof got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(msg, msglen, "BLIS rejected it (not configured into this BLIS build)");
        return -1;
    }
    if (got == -2) {
        snprintf(msg, msglen, "its GEMM gave wrong results on a 3x3 check");
        return -1;
    }
    return got;
}

jf_err_t jf_blis_arch_force(int id, jf_blis_info_t *info)
{
    char v[16];
    snprintf(v, sizeof v, "%d", id);
    if (setenv("BLIS_ARCH_TYPE", v, 1) != 0)
        return JF_EBLIS;
    info->overridden = 1;
    return JF_OK;
}

jf_err_t jf_blis_arch_select(const char *request, jf_blis_info_t *info,
                             char *msg, size_t msglen)
{
    char why[120];
    const char *env = getenv("BLIS_ARCH_TYPE");

    info->overridden = 0;
    if (strcmp(request, "keep") == 0 || strcmp(request, "auto") == 0) {
        snprintf(info->how, sizeof info->how, "%s",
                 env ? "BLIS_ARCH_TYPE from the environment" : "BLIS's own CPU detection");
        return JF_OK;
    }
    const int id = jf_blis_arch_id(request);
    if (id < 0) {
        char names[400];
        jf_blis_arch_names(names, sizeof names);
        snprintf(msg, msglen, "--blis-arch: unknown kernel set '%s' (auto, keep, %s)",
                 request, names);
        return JF_EINVAL;
    }
    if (jf_blis_arch_try(id, why, sizeof why) != id) {
        snprintf(msg, msglen, "--blis-arch %s: %s", request, why);
        return JF_EINVAL;
    }
    snprintf(info->how, sizeof info->how, "--blis-arch %s (BLIS_ARCH_TYPE=%d)", request, id);
    return jf_blis_arch_force(id, info);
}

void jf_blis_info_read(jf_blis_info_t *info)
{
    bli_init();  /* see probe_in_child */
    snprintf(info->active, sizeof info->active, "%s",
             bli_arch_string(bli_arch_query_id()));
    snprintf(info->version, sizeof info->version, "%s", bli_info_get_version_str());
#ifdef BLIS_ENABLE_OPENMP
    info->threading_openmp = 1;
#else
    info->threading_openmp = 0;
#endif
}
