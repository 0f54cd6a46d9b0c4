/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host.h - the identity of the host a document describes: hostname, machine id, boot id,
 * kernel release, architecture, and the time of the run. Parsers are pure (take text).
 */
#ifndef VDPACTL_HOST_H
#define VDPACTL_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct host_info {
	char hostname[65];
	char kernel_release[65];
	char machine[65];
	char machine_id[33]; /* 32 lowercase hex digits, "" when unknown */
	char boot_id[37];    /* 8-4-4-4-12 UUID, "" when unknown */
	char time[32];	     /* RFC 3339, UTC, e.g. 2026-12-01T07:30:00Z */
};

struct err_list;

/* Fill @h from uname(2), /etc/machine-id, /proc/sys/kernel/random/boot_id and the clock. A file
 * that is absent leaves its field empty; one whose content is malformed also adds an error. */
void host_collect(struct host_info *h, struct err_list *errs);

/* Pure: @text (a file's content) is a machine id (machine-id(5): 32 lowercase hex digits and a
 * newline); copies it to @out (33 bytes). 0, or -1 if malformed. */
int host_parse_machine_id(const char *text, size_t len, char out[33]);
/* Pure: @text is a boot id (a UUID, 36 characters, and a newline). 0, or -1. */
int host_parse_boot_id(const char *text, size_t len, char out[37]);
/* Pure: RFC 3339 UTC of @t into @out (at least 21 bytes). */
void host_format_time(time_t t, char *out, size_t len);

#endif
