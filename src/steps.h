/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * steps.h - the one table of probe steps: id, order, phase and what each needs. The probe, the
 * data path, both renderers and the schema test (tests/unit/test_steps.c) read it; no list of
 * step ids is written out anywhere else.
 */
#ifndef VDPACTL_STEPS_H
#define VDPACTL_STEPS_H

#include <stdbool.h>

/* In the order they run. */
enum step_id {
	STEP_OPEN,
	STEP_IDENTIFY,
	/* control-plane probe */
	STEP_MEMORY,
	STEP_SBF_PERSIST,
	STEP_SBF,
	STEP_SET_OWNER,
	STEP_MAP,
	STEP_RESET,
	STEP_STATUS_AFTER_RESET,
	STEP_REMAP_OVERLAP,
	STEP_INVALIDATE,
	STEP_REMAP,
	STEP_CLEANUP,
	/* data path: one record when it is not run at all */
	STEP_DATAPATH,
	/* with IOTLB_PERSIST acked */
	STEP_DP_SETUP,
	STEP_DP_BEFORE,
	STEP_DP_RESET,
	STEP_DP_AFTER,
	/* without it (what older userspace gets) */
	STEP_DPC_SETUP,
	STEP_DPC_BEFORE,
	STEP_DPC_RESET,
	STEP_DPC_AFTER,
	/* after the last run: does a closed owner's mapping outlive it? */
	STEP_DPO_REOPEN,
	STEP_DPO_AFTER_CLOSE,
	STEP_COUNT
};

enum step_phase {
	PHASE_OPEN,
	PHASE_CONTROL,
	PHASE_DATAPATH,
	PHASE_DP_ACKED,
	PHASE_DP_COMPAT,
	PHASE_DP_OWNER
};

/* When a step applies at all (a step that does not apply is never recorded). */
enum step_need {
	NEED_ALWAYS,
	NEED_PERSIST_OFFERED,	  /* only when the device offers IOTLB_PERSIST */
	NEED_PERSIST_NOT_OFFERED, /* only when it does not (the refusal test) */
	NEED_MARKER,		  /* recorded only to say the phase did not run */
};

struct step_desc {
	const char *key; /* stable id, the JSON "id" */
	enum step_phase phase;
	enum step_need need;
	const char *what; /* one line: what the step does */
};

extern const struct step_desc step_table[STEP_COUNT];

/* Outcome of a step. PR_INTERRUPTED: cut short by SIGINT/SIGTERM, never evidence. */
enum probe_status { PR_PASS, PR_FAIL, PR_SKIPPED, PR_INTERRUPTED, PR_STATUS_COUNT };

const char *probe_status_name(enum probe_status s); /* pass, fail, skipped, interrupted */
const char *step_key(enum step_id s);

/* Does @s apply to a device that does (@persist_offered) or does not offer IOTLB_PERSIST? */
bool step_applies(enum step_id s, bool persist_offered);

/* The data-path steps of one run: acked (IOTLB_PERSIST) or not. */
struct dp_steps {
	enum step_id setup, before, reset, after;
};
const struct dp_steps *dp_steps_for(bool ack_persist);

#endif
