/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat.h - kernel UAPI constants that Debian bookworm's <linux/...> headers (Linux 6.1) lack.
 *
 * Everything else comes from the installed kernel headers. Each definition below is guarded, so a
 * newer header wins, and names the mainline release that added it.
 */
#ifndef VDPACTL_COMPAT_H
#define VDPACTL_COMPAT_H

#include <linux/vhost.h>
#include <linux/vhost_types.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

/* vhost backend features (bit numbers, not masks) */
#ifndef VHOST_BACKEND_F_RESUME
#define VHOST_BACKEND_F_RESUME 0x5 /* Linux 6.3 */
#endif
#ifndef VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK
#define VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK 0x6 /* Linux 6.6 */
#endif
#ifndef VHOST_BACKEND_F_DESC_ASID
#define VHOST_BACKEND_F_DESC_ASID 0x7 /* Linux 6.7 */
#endif
#ifndef VHOST_BACKEND_F_IOTLB_PERSIST
#define VHOST_BACKEND_F_IOTLB_PERSIST 0x8 /* Linux 6.7 */
#endif

/* vhost-vdpa ioctls */
#ifndef VHOST_VDPA_RESUME
#define VHOST_VDPA_RESUME _IO(VHOST_VIRTIO, 0x7E) /* Linux 6.3 */
#endif
#ifndef VHOST_VDPA_GET_VRING_DESC_GROUP
#define VHOST_VDPA_GET_VRING_DESC_GROUP                                                            \
	_IOWR(VHOST_VIRTIO, 0x7F, struct vhost_vring_state) /* 6.7 */
#endif
#ifndef VHOST_VDPA_GET_VRING_SIZE
#define VHOST_VDPA_GET_VRING_SIZE _IOWR(VHOST_VIRTIO, 0x82, struct vhost_vring_state) /* 6.9 */
#endif

/* virtio transport features */
#ifndef VIRTIO_F_NOTIFICATION_DATA
#define VIRTIO_F_NOTIFICATION_DATA 38 /* Linux 6.4 */
#endif
#ifndef VIRTIO_F_NOTIF_CONFIG_DATA
#define VIRTIO_F_NOTIF_CONFIG_DATA 39 /* Linux 6.7 */
#endif
#ifndef VIRTIO_F_ADMIN_VQ
#define VIRTIO_F_ADMIN_VQ 41 /* Linux 6.8 */
#endif

/* virtio-net features */
#ifndef VIRTIO_NET_F_DEVICE_STATS
#define VIRTIO_NET_F_DEVICE_STATS 50 /* Linux 6.10 */
#endif
#ifndef VIRTIO_NET_F_VQ_NOTF_COAL
#define VIRTIO_NET_F_VQ_NOTF_COAL 52 /* Linux 6.6 */
#endif
#ifndef VIRTIO_NET_F_GUEST_USO4
#define VIRTIO_NET_F_GUEST_USO4 54 /* Linux 6.2 */
#endif
#ifndef VIRTIO_NET_F_GUEST_USO6
#define VIRTIO_NET_F_GUEST_USO6 55 /* Linux 6.2 */
#endif
#ifndef VIRTIO_NET_F_HOST_USO
#define VIRTIO_NET_F_HOST_USO 56 /* Linux 6.2 */
#endif
#ifndef VIRTIO_NET_F_GUEST_HDRLEN
#define VIRTIO_NET_F_GUEST_HDRLEN 59 /* Linux 6.4 */
#endif

/* virtio-blk features */
#ifndef VIRTIO_BLK_F_ZONED
#define VIRTIO_BLK_F_ZONED 17 /* Linux 6.3 */
#endif

#endif
