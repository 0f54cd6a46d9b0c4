// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * datapath.c - device-DMA verification of IOTLB persistence; see datapath.h.
 *
 * Memory: a memfd (MAP_SHARED: VA-mode parents ignore private memory) of DP_PAGES pages, each
 * page mapped at its own IOVA with one IOTLB UPDATE per page, all before the first round trip.
 * Nothing is written to the IOTLB between the reset and the second round trip: on set_map
 * parents any IOTLB write re-pushes the whole table and would hide a dropped translation.
 */
#include "datapath.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "parents.h"
#include "probe.h"
#include "probe_mem.h"
#include "signals.h"
#include "util.h"
#include "vhost.h"

#define DP_PAGES 4
#define QSIZE 16
#define NET_HDR_LEN 12	       /* struct virtio_net_hdr_v1 with VERSION_1 */
#define ETHERTYPE_PROBE 0x88b5 /* IEEE 802 local experimental */
#define RX_BUF_LEN 1536
#define BLK_T_IN 0
#define BLK_S_OK 0
#define FILL 0xa5

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2

/* split virtqueue layout inside one page: desc @0, avail @0x400, used @0x800 */
#define OFF_DESC 0x000
#define OFF_AVAIL 0x400
#define OFF_USED 0x800

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[QSIZE];
};

struct used_elem {
	uint32_t id;
	uint32_t len;
};

struct used {
	uint16_t flags;
	uint16_t idx;
	struct used_elem ring[QSIZE];
};

struct dp_ctx {
	int fd;
	enum dev_class cls;
	struct probe_mem mem;
	uint64_t iova[DP_PAGES];
	void *guard_va; /* PROT_NONE reservations of the IOVAs as virtual addresses */
	size_t guard_len;
	void *reserved[DP_PAGES]; /* per-page reservations (PA guard) */
	void *pa_pages;		  /* locked zeroed pages whose physical addresses are the IOVAs */
	int kick[2], call[2];
	unsigned nvq;
	uint64_t features;
	uint32_t nonce;
	uint64_t backend; /* the backend features this owner acked */
	double control_s; /* how long the control round trip took */
	bool pa;	  /* the parent's entries name physical pages (dp_params.physical) */
	uint64_t pfn[2 * DP_PAGES]; /* PA guard: data pages, then guard pages, before the close */
	bool have_sector;	    /* block: sector 0 as the run's first READ returned it */
	uint8_t sector[512];
};

bool dp_is_simulator(const char *mgmtdev)
{
	return mgmtdev && !strncmp(mgmtdev, "vdpasim_", strlen("vdpasim_"));
}

enum dp_guard dp_guard_for(const char *mgmtdev, const char *parent_driver, int sim_use_va,
			   const char *kernel_release)
{
	const struct parent_desc *row = parent_lookup(parent_driver, mgmtdev);
	unsigned ma, mi;

	if (row && row->kind == PK_PLATFORM)
		return DP_GUARD_VA; /* the IOMMU domain is not touched by a reset */
	if (row && row->use_va)
		return DP_GUARD_VA; /* VDUSE: the IOVAs stand for this process's own addresses */
	if (dp_is_simulator(mgmtdev)) {
		/* vdpa_sim before 6.7 empties its table on reset: no identity fallback at all */
		if (kernel_version(kernel_release, &ma, &mi) == 0 &&
		    (ma < 6 || (ma == 6 && mi < 7)))
			return DP_GUARD_VA;
		return sim_use_va == 0 ? DP_GUARD_PA : DP_GUARD_VA;
	}
	return DP_GUARD_PA; /* mlx5 (identity DMA MR) and anything unknown */
}

bool dp_entries_physical(const char *mgmtdev, const char *parent_driver, int sim_use_va)
{
	const struct parent_desc *row = parent_lookup(parent_driver, mgmtdev);

	if (row && row->use_va)
		return false;
	return !(dp_is_simulator(mgmtdev) && sim_use_va == 1);
}

size_t dp_build_frame(uint8_t *buf, size_t size, uint32_t nonce)
{
	static const uint8_t src[6] = { 0x02, 0x76, 0x64, 0x70, 0x61, 0x01 }; /* local admin */
	size_t len = 60;

	if (size < len)
		return 0;
	memset(buf, 0, len);
	memset(buf, 0xff, 6); /* broadcast: every receive filter takes it */
	memcpy(buf + 6, src, 6);
	buf[12] = ETHERTYPE_PROBE >> 8;
	buf[13] = ETHERTYPE_PROBE & 0xff;
	snprintf((char *)buf + 14, len - 14, "vdpactl datapath probe %08x", nonce);
	return len;
}

uint32_t dp_crc32(const uint8_t *buf, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

bool dp_frame_matches(const uint8_t *rx, size_t rx_len, const uint8_t *tx, size_t tx_len)
{
	return rx_len >= tx_len && tx_len >= 14 && !memcmp(rx, tx, tx_len);
}

/* ---- memory and IOVAs --------------------------------------------------------------------- */

static uint64_t page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Physical address of the page at @va from /proc/self/pagemap; 0 if unknown (no privilege). */
static uint64_t phys_addr(void *va)
{
	uint64_t entry = 0, pg = page_size();
	off_t off = (off_t)((uintptr_t)va / pg * sizeof(entry));
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry), off) != (ssize_t)sizeof(entry))
		entry = 0;
	close(fd);
	if (!(entry & (UINT64_C(1) << 63))) /* not present */
		return 0;
	entry &= (UINT64_C(1) << 55) - 1; /* PFN, 0 without CAP_SYS_ADMIN */
	return entry * pg;
}

static void release_iovas(struct dp_ctx *c)
{
	uint64_t pg = page_size();

	if (c->guard_va)
		munmap(c->guard_va, c->guard_len);
	for (int i = 0; i < DP_PAGES; i++)
		if (c->reserved[i])
			munmap(c->reserved[i], pg);
	if (c->pa_pages)
		munmap(c->pa_pages, DP_PAGES * pg);
	c->guard_va = c->pa_pages = NULL;
	memset(c->reserved, 0, sizeof(c->reserved));
}

/* Reserve @len bytes PROT_NONE at exactly @base: the reservation, or NULL if anything is there. */
static void *reserve_at(uint64_t base, size_t len)
{
	void *r = mmap((void *)(uintptr_t)base, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	if (r != (void *)(uintptr_t)base) { /* a kernel before 4.17 took the flag as a hint */
		munmap(r, len);
		return NULL;
	}
	return r;
}

/* DP_GUARD_PA: each IOVA the physical address of a zeroed, locked page we own. 0 or -1 + @why. */
static int pa_guard(struct dp_ctx *c, uint64_t first, uint64_t last, char *why, size_t why_len)
{
	uint64_t pg = page_size(), len = DP_PAGES * pg;
	uint8_t *pages = mmap(NULL, len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);

	if (pages == MAP_FAILED) {
		snprintf(why, why_len, "cannot lock %llu bytes of guard pages: %s",
			 (unsigned long long)len, strerror(errno));
		return -1;
	}
	c->pa_pages = pages;
	memset(pages, 0, len);
	for (int i = 0; i < DP_PAGES; i++) {
		uint64_t pa = phys_addr(pages + i * pg);
		void *r;

		if (!pa) {
			snprintf(why, why_len,
				 "the parent may read IOVAs as physical addresses and "
				 "/proc/self/pagemap gives none (needs CAP_SYS_ADMIN): "
				 "after-reset DMA would not be safe");
			return -1;
		}
		if (pa < first || pa + pg - 1 > last) {
			snprintf(why, why_len,
				 "guard page at physical 0x%llx is outside the IOVA range",
				 (unsigned long long)pa);
			return -1;
		}
		if (!(r = reserve_at(pa, pg))) {
			snprintf(why, why_len,
				 "IOVA 0x%llx (a guard page's physical address) is a mapped "
				 "address of this process",
				 (unsigned long long)pa);
			return -1;
		}
		c->reserved[i] = r;
		c->iova[i] = pa;
	}
	return 0;
}

/*
 * DP_GUARD_VA: a PROT_NONE reservation anywhere the IOVA range allows. Candidates are the
 * windows just above each power of two from 1 GiB: DP_MAX_CONCURRENT of them per power, so that
 * every run in flight at once (probe --jobs) finds one even where, as under AddressSanitizer,
 * a single power of two below 2^46 is free. 0 or -1 + @why.
 */
static int va_guard(struct dp_ctx *c, uint64_t first, uint64_t last, char *why, size_t why_len)
{
	uint64_t pg = page_size(), len = DP_PAGES * pg;

	for (uint64_t pow = UINT64_C(1) << 30; pow < (UINT64_C(1) << 46); pow <<= 1) {
		for (uint64_t k = 0; k < DP_MAX_CONCURRENT; k++) {
			uint64_t base = pow + k * len;
			void *r;

			if (base < first || base + len - 1 > last)
				continue;
			if (!(r = reserve_at(base, len)))
				continue;
			c->guard_va = r;
			c->guard_len = len;
			for (int i = 0; i < DP_PAGES; i++)
				c->iova[i] = base + (uint64_t)i * pg;
			return 0;
		}
	}
	snprintf(why, why_len, "no unmapped IOVA window of %llu bytes inside the IOVA range",
		 (unsigned long long)len);
	return -1;
}

/*
 * Choose one IOVA per page, inside [first, last], none of them a mapped address of this process
 * (each reserved PROT_NONE), and for DP_GUARD_PA each the physical address of a zeroed, locked
 * page we own. Returns 0 or -1 with @why.
 */
static int choose_iovas(struct dp_ctx *c, enum dp_guard guard, uint64_t first, uint64_t last,
			bool unsafe_identity, char *why, size_t why_len)
{
#ifdef VDPACTL_TEST_HOOKS
	if (unsafe_identity) {
		/* test builds only: the trap the guards exist for (IOVA = the buffer's address) */
		for (int i = 0; i < DP_PAGES; i++)
			c->iova[i] = (uint64_t)(uintptr_t)c->mem.addr + (uint64_t)i * page_size();
		return 0;
	}
#else
	(void)unsafe_identity;
#endif
	if (guard == DP_GUARD_PA)
		return pa_guard(c, first, last, why, why_len);
	return va_guard(c, first, last, why, why_len);
}

/* ---- the device --------------------------------------------------------------------------- */

static uint8_t *page(struct dp_ctx *c, int i)
{
	return c->mem.addr + (size_t)i * page_size();
}

static struct desc *q_desc(struct dp_ctx *c, unsigned q)
{
	return (struct desc *)(page(c, (int)q) + OFF_DESC);
}

static struct avail *q_avail(struct dp_ctx *c, unsigned q)
{
	return (struct avail *)(page(c, (int)q) + OFF_AVAIL);
}

static volatile struct used *q_used(struct dp_ctx *c, unsigned q)
{
	return (volatile struct used *)(page(c, (int)q) + OFF_USED);
}

/* Set up features, status and virtqueues; ends with DRIVER_OK. 0 or -errno, @op names the step. */
static int device_setup(struct dp_ctx *c, const char **op)
{
	uint8_t st = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	uint64_t status;
	int rc;

	for (unsigned q = 0; q < c->nvq; q++)
		memset(page(c, (int)q), 0, page_size());
#define STEP(name, call)                                                                           \
	do {                                                                                       \
		*op = name;                                                                        \
		if ((rc = (call)))                                                                 \
			return rc;                                                                 \
	} while (0)
	STEP("SET_STATUS(ACKNOWLEDGE)", vhost_set_status(c->fd, VIRTIO_CONFIG_S_ACKNOWLEDGE));
	STEP("SET_STATUS(DRIVER)", vhost_set_status(c->fd, st));
	STEP("SET_FEATURES", vhost_set_features(c->fd, c->features));
	st |= VIRTIO_CONFIG_S_FEATURES_OK;
	STEP("SET_STATUS(FEATURES_OK)", vhost_set_status(c->fd, st));
	STEP("GET_STATUS", vhost_query(c->fd, VQ_STATUS, &status));
	*op = "FEATURES_OK";
	if (!(status & VIRTIO_CONFIG_S_FEATURES_OK))
		return -EPROTO;
	for (unsigned q = 0; q < c->nvq; q++) {
		uint64_t base = c->iova[q];

		STEP("SET_VRING_NUM", vhost_set_vring_num(c->fd, q, QSIZE));
		STEP("SET_VRING_ADDR", vhost_set_vring_addr(c->fd, q, base + OFF_DESC,
							    base + OFF_AVAIL, base + OFF_USED));
		STEP("SET_VRING_BASE", vhost_set_vring_base(c->fd, q, 0));
		STEP("SET_VRING_KICK", vhost_set_vring_kick(c->fd, q, c->kick[q]));
		STEP("SET_VRING_CALL", vhost_set_vring_call(c->fd, q, c->call[q]));
		STEP("SET_VRING_ENABLE", vhost_set_vring_enable(c->fd, q, true));
	}
	STEP("SET_STATUS(DRIVER_OK)", vhost_set_status(c->fd, st | VIRTIO_CONFIG_S_DRIVER_OK));
#undef STEP
	return 0;
}

static void publish(struct dp_ctx *c, unsigned q, uint16_t head)
{
	struct avail *a = q_avail(c, q);

	a->ring[a->idx % QSIZE] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	a->idx++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void kick(struct dp_ctx *c, unsigned q)
{
	uint64_t one = 1;

	if (write(c->kick[q], &one, sizeof(one)) < 0) {
		/* an eventfd write cannot fail for a counter this small */
	}
}

/* Wait until used->idx of @q moves past @old, up to @timeout_s. 1 arrived, 0 timed out. */
static int wait_used(struct dp_ctx *c, unsigned q, uint16_t old, double timeout_s)
{
	struct timespec t0, now;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = { .fd = c->call[q], .events = POLLIN };
		double el;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (q_used(c, q)->idx != old)
			return 1;
		if (vd_signal)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		el = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
		if (el >= timeout_s)
			return 0;
		if (poll(&pfd, 1, 5) > 0) {
			uint64_t n;

			if (read(c->call[q], &n, sizeof(n)) < 0) {
				/* drained by someone else: nothing to do */
			}
		}
	}
}

/* Nothing arrived: a timeout, or a wait cut short by a signal (never reported as a timeout). */
static int waited(char *detail, size_t dlen, const char *what, double timeout_s)
{
	if (vd_signal)
		snprintf(detail, dlen, "the wait was cut short before %.3g s", timeout_s);
	else
		snprintf(detail, dlen, "%s within %.3g s", what, timeout_s);
	return 0;
}

/*
 * Block: READ sector 0 into a buffer filled with a pattern. The run's first READ must complete
 * with status OK and new data; every later one must return the same 512 bytes (the disk did not
 * change: anything else is not the device reading into our buffer). 1, 0 or -1 as round_trip().
 */
static int blk_round_trip(struct dp_ctx *c, double timeout_s, char *detail, size_t dlen)
{
	uint8_t *hdr = page(c, 2), *status = page(c, 2) + 0x100, *data = page(c, 3);
	struct desc *d = q_desc(c, 0);
	uint16_t old = q_used(c, 0)->idx;
	size_t changed = 0;
	uint32_t crc;

	memset(hdr, 0, 16); /* type IN (0), reserved, sector 0 */
	hdr[0] = BLK_T_IN;
	*status = 0xff;
	memset(data, FILL, 512);
	d[0] = (struct desc){ c->iova[2], 16, VRING_DESC_F_NEXT, 1 };
	d[1] = (struct desc){ c->iova[3], 512, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2 };
	d[2] = (struct desc){ c->iova[2] + 0x100, 1, VRING_DESC_F_WRITE, 0 };
	publish(c, 0, 0);
	kick(c, 0);
	if (!wait_used(c, 0, old, timeout_s))
		return waited(detail, dlen, "the READ of sector 0 did not complete", timeout_s);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	for (int i = 0; i < 512; i++)
		changed += data[i] != FILL;
	crc = dp_crc32(data, 512);
	if (*status != BLK_S_OK || !changed) {
		snprintf(detail, dlen,
			 "the READ completed with status %u and %zu bytes changed (want status 0 "
			 "and new data)",
			 *status, changed);
		return -1;
	}
	if (c->have_sector && memcmp(data, c->sector, 512)) {
		snprintf(detail, dlen,
			 "the READ completed with status OK but other data than the first READ "
			 "(crc32 0x%08x, first 0x%08x)",
			 crc, dp_crc32(c->sector, 512));
		return -1;
	}
	if (c->have_sector)
		snprintf(detail, dlen,
			 "READ of sector 0 completed: status OK, the 512 bytes of the first READ, "
			 "crc32 0x%08x",
			 crc);
	else
		snprintf(detail, dlen,
			 "READ of sector 0 completed: status OK, %zu of 512 bytes changed from the "
			 "fill pattern, crc32 0x%08x",
			 changed, crc);
	memcpy(c->sector, data, 512);
	c->have_sector = true;
	return 1;
}

/* One round trip. 1 arrived (and checked), 0 nothing arrived in time, -1 wrong content. */
static int round_trip(struct dp_ctx *c, double timeout_s, char *detail, size_t dlen)
{
	uint64_t pg = page_size();

	if (c->cls == CLASS_NET) {
		uint8_t *rx = page(c, 2), *tx = page(c, 3), frame[64];
		size_t flen = dp_build_frame(frame, sizeof(frame), ++c->nonce);
		struct desc *rd = q_desc(c, 0), *td = q_desc(c, 1);
		uint16_t old = q_used(c, 0)->idx;
		uint32_t got;

		(void)pg;
		memset(rx, 0, RX_BUF_LEN);
		memset(tx, 0, NET_HDR_LEN);
		memcpy(tx + NET_HDR_LEN, frame, flen);
		rd[0] = (struct desc){ c->iova[2], RX_BUF_LEN, VRING_DESC_F_WRITE, 0 };
		td[0] = (struct desc){ c->iova[3], (uint32_t)(NET_HDR_LEN + flen), 0, 0 };
		publish(c, 0, 0);
		publish(c, 1, 0);
		kick(c, 0);
		kick(c, 1);
		if (!wait_used(c, 0, old, timeout_s))
			return waited(detail, dlen, "no frame came back on RX queue 0", timeout_s);
		got = q_used(c, 0)->ring[old % QSIZE].len;
		if (got < NET_HDR_LEN ||
		    !dp_frame_matches(rx + NET_HDR_LEN, got - NET_HDR_LEN, frame, flen)) {
			snprintf(detail, dlen, "a frame arrived (%u bytes) but not the one sent",
				 got);
			return -1;
		}
		snprintf(detail, dlen, "%zu-byte frame sent on TX queue 1 came back on RX queue 0",
			 flen);
		return 1;
	}
	return blk_round_trip(c, timeout_s, detail, dlen);
}

static int map_all(struct dp_ctx *c, bool batch)
{
	uint64_t pg = page_size();
	int rc = batch ? vhost_iotlb(c->fd, IOTLB_OP_BATCH_BEGIN, 0, 0, 0) : 0;

	for (int i = 0; !rc && i < DP_PAGES; i++)
		rc = vhost_iotlb(c->fd, IOTLB_OP_UPDATE, c->iova[i], pg,
				 (uint64_t)(uintptr_t)page(c, i));
	if (batch) {
		int rc2 = vhost_iotlb(c->fd, IOTLB_OP_BATCH_END, 0, 0, 0);

		if (!rc)
			rc = rc2;
	}
	return rc;
}

static void ctx_free(struct dp_ctx *c)
{
	if (c->fd >= 0)
		vhost_close(c->fd);
	c->fd = -1;
	for (int i = 0; i < 2; i++) {
		if (c->kick[i] >= 0)
			close(c->kick[i]);
		if (c->call[i] >= 0)
			close(c->call[i]);
		c->kick[i] = c->call[i] = -1;
	}
	release_iovas(c);
	probe_mem_free(&c->mem);
}

static void ctx_init(struct dp_ctx *c, const struct vdpa_device *d)
{
	uint64_t bits = UINT64_C(1) << VIRTIO_F_VERSION_1 | UINT64_C(1) << VIRTIO_F_ACCESS_PLATFORM;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->kick[0] = c->kick[1] = c->call[0] = c->call[1] = -1;
	c->cls = d->cls;
	c->nvq = d->cls == CLASS_NET ? 2 : 1;
	c->features = d->device_features.v & bits;
	c->nonce = (uint32_t)now_us();
}

/* A step of the run failed or could not run: record it, the error, and the steps not run;
 * @dst (DP_DETAIL bytes) gets the message. */
static void dp_stop(struct vdpa_device *d, enum step_id step, enum probe_status st, uint64_t t0,
		    int errnum, char *dst, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void dp_stop(struct vdpa_device *d, enum step_id step, enum probe_status st, uint64_t t0,
		    int errnum, char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, DP_DETAIL, fmt, ap);
	va_end(ap);
	probe_add(d, step, st, now_us() - t0, errnum, "%s", dst);
	probe_incomplete(d, step, errnum, "%s", dst);
	probe_skip_rest(d, step, vd_signal ? "interrupted by a signal" : "an earlier step failed");
}

/* The IOTLB backend features every owner acks when offered (never IOTLB_PERSIST). */
static uint64_t base_backend(const struct vdpa_device *d)
{
	return d->backend_features.v & (UINT64_C(1) << VHOST_BACKEND_F_IOTLB_MSG_V2 |
					UINT64_C(1) << VHOST_BACKEND_F_IOTLB_BATCH |
					UINT64_C(1) << VHOST_BACKEND_F_IOTLB_ASID);
}

/* Memory, IOVAs, eventfds, open, backend features, owner, mappings, DRIVER_OK. 0 when ready. */
static int dp_prepare(struct dp_ctx *c, struct vdpa_device *d, int vmajor, bool ack_persist,
		      enum dp_guard guard, const struct dp_params *p, struct dp_outcome *out)
{
	enum step_id setup = dp_steps_for(ack_persist)->setup;
	struct err_list scratch = { 0 };
	uint64_t t0 = now_us(), want;
	const char *op = "eventfd";
	char msg[200];
	int rc;

	rc = probe_mem_alloc(&c->mem, DP_PAGES, msg, sizeof(msg));
	if (rc) {
		dp_stop(d, setup, PR_FAIL, t0, -rc, out->detail, "%s", msg);
		return -1;
	}
	if (choose_iovas(c, guard, d->iova_first.v, d->iova_last.v, p->unsafe_identity_iova, msg,
			 sizeof(msg))) {
		dp_stop(d, setup, PR_SKIPPED, t0, 0, out->detail, "not run: %.180s", msg);
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		c->kick[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		c->call[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	if (c->kick[0] < 0 || c->kick[1] < 0 || c->call[0] < 0 || c->call[1] < 0) {
		rc = -errno;
		goto failed;
	}
	rc = vhost_open(d->char_device, vmajor, true, &c->fd, NULL, &scratch);
	if (rc) {
		dp_stop(d, setup, PR_FAIL, t0, scratch.n ? scratch.v[0].errnum : 0, out->detail,
			"could not open the device again: %s",
			scratch.n ? scratch.v[0].message : "failed");
		err_list_free(&scratch);
		return -1;
	}
	want = base_backend(d);
	if (ack_persist)
		want |= UINT64_C(1) << VHOST_BACKEND_F_IOTLB_PERSIST;
	c->backend = want;
	c->pa = guard == DP_GUARD_PA || p->physical;
	op = "SET_BACKEND_FEATURES";
	if ((rc = vhost_set_backend_features(c->fd, want)))
		goto failed;
	op = "SET_OWNER";
	if ((rc = vhost_set_owner(c->fd)))
		goto failed;
	op = "IOTLB UPDATE";
	if ((rc = map_all(c, want & (UINT64_C(1) << VHOST_BACKEND_F_IOTLB_BATCH))))
		goto failed;
	if ((rc = device_setup(c, &op)))
		goto failed;
	probe_add(d, setup, PR_PASS, now_us() - t0, 0,
		  "acked 0x%llx, %d pages at IOVA 0x%llx.. (%s guard)%s", (unsigned long long)want,
		  DP_PAGES, (unsigned long long)c->iova[0], guard == DP_GUARD_PA ? "PA" : "VA",
		  p->unsafe_identity_iova ? ", UNSAFE identity IOVAs (test build)" : "");
	return 0;
failed:
	dp_stop(d, setup, PR_FAIL, t0, rc ? -rc : 0, out->detail, "set-up failed at %s: %s", op,
		rc ? vd_strerror(-rc) : "failed");
	return -1;
}

double dp_compat_wait(double timeout_s, double control_s)
{
	double w = DP_COMPAT_RTT_FACTOR * (control_s > 0 ? control_s : 0);

	if (w < DP_COMPAT_MIN_WAIT_S)
		w = DP_COMPAT_MIN_WAIT_S;
	return w < timeout_s ? w : timeout_s;
}

/* Control round trip, reset, set-up again with NO IOTLB write, second round trip. */
static void dp_verify(struct dp_ctx *c, struct vdpa_device *d, bool ack_persist,
		      const struct dp_params *p, struct dp_outcome *out)
{
	const struct dp_steps *st = dp_steps_for(ack_persist);
	const char *op = "SET_STATUS";
	uint64_t t0 = now_us();
	double control_s;
	char msg[200];
	int r, rc;

	out->ran = true;
	r = round_trip(c, p->timeout_s, msg, sizeof(msg));
	control_s = c->control_s = (double)(now_us() - t0) / 1e6;
	out->before_ok = r == 1;
	snprintf(out->before_detail, sizeof(out->before_detail), "%s", msg);
	if (r != 1) {
		dp_stop(d, st->before, PR_FAIL, t0, r == 0 ? ETIMEDOUT : 0, out->detail,
			"the data path does not work even before a reset: %.140s", msg);
		return;
	}
	probe_add(d, st->before, PR_PASS, now_us() - t0, 0, "%s", msg);
	t0 = now_us();
	rc = vhost_set_status(c->fd, 0);
	if (rc) {
		dp_stop(d, st->reset, PR_FAIL, t0, -rc, out->detail, "reset failed: %s",
			vd_strerror(-rc));
		return;
	}
	probe_add(d, st->reset, PR_PASS, now_us() - t0, 0, "SET_STATUS(0)%s",
		  ack_persist ? " with IOTLB_PERSIST acked" : " (IOTLB_PERSIST not acked)");
	t0 = now_us();
	if ((rc = device_setup(c, &op))) {
		dp_stop(d, st->after, PR_FAIL, t0, -rc, out->detail,
			"set-up after reset failed at %s: %s", op, vd_strerror(-rc));
		return;
	}
	out->after_run = true;
	r = round_trip(c, p->compat ? dp_compat_wait(p->timeout_s, control_s) : p->timeout_s, msg,
		       sizeof(msg));
	out->after_ok = r == 1;
	probe_add(d, st->after, r == 1 ? PR_PASS : PR_FAIL, now_us() - t0, r == 0 ? ETIMEDOUT : 0,
		  "%s", msg);
	snprintf(out->detail, sizeof(out->detail), "%s after the reset: %.170s",
		 r == 1 ? "survived" : "lost", msg);
}

/* ---- does a closed owner's mapping outlive it? -------------------------------------------- */

/* Frame numbers of the data pages, then of the PA guard's pages (0 without them). 0, or -1 if
 * one is unknown. */
static int read_pfns(struct dp_ctx *c, uint64_t *pfn)
{
	uint64_t pg = page_size();

	memset(pfn, 0, 2 * DP_PAGES * sizeof(*pfn));
	for (int i = 0; i < DP_PAGES; i++) {
		pfn[i] = phys_addr(page(c, i)) / pg;
		if (c->pa_pages)
			pfn[DP_PAGES + i] = phys_addr((uint8_t *)c->pa_pages + (size_t)i * pg) / pg;
		if (!pfn[i] || (c->pa_pages && !pfn[DP_PAGES + i]))
			return -1;
	}
	return 0;
}

/*
 * Before the close, where the parent's entries name physical pages: lock the data pages (still
 * pinned by the mapping) and note where they are, so that the check can show afterwards that
 * nothing moved. 0, or -1 with the reason in @out->owner_detail.
 */
static int owner_pin_down(struct dp_ctx *c, struct dp_outcome *out)
{
	if (!c->pa)
		return 0;
	if (mlock(c->mem.addr, DP_PAGES * page_size())) {
		snprintf(
			out->owner_detail, DP_DETAIL,
			"not run: the parent's entries name physical pages, unpinned on close, and "
			"the data pages cannot be locked (%s)",
			strerror(errno));
		return -1;
	}
	if (read_pfns(c, c->pfn)) {
		snprintf(
			out->owner_detail, DP_DETAIL,
			"not run: the parent's entries name physical pages, unpinned on close, and "
			"/proc/self/pagemap does not show where they are (needs CAP_SYS_ADMIN)");
		return -1;
	}
	return 0;
}

/* Close, open again, ack the base backend features, SET_OWNER, set up: no IOTLB write. 0 ready. */
static int owner_reopen(struct dp_ctx *c, struct vdpa_device *d, int vmajor, struct dp_outcome *out)
{
	struct err_list scratch = { 0 };
	const char *op = "open";
	uint64_t t0 = now_us();
	int rc;

	vhost_close(c->fd);
	c->fd = -1;
	rc = vhost_open(d->char_device, vmajor, true, &c->fd, NULL, &scratch);
	if (rc) {
		dp_stop(d, STEP_DPO_REOPEN, PR_FAIL, t0, scratch.n ? scratch.v[0].errnum : 0,
			out->owner_detail, "could not open the device again: %s",
			scratch.n ? scratch.v[0].message : "failed");
		err_list_free(&scratch);
		return -1;
	}
	out->owner_ran = true;
	op = "SET_BACKEND_FEATURES";
	if (!(rc = vhost_set_backend_features(c->fd, base_backend(d)))) {
		op = "SET_OWNER";
		if (!(rc = vhost_set_owner(c->fd)))
			rc = device_setup(c, &op);
	}
	if (rc) {
		dp_stop(d, STEP_DPO_REOPEN, PR_FAIL, t0, -rc, out->owner_detail,
			"set-up as a new owner failed at %s: %s", op, vd_strerror(-rc));
		return -1;
	}
	probe_add(d, STEP_DPO_REOPEN, PR_PASS, now_us() - t0, 0,
		  "closed and opened again: a new owner with no IOTLB write, its rings at IOVA "
		  "0x%llx.. where the closed owner's were, DRIVER_OK",
		  (unsigned long long)c->iova[0]);
	return 0;
}

/* The round trip of the new owner, a reset, and (physical entries) the proof that no page moved. */
static void owner_verify(struct dp_ctx *c, struct vdpa_device *d, const struct dp_params *p,
			 struct dp_outcome *out)
{
	uint64_t t0 = now_us(), pfn[2 * DP_PAGES];
	char msg[DP_DETAIL];
	int r = round_trip(c, dp_compat_wait(p->timeout_s, c->control_s), msg, sizeof(msg));
	bool moved;

	vhost_set_status(c->fd, 0);
	moved = c->pa && (read_pfns(c, pfn) || memcmp(pfn, c->pfn, sizeof(pfn)));
	if (vd_signal) {
		snprintf(out->owner_detail, DP_DETAIL, "interrupted: no conclusion (%.150s)", msg);
		probe_add(d, STEP_DPO_AFTER_CLOSE, PR_INTERRUPTED, now_us() - t0, EINTR, "%s",
			  out->owner_detail);
	} else if (moved) {
		dp_stop(d, STEP_DPO_AFTER_CLOSE, PR_FAIL, t0, 0, out->owner_detail,
			"no conclusion: a page the closed owner had mapped moved during the check, "
			"so what the device reached is not known");
	} else {
		out->owner_dropped = r == 0;
		snprintf(out->owner_detail, DP_DETAIL, "%s: %.150s",
			 r == 0 ? "nothing reached the closed owner's buffers"
				: "the device reached the closed owner's buffers",
			 msg);
		probe_add(d, STEP_DPO_AFTER_CLOSE, r == 0 ? PR_PASS : PR_FAIL, now_us() - t0, 0,
			  "%s", out->owner_detail);
	}
}

/* After the run, its memory and IOVAs still held: does the device reach them for a new owner? */
static void dp_owner(struct dp_ctx *c, struct vdpa_device *d, int vmajor, const struct dp_params *p,
		     struct dp_outcome *out)
{
	out->owner_dropped = -1;
	if (owner_pin_down(c, out)) {
		probe_add(d, STEP_DPO_REOPEN, PR_SKIPPED, 0, 0, "%s", out->owner_detail);
		probe_skip_rest(d, STEP_DPO_REOPEN, "its set-up was skipped");
		return;
	}
	if (owner_reopen(c, d, vmajor, out) == 0)
		owner_verify(c, d, p, out);
}

int dp_run(struct vdpa_device *d, int vmajor, bool ack_persist, enum dp_guard guard,
	   const struct dp_params *p, struct dp_outcome *out)
{
	struct dp_ctx c;

	memset(out, 0, sizeof(*out));
	out->owner_dropped = -1;
	ctx_init(&c, d);
	if (dp_prepare(&c, d, vmajor, ack_persist, guard, p, out) == 0)
		dp_verify(&c, d, ack_persist, p, out);
	if (c.fd >= 0)
		vhost_set_status(c.fd, 0);
	if (p->owner_check && out->before_ok && !vd_signal && c.fd >= 0)
		dp_owner(&c, d, vmajor, p, out);
	else if (p->owner_check)
		snprintf(out->owner_detail, DP_DETAIL, "not run: %s",
			 vd_signal ? "interrupted by a signal"
				   : "the data path did not complete its control round trip");
	ctx_free(&c);
	return vd_signal ? signals_exit_code() : 0;
}
