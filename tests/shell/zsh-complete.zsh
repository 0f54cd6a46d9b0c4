#!/bin/zsh -f
# SPDX-License-Identifier: GPL-2.0-or-later
# zsh-complete.zsh FPATH_DIR LINE: the completions an interactive zsh offers when TAB is pressed
# after LINE, sorted, one per line. zsh runs in a pseudo-terminal (zsh/zpty) with compinit and
# FPATH_DIR ("" for none) in front of its default $fpath; every match that reaches compadd is
# recorded, and a post-completion hook prints them instead of inserting one.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='' PROMPT='' RPROMPT=''; unsetopt zle_bracketed_paste 2>/dev/null; setopt nobeep"
zpty -w z "fpath=($1 \$fpath); fpath=(\${fpath:#}); autoload -Uz compinit; compinit -u -d ${TMPDIR:-/tmp}/zsh-complete.$$.zcompdump"
zpty -w z 'typeset -gA _cap_matches; compadd() { local -a _cap_a; builtin compadd -O _cap_a "$@"; local x; for x in $_cap_a; do _cap_matches[$x]=1; done; builtin compadd "$@" }'
zpty -w z 'comppostfuncs=(_cap_end); _cap_end() { compstate[insert]=""; compstate[list]=""; print -rl -- "" "<<""BEGIN>>" ${(ko)_cap_matches} "<<""END>>" }'
zpty -w z "bindkey '^I' complete-word"
# a deadline instead of a blocking read: a zsh that waits for input it never gets (a prompt of
# its own) fails the test instead of hanging it. 'zpty -r -t' returns whatever has arrived, which
# under load can be part of a line: the pieces are joined and only whole lines are looked at.
local chunk line pending='' out=() on=0 done=0 ready=0
integer deadline=$((SECONDS + ${ZPTY_TIMEOUT:-60}))
# next_line: the next whole line zsh printed, in $line, without carriage returns and CSI
# sequences; status 1 at the deadline
next_line() {
	while [[ $pending != *$'\n'* ]]; do
		((SECONDS < deadline)) || return 1
		if zpty -r -t z chunk; then
			pending+=$chunk
		else
			sleep 0.05
		fi
	done
	line=${pending%%$'\n'*}
	pending=${pending#*$'\n'}
	line=${line//$'\r'/}
	line=${line//$'\e'\[[0-9;?]#[a-zA-Z]/}
}
# the line and its TAB go only to a zsh that has run all of the above and is back at its
# prompt: typed ahead while compinit still runs, they could reach zle before it is set up
zpty -w z 'print -r -- "<<""READY>>"'
while next_line; do
	[[ $line == *'<<READY>>'* ]] && { ready=1; break }
done
((ready)) && zpty -w -n z "$2"$'\t'
while ((ready)) && next_line; do
	[[ $line == *'<<END>>'* ]] && { done=1; break }
	((on)) && [[ -n $line ]] && out+=("$line")
	[[ $line == *'<<BEGIN>>'* ]] && on=1
done
zpty -d z
rm -f ${TMPDIR:-/tmp}/zsh-complete.$$.zcompdump
if ((!ready)); then
	print -ru2 -- "zsh-complete: zsh was not ready for the line within ${ZPTY_TIMEOUT:-60} s"
	exit 1
fi
if ((!done)); then
	print -ru2 -- "zsh-complete: no end of the completion list within ${ZPTY_TIMEOUT:-60} s"
	exit 1
fi
print -rl -- $out
