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
# unbound and management-device-less devices in a fixed mix). Every figure is a median of RUNS
# runs under libfakevdpa.so. A tool's own time is each run's wall time less what the fake
# reported spending in that run on loading the host, building its private root (the sysfs tree,
# /dev, /proc) and removing it (FAKE_VDPA_TIMING): both tools minus the fake, measured in the
# same runs. iproute2's side is `vdpa -j mgmtdev show`, `vdpa -j dev show` and
# `vdpa -j dev config show`, three processes: what list prints. "ratio" is vdpactl's own time
# over iproute2's ("-" if iproute2's is not above zero). The last line is the growth per device
# between the two largest hosts, where fixed costs no longer hide it.
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

# median_ms SCENARIO CMD...: median over RUNS runs of CMD under the fake of two figures, in ms:
# its wall time, and its own time (wall time less what the fake reported for loading the host,
# building its private root and removing it: FAKE_VDPA_TIMING). Prints "WALL OWN".
median_ms() {
	local scen=$1 t0 t1 i f
	shift
	local walls=() owns=()
	for ((i = 0; i < runs; i++)); do
		: >"$work/timing"
		t0=$(now_ns)
		FAKE_VDPA_SCENARIO=$scen FAKE_VDPA_TIMING=$work/timing LD_PRELOAD=$lib "$@" >/dev/null 2>&1 || {
			echo "failed: $*" >&2
			exit 1
		}
		t1=$(now_ns)
		f=$(sed -n 's/^fake_us=//p' "$work/timing" | head -1)
		[ -n "$f" ] || { echo "the fake reported no timing for: $*" >&2; exit 1; }
		walls+=($(((t1 - t0) / 1000)))
		owns+=($(((t1 - t0) / 1000 - f)))
	done
	printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')" \
		"$(printf '%s\n' "${owns[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')"
}

printf '%-6s %11s %12s %12s %13s %7s\n' N "vdpactl ms" "vdpactl own" "vdpa x3 ms" "vdpa x3 own" "ratio"
declare -A own_vc own_vd
for n in "${sizes[@]}"; do
	scen=$work/host-$n.json
	"$root/tests/fake/gen-scenario.py" host "$n" -o "$scen"
	# sanity: vdpactl lists every device
	got=$(FAKE_VDPA_SCENARIO=$scen LD_PRELOAD=$lib "$vdpactl" list --json 2>/dev/null | jq '.devices | length')
	[ "$got" = "$n" ] || { echo "vdpactl listed $got of $n devices" >&2; exit 1; }
	read -r t_vc own_vc[$n] < <(median_ms "$scen" "$vdpactl" list --json)
	# iproute2: the three commands that print what list prints, each a process of its own
	read -r a1 b1 < <(median_ms "$scen" "$vdpa" -j mgmtdev show)
	read -r a2 b2 < <(median_ms "$scen" "$vdpa" -j dev show)
	read -r a3 b3 < <(median_ms "$scen" "$vdpa" -j dev config show)
	t_vd=$(awk -v a="$a1" -v b="$a2" -v c="$a3" 'BEGIN { printf "%.1f", a + b + c }')
	own_vd[$n]=$(awk -v a="$b1" -v b="$b2" -v c="$b3" 'BEGIN { printf "%.1f", a + b + c }')
	printf '%-6s %11s %12s %12s %13s %7s\n' "$n" "$t_vc" "${own_vc[$n]}" "$t_vd" "${own_vd[$n]}" \
		"$(awk -v a="${own_vc[$n]}" -v b="${own_vd[$n]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }')"
done

if [ ${#sizes[@]} -ge 2 ]; then
	a=${sizes[-2]} b=${sizes[-1]}
	echo
	echo "Growth per device between the two largest hosts (N=$a -> N=$b), own shares:"
	awk -v a="$a" -v b="$b" -v va="${own_vc[$a]}" -v vb="${own_vc[$b]}" -v da="${own_vd[$a]}" \
		-v db="${own_vd[$b]}" 'BEGIN {
		gv = (vb - va) * 1000 / (b - a); gd = (db - da) * 1000 / (b - a)
		printf "  vdpactl %.1f us/device, iproute2 %.1f us/device, ratio ", gv, gd
		if (gd > 0) printf "%.2f\n", gv / gd; else print "-"
	}'
fi
