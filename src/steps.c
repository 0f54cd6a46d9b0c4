// SPDX-License-Identifier: GPL-2.0-or-later
/* steps.c - the probe step table; see steps.h */
#include "steps.h"

const struct step_desc step_table[STEP_COUNT] = {
	[STEP_OPEN] = { "open", PHASE_OPEN, NEED_ALWAYS, "open the device node" },
	[STEP_IDENTIFY] = { "identify", PHASE_OPEN, NEED_ALWAYS,
			    "read the device id, features, limits and config space" },
	[STEP_MEMORY] = { "memory", PHASE_CONTROL, NEED_ALWAYS,
			  "allocate the memfd buffer and choose its IOVA" },
	[STEP_SBF_PERSIST] = { "set_backend_features_persist", PHASE_CONTROL,
			       NEED_PERSIST_NOT_OFFERED,
			       "ack IOTLB_PERSIST although it is not offered: must be refused" },
	[STEP_SBF] = { "set_backend_features", PHASE_CONTROL, NEED_ALWAYS,
		       "ack the offered IOTLB backend features" },
	[STEP_SET_OWNER] = { "set_owner", PHASE_CONTROL, NEED_ALWAYS, "VHOST_SET_OWNER" },
	[STEP_MAP] = { "map", PHASE_CONTROL, NEED_ALWAYS, "IOTLB UPDATE of the buffer" },
	[STEP_RESET] = { "reset", PHASE_CONTROL, NEED_ALWAYS, "VHOST_VDPA_SET_STATUS(0)" },
	[STEP_STATUS_AFTER_RESET] = { "status_after_reset", PHASE_CONTROL, NEED_ALWAYS,
				      "the status reads 0 after the reset" },
	[STEP_REMAP_OVERLAP] = { "remap_overlap", PHASE_CONTROL, NEED_ALWAYS,
				 "an overlapping UPDATE is refused: vhost-vdpa kept its entry" },
	[STEP_INVALIDATE] = { "invalidate", PHASE_CONTROL, NEED_ALWAYS,
			      "IOTLB INVALIDATE of the buffer" },
	[STEP_REMAP] = { "remap", PHASE_CONTROL, NEED_ALWAYS, "UPDATE after INVALIDATE succeeds" },
	[STEP_CLEANUP] = { "cleanup", PHASE_CONTROL, NEED_ALWAYS,
			   "INVALIDATE: leave no mapping behind" },
	[STEP_DATAPATH] = { "datapath", PHASE_DATAPATH, NEED_MARKER,
			    "the data-path verification did not run (the detail says why)" },
	[STEP_DP_SETUP] = { "dp_setup", PHASE_DP_ACKED, NEED_PERSIST_OFFERED,
			    "open again, ack IOTLB_PERSIST, map rings and buffers, DRIVER_OK" },
	[STEP_DP_BEFORE] = { "dp_before_reset", PHASE_DP_ACKED, NEED_PERSIST_OFFERED,
			     "a round trip through the device (control)" },
	[STEP_DP_RESET] = { "dp_reset", PHASE_DP_ACKED, NEED_PERSIST_OFFERED,
			    "SET_STATUS(0) with IOTLB_PERSIST acked" },
	[STEP_DP_AFTER] = { "dp_after_reset", PHASE_DP_ACKED, NEED_PERSIST_OFFERED,
			    "set up again with no IOTLB write; a second round trip" },
	[STEP_DPC_SETUP] = { "dp_compat_setup", PHASE_DP_COMPAT, NEED_ALWAYS,
			     "open again without IOTLB_PERSIST, map rings and buffers, DRIVER_OK" },
	[STEP_DPC_BEFORE] = { "dp_compat_before_reset", PHASE_DP_COMPAT, NEED_ALWAYS,
			      "a round trip through the device (control)" },
	[STEP_DPC_RESET] = { "dp_compat_reset", PHASE_DP_COMPAT, NEED_ALWAYS,
			     "SET_STATUS(0) without IOTLB_PERSIST acked" },
	[STEP_DPC_AFTER] = { "dp_compat_after_reset", PHASE_DP_COMPAT, NEED_ALWAYS,
			     "set up again with no IOTLB write; a second round trip" },
	[STEP_DPO_REOPEN] = { "dp_owner_reopen", PHASE_DP_OWNER, NEED_ALWAYS,
			      "close, open again as a new owner that maps nothing, set up the "
			      "rings at the closed owner's IOVAs, DRIVER_OK" },
	[STEP_DPO_AFTER_CLOSE] = { "dp_owner_after_close", PHASE_DP_OWNER, NEED_ALWAYS,
				   "a round trip: it must not reach the closed owner's buffers" },
};

const char *probe_status_name(enum probe_status s)
{
	static const char *const names[PR_STATUS_COUNT] = { "pass", "fail", "skipped",
							    "interrupted" };

	return (unsigned)s < PR_STATUS_COUNT ? names[s] : "fail";
}

const char *step_key(enum step_id s)
{
	return (unsigned)s < STEP_COUNT ? step_table[s].key : "unknown";
}

bool step_applies(enum step_id s, bool persist_offered)
{
	switch (step_table[s].need) {
	case NEED_PERSIST_OFFERED:
		return persist_offered;
	case NEED_PERSIST_NOT_OFFERED:
		return !persist_offered;
	case NEED_MARKER:
		return false;
	default:
		return true;
	}
}

const struct dp_steps *dp_steps_for(bool ack_persist)
{
	static const struct dp_steps acked = { STEP_DP_SETUP, STEP_DP_BEFORE, STEP_DP_RESET,
					       STEP_DP_AFTER };
	static const struct dp_steps compat = { STEP_DPC_SETUP, STEP_DPC_BEFORE, STEP_DPC_RESET,
						STEP_DPC_AFTER };

	return ack_persist ? &acked : &compat;
}
