# shellcheck shell=sh disable=SC2034,SC2154 # sourced after jf_testlib.sh, by the tests
# jf_slurm_lib.sh -- a real Slurm (munged, slurmctld, slurmd from Debian's
# packages) for tests/test_slurm_*.sh, started by hand with every state, spool,
# pid and log file in a private folder, and stopped by the PIDs the daemons
# recorded, however the test ends. Sourced after jf_testlib.sh:
#     . "$(dirname "$JF_TESTLIB")/jf_slurm_lib.sh"
#
#   jf_slurm_start one   one node: this host, on loopback
#   jf_slurm_start two   two nodes, node1 and node2, each in its own network
#                        namespace (and UTS namespace, with its own hostname),
#                        joined by a bridge in a third namespace that holds
#                        slurmctld and where the client commands run
#   jf_slurm CMD ARGS... run a Slurm client command (sbatch, squeue, ...)
#                        against that cluster
#
# Settings the sandbox needs (no systemd, no cgroups): see slurm_conf below.
# Skips (77) when not root or, for two nodes, without `ip netns`; a missing
# Slurm or munge package is an error (install-deps installs them).

jf_slurm_dir=
jf_slurm_mode=
jf_slurm_netns=
jf_slurm_hosts_line=

# jf_require_slurm: skip unless root; what the jobs need in their
# environment (sbatch passes it on): the jobscripts' folder in $jobscripts,
# jflop-run in JFLOP_RUN, Open MPI allowed to run as root.
jf_require_slurm() {
    [ "$(id -u)" -eq 0 ] ||
        jf_skip "not root: munged and slurmd must be started as their own users"
    jobscripts=$(cd "$(dirname "$JF_TESTLIB")/../jobscripts" && pwd)
    export JFLOP_RUN OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    # no task/affinity plugin here: srun cannot bind (Open MPI's mpirun can)
    export JFLOP_CPU_BIND=none
    # the jobscripts idle 30 s by default before the warm-up: 1 s here
    # still takes that path without slowing every job down (and keeps the
    # time-limit test's warning inside the steps)
    JFLOP_IDLE_SECONDS=${JFLOP_IDLE_SECONDS:-1}
    export JFLOP_IDLE_SECONDS
    for jf_b in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
        command -v "$jf_b" >/dev/null 2>&1 || [ -x "/usr/sbin/$jf_b" ] ||
            jf_hard_error "$jf_b not found (./install-deps installs slurmctld, slurmd, slurm-client and munge)"
    done
    id munge >/dev/null 2>&1 || jf_hard_error "no munge user (is the munge package installed?)"
}

# Daemons stop first (they use the folder), then the namespaces and any
# /etc/hosts line we added.
jf_slurm_stop() {
    [ -n "$jf_slurm_dir" ] || return 0
    # jobs a failed test left behind end with the cluster
    # (not when slurmctld died: scancel waits 16 s for it, and its pid may
    # live on as a zombie nobody reaps)
    if [ -n "$jf_slurm_mode" ] && [ -s "$jf_slurm_dir/run/slurmctld.pid" ] &&
        [ -z "$(jf_slurm_dead slurmctld)" ]; then
        jf_slurm timeout 10 scancel --full --quiet --state=RUNNING --user=root >/dev/null 2>&1
        jf_slurm timeout 10 scancel --quiet --user=root >/dev/null 2>&1
    fi
    for jf_pf in "$jf_slurm_dir"/run/slurmd-*.pid "$jf_slurm_dir"/run/slurmctld.pid \
        "$jf_slurm_dir"/munge/munged.pid; do
        [ -s "$jf_pf" ] || continue
        jf_p=$(cat "$jf_pf")
        kill -TERM "$jf_p" 2>/dev/null || continue
        jf_i=0
        while kill -0 "$jf_p" 2>/dev/null && [ "$jf_i" -lt 100 ]; do
            sleep 0.1
            jf_i=$((jf_i + 1))
        done
        kill -KILL "$jf_p" 2>/dev/null
        echo "stopped $(basename "$jf_pf" .pid) (pid $jf_p)"
    done
    # a job that hung (or outlived the cancel) keeps its processes after
    # slurmd is gone
    for jf_p in $(jf_slurm_pids); do
        kill -KILL "$jf_p" 2>/dev/null && echo "killed a leftover job process (pid $jf_p)"
    done
    for jf_ns in $jf_slurm_netns; do
        ip netns delete "$jf_ns" 2>/dev/null
    done
    jf_slurm_netns=
    if [ -n "$jf_slurm_hosts_line" ]; then
        grep -v -x -F -e "$jf_slurm_hosts_line" /etc/hosts >"$jf_slurm_dir/hosts.new" &&
            cat "$jf_slurm_dir/hosts.new" >/etc/hosts
        jf_slurm_hosts_line=
    fi
    rm -rf "$jf_slurm_dir"
    jf_slurm_dir=
}
# feeders (jf_energy_lib.sh) may run as well: stop everything on exit
trap 'jf_slurm_stop; command -v jf_feeders_stop >/dev/null && jf_feeders_stop; rm -rf "$jf_tmp"' EXIT

# jf_slurm_pids [JOB]: PIDs of the processes started through this cluster
# (they carry its SLURM_CONF in their environment), or only of job JOB's
jf_slurm_pids() {
    for jf_d in /proc/[0-9]*; do
        grep -qzx "SLURM_CONF=$jf_slurm_dir/slurm.conf" "$jf_d/environ" 2>/dev/null || continue
        [ -z "${1:-}" ] || grep -qzx "SLURM_JOB_ID=$1" "$jf_d/environ" 2>/dev/null || continue
        echo "${jf_d#/proc/}"
    done
}

# jf_slurm CMD ARGS...: a client command, in the controller's namespace
jf_slurm() {
    if [ "$jf_slurm_mode" = two ]; then
        SLURM_CONF=$jf_slurm_dir/slurm.conf nsenter --net="/run/netns/${jf_slurm_ns}hub" "$@"
    else
        SLURM_CONF=$jf_slurm_dir/slurm.conf "$@"
    fi
}

# slurm_conf CTL_HOST CTL_ADDR NODE_LINES: slurm.conf for the test cluster
jf_slurm_conf() {
    cat <<EOF
# written by tests/jf_slurm_lib.sh for one test run
ClusterName=jftest
SlurmctldHost=$1($2)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$jf_slurm_port
SlurmdPort=$((jf_slurm_port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$jf_slurm_dir/munge/munge.socket
StateSaveLocation=$jf_slurm_dir/state
SlurmdSpoolDir=$jf_slurm_dir/spool-%n
TmpFS=$jf_slurm_dir/tmp-%n
SlurmctldPidFile=$jf_slurm_dir/run/slurmctld.pid
SlurmdPidFile=$jf_slurm_dir/run/slurmd-%n.pid
SlurmctldLogFile=$jf_slurm_dir/log/slurmctld.log
SlurmdLogFile=$jf_slurm_dir/log/slurmd-%n.log
# no cgroups in the sandbox
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# the default (select/linear) gives each job whole nodes
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# srun --mpi=pmi2 fails with Debian's Open MPI
MpiDefault=pmix
# else sbatch --wait polls with a growing back-off: a 1 s job takes 10 s
MinJobAge=5
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
$3
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

# start_daemon NAME CMD...: run a daemon that forks, check it left a pid
jf_slurm_daemon() {
    jf_what=$1
    shift
    if ! "$@" >"$jf_slurm_dir/log/$jf_what.start" 2>&1; then
        jf_show "$jf_slurm_dir/log/$jf_what.start"
        jf_show "$jf_slurm_dir/log/$jf_what.log"
        jf_hard_error "$jf_what did not start"
    fi
}

# jf_slurm_pick_port: jf_slurm_port (slurmctld) and jf_slurm_port + 1
# (slurmd), below the kernel's ephemeral range, where an outgoing
# connection may hold any port at any moment (slurmctld then dies with
# "Address already in use"), and used by no socket now. Drawn from the pid,
# so tests running side by side start apart.
jf_slurm_pick_port() {
    jf_eph=32768
    jf_eph_hi=60999
    if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
        read -r jf_eph jf_eph_hi </proc/sys/net/ipv4/ip_local_port_range ||
            { jf_eph=32768; jf_eph_hi=60999; }
    fi
    # below the range; where it starts too low (1024), above it
    jf_base=10000
    [ "$jf_eph" -gt $((jf_base + 200)) ] || jf_base=1024
    jf_top=$jf_eph
    if [ $((jf_top - jf_base)) -lt 200 ]; then
        jf_base=$((jf_eph_hi + 1))
        jf_top=65535
    fi
    jf_pairs=$(((jf_top - jf_base) / 2))
    [ "$jf_pairs" -ge 1 ] ||
        jf_skip "no TCP ports outside the ephemeral range $jf_eph-$jf_eph_hi for Slurm"
    jf_try=0
    while :; do
        jf_slurm_port=$((jf_base + (($$ + jf_try * 7919) % jf_pairs) * 2))
        # ss lists every TCP socket's local address (absent ss: trust the draw)
        if ! ss -Htan 2>/dev/null | awk '{print $4}' |
            grep -qE ":($jf_slurm_port|$((jf_slurm_port + 1)))\$"; then
            return 0
        fi
        jf_try=$((jf_try + 1))
        [ "$jf_try" -lt 100 ] || jf_hard_error "no free port pair below $jf_eph for Slurm"
    done
}

# jf_slurm_dead [LOG-GLOB]: a Slurm daemon (slurm*: any) logged a fatal
# error, so it has exited: that line
jf_slurm_dead() {
    # shellcheck disable=SC2086 # the glob is meant
    grep -h -m1 'fatal:' "$jf_slurm_dir"/log/${1:-slurm*}.log 2>/dev/null | head -n 1
}

jf_slurm_start() {
    jf_slurm_mode=$1
    # the munge user must reach its socket: a world-readable folder
    jf_slurm_dir=$(mktemp -d /tmp/jflop-slurm.XXXXXX) || jf_hard_error "mktemp failed"
    chmod 0755 "$jf_slurm_dir"
    mkdir -p "$jf_slurm_dir/state" "$jf_slurm_dir/run" "$jf_slurm_dir/log" "$jf_slurm_dir/munge"
    jf_slurm_pick_port
    jf_slurm_ns=jf$$

    chown munge:munge "$jf_slurm_dir/munge"
    dd if=/dev/urandom of="$jf_slurm_dir/munge/munge.key" bs=1024 count=1 2>/dev/null
    chown munge:munge "$jf_slurm_dir/munge/munge.key"
    chmod 0400 "$jf_slurm_dir/munge/munge.key"
    jf_slurm_daemon munged runuser -u munge -- "$(command -v munged || echo /usr/sbin/munged)" \
        --socket="$jf_slurm_dir/munge/munge.socket" --key-file="$jf_slurm_dir/munge/munge.key" \
        --pid-file="$jf_slurm_dir/munge/munged.pid" --log-file="$jf_slurm_dir/munge/munged.log" \
        --seed-file="$jf_slurm_dir/munge/munged.seed"

    jf_host=$(hostname -s)
    case $jf_slurm_mode in
    one)
        # the node is this host; its name must resolve
        if ! getent hosts "$jf_host" >/dev/null 2>&1; then
            jf_slurm_hosts_line="127.0.0.1 $jf_host # added by jflop's $jf_name"
            echo "$jf_slurm_hosts_line" >>/etc/hosts
        fi
        jf_slurm_conf "$jf_host" 127.0.0.1 \
            "NodeName=$jf_host NodeAddr=127.0.0.1 CPUs=$(getconf _NPROCESSORS_ONLN) State=UNKNOWN" \
            >"$jf_slurm_dir/slurm.conf"
        mkdir -p "$jf_slurm_dir/spool-$jf_host" "$jf_slurm_dir/tmp-$jf_host"
        jf_slurm_daemon slurmctld slurmctld -f "$jf_slurm_dir/slurm.conf"
        jf_slurm_daemon slurmd slurmd -f "$jf_slurm_dir/slurm.conf" -N "$jf_host"
        jf_slurm_nodes=$jf_host
        ;;
    two)
        if ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
            jf_skip "no 'ip netns' here: two nodes need network namespaces"
        fi
        jf_slurm_netns="${jf_slurm_ns}hub ${jf_slurm_ns}n1 ${jf_slurm_ns}n2"
        jf_hub=${jf_slurm_ns}hub
        ip netns add "$jf_hub" || jf_skip "cannot create a network namespace"
        if ! { ip -n "$jf_hub" link set lo up &&
            ip -n "$jf_hub" link add br0 type bridge &&
            ip -n "$jf_hub" addr add 10.77.0.1/24 dev br0 &&
            ip -n "$jf_hub" link set br0 up; }; then
            jf_skip "cannot create a bridge in a network namespace"
        fi
        jf_lines=
        for jf_i in 1 2; do
            jf_ns=${jf_slurm_ns}n$jf_i
            # the veth pair is made inside the namespaces: no address ever
            # appears in the host's own namespace
            if ! { ip netns add "$jf_ns" &&
                ip -n "$jf_ns" link set lo up &&
                ip -n "$jf_ns" link add eth0 type veth peer name "v$jf_i" netns "$jf_hub" &&
                ip -n "$jf_hub" link set "v$jf_i" master br0 &&
                ip -n "$jf_hub" link set "v$jf_i" up &&
                ip -n "$jf_ns" addr add "10.77.0.1$jf_i/24" dev eth0 &&
                ip -n "$jf_ns" link set eth0 up; }; then
                jf_skip "cannot join network namespaces with veth pairs"
            fi
            jf_lines="${jf_lines}NodeName=node$jf_i NodeAddr=10.77.0.1$jf_i NodeHostname=node$jf_i CPUs=$(getconf _NPROCESSORS_ONLN) State=UNKNOWN
"
            mkdir -p "$jf_slurm_dir/spool-node$jf_i" "$jf_slurm_dir/tmp-node$jf_i"
        done
        jf_slurm_conf "$jf_host" 10.77.0.1 "$jf_lines" >"$jf_slurm_dir/slurm.conf"
        jf_slurm_daemon slurmctld nsenter --net="/run/netns/$jf_hub" \
            slurmctld -f "$jf_slurm_dir/slurm.conf"
        # nsenter, not `ip netns exec`: that remounts /sys and slurmd then
        # refuses to start; unshare --uts gives each node its own hostname
        for jf_i in 1 2; do
            jf_slurm_daemon "slurmd-node$jf_i" unshare --uts sh -c \
                "hostname node$jf_i && exec nsenter --net=/run/netns/${jf_slurm_ns}n$jf_i slurmd -f '$jf_slurm_dir/slurm.conf' -N node$jf_i"
        done
        jf_slurm_nodes="node1 node2"
        ;;
    *) jf_hard_error "jf_slurm_start: one or two, not '$jf_slurm_mode'" ;;
    esac

    # up when every node is idle; 30 s by the clock (sinfo waits for an
    # unreachable slurmctld), and at once when a daemon died
    jf_t0=$(date +%s)
    while :; do
        jf_fatal=$(jf_slurm_dead)
        if [ -n "$jf_fatal" ]; then
            for jf_l in "$jf_slurm_dir"/log/*.log; do jf_show "$jf_l"; done
            jf_hard_error "a Slurm daemon stopped (port $jf_slurm_port): $jf_fatal"
        fi
        jf_idle=$(jf_slurm timeout 5 sinfo -h -N -t idle -o '%N' 2>/dev/null | sort -u | wc -l)
        [ "$jf_idle" -eq "$(echo "$jf_slurm_nodes" | wc -w)" ] && break
        if [ $(($(date +%s) - jf_t0)) -gt 30 ]; then
            jf_slurm timeout 5 sinfo -N 2>&1
            for jf_l in "$jf_slurm_dir"/log/*.log; do jf_show "$jf_l"; done
            jf_hard_error "the Slurm nodes ($jf_slurm_nodes) were not idle after 30 s"
        fi
        sleep 0.1
    done
    echo "Slurm up ($jf_slurm_mode node(s): $jf_slurm_nodes, port $jf_slurm_port) after $(($(date +%s) - jf_t0)) s; conf $jf_slurm_dir/slurm.conf"
}

# jf_sbatch PREFIX ARGS...: submit and wait for the job (and all its array
# tasks) to end: job id in $jf_job, its exit status in $jf_rc (the highest
# of its tasks', as sbatch --wait gives), sbatch's output in PREFIX.sbatch.
# Polls every 0.2 s: sbatch --wait backs off up to 32 s between polls, which
# would make a 25 s job take a minute.
jf_sbatch() {
    jf_prefix=$1
    shift
    echo "+ sbatch $*"
    jf_t0=$(date +%s)
    jf_slurm sbatch --parsable "$@" >"$jf_prefix.sbatch" 2>&1
    jf_rc=$?
    jf_job=$(sed -n 's/^\([0-9][0-9]*\).*/\1/p' "$jf_prefix.sbatch" | head -n 1)
    if [ "$jf_rc" -ne 0 ] || [ -z "$jf_job" ]; then
        jf_show "$jf_prefix.sbatch"
        jf_rc=${jf_rc:-1}
        [ "$jf_rc" -ne 0 ] || jf_rc=1
        return
    fi
    jf_i=0
    while [ -n "$(jf_slurm squeue -h -r -j "$jf_job" -o %i 2>/dev/null)" ]; do
        jf_i=$((jf_i + 1))
        if [ "$jf_i" -gt $((jf_limit * 5)) ]; then
            jf_fail "job $jf_job did not end within $jf_limit s"
            jf_slurm_hung
            break
        fi
        sleep 0.2
    done
    # ExitCode=STATUS:SIGNAL of every task; the record lives MinJobAge (5 s)
    jf_rc=$(jf_slurm scontrol show job "$jf_job" 2>/dev/null |
        sed -n 's/.* ExitCode=\([0-9]*\):\([0-9]*\).*/\1 \2/p' |
        awk 'BEGIN { m = -1 } { r = $2 > 0 ? 128 + $2 : $1; if (r > m) m = r } END { print m }')
    [ "$jf_rc" -ge 0 ] || jf_hard_error "job $jf_job ended but Slurm has no record of its exit code"
    echo "  job $jf_job ended after $(($(date +%s) - jf_t0)) s, exit status $jf_rc"
}

# jf_slurm_hung: job $jf_job ran out of time. Into the log: its processes
# and where each jflop-run among them is stuck (gdb, when installed); then
# they are killed and the job cancelled, so the next jobs do not queue
# behind it (scancel alone did not end them here: a rank stuck in MPI
# ignores TERM, and the job stayed "completing").
jf_slurm_hung() {
    jf_hung=$(jf_slurm_pids "$jf_job")
    for jf_p in $jf_hung; do
        echo "  pid $jf_p: $(tr '\0' ' ' <"/proc/$jf_p/cmdline" | cut -c 1-150)"
        if [ "$(cat "/proc/$jf_p/comm" 2>/dev/null)" = jflop-run ] && command -v gdb >/dev/null 2>&1; then
            timeout 60 gdb -p "$jf_p" -batch -ex "bt 25" 2>/dev/null | grep '^#' | sed 's/^/    /'
        fi
    done
    jf_slurm squeue 2>&1 | sed 's/^/  /'
    # shellcheck disable=SC2086 # one PID per word
    [ -z "$jf_hung" ] || kill -KILL $jf_hung 2>/dev/null
    jf_slurm scancel "$jf_job"
}

# jf_sbatch_wait PREFIX ARGS...: the same through sbatch --wait itself
jf_sbatch_wait() {
    jf_prefix=$1
    shift
    echo "+ sbatch --wait $*"
    jf_t0=$(date +%s)
    # shellcheck disable=SC2086 # jf_timeout is a command and its arguments
    jf_slurm $jf_timeout sbatch --wait "$@" >"$jf_prefix.sbatch" 2>&1
    jf_rc=$?
    jf_job=$(sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "$jf_prefix.sbatch" | head -n 1)
    if [ "$jf_rc" -eq 124 ] || [ "$jf_rc" -eq 137 ]; then
        jf_fail "job ${jf_job:-?} did not end within $jf_limit s"
        [ -z "$jf_job" ] || jf_slurm_hung
    fi
    echo "  job ${jf_job:-?} ended after $(($(date +%s) - jf_t0)) s, exit status $jf_rc"
}
