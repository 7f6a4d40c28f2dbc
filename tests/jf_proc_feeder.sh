#!/bin/sh
# jf_proc_feeder: a fake proc tree for JFLOP_PROC_ROOT whose CPU counters
# advance with known shares, so a run's recorded share of other processes
# is a known answer (the node's real /proc/stat would carry whatever else
# the machine runs):
#
#   jf_proc_feeder.sh DIR CPUS JOB_PCT OTHER_PCT [PERIOD_S]
#
# Every PERIOD_S (default 0.05) one tick of 10 jiffies per CPU passes:
# DIR/stat's "cpu" line gains JOB_PCT % + OTHER_PCT % of them as user time
# and the rest as idle; DIR/self/stat's utime gains JOB_PCT % (the job's own
# CPU time, whichever rank reads it). Over any phase the share of other
# processes is then OTHER_PCT % (the two files are renamed into place one
# after the other: a reader between them is one tick out). Each file is
# written to a temporary name and renamed, as the kernel's are read whole.
# DIR/cpuinfo describes CPUS processors of a made-up model, "jflop test
# processor 1000" (family 6, model 1000, stepping 1, avx2 and fma), so a
# run on the tree names its processor as on a real node. Stops on SIGTERM.
dir=$1 cpus=$2 job=$3 other=$4 period=${5:-0.05}
mkdir -p "$dir/self" || exit 1
i=0
while [ "$i" -lt "$cpus" ]; do
    printf 'processor\t: %s\nvendor_id\t: JflopTest\ncpu family\t: 6\nmodel\t\t: 1000\nmodel name\t: jflop test processor 1000\nstepping\t: 1\nflags\t\t: fpu fma avx2\n\n' "$i"
    i=$((i + 1))
done >"$dir/cpuinfo" || exit 1
trap 'exit 0' TERM INT
tick=1000   # a node that has been up a while
while :; do
    total=$((tick * 10 * cpus))
    user=$((total * (job + other) / 100))
    idle=$((total - user))
    self=$((total * job / 100))
    printf '%s\n' "14 (jflop-run) R 1 14 14 0 -1 4194560 0 0 0 0 $self 0 0 0 20 0 1 0 1 0 0" \
        >"$dir/self/stat.tmp" && mv "$dir/self/stat.tmp" "$dir/self/stat"
    printf 'cpu  %s 0 0 %s 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\nintr 0\n' "$user" "$idle" \
        >"$dir/stat.tmp" && mv "$dir/stat.tmp" "$dir/stat"
    tick=$((tick + 1))
    sleep "$period"
done
