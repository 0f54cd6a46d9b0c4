/* SPDX-License-Identifier: MIT */
/*
 * fake_uapi.h - vhost/vhost-vdpa UAPI constants the fake kernel needs.
 *
 * Everything comes from <linux/vhost.h>, <linux/vhost_types.h> and
 * <linux/virtio_*.h> as installed (Debian bookworm ships the 6.1 UAPI).  Only
 * what those headers lack is defined here, each under #ifndef and with the
 * kernel version that added it (include/uapi/linux/vhost_types.h; drivers/vhost/vdpa.c).
 */
#ifndef FAKE_UAPI_H
#define FAKE_UAPI_H

#include <linux/types.h>
#include <linux/vhost.h>
#include <linux/vhost_types.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

/*
 * What bookworm's 6.1 headers lack and vdpactl also needs (backend bits RESUME..IOTLB_PERSIST,
 * VHOST_VDPA_RESUME, GET_VRING_DESC_GROUP, GET_VRING_SIZE) is defined once, in src/compat.h.
 */
#include "../../src/compat.h"

/* ioctls only the fake needs. */
#ifndef VHOST_GET_FEATURES_ARRAY
/* Linux 6.17: struct vhost_features_array { __u64 count; __u64 features[]; } */
#define VHOST_GET_FEATURES_ARRAY _IOR(VHOST_VIRTIO, 0x83, __u64)
#define VHOST_SET_FEATURES_ARRAY _IOW(VHOST_VIRTIO, 0x83, __u64)
#endif
#ifndef VHOST_SET_FORK_FROM_OWNER
#define VHOST_SET_FORK_FROM_OWNER _IOW(VHOST_VIRTIO, 0x84, __u8) /* Linux 6.17 */
#endif
#ifndef VHOST_GET_FORK_FROM_OWNER
#define VHOST_GET_FORK_FROM_OWNER _IOR(VHOST_VIRTIO, 0x85, __u8) /* Linux 6.17 */
#endif

/* Backend feature masks used throughout the fake. */
#define FAKE_BF(bit) (1ULL << (bit))
#define FAKE_BF_MSG_V2 FAKE_BF(VHOST_BACKEND_F_IOTLB_MSG_V2)
#define FAKE_BF_BATCH FAKE_BF(VHOST_BACKEND_F_IOTLB_BATCH)
#define FAKE_BF_ASID FAKE_BF(VHOST_BACKEND_F_IOTLB_ASID)
#define FAKE_BF_SUSPEND FAKE_BF(VHOST_BACKEND_F_SUSPEND)
#define FAKE_BF_RESUME FAKE_BF(VHOST_BACKEND_F_RESUME)
#define FAKE_BF_EADOK FAKE_BF(VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK)
#define FAKE_BF_DESC_ASID FAKE_BF(VHOST_BACKEND_F_DESC_ASID)
#define FAKE_BF_PERSIST FAKE_BF(VHOST_BACKEND_F_IOTLB_PERSIST)

/* struct vhost_msg / vhost_msg_v2 are both 72 bytes on x86-64 (). */
#define FAKE_VHOST_MSG_SIZE 72

#endif /* FAKE_UAPI_H */
