// SPDX-License-Identifier: MIT
/*
 * fake_iotlb.c - IOTLB tables: vhost-vdpa's own per-ASID table, the parent's
 * translation (what the device would use for DMA), the IOTLB message handler
 * that keeps both, and user-memory checks through /proc/self/maps.
 *
 * Two tables per address space, on purpose (drivers/vhost/vdpa.c vhost_vdpa_va_map(): shared file-backed VMAs only; include/linux/vdpa.h struct vdpa_config_ops):
 *   d->as[asid]      vhost-vdpa's IOTLB: entries, pins, EEXIST on overlap.
 *                    Never touched by SET_STATUS(0); torn down on close.
 *   d->parent[asid]  the parent's translation, fed according to its DMA model:
 *                    set_map  - the whole vhost table is copied on every
 *                               message outside a batch and at BATCH_END
 *                    dma_map  - each range is added/removed as it comes
 *                    platform - vhost-vdpa's IOMMU domain, same as dma_map
 *                    A reset may drop it (fake_parent_reset); parents with an
 *                    identity fallback then translate IOVA as VA (VA mode) or
 *                    as a physical address (PA mode).
 * The handler mirrors vhost_vdpa_process_iotlb_msg() and friends of 6.1/6.12,
 * including the quirks: VA-mode parents skip memory that is not a shared file
 * mapping, set_map is pushed per mapped chunk, an empty batch still pushes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fake.h"

uint64_t fake_pinned_pages;

/* ------------------------------------------------------------------------ */
/* Range tables: a small array sorted by start.  Entries may overlap in the  */
/* parent tables (the kernel's interval trees allow it); the vhost side      */
/* rejects overlaps before adding.                                           */

void fake_iotlb_clear(struct fake_iotlb *t)
{
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

int fake_iotlb_copy(struct fake_iotlb *dst, const struct fake_iotlb *src)
{
	struct fake_map *v = NULL;

	if (src->n) {
		v = malloc(src->n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memcpy(v, src->v, src->n * sizeof(*v));
	}
	free(dst->v);
	dst->v = v;
	dst->n = dst->cap = src->n;
	return 0;
}

static int add_one(struct fake_iotlb *t, uint64_t start, uint64_t last, uint64_t uaddr,
		   uint8_t perm, uint64_t pinned, size_t limit)
{
	size_t i;

	if (limit && t->n >= limit)
		return -ENOSPC; /* vhost_iotlb limit = max_iotlb_entries */
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct fake_map *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	for (i = t->n; i > 0 && t->v[i - 1].start > start; i--)
		t->v[i] = t->v[i - 1];
	t->v[i] = (struct fake_map){ start, last, uaddr, perm, pinned };
	t->n++;
	return 0;
}

int fake_iotlb_add(struct fake_iotlb *t, uint64_t start, uint64_t last, uint64_t uaddr,
		   uint8_t perm, uint64_t pinned, size_t limit)
{
	int r;

	if (last < start)
		return -EFAULT;
	/* vhost_iotlb_add_range_ctx() splits the full 64-bit range in two. */
	if (start == 0 && last == UINT64_MAX) {
		uint64_t mid = last / 2;

		if (limit && t->n + 2 > limit)
			return -ENOSPC;
		r = add_one(t, 0, mid, uaddr, perm, pinned, 0);
		if (!r)
			r = add_one(t, mid + 1, last, uaddr + mid + 1, perm, 0, 0);
		return r;
	}
	return add_one(t, start, last, uaddr, perm, pinned, limit);
}

/* Interval-tree query as the kernel does it: node.start <= last &&
 * start <= node.last (so a "wrapped" query range behaves like the kernel's). */
static bool overlaps(const struct fake_map *m, uint64_t start, uint64_t last)
{
	return m->start <= last && start <= m->last;
}

const struct fake_map *fake_iotlb_first(const struct fake_iotlb *t, uint64_t start, uint64_t last)
{
	for (size_t i = 0; i < t->n; i++)
		if (overlaps(&t->v[i], start, last))
			return &t->v[i];
	return NULL;
}

static void remove_at(struct fake_iotlb *t, size_t i)
{
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
	t->n--;
}

static void del_range(struct fake_iotlb *t, uint64_t start, uint64_t last)
{
	for (size_t i = 0; i < t->n;)
		if (overlaps(&t->v[i], start, last))
			remove_at(t, i);
		else
			i++;
}

/* ------------------------------------------------------------------------ */
/* Process memory, from /proc/self/maps.                                     */

struct vma {
	uint64_t start;
	uint64_t end; /* exclusive */
	bool r;
	bool w;
	bool shared;
	bool file; /* has a backing file (inode != 0): memfd, shared anon, files */
};

static bool parse_maps_line(const char *line, struct vma *v)
{
	char *p;
	unsigned long long inode;

	v->start = strtoull(line, &p, 16);
	if (*p++ != '-')
		return false;
	v->end = strtoull(p, &p, 16);
	if (*p++ != ' ' || strlen(p) < 4)
		return false;
	v->r = p[0] == 'r';
	v->w = p[1] == 'w';
	v->shared = p[3] == 's';
	p += 4;
	(void)strtoull(p, &p, 16); /* offset */
	while (*p == ' ')
		p++;
	p += strcspn(p, " "); /* dev */
	inode = strtoull(p, &p, 10);
	v->file = inode != 0;
	return true;
}

/* Calls cb for every VMA in address order until it returns non-zero. */
static int maps_foreach(int (*cb)(const struct vma *, void *), void *arg)
{
	char buf[8192];
	size_t have = 0;
	int ret = 0, fd = fake_real_open("/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r = fake_real_read(fd, buf + have, sizeof(buf) - 1 - have);
		char *line, *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = 0;
		line = buf;
		while ((nl = memchr(line, '\n', have - (size_t)(line - buf)))) {
			struct vma v;

			*nl = 0;
			if (parse_maps_line(line, &v)) {
				ret = cb(&v, arg);
				if (ret)
					goto out;
			}
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have >= sizeof(buf) - 1)
			have = 0; /* absurdly long line: drop it */
	}
out:
	fake_real_close(fd);
	return ret;
}

struct range_check {
	uint64_t cur;
	uint64_t end;
	bool write;
	int verdict; /* 1 ok, -1 bad */
};

static int range_cb(const struct vma *v, void *arg)
{
	struct range_check *rc = arg;

	if (v->end <= rc->cur)
		return 0;
	if (v->start > rc->cur || !(rc->write ? v->w : v->r)) {
		rc->verdict = -1;
		return 1;
	}
	rc->cur = v->end;
	if (rc->cur >= rc->end) {
		rc->verdict = 1;
		return 1;
	}
	return 0;
}

bool fake_user_ok(const void *addr, size_t len, bool write)
{
	struct range_check rc = { (uint64_t)(uintptr_t)addr, (uint64_t)(uintptr_t)addr + len,
				  write, -1 };

	if (len == 0)
		return true;
	if (rc.end < rc.cur)
		return false;
	maps_foreach(range_cb, &rc);
	return rc.verdict == 1;
}

int fake_copy_from_user(void *dst, const void *usrc, size_t len)
{
	if (!fake_user_ok(usrc, len, false))
		return -EFAULT;
	memcpy(dst, usrc, len);
	return 0;
}

int fake_copy_to_user(void *udst, const void *src, size_t len)
{
	if (!fake_user_ok(udst, len, true))
		return -EFAULT;
	memcpy(udst, src, len);
	return 0;
}

struct vma_list {
	uint64_t from;
	uint64_t to;
	struct vma *v;
	size_t n;
	size_t cap;
	int err;
};

static int collect_cb(const struct vma *v, void *arg)
{
	struct vma_list *l = arg;

	if (v->end <= l->from)
		return 0;
	/* Keep the first VMA at or above the end too: find_vma() returns the
	 * first VMA that ends above an address, even across a hole. */
	if (l->n && l->v[l->n - 1].start >= l->to)
		return 1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct vma *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv) {
			l->err = -ENOMEM;
			return 1;
		}
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *v;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Parent side.                                                              */

static void parent_push(struct fake_dev *d, uint32_t asid)
{
	/* .set_map(asid, whole table): the parent rebuilds its translation from
	 * vhost-vdpa's complete table; this is what "heals" a parent that
	 * dropped its maps (). */
	if (fake_iotlb_copy(&d->parent[asid], &d->as[asid]) == 0)
		d->parent_identity[asid] = false;
	d->set_map_pushes++;
}

static void parent_range_add(struct fake_dev *d, uint32_t asid, const struct fake_map *m)
{
	/* .dma_map / iommu_map.  vdpa_sim drops its passthrough on the first
	 * dma_map of an address space. */
	if (d->parent_identity[asid]) {
		fake_iotlb_clear(&d->parent[asid]);
		d->parent_identity[asid] = false;
	}
	(void)fake_iotlb_add(&d->parent[asid], m->start, m->last, m->uaddr, m->perm, 0, 0);
}

static void parent_range_del(struct fake_dev *d, uint32_t asid, uint64_t start, uint64_t last)
{
	if (d->parent_identity[asid]) {
		fake_iotlb_clear(&d->parent[asid]);
		d->parent_identity[asid] = false;
	}
	del_range(&d->parent[asid], start, last);
}

void fake_parent_initial(struct fake_dev *d, uint32_t asid)
{
	fake_iotlb_clear(&d->parent[asid]);
	d->parent_identity[asid] = d->cfg->reset_identity_fallback;
}

void fake_parent_reset(struct fake_dev *d, bool drop)
{
	if (!drop)
		return;
	/* mlx5 <= 6.6 destroys its MRs (and builds a 1:1 DMA MR), vdpa_sim
	 * <= 6.6 empties its IOTLBs, 6.7+ vdpa_sim compat reset restores
	 * passthrough (include/linux/vdpa.h struct vdpa_config_ops: .reset_map). */
	for (uint32_t a = 0; a < d->cfg->nas; a++)
		fake_parent_initial(d, a);
}

/* ------------------------------------------------------------------------ */
/* vhost-vdpa side (vhost_vdpa_map / _unmap / _process_iotlb_update).        */

static int vdpa_map(struct fake_dev *d, uint32_t asid, uint64_t start, uint64_t last,
		    uint64_t uaddr, uint8_t perm)
{
	uint64_t pages = d->cfg->va_mode ? 0 : (last - start + 1) / FAKE_PAGE_SIZE;
	int r = fake_iotlb_add(&d->as[asid], start, last, uaddr, perm, pages, d->max_iotlb_entries);
	struct fake_map m = { start, last, uaddr, perm, 0 };

	if (r)
		return r;
	switch (d->cfg->dma) {
	case FAKE_DMA_SET_MAP:
		if (!d->in_batch)
			parent_push(d, asid);
		break;
	case FAKE_DMA_DMA_MAP:
	case FAKE_DMA_PLATFORM:
		parent_range_add(d, asid, &m);
		break;
	}
	fake_pinned_pages += pages;
	return 0;
}

/* vhost_vdpa_iotlb_unmap(): whole entries that overlap go, pins are dropped,
 * dma_map/platform parents unmap them; set_map parents hear nothing here. */
static void vdpa_iotlb_unmap(struct fake_dev *d, uint32_t asid, uint64_t start, uint64_t last)
{
	struct fake_iotlb *t = &d->as[asid];

	for (size_t i = 0; i < t->n;) {
		struct fake_map m = t->v[i];

		if (!overlaps(&m, start, last)) {
			i++;
			continue;
		}
		fake_pinned_pages -= m.pinned;
		if (d->cfg->dma != FAKE_DMA_SET_MAP)
			parent_range_del(d, asid, m.start, m.last);
		remove_at(t, i);
	}
}

/* vhost_vdpa_unmap(): the INVALIDATE path, which also pushes for set_map. */
static void vdpa_unmap(struct fake_dev *d, uint32_t asid, uint64_t iova, uint64_t size)
{
	vdpa_iotlb_unmap(d, asid, iova, iova + size - 1);
	if (d->cfg->dma == FAKE_DMA_SET_MAP && !d->in_batch)
		parent_push(d, asid);
}

static int pa_map(struct fake_dev *d, uint32_t asid, const struct vhost_iotlb_msg *msg)
{
	uint64_t npages = (msg->size + (msg->iova & (FAKE_PAGE_SIZE - 1)) + FAKE_PAGE_SIZE - 1) /
			  FAKE_PAGE_SIZE;
	uint64_t limit = UINT64_MAX;
	struct rlimit rl;

	/* RLIMIT_MEMLOCK, no CAP_IPC_LOCK bypass (drivers/vhost/vdpa.c vhost_vdpa_va_map(): shared file-backed VMAs only). */
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		limit = rl.rlim_cur / FAKE_PAGE_SIZE;
	if (npages + fake_pinned_pages > limit)
		return -ENOMEM;
	/* pin_user_pages(FOLL_LONGTERM [| FOLL_WRITE]) */
	if (!fake_user_ok((const void *)(uintptr_t)msg->uaddr, msg->size,
			  msg->perm & VHOST_ACCESS_WO))
		return -EFAULT;
	return vdpa_map(d, asid, msg->iova, msg->iova + msg->size - 1, msg->uaddr, msg->perm);
}

static int va_map(struct fake_dev *d, uint32_t asid, const struct vhost_iotlb_msg *msg)
{
	struct vma_list l = { .from = msg->uaddr, .to = msg->uaddr + msg->size };
	uint64_t cur = msg->uaddr, map_iova = msg->iova, left = msg->size;
	size_t k = 0;
	int r = 0;

	if (l.to < l.from)
		l.to = UINT64_MAX;
	maps_foreach(collect_cb, &l);
	if (l.err) {
		free(l.v);
		return l.err;
	}
	while (left) {
		uint64_t len;

		/* find_vma(): the first VMA that ends above cur, which need not
		 * contain it (a hole is then treated as part of that VMA,
		 * exactly like vhost_vdpa_va_map() does). */
		while (k < l.n && l.v[k].end <= cur)
			k++;
		if (k == l.n) {
			r = -EINVAL;
			break;
		}
		len = l.v[k].end - cur < left ? l.v[k].end - cur : left;
		/* Only file-backed MAP_SHARED memory is mapped; anonymous or
		 * private memory is skipped without error (drivers/vhost/vdpa.c vhost_vdpa_va_map(): shared file-backed VMAs only). */
		if (l.v[k].shared && l.v[k].file) {
			r = vdpa_map(d, asid, map_iova, map_iova + len - 1, cur, msg->perm);
			if (r)
				break;
		}
		left -= len;
		cur += len;
		map_iova += len;
	}
	free(l.v);
	if (r)
		vdpa_unmap(d, asid, msg->iova, map_iova - msg->iova);
	return r;
}

static int iotlb_update(struct fake_dev *d, uint32_t asid, const struct vhost_iotlb_msg *msg)
{
	const struct fake_dev_cfg *c = d->cfg;

	if (msg->iova < c->iova_first || msg->size == 0 || msg->iova > UINT64_MAX - msg->size + 1 ||
	    msg->iova + msg->size - 1 > c->iova_last)
		return -EINVAL;
	if (fake_iotlb_first(&d->as[asid], msg->iova, msg->iova + msg->size - 1))
		return -EEXIST;
	return c->va_mode ? va_map(d, asid, msg) : pa_map(d, asid, msg);
}

int fake_iotlb_msg(struct fake_dev *d, uint32_t asid, const struct vhost_iotlb_msg *msg)
{
	if (d->owner != getpid())
		return -EPERM; /* vhost_dev_check_owner() */
	if (d->in_batch && d->batch_asid != asid)
		return -EINVAL;
	if (msg->type == VHOST_IOTLB_UPDATE || msg->type == VHOST_IOTLB_BATCH_BEGIN) {
		/* vhost_vdpa_find_alloc_as() */
		if (asid >= d->cfg->nas)
			return -EINVAL;
		d->as_exists[asid] = true;
	} else if (asid >= d->cfg->nas || !d->as_exists[asid]) {
		return -EINVAL; /* asid_to_as() found nothing */
	}

	switch (msg->type) {
	case VHOST_IOTLB_UPDATE:
		return iotlb_update(d, asid, msg);
	case VHOST_IOTLB_INVALIDATE:
		vdpa_unmap(d, asid, msg->iova, msg->size);
		return 0;
	case VHOST_IOTLB_BATCH_BEGIN:
		d->batch_asid = asid;
		d->in_batch = true;
		return 0;
	case VHOST_IOTLB_BATCH_END:
		if (d->in_batch && d->cfg->dma == FAKE_DMA_SET_MAP)
			parent_push(d, asid);
		d->in_batch = false;
		return 0;
	default:
		return -EINVAL; /* MISS, ACCESS_FAIL and unknown types */
	}
}

void fake_vhost_teardown(struct fake_dev *d)
{
	for (uint32_t a = 0; a < d->cfg->nas; a++) {
		if (d->as_exists[a]) {
			/* vhost_vdpa_remove_as(): unmap everything, then (6.7+)
			 * .reset_map(asid) to restore the vendor translation. */
			vdpa_iotlb_unmap(d, a, 0, UINT64_MAX);
			if (fake_kv_rules67(d->kver) && fake_has_op(d->cfg, FAKE_OP_RESET_MAP))
				fake_parent_initial(d, a);
		}
		fake_iotlb_clear(&d->as[a]);
		d->as_exists[a] = false;
	}
	d->in_batch = false;
}

/* ------------------------------------------------------------------------ */
/* Exported inspection API (fake_vdpa.h).                                    */

static struct fake_dev *lookup(unsigned dev_index, int *err)
{
	struct fake_dev *d;

	if (!fake_active()) {
		*err = ESRCH;
		return NULL;
	}
	d = fake_dev_by_index(dev_index);
	if (!d)
		*err = ENODEV;
	return d;
}

static int copy_table(const struct fake_iotlb *t, struct fake_vdpa_map *out, int max)
{
	for (size_t i = 0; i < t->n && (int)i < max; i++)
		out[i] = (struct fake_vdpa_map){ t->v[i].start, t->v[i].last - t->v[i].start + 1,
						 t->v[i].uaddr, t->v[i].perm };
	return (int)t->n;
}

FAKE_EXPORT int fake_vdpa_parent_table(unsigned dev_index, unsigned asid,
				       struct fake_vdpa_map *out, int max, int *identity)
{
	int err = 0, r = -1;
	struct fake_dev *d;

	pthread_mutex_lock(&fake_lock);
	d = lookup(dev_index, &err);
	if (d && asid >= d->cfg->nas)
		err = EINVAL;
	if (d && !err) {
		r = copy_table(&d->parent[asid], out, max);
		if (identity)
			*identity = d->parent_identity[asid];
	}
	pthread_mutex_unlock(&fake_lock);
	if (r < 0)
		errno = err;
	return r;
}

FAKE_EXPORT int fake_vdpa_vhost_table(unsigned dev_index, unsigned asid,
				      struct fake_vdpa_map *out, int max)
{
	int err = 0, r = -1;
	struct fake_dev *d;

	pthread_mutex_lock(&fake_lock);
	d = lookup(dev_index, &err);
	if (d && asid >= d->cfg->nas)
		err = EINVAL;
	if (d && !err)
		r = copy_table(&d->as[asid], out, max);
	pthread_mutex_unlock(&fake_lock);
	if (r < 0)
		errno = err;
	return r;
}

FAKE_EXPORT int fake_vdpa_translate(unsigned dev_index, unsigned asid, uint64_t iova,
				    uint64_t len, int write, void **hva)
{
	int err = 0, r = -1;
	struct fake_dev *d;

	pthread_mutex_lock(&fake_lock);
	d = lookup(dev_index, &err);
	if (d && (asid >= d->cfg->nas || len == 0 || iova + len - 1 < iova))
		err = EINVAL;
	if (d && !err) {
		const struct fake_map *m = fake_iotlb_first(&d->parent[asid], iova, iova + len - 1);

		if (m && m->start <= iova && iova + len - 1 <= m->last) {
			unsigned need = write ? VHOST_ACCESS_WO : VHOST_ACCESS_RO;

			r = (m->perm & need) ? FAKE_VDPA_XLATE_OK : FAKE_VDPA_XLATE_PERM;
			if (hva)
				*hva = (void *)(uintptr_t)(m->uaddr + (iova - m->start));
		} else if (!m && d->parent_identity[asid]) {
			/* identity fallback: VA mode reads our own addresses,
			 * PA mode reads physical memory (measured on the 6.1 test kernel) */
			r = d->cfg->va_mode ? FAKE_VDPA_XLATE_OK : FAKE_VDPA_XLATE_PHYSICAL;
			if (hva)
				*hva = d->cfg->va_mode ? (void *)(uintptr_t)iova : NULL;
		} else {
			r = FAKE_VDPA_XLATE_FAULT;
		}
	}
	pthread_mutex_unlock(&fake_lock);
	if (r < 0)
		errno = err;
	return r;
}

FAKE_EXPORT int fake_vdpa_vq_asid(unsigned dev_index, unsigned vq)
{
	int err = 0, r = -1;
	struct fake_dev *d;

	pthread_mutex_lock(&fake_lock);
	d = lookup(dev_index, &err);
	if (d && vq >= d->cfg->nvqs)
		err = EINVAL;
	if (d && !err) {
		uint32_t g = d->cfg->vq_group[vq];

		r = g < d->cfg->ngroups ? (int)d->group_asid[g] : 0;
	}
	pthread_mutex_unlock(&fake_lock);
	if (r < 0)
		errno = err;
	return r;
}

FAKE_EXPORT int fake_vdpa_state(unsigned dev_index, struct fake_vdpa_state *st)
{
	int err = 0, r = -1;
	struct fake_dev *d;

	pthread_mutex_lock(&fake_lock);
	d = lookup(dev_index, &err);
	if (d) {
		*st = (struct fake_vdpa_state){
			.opened = d->opened,
			.owner_pid = (int)d->owner,
			.status = d->status,
			.driver_features = d->driver_features,
			.acked_backend = d->acked_backend,
			.set_map_pushes = d->set_map_pushes,
			.pinned_pages = fake_pinned_pages,
			.in_batch = d->in_batch,
			.suspended = d->suspended,
		};
		r = 0;
	}
	pthread_mutex_unlock(&fake_lock);
	if (r < 0)
		errno = err;
	return r;
}
