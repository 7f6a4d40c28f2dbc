#!/bin/sh
# test_mpi_ranks: data parallelism changes nothing but the split. The same
# global batch (4 sequences per step) on 1 rank (--batch 4) and on 2 ranks
# (--batch 2) must give the same N, D and 6ND, both verified, the same final
# weights and loss up to rounding (fp64 1e-9, fp32 1e-4 relative), and the
# 2-rank run must keep bitwise-identical weights on both ranks.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq

for prec in fp64 fp32; do
    case $prec in
    fp64) tol=1e-9 ;;
    fp32) tol=1e-4 ;;
    esac
    one=$jf_tmp/one-$prec
    two=$jf_tmp/two-$prec
    jf_mpi 1 "$one" --preset tiny --precision $prec --batch 4 --summary-json "$one.json"
    jf_expect_rc 0 "$prec, 1 rank"
    jf_mpi 2 "$two" --preset tiny --precision $prec --batch 2 --summary-json "$two.json"
    jf_expect_rc 0 "$prec, 2 ranks"
    if [ ! -s "$one.json" ] || [ ! -s "$two.json" ]; then
        jf_check "$prec: both runs wrote --summary-json" false
        continue
    fi
    jf_jq "$one.json" '.ranks == 1 and .batch == 4' "$prec: 1-rank run has 1 rank of batch 4"
    jf_jq "$two.json" '.ranks == 2 and .batch == 2' "$prec: 2-rank run has 2 ranks of batch 2"
    jf_jq "$two.json" '.weights_identical_on_ranks == true' \
        "$prec: weights identical on the 2 ranks"
    jf_jq "$two.json" ".precision == \"$prec\"" "$prec: precision recorded"
    for f in "$one.json" "$two.json"; do
        jf_jq "$f" '.status == "ok"' "$prec: status ok ($(basename "$f"))"
        jf_jq "$f" '.flops_verified == true' "$prec: flops_verified ($(basename "$f"))"
    done
    jf_jq2 "$one.json" "$two.json" '$a.N == $b.N' "$prec: N equal"
    jf_jq2 "$one.json" "$two.json" '$a.D == $b.D and $a.D > 0' "$prec: D equal"
    jf_jq2 "$one.json" "$two.json" '$a.flops_6nd == $b.flops_6nd' "$prec: flops_6nd equal"
    jf_jq2 "$one.json" "$two.json" '$a.flops_dense_counted == $b.flops_dense_counted' \
        "$prec: dense FLOPs counted equal"
    # every exact GEMM count is equal; "other" is not: each rank runs the SGD
    # update on all the weights, so 2 ranks count it twice
    jf_jq2 "$one.json" "$two.json" \
        '($a.flops_exact | del(.flops_other)) == ($b.flops_exact | del(.flops_other))' \
        "$prec: every exact GEMM FLOP count equal"
    jf_jq2 "$one.json" "$two.json" \
        "((\$a.weights_sum - \$b.weights_sum) | fabs) <= $tol * (\$a.weights_sum | fabs)" \
        "$prec: weights_sum equal within $tol"
    jf_jq2 "$one.json" "$two.json" \
        "((\$a.loss_last - \$b.loss_last) | fabs) <= $tol * (\$a.loss_last | fabs)" \
        "$prec: loss_last equal within $tol"
    jf_jq2 "$one.json" "$two.json" \
        "((\$a.loss_first - \$b.loss_first) | fabs) <= $tol * (\$a.loss_first | fabs)" \
        "$prec: loss_first equal within $tol"
    # the comparison is not vacuous: training moved the weights and the loss
    jf_jq "$one.json" '.loss_last < .loss_first' "$prec: the loss fell"
    jq -c '{weights_sum, loss_first, loss_last, weights_hash}' "$one.json" "$two.json"
done

# negative control: another seed trains other weights, and the tolerance
# above would notice
other=$jf_tmp/other
jf_mpi 1 "$other" --preset tiny --precision fp64 --batch 4 --seed 2 --summary-json "$other.json"
jf_expect_rc 0 "fp64, 1 rank, seed 2"
if [ -s "$other.json" ] && [ -s "$jf_tmp/one-fp64.json" ]; then
    jf_jq2 "$jf_tmp/one-fp64.json" "$other.json" \
        '((($a.weights_sum - $b.weights_sum) | fabs) > 1e-9 * ($a.weights_sum | fabs))' \
        "negative control: seed 2 gives a different weights_sum"
fi
jf_done
