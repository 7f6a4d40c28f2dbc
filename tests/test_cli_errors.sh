#!/bin/sh
# test_cli_errors: every kind of bad input makes jflop-run exit 2 with
# exactly one line on stderr that names the flag, nothing on stdout, and no
# --summary-json file. Run without mpirun: flags are checked before
# MPI_Init (the memory check runs after it, as an MPI singleton). Also
# --help, --version and --list-presets, and a positive control.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
jf_require_run

n=0

# expect_usage NEEDLE ARGS...: exit 2, one stderr line "jflop-run: ..."
# containing NEEDLE, empty stdout, no JSON written.
expect_usage() {
    needle=$1
    shift
    n=$((n + 1))
    p=$jf_tmp/case$n
    json=$jf_tmp/case$n.json
    jf_direct "$p" --summary-json "$json" "$@"
    what="jflop-run $*"
    jf_checks=$((jf_checks + 1))
    lines=$(wc -l <"$p.err")
    problems=
    [ "$jf_rc" -eq 2 ] || problems="$problems exit status $jf_rc (expected 2);"
    [ "$lines" -eq 1 ] || problems="$problems $lines lines on stderr (expected 1);"
    grep -q -F -e "$needle" "$p.err" || problems="$problems stderr does not name '$needle';"
    grep -q '^jflop-run: ' "$p.err" || problems="$problems stderr does not start 'jflop-run: ';"
    [ ! -s "$p.out" ] || problems="$problems stdout is not empty;"
    if [ -e "$json" ] || ls "$json".tmp.* >/dev/null 2>&1; then
        problems="$problems a --summary-json file was created;"
    fi
    if [ -z "$problems" ]; then
        jf_pass "$what -> $(cat "$p.err")"
    else
        jf_fail "$what:$problems"
        jf_show "$p.out"
        jf_show "$p.err"
    fi
}

expect_usage --layers --layers abc
expect_usage --layers --layers 1.5
expect_usage --layers --layers 2000000
expect_usage --batch --batch 0
expect_usage --ctx --ctx -3
expect_usage --steps --steps 0
expect_usage --threads --threads 0
expect_usage --vocab --vocab 1
expect_usage --d-model --d-model 100 --heads 3
expect_usage --heads --d-model 100 --heads 3
expect_usage --bogus --bogus
expect_usage "'-x'" -x
expect_usage stray --preset tiny stray
expect_usage --layers --layers
expect_usage --params --params 10
expect_usage --params --params 1M --layers 4
expect_usage --layers --params 1M --layers 4
expect_usage --tokens --tokens 100k --steps 3
expect_usage --steps --tokens 100k --steps 3
expect_usage --precision --precision fp16
expect_usage --blis-arch --blis-arch nosuch
expect_usage --preset --preset nosuch
expect_usage --warmup --warmup -1
expect_usage --lr --lr 0
expect_usage --lr --lr nan
expect_usage --lr --lr -0.1
expect_usage --seed --seed -1
expect_usage --powercap-root --powercap-root "$jf_tmp/tree-%q"
expect_usage --pm-counters-root --pm-counters-root "$jf_tmp/%"
expect_usage --powercap-root --powercap-root "$jf_tmp/no-such-tree"
# the memory a shape needs is checked against the node's before anything is
# allocated (after MPI_Init: as a singleton here)
expect_usage GiB --d-model 65536 --ff 262144 --layers 64
# the output folder is checked before the run
expect_usage --summary-json --summary-json "$jf_tmp/no/such/folder/s.json"
: >"$jf_tmp/a-file"
expect_usage --summary-json --summary-json "$jf_tmp/a-file/s.json"
expect_usage --summary-json --summary-json "$jf_tmp"
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$jf_tmp/read-only" && chmod 555 "$jf_tmp/read-only"
    expect_usage --summary-json --summary-json "$jf_tmp/read-only/s.json"
else
    echo "note: running as root, which writes to read-only folders: that case is not tried"
fi

# --help, --version, --list-presets: exit 0, stdout only
jf_direct "$jf_tmp/help" --help
jf_expect_rc 0 "--help"
jf_check "--help prints Usage on stdout" grep -q '^Usage:' "$jf_tmp/help.out"
jf_check "--help mentions --summary-json" grep -q -e '--summary-json' "$jf_tmp/help.out"
jf_check "--help keeps stderr empty" test ! -s "$jf_tmp/help.err"
jf_direct "$jf_tmp/version" --version
jf_expect_rc 0 "--version"
jf_check "--version prints 'jflop-run ${JF_PACKAGE_VERSION:-?}'" \
    test "$(cat "$jf_tmp/version.out")" = "jflop-run ${JF_PACKAGE_VERSION:-?}"
jf_direct "$jf_tmp/presets" --list-presets
jf_expect_rc 0 "--list-presets"
jf_check "--list-presets lists tiny and default" \
    sh -c 'grep -q "^tiny " "$1" && grep -q "^default " "$1"' sh "$jf_tmp/presets.out"

# positive control: the same call with good flags runs (singleton) and writes
jf_direct "$jf_tmp/good" --summary-json "$jf_tmp/good.json" --preset tiny --steps 1 --warmup 0
jf_expect_rc 0 "positive control: good flags"
jf_check "positive control: --summary-json written" test -s "$jf_tmp/good.json"
jf_done
