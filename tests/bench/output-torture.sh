#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# output-torture.sh - randomized torture of vdpactl's output paths under the fake kernel:
# concurrent runs, a full disk, a reader that goes away.
#
#   tests/bench/output-torture.sh [-n RUNS] [--seed S] [--run R] [-v]     (full run, RUNS >= 100)
#   tests/bench/output-torture.sh --sample N [--seed S] [--run R] [-v]    (N runs, fewer processes)
#   SEED=S tests/bench/output-torture.sh ...                              (replay a seed)
#
# Each run picks at random a part (a, b or c), a command of the table CMDS below that the part
# uses, and a scenario, and compares with a SOLO run: the same scenario and command, alone,
# stdout to a file (computed once per pair and cached for the whole invocation).
#
#   a. concurrent: K processes of the command at once (K 2-8; --sample: 2-4), sharing one
#      TMPDIR. Each exits with the solo run's code, and its stdout is the solo run's apart from
#      what changes from run to run: JSON through tests/conformance-ignore.jq (the one list:
#      .time, .host.boot_id, every duration_us, the IOVAs the data path chose, the wait of the
#      informational data-path run), with the host's name and machine id compared all the same;
#      Prometheus text without the lines vdpactl_last_run_timestamp_seconds and
#      vdpactl_run_duration_seconds; other text identical but for the IOVAs and that wait
#      (VOLATILE_TEXT). metrics --output=FILE: the K processes write the same file; afterwards it
#      is the solo run's file (same rule) and the directory holds nothing else (no temporary file).
#   b. /dev/full: `vdpactl ARGS > /dev/full`. When the solo run writes to stdout: the exit code
#      is the solo run's when that is not 0, else 1, and stderr is the solo run's stderr plus
#      exactly one line "vdpactl: standard output: write: No space left on device" (--help and
#      --version included). When the solo run writes nothing to stdout (-q, --output): the
#      solo run's exit code and stderr.
#   c. closed pipe: `vdpactl ARGS | head -c 1` or `vdpactl ARGS | (exec 0<&-)`, mostly on a
#      generated host of 128 devices (tests/fake/gen-scenario.py host 128: 100-300 KB of output),
#      vdpactl started with the default SIGPIPE action (env --default-signal=PIPE). SIGPIPE must
#      stay the Unix default: vdpactl dies of SIGPIPE (status 141), or exits with the solo run's
#      code when it finished writing before the pipe closed; when the solo output is more than
#      twice a pipe's capacity (128 KiB) it cannot have, so only 141 is right. Never a hang
#      (SIGKILL after 10 s), never a line on stderr that the solo run does not print (no write
#      error for EPIPE).
#   In every part, the fake's log (FAKE_VDPA_LOG, one per process) of a process that exited
#   ends with "exit open_fds=0 tracked_open=0"; a process killed by SIGPIPE writes no exit line,
#   so then every successful `open /dev/vhost-vdpa-N` in its log has its `release` line.
#   Every process is bounded: SIGKILL after 10 s (solo runs: 20 s), counted as a violation.
#
# The end is one line "output-torture: R runs, V violations (seed S)"; exit 1 if V > 0, 2 on a
# usage error. One line per run with -v.
#
# Options and environment:
#   -n, --runs N     runs (default 150; at least 100 unless --sample)
#   --sample N       N runs, at most 4 concurrent processes (for the test suite)
#   --seed S, SEED=S the seed of bash's RANDOM (default: from $RANDOM); always printed
#   --run R          replay only run R of that seed (the picks of runs 1..R-1 are drawn, not run)
#   -v, --verbose    one line per run
#   VDPACTL          the binary (default ./vdpactl of this tree; copied first, so that a rebuild
#                    during the run cannot mix two binaries)
#   FAKE_LIB         the fake kernel (default tests/fake/libfakevdpa.so of this tree)
#   KEEP=1           keep the work directory (outputs and fake logs of every run) and print it
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vdpactl=${VDPACTL:-$root/vdpactl}
lib=${FAKE_LIB:-$root/tests/fake/libfakevdpa.so}
scen_dir=$root/tests/fake/scenarios
[[ $vdpactl == /* ]] || vdpactl=$PWD/$vdpactl
[[ $lib == /* ]] || lib=$PWD/$lib

ENOSPC_LINE="vdpactl: standard output: write: No space left on device"
# JSON: what tests/conformance-ignore.jq lists may differ, but for the machine's identity, which
# a concurrent run must print as the solo run does
IGNORE_JQ=$root/tests/conformance-ignore.jq
IDENTITY_JQ='[.host.hostname, .host.machine_id]'
# text: the same items as they appear in text: the IOVAs the data path chose (devices probed at
# once each hold a window of their own, in no fixed order: src/datapath.c, va_guard) and the
# informational data-path run's wait, 100 times its control round trip (dp_compat_wait)
VOLATILE_TEXT='s/at IOVA 0x[0-9a-f]+\.\./at IOVA X../; s/IOVA 0x[0-9a-f]+ \(a guard page/IOVA X (a guard page/
/(datapath_after_reset_compat|dp_compat_after_reset)/s/within [0-9.]+ s/within N s/'
VOLATILE_PROM='^(vdpactl_last_run_timestamp_seconds|vdpactl_run_duration_seconds)[ {]'

# scenarios of parts a and b; part c: the generated host h128 (3 in 5) or a small one
SCEN_AB=(sim-6.12 sim-6.1 vp-6.12 mlx5-6.12 liar-6.12 old-5.15 mixed-6.12 busy no-module empty)
SCEN_C=(h128 h128 h128 mixed-6.12 sim-6.12)
# command table: "PARTS|MODE|ARGS"; MODE json, text, prom (Prometheus on stdout) or promfile
# (Prometheus in the file @OUT@); PARTS: the parts that use it (c: no probe, h128 has 128 devices)
CMDS=(
	"abc|json|list -j"
	"abc|json|show --all -j"
	"abc|json|show --all -p"
	"ab|json|probe --all --timeout 0.3 -j"
	"ab|json|check -j"
	"ab|json|check --probe --timeout 0.3 --require iotlb_persist -j"
	"abc|json|features -j"
	"ab|json|show /dev/vhost-vdpa-9 -j"
	"abc|text|list"
	"abc|text|show --all"
	"abc|text|show --all -v"
	"ab|text|probe --all --timeout 0.3"
	"abc|text|check"
	"ab|text|check --probe --timeout 0.3"
	"ab|text|check -q"
	"abc|text|features"
	"ab|text|features net"
	"abc|text|--help"
	"ab|text|--version"
	"ab|text|show --help"
	"ab|prom|metrics"
	"abc|prom|metrics --from=show"
	"ab|promfile|metrics --from=show --output=@OUT@"
)

# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args output-torture 150 "$@"
command -v python3 >/dev/null || { echo "output-torture: python3 is needed (gen-scenario.py)" >&2; exit 2; }
[[ -w /dev/full ]] || { echo "output-torture: /dev/full is not writable" >&2; exit 2; }

replay_opts=()
if ((sample)); then
	replay_opts+=(--sample "$runs")
elif ((runs != 150)); then
	replay_opts+=(-n "$runs")
fi
echo "output-torture: seed $seed, $runs runs$( ((sample)) && echo ' (sample)'), $vdpactl"

work=$(mktemp -d "${TMPDIR:-/tmp}/output-torture.XXXXXX") || exit 2
# the fake builds each process's sysfs in TMPDIR: on tmpfs when there is one (h128 on this
# machine's disk costs 0.3 s per process)
ftmp=$work/ftmp
[[ -d /dev/shm && -w /dev/shm ]] && ftmp=$(mktemp -d /dev/shm/output-torture.XXXXXX 2>/dev/null || echo "$work/ftmp")
cleanup() {
	[[ $ftmp == "$work"/* ]] || rm -rf "$ftmp"
	if [[ ${KEEP:-0} == 1 ]]; then
		echo "output-torture: work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bin=$work/vdpactl
cp "$vdpactl" "$bin" || exit 2
"$root/tests/fake/gen-scenario.py" host 128 -o "$work/h128.json" || exit 2

scen_file() { [[ $1 == h128 ]] && echo "$work/h128.json" || echo "$scen_dir/$1.json"; }

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# normalize MODE FILE: what must be equal between a run and the solo run
normalize() {
	case $1 in
	json)
		[[ -s $2 ]] || return 0
		{ jq -c -f "$IGNORE_JQ" "$2" && jq -c "$IDENTITY_JQ" "$2"; } 2>/dev/null ||
			{ echo "NOT JSON:"; cat "$2"; }
		;;
	prom | promfile) grep -Ev "$VOLATILE_PROM" "$2" ;;
	*) sed -E "$VOLATILE_TEXT" "$2" ;;
	esac
}

# envs SCEN DIR LOG: the environment of one vdpactl process (sets the array ENVS)
envs() {
	ENVS=(TMPDIR="$2" FAKE_VDPA_SCENARIO="$(scen_file "$1")" FAKE_VDPA_LOG="$3" LD_PRELOAD="$lib")
}

# argv ARGS OUTFILE: the argument words, @OUT@ replaced (sets the array ARGV)
argv() {
	local a=${1//@OUT@/$2}
	read -ra ARGV <<<"$a"
}

# check_log LOG KILLED(0|1): the fake's log of one process; prints "KIND<TAB>message" lines
check_log() {
	local log=$1 killed=$2 last
	if [[ ! -s $log ]]; then
		((killed)) || printf 'fake-exit\tthe fake wrote no log\n'
		return 0
	fi
	if ((!killed)); then
		last=$(tail -n 1 "$log")
		[[ $last =~ ^exit\ open_fds=0\ tracked_open=0(\ |$) ]] ||
			printf 'fake-exit\tthe log ends with "%s", want "exit open_fds=0 tracked_open=0"\n' "$last"
		return 0
	fi
	# killed: every successful open of a node has its release
	awk '
		/^open \/dev\/vhost-vdpa-[0-9]+ / && / = [0-9]+$/ && !/O_PATH/ { n[$2]++ }
		/^release \/dev\/vhost-vdpa-[0-9]+:/ { d = $2; sub(/:$/, "", d); n[d]-- }
		END { for (d in n) if (n[d] > 0) printf "fake-release\t%s: %d open(s) without a release line\n", d, n[d] }
	' "$log"
}

# ---- solo runs: per (scenario, command), files in $work/solo/SCEN-CMDIDX ---------------------
# out, err, rc, norm (normalized stdout, or the file for promfile), size (bytes of stdout)
solo() {
	local scen=$1 ci=$2 dir=$work/solo/$1-$2 mode args rc v
	[[ -f $dir/rc ]] && return 0
	IFS='|' read -r _ mode args <<<"${CMDS[ci]}"
	mkdir -p "$dir/prom" "$ftmp/solo-$1-$2"
	envs "$scen" "$ftmp/solo-$1-$2" "$dir/fake.log"
	argv "$args" "$dir/prom/vdpactl.prom"
	timeout -s KILL 20 env --default-signal=PIPE "${ENVS[@]}" "$bin" "${ARGV[@]}" \
		</dev/null >"$dir/out" 2>"$dir/err"
	rc=$?
	echo "$rc" >"$dir/rc"
	if [[ $mode == promfile ]]; then
		normalize prom "$dir/prom/vdpactl.prom" >"$dir/norm" 2>/dev/null
	else
		normalize "$mode" "$dir/out" >"$dir/norm"
	fi
	stat -c %s "$dir/out" >"$dir/size"
	local -a bad=()
	((rc == 137)) && bad+=("solo-hang	still running after 20 s: killed")
	while IFS= read -r v; do [[ -n $v ]] && bad+=("solo-$v"); done < <(check_log "$dir/fake.log" 0)
	((${#bad[@]})) || return 0
	echo "output-torture: solo run $scen '$args' (seed $seed): ${#bad[@]} violation(s); exit $rc"
	for v in "${bad[@]}"; do
		echo "  VIOLATION seed=$seed solo ${v%%	*}: ${v#*	}"
		kinds[${v%%	*}]=$((${kinds[${v%%	*}]:-0} + 1))
	done
	violations=$((violations + ${#bad[@]}))
}

# ---- the parts; each fills the array VIOL with "KIND<TAB>message" ----------------------------
# part_a SCEN CMDIDX K RUNDIR
part_a() {
	local scen=$1 ci=$2 k=$3 rdir=$4 sdir=$work/solo/$1-$2 mode args i v rc f
	local -a pids=()
	IFS='|' read -r _ mode args <<<"${CMDS[ci]}"
	mkdir -p "$rdir/prom" "$ftmp/run-$r"
	for ((i = 1; i <= k; i++)); do
		envs "$scen" "$ftmp/run-$r" "$rdir/fake.$i.log"
		argv "$args" "$rdir/prom/vdpactl.prom"
		timeout -s KILL 10 env --default-signal=PIPE "${ENVS[@]}" "$bin" "${ARGV[@]}" \
			</dev/null >"$rdir/out.$i" 2>"$rdir/err.$i" &
		pids[i]=$!
	done
	for ((i = 1; i <= k; i++)); do
		{ wait "${pids[i]}"; } 2>/dev/null
		rc=$?
		if ((rc == 137)); then
			VIOL+=("hang	process $i of $k: still running after 10 s: killed")
			continue
		fi
		((rc == $(<"$sdir/rc"))) || VIOL+=("a-exit	process $i of $k exited $rc, the solo run $(<"$sdir/rc")")
		if [[ $mode == promfile ]]; then
			[[ -s $rdir/out.$i ]] && VIOL+=("a-stdout	process $i of $k: stdout not empty with --output: $(head -c 100 "$rdir/out.$i")")
		elif ! diff -q <(normalize "$mode" "$rdir/out.$i") "$sdir/norm" >/dev/null; then
			VIOL+=("a-stdout	process $i of $k: stdout differs from the solo run's: $(diff <(normalize "$mode" "$rdir/out.$i") "$sdir/norm" | head -6 | cut -c1-160 | tr '\n' '|')")
		fi
		while IFS= read -r v; do [[ -n $v ]] && VIOL+=("$v (process $i of $k)"); done < <(check_log "$rdir/fake.$i.log" 0)
	done
	if [[ $mode == promfile ]]; then
		if [[ ! -f $rdir/prom/vdpactl.prom ]]; then
			[[ -s $sdir/norm ]] && VIOL+=("a-file	no output file after $k concurrent runs")
		elif ! diff -q <(normalize prom "$rdir/prom/vdpactl.prom") "$sdir/norm" >/dev/null; then
			VIOL+=("a-file	the output file differs from the solo run's: $(diff <(normalize prom "$rdir/prom/vdpactl.prom") "$sdir/norm" | head -6 | cut -c1-160 | tr '\n' '|')")
		fi
		v=""
		for f in "$rdir"/prom/* "$rdir"/prom/.[!.]*; do
			[[ -e $f && ${f##*/} != vdpactl.prom ]] && v+="${f##*/} "
		done
		[[ -n $v ]] && VIOL+=("a-leftover	files left next to the output file: $v")
	fi
}

# part_b SCEN CMDIDX RUNDIR
part_b() {
	local scen=$1 ci=$2 rdir=$3 sdir=$work/solo/$1-$2 mode args rc want srel n v
	IFS='|' read -r _ mode args <<<"${CMDS[ci]}"
	mkdir -p "$rdir/prom" "$ftmp/run-$r"
	envs "$scen" "$ftmp/run-$r" "$rdir/fake.log"
	argv "$args" "$rdir/prom/vdpactl.prom"
	timeout -s KILL 10 env --default-signal=PIPE "${ENVS[@]}" "$bin" "${ARGV[@]}" \
		</dev/null >/dev/full 2>"$rdir/err"
	rc=$?
	if ((rc == 137)); then
		VIOL+=("hang	still running after 10 s: killed")
		return
	fi
	srel=$(<"$sdir/rc")
	if (($(<"$sdir/size") > 0)); then
		want=$srel
		((want == 0)) && want=1
		n=$(grep -cxF "$ENOSPC_LINE" "$rdir/err")
		((n == 1)) || VIOL+=("b-stderr	$n line(s) \"$ENOSPC_LINE\" on stderr, want exactly 1; stderr: $(head -c 300 "$rdir/err" | tr '\n' '|')")
		# the rest of stderr is the solo run's
		if ((n >= 1)) && ! diff -q <(awk -v l="$ENOSPC_LINE" '$0 == l && !done { done = 1; next } 1' "$rdir/err") "$sdir/err" >/dev/null; then
			VIOL+=("b-stderr	besides the write error, stderr differs from the solo run's: $(diff <(awk -v l="$ENOSPC_LINE" '$0 == l && !done { done = 1; next } 1' "$rdir/err") "$sdir/err" | head -6 | cut -c1-160 | tr '\n' '|')")
		fi
	else
		want=$srel
		diff -q "$rdir/err" "$sdir/err" >/dev/null ||
			VIOL+=("b-stderr	nothing to write on stdout, yet stderr differs from the solo run's: $(diff "$rdir/err" "$sdir/err" | head -6 | cut -c1-160 | tr '\n' '|')")
	fi
	((rc == want)) || VIOL+=("b-exit	exit $rc with stdout on /dev/full, want $want (solo run: exit $srel, $(<"$sdir/size") bytes of stdout)")
	while IFS= read -r v; do [[ -n $v ]] && VIOL+=("$v"); done < <(check_log "$rdir/fake.log" 0)
}

# part_c SCEN CMDIDX HOW(head|close) RUNDIR; sets C_OUTCOME
part_c() {
	local scen=$1 ci=$2 how=$3 rdir=$4 sdir=$work/solo/$1-$2 args st srel line killed=0
	IFS='|' read -r _ _ args <<<"${CMDS[ci]}"
	mkdir -p "$rdir/prom" "$ftmp/run-$r"
	envs "$scen" "$ftmp/run-$r" "$rdir/fake.log"
	argv "$args" "$rdir/prom/vdpactl.prom"
	if [[ $how == head ]]; then
		timeout -s KILL 10 env --default-signal=PIPE "${ENVS[@]}" "$bin" "${ARGV[@]}" \
			</dev/null 2>"$rdir/err" | head -c 1 >/dev/null
	else
		timeout -s KILL 10 env --default-signal=PIPE "${ENVS[@]}" "$bin" "${ARGV[@]}" \
			</dev/null 2>"$rdir/err" | (exec 0<&-)
	fi
	st=${PIPESTATUS[0]}
	srel=$(<"$sdir/rc")
	C_OUTCOME="exit $st"
	if ((st == 137)); then
		VIOL+=("hang	still running after 10 s: killed")
		return
	elif ((st == 141)); then
		killed=1 C_OUTCOME="SIGPIPE"
	elif ((st != srel)); then
		VIOL+=("c-exit	exit $st after the reader went away, want 141 (SIGPIPE) or the solo run's $srel")
	elif (($(<"$sdir/size") > 131072)); then
		VIOL+=("c-sigpipe	exited $st although $(<"$sdir/size") bytes cannot fit in a pipe whose reader went away: SIGPIPE ignored or blocked?")
	fi
	# stderr: only lines that the solo run prints too
	while IFS= read -r line; do
		grep -qxF -- "$line" "$sdir/err" ||
			VIOL+=("c-stderr	a line the solo run does not print: $line")
	done <"$rdir/err"
	while IFS= read -r v; do [[ -n $v ]] && VIOL+=("$v"); done < <(check_log "$rdir/fake.log" "$killed")
}

# ---- the runs --------------------------------------------------------------------------------
violations=0 done_runs=0 n_a=0 n_b=0 n_c=0 n_pipe=0 n_procs=0
declare -A kinds=()
t_start=$(now_ms)

# the commands of each part
declare -a CA=() CB=() CC=()
for ((i = 0; i < ${#CMDS[@]}; i++)); do
	p=${CMDS[i]%%|*}
	[[ $p == *a* ]] && CA+=("$i")
	[[ $p == *b* ]] && CB+=("$i")
	[[ $p == *c* ]] && CC+=("$i")
done

# 1. the picks of every run (the same number of draws per run, so that --run R replays run R)
RANDOM=$seed
declare -a P_part P_cmd P_scen P_k P_how
for ((r = 1; r <= runs; r++)); do
	P_part[r]=$((RANDOM % 3)) P_cmd[r]=$RANDOM P_scen[r]=$RANDOM P_k[r]=$RANDOM P_how[r]=$((RANDOM % 2))
done
first=1 last=$runs
((only)) && first=$only last=$only

for ((r = first; r <= last; r++)); do
	VIOL=()
	rdir=$work/run-$r
	case ${P_part[r]} in
	0)
		part=a ci=${CA[P_cmd[r] % ${#CA[@]}]} scen=${SCEN_AB[P_scen[r] % ${#SCEN_AB[@]}]}
		((sample)) && k=$((2 + P_k[r] % 3)) || k=$((2 + P_k[r] % 7))
		;;
	1) part=b ci=${CB[P_cmd[r] % ${#CB[@]}]} scen=${SCEN_AB[P_scen[r] % ${#SCEN_AB[@]}]} k=1 ;;
	*)
		part=c ci=${CC[P_cmd[r] % ${#CC[@]}]} scen=${SCEN_C[P_scen[r] % ${#SCEN_C[@]}]} k=1
		how="head"
		((P_how[r])) && how=close
		;;
	esac
	IFS='|' read -r _ mode args <<<"${CMDS[ci]}"
	solo "$scen" "$ci"
	t0=$(now_ms)
	if [[ $scen == h128 ]]; then
		byhand="(cd $(printf %q "$root") && tests/fake/gen-scenario.py host 128 -o /tmp/h128.json && FAKE_VDPA_SCENARIO=/tmp/h128.json"
	else
		byhand="(cd $(printf %q "$root") && FAKE_VDPA_SCENARIO=tests/fake/scenarios/$scen.json"
	fi
	byhand+=" LD_PRELOAD=\$PWD/tests/fake/libfakevdpa.so"
	case $part in
	a)
		part_a "$scen" "$ci" "$k" "$rdir"
		n_a=$((n_a + 1)) n_procs=$((n_procs + k))
		desc="a: $k x $scen '$args' at once"
		byhand+=" sh -c 'for i in \$(seq $k); do ./vdpactl $args > out.\$i & done; wait')"
		;;
	b)
		part_b "$scen" "$ci" "$rdir"
		n_b=$((n_b + 1))
		desc="b: $scen '$args' > /dev/full"
		byhand+=" ./vdpactl $args > /dev/full; echo \"exit \$?\")"
		;;
	c)
		part_c "$scen" "$ci" "$how" "$rdir"
		n_c=$((n_c + 1))
		[[ $C_OUTCOME == SIGPIPE ]] && n_pipe=$((n_pipe + 1))
		if [[ $how == head ]]; then
			desc="c: $scen '$args' | head -c 1: $C_OUTCOME"
			byhand+=" ./vdpactl $args | head -c 1; echo \" exit \${PIPESTATUS[0]}\")"
		else
			desc="c: $scen '$args' | (exec 0<&-): $C_OUTCOME"
			byhand+=" ./vdpactl $args | (exec 0<&-); echo \"exit \${PIPESTATUS[0]}\")"
		fi
		;;
	esac
	done_runs=$((done_runs + 1))
	((verbose)) && echo "output-torture: run $r: $desc, $(($(now_ms) - t0)) ms, ${#VIOL[@]} violation(s)"
	if ((${#VIOL[@]})); then
		echo "output-torture: run $r (seed $seed): ${#VIOL[@]} violation(s); $desc"
		for v in "${VIOL[@]}"; do
			echo "  VIOLATION seed=$seed run=$r ${v%%	*}: ${v#*	}"
			kinds[${v%%	*}]=$((${kinds[${v%%	*}]:-0} + 1))
		done
		echo "  replay:  ${VDPACTL:+VDPACTL=$(printf %q "$VDPACTL") }SEED=$seed tests/bench/output-torture.sh ${replay_opts[*]}${replay_opts[*]:+ }--run $r"
		echo "  by hand: $byhand"
		violations=$((violations + ${#VIOL[@]}))
	fi
	[[ ${KEEP:-0} == 1 ]] || rm -rf "$rdir"
	rm -rf "${ftmp:?}/run-$r"
done

secs=$((($(now_ms) - t_start) / 1000))
echo "output-torture: a: $n_a concurrent runs ($n_procs processes), b: $n_b on /dev/full, c: $n_c closed pipes ($n_pipe killed by SIGPIPE); ${secs} s"
if ((violations)); then
	echo -n "output-torture: violations by kind:"
	while IFS= read -r k; do echo -n " $k=${kinds[$k]}"; done < <(printf '%s\n' "${!kinds[@]}" | sort)
	echo
fi
echo "output-torture: $done_runs runs, $violations violations (seed $seed)"
((violations == 0))
