// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: feature tables and mask decoding (pure logic). */
#include "feature_bits.h"
#include "tap.h"

static const char *joined(const struct decoded_mask *m)
{
	static char buf[1024];

	buf[0] = '\0';
	for (size_t i = 0; i < m->n_feat; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, m->feat[i]->name);
	}
	for (size_t i = 0; i < m->n_unknown; i++) {
		char b[16];

		snprintf(b, sizeof(b), "%s#%u", buf[0] ? " " : "", m->unknown[i]);
		strcat(buf, b);
	}
	return buf;
}

int main(void)
{
	struct decoded_mask m;
	enum feat_ns be = NS_BACKEND;

	decode_mask(0x17e, &be, 1, &m);
	is_str(joined(&m),
	       "IOTLB_MSG_V2 IOTLB_BATCH IOTLB_ASID SUSPEND RESUME ENABLE_AFTER_DRIVER_OK "
	       "IOTLB_PERSIST",
	       "6.12 vdpa_sim backend 0x17e decodes to its seven bits");
	decode_mask(0x1e, &be, 1, &m);
	is_str(joined(&m), "IOTLB_MSG_V2 IOTLB_BATCH IOTLB_ASID SUSPEND", "6.1 sim backend 0x1e");
	decode_mask(0x10e, &be, 1, &m);
	is_str(joined(&m), "IOTLB_MSG_V2 IOTLB_BATCH IOTLB_ASID IOTLB_PERSIST", "vp_vdpa 0x10e");
	decode_mask(0x0, &be, 1, &m);
	ok(m.n_feat == 0 && m.n_unknown == 0, "empty mask decodes to nothing");
	decode_mask(0x1 | (1ull << 9) | (1ull << 63), &be, 1, &m);
	is_str(joined(&m), "#0 #9 #63", "bit 0, bit 9 and bit 63 are unknown backend bits");

	decode_device_features(0x308830028ull, CLASS_NET, &m);
	is_str(joined(&m),
	       "MTU MAC STATUS CTRL_VQ CTRL_MAC_ADDR ANY_LAYOUT VERSION_1 ACCESS_PLATFORM",
	       "6.12 sim net device features");
	decode_device_features(0x308007646ull, CLASS_BLOCK, &m);
	is_str(joined(&m),
	       "SIZE_MAX SEG_MAX BLK_SIZE FLUSH TOPOLOGY MQ DISCARD WRITE_ZEROES ANY_LAYOUT "
	       "VERSION_1 "
	       "ACCESS_PLATFORM",
	       "sim blk device features decode as block bits");
	decode_device_features(0x2, CLASS_NET, &m);
	is_str(joined(&m), "GUEST_CSUM", "bit 1 is GUEST_CSUM on net");
	decode_device_features(0x2, CLASS_BLOCK, &m);
	is_str(joined(&m), "SIZE_MAX", "bit 1 is SIZE_MAX on block");
	decode_device_features(0x2 | (1ull << 32), CLASS_UNKNOWN, &m);
	is_str(joined(&m), "VERSION_1 #1", "unknown class: transport bits only, bit 1 unknown");
	decode_device_features(0x10330bf8024ull, CLASS_NET, &m);
	ok(m.n_unknown == 0 && !strcmp(m.feat[m.n_feat - 1]->name, "RING_RESET"),
	   "vp_vdpa net features: all known, RING_RESET (bit 40) last");
	decode_device_features(1ull << 42, CLASS_NET, &m);
	is_str(joined(&m), "#42", "bit 42 unknown on net");

	ok(class_from_device_id(1) == CLASS_NET && class_from_device_id(2) == CLASS_BLOCK &&
		   class_from_device_id(3) == CLASS_UNKNOWN &&
		   class_from_device_id(0) == CLASS_UNKNOWN,
	   "device id to class");
	is_str(class_name(CLASS_BLOCK), "block", "class name block");

	ok(feature_by_name(NS_BACKEND, "iotlb_persist") &&
		   feature_by_name(NS_BACKEND, "iotlb_persist")->bit == 8,
	   "IOTLB_PERSIST is bit 8, found case-insensitively");
	is_str(feature_lookup(NS_BACKEND, 8)->since, "6.7", "IOTLB_PERSIST since 6.7");
	ok(feature_by_name(NS_BACKEND, "nonsense") == NULL, "unknown name is NULL");
	ok(feat_ns_from_name("BLOCK") == NS_BLOCK && feat_ns_from_name("x") == -1,
	   "namespace names");

	/* table sanity: no duplicate (namespace, bit) or (namespace, name); every field set */
	int dup = 0, empty = 0;
	for (size_t i = 0; i < feature_table_len; i++) {
		const struct feature_desc *a = &feature_table[i];

		if (!a->name[0] || !a->since[0] || !a->meaning[0] || a->bit > 63)
			empty++;
		for (size_t j = i + 1; j < feature_table_len; j++) {
			const struct feature_desc *b = &feature_table[j];

			if (a->ns == b->ns && (a->bit == b->bit || !strcmp(a->name, b->name)))
				dup++;
		}
	}
	ok(dup == 0, "no duplicate bits or names within a namespace");
	ok(empty == 0, "every entry has a name, a kernel version and a meaning");
	return tap_done();
}
