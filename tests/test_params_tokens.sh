#!/bin/sh
# test_params_tokens: --params 1M --tokens 100k on 2 ranks resolves a shape
# (printed) with N within 25% of 1e6, d_model a multiple of 64 with 64-wide
# heads and d_ff = 4 d_model, and runs just enough steps for D >= 100000
# (less than one step more).
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq

run=$jf_tmp/pt
json=$run.json
# --preset tiny for its short sequences; --batch 16 so the ~100k tokens
# take few, wider steps
jf_mpi 2 "$run" --preset tiny --params 1M --tokens 100k --batch 16 --warmup 0 \
    --summary-json "$json"
jf_expect_rc 0 "--params 1M --tokens 100k"
[ -s "$json" ] || {
    jf_check "--summary-json was written" false
    jf_done
}
jq -c '{N, D, layers, d_model, heads, ff, steps, batch, ranks, ctx}' "$json"

jf_jq "$json" '.N_target == 1000000 and .D_target == 100000' "the targets are recorded"
jf_jq "$json" '.N >= 750000 and .N <= 1250000' "N within 25% of 1e6"
jf_jq "$json" '.N == .layers * (4 * .d_model * .d_model + 2 * .d_model * .ff)' \
    "N is Kaplan's formula of the resolved shape"
jf_jq "$json" '.d_model % 64 == 0 and .heads * 64 == .d_model and .ff == 4 * .d_model' \
    "d_model a multiple of 64, 64-wide heads, d_ff = 4 d_model"
jf_jq "$json" '.ctx == 32 and .vocab == 64' "ctx and vocab kept from the preset"
jf_jq "$json" '.D >= 100000' "D >= 100000"
jf_jq "$json" '.D < 100000 + .ranks * .batch * .ctx' "D < 100000 + one step's tokens"
jf_jq "$json" '.steps == ((100000 / (.ranks * .batch * .ctx)) | ceil)' \
    "steps = ceil(D_target / tokens per step)"
jf_jq "$json" '.steps_done == .steps and .D == .steps * .ranks * .batch * .ctx' \
    "every step ran and was counted"
jf_jq "$json" '.flops_verified == true and .status == "ok"' "6ND verified, status ok"

out=$run.out
shape=$(jq -r '"layers \(.layers), d_model \(.d_model), heads \(.heads), d_ff \(.ff)"' "$json")
jf_grep_count "$out" "preset (from --params): $shape" 1 "stdout prints the resolved shape"
jf_grep_count "$out" "target was 1,000,000" 1 "stdout prints the N target"
jf_grep_count "$out" "(target 100,000)" 1 "stdout prints the D target"
jf_done
