#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile strings and lost output: escaped text and stderr, valid UTF-8 JSON, write errors
# reported (the reproducers of the hardening issue; tests/fuzz covers the parsers).
load helpers

@test "a hostile DEV argument cannot put escape sequences or a forged line on the terminal" {
	run -12 --separate-stderr fake sim-6.12 check /dev/vhost-vdpa-0 $'/tmp/\e[2K\rx\n/dev/vhost-vdpa-1  trusted (probed)  all good'
	# the table escapes as util-linux does (libsmartcols: \xNN for every unsafe byte)
	assert_equal "${#lines[@]}" 3
	assert_line --index 2 --regexp "$(row_re '/tmp/\x1b[2K\x0dx\x0a/dev/vhost-vdpa-1  trusted (probed)  all good' unknown advertised 'the device could not be examined: No such file or directory')"
	[[ $output != *$'\e'* && $output != *$'\r'* && $stderr != *$'\e'* && $stderr != *$'\r'* ]] || fail "raw control characters"
	assert_equal "$(head -1 <<<"$stderr")" 'vdpactl: /tmp/\e[2K\rx\n/dev/vhost-vdpa-1  trusted (probed)  all good: stat: No such file or directory'
}

@test "a hostile device name from the kernel is escaped in list, show, check and metrics; raw in JSON" {
	local scen=$BATS_TEST_TMPDIR/hostile.json out
	jq '.devices[0].name = "n\u001b[2K\rx\nforged\\"' "$SCENARIOS/sim-6.12.json" >"$scen"
	export FAKE_VDPA_SCENARIO=$scen LD_PRELOAD=$FAKE_LIB
	run -0 --separate-stderr "$VDPACTL" list
	assert_equal "${#lines[@]}" 3
	assert_line --index 2 --regexp '^n\\x1b\[2K\\x0dx\\x0aforged\\ +net +vdpasim_net '
	run -0 --separate-stderr "$VDPACTL" list -r -n -o name,class
	assert_line --index 1 'n\x1b[2K\x0dx\x0aforged\x5c net'
	run -0 --separate-stderr "$VDPACTL" show vhost-vdpa-0
	assert_line --index 0 '/dev/vhost-vdpa-0 (n\e[2K\rx\nforged\\)'
	run -0 --separate-stderr "$VDPACTL" list -j
	assert_jq '.devices[1].name' '"n\u001b[2K\rx\nforged\\"'
	run -0 --separate-stderr "$VDPACTL" metrics
	[[ $output != *$'\e'* && $output != *$'\r'* ]] || fail "raw control characters in the metrics"
	unset FAKE_VDPA_SCENARIO LD_PRELOAD
	need_tool promtool prometheus
	promtool check metrics <<<"$output"
}

@test "JSON is valid UTF-8 whatever the bytes of a name: invalid bytes become U+FFFD" {
	slow_test "many documents"
	local f=$BATS_TEST_TMPDIR/$'x\xffy'
	touch "$f"
	run -2 --separate-stderr fake sim-6.12 show -j "$f"
	/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.stdin.buffer.read().decode("utf-8","strict")); assert d["devices"][0]["char_device"].endswith("x\ufffdy"), d' <<<"$output" ||
		fail "not strict UTF-8 JSON: $output"
	assert_schema
	[[ $stderr == *'/x\xffy: not a vhost-vdpa character device (a regular file)' ]] || fail "stderr: $stderr"
}

@test "output that cannot be written is an error: exit 1 (or the run's own code) and a message" {
	local a
	for a in --help --version features "features -j" "list" "check --help"; do
		run --separate-stderr bash -c "FAKE_VDPA_SCENARIO=$SCENARIOS/sim-6.12.json LD_PRELOAD=$FAKE_LIB $VDPACTL $a >/dev/full"
		assert_equal "$status" 1
		assert_equal "$stderr" "vdpactl: standard output: write: No space left on device"
	done
	# a gate's negative answer is kept, and the lost verdict is not silent
	run --separate-stderr bash -c "FAKE_VDPA_SCENARIO=$SCENARIOS/sim-6.1.json LD_PRELOAD=$FAKE_LIB $VDPACTL check >/dev/full"
	assert_equal "$status" 10
	assert_equal "$stderr" "vdpactl: standard output: write: No space left on device"
	# a closed standard output
	run --separate-stderr bash -c "$VDPACTL --version >&-"
	assert_equal "$status" 1
	assert_equal "$stderr" "vdpactl: standard output: write: Bad file descriptor"
}
