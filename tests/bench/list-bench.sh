#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# list-bench.sh - how `vdpactl list --json` scales with the number of vDPA devices, next to
# iproute2's `vdpa -j mgmtdev show` + `vdpa -j dev show` on the same fake host.
#
# A benchmark, not a test: it prints numbers and never fails on them.
#
#   tests/bench/list-bench.sh [-r RUNS] [N...]      (default: 256 512 1024 2048, 5 runs)
#
# Each host comes from tests/fake/gen-scenario.py host N (simulator, vp_vdpa, virtio_vdpa-bound,
# unbound and management-device-less devices in a fixed mix). Every figure is the median wall
# time of RUNS runs under libfakevdpa.so. "fake sysfs" is what the fake itself spends building
# its sysfs tree for that host (measured as `cat /sys/bus/vdpa/drivers_autoprobe` under it):
# vdpactl pays it, iproute2 (netlink only) does not, so "vdpactl - fake" is vdpactl's own share.
# The last columns say whether time grows linearly: the per-device time of each N relative to
# the smallest N (1.00 = perfectly linear; a steady climb means super-linear).
#
# Environment: VDPACTL (default ./vdpactl), VDPA (default /usr/sbin/vdpa).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vdpactl=${VDPACTL:-$root/vdpactl}
vdpa=${VDPA:-/usr/sbin/vdpa}
lib=$root/tests/fake/libfakevdpa.so
runs=5

while getopts r: opt; do
	case $opt in
	r) runs=$OPTARG ;;
	*)
		echo "usage: $0 [-r RUNS] [N...]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(256 512 1024 2048)

[ -x "$vdpactl" ] || { echo "$vdpactl: not built (make)" >&2; exit 1; }
[ -x "$vdpa" ] || { echo "$vdpa: iproute2 is not installed" >&2; exit 1; }
[ -f "$lib" ] || make -s -C "$root" tests/fake/libfakevdpa.so

work=$(mktemp -d "${TMPDIR:-/tmp}/list-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# now_ns: monotonic-enough wall clock in nanoseconds
now_ns() { date +%s%N; }

# median_ms SCENARIO CMD...: median wall time of RUNS runs of CMD under the fake, in ms
median_ms() {
	local scen=$1 t0 t1 i
	shift
	local times=()
	for ((i = 0; i < runs; i++)); do
		t0=$(now_ns)
		FAKE_VDPA_SCENARIO=$scen LD_PRELOAD=$lib "$@" >/dev/null 2>&1 || {
			echo "failed: $*" >&2
			exit 1
		}
		t1=$(now_ns)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}

# the vdpa pair as one measured command
vdpa_pair() {
	"$vdpa" -j mgmtdev show && "$vdpa" -j dev show
}
export -f vdpa_pair
export vdpa

printf '%-6s %12s %12s %14s %14s %12s %12s\n' N "vdpactl ms" "fake sysfs" "vdpactl-fake" \
	"vdpa pair ms" "us/dev (vc)" "us/dev (vdpa)"
base_vc="" base_vd=""
declare -A per_vc per_vd
for n in "${sizes[@]}"; do
	scen=$work/host-$n.json
	"$root/tests/fake/gen-scenario.py" host "$n" -o "$scen"
	# sanity: vdpactl lists every device
	got=$(FAKE_VDPA_SCENARIO=$scen LD_PRELOAD=$lib "$vdpactl" list --json 2>/dev/null | jq '.devices | length')
	[ "$got" = "$n" ] || { echo "vdpactl listed $got of $n devices" >&2; exit 1; }
	t_vc=$(median_ms "$scen" "$vdpactl" list --json)
	t_fk=$(median_ms "$scen" cat /sys/bus/vdpa/drivers_autoprobe)
	t_vd=$(median_ms "$scen" bash -c vdpa_pair)
	own=$(awk -v a="$t_vc" -v b="$t_fk" 'BEGIN { printf "%.1f", a - b }')
	pv=$(awk -v a="$own" -v n="$n" 'BEGIN { printf "%.1f", a * 1000 / n }')
	pd=$(awk -v a="$t_vd" -v n="$n" 'BEGIN { printf "%.1f", a * 1000 / n }')
	per_vc[$n]=$pv
	per_vd[$n]=$pd
	[ -n "$base_vc" ] || { base_vc=$pv; base_vd=$pd; }
	printf '%-6s %12s %12s %14s %14s %12s %12s\n' "$n" "$t_vc" "$t_fk" "$own" "$t_vd" "$pv" "$pd"
done

echo
echo "Per-device time relative to N=${sizes[0]} (1.00 = linear):"
verdict_vc=linear verdict_vd=linear
for n in "${sizes[@]}"; do
	rv=$(awk -v a="${per_vc[$n]}" -v b="$base_vc" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	rd=$(awk -v a="${per_vd[$n]}" -v b="$base_vd" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	printf '  N=%-6s vdpactl %s   vdpa %s\n' "$n" "$rv" "$rd"
	if awk -v r="$rv" 'BEGIN { exit !(r > 1.5) }'; then verdict_vc="super-linear"; fi
	if awk -v r="$rd" 'BEGIN { exit !(r > 1.5) }'; then verdict_vd="super-linear"; fi
done
echo "vdpactl list: $verdict_vc; iproute2 vdpa: $verdict_vd (super-linear = per-device time grew by more than 1.5x)"
