// SPDX-License-Identifier: MIT
/*
 * fake_proc.c - /proc/PID of the scenario's processes: the fake host's process table.
 *
 * What a program sees (fs/proc/base.c, fs/proc/fd.c of 6.1 and 6.12):
 *   /proc                   the scenario's PIDs (and the private root's "devices")
 *   /proc/PID/comm          "COMM\n", readable by anyone
 *   /proc/PID/cmdline       the arguments, each with its NUL, readable by anyone
 *   /proc/PID/stat          "PID (COMM) S ..." (do_task_stat(), fs/proc/array.c): the state
 *                           letter is the scenario's, the other fields are fixed
 *   /proc/PID/fd/           one entry per descriptor; listing it and following its links needs
 *                           PTRACE_MODE_READ access (proc_fd_permission(), proc_fd_link()):
 *                           here euid 0 or the process's own uid, else EACCES
 *   /proc/PID/fd/N          stat() follows the link to the open file: a node gives
 *                           S_IFCHR with the node's st_rdev (a VDUSE device's control device:
 *                           the vduse major and its minor), a "path" descriptor that file's stat
 *   /proc/PID/fdinfo/N      "pos:\t0\nflags:\t0FLAGS\nmnt_id:\t..\nino:\t..\n" (seq_show()), same
 *                           access rule
 * A process that exits while being read ("exits": STEP) answers ENOENT from that step on, as a
 * reaped process's /proc entries do (proc_pid_lookup() finds no task).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake.h"

static void put(const char *path, const char *data, size_t len)
{
	int fd = fake_real_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);

	if (fd < 0)
		fake_die("cannot create %s: %s", path, strerror(errno));
	if (len && fake_real_write(fd, data, len) != (ssize_t)len)
		fake_die("cannot write %s: %s", path, strerror(errno));
	fake_real_close(fd);
}

static void mkdir_or_die(const char *path, mode_t mode)
{
	if (mkdir(path, mode) && errno != EEXIST)
		fake_die("mkdir %s: %s", path, strerror(errno));
}

void fake_proc_build(const struct fake_scenario *sc, const char *root)
{
	char path[PATH_MAX], text[256];

	for (size_t i = 0; i < sc->nprocs; i++) {
		const struct fake_proc_cfg *p = &sc->procs[i];
		int n;

		snprintf(path, sizeof(path), "%s/proc/%d", root, p->pid);
		mkdir_or_die(path, 0755);
		snprintf(path, sizeof(path), "%s/proc/%d/fd", root, p->pid);
		mkdir_or_die(path, 0755);
		snprintf(path, sizeof(path), "%s/proc/%d/fdinfo", root, p->pid);
		mkdir_or_die(path, 0755);
		snprintf(path, sizeof(path), "%s/proc/%d/comm", root, p->pid);
		n = snprintf(text, sizeof(text), "%s\n", p->comm);
		put(path, text, (size_t)n);
		snprintf(path, sizeof(path), "%s/proc/%d/cmdline", root, p->pid);
		put(path, p->cmdline, p->cmdline_len);
		snprintf(path, sizeof(path), "%s/proc/%d/stat", root, p->pid);
		n = snprintf(text, sizeof(text),
			     "%d (%s) %c 1 %d %d 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n",
			     p->pid, p->comm, p->state, p->pid, p->pid);
		put(path, text, (size_t)n);
		for (size_t j = 0; j < p->nfds; j++) {
			const struct fake_fd_cfg *f = &p->fds[j];

			snprintf(path, sizeof(path), "%s/proc/%d/fd/%d", root, p->pid, f->fd);
			put(path, "", 0);
			snprintf(path, sizeof(path), "%s/proc/%d/fdinfo/%d", root, p->pid, f->fd);
			n = snprintf(text, sizeof(text),
				     "pos:\t0\nflags:\t0%o\nmnt_id:\t24\nino:\t%d\n", f->flags,
				     1000 + f->fd);
			put(path, text, (size_t)n);
		}
	}
}

bool fake_proc_path(const char *path)
{
	return !strncmp(path, "/proc/", 6) && path[6] >= '1' && path[6] <= '9';
}

static const struct fake_proc_cfg *proc_of(const struct fake_scenario *sc, long pid)
{
	for (size_t i = 0; i < sc->nprocs; i++)
		if (sc->procs[i].pid == pid)
			return &sc->procs[i];
	return NULL;
}

static const struct fake_fd_cfg *fd_of(const struct fake_proc_cfg *p, const char *name)
{
	char *end;
	long fd = strtol(name, &end, 10);

	if (end == name || *end || (name[0] == '0' && name[1]))
		return NULL;
	for (size_t i = 0; i < p->nfds; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

/* "/proc/PID/REST": the step REST is and whether it needs ptrace access. */
static enum fake_exit_at step_of(const char *rest, enum fake_proc_op op, bool *ptrace)
{
	*ptrace = !strncmp(rest, "fd", 2);
	if (!strcmp(rest, "fd") || !strcmp(rest, "fd/"))
		return FAKE_EXIT_FD_DIR;
	if (!strncmp(rest, "fd/", 3))
		return op == FAKE_PROC_STAT ? FAKE_EXIT_FD_LINK : FAKE_EXIT_FD_DIR;
	if (!strncmp(rest, "fdinfo", 6))
		return FAKE_EXIT_FDINFO;
	if (!strcmp(rest, "comm"))
		return FAKE_EXIT_COMM;
	if (!strcmp(rest, "cmdline"))
		return FAKE_EXIT_CMDLINE;
	return FAKE_EXIT_FD_DIR; /* the directory itself and anything else */
}

int fake_proc_resolve(const struct fake_scenario *sc, const char *root, const char *path,
		      enum fake_proc_op op, char *use, size_t len, struct fake_proc_chr *chr)
{
	const struct fake_proc_cfg *p;
	enum fake_exit_at step;
	const char *rest;
	bool ptrace;
	char *end;
	long pid;

	memset(chr, 0, sizeof(*chr));
	chr->dev_index = -1;
	pid = strtol(path + 6, &end, 10);
	p = proc_of(sc, pid);
	if (!p || (*end && *end != '/'))
		return ENOENT;
	rest = *end ? end + 1 : "";
	step = step_of(rest, op, &ptrace);
	if (p->exit_at != FAKE_EXIT_NEVER && step >= p->exit_at)
		return ENOENT;
	if (ptrace && geteuid() != 0 && geteuid() != p->uid)
		return EACCES;
	snprintf(use, len, "%s%s", root, path);
	if (op == FAKE_PROC_STAT && !strncmp(rest, "fd/", 3)) {
		const struct fake_fd_cfg *f = fd_of(p, rest + 3);

		if (!f)
			return ENOENT;
		if (f->path) {
			snprintf(use, len, "%s", f->path);
		} else if (f->vduse_dev >= 0) { /* the empty file that stands for the link */
			chr->other = true;
			chr->major = sc->vduse_major;
			chr->minor = sc->devs[f->vduse_dev].vduse_minor;
		} else {
			snprintf(use, len, "%s/dev/vhost-vdpa-%d", root, f->dev_index);
		}
		chr->dev_index = f->dev_index;
	}
	return 0;
}
