// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the verdict engine and the exit code of evaluating commands (pure logic). */
#include "exitcode.h"
#include "tap.h"
#include "verdict.h"

static struct verdict_input base(const char *kernel, bool offered)
{
	struct verdict_input in;

	memset(&in, 0, sizeof(in));
	in.identified = true;
	in.kernel_release = kernel;
	in.persist_offered = offered;
	in.dp_before = in.dp_after = in.dp_compat_after = -1;
	return in;
}

static void probed(struct verdict_input *in, enum check_state accepted)
{
	in->probed = true;
	in->checks[CHK_IOTLB_PERSIST_ACCEPTED].state = accepted;
	in->checks[CHK_RESET_CLEARS_STATUS].state = CS_PASS;
	in->checks[CHK_VHOST_TABLE_RETAINED].state = CS_PASS;
}

static void control_plane(void)
{
	struct verdict_input in;
	struct verdict v;
	unsigned ma, mi;

	ok(kernel_version("6.12.117", &ma, &mi) == 0 && ma == 6 && mi == 12, "6.12.117");
	ok(kernel_version("6.1.0-26-amd64", &ma, &mi) == 0 && ma == 6 && mi == 1, "Debian 6.1");
	ok(kernel_version("garbage", &ma, &mi) == -1 && kernel_version("6", &ma, &mi) == -1 &&
		   kernel_version("", &ma, &mi) == -1 && kernel_version(NULL, &ma, &mi) == -1,
	   "unparsable releases");
	ok(kernel_older_than("6.6.58", 6, 7) && !kernel_older_than("6.7.0", 6, 7) &&
		   !kernel_older_than("7.0", 6, 7) && kernel_older_than("5.15.0", 6, 7),
	   "older than 6.7");
	ok(!kernel_older_than("x", 6, 7), "unparsable is not older");

	in = base("6.1.192", false);
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED && v.basis == VB_ADVERTISED,
	   "6.1, not offered: untrusted/advertised");
	ok(strstr(v.reason, "6.1.192 predates IOTLB_PERSIST (Linux 6.7)") != NULL,
	   "reason names the kernel: %s", v.reason);
	ok(strstr(v.remedy, "unmap every IOTLB mapping before a reset and map it again after") &&
		   strstr(v.remedy, "6.7"),
	   "remedy says what userspace must do and what to upgrade");
	is_str(severity_name(v.severity), "high", "severity high");

	in = base("6.12.117", false);
	in.parent_driver = "vduse";
	probed(&in, CS_PASS);
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED && v.basis == VB_PROBED, "6.12 VDUSE: untrusted/probed");
	ok(strstr(v.reason, "parent driver vduse does not offer IOTLB_PERSIST (no .reset_map") !=
		   NULL,
	   "reason names the parent driver: %s", v.reason);
	in.parent_driver = NULL;
	verdict_compute(&in, &v);
	ok(strstr(v.reason,
		  "kernel 6.12.117 supports IOTLB_PERSIST but this device's parent driver") != NULL,
	   "unnamed parent on a new kernel: %s", v.reason);

	in = base("6.12.117", true);
	verdict_compute(&in, &v);
	ok(v.status == VS_TRUSTED && v.basis == VB_ADVERTISED,
	   "offered, no probe: trusted/advertised");
	ok(strstr(v.reason, "advertised only") != NULL, "says it is advertised only");
	probed(&in, CS_PASS);
	verdict_compute(&in, &v);
	ok(v.status == VS_TRUSTED && v.basis == VB_PROBED, "offered, probe agrees: trusted/probed");

	probed(&in, CS_FAIL);
	snprintf(in.checks[CHK_IOTLB_PERSIST_ACCEPTED].detail, 200, "EOPNOTSUPP");
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED && v.severity == SEV_CRITICAL,
	   "offered but refused on SET: untrusted, critical");
	ok(strstr(v.reason, "offers IOTLB_PERSIST but refuses it") != NULL, "contradiction named");

	in = base("6.1.192", false);
	probed(&in, CS_FAIL);
	in.checks[CHK_IOTLB_PERSIST_ACCEPTED].observed = 1;
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED && v.severity == SEV_CRITICAL &&
		   strstr(v.reason, "does not offer IOTLB_PERSIST yet accepts it"),
	   "not offered but accepted: critical contradiction");
	in.checks[CHK_IOTLB_PERSIST_ACCEPTED].observed = -1; /* refused, but with EIO */
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED && v.severity == SEV_HIGH && !strstr(v.reason, "contradiction"),
	   "not offered, refused with another errno: no contradiction claimed: %s", v.reason);
}

static void failed_checks(void)
{
	struct verdict_input in;
	struct verdict v;

	/* a failed check is never agreement */
	in = base("6.12.117", true);
	probed(&in, CS_PASS);
	in.checks[CHK_VHOST_TABLE_RETAINED].state = CS_FAIL;
	in.checks[CHK_VHOST_TABLE_RETAINED].observed = 1; /* overlap refused, remap failed */
	verdict_compute(&in, &v);
	ok(v.status == VS_UNKNOWN && strstr(v.reason, "no conclusion"),
	   "vhost_table_retained failed for an error: unknown: %s", v.reason);
	in.checks[CHK_VHOST_TABLE_RETAINED].observed = 0; /* overlapping UPDATE accepted */
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED && strstr(v.reason, "vhost-vdpa itself lost the mapping"),
	   "vhost-vdpa lost its own entry: untrusted: %s", v.reason);
	in.checks[CHK_VHOST_TABLE_RETAINED].state = CS_NOT_RUN;
	in.checks[CHK_VHOST_TABLE_RETAINED].observed = -1;
	verdict_compute(&in, &v);
	ok(v.status == VS_UNKNOWN, "vhost_table_retained not run: unknown, never trusted");

	/* a probe that stopped early on a device without the bit: the advertisement decides */
	in = base("6.1.192", false);
	probed(&in, CS_PASS);
	in.probe_incomplete = true;
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED && v.basis == VB_ADVERTISED,
	   "not offered, probe incomplete: untrusted on the advertisement alone");

	/* "predates" only when it is established */
	in = base("6.6.160", false);
	in.parent_driver = "mlx5_core";
	in.host_persist_by = "vpnet0";
	verdict_compute(&in, &v);
	ok(strstr(v.reason,
		  "kernel 6.6.160 supports IOTLB_PERSIST (vpnet0 offers it) but the parent "
		  "driver mlx5_core does not offer it") &&
		   !strstr(v.reason, "predates"),
	   "a backport kernel where another device offers the bit: the parent lacks it: %s",
	   v.reason);
	in.host_persist_by = NULL;
	verdict_compute(&in, &v);
	ok(strstr(v.reason, "6.6.160 is older than Linux 6.7") && strstr(v.reason, "backport") &&
		   !strstr(v.reason, "predates"),
	   "6.6.y without evidence either way: says what is known: %s", v.reason);

	/* the zero verdict is "not evaluated" */
	memset(&v, 0, sizeof(v));
	ok(v.status == VS_NONE && verdict_status_name(VS_NONE) == NULL,
	   "zero verdict: not evaluated, no name");

	in = base("6.12.117", true);
	probed(&in, CS_PASS);
	in.checks[CHK_RESET_CLEARS_STATUS].state = CS_FAIL;
	verdict_compute(&in, &v);
	ok(v.status == VS_UNKNOWN, "reset misbehaves: unknown");
	in.checks[CHK_RESET_CLEARS_STATUS].state = CS_PASS;
	in.probe_incomplete = true;
	in.probe_failure = "map failed with EFAULT";
	verdict_compute(&in, &v);
	ok(v.status == VS_UNKNOWN && strstr(v.reason, "map failed with EFAULT"),
	   "probe stopped early: unknown with the step: %s", v.reason);

	in = base("6.12.117", true);
	in.identified = false;
	in.failure = "Device or resource busy";
	in.failure_exit = 6;
	verdict_compute(&in, &v);
	ok(v.status == VS_UNKNOWN && strstr(v.reason, "busy") && strstr(v.remedy, "in use"),
	   "busy: unknown with the reason and a remedy");
}

static void datapath_verdicts(void)
{
	struct verdict_input in;
	struct verdict v;

	/* data-path verification: basis verified */
	in = base("6.12.117", true);
	probed(&in, CS_PASS);
	in.dp_before = 1;
	in.dp_after = 1;
	in.dp_compat_after = 0;
	verdict_compute(&in, &v);
	ok(v.status == VS_TRUSTED && v.basis == VB_VERIFIED, "offered, survived: trusted/verified");
	ok(strstr(v.reason, "reached its buffers through the mapping after a reset") != NULL,
	   "reason says what was verified: %s", v.reason);
	in.dp_after = 0;
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED && v.basis == VB_VERIFIED && v.severity == SEV_CRITICAL,
	   "offered but lost: untrusted, critical");
	ok(strstr(v.reason, "the driver claims IOTLB_PERSIST and drops mappings") != NULL,
	   "the liar is named as such: %s", v.reason);
	in = base("6.1.192", false);
	probed(&in, CS_PASS);
	in.dp_before = 1;
	in.dp_after = 1;
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED && v.basis == VB_VERIFIED &&
		   strstr(v.reason, "observed: the mapping survived this reset anyway, without any "
				    "promise"),
	   "not offered but survived: still untrusted, observation recorded: %s", v.reason);
	in.dp_after = 0;
	verdict_compute(&in, &v);
	ok(v.status == VS_UNTRUSTED &&
		   strstr(v.reason, "observed: the device lost its translation"),
	   "not offered and lost: untrusted with the observation");
	in = base("6.12.117", true);
	probed(&in, CS_PASS);
	in.dp_before = 0; /* the path itself does not work: no conclusion from it */
	in.dp_missing = "the data path does not work even before a reset";
	verdict_compute(&in, &v);
	ok(v.status == VS_TRUSTED && v.basis == VB_PROBED,
	   "control round trip failed: verdict stays on the probe, never untrusted for it");
	ok(strstr(v.reason, "; data path not verified: the data path does not work even before a "
			    "reset") != NULL,
	   "and the reason says the data path was not verified: %s", v.reason);
}

/* The closed-owner check: a finding in the reason, never a change of status, basis or severity. */
static void owner_finding(void)
{
	static const char finding[] = "; finding: a new owner reached the closed owner's buffers "
				      "(mappings outlive their owner)";
	struct verdict_input in;
	struct verdict v, w;
	size_t n;

	in = base("6.12.117", false);
	probed(&in, CS_PASS);
	in.dp_before = in.dp_after = 1;
	verdict_compute(&in, &w);
	in.checks[CHK_MAPPINGS_DROPPED_ON_CLOSE].state = CS_FAIL;
	verdict_compute(&in, &v);
	n = strlen(w.reason);
	ok(v.status == w.status && v.basis == w.basis && v.severity == w.severity &&
		   !strncmp(v.reason, w.reason, n) && !strcmp(v.reason + n, finding),
	   "VDUSE-like: untrusted/verified as without it, the finding appended: %s", v.reason);
	in = base("6.12.117", true);
	probed(&in, CS_PASS);
	in.dp_before = in.dp_after = 1;
	in.checks[CHK_MAPPINGS_DROPPED_ON_CLOSE].state = CS_FAIL;
	verdict_compute(&in, &v);
	ok(v.status == VS_TRUSTED && v.severity == SEV_INFO && strstr(v.reason, finding),
	   "trusted persistence stays trusted, with the finding: %s", v.reason);
	for (int st = CS_NOT_RUN; st <= CS_SKIPPED; st++) {
		if (st == CS_FAIL)
			continue;
		in.checks[CHK_MAPPINGS_DROPPED_ON_CLOSE].state = (enum check_state)st;
		verdict_compute(&in, &v);
		ok(!strstr(v.reason, "finding"), "check %s: no finding", check_state_name(st));
	}
	in = base("6.12.117", true);
	in.identified = false;
	in.failure = "busy";
	in.checks[CHK_MAPPINGS_DROPPED_ON_CLOSE].state = CS_FAIL;
	verdict_compute(&in, &v);
	ok(v.status == VS_UNKNOWN && !strstr(v.reason, "finding"),
	   "a device not examined states nothing of it");
	/* the longest reason of all still holds the finding whole */
	in = base("6.6.30", false);
	in.kernel_release = "6.6.30-0123456789-abcdefghijklmnopqrstuvwxyz";
	in.parent_driver = "a-parent-driver-with-a-long-name";
	probed(&in, CS_PASS);
	in.dp_before = in.dp_after = 1;
	in.checks[CHK_MAPPINGS_DROPPED_ON_CLOSE].state = CS_FAIL;
	verdict_compute(&in, &v);
	n = strlen(v.reason);
	ok(n > sizeof(finding) && !strcmp(v.reason + n - (sizeof(finding) - 1), finding),
	   "not cut short: %s", v.reason);
}

static void exit_codes(void)
{

	/* exit codes of probe/check */
	struct dev_outcome t = { OUT_TRUSTED, 0 }, u = { OUT_UNTRUSTED, 0 }, k = { OUT_UNKNOWN, 0 },
			   busy = { OUT_FAILED, 6 }, perm = { OUT_FAILED, 4 },
			   usage = { OUT_FAILED, 2 }, internal = { OUT_FAILED, 1 };
	struct dev_outcome a1[] = { t, t }, a2[] = { t, u }, a3[] = { t, k }, a4[] = { u, k },
			   a5[] = { t, busy }, a6[] = { busy }, a7[] = { busy, perm },
			   a8[] = { u, usage }, a9[] = { internal, usage, t };
	is_u64(exit_evaluated(a1, 2), 0, "all trusted: 0");
	is_u64(exit_evaluated(a2, 2), 10, "one untrusted: 10");
	is_u64(exit_evaluated(a3, 2), 11, "none untrusted, one unknown: 11");
	is_u64(exit_evaluated(a4, 2), 10, "untrusted beats unknown: 10");
	is_u64(exit_evaluated(a5, 2), 12, "evaluated + busy: 12");
	is_u64(exit_evaluated(a6, 1), 6, "single busy: 6");
	is_u64(exit_evaluated(a7, 2), 6, "all failed: the first failure");
	is_u64(exit_evaluated(a8, 2), 2, "bad input wins: 2");
	is_u64(exit_evaluated(a9, 3), 1, "internal wins: 1");
	is_u64(exit_evaluated(NULL, 0), 3, "no device: 3");
}

static void checks_table(void)
{

	/* the checks table: stable ids, every remedy set */
	const char *ids[CHK_COUNT] = { "iotlb_persist_advertised",    "iotlb_persist_accepted",
				       "reset_clears_status",	      "vhost_table_retained",
				       "datapath_before_reset",	      "datapath_after_reset",
				       "datapath_after_reset_compat", "prediction_agrees",
				       "mappings_dropped_on_close" };
	for (int i = 0; i < CHK_COUNT; i++)
		ok(check_table[i].id == (enum check_id)i && !strcmp(check_table[i].key, ids[i]) &&
			   check_table[i].remedy[0] && check_table[i].title[0],
		   "check %s", ids[i]);
}

int main(void)
{
	control_plane();
	failed_checks();
	datapath_verdicts();
	owner_finding();
	exit_codes();
	checks_table();
	return tap_done();
}
