#!/bin/sh
# test_faults_energy: fault injection on the energy counters (issue #12,
# class 3): energy that cannot be physical is never reported as measured.
# jf_feeder breaks its synthetic counters once the run is measuring
# (SIGUSR1), and every case asserts the exit status, the one stderr line
# that says why the run failed, the summary JSON and what the HDF5 results
# file holds afterwards:
#  - every counter stuck; one zone of the node total stuck (powercap); every
#    counter stuck (pm_counters): energy invalid, "did not move";
#  - a stuck sub-zone outside the node total (core): still measured;
#  - an impossible jump forwards (powercap, pm_counters): invalid, "jumped";
#  - the process stopped for a second (SIGSTOP/SIGCONT, as Slurm's suspend
#    does): the sampler does not catch up in a burst, the peak stays near
#    the true power, the trace's times increase; and when the counters can
#    wrap within that second, the energy is invalid (wraps may be missed);
#  - --warmup 0, four runs: measured, the trace's times increase from a
#    first row at a negative time, and the results reader accepts it; a
#    trace edited to a first row of 4.9e-307 s, a NaN time, negative Joules
#    or an unknown mark is refused with the file and the dataset named.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder
command -v h5dump >/dev/null 2>&1 || jf_skip "h5dump not found (the HDF5 tools; install-deps installs them)"

n=0
next_case() {
    n=$((n + 1))
    p=$jf_tmp/case$n
    json=$p.json
    h5=$p.h5
}

# h5attr FILE OBJECT ATTRIBUTE: an attribute's value as h5dump prints it.
h5attr() {
    h5dump -a "$2/$3" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | head -n 1
}

# invalid_case FEEDER NEEDLE DESCRIPTION: the last run measured energy that
# cannot be physical (NEEDLE, an ERE, in the reason): exit 1, one stderr
# line "jflop-run: the run failed: <reason>", status failed and energy
# invalid in the JSON with no Joules, INVALID on stdout, and in the HDF5
# file the node marked invalid with the reason and no Joules.
invalid_case() {
    jf_expect_rc 1 "$3: the run fails"
    jf_checks=$((jf_checks + 1))
    if [ "$(grep -c '^jflop-run: the run failed: ' "$p.err")" -eq 1 ] &&
        grep -q -E "^jflop-run: the run failed: .*$2" "$p.err"; then
        jf_pass "$3: stderr -> $(grep '^jflop-run: the run failed' "$p.err")"
    else
        jf_fail "$3: no single stderr line 'jflop-run: the run failed: ...$2'"
        jf_show "$p.err"
    fi
    if [ ! -s "$json" ]; then
        jf_check "$3: --summary-json was written" false
        return
    fi
    jf_fault_in_phase "$1" "$json"
    jf_jq "$json" '.status == "failed" and .energy.status == "invalid"' "$3: status failed, energy invalid"
    jf_jq "$json" ".energy.reason | test(\"$2\")" "$3: the reason says so: $(jf_val "$json" .energy.reason)"
    jf_no_fake_zero "$json" "$3"
    jf_check "$3: stdout marks the energy INVALID" grep -q -E "INVALID.*$2" "$p.out"
    jf_check "$3: the HDF5 file marks node 0 invalid" test "$(h5attr "$h5" /energy/node_0000 invalid)" = 1
    jf_check "$3: the HDF5 file gives the reason" sh -c 'printf "%s\n" "$1" | grep -q -E "$2"' sh \
        "$(h5attr "$h5" /energy/node_0000 reason)" "$2"
    jf_check "$3: the HDF5 file holds no Joules for the node" \
        sh -c '! h5dump -A -g /energy/node_0000 "$1" | grep -q "ATTRIBUTE \"joules\""' sh "$h5"
    jf_check "$3: no temporary file left" test -z "$(find "$jf_tmp" -name '*.tmp.*')"
}

# fault FEEDER ROOT_FLAG ROOT BACKEND: run 2 ranks on the feeder's tree,
# the feeder's fault set off once measuring.
fault() {
    # shellcheck disable=SC2086 # $min_seconds is an option and its value or nothing
    jf_mpi_fault 2 "$p" "$1" --preset tiny --steps "$jf_energy_steps" $min_seconds \
        --energy "$4" "$2" "$3" --output "$h5" --summary-json "$json"
    jf_feeder_stop "$1"
}

# --- stuck counters ----------------------------------------------------------
# A counter counts as stuck once still for 2 s (JF_ENERGY_STUCK_SECONDS),
# and the fault comes with the first progress line, about a second into the
# phase: --min-seconds 4.5 keeps the phase long enough on a machine of any
# speed (a step count alone was too short once the tiny preset got faster).
# A loaded machine is slower, so these runs get twice the usual time limit.
min_seconds="--min-seconds 4.5"
[ -z "$jf_timeout" ] || jf_timeout="timeout -k 10 $((2 * jf_limit))"
next_case
# (1000 J counters: a loaded machine's stalled sampler cannot miss a wrap,
# which would be another reason to refuse the energy)
big="--range-uj 1000000000 --max-power-w 200"
# shellcheck disable=SC2086 # $big is a list of arguments
jf_feeder_start stuck --powercap "$jf_tmp/stuck" $big --stuck-after usr1
fault stuck --powercap-root "$jf_tmp/stuck" powercap
invalid_case stuck "no counter moved over the .* measured phase [(]all 3 stuck" \
    "every powercap counter stuck"

next_case
# shellcheck disable=SC2086
jf_feeder_start stuckdram --powercap "$jf_tmp/stuckdram" $big --stuck-after usr1 --stuck-zone intel-rapl:0:0
fault stuckdram --powercap-root "$jf_tmp/stuckdram" powercap
invalid_case stuckdram "counter package-0/dram [(]intel-rapl:0:0[)] of the node total did not move" \
    "one zone of the node total (DRAM) stuck"

next_case
# shellcheck disable=SC2086
jf_feeder_start stuckcore --powercap "$jf_tmp/stuckcore" $big --stuck-after usr1 --stuck-zone intel-rapl:0:1
fault stuckcore --powercap-root "$jf_tmp/stuckcore" powercap
jf_expect_rc 0 "a stuck sub-zone outside the node total (core)"
jf_jq "$json" '.status == "ok" and .energy.status == "measured" and .energy.joules_total > 0' \
    "stuck core sub-zone: the node total is still measured"
jf_check "stuck core sub-zone: the HDF5 file has the node's Joules" \
    sh -c 'h5dump -A -g /energy/node_0000 "$1" | grep -q "ATTRIBUTE \"joules\""' sh "$h5"

next_case
jf_feeder_start stuckpm --pm-counters "$jf_tmp/stuckpm" --stuck-after usr1
fault stuckpm --pm-counters-root "$jf_tmp/stuckpm" pm_counters
invalid_case stuckpm "no counter moved over the .* measured phase" "every pm_counters counter stuck"

# the other faults need only a reading or two after them, but the phase
# must outlast the first progress line (about a second) however fast the
# machine runs the steps
min_seconds="--min-seconds 3"

# --- impossible jumps forwards ----------------------------------------------
# 1000 J counters (at most 250 W): a jump of 400 J between readings 0.1 s
# apart is 4 kW (past the range's top the counter wraps as it jumps, and
# the reason says "wrapped and advanced": where it stands by then depends
# on how long the run took to start)
next_case
jf_feeder_start jump --powercap "$jf_tmp/jump" --range-uj 1000000000 --max-power-w 200 \
    --jump-after usr1 --jump-uj 400000000
fault jump --powercap-root "$jf_tmp/jump" powercap
invalid_case jump "counter package-0 (jumped|wrapped and advanced) by [0-9.]+ J .* above the 250 W it can draw" \
    "powercap package-0 jumps 400 J forwards"

# pm_counters: 100 kJ at once, far above the 15 kW a node can draw
next_case
jf_feeder_start jumppm --pm-counters "$jf_tmp/jumppm" --jump-after usr1 --jump-uj 100000000000
fault jumppm --pm-counters-root "$jf_tmp/jumppm" pm_counters
invalid_case jumppm "counter energy jumped by [0-9.]+ J .* above the 15000 W it can draw" \
    "pm_counters energy jumps 100 kJ forwards"

# --- the process stopped for a second ------------------------------------------
# trace_ok FILE INTERVAL: the node's trace in FILE has finite, increasing
# times, and no two periodic readings closer than half the interval, from
# its second row on. (Its first row, the meter's first reading, is left
# out: the results writer has been seen to store it uninitialised,
# 4.8e-307, with --warmup 0 on a loaded machine, while the meter's own
# trace was valid; that is in jf_results.c, outside this change, and
# reported.)
trace_ok() {
    h5dump -m '%.9g' -y -w 0 -d /energy/node_0000/trace "$1" | awk '/DATA \{/ { d = 1; next }
        d && /^ *[-0-9]/ { sub(/,.*/, ""); print $1 } d && /\}/ { exit }' >"$1.t"
    h5dump -y -w 0 -d /energy/node_0000/trace_mark "$1" | awk '/DATA \{/ { d = 1; next }
        d && /^ *[0-9]/ { gsub(/,/, " "); for (i = 1; i <= NF; i++) print $i } d && /\}/ { exit }' >"$1.m"
    paste "$1.t" "$1.m" | tail -n +2 | awk -v iv="$2" '
        { if ($1 !~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/) { print "row " NR ": time " $1 " is not a number"; bad = 1; exit }
          if (NR > 1 && $1 < t) { print "row " NR ": time " $1 " before " t; bad = 1; exit }
          if (NR > 1 && $2 == 0 && pm == 0 && $1 - t < iv / 2) {
              print "rows " NR - 1 " and " NR ": periodic readings " $1 - t " s apart"; bad = 1; exit }
          t = $1; pm = $2; rows++ }
        END { if (rows < 3) { print "only " rows " rows"; exit 1 } exit bad }'
}

# stopped_run NAME FEEDER_ARGS...: one rank on feeder NAME's tree, the
# rank's process stopped for 1 s once measuring, then continued.
stopped_run() {
    jf_sname=$1
    shift
    jf_feeder_start "$jf_sname" --powercap "$jf_tmp/$jf_sname" "$@"
    echo "+ jf-mpirun -np 1 jflop-run ... (SIGSTOP for 1 s once measuring, then SIGCONT)"
    $jf_timeout "$JF_MPIRUN" -np 1 "$JFLOP_RUN" --preset tiny --steps "$jf_energy_steps" $min_seconds \
        --energy powercap --powercap-root "$jf_tmp/$jf_sname" --output "$h5" --summary-json "$json" \
        >"$p.out" 2>"$p.err" &
    job=$!
    until grep -q 'measured step' "$p.err" 2>/dev/null; do
        kill -0 "$job" 2>/dev/null || break
        sleep 0.02
    done
    # the rank itself: the jflop-run process of this case (its --output
    # path is unique), not the launcher
    rank=
    for proc in /proc/[0-9]*; do
        [ "$(readlink "$proc/exe" 2>/dev/null)" = "$JFLOP_RUN" ] || continue
        tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -q -F -e "$h5" && rank=${proc#/proc/}
    done
    stopped_at=
    if [ -n "$rank" ]; then
        stopped_at=$(date +%s.%N)
        kill -STOP "$rank" && sleep 1 && kill -CONT "$rank"
        echo "  stopped rank process $rank for 1 s at $stopped_at"
    fi
    wait "$job"
    jf_rc=$?
    jf_prefix=$p
    jf_feeder_stop "$jf_sname"
    jf_check "the rank's process was found and stopped" test -n "$rank"
    # a stop after the phase tests nothing (the process scan takes time)
    jf_t0=$(jf_val "$json" '.energy.nodes[0].phase_start_utc')
    jf_t1=$(jf_val "$json" '.energy.nodes[0].phase_end_utc')
    [ "$jf_t1" != null ] || jf_t1=$(awk -v s="${stopped_at:-0}" 'BEGIN { printf "%.6f", s + 2 }')
    jf_check "the stop (at ${stopped_at:-never}) fell inside the measured phase [$jf_t0, $jf_t1]" \
        awk -v f="${stopped_at:-0}" -v a="$jf_t0" -v b="$jf_t1" 'BEGIN { exit !(f > a && f + 1 < b) }'
}

# 1000 J counters (a wrap every 4 s at most): nothing is missed in 1 s
next_case
stopped_run stop --range-uj 1000000000 --max-power-w 200
jf_expect_rc 0 "a run stopped for 1 s and continued"
jf_jq "$json" '.energy.status == "measured"' "stopped and continued: energy still measured"
# the truth: 92 W, or more where the feeder itself caught up in a burst
truth_peak=$(jf_truth_peak stop "$(jf_val "$json" .energy.nodes[0].phase_start_utc)" \
    "$(jf_val "$json" .energy.nodes[0].phase_end_utc)" "$(jf_val "$json" .energy.sample_interval)" 4)
# a reading may be as stale as the feeder's longest pause (a loaded
# machine descheduling it), over readings at least half an interval apart
# (checked below): the bound widens from 2x only by what its log shows
gap=$(jf_truth_max_gap stop "$(jf_val "$json" .energy.nodes[0].phase_start_utc)" \
    "$(jf_val "$json" .energy.nodes[0].phase_end_utc)")
slack=$(awk -v g="$gap" -v iv="$(jf_val "$json" .energy.sample_interval)" \
    'BEGIN { s = 1 + 2 * g / iv; printf "%.6f", (s > 2 ? s : 2) }')
jf_jq "$json" "(.energy.nodes[0].peak_watts <= $slack * ([92, $truth_peak] | max)) and .energy.nodes[0].peak_watts >= .energy.nodes[0].mean_watts" \
    "stopped and continued: peak $(jf_val "$json" .energy.nodes[0].peak_watts) W within ${slack}x the feeder's true peak ($truth_peak W over one interval; 92 W steady; 2x, more only when the feeder paused: $gap s at most)"
iv=$(jf_val "$json" .energy.sample_interval)
jf_check "stopped and continued: trace times increase, periodic readings at least half an interval ($iv s) apart (no catch-up burst) $(trace_ok "$h5" "$iv")" \
    trace_ok "$h5" "$iv"
jf_close "stopped and continued: node Joules = the feeder's true energy over the phase (2 %)" \
    "$(jf_val "$json" .energy.nodes[0].joules)" \
    "$(jf_truth stop "$(jf_val "$json" .energy.nodes[0].phase_start_utc)" "$(jf_val "$json" .energy.nodes[0].phase_end_utc)" 4)" 0.02

# 20 J counters at 80 W wrap every 0.25 s: stopped for 1 s, the reader
# cannot know how many wraps it missed
next_case
stopped_run stopwrap
jf_expect_rc 1 "a run stopped for 1 s, longer than its counters' wrap period"
jf_checks=$((jf_checks + 1))
if grep -q -E '^jflop-run: the run failed: powercap: the reader was held up [0-9.]+ s, long enough for counter .* to wrap unseen' "$p.err"; then
    jf_pass "stopped past a wrap: stderr -> $(grep '^jflop-run: the run failed' "$p.err")"
else
    jf_fail "stopped past a wrap: no stderr line 'the reader was held up ... wrap unseen'"
    jf_show "$p.err"
fi
jf_jq "$json" '.status == "failed" and .energy.status == "invalid" and (.energy.reason | test("wrap unseen"))' \
    "stopped past a wrap: status failed, energy invalid: $(jf_val "$json" .energy.reason)"
jf_no_fake_zero "$json" "stopped past a wrap"
jf_check "stopped past a wrap: the HDF5 file marks node 0 invalid" test "$(h5attr "$h5" /energy/node_0000 invalid)" = 1

# --- a run without warm-up ---------------------------------------------------
# Several runs: the trace's first row once read 4.9e-307 s (a rank with
# nothing to write took part in the collective write and wrote one element
# of its own buffer over it, in about a third of such runs); the results
# reader now refuses such a trace, so jflop report reading each run whole
# is the check.
# shellcheck disable=SC2086
jf_feeder_start nowarm --powercap "$jf_tmp/nowarm" $big
for rep in 1 2 3 4; do
    next_case
    jf_mpi 2 "$p" --preset tiny --warmup 0 --steps 100 --energy powercap --powercap-root "$jf_tmp/nowarm" \
        --output "$h5" --summary-json "$json"
    jf_expect_rc 0 "--warmup 0 (run $rep)"
    jf_jq "$json" '.energy.status == "measured" and .energy.nodes[0].seconds > 0' \
        "--warmup 0 (run $rep): the energy is measured, over a phase of positive length"
    jf_check "--warmup 0 (run $rep): the trace's times increase: $(trace_ok "$h5" "$(jf_val "$json" .energy.sample_interval)")" \
        trace_ok "$h5" "$(jf_val "$json" .energy.sample_interval)"
    # (a periodic reading may come between the first reading and the
    # phase start when setting up takes longer than an interval)
    marks=$(h5dump -d /energy/node_0000/trace_mark -w 400 "$h5" | grep -m1 -o "(0): [0-9, ]*" | cut -c1-60)
    first=$(h5dump -d /energy/node_0000/trace -w 400 "$h5" | grep -m1 -o "(0,0): [^,]*")
    jf_check "--warmup 0 (run $rep): the trace's first row is the first reading, at a negative time, then periodic ones up to the phase start (marks $marks; $first)" \
        sh -c 'echo "$1" | grep -q -E "^\(0\): 1,( 0,)* 2," && echo "$2" | grep -q "^(0,0): -[0-9]"' sh "$marks" "$first"
    jf_cli "$p.report" report --table nodes "$h5"
    jf_expect_rc 0 "--warmup 0 (run $rep): jflop report reads its node groups and trace"
done
jf_feeder_stop nowarm

# corrupt traces, made from the last run: refused by the reader, named
# with the file and the dataset (jflop report: exit 1, the nodes left out)
# bad_trace DATASET INDEX VALUE NEEDLE DESCRIPTION
bad_trace() {
    cp "$h5" "$jf_tmp/bad$n.h5"
    "$JF_H5_EDIT" "$jf_tmp/bad$n.h5" data "$1" "$2" "$3" || jf_hard_error "jf_h5_edit $1 $2 $3 failed"
    jf_cli "$p.bad$n" report --table nodes "$jf_tmp/bad$n.h5"
    jf_expect_rc 1 "$5: jflop report"
    jf_checks=$((jf_checks + 1))
    if [ "$(wc -l <"$p.bad$n.err")" -eq 1 ] &&
        grep -q -F "jflop report: $jf_tmp/bad$n.h5: dataset /energy/node_0000/$4" "$p.bad$n.err"; then
        jf_pass "$5 -> $(cat "$p.bad$n.err")"
    else
        jf_fail "$5: no single stderr line naming the file and '$4'"
        jf_show "$p.bad$n.err"
    fi
    n=$((n + 1))
}
bad_trace /energy/node_0000/trace 0 4.9e-307 "trace: row 1 has time 0 s, before row 0's 4.9e-307 s: the times are not monotonic" \
    "a first row with time 4.9e-307 s"
bad_trace /energy/node_0000/trace 0 nan "trace: row 0 has time nan s, not a finite time" "a time that is NaN"
bad_trace /energy/node_0000/trace 1 inf "trace: row 0, column 1 has inf J, not a finite energy" "infinite Joules"
bad_trace /energy/node_0000/trace_mark 0 9 "trace_mark: row 0 has mark 9, not 0 to 8" "a mark that is none"
jf_done
