# shellcheck shell=sh disable=SC2034,SC2154 # sourced after jf_energy_lib.sh, by the tests
# jf_redfish_lib.sh -- shared by tests/test_energy_redfish.sh and
# tests/test_faults_redfish.sh (POSIX sh), sourced after jf_testlib.sh and
# jf_energy_lib.sh:
#     . "$(dirname "$JF_TESTLIB")/jf_redfish_lib.sh"
# The test machines have no BMC, so these tests start their own on loopback:
# tests/jf_redfish_bmc.py serves the DMTF payloads of tests/redfish/ over
# HTTPS with a certificate made here by `openssl req`, behind HTTP Basic
# authentication, its power following a known profile
#     P(t) = BASE + AMP sin(2 pi t / PERIOD)
# refreshed every DELTA s, so the energy jflop reports can be compared with
# the exact integral. Each fake node is a virtual host NAME.localhost
# (libcurl resolves *.localhost to loopback itself): --redfish-url
# https://%h.localhost:PORT gives each node its own BMC. Nothing leaves
# loopback.

jf_bmc_pids=
# the password the BMC accepts: no output of jflop may ever hold it
jf_bmc_password=jf-Secret-7Qx9
jf_bmc_cred=$jf_tmp/bmc.cred

# jf_require_redfish: python3 and openssl for the BMC, and a jflop built
# with libcurl (without it the test cannot run: skipped, saying so).
jf_require_redfish() {
    command -v python3 >/dev/null 2>&1 || jf_skip "python3 not found (install-deps installs it): the test's BMC is a Python server"
    command -v openssl >/dev/null 2>&1 || jf_skip "openssl not found (install-deps installs it): the test's BMC needs a certificate"
    jf_why=$("${JFLOP:?run through make check}" probe --json --redfish-url https://localhost:1 |
        jq -r '.energy_backends[] | select(.name == "redfish") | .reason')
    case $jf_why in
    *"without libcurl"*) jf_skip "this jflop has no redfish backend: $jf_why" ;;
    "") jf_hard_error "jflop probe lists no redfish backend, or it answered from port 1" ;;
    esac
    jf_bmc_dir=$(dirname "$JF_TESTLIB")
    # a certificate for every name the tests use, and credentials only the
    # owner can read
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -keyout "$jf_tmp/bmc-key.pem" -out "$jf_tmp/bmc-cert.pem" -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,DNS:a.localhost,DNS:b.localhost,DNS:bad.localhost,DNS:nop.localhost,DNS:two.localhost,DNS:slow.localhost,IP:127.0.0.1" \
        >"$jf_tmp/openssl.log" 2>&1 || {
        jf_show "$jf_tmp/openssl.log"
        jf_hard_error "openssl req could not make the BMC's certificate"
    }
    (umask 077 && printf 'admin:%s\n' "$jf_bmc_password" >"$jf_bmc_cred")
}

jf_bmcs_stop() {
    for jf_p in $jf_bmc_pids; do
        kill -TERM "$jf_p" 2>/dev/null
        wait "$jf_p" 2>/dev/null
    done
    jf_bmc_pids=
}
trap 'jf_bmcs_stop; jf_feeders_stop; rm -rf "$jf_tmp"' EXIT

# jf_bmc_start NAME NODE_SPEC...: a BMC serving each NODE_SPEC
# (NODE=MODE,BASE,AMP,PERIOD,DELTA; see jf_redfish_bmc.py), its port in
# jf_bmc_port_NAME and $jf_bmc_port, its pid in jf_bmc_pid_NAME, its request
# log in $jf_tmp/NAME.bmc.log.
jf_bmc_start() {
    jf_bname=$1
    shift
    jf_args=
    for jf_n in "$@"; do
        jf_args="$jf_args --node $jf_n"
    done
    rm -f "$jf_tmp/$jf_bname.port"
    echo "+ jf_redfish_bmc $jf_args"
    # shellcheck disable=SC2086 # one --node per word
    python3 "$jf_bmc_dir/jf_redfish_bmc.py" --cert "$jf_tmp/bmc-cert.pem" --key "$jf_tmp/bmc-key.pem" \
        --fixtures "$jf_bmc_dir/redfish" --port-file "$jf_tmp/$jf_bname.port" \
        --auth "admin:$jf_bmc_password" --log "$jf_tmp/$jf_bname.bmc.log" $jf_args \
        >"$jf_tmp/$jf_bname.bmc.err" 2>&1 &
    jf_p=$!
    jf_bmc_pids="$jf_bmc_pids $jf_p"
    eval "jf_bmc_pid_$jf_bname=$jf_p"
    jf_i=0
    while [ ! -s "$jf_tmp/$jf_bname.port" ]; do
        if ! kill -0 "$jf_p" 2>/dev/null; then
            jf_show "$jf_tmp/$jf_bname.bmc.err"
            jf_hard_error "the test BMC $jf_bname exited before it listened"
        fi
        jf_i=$((jf_i + 1))
        [ "$jf_i" -le 200 ] || jf_hard_error "the test BMC $jf_bname did not listen within 10 s"
        sleep 0.05
    done
    jf_bmc_port=$(cat "$jf_tmp/$jf_bname.port")
    eval "jf_bmc_port_$jf_bname=$jf_bmc_port"
}

# jf_bmc_truth BASE AMP PERIOD T0 T1 [DELTA]: the exact energy of the
# profile between epoch times T0 and T1; with DELTA, between the BMC's
# refreshes at or before them (what its energy counter shows at T0 and T1).
jf_bmc_truth() {
    awk -v b="$1" -v a="$2" -v p="$3" -v t0="$4" -v t1="$5" -v d="${6:-0}" 'BEGIN {
        pi = atan2(0, -1); w = 2 * pi / p
        if (d > 0) { t0 = int(t0 / d) * d; t1 = int(t1 / d) * d }
        printf "%.6f\n", b * (t1 - t0) - a / w * (cos(w * t1) - cos(w * t0)) }'
}

# jf_no_password FILE...: the BMC's password is in none of the files (the
# HDF5 file searched as bytes).
jf_no_password() {
    jf_checks=$((jf_checks + 1))
    jf_hits=
    for jf_f in "$@"; do
        [ -e "$jf_f" ] || continue
        ! grep -a -q -F -e "$jf_bmc_password" "$jf_f" || jf_hits="$jf_hits $jf_f"
    done
    if [ -z "$jf_hits" ]; then
        jf_pass "the BMC's password appears in none of: $*"
    else
        jf_fail "the BMC's password appears in:$jf_hits"
    fi
}
