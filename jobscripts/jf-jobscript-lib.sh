# shellcheck shell=bash disable=SC2034 # chain, sbatch_opts: for the script that sources this
# jf-jobscript-lib.sh -- what scaling.sh and quality.sh share, sourced by
# them from their own folder (this checkout's jobscripts/, or the installed
# copy beside them): their options and --help, one-line errors, finding
# jflop and jflop-run, and submitting with sbatch. Not run on its own.

# the script's header, from line 2 to `set -euo pipefail`, as its usage
usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0"
}
# one line naming the script, exit 2
die() {
	echo "${0##*/}: $*" >&2
	exit 2
}
need_value() {
	[[ $# -ge 2 && -n $2 ]] || die "option '$1' needs a value (see --help)"
}

# The options every script has, with their defaults: --outdir DIR
# [results/SCRIPT-<UTC time>], --parallel (chain=0), --dry-run (dry=1).
outdir=
chain=1
dry=0
# jf_parse_options "NAME..." ARGS...: the script's own options --NAME
# VALUE, each into the variable NAME (dashes as underscores), and the
# shared ones; what follows -- in sbatch_opts. Then outdir made absolute.
jf_parse_options() {
	local own=" $1 " opt
	shift
	while [[ $# -gt 0 ]]; do
		case $1 in
		--outdir) need_value "$@"; outdir=$2; shift 2 ;;
		--parallel) chain=0; shift ;;
		--dry-run) dry=1; shift ;;
		-h | --help) usage; exit 0 ;;
		--) shift; break ;;
		*)
			opt=${1#--}
			[[ $1 == --* && $own == *" $opt "* ]] || die "unknown option '$1' (see --help)"
			need_value "$@"
			printf -v "${opt//-/_}" '%s' "$2"
			shift 2
			;;
		esac
	done
	sbatch_opts=("$@")
	[[ -n $outdir ]] || outdir=results/$(basename "$0" .sh)-$(date -u +%Y%m%dT%H%M%SZ)
	outdir=$(realpath -m "$outdir")
}

# jf_find_programs: sets jflop and exports JFLOP_RUN (for jflop.sbatch).
# The installed programs beside an installed copy of this file (`make
# install` sets jflop_bindir), else on PATH, else this checkout's build
# (jobscripts/../src); JFLOP and JFLOP_RUN override.
jflop_bindir=
jf_find_programs() {
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	if [[ -n $jflop_bindir ]]; then
		jflop=${JFLOP:-$jflop_bindir/jflop}
		export JFLOP_RUN=${JFLOP_RUN:-$jflop_bindir/jflop-run}
	else
		jflop=${JFLOP:-$(command -v jflop 2>/dev/null || echo "$here/../src/jflop")}
		if [[ -z ${JFLOP_RUN:-} ]] && ! command -v jflop-run >/dev/null 2>&1; then
			export JFLOP_RUN=$here/../src/jflop-run
		fi
	fi
	[[ -x $jflop ]] || die "jflop not found at '$jflop': set JFLOP or put jflop on PATH"
}

# submit [VAR=VALUE...] -- SBATCH_ARGS...: sbatch --parsable with that
# environment (sbatch passes the caller's environment to the job), its job
# id in last_id; on --dry-run the command printed and a made-up id
last_id=
submit() {
	local vars=()
	while [[ $1 != -- ]]; do
		vars+=("$1")
		shift
	done
	shift
	if ((dry)); then
		((${#vars[@]} == 0)) || printf '%q ' env ${vars[@]+"${vars[@]}"}
		printf '%q ' sbatch "$@"
		echo
		last_id=dry$RANDOM
	else
		last_id=$(env ${vars[@]+"${vars[@]}"} sbatch --parsable "$@") || die "sbatch failed: sbatch $*"
		last_id=${last_id%%;*}
	fi
}
