#!/bin/sh
# test_results_h5: the HDF5 results file holds exactly what the run's JSON
# summary said (round trip through h5dump), has one timing row per rank,
# and a run stopped by SIGTERM still leaves a readable file marked
# incomplete with the steps that finished. No partial file keeps the final
# name.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c and jq programs are meant literally
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq
command -v h5dump >/dev/null 2>&1 || jf_skip "h5dump not found (install-deps installs hdf5-tools)"

# h5attr FILE PATH: an attribute's value as h5dump prints it, quotes removed
h5attr() {
    h5dump -a "$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | head -n 1 | tr -d '"'
}
# h5dims FILE DATASET: "{ A, B }" from the dataspace line
h5dims() {
    h5dump -H -d "$2" "$1" 2>/dev/null | sed -n 's/.*DATASPACE  SIMPLE { ( \([^)]*\) ).*/\1/p' | tr -d ' '
}

run=$jf_tmp/rt
jf_mpi 2 "$run" --preset tiny --steps 4 --energy none --output "$run.h5" --summary-json "$run.json"
jf_expect_rc 0 "a 2-rank run with --output"
jf_check "the results file exists under its final name" test -s "$run.h5"
jf_check "no temporary file is left" sh -c '! ls "$1".tmp.* >/dev/null 2>&1' sh "$run.h5"

for key in N D layers d_model heads ctx ff vocab batch steps warmup ranks; do
    want=$(jq -r ".$key" "$run.json")
    got=$(h5attr "$run.h5" "/config/$key")
    jf_check "/config/$key ($got) == JSON $key ($want)" test "$got" = "$want"
done
for key in flops_6nd flops_dense_counted flops_attention_counted flops_attention_analytic \
    flops_head_counted flops_other; do
    want=$(jq -r ".flops_exact.$key" "$run.json")
    got=$(h5attr "$run.h5" "/flops/$key")
    jf_check "/flops/$key is the exact $want" test "$got" = "$want"
done
jf_check "/flops/verified is 1" test "$(h5attr "$run.h5" /flops/verified)" = 1
jf_check "status complete" test "$(h5attr "$run.h5" /status)" = complete
jf_check "schema version 1.10" test "$(h5attr "$run.h5" /schema_version)" = 1.10
# the model arrays asked for transparent huge pages (this preset's are
# larger than one) where the kernel has them, the kernel's mode said, the
# JSON the same
if [ -e /sys/kernel/mm/transparent_hugepage/enabled ]; then
    jf_check "/config/huge_pages: requested, with the THP mode" sh -c \
        'case "$1" in "requested for the model arrays (THP mode "*")") exit 0 ;; *) exit 1 ;; esac' sh \
        "$(h5attr "$run.h5" /config/huge_pages)"
    jf_jq "$run.json" '.memory.huge_pages | startswith("requested for the model arrays")' \
        "JSON memory.huge_pages says requested"
else
    jf_check "/config/huge_pages: a kernel without THP refused the request, with the reason" sh -c \
        'case "$1" in "not requested: madvise(MADV_HUGEPAGE): "*) exit 0 ;; *) exit 1 ;; esac' sh \
        "$(h5attr "$run.h5" /config/huge_pages)"
fi
jf_check "/config/huge_page_bytes_min_rank = JSON memory.huge_page_bytes_min_rank" test \
    "$(h5attr "$run.h5" /config/huge_page_bytes_min_rank)" = "$(jq -r '.memory.huge_page_bytes_min_rank' "$run.json")"
jf_mpi 1 "$run-4k" --preset tiny --steps 1 --energy none --no-huge-pages --output "$run-4k.h5" \
    --summary-json "$run-4k.json"
jf_expect_rc 0 "--no-huge-pages"
jf_check "/config/huge_pages: not requested (--no-huge-pages), with the THP mode" sh -c \
    'case "$1" in "not requested (--no-huge-pages) (THP mode "*")") exit 0 ;; *) exit 1 ;; esac' sh \
    "$(h5attr "$run-4k.h5" /config/huge_pages)"
jf_grep_count "$run-4k.out" "        huge pages not requested (--no-huge-pages)" 1 "the summary says so"
jf_check "/verify/requested is 0 without --verify" test "$(h5attr "$run.h5" /verify/requested)" = 0
jf_check "/verify/checks is 0 without --verify" test "$(h5attr "$run.h5" /verify/checks)" = 0
jf_check "precision" test "$(h5attr "$run.h5" /config/precision)" = "$(jq -r .precision "$run.json")"
jf_check "blis_arch" test "$(h5attr "$run.h5" /blis_arch)" = "$(jq -r .blis_arch "$run.json")"
jf_check "one step-timing row per rank, warm-up + measured steps" \
    test "$(h5dims "$run.h5" /timing/step_seconds)" = "2,$(jq '.warmup + .steps' "$run.json")"
jf_check "the loss curve has one value per measured step" \
    test "$(h5dims "$run.h5" /loss)" = "$(jq .steps_done "$run.json")"
h5dump -d /loss -b LE -o "$run.loss.bin" "$run.h5" >/dev/null 2>&1
loss_last=$(od -A n -t f8 -v "$run.loss.bin" | tr -s ' ' '\n' | grep -v '^$' | tail -n 1)
jf_check "the last loss in the file equals loss_last ($loss_last)" \
    jq -e --argjson v "$loss_last" '((.loss_last - $v) | fabs) < 1e-9 * (.loss_last | fabs)' "$run.json"
jf_check "energy not measured: no joules_total attribute" \
    sh -c '! h5dump -a /energy/joules_total "$1" >/dev/null 2>&1' sh "$run.h5"
jf_check "energy status says not measured" test "$(h5attr "$run.h5" /energy/status)" = "not measured"
every_rank_wrote=$(h5dump -d /timing/step_seconds "$run.h5" | sed -n 's/^ *(\([01]\),[0-9]*): //p' | tr ',' '\n' | grep -c '[1-9]')
jf_check "both ranks wrote their own timings ($every_rank_wrote non-zero values)" test "$every_rank_wrote" -ge 2

# a job that Slurm gave half of each node's CPUs: the node may be shared, so
# its energy is not the job's alone; the file and the report say so. The
# Slurm variables go to the ranks only (mpirun itself must not see them).
cpus=$(getconf _NPROCESSORS_ONLN)
if [ "$cpus" -ge 2 ]; then
    shared=$jf_tmp/shared
    echo "+ jf-mpirun -np 1 env SLURM_JOB_ID=4242 SLURM_CPUS_ON_NODE=1 jflop-run --preset tiny --steps 1"
    $jf_timeout "$JF_MPIRUN" -np 1 env SLURM_JOB_ID=4242 SLURM_CPUS_ON_NODE=1 "$JFLOP_RUN" \
        --preset tiny --steps 1 --energy none --output "$shared.h5" \
        --summary-json "$shared.json" >"$shared.out" 2>"$shared.err"
    jf_rc=$?
    jf_expect_rc 0 "a run on 1 of the node's $cpus CPUs under Slurm"
    jf_jq "$shared.json" '.warnings | any(test("shared allocation: Slurm gave this job 1 of a node"))' \
        "the summary warns of a shared allocation"
    jf_check "the results file's /warnings says so too" \
        sh -c 'h5dump -a /warnings "$1" | grep -q "shared allocation"' sh "$shared.h5"
    jf_check "the file records the Slurm job id" test "$(h5attr "$shared.h5" /slurm_job_id)" = 4242
    "$JFLOP" report "$shared.h5" >"$shared.report" 2>&1
    jf_check "jflop report notes the warning under the runs table" \
        grep -q "shared.h5: warning: shared allocation" "$shared.report"
    jf_check "a whole-node run has no such warning" \
        sh -c '! h5dump -a /warnings "$1" | grep -q "shared allocation"' sh "$run.h5"
else
    echo "note: 1 CPU: a partial allocation cannot be shown here"
fi

# SIGTERM mid-run: the file is written, marked incomplete, with the steps done
term=$jf_tmp/term
echo "+ jf-mpirun -np 2 jflop-run --steps 1000000 (then SIGTERM to the ranks)"
"$JF_MPIRUN" -np 2 "$JFLOP_RUN" --preset tiny --steps 1000000 --energy none --output "$term.h5" \
    --summary-json "$term.json" >"$term.out" 2>"$term.err" &
pid=$!
jf_await_step "$term.err"
# to the ranks, as Slurm sends it to the tasks: Open MPI's mpirun would
# SIGKILL them 1 s after forwarding a TERM (odls_base_sigkill_timeout), which
# a slow machine (a sanitizer build) can miss; README says so
signalled=
for rank_pid in $(pgrep -f -- "--output $term.h5"); do
    if tr '\0' '\n' 2>/dev/null <"/proc/$rank_pid/environ" |
        grep -q '^OMPI_COMM_WORLD_RANK=\|^PMI_RANK=\|^PMIX_RANK='; then
        kill -TERM "$rank_pid" && signalled=yes
    fi
done
[ -n "$signalled" ] || kill -TERM "$pid"  # ranks not found: the launcher
jf_reap "$pid"
jf_prefix=$term
jf_expect_rc 1 "a run stopped by SIGTERM"
jf_check "the stopped run still wrote its file" test -s "$term.h5"
jf_check "status incomplete" test "$(h5attr "$term.h5" /status)" = incomplete
jf_check "the reason names the signal" sh -c 'h5dump -a /status_reason "$1" | grep -q "signal 15"' sh "$term.h5"
done_steps=$(h5attr "$term.h5" /config/steps_done)
jf_check "it holds the steps that finished ($done_steps of 1000000)" \
    sh -c 'test "$1" -gt 0 && test "$1" -lt 1000000' sh "$done_steps"
jf_check "its loss curve has exactly those steps" test "$(h5dims "$term.h5" /loss)" = "$done_steps"
jf_jq "$term.json" '.status == "incomplete" and (.reason | test("signal 15"))' "JSON says incomplete"
jf_check "stdout says incomplete" grep -q "^status  incomplete: stopped by signal 15" "$term.out"
# jflop report reads the incomplete file and labels it
if [ -n "${JFLOP:-}" ]; then
    "$JFLOP" report --format csv --table runs "$term.h5" >"$term.report" 2>&1
    jf_check "jflop report reads the incomplete file" test $? -eq 0
    jf_check "and labels it incomplete" grep -q "term.h5,.*,incomplete$" "$term.report"
fi
jf_done
