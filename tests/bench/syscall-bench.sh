#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# syscall-bench.sh - how many system calls `vdpactl list --json` and `vdpactl show --all --json`
# make per device, beyond what the fake kernel adds.
#
# A benchmark, not a test: it prints numbers and never fails on them.
#
#   tests/bench/syscall-bench.sh [N...]        (default: 512 1024)
#
# Commands: `list --json`, `show --all --json`, and `show /dev/vhost-vdpa-0 --json` ("show one":
# one named device, whose cost must not grow with the host).
#
# Each host comes from tests/fake/gen-scenario.py host N (simulator, vp_vdpa, virtio_vdpa-bound,
# unbound and management-device-less devices in a fixed mix). Counting is done with strace -f:
#
#   vdpactl's calls = syscalls of the run under the fake
#                   - syscalls of the fake alone for that host (`cat /sys/bus/vdpa/drivers_autoprobe`
#                     under it: loading the scenario, building and removing its sysfs tree)
#                   - the fake's own checks inside the run: its reads of /proc/self/maps (user
#                     memory checks of an ioctl) and geteuid() (its permission checks)
#                   - memory management (mmap, munmap, mremap, brk, mprotect, madvise): the
#                     allocator's, not discovery; AddressSanitizer's allocator makes many more
#                   + the vhost ioctls the fake answers without a syscall (counted in its log)
#
# For "show one" the fake alone is not the baseline: `show no-such-device` is (the same start-up,
# netlink family lookup and fake), so its figure is what the one device costs.
# Netlink needs no correction: the fake answers each sendto/recvmsg with one eventfd write/read.
# "per device" divides by N; "per opened" (show) by the nodes show opened; "no ioctls" is that
# without the read-only ioctls (11 per node: what show prints), which strace does not see on the
# fake, for comparison with counts taken that way. "growth" is the
# difference between the two largest hosts divided by the difference in devices, where fixed
# costs (loading, the libraries, /proc/devices) no longer count.
#
# Environment: VDPACTL (default ./vdpactl).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vdpactl=${VDPACTL:-$root/vdpactl}
lib=$root/tests/fake/libfakevdpa.so

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(512 1024)
for n in "${sizes[@]}"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "syscall-bench: bad number of devices '$n'" >&2; exit 2; }
done
[ -x "$vdpactl" ] || { echo "$vdpactl: not built (make)" >&2; exit 1; }
command -v strace >/dev/null || { echo "syscall-bench: strace is not installed (apt-get install strace)" >&2; exit 1; }
[ -f "$lib" ] || make -s -C "$root" tests/fake/libfakevdpa.so

work=$(mktemp -d "${TMPDIR:-/tmp}/syscall-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# count_calls TRACE: system calls in an strace -f log, less the fake's own checks
# (/proc/self/maps: its open, every read and close of that descriptor; geteuid) and memory
# management
count_calls() {
	awk '
		/^[0-9]+ +(\+\+\+|---)/ || / resumed>/ { next }
		/openat\(.*"\/proc\/self\/maps"/ { if (match($0, /= [0-9]+$/)) maps[$1 " " substr($0, RSTART + 2)] = 1; next }
		/ (read|close)\([0-9]+[,)]/ {
			fd = $0; sub(/^[0-9]+ +[a-z]+\(/, "", fd); sub(/[,)].*/, "", fd)
			if (($1 " " fd) in maps) { if ($2 ~ /^close/) delete maps[$1 " " fd]; next }
		}
		/ geteuid\(/ { next }
		/ (mmap|munmap|mremap|brk|mprotect|madvise)\(/ { next }
		{ n++ }
		END { print n + 0 }' "$1"
}

# Each run's fake makes its private root in a directory of its own: at start-up the fake looks
# at every root beside its own (to remove those of dead processes), so roots of other runs going
# on at the same time would add calls that are neither vdpactl's nor this run's fake's.
roots=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/syscall-bench.XXXXXX")
trap 'rm -rf "$work" "$roots"' EXIT

# traced SCENARIO TRACE CMD...: run CMD under the fake (no log: it costs calls) and strace.
# A sanitized build runs without LeakSanitizer, which cannot work under ptrace and fails at exit
# in calls of its own.
traced() {
	local scen=$1 trace=$2
	shift 2
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" TMPDIR=$roots \
		FAKE_VDPA_SCENARIO=$scen LD_PRELOAD=$lib strace -f -o "$trace" "$@" >/dev/null 2>&1 || true
}

printf '%-6s %-14s %9s %9s %8s %8s %11s %11s %11s\n' N command syscalls ioctls fake own "per device" "per opened" "no ioctls"
declare -A own opened
for n in "${sizes[@]}"; do
	scen=$work/host-$n.json
	"$root/tests/fake/gen-scenario.py" host "$n" -o "$scen"
	traced "$scen" "$work/base.trace" cat /sys/bus/vdpa/drivers_autoprobe
	base=$(count_calls "$work/base.trace")
	for cmd in list show one; do
		case $cmd in
		list) args=(list --json) ;;
		show) args=(show --all --json) ;;
		one) args=(show /dev/vhost-vdpa-0 --json) ;;
		esac
		rm -f "$work/run.log"
		# the log costs calls of its own: count ioctls from a run with it, calls from one without
		FAKE_VDPA_SCENARIO=$scen FAKE_VDPA_LOG=$work/run.log LD_PRELOAD=$lib "$vdpactl" "${args[@]}" >/dev/null 2>&1 || true
		ioctls=$(grep -c '^ioctl ' "$work/run.log" || true)
		nodes=$(grep -c '^open /dev/vhost-vdpa-' "$work/run.log" || true)
		traced "$scen" "$work/run.trace" "$vdpactl" "${args[@]}"
		calls=$(count_calls "$work/run.trace")
		if [ "$cmd" = one ]; then
			# against the same command for a device that is not there: the same start-up,
			# family lookup and fake, so what is left is the one device's own work
			traced "$scen" "$work/none.trace" "$vdpactl" show no-such-device --json
			base_one=$(count_calls "$work/none.trace")
			mine=$((calls - base_one + ioctls))
		else
			mine=$((calls - base + ioctls))
		fi
		own[$cmd,$n]=$mine
		opened[$cmd,$n]=$nodes
		per_opened=- no_ioctls=-
		if ((nodes > 0)); then
			per_opened=$(awk -v a="$mine" -v b="$nodes" 'BEGIN { printf "%.1f", a / b }')
			no_ioctls=$(awk -v a="$((mine - ioctls))" -v b="$nodes" 'BEGIN { printf "%.1f", a / b }')
		fi
		printf '%-6s %-14s %9d %9d %8d %8d %11s %11s %11s\n' "$n" "$cmd" "$calls" "$ioctls" "$base" \
			"$mine" "$(awk -v a="$mine" -v b="$n" 'BEGIN { printf "%.1f", a / b }')" "$per_opened" "$no_ioctls"
	done
done
if [ ${#sizes[@]} -ge 2 ]; then
	mapfile -t sorted < <(printf '%s\n' "${sizes[@]}" | sort -n | tail -2)
	a=${sorted[0]} b=${sorted[1]}
	if [ "$a" != "$b" ]; then
		for cmd in list show one; do
			printf 'growth %s, %d -> %d devices: %.1f calls per device' "$cmd" "$a" "$b" \
				"$(awk -v x="${own[$cmd,$a]}" -v y="${own[$cmd,$b]}" -v p="$a" -v q="$b" 'BEGIN { print (y - x) / (q - p) }')"
			dn=$((${opened[$cmd,$b]} - ${opened[$cmd,$a]}))
			((dn > 0)) && printf ', %.1f per opened device' \
				"$(awk -v x="${own[$cmd,$a]}" -v y="${own[$cmd,$b]}" -v d="$dn" 'BEGIN { print (y - x) / d }')"
			echo
		done
	fi
fi
