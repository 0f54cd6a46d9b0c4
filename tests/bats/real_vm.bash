# SPDX-License-Identifier: GPL-2.0-or-later
# The real-kernel layer's one boot per kernel, shared by real_kernel.bats and real_datapath.bats.
#
# real_vm_setup (from each file's setup_file) builds the guest tools and the kernels and boots
# 6.1 and 6.12 at once, each running every command below, in one QEMU run per kernel. The
# results go to $VM_OUT if set, else to $BATS_RUN_TMPDIR/real-vm; a second file in the same bats
# run finds them there (a lock, and a marker in $BATS_RUN_TMPDIR) and boots nothing. Running a single
# file still boots both kernels with every command. tests/vm/real-layer.sh (make check, make
# check-real) boots with the same functions itself and starts each kernel's tests as soon as its
# guest is done (VM_READY=1).
#
# Environment: VDPACTL (default ./vdpactl), HOLDER (default tests/vm/holder, built if missing),
#   VDPACTL_HOOKS (default ./vdpactl-testhooks, built if missing), VM_TOOLS (default
#   build/vm-tools: make vm-tools), VM_OUT (keep results there), VM_REUSE=1 (with VM_OUT: test
#   the results an earlier boot left there, boot nothing; for work on the assertions),
#   VM_READY=1 (with VM_OUT: the caller boots, never boot here), VM_TIMEOUT (seconds per boot,
#   default 360), CI=true (never skip: no QEMU is a failure).

# Commands run in each guest, in order: "name<TAB>command". Names are how tests find results.
# real_kernel.bats uses all but the dp_* ones; real_datapath.bats the dp_* ones (before the
# holder and the 61 extra devices, so that --all sees the four devices), probe_json and
# probe_auto_json.
real_vm_commands() {
	cat <<'EOF'
nodes	for d in /dev/vhost-vdpa-*; do stat -c '%n %F %a %t' "$d"; done; awk '$2 == "vhost-vdpa" { printf "major %x\n", $1 }' /proc/devices
vdpa_json	vdpa -j dev show
show_json	vdpactl show --all --json
show_text	vdpactl show --all
list_json	vdpactl list --json
list_text	vdpactl list
vdpa_mgmt	vdpa -j mgmtdev show
vdpa_config_net0	vdpa -j dev config show net0
vdpa_config_vpnet0	vdpa -j dev config show vpnet0
probe_json	vdpactl probe --all --json --datapath=off
probe_text	vdpactl probe --all --datapath=off
probe_auto_json	vdpactl probe --all --timeout 0.5 --json
check_req	vdpactl check --require iotlb_persist
check_probe_json	vdpactl check --probe --timeout 0.5 --require iotlb_persist --json
dp_force	vdpactl probe --all --datapath=force --timeout 0.5 --json
dp_identity	VDPACTL_TEST_UNSAFE_IDENTITY_IOVA=1 vdpactl-testhooks probe --timeout 0.5 --json vhost-vdpa-0
dp_identity_prod	VDPACTL_TEST_UNSAFE_IDENTITY_IOVA=1 vdpactl probe --timeout 0.5 --json vhost-vdpa-0
gate_force	vdpactl check --require iotlb_persist --probe --datapath=force --timeout 0.5
check_json	vdpactl check --json
metrics_list	vdpactl metrics
metrics_show	vdpactl metrics --from=show
dp_dmesg	dmesg
holder_start	(holder /dev/vhost-vdpa-0 /tmp/holder.go 30 >/tmp/holder.out 2>/tmp/holder.err; echo $? >/tmp/holder.rc) &
holder_wait	i=0; until grep -q '^held' /tmp/holder.out 2>/dev/null; do i=$((i + 1)); [ $i -lt 200 ] || { cat /tmp/holder.err >&2; exit 1; }; sleep 0.05; done; cat /tmp/holder.out
busy_text	vdpactl show /dev/vhost-vdpa-0
busy_json	vdpactl show --json /dev/vhost-vdpa-0
busy_all	vdpactl show --all --json
list_held	vdpactl list --json
holder_finish	touch /tmp/holder.go; i=0; until [ -s /tmp/holder.rc ]; do i=$((i + 1)); [ $i -lt 200 ] || exit 99; sleep 0.05; done; cat /tmp/holder.out; cat /tmp/holder.err >&2; exit "$(cat /tmp/holder.rc)"
after_holder	vdpactl show --json /dev/vhost-vdpa-0
qemu_start	ulimit -l unlimited; dev=$(awk '$1 == "vpnet0" { print $2 }' /tmp/devices); mkfifo /tmp/qmp.in /tmp/qmp.out /tmp/qt.in /tmp/qt.out && { VHOST_LOG=/tmp/vhost.log LD_PRELOAD=/usr/local/bin/vhost-log.so qemu-system-x86_64 -name guest=vdpa-guest1,debug-threads=on -S -nodefaults -no-user-config -machine pc -accel tcg,tb-size=16 -m 16 -display none -monitor none -serial none -chardev pipe,id=qmp,path=/tmp/qmp -mon chardev=qmp,mode=control -qtest pipe:/tmp/qt -qtest-log /dev/null -netdev vhost-vdpa,vhostdev=$dev,id=vdpa0 -device virtio-net-pci,netdev=vdpa0,mac=52:54:00:12:34:56,addr=0x5,romfile= </dev/null >/tmp/qemu.out 2>/tmp/qemu.err & echo $! >/tmp/qemu.pid; } && qmp greeting && cat /tmp/qemu.pid || { cat /tmp/qemu.err >&2; exit 1; }
qemu_state	p=$(cat /tmp/qemu.pid); dev=$(awk '$1 == "vpnet0" { print $2 }' /tmp/devices); qmp '{"execute":"query-status"}'; grep '^State:' /proc/$p/status; for f in /proc/$p/fd/*; do [ "$(stat -L -c %t:%T "$f" 2>/dev/null)" = "$(stat -c %t:%T $dev)" ] && echo "fd ${f##*/} on $dev"; done; echo "vhost ioctls: $(wc -l </tmp/vhost.log)"
qemu_show	vdpactl show vpnet0
qemu_show_json	vdpactl show --json vpnet0
qemu_list_json	vdpactl list --json
qemu_probe_all	vdpactl probe --all --json --datapath=off
qemu_metrics	vdpactl metrics
qemu_after	p=$(cat /tmp/qemu.pid); dev=$(awk '$1 == "vpnet0" { print $2 }' /tmp/devices); qmp '{"execute":"query-status"}'; grep '^State:' /proc/$p/status; for f in /proc/$p/fd/*; do [ "$(stat -L -c %t:%T "$f" 2>/dev/null)" = "$(stat -c %t:%T $dev)" ] && echo "fd ${f##*/} on $dev"; done; echo "vhost ioctls: $(wc -l </tmp/vhost.log)"
qemu_drive	qtest-virtio-net 5 && qmp '{"execute":"cont"}' && i=0 && until grep -q 'VHOST_VDPA_SET_STATUS in=0xf ' /tmp/vhost.log; do i=$((i + 1)); [ $i -lt 200 ] || { cat /tmp/qemu.err >&2; exit 1; }; sleep 0.05; done && echo "device started"
qemu_quit	p=$(cat /tmp/qemu.pid); qmp '{"execute":"quit"}'; i=0; while [ -e /proc/$p ] && ! grep -q '^State:.*Z' /proc/$p/status; do i=$((i + 1)); [ $i -lt 400 ] || exit 1; sleep 0.05; done; echo exited; cat /tmp/qemu.err >&2
qemu_ioctls	cat /tmp/vhost.log
after_qemu	vdpactl show --json vpnet0
nlprobe	nlprobe
nlprobe_noack	nlprobe -A get-dev=nosuchdev get-config=nosuchdev get-mgmtdev=nosuchdev
nlprobe_cap	nlprobe -C get-dev=nosuchdev get-config=blk0 get-config=vpblk0
nlprobe_sysfs	nlprobe sysfs
nlprobe_vq	nlprobe vq=/dev/vhost-vdpa-0 vq=/dev/vhost-vdpa-1 vq=/dev/vhost-vdpa-2 vq=/dev/vhost-vdpa-3
vdpa_mgmt_text	vdpa mgmtdev show
vdpa_mgmt_pretty	vdpa -j -p mgmtdev show
vdpa_dev_text	vdpa dev show
vdpa_config_json	vdpa -j dev config show
vdpa_config_text	vdpa dev config show
vdpa_config_blk0	vdpa -j dev config show blk0
vdpa_config_vpblk0	vdpa -j dev config show vpblk0
vdpa_dev_nosuch	vdpa -j dev show nosuch
vdpa_mgmt_nosuch	vdpa mgmtdev show pci/0000:00:09.0
big_vduse	vduse-mk vduse0 2 300000044 1 0008000000000000000000007e0000000000000000020000 && vdpa dev add mgmtdev vduse name vduse0
big_sims	nlprobe $(i=1; while [ $i -le 60 ]; do echo "new-dev=s$i@vdpasim_net"; i=$((i + 1)); done) || exit 1; i=1; while [ $i -le 60 ]; do [ -e /sys/bus/vdpa/devices/s$i ] || { echo "s$i was not added" >&2; exit 1; }; i=$((i + 1)); done
big_nlprobe	nlprobe dump-mgmtdev dump-dev dump-config get-dev=vduse0 get-config=vduse0 get-mgmtdev=vduse
big_nlprobe16k	nlprobe -b 16384 dump-dev dump-config
big_sysfs	nlprobe sysfs
big_vdpa_dev	vdpa -j dev show
big_vdpa_config	vdpa -j dev config show
big_list	vdpactl list --json
vduse_start	for n in vblk0 vstop0 vgone0; do dd if=/dev/zero of=/tmp/$n.img bs=1M count=8 2>/dev/null && printf 'VDPACTL-VDUSE-SECTOR-0' | dd of=/tmp/$n.img conv=notrunc 2>/dev/null && { qemu-storage-daemon --blockdev driver=file,node-name=f0,filename=/tmp/$n.img --export type=vduse-blk,id=e0,node-name=f0,name=$n,writable=on >/tmp/qsd-$n.log 2>&1 & echo $! >/tmp/qsd-$n.pid; } || exit 1; done; for n in vblk0 vstop0 vgone0; do i=0; until [ -e /dev/vduse/$n ]; do i=$((i + 1)); [ $i -lt 200 ] || { cat /tmp/qsd-$n.log >&2; exit 1; }; sleep 0.05; done; vdpa dev add name $n mgmtdev vduse || exit 1; echo "$n /dev/$(ls /sys/bus/vdpa/devices/$n | grep vhost-vdpa) $(cat /sys/class/vduse/$n/dev) $(cat /sys/class/vduse/$n/msg_timeout) $(cat /tmp/qsd-$n.pid)"; done
vduse_list	vdpactl list --json
vduse_show	vdpactl show --json vblk0
vduse_show_text	vdpactl show vblk0
vduse_probe	vdpactl probe --json vblk0
vduse_force	vdpactl probe --datapath=force --timeout 0.5 --json vblk0
vduse_check	vdpactl check --probe --datapath=force --timeout 0.5 vblk0
vduse_stop	p=$(cat /tmp/qsd-vstop0.pid); kill -STOP $p && grep '^State:' /proc/$p/status >&2 && read -r t0 _ </proc/uptime && vdpactl show --json vstop0; rc=$?; read -r t1 _ </proc/uptime; echo "rc $rc seconds $t0 $t1" >&2; exit $rc
vduse_raw_open	echo 1 >/sys/class/vduse/vstop0/msg_timeout && n=/dev/$(ls /sys/bus/vdpa/devices/vstop0 | grep vhost-vdpa); for i in 1 2; do read -r t0 _ </proc/uptime; sh -c "exec 3<$n" 2>&1; read -r t1 _ </proc/uptime; echo "open $i: $t0 $t1"; done
vduse_broken	kill -CONT $(cat /tmp/qsd-vstop0.pid) && sleep 0.2 && vdpactl show --json vstop0
vduse_gone	kill -9 $(cat /tmp/qsd-vgone0.pid) && sleep 0.2 && read -r t0 _ </proc/uptime && vdpactl probe --json vgone0; rc=$?; read -r t1 _ </proc/uptime; echo "rc $rc seconds $t0 $t1" >&2; exit $rc
EOF
}

# real_vm_setup: sets ROOT, VDPACTL, VM_RESULTS, NLPROBE, VM_SKIP; boots unless this bats run
# already did, or VM_READY=1 says the caller (tests/vm/real-layer.sh) boots.
real_vm_setup() {
	export ROOT
	ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	export VDPACTL="${VDPACTL:-$ROOT/vdpactl}"
	export VM_RESULTS="${VM_OUT:-$BATS_RUN_TMPDIR/real-vm}"
	export VM_SKIP=""
	export NLPROBE="${VM_TOOLS:-$ROOT/build/vm-tools}/host/nlprobe"

	if ! qemu-system-x86_64 -machine help >/dev/null 2>&1; then
		if [ "${CI:-}" = true ]; then
			echo "qemu-system-x86_64 cannot run, and CI=true forbids skipping the real-kernel layer" >&2
			return 1
		fi
		VM_SKIP="qemu-system-x86_64 cannot run here (install qemu-system-x86): real-kernel layer NOT RUN"
		return 0
	fi
	[ -x "$VDPACTL" ] || { echo "VDPACTL=$VDPACTL is not an executable (run make first)" >&2; return 1; }
	# tests/vm/real-layer.sh built the tools and boots; a guest that failed is need_boot's to say
	[ "${VM_READY:-0}" = 1 ] && [ -n "${VM_OUT:-}" ] && return 0

	mkdir -p "$VM_RESULTS"
	# The marker lives in this run's own directory (new for every bats run); the lock and the
	# results in VM_RESULTS. A setup that failed before booting is not repeated by the second
	# file: it reports the same failure at once.
	local lock rc=0 marker="$BATS_RUN_TMPDIR/real-vm.state"
	exec {lock}>"$VM_RESULTS/.lock"
	flock "$lock"
	case "$(cat "$marker" 2>/dev/null)" in
	booted)
		exec {lock}>&-
		return 0
		;;
	failed)
		exec {lock}>&-
		echo "the real-kernel VM setup already failed in this run:" >&2
		cat "$VM_RESULTS/setup.err" >&2
		return 1
		;;
	esac
	if [ "${VM_REUSE:-0}" = 1 ] && [ -n "${VM_OUT:-}" ] && [ -r "$VM_OUT/run-vm-6.1.rc" ] &&
		[ -r "$VM_OUT/run-vm-6.12.rc" ]; then
		echo "# real layer: the results of an earlier boot in $VM_OUT (VM_REUSE=1)" >&3
		real_vm_tools 2>"$VM_RESULTS/setup.err" || rc=$?
	else
		{ real_vm_prepare && real_vm_boot; } 2>"$VM_RESULTS/setup.err" {lock}>&- || rc=$?
	fi
	if [ "$rc" -eq 0 ]; then
		echo booted >"$marker"
	else
		echo failed >"$marker"
		cat "$VM_RESULTS/setup.err" >&2
	fi
	exec {lock}>&-
	return "$rc"
}

# real_vm_tools: the helpers the guests and the conformance tests run (make vm-tools: nothing to
# do when they are current) and the fake kernel
real_vm_tools() {
	make -s -C "$ROOT" vm-tools tests/fake/libfakevdpa.so >/dev/null ||
		{ echo "cannot build the real layer's tools (make vm-tools tests/fake/libfakevdpa.so)" >&2; return 1; }
}

# real_vm_prepare: needs ROOT, VDPACTL and VM_RESULTS. The tools, the holder and the test build
# (HOLDER and VDPACTL_HOOKS when given, else built if missing), the command list (names and
# commands in VM_RESULTS) and both kernels (build-kernel.sh: cached after the first build).
real_vm_prepare() {
	mkdir -p "$VM_RESULTS"
	real_vm_tools || return 1
	REAL_VM_HOLDER=${HOLDER:-$ROOT/tests/vm/holder}
	# the test build (VDPACTL_TEST_HOOKS) for the identity-IOVA trap; never the shipped binary
	REAL_VM_HOOKS=${VDPACTL_HOOKS:-$ROOT/vdpactl-testhooks}
	if [ -z "${HOLDER:-}" ]; then
		make -s -C "$ROOT" tests/vm/holder >/dev/null || { echo "cannot build the static holder" >&2; return 1; }
	fi
	if ! [ -x "$REAL_VM_HOOKS" ] && [ -z "${VDPACTL_HOOKS:-}" ]; then
		make -s -C "$ROOT" vdpactl-testhooks >/dev/null || { echo "cannot build vdpactl-testhooks" >&2; return 1; }
	fi
	local f
	for f in "$VDPACTL" "$REAL_VM_HOLDER" "$REAL_VM_HOOKS"; do
		[ -x "$f" ] || { echo "$f: not an executable" >&2; return 1; }
	done
	real_vm_commands | cut -f1 >"$VM_RESULTS/names"
	real_vm_commands | cut -f2- >"$VM_RESULTS/commands"
	# a cold build takes minutes and both cores: before any boot
	"$ROOT/tests/vm/build-kernel.sh" all >/dev/null 2>"$VM_RESULTS/build-kernel.log" || {
		cat "$VM_RESULTS/build-kernel.log" >&2
		return 1
	}
}

# real_vm_boot_kernel KERNEL: one boot with every command (after real_vm_prepare); the exit
# status in VM_RESULTS/run-vm-KERNEL.rc, run-vm.sh's messages in run-vm-KERNEL.log
real_vm_boot_kernel() {
	local k=$1 tools="${VM_TOOLS:-$ROOT/build/vm-tools}/guest" rc=0
	"$ROOT/tests/vm/run-vm.sh" --kernel "$k" --binary "$VDPACTL" --add "$REAL_VM_HOLDER" \
		--add "$REAL_VM_HOOKS" --add "$tools/vhost-log.so" --add "$ROOT/tests/vm/qmp" \
		--add "$ROOT/tests/vm/qtest-virtio-net" --qemu \
		--add "$tools/nlprobe" --add "$tools/vduse-mk" \
		--add "$(command -v qemu-storage-daemon)" \
		--commands "$VM_RESULTS/commands" --out "$VM_RESULTS/$k" \
		--timeout "${VM_TIMEOUT:-360}" 2>"$VM_RESULTS/run-vm-$k.log" || rc=$?
	echo "$rc" >"$VM_RESULTS/run-vm-$k.rc"
}

# real_vm_boot: both kernels at once
real_vm_boot() {
	real_vm_boot_kernel 6.1 &
	real_vm_boot_kernel 6.12 &
	wait
}

# need_boot KERNEL: fail with run-vm's own diagnosis if the boot did not bring back everything.
need_boot() {
	local rcf="$VM_RESULTS/run-vm-$1.rc"
	if ! [ -r "$rcf" ] || [ "$(<"$rcf")" != 0 ]; then
		echo "the $1 guest run failed:" >&2
		cat "$VM_RESULTS/run-vm-$1.log" >&2
		echo "--- last lines of $VM_RESULTS/$1/console.log:" >&2
		tail -n 30 "$VM_RESULTS/$1/console.log" >&2 2>/dev/null || true
		return 1
	fi
}

# bats runs a debug trap before every shell command of a test (about 0.2 ms each here, 150
# times a plain shell's cost), so lookups here are table reads, not loops over files, and the
# tables are filled once per test in the test's own shell (real_vm_index, from setup), not again
# in each $(...) subshell.
#
# real_vm_index: RESULT_NO (command name -> line number in VM_RESULTS/names) and CHARDEV
# ("KERNEL vdpa-name" -> its /dev/vhost-vdpa-N, from each guest's devices file). Each table is a
# bash assignment made once by awk from its file (index_file) and sourced by every test.
# REAL_VM_NAMES and REAL_VM_COMMANDS: the names and command lines the guests ran, in order.
declare -gA RESULT_NO=() CHARDEV=()
declare -ga REAL_VM_NAMES=() REAL_VM_COMMANDS=()
real_vm_index() {
	local k
	[ -r "$VM_RESULTS/names" ] || return 0
	mapfile -t REAL_VM_NAMES <"$VM_RESULTS/names"
	mapfile -t REAL_VM_COMMANDS <"$VM_RESULTS/commands"
	index_file "$VM_RESULTS/names" '/^[a-z0-9_]+$/ { printf "[%s]=%d ", $1, NR; next }
		{ print "real_vm_index: bad command name " $0 > "/dev/stderr"; exit 1 }
		BEGIN { printf "RESULT_NO=(" } END { print ")" }' || return 1
	for k in 6.1 6.12; do
		[ -r "$VM_RESULTS/$k/devices" ] || continue
		index_file "$VM_RESULTS/$k/devices" '$1 ~ /^[a-z0-9]+$/ && $2 ~ /^\/dev\/vhost-vdpa-[0-9]+$/ {
			printf "[\"%s %s\"]=%s ", k, $1, $2 }
			BEGIN { printf "CHARDEV+=(" } END { print ")" }' -v k="$k" || return 1
	done
}

# index_file FILE AWK-PROGRAM [AWK-OPTION...]: source FILE.bash, which awk makes from FILE when
# it is missing or older (written to a temporary name and renamed: the other bats processes of
# the layer read it at the same time)
index_file() {
	local src=$1 prog=$2
	shift 2
	if ! [ "$src.bash" -nt "$src" ]; then
		awk "$@" "$prog" "$src" >"$src.bash.$$" && mv -f "$src.bash.$$" "$src.bash" || return 1
	fi
	# shellcheck disable=SC1090
	source "$src.bash"
}

# result_no NAME: the number of the guests' command NAME, in REPLY
result_no() {
	((${#RESULT_NO[@]} > 0)) || real_vm_index
	REPLY=${RESULT_NO[$1]:-}
	[ -n "$REPLY" ] || { echo "no command named $1" >&2; return 1; }
}

# result_path KERNEL NAME stdout|stderr|rc: the path of a command's captured output, in REPLY
result_path() {
	result_no "$2" || return 1
	REPLY=$VM_RESULTS/$1/$REPLY.$3
}

# vm_command NAME: the command line the guests ran for NAME, in REPLY
vm_command() {
	result_no "$1" || return 1
	REPLY=${REAL_VM_COMMANDS[REPLY - 1]}
}

# load_result KERNEL NAME: sets $output, $stderr and $status as `run --separate-stderr` would.
load_result() {
	need_boot "$1"
	result_path "$1" "$2" "" || return 1
	output=$(<"${REPLY}stdout")
	stderr=$(<"${REPLY}stderr")
	status=$(<"${REPLY}rc")
	lines=()
	[ -z "$output" ] || mapfile -t lines <<<"$output"
}

# kernel_log_explained KERNEL LOG-TEXT: no warning, BUG, oops or call trace, and every IOMMU
# fault is one that vdpactl's closed-owner check provokes on purpose: a DMA read by a vp_vdpa
# device (the PCI functions list_json names) of an IOVA in the data path's VA-guard windows
# (0x40000000.. upwards, src/datapath.c va_guard()), "PTE Read access is not set": the IOMMU
# domain of the closed owner was freed, so the new owner's rings are unreachable. At least one
# such fault must be there: it is how that check's answer shows on the platform IOMMU.
kernel_log_explained() {
	local log=$2 bdfs line n=0
	if grep -E 'WARNING:|BUG:|Oops|Call Trace' <<<"$log"; then
		echo "$1: the guest kernel warned (above)" >&2
		return 1
	fi
	load_result "$1" list_json
	bdfs=$(jq -r '[.devices[] | select(.parent.driver == "vp-vdpa") | .parent.bus_id | sub("^0000:"; "") | gsub("\\."; "\\.")] | join("|")' <<<"$output")
	[ -n "$bdfs" ] || { echo "$1: no vp_vdpa device in list_json" >&2; return 1; }
	while IFS= read -r line; do
		if [[ $line =~ ^DMAR:\ DRHD:\ handling\ fault\ status\ reg\ [0-9a-f]+$ ]]; then
			continue
		fi
		if [[ $line =~ ^DMAR:\ \[DMA\ Read\ NO_PASID\]\ Request\ device\ \[($bdfs)\]\ fault\ addr\ 0x400[0-9a-f]{5}\ \[fault\ reason\ 0x06\]\ PTE\ Read\ access\ is\ not\ set$ ]]; then
			n=$((n + 1))
			continue
		fi
		echo "$1: an IOMMU fault that no closed-owner check explains: $line" >&2
		return 1
	done < <(grep -E 'DMAR: .*fault' <<<"$log")
	((n > 0)) || { echo "$1: no IOMMU fault from the closed-owner checks on vp_vdpa" >&2; return 1; }
}
