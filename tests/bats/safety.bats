#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Safety: nothing but a verified vhost-vdpa character device is opened or touched;
# every bad input is one clear error line with its documented exit code.
load helpers

setup() {
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W/dir"
	printf 'precious\n' >"$W/file"
	mkfifo "$W/fifo"
	touch -d '2020-01-02 03:04:05' "$W/file" "$W/fifo" "$W/dir"
	ln -s "$W/file" "$W/link-file"
	ln -s "$W/dir" "$W/link-dir"
	ln -s /dev/null "$W/link-null"
	ln -s /dev/zero "$W/link-zero"
	ln -s "$W/fifo" "$W/link-fifo"
}

# the file is unchanged: content and mtime
assert_untouched() {
	assert_equal "$(cat "$W/file")" "precious"
	assert_equal "$(stat -c %Y "$W/file")" "$(date -d '2020-01-02 03:04:05' +%s)"
	assert_equal "$(stat -c %Y "$W/fifo")" "$(date -d '2020-01-02 03:04:05' +%s)"
}

# strace the run: the target must never be opened, and no ioctl or write may be issued at all
assert_never_opened() {
	local target=$1 log=$BATS_TEST_TMPDIR/strace.log
	FAKE_VDPA_SCENARIO=$SCENARIOS/sim-6.12.json LD_PRELOAD=$FAKE_LIB \
		strace -f -qq -e trace=open,openat,ioctl,write,pwrite64 -o "$log" \
		"$VDPACTL" show "$target" >/dev/null 2>&1 || true
	if grep -F "\"$target\"" "$log" | grep -E 'open(at)?\(' >/dev/null; then
		fail "$target was opened: $(grep -F "$target" "$log")"
	fi
	if grep -E '^[0-9]+ +ioctl\(' "$log" | grep -vE 'TCGETS|TIOCGWINSZ' >/dev/null; then
		fail "an ioctl was issued: $(grep ioctl "$log")"
	fi
}

@test "regular file: exit 2, one error line, untouched, never opened" {
	run -2 --separate-stderr fake sim-6.12 show "$W/file"
	assert_equal "$stderr" "vdpactl: $W/file: not a vhost-vdpa character device (a regular file)"
	assert_equal "$output" ""
	assert_untouched
	assert_never_opened "$W/file"
}

@test "directory, FIFO: exit 2 naming the file type" {
	run -2 --separate-stderr fake sim-6.12 show "$W/dir"
	assert_equal "$stderr" "vdpactl: $W/dir: not a vhost-vdpa character device (a directory)"
	run -2 --separate-stderr fake sim-6.12 show "$W/fifo"
	assert_equal "$stderr" "vdpactl: $W/fifo: not a vhost-vdpa character device (a FIFO)"
	assert_untouched
	assert_never_opened "$W/fifo"
	assert_never_opened "$W/dir"
}

@test "/dev/null and /dev/zero: character devices of another driver, exit 2, never opened" {
	run -2 --separate-stderr fake sim-6.12 show /dev/null
	assert_equal "$stderr" "vdpactl: /dev/null: not a vhost-vdpa character device (device 1:3 belongs to 'mem'; vhost-vdpa is major 236)"
	run -2 --separate-stderr fake sim-6.12 show /dev/zero
	assert_equal "$stderr" "vdpactl: /dev/zero: not a vhost-vdpa character device (device 1:5 belongs to 'mem'; vhost-vdpa is major 236)"
	assert_never_opened /dev/null
	assert_never_opened /dev/zero
}

@test "symlinks to a file, a directory, a FIFO, /dev/null, /dev/zero: exit 2, targets untouched" {
	for l in link-file link-dir link-fifo link-null link-zero; do
		run -2 --separate-stderr fake sim-6.12 show "$W/$l"
		assert_regex "$stderr" "^vdpactl: $W/$l: not a vhost-vdpa character device \(.*\)$"
		assert_equal "${#lines[@]}" 0
	done
	assert_untouched
	assert_never_opened "$W/link-file"
	assert_never_opened "$W/link-null"
}

@test "missing path: exit 3 with the hint" {
	run -3 --separate-stderr fake sim-6.12 show "$W/nope"
	assert_equal "$stderr" "vdpactl: $W/nope: stat: No such file or directory
hint: no vDPA device is bound to vhost_vdpa under that name, or the kernel lacks CONFIG_VHOST_VDPA"
	run -3 --separate-stderr fake sim-6.12 show vhost-vdpa-77
	assert_equal "$output" ""
	assert_equal "$(head -1 <<<"$stderr")" "vdpactl: /dev/vhost-vdpa-77: stat: No such file or directory"
}

@test "empty string and a malformed name: usage errors, exit 2, no device touched" {
	run -2 --separate-stderr fake sim-6.12 show ""
	assert_equal "$stderr" "vdpactl: empty device name: give /dev/vhost-vdpa-N or vhost-vdpa-N
Try 'vdpactl --help' for more information."
	run -2 --separate-stderr fake sim-6.12 show vhost-vdpa-0 vhost-vdpa-x
	assert_equal "$(head -1 <<<"$stderr")" "vdpactl: vhost-vdpa-x: not a device: give /dev/vhost-vdpa-N, vhost-vdpa-N, a path to the node or the name of a vdpa device (vdpactl list shows them)"
	assert_equal "$output" ""
	# the valid first argument was not opened either: usage errors come before any device
	FAKE_VDPA_LOG=$BATS_TEST_TMPDIR/fake.log run -2 fake sim-6.12 show vhost-vdpa-0 vhost-vdpa-x
	run grep -c '^open ' "$BATS_TEST_TMPDIR/fake.log"
	assert_output "0"
}

@test "bad inputs as JSON: one valid document, code not_vhost_vdpa, exit_code 2" {
	run -2 --separate-stderr fake sim-6.12 show --json "$W/file"
	assert_schema
	assert_jq '.exit_code' '2'
	assert_jq '.complete' 'false'
	assert_jq '.devices[0] | [.char_device, .exit_code, .backend_features, .limits]' "[\"$W/file\",2,null,null]"
	assert_jq '.devices[0].errors[0] | [.code, .errno, .op]' '["not_vhost_vdpa",null,null]'
	assert_untouched
}

@test "open EBUSY: exit 6 with the busy hint, not retried" {
	# injected: no process of the scenario holds it, so the holder is unknown, never "none"
	FAKE_VDPA_LOG=$BATS_TEST_TMPDIR/fake.log FAKE_VDPA_INJECT='open:/dev/vhost-vdpa-0=EBUSY' \
		run -6 --separate-stderr fake sim-6.12 show /dev/vhost-vdpa-0
	assert_equal "$stderr" "vdpactl: /dev/vhost-vdpa-0: open: Device or resource busy: holder unknown: the device is busy but no process in /proc has it open (it closed it since, or runs in another PID namespace)
hint: the device is in use, e.g. by QEMU; vdpactl does not retry or disturb it"
	run grep -c '^open /dev/vhost-vdpa-0' "$BATS_TEST_TMPDIR/fake.log"
	assert_output "1"
}

@test "open EACCES: exit 4 with the permission hint" {
	FAKE_VDPA_INJECT='open:/dev/vhost-vdpa-0=EACCES' run -4 --separate-stderr fake sim-6.12 show vhost-vdpa-0
	assert_equal "$stderr" "vdpactl: /dev/vhost-vdpa-0: open: Permission denied
hint: run as root or grant access to the device node (e.g. a udev rule)"
}

@test "open ENOENT: exit 3; open ENOTTY: exit 5; each with its hint" {
	FAKE_VDPA_INJECT='open:/dev/vhost-vdpa-0=ENOENT' run -3 --separate-stderr fake sim-6.12 show vhost-vdpa-0
	assert_equal "$(sed -n 1p <<<"$stderr")" "vdpactl: /dev/vhost-vdpa-0: open: No such file or directory"
	assert_equal "$(sed -n 2p <<<"$stderr")" "hint: no vDPA device is bound to vhost_vdpa under that name, or the kernel lacks CONFIG_VHOST_VDPA"
	FAKE_VDPA_INJECT='open:/dev/vhost-vdpa-0=ENOTTY' run -5 --separate-stderr fake sim-6.12 show vhost-vdpa-0
	assert_equal "$(sed -n 1p <<<"$stderr")" "vdpactl: /dev/vhost-vdpa-0: open: Inappropriate ioctl for device"
	assert_regex "$(sed -n 2p <<<"$stderr")" '^hint: the kernel or the device.s parent driver does not support this'
}

@test "a busy device among others: --all reports it and shows the rest, exit 12" {
	FAKE_VDPA_INJECT='open:/dev/vhost-vdpa-0=EBUSY' run -12 --separate-stderr fake sim-6.12 show --all --json
	assert_schema
	assert_jq '[.devices[] | .exit_code]' '[6,0]'
	assert_jq '[.devices[0].errors[] | .code]' '["busy"]'
	assert_jq '.devices[0].errors[0].errno_name' '"EBUSY"'
	assert_jq '.devices[1].backend_features.raw' '"0x000000000000017e"'
	assert_jq '.summary | [.devices, .succeeded, .failed]' '[2,1,1]'
}

@test "a device held by another process (busy scenario): exit 6, reported, not retried" {
	run -6 --separate-stderr fake busy show vhost-vdpa-0
	assert_equal "$(head -1 <<<"$stderr")" "vdpactl: /dev/vhost-vdpa-0: open: Device or resource busy: held by pid 4242 (qemu-system-x86), VM vm1"
	run -6 --separate-stderr fake busy show --all --json
	assert_schema
	assert_jq '.devices[0].errors[0].code' '"busy"'
}

@test "kernel without vhost-vdpa: exit 5 for --all and for a node" {
	run -5 --separate-stderr fake no-module show --all
	assert_equal "$stderr" "vdpactl: /proc/devices: no 'vhost-vdpa' character device driver is registered
hint: load the vhost_vdpa module (modprobe vhost_vdpa) or use a kernel built with CONFIG_VHOST_VDPA"
	run -5 --separate-stderr fake no-module show --json --all
	assert_schema
	assert_jq '.errors[0].code' '"unsupported"'
}

@test "no devices at all: --all exits 3 with a hint" {
	run -3 --separate-stderr fake empty show --all
	assert_equal "$stderr" "vdpactl: /dev: no vhost-vdpa devices (/dev/vhost-vdpa-N) found
hint: create a vDPA device (vdpa dev add ...) and bind it to vhost_vdpa"
}

@test "every device is closed and no descriptor leaks, on success and on every error path" {
	local log=$BATS_TEST_TMPDIR/fake.log
	for inj in '' 'open:/dev/vhost-vdpa-0=EBUSY' 'ioctl:VHOST_GET_FEATURES=EIO' \
		'ioctl:VHOST_VDPA_GET_CONFIG=EINVAL' 'ioctl:VHOST_VDPA_GET_DEVICE_ID=ENOTTY'; do
		rm -f "$log"
		FAKE_VDPA_LOG=$log FAKE_VDPA_INJECT=$inj run fake sim-6.12 show --all --json
		run tail -1 "$log"
		assert_output --regexp "^exit open_fds=0 tracked_open=0( |\$)"
	done
}
