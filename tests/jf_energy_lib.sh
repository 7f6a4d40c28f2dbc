# shellcheck shell=sh disable=SC2034,SC2154 # sourced after jf_testlib.sh, by the tests
# jf_energy_lib.sh -- shared by tests/test_energy_*.sh (POSIX sh), sourced
# after jf_testlib.sh:
#     . "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
# The test machines have no energy counters, so the energy tests run
# jflop-run against synthetic powercap / pm_counters trees that jf_feeder
# (JF_FEEDER, built by `make check`) advances in real time at a known,
# constant power, logging the true energy. These helpers start and stop
# feeders, integrate their logs between two wall-clock times and compare
# numbers with a tolerance.

# Measured steps of --preset tiny that keep the measured phase ≳ 2 s on two
# ranks of a 2-core machine (≈1.5 ms a step unloaded; the feeder and the
# sampler slow it down a little). A faster machine gives a shorter phase,
# still several wraps of the 20 J counters at 80 W (one per 0.25 s).
jf_energy_steps=${JF_ENERGY_STEPS:-1800}

jf_feeder_pids=

jf_require_feeder() {
    [ -n "${JF_FEEDER:-}" ] || jf_hard_error "JF_FEEDER is not set (run the tests with make check)"
    [ -x "$JF_FEEDER" ] || jf_hard_error "$JF_FEEDER is missing or not executable (make check builds it)"
}

# What every energy test needs: jflop-run under MPI, jq for its summaries,
# and energy metering in the build (a build without it is a failure of the
# test, not a reason to skip it).
jf_require_energy() {
    jf_require_mpi
    jf_require_jq
    "$JFLOP_RUN" --help 2>&1 | grep -q -e '--energy' ||
        jf_hard_error "$JFLOP_RUN --help does not mention --energy (no energy support?)"
}

# Feeders are stopped before the test's folder is removed, however the test
# ends.
jf_feeders_stop() {
    for jf_p in $jf_feeder_pids; do
        kill -TERM "$jf_p" 2>/dev/null
        wait "$jf_p" 2>/dev/null
    done
    jf_feeder_pids=
}
trap 'jf_feeders_stop; rm -rf "$jf_tmp"' EXIT

# jf_feeder_start NAME FEEDER_ARGS...: start jf_feeder in the background
# with its truth log in $jf_tmp/NAME.csv; return once its trees exist. NAME
# must be a shell identifier (the pid is kept in jf_feeder_pid_NAME).
jf_feeder_start() {
    jf_fname=$1
    shift
    rm -f "$jf_tmp/$jf_fname.ready"
    echo "+ jf_feeder $* (log $jf_fname.csv)"
    "$JF_FEEDER" --log "$jf_tmp/$jf_fname.csv" --ready "$jf_tmp/$jf_fname.ready" "$@" \
        >"$jf_tmp/$jf_fname.feeder.err" 2>&1 &
    jf_p=$!
    # a real energy counter never lags its energy; a feeder descheduled by
    # the tests beside it does, and then publishes the missed energy at once,
    # which a reader rightly rejects as more power than the zone can draw:
    # ahead of the test load where allowed (root, as CI runs), as is
    renice -n -15 -p "$jf_p" >/dev/null 2>&1 || :
    jf_feeder_pids="$jf_feeder_pids $jf_p"
    eval "jf_feeder_pid_$jf_fname=$jf_p"
    jf_i=0
    while [ ! -e "$jf_tmp/$jf_fname.ready" ]; do
        if ! kill -0 "$jf_p" 2>/dev/null; then
            jf_show "$jf_tmp/$jf_fname.feeder.err"
            jf_hard_error "jf_feeder $jf_fname exited before its trees were ready"
        fi
        jf_i=$((jf_i + 1))
        [ "$jf_i" -le 200 ] || jf_hard_error "jf_feeder $jf_fname not ready after 10 s"
        sleep 0.05
    done
}

# jf_proc_feeder_start NAME DIR CPUS JOB_PCT OTHER_PCT: a fake proc tree
# for JFLOP_PROC_ROOT=DIR whose other processes use OTHER_PCT % of the CPU
# time (tests/jf_proc_feeder.sh; one rank per node reads its self/stat as
# the job's); stopped like a feeder (jf_feeder_stop NAME).
jf_proc_feeder_start() {
    jf_fname=$1
    echo "+ jf_proc_feeder.sh $2 $3 $4 $5"
    sh "$JF_TOP_SRCDIR/tests/jf_proc_feeder.sh" "$2" "$3" "$4" "$5" \
        >"$jf_tmp/$jf_fname.feeder.err" 2>&1 &
    jf_p=$!
    jf_feeder_pids="$jf_feeder_pids $jf_p"
    eval "jf_feeder_pid_$jf_fname=$jf_p"
    jf_i=0
    while [ ! -e "$2/stat" ] || [ ! -e "$2/self/stat" ]; do
        jf_i=$((jf_i + 1))
        [ "$jf_i" -le 200 ] || jf_hard_error "jf_proc_feeder $jf_fname not ready after 10 s"
        sleep 0.05
    done
}

# jf_feeder_stop NAME: SIGTERM the feeder; it must have run cleanly all along
# (exit status 0), or the energy it published is not what its log says.
jf_feeder_stop() {
    eval "jf_p=\${jf_feeder_pid_$1:-}"
    [ -n "$jf_p" ] || jf_hard_error "no feeder named $1"
    kill -TERM "$jf_p" 2>/dev/null
    wait "$jf_p"
    jf_frc=$?
    jf_rest=
    for jf_q in $jf_feeder_pids; do
        [ "$jf_q" = "$jf_p" ] || jf_rest="$jf_rest $jf_q"
    done
    jf_feeder_pids=$jf_rest
    jf_check "feeder $1 ran and stopped cleanly (exit status $jf_frc)" test "$jf_frc" -eq 0
    [ "$jf_frc" -eq 0 ] || jf_show "$jf_tmp/$1.feeder.err"
}

# jf_feeder_static NAME FEEDER_ARGS...: a tree written once and left alone
# (the feeder runs 50 ms and exits), for cases that edit files by hand.
jf_feeder_static() {
    jf_fname=$1
    shift
    echo "+ jf_feeder $* --duration 0.05"
    "$JF_FEEDER" "$@" --duration 0.05 >"$jf_tmp/$jf_fname.feeder.err" 2>&1 || {
        jf_show "$jf_tmp/$jf_fname.feeder.err"
        jf_hard_error "jf_feeder $jf_fname failed"
    }
}

# jf_truth NAME T0 T1 COLUMN: the true energy between wall-clock times T0 and
# T1 (epoch seconds) from feeder NAME's log: the counter value the feeder had
# last written by each time (its log line carries the time the value stands
# for), which is what a reader at that time saw. Interpolating to T0/T1
# instead charged the reader with the feeder's lateness: on a loaded machine
# a feeder runs tens of ms late, 3 % of a 0.7 s phase. 2 us of slack for the
# µs rounding of pm_counters' own timestamps. COLUMN 2 package, 3 DRAM,
# 4 node. "nan" when [T0, T1] is not inside the log.
jf_truth() {
    awk -F, -v t0="$2" -v t1="$3" -v c="$4" '
        { t[NR] = $1 + 0; e[NR] = $c + 0 }
        function at(x,   i) {
            if (NR < 2 || x + 2e-6 < t[1] || x > t[NR]) return "nan"
            for (i = NR; i > 1; i--)
                if (t[i] <= x + 2e-6)
                    break
            return e[i]
        }
        END {
            a = at(t0); b = at(t1)
            if (a == "nan" || b == "nan") print "nan"; else printf "%.6f\n", b - a
        }' "$jf_tmp/$1.csv"
}

# jf_truth_peak NAME T0 T1 WINDOW COLUMN: the feeder's own largest power
# over any window of at least WINDOW seconds between T0 and T1, from its log
# (a feeder descheduled under load catches up in bursts: this is the power
# its counters really showed, which a meter may reach but not exceed).
jf_truth_peak() {
    awk -F, -v t0="$2" -v t1="$3" -v w="$4" -v c="$5" '
        $1 + 0 >= t0 - w && $1 + 0 <= t1 + w { n++; t[n] = $1 + 0; e[n] = $c + 0 }
        END {
            peak = 0; j = 1
            for (i = 1; i <= n; i++) {
                while (j < n && t[j + 1] <= t[i] - w) j++
                if (t[i] - t[j] >= w && (e[i] - e[j]) / (t[i] - t[j]) > peak)
                    peak = (e[i] - e[j]) / (t[i] - t[j])
            }
            printf "%.6f\n", peak
        }' "$jf_tmp/$1.csv"
}

# jf_truth_max_gap NAME T0 T1: the longest the feeder left its counters
# unchanged between T0 and T1 (the largest gap between its log's rows, s).
# A reader can see a value that stale: a feeder descheduled under load for
# G seconds makes one interval's reading show up to G seconds' more energy.
jf_truth_max_gap() {
    awk -F, -v t0="$2" -v t1="$3" '
        $1 + 0 >= t0 && $1 + 0 <= t1 { if (n++ && $1 - last > gap) gap = $1 - last; last = $1 + 0 }
        END { printf "%.6f\n", gap + 0 }' "$jf_tmp/$1.csv"
}

# jf_truth_wraps NAME T0 T1 RANGE_J: how many times the feeder's counters
# (package, DRAM and the core sub-zone at 0.6 x package, summed over
# sockets as the log is) wrapped between T0 and T1: the wraps a reader must
# have counted in that phase, give or take one per zone at each end.
jf_truth_wraps() {
    awk -F, -v t0="$2" -v t1="$3" -v r="$4" '
        { t[NR] = $1 + 0; p[NR] = $2 + 0; d[NR] = $3 + 0 }
        function at(a, x,   i) {
            for (i = 2; i <= NR; i++)
                if (t[i] >= x)
                    return a == "p" ? p[i - 1] + (p[i] - p[i - 1]) * (x - t[i - 1]) / (t[i] - t[i - 1]) \
                                    : d[i - 1] + (d[i] - d[i - 1]) * (x - t[i - 1]) / (t[i] - t[i - 1])
            return "nan"
        }
        function w(e0, e1) { return int(e1 / r) - int(e0 / r) }
        END {
            if (NR < 2 || t0 < t[1] || t1 > t[NR]) { print "nan"; exit }
            p0 = at("p", t0); p1 = at("p", t1); d0 = at("d", t0); d1 = at("d", t1)
            print w(p0, p1) + w(d0, d1) + w(0.6 * p0, 0.6 * p1)
        }' "$jf_tmp/$1.csv"
}

# jf_val FILE EXPR: one value from a JSON file (jq -r), "null" when absent.
jf_val() {
    jq -r "$2" "$1" 2>/dev/null | head -n 1
}

# jf_close DESCRIPTION GOT WANT REL [ABS]: |GOT - WANT| <= REL*|WANT| + ABS.
jf_close() {
    jf_checks=$((jf_checks + 1))
    if awk -v g="$2" -v w="$3" -v r="$4" -v a="${5:-0}" 'BEGIN {
            if (g !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ || w !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) exit 1
            d = g - w; if (d < 0) d = -d
            m = w < 0 ? -w : w
            exit !(d <= r * m + a) }'; then
        jf_pass "$1 ($2 vs $3)"
    else
        jf_fail "$1: got $2, want $3 within $4 relative + ${5:-0}"
    fi
}

# jf_feeder_kept_up NAME T0 T1: true when feeder NAME published (nearly)
# all the time between T0 and T1: the wall seconds it lost there (its log's
# column 5, cumulative: from its last row by T0 to its first row from T1 on,
# which covers T1) are at most 0.5 % of the interval. A feeder the VM took
# off its CPU for longer than an update may publish (1.5 periods, jf_feeder.c)
# published less than its nominal power. Sets jf_lost.
jf_feeder_kept_up() {
    jf_lost=$(awk -F, -v t0="$2" -v t1="$3" '
        $1 + 0 <= t0 { a = $5 }
        $1 + 0 >= t1 && !done { b = $5; done = 1 }
        { last = $5 }
        END { printf "%.6f\n", (done ? b : last) - a }' "$jf_tmp/$1.csv")
    awk -v l="$jf_lost" -v a="$2" -v b="$3" 'BEGIN { exit !(l <= 0.005 * (b - a)) }'
}

# jf_close_nominal DESCRIPTION GOT NAME T0 T1 WATTS SECONDS REL [ABS]: GOT =
# WATTS x SECONDS (jf_close), checked only when feeder NAME kept up with its
# clock between T0 and T1 (jf_feeder_kept_up); else a note, the figure
# being left to the test's check against the feeder's log. Sets jf_kept
# to yes or no.
jf_close_nominal() {
    jf_nominal=$(awk -v s="$7" -v w="$6" 'BEGIN { printf "%.6f", s * w }')
    jf_kept=no
    if jf_feeder_kept_up "$3" "$4" "$5"; then
        jf_kept=yes
        jf_close "$1" "$2" "$jf_nominal" "$8" "${9:-0}"
    else
        echo "note: feeder $3 fell behind its clock ($jf_lost s lost between $4 and $5): \"$1\" ($2 against $jf_nominal) is left to the check against its log"
    fi
}

# jf_close_ratio DESCRIPTION A B TRUTH_A TRUTH_B NOMINAL KEPT REL: A/B, two
# nodes' Joules, = TRUTH_A/TRUTH_B, what their feeders published over the
# same phases (REL); and = NOMINAL, the ratio of their powers, when KEPT is
# "yes" (both feeders kept up, jf_feeder_kept_up): one the VM took off its
# CPU published less than its power.
jf_close_ratio() {
    jf_ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.6f", a / b }')
    jf_close "$1: their Joules' ratio = their feeders' truths' ratio ($8)" "$jf_ratio" \
        "$(awk -v a="$4" -v b="$5" 'BEGIN { printf "%.6f", a / b }')" "$8"
    if [ "$7" = yes ]; then
        jf_close "$1: their Joules' ratio = their powers' ratio, $6 ($8)" "$jf_ratio" "$6" "$8"
    else
        echo "note: a feeder fell behind its clock: \"$1\" (ratio $jf_ratio against $6) is left to the truths' ratio"
    fi
}

# jf_lines_matching FILE ERE: how many lines of FILE match.
jf_lines_matching() {
    grep -c -E -e "$2" "$1" 2>/dev/null || true
}

# jf_mpmd PREFIX LAUNCHER_ARGS...: jf-mpirun with arguments given in full
# (MPMD launches with ':').
jf_mpmd() {
    jf_p=$1
    shift
    echo "+ jf-mpirun $*"
    jf_logged "$jf_p" "the MPMD job" "$JF_MPIRUN" "$@"
}

# jf_mpi_fault NP PREFIX FEEDER ARGS...: as jf_mpi, and once the run reports
# measured steps (its first "measured step" progress line on stderr, about
# a second into the measured phase), SIGUSR1 to feeder FEEDER: its faults
# given as "usr1" begin then, inside the phase.
jf_mpi_fault() {
    jf_np=$1
    jf_prefix=$2
    eval "jf_fp=\${jf_feeder_pid_$3:-}"
    [ -n "$jf_fp" ] || jf_hard_error "no feeder named $3"
    shift 3
    echo "+ jf-mpirun -np $jf_np jflop-run $* (SIGUSR1 to the feeder once measuring)"
    # shellcheck disable=SC2086 # jf_timeout is a command and its arguments
    $jf_timeout "$JF_MPIRUN" -np "$jf_np" "$JFLOP_RUN" "$@" >"$jf_prefix.out" 2>"$jf_prefix.err" &
    jf_job=$!
    until grep -q 'measured step' "$jf_prefix.err" 2>/dev/null; do
        kill -0 "$jf_job" 2>/dev/null || break
        sleep 0.02
    done
    kill -USR1 "$jf_fp"
    wait "$jf_job"
    jf_rc=$?
    echo "  exit status $jf_rc"
    if [ "$jf_rc" -eq 124 ] || [ "$jf_rc" -eq 137 ]; then
        jf_fail "jflop-run on $jf_np ranks did not finish within $jf_limit s (hang?)"
    fi
}

# jf_fault_time NAME: when feeder NAME's (first) fault began, epoch seconds.
jf_fault_time() {
    sed -n 's/^jf_feeder: .* at \([0-9.]*\)$/\1/p' "$jf_tmp/$1.feeder.err" | head -n 1
}

# jf_fault_in_phase NAME JSON: the fault of feeder NAME began inside node 0's
# measured phase; if not, the test did not test what it meant to.
jf_fault_in_phase() {
    jf_ft=$(jf_fault_time "$1")
    jf_t0=$(jf_val "$2" '.energy.nodes[0].phase_start_utc')
    jf_t1=$(jf_val "$2" '.energy.nodes[0].phase_end_utc')
    jf_check "the fault (at ${jf_ft:-never}) began inside the measured phase [$jf_t0, $jf_t1]" \
        awk -v f="${jf_ft:-0}" -v a="$jf_t0" -v b="$jf_t1" 'BEGIN { exit !(f > a && f < b) }'
}

# jf_no_fake_zero JSON DESCRIPTION: energy that was not measured is never
# presented as 0 J measured: measured false, status not "measured", every
# Joules figure null.
jf_no_fake_zero() {
    jf_jq "$1" '.energy.measured == false and .energy.status != "measured"' \
        "$2: energy is not reported as measured"
    jf_jq "$1" '.energy.joules_total == null and .energy.joules_per_flop == null and
                .energy.gflops_per_watt == null and .energy.joules_per_token == null' \
        "$2: joules_total and the figures derived from it are null, not 0"
    jf_jq "$1" '[.energy.nodes[]? | select(.measured == false) | .joules] | all(. == null)' \
        "$2: no unmeasured node carries Joules"
}
