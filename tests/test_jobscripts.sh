#!/bin/sh
# test_jobscripts: what can be checked of jobscripts/ without a Slurm (the
# runs themselves are test_slurm_one.sh and test_slurm_two.sh):
# - every script passes shellcheck and has a header saying what it does,
#   what to edit and an example sbatch line;
# - outside a job, jflop.sbatch and sweep-nd.sbatch refuse with one line;
# - scaling.sh --dry-run submits the series it is asked for: strong runs with
#   the same D, weak runs with D growing with the node count, each run after
#   the previous one (afterany), and a report job per series after its runs;
#   bad options are refused with exit 2.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"

jobscripts=$(cd "$(dirname "$JF_TESTLIB")/../jobscripts" && pwd)
command -v shellcheck >/dev/null 2>&1 ||
    jf_hard_error "shellcheck not found (./install-deps installs it)"

for s in jflop.sbatch sweep-nd.sbatch scaling.sh likwid.sbatch quality.sh; do
    f=$jobscripts/$s
    if [ ! -f "$f" ]; then
        jf_check "jobscripts/$s exists" false
        continue
    fi
    shellcheck -x "$f" >"$jf_tmp/$s.sc" 2>&1
    rc=$?
    jf_check "shellcheck jobscripts/$s (exit status $rc)" test "$rc" -eq 0
    [ "$rc" -eq 0 ] || jf_show "$jf_tmp/$s.sc"
    head -n 40 "$f" >"$jf_tmp/$s.head"
    jf_check "$s: its header says what it does" grep -q "^# $s -- " "$jf_tmp/$s.head"
    jf_check "$s: its header says what to edit" grep -q "^# What to edit" "$jf_tmp/$s.head"
    jf_check "$s: its header has an example" grep -q -i "^# Example" "$jf_tmp/$s.head"
    jf_check "$s is executable" test -x "$f"
done

# outside a job: one clear line, exit 2
for s in jflop.sbatch sweep-nd.sbatch likwid.sbatch; do
    env -u SLURM_JOB_ID -u SLURM_ARRAY_TASK_ID bash "$jobscripts/$s" >"$jf_tmp/out" 2>"$jf_tmp/err"
    rc=$?
    jf_check "$s outside Slurm: exit status 2 (is $rc)" test "$rc" -eq 2
    jf_check "$s outside Slurm: one line that says to use sbatch: $(cat "$jf_tmp/err")" \
        sh -c '[ "$(wc -l <"$1")" -eq 1 ] && grep -q sbatch "$1"' sh "$jf_tmp/err"
done

# scaling.sh --dry-run: the commands it would submit
"$jobscripts/scaling.sh" --dry-run --nodes "1 2 4" --params 10M --tokens 5M \
    --outdir "$jf_tmp/series" -- --partition=p >"$jf_tmp/dry" 2>&1
rc=$?
jf_check "scaling.sh --dry-run: exit status 0 (is $rc)" test "$rc" -eq 0
sb=$jf_tmp/dry.sbatch
grep '^sbatch ' "$jf_tmp/dry" >"$sb"
jf_check "8 submissions: 3 strong + 3 weak runs, 2 reports ($(wc -l <"$sb"))" test "$(wc -l <"$sb")" -eq 8
jf_check "strong runs: D 5M on 1, 2 and 4 nodes" \
    test "$(grep -c 'jflop-strong-[124] .*JFLOP_TOKENS=5M' "$sb")" -eq 3
for n in 1 2 4; do
    jf_check "weak run on $n node(s): D $((5 * n))M" \
        grep -q "nodes=$n --job-name=jflop-weak-$n .*JFLOP_TOKENS=$((5 * n))M" "$sb"
done
jf_check "every run but the first waits for the one before (afterany)" \
    test "$(grep -v report "$sb" | grep -c 'dependency=afterany:dry[0-9]* ')" -eq 5
jf_check "each report waits for its 3 runs" \
    test "$(grep -c 'dependency=afterany:dry[0-9]*:dry[0-9]*:dry[0-9]* .*jflop-report' "$sb")" -eq 2
jf_check "the reports run jflop report --out over each series' folder" \
    test "$(grep -c 'jflop\\ report\\ --out\\ .*series/report-\(weak\|strong\)\\ .*series/\(weak\|strong\)' "$sb")" -eq 2
jf_check "sbatch options after -- reach every submission" test "$(grep -c -- '--partition=p' "$sb")" -eq 8
jf_check "--dry-run submitted nothing and created nothing" test ! -e "$jf_tmp/series"

for bad in "--nodes 0" "--nodes x" "--mode sideways" "--tokens 1.5G" "--bogus" "--params"; do
    # shellcheck disable=SC2086 # each case is several words
    "$jobscripts/scaling.sh" --dry-run $bad >"$jf_tmp/out" 2>"$jf_tmp/err"
    rc=$?
    jf_check "scaling.sh $bad: exit 2 and one line ($(cat "$jf_tmp/err"))" \
        sh -c '[ "$1" -eq 2 ] && [ "$(wc -l <"$2")" -eq 1 ] && [ ! -s "$3" ]' sh "$rc" \
        "$jf_tmp/err" "$jf_tmp/out"
done
"$jobscripts/scaling.sh" --help >"$jf_tmp/out" 2>&1
jf_check "scaling.sh --help prints its usage" grep -q -e "--nodes" "$jf_tmp/out"

jf_done
