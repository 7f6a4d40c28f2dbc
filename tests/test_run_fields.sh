#!/bin/sh
# test_run_fields: one table (src/out/jf_run_fields.c) lists the run's
# configuration fields for both writers. (a) Its /config names are exactly
# the attributes results/SCHEMA.md's /config section names. (b) Two real
# 2-rank runs (a preset; --params and --tokens) write exactly the table's
# attributes and units to /config, the known shape, N and D, and for every
# field both outputs have, the same value in /config and in the JSON
# summary, with the JSON type the table gives.
# shellcheck source=jf_testlib.sh disable=SC2016 # backquotes in SCHEMA.md are meant
. "${JF_TESTLIB:?run through make check}"
jf_require_mpi
jf_require_jq
command -v h5dump >/dev/null 2>&1 || jf_skip "h5dump not found (install-deps installs hdf5-tools)"
list=${JF_TOP_BUILDDIR:?run through make check}/tests/jf_run_fields_list
[ -x "$list" ] || jf_hard_error "$list is missing (make check builds it)"
tab=$(printf '\t')

"$list" >"$jf_tmp/table" || jf_hard_error "$list failed"
awk -F"$tab" '$2 == "hdf5" {print $1}' "$jf_tmp/table" | sort >"$jf_tmp/table.names"

# (a) SCHEMA.md's /config section: its `names`, less the values it quotes
# (optimizer sgd, precisions, peak kinds, units, the _units suffix).
awk '/^## `\/config`/ {on = 1; next} /^## / {on = 0} on' "$JF_TOP_SRCDIR/results/SCHEMA.md" |
    grep -o '`[^`]*`' | tr -d '`' | grep -E '^[A-Za-z_][A-Za-z0-9_]*$' |
    grep -vxE 'sgd|fp32|fp64|bf16|FMA|GEMM|B|s|nat|_units' | sort -u >"$jf_tmp/schema.names"
undocumented=$(comm -23 "$jf_tmp/table.names" "$jf_tmp/schema.names" | tr '\n' ' ')
jf_check "every /config field of the table is in SCHEMA.md's /config section${undocumented:+ (missing: $undocumented)}" \
    test -z "$undocumented"
untabled=$(comm -13 "$jf_tmp/table.names" "$jf_tmp/schema.names" | tr '\n' ' ')
jf_check "every /config attribute SCHEMA.md documents is in the table${untabled:+ (not in it: $untabled)}" \
    test -z "$untabled"

# h5dump -A of /config as "name<TAB>type<TAB>value" lines (scalars; an empty
# string, stored as one NUL, as nothing).
config_attrs() {
    h5dump -m '%.17g' -A -g /config "$1" | awk '
        /^ *ATTRIBUTE "/ { n = $0; sub(/^ *ATTRIBUTE "/, "", n); sub(/" \{$/, "", n); t = "" }
        /^ *DATATYPE/ && t == "" { t = $2 }
        /^ *\(0\): / { v = $0; sub(/^ *\(0\): /, "", v); gsub(/^"|"$/, "", v)
                       if (v == "\\000") v = ""
                       printf "%s\t%s\t%s\n", n, t, v }'
}

# h5 NAME / js NAME: the value in /config / in the JSON summary ($run).
h5() { awk -F"$tab" -v n="$1" '$1 == n {print $3}' "$run.attrs"; }
js() { jq -r --arg k "$1" '.[$k]' "$run.json"; }
# shellcheck disable=SC2317 # run by jf_check
same_number() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 == b + 0 && a != "" && b != "") }'; }

# check_run NAME ARGS...: run, then compare /config, the table and the JSON.
check_run() {
    run=$jf_tmp/$1
    shift
    jf_mpi 2 "$run" "$@" --energy none --output "$run.h5" --summary-json "$run.json"
    jf_expect_rc 0 "2 ranks, $*" || return 1
    config_attrs "$run.h5" >"$run.attrs"
    grep -v "^[^$tab]*_units$tab" "$run.attrs" | cut -f1 | sort >"$run.names"
    jf_check "/config has the table's attributes, no more, no fewer" \
        cmp -s "$run.names" "$jf_tmp/table.names"
    while IFS=$tab read -r name where json units type; do
        [ "$where" = hdf5 ] || continue
        had=$(awk -F"$tab" -v n="$name" '$1 == n {print $2}' "$run.attrs")
        jf_check "$name is $type in /config (is $had)" test "$had" = "$type"
        got=$(awk -F"$tab" -v n="${name}_units" '$1 == n {print $3}' "$run.attrs")
        case $units in
        -) jf_check "$name has no _units" test -z "$got" ;;
        "(peak)")
            kind=$(h5 peak_kind)
            case $got in
            "FLOP/s (measured $kind peak"*) jf_pass "${name}_units names the $kind peak" ;;
            *) jf_fail "${name}_units is '$got', peak_kind '$kind'" ;;
            esac
            jf_checks=$((jf_checks + 1))
            ;;
        *) jf_check "${name}_units is '$units' (is '$got')" test "$got" = "$units" ;;
        esac
        [ "$json" = - ] && continue
        a=$(h5 "$name")
        b=$(js "$name")
        case $json in
        integer)
            jf_jq "$run.json" ".\"$name\" | type == \"number\" and . == floor" "JSON $name is an integer"
            jf_check "$name: /config $a, JSON $b" test "$a" = "$b"
            ;;
        number)
            jf_jq "$run.json" ".\"$name\" | type == \"number\"" "JSON $name is a number"
            jf_check "$name: /config $a, JSON $b" same_number "$a" "$b"
            ;;
        loss) # finite in these runs: JSON's -1 stands for a non-finite loss
            jf_jq "$run.json" ".\"$name\" | type == \"number\"" "JSON $name is a number"
            jf_check "$name: /config $a, JSON $b (finite)" same_number "$a" "$b"
            ;;
        boolean)
            jf_jq "$run.json" ".\"$name\" | type == \"boolean\"" "JSON $name is a boolean"
            jf_check "$name: /config $a, JSON $b" test "$([ "$a" = 1 ] && echo true || echo false)" = "$b"
            ;;
        string)
            jf_jq "$run.json" ".\"$name\" | type == \"string\"" "JSON $name is a string"
            jf_check "$name: /config '$a', JSON '$b'" test "$a" = "$b"
            ;;
        esac
    done <"$jf_tmp/table"
}

# tiny: 2 layers of d_model 64, so N = 12 * 2 * 64^2 = 98304; D = 2 steps
# of 4 sequences of 32 tokens on 2 ranks = 512
if check_run tiny --preset tiny --steps 2 --warmup 0; then
    for want in preset=tiny layers=2 d_model=64 heads=2 ctx=32 ff=256 vocab=64 batch=4 \
        steps=2 steps_done=2 ranks=2 nodes=1 N=98304 N_target=0 D=512 D_target=0 \
        optimizer=sgd precision=fp32 energy_request=none; do
        jf_check "/config $want (is $(h5 "${want%%=*}"))" test "$(h5 "${want%%=*}")" = "${want#*=}"
    done
fi
# --params: preset is empty; --tokens 200 at 2 x 16 tokens on 2 ranks a step
# rounds up to 4 steps, D = 256
if check_run params --params 50k --ctx 16 --vocab 64 --batch 2 --tokens 200 --warmup 0; then
    for want in preset= N_target=50000 D_target=200 steps=4 D=256 ctx=16; do
        jf_check "/config $want (is $(h5 "${want%%=*}"))" test "$(h5 "${want%%=*}")" = "${want#*=}"
    done
    jf_jq "$run.json" '.preset == "" and .N_target == 50000 and .D == 256' \
        "JSON preset empty, N_target 50000, D 256"
fi
jf_done
