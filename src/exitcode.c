// SPDX-License-Identifier: GPL-2.0-or-later
/* exitcode.c - exit-code table and the pure rule that combines per-device outcomes */
#include "exitcode.h"

const struct exit_desc exit_table[] = {
	{ VD_EXIT_OK, "success; probe/check: every selected device is trusted / meets --require" },
	{ VD_EXIT_INTERNAL, "internal error (unexpected errno, out of memory)" },
	{ VD_EXIT_USAGE,
	  "usage error, bad input (unknown option, not a vhost-vdpa device, bad DEV)" },
	{ VD_EXIT_NODEV,
	  "no such device (nothing matched; no vhost-vdpa devices at all for --all)" },
	{ VD_EXIT_PERM, "permission denied on a required operation" },
	{ VD_EXIT_UNSUPPORTED, "unsupported: the kernel lacks vhost-vdpa or a required interface" },
	{ VD_EXIT_BUSY, "device busy (held by another process) or its VDUSE daemon gone/stopped" },
	{ VD_EXIT_UNTRUSTED,
	  "evaluated: at least one device untrusted or missing a --require'd feature" },
	{ VD_EXIT_UNKNOWN, "evaluated: none untrusted, at least one unknown" },
	{ VD_EXIT_PARTIAL, "several devices: some evaluated, others failed with 3-6" },
	{ VD_EXIT_SIGINT, "interrupted by SIGINT (devices closed first)" },
	{ VD_EXIT_SIGTERM, "terminated by SIGTERM (devices closed first)" },
};
const size_t exit_table_len = sizeof(exit_table) / sizeof(exit_table[0]);

int exit_combine(const int *codes, size_t n)
{
	size_t ok = 0;
	int first_fail = -1;

	if (n == 0)
		return VD_EXIT_NODEV;
	for (size_t i = 0; i < n; i++) {
		if (codes[i] == VD_EXIT_INTERNAL)
			return VD_EXIT_INTERNAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (codes[i] == VD_EXIT_USAGE)
			return VD_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		if (codes[i] == VD_EXIT_OK)
			ok++;
		else if (first_fail < 0)
			first_fail = codes[i];
	}
	if (ok == n)
		return VD_EXIT_OK;
	if (ok > 0)
		return VD_EXIT_PARTIAL;
	return first_fail;
}

int exit_evaluated(const struct dev_outcome *v, size_t n)
{
	size_t failed = 0, untrusted = 0, unknown = 0;
	int first_fail = 0;

	if (n == 0)
		return VD_EXIT_NODEV;
	for (size_t i = 0; i < n; i++)
		if (v[i].outcome == OUT_FAILED && v[i].code == VD_EXIT_INTERNAL)
			return VD_EXIT_INTERNAL;
	for (size_t i = 0; i < n; i++)
		if (v[i].outcome == OUT_FAILED && v[i].code == VD_EXIT_USAGE)
			return VD_EXIT_USAGE;
	for (size_t i = 0; i < n; i++) {
		switch (v[i].outcome) {
		case OUT_FAILED:
			if (!failed++)
				first_fail = v[i].code;
			break;
		case OUT_UNTRUSTED:
			untrusted++;
			break;
		case OUT_UNKNOWN:
			unknown++;
			break;
		case OUT_TRUSTED:
			break;
		}
	}
	if (failed == n)
		return first_fail;
	if (failed)
		return VD_EXIT_PARTIAL;
	if (untrusted)
		return VD_EXIT_UNTRUSTED;
	if (unknown)
		return VD_EXIT_UNKNOWN;
	return VD_EXIT_OK;
}
