#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vdpactl show against every fake-kernel scenario: exact values, exit codes, schema validity.
load helpers

# scenario dev class backend_raw persist device_features_raw config_size iova_last vqs groups AS vring
expected_table() {
	cat <<'EOF_T'
sim-6.1    0 net   0x000000000000001e false 0x0000000308820028 24   0xffffffffffffffff 3 2 2 256
sim-6.1    1 block 0x000000000000001e false 0x0000000308007646 72   0xffffffffffffffff 1 1 1 256
sim-6.12   0 net   0x000000000000017e true  0x0000000308830028 24   0xffffffffffffffff 3 2 2 256
sim-6.12   1 block 0x000000000000017e true  0x0000000308007646 96   0xffffffffffffffff 1 1 1 256
vp-6.1     0 net   0x000000000000000e false 0x0000010330bf8024 4096 0x0000007fffffffff 3 1 1 256
vp-6.1     1 block 0x000000000000000e false 0x0000010330006e54 4096 0x0000007fffffffff 1 1 1 256
vp-6.12    0 net   0x000000000000010e true  0x0000010330bf8024 4096 0x0000007fffffffff 3 1 1 256
vp-6.12    1 block 0x000000000000010e true  0x0000010330006e54 4096 0x0000007fffffffff 1 1 1 256
mlx5-6.6   0 net   0x000000000000003e false 0x0000000300cb982b 24   0xffffffffffffffff 3 2 2 256
mlx5-6.12  0 net   0x00000000000001fe true  0x0000000300cb982b 24   0xffffffffffffffff 3 3 3 256
vduse-6.1  0 block 0x000000000000000e false 0x0000000331006644 60   0xffffffffffffffff 1 1 1 256
vduse-6.12 0 net   0x000000000000000e false 0x0000000300010028 24   0xffffffffffffffff 2 1 1 256
liar-6.12  0 net   0x000000000000017e true  0x0000000308830028 24   0xffffffffffffffff 3 2 2 256
EOF_T
}

@test "every scenario: exact backend/device features, class, limits; schema-valid; exit 0" {
	slow_test "every scenario"
	local scen dev class braw persist draw csize ilast vqs groups as vring
	while read -r scen dev class braw persist draw csize ilast vqs groups as vring; do
		run -0 --separate-stderr fake "$scen" show --json "vhost-vdpa-$dev"
		schema_add "$scen-$dev"
		# one jq run per device, every field compared with its JSON type (strings quoted)
		local got want
		got=$(jqo -r '[(.devices[0] | .class, .backend_features.raw, .backend_features.iotlb_persist,
			.device_features.raw, .limits.config_size, .limits.iova_range.last, .limits.vq_count,
			.limits.groups, .limits.address_spaces, .limits.max_vring_size, .status.raw, .errors),
			.complete, .exit_code] | map(tojson) | join(" ")')
		want="\"$class\" \"$braw\" $persist \"$draw\" $csize \"$ilast\" $vqs $groups $as $vring \"0x00\" [] true 0"
		[[ $got == "$want" ]] || fail "$scen vhost-vdpa-$dev: got  $got
want $want"
	done < <(expected_table)
	schema_check
}

@test "backend bits are decoded by name; IOTLB_PERSIST called out" {
	run -0 fake sim-6.12 show --json vhost-vdpa-0
	assert_jq '.devices[0].backend_features.names' '["IOTLB_MSG_V2","IOTLB_BATCH","IOTLB_ASID","SUSPEND","RESUME","ENABLE_AFTER_DRIVER_OK","IOTLB_PERSIST"]'
	assert_jq '.devices[0].backend_features.unknown_bits' '[]'
	run -0 fake sim-6.1 show --json vhost-vdpa-0
	assert_jq '.devices[0].backend_features.names' '["IOTLB_MSG_V2","IOTLB_BATCH","IOTLB_ASID","SUSPEND"]'
	run -0 fake sim-6.12 show vhost-vdpa-0
	assert_line "  IOTLB_PERSIST:      yes: kernel and parent driver promise that IOTLB mappings survive a reset"
	run -0 fake sim-6.1 show vhost-vdpa-0
	assert_line "  IOTLB_PERSIST:      no: mappings are not promised to survive a reset"
}

@test "device features are decoded by class: bit 1 is GUEST_CSUM on net, SIZE_MAX on block" {
	run -0 fake sim-6.12 show --json --all
	assert_jq '.devices[0].device_features.names' '["MTU","MAC","STATUS","CTRL_VQ","CTRL_MAC_ADDR","ANY_LAYOUT","VERSION_1","ACCESS_PLATFORM"]'
	assert_jq '.devices[1].device_features.names' '["SIZE_MAX","SEG_MAX","BLK_SIZE","FLUSH","TOPOLOGY","MQ","DISCARD","WRITE_ZEROES","ANY_LAYOUT","VERSION_1","ACCESS_PLATFORM"]'
	run -0 fake vp-6.12 show --json --all
	assert_jq '.devices[0].device_features.names | index("RING_RESET") != null' 'true'
	assert_jq '.devices[1].device_features.names | index("GUEST_CSUM")' 'null'
	assert_jq '.devices[1].device_features.names | index("SEG_MAX") != null' 'true'
}

@test "net config space decoded: mac, status, mtu; fields of features not offered are null" {
	run -0 fake sim-6.12 show --json vhost-vdpa-0
	assert_jq '.devices[0].config | [.class, .bytes_read, .mac, .status.names, .mtu, .max_virtqueue_pairs, .speed, .duplex]' \
		'["net",24,"00:00:00:00:00:00",["LINK_UP"],1500,null,null,null]'
	run -0 fake sim-6.1 show --json vhost-vdpa-0
	# 6.1's simulator does not offer STATUS: the field does not exist
	assert_jq '.devices[0].config | [.status, .mtu]' '[null,1500]'
	run -0 fake sim-6.1 show vhost-vdpa-0
	assert_line --regexp '^    status: +- \(STATUS not offered\)$'
}

@test "block config space decoded: capacity, limits, topology, discard and write-zeroes" {
	run -0 fake sim-6.12 show --json vhost-vdpa-1
	assert_jq '.devices[0].config | [.class, .bytes_read, .capacity, .size_max, .seg_max, .blk_size, .num_queues]' \
		'["block",93,262144,4096,32,512,1]'
	assert_jq '.devices[0].config | [.physical_block_exp, .alignment_offset, .min_io_size, .opt_io_size]' '[0,0,1,1]'
	assert_jq '.devices[0].config | [.max_discard_sectors, .max_discard_seg, .discard_sector_alignment]' '[4294967295,1,512]'
	assert_jq '.devices[0].config | [.max_write_zeroes_sectors, .max_write_zeroes_seg, .write_zeroes_may_unmap]' '[4294967295,1,0]'
	assert_jq '.devices[0].config | [.cylinders, .zone_sectors, .max_secure_erase_sectors]' '[null,null,null]'
	# 6.1: 72 bytes of config space, everything the simulator offers still fits
	run -0 fake sim-6.1 show --json vhost-vdpa-1
	assert_jq '.devices[0].config | [.bytes_read, .capacity, .blk_size]' '[72,262144,512]'
	assert_jq '.devices[0].errors' '[]'
}

@test "an old kernel (5.15): missing ioctls give null fields with the reason, not a failure" {
	run -0 --separate-stderr fake old-5.15 show --json vhost-vdpa-0
	assert_schema
	assert_jq '.complete' 'false'
	assert_jq '.devices[0].exit_code' '0'
	assert_jq '.devices[0].backend_features.raw' '"0x0000000000000006"'
	assert_jq '.devices[0].limits | [.config_size, .vq_count, .address_spaces, .groups]' '[null,null,null,null]'
	assert_jq '[.devices[0].errors[] | [.code, .errno_name, .op, .field]]' \
		'[["unsupported","EPERM","VHOST_VDPA_GET_VQS_COUNT","limits.vq_count"],["unsupported","EPERM","VHOST_VDPA_GET_CONFIG_SIZE","limits.config_size"],["unsupported","EPERM","VHOST_VDPA_GET_AS_NUM","limits.address_spaces"],["unsupported","EPERM","VHOST_VDPA_GET_GROUP_NUM","limits.groups"]]'
	assert_jq '.devices[0].config.mtu' '1500'
	assert_equal "$stderr" ""
	run -0 --separate-stderr fake old-5.15 show vhost-vdpa-0
	assert_line --regexp '^  virtqueues: +unavailable: not supported by this kernel or parent driver \(EPERM\)$'
	run -0 --separate-stderr fake old-5.15 show -v vhost-vdpa-0
	assert_equal "$(grep -c 'not supported by this kernel' <<<"$stderr")" "4"
}

@test "an ioctl failing with an unexpected errno: that field null, exit 1, others still read" {
	FAKE_VDPA_INJECT='ioctl:VHOST_GET_FEATURES=EIO' run -1 --separate-stderr fake sim-6.12 show --json vhost-vdpa-0
	assert_schema
	assert_jq '.devices[0].device_features' 'null'
	assert_jq '.devices[0].backend_features.raw' '"0x000000000000017e"'
	assert_jq '.devices[0].errors[0] | [.code, .errno_name, .op, .field]' '["internal","EIO","VHOST_GET_FEATURES","device_features"]'
	FAKE_VDPA_INJECT='ioctl:VHOST_VDPA_GET_CONFIG_SIZE=ENOTTY' run -0 --separate-stderr fake sim-6.12 show --json vhost-vdpa-0
	assert_jq '.devices[0].limits.config_size' 'null'
	assert_jq '.devices[0].errors[0] | [.code, .errno_name]' '["unsupported","ENOTTY"]'
	# without the size, vdpactl still reads the config fields it knows
	assert_jq '.devices[0].config.mtu' '1500'
}

@test "--all lists every device in minor order; text ends with a summary line" {
	run -0 --separate-stderr fake realvm-6.12 show --all --json
	assert_jq '[.devices[].char_device]' '["/dev/vhost-vdpa-0","/dev/vhost-vdpa-1","/dev/vhost-vdpa-2","/dev/vhost-vdpa-3"]'
	assert_jq '.summary | [.devices, .succeeded, .failed, .trusted]' '[4,4,0,null]'
	run -0 fake realvm-6.12 show --all
	assert_line "4 devices: 4 shown, 0 failed"
}

@test "the same device named twice is shown once; vhost-vdpa-N and the path are the same DEV" {
	run -0 fake sim-6.12 show --json vhost-vdpa-0 /dev/vhost-vdpa-0
	assert_jq '.devices | length' '1'
}

@test "show DEV looks up only the devices it names, and shows them as show --all does" {
	local host=$BATS_TEST_TMPDIR/host-64.json log=$BATS_TEST_TMPDIR/fake.log
	"$TESTS_DIR/fake/gen-scenario.py" host 64 -o "$host"
	FAKE_VDPA_SCENARIO=$host LD_PRELOAD=$FAKE_LIB "$VDPACTL" show --all --json >"$BATS_TEST_TMPDIR/all.json"
	# a node, vhost-vdpa-N, a vdpa device name, and a path that does not exist
	FAKE_VDPA_LOG=$log run -12 --separate-stderr env FAKE_VDPA_SCENARIO="$host" LD_PRELOAD="$FAKE_LIB" \
		"$VDPACTL" show --json /dev/vhost-vdpa-5 vhost-vdpa-9 d00012 /tmp/no-such-node
	assert_jq '[.devices[] | [.char_device, .vdpa_device]]' '[["/dev/vhost-vdpa-5","d00005"],["/dev/vhost-vdpa-9","d00010"],["/dev/vhost-vdpa-11","d00012"],["/tmp/no-such-node",null]]'
	# each device exactly as the whole-host run shows it
	local name
	for name in d00005 d00010 d00012; do
		assert_equal "$(jq -cS --arg n "$name" '.devices[] | select(.vdpa_device == $n)' <<<"$output")" \
			"$(jq -cS --arg n "$name" '.devices[] | select(.vdpa_device == $n)' "$BATS_TEST_TMPDIR/all.json")"
	done
	# three devices looked up in sysfs and asked by name over netlink: no walk of the host
	assert_equal "$(grep -c 'sysfs readlink /sys/bus/vdpa/devices/' "$log")" 3
	assert_equal "$(grep -c 'sysfs opendir /sys/bus/vdpa/devices' "$log" || true)" 0
	assert_equal "$(grep -c 'VDPA_CMD_DEV_GET dump' "$log" || true)" 0
	assert_equal "$(grep -c 'sendto .*(VDPA_CMD_DEV_GET)' "$log")" 3
}

@test "show is read-only: no SET ioctl, no IOTLB write, opened O_RDONLY, closed" {
	local log=$BATS_TEST_TMPDIR/fake.log
	FAKE_VDPA_LOG=$log run -0 fake sim-6.12 show --all
	run grep -cE '^(ioctl [0-9]+ VHOST_(VDPA_)?SET|write )' "$log"
	assert_output "0"
	run grep -c '^open /dev/vhost-vdpa-[01] O_RDONLY' "$log"
	assert_output "2"
	run tail -1 "$log"
	assert_output --regexp "^exit open_fds=0 tracked_open=0( |\$)"
}
