#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/run.sh replay|fuzz NAME... - what `make fuzz-replay` and `make fuzz` run.
#
#   replay   build/fuzz/fuzz_NAME on every file of tests/fuzz/corpus/NAME, once each
#   fuzz     build/fuzz/fuzz_NAME for FUZZ_SECONDS (or FUZZ_RUNS executions), reading
#            the corpus and writing new inputs to build/fuzz/scratch/NAME only
# One TAP line per harness; the exit status is 1 if any harness failed (a crash, a sanitizer
# report, an invariant, a leak) and its log under build/fuzz/ says which input.
# Environment: FUZZ_OUT (build/fuzz), FUZZ_CORPUS (tests/fuzz/corpus), FUZZ_SECONDS (60),
# FUZZ_RUNS (empty: by time), FUZZ_FLAGS (more libFuzzer flags; not -jobs/-fork, whose
# workers log elsewhere: run two `make fuzz FUZZ_HARNESSES=...` side by side instead).
set -u
mode=${1:-}
shift || true
out=${FUZZ_OUT:-build/fuzz}
corpus=${FUZZ_CORPUS:-tests/fuzz/corpus}
case $mode in replay | fuzz) ;; *)
	echo "usage: $0 replay|fuzz NAME..." >&2
	exit 2
	;;
esac
[[ $# -gt 0 ]] || { echo "$0: no harness named" >&2; exit 2; }

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "1..$#"
n=0 failed=0
for h in "$@"; do
	n=$((n + 1))
	bin=$out/fuzz_$h dir=$corpus/$h log=$out/$mode-$h.log
	if [[ ! -x $bin || ! -d $dir ]]; then
		echo "not ok $n $h: missing $bin or $dir"
		failed=$((failed + 1))
		continue
	fi
	t0=$(now)
	if [[ $mode == replay ]]; then
		mapfile -t files < <(find "$dir" -type f ! -name '.*' | LC_ALL=C sort)
		: >"$log"
		rc=0
		# a few hundred files fit one command line; chunks keep it safe anyway
		for ((i = 0; i < ${#files[@]}; i += 500)); do
			"$bin" "${files[@]:i:500}" >>"$log" 2>&1 || { rc=$?; break; }
		done
		ran=$(grep -c '^Executed ' "$log")
		t1=$(now)
		if [[ $rc -eq 0 && $ran -eq ${#files[@]} && ${#files[@]} -gt 0 ]]; then
			echo "ok $n $h: ${#files[@]} inputs ($(secs "$t0" "$t1") s)"
		else
			bad=$(grep '^Running: ' "$log" | tail -1 | sed 's/^Running: //')
			echo "not ok $n $h: $ran of ${#files[@]} inputs ran, exit $rc; last input ${bad:-?}; see $log"
			failed=$((failed + 1))
		fi
	else
		scratch=$out/scratch/$h art=$out/artifacts/$h
		mkdir -p "$scratch" "$art"
		if [[ -n ${FUZZ_RUNS:-} ]]; then
			limit=(-runs="$FUZZ_RUNS")
		else
			limit=(-max_total_time="${FUZZ_SECONDS:-60}")
		fi
		before=$(find "$scratch" -type f | wc -l)
		# shellcheck disable=SC2086
		"$bin" -print_final_stats=1 -timeout=10 -artifact_prefix="$art/" "${limit[@]}" \
			${FUZZ_FLAGS:-} "$scratch" "$dir" >"$log" 2>&1
		rc=$?
		t1=$(now)
		execs=$(awk '/^stat::number_of_executed_units:/ { s += $2 } END { print s + 0 }' "$log")
		rate=$(awk '/^stat::average_exec_per_sec:/ { s += $2 } END { print s + 0 }' "$log")
		after=$(find "$scratch" -type f | wc -l)
		if [[ $rc -eq 0 ]]; then
			echo "ok $n $h: $execs executions in $(secs "$t0" "$t1") s ($rate exec/s), $((after - before)) new inputs in $scratch"
		else
			crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
			echo "not ok $n $h: exit $rc after $execs executions; reproducer ${crash:-none}; see $log"
			failed=$((failed + 1))
		fi
	fi
done
echo "$((n - failed)) passed, $failed failed"
exit $((failed > 0))
