// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost.c - the only code that opens, queries, writes to or closes a vhost-vdpa device.
 *
 * Safety: nothing is opened unless stat() says it is a character device with the
 * vhost-vdpa major, and nothing is issued on a descriptor unless fstat() confirms the same dev_t.
 */
#include "vhost.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "compat.h"
#include "devnode.h"
#include "exitcode.h"
#include "signals.h"
#include "util.h"

static const struct {
	unsigned long req;
	const char *name;
	unsigned size;
} queries[VQ_COUNT] = {
	[VQ_DEVICE_ID] = { VHOST_VDPA_GET_DEVICE_ID, "VHOST_VDPA_GET_DEVICE_ID", 4 },
	[VQ_BACKEND_FEATURES] = { VHOST_GET_BACKEND_FEATURES, "VHOST_GET_BACKEND_FEATURES", 8 },
	[VQ_FEATURES] = { VHOST_GET_FEATURES, "VHOST_GET_FEATURES", 8 },
	[VQ_STATUS] = { VHOST_VDPA_GET_STATUS, "VHOST_VDPA_GET_STATUS", 1 },
	[VQ_VRING_NUM] = { VHOST_VDPA_GET_VRING_NUM, "VHOST_VDPA_GET_VRING_NUM", 2 },
	[VQ_CONFIG_SIZE] = { VHOST_VDPA_GET_CONFIG_SIZE, "VHOST_VDPA_GET_CONFIG_SIZE", 4 },
	[VQ_VQS_COUNT] = { VHOST_VDPA_GET_VQS_COUNT, "VHOST_VDPA_GET_VQS_COUNT", 4 },
	[VQ_AS_NUM] = { VHOST_VDPA_GET_AS_NUM, "VHOST_VDPA_GET_AS_NUM", 4 },
	[VQ_GROUP_NUM] = { VHOST_VDPA_GET_GROUP_NUM, "VHOST_VDPA_GET_GROUP_NUM", 4 },
};

const char *vhost_query_name(enum vhost_query q)
{
	return (unsigned)q < VQ_COUNT ? queries[q].name : "?";
}

static const char *file_type(mode_t m)
{
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISLNK(m))
		return "a symbolic link";
	return "not a character device";
}

static int fail(struct err_list *errs, enum err_code code, int errnum, const char *path,
		const char *op, const char *hint, const char *msg)
{
	struct vd_error *e = err_add(errs, code, errnum, path, op, NULL, "%s", msg);

	err_set_hint(e, hint);
	return err_code_exit(code);
}

static int fail_errno(struct err_list *errs, int errnum, const char *path, const char *op)
{
	const char *hint;
	enum err_code code = err_classify_open(errnum, &hint);

	return fail(errs, code, errnum, path, op, hint, vd_strerror(errnum));
}

int vhost_open(const char *path, int vmajor, bool rdwr, int *fd_out, struct stat *st_out,
	       struct err_list *errs)
{
	return vhost_open_gated(path, vmajor, rdwr, fd_out, st_out, errs, NULL);
}

int vhost_open_gated(const char *path, int vmajor, bool rdwr, int *fd_out, struct stat *st_out,
		     struct err_list *errs, const struct vhost_gate *gate)
{
	struct stat own, fst;
	struct stat *const pst = st_out ? st_out : &own;
	const char *drv;
	char msg[200];
	int fd;

	*fd_out = -1;
	memset(pst, 0, sizeof(*pst));
	if (vd_signal)
		return fail(errs, ERR_INTERRUPTED, EINTR, path, NULL, NULL, "interrupted");
	if (stat(path, pst) < 0) {
		int e = errno;

		memset(pst, 0, sizeof(*pst));

		if (e == ENOTDIR || e == ELOOP || e == ENAMETOOLONG)
			return fail(errs, ERR_USAGE, e, path, "stat", NULL, vd_strerror(e));
		return fail_errno(errs, e, path, "stat");
	}
	if (!S_ISCHR(pst->st_mode)) {
		snprintf(msg, sizeof(msg), "not a vhost-vdpa character device (%s)",
			 file_type(pst->st_mode));
		return fail(errs, ERR_NOT_VHOST_VDPA, 0, path, NULL, NULL, msg);
	}
	drv = chrdev_driver_name(major(pst->st_rdev));
	if (vmajor < 0 && drv) {
		snprintf(msg, sizeof(msg),
			 "not a vhost-vdpa character device (device %u:%u belongs to '%s')",
			 major(pst->st_rdev), minor(pst->st_rdev), drv);
		return fail(errs, ERR_NOT_VHOST_VDPA, 0, path, NULL, NULL, msg);
	}
	if (vmajor < 0) {
		snprintf(msg, sizeof(msg),
			 "character device %u:%u cannot be verified: the kernel has no vhost-vdpa "
			 "driver registered in /proc/devices",
			 major(pst->st_rdev), minor(pst->st_rdev));
		return fail(errs, ERR_UNSUPPORTED, 0, path, NULL,
			    "load the vhost_vdpa module or use a kernel with CONFIG_VHOST_VDPA",
			    msg);
	}
	if (major(pst->st_rdev) != (unsigned)vmajor) {
		snprintf(msg, sizeof(msg),
			 "not a vhost-vdpa character device (device %u:%u belongs to '%s'; "
			 "vhost-vdpa is major %d)",
			 major(pst->st_rdev), minor(pst->st_rdev), drv ? drv : "no driver", vmajor);
		return fail(errs, ERR_NOT_VHOST_VDPA, 0, path, NULL, NULL, msg);
	}
	if (gate) {
		int rc = gate->fn(pst, gate->arg);

		if (rc)
			return rc;
	}

	fd = open(path, (rdwr ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fail_errno(errs, errno, path, "open");
	if (fstat(fd, &fst) < 0) {
		int e = errno;

		close(fd);
		return fail_errno(errs, e, path, "fstat");
	}
	if (!S_ISCHR(fst.st_mode) || fst.st_rdev != pst->st_rdev) {
		close(fd);
		return fail(errs, ERR_NOT_VHOST_VDPA, 0, path, NULL, NULL,
			    "the node changed between stat and open; refusing to use it");
	}
	signals_track_fd(fd);
	*fd_out = fd;
	return 0;
}

void vhost_close(int fd)
{
	if (fd < 0)
		return;
	signals_untrack_fd(fd);
	close(fd);
}

int vhost_query(int fd, enum vhost_query q, uint64_t *out)
{
	union {
		uint8_t u8;
		uint16_t u16;
		uint32_t u32;
		uint64_t u64;
	} v;

	if ((unsigned)q >= VQ_COUNT)
		return -EINVAL;
	if (vd_signal)
		return -EINTR;
	memset(&v, 0, sizeof(v));
	if (ioctl(fd, queries[q].req, &v) < 0)
		return -errno;
	switch (queries[q].size) {
	case 1:
		*out = v.u8;
		break;
	case 2:
		*out = v.u16;
		break;
	case 4:
		*out = v.u32;
		break;
	default:
		*out = v.u64;
		break;
	}
	return 0;
}

int vhost_get_iova_range(int fd, uint64_t *first, uint64_t *last)
{
	struct vhost_vdpa_iova_range r;

	if (vd_signal)
		return -EINTR;
	memset(&r, 0, sizeof(r));
	if (ioctl(fd, VHOST_VDPA_GET_IOVA_RANGE, &r) < 0)
		return -errno;
	*first = r.first;
	*last = r.last;
	return 0;
}

int vhost_get_config(int fd, uint32_t off, uint32_t len, uint8_t *buf)
{
	struct vhost_vdpa_config *c;
	int rc = 0;

	if (vd_signal)
		return -EINTR;
	c = xcalloc(1, sizeof(*c) + len);
	c->off = off;
	c->len = len;
	if (ioctl(fd, VHOST_VDPA_GET_CONFIG, c) < 0)
		rc = -errno;
	else
		memcpy(buf, c->buf, len);
	free(c);
	return rc;
}

static int simple_ioctl(int fd, unsigned long req, void *arg)
{
	if (vd_signal)
		return -EINTR;
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

int vhost_set_backend_features(int fd, uint64_t features)
{
	return simple_ioctl(fd, VHOST_SET_BACKEND_FEATURES, &features);
}

int vhost_set_owner(int fd)
{
	return simple_ioctl(fd, VHOST_SET_OWNER, NULL);
}

int vhost_set_status(int fd, uint8_t status)
{
	return simple_ioctl(fd, VHOST_VDPA_SET_STATUS, &status);
}

int vhost_set_features(int fd, uint64_t features)
{
	return simple_ioctl(fd, VHOST_SET_FEATURES, &features);
}

static int vring_state(int fd, unsigned long req, unsigned idx, unsigned num)
{
	struct vhost_vring_state st = { .index = idx, .num = num };

	return simple_ioctl(fd, req, &st);
}

static int vring_file(int fd, unsigned long req, unsigned idx, int efd)
{
	struct vhost_vring_file f = { .index = idx, .fd = efd };

	return simple_ioctl(fd, req, &f);
}

int vhost_set_vring_num(int fd, unsigned idx, unsigned num)
{
	return vring_state(fd, VHOST_SET_VRING_NUM, idx, num);
}

int vhost_set_vring_base(int fd, unsigned idx, unsigned base)
{
	return vring_state(fd, VHOST_SET_VRING_BASE, idx, base);
}

int vhost_set_vring_enable(int fd, unsigned idx, bool enable)
{
	return vring_state(fd, VHOST_VDPA_SET_VRING_ENABLE, idx, enable ? 1 : 0);
}

int vhost_set_vring_kick(int fd, unsigned idx, int efd)
{
	return vring_file(fd, VHOST_SET_VRING_KICK, idx, efd);
}

int vhost_set_vring_call(int fd, unsigned idx, int efd)
{
	return vring_file(fd, VHOST_SET_VRING_CALL, idx, efd);
}

int vhost_set_vring_addr(int fd, unsigned idx, uint64_t desc, uint64_t avail, uint64_t used)
{
	struct vhost_vring_addr a;

	memset(&a, 0, sizeof(a));
	a.index = idx;
	a.desc_user_addr = desc;
	a.avail_user_addr = avail;
	a.used_user_addr = used;
	return simple_ioctl(fd, VHOST_SET_VRING_ADDR, &a);
}

int vhost_iotlb(int fd, enum iotlb_op op, uint64_t iova, uint64_t size, uint64_t uaddr)
{
	static const uint8_t types[] = {
		[IOTLB_OP_UPDATE] = VHOST_IOTLB_UPDATE,
		[IOTLB_OP_INVALIDATE] = VHOST_IOTLB_INVALIDATE,
		[IOTLB_OP_BATCH_BEGIN] = VHOST_IOTLB_BATCH_BEGIN,
		[IOTLB_OP_BATCH_END] = VHOST_IOTLB_BATCH_END,
	};
	struct vhost_msg_v2 msg;
	ssize_t n;

	if (vd_signal)
		return -EINTR;
	memset(&msg, 0, sizeof(msg));
	msg.type = VHOST_IOTLB_MSG_V2;
	msg.asid = 0;
	msg.iotlb.type = types[op];
	if (op == IOTLB_OP_UPDATE || op == IOTLB_OP_INVALIDATE) {
		msg.iotlb.iova = iova;
		msg.iotlb.size = size;
		msg.iotlb.uaddr = uaddr;
		msg.iotlb.perm = op == IOTLB_OP_UPDATE ? VHOST_ACCESS_RW : 0;
	}
	n = write(fd, &msg, sizeof(msg));
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(msg) ? 0 : -EIO;
}
