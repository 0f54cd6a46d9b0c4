# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/lib.sh - what the randomized torture scripts share (sourced, not run).
#
# bench_args NAME DEFAULT_RUNS ARGS...: parse the common options into runs, sample, only,
# verbose and seed (SEED= in the environment; a random one by default), check them, and check
# that $vdpactl and $lib (the fake kernel) exist. Prints "NAME: ..." and exits 2 on a usage
# error; --help prints the calling script's header comment.
bench_args() {
	local name=$1
	runs=$2 sample=0 only=0 verbose=0 seed=${SEED:-}
	shift 2
	while (($#)); do
		case $1 in
		-n | --runs) runs=${2:-}; shift ;;
		--runs=*) runs=${1#*=} ;;
		--sample) sample=1 runs=${2:-}; shift ;;
		--sample=*) sample=1 runs=${1#*=} ;;
		--seed) seed=${2:-}; shift ;;
		--seed=*) seed=${1#*=} ;;
		--run) only=${2:-}; shift ;;
		--run=*) only=${1#*=} ;;
		-v | --verbose) verbose=1 ;;
		-h | --help) sed -n '3,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
		*) bench_die "$name" "unknown argument '$1' (see --help)" ;;
		esac
		shift
	done
	[[ $runs =~ ^[0-9]+$ && $runs -gt 0 ]] || bench_die "$name" "bad number of runs '$runs'"
	((sample || runs >= 100)) || bench_die "$name" "a full run has at least 100 runs (use --sample N for fewer)"
	[[ -z $seed ]] && seed=$RANDOM
	[[ $seed =~ ^[0-9]+$ ]] || bench_die "$name" "bad seed '$seed'"
	[[ $only =~ ^[0-9]+$ && $only -le $runs ]] || bench_die "$name" "bad --run '$only'"
	[[ -x $vdpactl ]] || bench_die "$name" "$vdpactl: not built (make)"
	[[ -f $lib ]] || bench_die "$name" "$lib: not built (make tests/fake/libfakevdpa.so)"
	command -v jq >/dev/null || bench_die "$name" "jq is needed"
}

bench_die() {
	echo "$1: $2" >&2
	exit 2
}
