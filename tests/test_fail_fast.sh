#!/bin/sh
# test_fail_fast: a failure ends the whole MPI job instead of hanging it.
#  1. --lr 1e30 drives the loss to infinity: both ranks stop at the same
#     step, the run is marked failed in every output (stdout status line,
#     JSON status and reason) and exits 1.
#  2. One rank alone fails (its --summary-json folder does not exist, so it
#     exits 2 before MPI_Init) while the other would train for a long time:
#     the launcher must end the job with a non-zero status, well within the
#     time limit.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq

run=$jf_tmp/diverge
json=$run.json
jf_mpi 2 "$run" --preset tiny --lr 1e30 --summary-json "$json"
jf_expect_rc 1 "--lr 1e30 on 2 ranks"
jf_grep_count "$run.out" "status  failed" 1 "stdout says 'status  failed' once"
jf_check "stdout says the loss is not finite" grep -q "status  failed: .*not finite" "$run.out"
jf_check "no 'status  ok' on stdout" sh -c '! grep -q "status  ok" "$1"' sh "$run.out"
if [ -s "$json" ]; then
    jf_jq "$json" '.status == "failed"' "JSON status is failed"
    jf_jq "$json" '.reason | type == "string" and test("not finite")' \
        "JSON gives the reason (loss not finite)"
    jf_jq "$json" '.steps_done < .steps' "JSON shows the run stopped early"
    jf_jq "$json" '.loss_finite == false' "JSON says the loss was not finite"
    jf_jq "$json" '.flops_verified == true and .D > 0' "the failed step's FLOPs come with its tokens"
else
    jf_check "a failed run still writes --summary-json" false
fi

# MPMD launch: rank 0 trains 100000 steps, rank 1 exits at once with status
# 2. The colon syntax is mpirun's and mpiexec's (Open MPI, MPICH), not srun's.
launcher=$(JF_MPIRUN_DRY_RUN=1 "$JF_MPIRUN" -np 1 true | head -n 1)
case $(basename "$launcher") in
mpirun | mpiexec | mpiexec.* | orterun | prterun) ;;
*)
    echo "note: launcher $launcher may not take 'A : B' launches; part 2 not run"
    jf_done
    ;;
esac
mixed=$jf_tmp/mixed
echo "+ jf-mpirun -np 1 jflop-run (long run) : -np 1 jflop-run (bad --summary-json)"
start=$(date +%s)
# shellcheck disable=SC2086
$jf_timeout "$JF_MPIRUN" -np 1 "$JFLOP_RUN" --preset tiny --steps 100000 : \
    -np 1 "$JFLOP_RUN" --preset tiny --summary-json "$jf_tmp/no/such/dir/x.json" \
    >"$mixed.out" 2>"$mixed.err"
jf_rc=$?
elapsed=$(($(date +%s) - start))
echo "  exit status $jf_rc after $elapsed s"
jf_check "one failing rank ends the job (status $jf_rc, not 0)" test "$jf_rc" -ne 0
jf_check "the job did not hang until the time limit (status $jf_rc)" \
    test "$jf_rc" -ne 124 -a "$jf_rc" -ne 137
jf_check "no summary was printed" sh -c '! grep -q "^status " "$1"' sh "$mixed.out"
if [ "$jf_rc" -eq 0 ] || [ "$jf_rc" -eq 124 ] || [ "$jf_rc" -eq 137 ]; then
    jf_show "$mixed.out"
    jf_show "$mixed.err"
fi
jf_done
