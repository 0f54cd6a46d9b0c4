// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_show.c - "vdpactl show DEV... | --all": open each device, read it, close it */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "collect.h"
#include "devnode.h"
#include "exitcode.h"
#include "signals.h"
#include "util.h"
#include "vhost.h"

/* Build the device list. Returns 0 or an exit code (usage errors touch no device). */
int select_devices(struct run *r, const struct opts *o, int *vmajor)
{
	struct err_list scratch = { 0 };
	unsigned major;

	*vmajor = -1;
	if (o->all && o->n_args) {
		err_add(&r->errors, ERR_USAGE, 0, NULL, NULL, NULL,
			"give either DEV arguments or --all, not both");
		return VD_EXIT_USAGE;
	}
	if (!o->all && !o->n_args) {
		err_add(&r->errors, ERR_USAGE, 0, NULL, NULL, NULL,
			"no device given: name DEV (/dev/vhost-vdpa-N or vhost-vdpa-N) or use "
			"--all");
		return VD_EXIT_USAGE;
	}
	if (!o->all) {
		char **paths = xcalloc(o->n_args, sizeof(char *));
		int rc = 0;

		for (size_t i = 0; i < o->n_args; i++) {
			paths[i] = devarg_to_path(o->args[i], &r->errors);
			if (!paths[i])
				rc = VD_EXIT_USAGE;
		}
		for (size_t i = 0; !rc && i < o->n_args; i++) {
			bool dup = false;

			for (size_t j = 0; j < i && !dup; j++)
				dup = !strcmp(paths[i], paths[j]);
			if (!dup)
				run_add_device(r, o->args[i], paths[i]);
		}
		devnode_free_list(paths, o->n_args);
		if (rc)
			return rc;
		/* per-device checks report a missing driver; drop the run-level copy */
		if (vhost_vdpa_major(&major, &scratch) == 0)
			*vmajor = (int)major;
		err_list_free(&scratch);
		return 0;
	}

	int rc = vhost_vdpa_major(&major, &r->errors);
	char **paths;
	int n;

	if (rc == -ENOENT)
		return VD_EXIT_UNSUPPORTED;
	if (rc)
		return VD_EXIT_INTERNAL;
	*vmajor = (int)major;
	n = devnode_scan(&paths, &r->errors);
	if (n < 0)
		return VD_EXIT_INTERNAL;
	for (int i = 0; i < n; i++)
		run_add_device(r, paths[i], paths[i]);
	devnode_free_list(paths, (size_t)n);
	if (n == 0) {
		struct vd_error *e = err_add(&r->errors, ERR_NO_DEVICE, 0, "/dev", NULL, NULL,
					     "no vhost-vdpa devices (/dev/vhost-vdpa-N) found");

		err_set_hint(e,
			     "create a vDPA device (vdpa dev add ...) and bind it to vhost_vdpa");
		return VD_EXIT_NODEV;
	}
	return 0;
}

int cmd_show(struct run *r, const struct opts *o)
{
	int vmajor, rc, *codes;

	rc = select_devices(r, o, &vmajor);
	if (rc)
		return rc;
	codes = xcalloc(r->n_dev, sizeof(int));
	for (size_t i = 0; i < r->n_dev; i++) {
		struct vdpa_device *d = &r->dev[i];
		int fd;

		if (vd_signal) {
			codes[i] = d->exit_code = signals_exit_code();
			continue;
		}
		d->exit_code = vhost_open(d->char_device, vmajor, false, &fd, &d->errors);
		if (d->exit_code == 0) {
			d->exit_code = collect_device(d, fd);
			vhost_close(fd);
		}
		codes[i] = d->exit_code;
	}
	rc = signals_exit_code();
	if (!rc)
		rc = exit_combine(codes, r->n_dev);
	free(codes);
	return rc;
}
