/* jf_energy_pm_counters.c: HPE/Cray EX node counters, /sys/cray/pm_counters.
 * "energy" is the whole node; cpu_energy, cpuN_energy, memory_energy and
 * accelN_energy are parts of it, reported beside it. Values read
 * "<joules> J <timestamp> us" and never wrap within a run. The node
 * controller restarts its counters when "startup" changes: a run that sees
 * that happen has no valid energy. Resolution is 1 J. */
#include "jf_energy.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jf_energy_sysfs.h"

/* The most a node (or a part of it) can draw, for the physical check of
 * every step (jf_energy.h): pm_counters publish no power limit, and the
 * largest HPE Cray EX blades draw about 3 kW per node (four accelerators
 * of 560 W to 1 kW and their CPUs); 15 kW is out of reach of any node, so
 * a step above it is a broken counter, never a busy node. */
#define PM_DEFAULT_MAX_WATTS 15000.0

typedef struct {
    char path[JF_ENERGY_MAX_DOMAINS][4200];
    char startup_path[4200];
    uint64_t startup;
} pm_state_t;

/* "energy" first, then the parts in name order. */
static int cmp_names(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    const int xe = strcmp(x, "energy") == 0, ye = strcmp(y, "energy") == 0;
    return xe != ye ? ye - xe : strcmp(x, y);
}

static int is_energy_file(const char *name)
{
    const size_t n = strlen(name), k = strlen("energy");
    return n >= k && strcmp(name + n - k, "energy") == 0;
}

static jf_err_t scan(const jf_energy_paths_t *paths, jf_energy_session_t *s,
                     void *state, char *msg, size_t msglen)
{
    pm_state_t *st = state;
    const char *root = paths->pm_counters_root;
    DIR *d = opendir(root);
    char *names[JF_ENERGY_MAX_DOMAINS], path[4200], why[JF_MSG_LEN];
    int n = 0, have_node = 0;
    jf_err_t err = JF_OK;
    uint64_t value, startup;

    if (d == NULL) {
        snprintf(msg, msglen, "pm_counters: cannot open %s (not an HPE/Cray EX node, or not "
                              "this root)", root);
        return JF_EINVAL;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!is_energy_file(e->d_name) || n == JF_ENERGY_MAX_DOMAINS)
            continue;
        if ((names[n] = strdup(e->d_name)) == NULL) {
            snprintf(msg, msglen, "pm_counters: out of memory");
            err = JF_ENOMEM;
            goto cleanup;
        }
        have_node |= strcmp(e->d_name, "energy") == 0;
        n++;
    }
    if (!have_node) {
        snprintf(msg, msglen, "pm_counters: %s/energy is missing", root);
        err = JF_EINVAL;
        goto cleanup;
    }
    snprintf(path, sizeof path, "%s/startup", root);
    if ((err = jf_sysfs_read_u64(path, &startup, NULL, 0, why, sizeof why)) != JF_OK) {
        snprintf(msg, msglen, "pm_counters: %s", why);
        goto cleanup;
    }
    qsort(names, (size_t)n, sizeof names[0], cmp_names);
    s->ndomains = 0;
    for (int i = 0; i < n; i++) {
        char rest[128];
        jf_energy_domain_t *dom = &s->domains[s->ndomains];
        snprintf(path, sizeof path, "%s/%s", root, names[i]);
        if ((err = jf_sysfs_read_u64(path, &value, rest, sizeof rest, why, sizeof why)) !=
            JF_OK) {
            snprintf(msg, msglen, "pm_counters: %s", why);
            goto cleanup;
        }
        if (strncmp(rest, "J", 1) != 0) {
            snprintf(msg, msglen, "pm_counters: %s: unit '%.20s' is not J", path, rest);
            err = JF_EINVAL;
            goto cleanup;
        }
        snprintf(dom->name, sizeof dom->name, "%s", names[i]);
        snprintf(dom->scope, sizeof dom->scope, "%s",
                 strcmp(names[i], "energy") == 0 ? "node" : "part of node");
        dom->in_node_total = strcmp(names[i], "energy") == 0;
        dom->joules_per_unit = 1.0;
        dom->range = 0;
        dom->max_watts = PM_DEFAULT_MAX_WATTS;
        if (st != NULL)
            snprintf(st->path[s->ndomains], sizeof st->path[0], "%s", path);
        s->ndomains++;
    }
    if (st != NULL) {
        snprintf(st->startup_path, sizeof st->startup_path, "%s/startup", root);
        st->startup = startup;
    }
    snprintf(s->coverage, sizeof s->coverage,
             "the whole node as the Cray node controller meters it (CPUs, memory, "
             "accelerators, board), 1 J resolution");
cleanup:
    for (int i = 0; i < n; i++)
        free(names[i]);
    closedir(d);
    return err;
}

static jf_err_t pm_probe(const jf_energy_paths_t *paths, jf_energy_session_t *would, char *why,
                         size_t whylen)
{
    return scan(paths, would, NULL, why, whylen);
}

static jf_err_t pm_start(const jf_energy_paths_t *paths, jf_energy_session_t *s, char *msg,
                         size_t msglen)
{
    return jf_sysfs_backend_start(scan, sizeof(pm_state_t), paths, s, msg, msglen);
}

static jf_err_t pm_read(jf_energy_session_t *s, uint64_t *raw, jf_energy_validity_t *v,
                        char *msg, size_t msglen)
{
    const pm_state_t *st = s->state;
    char why[JF_MSG_LEN];
    uint64_t startup;
    jf_err_t err;

    for (int i = 0; i < s->ndomains; i++)
        if ((err = jf_sysfs_read_u64(st->path[i], &raw[i], NULL, 0, why, sizeof why)) != JF_OK) {
            snprintf(msg, msglen, "pm_counters: %s", why);
            return err;
        }
    if ((err = jf_sysfs_read_u64(st->startup_path, &startup, NULL, 0, why, sizeof why)) !=
        JF_OK) {
        snprintf(msg, msglen, "pm_counters: %s", why);
        return err;
    }
    if (startup != st->startup && !v->invalid) {
        v->invalid = 1;
        snprintf(v->reason, sizeof v->reason,
                 "pm_counters startup changed from %llu to %llu during the run (the node "
                 "controller restarted its counters)",
                 (unsigned long long)st->startup, (unsigned long long)startup);
    }
    return JF_OK;
}

const jf_energy_backend_t jf_energy_pm_counters = {
    "pm_counters", "HPE/Cray EX node counters (/sys/cray/pm_counters)",
    pm_probe, pm_start, pm_read, jf_sysfs_backend_stop,
    .covers = JF_COVERS_NODE,
};
