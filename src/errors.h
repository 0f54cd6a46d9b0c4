/* SPDX-License-Identifier: GPL-2.0-or-later */
/* errors.h - error records carried in the data model and rendered into errors[] and stderr */
#ifndef VDPACTL_ERRORS_H
#define VDPACTL_ERRORS_H

#include <stdbool.h>
#include <stddef.h>

/* Closed set; the JSON "code" strings are in errors.c and the schema. */
enum err_code {
	ERR_USAGE,
	ERR_NOT_VHOST_VDPA,
	ERR_NO_DEVICE,
	ERR_PERMISSION,
	ERR_UNSUPPORTED,
	ERR_BUSY,
	ERR_MALFORMED,
	ERR_INTERRUPTED,
	ERR_INTERNAL,
	ERR_INCOMPLETE,	 /* a step of the evaluation could not run or failed: not evidence */
	ERR_UNAVAILABLE, /* not opened: opening would harm the device (a VDUSE daemon gone) */
};

struct vd_error {
	enum err_code code;
	int errnum;    /* 0 when no errno applies */
	char *object;  /* what it is about: a path, "/proc/devices", ... (may be NULL) */
	char *op;      /* the operation: "open", "VHOST_GET_FEATURES", ... (may be NULL) */
	char *field;   /* the JSON field left null because of it, e.g. "limits.config_size" */
	char *message; /* one line, no trailing newline */
	char *hint;    /* at most one hint line for stderr (may be NULL) */
};

struct err_list {
	struct vd_error *v;
	size_t n, cap;
};

const char *err_code_name(enum err_code code);
int err_code_exit(enum err_code code);
/* "EBUSY" etc.; NULL for an errno without a name in our table */
const char *errno_name(int errnum);
/* strerror() that knows the kernel-internal ENOTSUPP (524), which libc prints as "Unknown error" */
const char *vd_strerror(int errnum);

/* Append a record; strings are copied. printf-style message. */
struct vd_error *err_add(struct err_list *l, enum err_code code, int errnum, const char *object,
			 const char *op, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void err_set_hint(struct vd_error *e, const char *hint);
void err_list_free(struct err_list *l);

/*
 * Classify an errno from opening a vhost-vdpa node: fills code and hint.
 * EBUSY -> busy (6); EACCES/EPERM -> permission (4); ENOENT/ENXIO/ENODEV -> no device (3);
 * ENOTTY/EOPNOTSUPP/ENOTSUPP -> unsupported (5); anything else -> internal (1).
 */
enum err_code err_classify_open(int errnum, const char **hint);

/* Print "vdpactl: <object>: <op>: <message>" and the hint line (unless quiet) to stderr. */
void err_print(const struct vd_error *e, bool quiet);

#endif
