// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - virtio-net and virtio-blk config space layouts.
 *
 * Offsets follow struct virtio_net_config and struct virtio_blk_config of the kernel UAPI
 * (include/uapi/linux/virtio_net.h, virtio_blk.h) and the virtio 1.2 spec, sections 5.1.4 and
 * 5.2.4; a field exists only when its feature bit is offered.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "util.h"

#define B(x) (UINT64_C(1) << (x))
#define NET(key, off, size, need, fmt)                                                             \
	{                                                                                          \
		CLASS_NET, key, off, size, need, fmt                                               \
	}
#define BLK(key, off, size, need, fmt)                                                             \
	{                                                                                          \
		CLASS_BLOCK, key, off, size, need, fmt                                             \
	}

const struct cfg_field cfg_fields[] = {
	NET("mac", 0, 6, B(VIRTIO_NET_F_MAC), CFG_MAC),
	NET("status", 6, 2, B(VIRTIO_NET_F_STATUS), CFG_FLAGS),
	NET("max_virtqueue_pairs", 8, 2, B(VIRTIO_NET_F_MQ) | B(VIRTIO_NET_F_RSS), CFG_UINT),
	NET("mtu", 10, 2, B(VIRTIO_NET_F_MTU), CFG_UINT),
	NET("speed", 12, 4, B(VIRTIO_NET_F_SPEED_DUPLEX), CFG_SPEED),
	NET("duplex", 16, 1, B(VIRTIO_NET_F_SPEED_DUPLEX), CFG_DUPLEX),
	NET("rss_max_key_size", 17, 1, B(VIRTIO_NET_F_RSS) | B(VIRTIO_NET_F_HASH_REPORT), CFG_UINT),
	NET("rss_max_indirection_table_length", 18, 2, B(VIRTIO_NET_F_RSS), CFG_UINT),
	NET("supported_hash_types", 20, 4, B(VIRTIO_NET_F_RSS) | B(VIRTIO_NET_F_HASH_REPORT),
	    CFG_UINT),

	BLK("capacity", 0, 8, 0, CFG_UINT),
	BLK("size_max", 8, 4, B(VIRTIO_BLK_F_SIZE_MAX), CFG_UINT),
	BLK("seg_max", 12, 4, B(VIRTIO_BLK_F_SEG_MAX), CFG_UINT),
	BLK("cylinders", 16, 2, B(VIRTIO_BLK_F_GEOMETRY), CFG_UINT),
	BLK("heads", 18, 1, B(VIRTIO_BLK_F_GEOMETRY), CFG_UINT),
	BLK("sectors", 19, 1, B(VIRTIO_BLK_F_GEOMETRY), CFG_UINT),
	BLK("blk_size", 20, 4, B(VIRTIO_BLK_F_BLK_SIZE), CFG_UINT),
	BLK("physical_block_exp", 24, 1, B(VIRTIO_BLK_F_TOPOLOGY), CFG_UINT),
	BLK("alignment_offset", 25, 1, B(VIRTIO_BLK_F_TOPOLOGY), CFG_UINT),
	BLK("min_io_size", 26, 2, B(VIRTIO_BLK_F_TOPOLOGY), CFG_UINT),
	BLK("opt_io_size", 28, 4, B(VIRTIO_BLK_F_TOPOLOGY), CFG_UINT),
	BLK("writeback", 32, 1, B(VIRTIO_BLK_F_CONFIG_WCE), CFG_UINT),
	BLK("num_queues", 34, 2, B(VIRTIO_BLK_F_MQ), CFG_UINT),
	BLK("max_discard_sectors", 36, 4, B(VIRTIO_BLK_F_DISCARD), CFG_UINT),
	BLK("max_discard_seg", 40, 4, B(VIRTIO_BLK_F_DISCARD), CFG_UINT),
	BLK("discard_sector_alignment", 44, 4, B(VIRTIO_BLK_F_DISCARD), CFG_UINT),
	BLK("max_write_zeroes_sectors", 48, 4, B(VIRTIO_BLK_F_WRITE_ZEROES), CFG_UINT),
	BLK("max_write_zeroes_seg", 52, 4, B(VIRTIO_BLK_F_WRITE_ZEROES), CFG_UINT),
	BLK("write_zeroes_may_unmap", 56, 1, B(VIRTIO_BLK_F_WRITE_ZEROES), CFG_UINT),
	BLK("max_secure_erase_sectors", 60, 4, B(VIRTIO_BLK_F_SECURE_ERASE), CFG_UINT),
	BLK("max_secure_erase_seg", 64, 4, B(VIRTIO_BLK_F_SECURE_ERASE), CFG_UINT),
	BLK("secure_erase_sector_alignment", 68, 4, B(VIRTIO_BLK_F_SECURE_ERASE), CFG_UINT),
	BLK("zone_sectors", 72, 4, B(VIRTIO_BLK_F_ZONED), CFG_UINT),
	BLK("max_open_zones", 76, 4, B(VIRTIO_BLK_F_ZONED), CFG_UINT),
	BLK("max_active_zones", 80, 4, B(VIRTIO_BLK_F_ZONED), CFG_UINT),
	BLK("max_append_sectors", 84, 4, B(VIRTIO_BLK_F_ZONED), CFG_UINT),
	BLK("write_granularity", 88, 4, B(VIRTIO_BLK_F_ZONED), CFG_UINT),
	BLK("zoned_model", 92, 1, B(VIRTIO_BLK_F_ZONED), CFG_UINT),
};
#undef NET
#undef BLK
const size_t cfg_fields_len = ARRAY_SIZE(cfg_fields);

unsigned cfg_read_len(enum dev_class c)
{
	unsigned end = 0;

	for (size_t i = 0; i < cfg_fields_len; i++)
		if (cfg_fields[i].cls == c && cfg_fields[i].off + cfg_fields[i].size > end)
			end = cfg_fields[i].off + cfg_fields[i].size;
	return end;
}

unsigned cfg_spec_len(enum dev_class c, uint64_t features)
{
	unsigned end = 0;

	for (size_t i = 0; i < cfg_fields_len; i++) {
		const struct cfg_field *f = &cfg_fields[i];

		if (f->cls == c && (!f->need || (features & f->need)) && f->off + f->size > end)
			end = f->off + f->size;
	}
	return end;
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = size; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

size_t cfg_decode(enum dev_class c, uint64_t features, const uint8_t *buf, size_t len,
		  struct cfg_decoded *out)
{
	size_t short_fields = 0;

	out->cls = c;
	out->n = 0;
	for (size_t i = 0; i < cfg_fields_len; i++) {
		const struct cfg_field *f = &cfg_fields[i];
		struct cfg_value *v;

		if (f->cls != c || out->n == ARRAY_SIZE(out->v))
			continue;
		v = &out->v[out->n++];
		memset(v, 0, sizeof(*v));
		v->field = f;
		if (f->need && !(features & f->need)) {
			v->state = CFG_NOT_OFFERED;
		} else if ((size_t)f->off + f->size > len) {
			v->state = CFG_TOO_SHORT;
			short_fields++;
		} else {
			v->state = CFG_PRESENT;
			if (f->fmt == CFG_MAC)
				memcpy(v->mac, buf + f->off, 6);
			else
				v->v = get_le(buf + f->off, f->size);
		}
	}
	return short_fields;
}

const char *cfg_need_name(const struct cfg_field *f)
{
	static char buf[96];
	int ns = class_feature_ns(f->cls);
	size_t len = 0;

	if (!f->need || ns < 0)
		return NULL;
	buf[0] = '\0';
	for (unsigned bit = 0; bit < 64; bit++) {
		const struct feature_desc *d;

		if (!(f->need & B(bit)) || !(d = feature_lookup((enum feat_ns)ns, bit)))
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " or " : "",
					d->name);
		if (len >= sizeof(buf))
			break;
	}
	return buf[0] ? buf : NULL;
}
