// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: /proc/devices parsing and DEV arguments (pure logic). */
#include <errno.h>
#include <stdlib.h>

#include "devnode.h"
#include "tap.h"

int main(void)
{
	const char *good = "Character devices:\n  1 mem\n  4 /dev/vc/0\n 10 misc\n"
			   "236 vhost-vdpa\n\nBlock devices:\n  7 loop\n236 vhost-vdpa-blk\n";
	unsigned major = 0;
	char name[32];
	struct err_list errs = { 0 };
	char *p;

	ok(procdevices_find(good, "vhost-vdpa", &major) == 0 && major == 236,
	   "vhost-vdpa major found");
	ok(procdevices_find(good, "vhost", &major) == -ENOENT, "prefix does not match");
	ok(procdevices_find(good, "loop", &major) == -ENOENT, "block section ignored");
	ok(procdevices_name(good, 1, name, sizeof(name)) == 0 && !strcmp(name, "mem"),
	   "major 1 is mem");
	ok(procdevices_name(good, 4, name, sizeof(name)) == 0 && !strcmp(name, "/dev/vc/0"),
	   "names with slashes");
	ok(procdevices_name(good, 99, name, sizeof(name)) == -ENOENT, "unknown major");
	ok(procdevices_find("", "vhost-vdpa", &major) == -EINVAL, "empty text is malformed");
	ok(procdevices_find("garbage\n", "vhost-vdpa", &major) == -EINVAL,
	   "no header is malformed");
	ok(procdevices_find("Character devices:\nxx vhost-vdpa\n", "vhost-vdpa", &major) == -EINVAL,
	   "non-numeric major is malformed");
	ok(procdevices_find("Character devices:\n123456789012 vhost-vdpa\n", "vhost-vdpa",
			    &major) == -EINVAL,
	   "overlong major is malformed");
	ok(procdevices_find("Character devices:\n236vhost-vdpa\n", "vhost-vdpa", &major) == -EINVAL,
	   "missing separator is malformed");
	ok(procdevices_find("Character devices:\n236 vhost-vdpa", "vhost-vdpa", &major) == 0 &&
		   major == 236,
	   "no trailing newline");

	p = devarg_to_path("/dev/vhost-vdpa-3", &errs);
	is_str(p, "/dev/vhost-vdpa-3", "absolute path kept");
	free(p);
	p = devarg_to_path("vhost-vdpa-12", &errs);
	is_str(p, "/dev/vhost-vdpa-12", "vhost-vdpa-N becomes /dev/vhost-vdpa-N");
	free(p);
	p = devarg_to_path("./x", &errs);
	is_str(p, "./x", "relative path kept for verification");
	free(p);
	ok(errs.n == 0, "no errors so far");
	ok(devarg_to_path("", &errs) == NULL && errs.n == 1 && errs.v[0].code == ERR_USAGE,
	   "empty string is a usage error");
	ok(devarg_to_path("vhost-vdpa-", &errs) == NULL, "missing number rejected");
	ok(devarg_to_path("vhost-vdpa-1x", &errs) == NULL, "trailing garbage rejected");
	ok(devarg_to_path("vhost-vdpa-99999999", &errs) == NULL, "minor above 2^20-1 rejected");
	ok(devarg_to_path("vhost-vdpa--1", &errs) == NULL, "negative rejected");
	ok(devarg_to_path("vdpa0", &errs) == NULL && errs.n == 6, "vdpa names not yet accepted");
	err_list_free(&errs);
	return tap_done();
}
