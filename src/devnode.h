/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devnode.h - naming of vhost-vdpa device nodes: DEV arguments, the vhost-vdpa major from
 * /proc/devices, and the scan of /dev for --all. Never opens a device node.
 */
#ifndef VDPACTL_DEVNODE_H
#define VDPACTL_DEVNODE_H

#include <stddef.h>

#include "discovery.h"
#include "errors.h"

/* Highest minor the kernel hands out for vhost-vdpa-N (IDA limit, drivers/vhost/vdpa.c
 * vhost_vdpa_open()/vhost_vdpa_release()). */
#define VHOST_VDPA_MAX_MINOR ((1u << 20) - 1)

/*
 * Pure: find "<major> <name>" in the "Character devices:" section of /proc/devices text.
 * Returns 0 and *major, -ENOENT if the name is not listed, -EINVAL if the text is malformed
 * (no "Character devices:" header, or a line in that section that is not "<number> <name>").
 */
int procdevices_find(const char *text, const char *name, unsigned *major);

/* Pure: the name of character major @major in /proc/devices text into @name; -ENOENT if none. */
int procdevices_name(const char *text, unsigned major, char *name, size_t size);

/*
 * Name of the character driver owning @major (from the /proc/devices text read by
 * vhost_vdpa_major), or NULL.
 */
const char *chrdev_driver_name(unsigned major);
/* Free what vhost_vdpa_major() kept. */
void devnode_release(void);

/*
 * Read /proc/devices and find the vhost-vdpa major. Returns 0, or -errno with an error
 * recorded in @errs (ENOENT: the driver is not loaded / not built).
 */
int vhost_vdpa_major(unsigned *major, struct err_list *errs);

/*
 * Turn a DEV argument into a path. "/dev/vhost-vdpa-N" and other paths (anything with a '/')
 * are used as given; "vhost-vdpa-N" becomes "/dev/vhost-vdpa-N"; a vdpa device name known to
 * @dv (may be NULL) becomes its vhost-vdpa node. Returns NULL with an error in @errs: a usage
 * error (*exit_code 2) for anything else, or "no vhost-vdpa interface" (3) for a vdpa device
 * bound to another driver.
 */
char *devarg_to_path(const char *arg, const struct discovery *dv, struct err_list *errs,
		     int *exit_code);

/* Scan /dev for vhost-vdpa-N nodes, sorted by N. Returns count, or -errno (error in @errs). */
int devnode_scan(char ***paths, struct err_list *errs);
void devnode_free_list(char **paths, size_t n);

#endif
