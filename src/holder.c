// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * holder.c - one pass over /proc per run: which processes hold a vhost-vdpa node (holder.h).
 * Reads /proc only; never opens, stats or names a device node itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "exitcode.h"
#include "holder.h"
#include "model.h"
#include "signals.h"
#include "util.h"

/* QEMU's command line as libvirt writes it is a few KiB; -name comes early. */
#define CMDLINE_MAX (256 * 1024)

static bool gone(int e)
{
	/* the process exited (reaped: ENOENT; being torn down: ESRCH) or closed the descriptor */
	return e == ENOENT || e == ESRCH;
}

/*
 * Read a /proc file whole (up to @max bytes) into a malloc'd NUL-terminated buffer. Returns
 * the length, or -errno.
 */
static long read_small(const char *path, size_t max, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t n = 0, cap = 256;
	char *buf;

	*out = NULL;
	if (fd < 0)
		return -errno;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t r;

		if (n == cap && cap < max) {
			cap = cap * 4 < max ? cap * 4 : max;
			buf = xrealloc(buf, cap + 1);
		}
		if (n == cap)
			break;
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	return (long)n;
}

static bool parse_pid(const char *s, int *pid)
{
	unsigned long long v;

	if (s[0] < '1' || s[0] > '9' || parse_uint(s, 0x7fffffff, &v))
		return false;
	*pid = (int)v;
	return true;
}

static bool wanted(dev_t rdev, const dev_t *want, size_t n_want)
{
	for (size_t i = 0; i < n_want; i++)
		if (want[i] == rdev)
			return true;
	return false;
}

static void note_failure(struct holder_scan *s, int e, int pid)
{
	/* the lowest pid is named: /proc lists in no promised order */
	if (e == EACCES || e == EPERM) {
		if (!s->n_denied++ || pid < s->denied_pid)
			s->denied_pid = pid;
	} else if (!s->n_failed++ || pid < s->failed_pid) {
		s->failed_errno = e;
		s->failed_pid = pid;
	}
}

/*
 * An O_PATH descriptor of the node did not open the device (no driver open: do_dentry_open()
 * stops early for O_PATH, fs/open.c), so it holds nothing. Returns 1 if descriptor @fd of
 * @pid is a real open, 0 if not (O_PATH, or closed since), -errno if fdinfo is unreadable.
 */
static int real_open(int pid, int fd)
{
	char path[64], *text;
	unsigned long flags;
	long r;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	r = read_small(path, 4096, &text);
	if (r < 0)
		return gone((int)-r) ? 0 : (int)r;
	r = holder_fdinfo_flags(text, &flags) ? -EPROTO : !(flags & O_PATH);
	free(text);
	return (int)r;
}

/* The descriptors of @pid on wanted devices: appended to s->m. Returns how many. */
static size_t scan_fds(struct holder_scan *s, int pid, const dev_t *want, size_t n_want)
{
	char path[64];
	struct dirent *e;
	size_t found = 0;
	int fail = 0; /* the first errno of this process's descriptors: counted once */
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir) {
		if (gone(errno))
			s->n_gone++;
		else
			note_failure(s, errno, pid);
		return 0;
	}
	while ((e = readdir(dir))) {
		struct stat st;
		unsigned long long fdnum;
		int open_r;

		if (parse_uint(e->d_name, 0x7fffffff, &fdnum))
			continue; /* "." and ".." */
		snprintf(path, sizeof(path), "/proc/%d/fd/%llu", pid, fdnum);
		/* stat() follows the link to the open file itself: its st_rdev, never a name */
		if (stat(path, &st) < 0) {
			if (!gone(errno) && !fail)
				fail = errno;
			continue;
		}
		if (!S_ISCHR(st.st_mode) || !wanted(st.st_rdev, want, n_want))
			continue;
		open_r = real_open(pid, (int)fdnum);
		if (open_r < 0 && !fail)
			fail = -open_r;
		if (open_r <= 0)
			continue;
		s->m = xgrow(s->m, s->n_m, sizeof(*s->m));
		s->m[s->n_m].rdev = st.st_rdev;
		s->m[s->n_m].proc = s->n_procs;
		s->n_m++;
		found++;
	}
	closedir(dir);
	if (fail)
		note_failure(s, fail, pid);
	return found;
}

/* Name the process whose descriptors were just matched; false if it exited meanwhile. */
static bool identify(struct holder_scan *s, int pid)
{
	struct holder_proc p = { .pid = pid };
	char path[64], *cmd = NULL;
	long n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	n = read_small(path, 64, &p.comm);
	if (n < 0 && gone((int)-n))
		return false;
	if (n >= 0 && n && p.comm[n - 1] == '\n')
		p.comm[n - 1] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	n = read_small(path, CMDLINE_MAX, &cmd);
	if (n < 0 && gone((int)-n)) {
		free(p.comm);
		return false;
	}
	if (n > 0 && holder_is_qemu(p.comm, cmd, (size_t)n))
		p.vm = holder_qemu_name(cmd, (size_t)n);
	free(cmd);
	s->procs = xgrow(s->procs, s->n_procs, sizeof(*s->procs));
	s->procs[s->n_procs++] = p;
	return true;
}

void holder_scan(struct holder_scan *s, const dev_t *want, size_t n_want)
{
	struct dirent *e;
	DIR *proc;

	memset(s, 0, sizeof(*s));
	proc = opendir("/proc");
	if (!proc) {
		s->proc_errno = errno;
		return;
	}
	while ((e = readdir(proc))) {
		size_t found;
		int pid;

		if (!parse_pid(e->d_name, &pid))
			continue;
		s->n_seen++;
		found = scan_fds(s, pid, want, n_want);
		if (found && !identify(s, pid)) {
			s->n_m -= found; /* exited while being read: it holds nothing any more */
			s->n_gone++;
		}
	}
	closedir(proc);
}

void holder_scan_free(struct holder_scan *s)
{
	for (size_t i = 0; i < s->n_procs; i++) {
		free(s->procs[i].comm);
		free(s->procs[i].vm);
	}
	free(s->procs);
	free(s->m);
	memset(s, 0, sizeof(*s));
}

/* Why the scan may have missed a holder, into @errs (nothing if it saw everything). */
static void scan_errors(const struct holder_scan *s, struct err_list *errs)
{
	struct vd_error *e;

	if (s->proc_errno) {
		err_add(errs, s->proc_errno == EACCES ? ERR_PERMISSION : ERR_INTERNAL,
			s->proc_errno, "/proc", "opendir", "holder", "cannot list processes: %s",
			vd_strerror(s->proc_errno));
		return;
	}
	if (s->n_denied) {
		char object[32];

		snprintf(object, sizeof(object), "/proc/%d/fd", s->denied_pid);
		e = err_add(errs, ERR_PERMISSION, EACCES, object, "opendir", "holder",
			    "the descriptors of %zu of %zu processes could not be read: %s",
			    s->n_denied, s->n_seen, vd_strerror(EACCES));
		err_set_hint(e, "run as root (with CAP_SYS_PTRACE) to see every holder");
	}
	if (s->n_failed) {
		char object[32];

		snprintf(object, sizeof(object), "/proc/%d/fd", s->failed_pid);
		err_add(errs, ERR_INTERNAL, s->failed_errno, object, NULL, "holder",
			"the descriptors of %zu processes could not be read: %s", s->n_failed,
			vd_strerror(s->failed_errno));
	}
}

static void copy_proc(struct holder_info *h, const struct holder_proc *p)
{
	h->procs = xgrow(h->procs, h->n, sizeof(*h->procs));
	h->procs[h->n].pid = p->pid;
	h->procs[h->n].comm = p->comm ? xstrdup(p->comm) : NULL;
	h->procs[h->n].vm = p->vm ? xstrdup(p->vm) : NULL;
	h->n++;
}

static int by_pid(const void *a, const void *b)
{
	const struct holder_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

void holder_lookup(const struct holder_scan *s, dev_t rdev, bool busy, struct holder_info *h)
{
	holder_info_free(h);
	h->checked = true;
	for (size_t i = 0; i < s->n_m; i++) {
		bool dup = false;

		if (s->m[i].rdev != rdev)
			continue;
		for (size_t j = 0; j < h->n && !dup; j++) /* several descriptors in one process */
			dup = h->procs[j].pid == s->procs[s->m[i].proc].pid;
		if (!dup)
			copy_proc(h, &s->procs[s->m[i].proc]);
	}
	if (h->n > 1) /* /proc lists in no promised order: by pid, for stable output */
		qsort(h->procs, h->n, sizeof(*h->procs), by_pid);
	scan_errors(s, &h->errors);
	if (h->n)
		h->status = HOLDER_HELD;
	else if (h->errors.n)
		h->status = HOLDER_UNKNOWN;
	else if (busy) {
		h->status = HOLDER_UNKNOWN;
		err_add(&h->errors, ERR_INCOMPLETE, 0, "/proc", NULL, "holder",
			"the device is busy but no process in /proc has it open (it closed it "
			"since, or runs in another PID namespace)");
	} else {
		h->status = HOLDER_FREE;
	}
}

static bool is_busy(const struct vdpa_device *d)
{
	for (size_t i = 0; i < d->errors.n; i++)
		if (d->errors.v[i].code == ERR_BUSY)
			return true;
	return false;
}

static bool needs_holder(const struct vdpa_device *d, bool all)
{
	return d->has_devt && d->char_device && (all || is_busy(d));
}

/*
 * The EBUSY error of @d names the holder: "Device or resource busy: held by pid 1234
 * (qemu-system-x86), VM guest1". A verdict that quotes the message (vin.failure) follows.
 */
static void name_in_busy_error(struct vdpa_device *d)
{
	for (size_t i = 0; i < d->errors.n; i++) {
		struct vd_error *e = &d->errors.v[i];
		char *desc, *msg;

		if (e->code != ERR_BUSY)
			continue;
		desc = holder_describe(&d->holder);
		msg = xasprintf("%s: %s", e->message, desc);
		free(desc);
		if (d->vin && d->vin->failure == e->message)
			d->vin->failure = msg;
		free(e->message);
		e->message = msg;
	}
}

/* One run-level record of an incomplete scan, so that stderr says it once, not per device. */
static void run_error(struct run *r)
{
	for (size_t i = 0; i < r->n_dev; i++) {
		const struct holder_info *h = &r->dev[i].holder;

		for (size_t j = 0; h->checked && j < h->errors.n; j++) {
			const struct vd_error *e = &h->errors.v[j];
			struct vd_error *c;

			if (e->code == ERR_INCOMPLETE)
				continue; /* busy without holder: that device's own busy error says
					     it */
			c = err_add(&r->errors, e->code, e->errnum, e->object, e->op, e->field,
				    "holder of the devices not established: %s", e->message);
			err_set_hint(c, e->hint);
			return;
		}
	}
}

void holder_attach(struct run *r, bool all)
{
	struct holder_scan s;
	dev_t *want = NULL;
	size_t n_want = 0;

	if (vd_signal)
		return;
	for (size_t i = 0; i < r->n_dev; i++) {
		const struct vdpa_device *d = &r->dev[i];

		if (!needs_holder(d, all))
			continue;
		want = xgrow(want, n_want, sizeof(*want));
		want[n_want++] = makedev(d->dev_major, d->dev_minor);
	}
	if (!n_want || vd_signal)
		return;
	holder_scan(&s, want, n_want);
	for (size_t i = 0; i < r->n_dev; i++) {
		struct vdpa_device *d = &r->dev[i];
		bool busy = is_busy(d);

		if (!needs_holder(d, all))
			continue;
		holder_lookup(&s, makedev(d->dev_major, d->dev_minor), busy, &d->holder);
		if (busy)
			name_in_busy_error(d);
	}
	run_error(r);
	holder_scan_free(&s);
	free(want);
}
