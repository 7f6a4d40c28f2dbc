#!/bin/sh
# test_energy_redfish: the redfish energy backend against a Redfish BMC the
# test starts on loopback (jf_redfish_lib.sh: HTTPS with the test's own
# certificate, Basic authentication, power following a known profile,
# refreshed every DELTA s).
#  1. An energy counter (EnvironmentMetrics EnergyJoules and its Sensor,
#     SensingInterval 0.2 s): the default interval is lengthened to 0.2 s
#     and said so; the node's Joules equal the BMC's counter between the
#     refreshes its phase readings showed (to its 1 mJ rounding), and the
#     profile's integral within a refresh at each end; basis "energy counter"
#     everywhere (summary, JSON, HDF5, report); the BMC's ReadingTimes are
#     in the trace; the effective rate is the BMC's (about 5 readings/s).
#  2. Two fake nodes, each its own BMC through --redfish-url
#     https://%h.localhost:PORT (service roots, found through the Chassis
#     collection): node a integrates PowerWatts refreshed every 0.2 s, node b
#     the older Power resource's PowerConsumedWatts, which states no
#     SensingInterval (1 s assumed) and refreshes every 2 s. Each node's
#     Joules match the profile's integral within 2 % plus what the BMC's
#     staleness can explain; basis "integrated from power readings every T
#     s" with each node's T; node b's effective rate is the BMC's 0.5/s, so
#     jflop validate --level 2 fails sampling.rate for node b, naming the
#     source's own readings, though it was sampled every second.
#  3. --sample-interval shorter than the BMC refreshes: refused, one line,
#     exit 2.
#  4. jflop probe, configured by the environment (JFLOP_REDFISH_*).
# The BMC's password is in no output, summary or results file.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
# shellcheck source=jf_redfish_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_redfish_lib.sh"
jf_require_energy
jf_require_redfish
command -v h5dump >/dev/null 2>&1 || jf_skip "h5dump not found (the HDF5 tools; install-deps installs them)"

h5attr() {
    h5dump -a "$2/$3" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | head -n 1
}
ca=$jf_tmp/bmc-cert.pem
jf_bmc_port_one=  # set by jf_bmc_start one

# --- 1. an energy counter ---------------------------------------------------
jf_bmc_start one default=counter,250,50,5,0.2
run=$jf_tmp/counter
jf_mpi 1 "$run" --preset tiny --steps 10 --min-seconds 3 --energy redfish \
    --redfish-url "https://localhost:$jf_bmc_port/redfish/v1/Chassis/1" \
    --redfish-credentials "$jf_bmc_cred" --redfish-ca "$ca" \
    --output "$run.h5" --summary-json "$run.json"
jf_expect_rc 0 "--energy redfish on a BMC with an energy counter"
jf_check "stderr says the interval was lengthened to the BMC's 0.2 s SensingInterval" \
    grep -q 'sample interval lengthened from 0.1 s to 0.2 s: .*SensingInterval' "$run.err"
if [ -s "$run.json" ]; then
    jf_jq "$run.json" '.status == "ok" and .energy.source == "redfish" and .energy.measured == true' \
        "status ok, energy measured by redfish"
    jf_jq "$run.json" '.energy.basis == "energy counter" and .energy.nodes[0].basis == "energy counter"' \
        "basis: energy counter"
    jf_jq "$run.json" '.energy.nodes[0].domains | keys == ["EnergyJoules"]' "the node total is EnergyJoules"
    jf_jq "$run.json" '(.energy.sample_interval - 0.2 | fabs) < 1e-9 and .energy.nodes[0].source_update_seconds == 0.2' \
        "sampled every 0.2 s, the BMC's refresh interval"
    t0=$(jf_val "$run.json" '.energy.nodes[0].phase_start_utc')
    t1=$(jf_val "$run.json" '.energy.nodes[0].phase_end_utc')
    secs=$(jf_val "$run.json" '.energy.nodes[0].seconds')
    got=$(jf_val "$run.json" '.energy.nodes[0].joules')
    # The reads are one at a time, so the phase's start (stop) reading is the
    # last request the BMC began before the phase's recorded start (stop);
    # its log gives the refresh each answered with: the counter's
    # difference is the profile's integral between those two refreshes,
    # to the 1 mJ the BMC rounds its readings to.
    log=$jf_tmp/one.bmc.log
    ts0=$(awk -v t="$t0" '$2 ~ /Sensors\/EnergyJoules$/ && $1 < t { ts = $4 } END { print ts }' "$log")
    ts1=$(awk -v t="$t1" '$2 ~ /Sensors\/EnergyJoules$/ && $1 < t { ts = $4 } END { print ts }' "$log")
    want=$(jf_bmc_truth 250 50 5 "$ts0" "$ts1")
    exact=$(jf_bmc_truth 250 50 5 "$t0" "$t1")
    echo "counter: $got J over $secs s; the BMC's counter from its refresh at $ts0 to $ts1: $want J; the profile's exact integral over the phase $exact J"
    jf_close "node Joules = the BMC's counter between the refreshes its phase readings showed (2 mJ)" \
        "$got" "$want" 1e-9 0.002
    jf_close "node Joules = the profile's exact integral within one refresh at each end (0.2 s x 300 W)" \
        "$got" "$exact" 0 120
    jf_jq "$run.json" '.energy.nodes[0].source_readings >= 2 and
                       .energy.nodes[0].effective_rate >= 2.5 and
                       .energy.nodes[0].effective_rate <= 5 + 1 / .energy.nodes[0].seconds' \
        "the BMC's own readings: $(jf_val "$run.json" .energy.nodes[0].source_readings), $(jf_val "$run.json" .energy.nodes[0].effective_rate) per second (it refreshes 5 times a second)"
    jf_check "stdout: the node's basis and the BMC's readings" \
        grep -q 'basis: energy counter; the source.s own readings: [0-9]* in the phase' "$run.out"
    jf_check "HDF5: basis energy counter" test "$(h5attr "$run.h5" /energy/node_0000 basis)" = '"energy counter"'
    jf_check "HDF5: effective_rate and source_readings recorded" \
        sh -c 'h5dump -A -g /energy/node_0000 "$1" | grep -q "ATTRIBUTE \"effective_rate\"" &&
               h5dump -A -g /energy/node_0000 "$1" | grep -q "ATTRIBUTE \"source_readings\""' sh "$run.h5"
    # the BMC's ReadingTimes: on its refresh grid, never decreasing, never
    # after the host's time of the reading
    h5dump -m '%.6f' -y -w 0 -d /energy/node_0000/trace_source_time "$run.h5" |
        awk '/DATA \{/ { d = 1; next } d && /\}/ { exit } d { gsub(/,/, " "); for (i = 1; i <= NF; i++) print $i }' \
        >"$run.times"
    jf_check "HDF5: trace_source_time holds the BMC's ReadingTimes, on its 0.2 s grid and increasing ($(wc -l <"$run.times") rows)" \
        awk -v t1="$t1" '{ if ($1 !~ /^[0-9.]+$/ || $1 < p || $1 > t1 + 1) exit 1
                          f = $1 / 0.2 - int($1 / 0.2 + 0.5); if (f > 0.01 || f < -0.01) exit 1
                          p = $1; n++ } END { exit !(n >= 3) }' "$run.times"
    "$JFLOP" report --format json --table nodes "$run.h5" >"$run.report" 2>&1
    jf_jq "$run.report" '.rows[0].basis == "energy counter"' "jflop report's nodes table: basis energy counter"
    jf_no_password "$run.out" "$run.err" "$run.json" "$run.h5" "$run.report"
else
    jf_check "--summary-json was written" false
    jf_show "$run.out"
    jf_show "$run.err"
fi

# --- 2. two nodes, power integrated ---------------------------------------------
jf_bmc_start two a=power,200,40,8,0.2 b=control,120,3,6,2
run=$jf_tmp/two
set -- --preset tiny --steps 10 --min-seconds 5 --energy redfish --summary-json "$run.json" \
    --output "$run.h5" --redfish-url "https://%h.localhost:$jf_bmc_port" \
    --redfish-credentials "$jf_bmc_cred" --redfish-ca "$ca"
jf_mpmd "$run" -np 1 env JFLOP_NODE_NAME=a "$JFLOP_RUN" "$@" \
    : -np 1 env JFLOP_NODE_NAME=b.example.org "$JFLOP_RUN" "$@"
jf_expect_rc 0 "two fake nodes, each reading its own BMC"
if [ -s "$run.json" ]; then
    jf_jq "$run.json" '.energy.total_nodes == 2 and .energy.measured_nodes == 2 and .energy.source == "redfish"' \
        "2 nodes, both measured by redfish"
    for n in a b; do
        if [ $n = a ]; then
            spec="200 40 8" delta=0.2 iv=0.2 dom=PowerWatts
        else
            spec="120 3 6" delta=2 iv=1 dom=PowerConsumedWatts
        fi
        sel=".energy.nodes[] | select(.node | startswith(\"$n\"))"
        got=$(jf_val "$run.json" "$sel | .joules")
        t0=$(jf_val "$run.json" "$sel | .phase_start_utc")
        t1=$(jf_val "$run.json" "$sel | .phase_end_utc")
        secs=$(jf_val "$run.json" "$sel | .seconds")
        # shellcheck disable=SC2086 # base, amplitude, period
        truth=$(jf_bmc_truth $spec "$t0" "$t1")
        # a reading is up to DELTA s stale: at most |P'| x DELTA W off, so
        # up to amp 2 pi / period x DELTA x seconds J over the phase
        # shellcheck disable=SC2086
        stale=$(set -- $spec && awk -v a="$2" -v p="$3" -v d="$delta" -v s="$secs" \
            'BEGIN { printf "%.3f", a * 2 * atan2(0, -1) / p * d * s }')
        echo "node $n: $got J over $secs s; the profile's integral $truth J (staleness allows $stale J)"
        jf_close "node $n Joules = the integral of its BMC's power (2 % + $stale J)" "$got" "$truth" 0.02 "$stale"
        jf_jq "$run.json" "$sel | .basis == \"integrated from power readings every $iv s\" and
                           (.sample_interval - $iv | fabs) < 1e-9 and (.domains | keys == [\"$dom\"])" \
            "node $n: basis 'integrated from power readings every $iv s', from $dom"
    done
    jf_jq "$run.json" '.energy.basis == "mixed"' "the job's basis: mixed (0.2 s and 1 s)"
    jf_jq "$run.json" '.energy.nodes[] | select(.node == "b.example.org") |
                       (.source_update_how | test("assumed")) and .effective_rate > 0.2 and
                       .effective_rate <= 0.5 + 1 / .seconds' \
        "node b: 1 s assumed, the BMC's own readings $(jf_val "$run.json" '.energy.nodes[] | select(.node == "b.example.org") | .effective_rate')/s (it refreshes every 2 s)"
    jf_check "stdout: each node's basis" sh -c \
        'grep -q "basis: integrated from power readings every 0.2 s" "$1" &&
         grep -q "basis: integrated from power readings every 1 s" "$1"' sh "$run.out"
    jf_check "HDF5: node b's basis" sh -c \
        'h5dump -A -g /energy "$1" | grep -q "\"integrated from power readings every 1 s\""' sh "$run.h5"
    # validate judges the BMC's own rate: node b was sampled every second,
    # but its BMC gave a new reading only every 2 s
    sub=$jf_tmp/sub
    mkdir -p "$sub"
    cp "$run.h5" "$sub/run.h5"
    cp "$JF_TOP_SRCDIR/results/submission-example/system.json" "$sub/"
    "$JFLOP" validate --level 2 --pack "$sub" >"$jf_tmp/validate.out" 2>&1
    jf_check "validate --level 2: sampling.rate FAILs node b on its BMC's own readings: $(grep 'sampling.rate' "$jf_tmp/validate.out" | grep FAIL | head -n 1)" \
        grep -q -E 'FAIL.*sampling\.rate.*node b\.example\.org: 0\.[0-9]+ of the source.s own readings per second \(sampled every 1 s\)|sampling\.rate.*FAIL.*node b\.example\.org: 0\.[0-9]+ of the source.s own readings per second \(sampled every 1 s\)' \
        "$jf_tmp/validate.out"
    jf_check "validate: node a's 5 readings per second pass (no FAIL names node a)" \
        sh -c '! grep "sampling.rate" "$1" | grep -q "node a:"' sh "$jf_tmp/validate.out"
    jf_no_password "$run.out" "$run.err" "$run.json" "$run.h5" "$jf_tmp/validate.out" "$sub/submission.json"
else
    jf_check "--summary-json was written" false
    jf_show "$run.out"
    jf_show "$run.err"
fi

# --- 3. sampling faster than the BMC refreshes --------------------------------
jf_direct "$jf_tmp/fast" --preset tiny --steps 10 --energy redfish --sample-interval 50ms \
    --redfish-url "https://localhost:$jf_bmc_port_one" --redfish-credentials "$jf_bmc_cred" \
    --redfish-ca "$ca" --output none
jf_refused 'jflop-run: ' -E '--sample-interval 0.05 s is shorter than redfish.s source refreshes its readings on .* \(every 0.2 s, the sensor.s SensingInterval\): sample every 0.2 s or more' \
    "--sample-interval 50ms, faster than the BMC's 0.2 s"

# --- 4. jflop probe, configured by the environment -------------------------------
JFLOP_REDFISH_URL="https://localhost:$jf_bmc_port_one" JFLOP_REDFISH_CREDENTIALS=$jf_bmc_cred \
    JFLOP_REDFISH_CA=$ca "$JFLOP" probe --json >"$jf_tmp/probe.json" 2>"$jf_tmp/probe.err"
jf_jq "$jf_tmp/probe.json" '.energy_backends[] | select(.name == "redfish") | .available and
                            .measures_energy and .basis == "energy counter" and .update_seconds == 0.2 and
                            .domains[0].name == "EnergyJoules" and
                            .covers == "node at its power supply" and .node_level' \
    "jflop probe (JFLOP_REDFISH_URL, _CREDENTIALS, _CA): redfish available, an energy counter refreshed every 0.2 s, a node-level meter"
jf_jq "$jf_tmp/probe.json" '[.energy_backends[] | select(.name == "powercap" or .name == "likwid") |
                             .covers == "CPU packages + DRAM" and (.node_level | not)] | all and length == 2' \
    "jflop probe: RAPL backends cover CPU packages + DRAM, not the node"
JFLOP_REDFISH_URL="https://localhost:$jf_bmc_port_one" JFLOP_REDFISH_CREDENTIALS=$jf_bmc_cred \
    JFLOP_REDFISH_CA=$ca "$JFLOP" probe >"$jf_tmp/probe.txt" 2>&1
jf_check "jflop probe's text: redfish yes, its basis and refresh interval" sh -c \
    'grep -q "^  redfish *yes" "$1" && grep -q "basis: energy counter" "$1" &&
     grep -q "the source refreshes every 0.2 s (the sensor.s SensingInterval)" "$1" &&
     grep -q "covers: node at its power supply (a node-level meter)" "$1"' sh "$jf_tmp/probe.txt"
jf_no_password "$jf_tmp/probe.json" "$jf_tmp/probe.err" "$jf_tmp/probe.txt"
jf_done
