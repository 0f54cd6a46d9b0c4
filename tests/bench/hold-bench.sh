#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hold-bench.sh - how long vdpactl keeps each /dev/vhost-vdpa-N open: the window in which a VMM
# starting at that moment gets EBUSY (the node is single-open, drivers/vhost/vdpa.c
# vhost_vdpa_open()).
#
# A benchmark, not a test: it prints numbers and never fails on them.
#
#   tests/bench/hold-bench.sh [-r RUNS] [N]        (default: 64 devices, 5 runs)
#
# The host is tests/fake/gen-scenario.py host N. Each command runs RUNS times under
# libfakevdpa.so with FAKE_VDPA_LOG_TIME=1; a window is the time from the fake's "open" line of a
# node to its "release" line (the last close of that open). The fake logs every call it
# intercepts, and that logging is inside the windows: they are upper bounds of vdpactl's own.
# Printed per command (medians over the runs): how many times a node was opened, the median and
# the longest window, the sum of all windows, and the run's wall time. The auto probe runs twice:
# one device at a time (--jobs=1) and with its default --jobs, where the data-path waits of all
# devices overlap (the wall time drops; each window stays as long).
#
# Environment: VDPACTL (default ./vdpactl).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vdpactl=${VDPACTL:-$root/vdpactl}
lib=$root/tests/fake/libfakevdpa.so
runs=5

while getopts r: opt; do
	case $opt in
	r) runs=$OPTARG ;;
	*)
		echo "usage: $0 [-r RUNS] [N]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
n=${1:-64}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "hold-bench: bad number of runs '$runs'" >&2; exit 2; }
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "hold-bench: bad number of devices '$n'" >&2; exit 2; }
[ -x "$vdpactl" ] || { echo "$vdpactl: not built (make)" >&2; exit 1; }
[ -f "$lib" ] || make -s -C "$root" tests/fake/libfakevdpa.so

work=$(mktemp -d "${TMPDIR:-/tmp}/hold-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$root/tests/fake/gen-scenario.py" host "$n" -o "$work/host.json"

# The commands measured: "label|arguments"
COMMANDS=(
	"show --all --json|show --all --json"
	"probe --all --datapath=off --json|probe --all --datapath=off --json"
	"probe --all --json --jobs=1 (auto)|probe --all --json --jobs=1"
	"probe --all --json (auto)|probe --all --json"
)

# windows LOG: "opens median_us max_us sum_us" of one run's fake log
windows() {
	awk '
	$2 == "open" && $3 ~ /^\/dev\/vhost-vdpa-/ && $NF ~ /^[0-9]+$/ { t[$3] = $1; next }
	$2 == "release" { node = $3; sub(/:$/, "", node)
		if (node in t) { w[++k] = ($1 - t[node]) * 1e6; delete t[node] } }
	END {
		if (k == 0) { print "0 0 0 0"; exit }
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (w[j] < w[i]) { x = w[i]; w[i] = w[j]; w[j] = x }
		for (i = 1; i <= k; i++) s += w[i]
		printf "%d %.0f %.0f %.0f\n", k, w[int((k + 1) / 2)], w[k], s
	}' "$1"
}

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf 'hold-bench: %d devices (gen-scenario.py host %d), %d runs, under the fake (its logging inside the windows)\n' \
	"$n" "$n" "$runs"
printf '%-36s %6s %12s %12s %12s %10s\n' command opens median-us max-us sum-us wall-ms
for c in "${COMMANDS[@]}"; do
	label=${c%%|*} args=${c#*|}
	: >"$work/stats"
	for ((i = 0; i < runs; i++)); do
		rm -f "$work/log"
		t0=$(date +%s%N)
		# shellcheck disable=SC2086 # the arguments are a word list
		FAKE_VDPA_SCENARIO=$work/host.json FAKE_VDPA_LOG=$work/log FAKE_VDPA_LOG_TIME=1 \
			LD_PRELOAD=$lib "$vdpactl" $args >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		echo "$(windows "$work/log") $(((t1 - t0) / 1000000))" >>"$work/stats"
	done
	printf '%-36s' "$label"
	for col in 1 2 3 4 5; do
		w=$([ "$col" = 1 ] && echo 6 || echo 12)
		[ "$col" = 5 ] && w=10
		printf " %${w}s" "$(cut -d' ' -f"$col" "$work/stats" | median)"
	done
	echo
done
