#!/bin/sh
# test_energy_nodes: one reader per node, over nodes. One host plays two
# nodes: an MPMD launch gives each rank its own JFLOP_NODE_NAME (a, b) and
# its own powercap tree (--powercap-root tree-%h, %h the node's name), each
# advanced by a feeder
# (a: 80 W package + 12 W DRAM, b: 40 W + 6 W). The job total is the sum of
# the two nodes (each matching its own feeder's truth), with both named.
# Then node b's tree is missing: node a is measured, b is not (with its
# reason), and the total for 2 nodes is extrapolated from a, labelled as an
# estimate in the JSON and on stdout, while joules_total stays what was
# measured.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder

ta=$jf_tmp/tree-a
tb=$jf_tmp/tree-b
jf_feeder_start fa --powercap "$ta" --pkg-watts 80 --dram-watts 12 --range-uj 20000000
jf_feeder_start fb --powercap "$tb" --pkg-watts 40 --dram-watts 6 --range-uj 20000000

# every rank gets the same jflop-run arguments, as under Slurm; only the node
# name differs, and %h turns it into each node's own tree
run=$jf_tmp/two
set -- --preset tiny --steps "$jf_energy_steps" --energy powercap --summary-json "$run.json" \
    --powercap-root "$jf_tmp/tree-%h"
jf_mpmd "$run" -np 1 env JFLOP_NODE_NAME=a "$JFLOP_RUN" "$@" \
    : -np 1 env JFLOP_NODE_NAME=b.example.org "$JFLOP_RUN" "$@"
jf_feeder_stop fa
jf_feeder_stop fb
jf_expect_rc 0 "two fake nodes, both measured"
if [ -s "$run.json" ]; then
    jf_jq "$run.json" '.ranks == 2' "2 ranks, one per fake node"
    jf_jq "$run.json" '.energy.total_nodes == 2 and .energy.measured_nodes == 2 and
                       (.energy.nodes | length) == 2' "2 nodes, both measured"
    jf_jq "$run.json" '[.energy.nodes[].node] | sort == ["a", "b.example.org"]' \
        "the nodes are named a and b.example.org (whose tree is tree-b: %h is the short name)"
    jf_jq "$run.json" '.energy.extrapolated == false and .energy.derived_from == "measured"' \
        "nothing extrapolated"
    kept=yes  # both feeders kept up (jf_close_nominal's jf_kept), until one did not
    for n in a b; do
        if [ $n = a ]; then w=92; else w=46; fi
        sel=".energy.nodes[] | select(.node | startswith(\"$n\"))"
        j=$(jf_val "$run.json" "$sel | .joules")
        t0=$(jf_val "$run.json" "$sel | .phase_start_utc")
        t1=$(jf_val "$run.json" "$sel | .phase_end_utc")
        secs=$(jf_val "$run.json" "$sel | .seconds")
        truth=$(jf_truth f$n "$t0" "$t1" 4)
        jf_close "node $n Joules = its feeder's truth over its phase (2 %)" "$j" "$truth" 0.02
        jf_close_nominal "node $n Joules = $w W x seconds (2 %)" "$j" f$n "$t0" "$t1" $w "$secs" 0.02
        eval "truth_$n=\$truth"
        [ "$jf_kept" = yes ] || kept=no
        jf_jq "$run.json" "$sel | .measured == true and .wraps >= 2" "node $n measured, wraps caught"
    done
    jf_jq "$run.json" '(.energy.joules_total - ([.energy.nodes[].joules] | add) | fabs) <=
                       1e-9 * .energy.joules_total' "job total = node a + node b"
    jf_close_ratio "node a / node b (92 W / 46 W)" \
        "$(jf_val "$run.json" '.energy.nodes[] | select(.node == "a") | .joules')" \
        "$(jf_val "$run.json" '.energy.nodes[] | select(.node == "b.example.org") | .joules')" \
        "$truth_a" "$truth_b" 2 "$kept" 0.03
    jf_grep_count "$run.out" "energy  powercap on 2 of 2 nodes" 1 "stdout: 2 of 2 nodes measured"
else
    jf_check "--summary-json was written" false
    jf_show "$run.out"
    jf_show "$run.err"
fi

# node b's tree is missing: per-node environment is not validated up front
jf_feeder_start fa2 --powercap "$ta" --pkg-watts 80 --dram-watts 12 --range-uj 20000000
run=$jf_tmp/one-missing
set -- --preset tiny --steps "$jf_energy_steps" --energy powercap --summary-json "$run.json"
jf_mpmd "$run" -np 1 env JFLOP_NODE_NAME=a JFLOP_POWERCAP_ROOT="$ta" "$JFLOP_RUN" "$@" \
    : -np 1 env JFLOP_NODE_NAME=b JFLOP_POWERCAP_ROOT="$jf_tmp/no-such-tree" "$JFLOP_RUN" "$@"
jf_feeder_stop fa2
jf_expect_rc 0 "node b unmeasurable: the run itself completes"
if [ -s "$run.json" ]; then
    jf_jq "$run.json" '.energy.total_nodes == 2 and .energy.measured_nodes == 1' \
        "1 of 2 nodes measured"
    jf_jq "$run.json" '.energy.nodes[] | select(.node == "b") | .measured == false and .joules == null' \
        "node b: not measured, no Joules"
    jf_jq "$run.json" '.energy.nodes[] | select(.node == "b") | .reason | test("no-such-tree")' \
        "node b's reason names its missing tree: $(jf_val "$run.json" '.energy.nodes[] | select(.node == "b") | .reason')"
    jf_jq "$run.json" '.energy.extrapolated == true and .energy.derived_from == "extrapolated"' \
        "the total is extrapolated, and says so"
    ja=$(jf_val "$run.json" '.energy.nodes[] | select(.node == "a") | .joules')
    jf_jq "$run.json" "(.energy.joules_total - $ja | fabs) <= 1e-9 * $ja" \
        "joules_total = node a's measured Joules"
    jf_jq "$run.json" "(.energy.joules_total_extrapolated - 2 * $ja | fabs) <= 1e-9 * $ja" \
        "joules_total_extrapolated = 2 x node a's"
    jf_jq "$run.json" '(.energy.joules_per_flop - .energy.joules_total_extrapolated / .flops_6nd | fabs) <=
                       1e-9 * .energy.joules_per_flop' \
        "joules_per_flop derives from the extrapolated total (derived_from says so)"
    jf_jq "$run.json" '.energy.measured == true and .energy.status == "measured"' \
        "energy status measured (on the nodes that were)"
    jf_check "stdout labels the extrapolated total as an estimate" \
        grep -q -i -E 'estimate.*extrapolat|extrapolat.*estimate' "$run.out"
    jf_check "stdout labels the per-FLOP figures as estimated" \
        grep -q -E 'ESTIMATED from the extrapolated total: .*J/FLOP' "$run.out"
    jf_grep_count "$run.out" "energy  powercap on 1 of 2 nodes" 1 "stdout: 1 of 2 nodes measured"
else
    jf_check "--summary-json was written" false
    jf_show "$run.out"
    jf_show "$run.err"
fi
jf_done
