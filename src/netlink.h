/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink.h - the "vdpa" generic netlink family (drivers/vdpa/vdpa.c, the vdpa netlink family) over
 * libmnl: management devices, vdpa devices and their config. Every attribute is validated for type
 * and length before use.
 */
#ifndef VDPACTL_NETLINK_H
#define VDPACTL_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

struct nl_mgmtdev {
	char *bus; /* NULL for bus-less mgmtdevs (vdpasim_net, vduse) */
	char *dev;
	char *handle; /* "bus/dev" or "dev", as iproute2 prints it */
	bool has_classes, has_max_vqs, has_features;
	uint64_t classes; /* bit per virtio device id */
	uint32_t max_vqs;
	uint64_t features;
};

struct nl_config {
	bool valid;
	bool has_mac, has_status, has_max_vqp, has_mtu, has_negotiated, has_device_features;
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_vqp, mtu;
	uint64_t negotiated, device_features;
	/* block (kernels after 6.2) */
	bool has_capacity, has_blk_size, has_size_max, has_seg_max, has_num_queues, has_read_only;
	uint64_t capacity;
	uint32_t blk_size, size_max, seg_max;
	uint16_t num_queues;
	uint8_t read_only;
};

struct nl_dev {
	char *name;
	char *mgmtdev; /* handle */
	bool has_id, has_vendor, has_max_vqs, has_max_vq_size, has_min_vq_size;
	uint32_t device_id, vendor_id, max_vqs;
	uint16_t max_vq_size, min_vq_size;
	struct nl_config config;
};

struct nl_vdpa {
	struct nl_mgmtdev *mgmt;
	size_t n_mgmt;
	struct nl_dev *dev;
	size_t n_dev;
};

/*
 * Query everything: resolve the family, dump MGMTDEV_GET and DEV_GET, and DEV_CONFIG_GET each
 * device. With @names (not NULL), DEV_GET asks for just those devices, by name. Returns 0; -ENOENT
 * when the kernel has no "vdpa" family (no CONFIG_VDPA: not fatal, error recorded as unsupported);
 * another -errno on failure (error, with the kernel's extack message when it sent one, recorded in
 * @errs). Malformed replies are errors, never crashes.
 */
int nl_query(struct nl_vdpa *out, bool with_config, const char *const *names, size_t n_names,
	     struct err_list *errs);
void nl_free(struct nl_vdpa *v);
const struct nl_dev *nl_find_dev(const struct nl_vdpa *v, const char *name);

/* Pure: parse one reply message (for tests): returns 0, or -EBADMSG with *why set. */
int nl_parse_dev(const void *nlh, struct nl_dev *out, const char **why);
int nl_parse_mgmtdev(const void *nlh, struct nl_mgmtdev *out, const char **why);
int nl_parse_config(const void *nlh, struct nl_config *out, const char **why);
void nl_dev_free(struct nl_dev *d);
void nl_mgmtdev_free(struct nl_mgmtdev *m);

#endif
