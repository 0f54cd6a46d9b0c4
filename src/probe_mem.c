// SPDX-License-Identifier: GPL-2.0-or-later
/* probe_mem.c - probe buffers and IOVA choice; see probe_mem.h */
#include "probe_mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

int probe_mem_alloc(struct probe_mem *m, size_t pages, char *msg, size_t msg_size)
{
	long page = sysconf(_SC_PAGESIZE);
	struct rlimit rl;
	size_t size;
	int e;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	size = pages * (size_t)page;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < size) {
		snprintf(msg, msg_size,
			 "RLIMIT_MEMLOCK is %llu bytes but the probe pins %zu bytes; raise it "
			 "(ulimit -l %zu, or LimitMEMLOCK= in a systemd unit)",
			 (unsigned long long)rl.rlim_cur, size, (size + 1023) / 1024);
		return -ENOMEM;
	}
	m->fd = memfd_create("vdpactl-probe", MFD_CLOEXEC);
	if (m->fd < 0) {
		e = errno;
		snprintf(msg, msg_size, "memfd_create: %s", strerror(e));
		return -e;
	}
	if (ftruncate(m->fd, (off_t)size) < 0) {
		e = errno;
		snprintf(msg, msg_size, "ftruncate: %s", strerror(e));
		probe_mem_free(m);
		return -e;
	}
	m->addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->addr == MAP_FAILED) {
		e = errno;
		m->addr = NULL;
		snprintf(msg, msg_size, "mmap: %s", strerror(e));
		probe_mem_free(m);
		return -e;
	}
	m->size = size;
	memset(m->addr, 0xa5, size);
	return 0;
}

void probe_mem_free(struct probe_mem *m)
{
	if (m->addr)
		munmap(m->addr, m->size);
	if (m->fd >= 0)
		close(m->fd);
	m->addr = NULL;
	m->fd = -1;
	m->size = 0;
}

int probe_pick_iova(uint64_t first, uint64_t last, uint64_t size, uint64_t uaddr, uint64_t page,
		    uint64_t *iova)
{
	uint64_t cand[3], start;

	if (!size || !page || (page & (page - 1)) || first > last)
		return -1;
	start = (first + page - 1) & ~(page - 1);
	if (start < first) /* overflow */
		return -1;
	cand[0] = start + 0x100000 >= start ? start + 0x100000 : start;
	cand[1] = start;
	cand[2] = start + 2 * ((size + page - 1) & ~(page - 1));
	for (int i = 0; i < 3; i++) {
		uint64_t c = cand[i];

		if (c < first || c + size - 1 < c || c + size - 1 > last)
			continue;
		if (c < uaddr + size && uaddr < c + size) /* overlaps the buffer's own address */
			continue;
		*iova = c;
		return 0;
	}
	return -1;
}
