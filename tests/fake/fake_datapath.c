// SPDX-License-Identifier: MIT
/*
 * fake_datapath.c - the device side of the virtqueues, for scenarios with "datapath": true.
 *
 * A write() to an eventfd that a device has as VHOST_SET_VRING_KICK fd (while the device is
 * DRIVER_OK and not suspended) makes the device process its split virtqueues at once, the way
 * vdpa_sim does it in its work item ( examples; drivers/vdpa/vdpa_sim):
 *
 *   net:   every TX (vq 1) chain is copied, virtio-net header included, into the next RX
 *          (vq 0) chain: the simulator's loopback (QEMU's virtio-net on a UDP socket that
 *          sends to itself does the same for vp_vdpa in the test VM). No RX buffer: the TX
 *          chain completes with length 0.
 *   block: READ returns zeros (the simulator's RAM disk and the VM's scratch image start
 *          zeroed; sector 0 starts with the device's "disk_sector0" text), WRITE and FLUSH succeed, GET_ID gives the device name, anything else
 *          VIRTIO_BLK_S_UNSUPP; capacity from the config space.
 *
 * Every access to rings and buffers goes through the parent's translation for the vq's
 * address space (fake_iotlb.c): an IOVA without translation, a permission mismatch, the
 * PA-mode identity fallback (physical memory) or a VA-mode identity address that is not
 * mapped in the process makes the device stop, as vdpa_sim stops on "Failed to access avail
 * idx" - the used ring never moves and the driver times out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fake.h"

#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define MAX_CHAIN 64
#define MAX_BYTES 65536

/* The host address of [iova, iova+len) for vq q, or NULL: the device cannot reach it. */
static void *xlate(struct fake_dev *d, unsigned q, uint64_t iova, size_t len, bool write)
{
	const struct fake_dev_cfg *c = d->cfg;
	uint32_t g = c->vq_group[q], asid = g < c->ngroups ? d->group_asid[g] : 0;
	const struct fake_map *m;
	void *hva;

	if (!len || asid >= c->nas || iova + len - 1 < iova)
		return NULL;
	m = fake_iotlb_first(&d->parent[asid], iova, iova + len - 1);
	if (m && m->start <= iova && iova + len - 1 <= m->last) {
		if (!(m->perm & (write ? VHOST_ACCESS_WO : VHOST_ACCESS_RO)))
			return NULL;
		hva = (void *)(uintptr_t)(m->uaddr + (iova - m->start));
	} else if (!m && d->parent_identity[asid] && c->va_mode) {
		hva = (void *)(uintptr_t)iova; /* passthrough: our own virtual address */
	} else {
		return NULL; /* no translation, or physical memory in PA mode */
	}
	return fake_user_ok(hva, len, write) ? hva : NULL;
}

static int rd16(struct fake_dev *d, unsigned q, uint64_t iova, uint16_t *v)
{
	void *p = xlate(d, q, iova, 2, false);

	if (!p)
		return -EFAULT;
	memcpy(v, p, 2);
	return 0;
}

static int wr(struct fake_dev *d, unsigned q, uint64_t iova, const void *v, size_t n)
{
	void *p = xlate(d, q, iova, n, true);

	if (!p)
		return -EFAULT;
	memcpy(p, v, n);
	return 0;
}

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct chain {
	uint16_t head;
	unsigned n;
	struct desc d[MAX_CHAIN];
};

static bool vq_live(const struct fake_dev *d, unsigned q)
{
	const struct fake_vq *v = &d->vqs[q];

	return q < d->cfg->nvqs && v->ready && v->num && v->desc && v->avail && v->used;
}

/* The next available chain of vq q: 1 got one, 0 none, -EFAULT unreachable. */
static int next_chain(struct fake_dev *d, unsigned q, struct chain *ch)
{
	struct fake_vq *v = &d->vqs[q];
	uint16_t idx, head, i;

	if (rd16(d, q, v->avail + 2, &idx))
		return -EFAULT;
	if ((uint16_t)v->base == idx)
		return 0;
	if (rd16(d, q, v->avail + 4 + 2ULL * ((uint16_t)v->base % v->num), &head))
		return -EFAULT;
	ch->head = head;
	ch->n = 0;
	for (i = head; ch->n < MAX_CHAIN; ch->n++) {
		void *p;

		if (i >= v->num)
			return -EFAULT;
		p = xlate(d, q, v->desc + 16ULL * i, 16, false);
		if (!p)
			return -EFAULT;
		memcpy(&ch->d[ch->n], p, 16);
		if (!(ch->d[ch->n].flags & DESC_F_NEXT)) {
			ch->n++;
			break;
		}
		i = ch->d[ch->n].next;
	}
	v->base = (uint16_t)(v->base + 1);
	return 1;
}

static int push_used(struct fake_dev *d, unsigned q, uint16_t head, uint32_t len)
{
	struct fake_vq *v = &d->vqs[q];
	uint32_t e[2] = { head, len };
	uint16_t idx;

	if (wr(d, q, v->used + 4 + 8ULL * (v->last_used % v->num), e, sizeof(e)))
		return -EFAULT;
	idx = (uint16_t)(v->last_used + 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (wr(d, q, v->used + 2, &idx, 2))
		return -EFAULT;
	v->last_used = idx;
	return 0;
}

static void notify(struct fake_dev *d, unsigned q)
{
	uint64_t one = 1;

	if (d->vqs[q].call >= 0)
		(void)!fake_real_write(d->vqs[q].call, &one, sizeof(one));
}

/* Copy the device-readable part of a chain into buf; -EFAULT if unreachable. */
static ssize_t gather(struct fake_dev *d, unsigned q, const struct chain *ch, uint8_t *buf,
		      size_t cap)
{
	size_t n = 0;

	for (unsigned i = 0; i < ch->n; i++) {
		const struct desc *x = &ch->d[i];
		void *p;

		if (x->flags & DESC_F_WRITE)
			continue;
		if (n + x->len > cap || !(p = xlate(d, q, x->addr, x->len, false)))
			return -EFAULT;
		memcpy(buf + n, p, x->len);
		n += x->len;
	}
	return (ssize_t)n;
}

/* Write buf into the device-writable descriptors from index from; bytes written or -EFAULT. */
static ssize_t scatter(struct fake_dev *d, unsigned q, const struct chain *ch, unsigned from,
		       const uint8_t *buf, size_t len)
{
	size_t n = 0;

	for (unsigned i = from; i < ch->n && n < len; i++) {
		const struct desc *x = &ch->d[i];
		size_t k = x->len < len - n ? x->len : len - n;

		if (!(x->flags & DESC_F_WRITE))
			continue;
		if (k && wr(d, q, x->addr, buf + n, k))
			return -EFAULT;
		n += k;
	}
	return (ssize_t)n;
}

static const char *net_loop(struct fake_dev *d, unsigned *done)
{
	static uint8_t buf[MAX_BYTES];

	while (vq_live(d, 0) && vq_live(d, 1)) {
		struct chain tx, rx;
		ssize_t len, w;
		int r = next_chain(d, 1, &tx);

		if (r < 0)
			return "Failed to access avail idx (TX)";
		if (!r)
			break;
		len = gather(d, 1, &tx, buf, sizeof(buf));
		if (len < 0)
			return "TX buffer not reachable";
		r = next_chain(d, 0, &rx);
		if (r < 0)
			return "Failed to access avail idx (RX)";
		if (!r) { /* no RX buffer: the frame is dropped */
			push_used(d, 1, tx.head, 0);
			notify(d, 1);
			break;
		}
		w = scatter(d, 0, &rx, 0, buf, (size_t)len);
		if (w < 0)
			return "RX buffer not reachable";
		if (push_used(d, 1, tx.head, 0) || push_used(d, 0, rx.head, (uint32_t)w))
			return "used ring not reachable";
		notify(d, 1);
		notify(d, 0);
		++*done;
	}
	return NULL;
}

static const char *blk_loop(struct fake_dev *d, unsigned *done)
{
	static uint8_t buf[MAX_BYTES];
	uint64_t capacity = 0;

	if (d->cfg->config_size >= 8)
		memcpy(&capacity, d->config, 8);
	while (vq_live(d, 0)) {
		struct chain ch;
		uint8_t hdr[16], status = 0;
		uint32_t type;
		uint64_t sector;
		size_t data = 0, wr_bytes = 0;
		unsigned last;
		int r = next_chain(d, 0, &ch);
		void *p;

		if (r < 0)
			return "Failed to access avail idx";
		if (!r)
			break;
		if (ch.n < 2 || ch.d[0].len < 16 || (ch.d[0].flags & DESC_F_WRITE) ||
		    !(p = xlate(d, 0, ch.d[0].addr, 16, false)))
			return "request header not reachable";
		memcpy(hdr, p, 16);
		memcpy(&type, hdr, 4);
		memcpy(&sector, hdr + 8, 8);
		last = ch.n - 1;
		if (!(ch.d[last].flags & DESC_F_WRITE) || ch.d[last].len < 1)
			return "no status byte";
		for (unsigned i = 1; i < last; i++)
			data += ch.d[i].len;
		if (type == 0) { /* VIRTIO_BLK_T_IN: zeros, sector 0 starting with disk_sector0 */
			if (data > sizeof(buf) || sector + data / 512 > capacity) {
				status = 1; /* IOERR */
			} else {
				size_t n = sector == 0 ? strlen(d->cfg->disk_sector0) : 0;

				memset(buf, 0, data);
				memcpy(buf, d->cfg->disk_sector0, n < data ? n : data);
				wr_bytes = data;
			}
		} else if (type == 1 || type == 4) { /* OUT, FLUSH */
			status = 0;
		} else if (type == 8) { /* GET_ID */
			memset(buf, 0, sizeof(buf));
			snprintf((char *)buf, 20, "%s", d->cfg->name);
			wr_bytes = data < 20 ? data : 20;
		} else {
			status = 2; /* UNSUPP */
		}
		if (wr_bytes) {
			ssize_t w;
			struct chain mid = ch;

			mid.n = last; /* the data descriptors, without the status byte */
			w = scatter(d, 0, &mid, 1, buf, wr_bytes);
			if (w < 0)
				return "data buffer not reachable";
		}
		if (wr(d, 0, ch.d[last].addr, &status, 1))
			return "status byte not reachable";
		if (push_used(d, 0, ch.head, (uint32_t)(wr_bytes + 1)))
			return "used ring not reachable";
		notify(d, 0);
		++*done;
	}
	return NULL;
}

bool fake_dp_kick(int fd, char *detail, size_t dlen)
{
	for (size_t i = 0; i < fake_dev_count(); i++) {
		struct fake_dev *d = fake_dev_at(i);
		const char *why = NULL;
		unsigned done = 0;

		for (unsigned q = 0; q < d->cfg->nvqs; q++) {
			if (d->vqs[q].kick != fd)
				continue;
			if (!d->datapath || !(d->status & VIRTIO_CONFIG_S_DRIVER_OK) || d->suspended) {
				snprintf(detail, dlen, "kick %s vq %u: not running", d->cfg->name, q);
				return true;
			}
			if (d->cfg->device_id == 1)
				why = net_loop(d, &done);
			else if (d->cfg->device_id == 2)
				why = blk_loop(d, &done);
			snprintf(detail, dlen, "kick %s vq %u: %u request(s)%s%s", d->cfg->name, q,
				 done, why ? ", stopped: " : "", why ? why : "");
			return true;
		}
	}
	return false;
}
