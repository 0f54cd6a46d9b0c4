/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysfs.h - vDPA devices as sysfs shows them (drivers/vdpa/vdpa.c, the vdpa bus in sysfs):
 * /sys/bus/vdpa/devices, the bound driver, the vhost-vdpa-N child and its dev_t, the parent device
 * and its driver, and the module parameters that change probe behaviour. Read-only; opens no device
 * node.
 */
#ifndef VDPACTL_SYSFS_H
#define VDPACTL_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

struct sysfs_vdpa {
	char *name;		    /* vdpa device name (directory name on the bus) */
	char *bound_driver;	    /* "vhost_vdpa", "virtio_vdpa", or NULL when unbound */
	char *driver_override;	    /* NULL if the file is absent or empty */
	char *char_name;	    /* "vhost-vdpa-N" child, or NULL */
	int char_major, char_minor; /* -1 when no child or its dev file is unreadable */
	char *parent_bus;    /* "pci", "auxiliary", ... or NULL (no parent: vdpa_sim, VDUSE root) */
	char *parent_id;     /* "0000:00:03.0", "mlx5_core.sf.1", ... or NULL */
	char *parent_driver; /* driver bound to the parent device, or NULL */
	char *path;	     /* resolved sysfs directory */
	/* a VDUSE device's parent is its control device, /dev/vduse/NAME (class vduse): */
	int vduse_major, vduse_minor; /* its "dev"; -1 when not VDUSE or unreadable */
	long vduse_msg_timeout;	      /* its "msg_timeout" in seconds (0: no limit); -1 unknown */
};

struct sysfs_params {
	long vhost_vdpa_max_iotlb_entries; /* -1 when unknown */
	int vdpa_sim_use_va;		   /* -1 unknown, 0, 1 */
	int vdpa_sim_batch_mapping;	   /* -1 unknown, 0, 1 */
	long vdpa_sim_max_iotlb_entries;   /* -1 when unknown */
};

/*
 * Every device under /sys/bus/vdpa/devices, sorted by name. Returns the count (0 if the bus
 * does not exist: no vDPA in this kernel), or -errno with an error in @errs.
 * @vmajor: the vhost-vdpa major from /proc/devices, which finds every vhost-vdpa-N child in
 * /sys/dev/char; -1 when unknown: each device's directory is looked into instead.
 * Malformed files (a "dev" that is not MAJ:MIN, a node link that cannot be read) leave the field
 * unknown and add an error.
 */
int sysfs_scan(struct sysfs_vdpa **out, int vmajor, struct err_list *errs);
/* A device asked for by the command line: its vdpa name, and its node when the node was named */
struct sysfs_want {
	char *name;
	char *dir;	 /* the device's directory, when its node named it */
	char *char_name; /* "vhost-vdpa-N" or NULL: then the device's directory is looked into */
	int major, minor;
};

/*
 * The same for just the devices @want, in a few calls per device whatever the size of the host:
 * a name that is not on the bus is left out quietly, as are duplicates and NULL or empty names.
 * Returns the count.
 */
int sysfs_scan_names(struct sysfs_vdpa **out, const struct sysfs_want *want, size_t n_want,
		     struct err_list *errs);
/*
 * The vdpa device of character device @major:@minor: /sys/dev/char/MAJ:MIN is a link to
 * .../<vdpa device>/vhost-vdpa-N. 0 with @w filled (sysfs_want_free() it), -1 if it is no such
 * link, -2 if the link cannot be read (errno says why).
 */
int sysfs_node_device(unsigned major, unsigned minor, struct sysfs_want *w);
void sysfs_want_free(struct sysfs_want *w);
void sysfs_free(struct sysfs_vdpa *v, size_t n);
/* true if /sys/bus/vdpa exists */
bool sysfs_has_vdpa_bus(void);
void sysfs_read_params(struct sysfs_params *p);

/* Pure helpers (unit-tested): parse "MAJ:MIN\n"; -1 on malformed input. */
int sysfs_parse_devt(const char *text, int *major, int *minor);
/* Pure: a module parameter's text: "Y"/"N"/"1"/"0" -> 1/0, else -1. */
int sysfs_parse_bool(const char *text);
/*
 * Pure: the symlink contents @target, read in directory @dir (absolute), as an absolute path
 * with "." and ".." resolved by name. For sysfs this is realpath() without its readlink() per
 * component: a kernfs link holds the relative path of a kernfs directory (fs/kernfs/symlink.c,
 * kernfs_get_target_path()), and no directory on that path is itself a link.
 * 0, or -1 if the path does not fit @len at any point of the walk or climbs above "/".
 */
int sysfs_join_link(const char *dir, const char *target, char *out, size_t len);

#endif
