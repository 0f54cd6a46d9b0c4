#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A sample of tests/bench/signal-torture.sh: 16 randomized SIGINT/SIGTERM runs under the fake
# kernel, each compared with the same command run without a signal. A new seed every time; it is
# printed (TAP comment, and in the failure message) so that a failure can be replayed with
#   SEED=N tests/bench/signal-torture.sh --sample 16
load helpers

@test "signal torture (sample of 16 runs): no verdict that was not established" {
	slow_test "16 torture runs"
	local seed=${SEED:-$((RANDOM * 32768 + RANDOM))}
	echo "# signal-torture seed $seed (replay: SEED=$seed tests/bench/signal-torture.sh --sample 16)" >&3
	SEED=$seed VDPACTL=$VDPACTL FAKE_LIB=$FAKE_LIB run --separate-stderr \
		"$TESTS_DIR/bench/signal-torture.sh" --sample 16
	(( status == 0 )) || fail "seed $seed: exit $status; replay: SEED=$seed tests/bench/signal-torture.sh --sample 16
$output
$stderr"
	assert_line --regexp "^signal-torture: 16 runs, 0 violations \\(seed $seed\\)\$"
}
