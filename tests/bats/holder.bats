#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Who holds a busy device (src/holder.c): the processes of the fake host's /proc
# (tests/fake/fake_proc.c, scenario "processes") against list, show, probe, check and metrics;
# exact pids, command names and VM names, the stderr line, the node never opened by the scan,
# one pass over /proc per run, an unprivileged user (unknown, never free), processes that exit
# while being read, and hostile names.
load helpers

# holders-6.12: net0 (vhost-vdpa-0) held by libvirt's QEMU 4242 "web1"; blk0 (vhost-vdpa-1)
# only O_PATH by a shell: free; net1 (vhost-vdpa-2) held by QEMU 5000 and its child 5001 "db,1".
HELD_NET0='{"status":"held","processes":[{"pid":4242,"comm":"qemu-system-x86","vm":"web1"}],"errors":[]}'
HELD_NET1='{"status":"held","processes":[{"pid":5000,"comm":"qemu-kvm","vm":"db,1"},{"pid":5001,"comm":"qemu-kvm","vm":"db,1"}],"errors":[]}'
MSG_NET0='vdpactl: /dev/vhost-vdpa-0: open: Device or resource busy: held by pid 4242 (qemu-system-x86), VM web1'
MSG_NET1='vdpactl: /dev/vhost-vdpa-2: open: Device or resource busy: held by pid 5000 (qemu-kvm), VM db,1; pid 5001 (qemu-kvm), VM db,1'
HINT='hint: the device is in use, e.g. by QEMU; vdpactl does not retry or disturb it'

setup() {
	# scenario variants, where an unprivileged user can read them too (bats' own temporary
	# directories are private)
	VARIANTS=$(mktemp -d /tmp/vdpactl-holder.XXXXXX)
	chmod 0755 "$VARIANTS"
}

teardown() {
	rm -rf "$VARIANTS"
}

# variant NAME JQ: a copy of holders-6.12.json changed by a jq filter; prints its path
variant() {
	jq "$2" "$SCENARIOS/holders-6.12.json" >"$VARIANTS/$1.json"
	chmod 0644 "$VARIANTS/$1.json"
	printf '%s\n' "$VARIANTS/$1.json"
}

# on FILE ARGS...: vdpactl under the fake with a scenario file of the test's own
on() {
	local file=$1
	shift
	FAKE_VDPA_SCENARIO=$file LD_PRELOAD=$FAKE_LIB "$VDPACTL" "$@"
}

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups env FAKE_VDPA_SCENARIO="$1" \
		LD_PRELOAD="$FAKE_LIB" "$VDPACTL" "${@:2}"
}

@test "list: every node's holder from /proc, by device number; O_PATH holds nothing; nothing opened" {
	local log=$BATS_TEST_TMPDIR/fake.log
	FAKE_VDPA_LOG=$log run -0 --separate-stderr fake holders-6.12 list --json
	assert_schema
	assert_equal "$stderr" ""
	assert_jq '[.complete, .exit_code, (.errors | length)]' '[true,0,0]'
	assert_jq '[.devices[] | [.name, .holder]]' "[[\"blk0\",null],[\"net0\",$HELD_NET0],[\"net1\",$HELD_NET1]]"
	# the scan stats /proc/PID/fd/N (the file it refers to), it never touches a node
	run grep -cE '^(open|fopen|stat|lstat|access) /dev/vhost-vdpa' "$log"
	assert_output 0
	run grep -c '^proc stat /proc/4242/fd/23 = 0 (chr 236:0)$' "$log"
	assert_output 1
	run grep -c '^proc opendir /proc = ok$' "$log"
	assert_output 1
	run tail -1 "$log"
	assert_output --regexp '^exit open_fds=0 tracked_open=0( |$)'
}

@test "show --all: busy devices name their holder on stderr and in JSON; the free one is shown; exit 12" {
	run -12 --separate-stderr fake holders-6.12 show --all --json
	assert_schema
	assert_jq '[.devices[] | [.name, .exit_code]]' '[["net0",6],["blk0",0],["net1",6]]'
	assert_jq '.devices[0].holder' "$HELD_NET0"
	assert_jq '.devices[2].holder' "$HELD_NET1"
	assert_jq '.devices[1] | [.holder, .backend_features.raw]' '[null,"0x000000000000017e"]'
	assert_jq '.devices[0].errors | map([.code, .errno_name, .message])' \
		'[["busy","EBUSY","Device or resource busy: held by pid 4242 (qemu-system-x86), VM web1"]]'
	assert_equal "$stderr" "$MSG_NET0
$HINT
$MSG_NET1
$HINT"
	# text: the same lines on stderr
	run -12 --separate-stderr fake holders-6.12 show --all
	assert_equal "$stderr" "$MSG_NET0
$HINT
$MSG_NET1
$HINT"
}

@test "show of the busy scenario: QEMU 4242, VM vm1; one open, refused, never retried" {
	local log=$BATS_TEST_TMPDIR/fake.log
	FAKE_VDPA_LOG=$log run -6 --separate-stderr fake busy show --json vhost-vdpa-0
	assert_schema
	assert_jq '.devices[0].holder' '{"status":"held","processes":[{"pid":4242,"comm":"qemu-system-x86","vm":"vm1"}],"errors":[]}'
	assert_equal "$(head -1 <<<"$stderr")" 'vdpactl: /dev/vhost-vdpa-0: open: Device or resource busy: held by pid 4242 (qemu-system-x86), VM vm1'
	run grep -c '^open /dev/vhost-vdpa-0 .*EBUSY' "$log"
	assert_output 1
	run grep -c '^open /dev/vhost-vdpa' "$log"
	assert_output 1
}

@test "probe --all and check: the busy devices are unknown with the holder in the reason; the free one is evaluated" {
	run -12 --separate-stderr fake holders-6.12 probe --all --json
	assert_schema
	assert_jq '[.devices[] | [.name, .exit_code, .verdict.status]]' \
		'[["net0",6,"unknown"],["blk0",0,"trusted"],["net1",6,"unknown"]]'
	assert_jq '.devices[0].verdict.reason' '"the device could not be examined: Device or resource busy: held by pid 4242 (qemu-system-x86), VM web1"'
	assert_jq '.devices[2].holder' "$HELD_NET1"
	run -12 --separate-stderr fake holders-6.12 check
	assert_row /dev/vhost-vdpa-0 unknown advertised 'the device could not be examined: Device or resource busy: held by pid 4242 (qemu-system-x86), VM web1'
	assert_row /dev/vhost-vdpa-2 unknown advertised 'the device could not be examined: Device or resource busy: held by pid 5000 (qemu-kvm), VM db,1; pid 5001 (qemu-kvm), VM db,1'
	# the HOLDER column, as list shows it
	run -12 --separate-stderr fake holders-6.12 check -n -r -o device,holder
	assert_output '/dev/vhost-vdpa-0 4242\x20qemu-system-x86\x20(web1)
/dev/vhost-vdpa-1 -
/dev/vhost-vdpa-2 5000\x20qemu-kvm\x20(db,1),\x205001\x20qemu-kvm\x20(db,1)'
}

@test "one pass over /proc per run, not per device; none when no device is busy" {
	local log=$BATS_TEST_TMPDIR/fake.log
	FAKE_VDPA_LOG=$log run -12 --separate-stderr fake holders-6.12 probe --all
	run grep -c '^proc opendir /proc = ok$' "$log"
	assert_output 1
	# each process's descriptors listed once
	run grep -c '^proc opendir /proc/4242/fd = ok$' "$log"
	assert_output 1
	: >"$log"
	FAKE_VDPA_LOG=$log run -0 --separate-stderr fake sim-6.12 show --all
	run grep -c '^proc ' "$log"
	assert_output 0
}

@test "metrics: the holder state set and one holder_info per process; promtool accepts them" {
	run -0 --separate-stderr fake holders-6.12 metrics
	run grep -E '^vdpactl_device_holder(_info)?\{' <<<"$output"
	assert_output 'vdpactl_device_holder{device="blk0",state="free"} 1
vdpactl_device_holder{device="blk0",state="held"} 0
vdpactl_device_holder{device="blk0",state="unknown"} 0
vdpactl_device_holder{device="net0",state="free"} 0
vdpactl_device_holder{device="net0",state="held"} 1
vdpactl_device_holder{device="net0",state="unknown"} 0
vdpactl_device_holder{device="net1",state="free"} 0
vdpactl_device_holder{device="net1",state="held"} 1
vdpactl_device_holder{device="net1",state="unknown"} 0
vdpactl_device_holder_info{device="net0",pid="4242",comm="qemu-system-x86",vm="web1"} 1
vdpactl_device_holder_info{device="net1",pid="5000",comm="qemu-kvm",vm="db,1"} 1
vdpactl_device_holder_info{device="net1",pid="5001",comm="qemu-kvm",vm="db,1"} 1'
	run -0 --separate-stderr fake holders-6.12 metrics
	printf '%s\n' "$output" | promtool check metrics
	# --from=show: the opened device is free (its open succeeded), the busy ones held
	run -0 --separate-stderr fake holders-6.12 metrics --from=show
	run grep -E '^vdpactl_device_holder\{.*\} 1$' <<<"$output"
	assert_output 'vdpactl_device_holder{device="net0",state="held"} 1
vdpactl_device_holder{device="blk0",state="free"} 1
vdpactl_device_holder{device="net1",state="held"} 1'
}

@test "as an ordinary user: /proc/PID/fd refused, so every holder is unknown, never free; one stderr line" {
	run -0 --separate-stderr nobody "$SCENARIOS/holders-6.12.json" list --json
	assert_schema
	local err='{"code":"permission_denied","errno":13,"errno_name":"EACCES","object":"/proc/1/fd","op":"opendir","field":"holder","message":"the descriptors of 6 of 6 processes could not be read: Permission denied"}'
	assert_jq '[.devices[].holder] | unique' "[{\"status\":\"unknown\",\"processes\":[],\"errors\":[$err]}]"
	assert_jq '[.complete, .exit_code, (.errors | map([.code, .object, .message]))]' \
		'[false,0,[["permission_denied","/proc/1/fd","holder of the devices not established: the descriptors of 6 of 6 processes could not be read: Permission denied"]]]'
	assert_equal "$stderr" 'vdpactl: /proc/1/fd: opendir: holder of the devices not established: the descriptors of 6 of 6 processes could not be read: Permission denied
hint: run as root (with CAP_SYS_PTRACE) to see every holder'
	# a process of the user's own is readable: held, but there may be more
	local f
	f=$(variant own '.processes |= map(if .pid == 4242 then .uid = 65534 else . end)')
	run -0 --separate-stderr nobody "$f" list --json
	assert_schema
	assert_jq '.devices[1].holder | [.status, .processes, (.errors | map(.message))]' \
		'["held",[{"pid":4242,"comm":"qemu-system-x86","vm":"web1"}],["the descriptors of 5 of 6 processes could not be read: Permission denied"]]'
	assert_jq '[.devices[0,2].holder.status]' '["unknown","unknown"]'
}

@test "a process that exits while being read is skipped: never a holder, never an error" {
	local f st
	# 4242 exits after /proc listed it: its fd directory, a link, fdinfo or comm is gone
	for st in fd_dir fd_link fdinfo comm cmdline; do
		f=$(variant "exit-$st" ".processes |= map(if .pid == 4242 then .exits = \"$st\" else . end)")
		run -0 --separate-stderr on "$f" list --json
		assert_schema
		# it still holds the device as far as the kernel knows (the scenario keeps it busy),
		# so list cannot say free: list does not know busy, and says what /proc showed
		assert_jq '[.complete, (.errors | length), .devices[1].name, .devices[1].holder]' '[true,0,"net0",null]'
		run -6 --separate-stderr on "$f" show --json vhost-vdpa-0
		assert_jq '.devices[0].holder | [.status, .processes, (.errors | map([.code, .message]))]' \
			'["unknown",[],[["incomplete","the device is busy but no process in /proc has it open (it closed it since, or runs in another PID namespace)"]]]'
	done
	# one of two sharers exits: the other still holds it
	f=$(variant exit-5000 '.processes |= map(if .pid == 5000 then .exits = "comm" else . end)')
	run -0 --separate-stderr on "$f" list --json
	assert_jq '.devices[2].holder.processes' '[{"pid":5001,"comm":"qemu-kvm","vm":"db,1"}]'
}

@test "hostile names: comm and VM name escaped on stderr, valid JSON, label-safe metrics" {
	local f
	f=$(variant hostile '.processes |= map(if .pid == 4242 then .comm = "q\u001b[2K\nx" | .cmdline = ["qemu", "-name", "guest=\u001b]0;pwn\u0007\"\\,,y"] else . end)')
	run -6 --separate-stderr on "$f" show vhost-vdpa-0
	assert_equal "$(head -1 <<<"$stderr")" 'vdpactl: /dev/vhost-vdpa-0: open: Device or resource busy: held by pid 4242 (q\e[2K\nx), VM \e]0;pwn\x07"\\,y'
	run -6 --separate-stderr on "$f" show --json vhost-vdpa-0
	assert_schema
	assert_jq '.devices[0].holder.processes[0] | [.comm, .vm]' '["q\u001b[2K\nx","\u001b]0;pwn\u0007\"\\,y"]'
	run -0 --separate-stderr on "$f" metrics
	run grep '^vdpactl_device_holder_info{device="net0"' <<<"$output"
	assert_output 'vdpactl_device_holder_info{device="net0",pid="4242",comm="q�[2K\nx",vm="�]0;pwn�\"\\,y"} 1'
}

@test "plain QEMU: -name NAME; a holder that is not QEMU has no VM name" {
	local f
	f=$(variant plain '.processes |= map(if .pid == 4242 then .cmdline = ["qemu-system-x86_64", "-name", "plain1", "-S"] elif .pid == 5000 then .comm = "vmm" | .cmdline = ["/usr/bin/vmm", "-name", "notqemu"] else . end)')
	run -0 --separate-stderr on "$f" list --json
	assert_jq '[.devices[1,2].holder.processes[] | [.pid, .comm, .vm]]' \
		'[[4242,"qemu-system-x86","plain1"],[5000,"vmm",null],[5001,"qemu-kvm","db,1"]]'
}
