#!/bin/sh
# test_energy_likwid: on a machine where likwid cannot read RAPL (VMs,
# unsupported CPUs, no MSR access), --energy likwid fails fast (probing
# never blocks) with one line on stderr giving likwid's reason and exit
# status 2, and --energy auto with no powercap or pm_counters tree (both
# roots pointed at empty folders) moves on to "none", its reason listing
# what each backend said, likwid's included. Skipped (77) where likwid does
# read RAPL.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy

now() { date +%s.%N; }

# a reference: the same start-up and a 1-step run, without energy
run=$jf_tmp/none
t0=$(now)
jf_direct "$run" --preset tiny --steps 1 --warmup 0 --energy none --summary-json "$run.json"
t1=$(now)
jf_expect_rc 0 "reference run with --energy none"

run=$jf_tmp/likwid
t2=$(now)
jf_direct "$run" --preset tiny --steps 1 --warmup 0 --energy likwid --summary-json "$run.json"
t3=$(now)
if [ "$jf_rc" -eq 0 ] && jq -e '.energy.source == "likwid" and .energy.measured' "$run.json" \
    >/dev/null 2>&1; then
    jf_skip "likwid reads RAPL energy on this machine; this test is for machines where it cannot"
fi
none_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
likwid_s=$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.3f", b - a }')
echo "wall time: --energy none ${none_s} s (a whole 1-step run), --energy likwid ${likwid_s} s"
jf_expect_rc 2 "--energy likwid where likwid cannot read energy: bad input, nothing run"
jf_check "the likwid probe fails fast: at most 2 s more than a whole --energy none run" \
    awk -v l="$likwid_s" -v n="$none_s" 'BEGIN { exit !(l <= n + 2) }'
jf_check "the --energy likwid invocation ends within 10 s" \
    awk -v l="$likwid_s" 'BEGIN { exit !(l <= 10) }'
jf_grep_count "$run.err" "" 1 "stderr has exactly one line (likwid's own messages are not let through)"
jf_check "the line gives likwid's reason: $(head -n 1 "$run.err")" \
    grep -q -E '^jflop-run: --energy likwid: likwid: .+' "$run.err"
jf_check "no --summary-json file" test ! -e "$run.json"
likwid_reason=$(sed -n 's/^jflop-run: --energy likwid: //p' "$run.err" | head -n 1)

# auto, with no tree anywhere: none, with every backend's reason
empty_pc=$jf_tmp/empty-powercap
empty_pm=$jf_tmp/empty-pm
mkdir "$empty_pc" "$empty_pm"
run=$jf_tmp/auto
jf_mpi 2 "$run" --preset tiny --steps 5 --energy auto --powercap-root "$empty_pc" \
    --pm-counters-root "$empty_pm" --summary-json "$run.json"
jf_expect_rc 0 "--energy auto with no counters anywhere: the run goes on"
if [ -s "$run.json" ]; then
    jf_jq "$run.json" '.status == "ok"' "status ok"
    jf_jq "$run.json" '.energy.source == "none" and .energy.status == "not measured"' \
        "auto fell back to none: not measured"
    jf_jq "$run.json" '.energy.reason | test("likwid")' \
        "the reason lists likwid's: $(jf_val "$run.json" .energy.reason)"
    jf_jq "$run.json" '.energy.reason | test("pm_counters") and test("powercap")' \
        "the reason lists pm_counters' and powercap's too"
    if [ -n "$likwid_reason" ]; then
        jf_jq "$run.json" ".energy.reason | contains($(printf '%s' "${likwid_reason#likwid: }" | jq -R -s .))" \
            "the reason is the one --energy likwid gave"
    fi
    jf_no_fake_zero "$run.json" "auto without counters"
    jf_grep_count "$run.out" "energy: not measured" 1 "stdout says 'energy: not measured'"
else
    jf_check "--summary-json was written" false
    jf_show "$run.out"
    jf_show "$run.err"
fi
jf_done
