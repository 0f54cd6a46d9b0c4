/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * datapath.h - data-path verification: prove through device DMA whether the parent
 * kept its IOTLB translation across VHOST_VDPA_SET_STATUS(0).
 *
 * One run: open, ack backend features, become owner, map rings and buffers once, set up the
 * device, one round trip (control), reset, set up again WITHOUT any IOTLB write, one more
 * round trip. Net: a broadcast frame on TX queue 1 must come back on RX queue 0 (vdpasim_net
 * loops TX to RX). Block: a READ of sector 0 must complete with status OK and change the data
 * buffer from its fill pattern, and every later READ of the run must return the same 512 bytes
 * (reported with their CRC-32, so that a test that knows the disk can check its content).
 *
 * The closed-owner check (after the last run): close, open again as a new owner that maps
 * nothing, set up the rings at the closed owner's IOVAs (its memory still held by this process)
 * and round-trip. vhost_vdpa_remove_as() (drivers/vhost/vdpa.c) unmaps vhost-vdpa's own table on
 * release without telling a .set_map parent, so a parent whose reset keeps its translation
 * (VDUSE) still reaches the old owner's buffers. With the PA guard the stale entries would point
 * at physical pages unpinned on close: the check runs there only with the data pages locked and
 * their frame numbers read from /proc/self/pagemap before the close and again after the round
 * trip; a page that moved makes it inconclusive.
 */
#ifndef VDPACTL_DATAPATH_H
#define VDPACTL_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum dp_mode { DP_AUTO, DP_FORCE, DP_OFF };

/* Data-path runs that may be in flight at once in one process (probe --jobs): each holds its
 * own IOVA window, so the guard offers at least this many. */
#define DP_MAX_CONCURRENT 64

/*
 * How an IOVA could be misread after a reset that dropped the translation (vdpa_sim_reset()
 * since Linux 6.7 falls back to an identity map, drivers/vdpa/vdpa_sim/vdpa_sim.c; mlx5 keeps a
 * 1:1 DMA MR, drivers/vdpa/mlx5/core/mr.c):
 * DP_GUARD_VA - the parent may fall back to an identity map of vdpactl's own virtual addresses
 *               (vdpa_sim >= 6.7 in VA mode): IOVAs must not be mapped in this process.
 * DP_GUARD_PA - the parent may read an IOVA as a physical address (vdpa_sim use_va=0, mlx5,
 *               unknown parents): each IOVA must also be the physical address of a zeroed,
 *               locked page vdpactl owns.
 */
enum dp_guard { DP_GUARD_VA, DP_GUARD_PA };

#define DP_DETAIL 200

struct dp_outcome {
	bool ran;		       /* the run got as far as the first round trip */
	bool before_ok;		       /* control round trip completed */
	bool after_run;		       /* the round trip after the reset was attempted */
	bool after_ok;		       /* ...and completed: the translation survived */
	char before_detail[DP_DETAIL]; /* what the control round trip saw */
	char detail[DP_DETAIL];	       /* the outcome of the run */
	/* the closed-owner check (dp_params.owner_check): -1 nothing established (not run,
	 * skipped, failed, interrupted or inconclusive), 1 the mappings went with their owner, 0
	 * a new owner that mapped nothing reached the closed owner's buffers */
	int owner_dropped;
	bool owner_ran;		      /* it was attempted (else owner_detail says why not) */
	char owner_detail[DP_DETAIL]; /* what it saw, or why it did not run */
};

/*
 * The informational run without IOTLB_PERSIST acked waits for its round trip after the reset
 * this many times as long as its own control round trip took before the reset, at least
 * DP_COMPAT_MIN_WAIT_S and at most --timeout: the device has just shown how fast it answers, so
 * a device that keeps its mappings only with the bit acked does not cost a whole timeout.
 */
#define DP_COMPAT_RTT_FACTOR 100
#define DP_COMPAT_MIN_WAIT_S 0.25

struct dp_params {
	enum dp_mode mode;
	double timeout_s;	   /* per round trip */
	bool compat;		   /* the informational run: its wait after the reset is
				      dp_compat_wait() */
	bool unsafe_identity_iova; /* test builds only (VDPACTL_TEST_HOOKS): IOVA = buffer address
				    */
	bool owner_check;	   /* after the run: does a closed owner's mapping outlive it? */
	bool physical;		   /* the parent's entries name physical pages (pinned while
				      mapped): dp_entries_physical() */
};

/* Pure: which guard the parent needs (mgmtdev/parent driver names may be NULL). */
enum dp_guard dp_guard_for(const char *mgmtdev, const char *parent_driver, int sim_use_va,
			   const char *kernel_release);
/*
 * Pure: do the parent's IOTLB entries name physical pages (PA mode, a platform IOMMU, anything
 * unknown) rather than this process's own memory (VA mode: VDUSE, vdpa_sim with use_va=1;
 * @sim_use_va -1 when unknown)? Such entries outlive the pinning of their pages on close.
 */
bool dp_entries_physical(const char *mgmtdev, const char *parent_driver, int sim_use_va);
/* Pure: how long the informational run waits after the reset (see DP_COMPAT_RTT_FACTOR). */
double dp_compat_wait(double timeout_s, double control_s);
/* Pure: is the device a simulator (auto mode runs only there)? */
bool dp_is_simulator(const char *mgmtdev);

/* Pure helpers for the round trips (unit-tested). */
size_t dp_build_frame(uint8_t *buf, size_t size, uint32_t nonce);
/* Pure: CRC-32 (IEEE 802.3, as zlib's crc32()) of @len bytes: how block reads are reported. */
uint32_t dp_crc32(const uint8_t *buf, size_t len);
bool dp_frame_matches(const uint8_t *rx, size_t rx_len, const uint8_t *tx, size_t tx_len);

/*
 * Run the data-path verification on @d (closed on entry and on return). @ack_persist selects
 * the run with IOTLB_PERSIST acked; its probe records are the steps of dp_steps_for(). A step
 * that could not run is an "incomplete" error of @d (probe_incomplete()).
 * Returns 0, or 130/143 when interrupted.
 */
int dp_run(struct vdpa_device *d, int vmajor, bool ack_persist, enum dp_guard guard,
	   const struct dp_params *p, struct dp_outcome *out);

#endif
