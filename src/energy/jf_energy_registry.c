/* jf_energy_registry.c: the backend table, root paths, and --energy auto. */
#include "jf_energy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --energy auto tries them in this order: Cray's node-level counters are
 * the most complete, then RAPL through likwid, then the kernel's powercap. */
const jf_energy_backend_t *const jf_energy_backends[] = {
    &jf_energy_pm_counters, &jf_energy_likwid, &jf_energy_powercap, &jf_energy_none, NULL,
};

const jf_energy_backend_t *jf_energy_backend_find(const char *name)
{
    for (int i = 0; jf_energy_backends[i] != NULL; i++)
        if (strcmp(jf_energy_backends[i]->name, name) == 0)
            return jf_energy_backends[i];
    return NULL;
}

/* Copy `root` into out, replacing %h by the short node name and %% by %. */
static jf_err_t expand_root(char *out, size_t outlen, const char *root, const char *what,
                            const char *node_name, char *msg, size_t msglen)
{
    const size_t short_len = strcspn(node_name, ".");
    size_t used = 0;

    for (const char *p = root; *p; p++) {
        const char *piece = p;
        size_t len = 1;
        if (*p == '%') {
            if (p[1] == 'h') {
                piece = node_name;
                len = short_len;
            } else if (p[1] != '%') {
                char seq[16] = "a trailing '%'";
                if (p[1])
                    snprintf(seq, sizeof seq, "'%%%c'", p[1]);
                snprintf(msg, msglen, "%s '%s': %s is not expanded (only %%h, the node's short "
                         "name, and %%%%)", what, root, seq);
                return JF_EINVAL;
            }
            p++;
        }
        if (used + len >= outlen) {
            snprintf(msg, msglen, "%s '%s' is longer than %zu bytes once expanded", what, root,
                     outlen - 1);
            return JF_EINVAL;
        }
        memcpy(out + used, piece, len);
        used += len;
    }
    out[used] = '\0';
    return JF_OK;
}

jf_err_t jf_energy_paths_resolve(jf_energy_paths_t *paths, const char *powercap_flag,
                                 const char *pm_counters_flag, const char *node_name,
                                 char *msg, size_t msglen)
{
    const char *env, *powercap = powercap_flag, *pm = pm_counters_flag;

    if (powercap == NULL)
        powercap = (env = getenv("JFLOP_POWERCAP_ROOT")) && *env ? env : "/sys/class/powercap";
    if (pm == NULL)
        pm = (env = getenv("JFLOP_PM_COUNTERS_ROOT")) && *env ? env : "/sys/cray/pm_counters";
    if (expand_root(paths->powercap_root, sizeof paths->powercap_root, powercap,
                    powercap_flag ? "--powercap-root" : "JFLOP_POWERCAP_ROOT", node_name, msg,
                    msglen) != JF_OK ||
        expand_root(paths->pm_counters_root, sizeof paths->pm_counters_root, pm,
                    pm_counters_flag ? "--pm-counters-root" : "JFLOP_PM_COUNTERS_ROOT",
                    node_name, msg, msglen) != JF_OK)
        return JF_EINVAL;
    return JF_OK;
}

static jf_err_t try_backend(const jf_energy_backend_t *b, const jf_energy_paths_t *paths,
                            jf_energy_session_t *s, char *msg, size_t msglen)
{
    jf_energy_session_t probe;
    jf_err_t err;

    memset(&probe, 0, sizeof probe);
    err = b->probe(paths, &probe, msg, msglen);
    if (err != JF_OK)
        return err;
    memset(s, 0, sizeof *s);
    s->backend = b;
    return b->start(paths, s, msg, msglen);
}

jf_err_t jf_energy_open(const char *request, const jf_energy_paths_t *paths,
                        jf_energy_session_t *s, char *tried, size_t triedlen,
                        char *msg, size_t msglen)
{
    size_t used = 0;

    if (triedlen > 0)
        tried[0] = '\0';
    if (strcmp(request, "auto") != 0) {
        const jf_energy_backend_t *b = jf_energy_backend_find(request);
        if (b == NULL) {
            snprintf(msg, msglen, "unknown energy backend '%s'", request);
            return JF_EINVAL;
        }
        return try_backend(b, paths, s, msg, msglen);
    }
    for (int i = 0; jf_energy_backends[i] != NULL; i++) {
        const jf_energy_backend_t *b = jf_energy_backends[i];
        char why[JF_MSG_LEN];
        if (try_backend(b, paths, s, why, sizeof why) == JF_OK)
            return JF_OK;
        if (used < triedlen) {
            /* each backend's reason starts with its own name */
            const int n = snprintf(tried + used, triedlen - used, "%s%s", used ? "\n" : "", why);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    snprintf(msg, msglen, "no energy backend works here");
    return JF_EINVAL;
}
