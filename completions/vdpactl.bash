# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for vdpactl. Device names come from /dev and /sys/bus/vdpa (never opens a device).
_vdpactl()
{
	local cur prev words cword
	_init_completion -s || return

	local commands="list show probe check metrics features"
	local global_opts="--json --pretty --quiet --verbose --color= --help --version -j -p -q -v -h -V"
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
	--timeout) return ;;
	--from) COMPREPLY=($(compgen -W "list show probe" -- "$cur")); return ;;
	--output) _filedir; return ;;
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
		# complete the last name of a comma-separated list
		local list=${cur#--require=} head=""
		[[ $list == *,* ]] && head=${list%,*},
		COMPREPLY=($(compgen -P "$head" -W "$backend" -- "${list##*,}"))
		compopt -o nospace 2>/dev/null
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
			[[ $cmd == check ]] && extra+=" --require= --probe --datapath --datapath= --timeout="
			[[ $cmd == probe ]] && extra+=" --datapath --datapath= --timeout="
			COMPREPLY=($(compgen -W "$extra $global_opts" -- "$cur"))
		else
			# node paths and vdpa device names: globbed, never opened
			devs=$(compgen -G '/dev/vhost-vdpa-*' 2>/dev/null)
			local names
			names=$(compgen -G '/sys/bus/vdpa/devices/*' 2>/dev/null)
			COMPREPLY=($(compgen -W "$devs ${devs//\/dev\//} ${names//\/sys\/bus\/vdpa\/devices\//}" -- "$cur"))
		fi
		;;
	list)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
		;;
	metrics)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "--from= --output= --quiet --verbose --help -q -v -h" -- "$cur"))
		;;
	features)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "backend transport net block status net_status" -- "$cur"))
		fi
		;;
	esac
	[[ ${COMPREPLY-} == *= ]] && compopt -o nospace 2>/dev/null
} && complete -F _vdpactl vdpactl
