#!/bin/sh
# test_cli_help: `jflop --help` lists the commands; `jflop COMMAND --help`
# (and -h, and `jflop help COMMAND`) prints that command's usage only, on
# stdout, exit 0, nothing on stderr; `--help-all` (what help2man reads for
# jflop.1) holds every command's usage; an unknown option points to the
# command's own help. No MPI needed.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
JFLOP=${JFLOP:?run through make check}
commands="probe report bounds claim validate"

jf_cli "$jf_tmp/top" --help
jf_expect_rc 0 "jflop --help"
jf_check "it starts with Usage" sh -c 'head -n 1 "$1" | grep -q "^Usage: jflop COMMAND"' sh "$jf_tmp/top.out"
for c in $commands; do
    jf_check "jflop --help lists $c" grep -q "^  $c  " "$jf_tmp/top.out"
done
jf_check "jflop --help is the list, not every command's options" sh -c '! grep -q -e "--measured-hardware" "$1"' sh "$jf_tmp/top.out"
jf_check "jflop --help keeps stderr empty" test ! -s "$jf_tmp/top.err"

for c in $commands; do
    for flag in --help -h; do
        jf_cli "$jf_tmp/$c$flag" "$c" "$flag"
        jf_expect_rc 0 "jflop $c $flag"
        jf_check "jflop $c $flag: its usage first" sh -c 'head -n 1 "$1" | grep -q "^Usage: jflop $2 "' sh "$jf_tmp/$c$flag.out" "$c"
        jf_check "jflop $c $flag: no other command's usage" sh -c \
            'test "$(grep -c "^Usage: jflop" "$1")" -eq 1 && ! grep -q "^ *Usage: jflop COMMAND" "$1" && test ! -s "$2"' \
            sh "$jf_tmp/$c$flag.out" "$jf_tmp/$c$flag.err"
    done
    jf_cli "$jf_tmp/help-$c" help "$c"
    jf_expect_rc 0 "jflop help $c"
    jf_check "jflop help $c = jflop $c --help" cmp -s "$jf_tmp/help-$c.out" "$jf_tmp/$c--help.out"
done
# each command documents its own options
jf_check "report --help documents --table and the JSON shape" sh -c \
    'grep -q -e "--table NAME" "$1" && grep -q "\"tables\"" "$1"' sh "$jf_tmp/report--help.out"
jf_check "claim --help documents --measured-hardware" grep -q -e "--measured-hardware NAME" "$jf_tmp/claim--help.out"
jf_check "validate --help lists the rules" grep -q "flops.ledger" "$jf_tmp/validate--help.out"
jf_check "probe --help documents --powercap-root" grep -q -e "--powercap-root DIR" "$jf_tmp/probe--help.out"
jf_check "bounds --help documents --paper-table1" grep -q -e "--paper-table1" "$jf_tmp/bounds--help.out"

jf_cli "$jf_tmp/all" --help-all
jf_expect_rc 0 "jflop --help-all"
for c in $commands; do
    jf_check "--help-all holds $c's usage" grep -q "^Usage: jflop $c " "$jf_tmp/all.out"
done
jf_cli "$jf_tmp/v" --version
jf_expect_rc 0 "jflop --version"
jf_check "--version names the version" grep -q "^jflop ${JF_PACKAGE_VERSION:?}\$" "$jf_tmp/v.out"

jf_cli "$jf_tmp/bad" report --frobnicate x.h5
jf_expect_rc 2 "an unknown option"
jf_check "it points to the command's help" grep -q "see jflop report --help" "$jf_tmp/bad.err"
jf_cli "$jf_tmp/bad2" help frobnicate
jf_expect_rc 2 "jflop help with an unknown command"
# jflop-run --help names every energy backend jflop probe knows (the
# registry's names reach the options table from jflop-run's main)
JFLOP_RUN=${JFLOP_RUN:?run through make check}
"$JFLOP_RUN" --help >"$jf_tmp/run-help.out" 2>&1
jf_check "jflop-run --help exits 0" test $? -eq 0
"$JFLOP" probe --json --powercap-root "$jf_tmp" --pm-counters-root "$jf_tmp" >"$jf_tmp/probe.json" 2>/dev/null
backends=$(jq -r '.energy_backends[].name' "$jf_tmp/probe.json" 2>/dev/null | tr '\n' ' ')
words=$(sed -n 's/^ *--energy \([a-z_|]*\).*/\1/p' "$jf_tmp/run-help.out")
missing=
for b in $backends; do
    case "|$words|" in *"|$b|"*) ;; *) missing="$missing $b" ;; esac
done
if command -v jq >/dev/null 2>&1; then
    jf_check "jflop-run --help's --energy words ($words) hold probe's backends ($backends)" \
        sh -c 'test -n "$1" && test -n "$2" && test -z "$3"' sh "$backends" "$words" "$missing"
else
    echo "SKIP (part): jflop-run's --energy words against probe: jq is not installed"
fi

jf_done
