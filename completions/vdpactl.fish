# SPDX-License-Identifier: GPL-2.0-or-later
# fish completion for vdpactl. Device names come from /dev and /sys/bus/vdpa (never opens a device):
# the vhost-vdpa nodes and the vdpa devices that have one. Table columns come from
# 'vdpactl COMMAND --help', the list the binary itself accepts.
set -l commands list show probe check metrics features

# a glob in 'set' that matches nothing is empty, not an error (no "No matches" on a bare host)
function __vdpactl_devices
    set -l nodes /dev/vhost-vdpa-*
    set -l bound /sys/bus/vdpa/devices/*/vhost-vdpa-*
    for n in $nodes
        echo $n
        string replace /dev/ '' -- $n
    end
    string replace -r '^/sys/bus/vdpa/devices/([^/]+)/.*$' '$1' -- $bound
end

# the columns of the table of the command on the line, as a comma-separated list
function __vdpactl_columns
    set -l cmd
    for w in (commandline -opc)
        contains -- $w list check features; and set cmd $w; and break
    end
    set -l cols (vdpactl $cmd --help 2>/dev/null | string replace -rf '^ .([A-Z][A-Z-]*) .*' '$1')
    set -l tok (commandline -ct | string replace -r '^(-o|--output=)' '')
    # the items before the last comma (or a leading +) stay; an empty list would empty $head$cols
    set -l head (string match -r '^.*,' -- $tok; or string match -r '^\+' -- $tok; or echo '')
    printf '%s\n' $head$cols
end
complete -c vdpactl -f
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a list -d 'every vDPA device, its mgmtdev, parent driver and node'
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a show -d 'report features, status, limits and config of devices'
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a probe -d 'map/reset/verify probe and a verdict'
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a check -d 'verdict for scripts, by exit code'
complete -c vdpactl -n "not __fish_seen_subcommand_from $commands" -a metrics -d 'Prometheus metrics for the node exporter textfile collector'
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
complete -c vdpactl -n "__fish_seen_subcommand_from probe check" -l jobs -x -d 'devices evaluated at once, 1-64 (check: with --probe)'
complete -c vdpactl -n "__fish_seen_subcommand_from check" -l probe -d 'run the control-plane probe first'
complete -c vdpactl -n "__fish_seen_subcommand_from check" -l require -x -a 'iotlb_msg_v2 iotlb_batch iotlb_asid suspend resume enable_after_driver_ok desc_asid iotlb_persist' -d 'backend features required on top of a trusted verdict'
complete -c vdpactl -n "__fish_seen_subcommand_from show probe check" -a '(__vdpactl_devices)'
complete -c vdpactl -n "__fish_seen_subcommand_from list check features" -s o -l output -x -a '(__vdpactl_columns)' -d 'table columns (+COLS adds)'
complete -c vdpactl -n "__fish_seen_subcommand_from list check features" -s n -l noheadings -d 'no header line'
complete -c vdpactl -n "__fish_seen_subcommand_from list check features" -s r -l raw -d 'raw table'
complete -c vdpactl -n "__fish_seen_subcommand_from metrics" -l from -x -a 'list show probe' -d 'where the verdicts come from'
complete -c vdpactl -n "__fish_seen_subcommand_from metrics" -s o -l output -r -F -d 'write the file atomically'
complete -c vdpactl -n "__fish_seen_subcommand_from features" -a 'backend transport net block status net_status'
