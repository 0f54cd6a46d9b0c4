/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.h - the control-plane map/reset/verify probe (spec 5.2) */
#ifndef VDPACTL_PROBE_H
#define VDPACTL_PROBE_H

#include "model.h"

/*
 * Run the probe on @d, already opened O_RDWR as @fd and identified by collect_device().
 * Appends probe records, fills d->vin (checks, probed, probe_incomplete). Leaves no mapping
 * behind (cleanup INVALIDATE; closing the descriptor tears down everything anyway).
 * Returns 0, or 130/143 when interrupted.
 */
int probe_control(struct vdpa_device *d, int fd);

/* Append a probe record (also used for "open" and "identify"). */
struct probe_record *probe_add(struct vdpa_device *d, const char *id, enum probe_status st,
			       uint64_t duration_us, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

uint64_t now_us(void);

#endif
