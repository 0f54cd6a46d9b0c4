/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * datapath.h - data-path verification: prove through device DMA whether the parent
 * kept its IOTLB translation across VHOST_VDPA_SET_STATUS(0).
 *
 * One run: open, ack backend features, become owner, map rings and buffers once, set up the
 * device, one round trip (control), reset, set up again WITHOUT any IOTLB write, one more
 * round trip. Net: a broadcast frame on TX queue 1 must come back on RX queue 0 (vdpasim_net
 * loops TX to RX). Block: a READ of sector 0 must complete with status OK and change the data
 * buffer from its fill pattern.
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

struct dp_outcome {
	bool ran;		 /* the run got as far as the first round trip */
	bool before_ok;		 /* control round trip completed */
	bool after_run;		 /* the round trip after the reset was attempted */
	bool after_ok;		 /* ...and completed: the translation survived */
	char before_detail[200]; /* what the control round trip saw */
	char detail[200];	 /* the outcome of the run */
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
};

/* Pure: which guard the parent needs (mgmtdev/parent driver names may be NULL). */
enum dp_guard dp_guard_for(const char *mgmtdev, const char *parent_driver, int sim_use_va,
			   const char *kernel_release);
/* Pure: how long the informational run waits after the reset (see DP_COMPAT_RTT_FACTOR). */
double dp_compat_wait(double timeout_s, double control_s);
/* Pure: is the device a simulator (auto mode runs only there)? */
bool dp_is_simulator(const char *mgmtdev);

/* Pure helpers for the round trips (unit-tested). */
size_t dp_build_frame(uint8_t *buf, size_t size, uint32_t nonce);
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
