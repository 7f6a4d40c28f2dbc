/* jf_energy_none.c: the backend that measures nothing. It always works, so
 * a node without counters still runs; every output then says "energy: not
 * measured", never 0 J. */
#include "jf_energy.h"

#include <stdio.h>
#include <string.h>

static jf_err_t none_probe(const jf_energy_paths_t *paths, jf_energy_session_t *would,
                           char *why, size_t whylen)
{
    (void)paths;
    would->ndomains = 0;
    snprintf(why, whylen, "always available; measures nothing");
    return JF_OK;
}

static jf_err_t none_start(const jf_energy_paths_t *paths, jf_energy_session_t *s, char *msg,
                           size_t msglen)
{
    (void)paths;
    (void)msg;
    (void)msglen;
    s->ndomains = 0;
    snprintf(s->coverage, sizeof s->coverage, "nothing (energy not measured)");
    return JF_OK;
}

static jf_err_t none_read(jf_energy_session_t *s, uint64_t *raw, jf_energy_validity_t *v,
                          char *msg, size_t msglen)
{
    (void)s;
    (void)raw;
    (void)v;
    (void)msg;
    (void)msglen;
    return JF_OK;
}

static void none_stop(jf_energy_session_t *s)
{
    (void)s;
}

const jf_energy_backend_t jf_energy_none = {
    "none", "no energy measurement", none_probe, none_start, none_read, none_stop,
    .covers = JF_COVERS_NOTHING,
};
