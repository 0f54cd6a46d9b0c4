#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# signal-torture.sh - randomized SIGINT/SIGTERM torture of vdpactl under the fake kernel: an
# interrupted run must never print a verdict it did not establish.
#
#   tests/bench/signal-torture.sh [-n RUNS] [--seed S] [--run R] [-v]     (full run, RUNS >= 100)
#   tests/bench/signal-torture.sh --sample N [--seed S] [--run R] [-v]    (N runs, shorter times)
#   SEED=S tests/bench/signal-torture.sh ...                              (replay a seed)
#
# Each run picks at random a scenario (sim-6.12 sim-6.1 liar-6.12 vp-6.12 mlx5-6.12 old-5.15),
# a command (table CMDS below), maybe one FAKE_VDPA_DELAY spec that holds a kernel call of one
# phase (identify, backend features, owner, map, reset, data path, open, netlink ...), a signal
# (INT or TERM) and when to send it (0.05-2.0 s after the start, for half of the runs 0.05-0.8 s
# where a run without a delay spends its time; --sample: 0.05-0.6 s, half 0.05-0.4 s, and delays
# of 200-500 ms instead of 200-1500 ms). It compares the signalled run with a BASELINE: the same
# scenario and command with no delay and no signal, in JSON (-j added for text commands),
# computed once per (scenario, command) and cached for the whole invocation.
#
# Invariants (every violation is reported with the seed, the run number and a replay command):
#   a. exit status 130 (INT) / 143 (TERM) when the signal reached vdpactl before it finished
#      ("in flight": the fake's log shows that a device was still to be closed when the signal
#      was sent). A run that finished first (or whose signal came too late to matter) must give
#      the baseline's exit status, completeness and verdicts.
#   b. JSON: one valid document, "complete" false after an interrupt, "exit_code" = exit status.
#   c. JSON: each device has verdict null or the baseline's [status, basis, severity]; a device
#      with an interrupted probe record (status "interrupted", or "skipped" with a detail that
#      starts with "interrupted") has verdict null.
#   d. JSON: no probe record "fail" with ETIMEDOUT whose duration_us is below 90% of --timeout
#      (an interrupted wait recorded as a timeout).
#   e. JSON: .summary.trusted/.untrusted/.unknown = the counts over the devices (null = unknown).
#   f. text probe: headers "/dev/vhost-vdpa-N: STATUS (BASIS)"; the "N devices: a trusted, b
#      untrusted, c unknown" line, when present, agrees with the headers; each header's status
#      is the baseline's unless it is "unknown (not evaluated)".
#   g. text check: "/dev/vhost-vdpa-N  STATUS (BASIS)  reason"; same rule per line.
#   In f and g a header that keeps its status must also keep the baseline's basis (kind
#   text-basis: the same rule as c, in text). How "not evaluated" is worded is matched by one
#   regex, NOT_EVALUATED_RE (environment, default below).
#   Every run is bounded: SIGKILL after 10 s, counted as a violation (kind hang).
#
# The end is one line "signal-torture: R runs, V violations (seed S)"; exit 1 if V > 0, 2 on a
# usage error. One line per run with -v.
#
# Options and environment:
#   -n, --runs N     runs (default 120; at least 100 unless --sample)
#   --sample N       N runs with the shorter timings (for the test suite)
#   --seed S, SEED=S the seed of bash's RANDOM (default: from $RANDOM); always printed
#   --run R          replay only run R of that seed (the picks of runs 1..R-1 are drawn, not run)
#   -v, --verbose    one line per run
#   VDPACTL          the binary (default ./vdpactl of this tree)
#   FAKE_LIB         the fake kernel (default tests/fake/libfakevdpa.so of this tree)
#   KEEP=1           keep the work directory (outputs and fake logs of every run) and print it
#   NOT_EVALUATED_RE the wording of an unevaluated device's basis in text (bash ERE)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vdpactl=${VDPACTL:-$root/vdpactl}
lib=${FAKE_LIB:-$root/tests/fake/libfakevdpa.so}
scen_dir=$root/tests/fake/scenarios
[[ $vdpactl == /* ]] || vdpactl=$PWD/$vdpactl
[[ $lib == /* ]] || lib=$PWD/$lib
: "${NOT_EVALUATED_RE:=^not[ _-]+(yet[ _-]+)?evaluated}"

SCENARIOS=(sim-6.12 sim-6.1 liar-6.12 vp-6.12 mlx5-6.12 old-5.15)
# command table: "MODE|TIMEOUT_US|ARGS"; MODE json, probe (text) or check (text)
CMDS=(
	"json|300000|probe --all --timeout 0.3 -j"
	"probe|300000|probe --all --timeout 0.3"
	"json|300000|probe --all --datapath=force --timeout 0.3 -j"
	"json|300000|check --probe --timeout 0.3 --require iotlb_persist -j"
	"check|300000|check --probe --timeout 0.3"
	"json|0|check -j"
)
# delay specs (without =MS), one per phase; @N and #DEV keep each to one call
DELAYS=(
	"netlink:VDPA_CMD_DEV_GET@1"          # discovery
	"open:/dev/vhost-vdpa-0@1"            # first open of the first device
	"open:/dev/vhost-vdpa-1@1"            # first open of the second device
	"ioctl:VHOST_GET_BACKEND_FEATURES@1"  # identify, first device
	"ioctl:VHOST_GET_BACKEND_FEATURES@2"  # identify, second device
	"ioctl:VHOST_GET_FEATURES@1"
	"ioctl:VHOST_VDPA_GET_CONFIG@1"
	"ioctl:VHOST_SET_BACKEND_FEATURES@1"  # control probe
	"ioctl:VHOST_SET_BACKEND_FEATURES@2"  # data path set-up (or the PERSIST refusal on old kernels)
	"ioctl:VHOST_SET_OWNER@1"
	"ioctl:VHOST_SET_OWNER@2"             # data path set-up
	"ioctl:VHOST_SET_OWNER@1#1"           # second device
	"write:IOTLB_UPDATE@1"                # map
	"write:IOTLB_UPDATE@2"                # remap_overlap
	"write:IOTLB_UPDATE@4"                # data path map
	"write:IOTLB_INVALIDATE@2"            # cleanup
	"ioctl:VHOST_VDPA_SET_STATUS@1"       # reset of the control probe
	"ioctl:VHOST_VDPA_SET_STATUS@2"       # data path: reset before set-up
	"ioctl:VHOST_VDPA_SET_STATUS@3"
	"ioctl:VHOST_VDPA_SET_STATUS@6"       # data path: DRIVER_OK / reset in between
	"ioctl:VHOST_VDPA_SET_STATUS@9"
	"ioctl:VHOST_VDPA_SET_STATUS@2#1"     # second device
	"ioctl:VHOST_SET_VRING_KICK@1"
	"ioctl:VHOST_VDPA_GET_STATUS@2"       # status after reset
)

# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args signal-torture 120 "$@"

# how to replay: the options that change the picks
replay_opts=()
if ((sample)); then
	replay_opts+=(--sample "$runs")
elif ((runs != 120)); then
	replay_opts+=(-n "$runs")
fi
echo "signal-torture: seed $seed, $runs runs$( ((sample)) && echo ' (sample timings)'), $vdpactl"

work=$(mktemp -d "${TMPDIR:-/tmp}/signal-torture.XXXXXX") || exit 2
child="" bpids=()
cleanup() {
	# only the vdpactl this script started, by its pid
	local p
	for p in $child "${bpids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	if [[ ${KEEP:-0} == 1 ]]; then
		echo "signal-torture: work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# a copy, so that a rebuild during the run cannot mix two binaries
bin=$work/vdpactl
cp "$vdpactl" "$bin" || exit 2
bin_real=$(readlink -f "$bin")

# nap SECONDS: sleep without forking (read -t on a pipe nobody writes to)
exec {nap_fd}<> <(:)
nap() { read -r -t "$1" -u "$nap_fd" _ 2>/dev/null; return 0; }

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# ---- the JSON invariants (b-e), one jq program; prints "KIND<TAB>message" lines -------------
cat >"$work/check.jq" <<'EOF'
def vkey: if . == null then null else [.status, .basis, .severity] end;
def vstr: if . == null then "none" else map(tostring) | join("/") end;
def interrupted_record:
  .status == "interrupted" or (.status == "skipped" and ((.detail // "") | tostring | test("^interrupted")));
def counts: [.trusted, .untrusted, .unknown];
if length != 1 then "json-invalid\tstdout holds \(length) JSON documents, want exactly 1"
elif (.[0] | type) != "object" then "json-invalid\tthe document is a \(.[0] | type), not an object"
else
  .[0] as $doc
  | $base[0] as $b
  | ([$b.devices[]? | {key: (.char_device // .name), value: (.verdict | vkey)}] | from_entries) as $bv
  | ($doc.devices // []) as $devs
  | (
      (if $doc.exit_code != $rc then
         "json-exit-code\texit_code is \($doc.exit_code | tojson) but the process exited \($rc)"
       else empty end),
      (if $intr and $doc.complete != false then
         "json-complete\tcomplete is \($doc.complete | tojson) after an interrupt"
       else empty end),
      (if ($intr | not) and $doc.complete != $b.complete then
         "late-mismatch\tcomplete is \($doc.complete | tojson), the baseline's is \($b.complete | tojson)"
       else empty end),
      ($devs[] | . as $d | (.char_device // .name) as $k | (.verdict | vkey) as $v
        | (if $v != null and $v != $bv[$k] then
             "json-verdict\t\($k): verdict \($v | vstr) but the baseline's is \($bv[$k] | vstr)"
           else empty end),
          (if $v != null and any($d.probes[]?; interrupted_record) then
             "json-interrupted-verdict\t\($k): verdict \($v | vstr) with interrupted probe record(s): \([$d.probes[] | select(interrupted_record) | "\(.id) \(.status)"] | join(", "))"
           else empty end),
          (if ($intr | not) and $v == null and $bv[$k] != null then
             "late-mismatch\t\($k): no verdict, the baseline's is \($bv[$k] | vstr)"
           else empty end),
          # a timed-out wait lasted its whole length: --timeout, or the shorter wait that the
          # record states ("within N s": the informational run waits 100x its control round trip)
          ($d.probes[]? | select(.status == "fail" and .error == "ETIMEDOUT" and $tmo > 0)
            | (((.detail // "") | capture("within (?<s>[0-9.]+) s") | .s | tonumber * 1000000) // $tmo) as $w
            | select((.duration_us // 0) < 0.9 * $w)
            | "json-eintr-timeout\t\($k): probe \(.id) fail ETIMEDOUT after \(.duration_us) us, under 90% of the \($w) us it waited for")),
      (if $intr | not then
         ([$b.devices[]? | (.char_device // .name)] - [$devs[] | (.char_device // .name)]) as $miss
         | if ($miss | length) > 0 then "late-mismatch\tdevices missing: \($miss | join(" "))" else empty end
       else empty end),
      ([$devs[] | .verdict] as $vs
        | [([$vs[] | select(. != null and .status == "trusted")] | length),
           ([$vs[] | select(. != null and .status == "untrusted")] | length),
           ([$vs[] | select(. == null or .status == "unknown")] | length)] as $want
        | ($doc.summary // {} | counts) as $got
        | if $got != $want then
            "json-summary\tsummary says \($got | map(tostring) | join("/")) trusted/untrusted/unknown, the devices say \($want | map(tostring) | join("/"))"
          else empty end)
    )
end
EOF

# check_json OUT BASELINE-OUT RC INTERRUPTED(true|false) TIMEOUT_US: the invariants b-e
check_json() {
	local res
	if [[ ! -s $2 ]] || ! jq -e . "$2" >/dev/null 2>&1; then
		printf 'json-invalid\tno valid baseline document to compare with\n'
	elif ! res=$(jq -r -s --slurpfile base "$2" --argjson rc "$3" --argjson intr "$4" \
		--argjson tmo "$5" -f "$work/check.jq" "$1" 2>&1); then
		printf 'json-invalid\tnot JSON (%s): %s\n' "${res//$'\n'/ }" "$(head -c 200 "$1" | tr '\n' ' ')"
	elif [[ -n $res ]]; then
		printf '%s\n' "$res"
	fi
}

# ---- baseline: per (scenario, command) -------------------------------------------------------
# files in $work/base/S-C: out (the document), rc, releases (release lines in the fake log), verdicts
# (lines "DEV STATUS BASIS", "none none" for a null verdict)
mkdir -p "$work/base"

# launch DIR SCENARIO DELAY ARGS...: start vdpactl under the fake in the background, own TMPDIR,
# fake log DIR/fake.log, stdout DIR/out, stderr DIR/err; sets child
launch() {
	local dir=$1 scen=$2 delay=$3
	shift 3
	mkdir -p "$dir/tmp"
	local envs=(TMPDIR="$dir/tmp" FAKE_VDPA_SCENARIO="$scen_dir/$scen.json"
		FAKE_VDPA_LOG="$dir/fake.log" LD_PRELOAD="$lib")
	[[ -n $delay ]] && envs+=(FAKE_VDPA_DELAY="$delay")
	# --default-signal: a background job of a non-interactive shell starts with SIGINT ignored
	env --default-signal=INT,TERM "${envs[@]}" "$bin" "$@" >"$dir/out" 2>"$dir/err" &
	child=$!
	# Until env has exec'd vdpactl the signal may still be ignored (inherited SIG_IGN: a
	# background job, or a test runner that ignores SIGTERM) and would be lost: the clock of a
	# run starts once the process is vdpactl (up to 2 s under load).
	local i exe
	for ((i = 0; i < 1000; i++)); do
		exe=$(readlink "/proc/$child/exe" 2>/dev/null) || break
		[[ $exe == "$bin_real" ]] && break
		nap 0.002
	done
}

# state PID: the one-letter process state ("" when gone)
proc_state() {
	local line
	read -r line 2>/dev/null <"/proc/$1/stat" || return 0
	line=${line##*) }
	echo "${line:0:1}"
}

# reap: wait for $child, SIGKILL at deadline $1 (ms); sets rc and hung
reap() {
	local deadline=$1 st
	hung=0
	while :; do
		st=$(proc_state "$child")
		[[ -z $st || $st == Z ]] && break
		if (($(now_ms) > deadline)); then
			kill -KILL "$child" 2>/dev/null
			hung=1
			break
		fi
		nap 0.02
	done
	{ wait "$child"; } 2>/dev/null # no "Killed" line from bash
	rc=$?
	child=""
}

# start_baseline SCEN CMDIDX: run the baseline in the background (no signal, no delay; SIGKILL
# after 10 s by timeout(1)); sets bpid
start_baseline() {
	local scen=$1 ci=$2 mode tmo args dir=$work/base/$1-$2
	IFS='|' read -r mode tmo args <<<"${CMDS[$ci]}"
	[[ $mode == json ]] || args+=" -j"
	mkdir -p "$dir/tmp"
	# shellcheck disable=SC2086 # ARGS is a word list
	TMPDIR="$dir/tmp" FAKE_VDPA_SCENARIO="$scen_dir/$scen.json" FAKE_VDPA_LOG="$dir/fake.log" \
		LD_PRELOAD="$lib" timeout -s KILL 10 "$bin" $args >"$dir/out" 2>"$dir/err" &
	bpid=$!
}

# finish_baseline SCEN CMDIDX RC: keep what the runs compare with, check the baseline itself
# (b, d, e) and report what is wrong with it
finish_baseline() {
	local scen=$1 ci=$2 rc=$3 mode tmo args dir=$work/base/$1-$2 v
	local -a bv=()
	IFS='|' read -r mode tmo args <<<"${CMDS[$ci]}"
	[[ $mode == json ]] || args+=" -j"
	echo "$rc" >"$dir/rc"
	grep -c '^release /dev/vhost-vdpa-' "$dir/fake.log" >"$dir/releases" 2>/dev/null
	jq -r '.devices[] | [(.char_device // .name), (.verdict.status // "none"), (.verdict.basis // "none")] | join(" ")' \
		"$dir/out" >"$dir/verdicts" 2>/dev/null
	if ((rc == 137)); then
		bv+=("baseline-hang	still running after 10 s: killed")
	elif ((rc == 130 || rc == 143)); then
		bv+=("baseline-exit	exited $rc with no signal")
	fi
	while IFS= read -r v; do
		[[ -n $v ]] && bv+=("baseline-$v")
	done < <(check_json "$dir/out" "$dir/out" "$rc" false "$tmo")
	((${#bv[@]})) || return 0
	echo "signal-torture: baseline $scen '$args' (seed $seed): ${#bv[@]} violation(s); exit $rc"
	for v in "${bv[@]}"; do
		echo "  VIOLATION seed=$seed baseline ${v%%	*}: ${v#*	}"
		kinds[${v%%	*}]=$((${kinds[${v%%	*}]:-0} + 1))
	done
	echo "  by hand: (cd $(printf %q "$root") && FAKE_VDPA_SCENARIO=tests/fake/scenarios/$scen.json LD_PRELOAD=\$PWD/tests/fake/libfakevdpa.so $(printf %q "$vdpactl") $args; echo \"exit \$?\")"
	violations=$((violations + ${#bv[@]}))
}

# ---- text invariants (f, g) ----------------------------------------------------------------
re_basis='([^()]*(\([^()]*\))?[^()]*)'
re_probe_hdr="^(/dev/vhost-vdpa-[0-9]+): (trusted|untrusted|unknown) \\(${re_basis}\\)\$"
# check's table: DEVICE VERDICT BASIS REASON, basis "-" for a device without a verdict
re_check_line='^(/dev/vhost-vdpa-[0-9]+) +(trusted|untrusted|unknown) +([a-z]+|-) +(.*)$'
re_summary='^([0-9]+) devices?: ([0-9]+) trusted, ([0-9]+) untrusted, ([0-9]+) unknown$'

# check_text MODE OUT VERDICTS INTERRUPTED: prints "KIND<TAB>message" lines
check_text() {
	local mode=$1 out=$2 verdicts=$3 intr=$4 line dev st basis re n=0 nt=0 nu=0 nk=0
	local -A bst=() bbs=() seen=()
	local d s b
	while read -r d s b; do bst[$d]=$s bbs[$d]=$b; done <"$verdicts"
	[[ $mode == probe ]] && re=$re_probe_hdr || re=$re_check_line
	while IFS= read -r line; do
		if [[ $line == /dev/vhost-vdpa-* ]]; then
			if ! [[ $line =~ $re ]]; then
				printf 'text-format\tunexpected %s line: %s\n' "$mode" "$line"
				continue
			fi
			dev=${BASH_REMATCH[1]} st=${BASH_REMATCH[2]} basis=${BASH_REMATCH[3]}
			[[ $mode == check && $basis == - ]] && basis="not evaluated"
			[[ -n ${seen[$dev]:-} ]] && printf 'text-format\t%s listed twice\n' "$dev"
			seen[$dev]=1
			n=$((n + 1))
			case $st in trusted) nt=$((nt + 1)) ;; untrusted) nu=$((nu + 1)) ;; *) nk=$((nk + 1)) ;; esac
			if [[ $basis =~ $NOT_EVALUATED_RE ]]; then
				if [[ $st != unknown ]]; then
					printf 'text-verdict\t%s: "%s (%s)": not evaluated but not unknown\n' "$dev" "$st" "$basis"
				elif ((!intr)) && [[ ${bst[$dev]:-none} != none ]]; then
					printf 'late-mismatch\t%s: not evaluated, the baseline says %s (%s)\n' "$dev" "${bst[$dev]}" "${bbs[$dev]}"
				fi
				continue
			fi
			case $basis in
			advertised | probed | verified) ;;
			*) printf 'text-format\t%s: unknown basis "%s" in: %s\n' "$dev" "$basis" "$line" ;;
			esac
			if [[ $st != "${bst[$dev]:-none}" ]]; then
				printf 'text-verdict\t%s: "%s (%s)" but the baseline says %s (%s)\n' "$dev" "$st" "$basis" "${bst[$dev]:-none}" "${bbs[$dev]:-none}"
			elif [[ $basis != "${bbs[$dev]:-none}" ]]; then
				printf 'text-basis\t%s: "%s (%s)" but the baseline says %s (%s)\n' "$dev" "$st" "$basis" "${bst[$dev]}" "${bbs[$dev]}"
			fi
		elif [[ $mode == probe && $line =~ $re_summary ]]; then
			[[ "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]} ${BASH_REMATCH[4]}" == "$n $nt $nu $nk" ]] ||
				printf 'text-summary\t"%s" but the headers give %s device(s): %s trusted, %s untrusted, %s unknown\n' \
					"$line" "$n" "$nt" "$nu" "$nk"
		elif [[ $mode == probe && $line =~ ^[0-9]+\ devices? ]]; then
			printf 'text-format\tunexpected summary line: %s\n' "$line"
		fi
	done <"$out"
	if ((!intr)); then
		for d in "${!bst[@]}"; do
			[[ -n ${seen[$d]:-} || ${bst[$d]} == none ]] ||
				printf 'late-mismatch\t%s: missing from the output, the baseline says %s (%s)\n' "$d" "${bst[$d]}" "${bbs[$d]}"
		done
	fi
}

# ---- the runs --------------------------------------------------------------------------------
violations=0 done_runs=0 n_intr=0 n_late=0 n_ignored=0 n_early=0 n_delay=0
declare -A kinds=()
t_start=$(now_ms)

# report RUN-DESCRIPTION REPLAY-BY-HAND LINES...: print a run's violations
report() {
	local desc=$1 byhand=$2 v kind
	shift 2
	echo "signal-torture: run $r (seed $seed): $# violation(s); $desc"
	for v in "$@"; do
		kind=${v%%	*}
		echo "  VIOLATION seed=$seed run=$r $kind: ${v#*	}"
		kinds[$kind]=$((${kinds[$kind]:-0} + 1))
	done
	echo "  replay:  ${VDPACTL:+VDPACTL=$(printf %q "$VDPACTL") }SEED=$seed tests/bench/signal-torture.sh ${replay_opts[*]}${replay_opts[*]:+ }--run $r"
	echo "  by hand: $byhand"
	violations=$((violations + $#))
}

# 1. the picks of every run (the same number of draws per run, so that --run R replays run R)
RANDOM=$seed
declare -a P_scen P_cmd P_hasdelay P_delay P_ms P_sig P_t P_early
for ((r = 1; r <= runs; r++)); do
	P_scen[r]=$((RANDOM % ${#SCENARIOS[@]})) P_cmd[r]=$((RANDOM % ${#CMDS[@]}))
	P_hasdelay[r]=$((RANDOM % 3)) P_delay[r]=$((RANDOM % ${#DELAYS[@]})) P_ms[r]=$RANDOM
	P_sig[r]=$((RANDOM % 2)) P_t[r]=$RANDOM P_early[r]=$((RANDOM % 2))
done
first=1 last=$runs
((only)) && first=$only last=$only

# 2. the baselines these runs need, 6 at a time (they mostly wait for data path timeouts)
declare -A need=()
for ((r = first; r <= last; r++)); do need[${SCENARIOS[P_scen[r]]} ${P_cmd[r]}]=1; done
mkdir -p "$work/base"
pairs=("${!need[@]}") bpids=()
# shellcheck disable=SC2086 # a pair is "SCENARIO CMDIDX", two arguments
for ((i = 0; i < ${#pairs[@]}; i++)); do
	if ((i >= 6)); then
		{ wait "${bpids[i - 6]}"; } 2>/dev/null
		finish_baseline ${pairs[i - 6]} $?
	fi
	start_baseline ${pairs[i]}
	bpids[i]=$bpid
done
# shellcheck disable=SC2086
for ((i = ${#pairs[@]} > 6 ? ${#pairs[@]} - 6 : 0; i < ${#pairs[@]}; i++)); do
	{ wait "${bpids[i]}"; } 2>/dev/null
	finish_baseline ${pairs[i]} $?
done
bpids=()

# 3. the signalled runs
for ((r = first; r <= last; r++)); do
	d_scen=${P_scen[r]} d_cmd=${P_cmd[r]} d_hasdelay=${P_hasdelay[r]} d_delay=${P_delay[r]}
	d_ms=${P_ms[r]} d_sig=${P_sig[r]} d_t=${P_t[r]} d_early=${P_early[r]}
	scen=${SCENARIOS[d_scen]}
	IFS='|' read -r mode tmo args <<<"${CMDS[d_cmd]}"
	# half of the signals within the first 0.8 s, where a run without a delay spends its time
	if ((sample)); then
		ms=$((200 + d_ms % 301)) t_ms=$((50 + d_t % (d_early ? 351 : 551)))
	else
		ms=$((200 + d_ms % 1301)) t_ms=$((50 + d_t % (d_early ? 751 : 1951)))
	fi
	delay=""
	((d_hasdelay)) && delay="${DELAYS[d_delay]}=$ms"
	((d_sig)) && sig=TERM want=143 || sig=INT want=130
	t_s=$(printf '%d.%03d' $((t_ms / 1000)) $((t_ms % 1000)))

	bdir=$work/base/$scen-$d_cmd viol=()
	base_rc=$(<"$bdir/rc") base_rel=$(<"$bdir/releases")

	rdir=$work/run-$r
	# shellcheck disable=SC2086 # ARGS is a word list
	launch "$rdir" "$scen" "$delay" $args
	t0=$(now_ms) # the process is vdpactl now (launch waits for the exec)
	pid=$child
	left=$((t0 + t_ms - $(now_ms)))
	((left > 0)) && nap "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
	# Send, then count the devices closed so far: the log only grows, so fewer than in the
	# baseline means a device was still to be closed when the signal was sent (in flight).
	kill -"$sig" "$pid" 2>/dev/null
	rel_at_kill=$(grep -c '^release /dev/vhost-vdpa-' "$rdir/fake.log" 2>/dev/null)
	reap $((t0 + 10000))
	inflight=0
	((${rel_at_kill:-0} < base_rel)) && inflight=1

	ph=()
	[[ -n $delay ]] && ph+=(FAKE_VDPA_DELAY="'$delay'") && n_delay=$((n_delay + 1))
	byhand="(cd $(printf %q "$root") && FAKE_VDPA_SCENARIO=tests/fake/scenarios/$scen.json ${ph[*]}${ph[*]:+ }LD_PRELOAD=\$PWD/tests/fake/libfakevdpa.so env --default-signal=INT,TERM $(printf %q "$vdpactl") $args & sleep $t_s; kill -$sig \$!; wait \$!; echo \"exit \$?\")"
	desc="$scen '$args'${delay:+, delay $delay}, SIG$sig at $t_s s: exit $rc"

	if ((hung)); then
		viol+=("hang	still running 10 s after the start: killed (SIGKILL)")
	elif ((rc == want)) && [[ ! -s $rdir/out && ! -s $rdir/err ]] &&
		! grep -qv '^uname ' "$rdir/fake.log" 2>/dev/null; then
		# killed by the default action before vdpactl installed its handlers: nothing to judge
		n_early=$((n_early + 1))
		desc+=" (killed before the handlers were installed)"
	else
		intr=0
		if ((rc == want)); then
			intr=1 n_intr=$((n_intr + 1))
			desc+=" (interrupted)"
		elif ((rc == 130 || rc == 143)); then
			viol+=("exit-status	exit $rc after SIG$sig (want $want)")
			intr=1
		else
			if ((inflight)); then
				n_ignored=$((n_ignored + 1))
				viol+=("exit-status	SIG$sig was sent while a device was still open or to be opened ($rel_at_kill of $base_rel device closes done) but vdpactl exited $rc, not $want")
				desc+=" (in flight)"
			else
				desc+=" (finished first)"
				n_late=$((n_late + 1))
			fi
			((rc == base_rc)) || viol+=("late-mismatch	exit $rc, the baseline's is $base_rc")
		fi
		if [[ $mode == json ]]; then
			while IFS= read -r v; do
				[[ -n $v ]] && viol+=("$v")
			done < <(check_json "$rdir/out" "$bdir/out" "$rc" "$( ((intr)) && echo true || echo false)" "$tmo")
		else
			while IFS= read -r v; do
				[[ -n $v ]] && viol+=("$v")
			done < <(check_text "$mode" "$rdir/out" "$bdir/verdicts" "$intr")
		fi
	fi
	done_runs=$((done_runs + 1))
	((verbose)) && echo "signal-torture: run $r: $desc, $(($(now_ms) - t0)) ms, ${#viol[@]} violation(s)"
	((${#viol[@]})) && report "$desc" "$byhand" "${viol[@]}"
	[[ ${KEEP:-0} == 1 ]] || rm -rf "$rdir"
done

secs=$((($(now_ms) - t_start) / 1000))
echo "signal-torture: $n_intr interrupted, $n_late finished before the signal took effect, $n_ignored not interrupted although in flight, $n_early killed before the handlers, $n_delay with a delay; ${secs} s"
if ((violations)); then
	echo -n "signal-torture: violations by kind:"
	while IFS= read -r k; do echo -n " $k=${kinds[$k]}"; done < <(printf '%s\n' "${!kinds[@]}" | sort)
	echo
fi
echo "signal-torture: $done_runs runs, $violations violations (seed $seed)"
((violations == 0))
