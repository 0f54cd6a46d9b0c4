/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parents.h - the table of in-tree vDPA parent drivers: how each maps (platform IOMMU, on-chip
 * with .reset_map, without), from which kernel release vhost-vdpa offers IOTLB_PERSIST for it,
 * and where that comes from. It predicts a verdict without opening anything (basis
 * "predicted"); pure: names and a kernel release in, a prediction out.
 */
#ifndef VDPACTL_PARENTS_H
#define VDPACTL_PARENTS_H

#include <stdbool.h>

#include "verdict.h"

enum parent_kind {
	PK_PLATFORM,	 /* no .set_map/.dma_map: the platform IOMMU, untouched by a reset */
	PK_RESET_MAP,	 /* on-chip translation (.set_map) with .reset_map since persist_since */
	PK_NO_RESET_MAP, /* .set_map without .reset_map: the bit is never offered */
};

struct parent_desc {
	const char *name;	  /* the driver, as the table calls it */
	const char *const *match; /* sysfs parent-driver or management-device names */
	enum parent_kind kind;
	unsigned persist_major; /* first release where vhost-vdpa offers the bit; 0: none */
	unsigned persist_minor;
	const char *source; /* kernel source (file, function) and commit it comes from */
	/* the parent is a vdpa_alloc_device(..., use_va = true) device: IOVAs map to the user
	 * virtual addresses of the process that holds vhost-vdpa, never to physical ones */
	bool use_va;
};

extern const struct parent_desc parent_table[];
extern const size_t parent_table_len;

const char *parent_kind_name(enum parent_kind k); /* platform_iommu, reset_map, no_reset_map */

/* The row for a device whose parent device's driver is @parent_driver (may be NULL) and whose
 * management device is @mgmtdev (may be NULL); NULL when the table has none. */
const struct parent_desc *parent_lookup(const char *parent_driver, const char *mgmtdev);

struct prediction {
	const struct parent_desc *row; /* NULL: not in the table */
	enum verdict_status status;    /* trusted, untrusted or unknown */
	char reason[300];
};

/* Pure: what the table predicts for @row on @kernel_release (@who names the device's parent). */
void parent_predict(const struct parent_desc *row, const char *who, const char *kernel_release,
		    struct prediction *out);

/* Pure: the prediction as a verdict (basis predicted). */
void prediction_verdict(const struct prediction *p, struct verdict *out);

#endif
