#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real-kernel layer (make check's "real", make check-real): boot Linux 6.1 and 6.12 once
# each with every command of tests/bats/real_vm.bash, run tests/bats/real_*.bats against the
# results, print one TAP stream.
#
# The tests only read the guests' results and are CPU-bound, and the machine has two cores: three
# bats processes instead of one. The 6.12 guest is done first (fewer data-path timeouts), so the
# tests named "6.12: ..." start then, beside the 6.1 guest; the tests named "6.1: ..." and those
# that need both kernels start when the 6.1 guest is done, as two more processes. Their TAP is
# merged and renumbered at the end. A test that no group or two groups take, or a group that
# stops before its plan, fails the layer.
#
# Environment: as tests/bats/real_vm.bash (VDPACTL, HOLDER, VDPACTL_HOOKS, VM_TOOLS, VM_OUT,
# VM_REUSE=1, VM_TIMEOUT, CI=true). Exit status: 0 only if every test passed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 2
export ROOT VDPACTL="${VDPACTL:-$ROOT/vdpactl}"
files=(tests/bats/real_*.bats)
# name, bats --filter: every test in exactly one group. Group I starts when guest I is done
# (pids[I]; the last group has none: it starts after both).
groups=("6.12" '^6\.12: ' "6.1" '^6\.1: ' "both kernels" '^[^6]')
ngroups=$((${#groups[@]} / 2))

# Without a QEMU that runs, real_vm_setup decides: skip, or fail under CI=true.
if ! qemu-system-x86_64 -machine help >/dev/null 2>&1; then
	exec bats --tap "${files[@]}"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vdpactl-real.XXXXXX")
t0=$EPOCHREALTIME
# stamp WHAT: where the time went, on stderr
stamp() {
	local t=$EPOCHREALTIME
	printf 'real-layer: %s at %.1f s\n' "$1" "$(bc <<<"$t - $t0")" >&2
}
# every process this script started, depth first (the guests' QEMU included)
kill_tree() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		kill_tree "$c"
	done
	[ "$1" = $$ ] || kill -TERM "$1" 2>/dev/null
}
trap 'rm -rf "$work"' EXIT
trap 'kill_tree $$; exit 130' INT
trap 'kill_tree $$; exit 143' TERM

# fail_layer WHAT FILE: the layer as one failed test, FILE's lines as TAP comments
fail_layer() {
	printf '1..1\nnot ok 1 the real-kernel layer: %s\n' "$1"
	sed 's/^/# /' "$2"
	exit 1
}

# shellcheck source=../bats/real_vm.bash
source tests/bats/real_vm.bash
export VM_OUT="${VM_OUT:-$work/vm}"
VM_RESULTS=$VM_OUT
mkdir -p "$VM_RESULTS"
pids=()
if [ "${VM_REUSE:-0}" = 1 ] && [ -r "$VM_OUT/run-vm-6.1.rc" ] && [ -r "$VM_OUT/run-vm-6.12.rc" ]; then
	echo "# real layer: the results of an earlier boot in $VM_OUT (VM_REUSE=1)"
	real_vm_tools 2>"$work/setup.err" || fail_layer "building its tools failed" "$work/setup.err"
else
	rm -f "$VM_OUT"/run-vm-*.rc
	real_vm_prepare 2>"$work/setup.err" || fail_layer "its setup failed" "$work/setup.err"
	real_vm_boot_kernel 6.12 &
	pids[0]=$!
	real_vm_boot_kernel 6.1 &
	pids[1]=$!
	stamp "guests started"
fi
# every test of the files (their @test lines; `bats --count` costs 0.8 s of CPU the guests need)
total=$(cat "${files[@]}" | grep -c '^@test ')

# group I: wait for its guest, then its tests in the background
bats_pids=()
for ((i = 0; i < ngroups; i++)); do
	if [ -n "${pids[i]:-}" ]; then
		wait "${pids[i]}"
		stamp "the ${groups[2 * i]%% *} guest done"
	fi
	(
		VM_READY=1 bats --tap -f "${groups[2 * i + 1]}" "${files[@]}" >"$work/$i.tap"
		rc=$?
		stamp "the ${groups[2 * i]} tests done"
		exit "$rc"
	) &
	bats_pids[i]=$!
done
rc=0
for ((i = 0; i < ngroups; i++)); do
	wait "${bats_pids[i]}" || rc=1
done

# merge: each group numbered after the ones before it; a group whose results fall short of its
# plan, or groups that do not add up to every test, add a failure
extra=() results=() planned=0 sum=0
for ((i = 0; i < ngroups; i++)); do
	name=${groups[2 * i]}
	plan=$(sed -n '1s/^1\.\.\([0-9][0-9]*\)$/\1/p' "$work/$i.tap")
	results[i]=$(grep -cE '^(not )?ok [0-9]+' "$work/$i.tap")
	[ -n "$plan" ] || { extra+=("the $name tests printed no plan"); plan=0; }
	[ "${results[i]}" = "$plan" ] || extra+=("the $name tests: ${results[i]} results for a plan of $plan")
	planned=$((planned + plan)) sum=$((sum + results[i]))
done
[ "$planned" = "$total" ] || extra+=("the groups plan $planned tests, the files have $total")
echo "1..$((sum + ${#extra[@]}))"
off=0
for ((i = 0; i < ngroups; i++)); do
	awk -v off="$off" '
		NR == 1 && /^1\.\.[0-9]+$/ { next }
		/^(not )?ok [0-9]+/ { n = ($1 == "not" ? $3 : $2) + off; sub(/ok [0-9]+/, "ok " n) }
		{ print }' "$work/$i.tap"
	off=$((off + results[i]))
done
for x in "${extra[@]}"; do
	off=$((off + 1))
	echo "not ok $off the real-kernel layer: $x"
	rc=1
done
exit "$rc"
