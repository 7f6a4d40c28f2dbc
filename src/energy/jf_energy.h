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
    /* redfish: the BMC's URL, its credentials file and CA file (%h
     * expanded; "" when not given), and the limit on each request */
    char redfish_url[1024];
    char redfish_credentials[1024];
    char redfish_ca[1024];
    double redfish_timeout;       /* s; default 5 */
} jf_energy_paths_t;

/* What the user gave (flags; NULL or 0 when not given: then the
 * environment, JFLOP_POWERCAP_ROOT, JFLOP_PM_COUNTERS_ROOT,
 * JFLOP_REDFISH_URL, JFLOP_REDFISH_CREDENTIALS, JFLOP_REDFISH_CA,
 * JFLOP_REDFISH_TIMEOUT, else the defaults). */
typedef struct {
    const char *powercap_root, *pm_counters_root;
    const char *redfish_url, *redfish_credentials, *redfish_ca;
    double redfish_timeout;
} jf_energy_flags_t;

/* How a node total is obtained, said next to it in every output. */
typedef enum {
    JF_BASIS_COUNTER = 0,  /* "energy counter": the hardware counts Joules */
    JF_BASIS_POWER         /* "integrated from power readings every T s":
                              the backend integrates readings of watts */
} jf_energy_basis_t;

/* What a backend's meter covers, one class per backend (its table entry),
 * said next to every energy figure; validate's energy.coverage rule asks
 * for a node-level meter from Level 2 on. The session's coverage phrase
 * adds the detail (which domains, which BMC). */
typedef enum {
    JF_COVERS_NOTHING = 0,  /* "nothing" (none) */
    JF_COVERS_CPU_DRAM,     /* "CPU packages + DRAM" (RAPL: powercap, likwid) */
    JF_COVERS_NODE,         /* "node incl. accelerators" (pm_counters) */
    JF_COVERS_NODE_PSU      /* "node at its power supply" (redfish) */
} jf_energy_covers_t;

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
    jf_energy_basis_t basis;
    /* The source refreshes its readings only every update_seconds (a BMC:
     * 1-10 s); sampling faster reads the same value again, so a shorter
     * --sample-interval is refused. 0: no such limit. update_how says
     * where the figure comes from. */
    double update_seconds;
    char update_how[160];
    /* A backend that can tell its source's readings apart sets
     * reports_readings, and after each read reading_new (the source
     * updated since the last read) and reading_time (the source's own
     * timestamp of the reading, s since 1970, NAN when it gives none). */
    int reports_readings;
    int reading_new;
    double reading_time;
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
    jf_energy_covers_t covers;  /* what its node total covers */
} jf_energy_backend_t;

extern const jf_energy_backend_t jf_energy_none;
extern const jf_energy_backend_t jf_energy_powercap;
extern const jf_energy_backend_t jf_energy_pm_counters;
extern const jf_energy_backend_t jf_energy_likwid;
extern const jf_energy_backend_t jf_energy_redfish;

/* The backends in --energy auto order (pm_counters, redfish, likwid,
 * powercap), then none; NULL-terminated. */
extern const jf_energy_backend_t *const jf_energy_backends[];

const jf_energy_backend_t *jf_energy_backend_find(const char *name);

/* The backends' names joined by sep ("auto" first when with_auto), for
 * --help and the --energy check. */
void jf_energy_backend_names(char *buf, size_t len, const char *sep, int with_auto);

/* Roots and the BMC from flags, else the environment (jf_energy_flags_t),
 * else the kernel's defaults. flags may be NULL. In a root, the Redfish
 * URL and its credentials path, %h becomes the node's short name
 * (node_name up to its first '.'), so one job can give each node its own
 * tree or BMC, and %% a '%'. Returns JF_EINVAL with a message when a value
 * does not fit or holds another % sequence. */
jf_err_t jf_energy_paths_resolve(jf_energy_paths_t *paths, const jf_energy_flags_t *flags,
                                 const char *node_name, char *msg, size_t msglen);

/* "energy counter" or "integrated from power readings every T s" (T the
 * sampling interval). */
void jf_energy_basis_text(jf_energy_basis_t basis, double interval, char *buf, size_t len);

/* The covers class in words ("CPU packages + DRAM", ...). */
const char *jf_energy_covers_text(jf_energy_covers_t covers);
/* Does a meter of this class see the whole node (pm_counters, redfish)? */
int jf_energy_covers_node(jf_energy_covers_t covers);
/* The class a results file's covers text names, by its text; or, for
 * files before schema 1.7, by the backend's name in the table. -1 when
 * neither is known. */
int jf_energy_covers_find(const char *covers_text, const char *backend_name);

/* Open `request` ("auto" or a backend name) on this node. With auto, the
 * first backend whose probe and start succeed; the reasons of those that
 * did not are written to tried (separated by "; "). */
jf_err_t jf_energy_open(const char *request, const jf_energy_paths_t *paths,
                        jf_energy_session_t *s, char *tried, size_t triedlen,
                        char *msg, size_t msglen);

#endif
