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
	int code = 0;

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

	p = devarg_to_path("/dev/vhost-vdpa-3", NULL, &errs, &code);
	is_str(p, "/dev/vhost-vdpa-3", "absolute path kept");
	free(p);
	p = devarg_to_path("vhost-vdpa-12", NULL, &errs, &code);
	is_str(p, "/dev/vhost-vdpa-12", "vhost-vdpa-N becomes /dev/vhost-vdpa-N");
	free(p);
	p = devarg_to_path("./x", NULL, &errs, &code);
	is_str(p, "./x", "relative path kept for verification");
	free(p);
	ok(errs.n == 0, "no errors so far");
	ok(devarg_to_path("", NULL, &errs, &code) == NULL && errs.n == 1 &&
		   errs.v[0].code == ERR_USAGE,
	   "empty string is a usage error");
	ok(devarg_to_path("vhost-vdpa-", NULL, &errs, &code) == NULL, "missing number rejected");
	ok(devarg_to_path("vhost-vdpa-1x", NULL, &errs, &code) == NULL,
	   "trailing garbage rejected");
	ok(devarg_to_path("vhost-vdpa-99999999", NULL, &errs, &code) == NULL,
	   "minor above 2^20-1 rejected");
	ok(devarg_to_path("vhost-vdpa--1", NULL, &errs, &code) == NULL, "negative rejected");
	ok(devarg_to_path("vdpa0", NULL, &errs, &code) == NULL && errs.n == 6 && code == 2,
	   "unknown vdpa name without discovery: usage error");

	/* names resolved through discovery (sysfs) */
	struct sysfs_vdpa sys[2] = {
		/* sorted by name, as sysfs_scan returns them */
		{ .name = "blk9", .bound_driver = "virtio_vdpa" },
		{ .name = "net0", .bound_driver = "vhost_vdpa", .char_name = "vhost-vdpa-3" },
	};
	struct discovery dv = { .sys = sys, .n_sys = 2 };
	p = devarg_to_path("net0", &dv, &errs, &code);
	is_str(p, "/dev/vhost-vdpa-3", "vdpa name resolves to its vhost-vdpa node");
	free(p);
	ok(devarg_to_path("blk9", &dv, &errs, &code) == NULL && code == 3 &&
		   errs.v[errs.n - 1].code == ERR_NO_DEVICE,
	   "a device bound to virtio_vdpa has no vhost-vdpa interface: exit 3");
	ok(strstr(errs.v[errs.n - 1].hint, "driver_override") &&
		   strstr(errs.v[errs.n - 1].hint, "/sys/bus/vdpa/drivers/virtio_vdpa/unbind"),
	   "with a rebind hint: %s", errs.v[errs.n - 1].hint);
	ok(devarg_to_path("nope", &dv, &errs, &code) == NULL && code == 2, "unknown name: usage");
	err_list_free(&errs);
	return tap_done();
}
