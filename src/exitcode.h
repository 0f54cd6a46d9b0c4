/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exitcode.h - the one exit-code table (spec section 4), shared by --help, JSON and the man page */
#ifndef VDPACTL_EXITCODE_H
#define VDPACTL_EXITCODE_H

#include <stddef.h>

enum vd_exit {
	VD_EXIT_OK = 0,
	VD_EXIT_INTERNAL = 1,
	VD_EXIT_USAGE = 2,
	VD_EXIT_NODEV = 3,
	VD_EXIT_PERM = 4,
	VD_EXIT_UNSUPPORTED = 5,
	VD_EXIT_BUSY = 6,
	VD_EXIT_UNTRUSTED = 10,
	VD_EXIT_UNKNOWN = 11,
	VD_EXIT_PARTIAL = 12,
	VD_EXIT_SIGINT = 130,
	VD_EXIT_SIGTERM = 143,
};

struct exit_desc {
	int code;
	const char *meaning;
};

extern const struct exit_desc exit_table[];
extern const size_t exit_table_len;

/*
 * Combine per-device outcomes of a command that does not evaluate trust (show):
 * any 1 -> 1; else any 2 -> 2; all 0 -> 0; some 0 and some failed -> 12;
 * none 0 -> the first failure's code. n == 0 -> 3 (nothing matched).
 */
int exit_combine(const int *codes, size_t n);

/* Outcome of one device for commands that evaluate trust (probe, check). */
enum outcome { OUT_TRUSTED, OUT_UNTRUSTED, OUT_UNKNOWN, OUT_FAILED };

struct dev_outcome {
	enum outcome outcome;
	int code; /* OUT_FAILED: the exit code of the failure (1-6, 130, 143) */
};

/*
 * Combine outcomes of probe/check (spec 4): any 1 -> 1, any 2 -> 2; none evaluated -> the first
 * failure's code; some evaluated and others failed -> 12; any untrusted -> 10; any unknown ->
 * 11; else 0. n == 0 -> 3.
 */
int exit_evaluated(const struct dev_outcome *v, size_t n);

#endif
