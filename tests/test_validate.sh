#!/bin/sh
# test_validate: jflop validate and --pack on submissions built from real
# runs against synthetic energy trees (jf_feeder).
#  - A passing submission: one run of --preset tiny with --verify and
#    --min-seconds 60 on a pm_counters tree (the phase rule needs 60 s;
#    energy.coverage a node-level meter from Level 2) and a fake proc tree
#    where no other process uses the CPU (node.sharing), with
#    system.json and site.json, packed at level 3: every rule PASSes, the
#    verdict is PASS (exit 0), `sha256sum -c` accepts the manifest, and the
#    summary (Markdown and JSON) says what was validated.
#  - Each rule seen to FAIL: by real runs where cheap (--energy none
#    without --verify, --blis-arch generic with --sample-interval 2s, two
#    fake nodes of which one is unmetered, counters that restart or go
#    backwards mid-run), otherwise by rewriting one value in a copy of the
#    passing file (tests/jf_h5_edit) and re-packing; level-2 and level-3
#    rules WARN below their level.
#    The long run's fake proc tree names a made-up processor, which
#    system.json describes (system.processor).
#  - Tampering: a byte or an attribute changed after packing, a file added
#    or removed, no manifest: FAIL naming the file.
#  - Bad input: system.json missing, not JSON, a field missing, of the wrong
#    type, without units or in a unit of the wrong kind, implausible; a bad
#    site.json; a truncated results file: exit 2, one line naming the file
#    and the field.
# The long run takes a minute; the other runs go on beside it; all niced.
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs in single quotes
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder
[ -n "${JFLOP:-}" ] && [ -x "$JFLOP" ] || jf_hard_error "JFLOP is not set or not executable"
[ -n "${JF_H5_EDIT:-}" ] && [ -x "$JF_H5_EDIT" ] ||
    jf_hard_error "JF_H5_EDIT is not set or not executable (make check builds it)"
[ -n "${JF_SITE_DEFAULT:-}" ] && [ -r "$JF_SITE_DEFAULT" ] || jf_hard_error "JF_SITE_DEFAULT unreadable"

# Everything here runs niced: its runs last as long as they must whatever
# their speed, while the energy tests that make -j runs beside it sample
# counters that wrap four times a second.
renice -n 10 -p $$ >/dev/null 2>&1 || echo "note: renice failed; running at normal priority"

# --- the runs ------------------------------------------------------------------
# one tree for every powercap run: a real RAPL range (262 kJ), so the
# default 100 ms and a coarse 2 s interval are both allowed; updated every
# 50 ms, not 5, to leave the CPU to the energy tests that may run beside
pc=$jf_tmp/pc
pcm=$jf_tmp/pcm
jf_feeder_start pc --powercap "$pc" --pm-counters "$pcm" --pkg-watts 80 --dram-watts 12 \
    --range-uj 262143328850 --max-power-w 200 --period-ms 50
# the long run's node to itself: the machine's own /proc/stat would carry
# whatever else runs beside the suite
proc=$jf_tmp/proc
jf_proc_feeder_start proc "$proc" 2 50 0

long=$jf_tmp/long
echo "+ jf-mpirun -np 1 jflop-run --verify --min-seconds 60 ... (in the background)"
# its 60 s come on top of the limit other runs get for start-up, --verify
# and the file (a sanitizer build, niced beside the suite, is slow there)
long_timeout=
[ -z "$jf_timeout" ] || long_timeout="timeout -k 10 $((jf_limit + 60))"
# shellcheck disable=SC2086 # long_timeout is a command and its arguments
JFLOP_PROC_ROOT=$proc $long_timeout "$JF_MPIRUN" -np 1 "$JFLOP_RUN" --preset tiny --verify \
    --min-seconds 60 --energy pm_counters --pm-counters-root "$pcm" --output "$long.h5" \
    --summary-json "$long.json" >"$long.out" 2>"$long.err" &
long_pid=$!

# beside it: the runs that break a rule for real
nov=$jf_tmp/noenergy
jf_mpi 1 "$nov" --preset tiny --steps 20 --energy none --output "$nov.h5"
jf_expect_rc 0 "--energy none, without --verify"

coarse=$jf_tmp/coarse
jf_mpi 1 "$coarse" --preset tiny --verify --gemm blis --blis-arch generic --min-seconds 5 \
    --sample-interval 2s --energy powercap --powercap-root "$pc" --output "$coarse.h5"
jf_expect_rc 0 "--blis-arch generic --sample-interval 2s --min-seconds 5"

two=$jf_tmp/twonodes
set -- --preset tiny --steps 100 --verify --energy powercap --output "$two.h5"
jf_mpmd "$two" -np 1 env JFLOP_NODE_NAME=a JFLOP_POWERCAP_ROOT="$pc" "$JFLOP_RUN" "$@" \
    : -np 1 env JFLOP_NODE_NAME=b JFLOP_POWERCAP_ROOT="$jf_tmp/no-such-tree" "$JFLOP_RUN" "$@"
jf_expect_rc 0 "two fake nodes, node b unmetered"

pm=$jf_tmp/pm
jf_feeder_start pmr --pm-counters "$pm" --pkg-watts 80 --dram-watts 12 --startup-change-after usr1
restart=$jf_tmp/restart
# a phase of 3 s at least, however slow the machine: the fault comes about
# a second into it
jf_mpi_fault 1 "$restart" pmr --preset tiny --steps 1 --min-seconds 3 --verify \
    --energy pm_counters --pm-counters-root "$pm" --output "$restart.h5"
jf_feeder_stop pmr
jf_expect_rc 1 "pm_counters restarted mid-run (startup changed)"

back=$jf_tmp/back
jf_feeder_start back --powercap "$back" --range-uj 1000000000 --max-power-w 200 \
    --backwards-after usr1 --backwards-uj 50000000
backwards=$jf_tmp/backwards
jf_mpi_fault 1 "$backwards" back --preset tiny --steps 1 --min-seconds 3 --verify \
    --energy powercap --powercap-root "$back" --output "$backwards.h5"
jf_feeder_stop back
jf_expect_rc 1 "a powercap counter went backwards mid-run"

echo "+ waiting for the long run"
wait "$long_pid"
jf_rc=$?
jf_prefix=$long
jf_feeder_stop pc
jf_feeder_stop proc
jf_expect_rc 0 "--preset tiny --verify --min-seconds 60 on pm_counters" ||
    jf_hard_error "the long run failed: nothing to validate"
jf_jq "$long.json" '.seconds >= 60 and .steps_done > .steps and .flops_verified' \
    "--min-seconds 60: the phase lasted $(jq .seconds "$long.json") s, D exactly counted"

# --- helpers -------------------------------------------------------------------
# a system.json describing this machine; jq filters make the variants
system_json() {
    jq -n '{
      schema: "jflop-system", schema_version: "1.0", submitter: "jflop test suite", system_name: "test machine",
      node_model: "whatever runs make check", number_of_nodes: 1,
      host_processor_model_name: "jflop test processor 1000 (tests/jf_proc_feeder.sh)", host_processors_per_node: 1,
      host_processor_core_count: 2, host_memory_capacity: {value: 24, units: "GiB"},
      accelerator_model_name: "none", accelerators_per_node: 0,
      interconnect: "none (one node)", cooling: "air",
      peak_flops_per_node: {
        fp32: {value: 1, units: "PFLOP/s", source: "assumption: far above any machine the suite runs on"},
        fp64: {value: 0.5, units: "PFLOP/s", source: "assumption: as fp32, halved"}},
      software: {operating_system: "Linux", compiler: "gcc", mpi: "Open MPI", blis: "BLIS"}
    }' | jq "${1:-.}"
}

# sub NAME FILE...: a submission folder with those results files, the base
# system.json and site.json, packed (level 3; its verdict is not checked here)
sub() {
    sub_dir=$jf_tmp/sub-$1
    shift
    rm -rf "$sub_dir"
    mkdir "$sub_dir"
    for f in "$@"; do
        cp "$f" "$sub_dir/"
    done
    system_json >"$sub_dir/system.json"
    cp "$JF_SITE_DEFAULT" "$sub_dir/site.json"
}
pack() {
    "$JFLOP" validate --level 3 --pack "$1" >"$1.pack.out" 2>"$1.pack.err"
    if [ ! -s "$1/MANIFEST.sha256" ]; then
        jf_fail "packing $1 wrote no manifest"
        jf_show "$1.pack.err"
    fi
}

# validate DIR LEVEL WANT_RC DESCRIPTION: run jflop validate, check its
# exit status; its stdout in DIR.out, stderr in DIR.err
validate() {
    echo "+ jflop validate --level $2 $(basename "$1")"
    "$JFLOP" validate --level "$2" "$1" >"$1.out" 2>"$1.err"
    jf_rc=$?
    jf_prefix=$1
    jf_expect_rc "$3" "$4"
}

# rule DIR VERDICT RULE [ERE] DESCRIPTION: a line "VERDICT  Ln  RULE ..."
# matching ERE in DIR.out
rule() {
    jf_checks=$((jf_checks + 1))
    if [ $# -eq 5 ]; then ere=$4 desc=$5; else ere= desc=$4; fi
    if grep -E "^$2  L[123]  $3 " "$1.out" | grep -q -E -e "${ere:-.}"; then
        jf_pass "$desc: $(grep -E "^$2  L[123]  $3 " "$1.out" | grep -E -e "${ere:-.}" | head -n 1)"
    else
        jf_fail "$desc: no '$2 ... $3' line matching '$ere'"
        jf_show "$1.out"
    fi
}

# mutate NAME OBJECT_OR_DATASET... : a packed submission of a copy of the
# passing file with one value rewritten by jf_h5_edit
mutate() {
    name=$1
    shift
    cp "$long.h5" "$jf_tmp/run.h5"
    "$JF_H5_EDIT" "$jf_tmp/run.h5" "$@" || jf_fail "jf_h5_edit $* failed"
    sub "$name" "$jf_tmp/run.h5"
    pack "$sub_dir"
}

# --- the passing submission ------------------------------------------------------
sub pass "$long.h5"
"$JFLOP" validate --level 3 --pack "$sub_dir" >"$sub_dir.out" 2>"$sub_dir.err"
jf_rc=$?
jf_prefix=$sub_dir
jf_expect_rc 0 "--pack at level 3 of the passing submission"
echo "---- jflop validate --level 3 --pack (the passing submission)"
cat "$sub_dir.out"
pass=$sub_dir
for f in MANIFEST.sha256 submission.md submission.json; do
    jf_check "--pack wrote $f" test -s "$pass/$f"
done
jf_check "sha256sum -c accepts MANIFEST.sha256" sh -c 'cd "$1" && sha256sum -c --quiet MANIFEST.sha256' sh "$pass"
jf_check "the manifest lists the 5 files (run, system, site, 2 summaries)" \
    test "$(wc -l <"$pass/MANIFEST.sha256")" -eq 5
jf_jq "$pass/submission.json" '.verdict == "PASS" and .level == 3 and .rules_failed == 0' \
    "submission.json: verdict PASS at level 3"
jf_jq "$pass/submission.json" '.runs[0].file == "long.h5" and .runs[0].energy_basis == "measured" and
    .runs[0].joules > 0 and .runs[0].joules_per_flop > 0 and .system.system_name == "test machine"' \
    "submission.json: the run's energy, measured, and the system"
jf_check "submission.md gives the verdict and the rules" \
    sh -c 'grep -q "Verdict at level 3: \*\*PASS\*\*" "$1" && grep -q "| PASS | flops.ledger |" "$1"' sh "$pass/submission.md"

validate "$pass" 3 0 "the packed passing submission at level 3"
for r in manifest versions system.nodes system.processor status flops.ledger verify counters.startup \
    counters.backwards energy.measured energy.nodes energy.extrapolation phase.seconds \
    sampling.rate sampling.count sampling.interval sampling.coverage gemm.kernels \
    energy.coverage node.sharing; do
    rule "$pass" PASS "$r" "level 3: $r passes"
done
# the FMA peak is measured for 0.1 s beside whatever else the machine runs:
# on a loaded machine the step rate can beat it, a WARN (timings are never
# asserted); the declared peak is never exceeded
rule "$pass" "(PASS|WARN)" flops.peak "(of the theoretical fp32 peak|FMA peak the run measured)" \
    "level 3: flops.peak passes (or warns about the measured peak only)"
jf_grep_count "$pass.out" "FAIL  " 0 "no rule fails"
jf_check "no rule warns (but flops.peak's measured peak)" \
    sh -c '! grep "^WARN  " "$1" | grep -v -q "flops.peak .*FMA peak the run measured"' sh "$pass.out"
jf_check "the verdict line says PASS at level 3" grep -q '^verdict: PASS at level 3 ' "$pass.out"
for lvl in 1 2; do
    validate "$pass" $lvl 0 "the passing submission at level $lvl"
done

# --- one failing case per rule ---------------------------------------------------
# status
mutate status attr / status incomplete
validate "$sub_dir" 1 1 "status incomplete"
rule "$sub_dir" FAIL status "status incomplete" "status incomplete fails"
rule "$sub_dir" PASS manifest "the re-packed mutation still passes its manifest"

# flops.ledger: the counted dense FLOPs differ from 6·N·D
mutate ledger attr /flops flops_dense_counted 12345
validate "$sub_dir" 1 1 "dense FLOPs counted != 6ND"
rule "$sub_dir" FAIL flops.ledger "12345 != 6 x N x D" "a ledger that does not add up fails"

# verify: no --verify (a real run), and a check marked failed
sub noverify "$nov.h5"
pack "$sub_dir"
validate "$sub_dir" 1 1 "a run without --verify, without energy, 20 steps"
rule "$sub_dir" FAIL verify "without --verify" "verify fails without --verify"
rule "$sub_dir" FAIL energy.measured "not measured" "energy.measured fails with --energy none"
rule "$sub_dir" FAIL energy.nodes "0 of 1 nodes metered" "energy.nodes fails with no node metered"
rule "$sub_dir" FAIL phase.seconds "needs >= 60 s" "phase.seconds fails on a 20-step run"
mutate verifyfail attr /verify/gemm pass 0
validate "$sub_dir" 1 1 "the gemm check marked failed"
rule "$sub_dir" FAIL verify "check gemm failed" "verify fails when a check failed"
mutate verifyvalue attr /verify/gradients value 0.5
validate "$sub_dir" 1 1 "the gradients check above its threshold"
rule "$sub_dir" FAIL verify "gradients marked pass but above its threshold" \
    "verify recomputes value < threshold"

# counters.startup: pm_counters restarted mid-run (a real run)
sub restart "$restart.h5"
pack "$sub_dir"
validate "$sub_dir" 1 1 "counters restarted mid-run"
rule "$sub_dir" FAIL counters.startup "startup changed" "counters.startup fails, with the reason"
rule "$sub_dir" FAIL status "failed" "and the run's status is failed"

# counters.backwards: a real run, and a trace edited to go down
sub backwards "$backwards.h5"
pack "$sub_dir"
validate "$sub_dir" 1 1 "a counter went backwards mid-run"
rule "$sub_dir" FAIL counters.backwards "went backwards" "counters.backwards fails, with the reason"
cols=$(jq '.energy.nodes[0].domains | length + 1' "$long.json")
mutate tracedown data /energy/node_0000/trace $((10 * cols + 1)) 0
validate "$sub_dir" 1 1 "a trace whose Joules go down"
rule "$sub_dir" FAIL counters.backwards "goes down at reading 10" "counters.backwards reads the trace itself"

# energy.nodes and energy.extrapolation: two nodes, one metered (a real run)
sub twonodes "$two.h5"
pack "$sub_dir"
validate "$sub_dir" 1 1 "two nodes, one metered, at level 1"
rule "$sub_dir" FAIL energy.nodes "1 of 2 nodes metered; level 1 needs 2" "energy.nodes fails: all of fewer than 15 nodes"
rule "$sub_dir" WARN energy.extrapolation "ESTIMATE extrapolated from 1 of 2 nodes" \
    "energy.extrapolation warns below level 3"
rule "$sub_dir" FAIL system.nodes "2 nodes, more than the 1" "system.nodes fails: more nodes than system.json has"
validate "$sub_dir" 3 1 "two nodes, one metered, at level 3"
rule "$sub_dir" FAIL energy.extrapolation "level 3 measures every node" "energy.extrapolation fails at level 3"
mutate sum attr /energy joules_total 1.5
validate "$sub_dir" 1 1 "joules_total not the nodes' sum"
rule "$sub_dir" FAIL energy.extrapolation "not the sum of the metered nodes" \
    "energy.extrapolation checks the job total against the nodes"

# sampling.rate, .count, .interval and gemm.kernels: a real run with a 2 s
# interval on a 5 s phase, and BLIS's generic kernels
sub coarse "$coarse.h5"
pack "$sub_dir"
validate "$sub_dir" 2 1 "a 2 s sampling interval and generic kernels, at level 2"
rule "$sub_dir" FAIL sampling.rate "needs >= 1 per second" "sampling.rate fails"
rule "$sub_dir" FAIL sampling.count "level 2 needs >= 10" "sampling.count fails"
rule "$sub_dir" FAIL sampling.interval "needs <= 10%" "sampling.interval fails"
rule "$sub_dir" FAIL gemm.kernels "generic" "gemm.kernels fails on BLIS generic kernels"
validate "$sub_dir" 1 1 "the same at level 1"
rule "$sub_dir" WARN sampling.rate "a level 2 rule: FAIL at --level 2" "level-2 rules only warn at level 1"

# energy.coverage: the coarse run metered RAPL (powercap) alone
validate "$sub_dir" 2 1 "RAPL alone at level 2"
rule "$sub_dir" FAIL energy.coverage "1 of 1 metered nodes lack a node-level meter .*CPU packages \+ DRAM" \
    "energy.coverage fails on RAPL alone at level 2"
validate "$sub_dir" 1 1 "RAPL alone at level 1"
rule "$sub_dir" WARN energy.coverage "lack a node-level meter" "energy.coverage warns at level 1"
rule "$pass" PASS energy.coverage "all 1 metered nodes have a node-level meter \(pm_counters\)" \
    "energy.coverage passes on pm_counters"
rule "$pass" PASS node.sharing "up to 0.[0-9]+ % of a node's CPU time" \
    "node.sharing passes with no other process on the fake proc tree"

# node.sharing: 5 % of the node's CPU time used by others
mutate sharing attr /energy/node_0000 other_cpu_share 0.05
validate "$sub_dir" 2 1 "another process used 5 % of the node, at level 2"
rule "$sub_dir" FAIL node.sharing "up to 5.00 % of a node's CPU time \(node [^;]*; 1 node above 2 %\)" \
    "node.sharing fails above 2 % at level 2"
validate "$sub_dir" 1 0 "the same at level 1"
rule "$sub_dir" WARN node.sharing "up to 5.00 %" "node.sharing warns at level 1"
jf_jq "$sub_dir/submission.json" '.runs[0].exclusive == "unknown" and (.runs[0].exclusive_how | test("not under Slurm")) and
    .runs[0].max_other_cpu_share == 0.05' "submission.json records the scheduler's exclusivity and the share"

# sampling.coverage: the run's phase 40 s longer than the meter's readings span
mutate coverage attr /config seconds "$(jq '.seconds + 40' "$long.json")"
validate "$sub_dir" 3 1 "40 s of the phase without readings, at level 3"
rule "$sub_dir" FAIL sampling.coverage "uncovered by readings" "sampling.coverage fails at level 3"
validate "$sub_dir" 2 0 "the same at level 2"
rule "$sub_dir" WARN sampling.coverage "a level 3 rule" "sampling.coverage only warns at level 2"

# flops.peak: a declared peak below the counted rate; a measured peak below it
sub peak "$long.h5"
system_json '.peak_flops_per_node.fp32 = {value: 1, units: "GFLOP/s", source: "a wrong figure"}' \
    >"$sub_dir/system.json"
pack "$sub_dir"
validate "$sub_dir" 1 1 "a declared peak below the counted FLOP rate"
rule "$sub_dir" FAIL flops.peak "above the theoretical fp32 peak" "flops.peak fails above the declared peak"
mutate measuredpeak attr /config peak_flops_per_second 1000
validate "$sub_dir" 1 0 "a measured FMA peak below the counted rate"
rule "$sub_dir" WARN flops.peak "above the 1000 FLOP/s FMA peak the run measured" \
    "flops.peak warns above the measured peak"

# versions: two files of different jflop versions
cp "$long.h5" "$jf_tmp/other.h5"
"$JF_H5_EDIT" "$jf_tmp/other.h5" attr / jflop_version 0.0.1-old
sub versions "$long.h5" "$jf_tmp/other.h5"
pack "$sub_dir"
validate "$sub_dir" 1 1 "two files of different jflop versions"
rule "$sub_dir" FAIL versions "other.h5: jflop 0.0.1-old" "versions fails, naming the file"

# system.processor: nodes of different processors fail; a processor that
# is not system.json's, a CPU count that is not its cores', a file that
# does not name its processor warn
mutate mixedcpu attr / cpu_uniform 0
validate "$sub_dir" 1 1 "a run whose nodes had different processors"
rule "$sub_dir" FAIL system.processor "nodes had different processors" \
    "system.processor fails when the nodes' processors differ"
sub othercpu "$long.h5"
system_json '.host_processor_model_name = "AMD EPYC 7763 (Milan)"' >"$sub_dir/system.json"
pack "$sub_dir"
validate "$sub_dir" 3 0 "a run on another processor than system.json's"
rule "$sub_dir" WARN system.processor "has model number 1000, which system.json's 'AMD EPYC 7763 \\(Milan\\)' does not name" \
    "system.processor warns when the model number is not system.json's"
sub cores "$long.h5"
system_json '.host_processor_core_count = 64' >"$sub_dir/system.json"
pack "$sub_dir"
validate "$sub_dir" 3 0 "a run whose node lists fewer CPUs than system.json's cores"
rule "$sub_dir" WARN system.processor "the node lists 2 CPUs, not system.json's 1 x 64 cores" \
    "system.processor warns when the CPU count is not the cores'"
mutate nocpu del / cpu -
validate "$sub_dir" 3 0 "a run that does not name its processor"
rule "$sub_dir" WARN system.processor "does not name its processor \\(a file before schema 1.9\\)" \
    "system.processor warns when the file does not name the processor"

# system.nodes: fewer nodes than the system has only warns
sub fewer "$long.h5"
system_json '.number_of_nodes = 4' >"$sub_dir/system.json"
pack "$sub_dir"
validate "$sub_dir" 3 0 "a run on 1 of 4 nodes"
rule "$sub_dir" WARN system.nodes "1 of the 4 nodes" "system.nodes warns on fewer nodes"

# --- tampering after packing -------------------------------------------------------
sub tamper "$long.h5"
pack "$sub_dir"
tam=$sub_dir
# one byte of the command line stored in the file: the file stays readable
off=$(grep -a -b -o -e '--min-seconds 60' "$tam/long.h5" | head -n 1 | cut -d: -f1)
printf 'x' | dd of="$tam/long.h5" bs=1 seek="$((off + 2))" conv=notrunc 2>/dev/null
validate "$tam" 3 1 "one byte of long.h5 changed after packing"
rule "$tam" FAIL manifest "^FAIL  L1  manifest +long.h5: content does not match" \
    "the manifest rule names the tampered file"
jf_grep_count "$tam.out" "FAIL  " 1 "only the manifest fails (the edit itself is harmless)"
jf_check "sha256sum -c also sees it" sh -c '! (cd "$1" && sha256sum -c --quiet MANIFEST.sha256 >/dev/null 2>&1)' sh "$tam"

sub tamper2 "$long.h5"
pack "$sub_dir"
"$JF_H5_EDIT" "$sub_dir/long.h5" attr /energy joules_total 1
validate "$sub_dir" 1 1 "an attribute rewritten after packing"
rule "$sub_dir" FAIL manifest "long.h5: content does not match" "an edited attribute shows in the manifest"

echo "a note" >"$tam/notes.txt"
rm "$tam/site.json"
validate "$tam" 1 1 "a file added and one removed after packing"
rule "$tam" FAIL manifest "notes.txt: in the folder but not in MANIFEST.sha256" "an unlisted file fails, named"
rule "$tam" FAIL manifest "site.json: listed in MANIFEST.sha256 but missing" "a missing listed file fails, named"
rm "$tam/MANIFEST.sha256"
validate "$tam" 1 1 "no manifest"
rule "$tam" FAIL manifest "MANIFEST.sha256: missing" "a submission without a manifest fails"

# --- bad input: exit 2, one line naming the file and the field ------------------------
# bad NAME NEEDLE_ERE DESCRIPTION: validate $jf_tmp/sub-NAME expecting exit 2
bad() {
    "$JFLOP" validate "$jf_tmp/sub-$1" >"$jf_tmp/bad.out" 2>"$jf_tmp/bad.err"
    jf_rc=$?
    jf_checks=$((jf_checks + 1))
    problems=
    [ "$jf_rc" -eq 2 ] || problems="$problems exit status $jf_rc (expected 2);"
    [ "$(wc -l <"$jf_tmp/bad.err")" -eq 1 ] || problems="$problems not one line on stderr;"
    grep -q -E -e "$2" "$jf_tmp/bad.err" || problems="$problems stderr does not match '$2';"
    [ ! -s "$jf_tmp/bad.out" ] || problems="$problems stdout is not empty;"
    if [ -z "$problems" ]; then
        jf_pass "$3 -> $(cat "$jf_tmp/bad.err")"
    else
        jf_fail "$3:$problems"
        jf_show "$jf_tmp/bad.err"
    fi
}
# badsys NAME JQ_FILTER NEEDLE DESCRIPTION
badsys() {
    sub "$1" "$long.h5"
    system_json "$2" >"$sub_dir/system.json"
    bad "$1" "$3" "$4"
}
sub nosystem "$long.h5"
rm "$sub_dir/system.json"
bad nosystem "sub-nosystem/system.json: missing" "no system.json"
sub notjson "$long.h5"
echo '{"schema": "jflop-system",' >"$sub_dir/system.json"
bad notjson "system.json: not JSON" "system.json not JSON"
badsys nocooling 'del(.cooling)' "system.json: field 'cooling' is missing" "a missing field"
badsys nodestring '.number_of_nodes = "1"' "system.json: field 'number_of_nodes' must be an integer" \
    "a count given as a string"
badsys nounits '.host_memory_capacity = 24' "system.json: field 'host_memory_capacity' needs its units" \
    "a figure without units"
badsys memunit '.host_memory_capacity.units = "TFLOP/s"' \
    "system.json: field 'host_memory_capacity.units' = 'TFLOP/s' is not a memory size" \
    "memory in a FLOP-rate unit"
badsys peakunit '.peak_flops_per_node.fp32.units = "TFLOPS/W"' \
    "field 'peak_flops_per_node.fp32.units' = 'TFLOPS/W' is not a FLOP rate" "a peak in TFLOPS/W"
badsys peakhuge '.peak_flops_per_node.fp32 = {value: 5e9, units: "TFLOP/s", source: "x"}' \
    "field 'peak_flops_per_node.fp32' = 5e\+09 TFLOP/s is implausible" "a peak far too large (unit error)"
badsys peaknum '.peak_flops_per_node.fp32.value = "1"' "field 'peak_flops_per_node.fp32.value' is missing or not a number" \
    "a peak given as a string"
badsys nofp32 'del(.peak_flops_per_node.fp32)' \
    "field 'peak_flops_per_node.fp32' is missing \(long.h5 ran in fp32\)" "no peak at the run's precision"
badsys nosource 'del(.peak_flops_per_node.fp32.source)' "field 'peak_flops_per_node.fp32.source' is missing" \
    "a peak without its source"
badsys noos 'del(.software.operating_system)' "field 'software.operating_system' is missing" \
    "a missing software version"
sub badsite "$long.h5"
jq '.pue.value = 0.5' "$JF_SITE_DEFAULT" >"$sub_dir/site.json"
bad badsite "site.json: field 'pue.value' = 0.5 is out of range: PUE is facility" "a site.json with PUE below 1"
sub truncated "$long.h5"
head -c 4096 "$long.h5" >"$sub_dir/long.h5"
bad truncated "sub-truncated/long.h5" "a truncated results file"
sub noresults
bad noresults "no results file" "a folder without results files"
"$JFLOP" validate --level 4 "$pass" >/dev/null 2>"$jf_tmp/bad.err"
jf_rc=$?
jf_check "--level 4: exit 2 naming the flag" sh -c 'test "$1" -eq 2 && grep -q -e "--level" "$2"' sh "$jf_rc" "$jf_tmp/bad.err"

# --- one failing case, for the log ---------------------------------------------------
echo "---- jflop validate --level 2 (two nodes, one unmetered)"
"$JFLOP" validate --level 2 "$jf_tmp/sub-twonodes"
jf_done
