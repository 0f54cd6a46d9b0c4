#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# holder-bench.sh - what finding the holders of vhost-vdpa devices costs (src/holder.c): one pass
# over /proc per run, on a fake host with P processes of F descriptors each (tests/fake,
# scenario "processes").
#
# A benchmark, not a test: it prints numbers and fails only if a run fails or a run reads /proc
# more than once.
#
#   tests/bench/holder-bench.sh [-r RUNS] [-f FDS] [P...]     (default: 1000 processes, 16 fds)
#
# Two hosts per P, both sim-6.12.json's devices (net0, blk0):
#   fake  the fake's process table: P-1 workers whose descriptors are all /dev/null (a character
#         device, so each is stat'ed and compared) and one QEMU holding net0. The fake builds
#         /proc/PID for them first ("fake setup", measured as `cat /proc/devices` under it);
#         "scan" is vdpactl's time minus that and minus the same run on a host with no
#         processes. Every call goes through the fake's interposition.
#   real  this machine's real /proc ("host_processes": true) with P real processes started
#         here (sleep, F descriptors each on /dev/null) on top of what runs already: the cost of
#         the scan itself, plain syscalls (no process can hold a fake node: nothing matches).
# `list --json` scans for every node, `show --all --json` once for the busy net0 (fake only).
#
# Environment: VDPACTL (default ./vdpactl).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vdpactl=${VDPACTL:-$root/vdpactl}
lib=$root/tests/fake/libfakevdpa.so
runs=5 fds=16

while getopts r:f: opt; do
	case $opt in
	r) runs=$OPTARG ;;
	f) fds=$OPTARG ;;
	*)
		echo "usage: $0 [-r RUNS] [-f FDS] [P...]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000)

[ -x "$vdpactl" ] || { echo "$vdpactl: not built (make)" >&2; exit 1; }
[ -f "$lib" ] || make -s -C "$root" tests/fake/libfakevdpa.so

work=$(mktemp -d "${TMPDIR:-/tmp}/holder-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# host FILE P: sim-6.12 with P processes (P-1 workers, one QEMU on vhost-vdpa-0)
host() {
	jq --argjson p "$2" --argjson f "$fds" '
		.processes = ([range(1; $p) | {pid: (1000 + .), comm: "worker",
			cmdline: ["worker", "--id", tostring],
			fds: [range(0; $f) as $i | {fd: $i, path: "/dev/null"}]}]
		+ (if $p > 0 then [{pid: 999999, comm: "qemu-system-x86",
			cmdline: ["qemu-system-x86_64", "-name", "guest=bench,debug-threads=on"],
			fds: ([range(0; $f - 1) as $i | {fd: $i, path: "/dev/null"}] +
			      [{fd: 99, device: 0}])}] else [] end))' \
		"$root/tests/fake/scenarios/sim-6.12.json" >"$1"
}

# median_ms SCENARIO CMD...: median wall time of RUNS runs, in ms (exit 0 or 12 accepted)
median_ms() {
	local scen=$1 t0 t1 i rc
	shift
	local times=()
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		rc=0
		FAKE_VDPA_SCENARIO=$scen LD_PRELOAD=$lib "$@" >/dev/null 2>&1 || rc=$?
		t1=$(date +%s%N)
		[ "$rc" = 0 ] || [ "$rc" = 12 ] || [ "$rc" = 6 ] || { echo "failed ($rc): $*" >&2; exit 1; }
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}

# passes SCENARIO CMD...: how many times the run listed /proc (must be 1)
passes() {
	local scen=$1 log=$work/log
	shift
	: >"$log"
	FAKE_VDPA_SCENARIO=$scen FAKE_VDPA_LOG=$log LD_PRELOAD=$lib "$@" >/dev/null 2>&1 || true
	grep -c '^proc opendir /proc = ok$' "$log" || true
}

# fake_setup_ms SCENARIO: what the fake spends building its private root for SCENARIO
fake_setup_ms() {
	median_ms "$1" cat /proc/devices
}

# sleepers P: start P processes with F descriptors each on /dev/null; their pids in $work/pids
sleepers() {
	local i redirs="" j
	for ((j = 3; j < fds; j++)); do
		redirs+=" $j</dev/null"
	done
	: >"$work/pids"
	for ((i = 0; i < $1; i++)); do
		eval "sleep 600 </dev/null >/dev/null 2>&1 $redirs &"
		echo $! >>"$work/pids"
	done
}
stop_sleepers() {
	[ -s "$work/pids" ] && xargs -r kill <"$work/pids" 2>/dev/null || true
	: >"$work/pids"
}
trap 'stop_sleepers; rm -rf "$work"' EXIT

printf '%-5s %-6s %-5s %-5s %9s %11s %12s %9s %11s\n' host P fds cmd "run ms" "fake setup" \
	"no procs ms" "scan ms" "us/process"
for p in "${sizes[@]}"; do
	host "$work/p.json" "$p"
	host "$work/none.json" 0
	setup=$(fake_setup_ms "$work/p.json")
	setup0=$(fake_setup_ms "$work/none.json")
	for cmd in list show; do
		args=(list --json)
		[ "$cmd" = show ] && args=(show --all --json)
		n=$(passes "$work/p.json" "$vdpactl" "${args[@]}")
		[ "$n" = 1 ] || { echo "$cmd: /proc listed $n times, not once" >&2; exit 1; }
		with=$(median_ms "$work/p.json" "$vdpactl" "${args[@]}")
		without=$(median_ms "$work/none.json" "$vdpactl" "${args[@]}")
		awk -v p="$p" -v f="$fds" -v c="$cmd" -v a="$with" -v b="$without" -v s="$setup" \
			-v s0="$setup0" 'BEGIN { scan = (a - s) - (b - s0)
			printf "%-5s %-6d %-5d %-5s %9.1f %11.1f %12.1f %9.1f %11.1f\n", "fake", p, f, c,
				a, s - s0, b, scan, p ? scan * 1000 / p : 0 }'
	done
	# the real /proc: P more processes than this machine runs already
	jq '. + {host_processes: true}' "$root/tests/fake/scenarios/sim-6.12.json" >"$work/real.json"
	before=$(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)
	without=$(median_ms "$work/real.json" "$vdpactl" list --json)
	sleepers "$p"
	total=$(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)
	with=$(median_ms "$work/real.json" "$vdpactl" list --json)
	stop_sleepers
	awk -v p="$((total - before))" -v f="$fds" -v a="$with" -v b="$without" -v t="$total" \
		'BEGIN { printf "%-5s %-6d %-5d %-5s %9.1f %11s %12.1f %9.1f %11.1f   (%d processes in all)\n",
			"real", p, f, "list", a, "-", b, a - b, p ? (a - b) * 1000 / p : 0, t }'
done
