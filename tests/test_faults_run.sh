#!/bin/sh
# test_faults_run: fault injection on a running jflop-run (issue #12,
# classes 1, 2 and 6): what the job does when the disk fills or turns
# read-only under the HDF5 write, when stop signals come twice, and when a
# rank dies. Every case bounds the job's time, and asserts its exit status,
# its one stderr line and what is on disk afterwards:
#  - the results file's file system full (a small tmpfs, filled so that the
#    write fails part-way, and filled to the last byte), on 1 rank and on 2:
#    exit 3 within seconds, one line "jflop-run: FILE: writing the results
#    failed at ...", no results file and no temporary file, a summary (stdout
#    and --summary-json) that says failed and names no results file;
#  - the file system remounted read-only mid-run, then the run stopped by
#    SIGUSR1: the same, and the status is failed, never incomplete;
#  - SIGTERM, SIGTERM, SIGINT, ... in a burst at a run without a launcher:
#    the file is written, marked incomplete (HDF5, JSON, stdout), exit 1,
#    the reason names the first signal;
#  - under the launcher: SIGUSR1 to mpirun (forwarded) then SIGTERM to the
#    ranks: incomplete, written; SIGTERM to mpirun while the ranks start,
#    and SIGTERM twice to mpirun (Open MPI's forced abort, the file lost, as
#    README says): ended within seconds, nothing half-written left;
#  - a rank that vanishes mid-run (JFLOP_FAULT_RANK_EXIT, the test-only
#    _exit) or is killed (SIGKILL): the job ends within seconds, non-zero,
#    with the launcher's report naming the rank and its host; no file, no
#    temporary file, no rank left running.
# The file-system cases need root and a tmpfs mount; without them they are
# skipped, saying why, and the others still run.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq
command -v h5dump >/dev/null 2>&1 || jf_skip "h5dump not found (the HDF5 tools; install-deps installs them)"

mnt=$jf_tmp/mnt
mkdir "$mnt"
trap 'umount "$mnt" 2>/dev/null; rm -rf "$jf_tmp"' EXIT

h5attr() {
    h5dump -a "$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | head -n 1 | tr -d '"'
}

# none_left OUTPUT DESCRIPTION: no jflop-run writing OUTPUT is left within
# 10 s of the job's end. Not at once: after Open MPI's forced abort (a
# second TERM) mpirun can exit before its SIGKILL has ended the ranks;
# they were seen to linger up to 1 s.
none_left() {
    left_ms=0
    while pgrep -f -- "jflop-run .*--output $1" >/dev/null && [ "$left_ms" -lt 10000 ]; do
        sleep 0.1
        left_ms=$((left_ms + 100))
    done
    jf_check "$2: no jflop-run left running (gone after ~$left_ms ms)" \
        sh -c '! pgrep -f -- "jflop-run .*--output $1" >/dev/null' sh "$1"
}

# bounded LIMIT DESCRIPTION: the last job ended within LIMIT seconds.
bounded() {
    jf_check "$2: ended within $1 s (took $took s)" test "$took" -le "$1"
}

# timed PREFIX CMD...: run CMD bounded, recording its wall time in $took.
timed() {
    t0=$(date +%s)
    jf_logged "$@"
    took=$(($(date +%s) - t0))
}

# one_line NEEDLE DESCRIPTION: exactly one "jflop-run: " line on stderr
# besides the progress lines, matching the ERE NEEDLE (the launcher and
# Open MPI's I/O layer may add their own lines).
one_line() {
    jf_checks=$((jf_checks + 1))
    grep '^jflop-run: ' "$jf_prefix.err" | grep -v -E '^jflop-run: (warm-up|measured) step ' \
        >"$jf_prefix.lines"
    lines=$(wc -l <"$jf_prefix.lines")
    if [ "$lines" -eq 1 ] && grep -q -E -e "^jflop-run: $1" "$jf_prefix.lines"; then
        jf_pass "$2 -> $(cat "$jf_prefix.lines")"
    else
        jf_fail "$2: $lines 'jflop-run: ' lines on stderr, expected one matching '$1'"
        jf_show "$jf_prefix.err"
    fi
}

# nothing_left DIR DESCRIPTION: no results file and no temporary file in DIR.
nothing_left() {
    jf_check "$2: no results file and no temporary file left" \
        test -z "$(find "$1" -name '*.h5*' 2>/dev/null)"
}

# not_ok JSON DESCRIPTION: the summary says the run failed, no results file.
not_ok() {
    jf_jq "$1" '.status == "failed" and .results_file == null and
        (.reason | test("writing the results failed"))' "$2: the summary JSON says failed, no results file"
    jf_check "$2: stdout says the results were not written" grep -q '^results NOT written: ' "$jf_prefix.out"
    jf_check "$2: stdout says failed, never ok" \
        sh -c 'grep -q "^status  failed: " "$1" && ! grep -q "^status  ok" "$1"' sh "$jf_prefix.out"
}

# --- class 1: the results file's file system fails under the write ---------
can_mount=
if [ "$(id -u)" -ne 0 ]; then
    why_not="not root: cannot mount a small tmpfs"
elif ! mount -t tmpfs -o size=1m jflop-test "$mnt" 2>"$jf_tmp/mount.err"; then
    why_not="mount -t tmpfs failed: $(cat "$jf_tmp/mount.err") (a container without CAP_SYS_ADMIN?)"
else
    can_mount=yes
    umount "$mnt"
fi

# fresh_fs KB: an empty tmpfs of KB kB on $mnt
fresh_fs() {
    umount "$mnt" 2>/dev/null
    mount -t tmpfs -o "size=${1}k" jflop-test "$mnt" || jf_hard_error "mount tmpfs on $mnt"
}

# fill_leaving BYTES: fill $mnt until BYTES (rounded to pages) stay free
fill_leaving() {
    free=$(df -B1 --output=avail "$mnt" | tail -n 1)
    fill=$((free - $1))
    [ "$fill" -le 0 ] || head -c "$fill" /dev/zero >"$mnt/filler" 2>/dev/null
    echo "  $(df -B1 --output=avail "$mnt" | tail -n 1) bytes free on the tmpfs"
}

if [ -n "$can_mount" ]; then
    # how big the file is: a control run on a roomy tmpfs
    fresh_fs 4096
    p=$jf_tmp/control
    timed "$p" "the control run" "$JF_MPIRUN" -np 2 "$JFLOP_RUN" --preset tiny --steps 2 \
        --energy none --output "$mnt/run.h5" --summary-json "$p.json"
    jf_expect_rc 0 "control: a run writing onto the tmpfs"
    size=$(stat -c %s "$mnt/run.h5" 2>/dev/null || echo 0)
    jf_check "control: the results file is there ($size bytes)" test "$size" -gt 0

    for np in 1 2; do
        for room in half none; do
            case $room in
            half) leave=$((size / 2)) what="room for half the file" ;;
            none) leave=0 what="a full file system" ;;
            esac
            fresh_fs 4096
            fill_leaving "$leave"
            p=$jf_tmp/full-$np-$room
            desc="$what, $np rank(s)"
            echo "+ jf-mpirun -np $np jflop-run --output (tmpfs: $what)"
            timed "$p" "$desc" "$JF_MPIRUN" -np "$np" "$JFLOP_RUN" --preset tiny --steps 2 \
                --energy none --output "$mnt/run.h5" --summary-json "$p.json"
            jf_expect_rc 3 "$desc"
            bounded 30 "$desc"
            one_line ".*/run\.h5: writing the results failed at .*(file system is full|No space|space)" "$desc"
            nothing_left "$mnt" "$desc"
            not_ok "$p.json" "$desc"
            jf_check "$desc: no segfault, no hang report" \
                sh -c '! grep -q -i -E "segmentation|signal 11|core dumped" "$1"' sh "$p.err"
        done
    done

    # read-only mid-run, then SIGUSR1 (what Slurm sends before the time
    # limit; mpirun forwards it): the incomplete file cannot be written
    fresh_fs 4096
    p=$jf_tmp/ro
    echo "+ jf-mpirun -np 2 jflop-run --steps 1000000 (remount read-only, then SIGUSR1)"
    t0=$(date +%s)
    # no timeout(1) in between: the signal goes to mpirun itself
    "$JF_MPIRUN" -np 2 "$JFLOP_RUN" --preset tiny --steps 1000000 --energy none \
        --output "$mnt/run.h5" --summary-json "$p.json" >"$p.out" 2>"$p.err" &
    pid=$!
    jf_await_step "$p.err"
    mount -o remount,ro "$mnt" || jf_hard_error "cannot remount $mnt read-only"
    kill -USR1 "$pid"
    jf_reap "$pid"
    took=$(($(date +%s) - t0))
    jf_prefix=$p
    jf_expect_rc 3 "read-only mid-run, then SIGUSR1"
    bounded 30 "read-only mid-run, then SIGUSR1"
    one_line ".*/run\.h5: writing the results failed at creating it: .*read-only.*; no partial file is left" \
        "read-only mid-run"
    mount -o remount,rw "$mnt"
    nothing_left "$mnt" "read-only mid-run"
    not_ok "$p.json" "read-only mid-run"
    jf_check "read-only mid-run: stdout does not say incomplete" sh -c '! grep -q "^status  incomplete" "$1"' sh "$p.out"
    umount "$mnt"
else
    echo "note: SKIPPED the full and read-only file-system cases: $why_not"
fi

# --- class 2: stop signals, twice and more ---------------------------------
p=$jf_tmp/burst
echo "+ jflop-run --steps 1000000 (no launcher), then TERM TERM INT TERM INT ... 50 ms apart"
"$JFLOP_RUN" --preset tiny --steps 1000000 --energy none --output "$p.h5" \
    --summary-json "$p.json" >"$p.out" 2>"$p.err" &
pid=$!
jf_await_step "$p.err"
t0=$(date +%s)
# a burst that covers the end of the step, the summing and the HDF5 write
for sig in TERM TERM INT TERM INT TERM INT TERM INT TERM INT TERM; do
    kill -"$sig" "$pid" 2>/dev/null || break
    sleep 0.05
done
jf_reap "$pid"
took=$(($(date +%s) - t0))
jf_prefix=$p
jf_expect_rc 1 "a burst of stop signals"
bounded 30 "a burst of stop signals"
jf_check "burst: the file is written" test -s "$p.h5"
jf_check "burst: the HDF5 status is incomplete" test "$(h5attr "$p.h5" /status)" = incomplete
jf_check "burst: the reason names the first signal (15)" \
    sh -c 'h5dump -a /status_reason "$1" | grep -q "signal 15 (SIGTERM)"' sh "$p.h5"
jf_jq "$p.json" '.status == "incomplete" and (.reason | test("signal 15")) and .results_file != null' \
    "burst: the summary JSON says incomplete, with the file"
jf_check "burst: stdout says incomplete" grep -q '^status  incomplete: stopped by signal 15' "$p.out"
jf_check "burst: no temporary file left" test -z "$(find "$jf_tmp" -name 'burst.h5.tmp*')"

# under the launcher: USR1 to mpirun (Open MPI forwards it), then TERM
p=$jf_tmp/usr1
echo "+ jf-mpirun -np 2 jflop-run --steps 1000000, then USR1 and TERM to mpirun"
"$JF_MPIRUN" -np 2 "$JFLOP_RUN" --preset tiny --steps 1000000 --energy none --output "$p.h5" \
    --summary-json "$p.json" >"$p.out" 2>"$p.err" &
pid=$!
jf_await_step "$p.err"
t0=$(date +%s)
kill -USR1 "$pid"
sleep 0.05
kill -TERM "$pid"
jf_reap "$pid"
took=$(($(date +%s) - t0))
jf_prefix=$p
jf_expect_rc 1 "USR1 then TERM to mpirun"
bounded 30 "USR1 then TERM to mpirun"
jf_check "USR1+TERM: the file is written, incomplete" test "$(h5attr "$p.h5" /status)" = incomplete
jf_jq "$p.json" '.status == "incomplete" and (.reason | test("SIGUSR1"))' \
    "USR1+TERM: the JSON says incomplete, stopped by SIGUSR1"

# TERM to mpirun while the ranks start: Open MPI ends them; no hang, and
# nothing half-written is left
p=$jf_tmp/early
mkdir "$p.d"
echo "+ jf-mpirun -np 2 jflop-run, TERM to mpirun 0.3 s after the start"
t0=$(date +%s)
"$JF_MPIRUN" -np 2 "$JFLOP_RUN" --preset tiny --steps 1000000 --energy none \
    --output "$p.d/run.h5" --summary-json "$p.d/s.json" >"$p.out" 2>"$p.err" &
pid=$!
sleep 0.3
kill -TERM "$pid"
jf_reap "$pid"
took=$(($(date +%s) - t0))
jf_prefix=$p
echo "  exit status $jf_rc"
jf_check "TERM to mpirun at start-up: a non-zero exit ($jf_rc)" test "$jf_rc" -ne 0
bounded 30 "TERM to mpirun at start-up"
none_left "$p.d/run.h5" "TERM to mpirun at start-up"
jf_check "TERM to mpirun at start-up: no temporary file" test -z "$(find "$p.d" -name '*.tmp.*')"

# a second TERM to mpirun is Open MPI's forced abort (README says so): the
# ranks are killed and the file is lost, but nothing is left behind and
# nothing hangs
p=$jf_tmp/twice
mkdir "$p.d"
echo "+ jf-mpirun -np 2 jflop-run, then TERM, TERM to mpirun"
"$JF_MPIRUN" -np 2 "$JFLOP_RUN" --preset tiny --steps 1000000 --energy none \
    --output "$p.d/run.h5" >"$p.out" 2>"$p.err" &
pid=$!
jf_await_step "$p.err"
t0=$(date +%s)
kill -TERM "$pid"
kill -TERM "$pid"
jf_reap "$pid"
took=$(($(date +%s) - t0))
echo "  exit status $jf_rc; files: $(ls "$p.d")"
bounded 30 "TERM twice to mpirun"
none_left "$p.d/run.h5" "TERM twice to mpirun"
jf_check "TERM twice to mpirun: no temporary file" test -z "$(find "$p.d" -name '*.tmp.*')"

# --- class 6: a rank that dies -----------------------------------------------
# Under Open MPI 4 (no fault tolerance) the ranks left cannot outlive a dead
# one: mpirun notices the death at once, ends the others and says which
# rank died on which node (over two lines for a rank that left without
# MPI_Finalize). What jflop must hold: no hang, no file, no temporary file.
# rank_died DESCRIPTION RANK: the job ended within seconds, non-zero, with
# the launcher's report naming the rank and its host, no jflop-run left.
host=$(hostname)
launcher=$(JF_MPIRUN_DRY_RUN=1 "$JF_MPIRUN" -np 1 true | head -n 1)
ompi=
"$launcher" --version 2>&1 </dev/null | grep -q 'Open MPI' && ompi=yes
rank_died() {
    jf_check "$1: a non-zero exit ($jf_rc), not a time-out" test "$jf_rc" -ne 0 -a "$jf_rc" -ne 124
    bounded 30 "$1"
    jf_check "$1: the launcher names rank $2 and its host ($host)" \
        sh -c 'tr "\n" " " <"$1" | grep -q -E "process rank $2 with PID [0-9]+ on +node $3 "' \
        sh "$jf_prefix.err" "$2" "$host"
    none_left "$jf_prefix.d/run.h5" "$1"
    nothing_left "$jf_prefix.d" "$1"
}
[ -n "$ompi" ] || echo "note: SKIPPED the dead-rank cases: $launcher is not Open MPI's mpirun"

for r in ${ompi:+1 0}; do
    p=$jf_tmp/exit$r
    mkdir "$p.d"
    echo "+ JFLOP_FAULT_RANK_EXIT=$r:3 jf-mpirun -np 2 jflop-run"
    timed "$p" "rank $r leaving" env JFLOP_FAULT_RANK_EXIT="$r:3" "$JF_MPIRUN" -np 2 "$JFLOP_RUN" \
        --preset tiny --steps 1000000 --energy none --output "$p.d/run.h5" \
        --summary-json "$p.d/s.json"
    rank_died "rank $r leaving with _exit(0) mid-run" "$r"
    jf_check "rank $r leaving: no summary JSON" test ! -e "$p.d/s.json"
done

if [ -n "$ompi" ]; then
    p=$jf_tmp/kill
    mkdir "$p.d"
    echo "+ jf-mpirun -np 2 jflop-run, then SIGKILL to rank 1"
    t0=$(date +%s)
    $jf_timeout "$JF_MPIRUN" -np 2 "$JFLOP_RUN" --preset tiny --steps 1000000 --energy none \
        --output "$p.d/run.h5" --summary-json "$p.d/s.json" >"$p.out" 2>"$p.err" &
    pid=$!
    jf_await_step "$p.err"
    victim=
    for rank_pid in $(pgrep -f -- "$p.d/run.h5"); do
        if tr '\0' '\n' 2>/dev/null <"/proc/$rank_pid/environ" | grep -q '^OMPI_COMM_WORLD_RANK=1$'; then
            victim=$rank_pid
        fi
    done
    if [ -n "$victim" ]; then
        kill -KILL "$victim"
        wait "$pid"
        jf_rc=$?
        took=$(($(date +%s) - t0))
        jf_prefix=$p
        rank_died "SIGKILL to rank 1" 1
    else
        kill -TERM "$pid"
        wait "$pid"
        echo "note: SKIPPED the SIGKILL case: rank 1 not found by OMPI_COMM_WORLD_RANK"
    fi
fi
jf_done
