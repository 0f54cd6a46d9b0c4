// SPDX-License-Identifier: MIT
/*
 * fake_core.c - libc interposition for the fake vhost-vdpa kernel.
 *
 * Preloaded into the real vdpactl (LD_PRELOAD) with FAKE_VDPA_SCENARIO set,
 * this makes the process see the vhost-vdpa devices a scenario file describes
 * (the model is nvme-cli's tests/cli/libmock_fabrics.c).  Without
 * FAKE_VDPA_SCENARIO every call goes straight to the next definition.
 *
 * - A private root (mkdtemp under $TMPDIR or /tmp, made on first use,
 *   removed at exit by the process that made it) holds dev/vhost-vdpa-N as
 *   empty regular files and proc/devices (the real one plus a "vhost-vdpa"
 *   line).  Paths /dev/vhost-vdpa-*, /proc/devices and opendir("/dev") are
 *   redirected there; everything else passes through untouched.
 * - Opening a node's file gives a real fd that is TRACKED (fd -> device):
 *   fstat reports a character device, ioctl/write/read are emulated by
 *   fake_vhost.c and never reach the file, close runs the release semantics.
 * - FAKE_VDPA_LOG gets one line per intercepted call and a last
 *   "exit open_fds=N tracked_open=M inherited_fds=K" line.
 * - FAKE_VDPA_INJECT errors are applied before any emulation (fake_inject.c).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fake.h"

/* glibc entry points that recent headers no longer (or only with
 * _FORTIFY_SOURCE) declare. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstat64(int ver, int fd, struct stat64 *st);
int __xstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);
char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen);
ssize_t __readlink_chk(const char *path, char *buf, size_t len, size_t buflen);
ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t len, size_t buflen);

/* ------------------------------------------------------------------------ */
/* The next definitions (dlsym RTLD_NEXT), resolved lazily so that calls     */
/* made before our constructor still work.                                   */

static void *next_sym(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* REAL(name) is the next definition of name, looked up on first use. */
#define REAL_DECL(name)                                                                      \
	static __typeof__(&name) real_##name;                                                \
	__attribute__((unused)) static __typeof__(&name) get_##name(void)                   \
	{                                                                                    \
		if (!real_##name)                                                            \
			real_##name = (__typeof__(&name))next_sym(#name);                    \
		return real_##name;                                                          \
	}
#define REAL(name) get_##name()

REAL_DECL(open)
REAL_DECL(open64)
REAL_DECL(openat)
REAL_DECL(openat64)
REAL_DECL(__open_2)
REAL_DECL(__open64_2)
REAL_DECL(__openat_2)
REAL_DECL(__openat64_2)
REAL_DECL(fopen)
REAL_DECL(fopen64)
REAL_DECL(fclose)
REAL_DECL(opendir)
REAL_DECL(readdir)
REAL_DECL(readdir64)
REAL_DECL(closedir)
REAL_DECL(close)
REAL_DECL(fstat)
REAL_DECL(fstat64)
REAL_DECL(__fxstat)
REAL_DECL(__fxstat64)
REAL_DECL(fstatat)
REAL_DECL(fstatat64)
REAL_DECL(__fxstatat)
REAL_DECL(__fxstatat64)
REAL_DECL(stat)
REAL_DECL(stat64)
REAL_DECL(lstat)
REAL_DECL(lstat64)
REAL_DECL(__xstat)
REAL_DECL(__xstat64)
REAL_DECL(__lxstat)
REAL_DECL(__lxstat64)
REAL_DECL(access)
REAL_DECL(faccessat)
REAL_DECL(ioctl)
REAL_DECL(read)
REAL_DECL(write)
REAL_DECL(uname)
REAL_DECL(readlink)
REAL_DECL(readlinkat)
REAL_DECL(__readlink_chk)
REAL_DECL(__readlinkat_chk)
REAL_DECL(realpath)
REAL_DECL(__realpath_chk)
REAL_DECL(canonicalize_file_name)
REAL_DECL(socket)
REAL_DECL(bind)
REAL_DECL(connect)
REAL_DECL(getsockname)
REAL_DECL(getpeername)
REAL_DECL(setsockopt)
REAL_DECL(getsockopt)
REAL_DECL(send)
REAL_DECL(sendto)
REAL_DECL(sendmsg)
REAL_DECL(recv)
REAL_DECL(recvfrom)
REAL_DECL(recvmsg)

#define MISSING(name) (errno = ENOSYS, -1)
/* Call the next definition, or fail with ENOSYS if there is none. */
#define NEXT(name, ...) (REAL(name) ? REAL(name)(__VA_ARGS__) : MISSING(name))

int fake_real_open(const char *path, int flags, mode_t mode)
{
	return NEXT(open, path, flags, mode);
}

ssize_t fake_real_read(int fd, void *buf, size_t len)
{
	return NEXT(read, fd, buf, len);
}

ssize_t fake_real_write(int fd, const void *buf, size_t len)
{
	return NEXT(write, fd, buf, len);
}

int fake_real_close(int fd)
{
	return NEXT(close, fd);
}

/* ------------------------------------------------------------------------ */
/* State                                                                     */

pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;

static bool g_active;
static struct fake_scenario g_sc;
static char *g_log;
static bool g_log_time; /* FAKE_VDPA_LOG_TIME=1: each line starts with CLOCK_MONOTONIC seconds */
/*
 * FAKE_VDPA_TIMING=path: at exit, append "fake_us=N": the wall time the fake spent loading the
 * scenario, building its private root and removing it, the costs a benchmark takes off the
 * program's own time (tests/bench/list-bench.sh).
 */
static char *g_timing;
static uint64_t g_fake_ns;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static char g_root[PATH_MAX];
static char g_root_real[PATH_MAX]; /* g_root with symlinks resolved, for realpath() */
static bool g_root_made;
static pid_t g_root_pid;
static dev_t g_devdir_dev;
static ino_t g_devdir_ino;

struct tracked {
	int fd;
	struct fake_dev *dev;
	int flags;
	bool path_only; /* O_PATH: no driver open, no ioctl/read/write */
};
static struct tracked *g_tr;
static size_t g_ntr; /* read without the lock as a fast "nothing tracked" test */
static size_t g_captr;

static DIR *g_dirs[32]; /* DIR streams of the redirected /dev */
static size_t g_ndirs;

struct fdid {
	int fd;
	dev_t dev;
	ino_t ino;
};
static struct fdid *g_inherited;
static size_t g_ninherited;

bool fake_active(void)
{
	return g_active;
}

static void lock(void)
{
	pthread_mutex_lock(&fake_lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&fake_lock);
}

static bool any_tracked(void)
{
	return __atomic_load_n(&g_ntr, __ATOMIC_ACQUIRE) != 0;
}

static struct tracked *tr_find(int fd)
{
	for (size_t i = 0; i < g_ntr; i++)
		if (g_tr[i].fd == fd)
			return &g_tr[i];
	return NULL;
}

static void tr_add(int fd, struct fake_dev *dev, int flags, bool path_only)
{
	if (g_ntr == g_captr) {
		size_t cap = g_captr ? g_captr * 2 : 8;
		struct tracked *n = realloc(g_tr, cap * sizeof(*n));

		if (!n)
			fake_die("out of memory");
		g_tr = n;
		g_captr = cap;
	}
	g_tr[g_ntr] = (struct tracked){ fd, dev, flags, path_only };
	__atomic_store_n(&g_ntr, g_ntr + 1, __ATOMIC_RELEASE);
}

static void tr_del(struct tracked *t)
{
	*t = g_tr[g_ntr - 1];
	__atomic_store_n(&g_ntr, g_ntr - 1, __ATOMIC_RELEASE);
}

/* The netlink sockets (fake_netlink.c); g_nnl is a lock-free "none open" test. */
static size_t g_nnl;

static bool any_nl(void)
{
	return __atomic_load_n(&g_nnl, __ATOMIC_ACQUIRE) != 0;
}

/* Is fd a fake netlink socket? (takes the lock) */
static bool fake_nl_is(int fd)
{
	bool r;

	pthread_mutex_lock(&fake_lock);
	r = fake_nl_find(fd) != NULL;
	pthread_mutex_unlock(&fake_lock);
	return r;
}

static bool nl_close(int fd, int *r);
static ssize_t nl_send(int fd, const void *buf, size_t len, const struct sockaddr *to,
		       socklen_t tolen, const char *verb);
static ssize_t nl_recv(int fd, struct msghdr *m, int flags, const char *verb);

/* ------------------------------------------------------------------------ */
/* Messages, errno names, log                                                */

_Noreturn void fake_die(const char *fmt, ...)
{
	char msg[1536];
	struct rlimit nocore = { 0, 0 };
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "fake-vdpa: ");

	va_start(ap, fmt);
	n += vsnprintf(msg + n, sizeof(msg) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	(void)!fake_real_write(2, msg, (size_t)n);
	setrlimit(RLIMIT_CORE, &nocore); /* a test failure, not a crash */
	abort();
}

const char *fake_errname(int err)
{
	static _Thread_local char buf[16];
	const char *n;

	if (err == 524)
		return "ENOTSUPP"; /* kernel-internal, seen as "Unknown error 524" */
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

int fake_errno_lookup(const char *name)
{
	static const struct {
		const char *name;
		int err;
	} alias[] = { { "ENOTSUPP", 524 },
		      { "ENOTSUP", ENOTSUP },
		      { "EWOULDBLOCK", EWOULDBLOCK },
		      { "EDEADLOCK", EDEADLOCK } };

	for (size_t i = 0; i < FAKE_ARRAY_SIZE(alias); i++)
		if (!strcmp(name, alias[i].name))
			return alias[i].err;
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	return -1;
}

bool fake_log_enabled(void)
{
	return g_log != NULL;
}

void fake_log(const char *fmt, ...)
{
	char line[2048];
	int saved = errno, n, fd;
	va_list ap;

	int t = 0;

	if (!g_log)
		return;
	if (g_log_time) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		t = snprintf(line, sizeof(line), "%lld.%09ld ", (long long)ts.tv_sec, ts.tv_nsec);
	}
	va_start(ap, fmt);
	n = vsnprintf(line + t, sizeof(line) - 1 - (size_t)t, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += t;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* Opened per line: no descriptor of ours lives in the process. */
	fd = fake_real_open(g_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!fake_real_write(fd, line, (size_t)n);
		fake_real_close(fd);
	}
	errno = saved;
}

/* "= 3" or "= -1 EBUSY" (+ " (injected)") */
static const char *result(long r, int err, bool injected)
{
	static _Thread_local char buf[64];

	if (r >= 0)
		snprintf(buf, sizeof(buf), "%ld", r);
	else
		snprintf(buf, sizeof(buf), "-1 %s%s", fake_errname(err),
			 injected ? " (injected)" : "");
	return buf;
}

static const char *open_flags(int flags)
{
	static _Thread_local char buf[192];
	static const struct {
		int bit;
		const char *name;
	} names[] = { { O_CREAT, "O_CREAT" },	    { O_EXCL, "O_EXCL" },
		      { O_NOCTTY, "O_NOCTTY" },	    { O_TRUNC, "O_TRUNC" },
		      { O_APPEND, "O_APPEND" },	    { O_NONBLOCK, "O_NONBLOCK" },
		      { O_SYNC, "O_SYNC" },
		      { O_DSYNC, "O_DSYNC" },	    { O_DIRECT, "O_DIRECT" },
		      { O_TMPFILE, "O_TMPFILE" },   { O_DIRECTORY, "O_DIRECTORY" },
		      { O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" },
		      { O_CLOEXEC, "O_CLOEXEC" },   { O_PATH, "O_PATH" } };
	int rest = flags & ~O_ACCMODE;
	size_t n;

	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		n = (size_t)snprintf(buf, sizeof(buf), "O_RDONLY");
		break;
	case O_WRONLY:
		n = (size_t)snprintf(buf, sizeof(buf), "O_WRONLY");
		break;
	case O_RDWR:
		n = (size_t)snprintf(buf, sizeof(buf), "O_RDWR");
		break;
	default:
		n = (size_t)snprintf(buf, sizeof(buf), "O_ACCMODE");
	}
	for (size_t i = 0; i < FAKE_ARRAY_SIZE(names); i++)
		if (names[i].bit && (rest & names[i].bit) == names[i].bit) {
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "|%s", names[i].name);
			rest &= ~names[i].bit;
		}
	if (rest)
		snprintf(buf + n, sizeof(buf) - n, "|0x%x", (unsigned)rest);
	return buf;
}

/* ------------------------------------------------------------------------ */
/* The private root                                                          */

static void put_file(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = fake_real_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		fake_die("cannot create %s: %s", path, strerror(errno));
	while (len) {
		ssize_t w = fake_real_write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			fake_die("cannot write %s: %s", path, strerror(errno));
		data += w;
		len -= (size_t)w;
	}
	fake_real_close(fd);
}

/* The real /proc/devices with "<major> vhost-vdpa" in "Character devices:"
 * (sorted by major), or without any such line when the module is absent. */
static void make_proc_devices(const char *dst)
{
	char in[16384], *out, line[256];
	size_t n = 0, o = 0;
	bool in_char = false, added = !g_sc.module;
	int fd = fake_real_open("/proc/devices", O_RDONLY | O_CLOEXEC, 0);

	if (fd >= 0) {
		ssize_t r;

		while (n < sizeof(in) - 1 && (r = fake_real_read(fd, in + n, sizeof(in) - 1 - n)))
			if (r < 0) {
				if (errno != EINTR)
					break;
			} else {
				n += (size_t)r;
			}
		fake_real_close(fd);
	}
	if (n == 0) /* no /proc: a minimal one */
		n = (size_t)snprintf(in, sizeof(in), "Character devices:\n\nBlock devices:\n");
	in[n] = 0;
	out = malloc(n + 64);
	if (!out)
		fake_die("out of memory");
	snprintf(line, sizeof(line), "%3u vhost-vdpa\n", g_sc.major);
	for (char *p = in, *nl; *p; p = nl) {
		size_t len;
		char *end;
		unsigned long major;

		nl = strchr(p, '\n');
		nl = nl ? nl + 1 : p + strlen(p);
		len = (size_t)(nl - p);
		major = strtoul(p, &end, 10);
		if (end != p && !strncmp(end, " vhost-vdpa\n", 12))
			continue; /* the host's own line, if any */
		if (in_char && !added && (end == p || major > g_sc.major)) {
			memcpy(out + o, line, strlen(line));
			o += strlen(line);
			added = true;
		}
		if (!strncmp(p, "Character devices:", 18))
			in_char = true;
		else if (end == p)
			in_char = false;
		memcpy(out + o, p, len);
		o += len;
	}
	if (!added) {
		memcpy(out + o, line, strlen(line));
		o += strlen(line);
	}
	put_file(dst, out, o, 0444);
	free(out);
}

/*
 * Where private roots go: $TMPDIR when set, else /dev/shm (tmpfs: building the sysfs of a
 * host with thousands of devices takes 40x longer on a disk file system), else /tmp.
 */
static const char *root_base(void)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	if (tmp && *tmp)
		return tmp;
	if (NEXT(stat, "/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	    NEXT(access, "/dev/shm", W_OK | X_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

/* Called with the lock held. */
static void root_ensure(void)
{
	const char *tmp;
	char path[PATH_MAX + 64];
	struct stat st;

	uint64_t t0;

	if (g_root_made)
		return; /* also in a forked child: the parent's root serves */
	t0 = mono_ns();
	tmp = root_base();
	snprintf(g_root, sizeof(g_root), "%s/fake-vdpa.XXXXXX", tmp);
	if (!mkdtemp(g_root))
		fake_die("mkdtemp %s: %s", g_root, strerror(errno));
	g_root_made = true;
	g_root_pid = getpid();
	snprintf(path, sizeof(path), "%s/dev", g_root);
	if (mkdir(path, 0755) || REAL(stat)(path, &st))
		fake_die("mkdir %s: %s", path, strerror(errno));
	g_devdir_dev = st.st_dev;
	g_devdir_ino = st.st_ino;
	snprintf(path, sizeof(path), "%s/proc", g_root);
	if (mkdir(path, 0755))
		fake_die("mkdir %s: %s", path, strerror(errno));
	/* who made it, for reap_stale_roots() */
	snprintf(path, sizeof(path), "%s/owner", g_root);
	{
		char pid[32];
		int n = snprintf(pid, sizeof(pid), "%d\n", (int)g_root_pid);

		put_file(path, pid, (size_t)n, 0444);
	}
	for (size_t i = 0; i < g_sc.ndevs; i++) {
		if (!g_sc.devs[i].has_index)
			continue; /* not bound to vhost_vdpa: no node */
		snprintf(path, sizeof(path), "%s/dev/vhost-vdpa-%u", g_root, g_sc.devs[i].index);
		put_file(path, "", 0, 0600);
	}
	snprintf(path, sizeof(path), "%s/proc/devices", g_root);
	make_proc_devices(path);
	fake_sysfs_build(&g_sc, g_root);
	fake_proc_build(&g_sc, g_root);
	if (!REAL(realpath) || !REAL(realpath)(g_root, g_root_real))
		snprintf(g_root_real, sizeof(g_root_real), "%s", g_root);
	g_fake_ns += mono_ns() - t0;
}

static void rm_tree(const char *dir)
{
	DIR *d = REAL(opendir)(dir);
	struct dirent *e;
	char path[PATH_MAX + 300];

	if (d) {
		while ((e = REAL(readdir)(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			struct stat st;

			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (e->d_type == DT_DIR ||
			    (e->d_type == DT_UNKNOWN && !NEXT(lstat, path, &st) && S_ISDIR(st.st_mode)))
				rm_tree(path);
			else
				unlink(path);
		}
		REAL(closedir)(d);
	}
	rmdir(dir);
}

/*
 * A root outlives its maker when the maker exec()s (no destructor runs) or is
 * killed.  At start-up, remove roots whose maker is gone, or is this very
 * process before an exec (same pid).
 */
static void reap_stale_roots(void)
{
	const char *tmp = root_base();
	char path[PATH_MAX + 300];
	DIR *d;
	struct dirent *e;

	d = REAL(opendir) ? REAL(opendir)(tmp) : NULL;
	if (!d)
		return;
	while ((e = REAL(readdir)(d))) {
		char pidbuf[32];
		ssize_t n;
		long pid;
		int fd;

		if (strncmp(e->d_name, "fake-vdpa.", 10))
			continue;
		snprintf(path, sizeof(path), "%s/%s/owner", tmp, e->d_name);
		fd = fake_real_open(path, O_RDONLY | O_CLOEXEC, 0);
		if (fd < 0)
			continue;
		n = fake_real_read(fd, pidbuf, sizeof(pidbuf) - 1);
		fake_real_close(fd);
		if (n <= 0)
			continue;
		pidbuf[n] = 0;
		pid = strtol(pidbuf, NULL, 10);
		if (pid <= 0 || (pid != getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, e->d_name);
		rm_tree(path);
	}
	REAL(closedir)(d);
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                     */

#define NODE_PREFIX "/dev/vhost-vdpa-"

enum pathkind { P_OTHER, P_NODE, P_PROCDEV, P_DEVDIR, P_SYS, P_PROCDIR, P_PROC };

static enum pathkind classify(const char *path)
{
	if (!strncmp(path, NODE_PREFIX, sizeof(NODE_PREFIX) - 1))
		return P_NODE;
	if (!strcmp(path, "/proc/devices"))
		return P_PROCDEV;
	if (!strcmp(path, "/dev") || !strcmp(path, "/dev/"))
		return P_DEVDIR;
	if (!strncmp(path, "/sys/", 5) && fake_sysfs_path(path))
		return P_SYS;
	if (g_sc.host_procs)
		return P_OTHER;
	if (!strcmp(path, "/proc") || !strcmp(path, "/proc/"))
		return P_PROCDIR;
	if (fake_proc_path(path))
		return P_PROC;
	return P_OTHER;
}

/* The nodes are root:root 0600 (drivers/vhost/vdpa.c vhost_vdpa_open()/vhost_vdpa_release()): without CAP_DAC_OVERRIDE (here: euid 0) an open
 * for reading or writing is refused, as the VFS refuses it. */
static bool node_denied(int flags)
{
	return !(flags & O_PATH) && geteuid() != 0;
}

/*
 * FAKE_VDPA_DELAY: with the lock held, count the call; if a delay applies, log it, drop the
 * lock for the sleep (a signal handler may close descriptors meanwhile) and take it again.
 * The caller must look its fd up again afterwards. Returns true if it slept.
 */
static bool delay_unlocked(enum fake_inj_op op, const char *target, int dev, const char *what)
{
	unsigned long ms = fake_delay_check(op, target, dev);
	char buf[PATH_MAX + 64];

	if (!ms)
		return false;
	/* "delay ioctl 3 VHOST_SET_OWNER 2000ms": what the call is, as its own line says it */
	if (what)
		snprintf(buf, sizeof(buf), "%s", what);
	else
		snprintf(buf, sizeof(buf), "%s %s", fake_inj_op_name(op), target ? target : "");
	pthread_mutex_unlock(&fake_lock);
	fake_delay_sleep(buf, ms);
	pthread_mutex_lock(&fake_lock);
	return true;
}

/* "vhost-vdpa-N" (kernel name: no sign, no leading zero) -> device */
static struct fake_dev *dev_from_base(const char *base)
{
	const char *p = base + strlen("vhost-vdpa-");
	unsigned long n = 0;

	if (strncmp(base, "vhost-vdpa-", strlen("vhost-vdpa-")) || !*p || (p[0] == '0' && p[1]))
		return NULL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > (1u << 20))
			return NULL;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	return fake_dev_by_index((unsigned)n);
}

static struct fake_dev *dev_from_path(const char *path)
{
	return dev_from_base(path + strlen("/dev/"));
}

static void redirect(char *out, size_t len, const char *path)
{
	root_ensure();
	snprintf(out, len, "%s%s", g_root, path);
}

static bool is_devdir_fd(int dirfd)
{
	struct stat st;

	return g_root_made && dirfd >= 0 && NEXT(fstat, dirfd, &st) == 0 &&
	       st.st_dev == g_devdir_dev && st.st_ino == g_devdir_ino;
}

#define PATCH_STAT_CHR(st, maj, min)                                                         \
	do {                                                                                 \
		(st)->st_mode = S_IFCHR | 0600;                                              \
		(st)->st_uid = 0;                                                            \
		(st)->st_gid = 0;                                                            \
		(st)->st_rdev = makedev((maj), (min));                                       \
		(st)->st_size = 0;                                                           \
		(st)->st_blocks = 0;                                                         \
	} while (0)
#define PATCH_STAT(st, d) PATCH_STAT_CHR(st, (d)->major, (d)->cfg->index)

/* ------------------------------------------------------------------------ */
/* open family                                                               */

enum ov { OV_OPEN, OV_OPEN64, OV_OPENAT, OV_OPENAT64, OV_OPEN2, OV_OPEN64_2, OV_OPENAT2,
	  OV_OPENAT64_2 };

static int real_open_v(enum ov v, int dirfd, const char *path, int flags, mode_t mode)
{
	switch (v) {
	case OV_OPEN:
		return NEXT(open, path, flags, mode);
	case OV_OPEN64:
		return NEXT(open64, path, flags, mode);
	case OV_OPENAT:
		return NEXT(openat, dirfd, path, flags, mode);
	case OV_OPENAT64:
		return NEXT(openat64, dirfd, path, flags, mode);
	case OV_OPEN2:
		return NEXT(__open_2, path, flags);
	case OV_OPEN64_2:
		return NEXT(__open64_2, path, flags);
	case OV_OPENAT2:
		return NEXT(__openat_2, dirfd, path, flags);
	case OV_OPENAT64_2:
		return NEXT(__openat64_2, dirfd, path, flags);
	}
	errno = EINVAL;
	return -1;
}

static bool is_at(enum ov v)
{
	return v == OV_OPENAT || v == OV_OPENAT64 || v == OV_OPENAT2 || v == OV_OPENAT64_2;
}

/* Driver open on a node just opened as fd; returns fd or -1 with *err. */
static int node_opened(int fd, struct fake_dev *d, int flags, int *err)
{
	int r;

	if (flags & O_PATH) { /* no driver open for O_PATH */
		tr_add(fd, d, flags, true);
		return fd;
	}
	r = fake_dev_open(d, flags);
	if (r) {
		NEXT(close, fd);
		*err = -r;
		return -1;
	}
	tr_add(fd, d, flags, false);
	return fd;
}

/* open("/proc/PID/...") of the scenario's processes (fake_proc.c) */
static int proc_open(enum ov v, const char *path, int flags, mode_t mode)
{
	char use[PATH_MAX + 64];
	struct fake_proc_chr devi;
	int fd, err;

	lock();
	root_ensure();
	err = fake_inject_check(FAKE_INJ_OPEN, path, -1);
	if (err) {
		fake_log("proc open %s = %s", path, result(-1, err, true));
		unlock();
		errno = err;
		return -1;
	}
	err = fake_proc_resolve(&g_sc, g_root, path, FAKE_PROC_OPEN, use, sizeof(use), &devi);
	fd = err ? -1 : real_open_v(v, AT_FDCWD, use, flags, mode);
	if (!err && fd < 0)
		err = errno;
	fake_log("proc open %s %s = %s", path, open_flags(flags), result(fd, err, false));
	unlock();
	errno = err;
	return fd;
}

static int do_open(enum ov v, int dirfd, const char *path, int flags, mode_t mode)
{
	char logical[PATH_MAX], rpath[PATH_MAX + 64];
	const char *use = path, *verb;
	enum pathkind k;
	struct fake_dev *d = NULL;
	int fd, err, inj, at = AT_FDCWD;

	if (!g_active || !path)
		return real_open_v(v, dirfd, path, flags, mode);
	k = classify(path);
	if (k == P_PROC)
		return proc_open(v, path, flags, mode);
	if (k == P_OTHER && path[0] != '/' && is_at(v) && dirfd != AT_FDCWD && is_devdir_fd(dirfd)) {
		/* openat(dirfd(opendir("/dev")), "vhost-vdpa-0") */
		snprintf(logical, sizeof(logical), "/dev/%s", path);
		k = P_NODE;
		at = dirfd;
	} else if (k == P_NODE || k == P_PROCDEV || k == P_SYS) {
		snprintf(logical, sizeof(logical), "%s", path);
	} else {
		return real_open_v(v, dirfd, path, flags, mode);
	}
	verb = k == P_SYS ? "sysfs open" : "open";

	lock();
	delay_unlocked(FAKE_INJ_OPEN, logical, -1, NULL);
	inj = fake_inject_check(FAKE_INJ_OPEN, logical, -1);
	if (inj) {
		fake_log("%s %s %s = %s", verb, logical, open_flags(flags), result(-1, inj, true));
		unlock();
		errno = inj;
		return -1;
	}
	if (k == P_NODE && dev_from_path(logical) && node_denied(flags)) {
		fake_log("%s %s %s = %s", verb, logical, open_flags(flags),
			 result(-1, EACCES, false));
		unlock();
		errno = EACCES;
		return -1;
	}
	if (at == AT_FDCWD) {
		redirect(rpath, sizeof(rpath), path);
		use = rpath;
	}
	fd = real_open_v(v, at, use, flags, mode);
	err = errno;
	if (fd >= 0 && k == P_NODE && (d = dev_from_path(logical)))
		fd = node_opened(fd, d, flags, &err);
	fake_log("%s %s %s = %s", verb, logical, open_flags(flags), result(fd, err, false));
	unlock();
	errno = err;
	return fd;
}

static mode_t va_mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

FAKE_EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_mode_arg(flags, ap);
	va_end(ap);
	return do_open(OV_OPEN, AT_FDCWD, path, flags, mode);
}

FAKE_EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_mode_arg(flags, ap);
	va_end(ap);
	return do_open(OV_OPEN64, AT_FDCWD, path, flags, mode);
}

FAKE_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_mode_arg(flags, ap);
	va_end(ap);
	return do_open(OV_OPENAT, dirfd, path, flags, mode);
}

FAKE_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_mode_arg(flags, ap);
	va_end(ap);
	return do_open(OV_OPENAT64, dirfd, path, flags, mode);
}

FAKE_EXPORT int __open_2(const char *path, int flags)
{
	return do_open(OV_OPEN2, AT_FDCWD, path, flags, 0);
}

FAKE_EXPORT int __open64_2(const char *path, int flags)
{
	return do_open(OV_OPEN64_2, AT_FDCWD, path, flags, 0);
}

FAKE_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return do_open(OV_OPENAT2, dirfd, path, flags, 0);
}

FAKE_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return do_open(OV_OPENAT64_2, dirfd, path, flags, 0);
}

static int fopen_flags(const char *mode)
{
	int acc = mode[0] == 'r' ? O_RDONLY : O_WRONLY, extra = 0;

	for (const char *p = mode + (mode[0] ? 1 : 0); *p && *p != ','; p++) {
		if (*p == '+')
			acc = O_RDWR;
		else if (*p == 'e')
			extra |= O_CLOEXEC;
		else if (*p == 'x')
			extra |= O_EXCL;
	}
	if (mode[0] == 'w')
		extra |= O_CREAT | O_TRUNC;
	else if (mode[0] == 'a')
		extra |= O_CREAT | O_APPEND;
	return acc | extra;
}

static FILE *do_fopen(bool is64, const char *path, const char *mode)
{
	char rpath[PATH_MAX + 64];
	enum pathkind k;
	struct fake_dev *d;
	const char *verb;
	FILE *f;
	int err, inj, fd = -1;

	if (!g_active || !path || !mode ||
	    ((k = classify(path)) != P_NODE && k != P_PROCDEV && k != P_SYS))
		return is64 ? (REAL(fopen64) ? REAL(fopen64)(path, mode) : NULL)
			    : (REAL(fopen) ? REAL(fopen)(path, mode) : NULL);
	verb = k == P_SYS ? "sysfs fopen" : "fopen";
	lock();
	delay_unlocked(FAKE_INJ_OPEN, path, -1, NULL);
	inj = fake_inject_check(FAKE_INJ_OPEN, path, -1);
	if (inj) {
		fake_log("%s %s %s = %s", verb, path, mode, result(-1, inj, true));
		unlock();
		errno = inj;
		return NULL;
	}
	if (k == P_NODE && dev_from_path(path) && node_denied(fopen_flags(mode))) {
		fake_log("%s %s %s = %s", verb, path, mode, result(-1, EACCES, false));
		unlock();
		errno = EACCES;
		return NULL;
	}
	redirect(rpath, sizeof(rpath), path);
	f = is64 ? REAL(fopen64)(rpath, mode) : REAL(fopen)(rpath, mode);
	err = errno;
	if (f) {
		fd = fileno(f);
		if (k == P_NODE && (d = dev_from_path(path))) {
			int r = fake_dev_open(d, fopen_flags(mode));

			if (r) {
				REAL(fclose)(f);
				f = NULL;
				fd = -1;
				err = -r;
			} else {
				tr_add(fd, d, fopen_flags(mode), false);
			}
		}
	}
	fake_log("%s %s %s = %s", verb, path, mode, result(fd, err, false));
	unlock();
	errno = err;
	return f;
}

FAKE_EXPORT FILE *fopen(const char *path, const char *mode)
{
	return do_fopen(false, path, mode);
}

FAKE_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	return do_fopen(true, path, mode);
}

/* ------------------------------------------------------------------------ */
/* close                                                                     */

/* Untrack and release; called with the lock held, after the real close. */
static void released(struct tracked *t)
{
	struct fake_dev *d = t->dev;
	bool path_only = t->path_only;

	tr_del(t);
	if (!path_only)
		fake_dev_release(d);
}

FAKE_EXPORT int close(int fd)
{
	struct tracked *t;
	int r, err, inj;

	if (!g_active || (!any_tracked() && !any_nl()))
		return NEXT(close, fd);
	lock();
	if (nl_close(fd, &r)) {
		unlock();
		return r;
	}
	t = tr_find(fd);
	if (!t) {
		unlock();
		return NEXT(close, fd);
	}
	{
		char what[64];

		snprintf(what, sizeof(what), "close %d", fd);
		if (delay_unlocked(FAKE_INJ_CLOSE, NULL, (int)t->dev->cfg->index, what) &&
		    !(t = tr_find(fd))) {
			unlock();
			return NEXT(close, fd);
		}
	}
	/* Like Linux, the descriptor is gone even when close reports an
	 * error, so an injected close error still releases. */
	inj = fake_inject_check(FAKE_INJ_CLOSE, NULL, (int)t->dev->cfg->index);
	r = NEXT(close, fd);
	err = errno;
	released(t);
	if (inj) {
		r = -1;
		err = inj;
	}
	fake_log("close %d = %s", fd, result(r, err, inj != 0));
	unlock();
	errno = err;
	return r;
}

FAKE_EXPORT int fclose(FILE *f)
{
	struct tracked *t;
	int r, err, fd;

	if (!g_active || !f || !any_tracked() || (fd = fileno(f)) < 0)
		return NEXT(fclose, f);
	lock();
	t = tr_find(fd);
	if (!t) {
		unlock();
		return NEXT(fclose, f);
	}
	r = NEXT(fclose, f);
	err = errno;
	released(t);
	fake_log("close %d = %s", fd, result(r, err, false));
	unlock();
	errno = err;
	return r;
}

/* ------------------------------------------------------------------------ */
/* ioctl, write, read                                                        */

FAKE_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	char detail[256], hex[32];
	const char *name;
	struct tracked *t;
	va_list ap;
	void *arg;
	int r, err = 0, inj, dev;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!g_active || !any_tracked())
		return NEXT(ioctl, fd, req, arg);
	lock();
	t = tr_find(fd);
	if (!t) {
		unlock();
		return NEXT(ioctl, fd, req, arg);
	}
	name = fake_ioctl_name(req);
	if (!name) {
		snprintf(hex, sizeof(hex), "0x%lx", req);
		name = hex;
	}
	dev = (int)t->dev->cfg->index;
	{
		char what[128];

		snprintf(what, sizeof(what), "ioctl %d %s", fd, name);
		if (delay_unlocked(FAKE_INJ_IOCTL, name, dev, what) && !(t = tr_find(fd))) {
			unlock();
			return NEXT(ioctl, fd, req, arg);
		}
	}
	if (req == FIOCLEX || req == FIONCLEX || req == FIONBIO || req == FIOASYNC) {
		/* handled by the VFS for every file: apply to the real fd */
		r = NEXT(ioctl, fd, req, arg);
		err = errno;
		fake_log("ioctl %d %s = %s", fd, name, result(r, err, false));
		unlock();
		errno = err;
		return r;
	}
	inj = fake_inject_check(FAKE_INJ_IOCTL, name, dev);
	if (inj) {
		fake_log("ioctl %d %s = %s", fd, name, result(-1, inj, true));
		unlock();
		errno = inj;
		return -1;
	}
	if (t->path_only) {
		r = -EBADF;
		detail[0] = 0;
	} else {
		r = fake_dev_ioctl(t->dev, req, arg, detail, sizeof(detail));
	}
	if (r < 0) {
		err = -r;
		r = -1;
	}
	fake_log("ioctl %d %s = %s%s%s%s", fd, name, result(r, err, false), detail[0] ? " (" : "",
		 detail, detail[0] ? ")" : "");
	unlock();
	if (r < 0)
		errno = err;
	return r;
}

FAKE_EXPORT ssize_t write(int fd, const void *buf, size_t count)
{
	char detail[256];
	struct tracked *t;
	const char *tn;
	ssize_t r;
	int err = 0, inner = 0, inj, type;

	if (!g_active || (!any_tracked() && !any_nl()))
		return NEXT(write, fd, buf, count);
	lock();
	if (fake_nl_find(fd)) {
		unlock();
		return nl_send(fd, buf, count, NULL, 0, "write");
	}
	t = tr_find(fd);
	if (!t) {
		char kick[160];

		unlock();
		r = NEXT(write, fd, buf, count);
		err = errno;
		if (r == (ssize_t)sizeof(uint64_t) && g_sc.datapath) {
			/* maybe a kick eventfd: the device runs now (fake_datapath.c) */
			lock();
			if (fake_dp_kick(fd, kick, sizeof(kick)))
				fake_log("kick %d = %zd (%s)", fd, r, kick);
			unlock();
		}
		errno = err;
		return r;
	}
	type = fake_write_peek_type(buf, count);
	tn = type >= 0 ? fake_iotlb_type_name((unsigned)type) : NULL;
	{
		char what[128];

		snprintf(what, sizeof(what), "write %d %s", fd, tn ? tn : "?");
		if (delay_unlocked(FAKE_INJ_WRITE, tn ? tn : "?", (int)t->dev->cfg->index, what) &&
		    !(t = tr_find(fd))) {
			unlock();
			return NEXT(write, fd, buf, count);
		}
	}
	inj = fake_inject_check(FAKE_INJ_WRITE, tn ? tn : "?", (int)t->dev->cfg->index);
	if (inj) {
		fake_log("write %d %s = %s", fd, tn ? tn : "?", result(-1, inj, true));
		unlock();
		errno = inj;
		return -1;
	}
	if (t->path_only) {
		r = -EBADF;
		snprintf(detail, sizeof(detail), "%s", tn ? tn : "?");
	} else {
		r = fake_dev_write(t->dev, buf, count, detail, sizeof(detail), &inner);
	}
	if (r < 0) {
		err = (int)-r;
		r = -1;
	}
	if (inner)
		fake_log("write %d %s = %s (%s)", fd, detail, result(r, err, false),
			 fake_errname(inner));
	else
		fake_log("write %d %s = %s", fd, detail, result(r, err, false));
	unlock();
	if (r < 0)
		errno = err;
	return r;
}

FAKE_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
	struct tracked *t;
	int err, inj;

	if (!g_active || (!any_tracked() && !any_nl()))
		return NEXT(read, fd, buf, count);
	lock();
	if (fake_nl_find(fd)) {
		struct iovec iov = { buf, count };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

		unlock();
		return nl_recv(fd, &m, 0, "read");
	}
	t = tr_find(fd);
	if (!t) {
		unlock();
		return NEXT(read, fd, buf, count);
	}
	{
		char what[64];

		snprintf(what, sizeof(what), "read %d", fd);
		if (delay_unlocked(FAKE_INJ_READ, NULL, (int)t->dev->cfg->index, what) &&
		    !(t = tr_find(fd))) {
			unlock();
			return NEXT(read, fd, buf, count);
		}
	}
	inj = fake_inject_check(FAKE_INJ_READ, NULL, (int)t->dev->cfg->index);
	/* vhost-vdpa has no read handler: vfs_read() says EINVAL, or EBADF if
	 * the file is not open for reading (drivers/vhost/vdpa.c vhost_vdpa_open()/vhost_vdpa_release()). */
	err = inj ? inj
		  : (t->path_only || (t->flags & O_ACCMODE) == O_WRONLY ? EBADF : EINVAL);
	fake_log("read %d %zu = %s", fd, count, result(-1, err, inj != 0));
	unlock();
	errno = err;
	return -1;
}

/* ------------------------------------------------------------------------ */
/* stat family                                                               */

/* fd-based: returns 1 if handled (result in *r). */
#define FSTAT_BODY(realcall, st)                                                            \
	do {                                                                                 \
		struct tracked *t;                                                           \
		int r, err, inj;                                                             \
		if (!g_active || !any_tracked())                                             \
			return realcall;                                                     \
		lock();                                                                      \
		t = tr_find(fd);                                                             \
		if (!t) {                                                                    \
			unlock();                                                            \
			return realcall;                                                     \
		}                                                                            \
		if (delay_unlocked(FAKE_INJ_FSTAT, NULL, (int)t->dev->cfg->index, NULL) &&  \
		    !(t = tr_find(fd))) {                                                    \
			unlock();                                                            \
			return realcall;                                                     \
		}                                                                            \
		inj = fake_inject_check(FAKE_INJ_FSTAT, NULL, (int)t->dev->cfg->index);      \
		if (inj) {                                                                   \
			fake_log("fstat %d = %s", fd, result(-1, inj, true));                \
			unlock();                                                            \
			errno = inj;                                                         \
			return -1;                                                           \
		}                                                                            \
		r = realcall;                                                                \
		err = errno;                                                                 \
		if (r == 0) {                                                                \
			PATCH_STAT(st, t->dev);                                              \
			fake_log("fstat %d = 0 (chr %u:%u)", fd, t->dev->major,              \
				 t->dev->cfg->index);                                        \
		} else {                                                                     \
			fake_log("fstat %d = %s", fd, result(r, err, false));                \
		}                                                                            \
		unlock();                                                                    \
		errno = err;                                                                 \
		return r;                                                                    \
	} while (0)

FAKE_EXPORT int fstat(int fd, struct stat *st)
{
	FSTAT_BODY(NEXT(fstat, fd, st), st);
}

FAKE_EXPORT int fstat64(int fd, struct stat64 *st)
{
	FSTAT_BODY(NEXT(fstat64, fd, st), st);
}

FAKE_EXPORT int __fxstat(int ver, int fd, struct stat *st)
{
	FSTAT_BODY(NEXT(__fxstat, ver, fd, st), st);
}

FAKE_EXPORT int __fxstat64(int ver, int fd, struct stat64 *st)
{
	FSTAT_BODY(NEXT(__fxstat64, ver, fd, st), st);
}

/*
 * Path-based: a fake path is redirected (and a node reported as a character
 * device); a name relative to a descriptor of the redirected /dev is patched.
 * realcall uses `use` and `dirfd2`.
 */
#define PATHSTAT_BODY(dirfd, path, realcall, st, verb)                                      \
	do {                                                                                 \
		char rpath_[PATH_MAX + 64], logical_[PATH_MAX];                              \
		const char *use = (path);                                                    \
		int dirfd2 = (dirfd), r, err, inj;                                           \
		struct fake_proc_chr pdev_ = { -1, false, 0, 0 };                            \
		enum pathkind k;                                                             \
		struct fake_dev *d;                                                          \
		if (!g_active || !use)                                                       \
			return realcall;                                                     \
		k = classify(use);                                                           \
		if (k == P_PROC) {                                                           \
			snprintf(logical_, sizeof(logical_), "%s", use);                     \
			lock();                                                              \
			root_ensure();                                                       \
			err = fake_proc_resolve(&g_sc, g_root, logical_,                     \
						strcmp(verb, "lstat") ? FAKE_PROC_STAT       \
								      : FAKE_PROC_OPEN,      \
						rpath_, sizeof(rpath_), &pdev_);             \
			if (err) {                                                           \
				fake_log("proc %s %s = %s", verb, logical_,                  \
					 result(-1, err, false));                            \
				unlock();                                                    \
				errno = err;                                                 \
				return -1;                                                   \
			}                                                                    \
			unlock();                                                            \
			use = rpath_;                                                        \
			dirfd2 = AT_FDCWD;                                                   \
		} else if (k == P_OTHER && use[0] != '/' && dirfd2 != AT_FDCWD &&                   \
		    is_devdir_fd(dirfd2)) {                                                  \
			snprintf(logical_, sizeof(logical_), "/dev/%s", use);                \
			k = P_NODE;                                                          \
		} else if (k == P_NODE || k == P_PROCDEV || k == P_SYS) {                    \
			snprintf(logical_, sizeof(logical_), "%s", use);                     \
			lock();                                                              \
			redirect(rpath_, sizeof(rpath_), use);                               \
			unlock();                                                            \
			use = rpath_;                                                        \
			dirfd2 = AT_FDCWD;                                                   \
		} else {                                                                     \
			return realcall;                                                     \
		}                                                                            \
		lock();                                                                      \
		delay_unlocked(FAKE_INJ_STAT, logical_, -1, NULL);                           \
		inj = fake_inject_check(FAKE_INJ_STAT, logical_, -1);                        \
		if (inj) {                                                                   \
			fake_log("%s%s %s = %s", k == P_SYS ? "sysfs " : "", verb, logical_, \
				 result(-1, inj, true));                                     \
			unlock();                                                            \
			errno = inj;                                                         \
			return -1;                                                           \
		}                                                                            \
		r = realcall;                                                                \
		err = errno;                                                                 \
		d = k == P_NODE			   ? dev_from_path(logical_)                   \
		    : k == P_PROC && pdev_.dev_index >= 0 ? fake_dev_by_index((unsigned)pdev_.dev_index) \
							   : NULL;                                \
		if (r == 0 && d && S_ISREG((st)->st_mode)) {                                 \
			PATCH_STAT(st, d);                                                   \
			fake_log("%s%s %s = 0 (chr %u:%u)", k == P_PROC ? "proc " : "", verb, \
				 logical_, d->major, d->cfg->index);                         \
		} else if (r == 0 && k == P_PROC && pdev_.other && S_ISREG((st)->st_mode)) { \
			PATCH_STAT_CHR(st, pdev_.major, pdev_.minor);                        \
			fake_log("proc %s %s = 0 (chr %u:%u)", verb, logical_, pdev_.major,  \
				 pdev_.minor);                                               \
		} else {                                                                     \
			fake_log("%s%s %s = %s", k == P_SYS ? "sysfs " : k == P_PROC ? "proc " : "", \
				 verb, logical_, result(r, err, false));                     \
		}                                                                            \
		unlock();                                                                    \
		errno = err;                                                                 \
		return r;                                                                    \
	} while (0)

FAKE_EXPORT int stat(const char *path, struct stat *st)
{
	PATHSTAT_BODY(AT_FDCWD, path, NEXT(stat, use, st), st, "stat");
}

FAKE_EXPORT int stat64(const char *path, struct stat64 *st)
{
	PATHSTAT_BODY(AT_FDCWD, path, NEXT(stat64, use, st), st, "stat");
}

FAKE_EXPORT int lstat(const char *path, struct stat *st)
{
	PATHSTAT_BODY(AT_FDCWD, path, NEXT(lstat, use, st), st, "lstat");
}

FAKE_EXPORT int lstat64(const char *path, struct stat64 *st)
{
	PATHSTAT_BODY(AT_FDCWD, path, NEXT(lstat64, use, st), st, "lstat");
}

FAKE_EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
	PATHSTAT_BODY(AT_FDCWD, path, NEXT(__xstat, ver, use, st), st, "stat");
}

FAKE_EXPORT int __xstat64(int ver, const char *path, struct stat64 *st)
{
	PATHSTAT_BODY(AT_FDCWD, path, NEXT(__xstat64, ver, use, st), st, "stat");
}

FAKE_EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
	PATHSTAT_BODY(AT_FDCWD, path, NEXT(__lxstat, ver, use, st), st, "lstat");
}

FAKE_EXPORT int __lxstat64(int ver, const char *path, struct stat64 *st)
{
	PATHSTAT_BODY(AT_FDCWD, path, NEXT(__lxstat64, ver, use, st), st, "lstat");
}

static bool empty_path_fd(const char *path, int flags)
{
	return path && !path[0] && (flags & AT_EMPTY_PATH);
}

FAKE_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	if (empty_path_fd(path, flags)) {
		int fd = dirfd;

		FSTAT_BODY(NEXT(fstatat, fd, path, st, flags), st);
	}
	PATHSTAT_BODY(dirfd, path, NEXT(fstatat, dirfd2, use, st, flags), st, "stat");
}

FAKE_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	if (empty_path_fd(path, flags)) {
		int fd = dirfd;

		FSTAT_BODY(NEXT(fstatat64, fd, path, st, flags), st);
	}
	PATHSTAT_BODY(dirfd, path, NEXT(fstatat64, dirfd2, use, st, flags), st, "stat");
}

FAKE_EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	if (empty_path_fd(path, flags)) {
		int fd = dirfd;

		FSTAT_BODY(NEXT(__fxstatat, ver, fd, path, st, flags), st);
	}
	PATHSTAT_BODY(dirfd, path, NEXT(__fxstatat, ver, dirfd2, use, st, flags), st, "stat");
}

FAKE_EXPORT int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags)
{
	if (empty_path_fd(path, flags)) {
		int fd = dirfd;

		FSTAT_BODY(NEXT(__fxstatat64, ver, fd, path, st, flags), st);
	}
	PATHSTAT_BODY(dirfd, path, NEXT(__fxstatat64, ver, dirfd2, use, st, flags), st, "stat");
}

static int do_access(int dirfd, const char *path, int mode, int flags, bool at)
{
	char rpath[PATH_MAX + 64];
	enum pathkind k;
	int r, err, inj;
	const char *verb;

	if (!g_active || !path ||
	    ((k = classify(path)) != P_NODE && k != P_PROCDEV && k != P_SYS))
		return at ? NEXT(faccessat, dirfd, path, mode, flags) : NEXT(access, path, mode);
	verb = k == P_SYS ? "sysfs access" : "access";
	lock();
	delay_unlocked(FAKE_INJ_ACCESS, path, -1, NULL);
	inj = fake_inject_check(FAKE_INJ_ACCESS, path, -1);
	if (inj) {
		fake_log("%s %s = %s", verb, path, result(-1, inj, true));
		unlock();
		errno = inj;
		return -1;
	}
	if (k == P_NODE && dev_from_path(path) && (mode & (R_OK | W_OK | X_OK)) &&
	    geteuid() != 0) {
		fake_log("%s %s = %s", verb, path, result(-1, EACCES, false));
		unlock();
		errno = EACCES;
		return -1;
	}
	redirect(rpath, sizeof(rpath), path);
	r = at ? NEXT(faccessat, AT_FDCWD, rpath, mode, flags) : NEXT(access, rpath, mode);
	err = errno;
	fake_log("%s %s = %s", verb, path, result(r, err, false));
	unlock();
	errno = err;
	return r;
}

FAKE_EXPORT int access(const char *path, int mode)
{
	return do_access(AT_FDCWD, path, mode, 0, false);
}

FAKE_EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	return do_access(dirfd, path, mode, flags, true);
}

/* ------------------------------------------------------------------------ */
/* /dev directory scans                                                      */

static DIR *do_opendir(const char *path)
{
	char rpath[PATH_MAX + 64];
	enum pathkind k;
	DIR *dir;
	int err, inj;

	if (!g_active || !path ||
	    ((k = classify(path)) != P_DEVDIR && k != P_SYS && k != P_PROCDIR && k != P_PROC))
		return REAL(opendir) ? REAL(opendir)(path) : NULL;
	lock();
	delay_unlocked(FAKE_INJ_OPENDIR, path, -1, NULL);
	inj = fake_inject_check(FAKE_INJ_OPENDIR, path, -1);
	if (inj) {
		fake_log("%sopendir %s = NULL %s (injected)", k == P_SYS ? "sysfs " : "", path,
			 fake_errname(inj));
		unlock();
		errno = inj;
		return NULL;
	}
	if (k == P_PROCDIR || k == P_PROC) {
		struct fake_proc_chr devi;

		root_ensure();
		err = k == P_PROCDIR ? 0
				     : fake_proc_resolve(&g_sc, g_root, path, FAKE_PROC_OPENDIR, rpath,
							 sizeof(rpath), &devi);
		if (k == P_PROCDIR)
			snprintf(rpath, sizeof(rpath), "%s/proc", g_root);
		dir = err ? NULL : REAL(opendir)(rpath);
		if (!err && !dir)
			err = errno;
		fake_log("proc opendir %s = %s", path, dir ? "ok" : fake_errname(err));
		unlock();
		errno = err;
		return dir;
	}
	if (k == P_SYS) {
		redirect(rpath, sizeof(rpath), path);
		dir = REAL(opendir)(rpath);
		err = errno;
		fake_log("sysfs opendir %s = %s", path, dir ? "ok" : fake_errname(err));
		unlock();
		errno = err;
		return dir;
	}
	redirect(rpath, sizeof(rpath), "/dev");
	dir = REAL(opendir)(rpath);
	err = errno;
	if (dir && g_ndirs < FAKE_ARRAY_SIZE(g_dirs))
		g_dirs[__atomic_add_fetch(&g_ndirs, 1, __ATOMIC_ACQ_REL) - 1] = dir;
	if (dir)
		fake_log("opendir %s = ok", path);
	else
		fake_log("opendir %s = NULL %s", path, fake_errname(err));
	unlock();
	errno = err;
	return dir;
}

FAKE_EXPORT DIR *opendir(const char *path)
{
	return do_opendir(path);
}

static bool dir_is_ours(DIR *dir)
{
	for (size_t i = 0; i < g_ndirs; i++)
		if (g_dirs[i] == dir)
			return true;
	return false;
}

/* Nodes in the redirected /dev are character devices: say so in d_type. */
#define READDIR_BODY(realfn, dir)                                                           \
	do {                                                                                 \
		__typeof__(realfn(dir)) e_ = realfn(dir);                                    \
		if (e_ && g_active && __atomic_load_n(&g_ndirs, __ATOMIC_ACQUIRE)) {         \
			lock();                                                              \
			if (dir_is_ours(dir) && dev_from_base(e_->d_name))                   \
				e_->d_type = DT_CHR;                                         \
			unlock();                                                            \
		}                                                                            \
		return e_;                                                                   \
	} while (0)

static struct dirent *real_readdir_call(DIR *dir)
{
	return REAL(readdir) ? REAL(readdir)(dir) : NULL;
}

static struct dirent64 *real_readdir64_call(DIR *dir)
{
	return REAL(readdir64) ? REAL(readdir64)(dir) : NULL;
}

FAKE_EXPORT struct dirent *readdir(DIR *dir)
{
	READDIR_BODY(real_readdir_call, dir);
}

FAKE_EXPORT struct dirent64 *readdir64(DIR *dir)
{
	READDIR_BODY(real_readdir64_call, dir);
}

FAKE_EXPORT int closedir(DIR *dir)
{
	if (g_active && __atomic_load_n(&g_ndirs, __ATOMIC_ACQUIRE)) {
		lock();
		for (size_t i = 0; i < g_ndirs; i++)
			if (g_dirs[i] == dir) {
				g_dirs[i] = g_dirs[g_ndirs - 1];
				__atomic_sub_fetch(&g_ndirs, 1, __ATOMIC_ACQ_REL);
				fake_log("closedir /dev = 0");
				break;
			}
		unlock();
	}
	return NEXT(closedir, dir);
}

/* ------------------------------------------------------------------------ */
/* readlink, realpath: sysfs paths resolve inside the private root           */

static ssize_t do_readlink(int dirfd, bool at, const char *path, char *buf, size_t len)
{
	char rpath[PATH_MAX + 64];
	ssize_t r;
	int err;

	if (!g_active || !path || classify(path) != P_SYS)
		return at ? NEXT(readlinkat, dirfd, path, buf, len) : NEXT(readlink, path, buf, len);
	lock();
	delay_unlocked(FAKE_INJ_STAT, path, -1, NULL);
	redirect(rpath, sizeof(rpath), path);
	r = NEXT(readlink, rpath, buf, len);
	err = errno;
	if (r >= 0)
		fake_log("sysfs readlink %s = %.*s", path, (int)r, buf);
	else
		fake_log("sysfs readlink %s = %s", path, result(-1, err, false));
	unlock();
	errno = err;
	return r;
}

FAKE_EXPORT ssize_t readlink(const char *path, char *buf, size_t len)
{
	return do_readlink(AT_FDCWD, false, path, buf, len);
}

FAKE_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	return do_readlink(dirfd, true, path, buf, len);
}

FAKE_EXPORT ssize_t __readlink_chk(const char *path, char *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		abort(); /* what the fortified glibc does */
	return do_readlink(AT_FDCWD, false, path, buf, len);
}

FAKE_EXPORT ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t len,
				     size_t buflen)
{
	if (len > buflen)
		abort();
	return do_readlink(dirfd, true, path, buf, len);
}

/*
 * glibc's realpath() resolves with internal calls we cannot see, so the whole function is
 * replaced for sysfs paths: resolve ROOT/sys/..., then give the answer back as /sys/....
 */
static char *do_realpath(const char *path, char *resolved, size_t resolvedlen)
{
	char rpath[PATH_MAX + 64], out[PATH_MAX];
	const char *mapped;
	size_t n;
	char *r;
	int err;

	if (!g_active || !path || classify(path) != P_SYS) {
		if (resolvedlen != (size_t)-1 && REAL(__realpath_chk))
			return REAL(__realpath_chk)(path, resolved, resolvedlen);
		return REAL(realpath) ? REAL(realpath)(path, resolved) : NULL;
	}
	lock();
	delay_unlocked(FAKE_INJ_STAT, path, -1, NULL);
	redirect(rpath, sizeof(rpath), path);
	r = REAL(realpath)(rpath, out);
	err = errno;
	if (!r) {
		fake_log("sysfs realpath %s = NULL %s", path, fake_errname(err));
		unlock();
		errno = err;
		return NULL;
	}
	n = strlen(g_root_real);
	mapped = out;
	if (!strncmp(out, g_root_real, n) && (out[n] == '/' || out[n] == 0))
		mapped = out[n] ? out + n : "/";
	fake_log("sysfs realpath %s = %s", path, mapped);
	unlock();
	if (resolved) {
		if (resolvedlen != (size_t)-1 && strlen(mapped) >= resolvedlen) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		strcpy(resolved, mapped);
		return resolved;
	}
	r = strdup(mapped);
	if (!r)
		errno = ENOMEM;
	return r;
}

FAKE_EXPORT char *realpath(const char *path, char *resolved)
{
	return do_realpath(path, resolved, (size_t)-1);
}

FAKE_EXPORT char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
	return do_realpath(path, resolved, resolvedlen);
}

/* glibc declares the argument nonnull; a NULL still must not crash us. */
__attribute__((noinline)) static bool is_null(const void *p)
{
	return p == NULL;
}

FAKE_EXPORT char *canonicalize_file_name(const char *path)
{
	if (!g_active || is_null(path) || classify(path) != P_SYS)
		return REAL(canonicalize_file_name) ? REAL(canonicalize_file_name)(path) : NULL;
	return do_realpath(path, NULL, (size_t)-1);
}

/* ------------------------------------------------------------------------ */
/* uname                                                                     */

FAKE_EXPORT int uname(struct utsname *u)
{
	int r, inj;

	if (!g_active)
		return NEXT(uname, u);
	lock();
	delay_unlocked(FAKE_INJ_UNAME, NULL, -1, "uname");
	inj = fake_inject_check(FAKE_INJ_UNAME, NULL, -1);
	if (inj) {
		fake_log("uname = %s", result(-1, inj, true));
		unlock();
		errno = inj;
		return -1;
	}
	r = NEXT(uname, u);
	if (r == 0) {
		snprintf(u->release, sizeof(u->release), "%s", g_sc.kernel);
		snprintf(u->machine, sizeof(u->machine), "%s", g_sc.machine);
		fake_log("uname = 0 (%s %s)", g_sc.kernel, g_sc.machine);
	}
	unlock();
	return r;
}

/* ------------------------------------------------------------------------ */
/* The generic netlink socket (the kernel side is fake_netlink.c)             */

/*
 * socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC) gives an eventfd in semaphore mode whose
 * counter is the number of queued datagrams: a blocking recv waits on it (and a signal
 * interrupts it with EINTR), O_NONBLOCK/MSG_DONTWAIT give EAGAIN, poll() sees it readable.
 * Other sockets pass through.
 */
FAKE_EXPORT int socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK), fd, err;

	if (!g_active || domain != AF_NETLINK || protocol != NETLINK_GENERIC ||
	    (base != SOCK_RAW && base != SOCK_DGRAM))
		return NEXT(socket, domain, type, protocol);
	fd = eventfd(0, EFD_SEMAPHORE | (type & SOCK_CLOEXEC ? EFD_CLOEXEC : 0) |
				(type & SOCK_NONBLOCK ? EFD_NONBLOCK : 0));
	err = errno;
	lock();
	if (fd >= 0) {
		fake_nl_open(fd);
		__atomic_add_fetch(&g_nnl, 1, __ATOMIC_ACQ_REL);
	}
	fake_log("netlink socket %s%s%s = %s", base == SOCK_RAW ? "SOCK_RAW" : "SOCK_DGRAM",
		 type & SOCK_CLOEXEC ? "|SOCK_CLOEXEC" : "",
		 type & SOCK_NONBLOCK ? "|SOCK_NONBLOCK" : "", result(fd, err, false));
	unlock();
	errno = err;
	return fd;
}

/* Called with the lock held: true if fd was a fake netlink socket (now closed, *r set). */
static bool nl_close(int fd, int *r)
{
	struct fake_nlsock *s = fake_nl_find(fd);
	int err;

	if (!s)
		return false;
	fake_nl_close(s);
	__atomic_sub_fetch(&g_nnl, 1, __ATOMIC_ACQ_REL);
	*r = NEXT(close, fd);
	err = errno;
	fake_log("netlink close %d = %s", fd, result(*r, err, false));
	errno = err;
	return true;
}

/* Runs op on the socket with the lock held; ret < 0 is -errno. */
#define NL_CALL(fd, realcall, verb, op)                                                      \
	do {                                                                                 \
		struct fake_nlsock *s_;                                                      \
		int r_;                                                                      \
		if (!g_active || !any_nl())                                                  \
			return realcall;                                                     \
		lock();                                                                      \
		s_ = fake_nl_find(fd);                                                       \
		if (!s_) {                                                                   \
			unlock();                                                            \
			return realcall;                                                     \
		}                                                                            \
		r_ = (op);                                                                   \
		fake_log("netlink %s %d = %s", verb, fd, result(r_ < 0 ? -1 : r_, -r_, false)); \
		unlock();                                                                    \
		if (r_ < 0) {                                                                \
			errno = -r_;                                                         \
			return -1;                                                           \
		}                                                                            \
		return r_;                                                                   \
	} while (0)

FAKE_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	NL_CALL(fd, NEXT(bind, fd, addr, len), "bind",
		addr ? fake_nl_bind(s_, addr, len) : -EFAULT);
}

FAKE_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	/* netlink connect() only sets the default destination: the kernel (port 0) */
	NL_CALL(fd, NEXT(connect, fd, addr, len), "connect",
		!addr || len < sizeof(struct sockaddr_nl) ? -EINVAL
		: addr->sa_family != AF_NETLINK	 ? -EINVAL
		: ((const struct sockaddr_nl *)addr)->nl_pid ? -ECONNREFUSED
							      : 0);
}

FAKE_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	NL_CALL(fd, NEXT(getsockname, fd, addr, len), "getsockname",
		addr && len ? fake_nl_getsockname(s_, addr, (unsigned *)len) : -EFAULT);
}

FAKE_EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };

	NL_CALL(fd, NEXT(getpeername, fd, addr, len), "getpeername",
		!addr || !len ? -EFAULT
			      : (memcpy(addr, &k, *len < sizeof(k) ? *len : sizeof(k)),
				 *len = sizeof(k), 0));
}

FAKE_EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	NL_CALL(fd, NEXT(setsockopt, fd, level, name, val, len), "setsockopt",
		val || !len ? fake_nl_setsockopt(s_, level, name, val, len) : -EFAULT);
}

FAKE_EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	NL_CALL(fd, NEXT(getsockopt, fd, level, name, val, len), "getsockopt",
		val && len ? fake_nl_getsockopt(s_, level, name, val, (unsigned *)len) : -EFAULT);
}

/* A request: sendto/sendmsg/send/write. Called without the lock. */
static ssize_t nl_send(int fd, const void *buf, size_t len, const struct sockaddr *to,
		       socklen_t tolen, const char *verb)
{
	char detail[512], what[160];
	struct fake_nlsock *s;
	const char *cmd;
	ssize_t r;

	lock();
	s = fake_nl_find(fd);
	if (!s) {
		unlock();
		errno = EBADF;
		return -1;
	}
	if (to && (tolen < sizeof(struct sockaddr_nl) || to->sa_family != AF_NETLINK)) {
		r = -EINVAL;
		goto out;
	}
	if (to && ((const struct sockaddr_nl *)to)->nl_pid) {
		r = -ECONNREFUSED; /* only the kernel (port 0) is out there */
		goto out;
	}
	cmd = fake_nl_peek_cmd(s, buf, len);
	snprintf(what, sizeof(what), "netlink %s %d %s", verb, fd, cmd);
	if (delay_unlocked(FAKE_INJ_NETLINK, cmd, -1, what) && !(s = fake_nl_find(fd))) {
		unlock();
		errno = EBADF;
		return -1;
	}
	r = fake_nl_send(s, buf, len, detail, sizeof(detail));
	fake_log("netlink %s %d %zu (%s) = %s", verb, fd, len, detail,
		 result(r < 0 ? -1 : r, (int)-r, false));
	unlock();
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
out:
	fake_log("netlink %s %d %zu = %s", verb, fd, len, result(-1, (int)-r, false));
	unlock();
	errno = (int)-r;
	return -1;
}

FAKE_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	if (!g_active || !any_nl() || !fake_nl_is(fd))
		return NEXT(send, fd, buf, len, flags);
	return nl_send(fd, buf, len, NULL, 0, "send");
}

FAKE_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, socklen_t tolen)
{
	if (!g_active || !any_nl() || !fake_nl_is(fd))
		return NEXT(sendto, fd, buf, len, flags, to, tolen);
	return nl_send(fd, buf, len, to, tolen, "sendto");
}

FAKE_EXPORT ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	uint8_t *buf;
	size_t len = 0, off = 0;
	ssize_t r;

	if (!g_active || !any_nl() || !fake_nl_is(fd))
		return NEXT(sendmsg, fd, m, flags);
	for (size_t i = 0; i < m->msg_iovlen; i++)
		len += m->msg_iov[i].iov_len;
	buf = malloc(len ? len : 1);
	if (!buf) {
		errno = ENOBUFS;
		return -1;
	}
	for (size_t i = 0; i < m->msg_iovlen; i++) {
		memcpy(buf + off, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
		off += m->msg_iov[i].iov_len;
	}
	r = nl_send(fd, buf, len, m->msg_name, m->msg_namelen, "sendmsg");
	free(buf);
	return r;
}

/* Wait until a datagram is queued (consuming its token unless peek). 0 or -1 with errno. */
static int nl_wait(int fd, int flags, long timeo_ms)
{
	uint64_t v;

	for (;;) {
		if ((flags & (MSG_DONTWAIT | MSG_PEEK)) || timeo_ms > 0) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int pr = poll(&p, 1, flags & MSG_DONTWAIT ? 0 : timeo_ms > 0 ? (int)timeo_ms : -1);

			if (pr < 0)
				return -1; /* EINTR */
			if (pr == 0) {
				errno = EAGAIN;
				return -1;
			}
		}
		if (flags & MSG_PEEK)
			return 0;
		if (NEXT(read, fd, &v, sizeof(v)) == (ssize_t)sizeof(v))
			return 0;
		if (errno != EAGAIN || (flags & MSG_DONTWAIT) || timeo_ms > 0)
			return -1; /* EINTR, or O_NONBLOCK's EAGAIN */
	}
}

/* recvmsg/recvfrom/recv/read. Called without the lock. */
static ssize_t nl_recv(int fd, struct msghdr *m, int flags, const char *verb)
{
	char detail[128];
	struct fake_nlsock *s;
	size_t total = 0, copied = 0, full = 0, off = 0;
	uint8_t *buf;
	long timeo;
	int rc;

	lock();
	s = fake_nl_find(fd);
	timeo = s ? fake_nl_rcvtimeo(s) : 0;
	unlock();
	if (!s) {
		errno = EBADF;
		return -1;
	}
	if (nl_wait(fd, flags, timeo)) {
		int err = errno;

		lock();
		fake_log("netlink %s %d = %s", verb, fd, result(-1, err, false));
		unlock();
		errno = err;
		return -1;
	}
	for (size_t i = 0; i < m->msg_iovlen; i++)
		total += m->msg_iov[i].iov_len;
	buf = malloc(total ? total : 1);
	lock();
	s = fake_nl_find(fd);
	if (!s || !buf) {
		unlock();
		free(buf);
		errno = s ? ENOBUFS : EBADF;
		return -1;
	}
	rc = fake_nl_recv(s, buf, total, total, flags & MSG_PEEK, &copied, &full, detail,
			  sizeof(detail));
	if (rc) {
		/* a token without a datagram cannot happen; say so rather than block */
		fake_log("netlink %s %d = -1 EAGAIN (queue empty)", verb, fd);
		unlock();
		free(buf);
		errno = EAGAIN;
		return -1;
	}
	fake_log("netlink %s %d %zu = %zu%s (%s)", verb, fd, total, full,
		 full > total ? " MSG_TRUNC" : "", detail);
	unlock();
	for (size_t i = 0; i < m->msg_iovlen && off < copied; i++) {
		size_t n = m->msg_iov[i].iov_len < copied - off ? m->msg_iov[i].iov_len
								 : copied - off;

		memcpy(m->msg_iov[i].iov_base, buf + off, n);
		off += n;
	}
	free(buf);
	m->msg_flags = full > total ? MSG_TRUNC : 0;
	m->msg_controllen = 0;
	if (m->msg_name) {
		struct sockaddr_nl k = { .nl_family = AF_NETLINK };
		size_t n = m->msg_namelen < sizeof(k) ? m->msg_namelen : sizeof(k);

		memcpy(m->msg_name, &k, n);
		m->msg_namelen = sizeof(k);
	}
	return (ssize_t)((flags & MSG_TRUNC) ? full : copied);
}

FAKE_EXPORT ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
	if (!g_active || !any_nl() || !fake_nl_is(fd))
		return NEXT(recvmsg, fd, m, flags);
	return nl_recv(fd, m, flags, "recvmsg");
}

FAKE_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
			     socklen_t *fromlen)
{
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_name = from, .msg_namelen = fromlen ? *fromlen : 0,
			    .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	if (!g_active || !any_nl() || !fake_nl_is(fd))
		return NEXT(recvfrom, fd, buf, len, flags, from, fromlen);
	if (!from)
		m.msg_namelen = 0;
	r = nl_recv(fd, &m, flags, "recvfrom");
	if (r >= 0 && from && fromlen)
		*fromlen = m.msg_namelen;
	return r;
}

FAKE_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (!g_active || !any_nl() || !fake_nl_is(fd))
		return NEXT(recv, fd, buf, len, flags);
	return nl_recv(fd, &m, flags, "recv");
}

/* ------------------------------------------------------------------------ */
/* Start and exit                                                            */

/* fds above 2, except the one used for the listing (and identity of each) */
static size_t list_fds(struct fdid *out, size_t max)
{
	DIR *dir = REAL(opendir) ? REAL(opendir)("/proc/self/fd") : NULL;
	struct dirent *e;
	size_t n = 0;
	int self;

	if (!dir)
		return 0;
	self = dirfd(dir);
	while ((e = REAL(readdir)(dir))) {
		struct stat st;
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		fd = atoi(e->d_name);
		if (fd <= 2 || fd == self || NEXT(fstat, fd, &st))
			continue;
		if (n < max)
			out[n] = (struct fdid){ fd, st.st_dev, st.st_ino };
		n++;
	}
	REAL(closedir)(dir);
	return n;
}

static void atfork_prepare(void)
{
	pthread_mutex_lock(&fake_lock);
}

static void atfork_parent(void)
{
	pthread_mutex_unlock(&fake_lock);
}

static void atfork_child(void)
{
	pthread_mutex_init(&fake_lock, NULL);
}

__attribute__((constructor)) static void fake_init(void)
{
	const char *scenario = getenv("FAKE_VDPA_SCENARIO");
	const char *inject = getenv("FAKE_VDPA_INJECT");
	const char *delay = getenv("FAKE_VDPA_DELAY");
	const char *nlfault = getenv("FAKE_VDPA_NL_FAULT");
	const char *log = getenv("FAKE_VDPA_LOG");
	char origin[PATH_MAX + 64];
	size_t n;

	uint64_t t0 = mono_ns();

	if (!scenario || !*scenario)
		return; /* pure pass-through */

	/* fds inherited from the parent are not ours to account for */
	n = list_fds(NULL, 0);
	g_inherited = calloc(n + 1, sizeof(*g_inherited));
	if (!g_inherited)
		fake_die("out of memory");
	g_ninherited = list_fds(g_inherited, n);
	if (g_ninherited > n)
		g_ninherited = n;

	fake_scenario_load(scenario, &g_sc);
	fake_devs_init(&g_sc);
	reap_stale_roots();
	for (size_t i = 0; i < g_sc.ninject; i++) {
		snprintf(origin, sizeof(origin), "scenario %s: inject[%zu]", scenario, i);
		fake_inject_add(g_sc.inject[i], origin);
	}
	if (inject && *inject)
		fake_inject_add_list(inject, "FAKE_VDPA_INJECT");
	for (size_t i = 0; i < g_sc.ndelay; i++) {
		snprintf(origin, sizeof(origin), "scenario %s: delay[%zu]", scenario, i);
		fake_delay_add(g_sc.delay[i], origin);
	}
	if (delay && *delay)
		fake_delay_add_list(delay, "FAKE_VDPA_DELAY");
	for (size_t i = 0; i < g_sc.nnl_faults; i++) {
		snprintf(origin, sizeof(origin), "scenario %s: netlink_faults[%zu]", scenario, i);
		fake_nl_fault_add(g_sc.nl_faults[i], origin);
	}
	if (nlfault && *nlfault)
		fake_nl_fault_add_list(nlfault, "FAKE_VDPA_NL_FAULT");
	fake_netlink_init(&g_sc);
	if (log && *log) {
		char cwd[PATH_MAX];

		/* made absolute: the program may chdir() */
		if (log[0] != '/' && getcwd(cwd, sizeof(cwd))) {
			g_log = malloc(strlen(cwd) + strlen(log) + 2);
			if (g_log)
				sprintf(g_log, "%s/%s", cwd, log);
		} else {
			g_log = strdup(log);
		}
		if (!g_log)
			fake_die("out of memory");
		g_log_time = getenv("FAKE_VDPA_LOG_TIME") && !strcmp(getenv("FAKE_VDPA_LOG_TIME"), "1");
	}
	if (getenv("FAKE_VDPA_TIMING") && *getenv("FAKE_VDPA_TIMING"))
		g_timing = strdup(getenv("FAKE_VDPA_TIMING"));
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	g_active = true;
	g_fake_ns += mono_ns() - t0;
}

__attribute__((destructor)) static void fake_fini(void)
{
	struct fdid now[1024];
	size_t n, open_fds = 0, inherited = 0;

	if (!g_active)
		return;
	lock();
	n = list_fds(now, FAKE_ARRAY_SIZE(now));
	for (size_t i = 0; i < n && i < FAKE_ARRAY_SIZE(now); i++) {
		bool was = false;

		for (size_t j = 0; j < g_ninherited; j++)
			if (g_inherited[j].fd == now[i].fd && g_inherited[j].dev == now[i].dev &&
			    g_inherited[j].ino == now[i].ino)
				was = true;
		if (was)
			inherited++;
		else
			open_fds++;
	}
	if (n > FAKE_ARRAY_SIZE(now))
		open_fds += n - FAKE_ARRAY_SIZE(now);
	fake_log("exit open_fds=%zu tracked_open=%zu inherited_fds=%zu", open_fds, g_ntr,
		 inherited);
	if (g_root_made && g_root_pid == getpid()) {
		uint64_t t0 = mono_ns();

		rm_tree(g_root);
		g_fake_ns += mono_ns() - t0;
	}
	if (g_timing) {
		FILE *f = fopen(g_timing, "ae");

		if (f) {
			fprintf(f, "fake_us=%llu\n", (unsigned long long)(g_fake_ns / 1000));
			fclose(f);
		}
	}
	unlock();
}
