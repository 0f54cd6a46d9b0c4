/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe_mem.h - memory the probes map into a device: memfd + MAP_SHARED (VA-mode parents skip
 * anonymous memory, drivers/vhost/vdpa.c vhost_vdpa_va_map(): shared file-backed VMAs only), page
 * aligned, a few pages, checked against RLIMIT_MEMLOCK.
 */
#ifndef VDPACTL_PROBE_MEM_H
#define VDPACTL_PROBE_MEM_H

#include <stddef.h>
#include <stdint.h>

struct probe_mem {
	int fd;
	uint8_t *addr;
	size_t size;
};

/*
 * Allocate @pages pages. Returns 0, -ENOMEM with @msg filled when RLIMIT_MEMLOCK cannot cover
 * the pages vhost-vdpa pins, or another -errno.
 */
int probe_mem_alloc(struct probe_mem *m, size_t pages, char *msg, size_t msg_size);
void probe_mem_free(struct probe_mem *m);

/*
 * Pure: choose a page-aligned IOVA for @size bytes inside [first, last] that differs from the
 * buffer's own address @uaddr (an identity map would hide a dropped translation). Prefers
 * 1 MiB above @first. Returns 0 and *iova, or -1 if the range cannot hold it.
 */
int probe_pick_iova(uint64_t first, uint64_t last, uint64_t size, uint64_t uaddr, uint64_t page,
		    uint64_t *iova);

#endif
