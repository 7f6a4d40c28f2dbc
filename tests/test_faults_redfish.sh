#!/bin/sh
# test_faults_redfish: fault injection on the redfish energy backend (issue
# #14), against the test's own BMC on loopback (jf_redfish_lib.sh). Each
# fault found before the run is bad input: exit 2, one stderr line naming
# what, where and why, nothing on stdout, and never the BMC's password:
#  - a wrong password (HTTP 401), no credentials at all (401);
#  - a credentials file its group or others can read; one without
#    USER:PASSWORD; credentials in the URL (refused before anything runs);
#    an http:// URL;
#  - TLS: the BMC's certificate signed by a CA the node does not know, or
#    issued for another host name;
#  - a BMC that does not answer within --redfish-timeout (and jflop-run
#    ends within seconds); a port nothing listens on;
#  - an answer that is not JSON; a chassis without power readings; a
#    service with two chassis and no chassis in the URL.
# Then the BMC fails mid-run (HTTP 503 from the test's SIGUSR1, once the run
# measures): the run is failed (exit 1), its energy invalid with the reason,
# no Joules, the HDF5 file says so.
# shellcheck source=jf_testlib.sh disable=SC2016 # sh -c '...$1...' is meant
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
# shellcheck source=jf_redfish_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_redfish_lib.sh"
jf_require_energy
jf_require_redfish
command -v h5dump >/dev/null 2>&1 || jf_skip "h5dump not found (the HDF5 tools; install-deps installs them)"

ca=$jf_tmp/bmc-cert.pem
jf_bmc_start bmc default=control,150,10,6,1 bad=badjson,150,10,6,1 nop=nopower,150,10,6,1 \
    two=two,150,10,6,1 slow=slow,150,10,6,1
port=$jf_bmc_port

n=0
# refused NEEDLE DESCRIPTION JFLOP_RUN_ARGS...: jflop-run alone (no
# launcher: these faults end it before any rank computes) with
# --energy redfish is refused with exit 2 and one line holding NEEDLE (an
# ERE), in time, without the password
refused() {
    needle=$1
    desc=$2
    shift 2
    n=$((n + 1))
    started=$(date +%s)
    jf_direct "$jf_tmp/case$n" --preset tiny --steps 5 --output none --energy redfish "$@"
    took=$(($(date +%s) - started))
    jf_refused 'jflop-run: ' -E "$needle" "$desc"
    jf_check "$desc: ended within 15 s ($took s)" test "$took" -le 15
    jf_no_password "$jf_tmp/case$n.out" "$jf_tmp/case$n.err"
}

good_url=https://localhost:$port/redfish/v1/Chassis/1

# --- credentials -------------------------------------------------------------
wrong=$jf_tmp/wrong.cred
(umask 077 && printf 'admin:not-the-password\n' >"$wrong")
refused "--energy redfish: redfish: $good_url: HTTP 401: the BMC refused the credentials of $wrong\$" \
    "a wrong password (401)" --redfish-url "$good_url" --redfish-credentials "$wrong" --redfish-ca "$ca"
refused "redfish: $good_url: HTTP 401: the BMC wants credentials \(--redfish-credentials FILE\)\$" \
    "no credentials (401)" --redfish-url "$good_url" --redfish-ca "$ca"
open=$jf_tmp/open.cred
cp "$jf_bmc_cred" "$open"
chmod 644 "$open"
refused "redfish: the credentials file $open can be read by its group and others \(mode 0644\); it holds the BMC.s password: chmod 600 $open\$" \
    "a credentials file others can read" --redfish-url "$good_url" --redfish-credentials "$open" --redfish-ca "$ca"
chmod 640 "$open"
refused "the credentials file $open can be read by its group \(mode 0640\)" \
    "a credentials file its group can read" --redfish-url "$good_url" --redfish-credentials "$open" --redfish-ca "$ca"
noform=$jf_tmp/noform.cred
(umask 077 && printf '%s\n' "$jf_bmc_password" >"$noform")
refused "redfish: the credentials file $noform does not hold USER:PASSWORD on its first line" \
    "a credentials file without USER:PASSWORD" --redfish-url "$good_url" --redfish-credentials "$noform" --redfish-ca "$ca"
refused "^jflop-run: --redfish-url: the URL holds credentials \(user@\); give them in --redfish-credentials FILE instead\$" \
    "credentials in the URL" --redfish-url "https://admin:$jf_bmc_password@localhost:$port/redfish/v1/Chassis/1"
refused "^jflop-run: --redfish-url: 'http://localhost:$port/redfish/v1' is not an https:// URL\$" \
    "an http:// URL" --redfish-url "http://localhost:$port/redfish/v1"

# --- TLS, time limits, nobody there -----------------------------------------------
refused "redfish: $good_url: TLS: the BMC.s certificate is not trusted \(.*\); give the CA that signed it with --redfish-ca FILE\$" \
    "TLS: a certificate from a CA the node does not know" --redfish-url "$good_url" --redfish-credentials "$jf_bmc_cred"
refused "redfish: https://slow.localhost:$port/redfish/v1/Chassis/1: no answer within 1 s \(--redfish-timeout\)\$" \
    "a BMC that does not answer in time" --redfish-url "https://slow.localhost:$port/redfish/v1/Chassis/1" \
    --redfish-credentials "$jf_bmc_cred" --redfish-ca "$ca" --redfish-timeout 1s
refused "redfish: https://other.localhost:$port/redfish/v1/Chassis/1: TLS: the BMC.s certificate is not for this host name \(.*other\.localhost.*\); use the name it was issued for in --redfish-url\$" \
    "TLS: a certificate issued for another host name" --redfish-url "https://other.localhost:$port/redfish/v1/Chassis/1" \
    --redfish-credentials "$jf_bmc_cred" --redfish-ca "$ca"
# a port that was free a moment ago: nothing listens there
free=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
refused "redfish: https://localhost:$free/redfish/v1/Chassis/1: cannot reach the BMC \(.*\)\$" \
    "nothing listens at the BMC's port" --redfish-url "https://localhost:$free/redfish/v1/Chassis/1" \
    --redfish-credentials "$jf_bmc_cred" --redfish-ca "$ca"

# --- what the BMC says ----------------------------------------------------------
refused "redfish: https://bad.localhost:$port/redfish/v1/Chassis/1/Power: the answer is not JSON \(line 1: .*\)\$" \
    "an answer that is not JSON" --redfish-url "https://bad.localhost:$port/redfish/v1/Chassis/1" \
    --redfish-credentials "$jf_bmc_cred" --redfish-ca "$ca"
refused "redfish: chassis https://nop.localhost:$port/redfish/v1/Chassis/1 publishes no node power: no reading in EnvironmentMetrics \(EnergyJoules, EnergykWh, PowerWatts\) or Power \(PowerControl\[\]\.PowerConsumedWatts\)\$" \
    "a chassis without power readings" --redfish-url "https://nop.localhost:$port/redfish/v1/Chassis/1" \
    --redfish-credentials "$jf_bmc_cred" --redfish-ca "$ca"
refused "redfish: https://two.localhost:$port/redfish/v1/Chassis lists 2 chassis \(/redfish/v1/Chassis/1, /redfish/v1/Chassis/2\): give the node's in --redfish-url" \
    "two chassis and none in the URL" --redfish-url "https://two.localhost:$port" \
    --redfish-credentials "$jf_bmc_cred" --redfish-ca "$ca"

# --- the BMC fails mid-run ----------------------------------------------------------
jf_bmc_start mid default=fail,150,10,6,1
p=$jf_tmp/mid
echo "+ jf-mpirun -np 1 jflop-run ... (SIGUSR1 to the BMC once measuring: it answers 503)"
# shellcheck disable=SC2086 # jf_timeout is a command and its arguments
$jf_timeout "$JF_MPIRUN" -np 1 "$JFLOP_RUN" --preset tiny --steps 10 --min-seconds 4 --energy redfish \
    --redfish-url "https://localhost:$jf_bmc_port" --redfish-credentials "$jf_bmc_cred" \
    --redfish-ca "$ca" --output "$p.h5" --summary-json "$p.json" >"$p.out" 2>"$p.err" &
job=$!
until grep -q 'measured step' "$p.err" 2>/dev/null; do
    kill -0 "$job" 2>/dev/null || break
    sleep 0.05
done
eval "kill -USR1 \$jf_bmc_pid_mid"
wait "$job"
jf_rc=$?
jf_prefix=$p
jf_expect_rc 1 "the BMC answers 503 mid-run: the run is failed"
jf_checks=$((jf_checks + 1))
if [ "$(grep -c '^jflop-run: the run failed: ' "$p.err")" -eq 1 ] &&
    grep -q -E "^jflop-run: the run failed: redfish: https://localhost:$jf_bmc_port/redfish/v1/Chassis/1/Power: HTTP 503\$" "$p.err"; then
    jf_pass "the BMC failed mid-run: stderr -> $(grep '^jflop-run: the run failed' "$p.err")"
else
    jf_fail "the BMC failed mid-run: no single stderr line 'jflop-run: the run failed: redfish: ...: HTTP 503'"
    jf_show "$p.err"
fi
if [ -s "$p.json" ]; then
    jf_jq "$p.json" '.status == "failed" and .energy.status == "invalid" and (.energy.reason | test("HTTP 503"))' \
        "the BMC failed mid-run: status failed, energy invalid: $(jf_val "$p.json" .energy.reason)"
    jf_no_fake_zero "$p.json" "the BMC failed mid-run"
    jf_check "the BMC failed mid-run: the HDF5 file marks node 0 invalid, without Joules" sh -c \
        'h5dump -a /energy/node_0000/invalid "$1" | grep -q "(0): 1" &&
         ! h5dump -A -g /energy/node_0000 "$1" | grep -q "ATTRIBUTE \"joules\""' sh "$p.h5"
else
    jf_check "the BMC failed mid-run: --summary-json was written" false
    jf_show "$p.err"
fi
jf_no_password "$p.out" "$p.err" "$p.json" "$p.h5"
jf_done
