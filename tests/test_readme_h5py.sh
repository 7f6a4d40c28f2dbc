#!/bin/sh
# test_readme_h5py: the README's h5py/pandas block, extracted from README.md
# (so the two cannot drift apart), runs as it is on a metered run's file
# named run.h5 in the current folder, and prints what it promises: each
# domain's power (near the synthetic tree's 80 W package and 12 W DRAM)
# and one column of step times per rank. Skipped when no python3 here has
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
jf_feeder_start pc --powercap "$tree" --pkg-watts 80 --dram-watts 12 --range-uj 20000000
mkdir -p "$jf_tmp/work"
jf_mpi 2 "$jf_tmp/run" --preset tiny --steps 300 --energy powercap --powercap-root "$tree" \
    --output "$jf_tmp/work/run.h5"
jf_feeder_stop pc
jf_expect_rc 0 "a metered 2-rank run writing run.h5"

jf_check "the README's block runs with $py" sh -c 'cd "$1" && "$2" "$3" >"$4" 2>"$5"' sh \
    "$jf_tmp/work" "$py" "$jf_tmp/snippet.py" "$jf_tmp/snippet.out" "$jf_tmp/snippet.err"
cat "$jf_tmp/snippet.out" "$jf_tmp/snippet.err"
jf_check "it prints the power of each domain" \
    sh -c 'grep -q "package-0" "$1" && grep -q "package-0/dram" "$1"' sh "$jf_tmp/snippet.out"
jf_check "and the step times of both ranks" \
    sh -c 'grep -q "rank 0" "$1" && grep -q "rank 1" "$1"' sh "$jf_tmp/snippet.out"
# the same block's figures, checked against the feeder's wattages: the mean
# package power over the measured phase is 80 W and the DRAM's 12 W (within
# 10 %; the feeder advances its counters in real time)
cat "$jf_tmp/snippet.py" - >"$jf_tmp/check.py" <<'PY'
assert abs(watts["package-0"] - 80) < 8, watts["package-0"]
assert abs(watts["package-0/dram"] - 12) < 1.2, watts["package-0/dram"]
assert list(steps.columns) == ["rank 0", "rank 1"] and len(steps) == 300, steps.shape
assert units[0] == "s" and set(units[1:]) == {"J"}, units
PY
jf_check "its frames hold 80 W package, 12 W DRAM and 300 steps on each of 2 ranks" \
    sh -c 'cd "$1" && "$2" "$3" >"$4" 2>&1 || { cat "$4"; exit 1; }' sh \
    "$jf_tmp/work" "$py" "$jf_tmp/check.py" "$jf_tmp/check.out"
jf_done
