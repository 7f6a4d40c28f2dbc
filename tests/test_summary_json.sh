#!/bin/sh
# test_summary_json: a 2-rank run's --summary-json has every documented key
# with the right JSON type, its FLOP figures add up (6*N*D recomputed here,
# the attention term recomputed from the shape), the loss falls, and only
# rank 0 prints the summary.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq

run=$jf_tmp/run
json=$run.json
jf_mpi 2 "$run" --preset tiny --summary-json "$json"
jf_expect_rc 0 "2 ranks, --preset tiny"
[ -s "$json" ] || {
    jf_check "--summary-json was written" false
    jf_done
}
jf_jq "$json" 'type == "object"' "the summary is one JSON object"

# key: JSON type ("integer" = a number with no fraction)
for spec in N:integer D:integer layers:integer d_model:integer heads:integer \
    ctx:integer ff:integer batch:integer steps:integer warmup:integer \
    ranks:integer threads_per_rank:integer precision:string flops_6nd:integer \
    flops_dense_counted:integer flops_attention_counted:integer \
    flops_attention_analytic:integer flops_other:integer flops_verified:boolean \
    seconds:number flops_per_second:number loss_first:number loss_last:number \
    blis_arch:string status:string; do
    key=${spec%%:*}
    type=${spec#*:}
    case $type in
    integer) expr="has(\"$key\") and (.\"$key\" | type == \"number\" and . == floor and . >= 0)" ;;
    *) expr="has(\"$key\") and (.\"$key\" | type == \"$type\")" ;;
    esac
    jf_jq "$json" "$expr" "key $key is a JSON $type"
done

jf_jq "$json" '.ranks == 2' "ranks is 2"
jf_jq "$json" '.precision == "fp32"' "precision is the default fp32"
jf_jq "$json" '.layers == 2 and .d_model == 64 and .heads == 2 and .ctx == 32 and .ff == 256' \
    "shape is the tiny preset's"
jf_jq "$json" '.N == .layers * (4 * .d_model * .d_model + 2 * .d_model * .ff)' \
    "N is Kaplan's n_layer*(4*d_model^2 + 2*d_model*d_ff)"
jf_jq "$json" '.D == .steps * .ranks * .batch * .ctx' "D is steps*ranks*batch*ctx"
jf_jq "$json" '.flops_6nd == 6 * .N * .D' "flops_6nd == 6*N*D"
jf_jq "$json" '.flops_exact.flops_6nd == (6 * .N * .D | tostring)' \
    "the exact (string) 6ND matches"
jf_jq "$json" '.flops_dense_counted == .flops_6nd' "dense FLOPs counted == 6ND"
jf_jq "$json" '.flops_verified == true' "flops_verified is true"
jf_jq "$json" '.flops_attention_counted == .flops_attention_analytic' \
    "attention FLOPs counted == analytic"
jf_jq "$json" '.flops_attention_analytic == 12 * .layers * .ctx * .d_model * .D' \
    "attention analytic == 3*2*2*n_layer*n_ctx*d_model*D"
jf_jq "$json" '.flops_other > 0' "non-GEMM work is counted"
jf_jq "$json" '.seconds > 0 and .flops_per_second > 0' "time and rate are positive"
jf_jq "$json" '.loss_last < .loss_first' "the loss fell"
jf_jq "$json" '.loss_first > 0 and .loss_first < 2 * (.vocab | log)' \
    "the first loss is near ln(vocab)"
jf_jq "$json" '.blis_arch | length > 0' "blis_arch names a kernel set"
jf_jq "$json" '.status == "ok" and (has("reason") | not)' "status ok, no failure reason"
# the peak resident memory predicted before allocating, against getrusage
jf_jq "$json" '.memory.predicted_peak_rss_bytes == .memory.predicted_model_bytes_per_rank + .memory.baseline_rss_bytes + .memory.allreduce_scratch_bytes + .memory.gemm_workspace_bytes' \
    "the memory prediction is the sum of its parts"
if [ "${JF_SANITIZERS:-no}" = yes ]; then
    # ASan's allocator keeps freed memory in quarantine and adds shadow
    # memory: the resident set is then ASan's, not what jflop predicts
    echo "note: sanitizer build: the 10% memory-prediction check does not apply"
else
    jf_jq "$json" '((.memory.predicted_peak_rss_bytes / .memory.peak_rss_bytes_max_rank) - 1 | fabs) < 0.10' \
        "predicted peak memory within 10% of the measured peak"
fi

out=$run.out
jf_grep_count "$out" "6ND verified: counted == 6*N*D" 1 "stdout says 6ND verified"
# only rank 0 prints: the header and the status line appear exactly once
jf_grep_count "$out" "jflop-run ${JF_PACKAGE_VERSION:-}: 2 ranks on" 1 \
    "the summary header appears once"
jf_grep_count "$out" "status  ok" 1 "the status line appears once"
jf_grep_count "$run.err" "measured step 6/6" 1 "progress comes from rank 0 only"
jf_check "stdout and stderr kept apart (no progress on stdout)" \
    sh -c '! grep -q "^jflop-run: .*step" "$1"' sh "$out"
jf_done
