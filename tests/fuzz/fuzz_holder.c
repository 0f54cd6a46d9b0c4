// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_holder.c - what /proc/PID/cmdline and /proc/PID/fdinfo/N give (src/holder_parse.c:
 * holder_qemu_name, holder_is_qemu, holder_fdinfo_flags) and the table cell and message built
 * from the result (holder_cell, holder_describe).
 *
 * Input: the bytes of a command line (NUL-separated arguments, any bytes, the last one maybe
 * without its NUL), placed against a guard page so a read past it crashes; the same bytes as
 * fdinfo text (up to a NUL).
 * Invariants: a VM name is NUL-terminated, non-empty and no longer than the input; the cell fits
 * its buffer (a few sizes, exactly) and never ends inside a UTF-8 sequence it cut.
 */
#include "fuzz.h"
#include "holder.h"
#include "model.h"
#include "util.h"

static void cells(struct vdpa_device *d)
{
	static const size_t sizes[] = { 5, 16, 64, 256 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *buf = malloc(sizes[i]);
		const char *c;

		FUZZ_CHECK(buf != NULL);
		c = holder_cell(d, buf, sizes[i]);
		FUZZ_CHECK(strlen(c) < sizes[i]);
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *cmd;
	char *name, *text, *desc;
	unsigned long flags = 0;
	struct vdpa_device d;

	if (size > FUZZ_GUARDED_MAX)
		return -1;
	cmd = fuzz_guarded_copy(data, size);
	name = holder_qemu_name((const char *)cmd, size);
	if (name) {
		FUZZ_CHECK(name[0] != '\0');
		FUZZ_CHECK(strlen(name) <= size);
	}
	(void)holder_is_qemu(NULL, (const char *)cmd, size);
	text = fuzz_strdup(data, size);
	(void)holder_is_qemu(text, NULL, 0);
	if (holder_fdinfo_flags(text, &flags) == 0)
		FUZZ_CHECK(strstr(text, "flags:") != NULL);

	memset(&d, 0, sizeof(d));
	d.holder.checked = true;
	d.holder.status = HOLDER_HELD;
	d.holder.procs = xcalloc(2, sizeof(*d.holder.procs));
	d.holder.n = 2;
	d.holder.procs[0].pid = 1;
	d.holder.procs[0].comm = xstrdup(text);
	d.holder.procs[0].vm = name;
	d.holder.procs[1].pid = 2147483647;
	cells(&d);
	desc = holder_describe(&d.holder);
	FUZZ_CHECK(desc != NULL);
	free(desc);
	holder_info_free(&d.holder);
	free(text);
	return 0;
}
