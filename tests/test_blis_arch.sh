#!/bin/sh
# test_blis_arch: --blis-arch and BLIS_ARCH_TYPE really select BLIS's kernel
# set (BLIS 0.9 aborts when asked for one too early, which once broke every
# forced choice), the choice is recorded, and auto chooses by measurement:
# the recorded candidates, not timings, are what is asserted. Single rank,
# no launcher.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
jf_require_jq

tiny="--preset tiny --steps 1 --warmup 0"
# BLIS must run the GEMMs for its kernel set to matter
blis="--gemm blis"

# jf_arch_run NAME ARGS...: one run with --summary-json into $jf_tmp/NAME
jf_arch_run() {
    jf_name_=$1
    shift
    # shellcheck disable=SC2086
    jf_direct "$jf_tmp/$jf_name_" $tiny --summary-json "$jf_tmp/$jf_name_.json" "$@"
}

# generic exists in every BLIS build and runs on every CPU
jf_arch_run generic $blis --blis-arch generic
jf_expect_rc 0 "--blis-arch generic"
jf_jq "$jf_tmp/generic.json" '.blis_arch == "generic" and .blis_arch_overridden' \
    "--blis-arch generic is the active kernel set, recorded as an override"
jf_jq "$jf_tmp/generic.json" '.status == "ok" and .flops_verified' "a forced kernel set still verifies 6ND"

# keep: whatever BLIS detects, unchanged
jf_arch_run keep $blis --blis-arch keep
jf_expect_rc 0 "--blis-arch keep"
jf_jq "$jf_tmp/keep.json" '.blis_arch_overridden == false and (.blis_arch_how | test("keep"))' \
    "keep leaves BLIS alone and says so"
detected=$(jq -r .blis_arch "$jf_tmp/keep.json")

# the environment variable is respected by auto
generic_id=$(jq -r '.blis_arch_how' "$jf_tmp/generic.json" | sed -n 's/.*BLIS_ARCH_TYPE=\([0-9][0-9]*\).*/\1/p')
jf_check "the override names the BLIS_ARCH_TYPE it set" test -n "$generic_id"
if [ -n "$generic_id" ]; then
    BLIS_ARCH_TYPE=$generic_id jf_arch_run env $blis
    jf_expect_rc 0 "BLIS_ARCH_TYPE=$generic_id"
    jf_jq "$jf_tmp/env.json" '.blis_arch == "generic" and (.blis_arch_how | test("BLIS_ARCH_TYPE"))' \
        "auto respects BLIS_ARCH_TYPE from the environment"
fi

# an unknown name is bad input
jf_direct "$jf_tmp/bogus" $tiny $blis --blis-arch nosuch
jf_expect_rc 2 "--blis-arch nosuch"

# auto: every candidate recorded; the chosen one is usable and the fastest
# of the usable ones; a kernel set this CPU cannot run is ruled out with a
# reason; BLIS then runs the chosen set
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo &&
    grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo; then
    skx=true
else
    skx=false
fi
for prec in fp64 fp32; do
    jf_arch_run "auto-$prec" --precision "$prec"
    jf_expect_rc 0 "auto, $prec"
    f=$jf_tmp/auto-$prec.json
    jf_jq "$f" '.gemm.candidates | length == 5' "$prec: five candidates recorded"
    jf_jq "$f" '[.gemm.candidates[] | select(.chosen)] | length == 1' "$prec: exactly one chosen"
    jf_jq "$f" '([.gemm.candidates[] | select(.usable and .considered) | .gflops] | max) as $m
        | [.gemm.candidates[] | select(.chosen)][0] | .usable and .gflops == $m' \
        "$prec: the chosen candidate is the fastest usable one"
    jf_jq "$f" '[.gemm.candidates[] | select(.considered | not) | .note | length > 0] | all' \
        "$prec: every ruled-out candidate says why"
    jf_jq "$f" "[.gemm.candidates[] | select(.kernel == \"skx\")][0].considered == $skx" \
        "$prec: skx is a candidate exactly when the CPU has AVX-512 F/DQ/BW/VL"
    jf_jq "$f" '([.gemm.candidates[] | select(.chosen)][0]) as $c
        | if $c.backend == "blis" then .blis_arch == $c.kernel and .gemm.backend == "blis"
          else .gemm.backend == $c.backend end' "$prec: the chosen back-end and kernel set ran"
    jf_jq "$f" '.status == "ok" and .flops_verified' "$prec: 6ND verified on the chosen back-end"
    jf_jq "$f" '.gemm.measured_shapes | test("[0-9]+ of 18 timed, each its fastest product of 2 rounds")' \
        "$prec: each candidate rated by its fastest products over 2 rounds (ABBA), which the record says"
done
jf_jq "$jf_tmp/auto-fp64.json" '[.gemm.candidates[] | select(.backend == "onednn")][0]
    | (.considered | not) and (.note | test("fp64|not built"))' "fp64: oneDNN is ruled out, with its reason"
echo "BLIS's own detection here: $detected"
echo "auto fp32: $(jq -c '[.gemm.candidates[] | [.backend, .kernel, .gflops]]' "$jf_tmp/auto-fp32.json")"
jf_done
