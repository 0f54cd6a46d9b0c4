// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * select.c - which devices a command works on: DEV arguments or --all, resolved to device nodes
 * (nothing is opened), and how an opened node is tied to its vdpa device in sysfs.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cmd.h"
#include "devnode.h"
#include "discovery.h"
#include "exitcode.h"
#include "util.h"

/*
 * The vhost-vdpa major from /proc/devices. One rule for DEV arguments and --all: without a
 * registered vhost-vdpa driver (module not loaded, or no CONFIG_VHOST_VDPA) nothing can be a
 * vhost-vdpa device, so the command exits 5 before opening anything.
 */
static int driver_major(struct run *r, int *vmajor)
{
	unsigned major;
	int rc = vhost_vdpa_major(&major, &r->errors);

	if (rc == -ENOENT)
		return VD_EXIT_UNSUPPORTED;
	if (rc)
		return VD_EXIT_INTERNAL;
	*vmajor = (int)major;
	return 0;
}

/* Build the device list. Returns 0 or an exit code (usage errors touch no device). */
int select_devices(struct run *r, const struct opts *o, const struct discovery *dv, int *vmajor)
{
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
		int rc = 0, code;

		for (size_t i = 0; i < o->n_args; i++) {
			paths[i] = devarg_to_path(o->args[i], dv, &r->errors, &code);
			if (!paths[i] && (!rc || code == VD_EXIT_USAGE))
				rc = code;
		}
		/* a bad DEV is 2; without a vhost-vdpa driver nothing can be one: 5 (no device
		 * kept) */
		code = rc == VD_EXIT_USAGE ? rc : driver_major(r, vmajor);
		for (size_t i = 0; !rc && !code && i < o->n_args; i++) {
			bool dup = false;

			for (size_t j = 0; j < i && !dup; j++)
				dup = !strcmp(paths[i], paths[j]);
			if (!dup)
				run_add_device(r, o->args[i], paths[i]);
		}
		devnode_free_list(paths, o->n_args);
		return code ? code : rc;
	}

	int rc = driver_major(r, vmajor);
	char **paths;
	int n;

	if (rc)
		return rc;
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

void annotate(const struct discovery *dv, struct vdpa_device *d, const struct stat *st)
{
	struct stat own;

	if (d->has_devt)
		return;
	/* the node's dev_t ties it to its vdpa device in sysfs: vhost_open()'s stat, or where it
	 * did not get that far (a signal), a stat of our own (nothing is opened) */
	if (!st->st_mode && stat(d->char_device, &own) == 0)
		st = &own;
	if (S_ISCHR(st->st_mode)) {
		d->has_devt = true;
		d->dev_major = major(st->st_rdev);
		d->dev_minor = minor(st->st_rdev);
		discovery_annotate(dv, discovery_by_devt(dv, d->dev_major, d->dev_minor), d);
	}
}

int open_gate_fn(const struct stat *st, void *arg)
{
	struct open_gate *g = arg;

	annotate(g->dv, g->d, st);
	return vduse_gate(g->d, g->dv);
}

void device_predict(struct vdpa_device *d, const char *kernel_release)
{
	const char *who = d->parent_driver ? d->parent_driver : d->mgmtdev;

	parent_predict(parent_lookup(d->parent_driver, d->mgmtdev), who, kernel_release,
		       &d->prediction);
}
