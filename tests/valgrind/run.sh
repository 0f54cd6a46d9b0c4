#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/valgrind/run.sh - vdpactl under valgrind's memcheck, with the fake kernel preloaded:
# no memory error, no definite or indirect leak, and no descriptor left open at exit, over the
# commands x scenarios of the CLI tests and a few error paths (170 cases: about 3.5 minutes on
# 2 cores; valgrind's start-up alone costs about 1 s of CPU per process).
#
#   tests/valgrind/run.sh [-j JOBS] [--list] [-v] [REGEX]
#   LAYERS=valgrind tests/run-tests.sh                     (as a layer of the test suite)
#
# Each case runs the binary twice: once natively (for its exit status) and once as
#   valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect \
#            --track-fds=yes --error-exitcode=99 --log-file=LOG vdpactl ARGS
# with FAKE_VDPA_SCENARIO and LD_PRELOAD=libfakevdpa.so in the environment (valgrind passes
# LD_PRELOAD on to the program, after its own preloads). A case fails when
#   - valgrind exits 99 (a memory error or a definite/indirect leak): the error summary and the
#     first errors of the log are printed as TAP diagnostics;
#   - valgrind's "FILE DESCRIPTORS" report names a descriptor other than 0, 1 and 2 that the
#     program opened (one with a stack trace, not "<inherited from parent>"). The program starts
#     with only 0, 1 and 2 open (the runner closes every other descriptor first); valgrind's own
#     descriptors (its log file ...) are never in the report;
#   - the exit status under valgrind differs from the native run's (so a case cannot pass by
#     failing early), or valgrind was killed by the time limit (600 s per case);
#   - an errno injection or netlink fault case whose fake log (FAKE_VDPA_LOG) shows no injected
#     error or fault: that error path was not taken.
# The commands (table COMMANDS) run on every scenario (table SCENARIOS), in text and JSON (metrics:
# text only; metrics -j is one of the usage errors);
# `features`, which reads nothing of the host, on two scenarios only.
# Test 1 checks that the fake kernel is active under valgrind (the JSON names the scenario's
# kernel release), test 2 that the descriptor check catches a leaked descriptor (a shell that
# opens one and exits).
#
# Output: TAP ("ok N - SCENARIO[ ENV]: ARGS"), then "N passed, N failed"; exit 1 if any failed.
#
# Options and environment:
#   -j, --jobs N   cases run in parallel (default: the number of CPUs)
#   --list         print the cases and exit
#   -v, --verbose  a TAP comment with the time of each case
#   REGEX          only the cases whose "SCENARIO ENV: ARGS" matches (bash ERE); tests 1-2 always run
#   VDPACTL        the binary (default ./vdpactl of this tree; copied first, so that a rebuild
#                  during the run cannot mix two binaries)
#   FAKE_LIB       the fake kernel (default tests/fake/libfakevdpa.so of this tree)
#   VALGRIND       the valgrind command (default valgrind)
#   KEEP=1         keep the work directory (every log and output) and print where it is
# A binary built with AddressSanitizer (make SAN=1) cannot run under valgrind: one skipped test.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vdpactl=${VDPACTL:-$root/vdpactl}
lib=${FAKE_LIB:-$root/tests/fake/libfakevdpa.so}
valgrind=${VALGRIND:-valgrind}
scen_dir=$root/tests/fake/scenarios
[[ $vdpactl == /* ]] || vdpactl=$PWD/$vdpactl
[[ $lib == /* ]] || lib=$PWD/$lib

usage() {
	sed -n '3,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

jobs=$(nproc 2>/dev/null || echo 2) list=0 verbose=0 filter=""
while (($#)); do
	case $1 in
	-j | --jobs) jobs=${2:-}; shift ;;
	--jobs=*) jobs=${1#*=} ;;
	--list) list=1 ;;
	-v | --verbose) verbose=1 ;;
	-h | --help) usage; exit 0 ;;
	-*) echo "valgrind/run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	*) filter=$1 ;;
	esac
	shift
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "valgrind/run.sh: bad --jobs '$jobs'" >&2; exit 2; }

# ---- the cases: "SCENARIO|ENV|ARGS" -----------------------------------------------------------
# ENV: space-separated VAR=VALUE words for the program; in ARGS, @TMP@ is the case's own
# directory for files.
SCENARIOS=(sim-6.12 sim-6.1 vp-6.12 mlx5-6.12 liar-6.12 old-5.15 mixed-6.12 busy no-module empty)
COMMANDS=(
	"list" "list -j"
	"show --all" "show --all -j"
	"probe --all --timeout 0.3" "probe --all --timeout 0.3 -j"
	"probe --all --datapath=off --timeout 0.3" "probe --all --datapath=off --timeout 0.3 -j"
	"check" "check -j"
	"check --probe --timeout 0.3" "check --probe --timeout 0.3 -j"
	"metrics" "metrics --from=show"
)
CASES=()
for s in "${SCENARIOS[@]}"; do
	for c in "${COMMANDS[@]}"; do CASES+=("$s||$c"); done
done
CASES+=(
	# features reads no device, sysfs or netlink: two scenarios are enough
	"sim-6.12||features" "sim-6.12||features -j" "no-module||features" "no-module||features -j"
	# the data path (eventfds, memfd, rings): the VM's measured scenario runs the devices
	"realvm-6.12||probe --all --timeout 1 -j"
	"realvm-6.1||check --probe --timeout 1"
	# metrics written to a file (atomic rename), and to a directory that does not exist
	"sim-6.12||metrics --from=show --output=@TMP@/vdpactl.prom"
	"sim-6.12||metrics --output=@TMP@/no/such/dir/vdpactl.prom"
	# errno injection at kernel calls
	"sim-6.12|FAKE_VDPA_INJECT=open:/dev/vhost-vdpa-0=EBUSY|show --all -j"
	"sim-6.12|FAKE_VDPA_INJECT=open:/dev/vhost-vdpa-1=EACCES|check --probe --timeout 0.3"
	"sim-6.12|FAKE_VDPA_INJECT=ioctl:VHOST_GET_FEATURES=EIO|show --all"
	"sim-6.12|FAKE_VDPA_INJECT=ioctl:VHOST_VDPA_GET_CONFIG=EINVAL|show --all -j"
	"sim-6.12|FAKE_VDPA_INJECT=ioctl:VHOST_SET_BACKEND_FEATURES=EOPNOTSUPP|probe --all --timeout 0.3 -j"
	# (a counted fault names its device, #0: the devices are evaluated at once, and a count over
	# the whole process would pick a different device's call under valgrind)
	"sim-6.12|FAKE_VDPA_INJECT=ioctl:VHOST_VDPA_SET_STATUS@2#0=EIO|probe --all --timeout 0.3"
	"mlx5-6.12|FAKE_VDPA_INJECT=write:IOTLB_UPDATE@3#0=EFAULT|probe --all --timeout 0.3 -j"
	"vp-6.12|FAKE_VDPA_INJECT=ioctl:VHOST_SET_OWNER=EIO|check --probe --timeout 0.3 -j"
	"sim-6.12|FAKE_VDPA_INJECT=netlink:VDPA_CMD_DEV_GET=EPERM|list -j"
	"sim-6.12|FAKE_VDPA_INJECT=netlink:VDPA_CMD_DEV_CONFIG_GET@1=EIO;netlink:VDPA_CMD_DEV_CONFIG_GET@2=EIO|list -j"
	"vp-6.12|FAKE_VDPA_INJECT=ioctl:VHOST_GET_BACKEND_FEATURES=EIO|metrics --from=show"
	"sim-6.12|FAKE_VDPA_INJECT=uname=EFAULT|list"
	"sim-6.12|FAKE_VDPA_NL_FAULT=truncated:dev|list -j"
	"sim-6.12|FAKE_VDPA_NL_FAULT=no_name:config@1|list -j"
	"realvm-6.1||list -j"
	"sim-6.12||show -j /dev/vhost-vdpa-0 blk0 /tmp/no-such-node"
	"sim-6.12|FAKE_VDPA_NL_FAULT=attr_overrun:*|list"
	# bad DEV
	"sim-6.12||show /dev/vhost-vdpa-7"
	"sim-6.12||show nosuchdev -j"
	"sim-6.12||probe /etc/hostname --timeout 0.3"
	"sim-6.12||check /dev/null -j"
	# usage errors
	"sim-6.12||show --bogus"
	"sim-6.12||probe --all --timeout=abc -j"
	"sim-6.12||metrics -j"
	"sim-6.12||"
)

label() { # CASE -> "SCENARIO[ ENV]: ARGS"
	local s e a
	IFS='|' read -r s e a <<<"$1"
	echo "$s${e:+ $e}: ${a:-(no arguments)}"
}

if ((list)); then
	for c in "${CASES[@]}"; do label "$c"; done
	exit 0
fi

[[ -x $vdpactl ]] || { echo "valgrind/run.sh: $vdpactl: not built (make)" >&2; exit 2; }
[[ -f $lib ]] || { echo "valgrind/run.sh: $lib: not built (make tests/fake/libfakevdpa.so)" >&2; exit 2; }
command -v "$valgrind" >/dev/null || { echo "valgrind/run.sh: $valgrind: not installed (apt-get install valgrind)" >&2; exit 2; }
command -v jq >/dev/null || { echo "valgrind/run.sh: jq is needed" >&2; exit 2; }

if grep -qaE '__asan_init|__ubsan_handle_' "$vdpactl"; then
	echo "1..1"
	echo "ok 1 - valgrind # skip $vdpactl is built with sanitizers (SAN=1): valgrind cannot run it"
	echo "0 passed, 0 failed"
	exit 0
fi

selected=()
for c in "${CASES[@]}"; do
	[[ -z $filter || $(label "$c") =~ $filter ]] && selected+=("$c")
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vdpactl-valgrind.XXXXXX") || exit 2
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -- "$p" 2>/dev/null; done
	if [[ ${KEEP:-0} == 1 ]]; then
		echo "# valgrind/run.sh: work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
bin=$work/vdpactl
cp "$vdpactl" "$bin" || exit 2

# shellcheck disable=SC2054 # the commas are valgrind's
VG_OPTS=(--tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect
	--track-fds=yes --error-exitcode=99 --num-callers=30)

# closefds: close every descriptor above 2 of this (sub)shell, so that the program inherits
# only 0, 1 and 2
closefds() {
	local f
	for f in /proc/"$BASHPID"/fd/*; do
		f=${f##*/}
		[[ $f =~ ^[0-9]+$ ]] && ((f > 2)) && eval "exec $f>&-" 2>/dev/null
	done
	return 0
}

# fd_leaks LOG: one line per descriptor above 2 that the program left open ("fd N: what, where
# it was opened"), from valgrind's FILE DESCRIPTORS report
fd_leaks() {
	awk '
	function flush() {
		if (fd != "" && fd > 2 && !inherited) print "fd " fd ": " what (where != "" ? ", opened" where : "")
		fd = ""; what = ""; where = ""; inherited = 0; frames = 0
	}
	{ sub(/^==[0-9]+== ?/, "") }
	/^Open (file descriptor|socket|AF_[A-Z0-9]+ socket|pf-[0-9]+ socket) [0-9]+:/ {
		flush()
		fd = $0; sub(/:.*/, "", fd); sub(/.* /, "", fd)
		what = $0; sub(/^Open /, "", what)
		next
	}
	fd != "" && /<inherited from parent>/ { inherited = 1; next }
	fd != "" && /^ +(at|by) 0x/ {
		if (frames++ < 4) { f = $0; sub(/^ +(at|by) 0x[0-9A-Fa-f]+: /, "", f); where = where " " (frames == 1 ? "at " : "< ") f }
		next
	}
	fd != "" && /^ *$/ { flush() }
	END { flush() }
	' "$1"
}

# vg_summary LOG: the error summary and the first errors of a failing log (TAP comments)
vg_summary() {
	grep -E '^==[0-9]+== ERROR SUMMARY' "$1" | tail -1 | sed 's/^==[0-9]*== /#   /'
	# the log after the banner, without the heap/fd boilerplate
	sed -E 's/^==[0-9]+== ?//' "$1" | awk '
		/^Command: / { body = 1; next }
		!body { next }
		/^(HEAP SUMMARY|LEAK SUMMARY|FILE DESCRIPTORS|For lists of|ERROR SUMMARY|Reachable blocks|To see them|Rerun with)/ { skip = 1 }
		/^ *$/ { skip = 0; if (n && last != "") { print ""; n++ } last = ""; next }
		!skip && n < 60 { print; last = $0; n++ }
	' | sed 's/^/#   /'
}

# run_case N CASE: results in $work/N.res (first line "ok"/"not ok", then TAP comments)
run_case() {
	local n=$1 scen envs args dir=$work/$1 rc_native rc_vg t0 t1 leaks msgs=()
	IFS='|' read -r scen envs args <<<"$2"
	mkdir -p "$dir/tmp"
	args=${args//@TMP@/$dir/tmp}
	local -a argv envv
	read -ra argv <<<"$args"
	read -ra envv <<<"$envs"
	local base=(TMPDIR="$dir/tmp" FAKE_VDPA_SCENARIO="$scen_dir/$scen.json" LD_PRELOAD="$lib" "${envv[@]}")
	(
		closefds
		cd "$dir" && exec timeout -s KILL 120 env "${base[@]}" "$bin" "${argv[@]}"
	) </dev/null >"$dir/native.out" 2>"$dir/native.err"
	rc_native=$?
	rm -rf "$dir/tmp" && mkdir -p "$dir/tmp"
	t0=${EPOCHREALTIME/./}
	(
		closefds
		cd "$dir" && exec timeout -s KILL 600 env "${base[@]}" FAKE_VDPA_LOG="$dir/fake.log" \
			"$valgrind" "${VG_OPTS[@]}" \
			--log-file="$dir/vg.log" "$bin" "${argv[@]}"
	) </dev/null >"$dir/vg.out" 2>"$dir/vg.err"
	rc_vg=$?
	t1=${EPOCHREALTIME/./}
	{
		if ((rc_vg == 137)); then
			msgs+=("killed after 600 s under valgrind")
		elif [[ ! -s $dir/vg.log ]] || ! grep -q 'ERROR SUMMARY' "$dir/vg.log"; then
			msgs+=("valgrind did not finish (exit $rc_vg): $(tail -3 "$dir/vg.err" "$dir/vg.log" 2>/dev/null | tr '\n' ' ')")
		else
			((rc_vg == 99)) && msgs+=("memcheck errors (valgrind exit 99)")
			leaks=$(fd_leaks "$dir/vg.log")
			[[ -n $leaks ]] && msgs+=("descriptors left open at exit:")
			((rc_vg != 99 && rc_vg != rc_native)) &&
				msgs+=("exit $rc_vg under valgrind, $rc_native without")
			# an error path that was not taken proves nothing
			[[ $envs == *FAKE_VDPA_INJECT=* || $envs == *FAKE_VDPA_NL_FAULT=* ]] &&
				! grep -qE 'injected|fault [a-z_]+\)' "$dir/fake.log" "$dir/vg.out" "$dir/vg.err" 2>/dev/null &&
				msgs+=("the fake's log shows no injected error or netlink fault: the error path was not taken")
		fi
		if ((${#msgs[@]})); then
			echo "not ok"
			printf '# %s\n' "${msgs[@]}"
			[[ -n ${leaks:-} ]] && printf '#   %s\n' "${leaks//$'\n'/$'\n'#   }"
			((rc_vg == 99)) && vg_summary "$dir/vg.log"
			echo "#   replay: (cd $(printf %q "$root") && ${envs:+$envs }FAKE_VDPA_SCENARIO=tests/fake/scenarios/$scen.json LD_PRELOAD=\$PWD/tests/fake/libfakevdpa.so valgrind ${VG_OPTS[*]} ./vdpactl $args)"
		else
			echo "ok"
		fi
		((verbose)) && echo "# $(((t1 - t0) / 1000)) ms under valgrind, exit $rc_vg"
	} >"$dir.res.tmp"
	mv "$dir.res.tmp" "$dir.res"
	[[ ${KEEP:-0} == 1 ]] || rm -rf "$dir"
}

total=$((${#selected[@]} + 2))
echo "1..$total"
t_start=${EPOCHREALTIME/./}
passed=0 failed=0

# test 1: the fake kernel is active under valgrind
d=$work/sanity
mkdir -p "$d/tmp"
(
	closefds
	exec env TMPDIR="$d/tmp" FAKE_VDPA_SCENARIO="$scen_dir/vp-6.1.json" LD_PRELOAD="$lib" \
		FAKE_VDPA_LOG="$d/fake.log" "$valgrind" -q --log-file="$d/vg.log" "$bin" list -j
) </dev/null >"$d/out" 2>"$d/err"
rc=$?
got=$(jq -r '[.host.kernel_release, (.devices | map(.name) | join(","))] | join(" ")' "$d/out" 2>/dev/null)
if ((rc == 0)) && [[ $got == "6.1.192 vpblk0,vpnet0" || $got == "6.1.192 vpnet0,vpblk0" ]] &&
	grep -q '^exit ' "$d/fake.log" 2>/dev/null; then
	echo "ok 1 - valgrind with LD_PRELOAD: vdpactl sees the fake kernel (vp-6.1: $got)"
	passed=$((passed + 1))
else
	echo "not ok 1 - valgrind with LD_PRELOAD: vdpactl sees the fake kernel"
	echo "# exit $rc, kernel and devices '$got' (want 6.1.192 vpnet0,vpblk0), fake log: $(tail -1 "$d/fake.log" 2>/dev/null)"
	sed 's/^/#   /' "$d/err" "$d/vg.log" | head -20
	failed=$((failed + 1))
fi

# test 2: the descriptor check sees a descriptor the program opened and left open (and only it)
# shellcheck disable=SC2016 # $0 is the inner shell's
(
	closefds
	exec "$valgrind" --track-fds=yes --log-file="$d/self.log" /bin/sh -c 'exec 7</dev/null; exec 8<"$0"; :' /etc/hostname
) </dev/null >/dev/null 2>&1
got=$(fd_leaks "$d/self.log" | cut -d: -f1 | sort | tr '\n' ' ')
if [[ $got == "fd 7 fd 8 " ]]; then
	echo "ok 2 - the descriptor check finds descriptors left open (self-test: $got)"
	passed=$((passed + 1))
else
	echo "not ok 2 - the descriptor check finds descriptors left open (self-test)"
	echo "# found '$got', want 'fd 7 fd 8 '"
	sed 's/^/#   /' "$d/self.log" | head -30
	failed=$((failed + 1))
fi

# the cases, JOBS at a time; results printed in order as they come
next_print=0 running=0
print_ready() {
	local n res
	while ((next_print < ${#selected[@]})) && [[ -f $work/$next_print.res ]]; do
		n=$((next_print + 3))
		res=$(<"$work/$next_print.res")
		if [[ ${res%%$'\n'*} == ok ]]; then
			passed=$((passed + 1))
			echo "ok $n - $(label "${selected[next_print]}")"
		else
			failed=$((failed + 1))
			echo "not ok $n - $(label "${selected[next_print]}")"
		fi
		[[ $res == *$'\n'* ]] && printf '%s\n' "${res#*$'\n'}"
		next_print=$((next_print + 1))
	done
}
for ((i = 0; i < ${#selected[@]}; i++)); do
	if ((running >= jobs)); then
		wait -n
		running=$((running - 1))
		print_ready
	fi
	run_case "$i" "${selected[i]}" &
	pids+=($!)
	running=$((running + 1))
done
wait
pids=()
print_ready

secs=$(((${EPOCHREALTIME/./} - t_start) / 1000000))
echo "# valgrind: ${#selected[@]} cases + 2 checks, $jobs jobs, ${secs} s"
echo "$passed passed, $failed failed"
((failed == 0))
