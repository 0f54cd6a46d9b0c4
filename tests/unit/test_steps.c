// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the step table is the one list of probe steps. The schema's enums of probe ids,
 * probe statuses, check ids and check states must be exactly what the tables in the code give;
 * skip_rest() marks only the later steps of the same phase that apply.
 */
#include <json-c/json.h>
#include <stdlib.h>

#include "probe.h"
#include "tap.h"
#include "verdict.h"

#ifndef SCHEMA_FILE
#define SCHEMA_FILE "src/vdpactl.schema.json"
#endif

static json_object *path(json_object *o, const char *const *keys)
{
	for (; o && *keys; keys++)
		if (!json_object_object_get_ex(o, *keys, &o))
			return NULL;
	return o;
}

/* The schema enum at @keys must equal names[0..n) in order. */
static void same_enum(json_object *schema, const char *const *keys, const char *(*name)(int), int n,
		      const char *what)
{
	json_object *e = path(schema, keys);
	size_t len = e ? json_object_array_length(e) : 0;
	bool same = e && len == (size_t)n;

	for (int i = 0; same && i < n; i++)
		same = !strcmp(json_object_get_string(json_object_array_get_idx(e, (size_t)i)),
			       name(i));
	ok(same, "schema %s: %zu values, the table has %d, in the same order", what, len, n);
}

static const char *step_name(int i)
{
	return step_key((enum step_id)i);
}
static const char *pstatus_name(int i)
{
	return probe_status_name((enum probe_status)i);
}
static const char *check_name(int i)
{
	return check_table[i].key;
}
static const char *cstate_name(int i)
{
	return check_state_name((enum check_state)i);
}

/* A device's evidence record as the evaluation allocates it (device_free frees it). */
static struct verdict_input *evidence(bool persist_offered)
{
	struct verdict_input *vin = calloc(1, sizeof(*vin));

	if (!vin)
		abort();
	vin->persist_offered = persist_offered;
	return vin;
}

int main(void)
{
	json_object *schema = json_object_from_file(SCHEMA_FILE);
	static const char *const probe_id[] = {
		"$defs", "probe", "properties", "id", "enum", NULL
	};
	static const char *const probe_st[] = { "$defs",  "probe", "properties",
						"status", "enum",  NULL };
	static const char *const check_id[] = {
		"$defs", "check", "properties", "id", "enum", NULL
	};
	static const char *const check_st[] = { "$defs",  "check", "properties",
						"status", "enum",  NULL };
	struct vdpa_device d;

	ok(schema != NULL, "the schema parses: %s", SCHEMA_FILE);
	same_enum(schema, probe_id, step_name, STEP_COUNT, "probe ids");
	same_enum(schema, probe_st, pstatus_name, PR_STATUS_COUNT, "probe statuses");
	same_enum(schema, check_id, check_name, CHK_COUNT, "check ids");
	same_enum(schema, check_st, cstate_name, CS_SKIPPED + 1, "check states");
	json_object_put(schema);

	/* the table is in execution order and every key is unique */
	for (int i = 0; i < STEP_COUNT; i++)
		for (int j = i + 1; j < STEP_COUNT; j++)
			ok(strcmp(step_table[i].key, step_table[j].key) != 0 &&
				   step_table[i].phase <= step_table[j].phase,
			   "%s before %s", step_table[i].key, step_table[j].key);

	/* skip_rest: the later steps of the phase that apply, nothing else */
	memset(&d, 0, sizeof(d));
	d.vin = evidence(true);
	probe_skip_rest(&d, STEP_SET_OWNER, "an earlier step failed");
	is_u64(d.n_probes, STEP_CLEANUP - STEP_SET_OWNER, "control steps after set_owner");
	ok(d.probes[0].step == STEP_MAP && d.probes[d.n_probes - 1].step == STEP_CLEANUP &&
		   d.probes[0].status == PR_SKIPPED,
	   "map .. cleanup, skipped");
	is_str(d.probes[0].detail, "not run: an earlier step failed", "detail says why");
	device_free(&d);
	d.vin = evidence(false);
	probe_skip_rest(&d, STEP_MEMORY, "x");
	ok(d.probes[0].step == STEP_SBF_PERSIST, "not offered: the refusal test is a later step");
	device_free(&d);
	d.vin = evidence(true);
	probe_skip_rest(&d, STEP_MEMORY, "x");
	ok(d.probes[0].step == STEP_SBF, "offered: no refusal test");
	device_free(&d);
	d.vin = evidence(false);
	probe_skip_rest(&d, STEP_DPC_SETUP, "x");
	ok(d.n_probes == 3 && d.probes[2].step == STEP_DPC_AFTER, "data path: its own phase only");
	device_free(&d);

	/* dp_steps_for: the acked run and the compat run */
	ok(dp_steps_for(true)->after == STEP_DP_AFTER &&
		   dp_steps_for(false)->setup == STEP_DPC_SETUP,
	   "data-path step sets");
	ok(!step_applies(STEP_DATAPATH, true) && !step_applies(STEP_DP_SETUP, false) &&
		   step_applies(STEP_SBF_PERSIST, false) && !step_applies(STEP_SBF_PERSIST, true),
	   "needs");
	return tap_done();
}
