#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: vdpactl against real Linux 6.1 and 6.12 kernels (vDPA simulator, vp_vdpa and a VDUSE
# block device served by qemu-storage-daemon, under QEMU), side by side. Builds the kernels on
# first use (cached), boots both at once.
#
# Usage: tests/vm/demo.sh VDPACTL_BINARY
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${1:?usage: demo.sh VDPACTL_BINARY}
[ -x "$bin" ] || { echo "demo: $bin is not executable (run make)" >&2; exit 1; }
command -v jq >/dev/null || { echo "demo: jq is missing (apt-get install jq)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/vdpactl-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# first a third parent: a VDUSE block device served by qemu-storage-daemon from an 8 MiB image
cat >"$work/commands" <<'EOF_C'
dd if=/dev/zero of=/tmp/vblk0.img bs=1M count=8 2>/dev/null && { qemu-storage-daemon --blockdev driver=file,node-name=f0,filename=/tmp/vblk0.img --export type=vduse-blk,id=e0,node-name=f0,name=vblk0,writable=on >/tmp/qsd.log 2>&1 & } && i=0 && until [ -e /dev/vduse/vblk0 ]; do i=$((i + 1)); [ $i -lt 200 ] || { cat /tmp/qsd.log >&2; exit 1; }; sleep 0.05; done && vdpa dev add name vblk0 mgmtdev vduse
vdpactl list
vdpactl show --all --json
vdpactl probe --all --datapath=force --timeout=1 --json
vdpactl check --require iotlb_persist
EOF_C

echo "Building (or finding cached) test kernels 6.1 and 6.12 ..." >&2
"$here/build-kernel.sh" all >/dev/null
echo "Booting both kernels under QEMU with vdpa_sim, vp_vdpa and VDUSE devices ..." >&2
pids=()
for k in 6.1 6.12; do
	"$here/run-vm.sh" --kernel "$k" --binary "$bin" --commands "$work/commands" \
		--add "$(command -v qemu-storage-daemon)" --out "$work/$k" 2>"$work/run-$k.log" &
	pids+=($!)
done
for i in 0 1; do
	if ! wait "${pids[$i]}"; then
		k=$([ "$i" = 0 ] && echo 6.1 || echo 6.12)
		echo "demo: the $k guest failed:" >&2
		cat "$work/run-$k.log" >&2
		exit 1
	fi
done

for k in 6.1 6.12; do
	if [ "$(cat "$work/$k/1.rc")" != 0 ]; then
		echo "demo: the $k guest could not add the VDUSE device:" >&2
		cat "$work/$k/1.stderr" >&2
		exit 1
	fi
done

rel() { jq -r .host.kernel_release "$work/$1/3.stdout"; }
r61=$(rel 6.1)
r612=$(rel 6.12)

echo
echo "== vdpactl list (Linux $r612): what the host has, without opening anything"
cat "$work/6.12/2.stdout"
echo
echo "== The same five devices on two kernels: vdpactl show, and vdpactl probe --datapath"
echo "   (after reset: did the device still reach its buffers through the mapping after"
echo "    SET_STATUS(0) with no IOTLB write? with IOTLB_PERSIST acked / not acked;"
echo "    closed: after vdpactl closed the device, did a new owner that mapped nothing still"
echo "    reach the old buffers? gone / KEPT)"
printf '%-7s %-12s | %-8s %-7s %-11s %-6s %-10s | %-8s %-7s %-11s %-6s %-10s\n' "DEVICE" "PARENT" \
	"$r61" "PERSIST" "AFTER RESET" "CLOSED" "VERDICT" "$r612" "PERSIST" "AFTER RESET" "CLOSED" "VERDICT"
for d in net0 blk0 vpnet0 vpblk0 vblk0; do
	row() {
		local show=$work/$1/3.stdout probe=$work/$1/4.stdout
		jq -r --arg d "$d" '.devices[] | select(.name == $d) |
			[(.backend_features.raw | sub("^0x0*"; "0x")),
			 (if .backend_features.iotlb_persist then "yes" else "no" end)] | @tsv' "$show" |
			tr '\n' '\t'
		jq -r --arg d "$d" '.devices[] | select(.name == $d) |
			def word(s): if s == "pass" then "kept" elif s == "fail" then "LOST" else "-" end;
			[.verdict.checks[] | select(.id == "datapath_after_reset" or
				.id == "datapath_after_reset_compat") | .status] as $c |
			[.verdict.checks[] | select(.id == "mappings_dropped_on_close") | .status] as $o |
			[(if .backend_features.iotlb_persist then word($c[0]) + "/" + word($c[1])
			  else "-/" + word($c[0]) end),
			 (if $o[0] == "pass" then "gone" elif $o[0] == "fail" then "KEPT" else "-" end),
			 .verdict.status] | @tsv' "$probe"
	}
	parent=$(jq -r --arg d "$d" '.devices[] | select(.name == $d) |
		(.parent.driver // .mgmtdev)' "$work/6.12/3.stdout")
	IFS=$'\t' read -r b1 p1 a1 c1 v1 <<<"$(row 6.1)"
	IFS=$'\t' read -r b2 p2 a2 c2 v2 <<<"$(row 6.12)"
	printf '%-7s %-12s | %-8s %-7s %-11s %-6s %-10s | %-8s %-7s %-11s %-6s %-10s\n' "$d" "$parent" \
		"$b1" "$p1" "$a1" "$c1" "$v1" "$b2" "$p2" "$a2" "$c2" "$v2"
done
echo
printf 'vdpactl check --require iotlb_persist:  exit %s on %s, exit %s on %s\n' \
	"$(cat "$work/6.1/5.rc")" "$r61" "$(cat "$work/6.12/5.rc")" "$r612"
echo
echo "Why they differ:"
echo "  $r61 predates IOTLB_PERSIST (6.7): the simulator really loses its mappings on reset and nothing tells"
echo "    userspace, so it must unmap everything before a reset and map it back after (vp_vdpa keeps them, unpromised)."
echo "  $r612 offers it and keeps the mappings for userspace that acks it (the simulator still drops them for"
echo "    userspace that does not): with the bit acked, QEMU-like users can skip the unmap/remap."
echo "  VDUSE (vblk0) offers it on neither: .set_map without .reset_map. Its daemon keeps the mappings"
echo "    across a reset on both kernels, but nothing promises it; and it keeps them after vdpactl closed the"
echo "    device: whoever opens it next can reach the last owner's memory (a finding of its own)."
