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
 *
 * FAKE_VDPA_DELAY / "delay" use the same OP[:TARGET][@N][#DEV] and end in
 * =MILLISECONDS: the matching call logs "delay ..." first, then sleeps the
 * whole time (nanosleep resumed after EINTR) and then proceeds normally.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake.h"

struct spec {
	enum fake_inj_op op;
	char *target; /* NULL = any */
	unsigned long nth;
	long dev; /* -1 = any */
	int err;		 /* errno to inject */
	unsigned long delay_ms; /* or milliseconds to wait */
	unsigned long seen;
	char *text;
};

static struct spec *specs, *delays;
static size_t nspecs, ndelays;

static const struct {
	const char *name;
	enum fake_inj_op op;
	int kind; /* 0 = path target, 1 = ioctl, 2 = iotlb, 3 = none, 4 = netlink command */
} ops[] = {
	{ "open", FAKE_INJ_OPEN, 0 },	{ "opendir", FAKE_INJ_OPENDIR, 0 },
	{ "stat", FAKE_INJ_STAT, 0 },	{ "access", FAKE_INJ_ACCESS, 0 },
	{ "ioctl", FAKE_INJ_IOCTL, 1 }, { "write", FAKE_INJ_WRITE, 2 },
	{ "read", FAKE_INJ_READ, 3 },	{ "fstat", FAKE_INJ_FSTAT, 3 },
	{ "close", FAKE_INJ_CLOSE, 3 }, { "uname", FAKE_INJ_UNAME, 3 },
	{ "netlink", FAKE_INJ_NETLINK, 4 },
};

static const char *const nl_cmds[] = {
	"CTRL_CMD_GETFAMILY",	 "VDPA_CMD_MGMTDEV_GET",    "VDPA_CMD_DEV_NEW",
	"VDPA_CMD_DEV_DEL",	 "VDPA_CMD_DEV_GET",	    "VDPA_CMD_DEV_CONFIG_GET",
	"VDPA_CMD_DEV_VSTATS_GET", "VDPA_CMD_DEV_ATTR_SET",
};

const char *fake_inj_op_name(enum fake_inj_op op)
{
	for (size_t i = 0; i < FAKE_ARRAY_SIZE(ops); i++)
		if (ops[i].op == op)
			return ops[i].name;
	return "?";
}

static bool g_parsing_delay;

static _Noreturn void bad(const char *origin, const char *spec, const char *why)
{
	if (g_parsing_delay)
		fake_die("%s: bad delay spec '%s': %s (syntax OP[:TARGET][@N][#DEV]=MILLISECONDS, "
			 "see tests/fake/README.md)",
			 origin, spec, why);
	fake_die("%s: bad injection spec '%s': %s (syntax OP[:TARGET][@N][#DEV]=ERRNO, "
		 "see tests/fake/README.md)",
		 origin, spec, why);
}

static void add_spec(const char *text, const char *origin, bool delay);

void fake_inject_add(const char *text, const char *origin)
{
	add_spec(text, origin, false);
}

void fake_delay_add(const char *text, const char *origin)
{
	add_spec(text, origin, true);
}

/* The value after '=': milliseconds of a delay, or an errno name. */
static void parse_value(struct spec *sp, const char *val, const char *origin, const char *text,
			bool delay)
{
	char *end;

	if (!delay) {
		sp->err = fake_errno_lookup(val);
		if (sp->err <= 0)
			bad(origin, text, "unknown errno name (use names like EIO, not numbers)");
		return;
	}
	if (val[0] < '0' || val[0] > '9')
		bad(origin, text, "=MILLISECONDS needs a number");
	sp->delay_ms = strtoul(val, &end, 10);
	if (*end || sp->delay_ms == 0 || sp->delay_ms > 3600000)
		bad(origin, text, "milliseconds must be 1..3600000");
}

/* @N and #DEV after the operation and target; *p is '@' or '#' or the end. */
static void parse_suffixes(struct spec *sp, char *p, const char *origin, const char *text)
{
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
			sp->nth = v;
		} else {
			sp->dev = (long)v;
		}
		p = end;
	}
	if (*p)
		bad(origin, text, "trailing characters");
}

/* A target must name something operation @kind (ops[].kind) knows. */
static void check_target(int kind, const char *target, const char *origin, const char *text)
{
	unsigned long req;
	size_t k;

	switch (kind) {
	case 0:
		if (target[0] != '/')
			bad(origin, text, "path target must be absolute");
		return;
	case 1:
		if (!fake_ioctl_lookup(target, &req))
			bad(origin, text, "unknown ioctl name");
		return;
	case 2:
		if (fake_iotlb_type_lookup(target) < 0)
			bad(origin, text,
			    "unknown IOTLB message (IOTLB_UPDATE, IOTLB_INVALIDATE, "
			    "IOTLB_BATCH_BEGIN, IOTLB_BATCH_END, IOTLB_MISS, IOTLB_ACCESS_FAIL)");
		return;
	case 4:
		for (k = 0; k < FAKE_ARRAY_SIZE(nl_cmds); k++)
			if (!strcmp(target, nl_cmds[k]))
				return;
		bad(origin, text,
		    "unknown netlink command (CTRL_CMD_GETFAMILY, VDPA_CMD_MGMTDEV_GET, "
		    "VDPA_CMD_DEV_GET, VDPA_CMD_DEV_CONFIG_GET, ...)");
	default:
		bad(origin, text, "this operation takes no target");
	}
}

/* Append @sp to the injections or the delays. */
static void keep_spec(const struct spec *sp, bool delay)
{
	if (delay) {
		delays = realloc(delays, (ndelays + 1) * sizeof(*delays));
		if (!delays)
			fake_die("out of memory");
		delays[ndelays++] = *sp;
	} else {
		specs = realloc(specs, (nspecs + 1) * sizeof(*specs));
		if (!specs)
			fake_die("out of memory");
		specs[nspecs++] = *sp;
	}
}

static void add_spec(const char *text, const char *origin, bool delay)
{
	char *s = strdup(text), *eq, *p, *target = NULL;
	struct spec sp = { .dev = -1 };
	size_t i, oplen;

	g_parsing_delay = delay;
	if (!s)
		fake_die("out of memory");
	eq = strrchr(s, '=');
	if (!eq)
		bad(origin, text, delay ? "missing '=MILLISECONDS'" : "missing '=ERRNO'");
	*eq = 0;
	parse_value(&sp, eq + 1, origin, text, delay);

	oplen = strcspn(s, ":@#");
	for (i = 0; i < FAKE_ARRAY_SIZE(ops); i++)
		if (strlen(ops[i].name) == oplen && !strncmp(s, ops[i].name, oplen))
			break;
	if (i == FAKE_ARRAY_SIZE(ops))
		bad(origin, text, "unknown operation (open, opendir, stat, access, ioctl, write, "
				  "read, fstat, close, uname, netlink)");
	sp.op = ops[i].op;
	p = s + oplen;
	if (*p == ':') {
		size_t tl = strcspn(p + 1, "@#");

		target = p + 1;
		p = p + 1 + tl;
		if (tl == 0)
			bad(origin, text, "empty target");
	}
	parse_suffixes(&sp, p, origin, text);
	if (target && strcmp(target, "*") != 0) {
		check_target(ops[i].kind, target, origin, text);
		sp.target = strdup(target);
		if (!sp.target)
			fake_die("out of memory");
	}
	if (sp.dev >= 0 && (ops[i].kind == 0 || ops[i].kind == 4))
		bad(origin, text, "#DEV is for fd operations; name the path instead");
	sp.text = strdup(text);
	if (!sp.text)
		fake_die("out of memory");
	keep_spec(&sp, delay);
	free(s);
}

static void add_list(const char *list, const char *origin, bool delay)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		fake_die("out of memory");
	for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		while (*tok == ' ')
			tok++;
		if (*tok)
			add_spec(tok, origin, delay);
	}
	free(copy);
}

void fake_inject_add_list(const char *list, const char *origin)
{
	add_list(list, origin, false);
}

void fake_delay_add_list(const char *list, const char *origin)
{
	add_list(list, origin, true);
}

/* The first spec that fires (each spec counts its own matches); its index or -1. */
static long match(struct spec *v, size_t n, enum fake_inj_op op, const char *target, int dev)
{
	long hit = -1;

	for (size_t i = 0; i < n; i++) {
		struct spec *sp = &v[i];

		if (sp->op != op)
			continue;
		if (sp->target && (!target || strcmp(sp->target, target) != 0))
			continue;
		if (sp->dev >= 0 && sp->dev != dev)
			continue;
		sp->seen++;
		if (hit < 0 && (sp->nth == 0 || sp->seen == sp->nth))
			hit = (long)i;
	}
	return hit;
}

int fake_inject_check(enum fake_inj_op op, const char *target, int dev)
{
	long i = match(specs, nspecs, op, target, dev);

	return i < 0 ? 0 : specs[i].err;
}

unsigned long fake_delay_check(enum fake_inj_op op, const char *target, int dev)
{
	long i = match(delays, ndelays, op, target, dev);

	return i < 0 ? 0 : delays[i].delay_ms;
}

void fake_delay_sleep(const char *what, unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L }, rem;
	int saved = errno;

	fake_log("delay %s %lums", what, ms);
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem; /* a signal does not shorten the delay: the call proceeds after it */
	errno = saved;
}
