// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the exit-code table and the rule combining per-device outcomes. */
#include <errno.h>

#include "collect.h"
#include "errors.h"
#include "exitcode.h"
#include "tap.h"

int main(void)
{
	int all_ok[] = { 0, 0 }, mixed[] = { 0, 6 }, none[] = { 6, 4 }, usage[] = { 0, 2, 6 },
	    internal[] = { 2, 1 }, one_busy[] = { 6 };
	const char *hint;

	is_u64(exit_combine(all_ok, 2), 0, "all shown: 0");
	is_u64(exit_combine(mixed, 2), 12, "some shown, one busy: 12");
	is_u64(exit_combine(none, 2), 6, "none shown: the first failure's code");
	is_u64(exit_combine(one_busy, 1), 6, "single busy device: 6");
	is_u64(exit_combine(usage, 3), 2, "a bad device argument dominates: 2");
	is_u64(exit_combine(internal, 2), 1, "an internal error dominates: 1");
	is_u64(exit_combine(NULL, 0), 3, "no devices: 3");

	int codes[] = { 0, 1, 2, 3, 4, 5, 6, 10, 11, 12, 130, 143 };
	ok(exit_table_len == sizeof(codes) / sizeof(codes[0]), "exit table has %zu rows",
	   exit_table_len);
	for (size_t i = 0; i < exit_table_len && i < sizeof(codes) / sizeof(codes[0]); i++)
		ok(exit_table[i].code == codes[i] && exit_table[i].meaning[0],
		   "exit code %d listed", codes[i]);

	ok(err_classify_open(EBUSY, &hint) == ERR_BUSY && hint && strstr(hint, "QEMU"),
	   "EBUSY: busy with a QEMU hint");
	ok(err_classify_open(EACCES, &hint) == ERR_PERMISSION && strstr(hint, "root"),
	   "EACCES: permission with a root hint");
	ok(err_classify_open(ENOENT, &hint) == ERR_NO_DEVICE && strstr(hint, "CONFIG_VHOST_VDPA"),
	   "ENOENT: no device with a config hint");
	ok(err_classify_open(ENOTTY, &hint) == ERR_UNSUPPORTED, "ENOTTY: unsupported");
	ok(err_classify_open(524, &hint) == ERR_UNSUPPORTED, "kernel ENOTSUPP: unsupported");
	ok(err_classify_open(EIO, &hint) == ERR_INTERNAL, "EIO: internal");
	is_u64(err_code_exit(ERR_BUSY), 6, "busy exits 6");
	is_u64(err_code_exit(ERR_PERMISSION), 4, "permission exits 4");
	is_u64(err_code_exit(ERR_NO_DEVICE), 3, "no device exits 3");
	is_u64(err_code_exit(ERR_UNSUPPORTED), 5, "unsupported exits 5");
	is_u64(err_code_exit(ERR_NOT_VHOST_VDPA), 2, "not vhost-vdpa exits 2");
	is_str(errno_name(EBUSY), "EBUSY", "errno name");
	is_str(errno_name(524), "ENOTSUPP", "kernel-internal errno name");
	ok(errno_name(4095) == NULL, "unknown errno has no name");

	ok(classify_query_errno(EPERM) == ERR_UNSUPPORTED,
	   "EPERM on a query = unknown ioctl on an old kernel (drivers/vhost/vhost.c "
	   "vhost_dev_ioctl(): -EPERM before an owner)");
	ok(classify_query_errno(ENOBUFS) == ERR_UNSUPPORTED, "ENOBUFS on a query = unsupported");
	ok(classify_query_errno(EIO) == ERR_INTERNAL, "EIO on a query is unexpected");
	ok(classify_query_errno(EINTR) == ERR_INTERRUPTED, "EINTR is an interruption");
	return tap_done();
}
