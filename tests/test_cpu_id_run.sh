#!/bin/sh
# test_cpu_id_run: the processor a real run names (results file root
# attributes cpu_*, the summary's "cpu" line, the JSON summary's "cpu").
#  - This machine's /proc: the CPU count and model name are the file's own,
#    and the summary, JSON and HDF5 say the same line.
#  - A fake proc root (JFLOP_PROC_ROOT) holding an Intel Xeon's cpuinfo:
#    vendor, family, model, stepping, microcode and AMX features as given.
#  - Two ranks, each given another node's cpuinfo (one host playing two
#    kinds of node): one warning that the processors differ, cpu_uniform 0,
#    rank 0's processor recorded. Nodes of one kind that differ only in
#    CPU count (SMT off): a warning of the details, cpu_uniform 1.
#  - jflop probe: the same line, and unknown with the reason without a file.
#  - jflop report's runs table: a CPU column with each run's line, the
#    mixed run marked, an older (1.8) file's cell empty with a note.
# (A missing, unreadable or empty cpuinfo is in test_faults_inputs.)
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs in single quotes
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq
command -v h5dump >/dev/null 2>&1 || jf_skip "h5dump is not installed (hdf5-tools)"
[ -r /proc/cpuinfo ] || jf_skip "this machine has no readable /proc/cpuinfo"

h5attr() {
    h5dump -a "/$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | head -n 1 | sed 's/^"//; s/"$//'
}

# --- 1. this machine ---------------------------------------------------------
run=$jf_tmp/real
jf_mpi 2 "$run" --preset tiny --steps 2 --energy none --output "$run.h5" --summary-json "$run.json"
jf_expect_rc 0 "a 2-rank run"
jf_check "cpu_count is the processor entries in /proc/cpuinfo" \
    test "$(h5attr "$run.h5" cpu_count)" = "$(grep -c '^processor[[:space:]]*:' /proc/cpuinfo)"
name=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
if [ -n "$name" ]; then
    jf_check "cpu_model_name is the first 'model name' line" \
        test "$(h5attr "$run.h5" cpu_model_name)" = "$name"
fi
line=$(h5attr "$run.h5" cpu)
jf_check "the summary's cpu line is the results file's cpu attribute" \
    test "$(sed -n 's/^cpu     //p' "$run.out")" = "$line"
jf_check "the JSON summary's cpu is the same line, known, uniform" test \
    "$(jq -r '"\(.cpu.known) \(.cpu.uniform) \(.cpu.description)"' "$run.json")" = "true true $line"
jf_check "cpu_uniform is 1 on one node" test "$(h5attr "$run.h5" cpu_uniform)" = 1

# --- 2. a fake Xeon -------------------------------------------------------------
# node_tree DIR CPUINFO: a proc root with the given cpuinfo; stat and self
# are this machine's, so the CPU share reads as usual
node_tree() {
    mkdir -p "$1"
    ln -s /proc/stat "$1/stat"
    ln -s /proc/self "$1/self"
    printf '%b' "$2" >"$1/cpuinfo"
}
xeon='processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\nstepping\t: 8\nmicrocode\t: 0x2b000461\nflags\t\t: fpu avx2 fma avx512f avx512_bf16 amx_bf16 amx_tile\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\n'
epyc='processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: AMD EPYC 9654 96-Core Processor\nstepping\t: 1\nflags\t\t: fpu avx2 fma avx512f avx512_bf16\n\nprocessor\t: 1\n'
node_tree "$jf_tmp/xeon" "$xeon"
node_tree "$jf_tmp/epyc" "$epyc"
run=$jf_tmp/xeon-run
JFLOP_PROC_ROOT=$jf_tmp/xeon jf_mpi 2 "$run" --preset tiny --steps 2 --energy none \
    --output "$run.h5" --summary-json "$run.json"
jf_expect_rc 0 "a run on a fake Xeon's cpuinfo"
jf_check "HDF5: vendor, family, model, stepping, microcode, count as the file gives them" \
    test "$(h5attr "$run.h5" cpu_vendor) $(h5attr "$run.h5" cpu_family) $(h5attr "$run.h5" cpu_model) $(h5attr "$run.h5" cpu_stepping) $(h5attr "$run.h5" cpu_microcode) $(h5attr "$run.h5" cpu_count)" \
    = "GenuineIntel 6 143 8 0x2b000461 2"
jf_check "HDF5: the features jflop can use, in its order" \
    test "$(h5attr "$run.h5" cpu_features)" = "fma avx2 avx512f avx512_bf16 amx_tile amx_bf16"
jf_jq "$run.json" '.cpu.vendor == "GenuineIntel" and .cpu.family == 6 and .cpu.model == 143
    and .cpu.stepping == 8 and .cpu.count == 2 and (.cpu.features | test("amx_bf16"))
    and ([.warnings[] | select(test("processor"))] | length == 0)' \
    "JSON: the same, and no processor warning"
jf_grep_count "$run.out" "cpu     Intel(R) Xeon(R) Platinum 8480+ (GenuineIntel family 6 model 143 stepping 8, microcode 0x2b000461), 2 CPUs" 1 \
    "the summary names the Xeon"

# --- 3. two kinds of node ---------------------------------------------------------
# two_nodes PREFIX ROOT_A ROOT_B: a 2-step run whose rank 0 reads its
# processor under ROOT_A and rank 1 under ROOT_B, as two nodes would
two_nodes() {
    echo "+ jf-mpirun -np 1 ($(basename "$2")) : -np 1 ($(basename "$3")) jflop-run"
    jf_r=$1 jf_a=$2 jf_b=$3
    set -- --preset tiny --steps 2 --energy none --output "$1.h5" --summary-json "$1.json"
    jf_logged "$jf_r" "jflop-run on 2 nodes" "$JF_MPIRUN" \
        -np 1 env JFLOP_PROC_ROOT="$jf_a" "$JFLOP_RUN" "$@" : -np 1 env JFLOP_PROC_ROOT="$jf_b" "$JFLOP_RUN" "$@"
}
run=$jf_tmp/mixed
two_nodes "$run" "$jf_tmp/xeon" "$jf_tmp/epyc"
jf_expect_rc 0 "a run whose ranks see different processors"
jf_grep_count "$run.err" "warning: the nodes' processors differ" 1 "one stderr warning that they differ"
jf_check "HDF5: cpu_uniform 0, rank 0's Xeon recorded" \
    test "$(h5attr "$run.h5" cpu_uniform) $(h5attr "$run.h5" cpu_model)" = "0 143"
jf_check "HDF5: the warnings attribute says so" sh -c \
    'h5dump -a /warnings "$1" | grep -q "processors differ"' sh "$run.h5"
jf_jq "$run.json" '(.cpu.uniform | not) and .cpu.model == 143
    and ([.warnings[] | select(test("processors differ"))] | length == 1)' \
    "JSON: not uniform, one warning"
jf_grep_count "$run.out" "(rank 0's node; the nodes differ)" 1 "the summary says whose it is"

# the same kind of processor with SMT off on one node: a warning of the
# details, the kind uniform
node_tree "$jf_tmp/epyc-smt-off" "${epyc%processor\\t: 1\\n}"
run=$jf_tmp/smt
two_nodes "$run" "$jf_tmp/epyc" "$jf_tmp/epyc-smt-off"
jf_expect_rc 0 "a run whose nodes differ only in CPU count"
jf_check "the two trees differ in CPU count only" test \
    "$(grep -c '^processor' "$jf_tmp/epyc/cpuinfo") $(grep -c '^processor' "$jf_tmp/epyc-smt-off/cpuinfo")" = "2 1"
jf_grep_count "$run.err" "warning: the nodes' processors are of one kind but differ in stepping, CPU count" 1 \
    "one warning of the details"
jf_grep_count "$run.err" "processors differ (" 0 "no warning that the processors differ"
jf_check "HDF5: cpu_uniform 1 (one kind)" test "$(h5attr "$run.h5" cpu_uniform)" = 1

# --- 4. jflop probe names the processor a run would ------------------------------
JFLOP_PROC_ROOT=$jf_tmp/xeon jf_cli "$jf_tmp/probe" probe --json
jf_jq "$jf_tmp/probe.out" '.cpu.vendor == "GenuineIntel" and .cpu.model == 143 and .cpu.known
    and (.cpu.features | test("amx_bf16")) and (.cpu | has("uniform") | not)' \
    "probe --json: the fake Xeon, no 'uniform' (one node)"
JFLOP_PROC_ROOT=$jf_tmp/xeon jf_cli "$jf_tmp/probe-text" probe
jf_grep_count "$jf_tmp/probe-text.out" "cpu: $(h5attr "$jf_tmp/xeon-run.h5" cpu)" 1 \
    "probe's cpu line is the line a run records"
JFLOP_PROC_ROOT=$jf_tmp/none jf_cli "$jf_tmp/probe-none" probe --json
jf_jq "$jf_tmp/probe-none.out" '(.cpu.known | not) and (.cpu.description | test("^unknown: .*cpuinfo: cannot be opened"))' \
    "probe --json without a cpuinfo: unknown, and why"

# --- 5. jflop report: the runs table's CPU column -------------------------------------
# an older file (schema 1.8: no cpu attributes) beside them
cp "$jf_tmp/xeon-run.h5" "$jf_tmp/old.h5"
for edit in "del / cpu -" "del / cpu_uniform -" "attr / schema_version 1.8"; do
    # shellcheck disable=SC2086 # the edit's words are its arguments
    "${JF_H5_EDIT:?run through make check}" "$jf_tmp/old.h5" $edit ||
        jf_hard_error "jf_h5_edit could not make a schema-1.8 copy ($edit)"
done
jf_cli "$jf_tmp/rep" report --format csv --table runs "$jf_tmp/xeon-run.h5" "$jf_tmp/mixed.h5" "$jf_tmp/old.h5"
jf_expect_rc 0 "jflop report over the three"
jf_csv "$jf_tmp/rep.out" "report: each run's CPU, the mixed run marked, the old one empty" \
    "[r['CPU'] for r in rows] == ['$(h5attr "$jf_tmp/xeon-run.h5" cpu)', '$(h5attr "$jf_tmp/xeon-run.h5" cpu) (rank 0\\'s node; the nodes differ)', '']"
jf_cli "$jf_tmp/rep-text" report --table runs "$jf_tmp/xeon-run.h5" "$jf_tmp/old.h5"
jf_grep_count "$jf_tmp/rep-text.out" "1 run(s) do not name their processor ('CPU' empty): files before schema 1.9" 1 \
    "report: a note says why the old run's CPU is empty"

jf_done
