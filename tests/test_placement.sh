#!/bin/sh
# test_placement: jflop-run's placement warnings fire in the layouts that
# spoil timings and stay quiet in the ones that do not. Open MPI only (its
# --bind-to flags); needs 2 cores.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq
"$JF_MPIRUN" --version 2>&1 </dev/null | grep -q 'Open MPI' || jf_skip "the launcher is not Open MPI's mpirun"
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || jf_skip "one core: no layout here avoids sharing"

tiny="--preset tiny --steps 1 --warmup 0 --energy none --output none"

# placed NAME NP BIND ENV... : jflop-run on NP ranks, mpirun --bind-to BIND
placed() {
    p_name=$1 p_np=$2 p_bind=$3
    shift 3
    echo "+ $* jf-mpirun -np $p_np --bind-to $p_bind jflop-run $tiny"
    # shellcheck disable=SC2086
    $jf_timeout "$JF_MPIRUN" -np "$p_np" --bind-to "$p_bind" env "$@" "$JFLOP_RUN" $tiny \
        --summary-json "$jf_tmp/$p_name.json" </dev/null >"$jf_tmp/$p_name.out" 2>"$jf_tmp/$p_name.err"
    jf_rc=$?
    jf_expect_rc 0 "$p_name"
}

# a lone rank bound to one core, 2 threads pinned there by OMP_PROC_BIND:
# the threads share the core, whatever OpenMP's own binding says
placed crowded 1 core OMP_NUM_THREADS=2 OMP_PLACES=cores OMP_PROC_BIND=close
jf_jq "$jf_tmp/crowded.json" 'any(.warnings[]; test("may run on only 1 CPU"))' \
    "1 rank bound to 1 core x 2 threads: the threads share a core"
jf_grep_count "$jf_tmp/crowded.err" "may run on only 1 CPU" 1 "and stderr says so once"

# the same rank unbound, threads on cores: nothing to warn about (libgomp
# binds the first thread to one core; the rank's places still span both)
placed spread 1 none OMP_NUM_THREADS=2 OMP_PLACES=cores OMP_PROC_BIND=close
jf_jq "$jf_tmp/spread.json" '.threads_per_rank == 2 and .warnings == []' \
    "1 unbound rank x 2 threads bound to cores: no warning"

# 2 ranks on their own cores, 1 thread each: no warning
placed pinned 2 core OMP_NUM_THREADS=1
jf_jq "$jf_tmp/pinned.json" '.warnings == []' "2 ranks bound to cores x 1 thread: no warning"

# 2 unbound ranks whose threads OpenMP pins: both land on the first core
placed unbound 2 none OMP_NUM_THREADS=1 OMP_PLACES=cores OMP_PROC_BIND=close
jf_jq "$jf_tmp/unbound.json" 'any(.warnings[]; test("ranks are not bound"))' \
    "2 unbound ranks: the ranks are not bound"

# the same with its HDF5 result: all ranks write the file, and a warning
# once held only by rank 0 gave the ranks different HDF5 metadata, so the
# write deadlocked (one rank in a cache sync barrier, the other in
# MPI_File_set_size); --verify adds per-rank residuals to the file
sub=$jf_tmp/unbound-h5
echo "+ jf-mpirun -np 2 --bind-to none jflop-run ... --verify --output $sub.h5"
# shellcheck disable=SC2086 # $tiny is words
jf_logged "$sub" "2 unbound ranks writing HDF5" "$JF_MPIRUN" -np 2 --bind-to none "$JFLOP_RUN" \
    ${tiny% --output none} --verify --output "$sub.h5"
jf_expect_rc 0 "2 unbound ranks writing their HDF5 result (124: the write hung)"
# shellcheck disable=SC2016 # $1 is for sh -c
jf_check "the result file carries the warning" \
    sh -c 'h5dump -a /warnings "$1" | grep -q "ranks are not bound"' sh "$sub.h5"

# BLIS_NUM_THREADS alone does not change jflop's threads
placed blisnt 1 core OMP_NUM_THREADS=1 BLIS_NUM_THREADS=2
jf_jq "$jf_tmp/blisnt.json" '.threads_per_rank == 1 and any(.warnings[]; test("BLIS_NUM_THREADS=2 is ignored"))' \
    "BLIS_NUM_THREADS=2 without --threads: ignored, and said"
jf_done
