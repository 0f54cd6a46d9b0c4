# SPDX-License-Identifier: GPL-2.0-or-later
# bats-support and bats-assert without their load.bash: bats reads a test file again for every
# test, and each of those load.bash files finds its own directory with one `dirname` process per
# source file (16 process starts, about 0.13 s per test on 2 cores: 73 empty tests took 16 s with
# `load .../load`, 6.7 s this way). The files are the ones each library's load.bash names, in its
# order, read from load.bash itself.
assert_libs_source() {
	local dir=$1 line n=0
	while IFS= read -r line; do
		if [[ $line =~ ^source\ .*/(src/[A-Za-z0-9_]+\.bash)\"$ ]]; then
			# shellcheck disable=SC1090
			source "$dir/${BASH_REMATCH[1]}" || return 1
			n=$((n + 1))
		fi
	done <"$dir/load.bash"
	((n > 0)) || { echo "assert_libs.bash: no 'source .../src/*.bash' line in $dir/load.bash" >&2; return 1; }
}
assert_libs_source /usr/lib/bats/bats-support
assert_libs_source /usr/lib/bats/bats-assert
