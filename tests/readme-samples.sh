#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# README's sample output is what vdpactl printed on the real test kernels, never typed by hand.
#
# Usage: tests/readme-samples.sh check|update README RESULTS
#
# A sample in README is a marker line and the fenced block after it:
#     <!-- real-output KERNEL NAME -->
#     ```console
#     $ COMMAND
#     OUTPUT
#     ```
# NAME is a command of the real-kernel layer (tests/bats/real_vm.bash, real_vm_commands) and
# RESULTS the directory that layer wrote (VM_OUT): KERNEL/N.stdout for the Nth command.
# check: exit 1 naming every sample that differs from what the kernel printed; update: rewrite
# the samples from RESULTS (make readme-samples).
set -euo pipefail
mode=${1:?usage: readme-samples.sh check|update README RESULTS} readme=${2:?} results=${3:?}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bats/real_vm.bash
. "$here/bats/real_vm.bash"

# sample KERNEL NAME: the block's text as it must read
sample() {
	local n cmd
	n=$(grep -nx "$2" "$results/names" | cut -d: -f1) || { echo "no command named $2" >&2; return 1; }
	cmd=$(real_vm_commands | awk -F'\t' -v n="$2" '$1 == n { print $2 }')
	[[ -s $results/$1/$n.stdout ]] || { echo "no output of $2 on $1 in $results" >&2; return 1; }
	printf '$ %s\n' "$cmd"
	cat "$results/$1/$n.stdout"
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
stale=0 found=0
while IFS= read -r line; do
	printf '%s\n' "$line" >>"$out"
	if [[ $line =~ ^'<!-- real-output '([0-9.]+)' '([a-z_]+)' -->'$ ]]; then
		k=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]}
		found=$((found + 1))
		IFS= read -r fence && printf '%s\n' "$fence" >>"$out"
		want=$(sample "$k" "$name")
		got=""
		while IFS= read -r line && [[ $line != '```' ]]; do got+=$line$'\n'; done
		if [[ "${got%$'\n'}" != "$want" ]]; then
			stale=$((stale + 1))
			[[ $mode == check ]] && { echo "README sample '$name' on $k differs from the kernel's:"; diff <(printf '%s\n' "$want") <(printf '%s' "$got") | head -20; }
		fi
		printf '%s\n```\n' "$want" >>"$out"
	fi
done <"$readme"
((found)) || { echo "no <!-- real-output ... --> sample in $readme" >&2; exit 1; }
case $mode in
check)
	((stale == 0)) || { echo "$stale stale sample(s): make readme-samples rewrites them" >&2; exit 1; }
	;;
update)
	cp "$out" "$readme"
	echo "$found sample(s), $stale rewritten"
	;;
esac
