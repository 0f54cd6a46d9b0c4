// SPDX-License-Identifier: GPL-2.0-or-later
/* holder_parse.c - the pure side of holder.h: QEMU's -name, fdinfo flags, formatting */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holder.h"
#include "model.h"
#include "util.h"

void holder_info_free(struct holder_info *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->procs[i].comm);
		free(h->procs[i].vm);
	}
	free(h->procs);
	h->procs = NULL;
	h->n = 0;
	err_list_free(&h->errors);
}

/*
 * A QemuOpts value at @p up to the first ',' that is not doubled; ",," gives ','
 * (get_opt_value(), util/qemu-option.c). Returns the value (malloc'd) and sets *end to the
 * ',' or NUL after it.
 */
static char *opt_value(const char *p, const char **end)
{
	char *out = xmalloc(strlen(p) + 1);
	size_t n = 0;

	while (*p) {
		if (*p == ',') {
			if (p[1] != ',')
				break;
			p++;
		}
		out[n++] = *p++;
	}
	out[n] = '\0';
	*end = p;
	return out;
}

/* The "guest" parameter of one -name value (get_opt_name_value(), util/qemu-option.c). */
static void name_opts(const char *p, char **guest)
{
	bool first = true;

	while (*p) {
		size_t len = strcspn(p, "=,");
		char *v = NULL;

		if (p[len] != '=' && first) {
			v = opt_value(p, &p); /* the implied first parameter: "guest" */
		} else if (p[len] != '=') {
			p += len; /* a flag ("foo" or "nofoo"): not the name */
		} else if (len == 5 && !strncmp(p, "guest", 5)) {
			v = opt_value(p + len + 1, &p);
		} else {
			free(opt_value(p + len + 1, &p));
		}
		if (v) {
			free(*guest);
			*guest = v;
		}
		if (*p == ',')
			p++;
		first = false;
	}
}

/* The next argument of a NUL-separated command line, NUL-terminated (malloc'd), or NULL. */
static char *next_arg(const char *buf, size_t len, size_t *pos)
{
	const char *start = buf + *pos, *nul;
	size_t n;
	char *arg;

	if (*pos >= len)
		return NULL;
	nul = memchr(start, '\0', len - *pos);
	n = nul ? (size_t)(nul - start) : len - *pos;
	arg = xmalloc(n + 1);
	memcpy(arg, start, n);
	arg[n] = '\0';
	*pos += n + 1;
	return arg;
}

char *holder_qemu_name(const char *cmdline, size_t len)
{
	char *arg, *guest = NULL;
	size_t pos = 0;

	if (!cmdline)
		return NULL;
	/* argv[0] is the program: never an option */
	free(next_arg(cmdline, len, &pos));
	while ((arg = next_arg(cmdline, len, &pos))) {
		/* QEMU accepts every option with one dash or two (lookup_opt(), softmmu/vl.c) */
		bool is_name = !strcmp(arg, "-name") || !strcmp(arg, "--name");

		free(arg);
		if (!is_name)
			continue;
		arg = next_arg(cmdline, len, &pos);
		if (!arg)
			break;
		name_opts(arg, &guest);
		free(arg);
	}
	if (guest && !guest[0]) {
		free(guest);
		guest = NULL;
	}
	return guest;
}

bool holder_is_qemu(const char *comm, const char *cmdline, size_t len)
{
	const char *base;
	size_t n;

	if (comm && !strncmp(comm, "qemu", 4))
		return true;
	if (!cmdline || !len)
		return false;
	n = strnlen(cmdline, len);
	base = cmdline;
	for (size_t i = 0; i < n; i++)
		if (cmdline[i] == '/')
			base = cmdline + i + 1;
	return (size_t)(cmdline + n - base) >= 4 && !strncmp(base, "qemu", 4);
}

int holder_fdinfo_flags(const char *text, unsigned long *flags)
{
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, "flags:", 6)) {
			unsigned long v = 0;
			const char *q = p + 6;
			int digits = 0;

			while (*q == ' ' || *q == '\t')
				q++;
			for (; *q >= '0' && *q <= '7' && digits < 22; q++, digits++)
				v = v * 8 + (unsigned long)(*q - '0');
			if (!digits || (*q != '\n' && *q != '\0'))
				return -1;
			*flags = v;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* The whole cell, malloc'd. */
static char *cell_text(const struct holder_info *h)
{
	char *s = xstrdup(""), *t;

	for (size_t i = 0; i < h->n; i++) {
		const struct holder_proc *p = &h->procs[i];

		t = xasprintf("%s%s%d%s%s%s%s%s", s, i ? ", " : "", p->pid, p->comm ? " " : "",
			      p->comm ? p->comm : "", p->vm ? " (" : "", p->vm ? p->vm : "",
			      p->vm ? ")" : "");
		free(s);
		s = t;
	}
	if (h->errors.n) { /* there may be more */
		t = xasprintf("%s, ?", s);
		free(s);
		s = t;
	}
	return s;
}

const char *holder_cell(const struct vdpa_device *d, char *buf, size_t len)
{
	const struct holder_info *h = &d->holder;
	size_t n;
	char *s;

	if (len < 5)
		return "";
	if (!h->checked || h->status == HOLDER_FREE)
		return "-";
	if (h->status == HOLDER_UNKNOWN)
		return "?";
	s = cell_text(h);
	n = strlen(s);
	if (n < len) {
		memcpy(buf, s, n + 1);
	} else {
		/* cut at a character boundary (never inside a UTF-8 sequence), then "..." */
		n = len - 4;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		memcpy(buf, s, n);
		memcpy(buf + n, "...", 4);
	}
	free(s);
	return buf;
}

char *holder_describe(const struct holder_info *h)
{
	char *s, *t;

	if (h->status == HOLDER_UNKNOWN)
		return xasprintf("holder unknown: %s",
				 h->errors.n ? h->errors.v[0].message : "not established");
	if (h->status != HOLDER_HELD || !h->n)
		return xstrdup("no process holds it");
	s = xstrdup("held by");
	for (size_t i = 0; i < h->n; i++) {
		const struct holder_proc *p = &h->procs[i];

		t = xasprintf("%s%s pid %d (%s)%s%s", s, i ? ";" : "", p->pid,
			      p->comm ? p->comm : "?", p->vm ? ", VM " : "", p->vm ? p->vm : "");
		free(s);
		s = t;
	}
	if (h->errors.n) {
		t = xasprintf("%s; there may be more: %s", s, h->errors.v[0].message);
		free(s);
		s = t;
	}
	return s;
}
