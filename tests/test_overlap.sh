#!/bin/sh
# test_overlap: --overlap (each block of gradients summed with
# MPI_Iallreduce as soon as backward has it) trains exactly the same
# weights as the single allreduce after backward, bit for bit, on 2 ranks
# and in both precisions; the JSON says which mode ran. Both runs use the
# same GEMM kernels (--gemm blis --blis-arch keep): left to choose by
# measuring, two runs may pick different kernel sets, whose roundings differ.
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs are meant literally
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq

for prec in fp32 fp64; do
    for mode in plain overlap; do
        flag=
        [ "$mode" = overlap ] && flag=--overlap
        run=$jf_tmp/$prec-$mode
        # shellcheck disable=SC2086 # flag is empty or one word
        jf_mpi 2 "$run" --preset tiny --steps 8 --precision "$prec" --energy none --output none \
            --gemm blis --blis-arch keep --summary-json "$run.json" $flag
        jf_expect_rc 0 "$prec $mode"
    done
    jf_jq "$jf_tmp/$prec-overlap.json" '.overlap == true' "$prec: the JSON records --overlap"
    jf_jq "$jf_tmp/$prec-plain.json" '.overlap == false' "$prec: and its absence"
    jf_jq2 "$jf_tmp/$prec-plain.json" "$jf_tmp/$prec-overlap.json" \
        '$a.weights_hash == $b.weights_hash and $a.loss_last == $b.loss_last' \
        "$prec: identical weights and loss with and without --overlap"
    jf_jq "$jf_tmp/$prec-overlap.json" '.flops_verified and .weights_identical_on_ranks' \
        "$prec: 6ND still verified, ranks still agree"
done
jf_done
