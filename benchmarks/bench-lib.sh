# bench-lib.sh: what the shell benchmarks share (sourced, not run).
# The launcher, programs and knobs come from the environment that
# `make bench` (run-bench) sets; each has a default for running by hand
# from benchmarks/ in the build tree.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
launcher=${JF_MPIRUN:-$here/../tests/jf-mpirun}
run=${JFLOP_RUN:-../src/jflop-run}
jflop=${JFLOP:-../src/jflop}
feeder=${JF_FEEDER:-../tests/jf_feeder}
ranks=${JF_BENCH_RANKS:-2}
reps=${JF_BENCH_REPS:-5}
quick=${JF_BENCH_QUICK:-0}
[ "$quick" = 0 ] || reps=${JF_BENCH_REPS:-1}

# Open MPI's binding flags, empty for other launchers (srun and Hydra bind
# by their own options, which the user sets in MPIRUN).
if "$launcher" --version 2>&1 </dev/null | grep -q -e 'Open MPI' -e 'OpenRTE'; then
  bind_core=(--bind-to core)
  bind_none=(--bind-to none)
else
  bind_core=()
  bind_none=()
fi

# median of numbers on stdin, one or more per line
median() {
  tr ' ' '\n' | { grep -v '^$' || true; } | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "null"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# seconds since the epoch, with nanoseconds
now() { date +%s.%N; }

# bench_row ID SECTION NAME MEASURED UNIT WHAT REFERENCE UNIT WHAT RATIO OP TARGET ON
# prints one row of the merged table as JSON (see bench_row.h); an empty
# number is null, an empty OP means information only.
bench_row() {
  local n
  for n in "$4" "$7" "${10}" "${12}"; do
    [ -z "$n" ] || [ "$n" = null ] || awk -v x="$n" 'BEGIN { exit !(x == x + 0) }' ||
      { echo "bench_row: '$n' is not a number ($1)" >&2; return 1; }
  done
  jq -n --arg id "$1" --arg section "$2" --arg name "$3" \
    --argjson measured "${4:-null}" --arg mu "$5" --arg mw "$6" \
    --argjson reference "${7:-null}" --arg ru "$8" --arg rw "$9" \
    --argjson ratio "${10:-null}" --arg op "${11}" --argjson target "${12:-null}" \
    --arg on "${13:-ratio}" \
    '{id: $id, section: $section, name: $name, measured: $measured, measured_unit: $mu,
      measured_what: $mw, reference: $reference, reference_unit: $ru, reference_what: $rw,
      ratio: $ratio, target_op: (if $op == "" then null else $op end),
      target: (if $op == "" then null else $target end), target_on: $on}'
}

# ratio A B: A / B with full precision, or null when B is 0 or missing
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a == "null" || b == "null") print "null"; else printf "%.10g\n", a / b }'
}

# placed_run JSON NP THREADS BIND ENV... -- JFLOP-RUN-FLAGS...
# one jflop-run with NP ranks of THREADS threads; BIND is core, none, pe2
# (Open MPI's --map-by slot:PE=2 --bind-to core: each rank bound to 2 cores)
# or default (the launcher's own choice); THREADS "-" leaves --threads out
# (jflop-run then takes OMP_NUM_THREADS); ENV (VAR=value words) is set for the
# ranks through env(1). Writes the summary JSON; returns jflop-run's status.
placed_run() {
  local json=$1 np=$2 threads=$3 bind=$4
  shift 4
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  local flags=()
  case $bind in
    core) flags=(${bind_core[@]+"${bind_core[@]}"}) ;;
    none) flags=(${bind_none[@]+"${bind_none[@]}"}) ;;
    pe2) [ ${#bind_core[@]} -eq 0 ] || flags=(--map-by slot:PE=2 --bind-to core) ;;
  esac
  local th=(--threads "$threads")
  [ "$threads" != - ] || th=()
  "$launcher" -np "$np" ${flags[@]+"${flags[@]}"} env ${envs[@]+"${envs[@]}"} \
    "$run" ${th[@]+"${th[@]}"} --energy none --output none --summary-json "$json" "$@" \
    </dev/null >/dev/null 2>"$json.err"
}

# preset_batch NAME: the preset's batch per rank (jflop-run --list-presets)
preset_batch() {
  "$run" --list-presets | awk -v p="$1" '$1 == p { print $8 }'
}
