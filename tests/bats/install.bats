#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# make install / uninstall: every file where bash, zsh, fish, man and systemd look by default, and
# the completions as the shells run them (TAB pressed: tests/shell/*-complete.*), with the fake
# kernel's /dev and /sys/bus/vdpa (mixed-6.12: four nodes; vnet1 and loose2 have none).
load helpers

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
SHELLS=$TOP/tests/shell

# complete SHELL LINE: what SHELL offers for LINE, one per line, sorted (environment: $INSTALL
# holds the installed tree, or "" for the real one; the fake kernel is preloaded)
complete_in() {
	local sh=$1 line=$2 root=${INSTALL:-}
	# Under SAN=1, LeakSanitizer's exit-time check of the `vdpactl COMMAND --help` that the
	# completion functions run for the columns hung in zsh's pseudo-terminal on a loaded machine
	# (its tracer asleep, vdpactl spinning while it waits for it; 1 run in 7 with three busy loops
	# beside it, none in 40 without the leak check): off for the shells here. The cli tests check
	# --help for leaks.
	local -a env=(PATH="$root/usr/local/sbin:$PATH" FAKE_VDPA_SCENARIO="$SCENARIOS/mixed-6.12.json"
		LD_PRELOAD="$FAKE_LIB" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
	case $sh in
	bash) env "${env[@]}" ${root:+XDG_DATA_DIRS="$root/usr/local/share"} bash "$SHELLS/bash-complete.bash" "$line" ;;
	zsh) env "${env[@]}" zsh -f "$SHELLS/zsh-complete.zsh" "${root:+$root/usr/local/share/zsh/site-functions}" "$line" ;;
	fish) env "${env[@]}" fish -c "${root:+set -p fish_complete_path $root/etc/fish/completions; }complete -C '$line' | string replace -r '\t.*' '' | sort" ;;
	esac
}

# completes SHELL LINE: complete_in under run; a failure names the shell, the line and what it
# printed on both outputs
completes() {
	run --separate-stderr complete_in "$1" "$2"
	((status == 0)) || fail "$1 completing '$2': exit $status; stdout: '$output'; stderr: '$stderr'"
}

# every shell gives the same answers: commands, device names (only those with a node), columns
# taken from the binary, backend feature names
assert_completions() {
	local sh
	for sh in bash zsh fish; do
		completes $sh 'vdpactl li'
		assert_output 'list'
		completes $sh 'vdpactl show '
		[[ $sh == zsh ]] && output=$(sort <<<"$output")
		assert_output "$(printf '%s\n' /dev/vhost-vdpa-{0,1,2,3} eni0 net0 sf0 vduse0 vhost-vdpa-{0,1,2,3} | sort)"
		completes $sh 'vdpactl check --require=iotlb_p'
		[[ $output == *iotlb_persist ]] || fail "$sh: --require: $output"
		completes $sh 'vdpactl list -o NAME,C'
		case $sh in
		zsh) assert_output $'CHAR-DEVICE\nCLASS' ;; # zsh completes the item after the comma
		*) assert_output $'NAME,CHAR-DEVICE\nNAME,CLASS' ;;
		esac
	done
}

@test "make install PREFIX=/usr/local DESTDIR: every file in its place; completions work in bash, zsh and fish" {
	slow_test "drives three shells through every completion"
	need_tool zsh zsh
	need_tool fish fish
	local d=$BATS_TEST_TMPDIR/root
	make -s -C "$TOP" install DESTDIR="$d" PREFIX=/usr/local >/dev/null
	run -0 bash -c "cd '$d' && find . -type f -printf '%m %p\n' | sort -k2"
	assert_output '644 ./etc/fish/completions/vdpactl.fish
644 ./usr/local/lib/systemd/system/vdpactl-metrics.service
644 ./usr/local/lib/systemd/system/vdpactl-metrics.timer
755 ./usr/local/sbin/vdpactl
644 ./usr/local/share/bash-completion/completions/vdpactl
755 ./usr/local/share/doc/vdpactl/examples/vdpactl.fact
644 ./usr/local/share/man/man8/vdpactl.8
644 ./usr/local/share/vdpactl/vdpactl.schema.json
644 ./usr/local/share/zsh/site-functions/_vdpactl'
	# each directory is one its program searches by default
	run -0 zsh -fc 'print -l $fpath'
	assert_line /usr/local/share/zsh/site-functions
	run -0 env -u XDG_DATA_DIRS fish -c 'printf "%s\n" $fish_complete_path'
	assert_line /etc/fish/completions
	grep -q 'XDG_DATA_DIRS:-/usr/local/share:/usr/share' /usr/share/bash-completion/bash_completion
	run -0 manpath -g
	[[ :$output: == *:/usr/local/share/man:* ]] || fail "manpath: $output"
	run -0 systemd-analyze unit-paths
	assert_line /usr/local/lib/systemd/system
	# the man page names this build's paths
	grep -qF '/usr/local/share/vdpactl/vdpactl.schema.json' "$d/usr/local/share/man/man8/vdpactl.8"
	run -0 env MANPATH="$d/usr/local/share/man" man -w vdpactl
	assert_output "$d/usr/local/share/man/man8/vdpactl.8"
	INSTALL=$d assert_completions
	# uninstall: nothing left, no directory it emptied (the prefix and /etc stay)
	make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/usr/local >/dev/null
	run -0 bash -c "cd '$d' && find . -mindepth 1 | sort"
	assert_output $'./etc\n./usr\n./usr/local'
}

@test "fish: no 'No matches for wildcard' on a host without vDPA devices; bash and zsh quiet too" {
	need_tool fish fish
	need_tool zsh zsh
	run -0 --separate-stderr fish -c "source '$TOP/completions/vdpactl.fish'; complete -C 'vdpactl show '"
	assert_equal "$stderr" ''
	run -0 --separate-stderr bash -c ". /usr/share/bash-completion/bash_completion; . '$TOP/completions/vdpactl.bash'; COMP_WORDS=(vdpactl show ''); COMP_CWORD=2; COMP_LINE='vdpactl show '; COMP_POINT=13; _vdpactl vdpactl '' show; echo \${#COMPREPLY[@]}"
	assert_output 0
	assert_equal "$stderr" ''
}

@test "a real make install into /usr/local and /etc/fish (private mount namespace): found by default" {
	slow_test "installs for real"
	[[ $(id -u) == 0 ]] || skip "needs root (a private mount namespace over /usr/local)"
	[[ ${QUICK:-0} != 1 ]] || skip "make check-quick: no root-only tests"
	# tmpfs over /usr/local and /etc/fish in a namespace of this test's own: the host is untouched
	run -0 unshare -m --propagation private bash -c "
		set -e
		mount -t tmpfs tmpfs /usr/local
		mkdir -p /etc/fish && mount -t tmpfs tmpfs /etc/fish
		touch /etc/fish/config.fish # as the fish package ships it
		make -s -C '$TOP' install PREFIX=/usr/local >/dev/null
		export PATH=/usr/local/sbin:\$PATH
		for sh in bash zsh fish; do
			case \$sh in
			bash) bash '$SHELLS/bash-complete.bash' 'vdpactl li' ;;
			zsh) zsh -f '$SHELLS/zsh-complete.zsh' '' 'vdpactl li' ;;
			fish) env -u XDG_DATA_DIRS fish -c \"complete -C 'vdpactl li' | string replace -r '\t.*' ''\" ;;
			esac
		done
		man -w vdpactl
		make -s -C '$TOP' uninstall PREFIX=/usr/local >/dev/null
		find /usr/local /etc/fish -mindepth 1
	"
	assert_output 'list
list
list
/usr/local/share/man/man8/vdpactl.8
/etc/fish/config.fish'
}
