#!/bin/sh
# test_energy_pm_counters: 2 ranks on one node read a synthetic HPE/Cray
# pm_counters folder (jf_feeder: node "energy" at 92 W, cpu_energy 80 W and
# memory_energy 12 W as parts of it; "<J> J <us> us" files with 1 J
# resolution) with --energy pm_counters. The node's Joules match the
# feeder's truth over the phase and 92 W x seconds within 2 % + 2 J; the parts
# are reported beside the node total, not added to it; the default sample
# interval is kept (the counters do not wrap). Then the node controller
# restarts its counters mid-phase ("startup" changes, the counters restart
# from 0; the feeder does it on a signal once the run is measuring): the
# energy is invalid with a reason naming startup, no Joules are presented,
# and the run is failed (exit status 1, status "failed").
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder

# --- a clean run ---------------------------------------------------------
pm=$jf_tmp/pm
jf_feeder_start pm --pm-counters "$pm" --pkg-watts 80 --dram-watts 12 --period-ms 5
run=$jf_tmp/run-pm
jf_mpi 2 "$run" --preset tiny --steps "$jf_energy_steps" \
    --energy pm_counters --pm-counters-root "$pm" --summary-json "$run.json"
jf_feeder_stop pm
jf_expect_rc 0 "--energy pm_counters on 2 ranks"
if [ -s "$run.json" ]; then
    jf_jq "$run.json" '.status == "ok"' "status ok"
    jf_jq "$run.json" '.energy.source == "pm_counters" and .energy.measured == true and
                       .energy.status == "measured"' "energy measured by pm_counters"
    jf_jq "$run.json" '.energy.measured_nodes == 1 and .energy.total_nodes == 1' "one node, measured"
    jf_jq "$run.json" '.energy.domains | index("energy") != null and index("cpu_energy") != null and
                       index("memory_energy") != null' "domains: energy, cpu_energy, memory_energy"
    jf_jq "$run.json" '.energy.nodes[0].domains | to_entries |
                       all(.value.in_node_total == (.key == "energy"))' \
        "only the node counter counts toward the node; cpu and memory are parts of it"
    node_j=$(jf_val "$run.json" '.energy.nodes[0].joules')
    secs=$(jf_val "$run.json" '.energy.nodes[0].seconds')
    t0=$(jf_val "$run.json" '.energy.nodes[0].phase_start_utc')
    t1=$(jf_val "$run.json" '.energy.nodes[0].phase_end_utc')
    echo "node: $node_j J over $secs s, phase [$t0, $t1]"
    truth=$(jf_truth pm "$t0" "$t1" 4)
    jf_close "node Joules = the feeder's true energy over the phase (2 % + 2 J)" \
        "$node_j" "$truth" 0.02 2
    jf_close_nominal "node Joules = 92 W x seconds (2 % + 2 J)" "$node_j" pm "$t0" "$t1" 92 "$secs" 0.02 2
    jf_close "cpu_energy = the true package energy (2 % + 2 J)" \
        "$(jf_val "$run.json" '.energy.nodes[0].domains.cpu_energy.joules')" \
        "$(jf_truth pm "$t0" "$t1" 2)" 0.02 2
    jf_close "memory_energy = the true DRAM energy (2 % + 2 J)" \
        "$(jf_val "$run.json" '.energy.nodes[0].domains.memory_energy.joules')" \
        "$(jf_truth pm "$t0" "$t1" 3)" 0.02 2
    jf_jq "$run.json" '(.energy.nodes[0].joules - .energy.nodes[0].domains.energy.joules | fabs) < 1e-9' \
        "node Joules = the node counter's"
    jf_jq "$run.json" '.energy.wraps == 0' "pm_counters do not wrap"
    jf_jq "$run.json" '(.energy.sample_interval - 0.1 | fabs) < 1e-9' \
        "default sample interval (100 ms) kept: nothing wraps"
    jf_jq "$run.json" '(.energy.joules_total - .energy.nodes[0].joules | fabs) <= 1e-9 * .energy.joules_total' \
        "job total = the node's Joules, once for 2 ranks"
    jf_jq "$run.json" '(.energy.joules_per_flop - .energy.joules_total / .flops_6nd | fabs) <=
                       1e-9 * .energy.joules_per_flop' "joules_per_flop = joules_total / flops_6nd"
    jf_grep_count "$run.out" "energy  pm_counters on 1 of 1 node" 1 "stdout reports the energy"
else
    jf_check "--summary-json was written" false
    jf_show "$run.out"
    jf_show "$run.err"
fi

# --- the counters restart mid-phase ---------------------------------------
# SIGUSR1 once the run is measuring: startup changes and the counters
# restart from 0, as when the node controller restarts
pm2=$jf_tmp/pm-restart
jf_feeder_start pmr --pm-counters "$pm2" --pkg-watts 80 --dram-watts 12 --period-ms 5 \
    --startup-change-after usr1
run=$jf_tmp/run-pm-restart
jf_mpi_fault 2 "$run" pmr --preset tiny --steps "$jf_energy_steps" --min-seconds 3 \
    --energy pm_counters --pm-counters-root "$pm2" --summary-json "$run.json"
jf_feeder_stop pmr
jf_expect_rc 1 "the node controller restarted its counters mid-run: the run is failed"
if [ -s "$run.json" ]; then
    jf_fault_in_phase pmr "$run.json"
    jf_jq "$run.json" '.status == "failed"' "status failed"
    jf_jq "$run.json" '.energy.status == "invalid"' "energy.status invalid"
    jf_jq "$run.json" '.energy.reason | test("startup")' \
        "energy.reason names startup: $(jf_val "$run.json" .energy.reason)"
    jf_jq "$run.json" '.reason | test("startup")' "the run's reason names startup"
    jf_jq "$run.json" '.energy.nodes[0].measured == false' "the node is not measured"
    jf_no_fake_zero "$run.json" "counters restarted"
    jf_check "stdout marks the energy invalid" grep -q -i "invalid" "$run.out"
else
    jf_check "--summary-json was written for the failed run" false
    jf_show "$run.out"
    jf_show "$run.err"
fi
jf_done
