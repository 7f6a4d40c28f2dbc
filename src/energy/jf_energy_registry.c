/* jf_energy_registry.c: the backend table, root paths, and --energy auto. */
#include "jf_energy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --energy auto tries them in this order: Cray's node-level counters are
 * the most complete, then the BMC (the whole node too, but slow; tried
 * only where a BMC URL is configured), then RAPL through likwid, then the
 * kernel's powercap (CPU packages and DRAM only). */
const jf_energy_backend_t *const jf_energy_backends[] = {
    &jf_energy_pm_counters, &jf_energy_redfish, &jf_energy_likwid, &jf_energy_powercap,
    &jf_energy_none, NULL,
};

const jf_energy_backend_t *jf_energy_backend_find(const char *name)
{
    for (int i = 0; jf_energy_backends[i] != NULL; i++)
        if (strcmp(jf_energy_backends[i]->name, name) == 0)
            return jf_energy_backends[i];
    return NULL;
}

void jf_energy_backend_names(char *buf, size_t len, const char *sep, int with_auto)
{
    size_t used = 0;
    if (len == 0)
        return;
    buf[0] = '\0';
    if (with_auto) {
        const int n = snprintf(buf, len, "auto");
        used = n > 0 ? (size_t)n : 0;
    }
    for (int i = 0; jf_energy_backends[i] != NULL && used < len; i++) {
        const int n = snprintf(buf + used, len - used, "%s%s", used ? sep : "",
                               jf_energy_backends[i]->name);
        used += n > 0 ? (size_t)n : 0;
    }
}

void jf_energy_basis_text(jf_energy_basis_t basis, double interval, char *buf, size_t len)
{
    if (basis == JF_BASIS_POWER)
        snprintf(buf, len, "integrated from power readings every %.3g s", interval);
    else
        snprintf(buf, len, "energy counter");
}

const char *jf_energy_covers_text(jf_energy_covers_t covers)
{
    static const char *const text[] = {
        [JF_COVERS_NOTHING] = "nothing",
        [JF_COVERS_CPU_DRAM] = "CPU packages + DRAM",
        [JF_COVERS_NODE] = "node incl. accelerators",
        [JF_COVERS_NODE_PSU] = "node at its power supply",
    };
    return (unsigned)covers < sizeof text / sizeof text[0] ? text[covers] : "unknown";
}

int jf_energy_covers_node(jf_energy_covers_t covers)
{
    return covers == JF_COVERS_NODE || covers == JF_COVERS_NODE_PSU;
}

int jf_energy_covers_find(const char *covers_text, const char *backend_name)
{
    for (int c = JF_COVERS_NOTHING; c <= JF_COVERS_NODE_PSU && covers_text != NULL; c++)
        if (strcmp(covers_text, jf_energy_covers_text((jf_energy_covers_t)c)) == 0)
            return c;
    const jf_energy_backend_t *b =
        backend_name != NULL ? jf_energy_backend_find(backend_name) : NULL;
    return b != NULL ? (int)b->covers : -1;
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

/* flag, else the environment variable when set and not empty, else dflt */
static const char *pick(const char *flag, const char *env_name, const char *dflt)
{
    const char *env = getenv(env_name);
    return flag != NULL ? flag : env != NULL && *env ? env : dflt;
}

jf_err_t jf_energy_paths_resolve(jf_energy_paths_t *paths, const jf_energy_flags_t *flags,
                                 const char *node_name, char *msg, size_t msglen)
{
    static const jf_energy_flags_t none;
    const jf_energy_flags_t *f = flags != NULL ? flags : &none;
    /* each setting: its flag, else its environment variable, else its
     * default; %h expanded to this node's name */
    const struct {
        char *out;
        size_t len;
        const char *flag, *option, *env, *dflt;
    } settings[] = {
        {paths->powercap_root, sizeof paths->powercap_root, f->powercap_root,
         "--powercap-root", "JFLOP_POWERCAP_ROOT", "/sys/class/powercap"},
        {paths->pm_counters_root, sizeof paths->pm_counters_root, f->pm_counters_root,
         "--pm-counters-root", "JFLOP_PM_COUNTERS_ROOT", "/sys/cray/pm_counters"},
        {paths->redfish_url, sizeof paths->redfish_url, f->redfish_url, "--redfish-url",
         "JFLOP_REDFISH_URL", ""},
        {paths->redfish_credentials, sizeof paths->redfish_credentials,
         f->redfish_credentials, "--redfish-credentials", "JFLOP_REDFISH_CREDENTIALS", ""},
        {paths->redfish_ca, sizeof paths->redfish_ca, f->redfish_ca, "--redfish-ca",
         "JFLOP_REDFISH_CA", ""},
    };

    memset(paths, 0, sizeof *paths);
    for (size_t k = 0; k < sizeof settings / sizeof settings[0]; k++)
        if (expand_root(settings[k].out, settings[k].len,
                        pick(settings[k].flag, settings[k].env, settings[k].dflt),
                        settings[k].flag ? settings[k].option : settings[k].env, node_name, msg,
                        msglen) != JF_OK)
            return JF_EINVAL;
    paths->redfish_timeout = 5.0;
    if (f->redfish_timeout > 0) {
        paths->redfish_timeout = f->redfish_timeout;
    } else {
        const char *env = getenv("JFLOP_REDFISH_TIMEOUT");
        if (env != NULL && *env) {
            char *end = NULL;
            const double t = strtod(env, &end);
            if (end == env || *end != '\0' || !(t >= 0.1 && t <= 600)) {
                snprintf(msg, msglen, "JFLOP_REDFISH_TIMEOUT '%s' is not a number of seconds "
                         "in 0.1..600", env);
                return JF_EINVAL;
            }
            paths->redfish_timeout = t;
        }
    }
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
            const int n = snprintf(tried + used, triedlen - used, "%s%s", used ? "; " : "", why);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    snprintf(msg, msglen, "no energy backend works here");
    return JF_EINVAL;
}
