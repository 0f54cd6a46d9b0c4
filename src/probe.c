// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe.c - control-plane probe: ack backend features (IOTLB_PERSIST only if offered, and a
 * refusal test when it is not), become owner, map a memfd buffer, reset, and check what
 * userspace can see without DMA: status back to 0 and vhost-vdpa's own table kept. The steps
 * and their order are the table in steps.c.
 */
#include "probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "probe_mem.h"
#include "signals.h"
#include "util.h"
#include "vhost.h"

#define BIT(n) (UINT64_C(1) << (n))
#define PROBE_PAGES 4

uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char *en(int errnum)
{
	const char *n = errno_name(errnum);

	return n ? n : "errno";
}

struct probe_record *probe_add(struct vdpa_device *d, enum step_id step, enum probe_status st,
			       uint64_t duration_us, int errnum, const char *fmt, ...)
{
	struct probe_record *r;
	size_t n = 0;
	va_list ap;

	/* only a probed device has records: list and show never allocate them */
	if (!d->probes)
		d->probes = xcalloc(MAX_PROBES, sizeof(*d->probes));
	if (d->n_probes == MAX_PROBES)
		return &d->probes[MAX_PROBES - 1];
	r = &d->probes[d->n_probes++];
	memset(r, 0, sizeof(*r));
	r->step = step;
	r->status = st;
	r->duration_us = duration_us;
	r->errnum = errnum;
	/* a failure after our own signal is an interruption, never evidence */
	if (st == PR_FAIL && vd_signal) {
		r->status = PR_INTERRUPTED;
		r->errnum = EINTR;
		n = (size_t)snprintf(r->detail, sizeof(r->detail), "interrupted by a signal%s",
				     fmt ? ": " : "");
	}
	if (fmt && n < sizeof(r->detail)) {
		va_start(ap, fmt);
		vsnprintf(r->detail + n, sizeof(r->detail) - n, fmt, ap);
		va_end(ap);
	}
	return r;
}

void probe_skip_rest(struct vdpa_device *d, enum step_id after, const char *why)
{
	for (int s = (int)after + 1; s < STEP_COUNT; s++)
		if (step_table[s].phase == step_table[after].phase &&
		    step_applies((enum step_id)s, d->vin->persist_offered))
			probe_add(d, (enum step_id)s, PR_SKIPPED, 0, 0, "not run: %s", why);
}

void probe_incomplete(struct vdpa_device *d, enum step_id step, int errnum, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (vd_signal)
		return; /* the run-level error says it; the device gets no verdict */
	err_add(&d->errors, ERR_INCOMPLETE, errnum, d->char_device, step_key(step), NULL, "%s",
		why);
	d->vin->probe_incomplete =
		d->vin->probe_incomplete || step_table[step].phase == PHASE_CONTROL;
	if (step_table[step].phase == PHASE_CONTROL && !d->vin->probe_failure) {
		snprintf(d->probe_failure, sizeof(d->probe_failure), "%s: %.160s", step_key(step),
			 why);
		d->vin->probe_failure = d->probe_failure;
	}
}

/* State of one control-plane probe. */
struct pctx {
	struct vdpa_device *d;
	int fd;
	struct probe_mem mem;
	uint64_t iova;
	bool batch;
	uint64_t t0;
};

static uint64_t took(const struct pctx *p)
{
	return now_us() - p->t0;
}

static void begin(struct pctx *p)
{
	p->t0 = now_us();
}

static void evidence(struct check_result *c, enum step_id step)
{
	if (c->n_evidence < sizeof(c->evidence) / sizeof(c->evidence[0]))
		c->evidence[c->n_evidence++] = step_key(step);
}

/* A step failed: record why, mark the rest of the probe not run. Returns -1. */
static int stop(struct pctx *p, enum step_id step, int errnum, const char *why)
{
	probe_incomplete(p->d, step, errnum, "%s", why);
	probe_skip_rest(p->d, step,
			vd_signal ? "interrupted by a signal" : "an earlier step failed");
	return -1;
}

static int step_memory(struct pctx *p)
{
	struct vdpa_device *d = p->d;
	char msg[200];
	int rc;

	begin(p);
	rc = probe_mem_alloc(&p->mem, PROBE_PAGES, msg, sizeof(msg));
	if (rc) {
		probe_add(d, STEP_MEMORY, PR_FAIL, took(p), -rc, "%s", msg);
		return stop(p, STEP_MEMORY, -rc, msg);
	}
	if (!d->iova_first.valid || probe_pick_iova(d->iova_first.v, d->iova_last.v, p->mem.size,
						    (uint64_t)(uintptr_t)p->mem.addr,
						    (uint64_t)sysconf(_SC_PAGESIZE), &p->iova)) {
		snprintf(msg, sizeof(msg),
			 "no usable IOVA for %zu bytes in the device's IOVA range%s", p->mem.size,
			 d->iova_first.valid ? "" : " (the range is unknown)");
		probe_add(d, STEP_MEMORY, PR_FAIL, took(p), 0, "%s", msg);
		return stop(p, STEP_MEMORY, 0, msg);
	}
	probe_add(d, STEP_MEMORY, PR_PASS, took(p), 0, "%zu bytes memfd MAP_SHARED at IOVA 0x%llx",
		  p->mem.size, (unsigned long long)p->iova);
	return 0;
}

/* IOTLB_PERSIST not offered: a kernel that does not offer the bit must refuse it (EOPNOTSUPP). */
static int step_refusal(struct pctx *p, uint64_t want)
{
	struct check_result *acc = &p->d->vin->checks[CHK_IOTLB_PERSIST_ACCEPTED];
	int rc;

	begin(p);
	rc = vhost_set_backend_features(p->fd, want | BIT(VHOST_BACKEND_F_IOTLB_PERSIST));
	evidence(acc, STEP_SBF_PERSIST);
	acc->state = rc == -EOPNOTSUPP ? CS_PASS : CS_FAIL;
	acc->observed = rc == 0 ? 1 : rc == -EOPNOTSUPP ? 0 : -1;
	if (rc == -EOPNOTSUPP) {
		snprintf(acc->detail, sizeof(acc->detail), "not offered and refused");
		probe_add(p->d, STEP_SBF_PERSIST, PR_PASS, took(p), EOPNOTSUPP,
			  "IOTLB_PERSIST not offered and refused, as it must be");
	} else if (rc == 0) {
		snprintf(acc->detail, sizeof(acc->detail), "not offered but accepted");
		probe_add(p->d, STEP_SBF_PERSIST, PR_FAIL, took(p), 0,
			  "IOTLB_PERSIST not offered but accepted");
	} else {
		snprintf(acc->detail, sizeof(acc->detail), "refused with %s, not EOPNOTSUPP",
			 en(-rc));
		probe_add(p->d, STEP_SBF_PERSIST, PR_FAIL, took(p), -rc,
			  "refused with %s instead of EOPNOTSUPP", en(-rc));
		if (vd_signal)
			return stop(p, STEP_SBF_PERSIST, -rc, "interrupted");
	}
	return 0;
}

/* Ack the offered subset of {MSG_V2, BATCH, ASID, PERSIST}. */
static int step_backend_features(struct pctx *p)
{
	struct vdpa_device *d = p->d;
	struct check_result *acc = &d->vin->checks[CHK_IOTLB_PERSIST_ACCEPTED];
	uint64_t offered = d->backend_features.v, want;
	bool persist = d->vin->persist_offered;
	char why[160];
	int rc;

	want = offered & (BIT(VHOST_BACKEND_F_IOTLB_MSG_V2) | BIT(VHOST_BACKEND_F_IOTLB_BATCH) |
			  BIT(VHOST_BACKEND_F_IOTLB_ASID) | BIT(VHOST_BACKEND_F_IOTLB_PERSIST));
	if (!persist && step_refusal(p, want))
		return -1;
	begin(p);
	rc = vhost_set_backend_features(p->fd, want);
	if (persist) {
		evidence(acc, STEP_SBF);
		acc->state = rc ? CS_FAIL : CS_PASS;
		acc->observed = rc ? 0 : 1;
		snprintf(acc->detail, sizeof(acc->detail), "%s",
			 rc ? en(-rc) : "offered and accepted");
	}
	if (rc) {
		probe_add(d, STEP_SBF, PR_FAIL, took(p), -rc, "ack 0x%llx: %s",
			  (unsigned long long)want, vd_strerror(-rc));
		snprintf(why, sizeof(why), "VHOST_SET_BACKEND_FEATURES(0x%llx): %s",
			 (unsigned long long)want, vd_strerror(-rc));
		if (persist && !vd_signal)
			acc->observed = 0; /* a refusal of the offered bit: the contradiction */
		return stop(p, STEP_SBF, -rc, why);
	}
	probe_add(d, STEP_SBF, PR_PASS, took(p), 0, "acked 0x%llx", (unsigned long long)want);
	d->acked_backend = want;
	p->batch = want & BIT(VHOST_BACKEND_F_IOTLB_BATCH);
	return 0;
}

static int step_owner_map(struct pctx *p)
{
	struct vdpa_device *d = p->d;
	char why[160];
	int rc, rc2;

	begin(p);
	rc = vhost_set_owner(p->fd);
	if (rc) {
		probe_add(d, STEP_SET_OWNER, PR_FAIL, took(p), -rc, "%s", vd_strerror(-rc));
		snprintf(why, sizeof(why), "VHOST_SET_OWNER: %s", vd_strerror(-rc));
		return stop(p, STEP_SET_OWNER, -rc, why);
	}
	probe_add(d, STEP_SET_OWNER, PR_PASS, took(p), 0, NULL);

	begin(p);
	rc = p->batch ? vhost_iotlb(p->fd, IOTLB_OP_BATCH_BEGIN, 0, 0, 0) : 0;
	if (!rc)
		rc = vhost_iotlb(p->fd, IOTLB_OP_UPDATE, p->iova, p->mem.size,
				 (uint64_t)(uintptr_t)p->mem.addr);
	rc2 = p->batch ? vhost_iotlb(p->fd, IOTLB_OP_BATCH_END, 0, 0, 0) : 0;
	if (!rc)
		rc = rc2;
	if (rc) {
		probe_add(d, STEP_MAP, PR_FAIL, took(p), -rc, "IOTLB UPDATE%s: %s",
			  p->batch ? " (batched)" : "", vd_strerror(-rc));
		snprintf(why, sizeof(why), "IOTLB UPDATE: %s", vd_strerror(-rc));
		return stop(p, STEP_MAP, -rc, why);
	}
	probe_add(d, STEP_MAP, PR_PASS, took(p), 0, "UPDATE iova 0x%llx size %zu%s",
		  (unsigned long long)p->iova, p->mem.size, p->batch ? " in a batch" : "");
	return 0;
}

/* Reset and read back the status. */
static int step_reset(struct pctx *p)
{
	struct check_result *rst = &p->d->vin->checks[CHK_RESET_CLEARS_STATUS];
	uint64_t st64;
	char why[160];
	int rc;

	begin(p);
	rc = vhost_set_status(p->fd, 0);
	evidence(rst, STEP_RESET);
	if (rc) {
		probe_add(p->d, STEP_RESET, PR_FAIL, took(p), -rc, "SET_STATUS(0): %s",
			  vd_strerror(-rc));
		rst->state = CS_FAIL;
		snprintf(rst->detail, sizeof(rst->detail), "SET_STATUS(0) failed with %s", en(-rc));
		snprintf(why, sizeof(why), "VHOST_VDPA_SET_STATUS(0): %s", vd_strerror(-rc));
		return stop(p, STEP_RESET, -rc, why);
	}
	probe_add(p->d, STEP_RESET, PR_PASS, took(p), 0, "SET_STATUS(0)");
	begin(p);
	rc = vhost_query(p->fd, VQ_STATUS, &st64);
	evidence(rst, STEP_STATUS_AFTER_RESET);
	if (rc) {
		probe_add(p->d, STEP_STATUS_AFTER_RESET, PR_FAIL, took(p), -rc, "%s",
			  vd_strerror(-rc));
		rst->state = CS_FAIL;
		snprintf(rst->detail, sizeof(rst->detail), "GET_STATUS failed with %s", en(-rc));
		probe_incomplete(p->d, STEP_STATUS_AFTER_RESET, -rc, "VHOST_VDPA_GET_STATUS: %s",
				 vd_strerror(-rc));
		return 0;
	}
	rst->state = st64 == 0 ? CS_PASS : CS_FAIL;
	rst->observed = st64 == 0;
	snprintf(rst->detail, sizeof(rst->detail), "status 0x%02llx after reset",
		 (unsigned long long)st64);
	probe_add(p->d, STEP_STATUS_AFTER_RESET, st64 == 0 ? PR_PASS : PR_FAIL, took(p), 0,
		  "status 0x%02llx", (unsigned long long)st64);
	return 0;
}

/*
 * What userspace can see without DMA: vhost-vdpa still holds the entry. write() turns EEXIST
 * into EFAULT (drivers/vhost/vhost.c, vhost_chr_write_iter()), so confirm with INVALIDATE and
 * an UPDATE that then succeeds.
 */
static void step_table_retained(struct pctx *p)
{
	struct vdpa_device *d = p->d;
	struct check_result *tbl = &d->vin->checks[CHK_VHOST_TABLE_RETAINED];
	uint64_t ua = (uint64_t)(uintptr_t)p->mem.addr;
	int rc, rc2, rc3;

	begin(p);
	rc = vhost_iotlb(p->fd, IOTLB_OP_UPDATE, p->iova, p->mem.size, ua);
	evidence(tbl, STEP_REMAP_OVERLAP);
	probe_add(d, STEP_REMAP_OVERLAP, rc == -EFAULT ? PR_PASS : PR_FAIL, took(p), rc ? -rc : 0,
		  rc == -EFAULT ? "overlapping UPDATE refused (EEXIST, reported as EFAULT)"
		  : rc == 0	? "overlapping UPDATE accepted: vhost-vdpa had no entry"
				: "unexpected error");
	begin(p);
	rc2 = vhost_iotlb(p->fd, IOTLB_OP_INVALIDATE, p->iova, p->mem.size, 0);
	evidence(tbl, STEP_INVALIDATE);
	probe_add(d, STEP_INVALIDATE, rc2 ? PR_FAIL : PR_PASS, took(p), rc2 ? -rc2 : 0, NULL);
	begin(p);
	rc3 = rc2 ? rc2 : vhost_iotlb(p->fd, IOTLB_OP_UPDATE, p->iova, p->mem.size, ua);
	evidence(tbl, STEP_REMAP);
	probe_add(d, STEP_REMAP, rc3 ? PR_FAIL : PR_PASS, took(p), rc3 ? -rc3 : 0,
		  rc3 ? "UPDATE after INVALIDATE failed" : "UPDATE after INVALIDATE works");
	tbl->state = (rc == -EFAULT && !rc2 && !rc3) ? CS_PASS : CS_FAIL;
	tbl->observed = rc == -EFAULT ? 1 : rc == 0 ? 0 : -1;
	snprintf(tbl->detail, sizeof(tbl->detail), "overlap %s, invalidate %s, remap %s",
		 rc == -EFAULT ? "refused"
		 : rc	       ? en(-rc)
			       : "accepted",
		 rc2 ? en(-rc2) : "ok", rc3 ? en(-rc3) : "ok");
	if (rc && rc != -EFAULT)
		probe_incomplete(d, STEP_REMAP_OVERLAP, -rc, "overlapping IOTLB UPDATE: %s",
				 vd_strerror(-rc));
	else if (rc2 || rc3)
		probe_incomplete(d, rc2 ? STEP_INVALIDATE : STEP_REMAP, rc2 ? -rc2 : -rc3, "%s: %s",
				 rc2 ? "IOTLB INVALIDATE" : "IOTLB UPDATE after INVALIDATE",
				 vd_strerror(rc2 ? -rc2 : -rc3));
}

/* Leave no mapping behind (closing the device would tear it down anyway). */
static void step_cleanup(struct pctx *p)
{
	int rc;

	begin(p);
	rc = vhost_iotlb(p->fd, IOTLB_OP_INVALIDATE, p->iova, p->mem.size, 0);
	probe_add(p->d, STEP_CLEANUP, rc ? PR_FAIL : PR_PASS, took(p), rc ? -rc : 0,
		  rc ? "INVALIDATE failed; closing the device drops the mapping" : "INVALIDATE");
}

int probe_control(struct vdpa_device *d, int fd)
{
	struct check_result *acc = &d->vin->checks[CHK_IOTLB_PERSIST_ACCEPTED];
	struct check_result *rst = &d->vin->checks[CHK_RESET_CLEARS_STATUS];
	struct check_result *tbl = &d->vin->checks[CHK_VHOST_TABLE_RETAINED];
	struct pctx p = { .d = d, .fd = fd, .mem = { .fd = -1 } };
	int rc;

	d->vin->probed = true;
	acc->advertised = d->vin->persist_offered;
	acc->observed = rst->advertised = rst->observed = tbl->advertised = tbl->observed = -1;
	rc = step_memory(&p);
	if (!rc)
		rc = step_backend_features(&p);
	if (!rc)
		rc = step_owner_map(&p);
	if (!rc && !step_reset(&p)) {
		step_table_retained(&p);
		step_cleanup(&p);
	} else if (!rc) {
		/* the reset failed after the mapping: take it down before the close */
		vhost_iotlb(fd, IOTLB_OP_INVALIDATE, p.iova, p.mem.size, 0);
	}
	probe_mem_free(&p.mem);
	return 0;
}
