// SPDX-License-Identifier: GPL-2.0-or-later
/* util.c - allocation helpers (out of memory is fatal: exit 1) and string helpers */
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"

void oom(void)
{
	fputs("vdpactl: out of memory\n", stderr);
	exit(VD_EXIT_INTERNAL);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

void *xgrow(void *p, size_t n, size_t size)
{
	size_t cap;

	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return p; /* the capacity is n rounded up to a power of two, at least 4 */
	cap = n ? 2 * n : 4;
	if (cap < n || (size && cap > SIZE_MAX / size))
		oom();
	return xrealloc(p, cap * size);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

const char *hex64(uint64_t v, char buf[HEX64_LEN])
{
	snprintf(buf, HEX64_LEN, "0x%016" PRIx64, v);
	return buf;
}

int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

size_t utf8_seq_len(const unsigned char *p)
{
	size_t n;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also stops at the terminating NUL */
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* 0: printable as is; else the byte needs an escape */
static bool needs_escape(const unsigned char *p, size_t *n)
{
	*n = utf8_seq_len(p);
	if (*n == 0)
		return true;
	if (*n == 1)
		return *p < 0x20 || *p == 0x7f || *p == '\\';
	return *n == 2 && p[0] == 0xc2 && p[1] < 0xa0; /* C1 controls, U+0080..U+009F */
}

static char **esc_copies;
static size_t esc_n;
static pthread_mutex_t esc_lock = PTHREAD_MUTEX_INITIALIZER; /* probe --jobs threads use esc */

const char *esc(const char *s)
{
	const unsigned char *p;
	size_t n;
	char *out, *o;
	bool any = false;

	if (!s)
		return "(null)";
	for (p = (const unsigned char *)s; *p; p += n ? n : 1) {
		any |= needs_escape(p, &n);
	}
	if (!any)
		return s;
	out = o = xmalloc(strlen(s) * 4 + 1);
	for (p = (const unsigned char *)s; *p;) {
		if (!needs_escape(p, &n)) {
			memcpy(o, p, n);
			o += n;
			p += n;
			continue;
		}
		for (size_t i = 0; i < (n ? n : 1); i++, p++) {
			switch (*p) {
			case 0x1b:
				o += sprintf(o, "\\e");
				break;
			case '\n':
				o += sprintf(o, "\\n");
				break;
			case '\r':
				o += sprintf(o, "\\r");
				break;
			case '\t':
				o += sprintf(o, "\\t");
				break;
			case '\\':
				o += sprintf(o, "\\\\");
				break;
			default:
				o += sprintf(o, "\\x%02x", *p);
				break;
			}
		}
	}
	*o = '\0';
	pthread_mutex_lock(&esc_lock);
	esc_copies = xgrow(esc_copies, esc_n, sizeof(*esc_copies));
	esc_copies[esc_n++] = out;
	pthread_mutex_unlock(&esc_lock);
	return out;
}

void esc_release(void)
{
	for (size_t i = 0; i < esc_n; i++)
		free(esc_copies[i]);
	free(esc_copies);
	esc_copies = NULL;
	esc_n = 0;
}

char *utf8_sanitize(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	while (*p) {
		size_t n = utf8_seq_len(p);

		if (n) {
			memcpy(o, p, n);
			o += n;
			p += n;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	*o = '\0';
	return out;
}

static int stdout_err;

void stdout_write(const char *buf, size_t len)
{
	if (fwrite(buf, 1, len, stdout) < len && !stdout_err)
		stdout_err = errno ? errno : EIO;
}

int stdout_errno(void)
{
	return stdout_err;
}
