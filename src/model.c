// SPDX-License-Identifier: GPL-2.0-or-later
/* model.c - lifetime of the data model */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct vdpa_device *run_add_device(struct run *r, const char *arg, const char *path)
{
	struct vdpa_device *d;
	const char *base;

	r->dev = xgrow(r->dev, r->n_dev, sizeof(*r->dev));
	d = &r->dev[r->n_dev++];
	memset(d, 0, sizeof(*d));
	d->arg = xstrdup(arg);
	d->char_device = xstrdup(path);
	base = strrchr(path, '/');
	d->name = xstrdup(base ? base + 1 : path);
	d->cls = CLASS_UNKNOWN;
	return d;
}

void device_free(struct vdpa_device *d)
{
	free(d->arg);
	free(d->char_device);
	free(d->name);
	free(d->vdpa_device);
	free(d->mgmtdev);
	free(d->bound_driver);
	free(d->driver_override);
	free(d->parent_bus);
	free(d->parent_id);
	free(d->parent_driver);
	free(d->note);
	free(d->config_raw);
	free(d->config);
	free(d->probes);
	free(d->vin);
	err_list_free(&d->errors);
	holder_info_free(&d->holder);
	vduse_info_free(&d->vduse);
	memset(d, 0, sizeof(*d));
}

void run_free(struct run *r)
{
	for (size_t i = 0; i < r->n_dev; i++)
		device_free(&r->dev[i]);
	free(r->dev);
	r->dev = NULL;
	for (size_t i = 0; i < r->n_mgmt; i++)
		nl_mgmtdev_free(&r->mgmt[i]);
	free(r->mgmt);
	r->mgmt = NULL;
	r->n_mgmt = 0;
	r->n_dev = 0;
	err_list_free(&r->errors);
}

bool run_has_errors(const struct run *r)
{
	if (r->errors.n)
		return true;
	for (size_t i = 0; i < r->n_dev; i++)
		if (r->dev[i].errors.n)
			return true;
	return false;
}

void run_summarize(struct run *r)
{
	struct summary *s = &r->summary;

	memset(s, 0, sizeof(*s));
	s->devices = r->n_dev;
	s->has_verdicts = r->evaluates || r->listing;
	for (size_t i = 0; i < r->n_dev; i++) {
		const struct vdpa_device *d = &r->dev[i];

		/* examined: a verdict of any status (10, 11) is the command's work done */
		if (d->exit_code == 0 || d->exit_code == 10 || d->exit_code == 11)
			s->succeeded++;
		else
			s->failed++;
		if (!s->has_verdicts)
			continue;
		switch (d->verdict.status) {
		case VS_TRUSTED:
			s->trusted++;
			break;
		case VS_UNTRUSTED:
			s->untrusted++;
			break;
		default: /* unknown, or not evaluated */
			s->unknown++;
			break;
		}
	}
}
