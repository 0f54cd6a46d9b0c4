#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mem-bench.sh - peak memory of `vdpactl list --json` and `vdpactl show --all --json` on large
# hosts, above what the fake kernel itself takes.
#
# A benchmark, not a test: it prints numbers and never fails on them.
#
#   tests/bench/mem-bench.sh [N...]        (default: 1024 4096)
#
# Each host comes from tests/fake/gen-scenario.py host N. Peak RSS is GNU time's %M (maximum
# resident set size, KiB) under libfakevdpa.so, the least of RUNS runs (default 3): the noise is
# pages that some runs touch and others do not, never fewer, and on a loaded machine one run of
# the fake alone came out 170 KiB above its usual figure, more than vdpactl's own share of a
# 16-device host. "fake" is the fake kernel alone for
# that host (`cat /sys/bus/vdpa/drivers_autoprobe` under it: it builds its whole sysfs tree),
# so "above fake" is vdpactl's own share. Per device: that share divided by N.
#
# Environment: VDPACTL (default ./vdpactl), RUNS (default 3).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vdpactl=${VDPACTL:-$root/vdpactl}
lib=$root/tests/fake/libfakevdpa.so
gnu_time=/usr/bin/time

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1024 4096)
for n in "${sizes[@]}"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "mem-bench: bad number of devices '$n'" >&2; exit 2; }
done
[ -x "$vdpactl" ] || { echo "$vdpactl: not built (make)" >&2; exit 1; }
[ -x "$gnu_time" ] || { echo "mem-bench: GNU time is not installed (apt-get install time)" >&2; exit 1; }
[ -f "$lib" ] || make -s -C "$root" tests/fake/libfakevdpa.so

work=$(mktemp -d "${TMPDIR:-/tmp}/mem-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

runs=${RUNS:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "mem-bench: bad RUNS '$runs'" >&2; exit 2; }

# peak_kib HOST CMD...: peak RSS in KiB of CMD under the fake for HOST, the least of $runs runs
peak_kib() {
	local host=$1 i kib least=
	shift
	for ((i = 0; i < runs; i++)); do
		FAKE_VDPA_SCENARIO=$host LD_PRELOAD=$lib "$gnu_time" -f %M -o "$work/rss" "$@" \
			>/dev/null 2>&1 || {
			echo "mem-bench: failed: $*" >&2
			exit 1
		}
		kib=$(tail -1 "$work/rss")
		[[ -z $least || $kib -lt $least ]] && least=$kib
	done
	echo "$least"
}

printf 'mem-bench: peak RSS under the fake kernel (KiB)\n'
printf '%-22s %8s %10s %10s %12s %14s\n' command devices rss fake above-fake per-device-B
for n in "${sizes[@]}"; do
	"$root/tests/fake/gen-scenario.py" host "$n" -o "$work/host.json"
	fake=$(peak_kib "$work/host.json" cat /sys/bus/vdpa/drivers_autoprobe)
	for c in "list --json" "show --all --json"; do
		# shellcheck disable=SC2086 # the command is a word list
		rss=$(peak_kib "$work/host.json" "$vdpactl" $c)
		printf '%-22s %8d %10d %10d %12d %14d\n' "$c" "$n" "$rss" "$fake" $((rss - fake)) \
			$(((rss - fake) * 1024 / n))
	done
done
