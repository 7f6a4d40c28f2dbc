/* jf_energy_sysfs.c: one-value file reads with reasons a user can act on. */
#include "jf_energy_sysfs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

jf_err_t jf_sysfs_read_text(const char *path, char *buf, size_t buflen, char *msg,
                            size_t msglen)
{
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        if (e == EACCES || e == EPERM)
            snprintf(msg, msglen, "%s: permission denied (readable by root only? "
                                  "run as root or ask for read access)", path);
        else
            snprintf(msg, msglen, "%s: %s", path, strerror(e));
        return e == ENOENT ? JF_EINVAL : JF_EIO;
    }
    ssize_t n;
    do {
        n = read(fd, buf, buflen - 1);
    } while (n < 0 && errno == EINTR);
    const int e = errno;
    close(fd);
    if (n < 0) {
        snprintf(msg, msglen, "%s: %s", path, strerror(e));
        return JF_EIO;
    }
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return JF_OK;
}

jf_err_t jf_sysfs_read_u64(const char *path, uint64_t *value, char *rest, size_t restlen,
                           char *msg, size_t msglen)
{
    char text[256];
    const jf_err_t err = jf_sysfs_read_text(path, text, sizeof text, msg, msglen);
    if (err != JF_OK)
        return err;
    const char *p = text;
    uint64_t v = 0;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        const unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) {
            snprintf(msg, msglen, "%s: '%.40s' overflows 64 bits", path, text);
            return JF_ERANGE;
        }
        v = v * 10 + d;
        p++;
        digits++;
    }
    if (digits == 0 || (*p != '\0' && *p != ' ')) {
        snprintf(msg, msglen, "%s: '%.40s' is not an unsigned integer", path, text);
        return JF_EINVAL;
    }
    if (rest != NULL && restlen > 0)
        snprintf(rest, restlen, "%s", *p == ' ' ? p + 1 : p);
    *value = v;
    return JF_OK;
}

jf_err_t jf_sysfs_backend_start(jf_sysfs_scan_fn scan, size_t state_size,
                                const jf_energy_paths_t *paths, jf_energy_session_t *s,
                                char *msg, size_t msglen)
{
    void *state = calloc(1, state_size);
    if (state == NULL) {
        snprintf(msg, msglen, "%s: out of memory", s->backend ? s->backend->name : "energy");
        return JF_ENOMEM;
    }
    const jf_err_t err = scan(paths, s, state, msg, msglen);
    if (err != JF_OK) {
        free(state);
        return err;
    }
    s->state = state;
    return JF_OK;
}

void jf_sysfs_backend_stop(jf_energy_session_t *s)
{
    free(s->state);
    s->state = NULL;
}
