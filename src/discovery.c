// SPDX-License-Identifier: GPL-2.0-or-later
/* discovery.c - sysfs + netlink joined by vdpa device name; see discovery.h */
#include "discovery.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "devnode.h"
#include "util.h"

static const struct discovery *sort_dv; /* qsort has no context argument in C11 */

static int cmp_devt(const void *a, const void *b)
{
	const struct sysfs_vdpa *x = &sort_dv->sys[*(const size_t *)a];
	const struct sysfs_vdpa *y = &sort_dv->sys[*(const size_t *)b];

	if (x->char_major != y->char_major)
		return x->char_major < y->char_major ? -1 : 1;
	return x->char_minor < y->char_minor ? -1 : x->char_minor > y->char_minor;
}

/* What both loads share, once sys[] is known: the index by dev_t, netlink, module parameters. */
static void load_rest(struct discovery *dv, bool with_config, const char *const *names,
		      size_t n_names, struct err_list *errs)
{
	dv->by_devt = xcalloc(dv->n_sys, sizeof(size_t));
	for (size_t i = 0; i < dv->n_sys; i++)
		dv->by_devt[i] = i;
	sort_dv = dv;
	if (dv->n_sys)
		qsort(dv->by_devt, dv->n_sys, sizeof(size_t), cmp_devt);
	dv->netlink_ok = nl_query(&dv->nl, with_config, names, n_names, errs) == 0;
	sysfs_read_params(&dv->params);
}

void discovery_load(struct discovery *dv, bool with_config, struct err_list *errs)
{
	struct err_list quiet = { 0 };
	unsigned major;
	int n;

	memset(dv, 0, sizeof(*dv));
	/* the major only speeds the scan up: without it (no vhost_vdpa) nothing is said here */
	n = vhost_vdpa_major(&major, &quiet) ? -1 : (int)major;
	err_list_free(&quiet);
	n = sysfs_scan(&dv->sys, n, errs);
	dv->n_sys = n > 0 ? (size_t)n : 0;
	load_rest(dv, with_config, NULL, 0, errs);
}

void discovery_load_args(struct discovery *dv, char *const *args, size_t n_args,
			 struct err_list *errs)
{
	struct sysfs_want *want = xcalloc(n_args ? n_args : 1, sizeof(*want));
	const char **names = xcalloc(n_args ? n_args : 1, sizeof(char *));
	int n;

	memset(dv, 0, sizeof(*dv));
	for (size_t i = 0; i < n_args; i++) {
		struct err_list quiet = { 0 };
		char *path;
		struct stat st;
		int code;

		/* a node (a path or vhost-vdpa-N): its dev_t names its vdpa device in sysfs */
		path = devarg_to_path(args[i], NULL, &quiet, &code);
		err_list_free(&quiet);
		if (path && stat(path, &st) == 0 && S_ISCHR(st.st_mode))
			sysfs_node_device(major(st.st_rdev), minor(st.st_rdev), &want[i]);
		else if (!path)
			want[i].name = xstrdup(args[i]); /* maybe a vdpa device name */
		free(path);
		names[i] = want[i].name ? want[i].name : "";
	}
	n = sysfs_scan_names(&dv->sys, want, n_args, errs);
	dv->n_sys = n > 0 ? (size_t)n : 0;
	load_rest(dv, false, names, n_args, errs);
	for (size_t i = 0; i < n_args; i++)
		sysfs_want_free(&want[i]);
	free(want);
	free(names);
}

void discovery_free(struct discovery *dv)
{
	sysfs_free(dv->sys, dv->n_sys);
	free(dv->by_devt);
	nl_free(&dv->nl);
	vduse_scan_free(&dv->vduse);
	memset(dv, 0, sizeof(*dv));
}

/* Both lookups are binary searches: sys[] is sorted by name (sysfs_scan), by_devt by dev_t. */
const struct sysfs_vdpa *discovery_by_name(const struct discovery *dv, const char *name)
{
	size_t lo = 0, hi = dv->n_sys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(dv->sys[mid].name, name);

		if (!c)
			return &dv->sys[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct sysfs_vdpa *discovery_by_devt(const struct discovery *dv, unsigned major,
					   unsigned minor)
{
	size_t lo = 0, hi = dv->n_sys;

	while (dv->by_devt && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct sysfs_vdpa *s = &dv->sys[dv->by_devt[mid]];
		long c = s->char_major != (int)major ? (long)s->char_major - (long)major
						     : (long)s->char_minor - (long)minor;

		if (!c)
			return s;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
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
	vduse_annotate(&d->vduse, s);
	n = dv->netlink_ok ? nl_find_dev(&dv->nl, s->name) : NULL;
	if (n) {
		d->nl = *n;
		d->nl.name = NULL; /* strings stay with the discovery; copied where needed */
		d->nl.mgmtdev = NULL;
		d->has_nl = true;
		set_str(&d->mgmtdev, n->mgmtdev);
	}
}
