// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe.c - control-plane probe: ack backend features (IOTLB_PERSIST only if offered, and a
 * refusal test when it is not), become owner, map a memfd buffer, reset, and check what
 * userspace can see without DMA: status back to 0 and vhost-vdpa's own table kept.
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
#include "vhost.h"

#define BIT(n) (UINT64_C(1) << (n))
#define PROBE_PAGES 4

uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct probe_record *probe_add(struct vdpa_device *d, const char *id, enum probe_status st,
			       uint64_t duration_us, int errnum, const char *fmt, ...)
{
	struct probe_record *r;
	va_list ap;

	if (d->n_probes == MAX_PROBES)
		return &d->probes[MAX_PROBES - 1];
	r = &d->probes[d->n_probes++];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->status = st;
	r->duration_us = duration_us;
	r->errnum = errnum;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
		va_end(ap);
	}
	return r;
}

/* One timed kernel call: rc is 0 or -errno. */
struct step {
	uint64_t t0;
};

static void begin(struct step *s)
{
	s->t0 = now_us();
}

static uint64_t took(const struct step *s)
{
	return now_us() - s->t0;
}

static void evidence(struct check_result *c, const char *probe_id)
{
	if (c->n_evidence < sizeof(c->evidence) / sizeof(c->evidence[0]))
		c->evidence[c->n_evidence++] = probe_id;
}

static const char *en(int errnum)
{
	const char *n = errno_name(errnum);

	return n ? n : "errno";
}

/* Mark every later step skipped after a failure. */
static void skip_rest(struct vdpa_device *d, const char *const *ids, size_t n, const char *why)
{
	for (size_t i = 0; i < n; i++)
		probe_add(d, ids[i], PR_SKIPPED, 0, 0, "%s", why);
}

static int stop(struct vdpa_device *d, const char *step, int errnum, const char *const *rest,
		size_t n_rest)
{
	char why[96];

	if (vd_signal) {
		skip_rest(d, rest, n_rest, "interrupted");
		d->vin.probe_incomplete = true;
		d->vin.probe_failure = "interrupted by a signal";
		return signals_exit_code();
	}
	snprintf(why, sizeof(why), "not run: %s failed", step);
	skip_rest(d, rest, n_rest, why);
	d->vin.probe_incomplete = true;
	snprintf(d->probe_failure, sizeof(d->probe_failure), "%s failed with %s (%s)", step,
		 en(errnum), vd_strerror(errnum));
	d->vin.probe_failure = d->probe_failure;
	return 0;
}

#define REST(...)                                                                                  \
	(const char *const[]){ __VA_ARGS__ },                                                      \
		sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

int probe_control(struct vdpa_device *d, int fd)
{
	struct check_result *acc = &d->vin.checks[CHK_IOTLB_PERSIST_ACCEPTED];
	struct check_result *rst = &d->vin.checks[CHK_RESET_CLEARS_STATUS];
	struct check_result *tbl = &d->vin.checks[CHK_VHOST_TABLE_RETAINED];
	uint64_t offered = d->backend_features.v, want, iova;
	bool persist = offered & BIT(VHOST_BACKEND_F_IOTLB_PERSIST);
	bool batch;
	struct probe_mem mem;
	struct step s;
	uint64_t st64;
	char msg[200];
	int rc, rc2;

	d->vin.probed = true;
	acc->advertised = persist;
	rst->advertised = tbl->advertised = -1;

	/* 1. probe memory */
	begin(&s);
	rc = probe_mem_alloc(&mem, PROBE_PAGES, msg, sizeof(msg));
	if (rc) {
		probe_add(d, "memory", PR_FAIL, took(&s), -rc, "%s", msg);
		return stop(d, "memory", -rc,
			    REST("set_backend_features", "set_owner", "map", "reset",
				 "status_after_reset", "remap_overlap", "invalidate", "remap",
				 "cleanup"));
	}
	if (!d->iova_first.valid || probe_pick_iova(d->iova_first.v, d->iova_last.v, mem.size,
						    (uint64_t)(uintptr_t)mem.addr,
						    (uint64_t)sysconf(_SC_PAGESIZE), &iova)) {
		probe_add(d, "memory", PR_FAIL, took(&s), 0,
			  "no usable IOVA for %zu bytes in the device's IOVA range", mem.size);
		probe_mem_free(&mem);
		return stop(d, "memory", EINVAL,
			    REST("set_backend_features", "set_owner", "map", "reset",
				 "status_after_reset", "remap_overlap", "invalidate", "remap",
				 "cleanup"));
	}
	probe_add(d, "memory", PR_PASS, took(&s), 0, "%zu bytes memfd MAP_SHARED at IOVA 0x%llx",
		  mem.size, (unsigned long long)iova);

	/* 2. backend features: the offered subset of {MSG_V2, BATCH, ASID, PERSIST} */
	want = offered & (BIT(VHOST_BACKEND_F_IOTLB_MSG_V2) | BIT(VHOST_BACKEND_F_IOTLB_BATCH) |
			  BIT(VHOST_BACKEND_F_IOTLB_ASID) | BIT(VHOST_BACKEND_F_IOTLB_PERSIST));
	if (!persist) {
		/* a kernel that does not offer the bit must refuse it (EOPNOTSUPP) */
		begin(&s);
		rc = vhost_set_backend_features(fd, want | BIT(VHOST_BACKEND_F_IOTLB_PERSIST));
		if (rc == -EINTR && vd_signal)
			goto interrupted;
		evidence(acc, "set_backend_features_persist");
		if (rc == -EOPNOTSUPP) {
			acc->state = CS_PASS;
			acc->observed = 0;
			snprintf(acc->detail, sizeof(acc->detail), "not offered and refused");
			probe_add(d, "set_backend_features_persist", PR_PASS, took(&s), EOPNOTSUPP,
				  "IOTLB_PERSIST not offered and refused, as it must be");
		} else if (rc == 0) {
			acc->state = CS_FAIL;
			acc->observed = 1;
			snprintf(acc->detail, sizeof(acc->detail), "not offered but accepted");
			probe_add(d, "set_backend_features_persist", PR_FAIL, took(&s), 0,
				  "IOTLB_PERSIST not offered but accepted");
		} else {
			acc->state = CS_FAIL;
			acc->observed = 0;
			snprintf(acc->detail, sizeof(acc->detail),
				 "refused with %s, not EOPNOTSUPP", en(-rc));
			probe_add(d, "set_backend_features_persist", PR_FAIL, took(&s), -rc,
				  "refused with %s instead of EOPNOTSUPP", en(-rc));
		}
	}
	begin(&s);
	rc = vhost_set_backend_features(fd, want);
	if (rc) {
		probe_add(d, "set_backend_features", PR_FAIL, took(&s), -rc, "ack 0x%llx: %s",
			  (unsigned long long)want, vd_strerror(-rc));
		if (persist) {
			evidence(acc, "set_backend_features");
			acc->state = CS_FAIL;
			acc->observed = 0;
			snprintf(acc->detail, sizeof(acc->detail), "%s", en(-rc));
		}
		probe_mem_free(&mem);
		return stop(d, "set_backend_features", -rc,
			    REST("set_owner", "map", "reset", "status_after_reset", "remap_overlap",
				 "invalidate", "remap", "cleanup"));
	}
	probe_add(d, "set_backend_features", PR_PASS, took(&s), 0, "acked 0x%llx",
		  (unsigned long long)want);
	if (persist) {
		evidence(acc, "set_backend_features");
		acc->state = CS_PASS;
		acc->observed = 1;
		snprintf(acc->detail, sizeof(acc->detail), "offered and accepted");
	}
	d->acked_backend = want;
	batch = want & BIT(VHOST_BACKEND_F_IOTLB_BATCH);

	/* 3. owner, map */
	begin(&s);
	rc = vhost_set_owner(fd);
	if (rc) {
		probe_add(d, "set_owner", PR_FAIL, took(&s), -rc, "%s", vd_strerror(-rc));
		probe_mem_free(&mem);
		return stop(d, "set_owner", -rc,
			    REST("map", "reset", "status_after_reset", "remap_overlap",
				 "invalidate", "remap", "cleanup"));
	}
	probe_add(d, "set_owner", PR_PASS, took(&s), 0, NULL);

	begin(&s);
	rc = batch ? vhost_iotlb(fd, IOTLB_OP_BATCH_BEGIN, 0, 0, 0) : 0;
	if (!rc)
		rc = vhost_iotlb(fd, IOTLB_OP_UPDATE, iova, mem.size,
				 (uint64_t)(uintptr_t)mem.addr);
	rc2 = batch ? vhost_iotlb(fd, IOTLB_OP_BATCH_END, 0, 0, 0) : 0;
	if (!rc)
		rc = rc2;
	if (rc) {
		probe_add(d, "map", PR_FAIL, took(&s), -rc, "IOTLB UPDATE%s: %s",
			  batch ? " (batched)" : "", vd_strerror(-rc));
		probe_mem_free(&mem);
		return stop(d, "map", -rc,
			    REST("reset", "status_after_reset", "remap_overlap", "invalidate",
				 "remap", "cleanup"));
	}
	probe_add(d, "map", PR_PASS, took(&s), 0, "UPDATE iova 0x%llx size %zu%s",
		  (unsigned long long)iova, mem.size, batch ? " in a batch" : "");

	/* 4. reset and read back the status */
	begin(&s);
	rc = vhost_set_status(fd, 0);
	evidence(rst, "reset");
	if (rc) {
		probe_add(d, "reset", PR_FAIL, took(&s), -rc, "SET_STATUS(0): %s",
			  vd_strerror(-rc));
		rst->state = CS_FAIL;
		snprintf(rst->detail, sizeof(rst->detail), "SET_STATUS(0) failed with %s", en(-rc));
		vhost_iotlb(fd, IOTLB_OP_INVALIDATE, iova, mem.size, 0);
		probe_mem_free(&mem);
		return stop(d, "reset", -rc,
			    REST("status_after_reset", "remap_overlap", "invalidate", "remap",
				 "cleanup"));
	}
	probe_add(d, "reset", PR_PASS, took(&s), 0, "SET_STATUS(0)");
	begin(&s);
	rc = vhost_query(fd, VQ_STATUS, &st64);
	evidence(rst, "status_after_reset");
	if (rc) {
		probe_add(d, "status_after_reset", PR_FAIL, took(&s), -rc, "%s", vd_strerror(-rc));
		rst->state = CS_FAIL;
		snprintf(rst->detail, sizeof(rst->detail), "GET_STATUS failed with %s", en(-rc));
	} else {
		rst->state = st64 == 0 ? CS_PASS : CS_FAIL;
		rst->observed = st64 == 0;
		snprintf(rst->detail, sizeof(rst->detail), "status 0x%02llx after reset",
			 (unsigned long long)st64);
		probe_add(d, "status_after_reset", st64 == 0 ? PR_PASS : PR_FAIL, took(&s), 0,
			  "status 0x%02llx", (unsigned long long)st64);
	}

	/*
	 * 5. what userspace can see without DMA: vhost-vdpa still holds the entry. write() turns
	 * EEXIST into EFAULT, so confirm with INVALIDATE and an UPDATE that then succeeds.
	 */
	begin(&s);
	rc = vhost_iotlb(fd, IOTLB_OP_UPDATE, iova, mem.size, (uint64_t)(uintptr_t)mem.addr);
	evidence(tbl, "remap_overlap");
	if (rc == -EINTR && vd_signal)
		goto cleanup;
	probe_add(d, "remap_overlap", rc == -EFAULT ? PR_PASS : PR_FAIL, took(&s), rc ? -rc : 0,
		  rc == -EFAULT ? "overlapping UPDATE refused (EEXIST, reported as EFAULT)"
		  : rc == 0	? "overlapping UPDATE accepted: vhost-vdpa had no entry"
				: "unexpected error");
	begin(&s);
	rc2 = vhost_iotlb(fd, IOTLB_OP_INVALIDATE, iova, mem.size, 0);
	evidence(tbl, "invalidate");
	probe_add(d, "invalidate", rc2 ? PR_FAIL : PR_PASS, took(&s), rc2 ? -rc2 : 0, NULL);
	begin(&s);
	int rc3 = rc2 ? rc2
		      : vhost_iotlb(fd, IOTLB_OP_UPDATE, iova, mem.size,
				    (uint64_t)(uintptr_t)mem.addr);
	evidence(tbl, "remap");
	probe_add(d, "remap", rc3 ? PR_FAIL : PR_PASS, took(&s), rc3 ? -rc3 : 0,
		  rc3 ? "UPDATE after INVALIDATE failed" : "UPDATE after INVALIDATE works");
	tbl->state = (rc == -EFAULT && !rc2 && !rc3) ? CS_PASS : CS_FAIL;
	tbl->observed = rc == -EFAULT;
	snprintf(tbl->detail, sizeof(tbl->detail), "overlap %s, invalidate %s, remap %s",
		 rc == -EFAULT ? "refused"
		 : rc	       ? en(-rc)
			       : "accepted",
		 rc2 ? en(-rc2) : "ok", rc3 ? en(-rc3) : "ok");

cleanup:
	/* 6. clean up: leave no mapping behind (close would tear it down anyway) */
	begin(&s);
	rc = vhost_iotlb(fd, IOTLB_OP_INVALIDATE, iova, mem.size, 0);
	probe_add(d, "cleanup", rc ? PR_FAIL : PR_PASS, took(&s), rc ? -rc : 0,
		  rc ? "INVALIDATE failed; closing the device drops the mapping" : "INVALIDATE");
	probe_mem_free(&mem);
	if (vd_signal) {
		d->vin.probe_incomplete = true;
		d->vin.probe_failure = "interrupted by a signal";
		return signals_exit_code();
	}
	return 0;

interrupted:
	probe_mem_free(&mem);
	return stop(d, "set_backend_features_persist", EINTR,
		    REST("set_backend_features", "set_owner", "map", "reset", "status_after_reset",
			 "remap_overlap", "invalidate", "remap", "cleanup"));
}
