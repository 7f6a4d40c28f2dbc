#!/bin/sh
# test_install: `make install DESTDIR=...` puts the programs, the man pages
# (when configure found help2man), the jobscripts, the site and claims
# files, README.md and SCHEMA.md under the usual Automake directories; the
# installed jflop runs (probe, --version) and the installed jobscripts' help
# works. Then an install into a real prefix, and with PATH holding no jflop:
# the installed jflop.sbatch launches the installed jflop-run (through a
# stand-in mpirun that records what it was given) and the installed
# scaling.sh submits reports with the installed jflop. Last, install-deps
# --build lists only building and running dependencies.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
jf_require_jq
top=${JF_TOP_BUILDDIR:?run through make check}
bindir=${JF_BINDIR:?run through make check}
pkgdatadir=${JF_PKGDATADIR:?run through make check}
docdir=${JF_DOCDIR:?run through make check}
mandir=${JF_MANDIR:?run through make check}

# make install from inside make check: not the jobserver of the make above
# (a command, not a function: jf_logged runs it under timeout)
jf_make="env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -C $top"

stage=$jf_tmp/stage
# shellcheck disable=SC2086 # jf_make is a command and its arguments
jf_logged "$jf_tmp/install" "make install" $jf_make install DESTDIR="$stage"
jf_expect_rc 0 "make install DESTDIR=$stage"
for f in "$bindir/jflop" "$bindir/jflop-run" "$pkgdatadir/jobscripts/jflop.sbatch" \
    "$pkgdatadir/jobscripts/sweep-nd.sbatch" "$pkgdatadir/jobscripts/likwid.sbatch" \
    "$pkgdatadir/jobscripts/scaling.sh"; do
    jf_check "installed and executable: $f" test -x "$stage$f"
done
for f in "$pkgdatadir/jobscripts/grid-nd.txt" "$pkgdatadir/sites/default.json" \
    "$pkgdatadir/sites/example-nordic-hydro.json" "$pkgdatadir/claims/claims.json" \
    "$pkgdatadir/claims/hardware.json" "$docdir/SCHEMA.md" "$docdir/README.md"; do
    jf_check "installed: $f" test -s "$stage$f"
done
if [ "${JF_MAN_PAGES:-no}" = yes ]; then
    for p in jflop jflop-run; do
        jf_check "man page installed: $mandir/man1/$p.1" sh -c \
            'test -s "$1" && grep -q "^\.TH \"*$(echo "$2" | tr a-z A-Z)\"* \"*1" "$1"' sh "$stage$mandir/man1/$p.1" "$p"
    done
    jf_check "jflop.1 documents every command's options" sh -c \
        'grep -q "measured\\\\-hardware" "$1" && grep -q "flops.ledger" "$1"' sh "$stage$mandir/man1/jflop.1"
else
    echo "SKIP (part): man pages: configure found no help2man"
fi
jf_check "the installed site files are the shipped ones" cmp -s "$stage$pkgdatadir/sites/default.json" "${JF_SITE_DEFAULT:?}"

# the installed programs run
mkdir -p "$jf_tmp/empty"
jf_logged "$jf_tmp/probe" "installed jflop probe" "$stage$bindir/jflop" probe --json \
    --powercap-root "$jf_tmp/empty" --pm-counters-root "$jf_tmp/empty"
jf_check "installed jflop probe: exit 1, nothing measurable under empty roots (is $jf_rc)" test "$jf_rc" -eq 1
jf_jq "$jf_tmp/probe.out" ".jflop_version == \"${JF_PACKAGE_VERSION:?}\" and (.energy_backends | length) > 1" \
    "installed jflop probe: one JSON object naming every backend"
jf_logged "$jf_tmp/v" "installed jflop --version" "$stage$bindir/jflop" --version
jf_check "installed jflop --version" grep -q "^jflop $JF_PACKAGE_VERSION" "$jf_tmp/v.out"
jf_logged "$jf_tmp/rh" "installed jflop-run --help" "$stage$bindir/jflop-run" --help
jf_check "installed jflop-run --help: exit 0, its usage" sh -c '[ "$1" -eq 0 ] && grep -q "^Usage:" "$2"' sh "$jf_rc" "$jf_tmp/rh.out"
# the installed jobscripts
jf_logged "$jf_tmp/sh" "installed scaling.sh --help" "$stage$pkgdatadir/jobscripts/scaling.sh" --help
jf_check "installed scaling.sh --help: exit 0, its usage" sh -c '[ "$1" -eq 0 ] && grep -q -e "--nodes" "$2"' sh "$jf_rc" "$jf_tmp/sh.out"
jf_logged "$jf_tmp/qh" "installed quality.sh --help" "$stage$pkgdatadir/jobscripts/quality.sh" --help
jf_check "installed quality.sh --help: exit 0, its usage (the library beside it)" sh -c '[ "$1" -eq 0 ] && grep -q -e "--target-loss" "$2"' sh "$jf_rc" "$jf_tmp/qh.out"
jf_check "the installed jobscripts' library looks in $bindir" grep -q "^jflop_bindir='$bindir'\$" "$stage$pkgdatadir/jobscripts/jf-jobscript-lib.sh"
jf_check "installed jflop.sbatch looks in $bindir" grep -q "^jflop_bindir='$bindir'\$" "$stage$pkgdatadir/jobscripts/jflop.sbatch"
jf_check "installed sweep-nd.sbatch finds jflop.sbatch in $pkgdatadir/jobscripts" \
    grep -q "^jflop_jobscriptsdir='$pkgdatadir/jobscripts'\$" "$stage$pkgdatadir/jobscripts/sweep-nd.sbatch"
jf_check "the source tree's copies are untouched" grep -q "^jflop_bindir=\$" "$(dirname "$JF_TESTLIB")/../jobscripts/jflop.sbatch"

# an install into a real prefix, used from elsewhere with no jflop on PATH
inst=$jf_tmp/inst
# shellcheck disable=SC2086
jf_logged "$jf_tmp/install2" "make install prefix=..." $jf_make install prefix="$inst"
jf_expect_rc 0 "make install prefix=$inst"
mkdir -p "$jf_tmp/fakebin" "$jf_tmp/job"
cat >"$jf_tmp/fakebin/mpirun" <<'FAKE'
#!/bin/sh
# a stand-in for mpirun: records the program it was asked to start and runs
# it with --version
while [ $# -gt 0 ]; do
    case $1 in --map-by | --bind-to) shift 2 ;; *) break ;; esac
done
printf '%s\n' "$1" >"$JF_LAUNCHED"
exec "$1" --version
FAKE
chmod +x "$jf_tmp/fakebin/mpirun"
safe_path=$jf_tmp/fakebin:/usr/bin:/bin
(cd "$jf_tmp/job" && env -u JFLOP_RUN PATH="$safe_path" SLURM_JOB_ID=4242 SLURM_SUBMIT_DIR="$jf_tmp/job" \
    JFLOP_LAUNCHER=mpirun JF_LAUNCHED="$jf_tmp/launched" JFLOP_OUTDIR="$jf_tmp/job/results" \
    bash "$inst/share/jflop/jobscripts/jflop.sbatch") >"$jf_tmp/sbatch.out" 2>&1
rc=$?
jf_check "installed jflop.sbatch, no jflop on PATH: exit 0 (is $rc)" test "$rc" -eq 0
jf_check "it launched the installed jflop-run ($(cat "$jf_tmp/launched" 2>/dev/null))" \
    test "$(cat "$jf_tmp/launched" 2>/dev/null)" = "$inst/bin/jflop-run"
jf_check "which ran" grep -q "^jflop-run $JF_PACKAGE_VERSION" "$jf_tmp/sbatch.out"
(cd "$jf_tmp/job" && env -u JFLOP -u JFLOP_RUN PATH="$safe_path" \
    "$inst/share/jflop/jobscripts/scaling.sh" --dry-run --nodes "1 2" --outdir "$jf_tmp/series") \
    >"$jf_tmp/dry.out" 2>&1
rc=$?
jf_check "installed scaling.sh --dry-run, no jflop on PATH: exit 0 (is $rc)" test "$rc" -eq 0
jf_check "its reports run the installed jflop" grep -q "$inst/bin/jflop\\\\ report" "$jf_tmp/dry.out"
jf_check "its runs are the installed jflop.sbatch" grep -q "$inst/share/jflop/jobscripts/jflop.sbatch" "$jf_tmp/dry.out"
[ "$rc" -eq 0 ] || jf_show "$jf_tmp/dry.out"
# shellcheck disable=SC2086
jf_logged "$jf_tmp/uninstall" "make uninstall" $jf_make uninstall prefix="$inst"
jf_check "make uninstall leaves no file behind ($(find "$inst" -type f | head -n 3))" \
    sh -c 'test -d "$1/bin" && test -z "$(find "$1" -type f)"' sh "$inst"

# install-deps --build: only what building and running needs; the default
# stays everything for the tests (package lists only, nothing installed)
deps=$(dirname "$JF_TESTLIB")/../install-deps
bash "$deps" --build --print >"$jf_tmp/deps-build" 2>&1 &&
    bash "$deps" --print >"$jf_tmp/deps-all" 2>&1
jf_check "install-deps --print and --build --print list packages" test -s "$jf_tmp/deps-build" -a -s "$jf_tmp/deps-all"
jf_check "--build lists the build and run dependencies" sh -c \
    'for p in build-essential autoconf automake pkg-config libopenmpi-dev libblis-openmp-dev libhdf5-openmpi-dev libjansson-dev; do grep -qx "$p" "$1" || exit 1; done' \
    sh "$jf_tmp/deps-build"
jf_check "--build leaves out the test tools (jq, shellcheck, slurmctld)" sh -c \
    '! grep -qx -e jq -e shellcheck -e slurmctld "$1"' sh "$jf_tmp/deps-build"
jf_check "the default is --build's list and the test tools" sh -c \
    'test -z "$(sort "$1" | comm -23 - "$(sort "$2" >"$2.s"; echo "$2.s")")" && grep -qx jq "$2" && grep -qx shellcheck "$2"' \
    sh "$jf_tmp/deps-build" "$jf_tmp/deps-all"
jf_done
