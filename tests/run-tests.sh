#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test layer, keep each layer's TAP output, and end with one line
# "N passed, N failed, N skipped". Exit status: 0 only if nothing failed.
#
# Environment: VDPACTL (binary under test), OBJDIR (unit test binaries), SAN=1 (sanitizers),
# LAYERS (space-separated subset of: unit fake cli real; default all).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
: "${VDPACTL:=$top/vdpactl}" "${OBJDIR:=build/cc-san0}" "${SAN:=0}"
: "${LAYERS:=unit fake cli real}"
export VDPACTL SAN
out=$(mktemp -d "${TMPDIR:-/tmp}/vdpactl-tests.XXXXXX")
trap 'rm -rf "$out"' EXIT

if [[ $SAN == 1 ]]; then
	# The fake kernel is preloaded after the sanitizer runtime: allow that order.
	export ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:halt_on_error=1:abort_on_error=0"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
	export LSAN_OPTIONS="exitcode=23"
fi

passed=0 failed=0 skipped=0
# layer NAME COMMAND...: run, save TAP, count; a non-zero exit with no "not ok" is a failure too
layer() {
	local name=$1 rc p f s
	shift
	echo "== $name"
	"$@" >"$out/$name.tap" 2>"$out/$name.err"
	rc=$?
	p=$(grep -cE '^ok [0-9]+' "$out/$name.tap" | head -1)
	s=$(grep -cE '^ok [0-9]+.*# ?(skip|SKIP)' "$out/$name.tap" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$out/$name.tap" | head -1)
	p=$((p - s))
	grep -E '^(not ok|#)' "$out/$name.tap" | grep -vE '^# (skip|SKIP)' | head -60
	if ((rc != 0 && f == 0)); then
		echo "not ok - layer '$name' exited $rc without a failing test:"
		tail -20 "$out/$name.err"
		f=1
	fi
	if ((f > 0)) && [[ -s $out/$name.err ]]; then
		echo "# stderr of '$name' (last lines):"
		tail -15 "$out/$name.err" | sed 's/^/#   /'
	fi
	echo "   $name: $p passed, $f failed, $s skipped"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

unit_layer() {
	local t rc=0
	for t in "$OBJDIR"/unit/test_*; do
		echo "# $(basename "$t")"
		"$t" || rc=1
	done
	return $rc
}

for l in $LAYERS; do
	case $l in
	unit) layer unit unit_layer ;;
	fake) layer fake env LD_PRELOAD="$top/tests/fake/libfakevdpa.so" tests/fake/selftest tests/fake/scenarios ;;
	cli)
		# the fake-kernel files are independent: run them in parallel when GNU parallel is there
		jobs=()
		command -v parallel >/dev/null && jobs=(--jobs 4)
		layer cli bats --tap "${jobs[@]}" $(ls tests/bats/*.bats | grep -v /real_)
		;;
	real) layer real bats --tap tests/bats/real_*.bats ;;
	*) echo "unknown layer $l" >&2; exit 2 ;;
	esac
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
