#!/bin/bash
# scaling.sh -- submit weak- and strong-scaling series of jflop runs over
# node counts, one after another (Slurm dependencies), and a last job that
# runs `jflop report` over each series once the runs have ended.
#
# Strong scaling: the same N and D on every node count (each run does the
# whole D). Weak scaling: D grows with the node count (D per node fixed).
# Every run is jobscripts/jflop.sbatch, so its environment applies
# (JFLOP_PRECISION, JFLOP_ENERGY, JFLOP_LAUNCHER, JFLOP_ARGS, ...).
#
# Usage: jobscripts/scaling.sh [OPTIONS] [-- SBATCH_OPTIONS...]
#   --nodes "1 2 4 8"   node counts [1 2 4 8]
#   --mode weak|strong|both   which series [both]
#   --params N          model size N [25M]
#   --tokens D          strong: D of every run; weak: D per node [20M]
#   --outdir DIR        the series go to DIR/strong and DIR/weak
#                       [results/scaling-<UTC time>]
#   --parallel          do not chain the runs (they may then share the
#                       machine's power and network with each other)
#   --dry-run           print the sbatch commands, submit nothing
# SBATCH_OPTIONS go to every sbatch (e.g. --partition=p --account=a
# --ntasks-per-node=8 --cpus-per-task=4 --time=01:00:00).
#
# What to edit: nothing; options above. jflop and jflop-run are the ones
# installed with this script (make install), else taken from PATH, else from
# this checkout's src/; JFLOP and JFLOP_RUN override.
#
# Example:
#   jobscripts/scaling.sh --nodes "1 2 4" --params 85M --tokens 40M \
#       -- --partition=compute --ntasks-per-node=4 --cpus-per-task=8
#   # when the report job has ended:
#   cat results/scaling-*/report-strong/*.txt
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
nodes="1 2 4 8"
mode=both
params=25M
tokens=20M

[ -r "$here/jf-jobscript-lib.sh" ] || {
	echo "$(basename "$0"): $here/jf-jobscript-lib.sh is missing (keep this script beside it, as make install does)" >&2
	exit 2
}
# usage, die, the options, jf_find_programs, submit
# shellcheck source-path=SCRIPTDIR source=jf-jobscript-lib.sh
. "$here/jf-jobscript-lib.sh"
jf_parse_options "nodes mode params tokens" "$@"

case $mode in
weak) series=(weak) ;;
strong) series=(strong) ;;
both) series=(strong weak) ;;
*) die "--mode '$mode': use weak, strong or both" ;;
esac
read -r -a node_counts <<<"$nodes"
[[ ${#node_counts[@]} -gt 0 ]] || die "--nodes is empty"
for n in "${node_counts[@]}"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "--nodes: '$n' is not a positive node count"
done
# D per node for weak scaling: a plain count or one with a k/M/G/T suffix
[[ $tokens =~ ^([0-9]+)([kMGT]?)$ ]] || die "--tokens '$tokens': an integer with an optional k/M/G/T suffix"
token_count=${BASH_REMATCH[1]}
token_suffix=${BASH_REMATCH[2]}
jf_find_programs

prev=
for s in "${series[@]}"; do
	ids=()
	# Slurm opens the --output files: their folder must exist first
	((dry)) || mkdir -p "$outdir/$s" || die "cannot create '$outdir/$s'"
	for n in "${node_counts[@]}"; do
		d=$tokens
		[[ $s == strong ]] || d=$((token_count * n))$token_suffix
		dep=()
		[[ $chain -eq 0 || -z $prev ]] || dep=(--dependency="afterany:$prev")
		submit -- ${dep[@]+"${dep[@]}"} --nodes="$n" --job-name="jflop-$s-$n" \
			--output="$outdir/$s/jflop-%j.out" \
			--export="ALL,JFLOP_PARAMS=$params,JFLOP_TOKENS=$d,JFLOP_OUTDIR=$outdir/$s" \
			"${sbatch_opts[@]}" "$here/jflop.sbatch"
		echo "scaling.sh: $s, $n node(s), N $params, D $d: job $last_id"
		ids+=("$last_id")
		prev=$last_id
	done
	# the report runs whatever became of the runs (afterany): a failed run is
	# listed as failed rather than holding the report back forever
	deps=$(IFS=:; echo "${ids[*]}")
	submit -- --dependency="afterany:$deps" --nodes=1 --ntasks=1 --job-name="jflop-report-$s" \
		--output="$outdir/report-$s.out" "${sbatch_opts[@]}" \
		--wrap="$(printf '%q ' "$jflop" report --out "$outdir/report-$s" "$outdir/$s")"
	echo "scaling.sh: $s report: job $last_id -> $outdir/report-$s/"
done
