/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost.h - the one seam to a vhost-vdpa character device: every open(), ioctl(), write() and
 * close() on /dev/vhost-vdpa-N is in vhost.c.
 */
#ifndef VDPACTL_VHOST_H
#define VDPACTL_VHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

struct stat;

/*
 * Open @path only if it is a vhost-vdpa character device: stat() before open (so no other
 * device is ever opened), open O_CLOEXEC|O_NOCTTY (O_RDWR if @rdwr, else O_RDONLY), then fstat()
 * on the descriptor (no TOCTOU) comparing type and dev_t. @vmajor is the vhost-vdpa major, or -1
 * when /proc/devices has none (a character device is then refused as unsupported).
 * @st, when not NULL, gets what that stat() saw (st_mode 0 when it failed or was not reached),
 * so that a caller needs no second stat() of the node to know its dev_t.
 * Returns 0 and *fd, or an exit code (2-6, 1, 130/143) with the error recorded in @errs.
 */
int vhost_open(const char *path, int vmajor, bool rdwr, int *fd, struct stat *st,
	       struct err_list *errs);
/*
 * The same, with @gate (may be NULL) asked after the node is verified and before it is opened:
 * a non-zero return (an exit code, its error recorded by the gate) refuses the open.
 */
struct vhost_gate {
	int (*fn)(const struct stat *st, void *arg);
	void *arg;
};
int vhost_open_gated(const char *path, int vmajor, bool rdwr, int *fd, struct stat *st,
		     struct err_list *errs, const struct vhost_gate *gate);
void vhost_close(int fd);

/* Read-only queries, one per ioctl (table in vhost.c). */
enum vhost_query {
	VQ_DEVICE_ID,	     /* VHOST_VDPA_GET_DEVICE_ID, u32 */
	VQ_BACKEND_FEATURES, /* VHOST_GET_BACKEND_FEATURES, u64 */
	VQ_FEATURES,	     /* VHOST_GET_FEATURES, u64 */
	VQ_STATUS,	     /* VHOST_VDPA_GET_STATUS, u8 */
	VQ_VRING_NUM,	     /* VHOST_VDPA_GET_VRING_NUM, u16 */
	VQ_CONFIG_SIZE,	     /* VHOST_VDPA_GET_CONFIG_SIZE, u32 */
	VQ_VQS_COUNT,	     /* VHOST_VDPA_GET_VQS_COUNT, u32 */
	VQ_AS_NUM,	     /* VHOST_VDPA_GET_AS_NUM, u32 */
	VQ_GROUP_NUM,	     /* VHOST_VDPA_GET_GROUP_NUM, u32 */
	VQ_COUNT
};

const char *vhost_query_name(enum vhost_query q);
/* 0 and *out, or -errno. Returns -EINTR without calling the kernel once a signal arrived. */
int vhost_query(int fd, enum vhost_query q, uint64_t *out);
int vhost_get_iova_range(int fd, uint64_t *first, uint64_t *last);
/* VHOST_VDPA_GET_CONFIG of @len bytes at @off into @buf. 0 or -errno. */
int vhost_get_config(int fd, uint32_t off, uint32_t len, uint8_t *buf);

/* Probe operations (need a descriptor opened O_RDWR). Each returns 0 or -errno. */
int vhost_set_backend_features(int fd, uint64_t features);
int vhost_set_owner(int fd);
int vhost_set_status(int fd, uint8_t status);

/* Virtqueue and feature setup for the data-path probe. Each returns 0 or -errno. */
int vhost_set_features(int fd, uint64_t features);
int vhost_set_vring_num(int fd, unsigned idx, unsigned num);
int vhost_set_vring_addr(int fd, unsigned idx, uint64_t desc, uint64_t avail, uint64_t used);
int vhost_set_vring_base(int fd, unsigned idx, unsigned base);
int vhost_set_vring_kick(int fd, unsigned idx, int eventfd);
int vhost_set_vring_call(int fd, unsigned idx, int eventfd);
int vhost_set_vring_enable(int fd, unsigned idx, bool enable);

/* IOTLB message types (struct vhost_iotlb_msg.type) */
enum iotlb_op { IOTLB_OP_UPDATE, IOTLB_OP_INVALIDATE, IOTLB_OP_BATCH_BEGIN, IOTLB_OP_BATCH_END };

/*
 * Write one struct vhost_msg_v2 (asid 0). The kernel reports every handler error as EFAULT
 * (drivers/vhost/vhost.c vhost_chr_write_iter(): handler errors become EFAULT). A short or
 * over-long write count is reported as -EIO.
 */
int vhost_iotlb(int fd, enum iotlb_op op, uint64_t iova, uint64_t size, uint64_t uaddr);

#endif
