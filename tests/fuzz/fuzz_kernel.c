// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_kernel.c - kernel releases as uname(2) reports them (src/verdict.c: kernel_version,
 * kernel_older_than). The release decides the verdict's reason and every prediction.
 *
 * Input: the release string (an embedded NUL ends it).
 * Invariants: a parsed release starts with "MAJ.MIN" in digits with both at most 1000, and
 * prints back to the same pair; outputs untouched on failure; kernel_older_than() is the
 * ordering of that pair (false when unparsable) for the thresholds vdpactl uses and for a
 * threshold taken from the input.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "verdict.h"

static void older(const char *text, bool parsed, unsigned ma, unsigned mi, unsigned tma,
		  unsigned tmi)
{
	bool want = parsed && (ma < tma || (ma == tma && mi < tmi));

	FUZZ_CHECK(kernel_older_than(text, tma, tmi) == want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, again[32];
	unsigned ma = 12345, mi = 12345;
	bool parsed;

	if (size > 1024)
		return -1;
	text = fuzz_strdup(data, size);
	parsed = kernel_version(text, &ma, &mi) == 0;
	if (parsed) {
		unsigned ma2 = 0, mi2 = 0;

		FUZZ_CHECK(ma <= 1000 && mi <= 1000);
		FUZZ_CHECK(text[0] >= '0' && text[0] <= '9');
		snprintf(again, sizeof(again), "%u.%u", ma, mi);
		FUZZ_CHECK(kernel_version(again, &ma2, &mi2) == 0 && ma2 == ma && mi2 == mi);
	} else {
		FUZZ_CHECK(ma == 12345 && mi == 12345);
		FUZZ_CHECK(kernel_version(NULL, &ma, &mi) == -1);
	}
	older(text, parsed, ma, mi, 6, 7);
	older(text, parsed, ma, mi, 6, 6);
	older(text, parsed, ma, mi, 0, 0);
	older(text, parsed, ma, mi, 1001, 0);
	older(text, parsed, ma, mi, size ? data[0] % 8 : 6, size > 1 ? data[1] % 32 : 0);
	FUZZ_CHECK(!kernel_older_than(NULL, 6, 7));
	free(text);
	return 0;
}
