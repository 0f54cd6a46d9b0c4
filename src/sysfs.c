// SPDX-License-Identifier: GPL-2.0-or-later
/* sysfs.c - read-only view of /sys/bus/vdpa; see sysfs.h */
#include "sysfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define VDPA_BUS "/sys/bus/vdpa"
#define VDPA_DEVICES VDPA_BUS "/devices"
#define SYS_DEV_CHAR "/sys/dev/char"
#define SMALL_FILE 256

/* Read a small sysfs attribute; trailing newline removed. NULL if missing or unreadable. */
static char *read_attr(const char *dir, const char *name)
{
	char path[PATH_MAX], buf[SMALL_FILE];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return xstrdup(buf);
}

/* basename of the target of symlink dir/name, or NULL */
static char *link_base(const char *dir, const char *name)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *b;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return NULL;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return NULL;
	target[n] = '\0';
	b = strrchr(target, '/');
	return xstrdup(b ? b + 1 : target);
}

int sysfs_join_link(const char *dir, const char *target, char *out, size_t len)
{
	size_t n = 0;

	if (!len || (target[0] != '/' && dir[0] != '/'))
		return -1;
	out[0] = '\0';
	/* start from @dir for a relative target; then apply each component of the target */
	for (int pass = target[0] == '/'; pass < 2; pass++) {
		const char *p = pass ? target : dir;

		while (*p) {
			const char *end = strchrnul(p, '/');
			size_t clen = (size_t)(end - p);

			if (clen == 2 && p[0] == '.' && p[1] == '.') {
				if (!n)
					return -1; /* above "/" */
				while (n && out[--n] != '/')
					;
				out[n] = '\0';
			} else if (clen && !(clen == 1 && p[0] == '.')) {
				if (n + 1 + clen + 1 > len)
					return -1;
				out[n++] = '/';
				memcpy(out + n, p, clen);
				n += clen;
				out[n] = '\0';
			}
			p = *end ? end + 1 : end;
		}
	}
	if (!n) {
		if (len < 2)
			return -1;
		out[n++] = '/';
		out[n] = '\0';
	}
	return 0;
}

int sysfs_parse_devt(const char *text, int *major, int *minor)
{
	char *end;
	long ma, mi;

	if (!text || !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	ma = strtol(text, &end, 10);
	if (errno || *end != ':' || !isdigit((unsigned char)end[1]) || ma > 4095)
		return -1;
	mi = strtol(end + 1, &end, 10);
	if (errno || (*end && *end != '\n') || mi > (1L << 20) - 1)
		return -1;
	*major = (int)ma;
	*minor = (int)mi;
	return 0;
}

int sysfs_parse_bool(const char *text)
{
	if (!text)
		return -1;
	if (!strcmp(text, "Y") || !strcmp(text, "1"))
		return 1;
	if (!strcmp(text, "N") || !strcmp(text, "0"))
		return 0;
	return -1;
}

bool sysfs_has_vdpa_bus(void)
{
	struct stat st;

	return stat(VDPA_BUS, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct sysfs_vdpa *)a)->name, ((const struct sysfs_vdpa *)b)->name);
}

static void find_char_child(struct sysfs_vdpa *v, struct err_list *errs)
{
	struct dirent *de;
	DIR *d = opendir(v->path);

	v->char_major = v->char_minor = -1;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char *devt, sub[PATH_MAX];

		if (strncmp(de->d_name, "vhost-vdpa-", strlen("vhost-vdpa-")))
			continue;
		v->char_name = xstrdup(de->d_name);
		snprintf(sub, sizeof(sub), "%s/%s", v->path, de->d_name);
		devt = read_attr(sub, "dev");
		if (!devt || sysfs_parse_devt(devt, &v->char_major, &v->char_minor)) {
			v->char_major = v->char_minor = -1;
			err_add(errs, ERR_MALFORMED, 0, sub, "read dev", NULL,
				"expected MAJ:MIN, got '%s'", devt ? devt : "(unreadable)");
		}
		free(devt);
		break;
	}
	closedir(d);
}

/*
 * The vhost-vdpa-N children of all devices at once: /sys/dev/char holds a link MAJ:MIN for every
 * character device (drivers/base/core.c, device_create_sys_dev_entry()), and one readlink per
 * node of major @vmajor names its directory, .../<vdpa device>/vhost-vdpa-N. That is one call
 * per device, where a look into each device's directory and its "dev" file takes seven.
 * @v is sorted by name. -1 if /sys/dev/char cannot be read (the caller asks each device then).
 */
static int map_char_children(struct sysfs_vdpa *v, size_t n, int vmajor, struct err_list *errs)
{
	DIR *d = opendir(SYS_DEV_CHAR);
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct sysfs_want w;
		struct sysfs_vdpa key, *x;
		int ma, mi, rc;

		if (sysfs_parse_devt(de->d_name, &ma, &mi) || ma != vmajor)
			continue;
		rc = sysfs_node_device((unsigned)ma, (unsigned)mi, &w);
		if (rc == -2)
			err_add(errs, ERR_MALFORMED, errno, SYS_DEV_CHAR, "readlink", NULL,
				"%s: %s", de->d_name, vd_strerror(errno));
		if (rc)
			continue;
		key.name = w.name;
		x = bsearch(&key, v, n, sizeof(*v), cmp_name);
		/* a node whose directory is no vdpa device on the bus (being removed): not ours */
		if (x && !x->char_name && !strcmp(x->path, w.dir)) {
			x->char_name = w.char_name;
			w.char_name = NULL;
			x->char_major = ma;
			x->char_minor = mi;
		}
		sysfs_want_free(&w);
	}
	closedir(d);
	return 0;
}

static long read_long(const char *dir, const char *name);

/*
 * A VDUSE device's parent is the control device the daemon holds (drivers/vdpa/vdpa_user/
 * vduse_dev.c, vduse_create_dev(): device_create_with_groups() in class vduse, attributes "dev"
 * and "msg_timeout", the seconds a message to the daemon may wait; 0 waits without limit).
 */
static void find_vduse_ctl(struct sysfs_vdpa *v, const char *parent, struct err_list *errs)
{
	char *devt = read_attr(parent, "dev");

	if (!devt || sysfs_parse_devt(devt, &v->vduse_major, &v->vduse_minor)) {
		v->vduse_major = v->vduse_minor = -1;
		err_add(errs, ERR_MALFORMED, 0, parent, "read dev", NULL,
			"expected MAJ:MIN, got '%s'", devt ? esc(devt) : "(unreadable)");
	}
	free(devt);
	v->vduse_msg_timeout = read_long(parent, "msg_timeout");
	if (v->vduse_msg_timeout < 0 || v->vduse_msg_timeout > UINT32_MAX) {
		v->vduse_msg_timeout = -1;
		err_add(errs, ERR_MALFORMED, 0, parent, "read msg_timeout", NULL,
			"expected the seconds a message to the VDUSE daemon may wait");
	}
}

static void find_parent(struct sysfs_vdpa *v, struct err_list *errs)
{
	char parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", v->path);
	slash = strrchr(parent, '/');
	if (!slash)
		return;
	*slash = '\0';
	/* vdpa_sim devices sit directly under /sys/devices: no parent device */
	if (!strcmp(parent, "/sys/devices") || !parent[0])
		return;
	v->parent_bus = link_base(parent, "subsystem");
	if (!v->parent_bus)
		return; /* not a device directory */
	slash = strrchr(parent, '/');
	v->parent_id = xstrdup(slash ? slash + 1 : parent);
	v->parent_driver = link_base(parent, "driver");
	if (!strcmp(v->parent_bus, "vduse"))
		find_vduse_ctl(v, parent, errs);
}

/*
 * Append the device /sys/bus/vdpa/devices/@name to @v (*n entries): its directory (one readlink,
 * where realpath() reads every component), bound driver, driver_override and parent. @missing_ok:
 * a name that is not on the bus is skipped quietly (it came from the command line).
 */
static struct sysfs_vdpa *add_device(struct sysfs_vdpa *v, size_t *n, const char *name,
				     bool missing_ok, struct err_list *errs)
{
	char link[PATH_MAX], target[PATH_MAX], real[PATH_MAX];
	struct sysfs_vdpa *x;
	ssize_t tl;

	snprintf(link, sizeof(link), VDPA_DEVICES "/%s", name);
	tl = readlink(link, target, sizeof(target) - 1);
	if (tl < 0 && missing_ok && (errno == ENOENT || errno == ENOTDIR))
		return v;
	if (tl <= 0) {
		err_add(errs, ERR_MALFORMED, tl < 0 ? errno : EINVAL, link, "readlink", NULL, "%s",
			tl < 0 ? vd_strerror(errno) : "an empty link");
		return v;
	}
	target[tl] = '\0';
	if (sysfs_join_link(VDPA_DEVICES, target, real, sizeof(real))) {
		err_add(errs, ERR_MALFORMED, 0, link, "readlink", NULL,
			"its target '%s' climbs above / or is too long", esc(target));
		return v;
	}
	v = xgrow(v, *n, sizeof(*v));
	x = &v[(*n)++];
	memset(x, 0, sizeof(*x));
	x->name = xstrdup(name);
	x->path = xstrdup(real);
	x->char_major = x->char_minor = -1;
	x->vduse_major = x->vduse_minor = -1;
	x->vduse_msg_timeout = -1;
	x->bound_driver = link_base(real, "driver");
	x->driver_override = read_attr(real, "driver_override");
	if (x->driver_override &&
	    (!x->driver_override[0] || !strcmp(x->driver_override, "(null)"))) {
		free(x->driver_override);
		x->driver_override = NULL;
	}
	find_parent(x, errs);
	return v;
}

int sysfs_scan(struct sysfs_vdpa **out, int vmajor, struct err_list *errs)
{
	struct sysfs_vdpa *v = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	*out = NULL;
	d = opendir(VDPA_DEVICES);
	if (!d) {
		int e = errno;

		if (e == ENOENT)
			return 0;
		err_add(errs, ERR_INTERNAL, e, VDPA_DEVICES, "opendir", NULL, "%s", vd_strerror(e));
		return -e;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			v = add_device(v, &n, de->d_name, false, errs);
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_name);
	if (n && (vmajor < 0 || map_char_children(v, n, vmajor, errs)))
		for (size_t i = 0; i < n; i++)
			find_char_child(&v[i], errs);
	*out = v;
	return (int)n;
}

int sysfs_node_device(unsigned major, unsigned minor, struct sysfs_want *w)
{
	char link[64], target[PATH_MAX], real[PATH_MAX], *base, *dir;
	ssize_t tl;

	memset(w, 0, sizeof(*w));
	snprintf(link, sizeof(link), SYS_DEV_CHAR "/%u:%u", major, minor);
	tl = readlink(link, target, sizeof(target) - 1);
	if (tl < 0)
		return -2;
	target[tl] = '\0';
	if (!tl || sysfs_join_link(SYS_DEV_CHAR, target, real, sizeof(real)) ||
	    !(base = strrchr(real, '/')) || base == real ||
	    strncmp(base + 1, "vhost-vdpa-", strlen("vhost-vdpa-")))
		return -1;
	*base++ = '\0';
	dir = strrchr(real, '/');
	w->name = xstrdup(dir + 1);
	w->dir = xstrdup(real);
	w->char_name = xstrdup(base);
	w->major = (int)major;
	w->minor = (int)minor;
	return 0;
}

void sysfs_want_free(struct sysfs_want *w)
{
	free(w->name);
	free(w->dir);
	free(w->char_name);
	memset(w, 0, sizeof(*w));
}

int sysfs_scan_names(struct sysfs_vdpa **out, const struct sysfs_want *want, size_t n_want,
		     struct err_list *errs)
{
	struct sysfs_vdpa *v = NULL;
	size_t n = 0;

	*out = NULL;
	for (size_t i = 0; i < n_want; i++) {
		const char *name = want[i].name;
		bool dup = false;

		if (!name || !name[0] || strchr(name, '/') || !strcmp(name, ".") ||
		    !strcmp(name, ".."))
			continue;
		for (size_t j = 0; j < n && !dup; j++)
			dup = !strcmp(v[j].name, name);
		if (dup)
			continue;
		v = add_device(v, &n, name, true, errs);
		if (!n || strcmp(v[n - 1].name, name))
			continue; /* not on the bus */
		if (want[i].char_name && want[i].dir && !strcmp(v[n - 1].path, want[i].dir)) {
			/* the node's own link named this directory: its child is known */
			v[n - 1].char_name = xstrdup(want[i].char_name);
			v[n - 1].char_major = want[i].major;
			v[n - 1].char_minor = want[i].minor;
		} else {
			find_char_child(&v[n - 1], errs);
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_name);
	*out = v;
	return (int)n;
}

void sysfs_free(struct sysfs_vdpa *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].bound_driver);
		free(v[i].driver_override);
		free(v[i].char_name);
		free(v[i].parent_bus);
		free(v[i].parent_id);
		free(v[i].parent_driver);
		free(v[i].path);
	}
	free(v);
}

static long read_long(const char *dir, const char *name)
{
	char *t = read_attr(dir, name), *end;
	long v = -1;

	if (t && isdigit((unsigned char)t[0])) {
		v = strtol(t, &end, 10);
		if (*end)
			v = -1;
	}
	free(t);
	return v;
}

static int read_bool(const char *dir, const char *name)
{
	char *t = read_attr(dir, name);
	int v = sysfs_parse_bool(t);

	free(t);
	return v;
}

void sysfs_read_params(struct sysfs_params *p)
{
	p->vhost_vdpa_max_iotlb_entries =
		read_long("/sys/module/vhost_vdpa/parameters", "max_iotlb_entries");
	p->vdpa_sim_use_va = read_bool("/sys/module/vdpa_sim/parameters", "use_va");
	p->vdpa_sim_batch_mapping = read_bool("/sys/module/vdpa_sim/parameters", "batch_mapping");
	p->vdpa_sim_max_iotlb_entries =
		read_long("/sys/module/vdpa_sim/parameters", "max_iotlb_entries");
}
