#!/bin/sh
# test_jflop_cli: the jflop CLI, which needs no MPI launcher. probe gives
# every backend's verdict and the domains it would read; bounds recomputes
# the paper's Table 1 beside the paper's figures; report turns a real run
# with metered energy (a synthetic powercap tree advanced by jf_feeder) into
# the runs and bounds tables, in every format, and skips bad files with
# their names and exit 1.
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs are meant literally
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq
JFLOP=${JFLOP:?run through make check}
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_feeder

jf_cli "$jf_tmp/help" --help
jf_expect_rc 0 "jflop --help"
jf_cli "$jf_tmp/bad" frobnicate
jf_expect_rc 2 "an unknown command"
jf_check "it is named" grep -q "frobnicate" "$jf_tmp/bad.err"

# probe: nothing to measure under empty roots, powercap under a fed tree
mkdir -p "$jf_tmp/empty"
jf_cli "$jf_tmp/p0" probe --powercap-root "$jf_tmp/empty" --pm-counters-root "$jf_tmp/empty" --json
jf_expect_rc 1 "probe where nothing can be measured"
jf_jq "$jf_tmp/p0.out" '.energy_measurable == false and ([.energy_backends[].name] | index("powercap") != null)' \
    "probe lists every backend and says nothing measures"
jf_jq "$jf_tmp/p0.out" '[.energy_backends[] | select(.name != "none") | .reason | length > 0] | all' \
    "each unavailable backend gives its reason"
jf_feeder_start pc --powercap "$jf_tmp/pc" --pkg-watts 80 --dram-watts 12 --range-uj 2000000000
jf_cli "$jf_tmp/p1" probe --powercap-root "$jf_tmp/pc" --pm-counters-root "$jf_tmp/empty" --json
jf_expect_rc 0 "probe with a powercap tree"
jf_jq "$jf_tmp/p1.out" '.energy_backends[] | select(.name == "powercap") | .available and ([.domains[].name] | index("package-0") != null and index("package-0/dram") != null)' \
    "probe shows the powercap domains it would read"

# bounds
jf_cli "$jf_tmp/b" bounds --paper-table1
jf_expect_rc 0 "bounds --paper-table1"
jf_check "the paper's Eq. 16 figure (5e-09) is printed beside jflop's" grep -q "5e-09" "$jf_tmp/b.out"
jf_check "the Landauer rows say why they differ" grep -q "differs:" "$jf_tmp/b.out"
jf_cli "$jf_tmp/b2" bounds --params 1G --tokens 20G --json
jf_expect_rc 0 "bounds for N = 1G, D = 20G"
jf_jq "$jf_tmp/b2.out" '((.analog_training_j_eq16 - 2 * 1e9 * 2e10 * 1.380649e-23 * 300) | fabs) < 1e-9' \
    "Eq. 16 = 2 N D k_B T"
jf_cli "$jf_tmp/b3" bounds --params 1G --tokens -5
jf_expect_rc 2 "bounds with a negative --tokens"

# report over a real metered run
run=$jf_tmp/run
mkdir -p "$jf_tmp/results" "$jf_tmp/scaling"
jf_mpi 2 "$run" --preset tiny --steps 300 --energy powercap --powercap-root "$jf_tmp/pc" \
    --output "$jf_tmp/results/run.h5" --summary-json "$run.json"
jf_feeder_stop pc
jf_expect_rc 0 "a metered 2-rank run"
# the file holds what the JSON said, energy included
h5joules=$(h5dump -m %.17g -a /energy/joules_total "$jf_tmp/results/run.h5" 2>/dev/null | sed -n 's/^ *(0): //p' | head -n 1)
jf_check "HDF5 /energy/joules_total ($h5joules) == JSON energy.joules_total" \
    jq -e --argjson v "${h5joules:-null}" '((.energy.joules_total - $v) | fabs) < 1e-9 * .energy.joules_total' "$run.json"
h5wraps=$(h5dump -a /energy/node_0000/wraps "$jf_tmp/results/run.h5" 2>/dev/null | sed -n 's/^ *(0): //p' | head -n 1)
jf_check "HDF5 node wraps ($h5wraps) == JSON" jq -e --argjson v "${h5wraps:-null}" '.energy.nodes[0].wraps == $v' "$run.json"
printf 'garbage' >"$jf_tmp/results/broken.h5"
jf_cli "$jf_tmp/r" report --format json "$jf_tmp/results"
jf_expect_rc 1 "report over a folder with one broken file"
jf_check "the broken file is named and skipped" grep -q "broken.h5.*skipped" "$jf_tmp/r.err"
jf_json_one "$jf_tmp/r.out" "report --format json is one JSON document"
# no run validated: no quality table (issue #15)
jf_check "report prints valid JSON tables (runs, nodes, domains, bounds, cooling, lifecycle, energy)" sh -c 'jq "[.tables[].id] == [\"runs\", \"nodes\", \"domains\", \"bounds\", \"cooling\", \"lifecycle\", \"energy\"]" "$1" | grep -q true' sh "$jf_tmp/r.out"
jf_jq "$jf_tmp/r.out" '.command == "report" and (.tables.runs.columns[] | select(.name == "seconds [s]") | .unit == "s" and .type == "number")' \
    "JSON columns carry their units and types"
command -v python3 >/dev/null 2>&1 &&
    jf_check "Python's json.load reads it" python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["tables"]["runs"]["rows"]' "$jf_tmp/r.out"
jpf=$(jq '.tables.runs.rows[0]["J/FLOP"]' "$jf_tmp/r.out")
jf_jq "$run.json" "((.energy.joules_per_flop - $jpf) | fabs) < 1e-12 * .energy.joules_per_flop" \
    "the runs table's J/FLOP ($jpf) is the run's joules_per_flop"
jf_check "the runs table has the exact N" sh -c 'jq ".tables.runs.rows[0].N" "$1" | grep -qx "$(jq .N "$2")"' \
    sh "$jf_tmp/r.out" "$run.json"
landauer=$(jq '.tables.bounds.rows[0]["Landauer [J/FLOP]"]' "$jf_tmp/r.out")
jf_check "Landauer per fp32 FLOP = 32 k_B T ln 2 ($landauer)" \
    jq -n -e "($landauer - 32 * 1.380649e-23 * 300 * (2 | log)) | fabs < 1e-30"
# where and how the run ran, and its nodes and domains, against the run's own JSON
jf_jq2 "$jf_tmp/r.out" "$run.json" '$a.tables.runs.rows[0] as $r | $r.hosts == ($b.energy.nodes | map(.node) | join(",")) and $r.ranks == 2 and $r["threads/rank"] == $b.threads_per_rank and $r.precision == "fp32" and ($r.GEMM | startswith($b.gemm.backend + ": ")) and ($r["start (UTC)"] | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and $r["Slurm job"] == ""' \
    "the runs table says where and how the run ran (hosts, ranks x threads, precision, GEMM, start)"
jf_jq2 "$jf_tmp/r.out" "$run.json" '(($a.tables.runs.rows[0]["node power [W]"] - $b.energy.watts) | fabs) < 1e-9 * $b.energy.watts' \
    "one node: the node power is the run's watts"
jf_jq2 "$jf_tmp/r.out" "$run.json" '$a.tables.nodes.rows[0] as $n | $b.energy.nodes[0] as $m | $n.host == $m.node and $n.readings == $m.samples and (($n["energy [J]"] - $m.joules) | fabs) < 1e-9 * $m.joules and (($n["mean power [W]"] - $m.mean_watts) | fabs) < 1e-9 * $m.mean_watts and (($n["peak power [W]"] - $m.peak_watts) | fabs) < 1e-9 * $m.peak_watts and $n.coverage == $m.coverage' \
    "the nodes table holds the node's energy, mean and peak W, readings and coverage"
jf_jq2 "$jf_tmp/r.out" "$run.json" '[$a.tables.domains.rows[] | {domain, j: .["energy [J]"], t: .["in node total"]}] | sort_by(.domain) as $d | [$b.energy.nodes[0].domains | to_entries[] | {domain: .key, j: .value.joules, t: (if .value.in_node_total then "yes" else "no" end)}] | sort_by(.domain) as $e | ($d | length) == ($e | length) and ($d | length) > 0 and ([range($d | length) | $d[.].domain == $e[.].domain and $d[.].t == $e[.].t and (($d[.].j - $e[.].j) | fabs) <= 1e-9 * $e[.].j] | all)' \
    "the domains table has each domain's J and whether it is in the node total"
jf_cli "$jf_tmp/r2" report --format csv --out "$jf_tmp/tables" "$jf_tmp/results/run.h5"
jf_expect_rc 0 "report --out"
jf_check "one CSV file per table" test -s "$jf_tmp/tables/runs.csv" -a -s "$jf_tmp/tables/bounds.csv" -a -s "$jf_tmp/tables/cooling.csv" -a -s "$jf_tmp/tables/lifecycle.csv"
jf_check "and nothing on stdout" test ! -s "$jf_tmp/r2.out"
jf_csv "$jf_tmp/tables/runs.csv" "--out: runs.csv is that table alone" 'header[0] == "run" and rows[0]["run"] == "run.h5"'
jf_cli "$jf_tmp/rc" report --format csv "$jf_tmp/results/run.h5"
jf_expect_rc 0 "report --format csv to stdout"
jf_csv "$jf_tmp/rc.out" "CSV on stdout: one table, the table named in the first column" \
    'header[0] == "table" and list(dict.fromkeys(r["table"] for r in rows)) == ["runs", "nodes", "domains", "bounds", "cooling", "lifecycle", "energy"] and rows[0]["run"] == "run.h5" and float(rows[0]["J/FLOP"]) > 0'
jf_cli "$jf_tmp/rt" report --format csv --table bounds "$jf_tmp/results/run.h5"
jf_expect_rc 0 "report --table bounds"
jf_csv "$jf_tmp/rt.out" "--table bounds: that table's own columns" 'header[:2] == ["run", "bits"] and len(rows) == 1 and float(rows[0]["bits"]) == 32'
jf_cli "$jf_tmp/rx" report --table nope "$jf_tmp/results/run.h5"
jf_expect_rc 2 "report --table with an unknown table"
jf_check "the known tables are named" grep -q "runs, bounds, cooling" "$jf_tmp/rx.err"
for fmt in table md; do
    jf_cli "$jf_tmp/r-$fmt" report --format "$fmt" "$jf_tmp/results/run.h5"
    jf_expect_rc 0 "report --format $fmt"
    jf_check "$fmt output names the run" grep -q "run.h5" "$jf_tmp/r-$fmt.out"
done
jf_cli "$jf_tmp/r3" report --format yaml "$jf_tmp/results/run.h5"
jf_expect_rc 2 "report --format yaml"
# --plot: data and gnuplot scripts always, pictures when gnuplot is here
jf_cli "$jf_tmp/pl" report --plot "$jf_tmp/plots" "$jf_tmp/results/run.h5"
jf_expect_rc 0 "report --plot"
jf_check "J/FLOP versus N: data and script" test -s "$jf_tmp/plots/jflop_vs_n.dat" -a -s "$jf_tmp/plots/jflop_vs_n.gp"
jf_check "a power trace per node with its script" test -s "$jf_tmp/plots/power_run_node0000.dat" -a -s "$jf_tmp/plots/power_run_node0000.gp"
# (time-weighted: each row is the power since the row before it; a plain
# mean of rows let one late reading under load move it by 10 %)
jf_check "the trace's mean power is the run's (within 10%)" sh -c '
    awk "!/^#/ { if (have && \$1 >= 0 && \$1 <= $(jq .energy.nodes[0].seconds "$2")) { s += \$2 * (\$1 - p); w += \$1 - p }; p = \$1; have = 1 } END { print s / w }" "$1/power_run_node0000.dat" |
    xargs -I{} jq -e "({} - .energy.watts | fabs) < 0.1 * .energy.watts" "$2" >/dev/null' sh "$jf_tmp/plots" "$run.json"
# the floors on the J/FLOP plot at the report's 300 K: Landauer for 32-bit
# operands, 32 k_B T ln 2 = 9.1871e-20 J, and Eq. 17, 100 k_B T / 6 =
# 6.9032e-20 J per FLOP; a domain's own line beside the node total
jf_check "J/FLOP plot: the Landauer line for fp32 at 300 K (9.187e-20 J)" \
    grep -q "9\.187[0-9]*e-20 with lines dt 2 lw 2 title 'Landauer, 32-bit" "$jf_tmp/plots/jflop_vs_n.gp"
jf_check "J/FLOP plot: Eq. 17 per FLOP at 300 K (6.903e-20 J)" \
    grep -q "6\.903[0-9]*e-20 with lines dt 3 lw 2 title 'Eq. 17" "$jf_tmp/plots/jflop_vs_n.gp"
jf_check "power plot: the node's host in its title and one line per domain" \
    sh -c 'grep -q "set title .$(hostname): power of node 0" "$1" &&
        test "$(grep -o "using 1:[0-9]* with fsteps" "$1" | wc -l)" -ge 2' sh "$jf_tmp/plots/power_run_node0000.gp"
if command -v gnuplot >/dev/null 2>&1; then
    jf_check "gnuplot rendered PNG and SVG" test -s "$jf_tmp/plots/jflop_vs_n.png" -a -s "$jf_tmp/plots/power_run_node0000.svg"
else
    jf_check "without gnuplot, report says so" grep -q "gnuplot is not installed" "$jf_tmp/pl.err"
fi
# --plot on a run without energy (2 ranks): the loss curve, the step time
# per rank (whole-number rank tics) and the FLOP/s are drawn; the plots that
# need energy are named on stderr, one line each, with the reason
mkdir -p "$jf_tmp/noenergy"
jf_mpi 2 "$jf_tmp/ne" --preset tiny --steps 6 --energy none --output "$jf_tmp/noenergy/none.h5"
jf_expect_rc 0 "a run with --energy none"
jf_cli "$jf_tmp/pn" report --plot "$jf_tmp/plots-none" "$jf_tmp/noenergy/none.h5"
jf_expect_rc 0 "report --plot on a run without energy"
pn=$jf_tmp/plots-none
jf_check "the loss curve: one row per measured step, and its script" \
    test "$(grep -c -v '^#' "$pn/loss_none.dat")" -eq 6 -a -s "$pn/loss_none.gp"
jf_check "the step time per rank: ranks 0 and 1, and its script" \
    test "$(grep -v '^#' "$pn/steps_none.dat" | cut -d' ' -f1 | tr '\n' ' ')" = "0 1 " -a -s "$pn/steps_none.gp"
jf_check "the rank axis has whole-number tics" \
    sh -c 'grep -q "^set xtics 1$" "$1" && grep -q "^set format x .%.0f.$" "$1"' sh "$pn/steps_none.gp"
jf_check "the FLOP/s over time: one positive rate per measured step" \
    test "$(awk '!/^#/ && $2 > 0' "$pn/flops_none.dat" | wc -l)" -eq 6
jf_check "no power trace and no J/FLOP versus N without energy" \
    test -z "$(find "$pn" -name 'power_*' -o -name 'jflop_vs_n*')"
jf_grep_count "$jf_tmp/pn.err" "jflop report: --plot $pn: skipped J/FLOP versus N (jflop_vs_n): no energy in any run" 1 \
    "stderr says J/FLOP versus N was skipped, and why"
jf_grep_count "$jf_tmp/pn.err" "jflop report: --plot $pn: skipped the power traces (power_none_node*) of run none.h5: no energy in run none.h5 (energy not measured" 1 \
    "stderr says the power traces were skipped, and why"
if command -v gnuplot >/dev/null 2>&1; then
    jf_check "gnuplot rendered the three plots" \
        test -s "$pn/loss_none.png" -a -s "$pn/steps_none.svg" -a -s "$pn/flops_none.png"
    jf_grep_count "$jf_tmp/pn.err" "3 of 3 plots rendered" 1 "every plot written was rendered"
fi
jf_check "no temporary file left among the plots" test -z "$(find "$pn" -name '*.tmp.*')"
# a bad site file: one line naming the file and the field, exit 2
jq '.pue.value = 0.8' "${JF_SITE_DEFAULT:?}" >"$jf_tmp/bad-site.json"
jf_cli "$jf_tmp/r4" report --site "$jf_tmp/bad-site.json" "$jf_tmp/results/run.h5"
jf_expect_rc 2 "report with a PUE below 1"
jf_check "the error names the file and the field" grep -q "bad-site.json.*pue" "$jf_tmp/r4.err"
jf_check "the tables name the built-in site by default" grep -q "built-in default" "$jf_tmp/r-table.out"
# source notes are whole: the default site's grid-carbon source (~300
# characters) ends the same in the lifecycle table's note as in the file
jf_jq2 "$jf_tmp/r.out" "$JF_SITE_DEFAULT" '[$a.tables.lifecycle.notes[] | select(contains($b.grid_gco2e_per_kwh.source))] | length == 1' \
    "the grid-carbon source is printed whole in the lifecycle notes"
jf_check "and in the text table" grep -q -F "$(jq -r .grid_gco2e_per_kwh.source "$JF_SITE_DEFAULT" | tail -c 60)" "$jf_tmp/r-table.out"
jq '.pue.source = ([range(1100)] | map("x") | add)' "$JF_SITE_DEFAULT" >"$jf_tmp/long-site.json"
jf_cli "$jf_tmp/r7" report --site "$jf_tmp/long-site.json" "$jf_tmp/results/run.h5"
jf_expect_rc 2 "a site source too long to keep whole is refused, not cut"
jf_check "the error names the file and the field" grep -q "long-site.json: field 'pue.source' is 1100 characters" "$jf_tmp/r7.err"
# scaling: the same experiment on 1 and 2 ranks
jf_mpi 1 "$jf_tmp/s1" --preset tiny --steps 20 --energy none --output "$jf_tmp/scaling/one.h5"
jf_mpi 2 "$jf_tmp/s2" --preset tiny --steps 20 --energy none --output "$jf_tmp/scaling/two.h5"
jf_cli "$jf_tmp/r5" report --format json "$jf_tmp/scaling"
jf_expect_rc 0 "report over a 1-rank and a 2-rank run"
jf_json_one "$jf_tmp/r5.out" "with a scaling table, still one JSON document"
jf_check "a scaling table compares them" sh -c 'jq "[.tables[] | select(.id == \"scaling\") | .rows | length] == [2]" "$1" | grep -q true' sh "$jf_tmp/r5.out"
jf_jq "$jf_tmp/r5.out" '[.tables.runs.rows[] | .["energy [J]"], .["J/FLOP"], .["GFLOPS/W"], .["J/token"], .["node power [W]"]] | all(. == null)' \
    "runs without energy: every energy figure is null, never 0"
jf_jq "$jf_tmp/r5.out" '[.tables.runs.columns[] | select(.name == "J/FLOP" or .name == "node power [W]") | .type] == ["number", "number"]' \
    "and their columns stay numeric"
jf_jq "$jf_tmp/r5.out" '[.tables.energy.rows[] | .["gross [J]"], .["gross J/FLOP"], .["idle power [W]"], .["dynamic [J]"], .["forward [J]"]] | (length == 10 and all(. == null))' \
    "and in the energy table too: gross energy and J/FLOP null, never 0"
# two run.h5 in different folders are told apart; a lone one keeps its name
mkdir -p "$jf_tmp/twin/a" "$jf_tmp/twin/b"
cp "$jf_tmp/scaling/one.h5" "$jf_tmp/twin/a/run.h5"
cp "$jf_tmp/scaling/two.h5" "$jf_tmp/twin/b/run.h5"
jf_cli "$jf_tmp/tw" report --format csv --table runs "$jf_tmp/twin"
jf_expect_rc 0 "report over two run.h5 in two folders"
jf_csv "$jf_tmp/tw.out" "they are named a/run.h5 and b/run.h5, with empty energy cells" \
    '[r["run"] for r in rows] == ["a/run.h5", "b/run.h5"] and all(r["J/FLOP"] == "" and r["energy [J]"] == "" for r in rows) and [r["ranks"] for r in rows] == ["1", "2"]'
jf_cli "$jf_tmp/r6" report --format csv "$jf_tmp/scaling"
jf_expect_rc 0 "report --format csv with a scaling table"
jf_csv "$jf_tmp/r6.out" "scaling rows in the one CSV, no field beginning with '#'" \
    'sum(r["table"] == "scaling" for r in rows) == 2 and all(r["experiment"].startswith("exp1 ") for r in rows if r["table"] == "scaling")'
jf_done
