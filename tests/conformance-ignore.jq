# SPDX-License-Identifier: GPL-2.0-or-later
# The ONE list of what may differ between vdpactl's JSON document on a real kernel (the test VMs
# of tests/bats/real_kernel.bats) and on the fake kernel (tests/fake, scenario realvm-<k>.json)
# for the same host. Applied with `jq -S -f tests/conformance-ignore.jq` to both documents.
#
#   duration_us   probe step timings: wall-clock time, never the same twice
#   time, host.hostname, host.machine_id, host.boot_id
#                 the identity of the machine and the moment of the run: the fake runs on the
#                 build host, the VM is a machine of its own
#
# Nothing else is ignored: a difference in any other field is a bug in the fake or in vdpactl.
del(.time, .host.hostname, .host.machine_id, .host.boot_id)
| walk(if type == "object" then del(.duration_us) else . end)
