/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * signals.h - SIGINT/SIGTERM: the first signal sets a flag that every kernel call checks, so the
 * command unwinds, closes its devices and exits 130/143 with a complete report; a second signal
 * closes every open device descriptor at once and exits.
 */
#ifndef VDPACTL_SIGNALS_H
#define VDPACTL_SIGNALS_H

#include <signal.h>

extern volatile sig_atomic_t vd_signal; /* 0, SIGINT or SIGTERM */

void signals_install(void);
/* Exit code for the received signal (130/143), or 0 if none. */
int signals_exit_code(void);

/* Registry of device descriptors closed by the emergency path (async-signal-safe). */
void signals_track_fd(int fd);
void signals_untrack_fd(int fd);

#endif
