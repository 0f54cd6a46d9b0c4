#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGINT and SIGTERM while vdpactl waits in a kernel call (the fake kernel's FAKE_VDPA_DELAY holds
# the call; tests/fake/README.md): exit 130/143, the JSON document is still printed, valid, with
# an "interrupted" error, every descriptor is closed and no IOTLB mapping is left.
load helpers

# start_delayed DELAY ARGS...: vdpactl ARGS under the fake (sim-6.12) in the background with
# FAKE_VDPA_DELAY=DELAY; sets PID, OUT, ERR, LOG and waits until the delayed call sleeps.
start_delayed() {
	local delay=$1 i
	shift
	OUT=$BATS_TEST_TMPDIR/out.json ERR=$BATS_TEST_TMPDIR/err LOG=$BATS_TEST_TMPDIR/fake.log
	rm -f "$OUT" "$ERR" "$LOG"
	FAKE_VDPA_SCENARIO=$SCENARIOS/sim-6.12.json FAKE_VDPA_LOG=$LOG FAKE_VDPA_DELAY=$delay \
		LD_PRELOAD=$FAKE_LIB "$VDPACTL" "$@" >"$OUT" 2>"$ERR" 3>&- &
	PID=$!
	for ((i = 0; i < 400; i++)); do
		grep -q '^delay ' "$LOG" 2>/dev/null && return 0
		sleep 0.025
	done
	kill -KILL "$PID" 2>/dev/null
	fail "the delayed call never started (log: $(cat "$LOG" 2>/dev/null))"
}

# finish WANT-STATUS: wait for PID, check its status; $output = its stdout, $stderr = stderr.
finish() {
	local rc=0
	wait "$PID" || rc=$?
	output=$(cat "$OUT")
	stderr=$(cat "$ERR")
	[[ $rc == "$1" ]] || fail "exit status $rc, want $1; stderr: $stderr"
}

# the fake's log: the device was released with nothing left mapped or pinned, every fd closed
assert_clean_log() {
	run grep -E '^release /dev/vhost-vdpa-0: ' "$LOG"
	assert_success
	refute_output --regexp ', [1-9][0-9]* left|[1-9][0-9]* pages pinned'
	run tail -1 "$LOG"
	assert_output --regexp '^exit open_fds=0 tracked_open=0( |$)'
}

# the document: schema-valid, exit code WANT, an "interrupted" error naming the signal
assert_interrupted_doc() {
	assert_schema
	assert_jq '.exit_code' "$1"
	assert_jq '.complete' 'false'
	assert_jq "[.errors[] | select(.code == \"interrupted\") | .message]" "[\"interrupted by $2; every device was closed\"]"
}

@test "delay injection: logged before the sleep, the full time, then the call proceeds" {
	local t0 t1
	t0=$(date +%s%N)
	FAKE_VDPA_LOG=$BATS_TEST_TMPDIR/fake.log FAKE_VDPA_DELAY='ioctl:VHOST_GET_FEATURES@1=700' \
		run -0 --separate-stderr fake sim-6.12 show --json vhost-vdpa-0
	t1=$(date +%s%N)
	(( (t1 - t0) / 1000000 >= 700 )) || fail "took only $(((t1 - t0) / 1000000)) ms"
	assert_jq '.devices[0].device_features.raw' '"0x0000000308830028"'
	run grep -nE '^(delay|ioctl [0-9]+ VHOST_GET_FEATURES)' "$BATS_TEST_TMPDIR/fake.log"
	assert_line --index 0 --regexp '^[0-9]+:delay ioctl [0-9]+ VHOST_GET_FEATURES 700ms$'
	assert_line --index 1 --regexp '^[0-9]+:ioctl [0-9]+ VHOST_GET_FEATURES = 0 \(0x308830028\)$'
	# a bad delay spec is refused like a bad injection spec
	FAKE_VDPA_DELAY='ioctl:VHOST_SET_OWNER=soon' run --separate-stderr fake sim-6.12 show vhost-vdpa-0
	(( status == 134 )) || fail "status $status"
	[[ $stderr == *"fake-vdpa: FAKE_VDPA_DELAY: bad delay spec 'ioctl:VHOST_SET_OWNER=soon'"* ]] || fail "$stderr"
}

@test "probe: SIGINT while it sleeps in VHOST_SET_OWNER: exit 130, the document, device closed" {
	slow_test "a delay of the fake"
	start_delayed 'ioctl:VHOST_SET_OWNER=2000' probe --json vhost-vdpa-0
	kill -INT "$PID"
	finish 130
	assert_interrupted_doc 130 SIGINT
	assert_jq '.devices[0].probes[] | select(.id == "set_owner") | .status' '"pass"'
	assert_jq '[.devices[0].probes[] | select(.id == "reset" or .id == "remap") | .status] | unique' '["skipped"]'
	[[ $stderr == *"vdpactl: interrupted by SIGINT; every device was closed"* ]] || fail "stderr: $stderr"
	# the signal came during the delay; after it nothing touched the IOTLB
	run sed -n '/^delay ioctl [0-9]* VHOST_SET_OWNER/,$p' "$LOG"
	refute_output --regexp '^write [0-9]+ IOTLB_UPDATE'
	assert_clean_log
}

@test "probe: SIGTERM while it sleeps in VHOST_SET_OWNER: exit 143, the document, device closed" {
	slow_test "a delay of the fake"
	start_delayed 'ioctl:VHOST_SET_OWNER=2000' probe --json vhost-vdpa-0
	kill -TERM "$PID"
	finish 143
	assert_interrupted_doc 143 SIGTERM
	assert_clean_log
}

@test "probe: a signal after the mapping (in the reset) leaves no mapping: invalidated or torn down" {
	slow_test "a delay of the fake"
	start_delayed 'ioctl:VHOST_VDPA_SET_STATUS@1=2000' probe --json vhost-vdpa-0
	kill -INT "$PID"
	finish 130
	assert_interrupted_doc 130 SIGINT
	assert_jq '.devices[0].probes[] | select(.id == "map") | .status' '"pass"'
	run grep -cE '^write [0-9]+ IOTLB_UPDATE .* = 72$' "$LOG"
	(( output >= 1 )) || fail "nothing was mapped before the signal"
	assert_clean_log
}

@test "probe: a signal during the closed-owner check: interrupted, no conclusion, device closed" {
	slow_test "a delay of the fake"
	# the fourth owner of the device: the probe, the two data-path runs, then the new owner of
	# the closed-owner check
	start_delayed 'ioctl:VHOST_SET_OWNER@4=1500' probe --timeout=0.3 --json vhost-vdpa-0
	kill -INT "$PID"
	finish 130
	assert_interrupted_doc 130 SIGINT
	# after the signal vdpactl makes no more calls that set the device up (EINTR): the new
	# owner's set-up stops, the round trip is not made, and nothing is concluded
	assert_jq '[.devices[0].probes[] | select(.id | startswith("dp_owner")) | [.id, .status, .error, .detail]]' \
		'[["dp_owner_reopen","interrupted","EINTR","interrupted by a signal: set-up as a new owner failed at SET_STATUS(ACKNOWLEDGE): Interrupted system call"],["dp_owner_after_close","skipped",null,"not run: interrupted by a signal"]]'
	# an interrupted device gets no verdict, so no check either
	assert_jq '.devices[0] | [.verdict, .exit_code]' '[null,130]'
	assert_clean_log
}

@test "show: SIGINT and SIGTERM while it sleeps in VHOST_GET_FEATURES: 130/143, the document, closed" {
	slow_test "delays of 1.5 s"
	start_delayed 'ioctl:VHOST_GET_FEATURES=2000' show --all --json
	kill -INT "$PID"
	finish 130
	assert_interrupted_doc 130 SIGINT
	# the device being read is reported; the next one was not opened at all
	assert_jq '[.devices[] | .exit_code]' '[130,130]'
	run grep -c '^open /dev/vhost-vdpa-1' "$LOG"
	assert_output 0
	assert_clean_log

	start_delayed 'ioctl:VHOST_GET_FEATURES=2000' show --json vhost-vdpa-0
	kill -TERM "$PID"
	finish 143
	assert_interrupted_doc 143 SIGTERM
	assert_clean_log
}

@test "a second signal during the delay closes the device at once and exits (no deadlock)" {
	local t0 t1
	start_delayed 'ioctl:VHOST_SET_OWNER=4000' probe --json vhost-vdpa-0
	t0=$(date +%s%N)
	kill -INT "$PID"
	sleep 0.2
	kill -INT "$PID"
	finish 130
	t1=$(date +%s%N)
	# the emergency path closed the descriptor from the handler, before the delay ended
	(( (t1 - t0) / 1000000 < 3000 )) || fail "took $(((t1 - t0) / 1000000)) ms"
	run grep -E '^release /dev/vhost-vdpa-0: ' "$LOG"
	assert_success
	run grep -E '^close [0-9]+ = 0$' "$LOG"
	assert_success
}

@test "list: SIGINT while it waits for a netlink answer: exit 130, the listing is still printed" {
	start_delayed 'netlink:VDPA_CMD_DEV_GET=1500' list --json
	kill -INT "$PID"
	finish 130
	assert_interrupted_doc 130 SIGINT
	assert_jq '[.devices[].name]' '["blk0","net0"]'
	run tail -1 "$LOG"
	assert_output --regexp '^exit open_fds=0 tracked_open=0( |$)'
}
