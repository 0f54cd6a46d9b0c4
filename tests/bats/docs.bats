#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --help, the man page and the completions stay in step.
load helpers

TOP=$BATS_TEST_DIRNAME/../..
# the man page as built (make: build/vdpactl.8, its version and paths filled in)
MANPAGE=${MANPAGE:-$TOP/build/vdpactl.8}

long_options() {
	"$VDPACTL" --help | sed -n '/^Options:/,/^$/p' | grep -oE -- '--[a-z][a-z-]*' | sort -u
}

commands() {
	# a long synopsis puts the summary on a continuation line (deeper indent): not a command
	"$VDPACTL" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && /^  [a-z]/ {print $1}'
}

@test "the help lists the commands list, show, probe, check, metrics and features" {
	run -0 commands
	assert_output "list
show
probe
check
metrics
features"
}

@test "every long option in --help is in every completion and in the man page" {
	local opts
	opts=$(long_options)
	[[ -n $opts ]]
	for f in completions/vdpactl.bash completions/_vdpactl completions/vdpactl.fish; do
		for o in $opts; do
			case $f in
			*.fish) grep -qE -- "-l ${o#--}( |$)" "$TOP/$f" || fail "$f lacks $o" ;;
			*) grep -qF -- "$o" "$TOP/$f" || fail "$f lacks $o" ;;
			esac
		done
	done
	for o in $opts; do
		grep -qF -- "${o//-/\\-}" "$MANPAGE" || fail "man page lacks $o"
	done
}

@test "every command is in every completion and in the man page" {
	for c in $(commands); do
		grep -qE "^\s*local commands=\".*\b$c\b" "$TOP/completions/vdpactl.bash" ||
			fail "bash completion lacks command $c"
		grep -qE "[( ]$c\\\\:" "$TOP/completions/_vdpactl" || fail "zsh completion lacks command $c"
		grep -qE -- "-a $c -d" "$TOP/completions/vdpactl.fish" || fail "fish completion lacks command $c"
		grep -qE "^\.BR? $c" "$MANPAGE" || fail "man page lacks command $c"
	done
}

@test "the man page lists exactly the exit codes of --help and lints clean" {
	local help_codes man_codes
	help_codes=$("$VDPACTL" --help | sed -n '/^Exit status:/,/^$/p' | awk 'NR>1 && NF {print $1}' | tr '\n' ' ')
	man_codes=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MANPAGE" |
		grep -A1 '^\.TP' | grep '^\.B ' | sed 's/^\.B //; s/ ", " / /; s/"//g' | tr '\n' ' ')
	assert_equal "$man_codes" "$help_codes"
	run -0 --separate-stderr man --warnings -l "$MANPAGE"
	assert_equal "$stderr" ""
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS OUTPUT "JSON OUTPUT" "EXIT STATUS" \
		ENVIRONMENT FILES CAVEATS EXAMPLES "SEE ALSO"; do
		grep -qx ".SH $s" "$MANPAGE" || fail "man page lacks section $s"
	done
}

# complete WORDS...: run the bash completion function for a command line, print the candidates
bash_complete() {
	bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_vdpactl vdpactl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$TOP/completions/vdpactl.bash" "$@"
}

@test "bash completion completes commands, options, namespaces and colour values" {
	[[ -f /usr/share/bash-completion/bash_completion ]] || fail "bash-completion not installed"
	run -0 bash_complete vdpactl ""
	assert_output "list
show
probe
check
metrics
features"
	run -0 bash_complete vdpactl metrics --from=p
	assert_output "probe"
	run -0 bash_complete vdpactl metrics --ou
	assert_output "--output="
	run -0 bash_complete vdpactl check --re
	assert_output "--require="
	run -0 bash_complete vdpactl check --require=iotlb_p
	assert_output "iotlb_persist"
	run -0 bash_complete vdpactl check --require=suspend,re
	assert_output "suspend,resume"
	run -0 bash_complete vdpactl show --a
	assert_output "--all"
	run -0 bash_complete vdpactl features bl
	assert_output "block"
	run -0 bash_complete vdpactl --color=al
	assert_output "always"
	run -0 bash_complete vdpactl probe --datapath=f
	assert_output "force"
	run -0 bash_complete vdpactl check --probe --datapath=o
	assert_output "off"
	# the value is optional: after "--datapath " comes a device, not a mode
	run -0 bash_complete vdpactl probe --datapath f
	refute_output "force"
	run -0 bash_complete vdpactl probe --ti
	assert_output "--timeout="
}

@test "zsh and fish completions parse" {
	command -v zsh >/dev/null || fail "zsh not installed"
	command -v fish >/dev/null || fail "fish not installed"
	run -0 zsh -n "$TOP/completions/_vdpactl"
	run -0 fish --no-execute "$TOP/completions/vdpactl.fish"
}

@test "--help and every COMMAND --help fit in 80 columns" {
	local c
	for c in "" list show probe check metrics features; do
		run -0 "$VDPACTL" $c --help
		[[ ${#lines[@]} -gt 10 ]] || fail "vdpactl $c --help: too short"
		run awk 'length($0) > 80' <<<"$output"
		assert_output ''
	done
}

@test "the columns of --help are the columns -o accepts, and the man page lists each" {
	local c col
	for c in list check features; do
		run -0 "$VDPACTL" $c --help
		cols=$(sed -n '/^Columns/,/^$/s/^ .\([A-Z][A-Z-]*\) .*/\1/p' <<<"$output")
		[[ $(wc -l <<<"$cols") -ge 5 ]] || fail "$c: columns: $cols"
		for col in $cols; do
			grep -qE "^\.B $col\$" "$MANPAGE" || fail "man page lacks column $col of $c"
		done
		run -2 --separate-stderr "$VDPACTL" $c -o NOSUCHCOL
		[[ $stderr == *"use $(tr '\n' ',' <<<"$cols" | sed 's/,$//; s/,/, /g') (any case)"* ]] ||
			fail "$c: the error names other columns than --help: $stderr"
	done
}
