// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_show.c - "vdpactl show DEV... | --all": open each device, read it, close it */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cmd.h"
#include "collect.h"
#include "devnode.h"
#include "discovery.h"
#include "exitcode.h"
#include "signals.h"
#include "util.h"
#include "vhost.h"

/* Build the device list. Returns 0 or an exit code (usage errors touch no device). */
int select_devices(struct run *r, const struct opts *o, const struct discovery *dv, int *vmajor)
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
			int code;

			paths[i] = devarg_to_path(o->args[i], dv, &r->errors, &code);
			if (!paths[i] && (!rc || code == VD_EXIT_USAGE))
				rc = code;
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

void annotate(const struct discovery *dv, struct vdpa_device *d)
{
	struct stat st;

	/* the node's dev_t ties it to its vdpa device in sysfs (stat only: nothing is opened) */
	if (stat(d->char_device, &st) == 0 && S_ISCHR(st.st_mode)) {
		d->has_devt = true;
		d->dev_major = major(st.st_rdev);
		d->dev_minor = minor(st.st_rdev);
		discovery_annotate(dv, discovery_by_devt(dv, d->dev_major, d->dev_minor), d);
	}
}

int cmd_show(struct run *r, const struct opts *o)
{
	struct err_list scratch = { 0 };
	struct discovery dv;
	int vmajor, rc, *codes;

	discovery_load(&dv, false, &scratch);
	err_list_free(&scratch);
	rc = select_devices(r, o, &dv, &vmajor);
	if (rc) {
		discovery_free(&dv);
		return rc;
	}
	codes = xcalloc(r->n_dev, sizeof(int));
	for (size_t i = 0; i < r->n_dev; i++) {
		struct vdpa_device *d = &r->dev[i];
		int fd;

		if (vd_signal) {
			codes[i] = d->exit_code = signals_exit_code();
			continue;
		}
		d->exit_code = vhost_open(d->char_device, vmajor, false, &fd, &d->errors);
		annotate(&dv, d);
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
	discovery_free(&dv);
	return rc;
}
