/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * model.h - plain data that commands collect and output_json.c / output_text.c render.
 * Nothing here does I/O; a field that could not be read has valid == false and an errors[] entry.
 */
#ifndef VDPACTL_MODEL_H
#define VDPACTL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "errors.h"
#include "feature_bits.h"
#include "holder.h"
#include "host.h"
#include "netlink.h"
#include "parents.h"
#include "steps.h"
#include "sysfs.h"
#include "vduse.h"
#include "verdict.h"

struct opt_u64 {
	bool valid;
	uint64_t v;
};

/* One step of a probe (steps.h): which step, outcome, duration, errno when relevant. */
struct probe_record {
	enum step_id step;
	enum probe_status status;
	uint64_t duration_us;
	int errnum; /* 0 if none */
	char detail[160];
};

#define MAX_PROBES 24

struct vdpa_device {
	char *arg;	    /* the DEV argument as given (or the scanned path for --all) */
	char *char_device;  /* "/dev/vhost-vdpa-N" or the path given */
	char *name;	    /* vdpa device name when known, else the char device's basename */
	char *vdpa_device;  /* NULL until discovery knows it */
	bool discovered;    /* sysfs knows this device */
	char *mgmtdev;	    /* management device handle (netlink), or NULL */
	char *bound_driver; /* vdpa bus driver (sysfs), or NULL */
	char *driver_override;
	char *parent_bus, *parent_id, *parent_driver; /* parent device (sysfs), or NULL */
	char *note; /* why there is no vhost-vdpa interface, for list */
	bool has_nl;
	struct nl_dev nl; /* netlink facts (numbers only; name/mgmtdev are NULL) */
	bool has_devt;
	unsigned dev_major, dev_minor;
	int exit_code; /* 0, or the exit code of the failure that stopped this device */
	bool opened;   /* the device was opened and identified */

	struct opt_u64 device_id;
	enum dev_class cls;
	struct opt_u64 backend_features;
	struct opt_u64 device_features;
	struct opt_u64 status;
	struct opt_u64 max_vring_size;
	struct opt_u64 vq_count;
	struct opt_u64 config_size;
	struct opt_u64 address_spaces;
	struct opt_u64 groups;
	struct opt_u64 iova_first, iova_last; /* valid together */

	bool config_valid;
	uint8_t *config_raw; /* bytes read from config space */
	size_t config_len;
	struct cfg_decoded *config; /* decoded config_raw (show, probe; NULL until read) */

	struct probe_record *probes; /* room for MAX_PROBES, allocated by the first probe_add */
	size_t n_probes;
	uint64_t acked_backend; /* what the probe acked with VHOST_SET_BACKEND_FEATURES */
	char probe_failure[200];
	char dp_failure[200]; /* why an asked-for data path did not verify */
	bool dp_forced_real;  /* --datapath=force ran the data path on a real parent (warned) */

	/*
	 * probe, check: the verdict. Its zero state is VS_NONE, "not evaluated" (rendered as null
	 * in JSON, "unknown (not evaluated)" in text): a device gets a verdict only from
	 * verdict_compute() on evidence gathered to the end.
	 */
	bool interrupted; /* a signal arrived before this device's evaluation finished */
	struct prediction prediction; /* what the table of parent drivers predicts */
	struct verdict_input
		*vin; /* probe, check: allocated before the evaluation (NULL in list, show) */
	struct verdict verdict;
	uint64_t required;	   /* check --require: backend feature mask asked for */
	uint64_t required_missing; /* ...and the bits of it that are not offered */

	/* who has the node open (holder.h): list looks for every device, the others when busy */
	struct holder_info holder;
	/* a VDUSE device: its control device and daemon (vduse.h); present false otherwise */
	struct vduse_info vduse;

	struct err_list errors;
};

/* Counts of a run, computed once (run_summarize) and printed by both renderers. */
struct summary {
	size_t devices, succeeded, failed;
	bool has_verdicts;		    /* probe, check */
	size_t trusted, untrusted, unknown; /* unknown includes devices without a verdict */
};

struct run {
	const char *command; /* NULL when the command line could not be parsed */
	struct host_info host;
	struct vdpa_device *dev;
	size_t n_dev;
	bool complete;
	int exit_code;
	struct err_list errors; /* run-level errors (usage, /proc/devices, ...) */
	bool evaluates;		/* probe/check: devices carry verdicts, summary counts them */
	bool gate_lines;	/* check: one line per device in text */
	bool rendered;		/* the command printed its own output (metrics) */
	struct summary summary;
	bool listing; /* list: discovery only, nothing opened */
	bool netlink_ok, have_sysfs;
	struct sysfs_params params;
	struct nl_mgmtdev *mgmt; /* list: management devices */
	size_t n_mgmt;
	bool features_catalogue; /* the features command: render the feature table */
	uint64_t ns_filter;	 /* features command: bit per enum feat_ns to include */
};

/* Free what a device owns and zero it (run_free does this for every device). */
void device_free(struct vdpa_device *d);
void run_free(struct run *r);
struct vdpa_device *run_add_device(struct run *r, const char *arg, const char *path);
/* true if any device or run-level error exists */
bool run_has_errors(const struct run *r);
/* Fill r->summary from the devices (both renderers print it). */
void run_summarize(struct run *r);

#endif
