#!/bin/sh
# test_claim_cli: `jflop claim` on the shipped claims (exit 1: the popular
# article's GPT-3 figure is implausible; 0 for a selection of consistent
# claims), NAME selection, every format (JSON parsed by jq, the DeepSeek-V3
# ESTIMATE labelled in each), malformed claims and hardware files generated
# from the shipped ones (exit 2, one line naming the file and the field),
# and --measured with a real results file from a tiny metered run.
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs are meant literally
. "${JF_TESTLIB:?run through make check}"
jf_require_jq
JFLOP=${JFLOP:?run through make check}
claims_dir=$(cd "$(dirname "$JF_TESTLIB")/../results/claims" && pwd) ||
    jf_hard_error "results/claims not found beside tests/"
CLAIMS=$claims_dir/claims.json
HARDWARE=$claims_dir/hardware.json

# --- the shipped claims ---------------------------------------------------
jf_cli "$jf_tmp/all" claim
jf_expect_rc 1 "jflop claim over the shipped claims (one is implausible)"
jf_show "$jf_tmp/all.out"
jf_check "the article's low end is implausible" \
    grep -q '^gpt3-popular-article \[low end\] .* implausible ' "$jf_tmp/all.out"
jf_check "the article's high end is implausible" \
    grep -q '^gpt3-popular-article \[high end\] .* implausible ' "$jf_tmp/all.out"
jf_check "Patterson's GPT-3 figure is consistent" grep -q '^gpt3-patterson .* consistent ' "$jf_tmp/all.out"
jf_check "DeepSeek-V3's energy is labelled ESTIMATE" grep -q '^deepseek-v3 .*ESTIMATE' "$jf_tmp/all.out"
jf_check "nothing on stderr" test ! -s "$jf_tmp/all.err"

jf_cli "$jf_tmp/ok" claim gpt3-patterson bloom-176b llama-65b deepseek-v3
jf_expect_rc 0 "only consistent claims selected"
jf_cli "$jf_tmp/one" claim --format json gpt3-popular-article
jf_expect_rc 1 "the article alone"
jf_check "JSON is one document" sh -c 'test "$(jq -s length "$1")" -eq 1' sh "$jf_tmp/one.out"
jf_check "JSON parses: claims then checks" sh -c 'jq -e "[.tables[].id] == [\"claims\", \"checks\"] and .command == \"claim\"" "$1" >/dev/null' sh "$jf_tmp/one.out"
jf_check "both ends of the range, both implausible" sh -c \
    'jq -e ".tables.claims.rows | length == 2 and all(.verdict == \"implausible\")" "$1" >/dev/null' sh "$jf_tmp/one.out"
jf_check "the low end's implied J/FLOP is 1200 kWh / 3.14e23" sh -c \
    'jq -e ".tables.claims.rows[0][\"implied [J/FLOP]\"] - 1200 * 3.6e6 / 3.14e23 | fabs < 1e-24" "$1" >/dev/null' sh "$jf_tmp/one.out"

jf_cli "$jf_tmp/sel" claim --format json deepseek-v3 gpt3-patterson
jf_expect_rc 0 "two named claims"
jf_check "they come in the order named" sh -c \
    'jq -e "[.tables.claims.rows[].claim] == [\"deepseek-v3\", \"gpt3-patterson\"]" "$1" >/dev/null' sh "$jf_tmp/sel.out"
jf_check "JSON numbers stay numbers (FLOPs, MFU)" sh -c \
    'jq -e ".tables.claims.rows[1][\"FLOPs [FLOP]\"] == 3.14e23 and (.tables.claims.rows[1][\"MFU [%]\"] | type) == \"number\"" "$1" >/dev/null' sh "$jf_tmp/sel.out"
jf_check "JSON: DeepSeek-V3's energy basis says ESTIMATE, its claimed energy is null" sh -c \
    'jq -e ".tables.claims.rows[0] | (.[\"energy basis\"] | test(\"ESTIMATE\")) and .[\"claimed [kWh]\"] == null" "$1" >/dev/null' sh "$jf_tmp/sel.out"
jf_check "JSON: the checks say the ESTIMATE is not a claim" sh -c \
    'jq -e "[.tables.checks.rows[] | select(.claim == \"deepseek-v3\") | .result | test(\"ESTIMATE\")] | all" "$1" >/dev/null' sh "$jf_tmp/sel.out"
for fmt in csv md; do
    jf_cli "$jf_tmp/f-$fmt" claim --format "$fmt" deepseek-v3
    jf_expect_rc 0 "--format $fmt"
    jf_check "$fmt: the DeepSeek-V3 row says ESTIMATE" sh -c 'grep "^\(claims,\)\{0,1\}|* *deepseek-v3" "$1" | grep -q ESTIMATE' sh "$jf_tmp/f-$fmt.out"
done
jf_check "CSV keeps full precision (MFU 16.54228...)" grep -q ',16\.54228775465' "$jf_tmp/f-csv.out"

# BLOOM (433,196 kWh = 1,082,990 A100-hours x 400 W) and LLaMA-65B (449 MWh
# = 1,022,362 h x 400 W x PUE 1.1 within 0.19 %) are TDP-based estimates,
# labelled in every format; GPT-3 (Patterson: 9.8 % above hours x 300 W x
# PUE) is not
tdp='TDP-based estimate, not a measurement'
jf_check "table: BLOOM and LLaMA labelled '$tdp', nothing else" sh -c \
    'test "$(grep -v "note:" "$1" | grep -c "$2")" -eq 2 && grep "^bloom-176b " "$1" | grep -q "$2" &&
     grep "^llama-65b " "$1" | grep -q "$2" && ! grep "^gpt3-patterson " "$1" | grep -q "$2"' \
    sh "$jf_tmp/all.out" "$tdp"
jf_cli "$jf_tmp/tdp" claim --format json bloom-176b llama-65b gpt3-patterson
jf_expect_rc 0 "three claims, JSON"
jf_jq "$jf_tmp/tdp.out" '[.tables.claims.rows[] | (.["energy basis"] | test("TDP-based estimate, not a measurement"))] == [true, true, false]' \
    "JSON: BLOOM and LLaMA labelled, GPT-3 not"
jf_jq "$jf_tmp/tdp.out" '[.tables.claims.rows[]["claimed / (hours x board W x PUE)"]] as $r |
    ($r[0] - 1 | fabs) < 1e-6 and ($r[1] - 0.998134 | fabs) < 1e-5 and ($r[2] - 1.097973 | fabs) < 1e-5' \
    "JSON: claimed / (hours x W x PUE) = 1.000000, 0.998134, 1.097973"
for fmt in csv md; do
    jf_cli "$jf_tmp/tdp-$fmt" claim --format "$fmt" bloom-176b llama-65b
    jf_expect_rc 0 "--format $fmt, BLOOM and LLaMA"
    jf_check "$fmt: both rows say '$tdp'" sh -c \
        'test "$(grep "^\(claims,\)\{0,1\}|* *\(bloom-176b\|llama-65b\)" "$1" | grep -c "$2")" -eq 2' \
        sh "$jf_tmp/tdp-$fmt.out" "$tdp"
done
# stdout is one document a real client reads as it is
jf_json_one "$jf_tmp/sel.out" "claim --format json is one JSON document"
jf_jq "$jf_tmp/sel.out" '[.tables.claims.columns[] | select(.name == "implied [J/FLOP]") | .unit, .type] == ["J/FLOP", "number"]' \
    "JSON columns give each one's unit and type"
jf_csv "$jf_tmp/f-csv.out" "claim --format csv: one CSV, the table named in the first column" \
    'header[0] == "table" and {r["table"] for r in rows} == {"claims", "checks"} and rows[0]["claim"] == "deepseek-v3"'
jf_cli "$jf_tmp/tc" claim --format csv --table checks deepseek-v3 gpt3-patterson
jf_expect_rc 0 "--table checks"
jf_csv "$jf_tmp/tc.out" "--table checks: that table's own columns only" \
    'header[:3] == ["claim", "check", "value"] and len({r["claim"] for r in rows}) == 2'
jf_cli "$jf_tmp/tj" claim --format json --table claims deepseek-v3
jf_expect_rc 0 "--table claims --format json"
jf_jq "$jf_tmp/tj.out" '.id == "claims" and (.rows | length) == 1' "--table with JSON: the table object alone"
jf_cli "$jf_tmp/tx" claim --table runs
jf_expect_rc 2 "--table with a table claim does not make"
jf_cli "$jf_tmp/to" claim --format json --out "$jf_tmp/claim-tables" deepseek-v3
jf_expect_rc 0 "claim --out DIR"
jf_check "--out: one file per table, nothing on stdout" sh -c \
    'test ! -s "$1.out" && jq -e ".id == \"claims\"" "$2/claims.json" >/dev/null && jq -e ".id == \"checks\"" "$2/checks.json" >/dev/null' \
    sh "$jf_tmp/to" "$jf_tmp/claim-tables"

jf_cli "$jf_tmp/unk" claim gpt3-patterson gpt-5
jf_expect_rc 2 "an unknown claim name"
jf_grep_count "$jf_tmp/unk.err" "no claim named 'gpt-5'" 1 "it is named on one line"
jf_check "and nothing else is printed" sh -c 'test "$(wc -l <"$1")" -eq 1 && test ! -s "$2"' sh "$jf_tmp/unk.err" "$jf_tmp/unk.out"
jf_cli "$jf_tmp/fmt" claim --format yaml
jf_expect_rc 2 "--format yaml"
jf_cli "$jf_tmp/t" claim --temperature -3
jf_expect_rc 2 "a negative --temperature"
jf_cli "$jf_tmp/help" claim --help
jf_expect_rc 0 "jflop claim --help"
jf_check "the usage documents claim" grep -q -- "--measured-hardware NAME" "$jf_tmp/help.out"
jf_cli "$jf_tmp/mh" claim --measured-hardware V100-SXM2
jf_expect_rc 2 "--measured-hardware without --measured"

# --bits and --temperature reach the bounds: Landauer per FLOP at 77 K and
# 32 bits = 32 x 1.380649e-23 x 77 x ln 2
jf_cli "$jf_tmp/bt" claim --format json --bits 32 --temperature 77 bloom-176b
jf_expect_rc 0 "--bits 32 --temperature 77"
jf_check "Landauer = 32 k_B (77 K) ln 2" sh -c \
    'jq -e ".tables.claims.rows[0][\"Landauer [J/FLOP]\"] - 32 * 1.380649e-23 * 77 * (2 | log) | fabs < 1e-30" "$1" >/dev/null' sh "$jf_tmp/bt.out"

# --claims / --hardware with the shipped files give the built-in result
jf_cli "$jf_tmp/files" claim --claims "$CLAIMS" --hardware "$HARDWARE"
jf_expect_rc 1 "--claims and --hardware with the shipped files"
jf_check "the same verdicts as the built-in defaults" sh -c \
    'test "$(grep -c " implausible " "$1")" -eq 2 && grep -v "note:" "$1" | tail -n +2 | sed -n 1,7p | cut -c1-40 >"$1.a" &&
     grep -v "note:" "$2" | tail -n +2 | sed -n 1,7p | cut -c1-40 >"$2.a" && cmp -s "$1.a" "$2.a"' \
    sh "$jf_tmp/files.out" "$jf_tmp/all.out"
jf_check "the tables name the files used" grep -q "claims: $CLAIMS; hardware: $HARDWARE" "$jf_tmp/files.out"

# --- malformed input: exit 2, one line naming the file and the field --------
# bad_claims NAME JQ_FILTER FIELD_TEXT: the shipped claims edited by jq
bad_claims() {
    jq "$2" "$CLAIMS" >"$jf_tmp/$1.json" || jf_hard_error "jq '$2' failed"
    jf_cli "$jf_tmp/$1" claim --claims "$jf_tmp/$1.json"
    jf_expect_rc 2 "claims with $1"
    jf_check "$1: one line naming the file and '$3'" sh -c \
        'test "$(wc -l <"$1.err")" -eq 1 && grep -q -F "$1.json: " "$1.err" && grep -q -F -- "$2" "$1.err"' \
        sh "$jf_tmp/$1" "$3"
}
bad_claims missing-energy-unit 'del(.claims[0].energy.unit)' "claims[0] (gpt3-patterson): field 'energy.unit' is missing"
bad_claims bad-unit '.claims[2].energy.unit = "kwh"' "claims[2] (bloom-176b): field 'energy.unit': 'kwh' is not a unit"
bad_claims negative-energy '.claims[3].energy.value = -449' "claims[3] (llama-65b): field 'energy.value' = -449 is negative"
bad_claims zero-hours '.claims[4].accelerator_hours.value = 0' "claims[4] (deepseek-v3): field 'accelerator_hours.value' = 0 is zero"
bad_claims unknown-hardware '.claims[4].hardware.id = "H900"' "field 'hardware.id': unknown hardware 'H900'"
bad_claims no-peak '.claims[0].hardware.precision = "fp8"' "field 'hardware.precision': V100-SXM2 has no fp8 peak"
bad_claims no-source 'del(.claims[1].tokens.source)' "claims[1] (gpt3-popular-article): field 'tokens.source' is missing"
bad_claims string-number '.claims[3].params.value = "65B"' "field 'params.value' is not a number"
bad_claims pue-below-1 '.claims[0].pue.value = 0.9' "field 'pue.value' = 0.9"
bad_claims range-reversed '.claims[1].energy.max = 100' "field 'energy.max' = 100 is below 'energy.min' = 1200"
bad_claims no-id 'del(.claims[2].id)' "claims[2]: field 'id' is missing"
bad_claims not-claims '.schema = "jflop-site"' "field 'schema' is not \"jflop-claims\""
printf '{"schema": "jflop-claims", "claims": [' >"$jf_tmp/cut.json"
jf_cli "$jf_tmp/cut" claim --claims "$jf_tmp/cut.json"
jf_expect_rc 2 "a truncated claims file"
jf_check "it is named as not JSON" grep -q "cut.json: not JSON" "$jf_tmp/cut.err"
jf_cli "$jf_tmp/none" claim --claims "$jf_tmp/does-not-exist.json"
jf_expect_rc 2 "a claims file that does not exist"
jf_check "it is named" grep -q "does-not-exist.json: cannot open it" "$jf_tmp/none.err"
jq '.hardware[0].board_power_w.value = -300' "$HARDWARE" >"$jf_tmp/neg-hw.json"
jf_cli "$jf_tmp/neghw" claim --hardware "$jf_tmp/neg-hw.json"
jf_expect_rc 2 "a hardware table with negative board power"
jf_check "the file and the field are named" \
    grep -q "neg-hw.json: hardware\[0\] (V100-SXM2): field 'board_power_w.value' = -300 is negative" "$jf_tmp/neghw.err"

# --- --measured: a real results file from a tiny metered run ----------------
# (needs an MPI launcher for jflop-run; without one only this part is skipped)
JF_MPIRUN_DRY_RUN=1 "${JF_MPIRUN:?run through make check}" -np 1 true >/dev/null 2>&1
if [ $? -eq 77 ]; then
    echo "SKIP (part): --measured needs an MPI launcher to make a results file (set MPIRUN)"
    jf_done
fi
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_feeder
jf_feeder_start pc --powercap "$jf_tmp/pc" --pkg-watts 80 --dram-watts 12 --range-uj 2000000000
jf_mpi 1 "$jf_tmp/run" --preset tiny --steps 100 --energy powercap --powercap-root "$jf_tmp/pc" \
    --output "$jf_tmp/run.h5" --summary-json "$jf_tmp/run.json"
jf_feeder_stop pc
jf_expect_rc 0 "a tiny metered run"
jf_cli "$jf_tmp/m" claim --format json --measured "$jf_tmp/run.h5" gpt3-patterson deepseek-v3
jf_expect_rc 0 "--measured"
jf_check "JSON: claims, checks, measured" sh -c 'jq -e "[.tables[].id] == [\"claims\", \"checks\", \"measured\"]" "$1" >/dev/null' sh "$jf_tmp/m.out"
# measured J/FLOP = the run's joules / counted FLOPs (JSON summary)
jpf=$(jq '.energy.joules_total / .flops_total_counted' "$jf_tmp/run.json")
jf_check "measured J/FLOP ($jpf) = joules / counted FLOPs" sh -c \
    'jq -e --argjson v "$2" "((.tables.measured.rows[0][\"measured [J/FLOP]\"] - \$v) | fabs) < 1e-9 * \$v" "$1" >/dev/null' sh "$jf_tmp/m.out" "$jpf"
jf_check "predicted = measured J/FLOP x 3.14e23, in kWh" sh -c \
    'jq -e ".tables.measured.rows[0] | ((.[\"predicted [kWh]\"] - .[\"measured [J/FLOP]\"] * 3.14e23 / 3.6e6) | fabs) < 1e-9 * .[\"predicted [kWh]\"]" "$1" >/dev/null' sh "$jf_tmp/m.out"
jf_check "claimed/predicted = 4.212e12 J (IT) / predicted" sh -c \
    'jq -e ".tables.measured.rows[0] | ((.[\"claimed/predicted\"] - 4.212e12 / (.[\"predicted [kWh]\"] * 3.6e6)) | fabs) < 1e-9 * .[\"claimed/predicted\"]" "$1" >/dev/null' sh "$jf_tmp/m.out"
jf_check "labelled a prediction from different hardware" sh -c \
    'jq -e "[.tables.measured.rows[].hardware | test(\"DIFFERENT HARDWARE\")] | all" "$1" >/dev/null' sh "$jf_tmp/m.out"
jf_check "DeepSeek-V3 is compared through its ESTIMATE, labelled" sh -c \
    'jq -e ".tables.measured.rows[1][\"energy basis\"] | test(\"ESTIMATE\")" "$1" >/dev/null' sh "$jf_tmp/m.out"
jf_cli "$jf_tmp/m2" claim --measured "$jf_tmp/run.h5" --measured-hardware V100-SXM2 gpt3-patterson deepseek-v3
jf_expect_rc 0 "--measured-hardware V100-SXM2"
jf_check "same hardware for the V100 claim" grep -q "^gpt3-patterson .*same hardware (V100-SXM2)" "$jf_tmp/m2.out"
jf_check "different hardware for the H800 claim" grep -q "^deepseek-v3 .*DIFFERENT HARDWARE (V100-SXM2, claim: H800-SXM)" "$jf_tmp/m2.out"
jf_cli "$jf_tmp/m3" claim --measured "$jf_tmp/run.h5" --measured-hardware Z80
jf_expect_rc 2 "--measured-hardware with unknown hardware"
jf_mpi 1 "$jf_tmp/run0" --preset tiny --steps 4 --energy none --output "$jf_tmp/run0.h5"
jf_cli "$jf_tmp/m4" claim --measured "$jf_tmp/run0.h5"
jf_expect_rc 2 "--measured with a run that measured no energy"
jf_check "it says so" grep -q "run0.h5: no measured energy" "$jf_tmp/m4.err"
printf 'garbage' >"$jf_tmp/broken.h5"
jf_cli "$jf_tmp/m5" claim --measured "$jf_tmp/broken.h5"
jf_expect_rc 2 "--measured with a broken file"
jf_check "it is named" grep -q "broken.h5" "$jf_tmp/m5.err"
jf_done
