/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h - allocation that never returns NULL, small string helpers */
#ifndef VDPACTL_UTIL_H
#define VDPACTL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "vdpactl: out of memory" on stderr, exit 1 */
__attribute__((noreturn)) void oom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/*
 * Room for element @n of an array of @n elements of @size bytes that only ever grew through
 * xgrow: the capacity doubles (4, 8, 16, ...), so appending n elements costs O(n) copying, not
 * O(n^2). Returns the (possibly moved) array.
 */
void *xgrow(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* "0x" + 16 lowercase hex digits; buf must hold 19 bytes */
#define HEX64_LEN 19
const char *hex64(uint64_t v, char buf[HEX64_LEN]);

/* Parse a decimal unsigned integer that must fill the whole string; -1 on error. */
int parse_uint(const char *s, unsigned long long max, unsigned long long *out);

/*
 * Length of the well-formed UTF-8 sequence at @p (1-4; 1 for ASCII), or 0 when the bytes there
 * are not valid UTF-8 (overlong forms, surrogates, above U+10FFFF, truncated).
 */
size_t utf8_seq_len(const unsigned char *p);

/*
 * Untrusted strings (from the kernel or the command line) for a terminal: @s itself when it
 * holds nothing to escape, else an escaped copy: ESC as \e, newline \n, CR \r, tab \t, a
 * backslash as \\, every other control character (C0, DEL, C1) and every byte that is not
 * UTF-8 as \xNN (as util-linux escapes names). Copies live until esc_release(). NULL: "(null)".
 */
const char *esc(const char *s);
void esc_release(void);

/*
 * Write @len bytes to stdout (buffered). The errno of a failed write is kept for
 * stdout_errno(): by the time stdout is closed nothing may be left to flush, and ferror()
 * alone does not say why.
 */
void stdout_write(const char *buf, size_t len);
int stdout_errno(void);

/* A valid UTF-8 copy of @s for JSON: bytes that are not UTF-8 become U+FFFD. Caller frees. */
char *utf8_sanitize(const char *s);

#endif
