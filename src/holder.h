/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * holder.h - who holds a vhost-vdpa device: the processes with an open file on its node, found
 * in /proc without opening the node.
 *
 * A vhost-vdpa device admits one open file at a time (vhost_vdpa_open(), drivers/vhost/vdpa.c:
 * "opened" is an atomic that makes a second open fail with EBUSY), so the holder of a busy device
 * is whoever has that file in its descriptor table: one process, or several after fork() or
 * SCM_RIGHTS. /proc/PID/fd/N is a link to the file (fs/proc/fd.c); stat() through it gives the
 * node's st_rdev whatever the node is called or wherever it lives (another mount namespace, a
 * deleted node), so the scan matches device numbers, never names. Reading /proc/PID/fd needs
 * PTRACE_MODE_READ access to the process (proc_fd_permission(), fs/proc/fd.c): as an ordinary
 * user the descriptors of other users' processes are refused (EACCES) and the holder is unknown.
 *
 * holder.c does the one pass over /proc per run and ties the result to the run's devices;
 * holder_parse.c holds the pure parts (QEMU's -name, fdinfo flags, formatting).
 */
#ifndef VDPACTL_HOLDER_H
#define VDPACTL_HOLDER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "errors.h"

struct run;
struct vdpa_device;

/* One process that has the device's node open. */
struct holder_proc {
	int pid;
	char *comm; /* /proc/PID/comm (at most 15 bytes, untrusted), or NULL if unreadable */
	char *vm;   /* QEMU's VM name (-name guest=NAME), or NULL: not QEMU or no -name */
};

enum holder_status {
	HOLDER_FREE, /* no process holds it (JSON null): the device was opened, or /proc says so */
	HOLDER_HELD, /* procs[] hold it (errors[] non-empty: there may be more) */
	HOLDER_UNKNOWN, /* not established: /proc could not be read (errors[] says why) */
};

struct holder_info {
	bool checked; /* a scan looked for this device's holder (list; busy devices) */
	enum holder_status status;
	struct holder_proc *procs;
	size_t n;
	struct err_list errors; /* why the list may be incomplete */
};

void holder_info_free(struct holder_info *h);

/* ---- the scan (holder.c) ---------------------------------------------------------------- */

struct holder_match {
	dev_t rdev;
	size_t proc; /* index into procs */
};

/* One pass over /proc: every process with a descriptor on one of the wanted device numbers. */
struct holder_scan {
	struct holder_proc *procs;
	size_t n_procs;
	struct holder_match *m;
	size_t n_m;
	size_t n_seen;	 /* processes listed in /proc */
	size_t n_gone;	 /* exited while being read: skipped */
	size_t n_denied; /* descriptors refused (EACCES/EPERM) */
	int denied_pid;	 /* the lowest pid of them */
	size_t n_failed; /* descriptors unreadable for another reason */
	int failed_errno, failed_pid;
	int proc_errno; /* /proc itself could not be listed (0: it could) */
};

/*
 * Scan /proc once for processes holding a descriptor whose file is a character device with one
 * of the @n_want numbers in @want. Never opens a device node: it lists /proc/PID/fd, stats its
 * links, reads /proc/PID/fdinfo/N of the matches (an O_PATH descriptor holds nothing) and the
 * holders' comm and cmdline. A process that exits meanwhile (ENOENT, ESRCH) is skipped.
 */
void holder_scan(struct holder_scan *s, const dev_t *want, size_t n_want);
void holder_scan_free(struct holder_scan *s);

/*
 * The holder of device @rdev according to @s, into @h (copied; @busy: the kernel said EBUSY,
 * so "no holder found" is not "free" but unknown).
 */
void holder_lookup(const struct holder_scan *s, dev_t rdev, bool busy, struct holder_info *h);

/*
 * Fill d->holder for the run's devices that have a node: every one (@all, for list, which opens
 * nothing) or only the busy ones. One scan for all of them, none if no device needs it. A busy
 * device's EBUSY error names the holder; an incomplete scan adds one run-level error.
 */
void holder_attach(struct run *r, bool all);

/* ---- pure (holder_parse.c) -------------------------------------------------------------- */

/*
 * QEMU's VM name from a process's command line, as /proc/PID/cmdline gives it (@len bytes of
 * NUL-separated arguments; the last one may lack its NUL). The value of the last "-name" (or
 * "--name") option is parsed as QEMU parses QemuOpts (util/qemu-option.c, get_opt_value()):
 * parameters split at ',', ",," is a literal comma, a first parameter without '=' is the
 * implied "guest" parameter (qemu-options.hx: "-name [guest=]name[,debug-threads=on|off]"), and
 * the last "guest" wins (the "name" option list merges, softmmu/vl.c). Returns a malloc'd name
 * or NULL (no -name, no guest parameter, or an empty name).
 */
char *holder_qemu_name(const char *cmdline, size_t len);

/* Pure: true if the command looks like QEMU: comm or argv[0]'s base name starts with "qemu". */
bool holder_is_qemu(const char *comm, const char *cmdline, size_t len);

/*
 * Pure: the "flags:" field of /proc/PID/fdinfo/N text (octal, fs/proc/fd.c seq_show()) into
 * *flags. Returns 0, or -1 when the text has no well-formed flags line.
 */
int holder_fdinfo_flags(const char *text, unsigned long *flags);

/*
 * One table cell for the holder of @d: "-" when free or not looked up, "?" when unknown,
 * else "PID COMM (VM)" per process, comma-separated ("1234 qemu-system-x86 (guest1)"), cut
 * with "..." to fit @len. Untrusted bytes are copied as they are: the renderer escapes the cell.
 */
const char *holder_cell(const struct vdpa_device *d, char *buf, size_t len);

/*
 * Pure: "held by pid 1234 (qemu-system-x86), VM guest1" (processes joined by "; "), or
 * "holder unknown: REASON" for @h. Malloc'd; untrusted bytes as they are.
 */
char *holder_describe(const struct holder_info *h);

#endif
