# jf_testlib.sh -- shared by the integration tests tests/test_*.sh (POSIX sh).
# Sourced as  . "$JF_TESTLIB"  after `make check` has set, in
# AM_TESTS_ENVIRONMENT:
#   JFLOP_RUN           the jflop-run binary in the build tree
#   JF_MPIRUN           tests/jf-mpirun in the source tree
#   JF_PACKAGE_VERSION  the version configure was given
# Exit statuses follow Automake: 0 pass, 1 fail, 77 skip (with the reason),
# 99 hard error (the test could not even start).

set -u

jf_name=$(basename "$0" .sh)
jf_failures=0
jf_checks=0

jf_fail() {
    jf_failures=$((jf_failures + 1))
    printf 'FAIL: %s\n' "$*"
}

jf_pass() {
    printf 'ok: %s\n' "$*"
}

jf_skip() {
    printf 'SKIP: %s\n' "$*"
    exit 77
}

jf_hard_error() {
    printf 'ERROR: %s\n' "$*"
    exit 99
}

# jf_check DESCRIPTION COMMAND...: COMMAND must succeed.
jf_check() {
    jf_desc=$1
    shift
    jf_checks=$((jf_checks + 1))
    if "$@"; then
        jf_pass "$jf_desc"
    else
        jf_fail "$jf_desc"
    fi
}

# jf_refused START -E|-F NEEDLE DESCRIPTION [CHECK ARG...]: one check that the
# last command (logs $jf_prefix.out and .err, status $jf_rc) was refused:
# exit status 2, one line on stderr that starts with the ERE START and holds
# NEEDLE (-E: an ERE, -F: a fixed string), and nothing on stdout. CHECK ARG...,
# when given, runs next and adds the test's own findings to $problems
# ("$problems what went wrong;"). On failure both logs are shown.
jf_refused() {
    jf_checks=$((jf_checks + 1))
    problems=
    lines=$(wc -l <"$jf_prefix.err")
    [ "$jf_rc" -eq 2 ] || problems="$problems exit status $jf_rc (expected 2);"
    [ "$lines" -eq 1 ] || problems="$problems $lines lines on stderr (expected 1);"
    if [ "$2" = -E ]; then jf_refused_how=match; else jf_refused_how=hold; fi
    grep -q "$2" -e "$3" "$jf_prefix.err" ||
        problems="$problems stderr does not $jf_refused_how '$3';"
    grep -q -E -e "^$1" "$jf_prefix.err" || problems="$problems stderr does not start '$1';"
    [ ! -s "$jf_prefix.out" ] || problems="$problems stdout is not empty;"
    jf_refused_desc=$4
    shift 4
    [ $# -eq 0 ] || "$@"
    if [ -z "$problems" ]; then
        jf_pass "$jf_refused_desc -> $(cat "$jf_prefix.err")"
    else
        jf_fail "$jf_refused_desc:$problems"
        jf_show "$jf_prefix.out"
        jf_show "$jf_prefix.err"
    fi
}

# jf_nothing_new DIR WHAT: a CHECK for jf_refused: nothing below DIR is newer
# than $jf_tmp/stamp (else "WHAT: the first three").
jf_nothing_new() {
    left=$(find "$1" -newer "$jf_tmp/stamp" ! -path "$1" 2>/dev/null | head -n 3)
    [ -z "$left" ] || problems="$problems $2: $left;"
}

jf_done() {
    if [ "$jf_checks" -eq 0 ]; then
        echo "$jf_name: FAIL: no checks ran"
        exit 1
    fi
    if [ "$jf_failures" -ne 0 ]; then
        echo "$jf_name: $jf_failures of $jf_checks checks failed"
        exit 1
    fi
    echo "$jf_name: all $jf_checks checks passed"
    exit 0
}

jf_require_run() {
    [ -n "${JFLOP_RUN:-}" ] || jf_hard_error "JFLOP_RUN is not set (run the tests with make check)"
    [ -x "$JFLOP_RUN" ] || jf_hard_error "$JFLOP_RUN is missing or not executable (build src/ first)"
}

jf_require_jq() {
    command -v jq >/dev/null 2>&1 || jf_skip "jq not found (install-deps installs it)"
}

# jf_require_python MODULE...: py set to a python3 that imports every
# MODULE, else the test is skipped (77) naming them and their Debian
# packages (python3-MODULE). Debian's python3-h5py is for /usr/bin/python3;
# a python3 earlier on PATH (pyenv, a venv) may lack it, so both are tried.
jf_require_python() {
    jf_py_imports=''
    jf_py_names=''
    jf_py_pkgs=''
    for jf_py_m in "$@"; do
        jf_py_imports=${jf_py_imports:+$jf_py_imports, }$jf_py_m
        jf_py_names=${jf_py_names:+$jf_py_names and }$jf_py_m
        jf_py_pkgs=${jf_py_pkgs:+$jf_py_pkgs and }python3-$jf_py_m
    done
    py=
    for jf_py in python3 /usr/bin/python3; do
        if command -v "$jf_py" >/dev/null 2>&1 && "$jf_py" -c "import $jf_py_imports" >/dev/null 2>&1; then
            # shellcheck disable=SC2034 # py: for the test that called this
            py=$jf_py
            return 0
        fi
    done
    jf_skip "no python3 with $jf_py_names (install-deps installs $jf_py_pkgs)"
}

jf_require_mpi() {
    jf_require_run
    [ -n "${JF_MPIRUN:-}" ] || jf_hard_error "JF_MPIRUN is not set (run the tests with make check)"
    JF_MPIRUN_DRY_RUN=1 "$JF_MPIRUN" -np 1 true >/dev/null 2>&1
    case $? in
    0) ;;
    77) jf_skip "no MPI launcher (set MPIRUN or put mpirun on PATH)" ;;
    *) jf_hard_error "$JF_MPIRUN cannot run (is it executable?)" ;;
    esac
}

# A private folder for this test's files, removed on exit.
jf_tmp=$(mktemp -d "${TMPDIR:-/tmp}/jflop-$jf_name.XXXXXX") ||
    jf_hard_error "cannot create a temporary folder"
trap 'rm -rf "$jf_tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Every launch is bounded: a hung MPI job fails the test instead of hanging
# make check. timeout(1) sends TERM (mpirun forwards it to the ranks), then
# KILL 10 s later.
jf_limit=${JF_TEST_TIMEOUT:-120}
if command -v timeout >/dev/null 2>&1; then
    jf_timeout="timeout -k 10 $jf_limit"
else
    jf_timeout=
fi

# jf_show FILE: copy a file into the test's log, indented.
jf_show() {
    echo "---- $1"
    sed 's/^/    /' "$1" 2>/dev/null
    echo "----"
}

# jf_await_step ERRFILE: wait (30 s at most) until a run in the background
# logs its first measured step in ERRFILE, so that a signal finds it training.
jf_await_step() {
    for _ in $(seq 300); do
        grep -q "measured step" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
}

# jf_reap PID: wait (30 s at most) for the background job PID to end, then
# SIGKILL it if it has not; its exit status in jf_rc.
jf_reap() {
    jf_waited=0
    while kill -0 "$1" 2>/dev/null && [ "$jf_waited" -lt 60 ]; do
        sleep 0.5
        jf_waited=$((jf_waited + 1))
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1"
    jf_rc=$?
}

# jf_logged PREFIX WHAT CMD ARGS...: run a bounded command, stdout to
# PREFIX.out, stderr to PREFIX.err, exit status in $jf_rc; a command cut off
# by the time limit fails the test, named by WHAT.
jf_logged() {
    jf_prefix=$1
    jf_what=$2
    shift 2
    # shellcheck disable=SC2086 # jf_timeout is a command and its arguments
    $jf_timeout "$@" >"$jf_prefix.out" 2>"$jf_prefix.err"
    jf_rc=$?
    echo "  exit status $jf_rc"
    if [ "$jf_rc" -eq 124 ] || [ "$jf_rc" -eq 137 ]; then
        jf_fail "$jf_what did not finish within $jf_limit s (hang?)"
    fi
}

# jf_mpi NP PREFIX ARGS...: run jflop-run on NP ranks through jf-mpirun.
jf_mpi() {
    jf_np=$1
    shift
    echo "+ jf-mpirun -np $jf_np jflop-run $*"
    jf_p=$1
    shift
    jf_logged "$jf_p" "jflop-run on $jf_np ranks" "$JF_MPIRUN" -np "$jf_np" "$JFLOP_RUN" "$@"
}

# jf_direct PREFIX ARGS...: run jflop-run without a launcher (argument
# errors are found before MPI_Init; a singleton MPI start otherwise).
jf_direct() {
    jf_p=$1
    shift
    echo "+ jflop-run $*"
    jf_logged "$jf_p" "jflop-run (no launcher)" "$JFLOP_RUN" "$@"
}

# jf_cli PREFIX ARGS...: run the jflop CLI ($JFLOP).
jf_cli() {
    jf_p=$1
    shift
    echo "+ jflop $*"
    jf_logged "$jf_p" "jflop $1" "${JFLOP:?run through make check}" "$@"
}

# jf_expect_rc WANT DESCRIPTION: the last run's exit status; shows its
# output in the log when it is not the expected one.
jf_expect_rc() {
    jf_checks=$((jf_checks + 1))
    if [ "$jf_rc" -eq "$1" ]; then
        jf_pass "$2: exit status $1"
        return 0
    fi
    jf_fail "$2: exit status $jf_rc, expected $1"
    jf_show "$jf_prefix.out"
    jf_show "$jf_prefix.err"
    return 1
}

# jf_jq FILE EXPR DESCRIPTION: EXPR must be true of the JSON in FILE.
jf_jq() {
    jf_checks=$((jf_checks + 1))
    if jq -e "$2" "$1" >/dev/null 2>&1; then
        jf_pass "$3"
    else
        jf_fail "$3: jq '$2' is $(jq -c "$2" "$1" 2>&1 | head -c 300) in $1"
    fi
}

# jf_jq2 FILE_A FILE_B EXPR DESCRIPTION: EXPR over $a and $b must be true.
jf_jq2() {
    jf_checks=$((jf_checks + 1))
    if jq -n -e --slurpfile a "$1" --slurpfile b "$2" "\$a[0] as \$a | \$b[0] as \$b | $3" \
        >/dev/null 2>&1; then
        jf_pass "$4"
    else
        jf_fail "$4: jq '$3' is false for \$a=$1, \$b=$2"
    fi
}

# jf_json_one FILE DESCRIPTION: FILE is exactly one JSON document (what
# Python's json.load and jq without -s accept), not several back to back.
jf_json_one() {
    jf_checks=$((jf_checks + 1))
    jf_n=$(jq -s length "$1" 2>/dev/null)
    if [ "${jf_n:-0}" = 1 ]; then
        jf_pass "$2"
    else
        jf_fail "$2: $1 holds ${jf_n:-no} JSON documents"
        jf_show "$1"
    fi
}

# jf_csv FILE DESCRIPTION [PYTHON_EXPR]: FILE read by Python's csv module
# as it is: a header, every row exactly as wide, no field beginning with
# '#'; then PYTHON_EXPR, over `rows` (a list of dicts, header -> text) and
# `header`, must be true. Without python3 the check is skipped, saying so.
jf_csv() {
    if ! command -v python3 >/dev/null 2>&1; then
        echo "SKIP (part): $2: python3 is not installed"
        return 0
    fi
    jf_checks=$((jf_checks + 1))
    if python3 - "$1" "${3:-True}" <<'EOF'
import csv, sys
with open(sys.argv[1], newline="") as f:
    lines = list(csv.reader(f))
header, body = lines[0], lines[1:]
bad = [i + 2 for i, r in enumerate(body) if len(r) != len(header)]
if bad:
    sys.exit("rows %s are not %d fields wide" % (bad[:5], len(header)))
hashes = [x for r in lines for x in r if x.startswith("#")]
if hashes:
    sys.exit("fields begin with '#': %s" % hashes[:3])
rows = [dict(zip(header, r)) for r in body]
if not eval(sys.argv[2]):
    sys.exit("false: " + sys.argv[2])
EOF
    then
        jf_pass "$2"
    else
        jf_fail "$2 ($1)"
        jf_show "$1"
    fi
}

# jf_grep_count FILE FIXED_STRING WANT DESCRIPTION: how many lines contain it.
jf_grep_count() {
    jf_checks=$((jf_checks + 1))
    jf_n=$(grep -c -F -e "$2" "$1" 2>/dev/null)
    if [ "${jf_n:-0}" -eq "$3" ]; then
        jf_pass "$4"
    else
        jf_fail "$4: '$2' appears on ${jf_n:-0} lines of $1, expected $3"
        jf_show "$1"
    fi
}

jf_require_run
