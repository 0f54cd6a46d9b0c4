// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_metrics.c - "vdpactl metrics": the run of list (default: nothing opened), check (--from=show:
 * opened read-only) or probe (--from=probe) over every device, as Prometheus metrics on stdout
 * or, with --output FILE, written atomically for the node exporter's textfile collector (a
 * temporary file in the same directory, renamed over FILE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "exitcode.h"
#include "output.h"
#include "output_prom.h"
#include "probe.h"
#include "signals.h"
#include "util.h"

/* Write @len bytes to @path atomically: PATH.tmp.XXXXXX in the same directory, then rename. */
static int write_atomic(const char *path, const char *buf, size_t len, struct err_list *errs)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	const char *op = "mkstemp";
	int fd = mkstemp(tmp), e;
	size_t off = 0;

	if (fd < 0)
		goto fail;
	op = "write";
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR && !vd_signal)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	op = "fchmod";
	if (fchmod(fd, 0644) < 0)
		goto fail;
	op = "fsync";
	if (fsync(fd) < 0)
		goto fail;
	op = "close";
	e = close(fd);
	fd = -1;
	if (e < 0)
		goto fail;
	op = "rename";
	if (rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (strcmp(op, "mkstemp"))
		unlink(tmp);
	err_add(errs, ERR_INTERNAL, e, path, op, NULL,
		"%s (the previous file, if any, is unchanged)", strerror(e));
	free(tmp);
	return VD_EXIT_INTERNAL;
}

static int gather(struct run *r, const struct opts *o)
{
	struct opts sub = *o;

	sub.all = true;
	sub.cmd_flags |= CMD_DEFAULT_ALL;
	switch (o->metrics_from) {
	case METRICS_SHOW:
		sub.probe = false;
		return cmd_check(r, &sub);
	case METRICS_PROBE:
		return cmd_probe(r, &sub);
	default:
		sub.all = false;
		return cmd_list(r, &sub);
	}
}

int cmd_metrics(struct run *r, const struct opts *o)
{
	static const char *const sources[] = { "list", "show", "probe" };
	struct metrics_run m = { .source = sources[o->metrics_from], .version = VDPACTL_VERSION };
	struct timespec ts;
	uint64_t t0 = now_us();
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (o->n_args) {
		err_add(&r->errors, ERR_USAGE, 0, o->args[0], NULL, NULL,
			"metrics takes no DEV: it covers every vDPA device of the host");
		return VD_EXIT_USAGE;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	m.start_unix = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	m.exit_code = gather(r, o);
	if (vd_signal || m.exit_code == VD_EXIT_USAGE)
		return m.exit_code; /* an interrupted run writes nothing: the old file stays */
	m.duration_s = (double)(now_us() - t0) / 1e6;
	m.complete = !run_has_errors(r);
	run_summarize(r);
	f = open_memstream(&buf, &len);
	if (!f)
		return VD_EXIT_INTERNAL;
	output_prom(f, r, &m);
	fclose(f);
	r->rendered = true;
	rc = 0;
	if (o->output)
		rc = write_atomic(o->output, buf, len, &r->errors);
	else
		stdout_write(buf, len); /* a failed write is reported when stdout is closed */
	free(buf);
	return rc;
}
