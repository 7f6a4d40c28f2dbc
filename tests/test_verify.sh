#!/bin/sh
# test_verify: on 2 ranks, --verify runs the GEMM residual, finite-difference
# gradient and 1-rank-versus-2-ranks checks; each passes, below its
# threshold, in fp32 and fp64, and the run exits 0. The results file holds
# the same verdicts, figures and thresholds under /verify (schema 1.2).
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"   # jf_close, jf_val
h5dump=$(command -v h5dump)
[ -n "$h5dump" ] || echo "note: h5dump not found: the file's /verify group is not checked here"
# h5attr FILE PATH: an attribute's value as h5dump prints it, quotes removed
h5attr() {
    h5dump -m %.17g -a "$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | head -n 1 | tr -d '"'
}

for prec in fp32 fp64; do
    run=$jf_tmp/verify-$prec
    jf_mpi 2 "$run" --preset tiny --steps 2 --precision $prec --verify --summary-json "$run.json" \
        --output "$run.h5"
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
        if [ -n "$h5dump" ]; then
            jf_check "$prec: /verify/$check in the file: ran 1, pass 1" \
                test "$(h5attr "$run.h5" /verify/$check/ran)$(h5attr "$run.h5" /verify/$check/pass)" = 11
            for key in value threshold; do
                jf_close "$prec: /verify/$check/$key in the file = the JSON's" \
                    "$(h5attr "$run.h5" /verify/$check/$key)" "$(jf_val "$run.json" .verify.$check.$key)" 1e-12
            done
        fi
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
