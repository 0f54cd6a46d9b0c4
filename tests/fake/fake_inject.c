// SPDX-License-Identifier: MIT
/*
 * fake_inject.c - errno injection (FAKE_VDPA_INJECT and the scenario's
 * "inject" array), in the spirit of ethtool's test-common.c expectation
 * tables.
 *
 * Syntax of one spec (several are separated by ';'):
 *
 *     OP[:TARGET][@N][#DEV]=ERRNO
 *
 *   OP      open | opendir | stat | access  (TARGET: a path as the program
 *           passes it, e.g. /dev/vhost-vdpa-0 or /proc/devices)
 *           ioctl  (TARGET: an ioctl name, e.g. VHOST_GET_FEATURES)
 *           write  (TARGET: an IOTLB message type, e.g. IOTLB_UPDATE)
 *           read | fstat | close | uname  (no TARGET)
 *   TARGET  omitted or '*' matches every call of that OP
 *   @N      only the N-th matching call (1-based); without it, every one
 *   #DEV    only calls on /dev/vhost-vdpa-DEV (fd-based OPs)
 *   ERRNO   an errno name: EBUSY, EIO, ENOTTY, ... or ENOTSUPP (524)
 *
 * An injected call returns -1 with that errno before the emulation runs, so
 * it has no side effect (close is the exception: like Linux, the descriptor
 * is released anyway).  Anything unknown ends the process with a message,
 * so a test can never inject nothing by accident.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"

struct spec {
	enum fake_inj_op op;
	char *target; /* NULL = any */
	unsigned long nth;
	long dev; /* -1 = any */
	int err;
	unsigned long seen;
	char *text;
};

static struct spec *specs;
static size_t nspecs;

static const struct {
	const char *name;
	enum fake_inj_op op;
	int kind; /* 0 = path target, 1 = ioctl, 2 = iotlb, 3 = none */
} ops[] = {
	{ "open", FAKE_INJ_OPEN, 0 },	{ "opendir", FAKE_INJ_OPENDIR, 0 },
	{ "stat", FAKE_INJ_STAT, 0 },	{ "access", FAKE_INJ_ACCESS, 0 },
	{ "ioctl", FAKE_INJ_IOCTL, 1 }, { "write", FAKE_INJ_WRITE, 2 },
	{ "read", FAKE_INJ_READ, 3 },	{ "fstat", FAKE_INJ_FSTAT, 3 },
	{ "close", FAKE_INJ_CLOSE, 3 }, { "uname", FAKE_INJ_UNAME, 3 },
};

static _Noreturn void bad(const char *origin, const char *spec, const char *why)
{
	fake_die("%s: bad injection spec '%s': %s (syntax OP[:TARGET][@N][#DEV]=ERRNO, "
		 "see tests/fake/README.md)",
		 origin, spec, why);
}

void fake_inject_add(const char *text, const char *origin)
{
	char *s = strdup(text), *eq, *p, *target = NULL;
	struct spec sp = { .dev = -1 };
	size_t i, oplen;

	if (!s)
		fake_die("out of memory");
	eq = strrchr(s, '=');
	if (!eq)
		bad(origin, text, "missing '=ERRNO'");
	*eq = 0;
	sp.err = fake_errno_lookup(eq + 1);
	if (sp.err <= 0)
		bad(origin, text, "unknown errno name (use names like EIO, not numbers)");

	oplen = strcspn(s, ":@#");
	for (i = 0; i < FAKE_ARRAY_SIZE(ops); i++)
		if (strlen(ops[i].name) == oplen && !strncmp(s, ops[i].name, oplen))
			break;
	if (i == FAKE_ARRAY_SIZE(ops))
		bad(origin, text, "unknown operation (open, opendir, stat, access, ioctl, write, "
				  "read, fstat, close, uname)");
	sp.op = ops[i].op;
	p = s + oplen;
	if (*p == ':') {
		size_t tl = strcspn(p + 1, "@#");

		target = p + 1;
		p = p + 1 + tl;
		if (tl == 0)
			bad(origin, text, "empty target");
	}
	while (*p == '@' || *p == '#') {
		char kind = *p, *end;
		unsigned long v;

		*p = 0; /* terminates target */
		if (p[1] < '0' || p[1] > '9')
			bad(origin, text, kind == '@' ? "@N needs a number" : "#DEV needs a number");
		v = strtoul(p + 1, &end, 10);
		if (kind == '@') {
			if (v == 0)
				bad(origin, text, "@N counts from 1");
			sp.nth = v;
		} else {
			sp.dev = (long)v;
		}
		p = end;
	}
	if (*p)
		bad(origin, text, "trailing characters");

	if (target && strcmp(target, "*") != 0) {
		unsigned long req;

		switch (ops[i].kind) {
		case 0:
			if (target[0] != '/')
				bad(origin, text, "path target must be absolute");
			break;
		case 1:
			if (!fake_ioctl_lookup(target, &req))
				bad(origin, text, "unknown ioctl name");
			break;
		case 2:
			if (fake_iotlb_type_lookup(target) < 0)
				bad(origin, text,
				    "unknown IOTLB message (IOTLB_UPDATE, IOTLB_INVALIDATE, "
				    "IOTLB_BATCH_BEGIN, IOTLB_BATCH_END, IOTLB_MISS, "
				    "IOTLB_ACCESS_FAIL)");
			break;
		default:
			bad(origin, text, "this operation takes no target");
		}
		sp.target = strdup(target);
		if (!sp.target)
			fake_die("out of memory");
	}
	if (sp.dev >= 0 && ops[i].kind == 0)
		bad(origin, text, "#DEV is for fd operations; name the path instead");

	sp.text = strdup(text);
	specs = realloc(specs, (nspecs + 1) * sizeof(*specs));
	if (!specs || !sp.text)
		fake_die("out of memory");
	specs[nspecs++] = sp;
	free(s);
}

void fake_inject_add_list(const char *list, const char *origin)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		fake_die("out of memory");
	for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		while (*tok == ' ')
			tok++;
		if (*tok)
			fake_inject_add(tok, origin);
	}
	free(copy);
}

int fake_inject_check(enum fake_inj_op op, const char *target, int dev)
{
	int err = 0;

	for (size_t i = 0; i < nspecs; i++) {
		struct spec *sp = &specs[i];

		if (sp->op != op)
			continue;
		if (sp->target && (!target || strcmp(sp->target, target) != 0))
			continue;
		if (sp->dev >= 0 && sp->dev != dev)
			continue;
		sp->seen++;
		if (!err && (sp->nth == 0 || sp->seen == sp->nth))
			err = sp->err;
	}
	return err;
}
