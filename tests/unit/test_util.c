// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: xgrow, the doubling growth of the arrays vdpactl appends to. */
#include <malloc.h>
#include <stdlib.h>

#include "tap.h"
#include "util.h"

int main(void)
{
	unsigned *v = NULL;
	size_t n, small = 0, bad = 0;

	for (n = 0; n < 5000; n++) {
		unsigned *before = v;
		/* the capacity: n rounded up to a power of two (at least 4); only there it grows */
		int grows = n == 0 || (n >= 4 && (n & (n - 1)) == 0);

		v = xgrow(v, n, sizeof(*v));
		if (grows && malloc_usable_size(v) < (n ? 2 * n : 4) * sizeof(*v))
			small++;
		else if (!grows && v != before)
			bad++;
		v[n] = (unsigned)n * 7u;
	}
	ok(bad == 0, "between powers of two the array is left alone (%zu moved)", bad);
	ok(small == 0, "at a power of two it doubles: room for 2n elements (%zu smaller)", small);
	bad = 0;
	for (n = 0; n < 5000; n++)
		bad += v[n] != (unsigned)n * 7u;
	ok(bad == 0, "every element kept across the growth (%zu differ)", bad);
	free(v);
	return tap_done();
}
