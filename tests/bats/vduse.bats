#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A VDUSE device's daemon (src/vduse.c): looked for in /proc before the device is opened, since
# opening vhost-vdpa resets the device and a reset that the daemon never answers waits
# msg_timeout and then breaks the device for good (drivers/vdpa/vdpa_user/vduse_dev.c,
# vduse_dev_msg_sync()). Scenario vduse-6.12 has the daemon (pid 3100, dpdk-testpmd, holding
# /dev/vduse/vduse0); the tests derive a host where it is gone, stopped, or out of sight.
load helpers

# variant NAME JQ: vduse-6.12 changed by JQ, as $BATS_TEST_TMPDIR/NAME.json
variant() {
	jq "$2" "$SCENARIOS/vduse-6.12.json" >"$BATS_TEST_TMPDIR/$1.json"
}

# on NAME ARGS...: vdpactl on a variant, its fake log in $BATS_TEST_TMPDIR/NAME.log
on() {
	local name=$1
	shift
	FAKE_VDPA_LOG=$BATS_TEST_TMPDIR/$name.log FAKE_VDPA_SCENARIO=$BATS_TEST_TMPDIR/$name.json \
		LD_PRELOAD=$FAKE_LIB "$VDPACTL" "$@"
}

GONE="not opened: the VDUSE daemon is gone (no process holds /dev/vduse/vduse0); opening would reset the device, wait msg_timeout, 30 s, for the daemon's answer and leave the device broken for good"
STOPPED="not opened: the VDUSE daemon holding /dev/vduse/vduse0 is stopped; opening would reset the device, wait msg_timeout, 30 s, for its answer and leave the device broken for good"

@test "VDUSE: show names the control device, msg_timeout and the running daemon; list only what sysfs says" {
	run -0 --separate-stderr fake vduse-6.12 show --json vduse0
	assert_schema
	assert_jq '.devices[0].vduse' '{"control_device":"/dev/vduse/vduse0","msg_timeout_s":30,"daemon":{"status":"running","processes":[{"pid":3100,"comm":"dpdk-testpmd","state":"S"}],"errors":[]}}'
	assert_jq '[.devices[0].errors, .devices[0].backend_features.raw]' '[[],"0x000000000000000e"]'
	run -0 --separate-stderr fake vduse-6.12 show vduse0
	assert_line '  VDUSE daemon:       running: pid 3100 (dpdk-testpmd, state S); msg_timeout 30 s'
	run -0 --separate-stderr fake vduse-6.12 list --json
	assert_schema
	assert_jq '.devices[0].vduse' '{"control_device":"/dev/vduse/vduse0","msg_timeout_s":30,"daemon":null}'
	# other parents have none
	run -0 --separate-stderr fake sim-6.12 show --all --json
	assert_jq '[.devices[].vduse]' '[null,null]'
}

@test "VDUSE daemon gone: show, probe and check never open the device; exit 6, error 'unavailable'" {
	variant gone 'del(.processes)'
	local cmd
	for cmd in "show --json vduse0" "probe --json vduse0" "probe --datapath=force --json --all" \
		"check --probe --json" "check --json"; do
		# shellcheck disable=SC2086 # the command is a word list
		run -6 --separate-stderr on gone $cmd
		assert_schema
		assert_jq '.devices[0] | [.exit_code, .vduse.daemon.status, .vduse.daemon.processes, [.errors[] | [.code, .op, .message]]]' \
			"$(jq -cn --arg m "$GONE" '[6,"gone",[],[["unavailable",null,$m]]]')"
		# the node was checked (stat), never opened: nothing reached the device
		run grep -c '^open /dev/vhost-vdpa-0 ' "$BATS_TEST_TMPDIR/gone.log"
		assert_output 0
		grep -q '^stat /dev/vhost-vdpa-0 = 0 (chr 236:0)$' "$BATS_TEST_TMPDIR/gone.log" ||
			fail "$cmd: the node was not even checked"
	done
	run -6 --separate-stderr on gone probe --json vduse0
	assert_jq '.devices[0].verdict | [.status, .basis]' '["unknown","advertised"]'
	assert_jq '.devices[0].probes | map([.id, .status])' '[["open","fail"]]'
	assert_jq '.complete' 'false'
	run -6 --separate-stderr on gone show vduse0
	assert_output ''
	assert_equal "$stderr" "vdpactl: /dev/vhost-vdpa-0: $GONE
hint: the device needs its daemon back before it can be opened (or removing: vdpa dev del NAME)"
	run -6 --separate-stderr on gone check
	assert_line --index 1 "/dev/vhost-vdpa-0 unknown advertised the device could not be examined: $GONE"
}

@test "VDUSE daemon stopped (SIGSTOP): not opened either; one stopped holder among running ones is enough to open" {
	variant stopped '.processes[0].state = "T"'
	run -6 --separate-stderr on stopped show --json vduse0
	assert_jq '.devices[0] | [.vduse.daemon.status, .vduse.daemon.processes, [.errors[].message]]' \
		"$(jq -cn --arg m "$STOPPED" '["stopped",[{"pid":3100,"comm":"dpdk-testpmd","state":"T"}],[$m]]')"
	run grep -c '^open /dev/vhost-vdpa-0 ' "$BATS_TEST_TMPDIR/stopped.log"
	assert_output 0
	variant traced '.processes[0].state = "t"'
	run -6 --separate-stderr on traced show --json vduse0
	assert_jq '.devices[0].vduse.daemon.status' '"stopped"'
	# a second process shares the control device and still runs: the daemon can answer
	variant two '.processes[0].state = "T" | .processes += [{"pid": 3101, "comm": "vduse-worker", "fds": [{"fd": 5, "vduse": "vduse0"}]}]'
	run -0 --separate-stderr on two show --json vduse0
	assert_jq '.devices[0].vduse.daemon | [.status, [.processes[] | [.pid, .state]]]' '["running",[[3100,"T"],[3101,"S"]]]'
}

@test "VDUSE daemon out of sight (another user's /proc/PID/fd): opened only when msg_timeout bounds the wait" {
	# as nobody: the daemon (uid 0) hides its descriptors; the node (root 0600) refuses the open
	# (the scenario where nobody can read it: a directory of its own under /tmp)
	NOBODY_DIR=$(mktemp -d /tmp/vdpactl-vduse.XXXXXX)
	chmod 0755 "$NOBODY_DIR"
	nobody_on() {
		local name=$1
		shift
		install -m 0644 "$BATS_TEST_TMPDIR/$name.json" "$NOBODY_DIR/$name.json"
		setpriv --reuid=65534 --regid=65534 --clear-groups env \
			FAKE_VDPA_SCENARIO="$NOBODY_DIR/$name.json" LD_PRELOAD="$FAKE_LIB" \
			"$VDPACTL" "$@"
	}
	variant bounded '.processes[0].uid = 0'
	run -4 --separate-stderr nobody_on bounded show --json vduse0
	assert_jq '.devices[0] | [.vduse.daemon.status, [.errors[].code]]' '["unknown",["permission_denied"]]'
	variant unbounded '.processes[0].uid = 0 | .devices[0].msg_timeout = "0"'
	run -6 --separate-stderr nobody_on unbounded show --json vduse0
	assert_jq '.devices[0] | [.vduse.msg_timeout_s, .vduse.daemon.status, [.errors[] | [.code, .message]]]' \
		'[0,"unknown",[["unavailable","not opened: whether a VDUSE daemon holds /dev/vduse/vduse0 is not known, and with msg_timeout 0 a reset that no daemon answers would wait without limit"]]]'
	[[ $stderr == *'hint: run as root with CAP_SYS_PTRACE to see the daemon, or set msg_timeout'* ]] ||
		fail "no hint: $stderr"
	rm -rf "$NOBODY_DIR"
}

@test "VDUSE: a malformed msg_timeout is an error and null; the daemon decides" {
	variant bad '.devices[0].msg_timeout = "thirty"'
	run -0 --separate-stderr on bad show --json vduse0
	assert_schema
	assert_jq '.devices[0] | [.vduse.msg_timeout_s, .vduse.daemon.status, .exit_code]' '[null,"running",0]'
	run -0 --separate-stderr on bad list --json
	assert_jq '[.devices[0].vduse.msg_timeout_s, [.errors[] | [.code, .object, .op, .message]]]' '[null,[["malformed_data","/sys/devices/virtual/vduse/vduse0","read msg_timeout","expected the seconds a message to the VDUSE daemon may wait"]]]'
	variant badgone '.devices[0].msg_timeout = "-1" | del(.processes)'
	run -6 --separate-stderr on badgone show --json vduse0
	assert_jq '.devices[0].errors[-1].message' '"not opened: the VDUSE daemon is gone (no process holds /dev/vduse/vduse0); opening would reset the device, wait msg_timeout for the daemon'"'"'s answer and leave the device broken for good"'
}

@test "VDUSE: EIO from the open is a broken device (a message to the daemon timed out), not an internal error" {
	# measured on 6.1 and 6.12 (tests/bats/real_kernel.bats): a reset the daemon never
	# answered fails the open with EIO after msg_timeout, and every open after it at once
	FAKE_VDPA_INJECT="open:/dev/vhost-vdpa-0=EIO" run -6 --separate-stderr fake vduse-6.12 show --json vduse0
	assert_schema
	assert_jq '.devices[0].errors | map([.code, .errno_name, .op, .message])' '[["unavailable","EIO","open","Input/output error: the VDUSE device is broken: a message to its daemon (the reset that comes with the open) timed out, now or before, and VDUSE then refuses every message for good"]]'
	[[ $stderr == *"hint: only removing the device (vdpa dev del NAME) and creating it again makes it usable"* ]] ||
		fail "no hint: $stderr"
	FAKE_VDPA_INJECT="open:/dev/vhost-vdpa-0=EIO" run -6 --separate-stderr fake vduse-6.12 probe --json vduse0
	assert_jq '[.devices[0].exit_code, .devices[0].errors[0].code, .devices[0].verdict.status]' '[6,"unavailable","unknown"]'
	# another parent's EIO stays what it was
	FAKE_VDPA_INJECT="open:/dev/vhost-vdpa-0=EIO" run -1 --separate-stderr fake sim-6.12 show --json vhost-vdpa-0
	assert_jq '.devices[0].errors | map([.code, .message])' '[["internal","Input/output error"]]'
}
