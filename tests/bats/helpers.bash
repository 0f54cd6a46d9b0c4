# SPDX-License-Identifier: GPL-2.0-or-later
# Shared setup for the bats layers: the binary under test, the fake kernel, JSON checks.
bats_require_minimum_version 1.5.0
load assert_libs
load table

TESTS_DIR=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
VDPACTL=${VDPACTL:-$TESTS_DIR/../vdpactl}
FAKE_LIB=$TESTS_DIR/fake/libfakevdpa.so
SCENARIOS=$TESTS_DIR/fake/scenarios

# vdpactl under the fake kernel: fake SCENARIO ARGS...
# FAKE_VDPA_INJECT and FAKE_VDPA_LOG pass through from the caller's environment.
fake() {
	local scenario=$1
	shift
	FAKE_VDPA_SCENARIO=$SCENARIOS/$scenario.json LD_PRELOAD=$FAKE_LIB "$VDPACTL" "$@"
}

# The JSON document in $output must be valid against the schema.
assert_schema() {
	local msg
	msg=$(/usr/bin/python3 "$TESTS_DIR/validate-json.py" - 2>&1 <<<"$output") ||
		fail "schema violation: $msg"
}

# In a loop, one validator run per document would cost a Python start-up (and the jsonschema
# import, about 0.2 s) each time: schema_add LABEL keeps $output, and schema_check validates every
# kept document in one run and fails naming each invalid one by its label.
SCHEMA_N=0
schema_add() {
	local dir=$BATS_TEST_TMPDIR/schema
	mkdir -p "$dir"
	SCHEMA_N=$((SCHEMA_N + 1))
	printf '%s\n' "$output" >"$dir/$(printf %04d "$SCHEMA_N")-${1//[^A-Za-z0-9_.@=+-]/_}.json"
}

schema_check() {
	local dir=$BATS_TEST_TMPDIR/schema msg
	[[ $SCHEMA_N -gt 0 ]] || fail "schema_check: no document was added"
	msg=$(cd "$dir" && /usr/bin/python3 "$TESTS_DIR/validate-json.py" ./*.json 2>&1) ||
		fail "schema violation: $msg"
	rm -rf "$dir"
	SCHEMA_N=0
}

# jqo FILTER: evaluate a jq filter on $output (stdout of the last run), compact output
jqo() {
	jq -c "$@" <<<"$output"
}

# assert_jq FILTER EXPECTED: the jq result on $output must be exactly EXPECTED
assert_jq() {
	local got
	got=$(jq -c "$1" <<<"$output") || fail "jq failed on: $output"
	[[ $got == "$2" ]] || fail "jq '$1': got '$got', want '$2'"
}

# need_tool COMMAND PACKAGE: a test that needs COMMAND fails without it under make check (every
# dependency is installed there: make deps), and is skipped, naming the package, under make
# check-quick (QUICK=1), which packagers run with the build dependencies only.
need_tool() {
	command -v "$1" >/dev/null && return 0
	[[ ${QUICK:-0} == 1 ]] && skip "$1 not installed (Debian package $2)"
	fail "$1 is not installed (Debian package $2; make deps installs it)"
}

# slow_test WHY: make check runs this test; make check-quick (QUICK=1), which must stay under a
# minute for the edit-compile-test loop and dh_auto_test, skips it and says why
slow_test() {
	[[ ${QUICK:-0} == 1 ]] && skip "slow: $1 (make check runs it)"
	return 0
}
