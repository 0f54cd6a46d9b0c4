// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_hostid.c - /etc/machine-id and /proc/sys/kernel/random/boot_id as read from the files
 * (src/host.c: host_parse_machine_id, host_parse_boot_id).
 *
 * Input: the file's content, any bytes, with its length (the parsers take both).
 * Invariants: the outputs (buffers of exactly 33 and 37 bytes) are NUL-terminated copies of
 * the input's first 32/36 bytes, in the documented format (lowercase hex; dashes at 8, 13, 18,
 * 23), from an input of that length plus at most one newline; untouched on failure.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "host.h"

static bool lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool body_len(size_t size, const uint8_t *data, size_t want)
{
	return size == want || (size == want + 1 && data[want] == '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *mid, *bid;
	const char *text = (const char *)data;

	if (size > 4096)
		return -1;
	mid = malloc(33);
	bid = malloc(37);
	FUZZ_CHECK(mid && bid);
	memset(mid, 'Z', 33);
	memset(bid, 'Z', 37);

	if (host_parse_machine_id(text, size, mid) == 0) {
		FUZZ_CHECK(body_len(size, data, 32));
		FUZZ_CHECK(mid[32] == '\0' && !memcmp(mid, data, 32));
		for (size_t i = 0; i < 32; i++)
			FUZZ_CHECK(lower_hex(mid[i]));
	} else {
		for (size_t i = 0; i < 33; i++)
			FUZZ_CHECK(mid[i] == 'Z');
	}

	if (host_parse_boot_id(text, size, bid) == 0) {
		FUZZ_CHECK(body_len(size, data, 36));
		FUZZ_CHECK(bid[36] == '\0' && !memcmp(bid, data, 36));
		for (size_t i = 0; i < 36; i++) {
			bool dash = i == 8 || i == 13 || i == 18 || i == 23;

			FUZZ_CHECK(dash ? bid[i] == '-' : lower_hex(bid[i]));
		}
	} else {
		for (size_t i = 0; i < 37; i++)
			FUZZ_CHECK(bid[i] == 'Z');
	}
	free(mid);
	free(bid);
	return 0;
}
