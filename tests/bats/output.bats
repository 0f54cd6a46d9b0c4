#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# A sample of tests/bench/output-torture.sh: 12 randomized runs of vdpactl's output paths under
# the fake kernel (concurrent runs, stdout on /dev/full, a reader that goes away), each compared
# with the same command run alone. A new seed every time; it is printed (TAP comment, and in the
# failure message) so that a failure can be replayed with
#   SEED=N tests/bench/output-torture.sh --sample 12
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
