#!/bin/sh
# test_blis_arch: --blis-arch and BLIS_ARCH_TYPE really select BLIS's kernel
# set (BLIS 0.9 aborts when asked for one too early, which once broke every
# forced choice), the choice is recorded, and auto replaces a "generic"
# detection with the CPU's best set. Single rank, no launcher.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
jf_require_jq

tiny="--preset tiny --steps 1 --warmup 0"

# jf_arch_run NAME ARGS...: one run with --summary-json into $jf_tmp/NAME
jf_arch_run() {
    jf_name_=$1
    shift
    # shellcheck disable=SC2086
    jf_direct "$jf_tmp/$jf_name_" $tiny --summary-json "$jf_tmp/$jf_name_.json" "$@"
}

# generic exists in every BLIS build and runs on every CPU
jf_arch_run generic --blis-arch generic
jf_expect_rc 0 "--blis-arch generic"
jf_jq "$jf_tmp/generic.json" '.blis_arch == "generic" and .blis_arch_overridden' \
    "--blis-arch generic is the active kernel set, recorded as an override"
jf_jq "$jf_tmp/generic.json" '.status == "ok" and .flops_verified' "a forced kernel set still verifies 6ND"

# keep: whatever BLIS detects, unchanged
jf_arch_run keep --blis-arch keep
jf_expect_rc 0 "--blis-arch keep"
jf_jq "$jf_tmp/keep.json" '.blis_arch_overridden == false and (.blis_arch_how | test("keep"))' \
    "keep leaves BLIS alone and says so"
detected=$(jq -r .blis_arch "$jf_tmp/keep.json")

# the environment variable is respected by auto
generic_id=$(jq -r '.blis_arch_how' "$jf_tmp/generic.json" | sed -n 's/.*BLIS_ARCH_TYPE=\([0-9][0-9]*\).*/\1/p')
jf_check "the override names the BLIS_ARCH_TYPE it set" test -n "$generic_id"
if [ -n "$generic_id" ]; then
    BLIS_ARCH_TYPE=$generic_id jf_arch_run env
    jf_expect_rc 0 "BLIS_ARCH_TYPE=$generic_id"
    jf_jq "$jf_tmp/env.json" '.blis_arch == "generic" and (.blis_arch_how | test("BLIS_ARCH_TYPE"))' \
        "auto respects BLIS_ARCH_TYPE from the environment"
fi

# an unknown name is bad input
jf_direct "$jf_tmp/bogus" $tiny --blis-arch nosuch
jf_expect_rc 2 "--blis-arch nosuch"

# auto on a CPU BLIS "did not recognise": the test seam makes the probe
# report generic; with AVX-512 or AVX2+FMA jflop must pick skx or haswell
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo &&
    grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo; then
    want=skx
elif grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
    want=haswell
else
    want=
fi
if [ -n "$want" ]; then
    JFLOP_TEST_BLIS_DETECTED=generic jf_arch_run auto
    jf_expect_rc 0 "auto after a generic detection"
    jf_jq "$jf_tmp/auto.json" ".blis_arch == \"$want\" and .blis_arch_overridden" \
        "auto replaced generic with $want"
    jf_jq "$jf_tmp/auto.json" '.blis_arch_detected == "generic" and (.blis_arch_how | test("generic"))' \
        "the result says BLIS detected generic and why it was replaced"
    jf_grep_count "$jf_tmp/auto.err" "BLIS_ARCH_TYPE" 1 "one line on stderr says what jflop chose"
    jf_arch_run forced --blis-arch "$want"
    jf_expect_rc 0 "--blis-arch $want"
    jf_jq "$jf_tmp/forced.json" ".blis_arch == \"$want\"" "--blis-arch $want is active"
else
    echo "note: this CPU has neither AVX-512 nor AVX2+FMA; the replacement check does not apply"
fi
# auto on an AVX-512 CPU that BLIS runs as zen3 (AMD Zen 4/5 under BLIS
# 0.9): fp64 at d_model >= 1024 moves to skx (measured faster there,
# benchmarks/README.md); narrower fp64 and fp32 stay with BLIS's choice
if [ "$want" = skx ]; then
    JFLOP_TEST_BLIS_DETECTED=zen3 jf_arch_run zen3wide --precision fp64 --d-model 1024 \
        --heads 16 --ff 1024 --verify
    jf_expect_rc 0 "auto, fp64, d_model 1024, after a zen3 detection"
    jf_jq "$jf_tmp/zen3wide.json" '.blis_arch == "skx" and .blis_arch_overridden and (.blis_arch_how | test("zen3"))' \
        "auto runs wide fp64 on skx where BLIS detected zen3, and says why"
    jf_jq "$jf_tmp/zen3wide.json" '.status == "ok" and .flops_verified' "--verify passes and 6ND is exact on skx"
    JFLOP_TEST_BLIS_DETECTED=zen3 jf_arch_run zen3narrow --precision fp64
    jf_expect_rc 0 "auto, fp64, d_model 64, after a zen3 detection"
    jf_jq "$jf_tmp/zen3narrow.json" '.blis_arch_overridden == false' "auto leaves narrow fp64 with BLIS's choice"
    JFLOP_TEST_BLIS_DETECTED=zen3 jf_arch_run zen3fp32 --precision fp32 --d-model 1024 --heads 16
    jf_expect_rc 0 "auto, fp32, after a zen3 detection"
    jf_jq "$jf_tmp/zen3fp32.json" '.blis_arch_overridden == false' "auto leaves fp32 with BLIS's choice"
fi
echo "BLIS's own detection here: $detected"
jf_done
