/* SPDX-License-Identifier: GPL-2.0-or-later */
/* collect.h - fill a device record from an open vhost-vdpa descriptor (read-only ioctls) */
#ifndef VDPACTL_COLLECT_H
#define VDPACTL_COLLECT_H

#include "errors.h"
#include "model.h"

/*
 * Pure: how a failed read-only query errno is reported. Older kernels answer an ioctl they do
 * not know from the generic vhost path (EPERM before SET_OWNER, drivers/vhost/vhost.c
 * vhost_dev_ioctl(): -EPERM before an owner), so EPERM, ENOTTY, EOPNOTSUPP, ENOTSUPP and ENOBUFS
 * mean "not supported here"; EINTR means interrupted; anything else is unexpected.
 */
enum err_code classify_query_errno(int errnum);

/*
 * Identify the device and read features, status, limits and config space. A query that fails
 * leaves its field invalid with an errors[] entry. Returns 0, or the exit code (1, 130/143)
 * when the device could not be read as a whole.
 */
int collect_device(struct vdpa_device *d, int fd);

#endif
