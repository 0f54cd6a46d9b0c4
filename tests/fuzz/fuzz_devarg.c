// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_devarg.c - DEV arguments of show/probe/check (src/devnode.c: devarg_to_path).
 *
 * devarg_to_path() touches no file: it decides by the text and by a lookup in the discovery
 * (discovery_by_name, a binary search of sysfs records). The harness passes a discovery built
 * in memory, no sysfs: "blk0" bound to virtio_vdpa, "net0" with vhost-vdpa-0, "vp0" bound to
 * nothing (sorted by name, as discovery_load() leaves them), and also none (NULL).
 *
 * Input: the argument (an embedded NUL ends it, as argv would).
 * Invariants: a path is returned exactly when no error was recorded; a usage error exits 2 and
 * a vdpa device without vhost-vdpa exits 3; a path is the argument itself when it has a '/',
 * /dev/vhost-vdpa-N with N <= VHOST_VDPA_MAX_MINOR printed back from "vhost-vdpa-N", or the
 * node of the named device.
 */
#include <stdbool.h>

#include "devnode.h"
#include "discovery.h"
#include "errors.h"
#include "fuzz.h"

static bool known(const struct discovery *dv, const char *arg, const char *name)
{
	return dv && dv->n_sys && !strcmp(arg, name);
}

static void one(const char *arg, const struct discovery *dv)
{
	struct err_list errs = { 0 };
	int exit_code = -1;
	char *path = devarg_to_path(arg, dv, &errs, &exit_code);

	if (path) {
		FUZZ_CHECK(errs.n == 0);
		if (strchr(arg, '/')) {
			FUZZ_CHECK(!strcmp(path, arg));
		} else if (known(dv, arg, "net0")) {
			FUZZ_CHECK(!strcmp(path, "/dev/vhost-vdpa-0"));
		} else {
			const char *digits = arg + strlen("vhost-vdpa-");
			unsigned long long n;
			char *end;

			FUZZ_CHECK(!strncmp(arg, "vhost-vdpa-", strlen("vhost-vdpa-")));
			FUZZ_CHECK(*digits && strspn(digits, "0123456789") == strlen(digits));
			FUZZ_CHECK(!strncmp(path, "/dev/vhost-vdpa-", strlen("/dev/vhost-vdpa-")));
			n = strtoull(path + strlen("/dev/vhost-vdpa-"), &end, 10);
			FUZZ_CHECK(*end == '\0' && n <= VHOST_VDPA_MAX_MINOR);
			FUZZ_CHECK(strtoull(digits, NULL, 10) == n);
		}
	} else {
		bool unbound = known(dv, arg, "blk0") || known(dv, arg, "vp0");

		FUZZ_CHECK(errs.n == 1 && errs.v[0].message != NULL);
		FUZZ_CHECK(exit_code == (unbound ? 3 : 2));
		FUZZ_CHECK(!unbound || errs.v[0].hint != NULL);
		FUZZ_CHECK(!strchr(arg, '/') && !known(dv, arg, "net0"));
	}
	free(path);
	err_list_free(&errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sysfs_vdpa sys[3] = {
		{ .name = "blk0",
		  .bound_driver = "virtio_vdpa",
		  .char_major = -1,
		  .char_minor = -1 },
		{ .name = "net0",
		  .bound_driver = "vhost_vdpa",
		  .char_name = "vhost-vdpa-0",
		  .char_major = 509,
		  .char_minor = 0 },
		{ .name = "vp0", .char_major = -1, .char_minor = -1 },
	};
	struct discovery dv = { .sys = sys, .n_sys = 3 };
	struct discovery empty = { 0 };
	char *arg;

	if (size > 4096)
		return -1;
	arg = fuzz_strdup(data, size);
	one(arg, &dv);
	one(arg, &empty);
	one(arg, NULL);
	free(arg);
	return 0;
}
