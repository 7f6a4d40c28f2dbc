#!/bin/sh
# test_verify: on 2 ranks, --verify runs the GEMM residual, finite-difference
# gradient and 1-rank-versus-2-ranks checks; each passes, below its
# threshold, in fp32 and fp64, and the run exits 0.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq

for prec in fp32 fp64; do
    run=$jf_tmp/verify-$prec
    jf_mpi 2 "$run" --preset tiny --steps 2 --precision $prec --verify --summary-json "$run.json"
    jf_expect_rc 0 "$prec --verify"
    [ -s "$run.json" ] || {
        jf_check "$prec: --summary-json was written" false
        continue
    }
    for check in gemm gradients ranks; do
        jf_jq "$run.json" ".verify.$check.result == \"pass\"" "$prec: verify.$check passes"
        jf_jq "$run.json" ".verify.$check.value >= 0 and .verify.$check.value < .verify.$check.threshold" \
            "$prec: verify.$check value below its threshold"
        jf_jq "$run.json" ".verify.$check.detail | length > 0" "$prec: verify.$check explains itself"
        jf_grep_count "$run.out" "verify  $(printf '%-9s' $check) pass" 1 \
            "$prec: stdout reports $check pass once"
    done
    jf_jq "$run.json" '.verify | keys == ["gemm", "gradients", "ranks"]' \
        "$prec: exactly the three checks ran"
    jf_jq "$run.json" ".verify.ranks.detail | test(\"2 ranks\") and test(\"$prec\")" \
        "$prec: the ranks check compared 2 ranks in $prec"
    jf_jq "$run.json" '.status == "ok"' "$prec: status ok"
done

# without --verify no check is reported
run=$jf_tmp/noverify
jf_mpi 2 "$run" --preset tiny --steps 1 --summary-json "$run.json"
jf_expect_rc 0 "without --verify"
jf_jq "$run.json" '.verify == {}' "without --verify, no checks are reported"
jf_done
