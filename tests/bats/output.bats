#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A sample of tests/bench/output-torture.sh: 12 randomized runs of vdpactl's output paths under
# the fake kernel (concurrent runs, stdout on /dev/full, a reader that goes away), each compared
# with the same command run alone. A new seed every time; it is printed (TAP comment, and in the
# failure message) so that a failure can be replayed with
#   SEED=N tests/bench/output-torture.sh --sample 12
# And the JSON document printed one device at a time (src/output_json.c, put_streamed) against
# the same document printed whole.
load helpers

@test "output torture (sample of 12 runs): concurrent runs, /dev/full, closed pipes" {
	slow_test "12 torture runs"
	local seed=${SEED:-$((RANDOM * 32768 + RANDOM))}
	echo "# output-torture seed $seed (replay: SEED=$seed tests/bench/output-torture.sh --sample 12)" >&3
	SEED=$seed VDPACTL=$VDPACTL FAKE_LIB=$FAKE_LIB run --separate-stderr \
		"$TESTS_DIR/bench/output-torture.sh" --sample 12
	(( status == 0 )) || fail "seed $seed: exit $status; replay: SEED=$seed tests/bench/output-torture.sh --sample 12
$output
$stderr"
	assert_line --regexp "^output-torture: 12 runs, 0 violations \\(seed $seed\\)\$"
}

# the document without what differs between two runs (the clock, step timings)
untimed() { sed -E 's/"time": ?"[^"]*"//g; s/"duration_us": ?[0-9]+//g'; }

# streamed_is_whole CMD: for every scenario, plain and --pretty, the document CMD prints one
# device at a time is byte for byte the one json-c prints whole (one test per command: under
# AddressSanitizer on a loaded machine the five together outlast a test's time limit)
streamed_is_whole() {
	local cmd=$1 hooks=${VDPACTL_HOOKS:-$TESTS_DIR/../vdpactl-testhooks} scen name f whole n=0 want
	want=$(( $(ls "$SCENARIOS"/*.json | wc -l) * 2 ))
	for scen in "$SCENARIOS"/*.json; do
		name=$(basename "$scen" .json)
		for f in --json --pretty; do
			# shellcheck disable=SC2086 # the command is a word list
			whole=$(FAKE_VDPA_SCENARIO=$scen LD_PRELOAD=$FAKE_LIB VDPACTL_TEST_JSON_WHOLE=1 \
				"$hooks" $cmd $f 2>/dev/null | untimed) || true
			# shellcheck disable=SC2086
			run --separate-stderr env FAKE_VDPA_SCENARIO="$scen" LD_PRELOAD="$FAKE_LIB" "$hooks" $cmd $f
			[[ $(untimed <<<"$output") == "$whole" ]] ||
				fail "$name '$cmd $f': the streamed document differs from the whole one"
			n=$((n + 1))
		done
	done
	(( want == 38 && n == want )) || fail "compared $n documents of $want, want 38 (19 scenarios)"
}

@test "JSON printed one device at a time is json-c's whole document: show --all" {
	streamed_is_whole "show --all"
}

@test "JSON printed one device at a time is json-c's whole document: list" {
	streamed_is_whole list
}

@test "JSON printed one device at a time is json-c's whole document: probe --all --datapath=off" {
	streamed_is_whole "probe --all --datapath=off"
}

@test "JSON printed one device at a time is json-c's whole document: check" {
	streamed_is_whole check
}

@test "JSON printed one device at a time is json-c's whole document: features" {
	streamed_is_whole features
}

@test "JSON streaming: a hostname equal to the device placeholder changes nothing" {
	command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
	# (hostname(1) refuses the colon; the kernel takes it)
	local slot=vdpactl:device-slot
	run -0 --separate-stderr unshare --uts sh -c "printf %s '$slot' >/proc/sys/kernel/hostname && FAKE_VDPA_SCENARIO=$SCENARIOS/mixed-6.12.json LD_PRELOAD=$FAKE_LIB $VDPACTL show --all --json"
	assert_schema
	assert_jq '[.host.hostname, (.devices | length), [.devices[].name]]' '["vdpactl:device-slot",4,["net0","eni0","vduse0","sf0"]]'
}
