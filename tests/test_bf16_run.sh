#!/bin/sh
# test_bf16_run: --precision bf16 end to end. 1 and 2 ranks train the same
# global batch: both verified (dense == 6ND), the 2-rank weights bitwise
# identical on both ranks, the loss falls and stays within bf16's unit
# roundoff between 1 and 2 ranks; --verify's bf16 checks pass; the
# back-end, its kernel and whether bf16 ran natively are recorded in the
# summary, JSON and HDF5 file, and so is how the product with GELU' ran
# (fused or after, measured in the warm-up; unmeasured on BLIS and without
# warm-up); --gemm forces a choice or is refused with one
# line; emulation is labelled. A build without oneDNN must refuse bf16
# (exit 2, one line), which is what this test checks there.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq

if [ "${JF_HAVE_ONEDNN:-no}" != yes ]; then
    jf_direct "$jf_tmp/nodnn" --preset tiny --precision bf16
    jf_expect_rc 2 "bf16 in a build without oneDNN"
    jf_grep_count "$jf_tmp/nodnn.err" "oneDNN" 1 "one line says oneDNN is missing and how to get it"
    jf_done
fi

# CPU bf16 instructions: what the label must say for a default run
if grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo; then hw=true; else hw=false; fi

one=$jf_tmp/one
two=$jf_tmp/two
jf_mpi 1 "$one" --preset tiny --precision bf16 --batch 4 --summary-json "$one.json" \
    --output "$one.h5"
jf_expect_rc 0 "bf16, 1 rank"
jf_mpi 2 "$two" --preset tiny --precision bf16 --batch 2 --verify --summary-json "$two.json"
jf_expect_rc 0 "bf16, 2 ranks, --verify"
for f in "$one.json" "$two.json"; do
    b=$(basename "$f")
    jf_jq "$f" '.status == "ok" and .flops_verified' "$b: status ok, dense FLOPs == 6ND"
    jf_jq "$f" '.precision == "bf16"' "$b: precision recorded"
    jf_jq "$f" '.loss_last < .loss_first - 1' "$b: the loss fell by more than 1 nat"
    jf_jq "$f" '.gemm.backend == "onednn" and (.gemm.kernel | length > 0)' "$b: oneDNN ran, kernel named"
    jf_jq "$f" ".gemm.native == $hw and .gemm.emulated == ($hw | not)" \
        "$b: native bf16 exactly when the CPU has AVX512-BF16 or AMX-BF16 ($hw)"
    jf_jq "$f" '.bf16_converted_elements > 0' "$b: conversions counted apart from FLOPs"
    jf_jq "$f" '.gemm.bf16_tensors | test("master weights")' "$b: says which tensors are bf16"
    jf_jq "$f" '.gemm.gelu_product | .measured and .calls >= 1 and .fused_seconds > 0 and
        .after_seconds > 0 and .mode == (if .after_seconds < .fused_seconds then "after" else "fused" end)' \
        "$b: the product with GELU' measured both ways in the warm-up, the faster ran"
done
jf_jq "$two.json" '.weights_identical_on_ranks == true' "2 ranks: weights identical on both"
jf_jq "$two.json" '[.verify.gemm_bf16, .verify.bf16_loss, .verify.ranks | .result == "pass"]
    | length == 3 and all' "--verify: gemm_bf16, bf16_loss and ranks pass"
jf_jq2 "$one.json" "$two.json" '$a.flops_exact == ($b.flops_exact | .flops_other = $a.flops_exact.flops_other)' \
    "every GEMM FLOP count equal on 1 and 2 ranks"
jf_jq2 "$one.json" "$two.json" '(($a.loss_last - $b.loss_last) | fabs) <= 0.00390625 * $a.loss_last' \
    "1 vs 2 ranks: last loss within 2^-8 relative"
jf_grep_count "$one.out" "GEMM    bf16 on onednn" 1 "the summary names the back-end"
if command -v h5dump >/dev/null 2>&1; then
    jf_check "the HDF5 file records /gemm backend and kernel" \
        sh -c 'h5dump -a /gemm/backend "$1" | grep -q onednn && h5dump -a /gemm/kernel "$1" | grep -q DATA' sh "$one.h5"
fi

# bf16 follows fp32 on the same seed and data
jf_mpi 1 "$jf_tmp/fp32" --preset tiny --precision fp32 --batch 4 --summary-json "$jf_tmp/fp32.json"
jf_expect_rc 0 "fp32 reference run"
jf_jq2 "$one.json" "$jf_tmp/fp32.json" '(($a.loss_last - $b.loss_last) | fabs) <= 0.02 * $b.loss_last' \
    "bf16's last loss within 2% of fp32's"

# forced choices, and refusals before anything runs
jf_mpi 1 "$jf_tmp/f-dnn" --preset tiny --steps 1 --gemm onednn --summary-json "$jf_tmp/f-dnn.json"
jf_expect_rc 0 "--gemm onednn, fp32"
jf_jq "$jf_tmp/f-dnn.json" '.gemm.backend == "onednn" and
    ([.gemm.candidates[] | select(.backend == "blis") | .considered] | any | not)' \
    "--gemm onednn: oneDNN ran, BLIS was no candidate"
jf_mpi 1 "$jf_tmp/f-blis" --preset tiny --steps 1 --gemm blis --summary-json "$jf_tmp/f-blis.json"
jf_expect_rc 0 "--gemm blis, fp32"
jf_jq "$jf_tmp/f-blis.json" '.gemm.backend == "blis" and .gemm.kernel == .blis_arch' \
    "--gemm blis: BLIS ran, its kernel set recorded"
jf_jq "$jf_tmp/f-blis.json" '.gemm.gelu_product | .measured == false and .mode == "after" and
    (.note | test("cannot fuse"))' "--gemm blis: the product with GELU' after it, unmeasured (BLIS cannot fuse)"
jf_mpi 1 "$jf_tmp/w0" --preset tiny --precision bf16 --steps 2 --warmup 0 --summary-json "$jf_tmp/w0.json"
jf_expect_rc 0 "bf16 without warm-up"
jf_jq "$jf_tmp/w0.json" '.gemm.gelu_product | .measured == false and .mode == "fused" and
    (.note | test("no warm-up"))' "no warm-up: the product with GELU' fused, unmeasured, saying why"
for bad in "--gemm blis --precision bf16:no bf16" "--gemm onednn --precision fp64:no fp64" \
    "--gemm nosuch:unknown back-end"; do
    args=${bad%%:*}
    want=${bad#*:}
    # shellcheck disable=SC2086
    jf_direct "$jf_tmp/bad" --preset tiny $args
    jf_expect_rc 2 "$args"
    jf_grep_count "$jf_tmp/bad.err" "$want" 1 "$args: one line saying '$want'"
done

# emulation: oneDNN's own ISA cap takes the bf16 instructions away
if grep -qw avx512f /proc/cpuinfo; then
    ONEDNN_MAX_CPU_ISA=AVX512_CORE jf_mpi 1 "$jf_tmp/emu" --preset tiny --precision bf16 \
        --summary-json "$jf_tmp/emu.json"
    jf_expect_rc 0 "bf16 with ONEDNN_MAX_CPU_ISA=AVX512_CORE"
    jf_jq "$jf_tmp/emu.json" '.gemm.emulated == true and .gemm.native == false and .status == "ok"' \
        "bf16 without bf16 instructions still runs, labelled emulated"
    jf_grep_count "$jf_tmp/emu.out" "EMULATED" 1 "the summary says the bf16 GEMMs were emulated"
    jf_jq2 "$one.json" "$jf_tmp/emu.json" '(($a.loss_last - $b.loss_last) | fabs) <= 0.00390625 * $a.loss_last' \
        "emulated bf16 trains like native bf16 (last loss within 2^-8)"
fi
# jflop probe: the back-ends' verdicts per precision, bf16 native as above
jf_cli "$jf_tmp/probe" probe --json
jf_jq "$jf_tmp/probe.out" "[.gemm_backends[] | select(.name == \"onednn\")][0].precisions
    | .bf16.usable and .bf16.native == $hw and (.fp64.usable | not) and (.fp64.reason | length > 0)" \
    "probe: oneDNN serves bf16 (native: $hw), refuses fp64 with its reason"
jf_jq "$jf_tmp/probe.out" '[.gemm_backends[] | select(.name == "blis")][0].precisions.bf16
    | (.usable | not) and (.reason | test("bf16"))' "probe: BLIS has no bf16, and says so"

# Landauer at 16 bits per FLOP for a bf16 run: report, bounds, claim --measured
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_feeder
jf_feeder_start pc --powercap "$jf_tmp/pc" --pkg-watts 80 --dram-watts 12 --range-uj 2000000000
jf_mpi 1 "$jf_tmp/m16" --preset tiny --precision bf16 --steps 60 --energy powercap \
    --powercap-root "$jf_tmp/pc" --output "$jf_tmp/m16.h5"
jf_feeder_stop pc
jf_expect_rc 0 "a metered bf16 run"
jf_cli "$jf_tmp/rep" report --format json --table bounds "$jf_tmp/m16.h5"
jf_jq "$jf_tmp/rep.out" '.rows[0].bits == 16' "report: Landauer at 16 bits for bf16"
jf_cli "$jf_tmp/bnd" bounds --run "$jf_tmp/m16.h5" --json
jf_jq "$jf_tmp/bnd.out" '.bits == 16' "bounds --run: 16 bits for a bf16 run"
jf_cli "$jf_tmp/clm" claim --measured "$jf_tmp/m16.h5" gpt3-patterson
jf_grep_count "$jf_tmp/clm.out" "at 16 bits per FLOP (its operand width)" 1 \
    "claim --measured: the run against Landauer at its 16 bits"

jq -c '{loss_first, loss_last, gemm: {backend: .gemm.backend, kernel: .gemm.kernel, native: .gemm.native}}' \
    "$one.json" "$two.json"
jf_done
