// SPDX-License-Identifier: GPL-2.0-or-later
/* signals.c - interruption handling; see signals.h */
#include "signals.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "datapath.h"
#include "exitcode.h"

/* one open vhost-vdpa node per device evaluated at once (probe --jobs) */
#define MAX_TRACKED DP_MAX_CONCURRENT

volatile sig_atomic_t vd_signal;
static volatile sig_atomic_t tracked[MAX_TRACKED];

static void on_signal(int sig)
{
	if (vd_signal) {
		/* second signal: close devices now (close is async-signal-safe) and leave */
		for (int i = 0; i < MAX_TRACKED; i++)
			if (tracked[i] > 0)
				close(tracked[i]);
		_exit(sig == SIGTERM ? VD_EXIT_SIGTERM : VD_EXIT_SIGINT);
	}
	vd_signal = sig;
}

void signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int signals_exit_code(void)
{
	if (vd_signal == SIGINT)
		return VD_EXIT_SIGINT;
	if (vd_signal == SIGTERM)
		return VD_EXIT_SIGTERM;
	return 0;
}

void signals_track_fd(int fd)
{
	/* probe --jobs: threads claim slots at once, so a slot is taken by compare-and-swap */
	for (int i = 0; i < MAX_TRACKED; i++) {
		sig_atomic_t free_slot = tracked[i];

		if (free_slot <= 0 &&
		    __atomic_compare_exchange_n(&tracked[i], &free_slot, fd, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return;
	}
}

void signals_untrack_fd(int fd)
{
	for (int i = 0; i < MAX_TRACKED; i++) {
		sig_atomic_t mine = fd;

		__atomic_compare_exchange_n(&tracked[i], &mine, 0, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
	}
}
