/* SPDX-License-Identifier: MIT */
/*
 * fake_vdpa.h - the inspection API exported by libfakevdpa.so.
 *
 * These functions let test code (tests/fake/selftest.c today, a device
 * emulation thread later) look at what the fake kernel holds without going
 * through vdpactl: the vhost-vdpa side IOTLB of an open device, the parent's
 * own translation (what the device would really use for DMA) and a few
 * state words.  Look them up with dlsym(RTLD_DEFAULT, "fake_vdpa_...") so the
 * caller still runs, and fails clearly, without the library preloaded.
 *
 * Every function takes the device index N of /dev/vhost-vdpa-N.  Return values
 * are >= 0 on success, -1 with errno set otherwise (ENODEV: no such device,
 * EINVAL: bad asid, ESRCH: no scenario loaded).
 */
#ifndef FAKE_VDPA_H
#define FAKE_VDPA_H

#include <stdint.h>

struct fake_vdpa_map {
	uint64_t iova;  /* first IOVA */
	uint64_t size;  /* bytes */
	uint64_t uaddr; /* process virtual address backing it */
	uint32_t perm;  /* VHOST_ACCESS_RO / WO / RW */
};

struct fake_vdpa_state {
	int opened;               /* a file is open on the node */
	int owner_pid;            /* VHOST_SET_OWNER caller, 0 = none */
	uint8_t status;           /* virtio status byte */
	uint64_t driver_features; /* what the parent accepted (masked) */
	uint64_t acked_backend;   /* last VHOST_SET_BACKEND_FEATURES value */
	uint64_t set_map_pushes;  /* how many times set_map() was called */
	uint64_t pinned_pages;    /* process-wide pinned pages (VmPin model) */
	int in_batch;             /* BATCH_BEGIN seen, END not yet */
	int suspended;
};

/* Result of fake_vdpa_translate(). */
enum fake_vdpa_xlate {
	FAKE_VDPA_XLATE_OK = 0,       /* *hva points at the bytes */
	FAKE_VDPA_XLATE_FAULT = 1,    /* no translation: the device DMA fails */
	FAKE_VDPA_XLATE_PERM = 2,     /* mapped, but not with that permission */
	FAKE_VDPA_XLATE_PHYSICAL = 3, /* identity fallback in PA mode: the device
				       * would touch physical address == IOVA */
};

/*
 * Copy up to max entries of the parent's translation for address space asid
 * into out; returns the number of entries it holds (may exceed max).
 * *identity (if not NULL) is set to 1 when the parent falls back to an
 * identity/passthrough translation for addresses it has no entry for.
 */
int fake_vdpa_parent_table(unsigned dev_index, unsigned asid, struct fake_vdpa_map *out, int max,
			   int *identity);

/* Same for vhost-vdpa's own table (empty while the device is closed). */
int fake_vdpa_vhost_table(unsigned dev_index, unsigned asid, struct fake_vdpa_map *out, int max);

/* Translate [iova, iova+len) through the parent's table for asid; write != 0
 * means the device wants to write. */
int fake_vdpa_translate(unsigned dev_index, unsigned asid, uint64_t iova, uint64_t len, int write,
			void **hva);

/* The address space the parent uses for virtqueue vq (group -> asid). */
int fake_vdpa_vq_asid(unsigned dev_index, unsigned vq);

int fake_vdpa_state(unsigned dev_index, struct fake_vdpa_state *st);

#endif /* FAKE_VDPA_H */
