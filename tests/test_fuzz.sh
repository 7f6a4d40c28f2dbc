#!/bin/sh
# test_fuzz: each libFuzzer harness of tests/fuzz (site, system, claims,
# hardware JSON, the HDF5 results reader and the /proc/cpuinfo parser) runs for a bounded time
# (JF_FUZZ_SECONDS, 20 s each by default) from its seed corpus, under ASan
# and UBSan: any crash, sanitizer report, leak in the JSON readers or
# timeout fails the test, with the crashing input kept in tests/fuzz/crash-*.
# Skipped, saying why, when configure had no --enable-fuzzing.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
if [ "${JF_FUZZING:-no}" != yes ]; then
    echo "SKIP: configured without --enable-fuzzing (needs clang with libFuzzer): no harnesses to run"
    exit 77
fi
seconds=${JF_FUZZ_SECONDS:-20}
fuzz_dir=${JF_TOP_BUILDDIR:?run through make check}/tests/fuzz
corpus_dir=${JF_TOP_SRCDIR:?run through make check}/tests/fuzz/corpus

for reader in site system claims hardware results cpuinfo; do
    bin=$fuzz_dir/fuzz_$reader
    [ -x "$bin" ] || jf_hard_error "$bin is missing (make fuzz builds it)"
    [ -d "$corpus_dir/$reader" ] || jf_hard_error "no seed corpus $corpus_dir/$reader"
    # new inputs go to a scratch corpus; the seeds are only read
    # crashing inputs are kept in the build tree (the scratch folder goes)
    crash_dir=$fuzz_dir/crash-$reader
    mkdir "$jf_tmp/new_$reader"
    mkdir -p "$crash_dir"
    # HDF5 keeps free lists of its own that LeakSanitizer cannot tell from
    # leaks; the JSON readers own all their memory and are checked for leaks
    leaks=1
    [ "$reader" = results ] && leaks=0
    echo "+ fuzz_$reader -max_total_time=$seconds (seeds: $corpus_dir/$reader)"
    ASAN_OPTIONS=detect_leaks=$leaks:abort_on_error=0 \
        "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crash_dir/" "$jf_tmp/new_$reader" "$corpus_dir/$reader" \
        >"$jf_tmp/fuzz_$reader.log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$jf_tmp/fuzz_$reader.log")
    crashes=$(find "$crash_dir" -type f | wc -l)
    [ "$crashes" -eq 0 ] && rmdir "$crash_dir"
    jf_checks=$((jf_checks + 1))
    if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
        jf_pass "fuzz_$reader: $execs inputs in $seconds s, no crash"
    else
        jf_fail "fuzz_$reader: exit status $rc, $crashes crashing inputs in $crash_dir, ${execs:-no} inputs run"
        tail -n 40 "$jf_tmp/fuzz_$reader.log"
    fi
done
jf_done
