// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * feature_bits.c - every feature bit this build knows, as data.
 *
 * Bit numbers come from the kernel headers (compat.h supplies what bookworm's 6.1 headers lack).
 * "since" is the mainline release whose UAPI header first defined the bit (researched from
 * maintainer pull requests, QEMU header syncs and the 6.1/6.12 sources; bits older than
 * vhost-vdpa itself, 5.7, are informational and least certain).
 *
 * Backend rows cite the mainline commit that added the define to the UAPI (commit id, subject,
 * first release). IOTLB_MSG_V2 and IOTLB_BATCH were first defined in include/uapi/linux/vhost.h
 * and moved to include/uapi/linux/vhost_types.h by 175d493c3c3e ("vhost: move the backend feature
 * bits to vhost_types.h", v5.19); every later bit was added to vhost_types.h directly.
 */
#include "feature_bits.h"

#include <linux/virtio_ids.h>
#include <strings.h>

#include "compat.h"
#include "util.h"

#define F(ns_, bit_, name_, since_, meaning_)                                                      \
	{                                                                                          \
		ns_, bit_, name_, since_, meaning_                                                 \
	}

const struct feature_desc feature_table[] = {
	/* vhost backend features (VHOST_GET/SET_BACKEND_FEATURES) */
	/* 429711aec282 "vhost: switch to use new message format" (v4.19, in vhost.h) */
	F(NS_BACKEND, VHOST_BACKEND_F_IOTLB_MSG_V2, "IOTLB_MSG_V2", "4.19",
	  "IOTLB messages use struct vhost_msg_v2 (with an ASID field)"),
	/* 25abc060d282 "vhost-vdpa: support IOTLB batching hints" (v5.9, in vhost.h) */
	F(NS_BACKEND, VHOST_BACKEND_F_IOTLB_BATCH, "IOTLB_BATCH", "5.9",
	  "IOTLB updates can be batched between BATCH_BEGIN and BATCH_END"),
	/* 91233ad71186 "vhost: support ASID in IOTLB API" (v5.19) */
	F(NS_BACKEND, VHOST_BACKEND_F_IOTLB_ASID, "IOTLB_ASID", "5.19",
	  "the asid field of IOTLB messages selects an address space"),
	/*
	 * 0723f1df5c3e "vhost-vdpa: introduce SUSPEND backend feature bit" (v6.0); the ioctl came
	 * with f345a0143b4d "vhost-vdpa: uAPI to suspend the device" (v6.0, in vhost.h)
	 */
	F(NS_BACKEND, VHOST_BACKEND_F_SUSPEND, "SUSPEND", "6.0",
	  "VHOST_VDPA_SUSPEND stops the device without resetting it"),
	/* 69106b6fb3d7 "vhost-vdpa: Introduce RESUME backend feature bit" (v6.3) */
	F(NS_BACKEND, VHOST_BACKEND_F_RESUME, "RESUME", "6.3",
	  "VHOST_VDPA_RESUME restarts a suspended device"),
	/* 8b59b4da9b56 "vdpa: add VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK flag" (v6.6) */
	F(NS_BACKEND, VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK, "ENABLE_AFTER_DRIVER_OK", "6.6",
	  "virtqueues may be enabled after DRIVER_OK"),
	/* 7db0d6027e69 "vhost-vdpa: introduce descriptor group backend feature" (v6.7) */
	F(NS_BACKEND, VHOST_BACKEND_F_DESC_ASID, "DESC_ASID", "6.7",
	  "a virtqueue's descriptor areas may live in their own address space"),
	/* 4398776f7a6d "vhost-vdpa: introduce IOTLB_PERSIST backend feature bit" (v6.7) */
	F(NS_BACKEND, VHOST_BACKEND_F_IOTLB_PERSIST, "IOTLB_PERSIST", "6.7",
	  "IOTLB mappings survive a device reset (kernel and parent promise)"),

	/* virtio transport features (all device classes) */
	F(NS_TRANSPORT, VIRTIO_F_NOTIFY_ON_EMPTY, "NOTIFY_ON_EMPTY", "2.6.25",
	  "legacy: notify when the available ring runs empty"),
	F(NS_TRANSPORT, VIRTIO_F_ANY_LAYOUT, "ANY_LAYOUT", "3.8",
	  "legacy: no assumptions about the descriptor layout of requests"),
	F(NS_TRANSPORT, VIRTIO_RING_F_INDIRECT_DESC, "RING_INDIRECT_DESC", "2.6.29",
	  "indirect descriptor tables"),
	F(NS_TRANSPORT, VIRTIO_RING_F_EVENT_IDX, "RING_EVENT_IDX", "3.0",
	  "used_event/avail_event notification suppression"),
	F(NS_TRANSPORT, VIRTIO_F_VERSION_1, "VERSION_1", "3.19",
	  "virtio 1.0 compliant device (little-endian, modern layout)"),
	F(NS_TRANSPORT, VIRTIO_F_ACCESS_PLATFORM, "ACCESS_PLATFORM", "4.8",
	  "device accesses memory through a platform translation (IOMMU/IOTLB)"),
	F(NS_TRANSPORT, VIRTIO_F_RING_PACKED, "RING_PACKED", "5.0", "packed virtqueue layout"),
	F(NS_TRANSPORT, VIRTIO_F_IN_ORDER, "IN_ORDER", "5.18",
	  "buffers are used in the order they were made available"),
	F(NS_TRANSPORT, VIRTIO_F_ORDER_PLATFORM, "ORDER_PLATFORM", "5.0",
	  "memory accesses need platform (not just CPU) ordering"),
	F(NS_TRANSPORT, VIRTIO_F_SR_IOV, "SR_IOV", "4.19",
	  "device supports single root I/O virtualization"),
	F(NS_TRANSPORT, VIRTIO_F_NOTIFICATION_DATA, "NOTIFICATION_DATA", "6.4",
	  "driver passes extra data with available-buffer notifications"),
	F(NS_TRANSPORT, VIRTIO_F_NOTIF_CONFIG_DATA, "NOTIF_CONFIG_DATA", "6.7",
	  "driver uses a device-provided value in notifications"),
	F(NS_TRANSPORT, VIRTIO_F_RING_RESET, "RING_RESET", "6.0",
	  "individual virtqueues can be reset"),
	F(NS_TRANSPORT, VIRTIO_F_ADMIN_VQ, "ADMIN_VQ", "6.8",
	  "device has an administration virtqueue"),

	/* virtio-net device features */
	F(NS_NET, VIRTIO_NET_F_CSUM, "CSUM", "2.6.25",
	  "device handles packets with partial checksum"),
	F(NS_NET, VIRTIO_NET_F_GUEST_CSUM, "GUEST_CSUM", "2.6.25",
	  "driver handles packets with partial checksum"),
	F(NS_NET, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, "CTRL_GUEST_OFFLOADS", "3.9",
	  "guest offloads can be changed through the control queue"),
	F(NS_NET, VIRTIO_NET_F_MTU, "MTU", "4.8", "device reports its maximum MTU"),
	F(NS_NET, VIRTIO_NET_F_MAC, "MAC", "2.6.25", "device has a MAC address in config space"),
	F(NS_NET, VIRTIO_NET_F_GSO, "GSO", "2.6.25", "legacy: any GSO type"),
	F(NS_NET, VIRTIO_NET_F_GUEST_TSO4, "GUEST_TSO4", "2.6.25", "driver can receive TSOv4"),
	F(NS_NET, VIRTIO_NET_F_GUEST_TSO6, "GUEST_TSO6", "2.6.25", "driver can receive TSOv6"),
	F(NS_NET, VIRTIO_NET_F_GUEST_ECN, "GUEST_ECN", "2.6.25", "driver can receive TSO with ECN"),
	F(NS_NET, VIRTIO_NET_F_GUEST_UFO, "GUEST_UFO", "2.6.25", "driver can receive UFO"),
	F(NS_NET, VIRTIO_NET_F_HOST_TSO4, "HOST_TSO4", "2.6.25", "device can receive TSOv4"),
	F(NS_NET, VIRTIO_NET_F_HOST_TSO6, "HOST_TSO6", "2.6.25", "device can receive TSOv6"),
	F(NS_NET, VIRTIO_NET_F_HOST_ECN, "HOST_ECN", "2.6.25", "device can receive TSO with ECN"),
	F(NS_NET, VIRTIO_NET_F_HOST_UFO, "HOST_UFO", "2.6.25", "device can receive UFO"),
	F(NS_NET, VIRTIO_NET_F_MRG_RXBUF, "MRG_RXBUF", "2.6.27",
	  "driver can merge receive buffers"),
	F(NS_NET, VIRTIO_NET_F_STATUS, "STATUS", "2.6.30", "config status field is available"),
	F(NS_NET, VIRTIO_NET_F_CTRL_VQ, "CTRL_VQ", "2.6.30", "control virtqueue is available"),
	F(NS_NET, VIRTIO_NET_F_CTRL_RX, "CTRL_RX", "2.6.30", "control queue RX mode support"),
	F(NS_NET, VIRTIO_NET_F_CTRL_VLAN, "CTRL_VLAN", "2.6.30", "control queue VLAN filtering"),
	F(NS_NET, VIRTIO_NET_F_CTRL_RX_EXTRA, "CTRL_RX_EXTRA", "2.6.30",
	  "extra RX mode control (all/no unicast, multicast, broadcast)"),
	F(NS_NET, VIRTIO_NET_F_GUEST_ANNOUNCE, "GUEST_ANNOUNCE", "3.5",
	  "driver can send gratuitous packets"),
	F(NS_NET, VIRTIO_NET_F_MQ, "MQ", "3.8", "multiple queue pairs with automatic steering"),
	F(NS_NET, VIRTIO_NET_F_CTRL_MAC_ADDR, "CTRL_MAC_ADDR", "3.9",
	  "MAC address can be set through the control queue"),
	F(NS_NET, VIRTIO_NET_F_DEVICE_STATS, "DEVICE_STATS", "6.10",
	  "device statistics through the control queue"),
	F(NS_NET, VIRTIO_NET_F_VQ_NOTF_COAL, "VQ_NOTF_COAL", "6.6",
	  "per-virtqueue notification coalescing"),
	F(NS_NET, VIRTIO_NET_F_NOTF_COAL, "NOTF_COAL", "6.0", "notification coalescing"),
	F(NS_NET, VIRTIO_NET_F_GUEST_USO4, "GUEST_USO4", "6.2", "driver can receive USOv4"),
	F(NS_NET, VIRTIO_NET_F_GUEST_USO6, "GUEST_USO6", "6.2", "driver can receive USOv6"),
	F(NS_NET, VIRTIO_NET_F_HOST_USO, "HOST_USO", "6.2", "device can receive USO"),
	F(NS_NET, VIRTIO_NET_F_HASH_REPORT, "HASH_REPORT", "5.7", "device reports packet hashes"),
	F(NS_NET, VIRTIO_NET_F_GUEST_HDRLEN, "GUEST_HDRLEN", "6.4",
	  "driver provides the exact header length"),
	F(NS_NET, VIRTIO_NET_F_RSS, "RSS", "5.7", "receive-side scaling"),
	F(NS_NET, VIRTIO_NET_F_RSC_EXT, "RSC_EXT", "5.7",
	  "extended receive segment coalescing info"),
	F(NS_NET, VIRTIO_NET_F_STANDBY, "STANDBY", "4.18",
	  "acts as standby for a primary device with the same MAC"),
	F(NS_NET, VIRTIO_NET_F_SPEED_DUPLEX, "SPEED_DUPLEX", "4.16",
	  "device reports link speed and duplex"),

	/* virtio-blk device features */
	F(NS_BLOCK, VIRTIO_BLK_F_BARRIER, "BARRIER", "2.6.25", "legacy: request barriers"),
	F(NS_BLOCK, VIRTIO_BLK_F_SIZE_MAX, "SIZE_MAX", "2.6.25",
	  "maximum segment size in size_max"),
	F(NS_BLOCK, VIRTIO_BLK_F_SEG_MAX, "SEG_MAX", "2.6.25",
	  "maximum segments per request in seg_max"),
	F(NS_BLOCK, VIRTIO_BLK_F_GEOMETRY, "GEOMETRY", "2.6.26", "disk geometry in config space"),
	F(NS_BLOCK, VIRTIO_BLK_F_RO, "RO", "2.6.26", "device is read-only"),
	F(NS_BLOCK, VIRTIO_BLK_F_BLK_SIZE, "BLK_SIZE", "2.6.27", "logical block size in blk_size"),
	F(NS_BLOCK, VIRTIO_BLK_F_SCSI, "SCSI", "2.6.32", "legacy: SCSI packet commands"),
	F(NS_BLOCK, VIRTIO_BLK_F_FLUSH, "FLUSH", "2.6.32", "cache flush command"),
	F(NS_BLOCK, VIRTIO_BLK_F_TOPOLOGY, "TOPOLOGY", "2.6.32", "topology information in config"),
	F(NS_BLOCK, VIRTIO_BLK_F_CONFIG_WCE, "CONFIG_WCE", "3.6",
	  "writeback mode can be toggled in config"),
	F(NS_BLOCK, VIRTIO_BLK_F_MQ, "MQ", "3.17", "multiple request queues"),
	F(NS_BLOCK, VIRTIO_BLK_F_DISCARD, "DISCARD", "5.0", "discard command"),
	F(NS_BLOCK, VIRTIO_BLK_F_WRITE_ZEROES, "WRITE_ZEROES", "5.0", "write-zeroes command"),
	F(NS_BLOCK, VIRTIO_BLK_F_SECURE_ERASE, "SECURE_ERASE", "6.1", "secure erase command"),
	F(NS_BLOCK, VIRTIO_BLK_F_ZONED, "ZONED", "6.3", "zoned block device"),

	/* virtio device status (VHOST_VDPA_GET_STATUS), bit numbers of the status byte */
	F(NS_STATUS, 0, "ACKNOWLEDGE", "2.6.24", "the driver has noticed the device"),
	F(NS_STATUS, 1, "DRIVER", "2.6.24", "the driver knows how to drive the device"),
	F(NS_STATUS, 2, "DRIVER_OK", "2.6.24", "the driver is set up and ready"),
	F(NS_STATUS, 3, "FEATURES_OK", "3.19", "feature negotiation is complete"),
	F(NS_STATUS, 6, "NEEDS_RESET", "4.6", "the device has hit an error and needs a reset"),
	F(NS_STATUS, 7, "FAILED", "2.6.24", "the driver has given up on the device"),

	/* virtio-net config "status" field */
	F(NS_NET_STATUS, 0, "LINK_UP", "2.6.29", "link is up"),
	F(NS_NET_STATUS, 1, "ANNOUNCE", "3.8", "driver should send gratuitous packets"),
};
#undef F
const size_t feature_table_len = ARRAY_SIZE(feature_table);

static const char *const ns_names[NS_COUNT] = {
	[NS_BACKEND] = "backend", [NS_TRANSPORT] = "transport", [NS_NET] = "net",
	[NS_BLOCK] = "block",	  [NS_STATUS] = "status",	[NS_NET_STATUS] = "net_status",
};

const char *feat_ns_name(enum feat_ns ns)
{
	return (unsigned)ns < NS_COUNT ? ns_names[ns] : "unknown";
}

int feat_ns_from_name(const char *s)
{
	for (int i = 0; i < NS_COUNT; i++)
		if (!strcasecmp(s, ns_names[i]))
			return i;
	return -1;
}

enum dev_class class_from_device_id(uint32_t id)
{
	switch (id) {
	case VIRTIO_ID_NET:
		return CLASS_NET;
	case VIRTIO_ID_BLOCK:
		return CLASS_BLOCK;
	default:
		return CLASS_UNKNOWN;
	}
}

const char *class_name(enum dev_class c)
{
	switch (c) {
	case CLASS_NET:
		return "net";
	case CLASS_BLOCK:
		return "block";
	default:
		return "unknown";
	}
}

int class_feature_ns(enum dev_class c)
{
	switch (c) {
	case CLASS_NET:
		return NS_NET;
	case CLASS_BLOCK:
		return NS_BLOCK;
	default:
		return -1;
	}
}

const struct feature_desc *feature_lookup(enum feat_ns ns, unsigned bit)
{
	for (size_t i = 0; i < feature_table_len; i++)
		if (feature_table[i].ns == ns && feature_table[i].bit == bit)
			return &feature_table[i];
	return NULL;
}

const struct feature_desc *feature_by_name(enum feat_ns ns, const char *name)
{
	for (size_t i = 0; i < feature_table_len; i++)
		if (feature_table[i].ns == ns && !strcasecmp(feature_table[i].name, name))
			return &feature_table[i];
	return NULL;
}

void decode_mask(uint64_t mask, const enum feat_ns *ns, size_t n_ns, struct decoded_mask *out)
{
	out->n_feat = 0;
	out->n_unknown = 0;
	for (unsigned bit = 0; bit < 64; bit++) {
		const struct feature_desc *f = NULL;

		if (!(mask & (UINT64_C(1) << bit)))
			continue;
		for (size_t i = 0; i < n_ns && !f; i++)
			f = feature_lookup(ns[i], bit);
		if (f)
			out->feat[out->n_feat++] = f;
		else
			out->unknown[out->n_unknown++] = bit;
	}
}

void decode_device_features(uint64_t mask, enum dev_class c, struct decoded_mask *out)
{
	enum feat_ns ns[2] = { NS_TRANSPORT, NS_TRANSPORT };
	int cns = class_feature_ns(c);
	size_t n = 1;

	if (cns >= 0)
		ns[n++] = (enum feat_ns)cns;
	decode_mask(mask, ns, n, out);
}
