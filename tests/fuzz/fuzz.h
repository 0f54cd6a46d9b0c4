/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share: an invariant check that stays
 * on with NDEBUG, a NUL-terminated heap copy of the input (exactly sized, so that
 * AddressSanitizer sees any read past its end), and a copy that ends at an inaccessible page.
 */
#ifndef VDPACTL_FUZZ_H
#define VDPACTL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test does not hold: report it and crash (libFuzzer saves
 * the input as crash-*). */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__,     \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The input as a C string: @size bytes and a NUL (an embedded NUL ends the string early). */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * A copy of @data whose last byte touches an inaccessible page. libmnl is not instrumented, so
 * AddressSanitizer does not see its reads; a read past the end faults here whoever does it.
 * The copy is then not aligned (unless @size is a multiple of 4): the harnesses are built
 * without UBSan's alignment check (fuzz.mk), as the program's own buffers are always aligned.
 * At most FUZZ_GUARDED_MAX bytes; the copy stays valid until the next call.
 */
#define FUZZ_GUARDED_MAX (64 * 1024)
static inline uint8_t *fuzz_guarded_copy(const uint8_t *data, size_t size)
{
	static uint8_t *region;
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (FUZZ_GUARDED_MAX + (size_t)page - 1) / (size_t)page * (size_t)page;

	if (size > FUZZ_GUARDED_MAX)
		abort();
	if (!region) {
		void *p = mmap(NULL, len + (size_t)page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || mprotect((uint8_t *)p + len, (size_t)page, PROT_NONE))
			abort();
		region = p;
	}
	if (size)
		memcpy(region + len - size, data, size);
	return region + len - size;
}

/* @s is NUL-terminated within @size bytes */
static inline int fuzz_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

#endif
