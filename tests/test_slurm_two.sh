#!/bin/sh
# test_slurm_two: jobscripts/jflop.sbatch on a real two-node Slurm: node1 and
# node2 are network namespaces with their own hostnames joined by a bridge
# (jf_slurm_lib.sh), MPI runs between them over TCP, and each node reads its
# own synthetic powercap tree (--powercap-root tree-%h) that a feeder
# advances at a different known power: node1 70 W, node2 35 W.
# The result must list both nodes, each node's Joules must match its own
# feeder's truth within 2 %, the job total must be their sum (each node
# counted once, by one reader), and the same must hold through mpirun.
# 2 ranks per node.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
# shellcheck source=jf_slurm_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_slurm_lib.sh"
jf_require_energy
jf_require_feeder
jf_require_slurm

# MPI between the namespaces: TCP on their eth0 (shared memory within a node)
export OMPI_MCA_btl=self,vader,tcp OMPI_MCA_btl_tcp_if_include=eth0 \
    OMPI_MCA_oob_tcp_if_include=eth0
# 4 ranks on this machine's 2 cores: ranks that spin while they wait for a
# message would take the others' core (mpirun --oversubscribe does this itself)
export OMPI_MCA_mpi_yield_when_idle=1

jf_slurm_start two

# one tree per node, named after it; 100 J counters wrap every 1.4 s / 2.9 s
jf_feeder_start f1 --powercap "$jf_tmp/tree-node1" --pkg-watts 60 --dram-watts 10 \
    --range-uj 100000000
jf_feeder_start f2 --powercap "$jf_tmp/tree-node2" --pkg-watts 30 --dram-watts 5 \
    --range-uj 100000000

# check_two_nodes LABEL JSON H5: both nodes measured, each by its own feeder
check_two_nodes() {
    if [ ! -s "$2" ]; then
        jf_check "$1: the job wrote its summary $2" false
        jf_show "$jf_prefix.sbatch"
        for f in "$(dirname "$2")"/../*.out; do [ -f "$f" ] && jf_show "$f"; done
        return
    fi
    jf_jq "$2" '.status == "ok" and .flops_verified == true' "$1: complete, 6ND verified"
    jf_jq "$2" ".ranks == $((2 * per_node)) and .nodes == 2" "$1: $((2 * per_node)) ranks on 2 nodes"
    jf_check "$1: the results file lists both hosts" \
        sh -c 'h5dump -a /hosts "$1" | grep -q "node1,node2"' sh "$3"
    jf_jq "$2" '.energy.total_nodes == 2 and .energy.measured_nodes == 2 and
                (.energy.nodes | length) == 2' "$1: 2 nodes, both measured"
    jf_jq "$2" '[.energy.nodes[].node] | sort == ["node1", "node2"]' \
        "$1: one reader per node, named by its own hostname"
    jf_jq "$2" '.energy.extrapolated == false and .energy.source == "powercap"' \
        "$1: measured by powercap, nothing extrapolated"
    truth_sum=0
    kept=yes  # both feeders kept up (jf_feeder_kept_up), until one did not
    for n in 1 2; do
        sel=".energy.nodes[] | select(.node == \"node$n\")"
        j=$(jf_val "$2" "$sel | .joules")
        t0=$(jf_val "$2" "$sel | .phase_start_utc")
        t1=$(jf_val "$2" "$sel | .phase_end_utc")
        truth=$(jf_truth "f$n" "$t0" "$t1" 4)
        eval "truth$n=\$truth"
        jf_feeder_kept_up "f$n" "$t0" "$t1" || kept=no
        jf_close "$1: node$n Joules = its own feeder's truth over its phase (2 %)" "$j" "$truth" 0.02
        truth_sum=$(awk -v a="$truth_sum" -v b="$truth" 'BEGIN { printf "%.6f", a + b }')
    done
    jf_jq "$2" '(.energy.joules_total - ([.energy.nodes[].joules] | add) | fabs) <=
                1e-9 * .energy.joules_total' "$1: job total = node1 + node2"
    jf_close "$1: job total = the two feeders' truth, each counted once (2 %)" \
        "$(jf_val "$2" .energy.joules_total)" "$truth_sum" 0.02
    jf_close_ratio "$1: node1 / node2" \
        "$(jf_val "$2" '.energy.nodes[] | select(.node == "node1") | .joules')" \
        "$(jf_val "$2" '.energy.nodes[] | select(.node == "node2") | .joules')" \
        "$truth1" "$truth2" 2 "$kept" 0.03
}

# srun --mpi=pmix (the jobscript's default launcher), then mpirun; 2 ranks
# per node, 4 over TCP (JF_SLURM_PER_NODE changes it). srun leaves the
# ranks unbound here (no task/affinity plugin), so rank 0 warns, and every
# rank must write that warning into the HDF5 file: when only rank 0 held
# it, this case crashed in OMPIO's set_view or hung in the write.
per_node=${JF_SLURM_PER_NODE:-2}
for launcher in srun mpirun; do
    sub=$jf_tmp/$launcher
    mkdir -p "$sub"
    JFLOP_LAUNCHER=$launcher JFLOP_PRESET=tiny JFLOP_STEPS=${JF_SLURM_STEPS:-100} \
        JFLOP_ENERGY=powercap JFLOP_ARGS="--powercap-root $jf_tmp/tree-%h" \
        JFLOP_OUTDIR=$sub/results \
        jf_sbatch "$sub/job" --chdir="$sub" --nodes=2 --ntasks-per-node="$per_node" "$jobscripts/jflop.sbatch"
    jf_expect_rc 0 "a 2-node job through $launcher"
    check_two_nodes "$launcher" "$sub/results/jflop-$jf_job.json" "$sub/results/jflop-$jf_job.h5"
done
# scaling.sh over 1 and 2 nodes: strong and weak series, one after the
# other, then a report job per series that waits for its runs
series=$jf_tmp/series
echo "+ scaling.sh --nodes '1 2' --params 60k --tokens 8k --outdir $series"
JFLOP_ENERGY=powercap JFLOP_ARGS="--powercap-root $jf_tmp/tree-%h" \
    jf_slurm "$jobscripts/scaling.sh" --nodes "1 2" --params 60k --tokens 8k --outdir "$series" \
    -- --ntasks-per-node="$per_node" >"$jf_tmp/scaling.out" 2>&1
rc=$?
jf_check "scaling.sh submitted the series (exit status $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || jf_show "$jf_tmp/scaling.out"
jf_check "4 runs and 2 report jobs submitted" \
    test "$(grep -c '^scaling.sh: .*job [0-9]' "$jf_tmp/scaling.out")" -eq 6
i=0
while [ -n "$(jf_slurm squeue -h -o %i 2>/dev/null)" ]; do
    i=$((i + 1))
    if [ "$i" -gt $((jf_limit * 10)) ]; then
        jf_fail "the series and their reports did not end within $((jf_limit * 2)) s"
        jf_slurm squeue 2>&1 | sed 's/^/  /'
        break
    fi
    sleep 0.2
done
echo "  the series and their reports ended after about $((i / 5)) s"
for s in strong weak; do
    jf_check "$s series: 2 results (1 and 2 nodes)" test "$(find "$series/$s" -name "*.h5" | wc -l)" -eq 2
    t=$series/report-$s/scaling.txt
    if [ -s "$t" ]; then
        jf_check "$s report job wrote a scaling table over 1 and 2 nodes" \
            sh -c 'grep -q "  $2  *1  " "$1" && grep -q "  $3  *2  " "$1"' sh "$t" "$per_node" "$((2 * per_node))"
    else
        jf_check "$s report job wrote $t" false
        jf_show "$series/report-$s.out"
    fi
done
jf_check "strong: both runs did D = 8192 tokens" \
    sh -c 'for f in "$1"/*.h5; do h5dump -a /config/D "$f" | grep -q "(0): 8192$" || exit 1; done' \
    sh "$series/strong"
jf_check "weak: D doubled with the node count" \
    sh -c 'h5dump -a /config/D "$1"/*.h5 | grep -q "(0): 16384$"' sh "$series/weak"

jf_feeder_stop f1
jf_feeder_stop f2

"$JFLOP" report "$jf_tmp/srun/results" "$jf_tmp/mpirun/results" >"$jf_tmp/report" 2>&1
jf_check "jflop report reads both 2-node results" \
    test "$(grep -c 'jflop-[0-9]*\.h5 .* 2 .*powercap' "$jf_tmp/report")" -ge 2

jf_done
