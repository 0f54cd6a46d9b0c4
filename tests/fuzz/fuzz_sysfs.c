// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_sysfs.c - sysfs values (src/sysfs.c): a vhost-vdpa-N/dev file (sysfs_parse_devt,
 * "MAJ:MIN\n"), a module parameter (sysfs_parse_bool, "Y", "N", "1", "0") and a device link's
 * target (sysfs_join_link).
 *
 * Input: the file's content (an embedded NUL ends it, as for read_text()).
 * Invariants: a dev_t inside the kernel's limits (major <= 4095, minor < 2^20) that prints back
 * to the same numbers, outputs untouched on failure; a boolean only for the four spellings; a
 * joined link is absolute, fits, and has no empty, "." or ".." component.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "sysfs.h"

static void check_join(const char *target)
{
	char out[64];

	if (sysfs_join_link("/sys/bus/vdpa/devices", target, out, sizeof(out)))
		return;
	FUZZ_CHECK(out[0] == '/' && strlen(out) < sizeof(out));
	FUZZ_CHECK(!strcmp(out, "/") || out[strlen(out) - 1] != '/');
	FUZZ_CHECK(!strstr(out, "//") && !strstr(out, "/./") && !strstr(out, "/../"));
	FUZZ_CHECK(strcmp(out + (strlen(out) > 2 ? strlen(out) - 2 : 0), "/.") &&
		   strcmp(out + (strlen(out) > 3 ? strlen(out) - 3 : 0), "/.."));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, again[32];
	int major = -7, minor = -7, b;

	if (size > 4096) /* a sysfs attribute is at most a page */
		return -1;
	text = fuzz_strdup(data, size);

	if (sysfs_parse_devt(text, &major, &minor) == 0) {
		int ma2 = -1, mi2 = -1;

		FUZZ_CHECK(major >= 0 && major <= 4095);
		FUZZ_CHECK(minor >= 0 && minor <= (1 << 20) - 1);
		FUZZ_CHECK(text[0] >= '0' && text[0] <= '9');
		snprintf(again, sizeof(again), "%d:%d\n", major, minor);
		FUZZ_CHECK(sysfs_parse_devt(again, &ma2, &mi2) == 0);
		FUZZ_CHECK(ma2 == major && mi2 == minor);
	} else {
		FUZZ_CHECK(major == -7 && minor == -7);
	}

	b = sysfs_parse_bool(text);
	FUZZ_CHECK(b == -1 || b == 0 || b == 1);
	if (b == 1)
		FUZZ_CHECK(!strcmp(text, "Y") || !strcmp(text, "1"));
	else if (b == 0)
		FUZZ_CHECK(!strcmp(text, "N") || !strcmp(text, "0"));
	else
		FUZZ_CHECK(strcmp(text, "Y") && strcmp(text, "1") && strcmp(text, "N") &&
			   strcmp(text, "0"));
	check_join(text);
	free(text);
	return 0;
}
