# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for vdpactl. Device names come from /dev (never opens a device).
_vdpactl()
{
	local cur prev words cword
	_init_completion -s || return

	local commands="show features"
	local global_opts="--json --pretty --quiet --verbose --color= --help --version -j -p -q -v -h -V"
	local cmd="" w
	for w in "${words[@]:1:cword-1}"; do
		case $w in
		show | features) cmd=$w; break ;;
		esac
	done

	case $prev in
	--color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
	esac
	if [[ $cur == --color=* ]]; then
		COMPREPLY=($(compgen -W "auto always never" -- "${cur#--color=}"))
		return
	fi

	case $cmd in
	"")
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		;;
	show)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--all -a $global_opts" -- "$cur"))
		else
			local devs
			devs=$(compgen -G '/dev/vhost-vdpa-*' 2>/dev/null)
			COMPREPLY=($(compgen -W "$devs ${devs//\/dev\//}" -- "$cur"))
		fi
		;;
	features)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "backend transport net block status net_status" -- "$cur"))
		fi
		;;
	esac
	[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
} && complete -F _vdpactl vdpactl
