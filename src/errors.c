// SPDX-License-Identifier: GPL-2.0-or-later
/* errors.c - error records, errno names, and the errno -> exit-code classification */
#include "errors.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "util.h"

/*
 * Kernel-internal errno (include/linux/errno.h) that leaks to userspace, e.g. from
 * vhost_vdpa_open() when the parent lacks an op.
 */
#define VD_ENOTSUPP 524

static const struct {
	enum err_code code;
	const char *name;
	int exit;
} codes[] = {
	{ ERR_USAGE, "usage", VD_EXIT_USAGE },
	{ ERR_NOT_VHOST_VDPA, "not_vhost_vdpa", VD_EXIT_USAGE },
	{ ERR_NO_DEVICE, "no_such_device", VD_EXIT_NODEV },
	{ ERR_PERMISSION, "permission_denied", VD_EXIT_PERM },
	{ ERR_UNSUPPORTED, "unsupported", VD_EXIT_UNSUPPORTED },
	{ ERR_BUSY, "busy", VD_EXIT_BUSY },
	{ ERR_MALFORMED, "malformed_data", VD_EXIT_INTERNAL },
	{ ERR_INTERRUPTED, "interrupted", VD_EXIT_SIGINT },
	{ ERR_INTERNAL, "internal", VD_EXIT_INTERNAL },
	{ ERR_INCOMPLETE, "incomplete", VD_EXIT_OK },
	{ ERR_UNAVAILABLE, "unavailable", VD_EXIT_BUSY },
};

const char *err_code_name(enum err_code code)
{
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
		if (codes[i].code == code)
			return codes[i].name;
	return "internal";
}

int err_code_exit(enum err_code code)
{
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
		if (codes[i].code == code)
			return codes[i].exit;
	return VD_EXIT_INTERNAL;
}

#define E(x)                                                                                       \
	{                                                                                          \
		x, #x                                                                              \
	}
static const struct {
	int num;
	const char *name;
} errnos[] = {
	E(EPERM),
	E(ENOENT),
	E(ESRCH),
	E(EINTR),
	E(EIO),
	E(ENXIO),
	E(E2BIG),
	E(EBADF),
	E(EAGAIN),
	E(ENOMEM),
	E(EACCES),
	E(EFAULT),
	E(EBUSY),
	E(EEXIST),
	E(ENODEV),
	E(ENOTDIR),
	E(EISDIR),
	E(EINVAL),
	E(ENFILE),
	E(EMFILE),
	E(ENOTTY),
	E(ENOSPC),
	E(ERANGE),
	E(ENOSYS),
	E(EOPNOTSUPP),
	E(ENOBUFS),
	E(ELOOP),
	E(ENAMETOOLONG),
	E(EROFS),
	E(EBADMSG),
	E(ETIMEDOUT),
	E(ENODATA),
	E(EPROTO),
	E(EMSGSIZE),
	E(ESPIPE),
	E(ETXTBSY),
	{ VD_ENOTSUPP, "ENOTSUPP" },
};
#undef E

const char *errno_name(int errnum)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].num == errnum)
			return errnos[i].name;
	return NULL;
}

const char *vd_strerror(int errnum)
{
	if (errnum == VD_ENOTSUPP)
		return "Operation not supported (kernel ENOTSUPP)";
	return strerror(errnum);
}

struct vd_error *err_add(struct err_list *l, enum err_code code, int errnum, const char *object,
			 const char *op, const char *field, const char *fmt, ...)
{
	struct vd_error *e;
	va_list ap;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->code = code;
	e->errnum = errnum;
	e->object = object ? xstrdup(object) : NULL;
	e->op = op ? xstrdup(op) : NULL;
	e->field = field ? xstrdup(field) : NULL;
	va_start(ap, fmt);
	e->message = xvasprintf(fmt, ap);
	va_end(ap);
	return e;
}

void err_set_hint(struct vd_error *e, const char *hint)
{
	free(e->hint);
	e->hint = hint ? xstrdup(hint) : NULL;
}

void err_list_free(struct err_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].object);
		free(l->v[i].op);
		free(l->v[i].field);
		free(l->v[i].message);
		free(l->v[i].hint);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

enum err_code err_classify_open(int errnum, const char **hint)
{
	*hint = NULL;
	switch (errnum) {
	case EBUSY:
		*hint = "the device is in use, e.g. by QEMU; vdpactl does not retry or disturb it";
		return ERR_BUSY;
	case EACCES:
	case EPERM:
		*hint = "run as root or grant access to the device node (e.g. a udev rule)";
		return ERR_PERMISSION;
	case ENOENT:
	case ENXIO:
	case ENODEV:
		*hint = "no vDPA device is bound to vhost_vdpa under that name, or the kernel "
			"lacks "
			"CONFIG_VHOST_VDPA";
		return ERR_NO_DEVICE;
	case ENOTTY:
	case EOPNOTSUPP:
	case VD_ENOTSUPP:
		*hint = "the kernel or the device's parent driver does not support this; for "
			"platform-IOMMU parents check that the IOMMU is enabled";
		return ERR_UNSUPPORTED;
	case EINTR:
		return ERR_INTERRUPTED;
	default:
		return ERR_INTERNAL;
	}
}

void err_print(const struct vd_error *e, bool quiet)
{
	/* objects and messages carry names from the kernel and the command line: escaped */
	fprintf(stderr, "vdpactl: ");
	if (e->object)
		fprintf(stderr, "%s: ", esc(e->object));
	if (e->op)
		fprintf(stderr, "%s: ", esc(e->op));
	fprintf(stderr, "%s\n", esc(e->message));
	if (e->hint && !quiet)
		fprintf(stderr, "hint: %s\n", esc(e->hint));
	esc_release();
}
