/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vduse.h - a VDUSE device's daemon, looked at before its vhost-vdpa node is opened.
 *
 * A VDUSE device (vDPA Device in Userspace) is served by a daemon that holds its control device
 * /dev/vduse/NAME. Opening vhost-vdpa resets the device (vhost_vdpa_open(), drivers/vhost/vdpa.c),
 * and VDUSE turns the reset into a message to the daemon (vduse_vdpa_reset() ->
 * vduse_dev_set_status() -> vduse_dev_msg_sync(), drivers/vdpa/vdpa_user/vduse_dev.c, 6.1 and
 * 6.12). A daemon that is gone or stopped never answers: the open then waits the device's
 * msg_timeout (30 s by default; 0 waits without limit, and only SIGKILL ends the wait), fails
 * with EIO, and the device is marked broken for good, so that a restarted daemon can no longer
 * serve it. vdpactl therefore looks for the daemon first (one pass over /proc for every VDUSE
 * device of the run, holder.h) and does not open a device whose daemon is gone or stopped.
 */
#ifndef VDPACTL_VDUSE_H
#define VDPACTL_VDUSE_H

#include <stdbool.h>
#include <stddef.h>

#include "holder.h"

struct discovery;
struct sysfs_vdpa;
struct vdpa_device;

enum vduse_daemon {
	VDUSE_NOT_CHECKED, /* not a VDUSE device, or nothing looked (list) */
	VDUSE_RUNNING,	   /* a process holds the control device and is not stopped */
	VDUSE_STOPPED,	   /* every holder is stopped (state T or t): it cannot answer */
	VDUSE_GONE,	   /* no process holds the control device */
	VDUSE_UNKNOWN,	   /* /proc could not tell (errors say why) */
};

/* What a device record carries about its VDUSE control device (model.h). */
struct vduse_info {
	bool present;	  /* the parent is a VDUSE control device */
	char *ctl_path;	  /* "/dev/vduse/NAME" */
	int major, minor; /* its device number; -1 unknown */
	long msg_timeout; /* seconds a message may wait; 0 no limit; -1 unknown */
	enum vduse_daemon daemon;
	struct holder_info holders; /* the daemon's processes (when checked) */
	char *states;		    /* their /proc/PID/stat state letters, one per holder */
};

void vduse_info_free(struct vduse_info *v);
/* What sysfs says (@s: the vdpa device's record): present, control device, msg_timeout. */
void vduse_annotate(struct vduse_info *v, const struct sysfs_vdpa *s);

/* "running", "stopped", "gone", "unknown"; NULL for VDUSE_NOT_CHECKED */
const char *vduse_daemon_name(enum vduse_daemon s);

/*
 * Pure: the daemon's status from the holders of its control device (@h) and their state
 * letters (@states, one per process; '?' when unreadable).
 */
enum vduse_daemon vduse_daemon_of(const struct holder_info *h, const char *states);

/*
 * Pure: why the device must not be opened, into @buf; false when it may be. A daemon that is
 * gone or stopped would break the device; one that cannot be seen is opened only when
 * msg_timeout bounds the wait.
 */
bool vduse_refusal(const struct vduse_info *v, char *buf, size_t len);

/* One /proc pass for the daemons of every VDUSE device the discovery holds (dv->vduse); none
 * when it holds no VDUSE device. */
struct vduse_scan {
	bool done;
	struct holder_scan s;
	char *states; /* per s.procs[] */
};

void vduse_scan_run(struct discovery *dv);
void vduse_scan_free(struct vduse_scan *vs);

/*
 * For a device whose node is known (d->has_devt): when its parent is a VDUSE control device,
 * fill d->vduse from dv->vduse and, when the device must not be opened, add an "unavailable" error
 * and return its exit code; 0: open it.
 */
int vduse_gate(struct vdpa_device *d, const struct discovery *dv);

/*
 * After a failed open (@rc its exit code): EIO from opening a VDUSE device's node is the kernel's
 * answer for a device that is broken (a message to the daemon timed out, now or before:
 * vduse_dev_msg_sync() returns EIO and marks the device broken for good). The error says so and
 * becomes "unavailable"; returns the exit code to use.
 */
int vduse_open_failed(struct vdpa_device *d, int rc);

#endif
