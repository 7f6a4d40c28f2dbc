#!/bin/sh
# test_jf_mpirun: the launcher wrapper, with fake launchers that print their
# arguments. Open MPI gets --oversubscribe (and --allow-run-as-root exactly
# when root); other launchers get nothing; arguments pass through intact
# (spaces, empty strings, globs); the exit status is the launcher's; MPIRUN
# may carry its own arguments; no launcher at all means exit 77 (skip).
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
[ -n "${JF_MPIRUN:-}" ] || jf_hard_error "JF_MPIRUN is not set (run the tests with make check)"
command -v bash >/dev/null 2>&1 || jf_skip "bash not found (jf-mpirun is a bash script)"

fake_ompi=$jf_tmp/fake-ompi
cat >"$fake_ompi" <<'EOF'
#!/bin/sh
for a in "$@"; do [ "$a" != --version ] || { echo "mpirun (Open MPI) 4.1.4"; exit 0; }; done
for a in "$@"; do printf '[%s]\n' "$a"; done
exit "${FAKE_STATUS:-0}"
EOF
fake_hydra=$jf_tmp/fake-hydra
cat >"$fake_hydra" <<'EOF'
#!/bin/sh
for a in "$@"; do [ "$a" != --version ] || { printf 'HYDRA build details:\n    Version: 4.0.2\n'; exit 0; }; done
for a in "$@"; do printf '[%s]\n' "$a"; done
exit "${FAKE_STATUS:-0}"
EOF
chmod +x "$fake_ompi" "$fake_hydra"

if [ "$(id -u)" -eq 0 ]; then
    root_flag='[--allow-run-as-root]
'
else
    root_flag=
fi

# Open MPI: flags first, then the caller's arguments, each intact
got=$(MPIRUN=$fake_ompi "$JF_MPIRUN" -np 2 prog "two words" "" '*' 2>&1)
want=$(printf '[--oversubscribe]\n%s[-np]\n[2]\n[prog]\n[two words]\n[]\n[*]' "$root_flag")
jf_check "Open MPI: --oversubscribe$( [ -n "$root_flag" ] && echo ' and --allow-run-as-root (root)'), arguments intact" \
    test "$got" = "$want"
[ "$got" = "$want" ] || printf 'got:\n%s\nwant:\n%s\n' "$got" "$want"

# MPIRUN with arguments of its own
got=$(MPIRUN="$fake_ompi --mca foo bar" "$JF_MPIRUN" -np 1 prog 2>&1)
want=$(printf '[--mca]\n[foo]\n[bar]\n[--oversubscribe]\n%s[-np]\n[1]\n[prog]' "$root_flag")
jf_check "MPIRUN may carry its own arguments" test "$got" = "$want"
[ "$got" = "$want" ] || printf 'got:\n%s\nwant:\n%s\n' "$got" "$want"

# another launcher (MPICH's Hydra): nothing added
got=$(MPIRUN=$fake_hydra "$JF_MPIRUN" -np 2 prog --x 2>&1)
want=$(printf '[-np]\n[2]\n[prog]\n[--x]')
jf_check "other launchers get no Open MPI flags" test "$got" = "$want"
[ "$got" = "$want" ] || printf 'got:\n%s\nwant:\n%s\n' "$got" "$want"

# the launcher's exit status comes through (exec)
MPIRUN=$fake_ompi FAKE_STATUS=3 "$JF_MPIRUN" -np 1 prog >/dev/null 2>&1
jf_check "the launcher's exit status is returned" test $? -eq 3

# dry run prints, does not run
got=$(MPIRUN=$fake_ompi FAKE_STATUS=5 JF_MPIRUN_DRY_RUN=1 "$JF_MPIRUN" -np 1 prog 2>&1)
rc=$?
jf_check "JF_MPIRUN_DRY_RUN prints the command and exits 0" \
    test $rc -eq 0 -a "$(echo "$got" | tail -n 1)" = prog

# no launcher: exit 77 with a message
got=$(MPIRUN=$jf_tmp/no-such-mpirun "$JF_MPIRUN" -np 1 prog 2>&1)
rc=$?
jf_check "a missing launcher exits 77" test $rc -eq 77
jf_check "a missing launcher is named" sh -c 'echo "$1" | grep -q no-such-mpirun' sh "$got"
bash_path=$(command -v bash)
got=$(env -u MPIRUN PATH=/nonexistent "$bash_path" "$JF_MPIRUN" -np 1 prog 2>&1)
rc=$?
jf_check "no MPIRUN and nothing on PATH exits 77 ($got)" test $rc -eq 77
jf_done
