#!/bin/sh
# test_bench_quick: `make bench`'s driver in quick mode (JF_BENCH_QUICK=1:
# the tiny preset, one repetition, 20 report files) runs every section end
# to end and prints one merged table and one well-formed JSON file with the
# machine's description. No timing is asserted: only that each row says
# what it measured, against what, and a verdict its own numbers explain.
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs are meant literally
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq
[ -n "${JF_FEEDER:-}" ] && [ -x "$JF_FEEDER" ] || jf_hard_error "JF_FEEDER is not built"

# quick mode still starts some twenty MPI jobs
jf_timeout=${jf_timeout:+timeout -k 10 ${JF_TEST_TIMEOUT:-900}}
top_build=$(cd "$(dirname "$JFLOP_RUN")/.." && pwd)
top_src=$(cd "$(dirname "$JF_MPIRUN")/.." && pwd)
[ -x "$top_build/benchmarks/bench_step" ] || jf_hard_error "benchmarks/ programs are not built"

out=$jf_tmp/bench
echo "+ JF_BENCH_QUICK=1 run-bench $out"
JF_BENCH_QUICK=1 JF_BENCH_BIN=$top_build/benchmarks JF_BENCH_CC=${CC:-cc} \
    $jf_timeout "$top_src/benchmarks/run-bench" "$out" >"$jf_tmp/table" 2>"$jf_tmp/progress"
jf_rc=$?
jf_show "$jf_tmp/progress"
jf_show "$jf_tmp/table"
jf_expect_rc 0 "run-bench in quick mode"

set -- "$out"/bench-*.json
jf_check "exactly one results/bench JSON file" test "$#" -eq 1 -a -s "$1"
json=$1
jf_check "the log beside it" test -s "${json%.json}.log"
jf_jq "$json" '.mode == "quick" and (.duration_seconds | type) == "number"' "quick mode, duration"

# every section's rows, by id
for id in startup/first_step startup/mpirun_launch memory/tiny \
    step_vs_raw_gemm/tiny/fp32 step_vs_raw_gemm/tiny/fp64 \
    step_vs_fma_peak/tiny/fp32 step_vs_fma_peak/tiny/fp64 \
    allreduce_vs_bare/tiny/fp32 allreduce_vs_bare/tiny/fp64 overlap/tiny/fp32 hugepages/tiny/fp32 \
    sampler/100ms sampler/10ms scaling/2x1_vs_1x2 scaling/2x1_efficiency \
    scaling/1x2_efficiency report/read; do
    jf_jq "$json" "[.rows[] | select(.id == \"$id\")] | length == 1" "row $id present once"
done
jf_jq "$json" 'all(.rows[]; .verdict != "ERROR")' "no benchmark failed to run"

# each row well-formed: numbers where numbers belong, a verdict its numbers explain
jf_jq "$json" 'all(.rows[];
    (.section | type) == "string" and (.name | length) > 0 and
    (.measured | type) == "number" and (.measured_unit | type) == "string" and
    (.reference == null or (.reference | type) == "number") and
    (.ratio == null or (.ratio | type) == "number") and
    (.target_op == null or (.target | type) == "number") and
    (.target_on == "ratio" or .target_on == "measured") and
    ((.verdict == "info") == (.target_op == null)) and
    (.verdict == "pass" or .verdict == "MISS" or .verdict == "info"))' \
    "every row: measured, reference, ratio, target and verdict well-formed"
jf_jq "$json" 'all(.rows[] | select(.target_op != null);
    (if .target_on == "measured" then .measured else .ratio end) as $x
    | (if .target_op == ">=" then $x >= .target elif .target_op == "<" then $x < .target
       elif .target_op == "<=" then $x <= .target
       else ($x - 1 | fabs) <= .target end) == (.verdict == "pass"))' \
    "every verdict follows from its own numbers"
jf_jq "$json" '.machine | (.cpu_model | length) > 0 and (.cores_online | type) == "number"
    and (.isa | type) == "array" and (.blis_version | length) > 0
    and (.blis_arch | length) > 0 and (.mpi_library | length) > 0
    and (.compiler | length) > 0 and (.kernel | length) > 0
    and (.loadavg_start | length) == 3 and (.loadavg_end | length) == 3' \
    "the machine's description"

# the printed table: one line per row, in the same order, and the tally
n=$(jq '.rows | length' "$json")
jf_check "the table's header" grep -q '^benchmark .* measured .* reference .* ratio .* target .*verdict$' "$jf_tmp/table"
jf_check "one table line per JSON row ($n)" \
    test "$(grep -c -E '^  .* (pass|MISS|info|ERROR)$' "$jf_tmp/table")" -eq "$n"
jq -r '.rows[].name' "$json" | cut -c1-44 | sed 's/ *$//' >"$jf_tmp/names"
grep -E '^  .* (pass|MISS|info|ERROR)$' "$jf_tmp/table" | sed 's/^  //' | cut -c1-44 |
    sed 's/ *$//' >"$jf_tmp/printed"
jf_check "the table lists the JSON's rows in order" cmp -s "$jf_tmp/names" "$jf_tmp/printed"
jf_check "the tally line" grep -q -E '^[0-9]+ pass, [0-9]+ MISS, [0-9]+ info, 0 ERROR$' "$jf_tmp/table"
jf_done
