// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verdict.c - can the parent driver be trusted to keep IOTLB mappings across a vDPA reset?
 *
 * Rules, in order: a device that could not be examined -> unknown; a kernel whose
 * VHOST_SET_BACKEND_FEATURES contradicts what GET offered -> untrusted, critical; IOTLB_PERSIST
 * (include/uapi/linux/vhost_types.h, Linux 6.7) not offered -> untrusted (userspace must unmap
 * before a reset, as QEMU's vhost_vdpa_reset_device() path does); offered, and a probe step
 * failed or a check did not pass -> unknown (or untrusted when vhost-vdpa itself lost the entry);
 * offered and the data path lost the mapping -> untrusted, critical; else trusted. A check that
 * failed or did not run never counts as agreement.
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
	[CHK_PREDICTION_AGREES] = { CHK_PREDICTION_AGREES, "prediction_agrees",
				    "the device offers IOTLB_PERSIST exactly when vdpactl's table "
				    "of "
				    "parent drivers predicts it for this kernel",
				    SEV_HIGH,
				    "a parent that claims the bit where the table says it cannot "
				    "keep "
				    "mappings is suspect: run probe --datapath=force; else report "
				    "the "
				    "mismatch (a newer driver or a backport)" },
	[CHK_MAPPINGS_DROPPED_ON_CLOSE] = { CHK_MAPPINGS_DROPPED_ON_CLOSE,
					    "mappings_dropped_on_close",
					    "after the owner closes the device, a new owner that "
					    "maps nothing cannot reach "
					    "the closed owner's buffers; a finding of its own, not "
					    "about persistence",
					    SEV_HIGH,
					    "the parent driver keeps a closed owner's IOTLB "
					    "entries (vhost_vdpa_remove_as() "
					    "in drivers/vhost/vdpa.c does not tell a .set_map "
					    "parent): whoever opens the "
					    "device next can reach the last owner's memory; before "
					    "handing it to another "
					    "process, delete and add the vDPA device again (vdpa "
					    "dev del/add)" },
};

const char *verdict_status_name(enum verdict_status s)
{
	switch (s) {
	case VS_TRUSTED:
		return "trusted";
	case VS_UNTRUSTED:
		return "untrusted";
	case VS_UNKNOWN:
		return "unknown";
	default:
		return NULL;
	}
}

const char *verdict_basis_name(enum verdict_basis b)
{
	return b == VB_VERIFIED	   ? "verified"
	       : b == VB_PROBED	   ? "probed"
	       : b == VB_PREDICTED ? "predicted"
				   : "advertised";
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

static void not_examined(const struct verdict_input *in, struct verdict *out)
{
	static const char *const remedies[] = {
		[1] = "see the error on stderr; report it if it persists",
		[2] = "name a vhost-vdpa character device: /dev/vhost-vdpa-N",
		[3] = "create the vDPA device and bind it to vhost_vdpa, then run again",
		[4] = "run as root or grant access to the device node, then run again",
		[5] = "use a kernel with vhost-vdpa and the interfaces vdpactl needs",
		[6] = "the device is in use (e.g. by QEMU); check it while it is free",
	};
	const char *rem = in->failure_exit >= 1 && in->failure_exit <= 6
				  ? remedies[in->failure_exit]
				  : "see the error and run again";

	set(out, VS_UNKNOWN, SEV_MEDIUM, rem);
	snprintf(out->reason, sizeof(out->reason), "the device could not be examined: %s",
		 in->failure ? in->failure : "unknown error");
}

/* The kernel contradicts itself: SET_BACKEND_FEATURES disagrees with what GET offered. */
static bool contradiction(const struct verdict_input *in, struct verdict *out)
{
	const struct check_result *acc = &in->checks[CHK_IOTLB_PERSIST_ACCEPTED];

	if (!in->probed || acc->state != CS_FAIL || acc->observed < 0 ||
	    acc->observed == (int)in->persist_offered)
		return false;
	out->basis = VB_PROBED;
	set(out, VS_UNTRUSTED, SEV_CRITICAL, check_table[CHK_IOTLB_PERSIST_ACCEPTED].remedy);
	snprintf(out->reason, sizeof(out->reason),
		 in->persist_offered ? "the kernel offers IOTLB_PERSIST but refuses it on "
				       "VHOST_SET_BACKEND_FEATURES (%s): a contradiction"
				     : "the kernel does not offer IOTLB_PERSIST yet accepts it on "
				       "VHOST_SET_BACKEND_FEATURES (%s): a contradiction",
		 acc->detail[0] ? acc->detail : "see probes");
	return true;
}

/* Why a device does not offer IOTLB_PERSIST, said only as far as this run established it. */
static void not_offered_reason(const struct verdict_input *in, char *buf, size_t len)
{
	unsigned ma, mi;
	bool old = kernel_older_than(in->kernel_release, 6, 7);
	bool six_six = kernel_version(in->kernel_release, &ma, &mi) == 0 && ma == 6 && mi == 6;
	const char *parent = in->parent_driver ? in->parent_driver : "of this device";

	if (in->host_persist_by)
		snprintf(buf, len,
			 "the kernel %s supports IOTLB_PERSIST (%s offers it) but the parent "
			 "driver %s does not offer it: mappings are not promised to survive a "
			 "reset",
			 in->kernel_release, in->host_persist_by, parent);
	else if (old && six_six)
		snprintf(buf, len,
			 "IOTLB_PERSIST is not offered: the running kernel %s is older than Linux "
			 "6.7, which added it (6.6.y stable kernels may carry a backport; then the "
			 "parent driver %s lacks it): nothing promises that mappings survive a "
			 "reset",
			 in->kernel_release, parent);
	else if (old)
		snprintf(buf, len,
			 "the running kernel %s predates IOTLB_PERSIST (Linux 6.7): nothing "
			 "promises that mappings survive a reset",
			 in->kernel_release);
	else if (in->parent_driver)
		snprintf(buf, len,
			 "the parent driver %s does not offer IOTLB_PERSIST (no .reset_map and no "
			 "platform IOMMU): mappings are not promised to survive a reset",
			 in->parent_driver);
	else
		snprintf(buf, len,
			 "kernel %s supports IOTLB_PERSIST but this device's parent driver does "
			 "not offer it (no .reset_map and no platform IOMMU)",
			 in->kernel_release);
}

static void untrusted_not_offered(const struct verdict_input *in, bool verified,
				  struct verdict *out)
{
	size_t n;

	set(out, VS_UNTRUSTED, SEV_HIGH, REMEDY_UNTRUSTED);
	not_offered_reason(in, out->reason, sizeof(out->reason));
	n = strlen(out->reason);
	if (verified)
		snprintf(out->reason + n, sizeof(out->reason) - n, "%s",
			 in->dp_after == 1
				 ? "; observed: the mapping survived this reset anyway, "
				   "without any promise"
				 : "; observed: the device lost its translation on reset");
}

/* IOTLB_PERSIST offered: does every control-plane check that the basis rests on agree? */
static bool control_disagrees(const struct verdict_input *in, struct verdict *out)
{
	const struct check_result *rst = &in->checks[CHK_RESET_CLEARS_STATUS];
	const struct check_result *tbl = &in->checks[CHK_VHOST_TABLE_RETAINED];

	if (!in->probed)
		return false;
	if (in->probe_incomplete) {
		set(out, VS_UNKNOWN, SEV_HIGH,
		    "see the failed probe step and its errno; run again");
		snprintf(out->reason, sizeof(out->reason),
			 "IOTLB_PERSIST is offered but the probe could not complete: %s",
			 in->probe_failure ? in->probe_failure : "a step failed");
		return true;
	}
	if (rst->state != CS_PASS) {
		set(out, VS_UNKNOWN, SEV_HIGH, check_table[CHK_RESET_CLEARS_STATUS].remedy);
		snprintf(out->reason, sizeof(out->reason),
			 "IOTLB_PERSIST is offered but the reset did not behave: %s",
			 rst->detail[0] ? rst->detail : "reset_clears_status did not pass");
		return true;
	}
	if (tbl->state == CS_PASS)
		return false;
	if (tbl->observed == 0) {
		set(out, VS_UNTRUSTED, SEV_HIGH, REMEDY_UNTRUSTED);
		snprintf(out->reason, sizeof(out->reason),
			 "IOTLB_PERSIST is offered but vhost-vdpa itself lost the mapping on reset "
			 "(%s)",
			 tbl->detail);
	} else {
		set(out, VS_UNKNOWN, SEV_MEDIUM, check_table[CHK_VHOST_TABLE_RETAINED].remedy);
		snprintf(out->reason, sizeof(out->reason),
			 "IOTLB_PERSIST is offered but the check that vhost-vdpa kept its mapping "
			 "failed (%s): no conclusion",
			 tbl->detail[0] ? tbl->detail : "not run");
	}
	return true;
}

static void trusted(const struct verdict_input *in, bool verified, struct verdict *out)
{
	size_t n;

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
	n = strlen(out->reason);
	if (in->checks[CHK_PREDICTION_AGREES].state == CS_FAIL && n < sizeof(out->reason))
		n += (size_t)snprintf(out->reason + n, sizeof(out->reason) - n, "; finding: %s",
				      in->checks[CHK_PREDICTION_AGREES].detail);
	if (!verified && in->dp_missing && n < sizeof(out->reason))
		snprintf(out->reason + n, sizeof(out->reason) - n, "; data path not verified: %s",
			 in->dp_missing);
}

/* A closed owner's mappings outlived it: said in every examined verdict, whatever its status. */
static void owner_finding(const struct verdict_input *in, struct verdict *out)
{
	size_t n = strlen(out->reason);

	if (in->checks[CHK_MAPPINGS_DROPPED_ON_CLOSE].state == CS_FAIL && n < sizeof(out->reason))
		snprintf(out->reason + n, sizeof(out->reason) - n,
			 "; finding: a new owner reached the closed owner's buffers (mappings "
			 "outlive their owner)");
}

static void verdict_rules(const struct verdict_input *in, bool verified, struct verdict *out)
{
	if (contradiction(in, out))
		return;
	if (!in->persist_offered) {
		untrusted_not_offered(in, verified, out);
		return;
	}
	if (control_disagrees(in, out))
		return;
	if (verified && in->dp_after == 0) {
		set(out, VS_UNTRUSTED, SEV_CRITICAL, REMEDY_UNTRUSTED);
		snprintf(out->reason, sizeof(out->reason),
			 "the driver claims IOTLB_PERSIST and drops mappings: with it acked, the "
			 "device could not reach its buffers after a reset");
		return;
	}
	trusted(in, verified, out);
}

void verdict_compute(const struct verdict_input *in, struct verdict *out)
{
	bool complete = in->probed && !in->probe_incomplete;
	bool verified = complete && in->dp_before == 1 && in->dp_after >= 0;

	memset(out, 0, sizeof(*out));
	out->basis = verified ? VB_VERIFIED : complete ? VB_PROBED : VB_ADVERTISED;
	if (!in->identified) {
		out->basis = VB_ADVERTISED;
		not_examined(in, out);
		return;
	}
	verdict_rules(in, verified, out);
	owner_finding(in, out);
}
