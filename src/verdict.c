// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verdict.c - can the parent driver be trusted to keep IOTLB mappings across a vDPA reset?
 *
 * Rules (spec 5.4): IOTLB_PERSIST not offered -> untrusted (the kernel predates 6.7, or the
 * parent lacks .reset_map); offered and refused on SET -> untrusted, critical; offered and the
 * probe agrees -> trusted; could not open or probe -> unknown.
 */
#include "verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REMEDY_UNTRUSTED                                                                           \
	"userspace must unmap every IOTLB mapping before a reset and map it again after (as "      \
	"QEMU does); for persistence use Linux >= 6.7 with a parent driver that implements "       \
	".reset_map (mlx5_vdpa, vdpa_sim) or uses the platform IOMMU (vp_vdpa, ifcvf, ...)"

const struct check_desc check_table[CHK_COUNT] = {
	[CHK_IOTLB_PERSIST_ADVERTISED] = { CHK_IOTLB_PERSIST_ADVERTISED, "iotlb_persist_advertised",
					   "VHOST_GET_BACKEND_FEATURES offers IOTLB_PERSIST (bit "
					   "8)",
					   SEV_HIGH, REMEDY_UNTRUSTED },
	[CHK_IOTLB_PERSIST_ACCEPTED] = { CHK_IOTLB_PERSIST_ACCEPTED, "iotlb_persist_accepted",
					 "VHOST_SET_BACKEND_FEATURES accepts IOTLB_PERSIST exactly "
					 "when it is offered",
					 SEV_CRITICAL,
					 "report the kernel/driver bug; meanwhile treat the device "
					 "as "
					 "not persistent (unmap before reset, map again after)" },
	[CHK_RESET_CLEARS_STATUS] = { CHK_RESET_CLEARS_STATUS, "reset_clears_status",
				      "VHOST_VDPA_SET_STATUS(0) resets the device: status reads 0",
				      SEV_HIGH,
				      "the parent driver's reset is broken; check dmesg and the "
				      "driver version" },
	[CHK_VHOST_TABLE_RETAINED] = { CHK_VHOST_TABLE_RETAINED, "vhost_table_retained",
				       "vhost-vdpa keeps its own IOTLB entry across the reset "
				       "(overlapping UPDATE refused; INVALIDATE then UPDATE works)",
				       SEV_MEDIUM,
				       "unexpected vhost-vdpa behaviour; report it with the probe "
				       "records" },
	[CHK_DATAPATH_BEFORE_RESET] = { CHK_DATAPATH_BEFORE_RESET, "datapath_before_reset",
					"a round trip through the device works before the reset "
					"(control)",
					SEV_MEDIUM,
					"the data path itself does not work: check the device and "
					"dmesg; no conclusion about persistence is possible" },
	[CHK_DATAPATH_AFTER_RESET] = { CHK_DATAPATH_AFTER_RESET, "datapath_after_reset",
				       "after SET_STATUS(0) and a new set-up with no IOTLB write, "
				       "the device still reaches its buffers through the mapping",
				       SEV_CRITICAL, REMEDY_UNTRUSTED },
	[CHK_DATAPATH_AFTER_RESET_COMPAT] = { CHK_DATAPATH_AFTER_RESET_COMPAT,
					      "datapath_after_reset_compat",
					      "the same without IOTLB_PERSIST acked (what older "
					      "userspace gets); informational",
					      SEV_INFO,
					      "userspace that does not ack IOTLB_PERSIST must "
					      "unmap "
					      "before a reset and map again after" },
};

const char *verdict_status_name(enum verdict_status s)
{
	return s == VS_TRUSTED ? "trusted" : s == VS_UNTRUSTED ? "untrusted" : "unknown";
}

const char *verdict_basis_name(enum verdict_basis b)
{
	return b == VB_VERIFIED ? "verified" : b == VB_PROBED ? "probed" : "advertised";
}

const char *severity_name(enum severity s)
{
	static const char *const names[] = { "info", "low", "medium", "high", "critical" };

	return (unsigned)s <= SEV_CRITICAL ? names[s] : "info";
}

const char *check_state_name(enum check_state s)
{
	static const char *const names[] = { "not_run", "pass", "fail", "skipped" };

	return (unsigned)s <= CS_SKIPPED ? names[s] : "not_run";
}

int kernel_version(const char *release, unsigned *major, unsigned *minor)
{
	char *end;
	unsigned long ma, mi;

	if (!release || release[0] < '0' || release[0] > '9')
		return -1;
	ma = strtoul(release, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	mi = strtoul(end + 1, &end, 10);
	if (ma > 1000 || mi > 1000)
		return -1;
	*major = (unsigned)ma;
	*minor = (unsigned)mi;
	return 0;
}

bool kernel_older_than(const char *release, unsigned major, unsigned minor)
{
	unsigned ma, mi;

	if (kernel_version(release, &ma, &mi))
		return false;
	return ma < major || (ma == major && mi < minor);
}

static void set(struct verdict *v, enum verdict_status s, enum severity sev, const char *remedy)
{
	v->status = s;
	v->severity = sev;
	snprintf(v->remedy, sizeof(v->remedy), "%s", remedy);
}

void verdict_compute(const struct verdict_input *in, struct verdict *out)
{
	const struct check_result *acc = &in->checks[CHK_IOTLB_PERSIST_ACCEPTED];
	const struct check_result *rst = &in->checks[CHK_RESET_CLEARS_STATUS];

	bool verified = in->probed && in->dp_before == 1 && in->dp_after >= 0;

	memset(out, 0, sizeof(*out));
	out->basis = verified ? VB_VERIFIED : in->probed ? VB_PROBED : VB_ADVERTISED;

	if (!in->identified) {
		static const char *const remedies[] = {
			[2] = "name a vhost-vdpa character device: /dev/vhost-vdpa-N",
			[3] = "create the vDPA device and bind it to vhost_vdpa, then run again",
			[4] = "run as root or grant access to the device node, then run again",
			[5] = "use a kernel with vhost-vdpa and the interfaces vdpactl needs",
			[6] = "the device is in use (e.g. by QEMU); check it while it is free",
		};
		const char *rem = in->failure_exit >= 2 && in->failure_exit <= 6
					  ? remedies[in->failure_exit]
					  : "see the error and run again";

		set(out, VS_UNKNOWN, SEV_MEDIUM, rem);
		snprintf(out->reason, sizeof(out->reason), "the device could not be examined: %s",
			 in->failure ? in->failure : "unknown error");
		return;
	}

	/* A kernel that contradicts itself is the worst finding, whatever else holds. */
	if (in->probed && acc->state == CS_FAIL) {
		set(out, VS_UNTRUSTED, SEV_CRITICAL,
		    check_table[CHK_IOTLB_PERSIST_ACCEPTED].remedy);
		snprintf(out->reason, sizeof(out->reason),
			 in->persist_offered
				 ? "the kernel offers IOTLB_PERSIST but refuses it on "
				   "VHOST_SET_BACKEND_FEATURES (%s): a contradiction"
				 : "the kernel does not offer IOTLB_PERSIST yet accepts it on "
				   "VHOST_SET_BACKEND_FEATURES (%s): a contradiction",
			 acc->detail[0] ? acc->detail : "see probes");
		return;
	}

	if (!in->persist_offered) {
		size_t n;

		set(out, VS_UNTRUSTED, SEV_HIGH, REMEDY_UNTRUSTED);
		if (kernel_older_than(in->kernel_release, 6, 7))
			snprintf(
				out->reason, sizeof(out->reason),
				"the running kernel %s predates IOTLB_PERSIST (Linux 6.7): nothing "
				"promises that mappings survive a reset",
				in->kernel_release);
		else if (in->parent_driver)
			snprintf(out->reason, sizeof(out->reason),
				 "the parent driver %s does not offer IOTLB_PERSIST (no .reset_map "
				 "and no platform IOMMU): mappings are not promised to survive a "
				 "reset",
				 in->parent_driver);
		else
			snprintf(out->reason, sizeof(out->reason),
				 "kernel %s supports IOTLB_PERSIST but this device's parent driver "
				 "does not offer it (no .reset_map and no platform IOMMU)",
				 in->kernel_release);
		n = strlen(out->reason);
		if (verified)
			snprintf(out->reason + n, sizeof(out->reason) - n, "%s",
				 in->dp_after == 1
					 ? "; observed: the mapping survived this reset anyway, "
					   "without any promise"
					 : "; observed: the device lost its translation on reset");
		return;
	}

	if (in->probed && (in->probe_incomplete || rst->state == CS_FAIL)) {
		set(out, VS_UNKNOWN, SEV_HIGH,
		    rst->state == CS_FAIL ? check_table[CHK_RESET_CLEARS_STATUS].remedy
					  : "see the failed probe step and its errno; run again");
		snprintf(out->reason, sizeof(out->reason),
			 "IOTLB_PERSIST is offered but the probe could not complete: %s",
			 in->probe_failure ? in->probe_failure
			 : rst->detail[0]  ? rst->detail
					   : "reset did not behave");
		return;
	}

	if (verified && in->dp_after == 0) {
		set(out, VS_UNTRUSTED, SEV_CRITICAL, REMEDY_UNTRUSTED);
		snprintf(out->reason, sizeof(out->reason),
			 "the driver claims IOTLB_PERSIST and drops mappings: with it acked, the "
			 "device could not reach its buffers after a reset");
		return;
	}
	set(out, VS_TRUSTED, SEV_INFO, "none needed: mappings may be kept across reset");
	if (verified)
		snprintf(
			out->reason, sizeof(out->reason),
			"IOTLB_PERSIST is offered and accepted, and the device reached its buffers "
			"through the mapping after a reset with no IOTLB write in between");
	else if (in->probed)
		snprintf(out->reason, sizeof(out->reason),
			 "IOTLB_PERSIST is offered and was accepted; the reset/verify probe "
			 "agreed (device DMA not verified)");
	else
		snprintf(out->reason, sizeof(out->reason),
			 "IOTLB_PERSIST is offered (advertised only; run with --probe for more "
			 "evidence)");
}
