// SPDX-License-Identifier: MIT
/*
 * fake_vhost.c - the vhost-vdpa character device: open/release, every ioctl,
 * write() parsing, and the device reset.
 *
 * Behaviour is computed from the scenario's kernel version and parent ops the
 * way drivers/vhost/vdpa.c does it, never looked up from a table of answers:
 *   - GET/SET_BACKEND_FEATURES per version and ops (drivers/vhost/vdpa.c vhost_vdpa_has_persistent_map(), Linux 6.7)
 *   - which ioctls need VHOST_SET_OWNER and in which order errors come
 *     (), the vring path and its quirks for unknown ioctls (1.4)
 *   - SET_STATUS(0) and release with per-version, per-parent map semantics
 *     (include/linux/vdpa.h struct vdpa_config_ops; include/linux/vdpa.h struct vdpa_config_ops: .reset_map), single open and open-time reset (1.1)
 *   - write(): IOTLB v1/v2 parsing, every handler error seen as EFAULT (3.2)
 * Version gates: 5.9 backend features, 5.10 IOVA range, 5.18 config size and
 * vq count [unconfirmed], 5.19 ASID/groups, 6.0 SUSPEND (0723f1df5c3e, f345a0143b4d), 6.3 RESUME, 6.6
 * parent backend features, 6.7 IOTLB_PERSIST/DESC_ASID/compat reset,
 * 6.8 "suspended" checks [inferred], 6.9 GET_VRING_SIZE and no-op
 * SUSPEND/RESUME before DRIVER_OK, 6.12.111 VRING_NUM <= device max.
 * Callers hold fake_lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake.h"

#define KV FAKE_KV
#define NEVER ULONG_MAX

/* ------------------------------------------------------------------------ */
/* Names                                                                     */

struct ioctl_desc {
	unsigned long req;
	const char *name;
	unsigned long since; /* first kernel where vhost-vdpa handles it */
};

static const struct ioctl_desc ioctls[] = {
	{ VHOST_GET_FEATURES, "VHOST_GET_FEATURES", KV(5, 7, 0) },
	{ VHOST_SET_FEATURES, "VHOST_SET_FEATURES", KV(5, 7, 0) },
	{ VHOST_SET_OWNER, "VHOST_SET_OWNER", KV(5, 7, 0) },
	/* not implemented for vhost-vdpa: falls into the vring path (1.3) */
	{ VHOST_RESET_OWNER, "VHOST_RESET_OWNER", NEVER },
	{ VHOST_SET_MEM_TABLE, "VHOST_SET_MEM_TABLE", KV(5, 7, 0) },
	{ VHOST_SET_LOG_BASE, "VHOST_SET_LOG_BASE", KV(5, 7, 0) },
	{ VHOST_SET_LOG_FD, "VHOST_SET_LOG_FD", KV(5, 7, 0) },
	{ VHOST_SET_VRING_NUM, "VHOST_SET_VRING_NUM", KV(5, 7, 0) },
	{ VHOST_SET_VRING_ADDR, "VHOST_SET_VRING_ADDR", KV(5, 7, 0) },
	{ VHOST_SET_VRING_BASE, "VHOST_SET_VRING_BASE", KV(5, 7, 0) },
	{ VHOST_GET_VRING_BASE, "VHOST_GET_VRING_BASE", KV(5, 7, 0) },
	{ VHOST_SET_VRING_ENDIAN, "VHOST_SET_VRING_ENDIAN", KV(5, 7, 0) },
	{ VHOST_GET_VRING_ENDIAN, "VHOST_GET_VRING_ENDIAN", KV(5, 7, 0) },
	{ VHOST_SET_VRING_KICK, "VHOST_SET_VRING_KICK", KV(5, 7, 0) },
	{ VHOST_SET_VRING_CALL, "VHOST_SET_VRING_CALL", KV(5, 7, 0) },
	{ VHOST_SET_VRING_ERR, "VHOST_SET_VRING_ERR", KV(5, 7, 0) },
	{ VHOST_SET_VRING_BUSYLOOP_TIMEOUT, "VHOST_SET_VRING_BUSYLOOP_TIMEOUT", KV(5, 7, 0) },
	{ VHOST_GET_VRING_BUSYLOOP_TIMEOUT, "VHOST_GET_VRING_BUSYLOOP_TIMEOUT", KV(5, 7, 0) },
	{ VHOST_SET_BACKEND_FEATURES, "VHOST_SET_BACKEND_FEATURES", KV(5, 9, 0) },
	{ VHOST_GET_BACKEND_FEATURES, "VHOST_GET_BACKEND_FEATURES", KV(5, 9, 0) },
	{ VHOST_VDPA_GET_DEVICE_ID, "VHOST_VDPA_GET_DEVICE_ID", KV(5, 7, 0) },
	{ VHOST_VDPA_GET_STATUS, "VHOST_VDPA_GET_STATUS", KV(5, 7, 0) },
	{ VHOST_VDPA_SET_STATUS, "VHOST_VDPA_SET_STATUS", KV(5, 7, 0) },
	{ VHOST_VDPA_GET_CONFIG, "VHOST_VDPA_GET_CONFIG", KV(5, 7, 0) },
	{ VHOST_VDPA_SET_CONFIG, "VHOST_VDPA_SET_CONFIG", KV(5, 7, 0) },
	{ VHOST_VDPA_SET_VRING_ENABLE, "VHOST_VDPA_SET_VRING_ENABLE", KV(5, 7, 0) },
	{ VHOST_VDPA_GET_VRING_NUM, "VHOST_VDPA_GET_VRING_NUM", KV(5, 7, 0) },
	{ VHOST_VDPA_SET_CONFIG_CALL, "VHOST_VDPA_SET_CONFIG_CALL", KV(5, 9, 0) },
	{ VHOST_VDPA_GET_IOVA_RANGE, "VHOST_VDPA_GET_IOVA_RANGE", KV(5, 10, 0) },
	{ VHOST_VDPA_GET_CONFIG_SIZE, "VHOST_VDPA_GET_CONFIG_SIZE", KV(5, 18, 0) },
	{ VHOST_VDPA_GET_AS_NUM, "VHOST_VDPA_GET_AS_NUM", KV(5, 19, 0) },
	{ VHOST_VDPA_GET_VRING_GROUP, "VHOST_VDPA_GET_VRING_GROUP", KV(5, 19, 0) },
	{ VHOST_VDPA_SET_GROUP_ASID, "VHOST_VDPA_SET_GROUP_ASID", KV(5, 19, 0) },
	{ VHOST_VDPA_SUSPEND, "VHOST_VDPA_SUSPEND", KV(6, 0, 0) },
	{ VHOST_VDPA_RESUME, "VHOST_VDPA_RESUME", KV(6, 3, 0) },
	{ VHOST_VDPA_GET_VRING_DESC_GROUP, "VHOST_VDPA_GET_VRING_DESC_GROUP", KV(6, 7, 0) },
	{ VHOST_VDPA_GET_VQS_COUNT, "VHOST_VDPA_GET_VQS_COUNT", KV(5, 18, 0) },
	{ VHOST_VDPA_GET_GROUP_NUM, "VHOST_VDPA_GET_GROUP_NUM", KV(5, 19, 0) },
	{ VHOST_VDPA_GET_VRING_SIZE, "VHOST_VDPA_GET_VRING_SIZE", KV(6, 9, 0) },
	/* vhost-net / generic ioctls with no vhost-vdpa handler (1.3) */
	{ VHOST_GET_FEATURES_ARRAY, "VHOST_GET_FEATURES_ARRAY", NEVER },
	{ VHOST_SET_FEATURES_ARRAY, "VHOST_SET_FEATURES_ARRAY", NEVER },
	{ VHOST_SET_FORK_FROM_OWNER, "VHOST_SET_FORK_FROM_OWNER", NEVER },
	{ VHOST_GET_FORK_FROM_OWNER, "VHOST_GET_FORK_FROM_OWNER", NEVER },
	{ VHOST_NET_SET_BACKEND, "VHOST_NET_SET_BACKEND", NEVER },
};

static const char *const iotlb_types[] = {
	[VHOST_IOTLB_MISS] = "IOTLB_MISS",
	[VHOST_IOTLB_UPDATE] = "IOTLB_UPDATE",
	[VHOST_IOTLB_INVALIDATE] = "IOTLB_INVALIDATE",
	[VHOST_IOTLB_ACCESS_FAIL] = "IOTLB_ACCESS_FAIL",
	[VHOST_IOTLB_BATCH_BEGIN] = "IOTLB_BATCH_BEGIN",
	[VHOST_IOTLB_BATCH_END] = "IOTLB_BATCH_END",
};

static const struct ioctl_desc *ioctl_find(unsigned long req)
{
	for (size_t i = 0; i < FAKE_ARRAY_SIZE(ioctls); i++)
		if (ioctls[i].req == req)
			return &ioctls[i];
	return NULL;
}

const char *fake_ioctl_name(unsigned long req)
{
	const struct ioctl_desc *d = ioctl_find(req);

	return d ? d->name : NULL;
}

bool fake_ioctl_lookup(const char *name, unsigned long *req)
{
	for (size_t i = 0; i < FAKE_ARRAY_SIZE(ioctls); i++)
		if (!strcmp(ioctls[i].name, name)) {
			*req = ioctls[i].req;
			return true;
		}
	return false;
}

const char *fake_iotlb_type_name(unsigned type)
{
	return type < FAKE_ARRAY_SIZE(iotlb_types) && iotlb_types[type] ? iotlb_types[type] : NULL;
}

int fake_iotlb_type_lookup(const char *name)
{
	for (size_t i = 0; i < FAKE_ARRAY_SIZE(iotlb_types); i++)
		if (iotlb_types[i] && !strcmp(iotlb_types[i], name))
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------------ */
/* Version gates                                                             */

bool fake_kv_rules67(unsigned long kv)
{
	/* Mainline 6.7; also the 6.6.y backport (about 6.6.158, include/linux/vdpa.h struct vdpa_config_ops,
	 * [unconfirmed]) of the core IOTLB_PERSIST / compat_reset series. */
	return kv >= KV(6, 7, 0) || (kv >= KV(6, 6, 158) && kv < KV(6, 7, 0));
}

bool fake_kv_has_asid(unsigned long kv)
{
	return kv >= KV(5, 19, 0);
}

static bool kv_vring_num_max_check(unsigned long kv)
{
	/* "vhost/vdpa: reject VRING_NUM larger than device max": 6.12.111 and
	 * the 6.6.y backport; mainline from 6.17 [inferred]. */
	return (kv >= KV(6, 12, 111) && kv < KV(6, 13, 0)) ||
	       (kv >= KV(6, 6, 158) && kv < KV(6, 7, 0)) || kv >= KV(6, 17, 0);
}

static bool ioctl_exists(const struct fake_dev *d, const struct ioctl_desc *desc)
{
	if (!desc || desc->since == NEVER)
		return false;
	if (desc->req == VHOST_VDPA_GET_VRING_DESC_GROUP)
		return fake_kv_rules67(d->kver);
	return d->kver >= desc->since;
}

/* ------------------------------------------------------------------------ */
/* Backend features (drivers/vhost/vdpa.c vhost_vdpa_has_persistent_map(), Linux 6.7; include/linux/vdpa.h struct vdpa_config_ops)                                    */

static uint64_t parent_bf(const struct fake_dev *d)
{
	/* .get_backend_features exists from 6.6 */
	return d->kver >= KV(6, 6, 0) ? d->cfg->parent_backend_features : 0;
}

static bool has_persistent_map(const struct fake_dev *d)
{
	return fake_kv_rules67(d->kver) &&
	       (d->cfg->dma == FAKE_DMA_PLATFORM || fake_has_op(d->cfg, FAKE_OP_RESET_MAP) ||
		(parent_bf(d) & FAKE_BF_PERSIST));
}

static uint64_t backend_offer(const struct fake_dev *d)
{
	const struct fake_dev_cfg *c = d->cfg;
	uint64_t f = FAKE_BF_MSG_V2 | FAKE_BF_BATCH;

	if (c->has_override)
		return c->backend_features_override;
	if (fake_kv_has_asid(d->kver))
		f |= FAKE_BF_ASID; /* always, even with nas == 1 */
	if (d->kver >= KV(6, 0, 0) && fake_has_op(c, FAKE_OP_SUSPEND))
		f |= FAKE_BF_SUSPEND;
	if (d->kver >= KV(6, 3, 0) && fake_has_op(c, FAKE_OP_RESUME))
		f |= FAKE_BF_RESUME;
	if (fake_kv_rules67(d->kver) && fake_has_op(c, FAKE_OP_GET_VQ_DESC_GROUP))
		f |= FAKE_BF_DESC_ASID;
	if (has_persistent_map(d))
		f |= FAKE_BF_PERSIST;
	return f | parent_bf(d);
}

static uint64_t backend_allowed(const struct fake_dev *d)
{
	uint64_t f = FAKE_BF_MSG_V2 | FAKE_BF_BATCH;

	if (fake_kv_has_asid(d->kver))
		f |= FAKE_BF_ASID;
	if (d->kver >= KV(6, 0, 0))
		f |= FAKE_BF_SUSPEND;
	if (d->kver >= KV(6, 3, 0))
		f |= FAKE_BF_RESUME;
	if (d->kver >= KV(6, 6, 0))
		f |= FAKE_BF_EADOK;
	if (fake_kv_rules67(d->kver))
		f |= FAKE_BF_DESC_ASID | FAKE_BF_PERSIST;
	return f;
}

static int set_backend_features(struct fake_dev *d, void *arg, char *detail, size_t dlen)
{
	const struct fake_dev_cfg *c = d->cfg;
	uint64_t f;

	if (fake_copy_from_user(&f, arg, sizeof(f)))
		return -EFAULT;
	snprintf(detail, dlen, "0x%" PRIx64, f);
	if (f & ~backend_allowed(d))
		return -EOPNOTSUPP;
	if ((f & FAKE_BF_SUSPEND) && !fake_has_op(c, FAKE_OP_SUSPEND))
		return -EOPNOTSUPP;
	if ((f & FAKE_BF_RESUME) && !fake_has_op(c, FAKE_OP_RESUME))
		return -EOPNOTSUPP;
	if ((f & FAKE_BF_DESC_ASID) && !(f & FAKE_BF_ASID))
		return -EINVAL;
	if ((f & FAKE_BF_DESC_ASID) && !fake_has_op(c, FAKE_OP_GET_VQ_DESC_GROUP))
		return -EOPNOTSUPP;
	if ((f & FAKE_BF_PERSIST) && !has_persistent_map(d))
		return -EOPNOTSUPP;
	d->acked_backend = f;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Devices                                                                   */

static struct fake_dev *devs;
static size_t ndevs;

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		fake_die("out of memory");
	return p;
}

void fake_devs_init(const struct fake_scenario *sc)
{
	ndevs = sc->ndevs;
	devs = xcalloc(ndevs, sizeof(*devs));
	for (size_t i = 0; i < ndevs; i++) {
		struct fake_dev *d = &devs[i];
		const struct fake_dev_cfg *c = &sc->devs[i];

		d->cfg = c;
		d->kver = sc->kver;
		d->major = sc->major;
		d->max_iotlb_entries = sc->max_iotlb_entries;
		d->datapath = sc->datapath;
		d->config = xcalloc(c->config_size, 1);
		memcpy(d->config, c->config, c->config_size);
		d->group_asid = xcalloc(c->ngroups, sizeof(*d->group_asid));
		d->vqs = xcalloc(c->nvqs, sizeof(*d->vqs));
		for (uint32_t q = 0; q < c->nvqs; q++)
			d->vqs[q].kick = d->vqs[q].call = d->vqs[q].err = -1;
		d->parent = xcalloc(c->nas, sizeof(*d->parent));
		d->parent_identity = xcalloc(c->nas, sizeof(bool));
		d->as = xcalloc(c->nas, sizeof(*d->as));
		d->as_exists = xcalloc(c->nas, sizeof(bool));
		d->config_call = -1;
		/* A new device starts with its initial translation (mlx5's DMA
		 * MR, vdpa_sim 6.7+ passthrough). */
		for (uint32_t a = 0; a < c->nas; a++)
			fake_parent_initial(d, a);
	}
}

struct fake_dev *fake_dev_by_index(unsigned index)
{
	for (size_t i = 0; i < ndevs; i++)
		if (devs[i].cfg->has_index && devs[i].cfg->index == index)
			return &devs[i];
	return NULL;
}

size_t fake_dev_count(void)
{
	return ndevs;
}

struct fake_dev *fake_dev_at(size_t i)
{
	return i < ndevs ? &devs[i] : NULL;
}

/*
 * Device reset (vhost_vdpa_reset / _compat_vdpa_reset, include/linux/vdpa.h struct vdpa_config_ops).  clean is
 * VDPA_RESET_F_CLEAN_MAP: set on 6.7+ unless IOTLB_PERSIST was acked, never on
 * open.  Whether the parent drops its translation: pre-6.7 kernels know only
 * .reset, which drops on the historic parents (reset_drops_maps); 6.7+ parents
 * with .compat_reset drop only when told to; parents without it keep doing
 * whatever their .reset does.
 */
static void dev_reset(struct fake_dev *d, bool clean)
{
	const struct fake_dev_cfg *c = d->cfg;
	bool drop = c->reset_drops_maps &&
		    (!fake_kv_rules67(d->kver) || !fake_has_op(c, FAKE_OP_COMPAT_RESET) || clean);

	d->status = 0;
	d->driver_features = 0;
	d->features_valid = false;
	d->suspended = false;
	for (uint32_t q = 0; q < c->nvqs; q++) {
		d->vqs[q].ready = false;
		d->vqs[q].base = 0;
		d->vqs[q].last_used = 0;
	}
	/* mlx5 and vdpa_sim rebind every group to AS 0 */
	memset(d->group_asid, 0, c->ngroups * sizeof(*d->group_asid));
	fake_parent_reset(d, drop);
}

static bool clean_map(const struct fake_dev *d)
{
	return !(d->acked_backend & FAKE_BF_PERSIST);
}

int fake_dev_open(struct fake_dev *d, int flags)
{
	/* single open, atomic "opened" flag (drivers/vhost/vdpa.c vhost_vdpa_open()/vhost_vdpa_release()) */
	if (d->cfg->busy || d->opened)
		return -EBUSY;
	d->opened = true;
	d->fmode = flags & O_ACCMODE;
	d->owner = 0;
	d->acked_backend = 0;
	d->in_batch = false;
	d->config_call = -1;
	for (uint32_t a = 0; a < d->cfg->nas; a++)
		d->as_exists[a] = false;
	/* Before ASIDs (5.19) the one IOTLB was allocated at open. */
	if (!fake_kv_has_asid(d->kver))
		d->as_exists[0] = true;
	dev_reset(d, false);
	return 0;
}

void fake_dev_release(struct fake_dev *d)
{
	size_t maps = 0, left = 0;

	for (uint32_t a = 0; a < d->cfg->nas; a++)
		maps += d->as[a].n;
	/* reset (CLEAN_MAP unless PERSIST acked), then every vhost-vdpa map
	 * goes and .reset_map restores the vendor translation (drivers/vhost/vdpa.c vhost_vdpa_open()/vhost_vdpa_release()). */
	dev_reset(d, clean_map(d));
	fake_vhost_teardown(d);
	for (uint32_t a = 0; a < d->cfg->nas; a++)
		left += d->as[a].n;
	/* what the release did to the IOTLB, for tests of every exit path */
	fake_log("release /dev/vhost-vdpa-%u: %zu vhost IOTLB entries torn down, %zu left, "
		 "%llu pages pinned",
		 d->cfg->index, maps, left, (unsigned long long)fake_pinned_pages);
	if (d->cfg->dma == FAKE_DMA_PLATFORM)
		for (uint32_t a = 0; a < d->cfg->nas; a++)
			fake_parent_initial(d, a); /* the IOMMU domain is freed */
	for (uint32_t q = 0; q < d->cfg->nvqs; q++)
		d->vqs[q].kick = d->vqs[q].call = d->vqs[q].err = -1;
	d->opened = false;
	d->owner = 0;
	d->acked_backend = 0;
	d->config_call = -1;
}

/* ------------------------------------------------------------------------ */
/* ioctls                                                                    */

/* eventfd_ctx_fdget()/eventfd_fget(): EBADF for a bad fd, EINVAL for a file
 * that is not an eventfd. */
static int check_eventfd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -EBADF;
	target[n] = 0;
	return strcmp(target, "anon_inode:[eventfd]") ? -EINVAL : 0;
}

static int put_u64(void *arg, uint64_t v, char *detail, size_t dlen)
{
	snprintf(detail, dlen, "0x%" PRIx64, v);
	return fake_copy_to_user(arg, &v, sizeof(v));
}

static int put_u32(void *arg, uint32_t v, char *detail, size_t dlen)
{
	snprintf(detail, dlen, "%" PRIu32, v);
	return fake_copy_to_user(arg, &v, sizeof(v));
}

static int set_status(struct fake_dev *d, void *arg, char *detail, size_t dlen)
{
	uint8_t st, old = d->status;

	if (fake_copy_from_user(&st, arg, 1))
		return -EFAULT;
	snprintf(detail, dlen, "0x%02x", st);
	if (st != 0 && (old & ~st))
		return -EINVAL; /* clearing a bit is only possible via reset */
	if (st == 0)
		dev_reset(d, fake_kv_rules67(d->kver) && clean_map(d));
	else
		d->status = st;
	return 0;
}

static int set_features(struct fake_dev *d, void *arg, char *detail, size_t dlen)
{
	const struct fake_dev_cfg *c = d->cfg;
	uint64_t f;

	if (d->status & VIRTIO_CONFIG_S_FEATURES_OK)
		return -EBUSY;
	if (fake_copy_from_user(&f, arg, sizeof(f)))
		return -EFAULT;
	snprintf(detail, dlen, "0x%" PRIx64, f);
	d->features_valid = true;
	/* the parent's set_driver_features(); any error becomes EINVAL */
	if ((f & c->features_required) != c->features_required)
		return -EINVAL;
	d->driver_features = f & c->device_features; /* silently masked */
	return 0;
}

static int config_hdr(struct fake_dev *d, void *arg, struct vhost_vdpa_config *h, char *detail,
		      size_t dlen)
{
	uint32_t size = d->cfg->config_size;

	if (fake_copy_from_user(h, arg, sizeof(*h)))
		return -EFAULT;
	snprintf(detail, dlen, "off=%" PRIu32 " len=%" PRIu32, h->off, h->len);
	/* vhost_vdpa_config_validate(); E2BIG is flattened to EINVAL */
	if (h->len == 0 || h->off > size || h->len > size - h->off)
		return -EINVAL;
	return 0;
}

static int get_config(struct fake_dev *d, void *arg, char *detail, size_t dlen)
{
	struct vhost_vdpa_config h;
	int r = config_hdr(d, arg, &h, detail, dlen);

	if (r)
		return r;
	/* vdpa_get_config(): a driver that never set features is a "legacy
	 * guest": features are set to 0 first. */
	if (!d->features_valid) {
		d->features_valid = true;
		d->driver_features = 0;
	}
	return fake_copy_to_user((char *)arg + sizeof(h), d->config + h.off, h.len);
}

static int set_config(struct fake_dev *d, void *arg, char *detail, size_t dlen)
{
	struct vhost_vdpa_config h;
	int r = config_hdr(d, arg, &h, detail, dlen);
	uint8_t *buf;

	if (r)
		return r;
	buf = malloc(h.len);
	if (!buf)
		return -ENOMEM;
	r = fake_copy_from_user(buf, (char *)arg + sizeof(h), h.len);
	if (!r && fake_has_op(d->cfg, FAKE_OP_SET_CONFIG))
		memcpy(d->config + h.off, buf, h.len);
	free(buf);
	return r;
}

static int suspend_resume(struct fake_dev *d, bool suspend)
{
	/* 6.9+: nothing to do before DRIVER_OK, checked before the op */
	if (d->kver >= KV(6, 9, 0) && !(d->status & VIRTIO_CONFIG_S_DRIVER_OK))
		return 0;
	if (!fake_has_op(d->cfg, suspend ? FAKE_OP_SUSPEND : FAKE_OP_RESUME))
		return -EOPNOTSUPP;
	d->suspended = suspend;
	return 0;
}

static int vring_state_in(void *arg, struct vhost_vring_state *s, char *detail, size_t dlen)
{
	if (fake_copy_from_user(s, arg, sizeof(*s)))
		return -EFAULT;
	snprintf(detail, dlen, "idx=%u num=%u", s->index, s->num);
	return 0;
}

static int vring_state_out(void *arg, uint32_t idx, uint32_t num, char *detail, size_t dlen)
{
	struct vhost_vring_state s = { idx, num };

	snprintf(detail, dlen, "idx=%u num=%u", idx, num);
	return fake_copy_to_user(arg, &s, sizeof(s));
}

static int vring_file(struct fake_dev *d, void *arg, int *slot, char *detail, size_t dlen)
{
	struct vhost_vring_file f;
	int r;

	(void)d;
	if (fake_copy_from_user(&f, arg, sizeof(f)))
		return -EFAULT;
	snprintf(detail, dlen, "idx=%u fd=%d", f.index, f.fd);
	if (f.fd != VHOST_FILE_UNBIND) {
		r = check_eventfd(f.fd);
		if (r)
			return r;
	}
	*slot = f.fd;
	return 0;
}

static bool driver_ok_not_suspended(const struct fake_dev *d)
{
	return d->kver >= KV(6, 8, 0) && (d->status & VIRTIO_CONFIG_S_DRIVER_OK) && !d->suspended;
}

/* vhost_vdpa_vring_ioctl() + vhost_vring_ioctl(): reached after the owner
 * check, for vring ioctls and for everything nobody else claimed. */
/* VHOST_VDPA_GET_VRING_GROUP, GET_VRING_DESC_GROUP and SET_GROUP_ASID for vq @idx */
static int vring_group_ioctl(struct fake_dev *d, unsigned long req, uint32_t idx, void *arg,
			     char *detail, size_t dlen)
{
	const struct fake_dev_cfg *c = d->cfg;
	struct vhost_vring_state s;
	uint32_t g;
	int r;

	if (req == VHOST_VDPA_SET_GROUP_ASID) {
		if ((r = vring_state_in(arg, &s, detail, dlen)))
			return r;
		if (s.num >= c->nas)
			return -EINVAL;
		if (!fake_has_op(c, FAKE_OP_SET_GROUP_ASID))
			return -EOPNOTSUPP;
		if (idx >= c->ngroups)
			return -EINVAL;
		d->group_asid[idx] = s.num;
		return 0;
	}
	if (req == VHOST_VDPA_GET_VRING_GROUP ? !fake_has_op(c, FAKE_OP_GET_VQ_GROUP)
					      : !fake_has_op(c, FAKE_OP_GET_VQ_DESC_GROUP))
		return -EOPNOTSUPP;
	g = req == VHOST_VDPA_GET_VRING_GROUP ? c->vq_group[idx] : c->vq_desc_group[idx];
	if (g >= c->ngroups)
		return -EIO;
	return vring_state_out(arg, idx, g, detail, dlen);
}

static int vring_set_addr(struct fake_dev *d, struct fake_vq *vq, void *arg, char *detail,
			  size_t dlen)
{
	struct vhost_vring_addr a;

	if (fake_copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	snprintf(detail, dlen, "idx=%u desc=0x%llx avail=0x%llx used=0x%llx", a.index,
		 (unsigned long long)a.desc_user_addr, (unsigned long long)a.avail_user_addr,
		 (unsigned long long)a.used_user_addr);
	if (a.flags & ~(1u << VHOST_VRING_F_LOG))
		return -EOPNOTSUPP;
	if ((a.avail_user_addr & 1) || (a.used_user_addr & 3) || (a.log_guest_addr & 3))
		return -EINVAL;
	vq->addr_flags = a.flags;
	vq->desc = a.desc_user_addr;
	vq->avail = a.avail_user_addr;
	vq->used = a.used_user_addr;
	vq->log = a.log_guest_addr;
	/* 6.8+: the parent refuses while running (vhost copy updated) */
	return driver_ok_not_suspended(d) ? -EINVAL : 0;
}

/* VHOST_SET_VRING_NUM and VHOST_SET_VRING_BASE */
static int vring_set_num_base(struct fake_dev *d, unsigned long req, struct fake_vq *vq,
			      void *arg, char *detail, size_t dlen)
{
	struct vhost_vring_state s;
	int r;

	if ((r = vring_state_in(arg, &s, detail, dlen)))
		return r;
	if (req == VHOST_SET_VRING_NUM) {
		if (kv_vring_num_max_check(d->kver) && s.num > d->cfg->vq_num_max)
			return -EINVAL;
		if (!s.num || s.num > 0xffff || (s.num & (s.num - 1)))
			return -EINVAL;
		vq->num = s.num;
		return 0;
	}
	if (!(d->driver_features & (1ULL << VIRTIO_F_RING_PACKED)) && s.num > 0xffff)
		return -EINVAL;
	if (driver_ok_not_suspended(d))
		return -EINVAL;
	vq->base = s.num;
	vq->last_used = (uint16_t)s.num; /* vdpa_sim: used index starts there too */
	return 0;
}

static int vring_ioctl(struct fake_dev *d, unsigned long req, void *arg, char *detail,
		       size_t dlen)
{
	const struct fake_dev_cfg *c = d->cfg;
	struct vhost_vring_state s;
	struct fake_vq *vq;
	uint32_t idx;
	int r;

	if (fake_copy_from_user(&idx, arg, sizeof(idx)))
		return -EFAULT;
	if (idx >= c->nvqs) {
		snprintf(detail, dlen, "idx=%u", idx);
		return -ENOBUFS;
	}
	vq = &d->vqs[idx];

	switch (req) {
	case VHOST_VDPA_SET_VRING_ENABLE:
		if ((r = vring_state_in(arg, &s, detail, dlen)))
			return r;
		vq->ready = s.num != 0;
		return 0;
	case VHOST_VDPA_GET_VRING_GROUP:
	case VHOST_VDPA_GET_VRING_DESC_GROUP:
	case VHOST_VDPA_SET_GROUP_ASID:
		return vring_group_ioctl(d, req, idx, arg, detail, dlen);
	case VHOST_VDPA_GET_VRING_SIZE:
		if (!fake_has_op(c, FAKE_OP_GET_VQ_SIZE))
			return -EOPNOTSUPP;
		return vring_state_out(arg, idx, c->vq_size[idx], detail, dlen);
	case VHOST_GET_VRING_BASE:
		return vring_state_out(arg, idx, vq->base, detail, dlen);
	case VHOST_SET_VRING_NUM:
	case VHOST_SET_VRING_BASE:
		return vring_set_num_base(d, req, vq, arg, detail, dlen);
	case VHOST_SET_VRING_ADDR:
		return vring_set_addr(d, vq, arg, detail, dlen);
	case VHOST_SET_VRING_KICK:
		return vring_file(d, arg, &vq->kick, detail, dlen);
	case VHOST_SET_VRING_CALL:
		return vring_file(d, arg, &vq->call, detail, dlen);
	case VHOST_SET_VRING_ERR:
		return vring_file(d, arg, &vq->err, detail, dlen);
	case VHOST_SET_VRING_BUSYLOOP_TIMEOUT:
		if ((r = vring_state_in(arg, &s, detail, dlen)))
			return r;
		vq->busyloop = s.num;
		return 0;
	case VHOST_GET_VRING_BUSYLOOP_TIMEOUT:
		return vring_state_out(arg, idx, vq->busyloop, detail, dlen);
	default:
		/* -ENOIOCTLCMD, turned into ENOTTY by the VFS: the endian ioctls (no
		 * CROSS_ENDIAN_LEGACY) and every request the modelled kernel does not know
		 * (drivers/vhost/vhost.c vhost_vring_ioctl(), default case). */
		snprintf(detail, dlen, "idx=%u", idx);
		return -ENOTTY;
	}
}

/* vhost_dev_ioctl(): SET_OWNER, then the owner check for everything else. */
static int dev_ioctl(struct fake_dev *d, unsigned long req, void *arg, char *detail, size_t dlen)
{
	if (req == VHOST_SET_OWNER) {
		if (d->owner)
			return -EBUSY;
		d->owner = getpid();
		snprintf(detail, dlen, "pid=%d", (int)d->owner);
		return 0;
	}
	if (d->owner != getpid())
		return -EPERM;
	if (req == VHOST_SET_MEM_TABLE) {
		struct vhost_memory m;

		if (fake_copy_from_user(&m, arg, sizeof(m)))
			return -EFAULT;
		snprintf(detail, dlen, "nregions=%u", m.nregions);
		if (m.padding)
			return -EOPNOTSUPP;
		if (m.nregions > 64) /* max_mem_regions */
			return -E2BIG;
		if (!fake_user_ok((char *)arg + sizeof(m),
				  m.nregions * sizeof(struct vhost_memory_region), false))
			return -EFAULT;
		return 0; /* accepted, meaningless for vDPA */
	}
	return vring_ioctl(d, req, arg, detail, dlen);
}

int fake_dev_ioctl(struct fake_dev *d, unsigned long req, void *arg, char *detail, size_t dlen)
{
	const struct fake_dev_cfg *c = d->cfg;
	const struct ioctl_desc *desc = ioctl_find(req);
	unsigned long eff = ioctl_exists(d, desc) ? req : 0; /* 0: nobody's */
	uint8_t u8;

	detail[0] = 0;
	switch (eff) {
	case VHOST_SET_BACKEND_FEATURES: /* before the device mutex, no owner */
		return set_backend_features(d, arg, detail, dlen);
	case VHOST_GET_BACKEND_FEATURES:
		return put_u64(arg, backend_offer(d), detail, dlen);
	case VHOST_VDPA_GET_DEVICE_ID:
		return put_u32(arg, c->device_id, detail, dlen);
	case VHOST_VDPA_GET_STATUS:
		u8 = d->status;
		snprintf(detail, dlen, "0x%02x", u8);
		return fake_copy_to_user(arg, &u8, 1);
	case VHOST_VDPA_SET_STATUS:
		return set_status(d, arg, detail, dlen);
	case VHOST_VDPA_GET_CONFIG:
		return get_config(d, arg, detail, dlen);
	case VHOST_VDPA_SET_CONFIG:
		return set_config(d, arg, detail, dlen);
	case VHOST_GET_FEATURES:
		return put_u64(arg, c->device_features, detail, dlen);
	case VHOST_SET_FEATURES:
		return set_features(d, arg, detail, dlen);
	case VHOST_VDPA_GET_VRING_NUM: {
		uint16_t n = c->vq_num_max;

		snprintf(detail, dlen, "%u", n);
		return fake_copy_to_user(arg, &n, sizeof(n));
	}
	case VHOST_VDPA_GET_GROUP_NUM:
		return put_u32(arg, c->ngroups, detail, dlen);
	case VHOST_VDPA_GET_AS_NUM:
		return put_u32(arg, c->nas, detail, dlen);
	case VHOST_VDPA_GET_CONFIG_SIZE:
		return put_u32(arg, c->config_size, detail, dlen);
	case VHOST_VDPA_GET_VQS_COUNT:
		return put_u32(arg, c->nvqs, detail, dlen);
	case VHOST_VDPA_GET_IOVA_RANGE: {
		struct vhost_vdpa_iova_range r = { c->iova_first, c->iova_last };

		snprintf(detail, dlen, "0x%llx-0x%llx", (unsigned long long)r.first,
			 (unsigned long long)r.last);
		return fake_copy_to_user(arg, &r, sizeof(r));
	}
	case VHOST_VDPA_SET_CONFIG_CALL: {
		int fd, r;

		if (fake_copy_from_user(&fd, arg, sizeof(fd)))
			return -EFAULT;
		snprintf(detail, dlen, "fd=%d", fd);
		if (fd != VHOST_FILE_UNBIND && (r = check_eventfd(fd)))
			return r;
		d->config_call = fd;
		return 0;
	}
	case VHOST_VDPA_SUSPEND:
		return suspend_resume(d, true);
	case VHOST_VDPA_RESUME:
		return suspend_resume(d, false);
	case VHOST_SET_LOG_BASE:
	case VHOST_SET_LOG_FD:
		return -ENOTTY; /* no dirty logging in vhost-vdpa */
	default:
		return dev_ioctl(d, eff, arg, detail, dlen);
	}
}

/* ------------------------------------------------------------------------ */
/* write(): vhost_chr_write_iter() (drivers/vhost/vhost.c vhost_chr_write_iter(): handler errors become EFAULT)                               */

struct parsed {
	uint32_t type;
	uint32_t asid;
	struct vhost_iotlb_msg msg;
};

static int parse_msg(const struct fake_dev *d, const void *buf, size_t count, struct parsed *p)
{
	const char *b = buf;

	memset(p, 0, sizeof(*p));
	if (count < 4 || fake_copy_from_user(&p->type, b, 4))
		return -EINVAL;
	if (p->type != VHOST_IOTLB_MSG && p->type != VHOST_IOTLB_MSG_V2)
		return -EINVAL;
	/* v1 skips the hole; v2 reads asid only once IOTLB_ASID is acked
	 * (and only on kernels that have ASIDs). */
	if (p->type == VHOST_IOTLB_MSG_V2 && d && fake_kv_has_asid(d->kver) &&
	    (d->acked_backend & FAKE_BF_ASID)) {
		if (count < 8 || fake_copy_from_user(&p->asid, b + 4, 4))
			return -EINVAL;
	}
	if (count < 8 + sizeof(p->msg) || fake_copy_from_user(&p->msg, b + 8, sizeof(p->msg)))
		return -EINVAL;
	return 0;
}

int fake_write_peek_type(const void *buf, size_t count)
{
	struct parsed p;

	return parse_msg(NULL, buf, count, &p) ? -1 : p.msg.type;
}

static const char *perm_name(uint8_t perm)
{
	static const char *const n[] = { "none", "ro", "wo", "rw" };

	return perm < 4 ? n[perm] : "?";
}

ssize_t fake_dev_write(struct fake_dev *d, const void *buf, size_t count, char *detail,
		       size_t dlen, int *inner)
{
	struct parsed p;
	const char *tn;
	int r;

	*inner = 0;
	/* Parsing has no side effects: do it first so the log can say what
	 * the message was even when the write fails earlier. */
	r = parse_msg(d, buf, count, &p);
	tn = r ? NULL : fake_iotlb_type_name(p.msg.type);
	if (r && p.type && p.type != VHOST_IOTLB_MSG && p.type != VHOST_IOTLB_MSG_V2)
		snprintf(detail, dlen, "msgtype=%u len=%zu", p.type, count);
	else if (r)
		snprintf(detail, dlen, "len=%zu", count);
	else if (p.msg.type == VHOST_IOTLB_UPDATE || p.msg.type == VHOST_IOTLB_INVALIDATE)
		snprintf(detail, dlen, "%s iova=0x%llx size=0x%llx uaddr=0x%llx perm=%s asid=%u v%u",
			 tn, (unsigned long long)p.msg.iova, (unsigned long long)p.msg.size,
			 (unsigned long long)p.msg.uaddr, perm_name(p.msg.perm), p.asid, p.type);
	else if (tn)
		snprintf(detail, dlen, "%s asid=%u v%u", tn, p.asid, p.type);
	else
		snprintf(detail, dlen, "type=%u asid=%u v%u", p.msg.type, p.asid, p.type);

	if (d->fmode != O_WRONLY && d->fmode != O_RDWR)
		return -EBADF; /* vfs_write(): not open for writing */
	if (r)
		return r;
	if (p.msg.type == VHOST_IOTLB_UPDATE && p.msg.size == 0)
		return -EINVAL;
	r = fake_iotlb_msg(d, p.asid, &p.msg);
	if (r) {
		*inner = -r;
		return -EFAULT; /* every handler error is EFAULT to userspace */
	}
	return FAKE_VHOST_MSG_SIZE;
}
