# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for vdpactl. Device names come from /dev and /sys/bus/vdpa (never opens a device):
# the vhost-vdpa nodes and the vdpa devices that have one. Table columns come from
# 'vdpactl COMMAND --help', the list the binary itself accepts.

# _vdpactl_columns COMMAND: the column names of the command's table
_vdpactl_columns()
{
	"${1:-vdpactl}" "$2" --help 2>/dev/null | sed -n '/^Columns/,/^$/s/^ .\([A-Z][A-Z-]*\) .*/\1/p'
}

# _vdpactl_list PREFIX WORDS CUR: complete the last item of a comma-separated list
_vdpactl_list()
{
	local list=$3 head=""
	[[ $list == *,* ]] && head=${list%,*},
	[[ -z $head && $list == +* ]] && head=+ list=${list#+}
	COMPREPLY=($(compgen -P "$1$head" -W "$2" -- "${list##*,}"))
	compopt -o nospace 2>/dev/null
}

_vdpactl()
{
	local cur prev words cword
	_init_completion -s || return

	local commands="list show probe check metrics features"
	local global_opts="--json --pretty --quiet --verbose --color= --help --version -j -p -q -v -h -V"
	local table_opts="--output= --noheadings --raw -o -n -r"
	local backend="iotlb_msg_v2 iotlb_batch iotlb_asid suspend resume enable_after_driver_ok desc_asid iotlb_persist"
	local cmd="" w
	for w in "${words[@]:1:cword-1}"; do
		case $w in
		list | show | probe | check | metrics | features) cmd=$w; break ;;
		esac
	done

	case $prev in
	--color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
	# --datapath takes its value only as --datapath=MODE (optional argument): after
	# "--datapath " the next word is a device again
	--datapath) $split && { COMPREPLY=($(compgen -W "auto force off" -- "$cur")); return; } ;;
	--timeout | --jobs) return ;;
	--from) COMPREPLY=($(compgen -W "list show probe" -- "$cur")); return ;;
	--output | -o)
		if [[ $cmd == metrics ]]; then
			_filedir
		else
			_vdpactl_list "" "$(_vdpactl_columns "${words[0]}" "$cmd")" "$cur"
		fi
		return
		;;
	--require) cur="--require=$cur" ;;
	esac
	case $cur in
	--datapath=*)
		COMPREPLY=($(compgen -W "auto force off" -- "${cur#--datapath=}"))
		return
		;;
	--color=*)
		COMPREPLY=($(compgen -W "auto always never" -- "${cur#--color=}"))
		return
		;;
	--from=*)
		COMPREPLY=($(compgen -W "list show probe" -- "${cur#--from=}"))
		return
		;;
	--require=*)
		_vdpactl_list "" "$backend" "${cur#--require=}"
		return
		;;
	--output=*)
		if [[ $cmd == metrics ]]; then
			cur=${cur#--output=}
			_filedir
		else
			_vdpactl_list "" "$(_vdpactl_columns "${words[0]}" "$cmd")" "${cur#--output=}"
		fi
		return
		;;
	esac

	local devs
	case $cmd in
	"")
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		;;
	show | probe | check)
		if [[ $cur == -* ]]; then
			local extra="--all -a"
			[[ $cmd == check ]] && extra+=" --require= --probe --datapath --datapath= --timeout= --jobs= $table_opts"
			[[ $cmd == probe ]] && extra+=" --datapath --datapath= --timeout= --jobs="
			COMPREPLY=($(compgen -W "$extra $global_opts" -- "$cur"))
		else
			# node paths, and the names of the vdpa devices that have a node: globbed,
			# never opened
			local names="" n
			devs=$(compgen -G '/dev/vhost-vdpa-*' 2>/dev/null)
			for n in $(compgen -G '/sys/bus/vdpa/devices/*/vhost-vdpa-*' 2>/dev/null); do
				n=${n%/vhost-vdpa-*}
				names+=" ${n##*/}"
			done
			COMPREPLY=($(compgen -W "$devs ${devs//\/dev\//} $names" -- "$cur"))
		fi
		;;
	list)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "$table_opts $global_opts" -- "$cur"))
		;;
	metrics)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "--from= --output= --quiet --verbose --help -o -q -v -h" -- "$cur"))
		;;
	features)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$table_opts $global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "backend transport net block status net_status" -- "$cur"))
		fi
		;;
	esac
	[[ ${COMPREPLY-} == *= ]] && compopt -o nospace 2>/dev/null
} && complete -F _vdpactl vdpactl
