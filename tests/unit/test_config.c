// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: config space decoding (pure logic), including malformed/short input. */
#include "config.h"
#include "tap.h"

static const struct cfg_value *field(const struct cfg_decoded *d, const char *key)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].field->key, key))
			return &d->v[i];
	return NULL;
}

int main(void)
{
	struct cfg_decoded d;
	uint8_t net[24] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, /* mac */
			    0x01, 0x00,				/* status LINK_UP */
			    0x04, 0x00,				/* max_virtqueue_pairs 4 */
			    0xdc, 0x05,				/* mtu 1500 */
			    0x10, 0x27, 0x00, 0x00,		/* speed 10000 */
			    0x01 };				/* duplex full */
	uint64_t f_net = (1ull << 5) | (1ull << 16) | (1ull << 22) | (1ull << 3) | (1ull << 63);
	size_t bad;

	bad = cfg_decode(CLASS_NET, f_net, net, sizeof(net), &d);
	ok(bad == 0, "full net config decodes without short fields");
	ok(field(&d, "mac")->state == CFG_PRESENT && !memcmp(field(&d, "mac")->mac, net, 6),
	   "mac decoded");
	is_u64(field(&d, "status")->v, 1, "status LINK_UP");
	is_u64(field(&d, "max_virtqueue_pairs")->v, 4, "max_virtqueue_pairs little-endian");
	is_u64(field(&d, "mtu")->v, 1500, "mtu little-endian");
	is_u64(field(&d, "speed")->v, 10000, "speed");
	is_u64(field(&d, "duplex")->v, 1, "duplex full");
	ok(field(&d, "rss_max_key_size")->state == CFG_NOT_OFFERED, "rss field not offered");

	bad = cfg_decode(CLASS_NET, 1ull << 5, net, sizeof(net), &d);
	ok(bad == 0 && field(&d, "mtu")->state == CFG_NOT_OFFERED &&
		   field(&d, "status")->state == CFG_NOT_OFFERED,
	   "fields of features not offered are absent, not errors");
	is_str(cfg_need_name(field(&d, "mtu")->field), "MTU", "mtu governed by MTU");

	bad = cfg_decode(CLASS_NET, f_net, net, 8, &d);
	is_u64(bad, 4, "8 bytes: max_vqp, mtu, speed, duplex lie beyond (4 short fields)");
	ok(field(&d, "mac")->state == CFG_PRESENT && field(&d, "mtu")->state == CFG_TOO_SHORT,
	   "short config: what fits is decoded, the rest is marked");
	bad = cfg_decode(CLASS_NET, f_net, NULL, 0, &d);
	is_u64(bad, 6, "empty config: every offered field is short");

	uint8_t blk[96];
	memset(blk, 0, sizeof(blk));
	blk[0] = 0x00;
	blk[1] = 0x00;
	blk[2] = 0x04;	/* capacity 0x40000 sectors */
	blk[12] = 0x80; /* seg_max 128 */
	blk[20] = 0x00;
	blk[21] = 0x02; /* blk_size 512 */
	blk[34] = 1;	/* num_queues */
	uint64_t f_blk = 0x308007646ull;
	bad = cfg_decode(CLASS_BLOCK, f_blk, blk, 72, &d);
	ok(bad == 0, "6.1-sized (72 byte) block config decodes fully for sim features");
	is_u64(field(&d, "capacity")->v, 0x40000, "capacity 0x40000 sectors");
	is_u64(field(&d, "seg_max")->v, 128, "seg_max");
	is_u64(field(&d, "blk_size")->v, 512, "blk_size");
	is_u64(field(&d, "num_queues")->v, 1, "num_queues");
	ok(field(&d, "cylinders")->state == CFG_NOT_OFFERED, "geometry not offered by the sim");
	ok(field(&d, "zone_sectors")->state == CFG_NOT_OFFERED, "zoned not offered");
	bad = cfg_decode(CLASS_BLOCK, f_blk | (1ull << 17), blk, 72, &d);
	is_u64(bad, 6, "ZONED offered but 72 bytes: the six zoned fields are short");

	is_u64(cfg_read_len(CLASS_NET), 24, "net config read length 24");
	is_u64(cfg_read_len(CLASS_BLOCK), 93, "block config read length covers zoned model");
	is_u64(cfg_read_len(CLASS_UNKNOWN), 0, "unknown class reads nothing");
	/* without GET_CONFIG_SIZE (before 5.18) the offered features give the length */
	is_u64(cfg_spec_len(CLASS_NET, 0x308000028ull), 12, "net MAC+MTU: 12 bytes (old-5.15 sim)");
	is_u64(cfg_spec_len(CLASS_NET, 0), 0, "net without config features: nothing");
	is_u64(cfg_spec_len(CLASS_BLOCK, 0x308001446ull), 36,
	       "blk up to num_queues (MQ): 36 bytes");
	is_u64(cfg_spec_len(CLASS_BLOCK, 0), 8, "blk: capacity always exists");
	return tap_done();
}
