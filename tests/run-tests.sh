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
# start), BATS_TEST_TIMEOUT (seconds per test, default 300), LAYER_TIMEOUT and PACKAGE_TIMEOUT
# (seconds per layer, default 1500 and 1800). The valgrind layer (tests/valgrind/run.sh:
# memcheck, leaks and descriptors over the CLI commands x scenarios; about 3.5 minutes on 2 cores)
# runs only when named: LAYERS=valgrind.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
: "${VDPACTL:=$top/vdpactl}" "${OBJDIR:=build/cc-san0}" "${SAN:=0}"
: "${LAYERS:=unit fake fuzz cli package real}"
export VDPACTL SAN
out=$(mktemp -d "${TMPDIR:-/tmp}/vdpactl-tests.XXXXXX")
real_pid="" real_wd="" layer_pid="" layer_wd=""
# an interrupted run also stops the running layer, the background real-kernel layer and their
# watchdogs (each its own process group)
stop_all() {
	local g
	for g in $layer_pid $layer_wd $real_pid $real_wd; do
		kill -- -"$g" 2>/dev/null
	done
	rm -rf "$out"
}
trap stop_all EXIT
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
	if [[ -s $out/$name.hung ]]; then
		echo "not ok - layer '$name' timed out (the limit: $(layer_limit "$name") s); the tests it had finished:"
		grep -E '^(ok|not ok) ' "$out/$name.tap" | tail -10 | sed 's/^/#   /'
		sed 's/^/#   /' "$out/$name.hung"
		f=$((f + 1))
	elif ((rc != 0 && f == 0)); then
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

# Time limits, so that a hang is a failure that names what hung instead of a run that never
# ends: BATS_TEST_TIMEOUT (bats-core's own) per test, and a watchdog per layer (seconds; the
# slowest layer takes about 6 minutes under the sanitizers with the real layer beside it).
export BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-300}"
layer_limit() {
	case $1 in
	package) echo "${PACKAGE_TIMEOUT:-1800}" ;;
	*) echo "${LAYER_TIMEOUT:-1500}" ;;
	esac
}

# watch NAME PID: a watchdog for the layer running as process group PID. At the layer's limit it
# saves the group's processes (what hung) in $out/NAME.hung, then TERMs and KILLs the group.
# Sets wd to the watchdog's pid (its own process group, ended by unwatch).
watch() {
	local name=$1 pid=$2 limit
	limit=$(layer_limit "$name")
	set -m
	(
		set +m
		sleep "$limit"
		{
			echo "layer '$name' still running after ${limit}s; its processes (group, pid, seconds, state, command):"
			ps -eo pgid=,pid=,etimes=,stat=,args= | awk -v g="$pid" '$1 == g' | cut -c1-300
		} >"$out/$name.hung"
		kill -TERM -- -"$pid" 2>/dev/null
		sleep 10
		kill -KILL -- -"$pid" 2>/dev/null
	) </dev/null >/dev/null 2>&1 &
	wd=$!
	set +m
}

unwatch() {
	kill -- -"$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# layer NAME COMMAND...: run (its own process group, under a watchdog), save TAP, report
layer() {
	local name=$1 rc=0 pid wd
	shift
	echo "== $name"
	set -m
	"$@" >"$out/$name.tap" 2>"$out/$name.err" &
	pid=$!
	set +m
	watch "$name" "$pid"
	layer_pid=$pid layer_wd=$wd
	wait "$pid" || rc=$?
	unwatch "$wd"
	layer_pid="" layer_wd=""
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

# The real layer: both guests, then their tests in three bats processes (tests/vm/real-layer.sh)
real_layer() {
	tests/vm/real-layer.sh
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
	watch real "$real_pid"
	real_wd=$wd
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
			unwatch "$real_wd"
			real_pid="" real_wd=""
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
