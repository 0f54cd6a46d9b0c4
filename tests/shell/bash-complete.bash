#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bash-complete.bash LINE: the completions bash offers when TAB is pressed after LINE, one per
# line. bash-completion is loaded as an interactive shell loads it, and finds vdpactl's completion
# itself (__load_completion searches $XDG_DATA_DIRS, default /usr/local/share:/usr/share); the
# line is split into words as readline splits it (COMP_WORDBREAKS: '=' is a word of its own).
set -u
line=$1
# shellcheck source=/dev/null
. /usr/share/bash-completion/bash_completion
COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9 COMP_KEY=9
COMP_WORDS=()
for w in $line; do
	while [[ $w == *=* ]]; do
		COMP_WORDS+=("${w%%=*}" "=")
		w=${w#*=}
	done
	[[ -n $w ]] && COMP_WORDS+=("$w")
done
[[ $line == *' ' || $line == *= ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
__load_completion "${COMP_WORDS[0]}" || { echo "no completion for ${COMP_WORDS[0]}" >&2; exit 1; }
spec=$(complete -p "${COMP_WORDS[0]}") || exit 1
func=${spec#*-F }
func=${func%% *}
COMPREPLY=()
"$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
printf '%s\n' "${COMPREPLY[@]}" | sort
