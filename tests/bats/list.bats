#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vdpactl list against the fake kernel's sysfs and vdpa netlink family (tests/fake): exact values
# on every scenario, devices without vhost-vdpa interface, devices without management device, a
# host without the netlink family, iproute2's vdpa under the same fake, malformed netlink
# replies, an unprivileged user, and a host with 1024 devices.
load helpers

# scenario name class mgmtdev parent-driver bound-driver char-device max-vqs max-vq-size
# (what the scenario files describe; "-" is null; names sorted)
expected_list() {
	cat <<'EOF'
backport-6.6 vdpa0   net    pci/0000:3b:00.2          mlx5_core         vhost_vdpa   /dev/vhost-vdpa-0  3  256
backport-6.6 vpnet0  net    pci/0000:00:01.0          vp-vdpa           vhost_vdpa   /dev/vhost-vdpa-1  3  256
busy         net0    net    vdpasim_net               -                 vhost_vdpa   /dev/vhost-vdpa-0  3  256
holders-6.12 blk0    block  vdpasim_blk               -                 vhost_vdpa   /dev/vhost-vdpa-1  1  256
holders-6.12 net0    net    vdpasim_net               -                 vhost_vdpa   /dev/vhost-vdpa-0  3  256
holders-6.12 net1    net    vdpasim_net               -                 vhost_vdpa   /dev/vhost-vdpa-2  3  256
liar-6.12    liar0   net    pci/0000:00:05.0          liar_vdpa         vhost_vdpa   /dev/vhost-vdpa-0  3  256
mixed-6.12   eni0    -      -                         alibaba-eni-vdpa  vhost_vdpa   /dev/vhost-vdpa-1  -  -
mixed-6.12   loose2  block  vdpasim_blk               -                 -            -                  1  256
mixed-6.12   net0    net    vdpasim_net               -                 vhost_vdpa   /dev/vhost-vdpa-0  3  256
mixed-6.12   sf0     net    auxiliary/mlx5_core.sf.2  mlx5_core.sf      vhost_vdpa   /dev/vhost-vdpa-3  3  256
mixed-6.12   vduse0  net    vduse                     -                 vhost_vdpa   /dev/vhost-vdpa-2  2  256
mixed-6.12   vnet1   net    vdpasim_net               -                 virtio_vdpa  -                  3  256
mlx5-6.12    vdpa0   net    pci/0000:3b:00.2          mlx5_core         vhost_vdpa   /dev/vhost-vdpa-0  3  256
mlx5-6.6     vdpa0   net    pci/0000:3b:00.2          mlx5_core         vhost_vdpa   /dev/vhost-vdpa-0  3  256
nonl-5.10    vdpa0   -      -                         -                 vhost_vdpa   /dev/vhost-vdpa-0  -  -
old-5.15     blk0    block  vdpasim_blk               -                 vhost_vdpa   /dev/vhost-vdpa-1  1  256
old-5.15     net0    net    vdpasim_net               -                 vhost_vdpa   /dev/vhost-vdpa-0  2  256
realvm-6.1   blk0    block  vdpasim_blk               -                 vhost_vdpa   /dev/vhost-vdpa-1  1  256
realvm-6.1   net0    net    vdpasim_net               -                 vhost_vdpa   /dev/vhost-vdpa-0  3  256
realvm-6.1   vpblk0  block  pci/0000:00:02.0          vp-vdpa           vhost_vdpa   /dev/vhost-vdpa-3  1  256
realvm-6.1   vpnet0  net    pci/0000:00:01.0          vp-vdpa           vhost_vdpa   /dev/vhost-vdpa-2  3  256
realvm-6.12  blk0    block  vdpasim_blk               -                 vhost_vdpa   /dev/vhost-vdpa-1  1  256
realvm-6.12  net0    net    vdpasim_net               -                 vhost_vdpa   /dev/vhost-vdpa-0  3  256
realvm-6.12  vpblk0  block  pci/0000:00:02.0          vp-vdpa           vhost_vdpa   /dev/vhost-vdpa-3  1  256
realvm-6.12  vpnet0  net    pci/0000:00:01.0          vp-vdpa           vhost_vdpa   /dev/vhost-vdpa-2  3  256
sim-6.1      blk0    block  vdpasim_blk               -                 vhost_vdpa   /dev/vhost-vdpa-1  1  256
sim-6.1      net0    net    vdpasim_net               -                 vhost_vdpa   /dev/vhost-vdpa-0  3  256
sim-6.12     blk0    block  vdpasim_blk               -                 vhost_vdpa   /dev/vhost-vdpa-1  1  256
sim-6.12     net0    net    vdpasim_net               -                 vhost_vdpa   /dev/vhost-vdpa-0  3  256
vduse-6.1    vblk0   block  vduse                     -                 vhost_vdpa   /dev/vhost-vdpa-0  1  256
vduse-6.12   vduse0  net    vduse                     -                 vhost_vdpa   /dev/vhost-vdpa-0  2  256
vp-6.1       vpblk0  block  pci/0000:00:02.0          vp-vdpa           vhost_vdpa   /dev/vhost-vdpa-1  1  256
vp-6.1       vpnet0  net    pci/0000:00:01.0          vp-vdpa           vhost_vdpa   /dev/vhost-vdpa-0  3  256
vp-6.12      vpblk0  block  pci/0000:00:02.0          vp-vdpa           vhost_vdpa   /dev/vhost-vdpa-1  1  256
vp-6.12      vpnet0  net    pci/0000:00:01.0          vp-vdpa           vhost_vdpa   /dev/vhost-vdpa-0  3  256
EOF
}

# one line per device of a list document, in the layout of expected_list
list_table() {
	jq -r --arg s "$1" '.devices[] | [$s, .name, .class // "-", .mgmtdev // "-",
		.parent.driver // "-", .bound_driver // "-", .char_device // "-",
		(.vdpa.max_vqs // "-" | tostring), (.vdpa.max_vq_size // "-" | tostring)] | join(" ")' \
		<<<"$output"
}

scenario_names() {
	local f
	for f in "$SCENARIOS"/*.json; do
		basename "$f" .json
	done
}

@test "list on every scenario: names sorted, class, mgmtdev, parent and bound driver, node, vqs, exactly" {
	slow_test "every scenario"
	local s want got
	for s in $(scenario_names); do
		run -0 --separate-stderr fake "$s" list --json
		schema_add "$s"
		assert_jq '[.command, .exit_code, .sources.sysfs]' '["list",0,true]'
		want=$(expected_list | awk -v s="$s" '$1 == s { $1 = $1; print }')
		got=$(list_table "$s")
		[[ $got == "$want" ]] || fail "$s: list gives
$got
the scenario says
$want"
		# sorted by name, one entry per vdpa device in /sys/bus/vdpa/devices
		assert_jq '[.devices[].name] == ([.devices[].name] | sort)' 'true'
		assert_jq '.summary.devices' "$(grep -c "^$s " < <(expected_list) || true)"
	done
	schema_check
}

# mixed-6.12's devices and their vhost-vdpa nodes ("-": none), sorted by name
MIXED_NODES='eni0 /dev/vhost-vdpa-1
loose2 -
net0 /dev/vhost-vdpa-0
sf0 /dev/vhost-vdpa-3
vduse0 /dev/vhost-vdpa-2
vnet1 -'

@test "list text: one aligned row per device; notes (the driver_override rebind hint) on stderr" {
	run -0 --separate-stderr fake mixed-6.12 list
	assert_line --index 0 --regexp '^NAME +CLASS +MGMTDEV +PARENT +BOUND +CHAR-DEVICE +MAX-VQS +MAX-VQ-SIZE +PREDICTED +HOLDER$'
	assert_row net0 net vdpasim_net - vhost_vdpa /dev/vhost-vdpa-0 3 256 trusted -
	assert_row vnet1 net vdpasim_net - virtio_vdpa - 3 256 trusted -
	assert_row loose2 block vdpasim_blk - - - 1 256 trusted -
	assert_row vduse0 net vduse - vhost_vdpa /dev/vhost-vdpa-2 2 256 untrusted -
	assert_equal "${#lines[@]}" 7
	assert_equal "$stderr" 'vdpactl: loose2: not bound to any driver: no vhost-vdpa interface; to use it: echo vhost_vdpa > /sys/bus/vdpa/devices/loose2/driver_override; echo loose2 > /sys/bus/vdpa/drivers_probe
vdpactl: vnet1: bound to virtio_vdpa: no vhost-vdpa interface; to use it through vhost-vdpa: echo vhost_vdpa > /sys/bus/vdpa/devices/vnet1/driver_override; echo vnet1 > /sys/bus/vdpa/drivers/virtio_vdpa/unbind; echo vnet1 > /sys/bus/vdpa/drivers_probe'
	# every column is one word: awk finds the node in field 6
	run -0 --separate-stderr bash -c "FAKE_VDPA_SCENARIO=$SCENARIOS/mixed-6.12.json LD_PRELOAD=$FAKE_LIB $VDPACTL list | awk 'NR > 1 {print \$1, \$6}'"
	assert_output "$MIXED_NODES"
	run -0 --separate-stderr fake mixed-6.12 list --quiet
	assert_output ''
	assert_equal "$stderr" ''
}

@test "list -o NAME,CHAR-DEVICE -n -r: exactly those columns, no header, one space; -o +COLS adds" {
	run -0 --separate-stderr fake mixed-6.12 list -o NAME,CHAR-DEVICE -n -r
	assert_output "$MIXED_NODES"
	# names in any case, --output= and the long options; + appends to the defaults
	run -0 --separate-stderr fake mixed-6.12 list --output=name,parent-dev --noheadings --raw
	assert_line --index 0 'eni0 pci:0000:00:07.0'
	assert_line --index 2 'net0 -'
	run -0 --separate-stderr fake mixed-6.12 list -o +REASON
	assert_line --index 0 --regexp '^NAME +CLASS +MGMTDEV +PARENT +BOUND +CHAR-DEVICE +MAX-VQS +MAX-VQ-SIZE +PREDICTED +HOLDER +REASON$'
	# a held node names its holder (the last default column: the fields before it stay put)
	run -0 --separate-stderr fake holders-6.12 list -o name,holder -r -n
	assert_output 'blk0 -
net0 4242\x20qemu-system-x86\x20(web1)
net1 5000\x20qemu-kvm\x20(db,1),\x205001\x20qemu-kvm\x20(db,1)'
	# an empty host: nothing on stdout (libsmartcols prints no header without rows, as lsblk),
	# and stderr says so
	run -0 --separate-stderr fake empty list -r
	assert_output ''
	assert_equal "$stderr" 'vdpactl: no vDPA devices'
	# usage errors: an unknown column (the valid ones named), -o/-n/-r with --json, or on show
	run -2 --separate-stderr fake mixed-6.12 list -o NAME,NODE
	assert_equal "$(head -1 <<<"$stderr")" "vdpactl: --output: unknown column 'NODE' for list: use NAME, CLASS, MGMTDEV, PARENT, PARENT-DEV, BOUND, CHAR-DEVICE, MAX-VQS, MAX-VQ-SIZE, PREDICTED, HOLDER, REASON (any case)"
	run -2 --separate-stderr fake mixed-6.12 list -o NAME,
	run -2 --separate-stderr fake mixed-6.12 list --json -n
	assert_jq '.errors[0] | [.op, .message]' '["--noheadings","it shapes text tables; the JSON document always holds every field"]'
	run -2 --separate-stderr fake mixed-6.12 show -r vhost-vdpa-0
	assert_equal "$(head -1 <<<"$stderr")" "vdpactl: --raw: the show command does not take this option (it belongs to list, check and features)"
	run -2 --separate-stderr fake mixed-6.12 probe -o NAME vhost-vdpa-0
	# -opretty is -o's argument, not --pretty: a text usage error
	run -2 --separate-stderr fake mixed-6.12 list -opretty
	assert_output ''
	[[ $stderr == "vdpactl: --output: unknown column 'pretty'"* ]] || fail "$stderr"
}

@test "check and features tables: -o, -n, -r; RESULT and MISSING with --require" {
	run -10 --separate-stderr fake mixed-6.12 check -n -r -o device,verdict,basis,exit
	assert_output '/dev/vhost-vdpa-0 trusted advertised 0
/dev/vhost-vdpa-1 trusted advertised 0
/dev/vhost-vdpa-2 untrusted advertised 10
/dev/vhost-vdpa-3 trusted advertised 0'
	run -10 --separate-stderr fake mixed-6.12 check --require suspend,iotlb_persist -r
	assert_line --index 0 'DEVICE RESULT MISSING VERDICT BASIS REASON'
	assert_line --index 2 --regexp '^/dev/vhost-vdpa-1 fail SUSPEND trusted advertised '
	assert_line --index 3 --regexp '^/dev/vhost-vdpa-2 fail SUSPEND,IOTLB_PERSIST untrusted advertised '
	run -0 --separate-stderr "$VDPACTL" features backend -n -r -o bit,name
	assert_line --index 7 '8 IOTLB_PERSIST'
	assert_equal "${#lines[@]}" 8
}

@test "list --json on a mixed host: parents, notes, driver_override, management devices, no-mgmtdev device" {
	slow_test "many documents"
	run -0 --separate-stderr fake mixed-6.12 list --json
	assert_schema
	assert_jq '[.complete, .sources]' '[true,{"sysfs":true,"netlink":true}]'
	assert_jq '[.devices[] | [.name, .parent]]' \
		'[["eni0",{"bus":"pci","bus_id":"0000:00:07.0","driver":"alibaba-eni-vdpa"}],["loose2",null],["net0",null],["sf0",{"bus":"auxiliary","bus_id":"mlx5_core.sf.2","driver":"mlx5_core.sf"}],["vduse0",{"bus":"vduse","bus_id":"vduse0","driver":null}],["vnet1",null]]'
	assert_jq '[.devices[] | select(.note != null) | .name]' '["loose2","vnet1"]'
	assert_jq '.devices[] | select(.name == "vnet1") | [.char_device, .bound_driver, (.note | test("driver_override"))]' '[null,"virtio_vdpa",true]'
	assert_jq '.devices[] | select(.name == "loose2") | [.bound_driver, .vdpa.driver_override]' '[null,"vhost_vdpa"]'
	# eni0 has no management device: sysfs knows it, netlink dumps skip it
	assert_jq '.devices[] | select(.name == "eni0") | [.char_device, .class, .mgmtdev, .vdpa.max_vqs, .bound_driver]' '["/dev/vhost-vdpa-1",null,null,null,"vhost_vdpa"]'
	assert_jq '[.mgmtdevs[] | [.name, .bus, .dev_name, .supported_classes, .max_vqs, .supported_features.raw]]' \
		'[["auxiliary/mlx5_core.sf.2","auxiliary","mlx5_core.sf.2",["net"],16,"0x0000000300cb982b"],["vdpasim_blk",null,"vdpasim_blk",["block"],0,"0x0000000000000000"],["vdpasim_net",null,"vdpasim_net",["net"],3,"0x0000000308830028"],["vduse",null,"vduse",["net","block"],0,"0x0000000000000000"]]'
	assert_jq '[.devices[] | select(.name == "net0") | .vdpa | .vendor_id, .min_vq_size, .netlink_config.mac, .netlink_config.mtu, .netlink_config.status.names]' '[0,1,"00:00:00:00:00:00",1500,["LINK_UP"]]'
	assert_jq '.devices[] | select(.name == "sf0") | [.vdpa.vendor_id, .char_device]' '[5555,"/dev/vhost-vdpa-3"]'
	# every feature mask is a mask object (raw, names decoded by class, unknown bits)
	assert_jq '.mgmtdevs[] | select(.name == "vdpasim_net") | .supported_features | [.raw, .names[0], .unknown_bits]' '["0x0000000308830028","MTU",[]]'
	assert_jq '[.devices[] | select(.name == "net0") | .vdpa.netlink_config | .device_features.raw, (.device_features.names | index("MAC") != null), (.negotiated_features | type)]' '["0x0000000308830028",true,"null"]'
}

@test "list --json: module parameters as the kernel's /sys/module shows them" {
	run -0 --separate-stderr fake realvm-6.1 list --json
	assert_jq '.module_parameters' '{"vhost_vdpa_max_iotlb_entries":2048,"vdpa_sim_use_va":null,"vdpa_sim_batch_mapping":true,"vdpa_sim_max_iotlb_entries":2048}'
	run -0 --separate-stderr fake realvm-6.12 list --json
	assert_jq '.module_parameters' '{"vhost_vdpa_max_iotlb_entries":2048,"vdpa_sim_use_va":true,"vdpa_sim_batch_mapping":true,"vdpa_sim_max_iotlb_entries":2048}'
	run -0 --separate-stderr fake vp-6.12 list --json
	assert_jq '.module_parameters' '{"vhost_vdpa_max_iotlb_entries":2048,"vdpa_sim_use_va":null,"vdpa_sim_batch_mapping":null,"vdpa_sim_max_iotlb_entries":null}'
	run -0 --separate-stderr fake no-module list --json
	assert_jq '[.devices, .module_parameters.vhost_vdpa_max_iotlb_entries]' '[[],null]'
}

@test "a host without the vdpa netlink family (5.10): exit 0, sysfs alone, sources.netlink false, one clear error" {
	run -0 --separate-stderr fake nonl-5.10 list --json
	assert_schema
	assert_jq '[.exit_code, .complete, .sources]' '[0,false,{"sysfs":true,"netlink":false}]'
	assert_jq '[.devices[] | [.name, .char_device, .bound_driver, .mgmtdev, .class, .vdpa.max_vqs]]' '[["vdpa0","/dev/vhost-vdpa-0","vhost_vdpa",null,null,null]]'
	assert_jq '[.errors[] | [.code, .errno_name, .op, .message]]' '[["unsupported","ENOENT","CTRL_CMD_GETFAMILY","the kernel has no '"'"'vdpa'"'"' generic netlink family"]]'
	assert_equal "$stderr" "vdpactl: vdpa netlink: CTRL_CMD_GETFAMILY: the kernel has no 'vdpa' generic netlink family
hint: the kernel lacks CONFIG_VDPA (or the vdpa module is not loaded); sysfs alone is used"
	run -0 --separate-stderr fake nonl-5.10 list
	assert_line --regexp '^vdpa0 +- +- +- +vhost_vdpa +/dev/vhost-vdpa-0 +- +- +unknown +-$'
}

@test "list never opens a character device, as root and as an unprivileged user" {
	local dir
	dir=$(mktemp -d /tmp/vdpactl-list.XXXXXX)
	chmod 0777 "$dir"
	FAKE_VDPA_LOG=$dir/root.log run -0 --separate-stderr fake mixed-6.12 list --json
	local as_root=$output
	run grep -cE '^(open|fopen|stat|access) /dev/vhost-vdpa|^ioctl |^write [0-9]' "$dir/root.log"
	assert_output 0
	run grep -c '^sysfs ' "$dir/root.log"
	(( output > 20 )) || fail "sysfs was not read ($output lines)"
	run tail -1 "$dir/root.log"
	assert_output --regexp '^exit open_fds=0 tracked_open=0( |$)'
	# as nobody: same document; the nodes are root's (0600), so an open would have failed
	if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$VDPACTL" -a -r "$FAKE_LIB"; then
		[[ ${QUICK:-0} == 1 ]] && skip "nobody cannot reach $VDPACTL (a private build directory)"
		fail "nobody cannot reach $VDPACTL or $FAKE_LIB"
	fi
	run -0 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		env FAKE_VDPA_SCENARIO="$SCENARIOS/mixed-6.12.json" FAKE_VDPA_LOG="$dir/nobody.log" \
		LD_PRELOAD="$FAKE_LIB" "$VDPACTL" list --json
	assert_schema
	# the same document but for the moment of the run
	[[ $(jq -c 'del(.time)' <<<"$output") == "$(jq -c 'del(.time)' <<<"$as_root")" ]] || fail "as nobody: $output"
	run grep -cE '^(open|fopen) /dev/vhost-vdpa' "$dir/nobody.log"
	assert_output 0
	run tail -1 "$dir/nobody.log"
	assert_output --regexp '^exit open_fds=0 tracked_open=0( |$)'
	# the fake's nodes really refuse nobody, as the kernel's root-owned 0600 nodes do
	run -4 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		env FAKE_VDPA_SCENARIO="$SCENARIOS/mixed-6.12.json" LD_PRELOAD="$FAKE_LIB" \
		"$VDPACTL" show net0
	[[ $stderr == *"/dev/vhost-vdpa-0: open: Permission denied"* ]] || fail "stderr: $stderr"
	rm -rf "$dir"
}

@test "DEV as a vdpa device name: show net0 works; a device without vhost-vdpa interface exits 3 with the hint" {
	slow_test "many runs"
	run -0 --separate-stderr fake mixed-6.12 show --json net0
	assert_schema
	assert_jq '.devices[0] | [.name, .char_device, .vdpa_device, .mgmtdev, .bound_driver, .parent]' '["net0","/dev/vhost-vdpa-0","net0","vdpasim_net","vhost_vdpa",null]'
	run -0 --separate-stderr fake mixed-6.12 show --json eni0
	assert_jq '.devices[0] | [.char_device, .vdpa_device, .mgmtdev, .parent.driver]' '["/dev/vhost-vdpa-1","eni0",null,"alibaba-eni-vdpa"]'
	run -0 --separate-stderr fake mixed-6.12 show --json sf0
	assert_jq '.devices[0] | [.char_device, .mgmtdev, .parent]' '["/dev/vhost-vdpa-3","auxiliary/mlx5_core.sf.2",{"bus":"auxiliary","bus_id":"mlx5_core.sf.2","driver":"mlx5_core.sf"}]'
	run -3 --separate-stderr fake mixed-6.12 show vnet1
	assert_equal "$stderr" "vdpactl: vnet1: vdpa device vnet1 has no vhost-vdpa interface (bound to virtio_vdpa)
hint: bind it to vhost_vdpa: echo vhost_vdpa > /sys/bus/vdpa/devices/vnet1/driver_override; echo vnet1 > /sys/bus/vdpa/drivers/virtio_vdpa/unbind; echo vnet1 > /sys/bus/vdpa/drivers_probe"
	run -3 --separate-stderr fake mixed-6.12 show --json loose2
	assert_schema
	assert_jq '[.exit_code, .errors[0].code, (.errors[0].message | test("no vhost-vdpa interface"))]' '[3,"no_such_device",true]'
	[[ $stderr == *"hint: bind it to vhost_vdpa: echo vhost_vdpa > /sys/bus/vdpa/devices/loose2/driver_override; echo loose2 > /sys/bus/vdpa/drivers_probe"* ]] || fail "$stderr"
	# show/probe name the parent driver: vduse has no driver in sysfs, its mgmtdev names it
	run -10 --separate-stderr fake mixed-6.12 probe --json vduse0
	assert_jq '.devices[0].verdict.reason | startswith("the parent driver vduse does not offer IOTLB_PERSIST")' 'true'
}

# ---- iproute2's vdpa under the same fake ----------------------------------------------------

# jq helpers: the scenario file's facts as iproute2 would print them
JQ_LIB='
def hexval: ltrimstr("0x") | ascii_downcase | explode
	| map(if . >= 97 then . - 87 else . - 48 end) | reduce .[] as $d (0; . * 16 + $d);
def bit($n): (. / ([range(0; $n)] | reduce .[] as $x (1; . * 2))) | floor % 2 == 1;
def hex2: [(. / 16 | floor), . % 16] | map("0123456789abcdef"[.:. + 1]) | add;
def bytes: gsub("[ :_\\-\t\n]"; "") as $h | [range(0; $h | length; 2) | $h[.:.+2] | hexval];
def kv: .kernel | split(".") | map(tonumber) | .[0] * 1000 + .[1];
def in_dumps: select(.mgmtdev != null);
def dev_type: if . == 1 then "network" elif . == 2 then "block" else "<unknown type>" end;
def mgmt_list: if .mgmtdevs then .mgmtdevs
	else [.devices[] | in_dumps] | group_by(.mgmtdev) | map({name: .[0].mgmtdev,
		classes: (map(.device_id) | unique), max_vqs: (map(.nvqs) | max)}) end;
def class_name: if . == 1 or . == "net" then "net" elif . == 2 or . == "block" then "block" else "< unknown class >" end;
def class_id: if . == "net" then 1 elif . == "block" then 2 else . end;
'

@test "iproute2's vdpa -j dev show / mgmtdev show under the fake: what the scenario says, what vdpactl says" {
	slow_test "iproute2 on every scenario"
	local s vdpa_dev vdpa_mgmt want list
	for s in $(scenario_names); do
		[[ $(jq -r 'if has("vdpa_netlink") then .vdpa_netlink else true end' "$SCENARIOS/$s.json") == true ]] || continue
		run -0 --separate-stderr fake "$s" list --json
		list=$output
		run -0 --separate-stderr env FAKE_VDPA_SCENARIO="$SCENARIOS/$s.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j dev show
		vdpa_dev=$output
		want=$(jq -cS "$JQ_LIB"'{dev: ([.devices[] | in_dumps | {key: .name, value: {type: (.device_id | dev_type),
			mgmtdev, vendor_id: (.vendor_id // 0), max_vqs: .nvqs, max_vq_size: .vq_num_max}}] | from_entries)}' \
			"$SCENARIOS/$s.json")
		[[ $(jq -cS . <<<"$vdpa_dev") == "$want" ]] || fail "$s: vdpa -j dev show: $vdpa_dev; the scenario says $want"
		# the same facts as vdpactl list
		want=$(jq -cS '[.devices[] | select(.mgmtdev != null) | {(.name): [.mgmtdev, .vdpa.vendor_id, .vdpa.max_vqs, .vdpa.max_vq_size, .class]}] | add // {}' <<<"$list")
		[[ $(jq -cS '.dev | map_values([.mgmtdev, .vendor_id, .max_vqs, .max_vq_size, (if .type == "network" then "net" else .type end)])' <<<"$vdpa_dev") == "$want" ]] ||
			fail "$s: vdpa dev show and vdpactl list disagree: $vdpa_dev / $want"

		run -0 --separate-stderr env FAKE_VDPA_SCENARIO="$SCENARIOS/$s.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j mgmtdev show
		vdpa_mgmt=$output
		# MGMTDEV_MAX_VQS and the supported features came with 5.18 [inferred]
		want=$(jq -cS "$JQ_LIB"'kv as $kv | [mgmt_list[] | {(.name): [(.classes | map(class_id) | sort | map(class_name)), (if $kv >= 5018 then .max_vqs else null end)]}] | add // {}' "$SCENARIOS/$s.json")
		[[ $(jq -cS '.mgmtdev | map_values([.supported_classes, .max_supported_vqs])' <<<"$vdpa_mgmt") == "$want" ]] ||
			fail "$s: vdpa -j mgmtdev show: $vdpa_mgmt; the scenario says $want"
		want=$(jq -cS '[.mgmtdevs[] | {(.name): [.supported_classes, .max_vqs,
			(.supported_features.raw // "0x0" | ltrimstr("0x") | explode | map(if . >= 97 then . - 87 else . - 48 end)
			 | map([(. / 8 | floor) % 2, (. / 4 | floor) % 2, (. / 2 | floor) % 2, . % 2] | add) | add)]}] | add // {}' <<<"$list")
		[[ $(jq -cS '.mgmtdev | map_values([.supported_classes, .max_supported_vqs, (.dev_features | length)])' <<<"$vdpa_mgmt") == "$want" ]] ||
			fail "$s: vdpa mgmtdev show and vdpactl list disagree: $vdpa_mgmt / $want"
	done
}

@test "iproute2's vdpa -j dev config show under the fake: mac, link, mtu as the scenario's config space says" {
	slow_test "iproute2 on every scenario"
	local s got want list
	for s in $(scenario_names); do
		[[ $(jq -r 'if has("vdpa_netlink") then .vdpa_netlink else true end' "$SCENARIOS/$s.json") == true ]] || continue
		[[ $(jq -r "$JQ_LIB"'kv >= 5017' "$SCENARIOS/$s.json") == true ]] || continue
		run -0 --separate-stderr env FAKE_VDPA_SCENARIO="$SCENARIOS/$s.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j dev config show
		got=$(jq -cS . <<<"$output")
		# 6.1: the dump stops at the first block device; newer: block devices print {}
		want=$(jq -cS "$JQ_LIB"'kv as $kv | {config: (reduce (.devices[] | in_dumps) as $d ({stop: false, out: {}};
			if .stop then . elif $d.device_id != 1 and $kv < 6003 then .stop = true
			else ($d.device_features | hexval) as $f | ($d.config | bytes) as $c
			| .out[$d.name] = (if $d.device_id != 1 then {} else
				(if $f | bit(5) then {mac: ($c[0:6] | map(hex2) | join(":"))} else {} end)
				+ (if $kv < 6002 or ($f | bit(16)) then {"link ": (if ($c[6] % 2) == 1 then "up" else "down" end),
					"link_announce ": (($c[6] / 2 | floor) % 2 == 1)} else {} end)
				+ (if $f | bit(3) then {mtu: ($c[10] + 256 * $c[11])} else {} end)
				+ (if ($f | bit(22)) or ($f | bit(60)) then {max_vq_pairs: ($c[8] + 256 * $c[9])} else {} end)
			end) end) | .out)}' "$SCENARIOS/$s.json")
		[[ $got == "$want" ]] || fail "$s: vdpa -j dev config show: $got; the scenario says $want"
		run -0 --separate-stderr fake "$s" list --json
		list=$output
		# vdpactl asks each device's config by name, so it also has what a 6.1 dump never reaches
		want=$(jq -cS --argjson seen "$(jq -c '.config | keys' <<<"$got")" '[.devices[] | select(.vdpa.netlink_config != null and .class == "net" and (.name | IN($seen[]))) | {(.name): [.vdpa.netlink_config.mac, .vdpa.netlink_config.mtu]}] | add // {}' <<<"$list")
		[[ $(jq -cS '.config | with_entries(select(.value | has("mac") or has("mtu"))) | map_values([.mac, .mtu])' <<<"$got") == "$want" ]] ||
			fail "$s: vdpa dev config show and vdpactl list disagree: $got / $want"
	done
}

@test "iproute2's vdpa on the fake 6.1 and 6.12 test VMs: exactly what the kernels printed" {
	run -0 env FAKE_VDPA_SCENARIO="$SCENARIOS/realvm-6.1.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j dev config show
	assert_output '{"config":{"net0":{"mac":"00:00:00:00:00:00","link ":"up","link_announce ":false,"mtu":1500}}}'
	run -0 env FAKE_VDPA_SCENARIO="$SCENARIOS/realvm-6.12.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j dev config show
	assert_output '{"config":{"net0":{"mac":"00:00:00:00:00:00","link ":"up","link_announce ":false,"mtu":1500},"blk0":{},"vpnet0":{"mac":"52:54:00:12:34:56","link ":"up","link_announce ":false},"vpblk0":{}}}'
	run -0 env FAKE_VDPA_SCENARIO="$SCENARIOS/realvm-6.1.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j dev show
	assert_output '{"dev":{"net0":{"type":"network","mgmtdev":"vdpasim_net","vendor_id":0,"max_vqs":3,"max_vq_size":256},"blk0":{"type":"block","mgmtdev":"vdpasim_blk","vendor_id":0,"max_vqs":1,"max_vq_size":256},"vpnet0":{"type":"network","mgmtdev":"pci/0000:00:01.0","vendor_id":6900,"max_vqs":3,"max_vq_size":256},"vpblk0":{"type":"block","mgmtdev":"pci/0000:00:02.0","vendor_id":6900,"max_vqs":1,"max_vq_size":256}}}'
	run -0 env FAKE_VDPA_SCENARIO="$SCENARIOS/realvm-6.12.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j mgmtdev show
	assert_output '{"mgmtdev":{"vdpasim_net":{"supported_classes":["net"],"max_supported_vqs":3,"dev_features":["MTU","MAC","STATUS","CTRL_VQ","CTRL_MAC_ADDR","ANY_LAYOUT","VERSION_1","ACCESS_PLATFORM"]},"vdpasim_blk":{"supported_classes":["block"],"max_supported_vqs":0,"dev_features":[]},"vduse":{"supported_classes":["net","block"],"max_supported_vqs":0,"dev_features":[]},"pci/0000:00:01.0":{"supported_classes":["net"],"max_supported_vqs":3,"dev_features":["CTRL_GUEST_OFFLOADS","MAC","MRG_RXBUF","STATUS","CTRL_VQ","CTRL_RX","CTRL_VLAN","CTRL_RX_EXTRA","GUEST_ANNOUNCE","CTRL_MAC_ADDR","RING_INDIRECT_DESC","RING_EVENT_IDX","VERSION_1","ACCESS_PLATFORM",40]},"pci/0000:00:02.0":{"supported_classes":["block"],"max_supported_vqs":1,"dev_features":[2,4,6,9,10,11,13,14,"RING_INDIRECT_DESC","RING_EVENT_IDX","VERSION_1","ACCESS_PLATFORM",40]}}}'
	run -1 --separate-stderr env FAKE_VDPA_SCENARIO="$SCENARIOS/realvm-6.1.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j dev config show blk0
	assert_output '{"config":{}}'
	assert_equal "$stderr" "kernel answers: Operation not supported"
	run -1 --separate-stderr env FAKE_VDPA_SCENARIO="$SCENARIOS/realvm-6.12.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa dev show nosuch
	assert_equal "$stderr" "Error: vdpa: device not found.
kernel answers: No such device"
	# a device without management device is not in the dumps, and DEV_GET refuses it (EINVAL)
	run -0 env FAKE_VDPA_SCENARIO="$SCENARIOS/mixed-6.12.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j dev show
	assert_jq '.dev | keys' '["loose2","net0","sf0","vduse0","vnet1"]'
	run -1 --separate-stderr env FAKE_VDPA_SCENARIO="$SCENARIOS/mixed-6.12.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa dev show eni0
	assert_equal "$stderr" "kernel answers: Invalid argument"
	# no family at all
	run -1 --separate-stderr env FAKE_VDPA_SCENARIO="$SCENARIOS/nonl-5.10.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa dev show
	assert_equal "$stderr" "Failed to connect to vdpa Netlink"
}

@test "u64 attributes behind pad attributes (no efficient unaligned access): the same facts for vdpactl and vdpa" {
	local pad=$BATS_TEST_TMPDIR/pad.json plain
	jq '.netlink_u64_pad = true' "$SCENARIOS/realvm-6.12.json" >"$pad"
	run -0 --separate-stderr fake realvm-6.12 list --json
	plain=$(jq -c 'del(.time)' <<<"$output")
	run -0 --separate-stderr env FAKE_VDPA_SCENARIO="$pad" LD_PRELOAD="$FAKE_LIB" "$VDPACTL" list --json
	assert_equal "$(jq -c 'del(.time)' <<<"$output")" "$plain"
	local c
	for c in "mgmtdev show" "dev show" "dev config show"; do
		# shellcheck disable=SC2086
		run -0 env FAKE_VDPA_SCENARIO="$SCENARIOS/realvm-6.12.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j $c
		plain=$output
		# shellcheck disable=SC2086
		run -0 env FAKE_VDPA_SCENARIO="$pad" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpa -j $c
		assert_equal "$output" "$plain"
	done
}

# ---- malformed netlink replies --------------------------------------------------------------

# known_bug DESCRIPTION: skip while vdpactl still shows a bug this file's tests expose (see the
# fake's report); the assertions after the guard are the contract once it is fixed.
known_bug() {
	# documents kept so far in a loop are still validated before the skip
	[[ $SCHEMA_N -eq 0 ]] || schema_check
	skip "vdpactl bug (reported, not fixed here): $1"
}

# crashed: the last run died of a signal, or (SAN=1) the sanitizer stopped it
crashed() {
	(( status > 128 )) || [[ $stderr == *"Sanitizer"* ]]
}

@test "malformed netlink replies (short, mistyped, wrong length, no name): a clear error, no crash, valid JSON" {
	slow_test "every malformed reply"
	local kind reply
	for reply in mgmtdev dev config; do
		for kind in short_attr wrong_type wrong_len no_name; do
			FAKE_VDPA_NL_FAULT="$kind:$reply@1" run -0 --separate-stderr fake sim-6.12 list --json
			schema_add "$kind:$reply"
			# every device is still listed from sysfs
			assert_jq '[.devices[].name]' '["blk0","net0"]'
			assert_jq '[.complete, ([.errors[] | select(.code == "malformed_data")] | length)]' '[false,1]'
			assert_jq '[.errors[] | .message | test("^malformed reply: ")] | all' 'true'
			[[ $stderr == "vdpactl: vdpa netlink: VDPA_CMD_"*": malformed reply: "* ]] ||
				fail "$kind:$reply: stderr: $stderr"
		done
	done
	schema_check
}

@test "malformed replies: a short, mistyped or missing attribute names what is wrong" {
	FAKE_VDPA_NL_FAULT=short_attr:dev@1 run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.errors[] | [.code, .op, .message]]' '[["malformed_data","VDPA_CMD_DEV_GET","malformed reply: attribute 5 has a bad type or length"]]'
	# the other device is still joined with its netlink facts
	assert_jq '[.devices[] | [.name, .mgmtdev]]' '[["blk0","vdpasim_blk"],["net0",null]]'
	FAKE_VDPA_NL_FAULT=wrong_type:dev@2 run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.errors[].message]' '["malformed reply: attribute 4 has a bad type or length"]'
	FAKE_VDPA_NL_FAULT=wrong_len:mgmtdev run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.errors[].message] | unique' '["malformed reply: attribute 3 has a bad type or length"]'
	assert_jq '.mgmtdevs' '[]'
	FAKE_VDPA_NL_FAULT=no_name:dev run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.errors[].message] | unique' '["malformed reply: device reply without VDPA_ATTR_DEV_NAME or VDPA_ATTR_MGMTDEV_DEV_NAME"]'
	FAKE_VDPA_NL_FAULT=no_name:mgmtdev@1 run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.errors[].message]' '["malformed reply: management device reply without VDPA_ATTR_MGMTDEV_DEV_NAME"]'
	assert_jq '[.mgmtdevs[].name]' '["vdpasim_blk"]'
	FAKE_VDPA_NL_FAULT=wrong_len:config@1 run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.errors[] | [.op, .message]]' '[["VDPA_CMD_DEV_CONFIG_GET","malformed reply: attribute 5 has a bad type or length"]]'
	# a dump message that names no device is reported; that device is then asked by name
	FAKE_VDPA_NL_FAULT=no_name:config@1 run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.complete, [.errors[] | [.op, .message]], [.devices[] | .vdpa.netlink_config != null]]' '[false,[["VDPA_CMD_DEV_CONFIG_GET","malformed reply: config reply without VDPA_ATTR_DEV_NAME"]],[true,true]]'
	FAKE_VDPA_NL_FAULT=wrong_type:config@1 run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.complete, [.errors[] | .message], [.devices[] | .vdpa.netlink_config != null]]' '[false,["malformed reply: VDPA_ATTR_DEV_NAME is not a string"],[true,true]]'
}

@test "malformed replies: a garbage nlmsg_len is an error, not a crash" {
	local reply
	for reply in family mgmtdev dev config; do
		FAKE_VDPA_NL_FAULT=garbage_len:$reply@1 run --separate-stderr fake sim-6.12 list --json
		! crashed || known_bug "src/netlink.c transact() (line 370, mnl_cb_run2): a message whose nlmsg_len is >= 2^31 passes libmnl 1.0.4's signed length check and the callback loop walks off the receive buffer: SIGSEGV in mnl_nlmsg_ok (FAKE_VDPA_NL_FAULT=garbage_len:$reply)"
		assert_equal "$status" 0
		schema_add "garbage_len:$reply"
		assert_jq '[.errors[] | select(.code == "malformed_data")] | length > 0' 'true'
	done
	schema_check
}

@test "malformed replies: a truncated message or an attribute past its message is reported" {
	local reply kind
	for kind in truncated attr_overrun; do
		for reply in mgmtdev dev config; do
			FAKE_VDPA_NL_FAULT=$kind:$reply@1 run -0 --separate-stderr fake sim-6.12 list --json
			schema_add "$kind:$reply"
			[[ $(jqo '[.errors[] | select(.code == "malformed_data")] | length') != 0 ]] ||
				known_bug "src/netlink.c transact()/parse_attrs(): a datagram ending inside a message (mnl_cb_run2 stops without error) or an attribute running past its message (mnl_attr_parse stops without error) is dropped silently: complete stays true, facts go missing (FAKE_VDPA_NL_FAULT=$kind:$reply@1)"
			assert_jq '.complete' 'false'
		done
	done
	schema_check
}

@test "malformed replies: a bad CTRL_CMD_GETFAMILY answer is not 'no such family'" {
	FAKE_VDPA_NL_FAULT=wrong_len:family run -0 --separate-stderr fake sim-6.12 list --json
	assert_schema
	assert_jq '.sources.netlink' 'false'
	[[ $(jqo '.errors[0].message') != *"has no 'vdpa' generic netlink family"* ]] ||
		known_bug "src/netlink.c family_cb()/nl_query(): a CTRL_ATTR_FAMILY_ID of the wrong length is reported as 'the kernel has no vdpa generic netlink family' (code unsupported) instead of a malformed reply"
	assert_jq '.errors[0].code' '"malformed_data"'
}

@test "errors from the kernel: netlink errno injection gives the kernel's error text, no crash" {
	FAKE_VDPA_INJECT='netlink:VDPA_CMD_DEV_GET=EPERM' run --separate-stderr fake sim-6.12 list --json
	! crashed || known_bug "src/netlink.c error_cb(): it takes its data pointer as struct nl_ctx, but transact() passes the command's data (struct collect for MGMTDEV_GET/DEV_GET/DEV_CONFIG_GET): an NLMSG_ERROR with an extack message is copied over the struct collect on nl_query()'s stack (c.cmd becomes text; SIGSEGV in err_add)"
	assert_equal "$status" 0
	assert_schema
	assert_jq '[.errors[] | [.code, .errno_name, .op, .message]]' '[["permission_denied","EPERM","VDPA_CMD_DEV_GET","Operation not permitted (kernel: fake-vdpa: injected)"]]'
	assert_jq '[.devices[] | [.name, .mgmtdev, .bound_driver]]' '[["blk0",null,"vhost_vdpa"],["net0",null,"vhost_vdpa"]]'
	# the first DEV_CONFIG_GET is the dump: when it fails, each device is asked by name, and
	# answers: nothing is missing, so nothing is reported
	FAKE_VDPA_INJECT='netlink:VDPA_CMD_DEV_CONFIG_GET@1=EIO' run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.complete, .errors]' '[true,[]]'
	assert_jq '[.devices[] | [.name, .mgmtdev, (.vdpa.netlink_config != null)]]' '[["blk0","vdpasim_blk",true],["net0","vdpasim_net",true]]'
	# the second is blk0's own request: its error is blk0's, net0 still has its config
	FAKE_VDPA_INJECT='netlink:VDPA_CMD_DEV_CONFIG_GET@1=EIO;netlink:VDPA_CMD_DEV_CONFIG_GET@2=EIO' run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.errors[] | [.errno_name, .op]]' '[["EIO","VDPA_CMD_DEV_CONFIG_GET"]]'
	assert_jq '[.devices[] | [.name, .mgmtdev, (.vdpa.netlink_config != null)]]' '[["blk0","vdpasim_blk",false],["net0","vdpasim_net",true]]'
}

@test "config over netlink: one dump, and a request by name only for the devices it did not answer" {
	local log=$BATS_TEST_TMPDIR/fake.log
	# 6.12 fills every config in the dump: no request by name
	FAKE_VDPA_LOG=$log run -0 --separate-stderr fake sim-6.12 list --json
	assert_jq '[.devices[] | [.name, (.vdpa.netlink_config != null)]]' '[["blk0",true],["net0",true]]'
	assert_equal "$(grep -c 'sendto .*VDPA_CMD_DEV_CONFIG_GET' "$log")" 1
	# 6.1 ends the dump at the first block device (vdpa_dev_config_fill(): EOPNOTSUPP): the
	# devices after it are asked by name; blk0's EOPNOTSUPP is no error (nothing to show)
	rm -f "$log"
	FAKE_VDPA_LOG=$log run -0 --separate-stderr fake realvm-6.1 list --json
	assert_jq '.errors' '[]'
	assert_jq '[.devices[] | [.name, (.vdpa.netlink_config != null)]]' '[["blk0",false],["net0",true],["vpblk0",false],["vpnet0",true]]'
	# the dump answers net0 (first on the bus) and stops at blk0: blk0, vpblk0, vpnet0 by name
	assert_equal "$(grep -o 'sendto .*VDPA_CMD_DEV_CONFIG_GET[^)]*' "$log" | sed 's/.*GET//' | tr '\n' ,)" " dump, -> EOPNOTSUPP, -> EOPNOTSUPP,,"
}

# ---- scale ----------------------------------------------------------------------------------

@test "vhost-vdpa nodes are found through /sys/dev/char, one readlink each; without it, device by device" {
	local host=$BATS_TEST_TMPDIR/host-64.json log=$BATS_TEST_TMPDIR/fake.log
	"$TESTS_DIR/fake/gen-scenario.py" host 64 -o "$host"
	FAKE_VDPA_LOG=$log run -0 --separate-stderr env FAKE_VDPA_SCENARIO="$host" LD_PRELOAD="$FAKE_LIB" "$VDPACTL" list --json
	local nodes
	nodes=$(jqo '[.devices[] | select(.char_device != null)] | length')
	assert_equal "$nodes" 56
	assert_equal "$(grep -c 'sysfs readlink /sys/dev/char/' "$log")" "$nodes"
	assert_equal "$(grep -c 'sysfs opendir /sys/devices/' "$log" || true)" 0
	jq -S 'del(.time)' <<<"$output" >"$BATS_TEST_TMPDIR/fast.json"
	# /sys/dev/char unreadable: each device's directory is looked into; the same document
	rm -f "$log"
	FAKE_VDPA_INJECT='opendir:/sys/dev/char=EACCES' FAKE_VDPA_LOG=$log run -0 --separate-stderr env FAKE_VDPA_SCENARIO="$host" LD_PRELOAD="$FAKE_LIB" "$VDPACTL" list --json
	assert_equal "$(grep -c 'sysfs opendir /sys/devices/' "$log")" 64
	jq -S 'del(.time)' <<<"$output" >"$BATS_TEST_TMPDIR/slow.json"
	cmp "$BATS_TEST_TMPDIR/fast.json" "$BATS_TEST_TMPDIR/slow.json" || fail "the two ways found different nodes"
}


@test "list on a host with 1024 devices: exit 0, 1024 devices, several netlink datagrams per dump, within 60 s" {
	slow_test "1024 devices"
	local host=$BATS_TEST_TMPDIR/host-1024.json log=$BATS_TEST_TMPDIR/fake.log t0 t1
	"$TESTS_DIR/fake/gen-scenario.py" host 1024 -o "$host"
	t0=$(date +%s%N)
	FAKE_VDPA_LOG=$log run -0 --separate-stderr env FAKE_VDPA_SCENARIO="$host" LD_PRELOAD="$FAKE_LIB" "$VDPACTL" list --json
	t1=$(date +%s%N)
	# a guard against a hang, not a benchmark (tests/bench/list-bench.sh measures); the
	# sanitizers make every call several times slower
	local limit=60000
	[[ ${SAN:-0} == 1 ]] && limit=300000
	(( (t1 - t0) / 1000000 < limit )) || fail "list took $(((t1 - t0) / 1000000)) ms"
	assert_schema
	assert_jq '[.exit_code, (.devices | length), .sources.netlink]' '[0,1024,true]'
	assert_jq '[.devices[] | select(.char_device == null)] | length' '128'
	assert_jq '[.devices[] | select(.mgmtdev == null)] | length' '64'
	assert_jq '.devices[1023] | [.name, .class]' '["d01023",null]'
	assert_jq '.devices[1022] | [.name, .mgmtdev, .bound_driver, .char_device]' '["d01022","vdpasim_net",null,null]'
	# the device dump took many 4 KiB datagrams
	run grep -cE '^netlink recvmsg .* \([0-9]+ msgs' "$log"
	(( output >= 20 )) || fail "only $output multi-message datagrams"
	run tail -1 "$log"
	assert_output --regexp '^exit open_fds=0 tracked_open=0( |$)'
}

@test "syscall-bench.sh: calls per device beyond the fake's; list and a named show do not walk the host" {
	command -v strace >/dev/null || skip "strace is not installed (make deps installs it)"
	run -0 "$TESTS_DIR/bench/syscall-bench.sh" 32 64
	assert_line --index 0 --regexp '^N +command +syscalls +ioctls +fake +own +per device +per opened +no ioctls$'
	assert_equal "${#lines[@]}" 10
	local f i=1 want
	for want in "32 list" "32 show" "32 one" "64 list" "64 show" "64 one"; do
		read -ra f <<<"${lines[i]}"
		assert_equal "${f[0]} ${f[1]}" "$want"
		# own = syscalls - fake + ioctls for list and show (one has its own baseline)
		[[ ${f[1]} == one ]] || (( f[5] == f[2] - f[4] + f[3] )) || fail "${lines[i]}"
		i=$((i + 1))
	done
	# the counts are exact (no clock involved): list's growth stays within the 8 calls per device
	# of the performance issue; a named device costs the same on both hosts (within the noise of
	# the two runs compared, a few calls: a walk of the host would cost 6 or more per device)
	read -ra f <<<"${lines[7]}"
	assert_equal "${f[*]:0:6}" "growth list, 32 -> 64 devices:"
	awk -v g="${f[6]}" 'BEGIN { exit !(g > 0 && g <= 8) }' || fail "${lines[7]}"
	read -ra f <<<"${lines[9]}"
	assert_equal "${f[*]:0:6}" "growth one, 32 -> 64 devices:"
	awk -v g="${f[6]}" 'BEGIN { exit !(g > -2 && g < 2) }' || fail "${lines[9]}"
	run -2 "$TESTS_DIR/bench/syscall-bench.sh" 0
	assert_output "syscall-bench: bad number of devices '0'"
}

@test "mem-bench.sh: peak memory per command and host, the fake's own share subtracted" {
	[ -x /usr/bin/time ] || skip "GNU time is not installed (make deps installs it)"
	run -0 "$TESTS_DIR/bench/mem-bench.sh" 16 64
	assert_line --index 0 'mem-bench: peak RSS under the fake kernel (KiB)'
	assert_line --index 1 --regexp '^command +devices +rss +fake +above-fake +per-device-B$'
	assert_equal "${#lines[@]}" 6
	local f n rss fake above per i=2 want
	for want in "list --json:16" "show --all --json:16" "list --json:64" "show --all --json:64"; do
		read -ra f <<<"${lines[i]}"
		n=${f[-5]} rss=${f[-4]} fake=${f[-3]} above=${f[-2]} per=${f[-1]}
		assert_equal "${f[*]:0:${#f[@]}-5} $n" "${want%:*} ${want##*:}"
		# the columns' arithmetic, not the figures: peak RSS counts the file pages the libraries
		# map, which depends on the page cache of the moment; on a loaded machine (make check
		# with the real layer beside it) list on 16 devices came out below the fake alone
		# (2332 against 2336 KiB, 2316 against 2392) while idle it is about 370 KiB above
		(( rss > 0 && fake > 0 && above == rss - fake && per == above * 1024 / n )) ||
			fail "${lines[i]}: rss $rss, fake $fake, above $above, per device $per"
		i=$((i + 1))
	done
	run -2 "$TESTS_DIR/bench/mem-bench.sh" 0
	assert_output "mem-bench: bad number of devices '0'"
}
