// SPDX-License-Identifier: GPL-2.0-or-later
/* vduse.c - a VDUSE device's daemon, looked at before its vhost-vdpa node is opened (vduse.h) */
#include "vduse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "discovery.h"
#include "errors.h"
#include "exitcode.h"
#include "model.h"
#include "util.h"

void vduse_info_free(struct vduse_info *v)
{
	free(v->ctl_path);
	free(v->states);
	holder_info_free(&v->holders);
	memset(v, 0, sizeof(*v));
}

const char *vduse_daemon_name(enum vduse_daemon s)
{
	static const char *const names[] = { NULL, "running", "stopped", "gone", "unknown" };

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : NULL;
}

enum vduse_daemon vduse_daemon_of(const struct holder_info *h, const char *states)
{
	bool unknown_state = false;

	if (!h->checked)
		return VDUSE_NOT_CHECKED;
	if (h->status == HOLDER_FREE)
		return VDUSE_GONE;
	if (h->status != HOLDER_HELD)
		return VDUSE_UNKNOWN;
	for (size_t i = 0; i < h->n; i++) {
		char c = states ? states[i] : '?';

		if (c == '?')
			unknown_state = true;
		else if (c != 'T' && c != 't' && c != 'Z' && c != 'X')
			return VDUSE_RUNNING;
	}
	return unknown_state ? VDUSE_UNKNOWN : VDUSE_STOPPED;
}

bool vduse_refusal(const struct vduse_info *v, char *buf, size_t len)
{
	const char *ctl = v->ctl_path ? v->ctl_path : "its VDUSE control device";
	const char *answer = "its answer";
	char wait[64], who[160];

	if (!v->present)
		return false;
	if (v->msg_timeout > 0)
		snprintf(wait, sizeof(wait), "msg_timeout, %ld s,", v->msg_timeout);
	else
		snprintf(wait, sizeof(wait), "%s",
			 v->msg_timeout == 0 ? "without limit" : "msg_timeout");
	switch (v->daemon) {
	case VDUSE_GONE:
		snprintf(who, sizeof(who), "the VDUSE daemon is gone (no process holds %s)", ctl);
		answer = "the daemon's answer";
		break;
	case VDUSE_STOPPED:
		snprintf(who, sizeof(who), "the VDUSE daemon holding %s is stopped", ctl);
		break;
	case VDUSE_UNKNOWN:
		if (v->msg_timeout > 0)
			return false;
		snprintf(buf, len,
			 "not opened: whether a VDUSE daemon holds %s is not known, and with %s a "
			 "reset that no daemon answers would wait without limit",
			 ctl, v->msg_timeout == 0 ? "msg_timeout 0" : "msg_timeout unreadable");
		return true;
	default:
		return false;
	}
	snprintf(buf, len,
		 "not opened: %s; opening would reset the device, wait %s for %s and leave the "
		 "device broken for good",
		 who, wait, answer);
	return true;
}

/* The state letter of /proc/PID/stat ("PID (COMM) S ..."; COMM may hold ')'), '?' if unknown. */
static char proc_state(int pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] && p[3] == ' ' ? p[2] : '?';
}

void vduse_scan_run(struct discovery *dv)
{
	struct vduse_scan *vs = &dv->vduse;
	dev_t *want = NULL;
	size_t n = 0;

	vduse_scan_free(vs);
	for (size_t i = 0; i < dv->n_sys; i++) {
		const struct sysfs_vdpa *s = &dv->sys[i];

		if (s->vduse_major < 0)
			continue;
		want = xgrow(want, n, sizeof(*want));
		want[n++] = makedev((unsigned)s->vduse_major, (unsigned)s->vduse_minor);
	}
	if (!n)
		return;
	holder_scan(&vs->s, want, n);
	free(want);
	vs->done = true;
	vs->states = xcalloc(vs->s.n_procs + 1, 1);
	for (size_t i = 0; i < vs->s.n_procs; i++)
		vs->states[i] = proc_state(vs->s.procs[i].pid);
}

void vduse_scan_free(struct vduse_scan *vs)
{
	if (vs->done)
		holder_scan_free(&vs->s);
	free(vs->states);
	memset(vs, 0, sizeof(*vs));
}

void vduse_annotate(struct vduse_info *v, const struct sysfs_vdpa *s)
{
	vduse_info_free(v);
	v->major = v->minor = -1;
	v->msg_timeout = -1;
	if (!s->parent_bus || strcmp(s->parent_bus, "vduse"))
		return;
	v->present = true;
	v->major = s->vduse_major;
	v->minor = s->vduse_minor;
	v->msg_timeout = s->vduse_msg_timeout;
	v->ctl_path = s->parent_id ? xasprintf("/dev/vduse/%s", s->parent_id) : NULL;
}

/* d->vduse's daemon from the scan */
static void fill(struct vdpa_device *d, const struct vduse_scan *vs)
{
	struct vduse_info *v = &d->vduse;
	dev_t ctl;

	if (!vs->done || v->major < 0)
		return;
	ctl = makedev((unsigned)v->major, (unsigned)v->minor);
	holder_lookup(&vs->s, ctl, false, &v->holders);
	free(v->states);
	v->states = xcalloc(v->holders.n + 1, 1);
	for (size_t i = 0; i < v->holders.n; i++) {
		v->states[i] = '?';
		for (size_t j = 0; j < vs->s.n_procs; j++)
			if (vs->s.procs[j].pid == v->holders.procs[i].pid)
				v->states[i] = vs->states[j];
	}
	v->daemon = vduse_daemon_of(&v->holders, v->states);
}

int vduse_open_failed(struct vdpa_device *d, int rc)
{
	struct vd_error *e = d->errors.n ? &d->errors.v[d->errors.n - 1] : NULL;
	char *msg;

	if (!rc || !d->vduse.present || !e || e->errnum != EIO || !e->op || strcmp(e->op, "open"))
		return rc;
	msg = xasprintf("%s: the VDUSE device is broken: a message to its daemon (the reset that "
			"comes with the open) timed out, now or before, and VDUSE then refuses "
			"every message for good",
			e->message);
	free(e->message);
	e->message = msg;
	e->code = ERR_UNAVAILABLE;
	err_set_hint(e, "only removing the device (vdpa dev del NAME) and creating it again makes "
			"it usable");
	return err_code_exit(ERR_UNAVAILABLE);
}

int vduse_gate(struct vdpa_device *d, const struct discovery *dv)
{
	char why[400];
	struct vd_error *e;

	if (!d->vduse.present)
		return 0;
	fill(d, &dv->vduse);
	if (!vduse_refusal(&d->vduse, why, sizeof(why)))
		return 0;
	e = err_add(&d->errors, ERR_UNAVAILABLE, 0, d->char_device, NULL, NULL, "%s", why);
	err_set_hint(
		e, d->vduse.daemon == VDUSE_UNKNOWN
			   ? "run as root with CAP_SYS_PTRACE to see the daemon, or set msg_timeout"
			   : "the device needs its daemon back before it can be opened (or "
			     "removing: vdpa dev del NAME)");
	return err_code_exit(ERR_UNAVAILABLE);
}
