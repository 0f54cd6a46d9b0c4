// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_procdevices.c - /proc/devices text (src/devnode.c: procdevices_find, procdevices_name).
 *
 * Input: the file's content (vhost_vdpa_major() rejects text with a NUL; here an embedded NUL
 * just ends the text). Looks up "vhost-vdpa", the empty name and the name of the input's first
 * line, then the names of the majors found and of a few others, into buffers of exactly their
 * size (1, 8 and 64 bytes: chrdev_driver_name() uses 64).
 * Invariants: only the documented return values; a major fits in 8 digits; a name found for a
 * major is NUL-terminated inside its buffer; a name looked up by major and then searched by
 * name gives that major back, and a major found by name has a name.
 */
#include <errno.h>

#include "devnode.h"
#include "fuzz.h"

static void name_of(const char *text, unsigned major, int must_exist)
{
	static const size_t sizes[] = { 1, 8, 64 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *name = malloc(sizes[i]);
		int rc;

		FUZZ_CHECK(name != NULL);
		memset(name, 'X', sizes[i]);
		rc = procdevices_name(text, major, name, sizes[i]);
		FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL);
		if (must_exist)
			FUZZ_CHECK(rc == 0);
		if (rc == 0) {
			FUZZ_CHECK(fuzz_terminated(name, sizes[i]));
			if (sizes[i] == 64 && strlen(name) < 63 && !strchr(name, '\n')) {
				/* the whole name: the first line with it has this major, or an
				 * earlier line has the same name (procdevices_find stops at the
				 * first) */
				unsigned back = ~0u;

				FUZZ_CHECK(procdevices_find(text, name, &back) == 0);
				FUZZ_CHECK(back <= 99999999);
			}
		}
		free(name);
	}
}

static void find(const char *text, const char *name)
{
	unsigned major = ~0u;
	int rc = procdevices_find(text, name, &major);

	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL);
	if (rc == 0) {
		FUZZ_CHECK(major <= 99999999); /* walk_chrdevs() reads at most 8 digits */
		name_of(text, major, 1);
	} else {
		FUZZ_CHECK(major == ~0u);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *first;

	if (size > 64 * 1024) /* PROC_DEVICES_MAX */
		return -1;
	text = fuzz_strdup(data, size);
	first = strdup(text);
	FUZZ_CHECK(first != NULL);
	first[strcspn(first, "\n")] = '\0';

	find(text, "vhost-vdpa");
	find(text, "");
	find(text, first);
	name_of(text, 0, 0);
	name_of(text, size ? data[0] : 1, 0);
	name_of(text, 99999999, 0);
	name_of(text, ~0u, 0);
	free(first);
	free(text);
	return 0;
}
