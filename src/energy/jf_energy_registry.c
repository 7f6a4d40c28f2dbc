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

void jf_energy_paths_resolve(jf_energy_paths_t *paths, const char *powercap_flag,
                             const char *pm_counters_flag)
{
    const char *env;
    paths->powercap_root = powercap_flag;
    if (paths->powercap_root == NULL)
        paths->powercap_root = (env = getenv("JFLOP_POWERCAP_ROOT")) && *env
                                   ? env : "/sys/class/powercap";
    paths->pm_counters_root = pm_counters_flag;
    if (paths->pm_counters_root == NULL)
        paths->pm_counters_root = (env = getenv("JFLOP_PM_COUNTERS_ROOT")) && *env
                                      ? env : "/sys/cray/pm_counters";
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
