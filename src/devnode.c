// SPDX-License-Identifier: GPL-2.0-or-later
/* devnode.c - DEV arguments, /proc/devices and the /dev scan (read-only; opens no device) */
#include "devnode.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define PROC_DEVICES "/proc/devices"
#define PROC_DEVICES_MAX (64 * 1024)

/*
 * Walk the "Character devices:" section; for each "<major> <name>" line call @fn, which returns
 * non-zero to stop. Returns -EINVAL on malformed text, 1 if stopped, 0 at the end.
 */
static int walk_chrdevs(const char *text, int (*fn)(unsigned long, const char *, size_t, void *),
			void *arg)
{
	const char *p = text;
	int in_char = 0, seen_header = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len == 0) {
			in_char = 0;
		} else if (len == strlen("Character devices:") &&
			   !strncmp(p, "Character devices:", len)) {
			in_char = 1;
			seen_header = 1;
		} else if (!strncmp(p, "Block devices:", strlen("Block devices:"))) {
			in_char = 0;
		} else if (in_char) {
			unsigned long num = 0;
			size_t i = 0, digits = 0;

			while (i < len && p[i] == ' ')
				i++;
			while (i < len && isdigit((unsigned char)p[i]) && digits < 8) {
				num = num * 10 + (unsigned long)(p[i] - '0');
				i++;
				digits++;
			}
			if (!digits || i >= len || p[i] != ' ')
				return -EINVAL;
			i++;
			if (fn(num, p + i, len - i, arg))
				return 1;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return seen_header ? 0 : -EINVAL;
}

struct find_arg {
	const char *name;
	unsigned long major;
	char *out;
	size_t size;
	int found;
};

static int match_name(unsigned long num, const char *name, size_t len, void *arg)
{
	struct find_arg *a = arg;

	if (len == strlen(a->name) && !strncmp(name, a->name, len)) {
		a->major = num;
		return 1;
	}
	return 0;
}

static int match_major(unsigned long num, const char *name, size_t len, void *arg)
{
	struct find_arg *a = arg;

	if (num != a->major)
		return 0;
	snprintf(a->out, a->size, "%.*s", (int)len, name);
	return 1;
}

int procdevices_find(const char *text, const char *name, unsigned *major)
{
	struct find_arg a = { .name = name };
	int rc = walk_chrdevs(text, match_name, &a);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return -ENOENT;
	*major = (unsigned)a.major;
	return 0;
}

int procdevices_name(const char *text, unsigned major, char *name, size_t size)
{
	struct find_arg a = { .major = major, .out = name, .size = size };
	int rc = walk_chrdevs(text, match_major, &a);

	if (rc < 0)
		return rc;
	return rc ? 0 : -ENOENT;
}

static char *proc_devices_text; /* kept for chrdev_driver_name() */

void devnode_release(void)
{
	free(proc_devices_text);
	proc_devices_text = NULL;
}

const char *chrdev_driver_name(unsigned major)
{
	static _Thread_local char name[64]; /* probe --jobs: each thread its own */

	if (!proc_devices_text || procdevices_name(proc_devices_text, major, name, sizeof(name)))
		return NULL;
	return name;
}

int vhost_vdpa_major(unsigned *major, struct err_list *errs)
{
	char *buf = xmalloc(PROC_DEVICES_MAX + 1);
	size_t len = 0;
	int fd, rc;

	fd = open(PROC_DEVICES, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		err_add(errs, ERR_INTERNAL, -rc, PROC_DEVICES, "open", NULL, "%s",
			vd_strerror(-rc));
		free(buf);
		return rc;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, PROC_DEVICES_MAX - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			err_add(errs, ERR_INTERNAL, -rc, PROC_DEVICES, "read", NULL, "%s",
				vd_strerror(-rc));
			close(fd);
			free(buf);
			return rc;
		}
		if (n == 0 || len + (size_t)n == PROC_DEVICES_MAX) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (memchr(buf, '\0', len)) {
		rc = -EINVAL;
	} else {
		rc = procdevices_find(buf, "vhost-vdpa", major);
	}
	free(proc_devices_text);
	proc_devices_text = buf;
	if (rc == -ENOENT) {
		struct vd_error *e =
			err_add(errs, ERR_UNSUPPORTED, ENOENT, PROC_DEVICES, NULL, NULL,
				"no 'vhost-vdpa' character device driver is registered");
		err_set_hint(e, "load the vhost_vdpa module (modprobe vhost_vdpa) or use a kernel "
				"built with CONFIG_VHOST_VDPA");
	} else if (rc == -EINVAL) {
		free(proc_devices_text);
		proc_devices_text = NULL;
		err_add(errs, ERR_MALFORMED, EINVAL, PROC_DEVICES, "parse", NULL,
			"unexpected format (no 'Character devices:' section or a malformed line)");
	}
	return rc;
}

static int parse_vhost_name(const char *s, unsigned *n)
{
	unsigned long long v;

	if (strncmp(s, "vhost-vdpa-", strlen("vhost-vdpa-")))
		return -1;
	if (parse_uint(s + strlen("vhost-vdpa-"), VHOST_VDPA_MAX_MINOR, &v))
		return -1;
	*n = (unsigned)v;
	return 0;
}

char *devarg_to_path(const char *arg, const struct discovery *dv, struct err_list *errs,
		     int *exit_code)
{
	const struct sysfs_vdpa *s;
	unsigned n;

	*exit_code = 2;
	if (!*arg) {
		err_add(errs, ERR_USAGE, 0, NULL, NULL, NULL,
			"empty device name: give /dev/vhost-vdpa-N or vhost-vdpa-N");
		return NULL;
	}
	if (strchr(arg, '/'))
		return xstrdup(arg);
	if (!parse_vhost_name(arg, &n))
		return xasprintf("/dev/vhost-vdpa-%u", n);
	s = dv ? discovery_by_name(dv, arg) : NULL;
	if (s && s->char_name)
		return xasprintf("/dev/%s", s->char_name);
	if (s) {
		struct vd_error *e =
			err_add(errs, ERR_NO_DEVICE, 0, arg, NULL, NULL,
				"vdpa device %s has no vhost-vdpa interface (bound to %s)", arg,
				s->bound_driver ? s->bound_driver : "no driver");
		char hint[512];

		if (s->bound_driver)
			snprintf(
				hint, sizeof(hint),
				"bind it to vhost_vdpa: echo vhost_vdpa > /sys/bus/vdpa/devices/%s/"
				"driver_override; echo %s > /sys/bus/vdpa/drivers/%s/unbind; echo "
				"%s "
				"> /sys/bus/vdpa/drivers_probe",
				arg, arg, s->bound_driver, arg);
		else
			snprintf(
				hint, sizeof(hint),
				"bind it to vhost_vdpa: echo vhost_vdpa > /sys/bus/vdpa/devices/%s/"
				"driver_override; echo %s > /sys/bus/vdpa/drivers_probe",
				arg, arg);
		err_set_hint(e, hint);
		*exit_code = 3;
		return NULL;
	}
	err_add(errs, ERR_USAGE, 0, arg, NULL, NULL,
		"not a device: give /dev/vhost-vdpa-N, vhost-vdpa-N, a path to the node or the "
		"name of a vdpa device (vdpactl list shows them)");
	return NULL;
}

struct scan_entry {
	unsigned n;
	char *path;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct scan_entry *x = a, *y = b;

	return x->n < y->n ? -1 : x->n > y->n;
}

int devnode_scan(char ***paths, struct err_list *errs)
{
	struct scan_entry *v = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *dir;

	dir = opendir("/dev");
	if (!dir) {
		int rc = -errno;

		err_add(errs, ERR_INTERNAL, -rc, "/dev", "opendir", NULL, "%s", vd_strerror(-rc));
		return rc;
	}
	while ((de = readdir(dir))) {
		unsigned idx;

		if (parse_vhost_name(de->d_name, &idx))
			continue;
		v = xgrow(v, n, sizeof(*v));
		v[n].n = idx;
		v[n].path = xasprintf("/dev/%s", de->d_name);
		n++;
	}
	closedir(dir);
	if (n)
		qsort(v, n, sizeof(*v), cmp_entry);
	*paths = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		(*paths)[i] = v[i].path;
	free(v);
	return (int)n;
}

void devnode_free_list(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
