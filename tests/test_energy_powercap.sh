#!/bin/sh
# test_energy_powercap: 2 ranks on one node read a synthetic powercap tree
# (jf_feeder: package-0 at 80 W, its DRAM at 12 W, its core sub-zone at
# 48 W; 20 J counters that wrap every 0.25 s at 80 W) with --energy powercap.
# The node's Joules over the measured phase match the feeder's true energy
# over [phase_start_utc, phase_end_utc] (from its log) within 2 %, and
# 92 W x the phase's seconds when the feeder kept up (under heavy load it
# falls behind its clock and publishes less: the truth follows it); every
# wrap is caught (several happen); the core zone reads its share of the
# package's true energy and is reported but not added (the total would be
# 52 % too high); the job's watts are the true mean power; the job total
# is the node's energy once, not once per rank; the phase is the measured
# steps (not the warm-up); J/FLOP, GFLOPS/W, J/token and W follow from the
# total.
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs in single quotes
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder

pkg_w=80
dram_w=12
core_w=48   # 0.6 x package, inside the package
node_w=$((pkg_w + dram_w))

tree=$jf_tmp/powercap
jf_feeder_start pc --powercap "$tree" --pkg-watts $pkg_w --dram-watts $dram_w \
    --range-uj 20000000 --max-power-w 200 --period-ms 5

# a long warm-up: if it were inside the measured phase, the phase would be
# visibly longer than the measured steps
run=$jf_tmp/pc
jf_mpi 2 "$run" --preset tiny --warmup 300 --steps "$jf_energy_steps" \
    --energy powercap --powercap-root "$tree" --summary-json "$run.json"
jf_feeder_stop pc
jf_expect_rc 0 "--energy powercap on 2 ranks"
[ -s "$run.json" ] || {
    jf_check "--summary-json was written" false
    jf_show "$run.out"
    jf_show "$run.err"
    jf_done
}
jf_jq "$run.json" '.status == "ok"' "status ok"
jf_jq "$run.json" '.energy.source == "powercap"' "energy.source is powercap"
jf_jq "$run.json" '.energy.measured == true and .energy.status == "measured"' \
    "energy is measured"
jf_jq "$run.json" '.energy.measured_nodes == 1 and .energy.total_nodes == 1 and
                   (.energy.nodes | length) == 1' "one node, measured"
jf_jq "$run.json" '.energy.extrapolated == false and .energy.derived_from == "measured" and
                   (.energy | has("joules_total_extrapolated") | not)' "nothing extrapolated"
jf_jq "$run.json" '.energy.nodes[0].measured == true and .energy.nodes[0].backend == "powercap"' \
    "the node was measured by powercap"
jf_jq "$run.json" '.energy.domains | index("package-0") != null' "domains include package-0"
jf_jq "$run.json" '.energy.domains | any(test("dram"))' "domains include the DRAM zone"
jf_jq "$run.json" '.energy.domains | any(test("core"))' "the core sub-zone is reported"
jf_jq "$run.json" '.energy.nodes[0].coverage | length > 0' "the node says what it covers"
jf_jq "$run.json" '.energy.basis == "energy counter" and .energy.nodes[0].basis == "energy counter" and
                   .energy.nodes[0].effective_rate == null and .energy.nodes[0].source_update_seconds == null' \
    "basis: energy counter (RAPL counts Joules; no slow source, no effective rate of its own)"

node_j=$(jf_val "$run.json" '.energy.nodes[0].joules')
secs=$(jf_val "$run.json" '.energy.nodes[0].seconds')
t0=$(jf_val "$run.json" '.energy.nodes[0].phase_start_utc')
t1=$(jf_val "$run.json" '.energy.nodes[0].phase_end_utc')
echo "node: $node_j J over $secs s, phase [$t0, $t1]"

# the truth, integrated from the feeder's log over the phase
truth=$(jf_truth pc "$t0" "$t1" 4)
truth_pkg=$(jf_truth pc "$t0" "$t1" 2)
truth_dram=$(jf_truth pc "$t0" "$t1" 3)
jf_close "node Joules = the feeder's true energy over the phase (2 %)" "$node_j" "$truth" 0.02
jf_close_nominal "node Joules = $node_w W x the phase's seconds (2 %)" "$node_j" pc "$t0" "$t1" \
    $node_w "$secs" 0.02
jf_close "phase_end_utc - phase_start_utc = seconds" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" "$secs" 0.001 0.001
jf_close "the phase is the measured steps (seconds as the run's, warm-up excluded)" \
    "$secs" "$(jf_val "$run.json" .seconds)" 0.01 0.1
jf_close "package-0 Joules = the true package energy (2 %)" \
    "$(jf_val "$run.json" '.energy.nodes[0].domains["package-0"].joules')" "$truth_pkg" 0.02
jf_close "DRAM Joules = the true DRAM energy (2 %)" \
    "$(jf_val "$run.json" '[.energy.nodes[0].domains | to_entries[] | select(.key | test("dram")) | .value.joules] | add')" \
    "$truth_dram" 0.02
# the feeder's core zone counts $core_w/$pkg_w of the package's energy, on the same clock
jf_close "the core zone read its $core_w W: $core_w/$pkg_w of the true package energy (2 %)" \
    "$(jf_val "$run.json" '[.energy.nodes[0].domains | to_entries[] | select(.key | test("core")) | .value.joules] | add')" \
    "$(awk -v p="$truth_pkg" -v c=$core_w -v k=$pkg_w 'BEGIN { printf "%.6f", c / k * p }')" 0.02
jf_jq "$run.json" '.energy.nodes[0].domains | to_entries |
                   all(.value.in_node_total == (.key | test("core") | not))' \
    "package and DRAM count toward the node, the core sub-zone does not"
jf_jq "$run.json" '.energy.nodes[0] | ([.domains[] | select(.in_node_total) | .joules] | add) as $s |
                   ((.joules - $s) | fabs) <= 1e-6 * $s' \
    "node Joules = package + DRAM exactly (core not double-counted)"

# wraps: a 20 J counter at 80 W wraps every 0.25 s
jf_jq "$run.json" '.energy.nodes[0].wraps >= 3 and .energy.wraps >= 3' \
    "at least 3 wraps caught (got $(jf_val "$run.json" .energy.wraps))"
# (one feeder, one socket: the log's package total is package-0)
jf_close "the wraps counted are those of the phase, no more, no fewer (±1 per zone)" \
    "$(jf_val "$run.json" .energy.nodes[0].wraps)" "$(jf_truth_wraps pc "$t0" "$t1" 20)" 0 3
# the sample interval was shortened below a quarter of the shortest wrap
# period at the zones' maximum power (20 J / 200 W = 0.1 s)
jf_jq "$run.json" '.energy.sample_interval > 0 and .energy.sample_interval <= 0.025 and
                   .energy.nodes[0].sample_interval == .energy.sample_interval' \
    "sample interval automatically shortened to <= 25 ms (got $(jf_val "$run.json" .energy.sample_interval))"
jf_jq "$run.json" '.energy.nodes[0].samples >= (.energy.nodes[0].seconds / .energy.sample_interval / 2)' \
    "the sampler read at its interval ($(jf_val "$run.json" .energy.nodes[0].samples) samples)"
jf_jq "$run.json" '.energy.nodes[0] as $n | $n.sampler_reads >= $n.samples and
                   $n.sampler_cpu_seconds > 0 and $n.sampler_cpu_seconds < $n.seconds' \
    "the sampler's own CPU time is recorded: $(jf_val "$run.json" .energy.nodes[0].sampler_cpu_seconds) s for $(jf_val "$run.json" .energy.nodes[0].sampler_reads) readings, less than the phase's $(jf_val "$run.json" .energy.nodes[0].seconds) s"
jf_jq "$run.json" '.energy.nodes[0].peak_watts >= .energy.nodes[0].mean_watts and
                   (.energy.nodes[0].mean_watts - .energy.nodes[0].joules / .energy.nodes[0].seconds | fabs) < 1e-6 * .energy.nodes[0].mean_watts' \
    "mean_watts = joules / seconds, peak_watts >= mean"

# once per node, not once per rank
jf_jq "$run.json" '(.energy.joules_total - .energy.nodes[0].joules | fabs) <= 1e-9 * .energy.joules_total' \
    "job total = the node's Joules"
jf_jq "$run.json" ".energy.joules_total < 1.5 * $node_w * .energy.nodes[0].seconds" \
    "2 ranks on one node counted the node once, not twice"

# derived figures
jf_jq "$run.json" '(.energy.joules_per_flop - .energy.joules_total / .flops_6nd | fabs) <=
                   1e-9 * .energy.joules_per_flop' "joules_per_flop = joules_total / flops_6nd"
jf_jq "$run.json" '(.energy.gflops_per_watt * .energy.joules_per_flop_counted * 1e9 - 1 | fabs) < 1e-9' \
    "gflops_per_watt = 1 / (joules_per_flop_counted x 1e9)"
jf_jq "$run.json" '.energy.joules_per_flop_counted <= .energy.joules_per_flop' \
    "counted FLOPs (6ND + attention + head + other) >= 6ND"
jf_jq "$run.json" '(.energy.joules_per_token - .energy.joules_total / .D | fabs) <= 1e-9 * .energy.joules_per_token' \
    "joules_per_token = joules_total / D"
jf_close "job watts = the feeder's true mean power over the phase, $node_w W when it kept up (2 %)" \
    "$(jf_val "$run.json" .energy.watts)" "$(awk -v t="$truth" -v s="$secs" 'BEGIN { printf "%.6f", t / s }')" 0.02
jf_jq "$run.json" '.energy.phase_start_utc == .energy.nodes[0].phase_start_utc and
                   .energy.phase_end_utc == .energy.nodes[0].phase_end_utc' \
    "the job's phase times are node 0's"

# the human summary
jf_grep_count "$run.out" "energy  powercap on 1 of 1 node" 1 "stdout reports the energy once"
jf_check "stdout does not say 'not measured'" sh -c '! grep -q "not measured" "$1"' sh "$run.out"
jf_done
