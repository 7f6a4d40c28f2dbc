#!/bin/sh
# test_build_no_onednn: oneDNN is optional. A copy of the source tree
# configured --without-onednn builds, says so in configure's summary, keeps
# fp32 training on BLIS, and refuses --precision bf16 and --gemm onednn
# before anything runs: exit 2 with one line saying why.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
src=${JF_TOP_SRCDIR:?run through make check}
[ -x "$src/configure" ] || jf_skip "no configure script in $src (run autoreconf -fi first)"

copy=$jf_tmp/src
mkdir -p "$copy"
# the sources only: an in-tree build's products would make configure refuse
(cd "$src" && tar cf - --exclude=./tests --exclude=./results/bench --exclude='*.o' \
    --exclude='*.a' --exclude=config.status --exclude=config.log --exclude=config.h \
    --exclude=Makefile --exclude=.git --exclude=.deps --exclude=stamp-h1 \
    --exclude=./src/jflop-run --exclude=./src/jflop .) | (cd "$copy" && tar xf -)
mkdir -p "$copy/tests/fuzz"
cp "$src/tests/Makefile.in" "$copy/tests/"
cp "$src/tests/fuzz/Makefile.in" "$copy/tests/fuzz/"
echo "+ configure --without-onednn; make -C src jflop-run"
(cd "$copy" && ./configure --without-onednn >"$jf_tmp/configure.out" 2>&1)
jf_rc=$?
jf_prefix=$jf_tmp/configure
jf_expect_rc 0 "configure --without-onednn"
jf_check "configure's summary says oneDNN is off and what that disables" \
    grep -q "oneDNN: *no (--without-onednn; GEMM back-end 'onednn' and --precision bf16 disabled)" \
    "$jf_tmp/configure.out"
(cd "$copy/src" && make -j2 jflop-run >"$jf_tmp/make.out" 2>&1)
jf_rc=$?
jf_prefix=$jf_tmp/make
jf_expect_rc 0 "make jflop-run without oneDNN"
jf_check "nothing links oneDNN" sh -c '! grep -q -- "-ldnnl" "$1"' sh "$jf_tmp/make.out"

run=$copy/src/jflop-run
jf_logged "$jf_tmp/bf16" "jflop-run without oneDNN" "$run" --preset tiny --precision bf16
jf_expect_rc 2 "--precision bf16 without oneDNN"
jf_grep_count "$jf_tmp/bf16.err" "configure --with-onednn" 1 "one line: built without a bf16 back-end, how to get one"
jf_check "stderr is that one line" test "$(wc -l <"$jf_tmp/bf16.err")" -eq 1
jf_logged "$jf_tmp/dnn" "jflop-run without oneDNN" "$run" --preset tiny --gemm onednn
jf_expect_rc 2 "--gemm onednn without oneDNN"
jf_grep_count "$jf_tmp/dnn.err" "built without oneDNN" 1 "one line says this jflop has no oneDNN"
jf_logged "$jf_tmp/fp32" "jflop-run without oneDNN" "$JF_MPIRUN" -np 1 "$run" --preset tiny \
    --steps 2 --output none --summary-json "$jf_tmp/fp32.json"
jf_expect_rc 0 "fp32 still trains without oneDNN"
if command -v jq >/dev/null 2>&1; then
    jf_jq "$jf_tmp/fp32.json" '.gemm.backend == "blis" and .flops_verified and
        ([.gemm.candidates[] | select(.backend == "onednn")][0].note | test("not built"))' \
        "fp32 on BLIS; the oneDNN candidate says it is not built in"
fi
jf_done
