#!/usr/bin/env bats
# Real-kernel layer: vdpactl against Debian's 6.1 and 6.12 kernels built with vdpa_sim and
# vp_vdpa (tests/vm/build-kernel.sh), booted under QEMU (tests/vm/run-vm.sh).
#
# Each kernel boots ONCE for the whole real layer (real_vm.bash, shared with
# real_datapath.bats) with four devices (net0 = vdpasim_net, blk0 = vdpasim_blk, vpnet0 /
# vpblk0 = vp_vdpa on QEMU virtio-net-pci / virtio-blk-pci behind an Intel IOMMU) and runs every
# command of real_vm_commands in that one boot (the last ones add three VDUSE block devices
# served by qemu-storage-daemon, and stop and kill two of the daemons); the tests assert on the
# captured stdout, stderr and exit codes. The expected values are what these kernels really report
# (tests/vm/README.md).
#
# Conformance with the fake kernel (tests/fake): the same commands run on the host under
# libfakevdpa.so with tests/fake/scenarios/realvm-<kernel>.json must print the same thing:
# vdpactl's JSON documents (minus what tests/conformance-ignore.jq lists), iproute2's vdpa
# output, the raw netlink bytes and the sysfs tree (tests/fake/nlprobe), and, after a VDUSE
# device and 60 more simulator devices (tests/fake/nlprobe new-dev) are added at the end of the
# run, the same for a host whose dumps need several datagrams (tests/fake/gen-scenario.py extend).
#
# Run: make check-real, or VDPACTL=$PWD/vdpactl bats tests/bats/real_kernel.bats
# Environment: VDPACTL (default ./vdpactl), HOLDER (default tests/vm/holder, built if missing),
#   VM_OUT (keep results there instead of a temporary directory), VM_REUSE=1 (with VM_OUT: test
#   the results an earlier boot left there, boot nothing), VM_TIMEOUT (seconds per boot,
#   default 360), CI=true (never skip: no QEMU is a failure).

# shellcheck disable=SC2030,SC2031 # bats runs each test in a subshell on purpose
bats_require_minimum_version 1.5.0
load assert_libs
load table
load real_vm

# What the kernels report, per kernel and device (measured; see tests/vm/README.md):
# kernel dev class backend_raw iotlb_persist device_features_raw config_size iova_last vqs groups AS
# (read into EXPECTED by setup, so that the $(expect ...) subshells find it filled)
declare -gA EXPECTED=()
expected_index() {
	local k d c
	while read -r k d c; do
		EXPECTED["$k $d"]=$c
	done <<'EOF'
6.1  net0   net   0x000000000000001e false 0x0000000308820028 24   0xffffffffffffffff 3 2 2
6.1  blk0   block 0x000000000000001e false 0x0000000308007646 72   0xffffffffffffffff 1 1 1
6.1  vpnet0 net   0x000000000000000e false 0x0000010330bf8024 4096 0x0000007fffffffff 3 1 1
6.1  vpblk0 block 0x000000000000000e false 0x0000010330006e54 4096 0x0000007fffffffff 1 1 1
6.12 net0   net   0x000000000000017e true  0x0000000308830028 24   0xffffffffffffffff 3 2 2
6.12 blk0   block 0x000000000000017e true  0x0000000308007646 96   0xffffffffffffffff 1 1 1
6.12 vpnet0 net   0x000000000000010e true  0x0000010330bf8024 4096 0x0000007fffffffff 3 1 1
6.12 vpblk0 block 0x000000000000010e true  0x0000010330006e54 4096 0x0000007fffffffff 1 1 1
EOF
}
DEVICES="net0 blk0 vpnet0 vpblk0"

# expect KERNEL DEV COLUMN
expect() {
	local col
	case "$3" in
	class) col=0 ;; backend) col=1 ;; persist) col=2 ;; device_features) col=3 ;;
	config_size) col=4 ;; iova_last) col=5 ;; vqs) col=6 ;; groups) col=7 ;; as) col=8 ;;
	*) echo "expect: unknown column $3" >&2; return 1 ;;
	esac
	((${#EXPECTED[@]} > 0)) || expected_index
	local -a row
	read -ra row <<<"${EXPECTED["$1 $2"]}"
	printf '%s\n' "${row[$col]}"
}

setup_file() {
	real_vm_setup
}

setup() {
	[ -z "$VM_SKIP" ] || skip "$VM_SKIP"
	real_vm_index
	expected_index
	CHECKS=()
}

# every check_field of a test is evaluated by then, at the latest
teardown() {
	checks_flush
}

# chardev KERNEL DEV: the /dev/vhost-vdpa-N the guest found for a vdpa device name (from sysfs).
chardev() {
	chardev_of "$1" "$2"
	printf '%s\n' "$REPLY"
}

# chardev_of KERNEL DEV: the same in $REPLY, without a subshell (real_vm_index's table)
chardev_of() {
	REPLY=${CHARDEV["$1 $2"]:-}
}

# field KERNEL DEV JQ-FILTER [RESULT-NAME]: one field of DEV's object in a vdpactl JSON document.
field() {
	chardev_of "$1" "$2"
	local cd=$REPLY
	result_path "$1" "${4:-show_json}" stdout || return 1
	jq -r --arg cd "$cd" ".devices[] | select(.char_device == \$cd) | $3" "$REPLY"
}

# check_field KERNEL DEV JQ-FILTER EXPECTED [RESULT-NAME]: DEV's JQ-FILTER (as `jq -r` prints it)
# must be EXPECTED; a mismatch fails naming kernel, device and field. The checks of a test are
# collected and evaluated together, one jq per document (checks_flush; teardown runs it too).
CHECKS=()
check_field() {
	CHECKS+=("$1" "$2" "$3" "$4" "${5:-show_json}")
}

# checks_flush: evaluate the collected checks, one jq per document; report every mismatch and
# fail if there was one.
checks_flush() {
	local -A prog=() args=()
	local -a argv
	local i n k r key rc=0 line
	for ((i = 0; i < ${#CHECKS[@]}; i += 5)); do
		k=${CHECKS[i]} r=${CHECKS[i + 4]} n=$((i / 5))
		key="$k $r"
		# [check number, what `jq -r FILTER` prints for the device, what it should print]
		prog[$key]+="[$n, ([first(.devices[] | select(.char_device == \$c$n)) | ${CHECKS[i + 2]}
			| if type == \"string\" then . else tojson end] | join(\"\\n\")), \$w$n],"
		args[$key]+="$n "
	done
	for key in "${!prog[@]}"; do
		k=${key% *} r=${key#* } argv=()
		for n in ${args[$key]}; do
			chardev_of "$k" "${CHECKS[n * 5 + 1]}"
			argv+=(--arg "c$n" "$REPLY" --arg "w$n" "${CHECKS[n * 5 + 3]}")
		done
		result_path "$k" "$r" stdout || return 1
		while IFS= read -r line; do
			rc=1
			n=${line%%,*} n=${n#[}
			[[ $n =~ ^[0-9]+$ ]] || { echo "$k: the checks of '$r' could not be evaluated: $line" >&2; continue; }
			echo "$k ${CHECKS[n * 5 + 1]}: ${CHECKS[n * 5 + 2]} is $(jq '.[1]' <<<"$line"), expected $(jq '.[2]' <<<"$line") (in $r)" >&2
		done < <(jq -c "${argv[@]}" "[${prog[$key]%,}] | .[] | select(.[1] != .[2])" "$REPLY" 2>&1 ||
			echo "jq failed")
	done
	CHECKS=()
	return $rc
}

# --- the guest itself ---------------------------------------------------------------------------

guest_devices() {
	need_boot "$1"
	local d devices="$VM_RESULTS/$1/devices"
	for d in $DEVICES; do
		grep -q "^$d /dev/vhost-vdpa-[0-9]*$" "$devices" ||
			{ echo "$1: no vhost-vdpa char device for $d:" >&2; cat "$devices" "$VM_RESULTS/$1/setup.log" >&2; return 1; }
	done
	# The holder test relies on /dev/vhost-vdpa-0 being the net simulator.
	assert_equal "$(chardev "$1" net0)" /dev/vhost-vdpa-0
	load_result "$1" nodes
	assert_equal "$status" 0
	local major
	major=$(sed -n 's/^major //p' <<<"$output")
	[ -n "$major" ] || { echo "$1: no vhost-vdpa entry in /proc/devices" >&2; return 1; }
	for d in 0 1 2 3; do
		assert_line "/dev/vhost-vdpa-$d character special file 600 $major"
	done
}

@test "6.1: the guest has net0, blk0, vpnet0, vpblk0 as vhost-vdpa char devices (0600)" {
	guest_devices 6.1
}

@test "6.12: the guest has net0, blk0, vpnet0, vpblk0 as vhost-vdpa char devices (0600)" {
	guest_devices 6.12
}

guest_kernel_log_clean() {
	need_boot "$1"
	kernel_log_explained "$1" "$(<"$VM_RESULTS/$1/dmesg")"
}

@test "6.1: no kernel warning or oops in the guest's dmesg; IOMMU faults only from closed-owner checks" {
	guest_kernel_log_clean 6.1
}

@test "6.12: no kernel warning or oops in the guest's dmesg; IOMMU faults only from closed-owner checks" {
	guest_kernel_log_clean 6.12
}

# --- vdpactl show --all --json ------------------------------------------------------------------

show_document() {
	load_result "$1" show_json
	assert_equal "$status" 0
	[ -z "$stderr" ] || { echo "unexpected stderr: $stderr" >&2; return 1; }
	local doc=$output
	# exactly one JSON document
	run jq -s length <<<"$doc"
	assert_output 1
	run jq -r '[.schema_version, .command, .complete, .exit_code, (.errors | length),
		(.devices | length), .host.kernel_release] | @tsv' <<<"$doc"
	assert_output "$(printf '2\tshow\ttrue\t0\t0\t4\t%s' "$2")"
	local d
	for d in $DEVICES; do
		check_field "$1" "$d" '.errors | length' 0
		check_field "$1" "$d" .bound_driver vhost_vdpa
	done
}

@test "6.1: vdpactl show --all --json: one document, four devices, exit 0" {
	show_document 6.1 6.1.192
}

@test "6.12: vdpactl show --all --json: one document, four devices, exit 0" {
	show_document 6.12 6.12.117
}

backend_features() {
	need_boot "$1"
	local d
	for d in $DEVICES; do
		check_field "$1" "$d" .backend_features.raw "$(expect "$1" "$d" backend)"
		check_field "$1" "$d" .backend_features.iotlb_persist "$(expect "$1" "$d" persist)"
		check_field "$1" "$d" '.backend_features.unknown_bits | length' 0
	done
	# names and bits agree: IOTLB_PERSIST named exactly when bit 8 is set
	for d in $DEVICES; do
		check_field "$1" "$d" '.backend_features.names | index("IOTLB_PERSIST") != null' \
			"$(expect "$1" "$d" persist)"
	done
}

@test "6.1: backend features: sim 0x1e, vp_vdpa 0x0e, no IOTLB_PERSIST" {
	backend_features 6.1
}

@test "6.12: backend features: sim 0x17e, vp_vdpa 0x10e, IOTLB_PERSIST everywhere" {
	backend_features 6.12
}

device_features() {
	need_boot "$1"
	local d
	for d in $DEVICES; do
		check_field "$1" "$d" .class "$(expect "$1" "$d" class)"
		check_field "$1" "$d" .device_features.raw "$(expect "$1" "$d" device_features)"
		check_field "$1" "$d" '.device_features.unknown_bits | length' 0
	done
	check_field "$1" net0 .virtio_device_id 1
	check_field "$1" blk0 .virtio_device_id 2
	# class-specific decoding: bit 1 is GUEST_CSUM on net, SIZE_MAX on block
	check_field "$1" blk0 '.device_features.names | (index("SIZE_MAX") != null and index("BLK_SIZE") != null)' true
	check_field "$1" vpblk0 '.device_features.names | (index("BLK_SIZE") != null and index("SEG_MAX") != null)' true
	for d in blk0 vpblk0; do
		check_field "$1" "$d" '[.device_features.names[] | select(test("GUEST_|HOST_|^MAC$|CTRL_VQ|MRG_RXBUF"))] | length' 0
	done
	check_field "$1" net0 '.device_features.names | (index("MAC") != null and index("CTRL_VQ") != null)' true
	check_field "$1" vpnet0 '.device_features.names | (index("MAC") != null and index("MRG_RXBUF") != null)' true
	for d in net0 vpnet0; do
		check_field "$1" "$d" '[.device_features.names[] | select(test("SIZE_MAX|SEG_MAX|BLK_SIZE|GEOMETRY"))] | length' 0
	done
	# vp_vdpa passes RING_RESET (bit 40) through
	check_field "$1" vpnet0 '.device_features.names | index("RING_RESET") != null' true
}

@test "6.1: class and device features, decoded by class" {
	device_features 6.1
}

@test "6.12: class and device features, decoded by class" {
	device_features 6.12
}

limits() {
	need_boot "$1"
	local d
	for d in $DEVICES; do
		check_field "$1" "$d" .limits.config_size "$(expect "$1" "$d" config_size)"
		check_field "$1" "$d" .limits.iova_range.first 0x0000000000000000
		check_field "$1" "$d" .limits.iova_range.last "$(expect "$1" "$d" iova_last)"
		check_field "$1" "$d" .limits.vq_count "$(expect "$1" "$d" vqs)"
		check_field "$1" "$d" .limits.groups "$(expect "$1" "$d" groups)"
		check_field "$1" "$d" .limits.address_spaces "$(expect "$1" "$d" as)"
		check_field "$1" "$d" .status.raw 0x00
	done
}

@test "6.1: config size 24/72 (sim) and 4096 (vp), IOVA range, vqs, groups, address spaces" {
	limits 6.1
}

@test "6.12: config size 24/96 (sim) and 4096 (vp), IOVA range, vqs, groups, address spaces" {
	limits 6.12
}

agrees_with_iproute2() {
	load_result "$1" vdpa_json
	assert_equal "$status" 0
	local d vqs size
	# iproute2's numbers for every device, one jq run
	while read -r d vqs size; do
		check_field "$1" "$d" .limits.vq_count "$vqs"
		check_field "$1" "$d" .limits.max_vring_size "$size"
	done < <(jq -r --arg ds "$DEVICES" '($ds | split(" "))[] as $d | "\($d) \(.dev[$d].max_vqs) \(.dev[$d].max_vq_size)"' <<<"$output")
	assert_equal "${#CHECKS[@]}" $((4 * 2 * 5))
}

@test "6.1: vq count and max vring size agree with iproute2's vdpa dev show" {
	agrees_with_iproute2 6.1
}

@test "6.12: vq count and max vring size agree with iproute2's vdpa dev show" {
	agrees_with_iproute2 6.12
}

show_text() {
	load_result "$1" show_text
	assert_equal "$status" 0
	local d cd
	for d in $DEVICES; do
		cd=$(chardev "$1" "$d")
		# a header line per device: the node, optionally followed by "(name)"
		grep -Eq "^$cd( \($d\))?\$" <<<"$output" ||
			{ echo "$1: no header line for $cd ($d) in the text output" >&2; return 1; }
		grep -q "$(expect "$1" "$d" backend)" <<<"$output" ||
			{ echo "$1: backend features of $d not in the text output" >&2; return 1; }
	done
}

@test "6.1: vdpactl show --all (text) lists the four devices with their backend features" {
	show_text 6.1
}

@test "6.12: vdpactl show --all (text) lists the four devices with their backend features" {
	show_text 6.12
}

identity() {
	need_boot "$1"
	local d
	for d in $DEVICES; do
		check_field "$1" "$d" .vdpa_device "$d"
	done
}

@test "6.1: each char device is reported with its vdpa device name (sysfs)" {
	identity 6.1
}

@test "6.12: each char device is reported with its vdpa device name (sysfs)" {
	identity 6.12
}

mgmtdev() {
	need_boot "$1"
	load_result "$1" vdpa_json
	local d vdpa_json=$output
	for d in $DEVICES; do
		check_field "$1" "$d" .mgmtdev "$(jq -r --arg d "$d" '.dev[$d].mgmtdev' <<<"$vdpa_json")"
	done
}

@test "6.1: management devices agree with iproute2 (vdpasim_net, vdpasim_blk, pci/BDF)" {
	mgmtdev 6.1
}

@test "6.12: management devices agree with iproute2 (vdpasim_net, vdpasim_blk, pci/BDF)" {
	mgmtdev 6.12
}

# --- a device held by another process -----------------------------------------------------------

busy() {
	load_result "$1" holder_wait
	assert_equal "$status" 0
	assert_line "held /dev/vhost-vdpa-0"

	load_result "$1" busy_text
	assert_equal "$status" 6
	[[ "$stderr" == *busy* ]] || { echo "stderr does not say busy: $stderr" >&2; return 1; }
	[[ "$stderr" == *"/dev/vhost-vdpa-0"* ]] || { echo "stderr does not name the device: $stderr" >&2; return 1; }

	load_result "$1" busy_json
	assert_equal "$status" 6
	run jq -r '[.exit_code, .complete,
		([.. | objects | select(has("errno_name")) | .errno_name] | index("EBUSY") != null)] | @tsv' <<<"$output"
	assert_output "$(printf '6\tfalse\ttrue')"
}

@test "6.1: vdpactl show on a device held open by another process exits 6, says busy" {
	busy 6.1
}

@test "6.12: vdpactl show on a device held open by another process exits 6, says busy" {
	busy 6.12
}

busy_all() {
	load_result "$1" busy_all
	# some devices shown, one busy: spec exit code 12
	assert_equal "$status" 12
	run jq -r '[.exit_code, .complete, (.devices | length)] | @tsv' <<<"$output"
	assert_output "$(printf '12\tfalse\t4')"
	check_field "$1" net0 '[.errors[].errno_name] | index("EBUSY") != null' true busy_all
	check_field "$1" net0 .backend_features null busy_all
	local d
	for d in blk0 vpnet0 vpblk0; do
		check_field "$1" "$d" '.errors | length' 0 busy_all
		check_field "$1" "$d" .backend_features.raw "$(expect "$1" "$d" backend)" busy_all
	done
}

@test "6.1: show --all with one device held: the others are still shown, exit 12" {
	busy_all 6.1
}

@test "6.12: show --all with one device held: the others are still shown, exit 12" {
	busy_all 6.12
}

list_while_held() {
	load_result "$1" list_held
	assert_equal "$status" 0
	local d
	for d in $DEVICES; do
		check_field "$1" "$d" .vdpa_device "$d" list_held
		check_field "$1" "$d" '.errors | length' 0 list_held
	done
	# the holder from /proc: tests/vm/holder (not QEMU: no VM name); the others are free
	check_field "$1" net0 '.holder | [.status, (.processes | map([.comm, .vm])), .errors] | tojson' \
		'["held",[["holder",null]],[]]' list_held
	for d in blk0 vpnet0 vpblk0; do
		check_field "$1" "$d" .holder null list_held
	done
	# show names the same process: its pid, from the same /proc
	local pid
	pid=$(field "$1" net0 '.holder.processes[0].pid' list_held)
	load_result "$1" busy_text
	assert_equal "$(head -n 1 <<<"$stderr")" \
		"vdpactl: /dev/vhost-vdpa-0: open: Device or resource busy: held by pid $pid (holder)"
}

@test "6.1: vdpactl list (never opens a device) works while a device is held" {
	list_while_held 6.1
}

@test "6.12: vdpactl list (never opens a device) works while a device is held" {
	list_while_held 6.12
}

holder_unaffected() {
	load_result "$1" holder_finish
	assert_equal "$status" 0
	assert_line "woke: file"
	assert_line "backend_features=$(printf '0x%x' "$(expect "$1" net0 backend)")"
	# once the holder has closed it, the device opens again
	load_result "$1" after_holder
	assert_equal "$status" 0
	check_field "$1" net0 .backend_features.raw "$(expect "$1" net0 backend)" after_holder
}

@test "6.1: the holder still uses its device after vdpactl was refused; then it is free again" {
	holder_unaffected 6.1
}

@test "6.12: the holder still uses its device after vdpactl was refused; then it is free again" {
	holder_unaffected 6.12
}

# --- a real client: QEMU 7.2 (the host's qemu-system-x86_64) holds vpnet0 -------------------------
# Started paused (-S, no guest OS, -m 16) with -netdev vhost-vdpa on vpnet0 (vp_vdpa) and a
# virtio-net-pci on it, -name guest=vdpa-guest1,debug-threads=on as libvirt writes it, QMP on a
# pipe (tests/vm/qmp), and tests/vm/vhost-log.c preloaded to log every vhost ioctl it makes.
# vpnet0, not a simulator: QEMU writes its MAC into the device's config space when it realizes
# the virtio-net device (virtio_net_device_realize()), and vdpa_sim keeps what is written there
# after the release, which the later conformance tests would see; vpnet0 gets its own MAC
# (52:54:00:12:34:56, mac= on the command line), which is already there.

qemu_pid() {
	load_result "$1" qemu_start
	assert_equal "$status" 0
	tail -n 1 <<<"$output"
}

qemu_held() {
	local pid
	pid=$(qemu_pid "$1")
	[[ $pid =~ ^[0-9]+$ ]] || { echo "$1: no QEMU pid: $pid" >&2; return 1; }
	load_result "$1" qemu_start
	assert_line --index 0 '{"return": {}}'
	# busy, exit 6, QEMU named on stderr and in JSON
	load_result "$1" qemu_show
	assert_equal "$status" 6
	assert_equal "$(head -n 1 <<<"$stderr")" \
		"vdpactl: $(chardev "$1" vpnet0): open: Device or resource busy: held by pid $pid (qemu-system-x86), VM vdpa-guest1"
	load_result "$1" qemu_show_json
	assert_equal "$status" 6
	run jq -c '.devices[0] | [.exit_code, .holder, (.errors | map(.code))]' <<<"$output"
	assert_output "[6,{\"status\":\"held\",\"processes\":[{\"pid\":$pid,\"comm\":\"qemu-system-x86\",\"vm\":\"vdpa-guest1\"}],\"errors\":[]},[\"busy\"]]"
	# list: the same holder, the other three free, nothing unestablished
	load_result "$1" qemu_list_json
	assert_equal "$status" 0
	local doc=$output
	run jq -c '[.complete, ([.devices[] | [.name, (.holder.processes // [] | map(.pid))]] | sort)]' <<<"$doc"
	assert_output "[true,[[\"blk0\",[]],[\"net0\",[]],[\"vpblk0\",[]],[\"vpnet0\",[$pid]]]]"
	run jq -c '[.devices[] | select(.holder != null) | .holder.processes[0].vm]' <<<"$doc"
	assert_output '["vdpa-guest1"]'
	load_result "$1" qemu_metrics
	assert_equal "$status" 0
	assert_line "vdpactl_device_holder_info{device=\"vpnet0\",pid=\"$pid\",comm=\"qemu-system-x86\",vm=\"vdpa-guest1\"} 1"
	assert_line 'vdpactl_device_holder{device="vpnet0",state="held"} 1'
}

@test "6.1: QEMU holds vpnet0: busy (6), its pid, comm and VM name in show, list and metrics" {
	qemu_held 6.1
}

@test "6.12: QEMU holds vpnet0: busy (6), its pid, comm and VM name in show, list and metrics" {
	qemu_held 6.12
}

qemu_probe_others() {
	local verdict=untrusted code=10 d
	[ "$1" = 6.12 ] && verdict=trusted code=0
	load_result "$1" qemu_probe_all
	assert_equal "$status" 12
	run jq -c '[.exit_code, .summary.devices, .summary.failed]' <<<"$output"
	assert_output '[12,4,1]'
	check_field "$1" vpnet0 '[.exit_code, .verdict.status, .holder.processes[0].comm] | tojson' \
		'[6,"unknown","qemu-system-x86"]' qemu_probe_all
	for d in net0 blk0 vpblk0; do
		check_field "$1" "$d" '[.exit_code, .verdict.status, .holder] | tojson' \
			"[$code,\"$verdict\",null]" qemu_probe_all
	done
}

@test "6.1: with QEMU holding one device, probe --all evaluates every other device" {
	qemu_probe_others 6.1
}

@test "6.12: with QEMU holding one device, probe --all evaluates every other device" {
	qemu_probe_others 6.12
}

qemu_unaffected() {
	local pid before after
	pid=$(qemu_pid "$1")
	load_result "$1" qemu_state
	assert_equal "$status" 0
	before=$output
	# paused before the guest starts (-S): QMP's "prelaunch"; the process sleeps; it holds the node
	assert_line --index 0 '{"return": {"status": "prelaunch", "singlestep": false, "running": false}}'
	assert_line --regexp '^State:[[:space:]]+S \(sleeping\)$'
	assert_line --regexp "^fd [0-9]+ on $(chardev "$1" vpnet0)\$"
	# after every vdpactl command above: the same state, the same descriptor, no vhost ioctl more
	load_result "$1" qemu_after
	assert_equal "$status" 0
	after=$output
	assert_equal "$after" "$before"
	load_result "$1" qemu_quit
	assert_equal "$status" 0
	assert_line --index 0 '{"return": {}}'
	assert_line exited
	# QEMU gone: the device opens again and has no holder
	load_result "$1" after_qemu
	assert_equal "$status" 0
	check_field "$1" vpnet0 '[.holder, .backend_features.raw] | tojson' \
		"[null,\"$(expect "$1" vpnet0 backend)\"]" after_qemu
}

@test "6.1: QEMU keeps running and keeps the device while vdpactl runs (QMP, /proc); then it is free" {
	qemu_unaffected 6.1
}

@test "6.12: QEMU keeps running and keeps the device while vdpactl runs (QMP, /proc); then it is free" {
	qemu_unaffected 6.12
}

# What QEMU 7.2 does to the device, every vhost ioctl (logged by tests/vm/vhost-log.c; its IOTLB
# write()s are not logged). Paused (-S) it opens it, acknowledges it (status
# ACKNOWLEDGE|DRIVER), takes ownership, reads features, device id and IOVA range, installs call
# eventfds and writes the MAC into config space (virtio_net_device_realize()), and negotiates no
# backend features: QEMU does that in vhost_dev_set_features() (hw/virtio/vhost.c), from
# vhost_dev_start(), when the guest's driver sets DRIVER_OK. tests/vm/qtest-virtio-net plays
# that driver through QEMU's qtest protocol, then QMP "cont" runs the VM: QEMU starts the device
# (features, FEATURES_OK, backend features, vrings, DRIVER_OK), and on quit stops it (reset;
# GET_VRING_BASE is refused without SUSPEND). It acks IOTLB_MSG_V2|IOTLB_BATCH (0x6) of what is
# offered, 0xe on 6.1 and 0x10e on 6.12: never IOTLB_PERSIST (tests/vm/README.md).
qemu_ioctls() {
	load_result "$1" qemu_drive
	assert_equal "$status" 0
	assert_output "status 0x000000000000000f
{\"return\": {}}
device started"
	load_result "$1" qemu_ioctls
	assert_equal "$status" 0
	run sed -E 's/^[0-9]+ ioctl [0-9]+ //' <<<"$output"
	assert_output "VHOST_GET_FEATURES = 0 out=0x$2
VHOST_VDPA_GET_IOVA_RANGE = 0
VHOST_VDPA_GET_STATUS = 0 out=0x0
VHOST_VDPA_SET_STATUS in=0x3 = 0
VHOST_VDPA_GET_STATUS = 0 out=0x3
VHOST_SET_OWNER = 0
VHOST_GET_FEATURES = 0 out=0x$2
VHOST_SET_VRING_CALL = 0
VHOST_SET_VRING_CALL = 0
VHOST_VDPA_GET_DEVICE_ID = 0
VHOST_VDPA_GET_IOVA_RANGE = 0
VHOST_GET_FEATURES = 0 out=0x$2
VHOST_SET_VRING_CALL = 0
VHOST_VDPA_GET_DEVICE_ID = 0
VHOST_VDPA_SET_CONFIG = 0
VHOST_SET_VRING_CALL = 0
VHOST_SET_VRING_CALL = 0
VHOST_SET_FEATURES in=0x300000000 = 0
VHOST_VDPA_GET_STATUS = 0 out=0x3
VHOST_VDPA_SET_STATUS in=0xb = 0
VHOST_VDPA_GET_STATUS = 0 out=0xb
VHOST_GET_BACKEND_FEATURES = 0 out=0x$3
VHOST_SET_BACKEND_FEATURES in=0x6 = 0
VHOST_SET_VRING_NUM = 0
VHOST_SET_VRING_BASE = 0
VHOST_SET_VRING_ADDR = 0
VHOST_SET_VRING_KICK = 0
VHOST_SET_VRING_NUM = 0
VHOST_SET_VRING_BASE = 0
VHOST_SET_VRING_ADDR = 0
VHOST_SET_VRING_KICK = 0
VHOST_VDPA_SET_VRING_ENABLE = 0
VHOST_VDPA_SET_VRING_ENABLE = 0
VHOST_VDPA_GET_STATUS = 0 out=0xb
VHOST_VDPA_SET_STATUS in=0xf = 0
VHOST_VDPA_GET_STATUS = 0 out=0xf
VHOST_VDPA_SET_STATUS in=0x0 = 0
VHOST_VDPA_GET_STATUS = 0 out=0x0
VHOST_VDPA_SET_STATUS in=0x3 = 0
VHOST_VDPA_GET_STATUS = 0 out=0x3
VHOST_GET_VRING_BASE = -1 Operation not supported
VHOST_GET_VRING_BASE = -1 Operation not supported
VHOST_SET_VRING_CALL = 0
VHOST_SET_VRING_CALL = 0"
}

@test "6.1: QEMU 7.2 acks backend features 0x6 of the offered 0xe when it starts the device (measured)" {
	qemu_ioctls 6.1 10330bf8024 e
}

@test "6.12: QEMU 7.2 acks backend features 0x6 of the offered 0x10e: not IOTLB_PERSIST (measured)" {
	qemu_ioctls 6.12 10330bf8024 10e
}

# --- vdpactl list: sysfs + netlink, against iproute2's vdpa ------------------------------------

list_agrees() {
	load_result "$1" list_json
	assert_equal "$status" 0
	[ -z "$stderr" ] || { echo "$1: unexpected stderr: $stderr" >&2; return 1; }
	local doc=$output vdpa mg cfg_net0 cfg_vpnet0 d cds=() mismatches
	run jq -r '[.command, .complete, .exit_code, (.devices | length), .sources.sysfs, .sources.netlink] | @tsv' <<<"$doc"
	assert_output "$(printf 'list\ttrue\t0\t4\ttrue\ttrue')"
	load_result "$1" vdpa_json
	vdpa=$output
	load_result "$1" vdpa_mgmt
	mg=$output
	# net config over netlink agrees with vdpa dev config show (asked per device: on 6.1 a
	# config dump stops at the first block device, whose config the kernel cannot report)
	load_result "$1" vdpa_config_net0
	assert_equal "$status" 0
	cfg_net0=$output
	load_result "$1" vdpa_config_vpnet0
	assert_equal "$status" 0
	cfg_vpnet0=$output
	for d in $DEVICES; do
		chardev_of "$1" "$d"
		cds+=(--arg "cd_$d" "$REPLY")
	done
	# every comparison in one jq run; it prints one line per field that differs
	mismatches=$(jq -nr --argjson doc "$doc" --argjson vdpa "$vdpa" --argjson mg "$mg" \
		--argjson cfg "$(jq -s 'map(.config) | add' <<<"$cfg_net0$cfg_vpnet0")" "${cds[@]}" '
		def differ($what; $got; $want): if $got == $want then empty
			else "\($what): list says \($got | tojson), iproute2/sysfs say \($want | tojson)" end;
		($doc.devices | map({key: .name, value: .}) | from_entries) as $dev
		| (["net0", "blk0", "vpnet0", "vpblk0"][] as $d
			| differ($d; $dev[$d] | [.mgmtdev, .class, .vdpa.max_vqs, .vdpa.max_vq_size,
				.char_device, .bound_driver];
				$vdpa.dev[$d] | [.mgmtdev, (if .type == "network" then "net" else .type end),
				.max_vqs, .max_vq_size, $ARGS.named["cd_" + $d], "vhost_vdpa"])),
		  differ("parents"; [$doc.devices[] | [.name, .parent.bus, .parent.driver]];
			[["blk0", null, null], ["net0", null, null], ["vpblk0", "pci", "vp-vdpa"],
			 ["vpnet0", "pci", "vp-vdpa"]]),
		  differ("mgmtdevs"; [$doc.mgmtdevs[] | [.name, .supported_classes, .max_vqs]] | sort;
			[$mg.mgmtdev | to_entries[] | [.key, [.value.supported_classes[] |
			 if . == "network" then "net" else . end], .value.max_supported_vqs]] | sort),
		  (["net0", "vpnet0"][] as $d | differ("\($d) netlink config";
			$dev[$d].vdpa.netlink_config | [.mac, .mtu, .max_vq_pairs];
			$cfg[$d] | [.mac, .mtu, .max_vq_pairs]))') || fail "$1: jq failed"
	[ -z "$mismatches" ] || fail "$(sed "s/^/$1 /" <<<"$mismatches")"
}

@test "6.1: vdpactl list agrees with iproute2's vdpa on every field both report" {
	list_agrees 6.1
}

@test "6.12: vdpactl list agrees with iproute2's vdpa on every field both report" {
	list_agrees 6.12
}

# --- probe and check: the verdicts the kernels' behaviour implies ----------------------------

@test "6.1: probe --all: every device untrusted, the reason names the kernel; exit 10" {
	load_result 6.1 probe_json
	assert_equal "$status" 10
	run jq -r '.devices[] | [.name, .verdict.status, .verdict.basis, .verdict.reason] | @tsv' <<<"$output"
	for d in $DEVICES; do
		assert_line "$(printf '%s\tuntrusted\tprobed\tthe running kernel 6.1.192 predates IOTLB_PERSIST (Linux 6.7): nothing promises that mappings survive a reset' "$d")"
	done
	load_result 6.1 probe_json
	run jq -c '[.devices[].probes[] | select(.status != "pass") | [.id, .status]] | unique' <<<"$output"
	assert_output '[]'
	load_result 6.1 probe_json
	run jq -c '[.devices[].probes[] | select(.id == "set_backend_features_persist") | .error] | unique' <<<"$output"
	assert_output '["EOPNOTSUPP"]'
}

@test "6.12: probe --all: simulators and vp_vdpa trusted (probed); exit 0" {
	load_result 6.12 probe_json
	assert_equal "$status" 0
	run jq -r '.devices[] | [.name, .verdict.status, .verdict.basis] | @tsv' <<<"$output"
	for d in $DEVICES; do
		assert_line "$(printf '%s\ttrusted\tprobed' "$d")"
	done
	load_result 6.12 probe_json
	run jq -c '[.devices[].probes[] | select(.status != "pass") | [.id, .status]] | unique' <<<"$output"
	assert_output '[]'
	load_result 6.12 probe_text
	assert_line "4 devices: 4 trusted, 0 untrusted, 0 unknown"
}

@test "6.1: check --require iotlb_persist fails every device: exit 10" {
	load_result 6.1 check_req
	assert_equal "$status" 10
	for d in 0 1 2 3; do
		assert_row "/dev/vhost-vdpa-$d" fail IOTLB_PERSIST untrusted advertised "the running kernel 6.1.192 predates IOTLB_PERSIST (Linux 6.7): nothing promises that mappings survive a reset"
	done
}

@test "fleet: list's predicted verdict equals the verified one for every device, on both kernels" {
	local k pred mismatches
	for k in 6.1 6.12; do
		load_result "$k" list_json
		pred=$output
		load_result "$k" dp_force
		# one jq run per kernel; it prints one line per disagreement
		mismatches=$(jq -nr --argjson p "$pred" --argjson f "$output" '
			($f.devices | map({key: .name, value: "\(.verdict.status) \(.verdict.basis)"})
			 | from_entries) as $v
			| [$p.devices[] | select(.char_device != null)] as $pd
			| (($pd | length) | select(. != 4) | "\(.) devices with a char device in list, not 4"),
			  ($pd[] | select($v[.name] != "\(.verdict.status) verified")
			   | "\(.name): predicted \(.verdict.status), the data path says \($v[.name])"),
			  ([$p.devices[].verdict.basis] | unique | select(. != ["predicted"])
			   | "list says basis \(.), not only predicted")') || fail "$k: jq failed"
		[ -z "$mismatches" ] || fail "$(sed "s|^|$k/|" <<<"$mismatches")"
	done
}

@test "fleet: metrics --from=show agree with check -j and pass promtool; list's metrics predict" {
	local k line n metrics
	for k in 6.1 6.12; do
		load_result "$k" metrics_show
		assert_equal "$status" 0
		metrics=$output
		promtool check metrics <<<"$metrics" || fail "$k: promtool"
		load_result "$k" check_json
		# what check's JSON says, as the metric lines it implies: each must be there exactly
		n=0
		while IFS= read -r line; do
			[[ $'\n'$metrics$'\n' == *$'\n'"$line"$'\n'* ]] || fail "$k: no line '$line' in the metrics"
			n=$((n + 1))
		done < <(jq -r '(.devices[] | "vdpactl_device_verdict{device=\"\(.name)\",verdict=\"\(.verdict.status)\"} 1"),
			"vdpactl_run_exit_code \(.exit_code)"' <<<"$output")
		assert_equal "$n" 5
		# the host line says what list's JSON says (same boot)
		load_result "$k" list_json
		line=$(jq -r '.host | "vdpactl_host_info{hostname=\"\(.hostname // "")\",machine_id=\"\(.machine_id // "")\",boot_id=\"\(.boot_id // "")\",kernel_release=\"\(.kernel_release)\",machine=\"\(.machine)\"} 1"' <<<"$output")
		load_result "$k" metrics_list
		assert_line 'vdpactl_run_info{source="list"} 1'
		assert_line "$line"
	done
}

@test "the gate with the data path forced: 6.1 fails naming the missing bit and the lost mapping, 6.12 passes" {
	load_result 6.1 gate_force
	assert_equal "$status" 10
	# the simulators lose their mapping; vp_vdpa keeps it without a promise
	for d in 0 1; do
		assert_row "/dev/vhost-vdpa-$d" fail IOTLB_PERSIST untrusted verified "the running kernel 6.1.192 predates IOTLB_PERSIST (Linux 6.7): nothing promises that mappings survive a reset; observed: the device lost its translation on reset"
	done
	for d in 2 3; do
		assert_row "/dev/vhost-vdpa-$d" fail IOTLB_PERSIST untrusted verified "the running kernel 6.1.192 predates IOTLB_PERSIST (Linux 6.7): nothing promises that mappings survive a reset; observed: the mapping survived this reset anyway, without any promise"
	done
	load_result 6.12 gate_force
	assert_equal "$status" 0
	for d in 0 1 2 3; do
		assert_row "/dev/vhost-vdpa-$d" pass - trusted verified "IOTLB_PERSIST is offered and accepted, and the device reached its buffers through the mapping after a reset with no IOTLB write in between"
	done
}

@test "6.12: check --require iotlb_persist (with and without --probe) passes: exit 0" {
	load_result 6.12 check_req
	assert_equal "$status" 0
	for d in 0 1 2 3; do
		assert_row "/dev/vhost-vdpa-$d" pass - trusted advertised "IOTLB_PERSIST is offered (advertised only; run with --probe for more evidence)"
	done
	load_result 6.12 check_probe_json
	assert_equal "$status" 0
	# check --probe runs the data path on the simulators (verified); vp_vdpa stays probed
	run jq -c '[.devices[] | [.name, .require.met, .verdict.basis]]' <<<"$output"
	assert_output '[["net0",true,"verified"],["blk0",true,"verified"],["vpnet0",true,"probed"],["vpblk0",true,"probed"]]'
}

# --- conformance: the fake kernel with realvm-<kernel>.json is this VM --------------------------

# on_fake SCENARIO-FILE CMD...: run CMD on the host under the fake kernel; sets $output, $stderr
# and $status like `run --separate-stderr`.
on_fake() {
	local scen=$1
	shift
	run --separate-stderr env FAKE_VDPA_SCENARIO="$scen" \
		LD_PRELOAD="$ROOT/tests/fake/libfakevdpa.so" "$@"
}

# fake_runs SCENARIO-FILE < "NAME<TAB>COMMAND" lines: every COMMAND at once on the host under the
# fake kernel (word-split; most of their time is the fake's start-up or data-path waits), each
# into $BATS_TEST_TMPDIR/fake/NAME.{out,err,rc}; returns when all have ended.
fake_runs() {
	local dir=$BATS_TEST_TMPDIR/fake name cmd pid
	local -a pids=()
	mkdir -p "$dir"
	while IFS=$'\t' read -r name cmd; do
		(
			rc=0 # (set -e holds in here too)
			# shellcheck disable=SC2086 # the command line is split on purpose
			FAKE_VDPA_SCENARIO="$1" LD_PRELOAD="$ROOT/tests/fake/libfakevdpa.so" \
				$cmd >"$dir/$name.out" 2>"$dir/$name.err" </dev/null || rc=$?
			echo "$rc" >"$dir/$name.rc"
		) 3>&- &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid"
	done
}

# fake_result NAME: what fake_runs saved for NAME, in $output, $stderr and $status.
fake_result() {
	local f=$BATS_TEST_TMPDIR/fake/$1
	[ -r "$f.rc" ] || { echo "fake_result: no run named $1" >&2; return 1; }
	output=$(<"$f.out") stderr=$(<"$f.err") status=$(<"$f.rc")
}

# same_as_vm KERNEL RESULT-NAME WHAT: the last on_fake run printed what RESULT-NAME printed in
# the guest (stdout, stderr, exit status), else fail with a diff.
same_as_vm() {
	local fo=$output fe=$stderr fs=$status
	load_result "$1" "$2"
	if [ "$fo" != "$output" ] || [ "$fe" != "$stderr" ] || [ "$fs" != "$status" ]; then
		echo "$1: $3 differs between the VM (<) and the fake kernel (>):" >&2
		diff <(printf '%s\n' "$output" "--- stderr" "$stderr" "--- exit $status") \
			<(printf '%s\n' "$fo" "--- stderr" "$fe" "--- exit $fs") >&2
		return 1
	fi
}

# same_documents KERNEL NAME...: what fake_runs saved for each NAME is the VM's JSON document of
# that name, as same_document compares them: all of them normalised by one jq run, and
# same_document (which prints the differences) for each pair that differs.
same_documents() {
	local k=$1 name i=0 bad=0 dir=$BATS_TEST_TMPDIR/fake
	local -a files=() norm=()
	shift
	for name in "$@"; do
		result_path "$k" "$name" stdout || return 1
		files+=("$REPLY" "$dir/$name.out")
	done
	mapfile -t norm < <(jq -c -S -f "$ROOT/tests/conformance-ignore.jq" "${files[@]}" 2>/dev/null)
	for name in "$@"; do
		result_path "$k" "$name" rc
		if ((${#norm[@]} != ${#files[@]})) || [ "${norm[2 * i]}" != "${norm[2 * i + 1]}" ] ||
			[ "$(<"$REPLY")" != "$(<"$dir/$name.rc")" ]; then
			fake_result "$name"
			same_document "$k" "$name" || bad=1
		fi
		i=$((i + 1))
	done
	return "$bad"
}

# same_document KERNEL RESULT-NAME: the last on_fake run printed the VM's JSON document, apart
# from the fields tests/conformance-ignore.jq removes (the one list of what may differ).
same_document() {
	local fake=$output fs=$status ign="$ROOT/tests/conformance-ignore.jq" vm vs
	load_result "$1" "$2"
	vm=$output vs=$status
	if ! diff <(jq -S -f "$ign" <<<"$vm") <(jq -S -f "$ign" <<<"$fake") >&2 || [ "$vs" != "$fs" ]; then
		echo "$1: '$2' differs between the VM (<) and the fake kernel (>); exit $vs vs $fs" >&2
		return 1
	fi
}

scenario() {
	printf '%s/tests/fake/scenarios/realvm-%s.json\n' "$ROOT" "$1"
}

conformance_netlink() {
	need_boot "$1"
	on_fake "$(scenario "$1")" "$NLPROBE"
	same_as_vm "$1" nlprobe "the raw netlink replies (nlprobe)"
	on_fake "$(scenario "$1")" "$NLPROBE" -A get-dev=nosuchdev get-config=nosuchdev get-mgmtdev=nosuchdev
	same_as_vm "$1" nlprobe_noack "netlink errors without NETLINK_EXT_ACK"
	on_fake "$(scenario "$1")" "$NLPROBE" -C get-dev=nosuchdev get-config=blk0 get-config=vpblk0
	same_as_vm "$1" nlprobe_cap "netlink errors with NETLINK_CAP_ACK"
}

@test "6.1: the fake kernel answers the vdpa netlink family byte for byte like the VM" {
	conformance_netlink 6.1
}

@test "6.12: the fake kernel answers the vdpa netlink family byte for byte like the VM" {
	conformance_netlink 6.12
}

conformance_sysfs() {
	need_boot "$1"
	on_fake "$(scenario "$1")" "$NLPROBE" sysfs
	same_as_vm "$1" nlprobe_sysfs "the vDPA part of sysfs (nlprobe sysfs)"
	# and what only an open device tells: vq count, max size, per-vq sizes (6.9+) and groups
	on_fake "$(scenario "$1")" "$NLPROBE" vq=/dev/vhost-vdpa-0 vq=/dev/vhost-vdpa-1 \
		vq=/dev/vhost-vdpa-2 vq=/dev/vhost-vdpa-3
	same_as_vm "$1" nlprobe_vq "per-vq sizes and groups (nlprobe vq=)"
}

@test "6.1: the fake kernel's sysfs is the VM's: paths, links, modes, contents; per-vq sizes" {
	conformance_sysfs 6.1
}

@test "6.12: the fake kernel's sysfs is the VM's: paths, links, modes, contents; per-vq sizes" {
	conformance_sysfs 6.12
}


conformance_vdpactl() {
	need_boot "$1"
	local name cmd names="show_json list_json probe_json probe_auto_json check_probe_json"
	# probe_auto_json and check_probe_json run the data path (auto: the simulators): the fake's
	# devices loop frames and read blocks, and lose their translation on reset exactly when the
	# VM's do
	for name in $names; do
		vm_command "$name"
		cmd=$REPLY
		[[ $cmd == "vdpactl "* ]] || fail "$name: not a vdpactl command in real_vm_commands: '$cmd'"
		printf '%s\t%s\n' "$name" "$VDPACTL ${cmd#vdpactl }"
	done | fake_runs "$(scenario "$1")"
	# shellcheck disable=SC2086 # a list of names
	same_documents "$1" $names
}

@test "6.1: vdpactl show/list/probe/check --json: the fake kernel gives the VM's documents" {
	conformance_vdpactl 6.1
}

@test "6.12: vdpactl show/list/probe/check --json: the fake kernel gives the VM's documents" {
	conformance_vdpactl 6.12
}

conformance_iproute2() {
	need_boot "$1"
	local i n=0
	local -a names=() cmds=()
	# every iproute2 command the guest ran before the extra devices (real_vm_commands' vdpa_*)
	for ((i = 0; i < ${#REAL_VM_NAMES[@]}; i++)); do
		[[ ${REAL_VM_NAMES[i]} == vdpa_* ]] || continue
		names+=("${REAL_VM_NAMES[i]}")
		cmds+=("${REAL_VM_COMMANDS[i]}")
	done
	for ((i = 0; i < ${#names[@]}; i++)); do
		printf '%s\t/usr/sbin/%s\n' "${names[i]}" "${cmds[i]}"
	done | fake_runs "$(scenario "$1")"
	for ((i = 0; i < ${#names[@]}; i++)); do
		fake_result "${names[i]}"
		same_as_vm "$1" "${names[i]}" "${cmds[i]}"
		n=$((n + 1))
	done
	[ "$n" -eq 13 ] || fail "expected the 13 vdpa_* commands of real_vm_commands, compared $n"
}

@test "6.1: iproute2's vdpa prints the same under the fake kernel as in the VM" {
	conformance_iproute2 6.1
}

@test "6.12: iproute2's vdpa prints the same under the fake kernel as in the VM" {
	conformance_iproute2 6.12
}

conformance_big() {
	need_boot "$1"
	load_result "$1" big_vduse
	assert_equal "$status" 0
	load_result "$1" big_sims
	assert_equal "$status" 0
	# s1..s60 (nlprobe new-dev: VDPA_CMD_DEV_NEW, one process for all): 60 requests, 60 acks
	run awk '/^== new-dev=s[0-9]+@vdpasim_net$/ { n++; on = 1; next } /^== / { on = 0 }
		on && /^  error=0 req: / { ok++ } END { print n + 0, ok + 0 }' <<<"$output"
	assert_output "60 60"
	local big="$BATS_TEST_TMPDIR/big-$1.json"
	"$ROOT/tests/fake/gen-scenario.py" extend "$(scenario "$1")" --vduse --sims 60 -o "$big"
	fake_runs "$big" <<EOF
big_nlprobe	$NLPROBE dump-mgmtdev dump-dev dump-config get-dev=vduse0 get-config=vduse0 get-mgmtdev=vduse
big_nlprobe16k	$NLPROBE -b 16384 dump-dev dump-config
big_sysfs	$NLPROBE sysfs
big_vdpa_dev	/usr/sbin/vdpa -j dev show
big_vdpa_config	/usr/sbin/vdpa -j dev config show
big_list	$VDPACTL list --json
EOF
	fake_result big_nlprobe
	same_as_vm "$1" big_nlprobe "dumps of 65 devices (several datagrams)"
	# the device dump really took several datagrams of at most 4096 bytes
	load_result "$1" big_nlprobe
	run awk '/^== dump-dev/ { on = 1; next } /^== / { on = 0 } on && /^dgram / { n++ } END { print n }' <<<"$output"
	assert_output 3
	fake_result big_nlprobe16k
	same_as_vm "$1" big_nlprobe16k "dumps with a 16 KiB receive buffer"
	fake_result big_sysfs
	same_as_vm "$1" big_sysfs "sysfs with a VDUSE device and 60 more simulators"
	fake_result big_vdpa_dev
	same_as_vm "$1" big_vdpa_dev "vdpa -j dev show on 65 devices"
	fake_result big_vdpa_config
	same_as_vm "$1" big_vdpa_config "vdpa -j dev config show on 65 devices"
	fake_result big_list
	same_document "$1" big_list
	load_result "$1" big_list
	run jq -r '[(.devices | length), ([.devices[] | select(.name == "vduse0") | .parent.bus, .mgmtdev] | join(" "))] | @tsv' <<<"$output"
	assert_output "$(printf '65\tvduse vduse')"
}

@test "6.1: 65 devices incl. VDUSE: dumps, sysfs, vdpa and vdpactl list agree with the fake kernel" {
	conformance_big 6.1
}

@test "6.12: 65 devices incl. VDUSE: dumps, sysfs, vdpa and vdpactl list agree with the fake kernel" {
	conformance_big 6.12
}

# A third real parent, VDUSE: three qemu-storage-daemon vduse-blk exports added at the end of
# the run (real_vm.bash, vduse_start), each of an 8 MiB image whose sector 0 starts
# VDPACTL-VDUSE-SECTOR-0: vblk0 stays served, vstop0's daemon is stopped (SIGSTOP) and vgone0's
# killed. Measured on both kernels: backend features 0x0e (no IOTLB_PERSIST: .set_map without
# .reset_map), the VA guard (use_va), the block read survives a reset without any promise; an
# open whose reset the daemon never answers waits msg_timeout and fails with EIO, and every
# open after it fails at once (drivers/vdpa/vdpa_user/vduse_dev.c, vduse_dev_msg_sync()).
# assert_jq FILTER EXPECTED: `jq -c FILTER` on $output prints exactly EXPECTED
assert_jq() {
	local got
	got=$(jq -c "$1" <<<"$output") || fail "jq failed on: $output"
	[[ $got == "$2" ]] || fail "jq '$1': got '$got', want '$2'"
}

vduse_served() {
	need_boot "$1"
	local reason_61="the running kernel 6.1.192 predates IOTLB_PERSIST (Linux 6.7): nothing promises that mappings survive a reset"
	local reason_612="the parent driver vduse does not offer IOTLB_PERSIST (no .reset_map and no platform IOMMU): mappings are not promised to survive a reset"
	local finding="; finding: a new owner reached the closed owner's buffers (mappings outlive their owner)"
	local reason crc read1 read2
	# the image's sector 0 as vduse_start wrote it: its CRC-32 is what a READ must report
	crc=$(/usr/bin/python3 -c 'import zlib; print("0x%08x" % zlib.crc32(b"VDPACTL-VDUSE-SECTOR-0".ljust(512, b"\0")))')
	read1="READ of sector 0 completed: status OK, 512 of 512 bytes changed from the fill pattern, crc32 $crc"
	read2="READ of sector 0 completed: status OK, the 512 bytes of the first READ, crc32 $crc"
	[ "$1" = 6.1 ] && reason=$reason_61 || reason=$reason_612
	load_result "$1" vduse_start
	assert_equal "$status" 0
	run awk '{ print $1, $4 }' <<<"$output"
	assert_output $'vblk0 30\nvstop0 30\nvgone0 30'
	load_result "$1" vduse_list
	assert_equal "$status" 0
	assert_jq '[.devices[] | select(.mgmtdev == "vduse" and .name != "vduse0") | [.name, .class, .parent.bus, .parent.driver, .vduse.control_device, .vduse.msg_timeout_s, .vduse.daemon]]' \
		'[["vblk0","block","vduse",null,"/dev/vduse/vblk0",30,null],["vgone0","block","vduse",null,"/dev/vduse/vgone0",30,null],["vstop0","block","vduse",null,"/dev/vduse/vstop0",30,null]]'
	load_result "$1" vduse_show
	assert_equal "$status" 0
	assert_jq '.devices[0] | [.backend_features.raw, .backend_features.iotlb_persist, .vduse.daemon.status, (.vduse.daemon.processes | map([.comm, .state])), .errors]' \
		'["0x000000000000000e",false,"running",[["qemu-storage-da","S"]],[]]'
	load_result "$1" vduse_show_text
	assert_line --regexp '^  VDUSE daemon:       running: pid [0-9]+ \(qemu-storage-da, state S\); msg_timeout 30 s$'
	load_result "$1" vduse_probe
	assert_equal "$status" 10
	assert_jq '.devices[0].verdict | [.status, .basis, .reason]' "$(jq -cn --arg r "$reason" '["untrusted","probed",$r]')"
	assert_jq '[.devices[0].probes[] | select(.id == "set_backend_features_persist" or .id == "datapath") | [.id, .status, .detail]]' \
		'[["set_backend_features_persist","pass","IOTLB_PERSIST not offered and refused, as it must be"],["datapath","skipped","not a simulator: it would read a block of a real disk; --datapath=force runs it"]]'
	assert_jq '.devices[0].verdict.checks[] | select(.id == "mappings_dropped_on_close") | [.status, .observed]' '["not_run",null]'
	load_result "$1" vduse_force
	assert_equal "$status" 10
	assert_jq '.devices[0].verdict | [.status, .basis, .reason]' \
		"$(jq -cn --arg r "$reason; observed: the mapping survived this reset anyway, without any promise$finding" '["untrusted","verified",$r]')"
	# the block reads return the image's sector 0, before and after the reset; and after the
	# close, a new owner that mapped nothing still reads it into the old owner's buffers
	assert_jq '[.devices[0].probes[] | select(.id | startswith("dp_")) | [.id, .status, .detail]]' \
		"$(jq -cn --arg r1 "$read1" --arg r2 "$read2" '[["dp_compat_setup","pass","acked 0xe, 4 pages at IOVA 0x40000000.. (VA guard)"],["dp_compat_before_reset","pass",$r1],["dp_compat_reset","pass","SET_STATUS(0) (IOTLB_PERSIST not acked)"],["dp_compat_after_reset","pass",$r2],["dp_owner_reopen","pass","closed and opened again: a new owner with no IOTLB write, its rings at IOVA 0x40000000.. where the closed owner'"'"'s were, DRIVER_OK"],["dp_owner_after_close","fail",("the device reached the closed owner'"'"'s buffers: " + $r2)]]')"
	assert_jq '.devices[0].verdict.checks[] | select(.id == "mappings_dropped_on_close") | [.status, .observed, .severity, .evidence]' \
		'["fail",false,"high",["dp_owner_reopen","dp_owner_after_close"]]'
	load_result "$1" vduse_check
	assert_equal "$status" 10
	[[ ${lines[1]} == "/dev/vhost-vdpa-"*" untrusted verified $reason; observed: the mapping survived this reset anyway, without any promise$finding" ]] ||
		fail "check: ${lines[1]}"
}

vduse_dead_daemon() {
	need_boot "$1"
	local t0 t1
	# stopped: refused without waiting (an open would have waited msg_timeout, 30 s; the bound
	# is half of that: vdpactl under AddressSanitizer in the TCG guest takes about 2 s to run)
	load_result "$1" vduse_stop
	assert_equal "$status" 6
	assert_jq '.devices[0] | [.exit_code, .vduse.msg_timeout_s, .vduse.daemon.status, (.vduse.daemon.processes | map([.comm, .state])), (.errors | map([.code, .message]))]' \
		'[6,30,"stopped",[["qemu-storage-da","T"]],[["unavailable","not opened: the VDUSE daemon holding /dev/vduse/vstop0 is stopped; opening would reset the device, wait msg_timeout, 30 s, for its answer and leave the device broken for good"]]]'
	[[ $stderr == *$'State:\tT (stopped)'* ]] || fail "$1: the daemon was not stopped: $stderr"
	read -r _ rc _ t0 t1 <<<"$(grep '^rc ' <<<"$stderr")"
	assert_equal "$rc" 6
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 15) }' || fail "$1: the refusal took $t0 -> $t1 s"
	# what it spared the device: a plain open waits msg_timeout (set to 1 s first), fails with
	# EIO, and the next one fails at once
	load_result "$1" vduse_raw_open
	[[ ${lines[0]} == *"can't open /dev/vhost-vdpa-"*": Input/output error" ]] || fail "$1: ${lines[0]}"
	read -r _ _ t0 t1 <<<"${lines[1]}"
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 0.95 && b - a < 10) }' ||
		fail "$1: the first open waited $t0 -> $t1 s, not msg_timeout (1 s)"
	[[ ${lines[2]} == *"Input/output error" ]] || fail "$1: ${lines[2]}"
	read -r _ _ t0 t1 <<<"${lines[3]}"
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.5) }' || fail "$1: the second open took $t0 -> $t1 s"
	# the daemon runs again, the device stays broken: vdpactl says so
	load_result "$1" vduse_broken
	assert_equal "$status" 6
	assert_jq '.devices[0] | [.vduse.daemon.status, (.errors | map([.code, .errno_name, .op, .message]))]' \
		'["running",[["unavailable","EIO","open","Input/output error: the VDUSE device is broken: a message to its daemon (the reset that comes with the open) timed out, now or before, and VDUSE then refuses every message for good"]]]'
	# killed: gone, refused without waiting (its msg_timeout is 30 s)
	load_result "$1" vduse_gone
	assert_equal "$status" 6
	assert_jq '.devices[0] | [.vduse.daemon.status, .vduse.daemon.processes, .verdict.status, (.errors | map(.code))]' \
		'["gone",[],"unknown",["unavailable"]]'
	read -r _ rc _ t0 t1 <<<"$(grep '^rc ' <<<"$stderr")"
	assert_equal "$rc" 6
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 15) }' || fail "$1: the refusal took $t0 -> $t1 s"
}

# The fake kernel with the VM's devices at the time of vduse_list..vduse_check: realvm-<k>.json,
# vduse0 and s1..s60 (conformance_big), and the three qemu-storage-daemon exports with the
# daemons' pids from vduse_start. The documents must be the VM's: the block reads' CRC-32 is
# the image's sector 0, and the closed-owner check reaches the old owner's buffers as on the VM.
conformance_vduse() {
	need_boot "$1"
	local big="$BATS_TEST_TMPDIR/vduse-$1.json" name cmd names="vduse_list vduse_show vduse_probe vduse_force"
	local -a blk=()
	load_result "$1" vduse_start
	assert_equal "$status" 0
	while read -r name _ _ _ pid; do
		blk+=(--vduse-blk "$name:$pid")
	done <<<"$output"
	[ "${#blk[@]}" -eq 6 ] || fail "vduse_start: want 3 devices with their daemons' pids: $output"
	"$ROOT/tests/fake/gen-scenario.py" extend "$(scenario "$1")" --vduse --sims 60 "${blk[@]}" -o "$big"
	for name in $names; do
		vm_command "$name"
		printf '%s\t%s\n' "$name" "$VDPACTL ${REPLY#vdpactl }"
	done | fake_runs "$big"
	# shellcheck disable=SC2086 # a list of names
	same_documents "$1" $names
}

@test "6.1: VDUSE: the fake kernel gives the VM's list, show and probe documents (data path too)" {
	conformance_vduse 6.1
}

@test "6.12: VDUSE: the fake kernel gives the VM's list, show and probe documents (data path too)" {
	conformance_vduse 6.12
}

@test "6.1: VDUSE (qemu-storage-daemon): list, show, probe and check on a real VDUSE block device" {
	vduse_served 6.1
}

@test "6.12: VDUSE (qemu-storage-daemon): list, show, probe and check on a real VDUSE block device" {
	vduse_served 6.12
}

@test "6.1: VDUSE daemon stopped or killed: never opened, at once; a plain open waits msg_timeout and breaks it" {
	vduse_dead_daemon 6.1
}

@test "6.12: VDUSE daemon stopped or killed: never opened, at once; a plain open waits msg_timeout and breaks it" {
	vduse_dead_daemon 6.12
}

@test "README: every sample of real output is what the 6.1 and 6.12 kernels print now" {
	need_boot 6.1
	need_boot 6.12
	run -0 "$ROOT/tests/readme-samples.sh" check "$ROOT/README.md" "$VM_RESULTS"
}
