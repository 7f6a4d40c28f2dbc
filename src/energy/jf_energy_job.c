/* jf_energy_job.c: node grouping, per-node results, job totals. */
#include "jf_energy_job.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small stable hash of a node name, as a split colour. */
static int name_color(const char *name)
{
    unsigned h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    return (int)(h & 0x3fffffff);
}

jf_err_t jf_node_comm(MPI_Comm world, MPI_Comm *node, char *name, size_t namelen)
{
    const char *fake = getenv("JFLOP_NODE_NAME");
    int rank, len, any_fake = fake != NULL && *fake, all_fake;
    char host[MPI_MAX_PROCESSOR_NAME];

    MPI_Comm_rank(world, &rank);
    MPI_Get_processor_name(host, &len);
    snprintf(name, namelen, "%s", any_fake ? fake : host);
    MPI_Allreduce(&any_fake, &all_fake, 1, MPI_INT, MPI_LOR, world);
    if (!all_fake)
        return MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, node) ==
                       MPI_SUCCESS ? JF_OK : JF_EMPI;
    /* names that collide in the hash would merge two nodes: check */
    if (MPI_Comm_split(world, name_color(name), rank, node) != MPI_SUCCESS)
        return JF_EMPI;
    char first[JF_NODE_NAME_LEN] = "";
    int node_rank;
    MPI_Comm_rank(*node, &node_rank);
    if (node_rank == 0)
        snprintf(first, sizeof first, "%s", name);
    MPI_Bcast(first, sizeof first, MPI_CHAR, 0, *node);
    return strncmp(first, name, sizeof first - 1) == 0 ? JF_OK : JF_EINVAL;
}

void jf_energy_node_fill(jf_energy_node_t *out, const char *node,
                         const jf_energy_session_t *session, const jf_energy_meter_t *meter,
                         const char *not_measured_reason)
{
    memset(out, 0, sizeof *out);
    snprintf(out->node, sizeof out->node, "%s", node);
    snprintf(out->covers, sizeof out->covers, "%s", jf_energy_covers_text(JF_COVERS_NOTHING));
    if (session != NULL && session->backend != NULL) {
        snprintf(out->backend, sizeof out->backend, "%s", session->backend->name);
        snprintf(out->covers, sizeof out->covers, "%s",
                 jf_energy_covers_text(session->backend->covers));
        snprintf(out->coverage, sizeof out->coverage, "%s", session->coverage);
        out->update_seconds = session->update_seconds;
        snprintf(out->update_how, sizeof out->update_how, "%s", session->update_how);
        out->ndomains = session->ndomains;
        memcpy(out->domains, session->domains, sizeof out->domains);
    } else {
        snprintf(out->backend, sizeof out->backend, "none");
    }
    if (meter == NULL || session == NULL || session->ndomains == 0) {
        snprintf(out->reason, sizeof out->reason, "%s",
                 not_measured_reason ? not_measured_reason : "energy not measured");
        return;
    }
    jf_energy_phase_t phase;
    jf_energy_meter_phase(meter, &phase);
    out->interval = meter->interval;
    jf_energy_basis_text(session->basis, meter->interval, out->basis, sizeof out->basis);
    out->reports_readings = session->reports_readings;
    out->source_readings = phase.source_readings;
    out->effective_rate = phase.effective_rate;
    out->trace_count = meter->count;
    out->sampler_cpu_seconds = meter->sampler_cpu_seconds;
    out->sampler_reads = meter->sampler_reads;
    out->samples = phase.samples;
    out->wraps = phase.wraps;
    out->seconds = phase.seconds;
    out->start_utc = phase.start_utc;
    out->stop_utc = phase.stop_utc;
    memcpy(out->domain_joules, phase.joules, sizeof out->domain_joules);
    out->joules = phase.node_joules;
    out->mean_watts = phase.mean_watts;
    out->peak_watts = phase.peak_watts;
    out->evals = phase.evals;
    out->eval_joules = phase.eval_node_joules;
    out->eval_seconds = phase.eval_seconds;
    out->measured = phase.valid;
    out->invalid = !phase.valid;
    if (!phase.valid)
        snprintf(out->reason, sizeof out->reason, "%s", phase.reason);
    double idle_s, idle_j;
    if (phase.valid && jf_energy_meter_idle(meter, &idle_s, &idle_j)) {
        /* a window shorter than two of the meter's readings (its interval,
         * or a BMC's refresh) holds no reading of the idle node: a stale
         * or zero figure, never taken as its idle power */
        const double need = 2 * fmax(meter->interval, session->update_seconds);
        if (idle_s >= need) {
            out->idle_measured = 1;
            out->idle_seconds = idle_s;
            out->idle_watts = idle_j / idle_s;
        } else {
            fprintf(stderr, "jflop-run: node %s: idle power not measured: the idle window "
                    "(%.3g s) is shorter than two of its meter's readings (%.3g s); give "
                    "--idle-seconds %.3g or more\n", node, idle_s, need, ceil(need));
        }
    }
}

/* The node's energy per step part, with "other" (the phase's time and
 * energy outside the parts: between steps) making up the rest. */
static void node_parts(jf_energy_node_t *out, const jf_energy_setup_t *e)
{
    jf_energy_parts_t parts;
    if (!out->measured || e->nparts < 1 || e->nparts + 1 > JF_ENERGY_PARTS_MAX ||
        e->part_steps == 0 ||
        jf_energy_meter_parts(&e->meter, e->part_stamps, e->part_steps, e->nparts, &parts) != 0)
        return;
    double s = 0, j = 0, u = 0;
    for (int p = 0; p < e->nparts; p++) {
        out->part_seconds[p] = parts.seconds[p];
        out->part_joules[p] = parts.joules[p];
        out->part_uncertainty[p] = parts.uncertainty[p];
        s += parts.seconds[p];
        j += parts.joules[p];
        u += parts.uncertainty[p];
    }
    out->part_seconds[e->nparts] = fmax(0, out->seconds - s);
    out->part_joules[e->nparts] = out->joules - j;
    out->part_uncertainty[e->nparts] = u;
    out->nparts = e->nparts + 1;
    out->part_intervals = parts.intervals;
    out->part_shared_intervals = parts.shared_intervals;
    out->parts_measured = 1;
}

jf_err_t jf_energy_job_gather(const jf_energy_node_t *mine, MPI_Comm leaders, MPI_Comm world,
                              jf_energy_job_t *job)
{
    int world_rank, leader_rank = -1;
    memset(job, 0, sizeof *job);
    MPI_Comm_rank(world, &world_rank);
    if (leaders != MPI_COMM_NULL) {
        MPI_Comm_size(leaders, &job->total_nodes);
        MPI_Comm_rank(leaders, &leader_rank);
    }
    /* world rank 0 is the lowest rank of its node, so it leads it, and it
     * is leader rank 0 because leaders keep world order */
    if (world_rank == 0) {
        job->nodes = calloc((size_t)job->total_nodes, sizeof *job->nodes);
        if (job->nodes == NULL)
            return JF_ENOMEM;
    }
    if (leaders != MPI_COMM_NULL &&
        MPI_Gather(mine, (int)sizeof *mine, MPI_BYTE, job->nodes, (int)sizeof *mine, MPI_BYTE,
                   0, leaders) != MPI_SUCCESS)
        return JF_EMPI;
    if (world_rank != 0)
        return JF_OK;

    int sources = 0;
    for (int i = 0; i < job->total_nodes; i++) {
        const jf_energy_node_t *n = &job->nodes[i];
        if (n->interval > job->interval)
            job->interval = n->interval;
        if (n->invalid && job->invalid_nodes++ == 0)
            job->first_invalid = i;
        if (!n->measured)
            continue;
        job->measured_nodes++;
        job->joules_measured += n->joules;
        job->eval_joules_measured += n->eval_joules;
        if (n->idle_measured) {
            job->idle_nodes++;
            job->idle_joules_measured += n->idle_watts * n->seconds;
        }
        if (sources == 0)
            snprintf(job->source, sizeof job->source, "%s", n->backend);
        else if (strcmp(job->source, n->backend) != 0)
            snprintf(job->source, sizeof job->source, "mixed");
        sources++;
    }
    if (sources == 0)
        snprintf(job->source, sizeof job->source, "none");
    if (job->measured_nodes > 0 && job->measured_nodes < job->total_nodes) {
        job->extrapolated = 1;
        job->joules_estimate =
            job->joules_measured / job->measured_nodes * (double)job->total_nodes;
        job->eval_joules_estimate =
            job->eval_joules_measured / job->measured_nodes * (double)job->total_nodes;
    }
    return JF_OK;
}

jf_err_t jf_energy_job_bcast(jf_energy_job_t *job, MPI_Comm world)
{
    int rank;
    jf_energy_node_t *mine;
    MPI_Comm_rank(world, &rank);
    mine = rank == 0 ? job->nodes : NULL;
    if (MPI_Bcast(job, (int)sizeof *job, MPI_BYTE, 0, world) != MPI_SUCCESS)
        return JF_EMPI;
    job->nodes = rank == 0 ? mine : calloc((size_t)job->total_nodes, sizeof *job->nodes);
    if (job->total_nodes > 0 && job->nodes == NULL)
        return JF_ENOMEM;
    return MPI_Bcast(job->nodes, job->total_nodes * (int)sizeof *job->nodes, MPI_BYTE, 0,
                     world) == MPI_SUCCESS ? JF_OK : JF_EMPI;
}

void jf_energy_job_free(jf_energy_job_t *job)
{
    free(job->nodes);
    job->nodes = NULL;
}

const char *jf_energy_job_common(const jf_energy_job_t *job, int what)
{
    const char *one = NULL;
    for (int i = 0; i < job->total_nodes; i++) {
        if (!job->nodes[i].measured)
            continue;
        const char *v = what == 0 ? job->nodes[i].covers : job->nodes[i].basis;
        one = one == NULL || strcmp(one, v) == 0 ? v : "mixed";
    }
    return one != NULL ? one : what == 0 ? jf_energy_covers_text(JF_COVERS_NOTHING) : "";
}

double jf_energy_job_joules(const jf_energy_job_t *job)
{
    return job->extrapolated ? job->joules_estimate : job->joules_measured;
}

double jf_energy_job_idle_joules(const jf_energy_job_t *job)
{
    if (job->measured_nodes == 0 || job->idle_nodes != job->measured_nodes)
        return NAN;
    return job->extrapolated ? job->idle_joules_measured / job->measured_nodes *
                                   (double)job->total_nodes
                             : job->idle_joules_measured;
}

double jf_energy_job_eval_joules(const jf_energy_job_t *job)
{
    return job->extrapolated ? job->eval_joules_estimate : job->eval_joules_measured;
}

jf_err_t jf_energy_setup(jf_energy_setup_t *e, MPI_Comm world, const char *request,
                         const jf_energy_flags_t *flags, double interval, int interval_given,
                         char *msg, size_t msglen)
{
    int world_rank, node_rank, opened = 0, any_opened = 0, too_long = 0, any_too_long = 0;
    int too_short = 0, any_too_short = 0;
    char why[JF_MSG_LEN] = "", tried[2048] = "";

    memset(e, 0, sizeof *e);
    e->node = e->leaders = MPI_COMM_NULL;
    MPI_Comm_rank(world, &world_rank);
    if (jf_node_comm(world, &e->node, e->node_name, sizeof e->node_name) != JF_OK) {
        snprintf(msg, msglen, "cannot group ranks into nodes (JFLOP_NODE_NAME hash clash?)");
        return JF_EMPI;
    }
    MPI_Comm_rank(e->node, &node_rank);
    e->leader = node_rank == 0;
    MPI_Comm_split(world, e->leader ? 0 : MPI_UNDEFINED, world_rank, &e->leaders);
    /* the same flags on every rank, but %h expands per node: agree on failure */
    int bad_root = jf_energy_paths_resolve(&e->paths, flags, e->node_name, why,
                                           sizeof why) != JF_OK, any_bad_root;
    MPI_Allreduce(&bad_root, &any_bad_root, 1, MPI_INT, MPI_LOR, world);
    if (any_bad_root) {
        snprintf(msg, msglen, "%s", bad_root ? why : "an energy root does not expand on "
                                                     "another node");
        return JF_EINVAL;
    }
    e->interval = interval;

    if (e->leader) {
        if (jf_energy_open(request, &e->paths, &e->session, tried, sizeof tried, why,
                           sizeof why) == JF_OK) {
            e->session_open = 1;
            opened = e->session.ndomains > 0 || strcmp(request, "none") == 0;
            if (e->session.ndomains == 0)
                snprintf(e->not_measured, sizeof e->not_measured, "%s",
                         strcmp(request, "none") == 0 ? "--energy none" : tried);
            /* never faster than the source refreshes (a BMC): the readings
             * in between would repeat the last one */
            const double floor_s = e->session.update_seconds;
            if (floor_s > 0 && e->interval < floor_s) {
                if (interval_given) {
                    too_short = 1;
                    snprintf(why, sizeof why,
                             "--sample-interval %g s is shorter than %s's source refreshes its "
                             "readings on %s (every %g s, %s): sample every %g s or more",
                             e->interval, e->session.backend->name, e->node_name, floor_s,
                             e->session.update_how, floor_s);
                } else {
                    snprintf(e->note, sizeof e->note,
                             "sample interval lengthened from %g s to %g s: %s's source "
                             "refreshes its readings every %g s (%s)", e->interval, floor_s,
                             e->session.backend->name, floor_s, e->session.update_how);
                    e->interval = floor_s;
                }
            }
            /* sample often enough to see every wrap */
            const double limit = jf_energy_max_interval(&e->session);
            if (limit > 0 && e->interval > limit) {
                if (interval_given) {
                    too_long = 1;
                    snprintf(why, sizeof why,
                             "--sample-interval %g s is longer than %s allows: its counters "
                             "can wrap every %.3g s at peak power, so sample at most every "
                             "%.3g s", e->interval, e->session.backend->name, 4 * limit, limit);
                } else {
                    snprintf(e->note, sizeof e->note,
                             "sample interval shortened from %g s to %.3g s so that no "
                             "counter wrap is missed", e->interval, limit);
                    e->interval = limit;
                }
            }
        } else {
            snprintf(e->not_measured, sizeof e->not_measured, "%s%s%s", why,
                     tried[0] ? ": " : "", tried);
        }
    } else {
        opened = 1;  /* non-leaders do not vote */
    }
    /* an explicit backend that works nowhere is bad input, found before the run */
    int leader_opened = e->leader ? opened : 0;
    MPI_Allreduce(&leader_opened, &any_opened, 1, MPI_INT, MPI_LOR, world);
    MPI_Allreduce(&too_long, &any_too_long, 1, MPI_INT, MPI_LOR, world);
    MPI_Allreduce(&too_short, &any_too_short, 1, MPI_INT, MPI_LOR, world);
    if (any_too_short) {
        if (world_rank == 0)
            snprintf(msg, msglen, "%s", too_short ? why : "--sample-interval is shorter than "
                                                          "another node's energy source "
                                                          "refreshes its readings");
        return JF_EINVAL;
    }
    if (any_too_long) {
        if (world_rank == 0)
            snprintf(msg, msglen, "%s", too_long ? why : "--sample-interval is longer than "
                                                         "another node's counters allow");
        return JF_EINVAL;
    }
    if (!any_opened && strcmp(request, "auto") != 0) {
        if (world_rank == 0)
            snprintf(msg, msglen, "--energy %s: %s", request, e->not_measured);
        return JF_EINVAL;
    }
    return JF_OK;
}

int jf_energy_nodes(const jf_energy_setup_t *e, MPI_Comm world)
{
    int leader = e->leader, nodes = 0;
    MPI_Allreduce(&leader, &nodes, 1, MPI_INT, MPI_SUM, world);
    return nodes;
}

jf_energy_meter_t *jf_energy_begin(jf_energy_setup_t *e)
{
    char why[JF_MSG_LEN];
    if (!e->leader || !e->session_open || e->session.ndomains == 0)
        return NULL;
    if (jf_energy_meter_start(&e->meter, &e->session, e->interval, why, sizeof why) != JF_OK) {
        snprintf(e->not_measured, sizeof e->not_measured, "%s", why);
        jf_energy_meter_free(&e->meter);
        return NULL;
    }
    e->meter_running = 1;
    return &e->meter;
}

jf_err_t jf_energy_end(jf_energy_setup_t *e, MPI_Comm world, jf_energy_job_t *job)
{
    jf_energy_node_t mine;
    memset(&mine, 0, sizeof mine);
    if (e->meter_running)
        jf_energy_meter_stop(&e->meter);
    if (e->leader)
    {
        jf_energy_node_fill(&mine, e->node_name, e->session_open ? &e->session : NULL,
                            e->meter_running ? &e->meter : NULL, e->not_measured);
        mine.share_known = e->share_known;
        mine.other_cpu_share = e->other_cpu_share;
        snprintf(mine.share_note, sizeof mine.share_note, "%s", e->share_note);
    }
    if (e->leader && e->meter_running)
        node_parts(&mine, e);
    return jf_energy_job_gather(&mine, e->leaders, world, job);
}

void jf_energy_setup_free(jf_energy_setup_t *e)
{
    if (e->meter_running)
        jf_energy_meter_free(&e->meter);
    e->meter_running = 0;
    if (e->session_open && e->session.backend != NULL)
        e->session.backend->stop(&e->session);
    e->session_open = 0;
    if (e->leaders != MPI_COMM_NULL)
        MPI_Comm_free(&e->leaders);
    if (e->node != MPI_COMM_NULL)
        MPI_Comm_free(&e->node);
}
