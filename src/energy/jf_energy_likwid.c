/* jf_energy_likwid.c: RAPL energy counters through likwid's C API (written
 * against likwid 5.2). One CPU per socket reads its socket's RAPL domains
 * with power_read(): the raw 32-bit energy status registers, which the
 * shared meter unwraps.
 *
 * likwid is noisy and can block: it prints its errors to stdout/stderr, may
 * exit() (no access daemon found), and its access client waits up to 10 s
 * for a daemon that never answers. So probe() runs likwid in a forked child
 * whose output goes into a pipe, and gives up after LK_PROBE_SECONDS;
 * start() probes first and only then initialises likwid in this process.
 * The access mode (direct /dev/cpu/N/msr or the access daemon) is likwid's
 * own choice from its configuration; this file does not force one. */
#define _GNU_SOURCE /* pipe2, dup3, on_exit, __fpurge */
#include "config.h"

#include "jf_energy.h"

#include <stdio.h>
#include <string.h>

#ifdef HAVE_LIKWID

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <likwid.h>

#include "core/jf_clock.h"

/* The whole probe, fork to reap. */
#define LK_PROBE_SECONDS 2.0

/* RAPL energy status registers are 32 bits wide. */
#define LK_RANGE (UINT64_C(1) << 32)

/* Plausible peaks for the meter's wrap check (and its sampling interval).
 * A package gets twice its TDP (from MSR_PKG_POWER_INFO through likwid;
 * turbo limits such as PL2 reach about 2x TDP on current parts), else
 * 1000 W, as does PLATFORM per socket. DRAM gets 500 W, the powercap
 * backend's figure for the same counter: likwid's DRAM "TDP" is a thermal
 * spec, not a bound, and in 5.2 its PLATFORM one is decoded from
 * MSR_PLATFORM_INFO, which holds no power at all. Parts of a package (PP0,
 * PP1, AMD's CORE) take their package's figure. */
#define LK_TDP_MARGIN 2.0
#define LK_DEFAULT_PKG_WATTS 1000.0
#define LK_DEFAULT_DRAM_WATTS 500.0

/* The energy status MSR of each likwid domain name. likwid 5.2 does not
 * export its power_regs[] (src/includes/power.h, addresses from
 * src/includes/registers.h), and power_read() must be given exactly one of
 * them: it looks the register up there to find its domain. Intel: SDM
 * vol. 4, RAPL MSRs (also Linux arch/x86/include/asm/msr-index.h). AMD
 * families 17h/19h: PPR Core::X86::Msr::CORE_ENERGY_STAT and
 * PKG_ENERGY_STAT (Linux drivers/hwmon/amd_energy.c); on AMD likwid
 * renames its domains 0 and 1 to CORE and PKG. CORE is per core: only the
 * core of the CPU that reads it. */
static const struct {
    const char *name;
    int intel;
    uint32_t reg;
    int in_node_total;  /* PP0, PP1 and CORE sit inside PKG; PLATFORM overlaps */
    const char *scope;  /* after "socket N " */
} lk_regs[] = {
    {"PKG", 1, 0x611, 1, "package"},
    {"PP0", 1, 0x639, 0, "cores, inside PKG"},
    {"PP1", 1, 0x641, 0, "graphics/uncore, inside PKG"},
    {"DRAM", 1, 0x619, 1, "DRAM"},
    {"PLATFORM", 1, 0x64D, 0, NULL},
    {"CORE", 0, 0xC001029A, 0, "core"},  /* scope names the CPU */
    {"PKG", 0, 0xC001029B, 1, "package"},
};

typedef struct {
    uint32_t package;  /* likwid's packageId */
    int cpu;           /* the hardware thread that reads it */
    int in_cpuset;
} lk_socket_t;

typedef struct {
    int nsockets;
    lk_socket_t sockets[JF_ENERGY_MAX_DOMAINS];
    int cpu[JF_ENERGY_MAX_DOMAINS];       /* domain i is read on cpu[i] */
    uint32_t reg[JF_ENERGY_MAX_DOMAINS];  /* from its status register reg[i] */
    int mode;                             /* likwid's AccessMode, -1 if unset */
    int likwid_failed;                    /* a likwid call failed: its output may say why */
    int config_up, topology_up, hpm_up, power_up;  /* what lk_close undoes */
} lk_state_t;

/* Where the probe child got to; a timeout or crash is reported by stage. */
typedef enum {
    LK_STAGE_START,
    LK_STAGE_CONFIG,
    LK_STAGE_TOPOLOGY,
    LK_STAGE_ACCESS,
    LK_STAGE_POWER,
    LK_STAGE_READ,
    LK_STAGE_DONE,
    LK_NSTAGES
} lk_stage_t;

static const char *const lk_stage_what[LK_NSTAGES] = {
    "starting", "reading its configuration", "reading the CPU topology",
    "opening access to the MSRs", "initialising RAPL (power_init)",
    "reading the energy counters", "finishing",
};

/* Child to parent: 2-byte records (type, value), then LK_REC_RESULT and
 * an lk_result_t. Same binary on both ends, so the struct goes as is. */
enum { LK_REC_STAGE = 1, LK_REC_MODE = 2, LK_REC_RESULT = 3 };

typedef struct {
    int32_t err;  /* jf_err_t */
    char msg[JF_MSG_LEN];
    int32_t ndomains, nsockets, mode, likwid_failed;
    jf_energy_domain_t domains[JF_ENERGY_MAX_DOMAINS];
    char coverage[160];
} lk_result_t;

/* likwid's state is global to the process: one session at a time. */
static int lk_active;

static const char *lk_mode_name(int mode)
{
    switch (mode) {
    case ACCESSMODE_DIRECT: return "direct MSR access";
    case ACCESSMODE_DAEMON: return "the access daemon";
    default: return "likwid's default access mode";  /* -1: unset, or perf_event */
    }
}

static void lk_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        const ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;  /* the parent gave up on us */
        p += n;
        len -= (size_t)n;
    }
}

static void lk_report(int fd, int type, int value)
{
    const unsigned char rec[2] = {(unsigned char)type, (unsigned char)value};
    if (fd >= 0)
        lk_write_all(fd, rec, sizeof rec);
}

/* Undo what lk_open did, in reverse: HPMfinalize walks the topology, and
 * tells an access daemon to exit. */
static void lk_close(lk_state_t *st)
{
    if (st->power_up)
        power_finalize();
    if (st->hpm_up)
        HPMfinalize();
    if (st->topology_up)
        topology_finalize();
    if (st->config_up)
        destroy_configuration();
    st->power_up = st->hpm_up = st->topology_up = st->config_up = 0;
}

/* One hardware thread per package, preferring threads in our cpuset (the
 * MSRs of the others are readable too, so they are the fallback). */
static jf_err_t lk_pick_cpus(lk_state_t *st, const CpuTopology *topo, char *msg, size_t msglen)
{
    for (uint32_t i = 0; i < topo->numHWThreads; i++) {
        const HWThread *t = &topo->threadPool[i];
        int k = 0;
        /* likwid indexes its per-CPU tables by this id */
        if (t->apicId >= topo->numHWThreads)
            continue;
        while (k < st->nsockets && st->sockets[k].package != t->packageId)
            k++;
        if (k == st->nsockets) {
            if (k == JF_ENERGY_MAX_DOMAINS) {
                snprintf(msg, msglen, "likwid: more than %d sockets", JF_ENERGY_MAX_DOMAINS);
                return JF_ERANGE;
            }
            st->nsockets++;
        } else if (st->sockets[k].in_cpuset || !t->inCpuSet) {
            continue;
        }
        st->sockets[k].package = t->packageId;
        st->sockets[k].cpu = (int)t->apicId;
        st->sockets[k].in_cpuset = t->inCpuSet != 0;
    }
    if (st->nsockets == 0) {
        snprintf(msg, msglen, "likwid: its topology lists no hardware threads");
        return JF_EINVAL;
    }
    return JF_OK;
}

/* Why HPMaddThread(cpu) failed, by access mode. */
static void lk_access_error(const lk_state_t *st, int cpu, int ret, char *msg, size_t msglen)
{
    char dev[64];
    snprintf(dev, sizeof dev, "/dev/cpu/%d/msr", cpu);
    if (st->mode == ACCESSMODE_DIRECT)
        snprintf(msg, msglen, "likwid: no access to the MSRs of CPU %d (direct access): %s %s",
                 cpu, dev,
                 access(dev, F_OK) != 0 ? "is missing (load the msr module)"
                 : access(dev, R_OK) != 0 ? "is not readable (root or CAP_SYS_RAWIO)"
                                          : "cannot be used");
    else
        snprintf(msg, msglen, "likwid: no access to the MSRs of CPU %d through %s: %s", cpu,
                 lk_mode_name(st->mode), strerror(ret < 0 ? -ret : ret));
}

/* The domains as the CPU offers them (status register present), for every
 * socket; PLATFORM once. When they do not all fit, the parts of a package
 * go first: PKG and DRAM make the node total. */
static jf_err_t lk_domains(lk_state_t *st, jf_energy_session_t *s, const PowerInfo *pi,
                           int intel, char *msg, size_t msglen)
{
    int kind[NUM_POWER_DOMAINS];  /* index into lk_regs, -1: not read */
    int nper = 0, nper_total = 0, platform = -1, keep_parts, have_dram = 0;
    double pkg_watts = LK_DEFAULT_PKG_WATTS;

    for (int d = 0; d < NUM_POWER_DOMAINS; d++) {
        kind[d] = -1;
        if (!(pi->domains[d].supportFlags & POWER_DOMAIN_SUPPORT_STATUS) ||
            power_names[d] == NULL)
            continue;
        for (int r = 0; r < (int)(sizeof lk_regs / sizeof lk_regs[0]); r++)
            if (lk_regs[r].intel == (intel != 0) && strcmp(lk_regs[r].name, power_names[d]) == 0)
                kind[d] = r;
        if (kind[d] < 0)
            continue;  /* a domain of a newer likwid: its register is unknown here */
        if (pi->domains[d].energyUnit <= 0) {
            snprintf(msg, msglen, "likwid: no energy unit for RAPL domain %s", power_names[d]);
            return JF_EINVAL;
        }
        if (lk_regs[kind[d]].scope == NULL) {
            platform = d;
            continue;
        }
        nper++;
        nper_total += lk_regs[kind[d]].in_node_total;
        have_dram |= strcmp(power_names[d], "DRAM") == 0;
        /* tdp is in microwatts (likwid's powerUnit is uW per unit) */
        if (strcmp(power_names[d], "PKG") == 0 && pi->domains[d].tdp * 1e-6 >= 1.0 &&
            pi->domains[d].tdp * 1e-6 <= 5000.0)
            pkg_watts = LK_TDP_MARGIN * pi->domains[d].tdp * 1e-6;
    }
    if (nper == 0 && platform < 0) {
        snprintf(msg, msglen, "likwid: RAPL is on, but no energy status register is readable");
        return JF_EINVAL;
    }
    if (st->nsockets * nper_total + (platform >= 0) > JF_ENERGY_MAX_DOMAINS) {
        snprintf(msg, msglen, "likwid: %d sockets x %d domains exceed %d domains",
                 st->nsockets, nper_total, JF_ENERGY_MAX_DOMAINS);
        return JF_ERANGE;
    }
    keep_parts = st->nsockets * nper + (platform >= 0) <= JF_ENERGY_MAX_DOMAINS;

    s->ndomains = 0;
    for (int k = 0; k < st->nsockets; k++) {
        for (int d = 0; d < NUM_POWER_DOMAINS; d++) {
            if (kind[d] < 0 || d == platform || (!lk_regs[kind[d]].in_node_total && !keep_parts))
                continue;
            jf_energy_domain_t *dom = &s->domains[s->ndomains];
            const int is_dram = strcmp(power_names[d], "DRAM") == 0;
            snprintf(dom->name, sizeof dom->name, "%.20s-%u", power_names[d],
                     st->sockets[k].package);
            if (strcmp(power_names[d], "CORE") == 0)
                snprintf(dom->scope, sizeof dom->scope, "socket %u: core of CPU %d only, in PKG",
                         st->sockets[k].package, st->sockets[k].cpu);
            else
                snprintf(dom->scope, sizeof dom->scope, "socket %u %s", st->sockets[k].package,
                         lk_regs[kind[d]].scope);
            dom->in_node_total = lk_regs[kind[d]].in_node_total;
            dom->joules_per_unit = pi->domains[d].energyUnit;
            dom->range = LK_RANGE;
            dom->max_watts = is_dram ? LK_DEFAULT_DRAM_WATTS : pkg_watts;
            st->cpu[s->ndomains] = st->sockets[k].cpu;
            st->reg[s->ndomains] = lk_regs[kind[d]].reg;
            s->ndomains++;
        }
    }
    if (platform >= 0) {
        /* psys covers the board: one counter, read on the first socket */
        jf_energy_domain_t *dom = &s->domains[s->ndomains];
        snprintf(dom->name, sizeof dom->name, "PLATFORM");
        snprintf(dom->scope, sizeof dom->scope, "platform (psys), overlaps PKG and DRAM");
        dom->in_node_total = 0;
        dom->joules_per_unit = pi->domains[platform].energyUnit;
        dom->range = LK_RANGE;
        dom->max_watts = LK_DEFAULT_PKG_WATTS * st->nsockets;
        st->cpu[s->ndomains] = st->sockets[0].cpu;
        st->reg[s->ndomains] = lk_regs[kind[platform]].reg;
        s->ndomains++;
    }
    snprintf(s->coverage, sizeof s->coverage,
             have_dram ? "CPU packages and DRAM via RAPL (likwid); excludes accelerators, "
                         "network, disks, fans and power-supply losses"
                       : "CPU packages via RAPL (likwid); excludes DRAM, accelerators, network, "
                         "disks, fans and power-supply losses");
    return JF_OK;
}

static void lk_read_error(const lk_state_t *st, const jf_energy_session_t *s, int i, int ret,
                          char *msg, size_t msglen)
{
    snprintf(msg, msglen, "likwid: power_read of %s (MSR 0x%X on CPU %d) failed: %s",
             s->domains[i].name, (unsigned)st->reg[i], st->cpu[i],
             strerror(ret < 0 ? -ret : ret));
}

/* Initialise likwid in this process and list the domains; every domain is
 * read once. report_fd (the probe child's pipe, else -1) gets the stages. */
static jf_err_t lk_open(lk_state_t *st, jf_energy_session_t *s, int report_fd, char *msg,
                        size_t msglen)
{
    jf_err_t err = JF_EINVAL;
    Configuration_t cfg;
    CpuTopology_t topo;
    CpuInfo_t info;
    PowerInfo_t pi;
    int ret;

    memset(st, 0, sizeof *st);
    st->mode = -1;
    s->ndomains = 0;

    /* likwid's configuration decides the access mode; HPMinit() reads it,
     * so it has to be loaded first (power_init() would load it too late).
     * Its return is -EFAULT when there is no config file, which is fine. */
    lk_report(report_fd, LK_REC_STAGE, LK_STAGE_CONFIG);
    init_configuration();
    st->config_up = 1;
    if ((cfg = get_configuration()) != NULL)
        st->mode = cfg->daemonMode;
    lk_report(report_fd, LK_REC_MODE, st->mode + 2);

    lk_report(report_fd, LK_REC_STAGE, LK_STAGE_TOPOLOGY);
    if ((ret = topology_init()) != 0) {
        st->likwid_failed = 1;
        snprintf(msg, msglen, "likwid: topology_init failed (%d)", ret);
        goto cleanup;
    }
    st->topology_up = 1;
    topo = get_cpuTopology();
    info = get_cpuInfo();
    if (topo == NULL || info == NULL || topo->threadPool == NULL) {
        snprintf(msg, msglen, "likwid: no CPU topology after topology_init");
        goto cleanup;
    }
    if ((err = lk_pick_cpus(st, topo, msg, msglen)) != JF_OK)
        goto cleanup;
    err = JF_EINVAL;

    lk_report(report_fd, LK_REC_STAGE, LK_STAGE_ACCESS);
    /* likwid's access daemon reads the MSRs through the same device files
     * (/dev/cpu/N/msr, or /dev/msrN): without them it cannot answer, and
     * likwid's client would wait for it until the probe's time-out */
    if (st->mode == ACCESSMODE_DAEMON) {
        char dev[64], alt[64];
        snprintf(dev, sizeof dev, "/dev/cpu/%d/msr", st->sockets[0].cpu);
        snprintf(alt, sizeof alt, "/dev/msr%d", st->sockets[0].cpu);
        if (access(dev, F_OK) != 0 && access(alt, F_OK) != 0) {
            snprintf(msg, msglen,
                     "likwid: no access to the MSRs: %s is missing (the msr kernel module is "
                     "not loaded: modprobe msr), and likwid's access daemon reads them through it",
                     dev);
            goto cleanup;
        }
    }
    if ((ret = HPMinit()) != 0) {
        st->likwid_failed = 1;
        snprintf(msg, msglen, "likwid: HPMinit failed: %s", strerror(ret < 0 ? -ret : ret));
        goto cleanup;
    }
    st->hpm_up = 1;
    for (int k = 0; k < st->nsockets; k++)
        if ((ret = HPMaddThread(st->sockets[k].cpu)) != 0) {
            st->likwid_failed = 1;
            lk_access_error(st, st->sockets[k].cpu, ret, msg, msglen);
            goto cleanup;
        }

    /* power_init: <0 error, 0 no RAPL, 1 RAPL; it keys RAPL support on
     * the CPU family and model, and reads the units on this CPU */
    lk_report(report_fd, LK_REC_STAGE, LK_STAGE_POWER);
    ret = power_init(st->sockets[0].cpu);
    st->power_up = 1;
    pi = get_powerInfo();
    st->likwid_failed = ret <= 0 || pi == NULL || !pi->hasRAPL;
    if (ret < 0) {
        snprintf(msg, msglen, "likwid: RAPL not available (power_init failed: %s)",
                 strerror(-ret));
        goto cleanup;
    }
    if (ret == 0 || pi == NULL || !pi->hasRAPL) {
        char dev[64];
        snprintf(dev, sizeof dev, "/dev/cpu/%d/msr", st->sockets[0].cpu);
        if (info->name == NULL || info->name[0] == '\0')
            snprintf(msg, msglen, "likwid: this CPU (%.60s, family 0x%X model 0x%X) is not "
                                  "supported by the installed likwid",
                     info->osname != NULL ? info->osname : "unknown", info->family,
                     info->model);
        else
            snprintf(msg, msglen, "likwid: RAPL not available: likwid has no RAPL for %.60s%s",
                     info->name, access(dev, F_OK) != 0 ? " (and /dev/cpu/*/msr is missing)"
                                                        : "");
        goto cleanup;
    }
    if ((err = lk_domains(st, s, pi, info->isIntel, msg, msglen)) != JF_OK)
        goto cleanup;

    lk_report(report_fd, LK_REC_STAGE, LK_STAGE_READ);
    for (int i = 0; i < s->ndomains; i++) {
        uint32_t value;
        if ((ret = power_read(st->cpu[i], st->reg[i], &value)) != 0) {
            st->likwid_failed = 1;
            lk_read_error(st, s, i, ret, msg, msglen);
            err = JF_EIO;
            goto cleanup;
        }
    }
    err = JF_OK;
cleanup:
    if (err != JF_OK)
        lk_close(st);
    return err;
}

/* likwid may call exit(): leave at once, without the parent's atexit
 * handlers and library destructors (MPI's among them). */
static void lk_child_exit(int status, void *arg)
{
    (void)arg;
    _exit(status);
}

/* The probe child: likwid's output into cap_fd, records into res_fd. */
static void __attribute__((noreturn)) lk_child(int res_fd, int cap_fd)
{
    lk_result_t r;
    lk_state_t st;
    jf_energy_session_t s;
    const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int res = fcntl(res_fd, F_DUPFD_CLOEXEC, 64), cap = fcntl(cap_fd, F_DUPFD_CLOEXEC, 64);

    setpgid(0, 0);  /* so the parent can kill us and what likwid forks */
    /* the parent's handlers (MPI's, jflop's) and blocked signals are not ours */
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
    }
    /* the parent's unwritten output is not ours to write */
    __fpurge(stdout);
    __fpurge(stderr);
    if (res < 0 || cap < 0 || devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
        dup2(cap, STDOUT_FILENO) < 0 || dup2(cap, STDERR_FILENO) < 0 ||
        dup3(res, 3, O_CLOEXEC) < 0)
        _exit(127);
    /* nothing else of the parent's (MPI's sockets, files) stays open here or
     * in an access daemon likwid starts */
    if (syscall(SYS_close_range, 4U, ~0U, 0U) != 0)
        for (int fd = 4; fd < 4096; fd++)
            close(fd);
    on_exit(lk_child_exit, NULL);

    memset(&r, 0, sizeof r);
    memset(&s, 0, sizeof s);
    r.err = lk_open(&st, &s, 3, r.msg, sizeof r.msg);
    r.mode = st.mode;
    r.likwid_failed = st.likwid_failed;
    if (r.err == JF_OK) {
        r.ndomains = s.ndomains;
        r.nsockets = st.nsockets;
        memcpy(r.domains, s.domains, sizeof r.domains);
        memcpy(r.coverage, s.coverage, sizeof r.coverage);
        lk_report(3, LK_REC_STAGE, LK_STAGE_DONE);
        lk_close(&st);
    }
    fflush(stdout);
    fflush(stderr);
    {
        const unsigned char type = LK_REC_RESULT;  /* then the struct */
        lk_write_all(3, &type, 1);
        lk_write_all(3, &r, sizeof r);
    }
    _exit(0);
}

/* What the probe child sent, and how it ended. */
typedef struct {
    unsigned char rec[sizeof(lk_result_t) + 64];  /* its records */
    size_t reclen;
    char text[2048];  /* likwid's output */
    size_t textlen;
    int eof;          /* records complete: the child is done or gone */
    int reaped, killed, status;
    int stage, mode, have;  /* decoded from rec */
    lk_result_t r;
} lk_outcome_t;

/* One read() appended to buf (what does not fit is dropped); returns
 * read()'s result. */
static ssize_t lk_drain(int fd, void *buf, size_t cap, size_t *len)
{
    char tmp[1024];
    const ssize_t n = read(fd, tmp, sizeof tmp);
    if (n > 0) {
        const size_t keep = (size_t)n < cap - *len ? (size_t)n : cap - *len;
        memcpy((char *)buf + *len, tmp, keep);
        *len += keep;
    }
    return n;
}

/* Read both pipes until the record pipe closes or the deadline passes. The
 * output pipe is not waited for: an access daemon may hold it open. */
static void lk_collect(lk_outcome_t *o, int res_fd, int cap_fd, double deadline)
{
    struct pollfd p[2] = {{res_fd, POLLIN, 0}, {cap_fd, POLLIN, 0}};
    const size_t textcap = sizeof o->text - 1;

    while (!o->eof) {
        const double left = deadline - jf_clock_seconds();
        if (left <= 0)
            break;
        const int n = poll(p, 2, (int)(left * 1000.0) + 1);
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        if (p[1].revents != 0 && lk_drain(cap_fd, o->text, textcap, &o->textlen) <= 0)
            p[1].fd = -1;  /* closed: poll ignores it from now on */
        if (p[0].revents != 0 && lk_drain(res_fd, o->rec, sizeof o->rec, &o->reclen) <= 0)
            o->eof = 1;
    }
    /* the child flushed its output before its result */
    if (fcntl(cap_fd, F_SETFL, O_NONBLOCK) == 0)
        while (lk_drain(cap_fd, o->text, textcap, &o->textlen) > 0)
            ;
    o->text[o->textlen] = '\0';
}

static void lk_sleep_ms(void)
{
    const struct timespec ms = {0, 1000000L};
    nanosleep(&ms, NULL);
}

/* Reap the child by the deadline, else SIGKILL its process group (it and
 * whatever likwid forked there) first. */
static void lk_reap(lk_outcome_t *o, pid_t pid, double deadline)
{
    pid_t r;
    while ((r = waitpid(pid, &o->status, WNOHANG)) != pid) {
        if (r < 0 && errno != EINTR)
            return;  /* ECHILD: SIGCHLD ignored, or reaped by someone else */
        if (jf_clock_seconds() >= deadline)
            break;
        lk_sleep_ms();
    }
    if (r == pid) {
        o->reaped = 1;
        return;
    }
    /* before reaping, so that the group id cannot have been reused */
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    o->killed = 1;
    for (int i = 0; i < 200 && !o->reaped; i++) {
        if ((r = waitpid(pid, &o->status, WNOHANG)) == pid)
            o->reaped = 1;
        else if (r < 0 && errno != EINTR)
            return;
        else
            lk_sleep_ms();
    }
    /* not reaped: stuck in the kernel, left behind */
}

/* Stage, mode and result from the child's records. */
static void lk_decode(lk_outcome_t *o)
{
    o->stage = LK_STAGE_START;
    o->mode = -9;
    for (size_t i = 0; i + 1 < o->reclen; i += 2) {
        const int type = o->rec[i], value = o->rec[i + 1];
        if (type == LK_REC_RESULT) {
            if (o->reclen - i - 1 >= sizeof o->r) {
                memcpy(&o->r, o->rec + i + 1, sizeof o->r);
                o->have = 1;
            }
            return;
        }
        if (type == LK_REC_STAGE && value < LK_NSTAGES)
            o->stage = value;
        else if (type == LK_REC_MODE)
            o->mode = value - 2;
        else
            return;
    }
}

/* likwid's own words as " (...)": the first "ERROR - [file:func:line] ..."
 * line, else the first non-empty one, without that prefix, trimmed. */
static void lk_said(const char *text, char *out, size_t outlen)
{
    const char *pick = NULL;
    size_t picklen = 0;

    out[0] = '\0';
    for (const char *line = text; *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        const char *b = line;
        const int is_error = strncmp(b, "ERROR", 5) == 0;
        const char *tag = strstr(b, " - [");
        const char *close = tag != NULL ? strstr(tag, "] ") : NULL;
        if (tag != NULL && tag - b <= 8 && close != NULL && close < line + len) {
            len -= (size_t)(close + 2 - b);
            b = close + 2;
        }
        while (len > 0 && (*b == ' ' || *b == '\t')) {
            b++;
            len--;
        }
        while (len > 0 && (unsigned char)b[len - 1] <= ' ')
            len--;
        if (len > 0 && (pick == NULL || is_error)) {
            pick = b;
            picklen = len;
            if (is_error)
                break;
        }
        line = end != NULL ? end + 1 : line + strlen(line);
    }
    if (pick == NULL)
        return;
    snprintf(out, outlen, " (%.*s)", (int)(picklen > 200 ? 200 : picklen), pick);
    for (char *p = out; *p != '\0'; p++)
        if ((unsigned char)*p < ' ')
            *p = ' ';
}

/* Every outcome as one line of reason; the domains on success. */
static jf_err_t lk_verdict(const lk_outcome_t *o, jf_energy_session_t *would, char *why,
                           size_t whylen)
{
    const char *doing = lk_stage_what[o->stage];
    char said[256];

    lk_said(o->text, said, sizeof said);
    if (o->have && o->r.err == JF_OK) {
        if (would != NULL) {
            would->ndomains = o->r.ndomains;
            memcpy(would->domains, o->r.domains, sizeof would->domains);
            memcpy(would->coverage, o->r.coverage, sizeof would->coverage);
        }
        snprintf(why, whylen, "likwid: RAPL via %s, %d domains on %d socket%s",
                 lk_mode_name(o->r.mode), o->r.ndomains, o->r.nsockets,
                 o->r.nsockets == 1 ? "" : "s");
        return JF_OK;
    }
    if (o->have) {
        /* likwid's chatter only where a likwid call failed: else it misleads */
        snprintf(why, whylen, "%s%s", o->r.msg, o->r.likwid_failed ? said : "");
        return o->r.err;
    }
    if (o->killed && o->stage == LK_STAGE_ACCESS && o->mode != ACCESSMODE_DIRECT)
        snprintf(why, whylen,
                 "likwid: no access to the MSRs: %sthe access daemon did not answer within "
                 "%.0f s%s",
                 access("/dev/cpu/0/msr", R_OK) != 0
                     ? "/dev/cpu/*/msr missing or not readable, and " : "",
                 LK_PROBE_SECONDS, said);
    else if (o->killed)
        snprintf(why, whylen, "likwid: did not finish %s within %.0f s%s", doing,
                 LK_PROBE_SECONDS, said);
    else if (o->reaped && WIFSIGNALED(o->status))
        snprintf(why, whylen, "likwid: killed by signal %d (%s) while %s%s",
                 WTERMSIG(o->status), strsignal(WTERMSIG(o->status)), doing, said);
    else if (o->reaped && WIFEXITED(o->status))
        snprintf(why, whylen, "likwid: exited with status %d while %s%s",
                 WEXITSTATUS(o->status), doing, said);
    else
        snprintf(why, whylen, "likwid: the probe process ended without a result while %s%s",
                 doing, said);
    return JF_EINVAL;
}

static jf_err_t lk_probe(const jf_energy_paths_t *paths, jf_energy_session_t *would, char *why,
                         size_t whylen)
{
    int res[2] = {-1, -1}, cap[2] = {-1, -1};
    jf_err_t err = JF_EIO;
    lk_outcome_t *o = NULL;
    const double deadline = jf_clock_seconds() + LK_PROBE_SECONDS;
    pid_t pid;

    (void)paths;  /* likwid reads the hardware: no root to move */
    if (lk_active) {
        snprintf(why, whylen, "likwid: already open in this process (one session at a time)");
        return JF_EINVAL;
    }
    if ((o = calloc(1, sizeof *o)) == NULL) {
        snprintf(why, whylen, "likwid: out of memory");
        return JF_ENOMEM;
    }
    if (pipe2(res, O_CLOEXEC) != 0 || pipe2(cap, O_CLOEXEC) != 0) {
        snprintf(why, whylen, "likwid: cannot create the probe's pipes: %s", strerror(errno));
        goto cleanup;
    }
    if ((pid = fork()) < 0) {
        snprintf(why, whylen, "likwid: cannot fork the probe: %s", strerror(errno));
        goto cleanup;
    }
    if (pid == 0)
        lk_child(res[1], cap[1]);
    setpgid(pid, pid);  /* also here: kill(-pid) must not race the child's own */
    close(res[1]);
    close(cap[1]);
    res[1] = cap[1] = -1;

    lk_collect(o, res[0], cap[0], deadline);
    lk_reap(o, pid, deadline);
    lk_decode(o);
    err = lk_verdict(o, would, why, whylen);
cleanup:
    for (int i = 0; i < 2; i++) {
        if (res[i] >= 0)
            close(res[i]);
        if (cap[i] >= 0)
            close(cap[i]);
    }
    free(o);
    return err;
}

static jf_err_t lk_start(const jf_energy_paths_t *paths, jf_energy_session_t *s, char *msg,
                         size_t msglen)
{
    jf_energy_session_t would;
    lk_state_t *st = NULL;
    jf_err_t err;

    /* the child finds out, within the deadline, whether this can block or
     * exit; only then does likwid run here */
    memset(&would, 0, sizeof would);
    if ((err = lk_probe(paths, &would, msg, msglen)) != JF_OK)
        return err;
    if ((st = calloc(1, sizeof *st)) == NULL) {
        snprintf(msg, msglen, "likwid: out of memory");
        return JF_ENOMEM;
    }
    if ((err = lk_open(st, s, -1, msg, msglen)) != JF_OK) {
        free(st);
        return err;
    }
    s->state = st;
    lk_active = 1;
    return JF_OK;
}

static jf_err_t lk_read(jf_energy_session_t *s, uint64_t *raw, jf_energy_validity_t *validity,
                        char *msg, size_t msglen)
{
    const lk_state_t *st = s->state;
    (void)validity;
    if (st == NULL) {
        snprintf(msg, msglen, "likwid: not started");
        return JF_EINVAL;
    }
    for (int i = 0; i < s->ndomains; i++) {
        uint32_t value = 0;
        const int ret = power_read(st->cpu[i], st->reg[i], &value);
        if (ret != 0) {
            lk_read_error(st, s, i, ret, msg, msglen);
            return JF_EIO;
        }
        raw[i] = value;
    }
    return JF_OK;
}

static void lk_stop(jf_energy_session_t *s)
{
    lk_state_t *st = s->state;
    if (st == NULL)
        return;
    lk_close(st);
    free(st);
    s->state = NULL;
    lk_active = 0;
}

#else /* !HAVE_LIKWID */

#define LK_NOT_BUILT "likwid: jflop was built without likwid (configure --with-likwid)"

static jf_err_t lk_probe(const jf_energy_paths_t *paths, jf_energy_session_t *would, char *why,
                         size_t whylen)
{
    (void)paths;
    (void)would;
    snprintf(why, whylen, LK_NOT_BUILT);
    return JF_EINVAL;
}

static jf_err_t lk_start(const jf_energy_paths_t *paths, jf_energy_session_t *s, char *msg,
                         size_t msglen)
{
    (void)paths;
    (void)s;
    snprintf(msg, msglen, LK_NOT_BUILT);
    return JF_EINVAL;
}

static jf_err_t lk_read(jf_energy_session_t *s, uint64_t *raw, jf_energy_validity_t *validity,
                        char *msg, size_t msglen)
{
    (void)s;
    (void)raw;
    (void)validity;
    snprintf(msg, msglen, LK_NOT_BUILT);
    return JF_EINVAL;
}

static void lk_stop(jf_energy_session_t *s)
{
    (void)s;
}

#endif /* HAVE_LIKWID */

const jf_energy_backend_t jf_energy_likwid = {
    "likwid", "RAPL through likwid's C API", lk_probe, lk_start, lk_read, lk_stop,
    .covers = JF_COVERS_CPU_DRAM,
};
