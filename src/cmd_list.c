// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_list.c - "vdpactl list": every vDPA device from sysfs joined with the vdpa netlink family.
 * Never opens a character device; works as an ordinary user.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "discovery.h"
#include "exitcode.h"
#include "util.h"

static char *rebind_note(const char *name, const char *driver)
{
	if (driver)
		return xasprintf(
			"bound to %s: no vhost-vdpa interface; to use it through vhost-vdpa: "
			"echo vhost_vdpa > /sys/bus/vdpa/devices/%s/driver_override; "
			"echo %s > /sys/bus/vdpa/drivers/%s/unbind; "
			"echo %s > /sys/bus/vdpa/drivers_probe",
			driver, name, name, driver, name);
	return xasprintf("not bound to any driver: no vhost-vdpa interface; to use it: "
			 "echo vhost_vdpa > /sys/bus/vdpa/devices/%s/driver_override; "
			 "echo %s > /sys/bus/vdpa/drivers_probe",
			 name, name);
}

static void from_netlink(struct vdpa_device *d, const struct nl_dev *n)
{
	d->nl = *n;
	d->nl.name = NULL;
	d->nl.mgmtdev = NULL;
	d->has_nl = true;
	free(d->mgmtdev);
	d->mgmtdev = xstrdup(n->mgmtdev);
	if (n->has_id) {
		d->device_id.valid = true;
		d->device_id.v = n->device_id;
		d->cls = class_from_device_id(n->device_id);
	}
}

int cmd_list(struct run *r, const struct opts *o)
{
	struct discovery *dv = xcalloc(1, sizeof(*dv));
	int rc = VD_EXIT_OK;

	if (o->n_args) {
		err_add(&r->errors, ERR_USAGE, 0, o->args[0], NULL, NULL,
			"list takes no arguments (it lists every vDPA device)");
		free(dv);
		return VD_EXIT_USAGE;
	}
	discovery_load(dv, true, &r->errors);
	r->listing = true;
	r->netlink_ok = dv->netlink_ok;
	r->have_sysfs = sysfs_has_vdpa_bus();
	r->params = dv->params;

	for (size_t i = 0; i < dv->n_sys; i++) {
		const struct sysfs_vdpa *s = &dv->sys[i];
		char *path = s->char_name ? xasprintf("/dev/%s", s->char_name) : NULL;
		struct vdpa_device *d = run_add_device(r, s->name, path ? path : s->name);
		const struct nl_dev *n = dv->netlink_ok ? nl_find_dev(&dv->nl, s->name) : NULL;

		if (!path) {
			free(d->char_device);
			d->char_device = NULL;
			d->note = rebind_note(s->name, s->bound_driver);
		} else if (s->char_major >= 0) {
			d->has_devt = true;
			d->dev_major = (unsigned)s->char_major;
			d->dev_minor = (unsigned)s->char_minor;
		}
		free(path);
		discovery_annotate(dv, s, d);
		if (n)
			from_netlink(d, n);
	}
	/* devices netlink knows but sysfs does not show (should not happen; keep them visible) */
	for (size_t i = 0; dv->netlink_ok && i < dv->nl.n_dev; i++) {
		const struct nl_dev *n = &dv->nl.dev[i];
		struct vdpa_device *d;

		if (discovery_by_name(dv, n->name))
			continue;
		d = run_add_device(r, n->name, n->name);
		free(d->char_device);
		d->char_device = NULL;
		free(d->vdpa_device);
		d->vdpa_device = xstrdup(n->name);
		free(d->name);
		d->name = xstrdup(n->name);
		d->note = xstrdup("reported by netlink but absent from /sys/bus/vdpa");
		from_netlink(d, n);
	}
	/* the verdict the table of parent drivers predicts: nothing is opened */
	for (size_t i = 0; i < r->n_dev; i++) {
		device_predict(&r->dev[i], r->host.kernel_release);
		prediction_verdict(&r->dev[i].prediction, &r->dev[i].verdict);
	}
	/* who holds each node: one pass over /proc, nothing opened */
	holder_attach(r, true);
	/* management devices, for the JSON document */
	for (size_t i = 0; dv->netlink_ok && i < dv->nl.n_mgmt; i++) {
		r->mgmt = xgrow(r->mgmt, r->n_mgmt, sizeof(*r->mgmt));
		r->mgmt[r->n_mgmt] = dv->nl.mgmt[i];
		r->mgmt[r->n_mgmt].bus = dv->nl.mgmt[i].bus ? xstrdup(dv->nl.mgmt[i].bus) : NULL;
		r->mgmt[r->n_mgmt].dev = xstrdup(dv->nl.mgmt[i].dev);
		r->mgmt[r->n_mgmt].handle = xstrdup(dv->nl.mgmt[i].handle);
		r->n_mgmt++;
	}
	if (!r->have_sysfs && !dv->netlink_ok) {
		struct vd_error *e = err_add(&r->errors, ERR_UNSUPPORTED, 0, "/sys/bus/vdpa", NULL,
					     NULL, "this kernel has no vDPA bus (no CONFIG_VDPA)");

		err_set_hint(e, "load the vdpa module or use a kernel built with CONFIG_VDPA");
		rc = VD_EXIT_UNSUPPORTED;
	}
	discovery_free(dv);
	free(dv);
	return rc;
}
