#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Fleet inventory: host identity in every document, the verdict the table of parent drivers
# predicts without opening anything, Prometheus metrics checked by promtool and served by a
# real node exporter to a real Prometheus, the systemd units and the Ansible facts example.
load helpers

# every scenario with a vhost-vdpa device, the parent of each and its verdict by probe
@test "host identity in every JSON document: hostname, machine id, boot id, kernel, time" {
	slow_test "every command and scenario"
	local args want_mid want_bid now t
	want_mid=$(cat /etc/machine-id 2>/dev/null || true)
	want_bid=$(cat /proc/sys/kernel/random/boot_id)
	for args in "list" "show --all" "probe --datapath=off --all" "check" "features" "check --require nosuch"; do
		run --separate-stderr fake sim-6.12 $args --json
		schema_add "$args"
		assert_jq '.host.hostname' "\"$(uname -n)\""
		assert_jq '.host.boot_id' "\"$want_bid\""
		if [[ -n $want_mid ]]; then
			assert_jq '.host.machine_id' "\"$want_mid\""
		else
			assert_jq '.host.machine_id' 'null'
		fi
		assert_jq '[.host.kernel_release, .host.machine, .tool.version]' '["6.12.117","x86_64","'"$(cat "$TESTS_DIR/../VERSION")"'"]'
		t=$(jqo -r .time)
		[[ $t =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] || fail "time '$t'"
		now=$(date -u +%s)
		(($(date -u -d "$t" +%s) <= now && now - $(date -u -d "$t" +%s) < 60)) || fail "time $t is not now"
	done
	schema_check
}

@test "list predicts a verdict from the table of parent drivers: basis predicted, nothing opened" {
	slow_test "every prediction"
	local log=$BATS_TEST_TMPDIR/fake.log
	FAKE_VDPA_LOG=$log run -0 --separate-stderr fake mixed-6.12 list --json
	assert_schema
	assert_jq '[.devices[] | [.name, .verdict.status, .verdict.basis, .prediction.parent, .prediction.parent_kind, .prediction.persist_since]]' \
		'[["eni0","trusted","predicted","eni_vdpa","platform_iommu","6.7"],["loose2","trusted","predicted","vdpa_sim","reset_map","6.7"],["net0","trusted","predicted","vdpa_sim","reset_map","6.7"],["sf0","trusted","predicted","mlx5_vdpa","reset_map","6.7"],["vduse0","untrusted","predicted","vduse","no_reset_map",null],["vnet1","trusted","predicted","vdpa_sim","reset_map","6.7"]]'
	assert_jq '[.devices[].verdict.checks | length] | unique' '[0]'
	assert_jq '.summary | [.trusted, .untrusted, .unknown]' '[5,1,0]'
	assert_jq '.devices[] | select(.name == "vduse0") | .prediction.source | test("vduse_dev.c")' 'true'
	run grep -c '^open /dev/vhost-vdpa' "$log"
	assert_output 0
	run -0 --separate-stderr fake mixed-6.12 list
	assert_line --index 0 --regexp ' PREDICTED HOLDER$'
	assert_line --regexp '^vduse0 .* untrusted +-$'
	run -0 --separate-stderr fake mixed-6.12 list -n -r -o name,predicted,reason
	assert_line --index 4 'vduse0 untrusted vduse\x20translates\x20with\x20.set_map\x20and\x20has\x20no\x20.reset_map:\x20vhost-vdpa\x20does\x20not\x20offer\x20IOTLB_PERSIST\x20for\x20it'
	# an unknown parent predicts unknown; an old kernel predates the bit
	run -0 --separate-stderr fake nonl-5.10 list --json
	assert_jq '.devices[0] | [.verdict.status, .prediction.parent]' '["unknown",null]'
	run -0 --separate-stderr fake sim-6.1 list --json
	assert_jq '.devices[0].verdict.reason' '"kernel 6.1.192 predates IOTLB_PERSIST for vdpa_sim (Linux 6.7)"'
	run -0 --separate-stderr fake backport-6.6 list --json
	# 6.6.y: whether a stable backport is there is not established, so not predicted for
	# platform parents; reset_map parents did not get .reset_map on 6.6.y either way
	assert_jq '[.devices[] | [.name, .verdict.status]]' '[["vdpa0","untrusted"],["vpnet0","unknown"]]'
}

@test "the predicted verdict equals the probed/verified one on every scenario whose parent is in the table" {
	slow_test "every scenario probed"
	local f s n=0
	for f in "$SCENARIOS"/*.json; do
		s=$(basename "$f" .json)
		[[ $s == busy ]] && continue # nothing can be opened: unknown, by design
		run -0 --separate-stderr fake "$s" list --json
		local pred=$output
		run --separate-stderr fake "$s" probe --all --datapath=force --timeout=0.3 --json
		[[ $status == 3 || $status == 5 ]] && continue # no device at all
		while read -r name want; do
			# a device a process of the scenario holds cannot be probed (holders-6.12)
			[[ $(jq -r --arg n "$name" '.devices[] | select(.name == $n) | .exit_code' <<<"$output") == 6 ]] && continue
			got=$(jq -r --arg n "$name" '.devices[] | select(.name == $n) | .verdict.status' <<<"$output")
			[[ $got == "$want" ]] || fail "$s/$name: predicted $want, the probe says $got"
			n=$((n + 1))
		done < <(jq -r '.devices[] | select(.char_device != null and .prediction.parent != null and .prediction.status != "unknown") | "\(.name) \(.verdict.status)"' <<<"$pred")
	done
	((n >= 25)) || fail "only $n devices compared"
}

@test "opened: a device that advertises what the table says it cannot do is a finding" {
	slow_test "many runs"
	local scen=$BATS_TEST_TMPDIR/vduse-claims.json
	# a VDUSE parent that reports the bit itself (.get_backend_features), as no in-tree one does
	jq '.devices[0].parent_backend_features = "0x100"' "$SCENARIOS/vduse-6.12.json" >"$scen"
	FAKE_VDPA_SCENARIO=$scen LD_PRELOAD=$FAKE_LIB run -0 --separate-stderr "$VDPACTL" probe --datapath=off --json vhost-vdpa-0
	assert_schema
	assert_jq '.devices[0].verdict.checks[] | select(.id == "prediction_agrees") | [.status, .advertised, .observed, .detail]' \
		'["fail",true,false,"the table predicts no IOTLB_PERSIST; the device offers it"]'
	assert_jq '.devices[0].verdict.reason | endswith("; finding: the table predicts no IOTLB_PERSIST; the device offers it")' 'true'
	# in agreement, and unknown parents: pass and skipped
	run -0 --separate-stderr fake sim-6.12 check --json vhost-vdpa-0
	assert_jq '.devices[0].verdict.checks[] | select(.id == "prediction_agrees") | .status' '"pass"'
	run -0 --separate-stderr fake liar-6.12 probe --datapath=off --json --all
	assert_jq '.devices[0].verdict.checks[] | select(.id == "prediction_agrees") | .status' '"skipped"'
}

@test "metrics: the Prometheus text format, promtool-clean, exact values, from list/show/probe" {
	slow_test "promtool on every source"
	local src
	need_tool promtool prometheus
	for src in list show probe; do
		run -0 --separate-stderr fake mixed-6.12 metrics --from=$src
		promtool check metrics <<<"$output" || fail "promtool: $src"
	done
	run -0 --separate-stderr fake mixed-6.12 metrics
	assert_line 'vdpactl_run_info{source="list"} 1'
	assert_line 'vdpactl_devices 6'
	assert_line 'vdpactl_device_verdict{device="vduse0",verdict="untrusted"} 1'
	assert_line 'vdpactl_device_verdict{device="vduse0",verdict="trusted"} 0'
	assert_line 'vdpactl_device_verdict_basis{device="net0",basis="predicted"} 1'
	assert_line 'vdpactl_run_exit_code 0'
	refute_line --partial 'vdpactl_device_iotlb_persist_advertised{'
	# every family has HELP and TYPE
	run bash -c "grep -v '^#' <<<\"\$0\" | sed 's/[{ ].*//' | sort -u" "$output"
	local fam
	for fam in $output; do
		[[ $fam == vdpactl_* ]] || fail "family $fam"
	done
	run -0 --separate-stderr fake sim-6.1 metrics --from=probe
	assert_line 'vdpactl_run_info{source="probe"} 1'
	assert_line 'vdpactl_device_verdict{device="net0",verdict="untrusted"} 1'
	assert_line 'vdpactl_device_verdict_basis{device="net0",basis="verified"} 1'
	assert_line 'vdpactl_device_iotlb_persist_advertised{device="net0"} 0'
	assert_line 'vdpactl_run_exit_code 10'
	# a busy device is busy, never "not persistent"
	run -0 --separate-stderr fake busy metrics --from=show
	assert_line 'vdpactl_device_busy{device="net0"} 1'
	assert_line 'vdpactl_device_verdict{device="net0",verdict="unknown"} 1'
	refute_line --partial 'vdpactl_device_iotlb_persist_advertised{'
	assert_line 'vdpactl_run_exit_code 6'
	# hostile label values are escaped and stay UTF-8
	local scen=$BATS_TEST_TMPDIR/hostile.json
	jq '.devices[0].parent_driver = "a\"b\\c\u00e9\n"' "$SCENARIOS/vp-6.12.json" >"$scen"
	FAKE_VDPA_SCENARIO=$scen LD_PRELOAD=$FAKE_LIB run -0 --separate-stderr "$VDPACTL" metrics
	assert_line --partial 'parent_driver="a\"b\\cé\n"'
	promtool check metrics <<<"$output"
}

@test "metrics --output: atomic replacement, errors reported, an interrupted run leaves the file" {
	slow_test "many runs"
	local dir=$BATS_TEST_TMPDIR/textfile f
	mkdir -p "$dir"
	f=$dir/vdpactl.prom
	echo old >"$f"
	run -0 --separate-stderr fake sim-6.12 metrics --output="$f"
	assert_output ""
	run grep -c '^vdpactl_devices 2$' "$f"
	assert_output 1
	run stat -c %a "$f"
	assert_output 644
	run ls -A "$dir"
	assert_output vdpactl.prom
	# interrupted: exit 130, the previous file stays, no temporary file is left
	cp "$f" "$dir/before"
	FAKE_VDPA_SCENARIO=$SCENARIOS/sim-6.12.json FAKE_VDPA_DELAY='netlink:VDPA_CMD_DEV_GET=1500' LD_PRELOAD=$FAKE_LIB \
		"$VDPACTL" metrics --output="$f" 2>/dev/null 3>&- &
	local pid=$!
	sleep 0.5
	kill -INT $pid
	local rc=0
	wait $pid || rc=$?
	assert_equal "$rc" 130
	cmp "$f" "$dir/before" || fail "the file changed"
	run ls -A "$dir"
	assert_output "before
vdpactl.prom"
	# a directory that cannot be written: exit 1 with the reason
	run -1 --separate-stderr fake sim-6.12 metrics --output=/proc/vdpactl.prom
	[[ $stderr == "vdpactl: /proc/vdpactl.prom: mkstemp: "* ]] || fail "stderr: $stderr"
	# usage
	run -2 --separate-stderr fake sim-6.12 metrics --json
	assert_equal "$(head -1 <<<"$stderr")" "vdpactl: --json: metrics prints the Prometheus text format; list, check and probe print JSON"
	run -2 --separate-stderr fake sim-6.12 list --output=/tmp/x
	run -2 --separate-stderr fake sim-6.12 metrics --from=everywhere
	assert_equal "$(head -1 <<<"$stderr")" "vdpactl: --from: invalid value 'everywhere': use list, show or probe"
	run -2 --separate-stderr fake sim-6.12 metrics vhost-vdpa-0
}

# free_port: a TCP port nobody listens on, on 127.0.0.1
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

@test "a real node exporter serves the textfile and a real Prometheus answers a PromQL query" {
	slow_test "starts a node exporter and Prometheus"
	need_tool prometheus-node-exporter prometheus-node-exporter
	need_tool prometheus prometheus
	local dir=$BATS_TEST_TMPDIR/tf ne pr i v
	mkdir -p "$dir" "$BATS_TEST_TMPDIR/tsdb"
	fake mixed-6.12 metrics --output="$dir/vdpactl.prom"
	ne=$(free_port)
	prometheus-node-exporter --web.listen-address=127.0.0.1:$ne --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$dir" >"$BATS_TEST_TMPDIR/ne.log" 2>&1 3>&- &
	local ne_pid=$!
	for ((i = 0; i < 100; i++)); do
		curl -fsS "http://127.0.0.1:$ne/metrics" >"$BATS_TEST_TMPDIR/metrics" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '^vdpactl_device_verdict{device="vduse0",verdict="untrusted"} 1$' "$BATS_TEST_TMPDIR/metrics" ||
		{ kill $ne_pid; fail "node exporter does not serve the vdpactl metrics: $(grep vdpactl "$BATS_TEST_TMPDIR/metrics" | head -3; cat "$BATS_TEST_TMPDIR/ne.log")"; }
	# no scrape error of the textfile collector
	grep -q '^node_textfile_scrape_error 0$' "$BATS_TEST_TMPDIR/metrics" || { kill $ne_pid; fail "textfile scrape error"; }
	pr=$(free_port)
	cat >"$BATS_TEST_TMPDIR/prometheus.yml" <<EOF_Y
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$ne']
EOF_Y
	prometheus --config.file="$BATS_TEST_TMPDIR/prometheus.yml" --web.listen-address=127.0.0.1:$pr \
		--storage.tsdb.path="$BATS_TEST_TMPDIR/tsdb" >"$BATS_TEST_TMPDIR/pr.log" 2>&1 3>&- &
	local pr_pid=$!
	v=""
	for ((i = 0; i < 150; i++)); do
		v=$(curl -fsS "http://127.0.0.1:$pr/api/v1/query" \
			--data-urlencode 'query=count(vdpactl_device_verdict{verdict="untrusted"} == 1)' 2>/dev/null |
			jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
		[[ -n $v ]] && break
		sleep 0.2
	done
	kill $pr_pid $ne_pid
	wait $pr_pid $ne_pid 2>/dev/null || true
	[[ $v == 1 ]] || fail "PromQL count of untrusted devices: '$v' (want 1); $(tail -5 "$BATS_TEST_TMPDIR/pr.log")"
}

@test "the systemd units: verified by systemd-analyze, the default mode opens no device" {
	local d=$BATS_TEST_TMPDIR/root unit
	make -s -C "$TESTS_DIR/.." install DESTDIR="$d" PREFIX=/usr >/dev/null
	need_tool systemd-analyze systemd
	# a PREFIX=/usr build installs where Debian's systemd.pc says: /lib/systemd/system on bookworm
	unit=$d$(pkg-config --variable=systemdsystemunitdir systemd)/vdpactl-metrics.service
	run grep -E '^ExecStart=' "$unit"
	assert_output "ExecStart=/usr/sbin/vdpactl metrics --output=/var/lib/prometheus/node-exporter/vdpactl.prom"
	run grep -cE '^(PrivateDevices=yes|ProtectSystem=strict|NoNewPrivileges=yes|CapabilityBoundingSet=)$' "$unit"
	assert_output 4
	# verify against a unit whose ExecStart exists on this machine
	sed "s|/usr/sbin/vdpactl|$VDPACTL|" "$unit" >"$BATS_TEST_TMPDIR/vdpactl-metrics.service"
	cp "${unit%.service}.timer" "$BATS_TEST_TMPDIR/"
	(cd "$BATS_TEST_TMPDIR" && systemd-analyze verify --man=no vdpactl-metrics.service vdpactl-metrics.timer)
	run test -x "$d/usr/share/doc/vdpactl/examples/vdpactl.fact"
	assert_success
}

@test "the Ansible local facts example works under 'ansible -m setup -c local localhost'" {
	slow_test "starts Ansible"
	need_tool ansible ansible-core
	local facts=$BATS_TEST_TMPDIR/facts.d bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$facts" "$bin"
	cp "$TESTS_DIR/../dist/ansible/vdpactl.fact" "$facts/"
	# vdpactl on PATH runs the binary under test on the fake kernel
	printf '#!/bin/sh\nFAKE_VDPA_SCENARIO=%s LD_PRELOAD=%s exec %s "$@"\n' \
		"$SCENARIOS/mixed-6.12.json" "$FAKE_LIB" "$VDPACTL" >"$bin/vdpactl"
	chmod +x "$bin/vdpactl"
	PATH=$bin:$PATH ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
		HOME=$BATS_TEST_TMPDIR run -0 --separate-stderr ansible localhost -c local -m setup \
		-a "fact_path=$facts filter=ansible_local"
	local doc
	doc=$(sed -n '/=> {/,$p' <<<"$output" | sed '1s/.*=> //')
	run jq -c '.ansible_facts.ansible_local.vdpactl | [.command, [.devices[] | [.name, .verdict.status]]]' <<<"$doc"
	assert_output '["list",[["eni0","trusted"],["loose2","trusted"],["net0","trusted"],["sf0","trusted"],["vduse0","untrusted"],["vnet1","trusted"]]]'
}
