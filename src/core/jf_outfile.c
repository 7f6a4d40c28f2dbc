/* jf_outfile.c: temporary file, then rename (see jf_outfile.h). */
#define _POSIX_C_SOURCE 200809L
#include "jf_outfile.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

jf_err_t jf_outfile_open(jf_outfile_t *o, const char *flag, const char *path, char *msg,
                         size_t msglen)
{
    memset(o, 0, sizeof *o);
    if (jf_outpath_check(flag, path, msg, msglen) != JF_OK)
        return JF_EINVAL;
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
    if ((o->f = fopen(o->tmp, "w")) == NULL) {
        snprintf(msg, msglen, "%s %s: cannot write %s: %s", flag, path, o->tmp, strerror(errno));
        return JF_EIO;
    }
    return JF_OK;
}

jf_err_t jf_outfile_commit(jf_outfile_t *o, const char *flag, char *msg, size_t msglen)
{
    /* a write error anywhere sticks to the stream; fclose flushes the rest */
    const int bad = o->f == NULL || ferror(o->f);
    int saved = bad ? EIO : 0;
    if (o->f != NULL && fclose(o->f) != 0 && saved == 0)
        saved = errno;
    o->f = NULL;
    if (saved == 0 && rename(o->tmp, o->path) == 0)
        return JF_OK;
    if (saved == 0)
        saved = errno;
    unlink(o->tmp);
    snprintf(msg, msglen, "%s %s: writing it failed: %s; no partial file is left", flag,
             o->path, strerror(saved));
    return JF_EIO;
}

void jf_outfile_discard(jf_outfile_t *o)
{
    if (o->f != NULL)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp[0] != '\0')
        unlink(o->tmp);
}
