# SPDX-License-Identifier: GPL-2.0-or-later
# The ONE list of what may differ between two of vdpactl's JSON documents for the same host: on a
# real kernel (the test VMs of tests/bats/real_kernel.bats) and on the fake kernel (tests/fake,
# scenario realvm-<k>.json), or one device at a time and devices at once (probe --jobs,
# tests/bats/probe.bats), or a run among others at once and the same run alone
# (tests/bench/output-torture.sh). Applied with `jq -S -f tests/conformance-ignore.jq` to both
# documents.
#
#   duration_us   probe step timings: wall-clock time, never the same twice
#   time, host.hostname, host.machine_id, host.boot_id
#                 the identity of the machine and the moment of the run: the fake runs on the
#                 build host, the VM is a machine of its own
#   "at IOVA 0x..", "IOVA 0x... (a guard page"
#                 the IOVAs the data path chose: the VA guard takes the first free window, and
#                 devices evaluated at once each hold one, in no fixed order; the PA guard's
#                 IOVAs are physical addresses of fresh pages (src/datapath.c, choose_iovas)
#   "within N s" of dp_compat_after_reset / datapath_after_reset_compat and of
#   dp_owner_after_close / mappings_dropped_on_close
#                 how long the informational run without IOTLB_PERSIST acked waited after its
#                 reset, and the closed-owner check for its round trip: 100 times the run's
#                 control round trip, a wall-clock time (src/datapath.c, dp_compat_wait)
#
# Nothing else is ignored: a difference in any other field is a bug in the fake or in vdpactl.
del(.time, .host.hostname, .host.machine_id, .host.boot_id)
| walk(if type == "object" then del(.duration_us) else . end)
| walk(if type == "string" then sub("at IOVA 0x[0-9a-f]+\\.\\."; "at IOVA X..")
	| sub("IOVA 0x[0-9a-f]+ \\(a guard page"; "IOVA X (a guard page") else . end)
| walk(if type == "object" and (.id == "dp_compat_after_reset" or .id == "datapath_after_reset_compat"
		or .id == "dp_owner_after_close" or .id == "mappings_dropped_on_close")
	and (.detail | type) == "string"
	then .detail |= sub("within [0-9.]+ s"; "within N s") else . end)
