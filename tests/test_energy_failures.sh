#!/bin/sh
# test_energy_failures: energy that cannot be measured, or breaks while it
# is, is said so with a reason a user can act on, and never shows up as 0 J
# measured.
#  - bad flags (a missing --powercap-root or --pm-counters-root folder;
#    --sample-interval 0, -1, abc; an interval longer than the counters'
#    wrap period allows): exit 2, one stderr line naming the flag;
#  - --energy powercap on a tree it cannot read (energy_uj unreadable, no
#    zones, garbage in energy_uj): exit 2 before the run, one stderr line
#    naming the file or what is missing;
#  - a counter that goes backwards, or turns to garbage, during the run:
#    energy "invalid" with the reason, no Joules, the run failed (exit 1);
#  - --energy none: "not measured", Joules null, stdout says so.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder

# expect_one_line NEEDLE DESCRIPTION: the last run exited 2 with one line on
# stderr, "jflop-run: ..." containing NEEDLE (an ERE), nothing on stdout and
# no --summary-json file ($json).
expect_one_line() {
    jf_refused 'jflop-run: ' -E "$1" "$2" no_summary_json
}
# shellcheck disable=SC2317 # run by jf_refused
no_summary_json() {
    [ ! -e "$json" ] || problems="$problems a --summary-json file was written;"
}

n=0
next_case() {
    n=$((n + 1))
    p=$jf_tmp/case$n
    json=$p.json
}

# --- bad flags, found before MPI starts ------------------------------------
next_case
jf_direct "$p" --preset tiny --energy powercap --powercap-root "$jf_tmp/no-such-root" \
    --summary-json "$json"
expect_one_line '--powercap-root.*no-such-root' "a missing --powercap-root folder"
next_case
jf_direct "$p" --preset tiny --energy pm_counters --pm-counters-root "$jf_tmp/no-such-root" \
    --summary-json "$json"
expect_one_line '--pm-counters-root.*no-such-root' "a missing --pm-counters-root folder"
for bad in 0 -1 abc 0ms; do
    next_case
    jf_direct "$p" --preset tiny --energy none --sample-interval "$bad" --summary-json "$json"
    expect_one_line '--sample-interval' "--sample-interval $bad"
done

# --- an interval too long for the counters' wrap period ---------------------
# 20 J counters at up to 200 W can wrap every 0.1 s
short=$jf_tmp/short-wrap
jf_feeder_static short --powercap "$short" --range-uj 20000000 --max-power-w 200
next_case
jf_direct "$p" --preset tiny --energy powercap --powercap-root "$short" \
    --sample-interval 10s --summary-json "$json"
expect_one_line '--sample-interval.*wrap' "--sample-interval 10s with counters that wrap every 0.1 s"
# control: an interval short enough is accepted and used as given
next_case
jf_feeder_start ok --powercap "$short" --range-uj 20000000 --max-power-w 200
jf_mpi 2 "$p" --preset tiny --steps 200 --energy powercap --powercap-root "$short" \
    --sample-interval 10ms --summary-json "$json"
jf_feeder_stop ok
jf_expect_rc 0 "--sample-interval 10ms with the same counters"
jf_jq "$json" '(.energy.sample_interval - 0.01 | fabs) < 1e-12 and .energy.measured == true' \
    "--sample-interval 10ms is used as given"

# --- trees --energy powercap cannot read: bad input, before the run ---------
# energy_uj unreadable: root reads it anyway, so run as nobody when root
unreadable=$jf_tmp/unreadable
jf_feeder_static unreadable --powercap "$unreadable"
chmod 000 "$unreadable/intel-rapl:0/energy_uj"
as_user=
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null 2>&1 && chmod 755 "$jf_tmp" &&
        setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$JFLOP_RUN" 2>/dev/null; then
        as_user="setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp"
        echo "note: running as root: the unreadable-file case runs as uid 65534 (nobody)"
    else
        echo "note: SKIPPED the unreadable-file case: running as root (which reads anything)" \
            "and cannot switch to nobody (no setpriv, or $JFLOP_RUN not reachable by nobody)"
    fi
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_user" ]; then
    next_case
    # a folder the run may write in, as whoever it runs as
    mkdir "$jf_tmp/anyone" && chmod 777 "$jf_tmp/anyone"
    json=$jf_tmp/anyone/case$n.json
    echo "+ $as_user jflop-run --energy powercap --powercap-root $unreadable"
    # (in that folder: default output files go into the working folder)
    # shellcheck disable=SC2086 # jf_timeout and as_user are commands and arguments
    (cd "$jf_tmp/anyone" && $jf_timeout $as_user "$JFLOP_RUN" --preset tiny --energy powercap \
        --powercap-root "$unreadable" --summary-json "$json") >"$p.out" 2>"$p.err"
    jf_rc=$?
    jf_prefix=$p
    expect_one_line '--energy powercap.*intel-rapl:0/energy_uj.*permission denied' \
        "an unreadable energy_uj"
fi

next_case
mkdir "$jf_tmp/empty-tree"
jf_direct "$p" --preset tiny --energy powercap --powercap-root "$jf_tmp/empty-tree" \
    --summary-json "$json"
expect_one_line '--energy powercap.*no intel-rapl.* zones' "a powercap tree with no zones"

garbage=$jf_tmp/garbage
jf_feeder_start garbage --powercap "$garbage" --garbage-after 0
next_case
jf_direct "$p" --preset tiny --energy powercap --powercap-root "$garbage" --summary-json "$json"
jf_feeder_stop garbage
expect_one_line '--energy powercap.*intel-rapl:0/energy_uj.*garbage' \
    "garbage in energy_uj from the start"

# --- counters that break during the run: invalid, the run failed ------------
# Once the run is measuring, the package counter drops by 50 J of its 1000 J
# range: taken for a wrap, that would be 950 J within one 0.1 s sample at
# <= 250 W.
back=$jf_tmp/backwards
jf_feeder_start back --powercap "$back" --range-uj 1000000000 --max-power-w 200 \
    --backwards-after usr1 --backwards-uj 50000000
next_case
jf_mpi_fault 2 "$p" back --preset tiny --steps "$jf_energy_steps" --min-seconds 3 --energy powercap \
    --powercap-root "$back" --summary-json "$json"
jf_feeder_stop back
jf_expect_rc 1 "a counter that goes backwards mid-run fails the run"
if [ -s "$json" ]; then
    jf_fault_in_phase back "$json"
    jf_jq "$json" '.status == "failed" and .energy.status == "invalid"' \
        "backwards: status failed, energy invalid"
    jf_jq "$json" '.energy.reason | test("backwards") and test("package-0")' \
        "backwards: the reason says which counter went backwards: $(jf_val "$json" .energy.reason)"
    jf_jq "$json" '.reason | test("backwards")' "backwards: the run's reason says so"
    jf_no_fake_zero "$json" "backwards"
    jf_check "backwards: stdout marks the energy invalid" grep -q 'INVALID.*backwards' "$p.out"
else
    jf_check "backwards: --summary-json was written" false
    jf_show "$p.out"
    jf_show "$p.err"
fi

midgarbage=$jf_tmp/mid-garbage
jf_feeder_start midg --powercap "$midgarbage" --garbage-after usr1
next_case
jf_mpi_fault 2 "$p" midg --preset tiny --steps "$jf_energy_steps" --min-seconds 3 --energy powercap \
    --powercap-root "$midgarbage" --summary-json "$json"
jf_feeder_stop midg
jf_expect_rc 1 "energy_uj turning to garbage mid-run fails the run"
if [ -s "$json" ]; then
    # (a counter that cannot be read has no phase times to compare with; that
    # the run failed on garbage, not at the probe, shows the fault came after
    # the counters were opened)
    jf_jq "$json" '.status == "failed" and .energy.status == "invalid"' \
        "garbage mid-run: status failed, energy invalid"
    jf_jq "$json" '.energy.reason | test("intel-rapl:0/energy_uj") and test("garbage")' \
        "garbage mid-run: the reason names the file: $(jf_val "$json" .energy.reason)"
    jf_no_fake_zero "$json" "garbage mid-run"
else
    jf_check "garbage mid-run: --summary-json was written" false
    jf_show "$p.out"
    jf_show "$p.err"
fi

# --- --energy none -------------------------------------------------------
next_case
jf_mpi 2 "$p" --preset tiny --steps 20 --energy none --summary-json "$json"
jf_expect_rc 0 "--energy none"
jf_jq "$json" '.status == "ok"' "--energy none: status ok (not measuring is no failure)"
jf_jq "$json" '.energy.source == "none" and .energy.status == "not measured"' \
    "--energy none: source none, status not measured"
jf_jq "$json" '.energy.reason | test("none")' "--energy none: the reason says why"
jf_no_fake_zero "$json" "--energy none"
jf_grep_count "$p.out" "energy: not measured" 1 "--energy none: stdout says 'energy: not measured'"
jf_done
