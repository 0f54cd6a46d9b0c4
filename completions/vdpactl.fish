# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for vdpactl. Device names come from /dev (never opens a device).
set -l commands list show probe check features
complete -c vdpactl -f
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a list -d 'every vDPA device, its mgmtdev, parent driver and node'
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a show -d 'report features, status, limits and config of devices'
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a probe -d 'map/reset/verify probe and a verdict'
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a check -d 'verdict for scripts, by exit code'
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a features -d 'catalogue of known feature bits'
complete -c vdpactl -s j -l json -d 'one JSON document on stdout'
complete -c vdpactl -s p -l pretty -d 'indented JSON (implies --json)'
complete -c vdpactl -s q -l quiet -d 'no text on stdout, no hints'
complete -c vdpactl -s v -l verbose -d 'more detail'
complete -c vdpactl -l color -x -a 'auto always never' -d 'colour'
complete -c vdpactl -s h -l help -d 'show help'
complete -c vdpactl -s V -l version -d 'print the version'
complete -c vdpactl -n "__fish_seen_subcommand_from show probe check" -s a -l all -d 'every vhost-vdpa device'
complete -c vdpactl -n "__fish_seen_subcommand_from probe check" -l datapath -f -a 'auto force off' -d 'device-DMA verification (check: with --probe)'
complete -c vdpactl -n "__fish_seen_subcommand_from probe check" -l timeout -x -d 'seconds per data-path round trip (check: with --probe)'
complete -c vdpactl -n "__fish_seen_subcommand_from check" -l probe -d 'run the control-plane probe first'
complete -c vdpactl -n "__fish_seen_subcommand_from check" -l require -x -a 'iotlb_msg_v2 iotlb_batch iotlb_asid suspend resume enable_after_driver_ok desc_asid iotlb_persist' -d 'backend features required on top of a trusted verdict'
complete -c vdpactl -n "__fish_seen_subcommand_from show probe check" -a '(string replace /dev/ "" /dev/vhost-vdpa-* 2>/dev/null; ls /dev/vhost-vdpa-* 2>/dev/null; string replace /sys/bus/vdpa/devices/ "" /sys/bus/vdpa/devices/* 2>/dev/null)'
complete -c vdpactl -n "__fish_seen_subcommand_from features" -a 'backend transport net block status net_status'
