/* jf_feeder: synthetic energy counters for the energy tests. It builds a
 * fake powercap tree (RAPL zones, as under /sys/class/powercap) and/or a
 * fake HPE/Cray pm_counters folder (as /sys/cray/pm_counters) and advances
 * them in real time at constant power, so jflop-run's readers meet real
 * files, real wraps and real timing:
 *
 *   jf_feeder --powercap DIR [--pm-counters DIR] [--pkg-watts 80]
 *             [--dram-watts 12] [--sockets 1] [--range-uj 20000000]
 *             [--max-power-w 200] [--period-ms 5] [--log FILE]
 *             [--startup-change-after S] [--backwards-after S]
 *             [--backwards-uj N] [--garbage-after S] [--stuck-after S]
 *             [--stuck-zone NAME] [--jump-after S] [--jump-uj N]
 *             [--duration S] [--ready FILE]   (a fault time S may be "usr1")
 *
 * (at least one of --powercap and --pm-counters). The true energy since
 * start is E(tau) = P·tau per zone; tau follows CLOCK_MONOTONIC, but no
 * update advances it by more than 1.5 periods (nor, with a powercap tree,
 * a counter by more than a quarter of its range): a feeder descheduled on
 * a loaded machine then resumes where it stopped instead of publishing the
 * missed energy in one jump, which a reader would rightly take for a
 * counter drawing more than its zone can, or one that went backwards (no
 * real RAPL counter lags its own energy). Such a feeder publishes less
 * than its nominal power; the log holds what was published. Every
 * --period-ms each counter is rewritten from it:
 *   powercap, per socket s (power split evenly over sockets):
 *     DIR/intel-rapl:s     name "package-s", energy_uj, max_energy_range_uj,
 *                          constraint_0_max_power_uw, enabled
 *     DIR/intel-rapl:s:0   name "dram" (the same files)
 *     DIR/intel-rapl:s:1   name "core", at 0.6 x the package power: a
 *                          sub-zone inside the package that a reader must
 *                          not add to the node total
 *     energy_uj = (uint64)(E·1e6) mod range_uj (wraps to 0 at the range),
 *     max_energy_range_uj = range_uj, constraint_0_max_power_uw = the
 *     --max-power-w value (all zones), so a reader can bound the wrap period.
 *   pm_counters: energy, cpu_energy, memory_energy ("<J> J <us> us", whole
 *     Joules, floor; node = package + DRAM), power ("<W> W <us> us"),
 *     freshness (counts the updates), startup, generation, raw_scan_hz.
 *     The counters start from a nonzero base, as on a node that has been up.
 *
 * Every update is atomic: the new content goes to a temporary file in the
 * same folder, renamed over the target (readers reopen on each read).
 *
 * Faults, each from a time S in seconds after start, or, with S = "usr1",
 * from when the feeder receives SIGUSR1 (a test can break the counters at
 * a moment it chooses, e.g. once the run is measuring); each fault prints
 * one line on stderr, "jf_feeder: <what> at <epoch seconds>":
 *   --startup-change-after S  pm_counters' startup takes a new value and its
 *                             counters restart from 0 (what a node
 *                             controller restart looks like);
 *   --backwards-after S       package-0's energy_uj drops by X =
 *                             --backwards-uj (default: half the range minus
 *                             1%) and keeps counting from there; the drop
 *                             happens at the first update from S on where
 *                             the counter stands at X or more, so that it is
 *                             seen as a decrease. A reader can tell it from a
 *                             wrap when range - X is more than the zone can
 *                             draw between two of its readings;
 *   --garbage-after S         package-0's energy_uj reads "garbage";
 *   --stuck-after S           the counters stop moving (the energy they
 *                             show no longer grows; the files are still
 *                             rewritten, as a stalled sensor's are): every
 *                             counter, or with --stuck-zone NAME only the
 *                             one named by its powercap zone folder
 *                             ("intel-rapl:0:0") or pm_counters file
 *                             ("memory_energy");
 *   --jump-after S            package-0's energy_uj and pm_counters'
 *                             energy jump forwards once by --jump-uj
 *                             micro-Joules (default: 40% of the range) and
 *                             keep counting from there: more than a zone
 *                             can draw between two readings when the range
 *                             is large enough.
 *
 * --log FILE: one CSV line per update, flushed, with the truth (unwrapped,
 * never faulted): t_realtime_epoch_s,joules_pkg_total,joules_dram_total,
 * joules_node_total (totals over the sockets; node = package + DRAM),
 * lost_seconds (the wall time since start the counters did not advance
 * for: a feeder descheduled for longer than 1.5 periods, or capped at a
 * quarter range; it published that much less than its nominal power).
 *
 * Power that follows what the ranks do (tests/test_energy_phases.sh):
 *   --power-file FILE --phase-watts NAME=W[,NAME=W...]
 * every update reads the first word of FILE (jflop-run writes its current
 * activity there when JFLOP_TEST_PHASE_FILE names it: "idle", "forward",
 * "backward", "allreduce", "optimizer", "other"); until the next update
 * the node then draws the W given for that word (package and DRAM scaled
 * together), or --pkg-watts + --dram-watts for a word not listed or no
 * file. The log gets a sixth column: the word whose power the energy up
 * to that line was drawn at, so the truth per activity is the sum of the
 * node column's increments on its lines. A change reaches the counters
 * within one --period-ms.
 *
 * --ready FILE is created once the trees exist. SIGTERM/SIGINT or the end of
 * --duration: exit 0. Bad usage: exit 2; a failing system call: exit 1 with
 * the file and the error on stderr. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* the most wall time one update may publish, in periods (see the loop) */
#define MAX_LAG_PERIODS 1.5

#define MAX_SOCKETS 8
#define PATH_LEN 4096
#define CORE_SHARE 0.6
#define PM_STARTUP_0 1700000000000000ULL
#define PM_STARTUP_1 1700000123456789ULL
#define PM_BASE_JOULES 123456.0 /* energy already counted before the feeder started */

#define NOT_GIVEN (-1.0)
#define ON_USR1 (-2.0) /* a fault time of "usr1": when SIGUSR1 arrives */

static const char *prog = "jf_feeder";
static volatile sig_atomic_t stop_signal = 0, usr1_seen = 0;

typedef struct {
    const char *powercap, *pm, *log_path, *ready;
    double pkg_watts, dram_watts, max_power_w, period_ms;
    double startup_change_after, backwards_after, garbage_after, duration;
    double stuck_after, jump_after;
    const char *stuck_zone;
    uint64_t range_uj, backwards_uj, jump_uj;
    int sockets;
    const char *power_file;          /* --power-file: the activity word */
    int nphase;                      /* --phase-watts entries */
    char phase_name[16][32];
    double phase_watts[16];
} opts_t;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s --powercap DIR [--pm-counters DIR] [--pkg-watts W] [--dram-watts W]\n"
            "          [--sockets N] [--range-uj UJ] [--max-power-w W] [--period-ms MS]\n"
            "          [--log FILE] [--startup-change-after S] [--backwards-after S]\n"
            "          [--backwards-uj UJ] [--garbage-after S] [--stuck-after S] [--stuck-zone NAME]\n"
            "          [--jump-after S] [--jump-uj UJ] [--duration S] [--ready FILE]\n"
            "          [--power-file FILE --phase-watts NAME=W[,NAME=W...]]\n"
            "(--powercap, --pm-counters or both; a fault time S may be \"usr1\": on SIGUSR1;\n"
            "see the comment at the top of jf_feeder.c)\n",
            prog);
}

static _Noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void die_usage(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    usage(stderr);
    exit(2);
}

static _Noreturn void die_sys(const char *what, const char *path)
{
    fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(errno));
    exit(1);
}

static double parse_double(const char *flag, const char *s, double lo, int lo_open)
{
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < lo ||
        (lo_open && v == lo))
        die_usage("%s: '%s' is not a number %s %g", flag, s, lo_open ? ">" : ">=", lo);
    return v;
}

/* A fault's time: seconds after start, or "usr1". */
static double parse_when(const char *flag, const char *s)
{
    return strcmp(s, "usr1") == 0 ? ON_USR1 : parse_double(flag, s, 0, 0);
}

static uint64_t parse_u64(const char *flag, const char *s)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '\0')
        die_usage("%s: '%s' is not a positive integer", flag, s);
    const unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0)
        die_usage("%s: '%s' is not a positive integer", flag, s);
    return (uint64_t)v;
}

/* "forward=120,backward=200": names and node watts */
static void parse_phase_watts(const char *flag, const char *spec, opts_t *o)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (eq == NULL || eq == item || (size_t)(eq - item) >= sizeof o->phase_name[0] ||
            o->nphase == (int)(sizeof o->phase_watts / sizeof o->phase_watts[0]))
            die_usage("%s: '%s' is not NAME=W", flag, item);
        *eq = '\0';
        snprintf(o->phase_name[o->nphase], sizeof o->phase_name[0], "%s", item);
        o->phase_watts[o->nphase++] = parse_double(flag, eq + 1, 0, 0);
    }
}

/* The activity word in the power file and the node watts it draws. */
static double phase_power(const opts_t *o, char *word, size_t len)
{
    const double base = o->pkg_watts + o->dram_watts;
    snprintf(word, len, "-");
    FILE *f = fopen(o->power_file, "r");
    if (f == NULL)
        return base;
    char line[64];
    if (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, " \t\r\n")] = '\0';
        if (line[0] != '\0')
            snprintf(word, len, "%.31s", line);
    }
    fclose(f);
    for (int i = 0; i < o->nphase; i++)
        if (strcmp(word, o->phase_name[i]) == 0)
            return o->phase_watts[i];
    return base;
}

static void parse_args(int argc, char **argv, opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->pkg_watts = 80;
    o->dram_watts = 12;
    o->sockets = 1;
    o->range_uj = 20000000;
    o->max_power_w = 200;
    o->period_ms = 5;
    o->startup_change_after = o->backwards_after = o->garbage_after = o->duration = NOT_GIVEN;
    o->stuck_after = o->jump_after = NOT_GIVEN;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (i + 1 >= argc)
            die_usage("%s: missing value (or unknown flag)", a);
        const char *v = argv[++i];
        if (strcmp(a, "--powercap") == 0)
            o->powercap = v;
        else if (strcmp(a, "--power-file") == 0)
            o->power_file = v;
        else if (strcmp(a, "--phase-watts") == 0)
            parse_phase_watts(a, v, o);
        else if (strcmp(a, "--pm-counters") == 0)
            o->pm = v;
        else if (strcmp(a, "--log") == 0)
            o->log_path = v;
        else if (strcmp(a, "--ready") == 0)
            o->ready = v;
        else if (strcmp(a, "--pkg-watts") == 0)
            o->pkg_watts = parse_double(a, v, 0, 0);
        else if (strcmp(a, "--dram-watts") == 0)
            o->dram_watts = parse_double(a, v, 0, 0);
        else if (strcmp(a, "--max-power-w") == 0)
            o->max_power_w = parse_double(a, v, 0, 1);
        else if (strcmp(a, "--period-ms") == 0)
            o->period_ms = parse_double(a, v, 0, 1);
        else if (strcmp(a, "--startup-change-after") == 0)
            o->startup_change_after = parse_when(a, v);
        else if (strcmp(a, "--backwards-after") == 0)
            o->backwards_after = parse_when(a, v);
        else if (strcmp(a, "--garbage-after") == 0)
            o->garbage_after = parse_when(a, v);
        else if (strcmp(a, "--stuck-after") == 0)
            o->stuck_after = parse_when(a, v);
        else if (strcmp(a, "--stuck-zone") == 0)
            o->stuck_zone = v;
        else if (strcmp(a, "--jump-after") == 0)
            o->jump_after = parse_when(a, v);
        else if (strcmp(a, "--jump-uj") == 0)
            o->jump_uj = parse_u64(a, v);
        else if (strcmp(a, "--duration") == 0)
            o->duration = parse_double(a, v, 0, 1);
        else if (strcmp(a, "--range-uj") == 0)
            o->range_uj = parse_u64(a, v);
        else if (strcmp(a, "--backwards-uj") == 0)
            o->backwards_uj = parse_u64(a, v);
        else if (strcmp(a, "--sockets") == 0) {
            const uint64_t n = parse_u64(a, v);
            if (n > MAX_SOCKETS)
                die_usage("--sockets: at most %d", MAX_SOCKETS);
            o->sockets = (int)n;
        } else {
            die_usage("unknown flag %s", a);
        }
    }
    if (o->powercap == NULL && o->pm == NULL)
        die_usage("give --powercap DIR, --pm-counters DIR or both");
    if (o->powercap != NULL && strlen(o->powercap) > PATH_LEN / 2)
        die_usage("--powercap: path too long");
    if (o->pm != NULL && strlen(o->pm) > PATH_LEN / 2)
        die_usage("--pm-counters: path too long");
    if (o->ready != NULL && strlen(o->ready) > PATH_LEN / 2)
        die_usage("--ready: path too long");
    if (o->backwards_after != NOT_GIVEN && o->powercap == NULL)
        die_usage("--backwards-after needs --powercap");
    if (o->garbage_after != NOT_GIVEN && o->powercap == NULL)
        die_usage("--garbage-after needs --powercap");
    if (o->startup_change_after != NOT_GIVEN && o->pm == NULL)
        die_usage("--startup-change-after needs --pm-counters");
    if (o->stuck_zone != NULL && strncmp(o->stuck_zone, "intel-rapl:", 11) != 0 &&
        strcmp(o->stuck_zone, "energy") != 0 && strcmp(o->stuck_zone, "cpu_energy") != 0 &&
        strcmp(o->stuck_zone, "memory_energy") != 0)
        die_usage("--stuck-zone: '%s' is neither a powercap zone folder (intel-rapl:S[:Z]) nor "
                  "energy, cpu_energy or memory_energy", o->stuck_zone);
    if (o->stuck_zone != NULL && o->stuck_after == NOT_GIVEN)
        die_usage("--stuck-zone needs --stuck-after");
    if (o->jump_uj != 0 && o->jump_after == NOT_GIVEN)
        die_usage("--jump-uj needs --jump-after");
    if (o->jump_uj == 0)
        o->jump_uj = o->range_uj / 10 * 4;
    if (o->backwards_uj == 0)
        o->backwards_uj = o->range_uj / 2 - o->range_uj / 100;
    if (o->backwards_uj == 0 || o->backwards_uj >= o->range_uj)
        die_usage("--backwards-uj must be between 1 and --range-uj - 1");
}

/* Write content to path atomically: a temporary file beside it (same
 * folder, so the same file system), then rename(2) over the target. */
static void write_path_atomic(const char *path, const char *content)
{
    char tmp[PATH_LEN + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    const int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die_sys("cannot create", tmp);
    const size_t len = strlen(content);
    size_t done = 0;
    while (done < len) {
        const ssize_t n = write(fd, content + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die_sys("cannot write", tmp);
        }
        done += (size_t)n;
    }
    if (close(fd) != 0)
        die_sys("cannot close", tmp);
    if (rename(tmp, path) != 0)
        die_sys("cannot rename into", path);
}

static void write_atomic(const char *dir, const char *name, const char *content)
{
    char path[PATH_LEN];
    const int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        die_sys("cannot write", dir);
    }
    write_path_atomic(path, content);
}

static void write_u64(const char *dir, const char *name, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu\n", (unsigned long long)v);
    write_atomic(dir, name, buf);
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        die_sys("cannot create folder", path);
    struct stat st;
    if (stat(path, &st) != 0)
        die_sys("cannot stat", path);
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        die_sys("not a folder:", path);
    }
}

static double mono_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        die_sys("clock_gettime", "CLOCK_MONOTONIC");
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double real_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        die_sys("clock_gettime", "CLOCK_REALTIME");
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The powercap zones of one socket. */
typedef struct {
    char pkg[PATH_LEN], dram[PATH_LEN], core[PATH_LEN];
} socket_dirs_t;

static void zone_create(const char *dir, const char *name, const opts_t *o, int package)
{
    char buf[64];
    make_dir(dir);
    snprintf(buf, sizeof buf, "%s\n", name);
    write_atomic(dir, "name", buf);
    write_u64(dir, "max_energy_range_uj", o->range_uj);
    write_u64(dir, "constraint_0_max_power_uw", (uint64_t)llround(o->max_power_w * 1e6));
    write_atomic(dir, "constraint_0_name", "long_term\n");
    if (package)
        write_atomic(dir, "enabled", "1\n");
    write_u64(dir, "energy_uj", 0);
}

/* (E_joules·1e6 + offset) mod range, offset possibly negative. */
static uint64_t wrapped_uj(double joules, int64_t offset_uj, uint64_t range)
{
    const int64_t uj = (int64_t)(joules * 1e6) + offset_uj;
    const int64_t r = (int64_t)range;
    return (uint64_t)(((uj % r) + r) % r);
}

/* Does the --stuck-* fault hold `zone` (a zone folder or pm file name)? */
static int zone_stuck(const opts_t *o, int stuck, const char *zone)
{
    return stuck && (o->stuck_zone == NULL || strcmp(o->stuck_zone, zone) == 0);
}

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void on_usr1(int sig)
{
    (void)sig;
    usr1_seen = 1;
}

/* Is a fault given for time `when` due at t? */
static int due(double when, double t)
{
    return when == ON_USR1 ? usr1_seen != 0 : when >= 0 && t >= when;
}

/* One line on stderr when a fault begins, with its wall-clock time, so a
 * test can check that it fell inside the phase it meant to break. */
static void announce(const char *what)
{
    fprintf(stderr, "%s: %s at %.6f\n", prog, what, real_now());
}

int main(int argc, char **argv)
{
    opts_t o;
    socket_dirs_t sock[MAX_SOCKETS];
    FILE *log = NULL;

    parse_args(argc, argv, &o);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGHUP, &sa, NULL) != 0)
        die_sys("sigaction", "SIGTERM/SIGINT/SIGHUP");
    sa.sa_handler = on_usr1;
    if (sigaction(SIGUSR1, &sa, NULL) != 0)
        die_sys("sigaction", "SIGUSR1");

    const double pkg_w = o.pkg_watts / o.sockets, dram_w = o.dram_watts / o.sockets;

    if (o.powercap != NULL) {
        make_dir(o.powercap);
        for (int s = 0; s < o.sockets; s++) {
            char name[32];
            snprintf(sock[s].pkg, sizeof sock[s].pkg, "%s/intel-rapl:%d", o.powercap, s);
            snprintf(sock[s].dram, sizeof sock[s].dram, "%s/intel-rapl:%d:0", o.powercap, s);
            snprintf(sock[s].core, sizeof sock[s].core, "%s/intel-rapl:%d:1", o.powercap, s);
            snprintf(name, sizeof name, "package-%d", s);
            zone_create(sock[s].pkg, name, &o, 1);
            zone_create(sock[s].dram, "dram", &o, 0);
            zone_create(sock[s].core, "core", &o, 0);
        }
    }
    if (o.pm != NULL) {
        make_dir(o.pm);
        write_u64(o.pm, "startup", PM_STARTUP_0);
        write_u64(o.pm, "generation", 1);
        write_u64(o.pm, "raw_scan_hz", 10);
        write_u64(o.pm, "freshness", 0);
    }
    if (o.log_path != NULL) {
        log = fopen(o.log_path, "w");
        if (log == NULL)
            die_sys("cannot create", o.log_path);
    }

    const double t0 = mono_now();
    const double period = o.period_ms * 1e-3;
    double tau = 0, last_t = 0;  /* the counters' time: see the top */
    double lost = 0;             /* wall seconds not published, so far */
    const double zone_w = fmax(pkg_w, dram_w);
    const double max_step = o.powercap != NULL && zone_w > 0
                                ? (double)o.range_uj * 1e-6 / 4 / zone_w : INFINITY;
    uint64_t freshness = 0;
    double pm_reset_joules = -1; /* node-controller restart: E at that moment */
    int startup_changed = 0, went_back = 0, garbage = 0, ready_done = 0, stuck = 0, jumped = 0;
    double stuck_tau = 0; /* tau when the counters stopped */
    /* --power-file: tau runs at (node watts now) / (the base watts), so
     * every counter follows the activity's power */
    const double base_watts = o.pkg_watts + o.dram_watts;
    char word[32] = "-", drawn[32] = "-";
    double factor = 1;
    struct timespec next;
    if (clock_gettime(CLOCK_MONOTONIC, &next) != 0)
        die_sys("clock_gettime", "CLOCK_MONOTONIC");

    while (!stop_signal) {
        const double t = mono_now() - t0;
        const double now_real = real_now();
        /* a feeder the machine took off its CPU loses that time instead of
         * publishing it at once: a real counter never lags its energy, and
         * a reader rightly takes a catch-up jump for a broken counter (seen
         * under a VM's steal: 96 J in 51 ms, 1870 W). The log says what
         * was published, which is the truth the tests judge by. */
        double published = fmin(t - last_t, MAX_LAG_PERIODS * period);
        if (published * factor > max_step)
            published = max_step / factor;
        tau += published * factor;
        lost += (t - last_t) - published;
        last_t = t;
        /* the energy just added was drawn at the power read last time */
        snprintf(drawn, sizeof drawn, "%s", word);
        if (o.power_file != NULL && base_watts > 0)
            factor = phase_power(&o, word, sizeof word) / base_watts;
        const double e_pkg = pkg_w * tau, e_dram = dram_w * tau; /* per socket */
        if (!stuck && due(o.stuck_after, t)) {
            stuck = 1;
            stuck_tau = tau;
            announce(o.stuck_zone != NULL ? "one counter stops moving" : "every counter stops moving");
        }
        if (!jumped && due(o.jump_after, t)) {
            jumped = 1;
            announce("package-0 energy_uj and pm_counters energy jump forwards");
        }
        if (!garbage && due(o.garbage_after, t)) {
            garbage = 1;
            announce("package-0 energy_uj turns to garbage");
        }
        /* the drop must be visible as a decrease: wait (from S on) for the
         * package counter to stand at least X above 0, so that it does not
         * wrap below 0 to the top of the range (which a reader would see as
         * an increase) */
        if (!went_back && due(o.backwards_after, t) &&
            wrapped_uj(e_pkg, 0, o.range_uj) >= o.backwards_uj) {
            went_back = 1;
            announce("package-0 energy_uj goes backwards");
        }

        if (o.powercap != NULL) {
            for (int s = 0; s < o.sockets; s++) {
                /* a stuck zone shows the energy it had when it stopped */
                char zone[32];
                snprintf(zone, sizeof zone, "intel-rapl:%d", s);
                const double tp = zone_stuck(&o, stuck, zone) ? stuck_tau : tau;
                snprintf(zone, sizeof zone, "intel-rapl:%d:0", s);
                const double td = zone_stuck(&o, stuck, zone) ? stuck_tau : tau;
                snprintf(zone, sizeof zone, "intel-rapl:%d:1", s);
                const double tc = zone_stuck(&o, stuck, zone) ? stuck_tau : tau;
                int64_t offset = 0;
                if (s == 0 && went_back)
                    offset -= (int64_t)o.backwards_uj;
                if (s == 0 && jumped)
                    offset += (int64_t)o.jump_uj;
                if (s == 0 && garbage)
                    write_atomic(sock[s].pkg, "energy_uj", "garbage\n");
                else
                    write_u64(sock[s].pkg, "energy_uj", wrapped_uj(pkg_w * tp, offset, o.range_uj));
                write_u64(sock[s].dram, "energy_uj", wrapped_uj(dram_w * td, 0, o.range_uj));
                write_u64(sock[s].core, "energy_uj",
                          wrapped_uj(CORE_SHARE * pkg_w * tc, 0, o.range_uj));
            }
        }
        if (o.pm != NULL) {
            char buf[128];
            const unsigned long long us = (unsigned long long)llround(now_real * 1e6);
            double pkg = o.sockets * e_pkg, dram = o.sockets * e_dram, base = PM_BASE_JOULES;
            if (due(o.startup_change_after, t)) {
                if (!startup_changed) {
                    announce("pm_counters startup changes, the counters restart from 0");
                    /* startup first: a reader that sees restarted counters
                     * (it reads them before startup) sees the new startup */
                    write_u64(o.pm, "startup", PM_STARTUP_1);
                    startup_changed = 1;
                    pm_reset_joules = pkg + dram;
                }
                /* restarted from 0, keeping the pkg/dram split of the power */
                const double watts = o.pkg_watts + o.dram_watts;
                if (watts > 0) {
                    pkg -= pm_reset_joules * o.pkg_watts / watts;
                    dram -= pm_reset_joules * o.dram_watts / watts;
                }
                base = 0;
            }
            /* a stuck counter shows the energy it had when it stopped */
            const double held = stuck_tau / fmax(tau, 1e-300);
            const double node = zone_stuck(&o, stuck, "energy") ? held : 1.0;
            const double cpu = zone_stuck(&o, stuck, "cpu_energy") ? held : 1.0;
            const double mem = zone_stuck(&o, stuck, "memory_energy") ? held : 1.0;
            const double jump = jumped ? 1e-6 * (double)o.jump_uj : 0;
            snprintf(buf, sizeof buf, "%.0f J %llu us\n",
                     floor(base + node * (pkg + dram) + jump), us);
            write_atomic(o.pm, "energy", buf);
            snprintf(buf, sizeof buf, "%.0f J %llu us\n", floor(0.8 * base + cpu * pkg), us);
            write_atomic(o.pm, "cpu_energy", buf);
            snprintf(buf, sizeof buf, "%.0f J %llu us\n", floor(0.2 * base + mem * dram), us);
            write_atomic(o.pm, "memory_energy", buf);
            snprintf(buf, sizeof buf, "%.0f W %llu us\n", factor * base_watts, us);
            write_atomic(o.pm, "power", buf);
            write_u64(o.pm, "freshness", ++freshness);
        }
        if (log != NULL) {
            const double pkg = o.sockets * e_pkg, dram = o.sockets * e_dram;
            if (fprintf(log, "%.6f,%.6f,%.6f,%.6f,%.6f%s%s\n", now_real, pkg, dram, pkg + dram,
                        lost, o.power_file != NULL ? "," : "", o.power_file != NULL ? drawn : "") < 0 ||
                fflush(log) != 0)
                die_sys("cannot write", o.log_path);
        }
        if (!ready_done && o.ready != NULL) {
            write_path_atomic(o.ready, "ready\n");
            ready_done = 1;
        }
        if (o.duration > 0 && t >= o.duration)
            break;

        /* absolute deadlines: the period does not drift with write time */
        const long ns = (long)(period * 1e9);
        next.tv_sec += ns / 1000000000L;
        next.tv_nsec += ns % 1000000000L;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_sec++;
            next.tv_nsec -= 1000000000L;
        }
        int rc;
        while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL)) == EINTR &&
               !stop_signal)
            ;
        if (rc != 0 && rc != EINTR) {
            errno = rc;
            die_sys("clock_nanosleep", "CLOCK_MONOTONIC");
        }
    }
    if (log != NULL && fclose(log) != 0)
        die_sys("cannot close", o.log_path);
    return 0;
}
