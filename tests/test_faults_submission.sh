#!/bin/sh
# test_faults_submission: fault injection on jflop validate's submission
# folders and --pack's outputs (issue #12, class 5). Nothing outside the
# submission folder is hashed, read or followed, and every file in every
# subfolder is listed in the manifest or reported:
#  - a symbolic link leading outside the folder (a file, a folder, from a
#    subfolder with ../..), a dangling link, a link to a folder inside, a
#    FIFO or a folder nested too deep: validate and --pack exit 2 with one
#    stderr line naming it, and --pack writes nothing;
#  - a link to a file inside the folder is listed under its own name and
#    `sha256sum -c` accepts the manifest; files in subfolders are listed,
#    and one added, changed or removed after packing fails the manifest
#    rule with its path named; a manifest naming ../ or an absolute path is
#    malformed and never hashed;
#  - --pack's outputs checked before any work (a folder, a FIFO or a device
#    where a summary or the manifest goes is refused and left as it was),
#    and the three written through temporary files: a failure while
#    packing leaves the folder exactly as it was, no temporary file behind.
# Every refusal asserts exit status 2, one stderr line "jflop validate: ..."
# naming the file, an empty stdout, and what is on disk afterwards.
# shellcheck source=jf_testlib.sh
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
command -v sha256sum >/dev/null 2>&1 || jf_skip "sha256sum (coreutils) is not installed"
top=${JF_TOP_SRCDIR:?run through make check}
SYSTEM=$top/results/submission-example/system.json

# one results file: a tiny run, no energy (the rules fail, which is not what
# these cases are about: they check what is read, listed and written)
jf_direct "$jf_tmp/run" --preset tiny --steps 2 --energy none --output "$jf_tmp/run.h5"
[ "$jf_rc" -eq 0 ] && [ -s "$jf_tmp/run.h5" ] || {
    jf_show "$jf_tmp/run.err"
    jf_hard_error "the tiny run failed: no results file to validate"
}
outside=$jf_tmp/outside
mkdir "$outside"
echo "a file outside every submission" >"$outside/secret.txt"

n=0
# next_case: a fresh submission $d (the run and system.json), logs $p.*
next_case() {
    n=$((n + 1))
    d=$jf_tmp/sub$n
    p=$jf_tmp/log$n
    mkdir "$d"
    cp "$jf_tmp/run.h5" "$d/run.h5"
    cp "$SYSTEM" "$d/system.json"
}
# snapshot: what the folder holds (names, kinds, sizes) before the command
snapshot() {
    (cd "$d" && find . -printf '%p %y %s\n' | LC_ALL=C sort) >"$p.before"
}

# refused NEEDLE DESCRIPTION: the last command exited 2 with one stderr line
# "jflop validate: " holding NEEDLE (a fixed string), nothing on stdout, and
# the folder exactly as snapshot saw it (nothing written, nothing replaced).
refused() {
    jf_refused 'jflop validate: ' -F "$1" "$2" folder_unchanged
}
# shellcheck disable=SC2317 # run by jf_refused
folder_unchanged() {
    (cd "$d" && find . -printf '%p %y %s\n' | LC_ALL=C sort) >"$p.after"
    cmp -s "$p.before" "$p.after" || problems="$problems the folder changed: $(diff "$p.before" "$p.after" | grep '^[<>]' | head -n 3 | tr '\n' ' ');"
}
# both NEEDLE DESCRIPTION: validate and validate --pack both refuse
both() {
    snapshot
    jf_cli "$p.v" validate "$d"
    refused "$1" "validate: $2"
    jf_cli "$p.p" validate --pack "$d"
    refused "$1" "--pack: $2"
}
# manifest_fails PATH NEEDLE DESCRIPTION: validate exits 1, the manifest
# rule FAILs on PATH with NEEDLE in its line
manifest_fails() {
    jf_cli "$p.m" validate "$d"
    jf_checks=$((jf_checks + 1))
    if [ "$jf_rc" -eq 1 ] && grep -q -F -e "FAIL  L1  manifest              $1: $2" "$p.m.out"; then
        jf_pass "$3 -> $(grep -F -e "manifest              $1" "$p.m.out" | head -n 1)"
    else
        jf_fail "$3: exit status $jf_rc, or no manifest FAIL naming $1 with '$2'"
        jf_show "$p.m.out"
        jf_show "$p.m.err"
    fi
}

# --- links and special files: refused, never followed --------------------------
next_case
ln -s "$outside/secret.txt" "$d/notes.txt"
both "$d/notes.txt: a symbolic link leading outside the submission folder" \
    "a link to a file outside the folder"
next_case
mkdir "$d/logs"
ln -s ../../outside/secret.txt "$d/logs/run.out"
both "$d/logs/run.out: a symbolic link leading outside the submission folder" \
    "a relative link out of a subfolder (../..)"
next_case
ln -s / "$d/root"
both "$d/root: a symbolic link leading outside the submission folder (to /)" \
    "a link to / (never walked: the machine is not hashed)"
next_case
ln -s "$jf_tmp/run.h5" "$d/second.h5"
both "$d/second.h5: a symbolic link leading outside the submission folder" \
    "a results file linked from outside (never read as a run)"
next_case
ln -s "$d/no-such-file" "$d/gone.txt"
both "$d/gone.txt: a symbolic link that leads nowhere (its target is missing)" "a dangling link"
next_case
mkdir "$d/logs"
ln -s logs "$d/logs-again"
both "$d/logs-again: a symbolic link to a folder inside the folder; only links to regular files are followed" \
    "a link to a folder inside (could list files twice or loop)"
next_case
mkfifo "$d/MANIFEST.sha256"
snapshot
jf_cli "$p.v" validate "$d"
refused "$d/MANIFEST.sha256: is a FIFO (named pipe); a submission holds regular files and folders only" \
    "validate: a FIFO as the manifest (reading it would hang)"
jf_check "the FIFO is still a FIFO" test -p "$d/MANIFEST.sha256"
next_case
mkdir -p "$d/a/b"
mkfifo "$d/a/b/pipe"
both "$d/a/b/pipe: is a FIFO (named pipe)" "a FIFO two folders down"
next_case
deep=$d
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do
    deep=$deep/f$k
done
mkdir -p "$deep"
both "folders nested deeper than 16 levels in the submission" "folders nested 17 deep"

# --- what --pack writes: checked before any work, all or nothing ---------------
next_case
mkdir "$d/MANIFEST.sha256"
snapshot
jf_cli "$p.p" validate --pack "$d"
refused "--pack $d/MANIFEST.sha256: is a folder, not a regular file" \
    "--pack where the manifest is a folder"
next_case
mkfifo "$d/submission.md"
snapshot
jf_cli "$p.p" validate --pack "$d"
refused "--pack $d/submission.md: is a FIFO (named pipe), not a regular file" \
    "--pack where submission.md is a FIFO (refused before anything is read)"
jf_check "submission.md is still a FIFO" test -p "$d/submission.md"
next_case
ln -s /dev/null "$d/submission.json"
snapshot
jf_cli "$p.p" validate --pack "$d"
refused "--pack $d/submission.json: is a character device, not a regular file" \
    "--pack where submission.json is a link to /dev/null"
jf_check "the link still leads to /dev/null" test -L "$d/submission.json" -a -c "$d/submission.json"
next_case
printf 'x\n' >"$d/bad
name.txt"
snapshot
jf_cli "$p.p" validate --pack "$d"
refused "a file name with a newline or backslash cannot go into MANIFEST.sha256; rename it" \
    "--pack failing half-way (a name the manifest cannot hold) leaves no summary or temporary file"
next_case
long=$d
while [ ${#long} -lt 1100 ]; do
    long=$long/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
done
jf_cli "$p.p" validate --pack "$long"
jf_checks=$((jf_checks + 1))
if [ "$jf_rc" -eq 2 ] && [ "$(wc -l <"$p.p.err")" -eq 1 ] && grep -q 'is never cut' "$p.p.err"; then
    jf_pass "--pack on a path longer than jflop keeps -> $(cut -c1-60 "$p.p.err")...: refused, never cut"
else
    jf_fail "--pack on a 1100-byte path: exit status $jf_rc"
    jf_show "$p.p.err"
fi

# --- subfolders and links inside: listed, hashed, checked -------------------------
next_case
mkdir -p "$d/logs/rank0"
echo "the job's stdout" >"$d/logs/job.out"
echo "rank 0" >"$d/logs/rank0/stderr.txt"
echo "how the run was launched" >"$d/jobscript.sh"
ln -s ../jobscript.sh "$d/logs/jobscript.sh"
jf_cli "$p.p" validate --pack "$d"
jf_check "--pack with subfolders and a link inside: packed (exit 0 or 1, not 2)" \
    test "$jf_rc" -ne 2 -a -s "$d/MANIFEST.sha256"
jf_check "the manifest lists the files of the subfolders" \
    sh -c 'grep -q "  logs/job.out\$" "$1" && grep -q "  logs/rank0/stderr.txt\$" "$1"' sh "$d/MANIFEST.sha256"
jf_check "the manifest lists the link inside under its own name" \
    grep -q '  logs/jobscript.sh$' "$d/MANIFEST.sha256"
jf_check "the manifest lists the summaries it vouches for" \
    sh -c 'grep -q "  submission.md\$" "$1" && grep -q "  submission.json\$" "$1"' sh "$d/MANIFEST.sha256"
jf_check "the manifest lists 8 files, itself not among them" \
    test "$(wc -l <"$d/MANIFEST.sha256")" -eq 8
jf_check "sha256sum -c accepts the manifest" sh -c 'cd "$1" && sha256sum --quiet -c MANIFEST.sha256' sh "$d"
jf_check "no temporary file is left" sh -c '! ls "$1" | grep -q "\.tmp\."' sh "$d"
jf_cli "$p.v" validate "$d"
jf_check "validate: the manifest rule passes on the packed folder" \
    grep -q '^PASS  L1  manifest  .*8 files listed' "$p.v.out"
echo "added later" >"$d/logs/rank0/late.txt"
manifest_fails logs/rank0/late.txt "in the folder but not in MANIFEST.sha256" \
    "a file added to a subfolder after packing"
rm "$d/logs/rank0/late.txt"
echo "changed" >>"$d/logs/job.out"
manifest_fails logs/job.out "content does not match MANIFEST.sha256" \
    "a file of a subfolder changed after packing"
rm "$d/logs/job.out"
manifest_fails logs/job.out "listed in MANIFEST.sha256 but missing from the folder" \
    "a file of a subfolder removed after packing"

# a manifest naming files outside the folder: malformed, never hashed
next_case
jf_cli "$p.p" validate --pack "$d"
hash=$(sha256sum "$outside/secret.txt" | cut -c1-64)
printf '%s  ../outside/secret.txt\n%s  %s\n' "$hash" "$hash" "$outside/secret.txt" >>"$d/MANIFEST.sha256"
jf_cli "$p.m" validate "$d"
jf_check "a manifest line naming ../ is malformed (FAIL), not a match" \
    grep -q "^FAIL  L1  manifest              MANIFEST.sha256: line [0-9]* is not '<64 hex digits>  <file inside the folder>': [0-9a-f]*  ../outside/secret.txt" "$p.m.out"
jf_check "a manifest line naming an absolute path is malformed (FAIL)" \
    grep -q "^FAIL  L1  manifest              MANIFEST.sha256: line [0-9]* is not .*  $outside/secret.txt" "$p.m.out"
jf_check "validate exits 1 on that manifest" test "$jf_rc" -eq 1

jf_done
