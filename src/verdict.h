/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verdict.h - the checks table and the pure function that turns check results into a verdict
 * and the rules in verdict.c. No I/O: inputs are plain data, so every case is unit-testable.
 */
#ifndef VDPACTL_VERDICT_H
#define VDPACTL_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum check_id {
	CHK_IOTLB_PERSIST_ADVERTISED,
	CHK_IOTLB_PERSIST_ACCEPTED,
	CHK_RESET_CLEARS_STATUS,
	CHK_VHOST_TABLE_RETAINED,
	CHK_DATAPATH_BEFORE_RESET,
	CHK_DATAPATH_AFTER_RESET,
	CHK_DATAPATH_AFTER_RESET_COMPAT,
	CHK_PREDICTION_AGREES,
	CHK_MAPPINGS_DROPPED_ON_CLOSE,
	CHK_COUNT
};

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

enum check_state { CS_NOT_RUN, CS_PASS, CS_FAIL, CS_SKIPPED };

struct check_desc {
	enum check_id id;
	const char *key;	/* stable id, the JSON "id" */
	const char *title;	/* one line: what success looks like */
	enum severity severity; /* when it fails */
	const char *remedy;	/* one line */
};

extern const struct check_desc check_table[CHK_COUNT];

/* one check's result */
struct check_result {
	enum check_state state;
	int advertised;		 /* -1 unknown/not applicable, 0 false, 1 true */
	int observed;		 /* -1 not observed, 0 false, 1 true */
	const char *evidence[4]; /* probe ids (static strings) */
	size_t n_evidence;
	char detail[200]; /* what was seen, one line */
};

/* VS_NONE, the zero state: not evaluated (no verdict was established). */
enum verdict_status { VS_NONE, VS_TRUSTED, VS_UNTRUSTED, VS_UNKNOWN };
/* VB_PREDICTED: from the table of parent drivers (parents.c), nothing opened */
enum verdict_basis { VB_ADVERTISED, VB_PROBED, VB_VERIFIED, VB_PREDICTED };

/* Everything the verdict depends on. */
struct verdict_input {
	bool identified;	     /* device opened and backend features read */
	const char *failure;	     /* why not (busy, permission...), when !identified */
	int failure_exit;	     /* its exit code (1-6), to choose the remedy */
	bool persist_offered;	     /* GET_BACKEND_FEATURES has bit 8 */
	const char *kernel_release;  /* uname -r */
	const char *parent_driver;   /* parent driver name, or NULL if unknown */
	const char *host_persist_by; /* another device of this run that offers the bit, or NULL */
	bool probed;		     /* the control-plane probe was started */
	bool probe_incomplete;	     /* it stopped early on an unexpected error */
	const char *probe_failure;   /* why, when incomplete */
	const char *dp_missing;	     /* the data path was asked for and did not verify: why */
	/* data-path verification: -1 not run, 0 failed/lost, 1 worked/survived */
	int dp_before, dp_after, dp_compat_after;
	struct check_result checks[CHK_COUNT];
};

struct verdict {
	enum verdict_status status;
	enum verdict_basis basis;
	enum severity severity; /* of the finding that decided it (info when trusted) */
	char reason[512];
	char remedy[320];
};

/* trusted, untrusted, unknown; NULL for VS_NONE */
const char *verdict_status_name(enum verdict_status s);
const char *verdict_basis_name(enum verdict_basis b); /* predicted, advertised, probed, verified */
const char *severity_name(enum severity s);
const char *check_state_name(enum check_state s); /* not_run, pass, fail, skipped */

/* "6.12.117" -> 6, 12; 0 on success, -1 if unparsable */
int kernel_version(const char *release, unsigned *major, unsigned *minor);
/* true if the release is older than major.minor (unparsable: false) */
bool kernel_older_than(const char *release, unsigned major, unsigned minor);

/*
 * The pure verdict function. Only call it on evidence gathered to the end: a device whose
 * evaluation was interrupted keeps the zero verdict (VS_NONE).
 */
void verdict_compute(const struct verdict_input *in, struct verdict *out);

#endif
