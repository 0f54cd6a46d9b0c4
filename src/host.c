// SPDX-License-Identifier: GPL-2.0-or-later
/* host.c - the host's identity for every JSON document; see host.h */
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "errors.h"

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* @len bytes, the last of them an optional newline, nothing after it */
static size_t content_len(const char *text, size_t len)
{
	return len && text[len - 1] == '\n' ? len - 1 : len;
}

int host_parse_machine_id(const char *text, size_t len, char out[33])
{
	len = content_len(text, len);
	if (len != 32)
		return -1;
	for (size_t i = 0; i < 32; i++)
		if (!is_lower_hex(text[i]))
			return -1;
	memcpy(out, text, 32);
	out[32] = '\0';
	return 0;
}

int host_parse_boot_id(const char *text, size_t len, char out[37])
{
	len = content_len(text, len);
	if (len != 36)
		return -1;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? text[i] != '-' : !is_lower_hex(text[i]))
			return -1;
	}
	memcpy(out, text, 36);
	out[36] = '\0';
	return 0;
}

void host_format_time(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, len, "1970-01-01T00:00:00Z");
}

/* Read a small file; its length, or -1 (errno) when it cannot be read. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

static void read_id(const char *path, const char *field, char *out,
		    int (*parse)(const char *, size_t, char *), struct err_list *errs)
{
	char buf[80];
	ssize_t n = slurp(path, buf, sizeof(buf));

	out[0] = '\0';
	if (n < 0) {
		/* absent (a container without one): the field is null, nothing is wrong */
		if (errno != ENOENT)
			err_add(errs, ERR_UNSUPPORTED, errno, path, "read", field, "%s",
				strerror(errno));
		return;
	}
	if (parse(buf, (size_t)n, out))
		err_add(errs, ERR_MALFORMED, 0, path, NULL, field,
			"not a valid id (%zd bytes); the field is null", n);
}

static int parse_mid(const char *t, size_t l, char *o)
{
	return host_parse_machine_id(t, l, o);
}

static int parse_bid(const char *t, size_t l, char *o)
{
	return host_parse_boot_id(t, l, o);
}

void host_collect(struct host_info *h, struct err_list *errs)
{
	struct utsname u;

	memset(h, 0, sizeof(*h));
	if (uname(&u) == 0) {
		snprintf(h->hostname, sizeof(h->hostname), "%s", u.nodename);
		snprintf(h->kernel_release, sizeof(h->kernel_release), "%s", u.release);
		snprintf(h->machine, sizeof(h->machine), "%s", u.machine);
	} else {
		snprintf(h->kernel_release, sizeof(h->kernel_release), "unknown");
		snprintf(h->machine, sizeof(h->machine), "unknown");
	}
	read_id("/etc/machine-id", "host.machine_id", h->machine_id, parse_mid, errs);
	read_id("/proc/sys/kernel/random/boot_id", "host.boot_id", h->boot_id, parse_bid, errs);
	host_format_time(time(NULL), h->time, sizeof(h->time));
}
