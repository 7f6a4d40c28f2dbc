/* jf_energy_powercap.c: the Linux powercap tree (RAPL zones; the kernel
 * uses the same intel-rapl naming on AMD). Each zone directory under the
 * root (default /sys/class/powercap) has name, energy_uj and
 * max_energy_range_uj; "intel-rapl:P" is a package-level zone and
 * "intel-rapl:P:S" one of its sub-zones. The node total is the packages
 * plus DRAM: core/uncore sit inside their package, and psys (platform)
 * overlaps both, so those are reported but not added. */
#include "jf_energy.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jf_energy_sysfs.h"

#define PREFIX "intel-rapl:"

typedef struct {
    char energy_path[JF_ENERGY_MAX_DOMAINS][4400];
} powercap_state_t;

/* Plausible peaks when the zone does not publish a power constraint. */
#define DEFAULT_PACKAGE_WATTS 1000.0
#define DEFAULT_DRAM_WATTS 500.0

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The peak a zone may draw: its largest constraint_N_max_power_uw with a
 * 25% margin for turbo excursions; without one, its largest
 * constraint_N_power_limit_uw with a 100% margin (a long-term limit, PL1,
 * is exceeded by the short-term PL2 and by turbo bursts); else a default by
 * kind. Both bound the wrap period and every step (jf_energy.h). */
static double zone_max_watts(const char *dir, const char *name)
{
    double max_power = 0, limit = 0;
    for (int c = 0; c < 4; c++) {
        char path[4400], why[JF_MSG_LEN];
        uint64_t uw;
        if (snprintf(path, sizeof path, "%s/constraint_%d_max_power_uw", dir, c) >=
            (int)sizeof path)
            break;
        if (jf_sysfs_read_u64(path, &uw, NULL, 0, why, sizeof why) == JF_OK && uw > 0)
            max_power = fmax(max_power, 1e-6 * (double)uw);
        snprintf(path, sizeof path, "%s/constraint_%d_power_limit_uw", dir, c);
        if (jf_sysfs_read_u64(path, &uw, NULL, 0, why, sizeof why) == JF_OK && uw > 0)
            limit = fmax(limit, 1e-6 * (double)uw);
    }
    if (max_power > 0)
        return 1.25 * max_power;
    if (limit > 0)
        return 2.0 * limit;
    return strcmp(name, "dram") == 0 ? DEFAULT_DRAM_WATTS : DEFAULT_PACKAGE_WATTS;
}

/* Scan the tree; fill s (and paths in st when not NULL). */
static jf_err_t scan(const jf_energy_paths_t *paths, jf_energy_session_t *s,
                     void *state, char *msg, size_t msglen)
{
    powercap_state_t *st = state;
    const char *root = paths->powercap_root;
    DIR *d = opendir(root);
    char *names[JF_ENERGY_MAX_DOMAINS];
    int nzones = 0, too_many = 0;
    jf_err_t err = JF_OK;

    if (d == NULL) {
        snprintf(msg, msglen, "powercap: cannot open %s (no powercap tree: kernel without "
                              "CONFIG_POWERCAP/intel_rapl, or not this root)", root);
        return JF_EINVAL;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0)
            continue;
        if (nzones == JF_ENERGY_MAX_DOMAINS) {
            too_many = 1;
            break;
        }
        names[nzones] = strdup(e->d_name);
        if (names[nzones] == NULL) {
            err = JF_ENOMEM;
            snprintf(msg, msglen, "powercap: out of memory");
            goto cleanup;
        }
        nzones++;
    }
    if (nzones == 0) {
        snprintf(msg, msglen, "powercap: no %s* zones under %s (RAPL not exposed here)", PREFIX,
                 root);
        err = JF_EINVAL;
        goto cleanup;
    }
    /* stable domain order: intel-rapl:0, intel-rapl:0:0, ..., intel-rapl:1 */
    qsort(names, (size_t)nzones, sizeof names[0], cmp_names);
    s->ndomains = 0;
    for (int z = 0; z < nzones; z++) {
        char dir[4200], path[4400], name[64], parent_name[64] = "", why[JF_MSG_LEN];
        uint64_t range, energy;
        jf_energy_domain_t *dom = &s->domains[s->ndomains];
        const int is_sub = strchr(names[z] + strlen(PREFIX), ':') != NULL;

        if (snprintf(dir, sizeof dir, "%s/%s", root, names[z]) >= (int)sizeof dir) {
            snprintf(msg, msglen, "powercap: path too long under %.100s", root);
            err = JF_ERANGE;
            goto cleanup;
        }
        snprintf(path, sizeof path, "%s/name", dir);
        if ((err = jf_sysfs_read_text(path, name, sizeof name, why, sizeof why)) != JF_OK) {
            snprintf(msg, msglen, "powercap: %s", why);
            goto cleanup;
        }
        snprintf(path, sizeof path, "%s/max_energy_range_uj", dir);
        if ((err = jf_sysfs_read_u64(path, &range, NULL, 0, why, sizeof why)) != JF_OK) {
            snprintf(msg, msglen, "powercap: %s", why);
            goto cleanup;
        }
        if (range == 0) {
            snprintf(msg, msglen, "powercap: %s is 0 (a counter without a range cannot be "
                                  "unwrapped)", path);
            err = JF_EINVAL;
            goto cleanup;
        }
        snprintf(path, sizeof path, "%s/energy_uj", dir);
        if ((err = jf_sysfs_read_u64(path, &energy, NULL, 0, why, sizeof why)) != JF_OK) {
            snprintf(msg, msglen, "powercap: %s", why);
            goto cleanup;
        }
        if (is_sub) {
            /* intel-rapl:P:S belongs to intel-rapl:P */
            char pdir[4200], ppath[4400];
            const char *last = strrchr(names[z], ':');
            snprintf(pdir, sizeof pdir, "%s/%.*s", root, (int)(last - names[z]), names[z]);
            snprintf(ppath, sizeof ppath, "%s/name", pdir);
            if (jf_sysfs_read_text(ppath, parent_name, sizeof parent_name, why, sizeof why) !=
                JF_OK)
                snprintf(parent_name, sizeof parent_name, "%.*s", (int)(last - names[z]),
                         names[z]);
        }
        if (is_sub)
            snprintf(dom->name, sizeof dom->name, "%.20s/%.24s", parent_name, name);
        else
            snprintf(dom->name, sizeof dom->name, "%.44s", name);
        snprintf(dom->scope, sizeof dom->scope, "%.40s", names[z]);
        dom->in_node_total = strcmp(name, "dram") == 0 ||
                             (!is_sub && strncmp(name, "package", 7) == 0);
        dom->joules_per_unit = 1e-6;
        dom->range = range;
        dom->max_watts = zone_max_watts(dir, name);
        if (st != NULL)
            snprintf(st->energy_path[s->ndomains], sizeof st->energy_path[0], "%s", path);
        s->ndomains++;
    }
    snprintf(s->coverage, sizeof s->coverage,
             "CPU packages and DRAM (RAPL via powercap); not accelerators, network, disks, "
             "fans or power-supply losses");
cleanup:
    if (too_many && err == JF_OK) {
        snprintf(msg, msglen, "powercap: more than %d zones under %s", JF_ENERGY_MAX_DOMAINS,
                 root);
        err = JF_ERANGE;
    }
    for (int z = 0; z < nzones; z++)
        free(names[z]);
    closedir(d);
    return err;
}

static jf_err_t powercap_probe(const jf_energy_paths_t *paths, jf_energy_session_t *would,
                               char *why, size_t whylen)
{
    return scan(paths, would, NULL, why, whylen);
}

static jf_err_t powercap_start(const jf_energy_paths_t *paths, jf_energy_session_t *s, char *msg,
                         size_t msglen)
{
    return jf_sysfs_backend_start(scan, sizeof(powercap_state_t), paths, s, msg, msglen);
}

static jf_err_t powercap_read(jf_energy_session_t *s, uint64_t *raw, jf_energy_validity_t *v,
                              char *msg, size_t msglen)
{
    const powercap_state_t *st = s->state;
    (void)v;
    for (int i = 0; i < s->ndomains; i++) {
        char why[JF_MSG_LEN];
        const jf_err_t err = jf_sysfs_read_u64(st->energy_path[i], &raw[i], NULL, 0, why,
                                               sizeof why);
        if (err != JF_OK) {
            snprintf(msg, msglen, "powercap: %s", why);
            return err;
        }
        if (raw[i] > s->domains[i].range) {
            snprintf(msg, msglen, "powercap: %s: %llu is above max_energy_range_uj %llu",
                     st->energy_path[i], (unsigned long long)raw[i],
                     (unsigned long long)s->domains[i].range);
            return JF_ERANGE;
        }
    }
    return JF_OK;
}

const jf_energy_backend_t jf_energy_powercap = {
    "powercap", "Linux powercap tree (RAPL zones, energy_uj)",
    powercap_probe, powercap_start, powercap_read, jf_sysfs_backend_stop,
    .covers = JF_COVERS_CPU_DRAM,
};
