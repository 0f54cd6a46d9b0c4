/* SPDX-License-Identifier: GPL-2.0-or-later */
/* feature_bits.h - feature-bit tables (data) and the loop that decodes a mask against them */
#ifndef VDPACTL_FEATURE_BITS_H
#define VDPACTL_FEATURE_BITS_H

#include <stddef.h>
#include <stdint.h>

enum feat_ns {
	NS_BACKEND,    /* VHOST_BACKEND_F_* */
	NS_TRANSPORT,  /* VIRTIO_F_* and VIRTIO_RING_F_* (any device class) */
	NS_NET,	       /* VIRTIO_NET_F_* */
	NS_BLOCK,      /* VIRTIO_BLK_F_* */
	NS_STATUS,     /* VIRTIO_CONFIG_S_* device status bits */
	NS_NET_STATUS, /* VIRTIO_NET_S_* bits of the net config "status" field */
	NS_COUNT
};

struct feature_desc {
	enum feat_ns ns;
	unsigned bit;
	const char *name;    /* UAPI spelling without the prefix */
	const char *since;   /* mainline release that added the UAPI define */
	const char *meaning; /* one line */
};

extern const struct feature_desc feature_table[];
extern const size_t feature_table_len;

const char *feat_ns_name(enum feat_ns ns); /* "backend", "transport", ... */
int feat_ns_from_name(const char *s);	   /* -1 if unknown */

/* Device classes by virtio device id */
enum dev_class { CLASS_UNKNOWN, CLASS_NET, CLASS_BLOCK };
enum dev_class class_from_device_id(uint32_t id);
const char *class_name(enum dev_class c); /* "net", "block", "unknown" */
/* Namespace of device-specific bits for a class, or -1 (only transport bits decode) */
int class_feature_ns(enum dev_class c);

/* Result of decoding a mask: names in bit order, and every bit no table knows. */
struct decoded_mask {
	const struct feature_desc *feat[64];
	size_t n_feat;
	unsigned unknown[64];
	size_t n_unknown;
};

/*
 * Decode @mask against the given namespaces (a bit matches the first namespace that knows it).
 * Pure: no I/O.
 */
void decode_mask(uint64_t mask, const enum feat_ns *ns, size_t n_ns, struct decoded_mask *out);
/* Device features: transport bits plus the bits of the device's class. */
void decode_device_features(uint64_t mask, enum dev_class c, struct decoded_mask *out);

const struct feature_desc *feature_lookup(enum feat_ns ns, unsigned bit);
/* Case-insensitive lookup by name within a namespace; NULL if unknown. */
const struct feature_desc *feature_by_name(enum feat_ns ns, const char *name);

#endif
