#!/bin/sh
# test_quality: the held-out validation stream, --target-loss and the
# learning figures (issue #15), on real runs of --preset tiny (2 ranks).
#  - the prequential bits in the HDF5 file and the JSON summary against an
#    independent sum over the file's per-step losses (h5py);
#  - the validation FLOPs in their own category: dense == 6*N*D exactly,
#    and the validation's dense forward == 2*N*tokens*passes;
#  - validation as its own energy phase: on a synthetic powercap tree at a
#    known power, the training and the validation Joules match what the
#    feeder's log says it published over the trace's own marks (and its
#    power over the training and the validation seconds, when it kept up);
#  - a target the preset reaches stops the run at the first pass at or
#    below it; a target never reached ends at --max-steps, says so, and
#    keeps the best loss; D and 6ND count exactly what ran;
#  - a target below the data's floor or above ln(vocab) is refused (exit 2,
#    one line, nothing run);
#  - jflop report's quality table carries the file's figures, with empty
#    (null) energy cells for a run without energy.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder
jf_require_python h5py

# --- prequential bits and the validation ledger -----------------------------------------
run=$jf_tmp/bits
jf_mpi 2 "$run" --preset tiny --steps 9 --eval-every 4 --eval-tokens 1000 --energy none \
    --output "$run.h5" --summary-json "$run.json"
jf_expect_rc 0 "tiny run with validation every 4 steps" || jf_done

# independent: bits = tokens per step x sum_t (ln V - loss_t) / ln 2, from /loss
# and /config; exact integer FLOP identities from N, D and the pass count
cat >"$jf_tmp/check.py" <<'EOF'
import json, math, sys
import h5py

path, summary = sys.argv[1], sys.argv[2]
problems = []
with h5py.File(path, "r") as f:
    c, q, fl = f["config"].attrs, f["quality"].attrs, f["flops"].attrs
    V, ranks, batch, ctx = int(c["vocab"]), int(c["ranks"]), int(c["batch"]), int(c["ctx"])
    N, D = int(c["N"]), int(c["D"])
    loss = f["loss"][:]
    bits = ranks * batch * ctx * sum(math.log(V) - x for x in loss) / math.log(2)
    if abs(bits - q["bits_compressed"]) > 1e-9 * abs(bits):
        problems.append("file bits %r, recomputed %r" % (q["bits_compressed"], bits))
    if D != ranks * batch * ctx * len(loss):
        problems.append("D %d is not the tokens of the %d steps that ran" % (D, len(loss)))
    if int(fl["flops_dense_counted"]) != 6 * N * D:
        problems.append("dense %s != 6ND %d" % (fl["flops_dense_counted"], 6 * N * D))
    passes, tokens = int(q["evaluations"]), int(q["eval_tokens"])
    if tokens != ctx * -(-1000 // ctx):
        problems.append("eval_tokens %d is not 1000 rounded up to whole sequences" % tokens)
    if int(fl["flops_eval_dense_forward"]) != 2 * N * tokens * passes:
        problems.append("validation dense forward %s != 2*N*%d*%d" %
                        (fl["flops_eval_dense_forward"], tokens, passes))
    total = int(fl["flops_total_counted"])
    steps = [int(s) for s in f["quality/eval_step"][:]]
    if steps != [0, 4, 8, 9]:
        problems.append("validation after steps %r, expected [0, 4, 8, 9]" % steps)
    vl = f["quality/eval_loss"][:]
    frac = (math.log(V) - vl[-1]) / (math.log(V) - c["loss_floor"])
    if abs(frac - q["learned_fraction"]) > 1e-12:
        problems.append("learned fraction %r, recomputed %r" % (q["learned_fraction"], frac))
    if not (vl[-1] < vl[0]):
        problems.append("validation loss did not fall: %r" % list(vl))
with open(summary) as s:
    j = json.load(s)
if abs(j["quality"]["bits_compressed"] - bits) > 1e-9 * abs(bits):
    problems.append("JSON bits %r, recomputed %r" % (j["quality"]["bits_compressed"], bits))
if j["flops_total_counted"] != total:
    problems.append("JSON total FLOPs %r != the file's %d" % (j["flops_total_counted"], total))
if j["quality"]["joules_per_bit"] is not None:
    problems.append("J/bit %r without energy (must be null)" % j["quality"]["joules_per_bit"])
print("; ".join(problems) if problems else "bits %.6g, %d passes" % (bits, passes))
sys.exit(1 if problems else 0)
EOF
jf_checks=$((jf_checks + 1))
if out=$("$py" "$jf_tmp/check.py" "$run.h5" "$run.json" 2>&1); then
    jf_pass "prequential bits, validation FLOPs and 6ND against the file's own losses: $out"
else
    jf_fail "prequential bits / validation ledger: $out"
fi
jf_check "the summary prints the bits and the validation's own phase" \
    grep -q -e "bits compressed" -e "their own phase" "$run.out"

# --- validation as its own energy phase ---------------------------------------------------
# a counter range far above what a run draws: no interval shortened, no
# wrap to miss on a loaded machine
pkg_w=68
dram_w=12
node_w=$((pkg_w + dram_w))
tree=$jf_tmp/powercap
jf_feeder_start pc --powercap "$tree" --pkg-watts $pkg_w --dram-watts $dram_w \
    --range-uj 2000000000 --max-power-w 200 --period-ms 5
erun=$jf_tmp/energy
jf_mpi 2 "$erun" --preset tiny --steps 300 --eval-every 100 --eval-tokens 16k \
    --energy powercap --powercap-root "$tree" --output "$erun.h5" --summary-json "$erun.json"
jf_feeder_stop pc
jf_expect_rc 0 "tiny run with validation on a synthetic powercap tree" || jf_done
train_s=$(jq '.seconds' "$erun.json")
eval_s=$(jq '.quality.validation.seconds' "$erun.json")
# the truth over the trace's own marks: the phase (2 to 3) and each pass (5 to 6)
truth=$("$py" "$JF_TOP_SRCDIR/tests/jf_feeder_truth.py" "$erun.h5" "$jf_tmp/pc.csv") ||
    jf_hard_error "jf_feeder_truth.py could not read $erun.h5 against the feeder's log"
echo "truth: $truth"
train_truth=$(echo "$truth" | jq '.training')
eval_truth=$(echo "$truth" | jq '.validation')
# the run reads the counters at the marks, so the figures match the log to
# its rounding, unless the feeder wrote between a reading and its time
# stamp: one update, at most 1.5 periods (7.5 ms, 0.6 J at 80 W), per mark.
# Training and validation share the passes' marks (what one loses the
# other gains: a CI run moved 0.31 J), so their sum is held to the phase's
# own 2 marks and each to all of its marks: training the phase's and the
# 4 passes' 8, validation the passes' 8
per_mark=$(awk -v w=$node_w 'BEGIN { printf "%.3f", w * 0.0075 }')
train_j=$(jq '.energy.joules_total' "$erun.json")
eval_j=$(jq '.quality.validation.joules' "$erun.json")
jf_close "training + validation Joules = the feeder's truth over the phase (2 marks)" \
    "$(awk -v a="$train_j" -v b="$eval_j" 'BEGIN { printf "%.6f", a + b }')" \
    "$(echo "$truth" | jq '.training + .validation')" 0.001 "$(awk -v m="$per_mark" 'BEGIN { print 2 * m }')"
jf_close "training Joules = the feeder's truth over the phase, the 4 passes taken out (10 marks)" \
    "$train_j" "$train_truth" 0.001 "$(awk -v m="$per_mark" 'BEGIN { print 10 * m }')"
jf_close "validation Joules = the feeder's truth over the 4 passes (8 marks)" \
    "$eval_j" "$eval_truth" 0.001 "$(awk -v m="$per_mark" 'BEGIN { print 8 * m }')"
t0=$(jq '.energy.nodes[0].phase_start_utc' "$erun.json")
t1=$(jq '.energy.nodes[0].phase_end_utc' "$erun.json")
jf_close_nominal "training Joules = ${node_w} W x the training seconds (validation taken out)" \
    "$(jq '.energy.joules_total' "$erun.json")" pc "$t0" "$t1" $node_w "$train_s" 0.1 0.5
jf_close_nominal "validation Joules = ${node_w} W x the validation seconds" \
    "$(jq '.quality.validation.joules' "$erun.json")" pc "$t0" "$t1" $node_w "$eval_s" 0.1 0.5
jf_jq "$erun.json" '.quality.validation.evaluations == 4
    and (.energy.nodes[0].seconds - .seconds | fabs) <= 0.05 * .seconds + 0.15' \
    "4 passes; the node's phase seconds (its own clock) are the training seconds (5 % + 0.15 s: marks and barriers of 4 passes, as test_quality_tradeoff)"
jf_jq "$erun.json" '.quality.joules_per_bit > 0 and .quality.joules_per_bit_over_landauer > 1e10' \
    "J per bit measured, far above k_B T ln 2"
jf_checks=$((jf_checks + 1))
marks=$("$py" -c 'import h5py,sys; m=list(h5py.File(sys.argv[1])["energy/node_0000/trace_mark"][:]); print(m.count(5), m.count(6))' "$erun.h5")
if [ "$marks" = "4 4" ]; then
    jf_pass "the trace marks each pass's start and stop (marks 5 and 6)"
else
    jf_fail "trace marks 5 and 6 counted '$marks', expected '4 4'"
fi

# --- a target the preset reaches --------------------------------------------------------
trun=$jf_tmp/target
jf_mpi 2 "$trun" --preset tiny --target-loss 1.2 --eval-every 5 --energy none \
    --output "$trun.h5" --summary-json "$trun.json"
jf_expect_rc 0 "--target-loss 1.2 (reachable)"
jf_jq "$trun.json" '.quality.target.reached and .quality.stopped_by == "target"
    and .quality.target.steps == .steps_done and .steps_done % 5 == 0
    and (.quality.validation.losses | last) <= 1.2
    and ([.quality.validation.losses[:-1][] | select(. <= 1.2)] | length) == 0
    and .D == .steps_done * 2 * .batch * .ctx and .flops_verified' \
    "stops at the first pass at or below the target; D and 6ND count what ran"
jf_check "the summary says the target was reached" grep -q "target 1.2000 nats/token reached after" "$trun.out"

# --- a target never reached --------------------------------------------------------------
nrun=$jf_tmp/never
floor=$(jq '.loss_floor' "$trun.json")
near=$(awk -v f="$floor" 'BEGIN{printf "%.4f", f + 0.01}')
jf_mpi 2 "$nrun" --preset tiny --target-loss "$near" --max-steps 12 --eval-every 4 --energy none \
    --output "$nrun.h5" --summary-json "$nrun.json"
jf_expect_rc 0 "--target-loss $near (the floor + 0.01) with --max-steps 12"
jf_jq "$nrun.json" '(.quality.target.reached | not) and .quality.stopped_by == "max-steps"
    and .steps_done == 12 and .quality.target.steps == null
    and .quality.target.best_loss == ([.quality.validation.losses[]] | min)
    and .flops_verified and .status == "ok"' \
    "ends at --max-steps, target not reached, best loss kept, 6ND verified"
jf_check "the summary says the target was not reached" grep -q "NOT reached: stopped by max-steps after 12" "$nrun.out"

# --- refused targets ----------------------------------------------------------------------
jf_direct "$jf_tmp/below" --preset tiny --target-loss 0.5 --output "$jf_tmp/below.h5"
jf_refused "jflop-run: --target-loss" -F "below the data's floor" "a target below the floor"
jf_direct "$jf_tmp/above" --preset tiny --target-loss 4.2 --output "$jf_tmp/above.h5"
jf_refused "jflop-run: --target-loss" -F "at or above ln(vocab)" "a target above ln(vocab)"
jf_check "no results file for a refused target" test ! -e "$jf_tmp/below.h5" -a ! -e "$jf_tmp/above.h5"

# --- jflop report's quality table ----------------------------------------------------------
jf_cli "$jf_tmp/report" report --format json --table quality "$run.h5" "$erun.h5" "$trun.h5"
jf_expect_rc 0 "jflop report --table quality"
jf_jq2 "$jf_tmp/report.out" "$run.json" '($a.rows | map({(.run): .}) | add) as $r
    | ($r["bits.h5"]["bits compressed [bit]"] - $b.quality.bits_compressed | fabs) <= 1e-6 * $b.quality.bits_compressed
    and $r["bits.h5"]["J/bit"] == null and $r["bits.h5"]["energy to target [J]"] == null
    and $r["energy.h5"]["J/bit"] > 0 and $r["target.h5"]["target reached"] == "yes"' \
    "the quality table: the file's bits, J/bit empty without energy, the target reached"

jf_done
