#!/bin/bash
# quality.sh -- submit a precision x model-size grid of jflop runs that each
# train to a common validation loss (--target-loss), one after another
# (Slurm dependencies), and a last job that runs `jflop report` over them:
# the quality table (energy and time to target, best validation loss, bits
# compressed per kJ, GFLOPS/W, the Pareto front) and the plots of
# validation loss against energy and of energy to target against N.
#
# Every run is jobscripts/jflop.sbatch, so its environment applies
# (JFLOP_ENERGY, JFLOP_LAUNCHER, ...); JFLOP_PRESET, JFLOP_PARAMS,
# JFLOP_PRECISION, JFLOP_TOKENS, JFLOP_STEPS and JFLOP_ARGS are set here.
#
# Usage: jobscripts/quality.sh [OPTIONS] [-- SBATCH_OPTIONS...]
#   --precisions "fp64 fp32 bf16"  precisions [fp64 fp32 bf16]
#   --sizes "1M 4M"     model sizes: N (k/M/G suffixes) on --preset's data,
#                       or preset names [1M 4M]
#   --preset NAME       vocabulary, context and batch of N-sized runs [default]
#   --target-loss L     the common target, nats per token [2.0]
#   --eval-every K      validation every K steps [10]
#   --max-steps N       give up after N steps [jflop-run's: 10000]
#   --run-args "..."    more jflop-run flags for every run []
#   --outdir DIR        runs in DIR/runs, the report in DIR/report and
#                       DIR/plots [results/quality-<UTC time>]
#   --parallel          do not chain the runs (they may then share the
#                       machine's power with each other)
#   --dry-run           print the sbatch commands, submit nothing
# SBATCH_OPTIONS go to every sbatch (e.g. --partition=p --time=01:00:00).
#
# What to edit: nothing; options above. jflop is the one installed with this
# script (make install), else taken from PATH, else this checkout's src/;
# JFLOP overrides.
#
# Example:
#   jobscripts/quality.sh --sizes "1M 4M 16M" --target-loss 2.0 -- --partition=compute
#   # when the report job has ended:
#   cat results/quality-*/report.out
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
precisions="fp64 fp32 bf16"
sizes="1M 4M"
preset=default
target_loss=2.0
eval_every=10
max_steps=
run_args=

[ -r "$here/jf-jobscript-lib.sh" ] || {
	echo "$(basename "$0"): $here/jf-jobscript-lib.sh is missing (keep this script beside it, as make install does)" >&2
	exit 2
}
# usage, die, the options, jf_find_programs, submit
# shellcheck source-path=SCRIPTDIR source=jf-jobscript-lib.sh
. "$here/jf-jobscript-lib.sh"
jf_parse_options "precisions sizes preset target-loss eval-every max-steps run-args" "$@"

read -r -a precs <<<"$precisions"
read -r -a size_list <<<"$sizes"
[[ ${#precs[@]} -gt 0 ]] || die "--precisions is empty"
[[ ${#size_list[@]} -gt 0 ]] || die "--sizes is empty"
for p in "${precs[@]}"; do
	case $p in fp64 | fp32 | bf16) ;; *) die "--precisions: '$p' is not fp64, fp32 or bf16" ;; esac
done
[[ $target_loss =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--target-loss '$target_loss': a loss in nats per token, e.g. 2.0"
[[ $eval_every =~ ^[1-9][0-9]*$ ]] || die "--eval-every '$eval_every': a positive step count"
[[ -z $max_steps || $max_steps =~ ^[1-9][0-9]*$ ]] || die "--max-steps '$max_steps': a positive step count"
jf_find_programs

common="--target-loss $target_loss --eval-every $eval_every${max_steps:+ --max-steps $max_steps}"

((dry)) || mkdir -p "$outdir/runs" || die "cannot create '$outdir/runs'"
ids=()
prev=
for p in "${precs[@]}"; do
	for s in "${size_list[@]}"; do
		# an N sizes the model on --preset's data; a name is a preset
		if [[ $s =~ ^[0-9]+[kMG]?$ ]]; then
			shape=(JFLOP_PRESET= "JFLOP_PARAMS=$s" "JFLOP_ARGS=--preset $preset $common $run_args")
		else
			shape=("JFLOP_PRESET=$s" JFLOP_PARAMS= "JFLOP_ARGS=$common $run_args")
		fi
		dep=()
		[[ $chain -eq 0 || -z $prev ]] || dep=(--dependency="afterany:$prev")
		submit "${shape[@]}" "JFLOP_PRECISION=$p" JFLOP_TOKENS= JFLOP_STEPS= \
			"JFLOP_OUTDIR=$outdir/runs" -- ${dep[@]+"${dep[@]}"} --job-name="jflop-q-$p-$s" \
			--output="$outdir/runs/jflop-%j.out" "${sbatch_opts[@]}" "$here/jflop.sbatch"
		echo "quality.sh: $p, size $s, target $target_loss: job $last_id"
		ids+=("$last_id")
		prev=$last_id
	done
done
# the report runs whatever became of the runs (afterany): a run that failed
# or never reached its target is listed as such
deps=$(IFS=:; echo "${ids[*]}")
report=$(printf '%q ' "$jflop" report --out "$outdir/report" --plot "$outdir/plots" "$outdir/runs")
table=$(printf '%q ' "$jflop" report --table quality "$outdir/runs")
submit -- --dependency="afterany:$deps" --nodes=1 --ntasks=1 \
	--job-name=jflop-quality-report --output="$outdir/report.out" "${sbatch_opts[@]}" \
	--wrap="$report && $table"
echo "quality.sh: report: job $last_id -> $outdir/report.out, $outdir/report/, $outdir/plots/"
