// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_config.c - virtio config space as a device returns it (src/config.c: cfg_decode, with
 * cfg_spec_len, cfg_read_len, cfg_need_name) and the device feature mask it depends on
 * (src/feature_bits.c: decode_device_features).
 *
 * Input: byte 0 chooses the class (mod 3: unknown, net, block), bytes 1-8 are the 64-bit
 * device feature mask (little-endian), the rest is the config space (exactly that many bytes:
 * a read past it is caught).
 * Invariants: each decoded field belongs to the class, lies inside the space when present,
 * exists (or not) by its feature exactly as the table says, holds the bytes at its offset and
 * fits its width; the return value counts the fields that are too short; the spec's length
 * never exceeds what vdpactl reads; every bit of the mask is either named or unknown.
 */
#include <stdbool.h>

#include "config.h"
#include "feature_bits.h"
#include "fuzz.h"

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum dev_class cls;
	uint64_t features = 0, seen = 0;
	const uint8_t *space;
	uint8_t *copy;
	size_t len, too_short = 0, short_count;
	struct cfg_decoded out;
	struct decoded_mask dm;

	if (size < 1 || size > 4096)
		return -1;
	cls = (enum dev_class)(data[0] % 3);
	for (size_t i = 1; i < 9 && i < size; i++)
		features |= (uint64_t)data[i] << (8 * (i - 1));
	len = size > 9 ? size - 9 : 0;
	copy = malloc(len ? len : 1);
	FUZZ_CHECK(copy != NULL);
	if (len)
		memcpy(copy, data + 9, len);
	space = copy;

	short_count = cfg_decode(cls, features, space, len, &out);
	FUZZ_CHECK(out.cls == cls);
	FUZZ_CHECK(out.n <= sizeof(out.v) / sizeof(out.v[0]));
	FUZZ_CHECK(cls != CLASS_UNKNOWN || out.n == 0);
	for (size_t i = 0; i < out.n; i++) {
		const struct cfg_value *v = &out.v[i];
		const struct cfg_field *f = v->field;
		bool offered = !f->need || (features & f->need);
		const char *need;

		FUZZ_CHECK(f >= cfg_fields && f < cfg_fields + cfg_fields_len);
		FUZZ_CHECK(f->cls == cls);
		FUZZ_CHECK(f->size >= 1 && f->size <= 8);
		FUZZ_CHECK(f->off + f->size <= cfg_read_len(cls));
		switch (v->state) {
		case CFG_NOT_OFFERED:
			FUZZ_CHECK(!offered);
			break;
		case CFG_TOO_SHORT:
			FUZZ_CHECK(offered && f->off + f->size > len);
			too_short++;
			break;
		case CFG_PRESENT:
			FUZZ_CHECK(offered && f->off + f->size <= len);
			if (f->fmt == CFG_MAC) {
				FUZZ_CHECK(f->size == 6 && !memcmp(v->mac, space + f->off, 6));
			} else {
				FUZZ_CHECK(v->v == le(space + f->off, f->size));
				FUZZ_CHECK(f->size == 8 || v->v >> (8 * f->size) == 0);
			}
			break;
		default:
			FUZZ_CHECK(0);
		}
		need = cfg_need_name(f);
		if (need)
			FUZZ_CHECK(fuzz_terminated(need, 96));
	}
	FUZZ_CHECK(short_count == too_short);
	FUZZ_CHECK(cfg_spec_len(cls, features) <= cfg_read_len(cls));
	if (short_count == 0)
		FUZZ_CHECK(len >= cfg_spec_len(cls, features));

	decode_device_features(features, cls, &dm);
	FUZZ_CHECK(dm.n_feat + dm.n_unknown <= 64);
	for (size_t i = 0; i < dm.n_unknown; i++) {
		FUZZ_CHECK(dm.unknown[i] < 64 && (features >> dm.unknown[i] & 1));
		FUZZ_CHECK(!(seen >> dm.unknown[i] & 1));
		seen |= (uint64_t)1 << dm.unknown[i];
	}
	for (size_t i = 0; i < dm.n_feat; i++) {
		FUZZ_CHECK(dm.feat[i] != NULL && dm.feat[i]->bit < 64);
		FUZZ_CHECK(features >> dm.feat[i]->bit & 1);
		FUZZ_CHECK(!(seen >> dm.feat[i]->bit & 1));
		seen |= (uint64_t)1 << dm.feat[i]->bit;
	}
	FUZZ_CHECK(seen == features);
	free(copy);
	return 0;
}
