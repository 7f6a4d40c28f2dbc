#!/bin/sh
# test_results_units: every number in a results file names its unit. A
# metered 2-rank run (synthetic powercap tree) is read back with h5dump:
# each numeric attribute has a string NAME_units beside it unless it is a
# count, a flag or a dimensionless ratio (listed below, so that a new
# attribute without a unit fails here until someone decides which it is);
# each dataset has `units`; the trace names its columns and their units,
# one string each, in the order of the node's domains; jflop report reads
# the per-domain scopes from the string array.
# shellcheck source=jf_testlib.sh disable=SC2016 # jq programs in single quotes
. "${JF_TESTLIB:?run through make check}"
# shellcheck source=jf_energy_lib.sh
. "$(dirname "$JF_TESTLIB")/jf_energy_lib.sh"
jf_require_energy
jf_require_feeder
command -v h5dump >/dev/null 2>&1 || jf_skip "h5dump not found (install-deps installs hdf5-tools)"
command -v python3 >/dev/null 2>&1 || jf_skip "python3 not found (it parses h5dump's output)"

tree=$jf_tmp/powercap
jf_feeder_start pc --powercap "$tree" --pkg-watts 80 --dram-watts 12 --range-uj 2000000000
run=$jf_tmp/run
jf_mpi 2 "$run" --preset tiny --steps 200 --energy powercap --powercap-root "$tree" \
    --output "$run.h5" --summary-json "$run.json"
jf_feeder_stop pc
jf_expect_rc 0 "a metered 2-rank run"
jf_jq "$run.json" '.energy.measured == true' "its energy was measured"

h5dump -H -A "$run.h5" >"$run.hdr" 2>"$run.hdr.err"
jf_check "h5dump reads the file's header and attributes" test -s "$run.hdr"

# Numeric attributes without a unit by nature: counts, flags, ids and
# dimensionless figures (`/verify/*/value` and `threshold` are normalised
# residuals and relative errors; `lr` is the SGD step factor;
# `learned_fraction` a fraction of the learnable information; the `cpu_*`
# numbers are the processor's ids and CPU count, `cpu_uniform` a flag).
unitless="seed layers d_model heads ctx ff vocab batch steps warmup steps_done ranks nodes
threads_per_rank N N_target D D_target weights_trained weights_identical_on_ranks lr
gemm_calls bf16_converted_elements verified native emulated candidates warmup_steps
measured_nodes total_nodes extrapolated measured invalid samples wraps sampler_reads source_readings nodes_known
domain_in_node_total requested checks ran pass value threshold
prequential_tokens eval_every evaluations eval_sequences eval_tokens target_reached
steps_to_target tokens_to_target learned_fraction
idle_measured step_phase_intervals step_phase_shared_intervals gelu_product_measured
cpu_family cpu_model cpu_stepping cpu_count cpu_uniform"

cat >"$run.py" <<'PY'
import re, sys
hdr, unitless = open(sys.argv[1]).read().splitlines(), set(sys.argv[2].split())
stack, objs = [], {}   # stack of (kind, path); objs: path -> (kind, {attr: numeric})
attr = None
for line in hdr:
    m = re.match(r'\s*(GROUP|DATASET|ATTRIBUTE) "([^"]*)" \{', line)
    if m:
        kind, name = m.groups()
        parent = stack[-1][1] if stack else ""
        if kind == "ATTRIBUTE":
            attr = (parent, name)
            objs[parent][1][name] = None
        else:
            path = "/" if name == "/" else parent.rstrip("/") + "/" + name
            objs[path] = (kind, {})
        stack.append((kind, parent if kind == "ATTRIBUTE" else path))
        continue
    m = re.match(r'\s*DATATYPE\s+(\S+)', line)
    if m and attr is not None and stack and stack[-1][0] == "ATTRIBUTE":
        objs[attr[0]][1][attr[1]] = m.group(1).startswith(("H5T_STD_", "H5T_IEEE_"))
        attr = None
        continue
    if re.match(r'\s*\}\s*$', line) and stack:
        # closing braces also end DATATYPE/DATASPACE blocks: pop only when
        # the indentation matches the opening of the innermost object
        depth = (len(line) - len(line.lstrip())) // 3
        if depth == len(stack) - 1:
            stack.pop()
bad = []
for path, (kind, attrs) in objs.items():
    if kind == "DATASET" and "units" not in attrs and not path.endswith("/trace_mark"):
        bad.append(path + ": dataset without units")
    for name, numeric in attrs.items():
        if numeric and name not in unitless and name + "_units" not in attrs:
            bad.append("%s@%s: numeric attribute without %s_units" % (path, name, name))
print("%d objects, %d numeric attributes checked" %
      (len(objs), sum(1 for _, a in objs.values() for v in a.values() if v)))
if bad:
    sys.exit("\n".join(bad))
PY
jf_check "every numeric attribute has NAME_units (or is a count, flag or ratio), every dataset units" \
    python3 "$run.py" "$run.hdr" "$unitless"
grep -c 'ATTRIBUTE "[a-z_]*_units"' "$run.hdr" | sed 's/^/units attributes: /'
jf_check "the parse saw the node's domain_joules and the losses" \
    sh -c 'grep -q "ATTRIBUTE \"domain_joules_units\"" "$1" && grep -q "ATTRIBUTE \"loss_last_units\"" "$1"' sh "$run.hdr"

# the trace's columns and units: string arrays, one per column
strings() {  # FILE OBJECT ATTRIBUTE: the attribute's strings, one a line
    h5dump -a "$2/$3" "$1" 2>/dev/null | sed -n '/DATA {/,/}/p' | grep -o '"[^"]*"' |
        tr -d '"' | sed 's/\\000//g'
}
strings "$run.h5" /energy/node_0000/trace columns >"$run.cols"
strings "$run.h5" /energy/node_0000/trace column_units >"$run.units"
echo "columns: $(tr '\n' ' ' <"$run.cols")/ units: $(tr '\n' ' ' <"$run.units")"
# the order is the file's own (the comma-joined `domains`); the JSON
# summary's domains object is keyed by name
h5dump -a /energy/node_0000/domains "$run.h5" | sed -n 's/^ *(0): "\(.*\)"$/\1/p' | tr ',' '\n' |
    sed '1i time' >"$run.want"
jf_check "trace columns: time, then the node's domains in order" cmp -s "$run.cols" "$run.want"
jf_check "as many domains as the run's JSON has ($(jq '.energy.nodes[0].domains | length' "$run.json"))" \
    test "$(sed 1d "$run.want" | wc -l)" -eq "$(jq '.energy.nodes[0].domains | length' "$run.json")"
jf_check "trace column units: s, then J for each domain" \
    sh -c 'test "$(tr "\n" " " <"$1")" = "s $(sed 1d "$2" | sed "s/.*/J/" | tr "\n" " ")"' sh "$run.units" "$run.cols"
ncols=$(h5dump -H -d /energy/node_0000/trace "$run.h5" | sed -n 's/.*DATASPACE  SIMPLE { ( [0-9]*, \([0-9]*\) ).*/\1/p')
jf_check "one name per trace column ($ncols)" test "$(wc -l <"$run.cols")" -eq "${ncols:-0}"
strings "$run.h5" /energy/node_0000 domain_scope_list >"$run.scopes"
sed 1d "$run.cols" | paste - "$run.scopes" | sort >"$run.pairs"
jq -r '.energy.nodes[0].domains | to_entries[] | "\(.key)\t\(.value.scope)"' "$run.json" | sort >"$run.wantpairs"
jf_check "domain_scope_list: each domain's scope, one string each" cmp -s "$run.pairs" "$run.wantpairs"
jf_cli "$jf_tmp/dom" report --format json --table domains "$run.h5"
jf_expect_rc 0 "report --table domains"
jf_jq2 "$jf_tmp/dom.out" "$run.json" '([$a.rows[] | [.domain, .scope]] | sort) == ([$b.energy.nodes[0].domains | to_entries[] | [.key, .value.scope]] | sort)' \
    "the domains table has the scopes the file lists"
jf_done
