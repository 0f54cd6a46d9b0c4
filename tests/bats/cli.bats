#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Command line: help, version, usage errors, the features catalogue, JSON on failure.
load helpers

@test "--help lists every command, option and exit code" {
	run -0 "$VDPACTL" --help
	for w in show features --all --json --pretty --quiet --verbose --color= --help --version; do
		assert_output --partial "$w"
	done
	for code in 0 1 2 3 4 5 6 10 11 12 130 143; do
		assert_line --regexp "^ +$code  "
	done
}

@test "COMMAND --help shows the command's own help and exits 0" {
	run -0 "$VDPACTL" show --help
	assert_line --index 0 "Usage: vdpactl [OPTIONS] show DEV... | --all"
	assert_output --partial "opening a vhost-vdpa device resets it"
	run -0 "$VDPACTL" features --help
	assert_line --index 0 "Usage: vdpactl [OPTIONS] features [NAMESPACE...] [-o COLS] [-n] [-r]"
	refute_line --partial -- "-a, --all"
}

@test "--version prints the version" {
	run -0 "$VDPACTL" --version
	assert_output --regexp '^vdpactl [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "no command: usage error, exit 2, the try-help line" {
	run -2 --separate-stderr "$VDPACTL"
	assert_equal "$output" ""
	assert_equal "$stderr" "vdpactl: no command given
Try 'vdpactl --help' for more information."
}

@test "unknown command and unknown option: exit 2 with one error line each" {
	run -2 --separate-stderr "$VDPACTL" frobnicate
	assert_equal "$stderr" "vdpactl: frobnicate: unknown command (commands: list, show, probe, check, metrics, features)
Try 'vdpactl --help' for more information."
	run -2 --separate-stderr "$VDPACTL" show --bogus
	assert_equal "$stderr" "vdpactl: unrecognized option '--bogus'
Try 'vdpactl --help' for more information."
	run -2 --separate-stderr "$VDPACTL" show -Z
	assert_equal "$stderr" "vdpactl: invalid option '-Z'
Try 'vdpactl --help' for more information."
	run -2 --separate-stderr "$VDPACTL" --color=sometimes features
	assert_equal "$stderr" "vdpactl: --color: invalid value 'sometimes': use auto, always or never
Try 'vdpactl --help' for more information."
}

@test "usage errors still produce one valid JSON document with --json" {
	slow_test "every usage error"
	run -2 --separate-stderr "$VDPACTL" --json frobnicate
	assert_schema
	assert_jq '.exit_code' '2'
	assert_jq '.command' 'null'
	assert_jq '.complete' 'false'
	assert_jq '[.errors[].code]' '["usage"]'
	run -2 --separate-stderr "$VDPACTL" show --json
	assert_schema
	assert_jq '.command' '"show"'
	assert_jq '.errors[0].message' '"no device given: name DEV (/dev/vhost-vdpa-N or vhost-vdpa-N) or use --all"'
	run -2 --separate-stderr "$VDPACTL" show --all /dev/vhost-vdpa-0 --json
	assert_schema
	assert_jq '.errors[0].message' '"give either DEV arguments or --all, not both"'
	run -2 --separate-stderr "$VDPACTL" features --all -j
	assert_schema
	assert_jq '.errors[0].message' '"the features command does not take --all"'
}

@test "features: the catalogue has IOTLB_PERSIST as backend bit 8 since 6.7" {
	run -0 --separate-stderr "$VDPACTL" features
	assert_line --regexp '^backend +8 IOTLB_PERSIST +6\.7 +IOTLB mappings survive a device reset'
	assert_line --regexp '^net +1 GUEST_CSUM '
	assert_line --regexp '^block +1 SIZE_MAX '
	assert_line --regexp '^transport +33 ACCESS_PLATFORM '
	assert_equal "$stderr" ""
}

@test "features --json: every entry valid, exact values for known bits" {
	run -0 --separate-stderr "$VDPACTL" features --json
	assert_schema
	assert_jq '.command' '"features"'
	assert_jq '.complete' 'true'
	assert_jq '.devices' '[]'
	assert_jq '[.features[] | select(.namespace=="backend") | .bit]' '[1,2,3,4,5,6,7,8]'
	assert_jq '.features[] | select(.name=="IOTLB_PERSIST") | [.bit,.mask,.since_kernel]' '[8,"0x0000000000000100","6.7"]'
	assert_jq '[.features[] | select(.namespace=="block" and .bit==1) | .name]' '["SIZE_MAX"]'
	assert_jq '[.features[] | select(.namespace=="net" and .bit==1) | .name]' '["GUEST_CSUM"]'
	assert_jq '[.features[].namespace] | unique' '["backend","block","net","net_status","status","transport"]'
}

@test "features NAMESPACE filters; an unknown namespace is a usage error" {
	run -0 "$VDPACTL" features backend --json
	assert_jq '[.features[].namespace] | unique' '["backend"]'
	assert_jq '.features | length' '8'
	run -0 "$VDPACTL" features BLOCK net --json
	assert_jq '[.features[].namespace] | unique' '["block","net"]'
	run -2 --separate-stderr "$VDPACTL" features gpu
	assert_equal "$stderr" "vdpactl: gpu: unknown namespace: use backend, transport, net, block, status or net_status
Try 'vdpactl --help' for more information."
}

@test "--pretty indents and implies --json; -q prints nothing on stdout" {
	run -0 "$VDPACTL" features --pretty
	assert_line --index 0 "{"
	assert_line --index 1 '  "schema_version": 2,'
	run -0 --separate-stderr "$VDPACTL" -q features
	assert_equal "$output" ""
}

@test "output is the same on a TTY and a pipe apart from colour" {
	command -v script >/dev/null || skip "script(1) not installed"
	run -0 script -qec "$VDPACTL --color=never features" /dev/null
	tty_out=$(tr -d '\r' <<<"$output")
	run -0 "$VDPACTL" features
	assert_equal "$tty_out" "$output"
	run -0 "$VDPACTL" --color=always features
	assert_output --partial $'\033[1m'
}
