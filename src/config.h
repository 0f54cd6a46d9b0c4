/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.h - virtio config space layouts (as data) and their decoding; pure, no I/O */
#ifndef VDPACTL_CONFIG_H
#define VDPACTL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "feature_bits.h"

enum cfg_fmt {
	CFG_UINT,   /* little-endian unsigned integer of 1, 2, 4 or 8 bytes */
	CFG_MAC,    /* 6 bytes, printed aa:bb:cc:dd:ee:ff */
	CFG_FLAGS,  /* unsigned integer decoded against a feature namespace (net status) */
	CFG_DUPLEX, /* u8: 0 half, 1 full, 0xff unknown */
	CFG_SPEED,  /* le32 Mbit/s, 0xffffffff unknown */
};

struct cfg_field {
	enum dev_class cls;
	const char *key; /* JSON key and text label */
	unsigned off, size;
	uint64_t need; /* device feature mask: field exists if any of these bits is offered; 0:
			  always */
	enum cfg_fmt fmt;
};

extern const struct cfg_field cfg_fields[];
extern const size_t cfg_fields_len;

/* Bytes of config space vdpactl reads for a class (end of the last field it knows). */
unsigned cfg_read_len(enum dev_class c);
/*
 * Bytes of config space the virtio spec gives a device of class @c offering @features: the end
 * of the last field that exists (its feature is offered, or it needs none). For kernels without
 * VHOST_VDPA_GET_CONFIG_SIZE.
 */
unsigned cfg_spec_len(enum dev_class c, uint64_t features);

enum cfg_state {
	CFG_PRESENT,	 /* value decoded */
	CFG_NOT_OFFERED, /* the governing feature is not offered: the field does not exist */
	CFG_TOO_SHORT,	 /* feature offered but the config space ends before the field */
};

struct cfg_value {
	const struct cfg_field *field;
	enum cfg_state state;
	uint64_t v;	/* CFG_UINT, CFG_FLAGS, CFG_DUPLEX, CFG_SPEED */
	uint8_t mac[6]; /* CFG_MAC */
};

struct cfg_decoded {
	enum dev_class cls;
	size_t n;
	struct cfg_value v[40];
};

/*
 * Decode @len bytes of config space of a device of class @c offering @features.
 * Integers are little-endian (virtio 1.0; vDPA devices are VERSION_1).
 * Returns the number of fields in CFG_TOO_SHORT state (0 when everything known was decoded).
 */
size_t cfg_decode(enum dev_class c, uint64_t features, const uint8_t *buf, size_t len,
		  struct cfg_decoded *out);

/* Features that govern a field ("MQ or RSS"), for "not offered" explanations, or NULL. */
const char *cfg_need_name(const struct cfg_field *f);

#endif
