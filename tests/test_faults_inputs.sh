#!/bin/sh
# test_faults_inputs: fault injection on jflop's input files (issue #12,
# class 4). Site, system, claims and hardware JSON are read alike and
# strictly (src/analysis/jf_json_in.c): unknown and duplicate keys, another
# schema, a newer major version or no version, figures beyond physical
# limits, strings too long to keep, files too large or nested too deep are
# refused. Results files with a schema version that is not a version or
# values no run writes (N = 0, negative seconds, NaN joules, an unknown
# status) are refused too, and so is a corrupt /gemm group (a missing or
# mistyped attribute, a NaN rate, a candidate count that disagrees with
# the slots; jflop report names such a file and skips it, exit 1), and a
# corrupt /quality group (issue #15). A malformed or missing /proc/stat
# under JFLOP_PROC_ROOT is not refused: the run completes (exit 0) with one
# stderr line saying why the node's CPU share is unknown, the share marked
# unknown (null) in its outputs; so is a missing, unreadable or empty
# /proc/cpuinfo, the processor then unknown with its reason (1.9).
# jflop-run's validation and target
# flags with bad values are refused before anything runs. Every
# case asserts exit status 2, exactly one
# stderr line "jflop CMD: FILE: ..." naming the file and the field (never a
# flag), an empty stdout, and no file written.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq
[ -n "${JF_H5_EDIT:-}" ] && [ -x "$JF_H5_EDIT" ] ||
    jf_hard_error "JF_H5_EDIT is not set or not executable (make check builds it)"
top=${JF_TOP_SRCDIR:?run through make check}
SITE=$top/results/sites/default.json
SYSTEM=$top/results/submission-example/system.json
CLAIMS=$top/results/claims/claims.json
HARDWARE=$top/results/claims/hardware.json

# one results file to read: a tiny run, no energy
jf_direct "$jf_tmp/run" --preset tiny --steps 2 --energy none --output "$jf_tmp/run.h5"
[ "$jf_rc" -eq 0 ] && [ -s "$jf_tmp/run.h5" ] || {
    jf_show "$jf_tmp/run.err"
    jf_hard_error "the tiny run failed: no results file to read"
}

n=0
# next_case: a fresh folder $d for the case's input
next_case() {
    n=$((n + 1))
    d=$jf_tmp/case$n
    mkdir "$d"
}
# stamp: after the input is in place, before the command runs
stamp() {
    sleep 0.01
    touch "$jf_tmp/stamp"
    sleep 0.01
}

# refused CMD NEEDLE DESCRIPTION: the last command exited 2 with one
# stderr line "jflop CMD: " holding NEEDLE (a fixed string), nothing on
# stdout, the input file in $d named and no '--' flag, and nothing new in $d.
refused() {
    jf_refused "jflop $1: " -F "$2" "$3" names_the_input
}
# shellcheck disable=SC2317 # run by jf_refused
names_the_input() {
    grep -q -F -e "$d/" "$jf_prefix.err" || problems="$problems the line does not name the file in $d;"
    ! grep -q -e ' --[a-z]' "$jf_prefix.err" || problems="$problems the line names a flag;"
    jf_nothing_new "$d" "files written"
}

# --- site (jflop report --site) -------------------------------------------------
# site NEEDLE DESCRIPTION: $d/site.json, already written, given to report
site() {
    stamp
    jf_cli "$jf_tmp/log$n" report --site "$d/site.json" "$jf_tmp/run.h5"
    refused report "$1" "site: $2"
}
# site_jq FILTER NEEDLE DESCRIPTION: the default site edited by jq
site_jq() {
    next_case
    jq "$1" "$SITE" >"$d/site.json" || jf_hard_error "jq '$1' failed"
    site "$2" "$3"
}
site_jq '.pue_factor = .pue' "site.json: field 'pue_factor' is not a known field" "an unknown key"
site_jq '.pue.units = "1"' "site.json: field 'pue.units' is not a known field" \
    "an unknown key in a figure"
site_jq '.cooling[1].unit = "K"' "site.json: field 'cooling[1].unit' is not a known field" \
    "an unknown key in a cooling row"
next_case
sed 's/^  "pue": \(.*\)$/  "pue": \1\n  "pue": \1/' "$SITE" >"$d/site.json"
site "site.json: line 7: a key given twice (duplicate object key near '\"pue\"')" "a key given twice"
site_jq '.schema_version = "2.0"' \
    "site.json: field 'schema_version' = \"2.0\": a newer major version than this jflop reads (1.x)" \
    "a newer major version"
site_jq '.schema_version = "1.0 beta"' "site.json: field 'schema_version' is not a version" \
    "a version that is not one"
site_jq 'del(.schema_version)' "site.json: field 'schema_version' is missing" "no version"
site_jq '.schema = "jflop-system"' "site.json: field 'schema' is not \"jflop-site\"" \
    "another kind of file"
site_jq '.node_embodied_kgco2e.value = 1e9' \
    "site.json: field 'node_embodied_kgco2e.value' = 1e+09 is out of range" \
    "an embodied figure beyond physical limits"
site_jq '.cooling = [range(9) as $i | .cooling[0]]' "site.json: field 'cooling' has 9 rows; at most 8" \
    "more cooling rows than jflop keeps (once silently dropped)"
site_jq '.name = ([range(70)] | map("x") | add)' "site.json: field 'name' is 70 characters long; at most 63" \
    "a name too long to keep whole"
next_case
printf '{"schema": "jflop-site", "schema_version": "1.0", "x": [[[[[[[[[1]]]]]]]]]}\n' >"$d/site.json"
site "site.json: nested deeper than 8 levels (line 1)" "nesting deeper than any site file"
next_case
{ cat "$SITE"; head -c 4200000 /dev/zero | tr '\0' ' '; } >"$d/site.json"
site "bytes, larger than the 4194304 an input file may have" "a file larger than 4 MiB (refused before parsing)"
next_case
jq '.pue.value = 1.3' "$SITE" >"$d/site.json"
stamp
jf_cli "$jf_tmp/log$n" report --site "$d/site.json" "$jf_tmp/run.h5"
jf_expect_rc 0 "the default site with another PUE is still read"

# --- system.json (jflop validate) -----------------------------------------------
# system FILTER NEEDLE DESCRIPTION: a submission of the run with the
# example system.json edited by jq (or, FILTER '-', $d/system.json as is)
system() {
    if [ "$1" != - ]; then
        next_case
        jq "$1" "$SYSTEM" >"$d/system.json" || jf_hard_error "jq '$1' failed"
    fi
    cp "$jf_tmp/run.h5" "$d/run.h5"
    stamp
    jf_cli "$jf_tmp/log$n" validate "$d"
    refused validate "$2" "system: $3"
}
system '.nodes = 4' "system.json: field 'nodes' is not a known field" "an unknown key"
system '.software.cuda = "12.2"' "system.json: field 'software.cuda' is not a known field" \
    "an unknown key in software"
system '.peak_flops_per_node.fp16 = .peak_flops_per_node.fp32' \
    "system.json: field 'peak_flops_per_node.fp16' is not a known field" \
    "a peak at a precision jflop does not run (once silently ignored)"
system '.host_memory_capacity.unit = "GiB"' "system.json: field 'host_memory_capacity.unit' is not a known field" \
    "a misspelt units key in a quantity"
next_case
sed 's/^  "number_of_nodes": 4,$/  "number_of_nodes": 4,\n  "number_of_nodes": 400,/' "$SYSTEM" >"$d/system.json"
system - "system.json: line 8: a key given twice (duplicate object key near '\"number_of_nodes\"')" "a key given twice"
system '.schema_version = "3.1"' \
    "system.json: field 'schema_version' = \"3.1\": a newer major version than this jflop reads (1.x)" \
    "a newer major version"
system '.number_of_nodes = 100000000' \
    "system.json: field 'number_of_nodes' must be an integer from 1 to 10000000" \
    "more nodes than any machine has"
system '.host_processors_per_node = 1000' \
    "system.json: field 'host_processors_per_node' must be an integer from 1 to 64" \
    "a thousand sockets per node"
system '.submitter = ([range(200)] | map("x") | add)' \
    "system.json: field 'submitter' is 200 characters long; at most 127" \
    "a string too long to keep whole (once silently cut)"

# --- claims and hardware (jflop claim) ----------------------------------------------
# claims_jq FILTER NEEDLE DESCRIPTION; hardware_jq the same for --hardware
claims_run() {
    stamp
    jf_cli "$jf_tmp/log$n" claim --claims "$d/claims.json"
    refused claim "$1" "claims: $2"
}
claims_jq() {
    next_case
    jq "$1" "$CLAIMS" >"$d/claims.json" || jf_hard_error "jq '$1' failed"
    claims_run "$2" "$3"
}
hardware_run() {
    stamp
    jf_cli "$jf_tmp/log$n" claim --hardware "$d/hardware.json"
    refused claim "$1" "hardware: $2"
}
hardware_jq() {
    next_case
    jq "$1" "$HARDWARE" >"$d/hardware.json" || jf_hard_error "jq '$1' failed"
    hardware_run "$2" "$3"
}
claims_jq '.claimz = .claims' "claims.json: field 'claimz' is not a known field" "an unknown top-level key"
claims_jq '.claims[0].params.unit = "B"' \
    "claims.json: claims[0] (gpt3-patterson): field 'params.unit' is not a figure field" \
    "an unknown key in a figure (once silently ignored)"
claims_jq '.claims[0].duration.units = "days"' \
    "claims.json: claims[0] (gpt3-patterson): field 'duration.units' is not a duration field" \
    "an unknown key in a duration"
next_case
sed '0,/^      "model": \(.*\)$/s//      "model": \1\n      "model": "another",/' "$CLAIMS" >"$d/claims.json"
claims_run "claims.json: line 9: a key given twice (duplicate object key near '\"model\"')" "a key given twice"
claims_jq '.schema_version = "2.0"' \
    "claims.json: field 'schema_version' = \"2.0\": a newer major version than this jflop reads (1.x)" \
    "a newer major version"
claims_jq '.claims[0].params.value = 1e16' \
    "claims.json: claims[0] (gpt3-patterson): field 'params.value' = 1e+16 is out of range: it must be at most 1e+15" \
    "parameters beyond physical limits"
claims_jq '.claims[0].energy.value = 1e20' \
    "claims.json: claims[0] (gpt3-patterson): field 'energy.value' = 1e+20 is out of range" \
    "energy beyond the world's electricity"
claims_jq '.claims[0].duration.value = 1e8' \
    "claims.json: claims[0] (gpt3-patterson): field 'duration.value' = 1e+08 days is out of range" \
    "a duration of 270,000 years"
claims_jq '.claims[0].id = ([range(80)] | map("x") | add)' \
    "claims.json: claims[0]: field 'id' is 80 characters long; at most 63" \
    "an id too long to keep whole (once silently cut)"
claims_jq '.claims = [range(10001) as $i | {}]' "claims.json: field 'claims' has 10001 entries; at most 10000" \
    "more claims than jflop reads (never allocated)"
hardware_jq '.hardware[0].peak_flop_per_s.fp16.units = "TFLOP/s"' \
    "hardware.json: hardware[0] (V100-SXM2): field 'peak_flop_per_s.fp16.units' is not a figure field" \
    "an unknown key in a peak"
hardware_jq '.hardware[0].peak_flop_per_s.fp16.value = 1e19' \
    "hardware.json: hardware[0] (V100-SXM2): field 'peak_flop_per_s.fp16.value' = 1e+19 is out of range" \
    "a peak of 10 EFLOP/s on one board"
hardware_jq '.hardware[1].board_power_w.value = 1e6' \
    "field 'board_power_w.value' = 1e+06 is out of range" "a megawatt board"
hardware_jq '.schema_version = 1' "hardware.json: field 'schema_version' is not a version" \
    "a version given as a number"
hardware_jq '.vendor = "x"' "hardware.json: field 'vendor' is not a known field" "an unknown top-level key"

# --- results files (jflop bounds --run, jflop validate) ------------------------------
# result EDIT... -- NEEDLE DESCRIPTION: a copy of the run with jf_h5_edit
# EDIT applied, read by jflop bounds --run
result() {
    next_case
    cp "$jf_tmp/${base:-run.h5}" "$d/run.h5"
    "$JF_H5_EDIT" "$d/run.h5" "$1" "$2" "$3" "$4" || jf_hard_error "jf_h5_edit $* failed"
    stamp
    jf_cli "$jf_tmp/log$n" bounds --run "$d/run.h5"
    refused bounds "$5" "results: $6"
}
result attr / schema_version "x.y" "run.h5: field /schema_version = 'x.y' is not a version" \
    "a schema version that is not a version (once read as 0)"
result attr / schema_version "77777777777777777777771.0" "run.h5: field /schema_version = '777777777777777' is not a version" \
    "a version of 23 digits (fuzz_site found the overflow in the JSON reader's twin)"
result attr / schema_version "2.0" "run.h5: schema 2.0 is newer than this jflop reads (major 1)" \
    "a newer major schema"
result attr /config N 0 "run.h5: field /config/N = 0 is impossible" "N = 0"
result attr /config seconds -3 "run.h5: field /config/seconds = -3 is impossible" "negative seconds"
result addf /energy joules_total nan "run.h5: field /energy/joules_total = nan is impossible" \
    "NaN joules"
result addf /energy joules_total -5 "run.h5: field /energy/joules_total = -5 is impossible" \
    "negative joules"
result attr / status bogus "run.h5: field /status = 'bogus' is not a status" "an unknown status"
result attr /energy status guessed "run.h5: field /energy/status = 'guessed' is not an energy status" \
    "an unknown energy status"
result attr /config ranks 0 "run.h5: field /config/ranks = 0 is impossible" "zero ranks"
result attr /energy measured_nodes 5 "run.h5: field /energy/measured_nodes = 5 is above total_nodes" \
    "more measured nodes than nodes"
# a corrupt /gemm group: refused by bounds --run (exit 2) and named and
# skipped by report (exit 1, its convention for unreadable files), never a
# crash; the /gemm of jflop-run holds 5 candidate slots
gemm() {
    result "$@"
    jf_cli "$jf_tmp/log$n.report" report "$d/run.h5"
    jf_checks=$((jf_checks + 1))
    if [ "$jf_rc" -eq 1 ] && [ "$(wc -l <"$jf_tmp/log$n.report.err")" -eq 2 ] &&
        grep -q -F -e "jflop report: $d/run.h5: ${5#run.h5: }" "$jf_tmp/log$n.report.err" &&
        grep -q -F "(skipped)" "$jf_tmp/log$n.report.err" &&
        grep -q -F "jflop report: no readable results file" "$jf_tmp/log$n.report.err"; then
        jf_pass "results: $6: report names it and skips it (exit 1)"
    else
        jf_fail "results: $6: report exit $jf_rc, not one line naming $d/run.h5 and the field"
        jf_show "$jf_tmp/log$n.report.err"
    fi
}
gemm del /gemm backend - "run.h5: missing or malformed /gemm/backend (a non-empty string)" \
    "/gemm without its back-end"
gemm del /gemm candidate2_gflops - "run.h5: missing or malformed /gemm/candidate2_gflops (a float)" \
    "/gemm without a candidate's rate"
gemm adds /gemm candidates 5 "run.h5: missing or malformed /gemm/candidates (an integer)" \
    "/gemm candidates as a string"
gemm addf /gemm candidates 5 "run.h5: missing or malformed /gemm/candidates (an integer)" \
    "/gemm candidates as a float (once read as 5, silently)"
gemm adds /gemm candidate1_gflops fast "run.h5: missing or malformed /gemm/candidate1_gflops (a float)" \
    "/gemm a rate as a string"
gemm addf /gemm backend 1 "run.h5: missing or malformed /gemm/backend (a non-empty string)" \
    "/gemm back-end as a number"
gemm attr /gemm candidate1_gflops nan "run.h5: field /gemm/candidate1_gflops = nan is impossible (a finite rate, not negative)" \
    "/gemm a NaN rate"
gemm attr /gemm candidate0_gflops -4 "run.h5: field /gemm/candidate0_gflops = -4 is impossible" \
    "/gemm a negative rate"
gemm attr /gemm candidates 1 "run.h5: field /gemm/candidates = 1 disagrees with the data: /gemm/candidate1 is present" \
    "/gemm fewer candidates counted than written"
gemm attr /gemm candidates 7 "run.h5: field /gemm/candidates = 7 disagrees with the data: /gemm/candidate5 is missing" \
    "/gemm more candidates counted than written"
gemm attr /gemm candidates 1000000000 "run.h5: field /gemm/candidates = 1000000000 is impossible (1 to 64)" \
    "/gemm a candidate count of 10^9 (never looped over)"
gemm attr /gemm emulated 7 "run.h5: missing or malformed /gemm/emulated (an integer, 0 or 1)" \
    "/gemm emulated neither 0 nor 1"
gemm attr /gemm precision fp64 "run.h5: field /gemm/precision = 'fp64' disagrees with /config/precision = 'fp32'" \
    "/gemm of another precision than the run"
# a corrupt /quality group (schema 1.6), in a run that validated and
# reached a target: its figures read strictly, never shown broken
jf_direct "$jf_tmp/runq" --preset tiny --target-loss 4.0 --eval-every 1 --max-steps 3 \
    --energy none --output "$jf_tmp/runq.h5"
grep -q "reached after" "$jf_tmp/runq.out" && [ -s "$jf_tmp/runq.h5" ] || {
    jf_show "$jf_tmp/runq.err"
    jf_hard_error "the tiny target run failed: no results file with /quality to read"
}
base=runq.h5
result attr /quality target_reached 7 "run.h5: field /quality/target_reached (not 0 or 1)" \
    "/quality target_reached neither 0 nor 1"
result addf /quality bits_compressed nan "run.h5: field /quality/bits_compressed (not finite)" \
    "/quality NaN bits"
result attr /quality val_loss_best 99 "run.h5: field /quality/val_loss_last, val_loss_best or learned_fraction" \
    "/quality a best loss above the last"
result attr /quality eval_seconds -1 "run.h5: field /quality/eval_seconds (not a finite, non-negative time)" \
    "/quality negative validation seconds"
result attr /quality evaluations 0 "run.h5: field /quality/evaluations (validation passes without eval_every" \
    "/quality no passes counted where validation ran"
result del /quality evaluations - "run.h5: field /quality/evaluations (missing or not a number)" \
    "/quality without its pass count"
result attr /quality steps_to_target 99 "run.h5: field /quality/steps_to_target, seconds_to_target or joules_to_target" \
    "/quality a target reached after more steps than ran"
# a corrupt /quality/passes (1.7): jflop report --plot names the file and
# the field and leaves that run out of valloss_vs_energy, never draws it
passes() {
    next_case
    cp "$jf_tmp/runq.h5" "$d/run.h5"
    "$JF_H5_EDIT" "$d/run.h5" data "$1" "$2" "$3" || jf_hard_error "jf_h5_edit $* failed"
    jf_cli "$jf_tmp/log$n" report --plot "$d/plots" "$d/run.h5"
    if [ "$jf_rc" -eq 0 ] &&
        grep -q -F "skipped run run.h5 in valloss_vs_energy: $d/run.h5: field $4" "$jf_tmp/log$n.err" &&
        ! grep -q -i -e "segmentation" -e "core dumped" "$jf_tmp/log$n.err"; then
        jf_pass "results: $5: named, the run left out of the plot"
    else
        jf_show "$jf_tmp/log$n.err"
        jf_fail "results: $5: expected exit 0 and 'field $4' on stderr"
    fi
}
passes /quality/passes/step 0 -1 "/quality/passes/step" "/quality/passes a negative step"
passes /quality/passes/step 1 0 "/quality/passes/step" "/quality/passes two passes at one step"
passes /quality/passes/train_seconds 1 -5 "/quality/passes/train_seconds (not of step's length, not finite, or running backwards)" \
    "/quality/passes training seconds running backwards"
passes /quality/passes/val_loss 0 nan "/quality/passes/val_loss" "/quality/passes a NaN validation loss"
base=

# --- jflop-run's validation and target flags (issue #15) -------------------------------
# flag NEEDLE DESCRIPTION ARGS...: refused before anything runs: exit 2,
# one line naming the flag, nothing on stdout, no results file
flag() {
    next_case
    needle=$1
    desc=$2
    shift 2
    stamp
    jf_direct "$jf_tmp/log$n" --preset tiny "$@" --output "$d/run.h5"
    jf_refused "jflop-run: " -F "$needle" "jflop-run $*: $desc" jf_nothing_new "$d" "files written"
}
flag "--eval-every: '0' must be at least 1" "no validation interval" --eval-every 0
flag "--eval-every: 'x' is not a number" "an interval that is not a number" --eval-every x
flag "--eval-tokens: '0' must be at least 1" "an empty validation set" --eval-tokens 0
flag "--eval-tokens: '2G' is larger than 1000000000" "a validation set of 2G tokens" --eval-tokens 2G
flag "--target-loss: 'nan' must be a finite number above 0" "a NaN target" --target-loss nan
flag "--target-loss: '-1' must be a finite number above 0" "a negative target" --target-loss -1
flag "below the data's floor" "a target below the floor" --target-loss 0.8
flag "at or above ln(vocab)" "a target an untrained model meets" --target-loss 5
flag "--steps conflicts with --target-loss" "a step count for a target run" --target-loss 2 --steps 5
flag "--min-seconds conflicts with --target-loss" "--min-seconds for a target run" --target-loss 2 --min-seconds 5
flag "--max-steps: '0' must be at least 1" "no steps allowed" --max-steps 0
flag "--max-steps 3 is below --steps 6" "a cap below the steps asked" --max-steps 3
flag "--max-seconds: 'soon' is not a positive number of seconds" "a time limit that is no time" --max-seconds soon
flag "--min-seconds 10 is above --max-seconds 5" "a minimum above the maximum" --min-seconds 10 --max-seconds 5
# --idle-seconds (issue #14): 0 or more seconds, at most an hour
flag "--idle-seconds: '-1' is not a time of 0 or more seconds" "a negative idle window" --idle-seconds -1
flag "--idle-seconds: 'idle' is not a time of 0 or more seconds" "an idle window that is no time" --idle-seconds idle
flag "--idle-seconds: '30x' is not a time of 0 or more seconds" "an idle window with garbage after it" --idle-seconds 30x
flag "--idle-seconds: 'nan' is not a time of 0 or more seconds" "a NaN idle window" --idle-seconds nan
flag "--idle-seconds: 1e9 is more than 3600 s of idling" "a huge idle window" --idle-seconds 1e9
flag "--idle-seconds: '2h' is not a time of 0 or more seconds" "an idle window in a unit it does not take" --idle-seconds 2h

# a node group's figures are read by validate
next_case
cp "$jf_tmp/run.h5" "$d/run.h5"
jq '.' "$SYSTEM" >"$d/system.json"
"$JF_H5_EDIT" "$d/run.h5" attr /energy/node_0000 seconds -1 || jf_hard_error "jf_h5_edit node seconds failed"
stamp
jf_cli "$jf_tmp/log$n" validate "$d"
refused validate "run.h5: missing or malformed /energy/node_0000/seconds (negative or not finite)" \
    "results: a node's negative seconds"
next_case
cp "$jf_tmp/run.h5" "$d/run.h5"
"$JF_H5_EDIT" "$d/run.h5" attr /energy total_nodes 900000 || jf_hard_error "jf_h5_edit total_nodes failed"
jq '.' "$SYSTEM" >"$d/system.json"
stamp
jf_cli "$jf_tmp/log$n" validate "$d"
refused validate "run.h5: missing or malformed /energy/node_0001/node" \
    "results: a node count far above the node groups (read up to the first missing one, never allocated at once)"

# /proc/stat under JFLOP_PROC_ROOT: malformed, truncated, missing. The run
# completes; one line says why the share is unknown; outputs say unknown.
for pcase in garbage:"cpu  12 0 x 4 5 6 7 8":"field 3 is not a count of jiffies" \
    short:"cpu  12 0 3 4":"field 5 is not a count of jiffies" \
    nocpu:"intr 1 2 3":"no aggregate 'cpu ' line" \
    missing::"stat: cannot be opened"; do
    name=${pcase%%:*}
    rest=${pcase#*:}
    text=${rest%%:*}
    why=${rest#*:}
    next_case
    mkdir -p "$d/proc"
    ln -s /proc/self "$d/proc/self"
    [ "$name" = missing ] || printf '%s\n' "$text" >"$d/proc/stat"
    JFLOP_PROC_ROOT=$d/proc jf_direct "$d/run" --preset tiny --steps 2 --energy none --output "$d/run.h5" \
        --summary-json "$d/run.json"
    jf_expect_rc 0 "/proc/stat $name: the run completes"
    jf_check "/proc/stat $name: one stderr line says the share is unknown and why" sh -c \
        'test "$(grep -c "CPU share of other processes unknown" "$1")" -eq 1 &&
         grep "CPU share of other processes unknown" "$1" | grep -q -F -e "$2"' sh "$d/run.err" "$why"
    jf_jq "$d/run.json" '.sharing.nodes[0].other_cpu_share == null and (.sharing.nodes[0].how | startswith("unknown: "))' \
        "/proc/stat $name: the summary JSON marks the share unknown"
    jf_check "/proc/stat $name: the results file was written" test -s "$d/run.h5"
done
# validate judges an unknown share: not shown to be unshared
mkdir "$d/sub"
cp "$d/run.h5" "$SYSTEM" "$d/sub/"
jf_cli "$d/val" validate --level 2 "$d/sub"
jf_check "validate: an unknown share FAILs node.sharing at level 2, saying why" \
    grep -q "^FAIL  L2  node.sharing .*unknown on 1 of 1 nodes (unknown: .*stat: cannot be opened)" "$d/val.out"

# /proc/cpuinfo under JFLOP_PROC_ROOT: missing, a folder, no processor
# entry. The run completes; one warning line says why the processor is
# unknown; the outputs say unknown, and keep the reason.
for ccase in missing:"cannot be opened (No such file or directory)" \
    folder:"read error (Is a directory)" \
    empty:"no processor entries in it"; do
    name=${ccase%%:*}
    why=${ccase#*:}
    next_case
    mkdir -p "$d/proc"
    ln -s /proc/self "$d/proc/self"
    ln -s /proc/stat "$d/proc/stat"
    case $name in
    folder) mkdir "$d/proc/cpuinfo" ;;
    empty) printf 'BogoMIPS : 4000\n\n' >"$d/proc/cpuinfo" ;;
    esac
    JFLOP_PROC_ROOT=$d/proc jf_direct "$d/run" --preset tiny --steps 2 --energy none --output "$d/run.h5" \
        --summary-json "$d/run.json"
    jf_expect_rc 0 "/proc/cpuinfo $name: the run completes"
    jf_check "/proc/cpuinfo $name: one stderr line says the processor is unknown and why" sh -c \
        'test "$(grep -c "warning: the processor is unknown" "$1")" -eq 1 &&
         grep "warning: the processor is unknown" "$1" | grep -q -F -e "cpuinfo: $2"' sh "$d/run.err" "$why"
    jf_jq "$d/run.json" '(.cpu.known | not) and (.cpu.description | startswith("unknown: "))
        and .cpu.family == null and .cpu.count == 0' \
        "/proc/cpuinfo $name: the summary JSON marks the processor unknown"
    jf_check "/proc/cpuinfo $name: the results file was written, its cpu attribute unknown with the reason" \
        sh -c 'h5dump -a /cpu "$1" | grep -q -F -e "unknown: " && h5dump -a /cpu "$1" | grep -q -F -e "$2"' \
        sh "$d/run.h5" "$why"
done

jf_done
