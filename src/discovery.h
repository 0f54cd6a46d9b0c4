/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * discovery.h - what the host has, without opening any device: sysfs (always) joined with the
 * vdpa netlink family (when the kernel has it), and the helpers that tie a vhost-vdpa node to
 * its vdpa device, management device and parent driver.
 */
#ifndef VDPACTL_DISCOVERY_H
#define VDPACTL_DISCOVERY_H

#include <stdbool.h>

#include "model.h"
#include "netlink.h"
#include "sysfs.h"
#include "vduse.h"

struct discovery {
	struct sysfs_vdpa *sys;
	size_t n_sys;
	bool netlink_ok; /* the family answered */
	struct nl_vdpa nl;
	struct sysfs_params params;
	size_t *by_devt; /* indexes of sys[] sorted by (major, minor) */
	struct vduse_scan
		vduse; /* the daemons of its VDUSE devices (vduse_scan_run(); show, probe) */
};

/* Gather both sources. Never fails as a whole: problems are recorded in @errs. */
void discovery_load(struct discovery *dv, bool with_config, struct err_list *errs);
/*
 * The same for just the devices that command line arguments @args name (see devarg_to_path():
 * a node path, vhost-vdpa-N, or a vdpa device name), in a few calls per device whatever the
 * size of the host. Nothing is opened; arguments that name nothing are left to the caller.
 */
void discovery_load_args(struct discovery *dv, char *const *args, size_t n_args,
			 struct err_list *errs);
void discovery_free(struct discovery *dv);

const struct sysfs_vdpa *discovery_by_name(const struct discovery *dv, const char *name);
const struct sysfs_vdpa *discovery_by_devt(const struct discovery *dv, unsigned major,
					   unsigned minor);

/* Fill the discovery fields of a device record (vdpa name, mgmtdev, parent, bound driver). */
void discovery_annotate(const struct discovery *dv, const struct sysfs_vdpa *s,
			struct vdpa_device *d);

#endif
