#!/bin/sh
# test_readme_h5py: the README's h5py/pandas block, extracted from README.md
# (so the two cannot drift apart), runs as it is on a metered run's file
# named run.h5 in the current folder, and prints what it promises: each
# domain's power (what the synthetic tree's feeder published over the
# phase, from its log; its 80 W package and 12 W DRAM when it kept up with
# its clock) and one column of step times per rank. Skipped when no python3 here has
# h5py and pandas (install-deps installs python3-h5py and python3-pandas).
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder

jf_require_python h5py pandas

readme=${JF_TOP_SRCDIR:?run through make check}/README.md
awk '/<!-- test_readme_h5py:/ { armed = 1; next }
     armed && /^```python$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$readme" >"$jf_tmp/snippet.py"
jf_check "README.md holds the marked python block ($(wc -l <"$jf_tmp/snippet.py") lines)" \
    test "$(wc -l <"$jf_tmp/snippet.py")" -ge 10
[ -s "$jf_tmp/snippet.py" ] || jf_done

tree=$jf_tmp/powercap
jf_feeder_start pc --powercap "$tree" --pkg-watts 80 --dram-watts 12 --range-uj 2000000000
mkdir -p "$jf_tmp/work"
jf_mpi 2 "$jf_tmp/run" --preset tiny --steps 300 --energy powercap --powercap-root "$tree" \
    --output "$jf_tmp/work/run.h5" --summary-json "$jf_tmp/run.json"
jf_feeder_stop pc
jf_expect_rc 0 "a metered 2-rank run writing run.h5"

jf_check "the README's block runs with $py" sh -c 'cd "$1" && "$2" "$3" >"$4" 2>"$5"' sh \
    "$jf_tmp/work" "$py" "$jf_tmp/snippet.py" "$jf_tmp/snippet.out" "$jf_tmp/snippet.err"
cat "$jf_tmp/snippet.out" "$jf_tmp/snippet.err"
jf_check "it prints the power of each domain" \
    sh -c 'grep -q "package-0" "$1" && grep -q "package-0/dram" "$1"' sh "$jf_tmp/snippet.out"
jf_check "and the step times of both ranks" \
    sh -c 'grep -q "rank 0" "$1" && grep -q "rank 1" "$1"' sh "$jf_tmp/snippet.out"
# the same block's figures, checked against what the feeder published over
# the run's phase (its log: a feeder the VM takes off its CPU publishes less
# than its wattage) within 5 %, and against its 80 W and 12 W (10 %) only
# when it kept up
cat "$jf_tmp/snippet.py" - >"$jf_tmp/check.py" <<'PY'
assert list(steps.columns) == ["rank 0", "rank 1"] and len(steps) == 300, steps.shape
assert units[0] == "s" and set(units[1:]) == {"J"}, units
print("%.9g %.9g" % (watts["package-0"], watts["package-0/dram"]))
PY
jf_check "its frames hold 300 steps on each of 2 ranks, seconds and Joules" \
    sh -c 'cd "$1" && "$2" "$3" >"$4" 2>&1 || { cat "$4"; exit 1; }' sh \
    "$jf_tmp/work" "$py" "$jf_tmp/check.py" "$jf_tmp/check.out"
pkg_w=$(tail -n 1 "$jf_tmp/check.out" | awk '{ print $1 }')
dram_w=$(tail -n 1 "$jf_tmp/check.out" | awk '{ print $2 }')
t0=$(jf_val "$jf_tmp/run.json" '.energy.nodes[0].phase_start_utc')
t1=$(jf_val "$jf_tmp/run.json" '.energy.nodes[0].phase_end_utc')
per_second() { awk -v j="$1" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", j / (b - a) }'; }
jf_close "its package-0 power = what the feeder published over the phase (5 %)" \
    "$pkg_w" "$(per_second "$(jf_truth pc "$t0" "$t1" 2)")" 0.05
jf_close "its DRAM power = what the feeder published over the phase (5 %)" \
    "$dram_w" "$(per_second "$(jf_truth pc "$t0" "$t1" 3)")" 0.05
# (power against power: the nominal figure is its watts x 1 s)
jf_close_nominal "its package-0 power = the feeder's 80 W (10 %)" "$pkg_w" pc "$t0" "$t1" 80 1 0.1
jf_close_nominal "its DRAM power = the feeder's 12 W (10 %)" "$dram_w" pc "$t0" "$t1" 12 1 0.1
jf_done
