/* jf_energy.h: energy backends. Each backend (one file, jf_energy_<name>.c)
 * exports one const jf_energy_backend_t; jf_energy_registry.c lists them in
 * the order --energy auto tries them. A backend only reads raw counters;
 * wrap handling, the sampler thread and the accounting are shared
 * (jf_energy_meter.c), so every backend gets them right the same way. */
#ifndef JF_ENERGY_H
#define JF_ENERGY_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_error.h"

#define JF_ENERGY_MAX_DOMAINS 32
#define JF_ENERGY_NAME_LEN 48

/* Where backends look; every root can be moved (tests replay synthetic
 * trees; some sites mount sysfs elsewhere). */
typedef struct {
    char powercap_root[1024];     /* default /sys/class/powercap */
    char pm_counters_root[1024];  /* default /sys/cray/pm_counters */
} jf_energy_paths_t;

/* One counter a backend reads. Raw values are unsigned integers in
 * `joules_per_unit` units that wrap to 0 after `range` (0: never wraps
 * within a run, so a decrease is an error). */
typedef struct {
    char name[JF_ENERGY_NAME_LEN];    /* "package-0", "dram", "energy", "PKG" */
    char scope[JF_ENERGY_NAME_LEN];   /* what it covers: "socket 0", "node" */
    int in_node_total;                /* counts toward the node's Joules */
    double joules_per_unit;           /* 1e-6 for powercap's energy_uj */
    uint64_t range;                   /* raw wrap point, 0 if none */
    double max_watts;                 /* the most it can physically draw, with
                                         margin: bounds the wrap period and
                                         every step (see below) */
} jf_energy_domain_t;

/* Every step between two readings must fit what the domain can draw:
 *     joules <= max_watts * (span + JF_ENERGY_COUNTER_LAG) + 2 units,
 * span running from the start of the earlier read to the end of the later
 * one (so a reader descheduled between its read and its clock cannot fake
 * a short step). JF_ENERGY_COUNTER_LAG is how stale a counter may be when
 * read: RAPL updates about every millisecond, Cray pm_counters at 10 Hz,
 * and the writer of a counter can itself be late; the two units cover the
 * counter's resolution (1 J for pm_counters). A step that does not fit,
 * forwards or as an unwrapped wrap, makes the energy invalid. */
#define JF_ENERGY_COUNTER_LAG 0.1

/* An open backend on one node. */
typedef struct {
    const struct jf_energy_backend *backend;
    int ndomains;
    jf_energy_domain_t domains[JF_ENERGY_MAX_DOMAINS];
    char coverage[160];   /* one phrase: what the node total includes */
    void *state;          /* the backend's own */
} jf_energy_session_t;

/* Validity signals a backend can raise while reading (pm_counters' startup
 * change); the accounting marks the energy invalid with this reason. */
typedef struct {
    int invalid;
    char reason[160];
} jf_energy_validity_t;

typedef struct jf_energy_backend {
    const char *name;
    const char *description;
    /* Can this node be read? Fast, quiet, never blocks: JF_OK, or an error
     * with one line of reason in why. Lists the domains it would read. */
    jf_err_t (*probe)(const jf_energy_paths_t *paths, jf_energy_session_t *would,
                      char *why, size_t whylen);
    /* Open the counters and fill s->domains. */
    jf_err_t (*start)(const jf_energy_paths_t *paths, jf_energy_session_t *s,
                      char *msg, size_t msglen);
    /* Read every domain's raw counter; raw[i] for domain i. */
    jf_err_t (*read)(jf_energy_session_t *s, uint64_t *raw, jf_energy_validity_t *validity,
                     char *msg, size_t msglen);
    void (*stop)(jf_energy_session_t *s);
} jf_energy_backend_t;

extern const jf_energy_backend_t jf_energy_none;
extern const jf_energy_backend_t jf_energy_powercap;
extern const jf_energy_backend_t jf_energy_pm_counters;
extern const jf_energy_backend_t jf_energy_likwid;

/* The backends in --energy auto order (pm_counters, likwid, powercap), then
 * none; NULL-terminated. */
extern const jf_energy_backend_t *const jf_energy_backends[];

const jf_energy_backend_t *jf_energy_backend_find(const char *name);

/* Roots from flags, else JFLOP_POWERCAP_ROOT / JFLOP_PM_COUNTERS_ROOT, else
 * the kernel's defaults. Flags may be NULL. In a root, %h becomes the node's
 * short name (node_name up to its first '.'), so one job can give each node
 * its own tree, and %% a '%'. Returns JF_EINVAL with a message when a root
 * does not fit or holds another % sequence. */
jf_err_t jf_energy_paths_resolve(jf_energy_paths_t *paths, const char *powercap_flag,
                                 const char *pm_counters_flag, const char *node_name,
                                 char *msg, size_t msglen);

/* Open `request` ("auto" or a backend name) on this node. With auto, the
 * first backend whose probe and start succeed; the reasons of those that
 * did not are written to tried (separated by "; "). */
jf_err_t jf_energy_open(const char *request, const jf_energy_paths_t *paths,
                        jf_energy_session_t *s, char *tried, size_t triedlen,
                        char *msg, size_t msglen);

#endif
