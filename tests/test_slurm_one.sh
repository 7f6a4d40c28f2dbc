#!/bin/sh
# test_slurm_one: the jobscripts as they are, on a real one-node Slurm
# (munged, slurmctld and slurmd started here, see jf_slurm_lib.sh):
#  1. sbatch --wait jobscripts/jflop.sbatch gives a complete, 6ND-verified
#     HDF5 result named after the job, that jflop report reads; the same with
#     JFLOP_LAUNCHER=mpirun; a job that does not hold the whole node carries a
#     "shared allocation" warning in its result and report;
#  2. sweep-nd.sbatch as a job array of 3 tasks: 3 results, one per grid
#     line, in one jflop report table;
#  3. a job that reaches its time limit: Slurm's warning signal reaches
#     jflop-run through the jobscript, and the result is marked incomplete,
#     which the report labels.
# Every daemon is stopped by its PID at the end, also when a check fails.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_slurm_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_slurm_lib.sh"
jf_require_mpi
jf_require_jq
jf_require_slurm


jf_slurm_start one

# h5attr FILE ATTR: a string attribute's value
h5attr() {
    h5dump -a "$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | head -n 1 | tr -d '"'
}

# expect_result PREFIX H5 STATUS: the job's result exists with that status
# and verified FLOPs; the job's log is shown when not
expect_result() {
    if [ -s "$2" ]; then
        jf_check "$1: result $(basename "$2") written" true
        jf_check "$1: status $3 (is $(h5attr "$2" /status))" test "$(h5attr "$2" /status)" = "$3"
        jf_check "$1: FLOPs verified (counted dense == 6ND)" \
            test "$(h5dump -a /flops/verified "$2" | sed -n 's/^ *(0): //p')" = 1
        jf_check "$1: the file names the Slurm job $jf_job (array or not)" \
            sh -c '[ "$1" = "$3" ] || [ "$2" = "$3" ]' sh "$(h5attr "$2" /slurm_job_id)" \
            "$(h5attr "$2" /slurm_array_job_id)" "$jf_job"
    else
        jf_check "$1: result $2 written" false
        jf_show "$jf_prefix.sbatch"
        for f in "$(dirname "$2")"/../*.out "$(dirname "$2")"/*.out; do
            [ -f "$f" ] && jf_show "$f"
        done
    fi
}

# 1. one run, srun --mpi=pmix (the default launcher)
sub=$jf_tmp/one
mkdir -p "$sub"
JFLOP_PRESET=tiny JFLOP_STEPS=20 JFLOP_ARGS=--verify JFLOP_OUTDIR=$sub/results \
    jf_sbatch_wait "$sub/job" --chdir="$sub" "$jobscripts/jflop.sbatch"
jf_expect_rc 0 "sbatch --wait jflop.sbatch (srun)"
h5=$sub/results/jflop-$jf_job.h5
expect_result "srun" "$h5" complete
jf_check "the job's log ends with jflop-run's exit status 0" \
    grep -q "jflop-run exit status 0" "$sub/jflop-$jf_job.out"
jf_jq "$sub/results/jflop-$jf_job.json" '.ranks == 2 and .nodes == 1 and .threads_per_rank == 1' \
    "2 ranks x 1 thread on 1 node, from #SBATCH --ntasks-per-node=2 --cpus-per-task=1"
jf_jq "$sub/results/jflop-$jf_job.json" '[.verify[] | .result == "pass"] | length == 3 and all' \
    "JFLOP_ARGS=--verify reached jflop-run: its 3 checks passed"
jf_jq "$sub/results/jflop-$jf_job.json" '.warnings | all(test("shared allocation") | not)' \
    "--exclusive: no shared-allocation warning"
"$JFLOP" report "$h5" >"$sub/report" 2>&1
jf_check "jflop report reads the job's result (exit status $?)" grep -q "jflop-$jf_job.h5" "$sub/report"

# the same through mpirun inside the allocation
sub=$jf_tmp/mpirun
mkdir -p "$sub"
JFLOP_LAUNCHER=mpirun JFLOP_PRESET=tiny JFLOP_STEPS=20 JFLOP_OUTDIR=$sub/results \
    jf_sbatch "$sub/job" --chdir="$sub" "$jobscripts/jflop.sbatch"
jf_expect_rc 0 "sbatch --wait jflop.sbatch (JFLOP_LAUNCHER=mpirun)"
expect_result "mpirun" "$sub/results/jflop-$jf_job.h5" complete
jf_check "the job's log shows mpirun was the launcher" grep -q "^jflop.sbatch: mpirun " \
    "$sub/jflop-$jf_job.out"

# a job on 1 of the node's CPUs (--oversubscribe on the command line lifts
# the script's --exclusive): the result warns that the node may be shared
if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
    sub=$jf_tmp/shared
    mkdir -p "$sub"
    JFLOP_PRESET=tiny JFLOP_STEPS=5 JFLOP_OUTDIR=$sub/results \
        jf_sbatch "$sub/job" --chdir="$sub" --oversubscribe --ntasks-per-node=1 \
        "$jobscripts/jflop.sbatch"
    jf_expect_rc 0 "a job holding 1 CPU of the node"
    expect_result "shared" "$sub/results/jflop-$jf_job.h5" complete
    jf_jq "$sub/results/jflop-$jf_job.json" '.warnings | any(test("shared allocation"))' \
        "its summary warns of a shared allocation"
    jf_check "its results file carries the warning" \
        sh -c 'h5dump -a /warnings "$1" | grep -q "shared allocation"' sh "$sub/results/jflop-$jf_job.h5"
fi

# likwid.sbatch: these machines have no PMU, so likwid-mpirun is a stand-in
# on PATH that starts the ranks with srun, as likwid-mpirun -mpi slurm does,
# and writes a Metric table in likwid-mpirun -O's layout (rows: metrics,
# columns: host:rank:cpu; read off likwid 5.2's likwid-mpirun) with known
# rates: 1000 and 1500 MFLOP/s for 2 s each make 5e9 hardware FLOPs. What is
# tested is the jobscript: its likwid-mpirun command line and the sum it
# prints beside jflop's ledger.
sub=$jf_tmp/likwid
mkdir -p "$sub/bin"
cat >"$sub/bin/likwid-mpirun" <<'STANDIN'
#!/bin/sh
out= group= np=
while [ $# -gt 0 ]; do
    case $1 in
    -o) out=$2; shift 2 ;;
    -g) group=$2; shift 2 ;;
    -np) np=$2; shift 2 ;;
    -t | -mpi | --mpiopts) shift 2 ;;
    -O) shift ;;
    *) break ;;
    esac
done
echo "likwid-mpirun stand-in: group $group, $np ranks, output $out" >&2
srun --mpi=pmix -n "$np" "$@"
rc=$?
cat >"$out" <<CSV
STRUCT,Info,3,,
TABLE,Group 1 Metric,$group,2,,
Metric,node:0:0,node:1:1
Runtime (RDTSC) [s],2.0,2.0
${group#FLOPS_} [MFLOP/s],1000,1500
TABLE,Group 1 Metric STAT,$group,4,,
Metric,Sum,Min,Max
${group#FLOPS_} [MFLOP/s] STAT,2500,1000,1500
CSV
exit $rc
STANDIN
chmod +x "$sub/bin/likwid-mpirun"
PATH=$sub/bin:$PATH JFLOP_PRESET=tiny JFLOP_STEPS=5 JFLOP_PRECISION=fp64 JFLOP_ENERGY=none \
    JFLOP_OUTDIR=$sub/results jf_sbatch "$sub/job" --chdir="$sub" "$jobscripts/likwid.sbatch"
jf_expect_rc 0 "sbatch likwid.sbatch"
expect_result "likwid" "$sub/results/jflop-$jf_job.h5" complete
log=$sub/jflop-$jf_job.out
jf_check "fp64 asks likwid for FLOPS_DP on 2 ranks" grep -q "stand-in: group FLOPS_DP, 2 ranks" "$log"
counted=$(jq -r .flops_total_counted "$sub/results/jflop-$jf_job.json" 2>/dev/null)
jf_check "the log gives likwid's 5e+09 hardware FLOPs beside the ledger's $counted" \
    grep -q "likwid FLOPS_DP (hardware, whole processes): 5e+09; jflop ledger (counted, measured steps): $counted$" "$log"
[ "$jf_failures" -eq 0 ] || jf_show "$log"

# 2. a job array over a 3-line grid (comments and blank lines do not count)
sub=$jf_tmp/sweep
mkdir -p "$sub"
cat >"$sub/grid.txt" <<'EOF'
# N D [precision]
60k   4k

100k  4k  fp64
200k  4k
EOF
JFLOP_GRID=$sub/grid.txt JFLOP_OUTDIR=$sub/results \
    jf_sbatch "$sub/job" --chdir="$sub" --array=0-2 "$jobscripts/sweep-nd.sbatch"
jf_expect_rc 0 "sbatch --wait --array=0-2 sweep-nd.sbatch"
array=$jf_job
for i in 0 1 2; do
    expect_result "array task $i" "$sub/results/jflop-${array}_$i.h5" complete
done
jf_check "the array's files name their task" \
    test "$(h5attr "$sub/results/jflop-${array}_2.h5" /slurm_array_task_id)" = 2
jf_jq "$sub/results/jflop-${array}_1.json" '.precision == "fp64"' "grid line 2 ran in fp64"
jf_jq "$sub/results/jflop-${array}_2.json" '.N > (.N_target // 0) * 0.75 and .N >= 150000' \
    "grid line 3 ran N near 200k"
"$JFLOP" report --format json "$sub/results" 2>"$sub/report.err" >"$sub/report.json"
jf_check "jflop report reads the sweep's folder" test -s "$sub/report.json"
jf_jq "$sub/report.json" '[.tables[] | select(.id == "runs") | .rows[]] | length == 3' \
    "one runs table with the 3 array tasks"
jf_jq "$sub/report.json" '[.tables[] | select(.id == "runs") | .rows[].D] | unique == [4096]' \
    "D = 4096 tokens (4k rounded up to whole steps) in all 3 rows"

# a task beyond the grid: one clear line, exit 2, no result
sub=$jf_tmp/beyond
mkdir -p "$sub"
JFLOP_GRID=$jf_tmp/sweep/grid.txt JFLOP_OUTDIR=$sub/results \
    jf_sbatch "$sub/job" --chdir="$sub" --array=5 "$jobscripts/sweep-nd.sbatch"
jf_check "array index 5 of a 3-run grid: the job fails (sbatch exit $jf_rc)" test "$jf_rc" -ne 0
jf_check "its log says the grid has only 3 runs" grep -q "grid has only 3 runs" "$sub"/*.out
jf_check "and no result was written" test ! -e "$sub/results/jflop-${jf_job}_5.h5"

# 3. the time limit. slurmctld looks at time limits only every 30 s or so,
# so with --time=1 and --signal=B:USR1@40 the warning comes 20 to ~50 s
# into the job, or, when its check falls late, not before the limit itself,
# where Slurm sends SIGTERM to the job. Either way jflop-run, asked for hours
# of steps, must stop and leave its file, marked incomplete and saying which
# signal stopped it; the warning, when it came, must have been passed on.
sub=$jf_tmp/limit
mkdir -p "$sub"
JFLOP_PRESET=tiny JFLOP_STEPS=100000000 JFLOP_OUTDIR=$sub/results \
    jf_sbatch "$sub/job" --chdir="$sub" --time=1 --signal=B:USR1@40 "$jobscripts/jflop.sbatch"
jf_check "the stopped job reports failure (exit $jf_rc: jflop-run exits 1 when incomplete)" \
    test "$jf_rc" -ne 0
expect_result "time limit" "$sub/results/jflop-$jf_job.h5" incomplete
reason=$(h5attr "$sub/results/jflop-$jf_job.h5" /status_reason)
log=$sub/jflop-$jf_job.out
if grep -q "USR1 received" "$log"; then
    jf_check "the warning came and was passed on: the reason names SIGUSR1 ($reason)" \
        sh -c 'case $1 in *SIGUSR1*) ;; *) exit 1 ;; esac' sh "$reason"
else
    jf_check "no warning before the limit: Slurm's SIGTERM stopped it ($reason)" \
        sh -c 'case $1 in *SIGTERM*) ;; *) exit 1 ;; esac' sh "$reason"
fi
jf_check "jflop-run's exit status is in the job log" grep -q "jflop-run exit status 1" "$log"
"$JFLOP" report "$sub/results" >"$sub/report" 2>&1
jf_check "jflop report labels the run incomplete" grep -q incomplete "$sub/report"
[ "$jf_failures" -eq 0 ] || jf_show "$log"

# 4. the harness: every daemon stops by the PID it recorded, at the end and
# also when a test dies halfway (a cluster started, then exit 1)
# all_gone PID...: none of them is alive
# shellcheck disable=SC2317 # called through jf_check
all_gone() {
    for p; do
        ! kill -0 "$p" 2>/dev/null || return 1
    done
}
pids=$(cat "$jf_slurm_dir"/run/*.pid "$jf_slurm_dir"/munge/munged.pid | tr '\n' ' ')
jf_slurm_stop
jf_check "3 daemons recorded their PIDs ($pids)" test "$(echo "$pids" | wc -w)" -eq 3
# shellcheck disable=SC2086 # one PID per word
jf_check "all of them are gone after jf_slurm_stop" all_gone $pids
sh -c '. "$JF_TESTLIB"; . "$(dirname "$JF_TESTLIB")/jf_slurm_lib.sh"; jf_slurm_start one >/dev/null
       cat "$jf_slurm_dir"/run/*.pid "$jf_slurm_dir"/munge/munged.pid >"$1"; exit 1' sh "$jf_tmp/pids" \
    >"$jf_tmp/dying.out" 2>&1
pids=$(cat "$jf_tmp/pids" 2>/dev/null)
jf_check "a test that started a cluster and then failed recorded 3 PIDs" test "$(echo "$pids" | wc -w)" -eq 3
# shellcheck disable=SC2086 # one PID per word
jf_check "its exit trap stopped all 3" all_gone $pids
[ "$jf_failures" -eq 0 ] || jf_show "$jf_tmp/dying.out"

jf_done
