/* test_cpu_share: the node's CPU share of other processes from fake proc
 * trees with known jiffies (core/jf_cpu_share.c, read through
 * JFLOP_PROC_ROOT as a run reads it), the parse of /proc/stat and
 * /proc/<pid>/stat (a command name with spaces and ')'), the reasons for an
 * unknown share, and Slurm's OverSubscribe words (core/jf_sched.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/jf_cpu_share.h"
#include "core/jf_sched.h"
#include "core/jf_clock.h"
#include "jf_test.h"

static char root[256];

static void put(const char *name, const char *text)
{
    jf_test_put(root, name, text);
}

/* a node of 4 CPUs: "cpu" user nice system idle iowait irq softirq steal */
static void node(unsigned long long user, unsigned long long system, unsigned long long idle,
                 unsigned long long iowait, unsigned long long steal, unsigned long long self)
{
    char text[512];
    snprintf(text, sizeof text, "cpu  %llu 0 %llu %llu %llu 0 0 %llu 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"
             "intr 12345\n", user, system, idle, iowait, steal);
    put("stat", text);
    /* a command name with a space and a ')' of its own */
    snprintf(text, sizeof text, "4242 (jflop) run) R 1 4242 4242 0 -1 4194560 10 0 0 0 %llu %llu "
             "0 0 20 0 3 0 100 0 0\n", self - self / 4, self / 4);
    put("self/stat", text);
}

int main(void)
{
    char why[256], value[32];
    snprintf(root, sizeof root, "/tmp/test_cpu_share.%ld", (long)getpid());
    char self_dir[300];
    snprintf(self_dir, sizeof self_dir, "%s/self", root);
    if (mkdir(root, 0700) != 0 || mkdir(self_dir, 0700) != 0) {
        perror(root);
        return 99;
    }
    setenv(JF_CPU_SHARE_ROOT_ENV, root, 1);
    CHECK_STR_EQ(root, jf_cpu_share_root());

    /* start: busy 1000+500, total 1000+500+8000+100+50 */
    jf_cpu_sample_t a, b;
    node(1000, 500, 8000, 100, 50, 600);
    jf_cpu_sample(NULL, &a);
    CHECK(a.ok);
    CHECK_INT_EQ(1500, a.node_busy);
    CHECK_INT_EQ(9650, a.node_total);
    CHECK_INT_EQ(600, a.self_busy);
    /* 10 s on 4 CPUs at 100 Hz: 4000 jiffies; busy +1400 (the job's 1000,
     * others 400), iowait +100, steal +100 (another guest: not busy) */
    node(2100, 800, 10400, 200, 150, 1600);
    jf_cpu_sample(NULL, &b);
    CHECK(b.ok);
    CHECK_INT_EQ(4000, b.node_total - a.node_total);
    double share = -1;
    CHECK_INT_EQ(JF_OK, jf_cpu_share(&a, &b, b.self_busy - a.self_busy, &share, why, sizeof why));
    CHECK_REL(400.0 / 4000.0, share, 1e-15);   /* 10 % */
    /* two ranks on the node, each 500 of those 1000 jiffies: the same */
    CHECK_INT_EQ(JF_OK, jf_cpu_share(&a, &b, 500 + 500, &share, why, sizeof why));
    CHECK_REL(0.10, share, 1e-15);
    /* the job alone (its count one jiffy ahead of the node's): 0, not < 0 */
    CHECK_INT_EQ(JF_OK, jf_cpu_share(&a, &b, 1401, &share, why, sizeof why));
    CHECK(share == 0);
    /* 1.5 % and 2.5 %, either side of validate's 2 % */
    CHECK_INT_EQ(JF_OK, jf_cpu_share(&a, &b, 1400 - 60, &share, why, sizeof why));
    CHECK_REL(0.015, share, 1e-15);
    CHECK_INT_EQ(JF_OK, jf_cpu_share(&a, &b, 1400 - 100, &share, why, sizeof why));
    CHECK_REL(0.025, share, 1e-15);

    /* unknown, each with its reason */
    CHECK_INT_EQ(JF_EINVAL, jf_cpu_share(&b, &a, 0, &share, why, sizeof why));
    CHECK_STR_CONTAINS(why, "went backwards");
    CHECK_INT_EQ(JF_ERANGE, jf_cpu_share(&a, &a, 0, &share, why, sizeof why));
    CHECK_STR_CONTAINS(why, "did not advance");
    put("stat", "cpu  12 0 garbage 1 2 3 4 5\n");
    jf_cpu_sample(NULL, &b);
    CHECK(!b.ok);
    CHECK_STR_CONTAINS(b.why, "/stat: 'cpu' line: field 3 is not a count of jiffies");
    CHECK_INT_EQ(JF_EINVAL, jf_cpu_share(&a, &b, 0, &share, why, sizeof why));
    CHECK_STR_CONTAINS(why, "field 3");
    put("stat", "cpu0 1 2 3 4 5 6 7 8\n");
    jf_cpu_sample(NULL, &b);
    CHECK_STR_CONTAINS(b.why, "no aggregate 'cpu ' line");
    put("stat", "cpu  1 2 3 4 5 6 7\n");  /* a truncated line */
    jf_cpu_sample(NULL, &b);
    CHECK_STR_CONTAINS(b.why, "field 8 is not a count");
    node(1, 1, 1, 1, 1, 1);
    put("self/stat", "4242 (jflop) R 1 2\n");
    jf_cpu_sample(NULL, &b);
    CHECK_STR_CONTAINS(b.why, "self/stat: only 5 fields");
    put("self/stat", "4242 jflop R 1 2\n");
    jf_cpu_sample(NULL, &b);
    CHECK_STR_CONTAINS(b.why, "no ')' after the command name");
    char path[600];
    snprintf(path, sizeof path, "%s/self/stat", root);
    unlink(path);
    jf_cpu_sample(NULL, &b);
    CHECK_STR_CONTAINS(b.why, "self/stat: cannot be opened");

    /* the real /proc parses (the machine running the test) */
    jf_cpu_sample("/proc", &b);
    CHECK_MSG(b.ok, "/proc: %s", b.why);
    CHECK(b.node_total > 0);

    /* Slurm's words */
    CHECK_STR_EQ("yes", jf_sched_parse_oversubscribe("JobId=7 ... OverSubscribe=NO Contiguous=0",
                                                      value, sizeof value));
    CHECK_STR_EQ("NO", value);
    CHECK_STR_EQ("yes", jf_sched_parse_oversubscribe("   OverSubscribe=USER\n", value, sizeof value));
    CHECK_STR_EQ("no", jf_sched_parse_oversubscribe("OverSubscribe=OK ", value, sizeof value));
    CHECK_STR_EQ("no", jf_sched_parse_oversubscribe("OverSubscribe=YES", value, sizeof value));
    CHECK_STR_EQ("unknown", jf_sched_parse_oversubscribe("Shared=0", value, sizeof value));
    CHECK_STR_EQ("", value);
    char ex[16], how[160];
    unsetenv("SLURM_JOB_ID");
    jf_sched_exclusive(ex, sizeof ex, how, sizeof how);
    CHECK_STR_EQ("unknown", ex);
    CHECK_STR_CONTAINS(how, "not under Slurm");
    setenv("SLURM_JOB_ID", "12;rm", 1);  /* never reaches a shell */
    jf_sched_exclusive(ex, sizeof ex, how, sizeof how);
    CHECK_STR_EQ("unknown", ex);
    CHECK_STR_CONTAINS(how, "is not a job id");
    unsetenv("JFLOP_SCONTROL");
    setenv("PATH", root, 1);  /* no scontrol there */
    setenv("SLURM_JOB_ID", "12", 1);
    jf_sched_exclusive(ex, sizeof ex, how, sizeof how);
    CHECK_STR_EQ("unknown", ex);
    CHECK_STR_CONTAINS(how, "Slurm job 12: 'scontrol show job' failed or is missing");
    /* a fake scontrol on PATH */
    put("scontrol", "#!/bin/sh\necho \"JobId=$3 JobName=x\"\necho \"   OverSubscribe=NO Contiguous=0\"\n");
    snprintf(path, sizeof path, "%s/scontrol", root);
    chmod(path, 0700);
    setenv("PATH", root, 1);
    jf_sched_exclusive(ex, sizeof ex, how, sizeof how);
    CHECK_STR_EQ("yes", ex);
    CHECK_STR_EQ("Slurm job 12: OverSubscribe=NO", how);
    /* or named by JFLOP_SCONTROL, wherever PATH leads */
    setenv("PATH", "/nonexistent", 1);
    setenv("JFLOP_SCONTROL", path, 1);
    jf_sched_exclusive(ex, sizeof ex, how, sizeof how);
    CHECK_STR_EQ("yes", ex);
    /* a slurmctld that does not answer: scontrol is given up on after 10 s
     * (the other ranks wait for it), and the word is unknown */
    put("scontrol_hangs", "#!/bin/sh\nexec /bin/sleep 120\n");
    snprintf(path, sizeof path, "%s/scontrol_hangs", root);
    chmod(path, 0700);
    setenv("JFLOP_SCONTROL", path, 1);
    const double t0 = jf_clock_seconds();
    jf_sched_exclusive(ex, sizeof ex, how, sizeof how);
    const double waited = jf_clock_seconds() - t0;
    CHECK_STR_EQ("unknown", ex);
    CHECK_STR_CONTAINS(how, "Slurm job 12: 'scontrol show job' did not answer within 10 s");
    CHECK(waited >= 9.5 && waited < 30);
    /* one that fails says its exit status */
    put("scontrol_fails", "#!/bin/sh\necho 'slurm_load_jobs error: Invalid job id'\nexit 1\n");
    snprintf(path, sizeof path, "%s/scontrol_fails", root);
    chmod(path, 0700);
    setenv("JFLOP_SCONTROL", path, 1);
    jf_sched_exclusive(ex, sizeof ex, how, sizeof how);
    CHECK_STR_EQ("unknown", ex);
    CHECK_STR_CONTAINS(how, "failed or is missing (exit status 1)");

    char cmd[400];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "note: %s failed\n", cmd);
    return JF_TEST_DONE();
}
