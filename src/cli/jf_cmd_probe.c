/* jf_cmd_probe.c: `jflop probe`, what this node can measure. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/jf_cmd.h"
#include "config.h"
#include "core/jf_cpu_id.h"
#include "core/jf_error.h"
#include "core/jf_parse.h"
#include "energy/jf_energy.h"
#include "kern/jf_blis_arch.h"
#include "kern/jf_gemm_backend.h"
#include "out/jf_cpu_json.h"

static json_t *domains_json(const jf_energy_session_t *s)
{
    json_t *arr = json_array();
    for (int i = 0; i < s->ndomains; i++) {
        const jf_energy_domain_t *d = &s->domains[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:b, s:f, s:f}", "name", d->name, "scope", d->scope,
                           "in_node_total", d->in_node_total, "wrap_joules",
                           (double)d->range * d->joules_per_unit, "max_watts", d->max_watts));
    }
    return arr;
}

/* Every GEMM back-end's verdict for every precision, as jflop-run would
 * see it before measuring (jf_gemm_select.h), and whether bf16 would run
 * on bf16 instructions or be emulated. */
static json_t *gemm_backends(int quiet)
{
    json_t *arr = json_array();
    if (!quiet)
        printf("GEMM back-ends (jflop-run times the usable ones on the run's shapes):\n");
    for (int i = 0; jf_gemm_backends[i] != NULL; i++) {
        const jf_gemm_backend_t *b = jf_gemm_backends[i];
        char version[64];
        json_t *precs = json_object();
        b->version(version, sizeof version);
        if (!quiet)
            printf("  %-12s %s\n", b->name, version);
        for (int p = 0; p < JF_NPRECISION; p++) {
            char why[JF_MSG_LEN] = "", kernel[160] = "";
            const int ok = b->probe((jf_precision_t)p, why, sizeof why);
            const int native = ok && b->native((jf_precision_t)p);
            if (ok && strcmp(b->name, "blis") != 0)
                b->kernel((jf_precision_t)p, kernel, sizeof kernel);
            json_object_set_new(precs, jf_precision_name((jf_precision_t)p),
                                json_pack("{s:b, s:b, s:s, s:s}", "usable", ok, "native",
                                          native, "kernel", kernel, "reason", ok ? "" : why));
            if (quiet)
                continue;
            if (!ok)
                printf("               %s: no (%s)\n", jf_precision_name((jf_precision_t)p), why);
            else
                printf("               %s: yes%s%s%s%s\n", jf_precision_name((jf_precision_t)p),
                       kernel[0] ? " (" : "", kernel, kernel[0] ? ")" : "",
                       p == JF_BF16 && !native ? ", EMULATED: no bf16 instructions in use" : "");
        }
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}", "name", b->name,
                                             "description", b->description, "version", version,
                                             "precisions", precs));
    }
    return arr;
}

int jf_cmd_probe(int argc, char **argv)
{
    jf_energy_flags_t flags = {0};
    int as_json = 0, usable = 0;
    char host[256] = "", msg[JF_MSG_LEN];
    jf_energy_paths_t paths;
    jf_blis_info_t blis;

    const char *timeout = NULL;
    const jf_cmd_arg_t args[] = {
        {"powercap-root", JF_ARG_STRING, &flags.powercap_root, NULL},
        {"pm-counters-root", JF_ARG_STRING, &flags.pm_counters_root, NULL},
        {"redfish-url", JF_ARG_STRING, &flags.redfish_url, NULL},
        {"redfish-credentials", JF_ARG_STRING, &flags.redfish_credentials, NULL},
        {"redfish-ca", JF_ARG_STRING, &flags.redfish_ca, NULL},
        {"redfish-timeout", JF_ARG_STRING, &timeout, NULL},
        JF_CMD_ARGS_JSON(&as_json),
    };
    const int stop = JF_CMD_ARGS("probe", argc, argv, args);
    if (stop != JF_CMD_GO_ON)
        return stop;
    if (timeout != NULL &&
        (jf_parse_positive_real(timeout, &flags.redfish_timeout, msg, sizeof msg) != JF_OK ||
         flags.redfish_timeout < 0.1 || flags.redfish_timeout > 600)) {
        fprintf(stderr, "jflop probe: --redfish-timeout: '%s' is not a number of "
                "seconds in 0.1..600\n", timeout);
        return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "jflop probe: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    gethostname(host, sizeof host - 1);
    if (jf_energy_paths_resolve(&paths, &flags, host, msg, sizeof msg) != JF_OK) {
        fprintf(stderr, "jflop probe: %s\n", msg);
        return 2;
    }
    memset(&blis, 0, sizeof blis);
    const int blis_ok = jf_blis_arch_select("auto", &blis, msg, sizeof msg) == JF_OK;
    if (blis_ok)
        jf_blis_info_read(&blis);

    json_t *out = json_object(), *backends = json_array();
    json_object_set_new(out, "host", json_string(host));
    json_object_set_new(out, "jflop_version", json_string(PACKAGE_VERSION));
    /* the processor, as a run's results would name it */
    jf_cpu_id_t cpu;
    char cpu_line[2 * JF_CPU_TEXT];
    jf_cpu_id_read(NULL, &cpu);
    jf_cpu_id_describe(&cpu, cpu_line, sizeof cpu_line);
    json_object_set_new(out, "cpu", jf_cpu_json(&cpu, -1));
    if (!as_json)
        printf("jflop probe on %s\ncpu: %s\nenergy backends (in --energy auto order):\n", host,
               cpu_line);
    for (int i = 0; jf_energy_backends[i] != NULL; i++) {
        const jf_energy_backend_t *b = jf_energy_backends[i];
        jf_energy_session_t would;
        char why[JF_MSG_LEN] = "";
        memset(&would, 0, sizeof would);
        const int ok = b->probe(&paths, &would, why, sizeof why) == JF_OK;
        const int measures = ok && would.ndomains > 0;
        usable |= measures;
        char basis[96] = "";
        if (measures)
            jf_energy_basis_text(would.basis, would.update_seconds > 0 ? would.update_seconds
                                                                       : 0.1, basis, sizeof basis);
        json_t *entry = json_pack("{s:s, s:s, s:b, s:b, s:s, s:o}", "name", b->name,
                                  "description", b->description, "available", ok,
                                  "measures_energy", measures, "reason", ok ? "" : why,
                                  "domains", domains_json(&would));
        /* how it would measure: a counter, or power integrated no faster
         * than the source refreshes */
        json_object_set_new(entry, "basis", measures ? json_string(basis) : json_null());
        /* what its figure would cover: validate asks for a node-level meter */
        json_object_set_new(entry, "covers", json_string(jf_energy_covers_text(b->covers)));
        json_object_set_new(entry, "node_level", json_boolean(jf_energy_covers_node(b->covers)));
        json_object_set_new(entry, "update_seconds", would.update_seconds > 0
                                                         ? json_real(would.update_seconds)
                                                         : json_null());
        json_array_append_new(backends, entry);
        if (as_json)
            continue;
        printf("  %-12s %s\n", b->name, ok ? (measures ? "yes" : "yes (measures nothing)")
                                          : "no");
        if (!ok)
            printf("               %s\n", why);
        for (int d = 0; d < would.ndomains; d++)
            printf("               %-24s %-20s %s, wraps at %.6g J\n", would.domains[d].name,
                   would.domains[d].scope,
                   would.domains[d].in_node_total ? "in node total" : "inside another, not added",
                   (double)would.domains[d].range * would.domains[d].joules_per_unit);
        if (measures)
            printf("               basis: %s\n", basis);
        printf("               covers: %s%s\n", jf_energy_covers_text(b->covers),
               jf_energy_covers_node(b->covers) ? " (a node-level meter)" : "");
        if (measures && would.update_seconds > 0)
            printf("               the source refreshes every %g s (%s): jflop-run samples "
                   "no faster\n", would.update_seconds, would.update_how);
    }
    json_object_set_new(out, "energy_backends", backends);
    json_object_set_new(out, "energy_measurable", json_boolean(usable));
    json_object_set_new(out, "gemm_backends", gemm_backends(as_json));
    json_object_set_new(out, "blis",
                        blis_ok ? json_pack("{s:s, s:s, s:s, s:s}", "version", blis.version,
                                            "active", blis.active, "detected", blis.detected,
                                            "how", blis.how)
                                : json_pack("{s:s}", "error", msg));
    if (as_json) {
        json_dumpf(out, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        printf("\n");
    } else {
        if (blis_ok)
            printf("BLIS %s: %s kernels (%s)\n", blis.version, blis.active, blis.how);
        else
            printf("BLIS: %s\n", msg);
        printf("%s\n", usable ? "energy: measurable on this node"
                              : "energy: NOT measurable on this node (jflop-run would report "
                                "\"energy: not measured\")");
    }
    json_decref(out);
    return usable ? 0 : 1;
}

