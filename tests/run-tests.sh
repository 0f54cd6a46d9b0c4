#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test layer, keep each layer's TAP output, and end with one line
# "N passed, N failed, N skipped". Exit status: 0 only if nothing failed.
#
# Environment: VDPACTL (binary under test), OBJDIR (unit test binaries), SAN=1 (sanitizers),
# LAYERS (space-separated subset of: unit fake fuzz cli package real valgrind; default: unit fake
# fuzz cli package real; make check-quick: unit fake cli),
# QUICK=1 (make check-quick: a test whose tool is missing is skipped, not failed),
# REAL_BACKGROUND=0 (run the real-kernel layer in its turn instead of in the background from the
# start). The valgrind layer (tests/valgrind/run.sh: memcheck, leaks and descriptors over the CLI
# commands x scenarios; about 3.5 minutes on 2 cores) runs only when named: LAYERS=valgrind.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
: "${VDPACTL:=$top/vdpactl}" "${OBJDIR:=build/cc-san0}" "${SAN:=0}"
: "${LAYERS:=unit fake fuzz cli package real}"
export VDPACTL SAN
out=$(mktemp -d "${TMPDIR:-/tmp}/vdpactl-tests.XXXXXX")
real_pid=""
# an interrupted run also stops the background real-kernel layer (its own process group)
trap '[[ -z $real_pid ]] || kill -- -"$real_pid" 2>/dev/null; rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $SAN == 1 ]]; then
	# The fake kernel is preloaded after the sanitizer runtime: allow that order.
	export ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:halt_on_error=1:abort_on_error=0"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
	export LSAN_OPTIONS="exitcode=23"
fi

passed=0 failed=0 skipped=0
# report NAME RC: count the layer's saved TAP, show its failures, add to the totals; a non-zero
# exit with no "not ok" is a failure too
report() {
	local name=$1 rc=$2 p f s
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
	echo "   $name: $p passed, $f failed, $s skipped (at ${SECONDS}s)"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# layer NAME COMMAND...: run, save TAP, report
layer() {
	local name=$1 rc=0
	shift
	echo "== $name"
	"$@" >"$out/$name.tap" 2>"$out/$name.err" || rc=$?
	report "$name" "$rc"
}

unit_layer() {
	local t rc=0
	for t in "$OBJDIR"/unit/test_*; do
		echo "# $(basename "$t")"
		"$t" || rc=1
	done
	return $rc
}

# bats --jobs N when GNU parallel is there (files, and tests within a file, run in parallel)
bats_jobs=()
command -v parallel >/dev/null && bats_jobs=(--jobs 4)
# check-quick's short tests: parallel across files only (bats' per-test parallel machinery costs
# more CPU than these tests on 2 cores: measured 50 s against 79 s with --jobs 4)
[[ ${QUICK:-0} == 1 && ${#bats_jobs[@]} -gt 0 ]] && bats_jobs=(--jobs 2 --no-parallelize-within-files)

real_layer() {
	bats --tap "${bats_jobs[@]}" tests/bats/real_*.bats
}

# The real-kernel layer spends most of its time waiting for two QEMU guests: with other layers
# to run, it starts first, in the background, and is reported in its place when it ends.
if [[ " $LAYERS " == *" real "* && $(wc -w <<<"$LAYERS") -gt 1 && ${REAL_BACKGROUND:-1} == 1 ]]; then
	set -m
	(
		rc=0
		real_layer >"$out/real.tap" 2>"$out/real.err" || rc=$?
		echo "$rc" >"$out/real.rc"
	) &
	real_pid=$!
	set +m
fi

for l in $LAYERS; do
	case $l in
	unit) layer unit unit_layer ;;
	fake) layer fake env LD_PRELOAD="$top/tests/fake/libfakevdpa.so" tests/fake/selftest tests/fake/scenarios ;;
	cli)
		# the fake-kernel files are independent of each other
		layer cli bats --tap "${bats_jobs[@]}" $(ls tests/bats/*.bats | grep -vE '/(real_|package)')
		;;
	# builds the tarball and the .deb (dpkg-buildpackage runs make check-quick): about 2 minutes
	package) layer package bats --tap tests/bats/package.bats ;;
	valgrind) layer valgrind tests/valgrind/run.sh ;;
	# replay of the fuzz corpora (regression inputs included), no fuzzing: seconds after a
	# clang build of the harnesses
	fuzz) layer fuzz make -s --no-print-directory -C "$top" fuzz-replay ;;
	real)
		if [[ -n $real_pid ]]; then
			echo "== real (started in the background at the beginning)"
			wait "$real_pid"
			real_pid=""
			report real "$(cat "$out/real.rc" 2>/dev/null || echo 1)"
		else
			layer real real_layer
		fi
		;;
	*) echo "unknown layer $l" >&2; exit 2 ;;
	esac
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
