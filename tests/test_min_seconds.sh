#!/bin/sh
# test_min_seconds: --min-seconds S keeps running measured steps after
# --steps until the measured phase lasts S seconds, on 2 ranks: the phase is
# at least S, more steps ran than asked, D counts every one of them and the
# dense FLOPs are still exactly 6·N·D; the results file has a timing column
# and a loss per step that ran, and records S. Bad values: exit 2, one line
# naming the flag.
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs in single quotes
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq

run=$jf_tmp/ms
jf_mpi 2 "$run" --preset tiny --steps 2 --warmup 1 --min-seconds 1.5 --energy none \
    --output "$run.h5" --summary-json "$run.json"
jf_expect_rc 0 "--steps 2 --min-seconds 1.5"
if [ -s "$run.json" ]; then
    jf_jq "$run.json" '.seconds >= 1.5' "the measured phase lasted at least 1.5 s ($(jq .seconds "$run.json") s)"
    jf_jq "$run.json" '.steps == 2 and .steps_done > 2' \
        "more measured steps ran than asked ($(jq .steps_done "$run.json") of 2)"
    jf_jq "$run.json" '.D == .steps_done * .ranks * .batch * .ctx' "D counts every step that ran"
    jf_jq "$run.json" '.flops_verified == true and .flops_exact.flops_dense_counted == .flops_exact.flops_6nd' \
        "dense FLOPs counted == 6·N·D exactly"
    jf_jq "$run.json" '.status == "ok" and .min_seconds == 1.5' "status ok, min_seconds recorded"
    if command -v h5dump >/dev/null 2>&1; then
        dims=$(h5dump -H -d /timing/step_seconds "$run.h5" | sed -n 's/.*DATASPACE  SIMPLE { ( \([^)]*\) ).*/\1/p' | tr -d ' ')
        jf_check "one timing column per step that ran ($dims)" \
            test "$dims" = "2,$(jq '.warmup + .steps_done' "$run.json")"
        loss=$(h5dump -H -d /loss "$run.h5" | sed -n 's/.*DATASPACE  SIMPLE { ( \([^)]*\) ).*/\1/p' | tr -d ' ')
        jf_check "one loss per measured step ($loss)" test "$loss" = "$(jq .steps_done "$run.json")"
        jf_check "/config/min_seconds is 1.5" \
            sh -c 'h5dump -a /config/min_seconds "$1" | grep -q "(0): 1.5$"' sh "$run.h5"
    fi
    jf_grep_count "$run.out" "--min-seconds 1.5" 1 "the summary says why more steps ran"
else
    jf_check "--summary-json was written" false
    jf_show "$run.err"
fi

for bad in 0 -3 abc 1e9; do
    jf_direct "$jf_tmp/bad" --preset tiny --energy none --min-seconds "$bad"
    jf_expect_rc 2 "--min-seconds $bad"
    jf_check "--min-seconds $bad: one line naming the flag" \
        sh -c 'test "$(wc -l <"$1")" -eq 1 && grep -q -e "--min-seconds" "$1"' sh "$jf_tmp/bad.err"
done
jf_done
