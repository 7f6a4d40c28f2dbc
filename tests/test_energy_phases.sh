#!/bin/sh
# test_energy_phases: idle power, dynamic energy and energy per step part
# against known answers. jf_feeder's node draws a power that follows what
# the ranks do: jflop-run's testing aid JFLOP_TEST_PHASE_FILE makes world
# rank 0 write its current activity ("idle", "forward", "backward",
# "allreduce", "optimizer", "other") into a file at each step-part stamp,
# and the feeder (--power-file, --phase-watts) draws 120 W in forward,
# 200 W in backward, 40 W in the allreduce, 60 W in the optimizer and 80 W
# between steps, and 35 W (30 W package + 5 W DRAM) otherwise, idle
# included. Its log names the activity each update's energy was drawn at,
# so the truth per part is the sum of the node energy's increments of that
# activity inside the measured phase. Checked:
#   - idle power (--idle-seconds 2, ranks asleep) = what the feeder
#     published between the run's idle marks within 3 %, and 35 W when the
#     feeder kept up;
#   - idle Joules = idle W x phase seconds; dynamic = gross - idle, in
#     the summary JSON, and J/FLOP dynamic / gross = dynamic / gross;
#   - each part's Joules (time overlap on a 20 ms trace) = the feeder's
#     truth within the part's stated uncertainty + 2 % of the phase's
#     energy, forward and backward within 10 %; forward = 120 W x its
#     seconds within 10 % (the feeder followed the stamps). What the
#     tolerances allow for: the feeder reads the activity file every 2 ms
#     and a loaded machine delays it, so each change of part reaches the
#     counters a little late (typically 0.3-3 % here);
#   - naive attribution (the phase's energy split by time) is off by more
#     than the overlap attribution, summed over the parts;
#   - the progress line shows the node's power and energy so far;
#   - jflop report's energy table gives the same figures from the HDF5 file.
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs in single quotes
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder
jf_require_python h5py

tree=$jf_tmp/powercap
phase=$jf_tmp/phase
jf_feeder_start ph --powercap "$tree" --pkg-watts 30 --dram-watts 5 \
    --range-uj 1000000000 --max-power-w 400 --period-ms 2 --power-file "$phase" \
    --phase-watts forward=120,backward=200,allreduce=40,optimizer=60,other=80

run=$jf_tmp/ph
JFLOP_TEST_PHASE_FILE=$phase
export JFLOP_TEST_PHASE_FILE
jf_mpi 2 "$run" --preset default --threads 1 --warmup 1 --steps 8 --idle-seconds 2 \
    --energy powercap --powercap-root "$tree" --sample-interval 20ms \
    --output "$run.h5" --summary-json "$run.json"
unset JFLOP_TEST_PHASE_FILE
jf_feeder_stop ph
jf_expect_rc 0 "--idle-seconds 2 with per-part energy on 2 ranks" || jf_done
jf_jq "$run.json" '.status == "ok" and .energy.measured == true' "status ok, energy measured"

# idle
idle_w=$(jf_val "$run.json" '.energy.nodes[0].idle_watts')
# what the feeder published between the run's own idle marks, as a
# reader at those times saw it (jf_feeder_truth.py; the feeder's rows drawn
# at "idle" span another window: in a CI run whose feeder lost time there
# they gave 32.6 W where the run read 29.0 W; the marks' truth matches the
# run to 1e-8)
idle_truth=$("$py" "$JF_TOP_SRCDIR/tests/jf_feeder_truth.py" "$run.h5" "$jf_tmp/ph.csv") ||
    jf_hard_error "jf_feeder_truth.py failed on $run.h5: $idle_truth"
set -- $(printf '%s\n' "$idle_truth" | jq -r '.idle | "\(.joules / .seconds) \(.start) \(.stop)"')
jf_close "idle power = what the feeder published between the idle marks (3 %)" "$idle_w" "$1" 0.03
jf_close_nominal "idle power = the feeder's 35 W (3 %)" "$idle_w" ph "$2" "$3" 35 1 0.03
jf_close "idle window = --idle-seconds 2" "$(jf_val "$run.json" '.energy.nodes[0].idle_seconds')" 2 0.05
jf_jq "$run.json" '.energy.idle_measured == true and .energy.idle_seconds_asked == 2' \
    "the summary says idle was measured"
jf_jq "$run.json" '(.energy.nodes[0] | (.idle_joules - .idle_watts * .seconds) | fabs) < 1e-6' \
    "idle Joules = idle W x the phase's seconds"
jf_jq "$run.json" '(.energy | (.dynamic_joules - (.joules_total - .idle_joules)) | fabs) < 1e-6' \
    "dynamic = gross - idle"
jf_jq "$run.json" '.energy | .dynamic_joules > 0 and .dynamic_joules < .joules_total' \
    "0 < dynamic < gross"
jf_jq "$run.json" '.energy | ((.joules_per_flop_dynamic / .joules_per_flop_gross) -
                             (.dynamic_joules / .joules_total) | fabs) < 1e-9' \
    "J/FLOP dynamic / gross = dynamic / gross"
grep -q 'gross .* J = idle .* J + dynamic .* J' "$run.out"
jf_check "the text summary gives gross = idle + dynamic" test $? -eq 0

# the truth per part, from the feeder's log inside the measured phase
t0=$(jf_val "$run.json" '.energy.nodes[0].phase_start_utc')
t1=$(jf_val "$run.json" '.energy.nodes[0].phase_end_utc')
phase_j=$(jf_val "$run.json" '.energy.nodes[0].joules')
phase_s=$(jf_val "$run.json" '.energy.nodes[0].seconds')
truth() {
    awk -F, -v a="$t0" -v b="$t1" -v w="$1" '
        NR > 1 && $1 + 0 > a && $1 + 0 <= b && $6 == w { s += $4 - prev }
        { prev = $4 }
        END { printf "%.6f\n", s }' "$jf_tmp/ph.csv"
}
overlap_err=0
naive_err=0
for part in forward backward allreduce optimizer other; do
    got=$(jf_val "$run.json" ".energy.nodes[0].step_parts.$part.joules")
    unc=$(jf_val "$run.json" ".energy.nodes[0].step_parts.$part.uncertainty_joules")
    secs=$(jf_val "$run.json" ".energy.nodes[0].step_parts.$part.seconds")
    want=$(truth "$part")
    naive=$(awk -v j="$phase_j" -v s="$secs" -v p="$phase_s" 'BEGIN { printf "%.6f", j * s / p }')
    echo "$part: attributed $got J +- $unc, truth $want J, naive $naive J ($secs s)"
    jf_close "$part: attributed = truth within its uncertainty + 2 % of the phase" \
        "$got" "$want" 0 "$(awk -v u="$unc" -v j="$phase_j" 'BEGIN { printf "%.6f", u + 0.02 * j }')"
    overlap_err=$(awk -v e="$overlap_err" -v g="$got" -v w="$want" 'BEGIN { d = g - w; printf "%.6f", e + (d < 0 ? -d : d) }')
    naive_err=$(awk -v e="$naive_err" -v g="$naive" -v w="$want" 'BEGIN { d = g - w; printf "%.6f", e + (d < 0 ? -d : d) }')
done
for part in forward backward; do
    jf_close "$part: attributed = truth (10 %)" \
        "$(jf_val "$run.json" ".energy.nodes[0].step_parts.$part.joules")" "$(truth $part)" 0.10
done
jf_close_nominal "forward = 120 W x its seconds (10 %): the feeder followed the stamps" \
    "$(jf_val "$run.json" '.energy.nodes[0].step_parts.forward.joules')" ph "$t0" "$t1" 120 \
    "$(jf_val "$run.json" '.energy.nodes[0].step_parts.forward.seconds')" 0.10
echo "summed over the parts: overlap off by $overlap_err J, naive (by time) off by $naive_err J"
jf_check "naive attribution is off by more than the overlap attribution" \
    awk -v o="$overlap_err" -v n="$naive_err" 'BEGIN { exit !(n > 2 * o) }'
jf_jq "$run.json" '.energy.step_parts | .forward.joules_per_flop > 0 and
                   .backward.joules_per_flop > 0 and .optimizer.joules_per_flop > 0 and
                   .allreduce.communication == true and .allreduce.joules_per_flop == null' \
    "J/FLOP of the compute parts beside the energy of communication"
jf_jq "$run.json" '(.energy.step_parts | [.[].joules] | add) - .energy.joules_total | fabs < 1e-6' \
    "the parts add up to the phase's energy"
jf_jq "$run.json" '.energy.step_parts_method | test("time overlap")' "the method is stated"

# the progress line
grep -q 'measured step .* node [0-9]* W, [0-9.]* k\{0,1\}J so far' "$run.err"
jf_check "the progress line shows the node's power and energy so far" test $? -eq 0

# jflop report's energy table, from the HDF5 file
jf_cli "$jf_tmp/rep" report --format json --table energy "$run.h5"
jf_expect_rc 0 "jflop report --table energy"
fwd=$(jf_val "$run.json" '.energy.nodes[0].step_parts.forward.joules')
dyn=$(jf_val "$run.json" '.energy.dynamic_joules')
jf_close "report: forward [J] = the summary's" \
    "$(jq -r '.. | objects | select(has("forward [J]")) | .["forward [J]"]' "$jf_tmp/rep.out" | head -n 1)" "$fwd" 0.001
jf_close "report: dynamic [J] = the summary's" \
    "$(jq -r '.. | objects | select(has("dynamic [J]")) | .["dynamic [J]"]' "$jf_tmp/rep.out" | head -n 1)" "$dyn" 0.001

# an idle window shorter than two of the meter's readings (1 s of sampling
# every 1 s) holds no reading of the idle node: one line saying so, and the
# run reports gross energy only, never a stale or zero idle power
jf_feeder_start ph2 --powercap "$tree" --pkg-watts 30 --dram-watts 5 \
    --range-uj 100000000000 --max-power-w 400 --period-ms 2
short=$jf_tmp/short
jf_mpi 1 "$short" --preset tiny --steps 2 --min-seconds 3 --idle-seconds 1 \
    --energy powercap --powercap-root "$tree" --sample-interval 1s \
    --output none --summary-json "$short.json"
jf_feeder_stop ph2
jf_expect_rc 0 "--idle-seconds 1 against readings every 1 s"
# (the window is as measured, about 1 s: a late wake-up prints "1.01 s")
jf_check "one line: idle power not measured, the window shorter than two readings" test \
    "$(jf_lines_matching "$short.err" "idle power not measured: the idle window \\([01](\\.[0-9]+)? s\\) is shorter than two of its meter's readings \\(2 s\\); give --idle-seconds 2 or more")" -eq 1
[ "$(jf_lines_matching "$short.err" "idle power not measured")" -eq 1 ] || jf_show "$short.err"
jf_jq "$short.json" '.energy.measured == true and .energy.nodes[0].idle_measured != true and
                     .energy.dynamic_joules == null' "gross energy only: no idle power, no dynamic energy"
jf_done
