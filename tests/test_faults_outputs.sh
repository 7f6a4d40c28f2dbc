#!/bin/sh
# test_faults_outputs: fault injection on jflop-run's outputs (issue #12,
# class 1). Every output path that cannot be an output of jflop's is
# refused before the run, with exit 2, one line on stderr and nothing on
# stdout, and the file system is left as it was: a device node stays a
# device node, a FIFO a FIFO, a folder an empty folder, a missing folder
# missing, and no output or temporary file appears. A summary that cannot
# reach stdout (a full device) fails the run with exit 3, the files still
# written. jflop report's --out DIR and --plot DIR are held to the same
# rules before any file is read (a folder that is a device, a FIFO, a
# regular file, under /proc, not writable or too long: exit 2), never
# replace a file that is not a regular one, and leave no partial table
# when a write fails.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq

# refused NEEDLE DESCRIPTION: the last run exited 2 before doing anything,
# with one stderr line "jflop-run: ..." matching the ERE NEEDLE, an empty
# stdout, and no file created in the case's folder ($d) by the run.
refused() {
    jf_refused 'jflop-run: ' -E "$1" "$2" run_left_nothing
}
# shellcheck disable=SC2317 # run by jf_refused
run_left_nothing() {
    jf_nothing_new "$d" "the run left files behind"
    [ ! -e results ] || problems="$problems a ./results folder was created;"
}

n=0
# next_case: a fresh folder $d for the case, files named $p.*; runs happen
# in $jf_tmp/cwd so that a default ./results would show
next_case() {
    n=$((n + 1))
    d=$jf_tmp/case$n
    p=$jf_tmp/log$n
    mkdir "$d"
    sleep 0.01
    touch "$jf_tmp/stamp"
    sleep 0.01
}
mkdir "$jf_tmp/cwd"
cd "$jf_tmp/cwd" || jf_hard_error "cannot enter $jf_tmp/cwd"
run() {
    jf_direct "$p" --preset tiny --steps 2 --energy none "$@"
}

# --- device nodes: never replaced -------------------------------------------
# device_node: $node, a character device to name as an output. As root a
# node of our own in $d (the same device as /dev/null) stands in for
# /dev/null, so a regression cannot replace the machine's; without root
# /dev/null itself is safe to name (its folder cannot be written).
device_node() {
    if [ "$(id -u)" -eq 0 ] && mknod "$d/null" c 1 3 2>/dev/null; then
        node=$d/null
    else
        node=/dev/null
    fi
    touch "$jf_tmp/stamp"
}
next_case
device_node
run --output "$node"
refused "--output $node: is a character device, not a regular file" "--output naming a device node"
jf_check "$node is still a character device" test -c "$node"
run --summary-json "$node" --output none
refused "--summary-json $node: is a character device" "--summary-json naming a device node"
jf_check "$node is still a character device after --summary-json" test -c "$node"

next_case
ln -s "$node" "$d/link.h5"
touch "$jf_tmp/stamp"
run --output "$d/link.h5"
refused "link.h5: is a character device" "--output naming a symbolic link to a device node"
jf_check "the link still leads to a character device" test -L "$d/link.h5" -a -c "$d/link.h5"

# --- FIFOs, folders, sockets of the kernel ----------------------------------
next_case
mkfifo "$d/fifo"
touch "$jf_tmp/stamp"
run --output "$d/fifo"
refused "fifo: is a FIFO \(named pipe\), not a regular file" "--output naming a FIFO (refused, not opened: no hang)"
jf_check "the FIFO is still a FIFO" test -p "$d/fifo"
run --output none --summary-json "$d/fifo"
refused "--summary-json .*fifo: is a FIFO" "--summary-json naming a FIFO"

next_case
mkdir "$d/folder"
touch "$jf_tmp/stamp"
run --output "$d/folder"
refused "folder: is a folder, not a regular file" "--output naming a folder"
jf_check "the folder is still an empty folder" test -d "$d/folder" -a -z "$(ls -A "$d/folder")"
run --output "$d/folder/"
refused "folder/: names a folder, not a file" "--output naming a folder with a trailing /"

next_case
run --output none --summary-json /proc/self/status
refused "/proc/self is on the kernel's proc file system" "--summary-json naming a file under /proc"
run --output /proc/jflop-fault-test.h5
refused "/proc is on the kernel's proc file system" "--output creating a file under /proc"
jf_check "nothing was created under /proc" test ! -e /proc/jflop-fault-test.h5
if [ -d /sys/kernel ]; then
    run --output /sys/kernel/jflop-fault-test.h5
    refused "/sys/kernel is on the kernel's sysfs file system" "--output under /sys"
fi

# --- folders that are missing, files where folders should be ---------------
next_case
run --output "$d/missing/run.h5"
refused "the folder .*/missing does not exist" "--output in a missing folder"
jf_check "the missing folder was not created" test ! -e "$d/missing"
echo data >"$d/plain"
touch "$jf_tmp/stamp"
run --output none --summary-json "$d/plain/s.json"
refused "plain is a file, not a folder" "--summary-json below a regular file"
jf_check "the file is unchanged" test "$(cat "$d/plain")" = data

# --- two outputs, one file ---------------------------------------------------
next_case
mkdir "$d/sub"
touch "$jf_tmp/stamp"
run --output "$d/same" --summary-json "$d/sub/../same"
refused "--output .*same and --summary-json .*sub/\.\./same name the same file" \
    "--output and --summary-json the same file, spelled differently"
jf_check "neither output was created" test ! -e "$d/same"
echo keep >"$d/kept"
ln -s kept "$d/alias"
touch "$jf_tmp/stamp"
run --output "$d/kept" --summary-json "$d/alias"
refused "name the same file" "--output and --summary-json the same file through a symbolic link"
jf_check "the existing file is unchanged" test "$(cat "$d/kept")" = keep

# --- lengths: refused, never truncated ---------------------------------------
next_case
long=$d
while [ "${#long}" -lt 1100 ]; do long=$long/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; done
run --output "$long/run.h5"
refused "the path is [0-9]+ bytes, longer than the 1023 jflop keeps \(it is never truncated\)" \
    "--output longer than 1023 bytes"
name=$(printf '%0250d' 0)
run --output none --summary-json "$d/$name.json"
refused "the name '0+\.\.\.' is 255 bytes; the file system allows [0-9]+ for an output" \
    "--summary-json with a name too long for the file system"

# --- a folder this user cannot write ----------------------------------------
next_case
mkdir "$d/ro"
chmod 555 "$d/ro"
as_user=
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null 2>&1 && chmod 755 "$jf_tmp" "$d" "$jf_tmp/cwd" &&
        setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$JFLOP_RUN" 2>/dev/null; then
        as_user="setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp"
    fi
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_user" ]; then
    touch "$jf_tmp/stamp"
    echo "+ $as_user jflop-run --output $d/ro/run.h5"
    # shellcheck disable=SC2086 # jf_timeout and as_user are commands and arguments
    $jf_timeout $as_user "$JFLOP_RUN" --preset tiny --steps 2 --energy none \
        --output "$d/ro/run.h5" >"$p.out" 2>"$p.err"
    jf_rc=$?
    jf_prefix=$p
    refused "the folder .*/ro is not writable by this user" "--output in a folder this user cannot write"
else
    echo "note: SKIPPED the unwritable-folder case: running as root (who writes anywhere)" \
        "and cannot switch to nobody (no setpriv, or $JFLOP_RUN not reachable by nobody)"
fi
chmod 755 "$d/ro"

# --- the default ./results, when it cannot be a folder ----------------------
next_case
echo "not a folder" >results
touch "$jf_tmp/stamp"
jf_mpi 1 "$p" --preset tiny --steps 2 --energy none
jf_checks=$((jf_checks + 1))
# (the launcher may add its own lines about the non-zero exit)
if [ "$jf_rc" -eq 2 ] && [ "$(grep -c '^jflop-run: ' "$p.err")" -eq 1 ] &&
    grep -q -E '^jflop-run: (cannot write results into \./results|.*results is a file, not a folder)' "$p.err" &&
    [ "$(cat results)" = "not a folder" ]; then
    jf_pass "./results a regular file: refused before the run, the file untouched -> $(cat "$p.err")"
else
    jf_fail "./results a regular file: exit $jf_rc, stderr: $(head -c 300 "$p.err")"
fi
rm -f results

# --- control: good paths still work, an existing file is replaced ------------
next_case
echo old >"$d/run.h5"
jf_mpi 1 "$p" --preset tiny --steps 2 --energy none --output "$d/run.h5" --summary-json "$d/s.json"
jf_expect_rc 0 "control: a new summary and an existing results file"
jf_check "control: the results file was replaced by an HDF5 file" \
    sh -c 'head -c 8 "$1" | od -c | grep -q "H   D   F"' sh "$d/run.h5"
jf_jq "$d/s.json" '.status == "ok"' "control: the summary says ok"
jf_check "control: no temporary file left" test -z "$(find "$d" -name '*.tmp.*')"

# --- jflop report --out DIR and --plot DIR ------------------------------------
# the control run's file is the input; each case asserts what the run cases
# do, for "jflop report: " lines
report_refused() {
    jf_refused 'jflop report: --(out|plot) ' -E "$1" "$2" jf_nothing_new "$d" "report left files behind"
}
input=$jf_tmp/case$n/run.h5
report() {
    jf_cli "$p" report "$@" "$input"
}

next_case
device_node
report --out "$node"
report_refused "--out $node: is a character device, not a folder" "report --out naming a device node"
jf_check "$node is still a character device" test -c "$node"
report --plot "$node"
report_refused "--plot $node: is a character device, not a folder" "report --plot naming a device node"

next_case
mkfifo "$d/fifo"
touch "$jf_tmp/stamp"
report --plot "$d/fifo"
report_refused "fifo: is a FIFO \(named pipe\), not a folder" "report --plot naming a FIFO (refused, not opened: no hang)"
jf_check "the FIFO is still a FIFO" test -p "$d/fifo"

next_case
echo keep >"$d/plain"
touch "$jf_tmp/stamp"
report --out "$d/plain"
report_refused "plain: is a file, not a folder" "report --out naming a regular file"
jf_check "the file is unchanged" test "$(cat "$d/plain")" = keep
report --plot "$d/plain/plots"
report_refused "plain is a file, not a folder" "report --plot below a regular file"

next_case
report --out /proc/jflop-fault-test
report_refused "/proc is on the kernel's proc file system" "report --out creating a folder under /proc"
jf_check "nothing was created under /proc" test ! -e /proc/jflop-fault-test
report --plot /proc/self
report_refused "--plot /proc/self: /proc/self is on the kernel's proc file system" "report --plot naming a folder of /proc"

next_case
report --out "$d/missing/tables"
report_refused "the folder .*/missing does not exist" "report --out in a missing folder"
long=$d
while [ "${#long}" -lt 1010 ]; do long=$long/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; done
report --out "$long"
report_refused "longer than the 1023 jflop keeps \(it is never truncated\)" \
    "report --out too long for its tables' names (never truncated)"

# a table's file that is a FIFO: found before any work, never replaced
next_case
mkdir "$d/tables"
mkfifo "$d/tables/runs.csv"
touch "$jf_tmp/stamp"
report --format csv --out "$d/tables"
report_refused "--out $d/tables/runs.csv: is a FIFO \(named pipe\), not a regular file" \
    "report --out whose runs.csv is a FIFO (refused before any work)"
jf_check "runs.csv is still a FIFO, nothing else in the folder" \
    test -p "$d/tables/runs.csv" -a "$(ls -A "$d/tables")" = runs.csv

if [ -n "$as_user" ] || [ "$(id -u)" -ne 0 ]; then
    next_case
    mkdir "$d/ro"
    chmod 555 "$d/ro"
    chmod 755 "$d"
    cp "$input" "$d/in.h5" && chmod 644 "$d/in.h5"
    touch "$jf_tmp/stamp"
    echo "+ $as_user jflop report --out $d/ro"
    # shellcheck disable=SC2086 # jf_timeout and as_user are commands and arguments
    $jf_timeout $as_user "$JFLOP" report --out "$d/ro" "$d/in.h5" >"$p.out" 2>"$p.err"
    jf_rc=$?
    jf_prefix=$p
    report_refused "--out $d/ro: the folder .*/ro is not writable by this user" \
        "report --out naming a folder this user cannot write"
    chmod 755 "$d/ro"
fi

# a plot's file that is a FIFO: found when it is written, exit 1, never replaced
next_case
mkdir "$d/plots"
mkfifo "$d/plots/loss_run.dat"
jf_cli "$p" report --plot "$d/plots" "$input"
jf_expect_rc 1 "report --plot whose loss_run.dat is a FIFO"
jf_grep_count "$p.err" "jflop report: --plot $d/plots/loss_run.dat: is a FIFO (named pipe), not a regular file" 1 \
    "report --plot whose loss_run.dat is a FIFO: one line names it"
jf_check "loss_run.dat is still a FIFO" test -p "$d/plots/loss_run.dat"
jf_check "no temporary file left in the plots" test -z "$(find "$d/plots" -name '*.tmp.*')"

# a write that fails (a file size limit of 0: every write is EFBIG) leaves
# no partial table and no temporary file
next_case
mkdir "$d/tables"
echo "+ (ulimit -f 0) jflop report --out $d/tables"
# (stderr through a pipe: the limit holds for regular files, and a log file
# would refuse the line)
( (trap '' XFSZ; ulimit -f 0 && exec "$JFLOP" report --format csv --out "$d/tables" "$input") \
    2>&1 >"$p.out"; echo $? >"$p.rc") | cat >"$p.err"
jf_rc=$(cat "$p.rc")
jf_expect_rc 1 "report --out where every write fails"
jf_check "each table's line says writing it failed and nothing partial is left" \
    grep -q "^jflop report: --out $d/tables/runs.csv: writing it failed: File too large; no partial file is left" "$p.err"
jf_check "the folder holds no table and no temporary file" test -z "$(ls -A "$d/tables")"

# control: good folders, created when missing; tables and plots whole
next_case
jf_cli "$p" report --format csv --out "$d/tables" --plot "$d/plots" "$input"
jf_expect_rc 0 "control: report --out and --plot into new folders"
jf_check "control: runs.csv written" test -s "$d/tables/runs.csv"
jf_check "control: the loss plot's data written" test -s "$d/plots/loss_run.dat"
jf_check "control: no temporary file left" test -z "$(find "$d" -name '*.tmp.*')"

# --- stdout that cannot be written ------------------------------------------
if [ -c /dev/full ]; then
    next_case
    # without a launcher: under one, the rank writes into the launcher's
    # pipe, and only the launcher meets the full device
    echo "+ jflop-run ... >/dev/full"
    $jf_timeout "$JFLOP_RUN" --preset tiny --steps 2 --energy none \
        --output "$d/run.h5" --summary-json "$d/s.json" >/dev/full 2>"$p.err"
    jf_rc=$?
    jf_prefix=$p
    : >"$p.out"
    jf_expect_rc 3 "stdout on a full device"
    jf_grep_count "$p.err" "jflop-run: stdout: the summary could not be written: No space left on device" 1 \
        "stdout on a full device: one line says so"
    jf_jq "$d/s.json" '.status == "ok"' "stdout on a full device: the summary JSON is still written"
    jf_check "stdout on a full device: the results file is still written" test -s "$d/run.h5"
else
    echo "note: SKIPPED the full-stdout case: no /dev/full on this machine"
fi
jf_done
