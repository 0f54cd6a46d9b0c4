// SPDX-License-Identifier: GPL-2.0-or-later
/* discovery.c - sysfs + netlink joined by vdpa device name; see discovery.h */
#include "discovery.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void discovery_load(struct discovery *dv, bool with_config, struct err_list *errs)
{
	int n;

	memset(dv, 0, sizeof(*dv));
	n = sysfs_scan(&dv->sys, errs);
	dv->n_sys = n > 0 ? (size_t)n : 0;
	dv->netlink_ok = nl_query(&dv->nl, with_config, errs) == 0;
	sysfs_read_params(&dv->params);
}

void discovery_free(struct discovery *dv)
{
	sysfs_free(dv->sys, dv->n_sys);
	nl_free(&dv->nl);
	memset(dv, 0, sizeof(*dv));
}

const struct sysfs_vdpa *discovery_by_name(const struct discovery *dv, const char *name)
{
	for (size_t i = 0; i < dv->n_sys; i++)
		if (!strcmp(dv->sys[i].name, name))
			return &dv->sys[i];
	return NULL;
}

const struct sysfs_vdpa *discovery_by_devt(const struct discovery *dv, unsigned major,
					   unsigned minor)
{
	for (size_t i = 0; i < dv->n_sys; i++)
		if (dv->sys[i].char_major == (int)major && dv->sys[i].char_minor == (int)minor)
			return &dv->sys[i];
	return NULL;
}

static void set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

void discovery_annotate(const struct discovery *dv, const struct sysfs_vdpa *s,
			struct vdpa_device *d)
{
	const struct nl_dev *n;

	if (!s)
		return;
	d->discovered = true;
	set_str(&d->vdpa_device, s->name);
	set_str(&d->name, s->name);
	set_str(&d->bound_driver, s->bound_driver);
	set_str(&d->driver_override, s->driver_override);
	set_str(&d->parent_bus, s->parent_bus);
	set_str(&d->parent_id, s->parent_id);
	set_str(&d->parent_driver, s->parent_driver);
	n = dv->netlink_ok ? nl_find_dev(&dv->nl, s->name) : NULL;
	if (n) {
		d->nl = *n;
		d->nl.name = NULL; /* strings stay with the discovery; copied where needed */
		d->nl.mgmtdev = NULL;
		d->has_nl = true;
		set_str(&d->mgmtdev, n->mgmtdev);
	}
}
