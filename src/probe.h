/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.h - the control-plane map/reset/verify probe and the probe records of a device */
#ifndef VDPACTL_PROBE_H
#define VDPACTL_PROBE_H

#include "model.h"

/*
 * Run the probe on @d, already opened O_RDWR as @fd and identified by collect_device().
 * Appends probe records, fills d->vin (checks, probed, probe_incomplete). Leaves no mapping
 * behind (cleanup INVALIDATE; closing the descriptor tears down everything anyway). A signal
 * turns the step it cuts short into "interrupted" and the rest into "skipped". Returns 0.
 */
int probe_control(struct vdpa_device *d, int fd);

/*
 * Append a probe record. A PR_FAIL recorded after SIGINT/SIGTERM becomes PR_INTERRUPTED (errno
 * EINTR): an interrupted call is never evidence.
 */
struct probe_record *probe_add(struct vdpa_device *d, enum step_id step, enum probe_status st,
			       uint64_t duration_us, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Record every later step of @after's phase that applies to @d as skipped: "not run: WHY". */
void probe_skip_rest(struct vdpa_device *d, enum step_id after, const char *why);

/*
 * A step could not run or failed unexpectedly: an "incomplete" error naming the step and the
 * reason (so "complete" is false and stderr says it); a control-plane step also makes the probe
 * incomplete. Nothing is recorded once a signal arrived (the device then has no verdict).
 */
void probe_incomplete(struct vdpa_device *d, enum step_id step, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

uint64_t now_us(void);

#endif
