// SPDX-License-Identifier: MIT
/*
 * selftest.c - TAP tests of libfakevdpa.so, through plain libc calls.
 *
 *   LD_PRELOAD=$PWD/tests/fake/libfakevdpa.so tests/fake/selftest tests/fake/scenarios
 *
 * The fake reads its scenario once, at load time, so every case runs in its
 * own process: the driver re-executes this binary with
 * "--case NAME" and FAKE_VDPA_SCENARIO / FAKE_VDPA_LOG / FAKE_VDPA_INJECT set,
 * collects the case's "ok - ..." / "not ok - ..." lines, numbers them, and then
 * checks what only the driver can see: the exit status (or the expected abort
 * of a bad scenario or injection spec) and the log file, including the final
 * "exit open_fds=... tracked_open=..." line.  The plan line comes last.
 *
 * The library's inspection API (fake_vdpa.h) is looked up with dlsym so the
 * tests can see the parent's translation, which vdpactl itself cannot.
 */
#include <dirent.h>
#include <limits.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fake_uapi.h"
#include "fake_vdpa.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE 4096UL

/* ======================================================================== */
/* Case side: helpers                                                        */

static const char *en(int e)
{
	const char *n = e == 524 ? "ENOTSUPP" : strerrorname_np(e);

	return n ? n : "?";
}

__attribute__((format(printf, 2, 3))) static void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s - ", ok ? "ok" : "not ok");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

#define T(cond, ...) report((cond), __VA_ARGS__)

/* expr returns >= 0 */
#define T_OK(expr, what)                                                                     \
	do {                                                                                 \
		errno = 0;                                                                   \
		long r_ = (long)(expr);                                                      \
		int e_ = errno;                                                              \
		report(r_ >= 0, "%s succeeds%s%s", what, r_ < 0 ? ": got " : "",              \
		       r_ < 0 ? en(e_) : "");                                                \
	} while (0)

/* expr returns -1 with errno err */
#define T_ERR(expr, err, what)                                                               \
	do {                                                                                 \
		errno = 0;                                                                   \
		long r_ = (long)(expr);                                                      \
		int e_ = errno;                                                              \
		report(r_ == -1 && e_ == (err), "%s fails with %s (got %ld %s)", what,        \
		       en(err), r_, r_ < 0 ? en(e_) : "");                                   \
	} while (0)

#define T_EQ(got, want, what)                                                                \
	do {                                                                                 \
		unsigned long long g_ = (unsigned long long)(got);                           \
		unsigned long long w_ = (unsigned long long)(want);                          \
		report(g_ == w_, "%s is 0x%llx (got 0x%llx)", what, w_, g_);                  \
	} while (0)

/* ioctl(fd, req, &v) succeeds and v == want */
#define T_GET(fd, req, type, want, what)                                                     \
	do {                                                                                 \
		type v_ = 0;                                                                 \
		errno = 0;                                                                   \
		int r_ = ioctl(fd, req, &v_);                                                \
		int e_ = errno;                                                              \
		report(r_ == 0 && (unsigned long long)v_ == (unsigned long long)(want),      \
		       "%s is 0x%llx (got %s 0x%llx)", what, (unsigned long long)(want),     \
		       r_ ? en(e_) : "ok", (unsigned long long)v_);                          \
	} while (0)

static int (*api_ptable)(unsigned, unsigned, struct fake_vdpa_map *, int, int *);
static int (*api_vtable)(unsigned, unsigned, struct fake_vdpa_map *, int);
static int (*api_xlate)(unsigned, unsigned, uint64_t, uint64_t, int, void **);
static int (*api_state)(unsigned, struct fake_vdpa_state *);
static int (*api_vq_asid)(unsigned, unsigned);

static bool load_api(void)
{
	api_ptable = (int (*)(unsigned, unsigned, struct fake_vdpa_map *, int, int *))dlsym(
		RTLD_DEFAULT, "fake_vdpa_parent_table");
	api_vtable = (int (*)(unsigned, unsigned, struct fake_vdpa_map *, int))dlsym(
		RTLD_DEFAULT, "fake_vdpa_vhost_table");
	api_xlate = (int (*)(unsigned, unsigned, uint64_t, uint64_t, int, void **))dlsym(
		RTLD_DEFAULT, "fake_vdpa_translate");
	api_state = (int (*)(unsigned, struct fake_vdpa_state *))dlsym(RTLD_DEFAULT,
								       "fake_vdpa_state");
	api_vq_asid = (int (*)(unsigned, unsigned))dlsym(RTLD_DEFAULT, "fake_vdpa_vq_asid");
	return api_ptable && api_vtable && api_xlate && api_state && api_vq_asid;
}

/* parent table entries of (dev, asid); *identity if not NULL */
static int ptable(unsigned dev, unsigned asid, int *identity)
{
	struct fake_vdpa_map m[8];
	int id = 0, n = api_ptable(dev, asid, m, 8, &id);

	if (identity)
		*identity = id;
	return n;
}

static int vtable(unsigned dev, unsigned asid)
{
	struct fake_vdpa_map m[8];

	return api_vtable(dev, asid, m, 8);
}

static int dopen(unsigned idx, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/vhost-vdpa-%u", idx);
	return open(path, flags | O_CLOEXEC);
}

static ssize_t msg2(int fd, uint32_t asid, uint8_t type, uint64_t iova, uint64_t size,
		    const void *uaddr, uint8_t perm)
{
	struct vhost_msg_v2 m;

	memset(&m, 0, sizeof(m));
	m.type = VHOST_IOTLB_MSG_V2;
	m.asid = asid;
	m.iotlb.type = type;
	m.iotlb.iova = iova;
	m.iotlb.size = size;
	m.iotlb.uaddr = (uint64_t)(uintptr_t)uaddr;
	m.iotlb.perm = perm;
	return write(fd, &m, sizeof(m));
}

static ssize_t msg1(int fd, uint8_t type, uint64_t iova, uint64_t size, const void *uaddr,
		    uint8_t perm)
{
	struct vhost_msg m;

	memset(&m, 0, sizeof(m));
	m.type = VHOST_IOTLB_MSG;
	m.iotlb.type = type;
	m.iotlb.iova = iova;
	m.iotlb.size = size;
	m.iotlb.uaddr = (uint64_t)(uintptr_t)uaddr;
	m.iotlb.perm = perm;
	return write(fd, &m, sizeof(m));
}

#define UPDATE(fd, iova, size, buf)                                                          \
	msg2(fd, 0, VHOST_IOTLB_UPDATE, iova, size, buf, VHOST_ACCESS_RW)
#define INVAL(fd, iova, size) msg2(fd, 0, VHOST_IOTLB_INVALIDATE, iova, size, NULL, 0)

/* memfd + MAP_SHARED: what VA-mode parents can map */
static void *shared_buf(size_t len)
{
	int fd = memfd_create("selftest", MFD_CLOEXEC);
	void *p;

	if (fd < 0 || ftruncate(fd, (off_t)len))
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static void *private_buf(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int set_status(int fd, uint8_t st)
{
	return ioctl(fd, VHOST_VDPA_SET_STATUS, &st);
}

static int set_backend(int fd, uint64_t f)
{
	return ioctl(fd, VHOST_SET_BACKEND_FEATURES, &f);
}

static int vring(int fd, unsigned long req, uint32_t idx, uint32_t num)
{
	struct vhost_vring_state s = { idx, num };

	return ioctl(fd, req, &s);
}

static uint32_t vring_get(int fd, unsigned long req, uint32_t idx, int *r)
{
	struct vhost_vring_state s = { idx, 0xdead };

	*r = ioctl(fd, req, &s);
	return s.num;
}

static int get_config(int fd, uint32_t off, uint32_t len, void *out)
{
	static uint64_t raw[(sizeof(struct vhost_vdpa_config) + 4096) / 8];
	struct vhost_vdpa_config *c = (struct vhost_vdpa_config *)raw;
	int r;

	c->off = off;
	c->len = len;
	r = ioctl(fd, VHOST_VDPA_GET_CONFIG, c);
	if (!r && out)
		memcpy(out, c->buf, len < 4096 ? len : 4096);
	return r;
}

static char *slurp_fd(int fd)
{
	static char buf[16384];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	return buf;
}

/* the "vhost-vdpa" major in the Character devices section, or -1 */
static int proc_major(const char *text)
{
	const char *c = strstr(text, "Character devices:"), *b = strstr(text, "Block devices:");
	const char *v = strstr(text, " vhost-vdpa\n");
	const char *p;

	if (!c || !v || (b && v > b) || v < c)
		return -1;
	for (p = v; p > text && p[-1] != '\n'; p--)
		;
	return atoi(p);
}

/* ======================================================================== */
/* Cases                                                                     */

static void case_basic(void)
{
	struct utsname u;
	struct stat st;
	FILE *f;
	DIR *dir;
	struct dirent *e;
	int n0 = 0, n1 = 0, others = 0, chr = 0, fd, fd1, fd2, efd, r;
	uint8_t cfg[96];
	struct vhost_vdpa_iova_range range;
	uint32_t idx;
	char text[16384];

	T_OK(uname(&u), "uname");
	T(!strcmp(u.release, "6.12.117"), "uname release is 6.12.117 (got %s)", u.release);
	T(!strcmp(u.machine, "x86_64"), "uname machine is x86_64 (got %s)", u.machine);

	f = fopen("/proc/devices", "re");
	T(f != NULL, "fopen /proc/devices");
	if (f) {
		size_t n = fread(text, 1, sizeof(text) - 1, f);

		text[n] = 0;
		fclose(f);
		T(proc_major(text) == 236, "/proc/devices lists 236 vhost-vdpa among char devices");
		T(strstr(text, "Block devices:") != NULL, "/proc/devices keeps the real content");
	}
	fd = open("/proc/devices", O_RDONLY | O_CLOEXEC);
	T(fd >= 0 && proc_major(slurp_fd(fd)) == 236, "open+read /proc/devices sees it too");
	close(fd);

	dir = opendir("/dev");
	T(dir != NULL, "opendir /dev");
	while (dir && (e = readdir(dir))) {
		if (!strcmp(e->d_name, "vhost-vdpa-0"))
			n0++, chr += e->d_type == DT_CHR;
		else if (!strcmp(e->d_name, "vhost-vdpa-1"))
			n1++, chr += e->d_type == DT_CHR;
		else if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			others++;
	}
	if (dir)
		closedir(dir);
	T(n0 == 1 && n1 == 1 && others == 0, "a /dev scan sees exactly vhost-vdpa-0 and -1");
	T(chr == 2, "readdir reports them as DT_CHR");

	T(stat("/dev/vhost-vdpa-0", &st) == 0 && S_ISCHR(st.st_mode) &&
		  major(st.st_rdev) == 236 && minor(st.st_rdev) == 0,
	  "stat /dev/vhost-vdpa-0 is char 236:0");
	T_ERR(stat("/dev/vhost-vdpa-7", &st), ENOENT, "stat of a node the scenario lacks");
	T_OK(access("/dev/vhost-vdpa-1", R_OK | W_OK), "access /dev/vhost-vdpa-1 rw");
	T(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1,
	  "stat /dev/null passes through");

	fd = dopen(0, O_RDWR);
	T(fd == 3, "open /dev/vhost-vdpa-0 O_RDWR gives fd 3 (got %d %s)", fd,
	  fd < 0 ? en(errno) : "");
	T(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && (st.st_mode & 07777) == 0600 &&
		  major(st.st_rdev) == 236 && minor(st.st_rdev) == 0,
	  "fstat: S_IFCHR 0600, rdev 236:0");
	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x17e, "net0 backend features");
	T_GET(fd, VHOST_GET_FEATURES, uint64_t, 0x308830028, "net0 device features");
	T_GET(fd, VHOST_VDPA_GET_DEVICE_ID, uint32_t, 1, "net0 device id");
	T_GET(fd, VHOST_VDPA_GET_CONFIG_SIZE, uint32_t, 24, "net0 config size");
	T_GET(fd, VHOST_VDPA_GET_VQS_COUNT, uint32_t, 3, "net0 vqs");
	T_GET(fd, VHOST_VDPA_GET_GROUP_NUM, uint32_t, 2, "net0 groups");
	T_GET(fd, VHOST_VDPA_GET_AS_NUM, uint32_t, 2, "net0 address spaces");
	T_GET(fd, VHOST_VDPA_GET_VRING_NUM, uint16_t, 256, "net0 vq_num_max");
	T_GET(fd, VHOST_VDPA_GET_STATUS, uint8_t, 0, "net0 status after open");
	r = ioctl(fd, VHOST_VDPA_GET_IOVA_RANGE, &range);
	T(r == 0 && range.first == 0 && range.last == UINT64_MAX, "net0 IOVA range 0..2^64-1");
	memset(cfg, 0xaa, sizeof(cfg));
	T_OK(get_config(fd, 0, 24, cfg), "GET_CONFIG 0+24");
	T(!memcmp(cfg, "\0\0\0\0\0\0\x01\0\0\0\xdc\x05", 12) && cfg[23] == 0,
	  "net config: zero MAC, LINK_UP, mtu 1500");
	T_OK(get_config(fd, 10, 2, cfg), "GET_CONFIG 10+2");
	T(cfg[0] == 0xdc && cfg[1] == 0x05, "GET_CONFIG honours the offset");
	T_ERR(get_config(fd, 0, 0, NULL), EINVAL, "GET_CONFIG len 0");
	T_ERR(get_config(fd, 20, 8, NULL), EINVAL, "GET_CONFIG off+len > size");
	T_ERR(get_config(fd, 25, 1, NULL), EINVAL, "GET_CONFIG off > size");
	T_ERR(ioctl(fd, VHOST_VDPA_GET_CONFIG, NULL), EFAULT, "GET_CONFIG with a NULL pointer");
	T_ERR(ioctl(fd, VHOST_GET_FEATURES, (void *)8), EFAULT, "GET_FEATURES to a bad pointer");

	T_ERR(dopen(0, O_RDWR), EBUSY, "second open of vhost-vdpa-0");
	fd1 = dopen(1, O_RDWR);
	T(fd1 >= 0, "open vhost-vdpa-1 while -0 is open");
	T_GET(fd1, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x17e, "blk0 backend features");
	T_GET(fd1, VHOST_GET_FEATURES, uint64_t, 0x308007646, "blk0 device features");
	T_GET(fd1, VHOST_VDPA_GET_CONFIG_SIZE, uint32_t, 96, "blk0 config size (6.12 UAPI)");
	T_GET(fd1, VHOST_VDPA_GET_VQS_COUNT, uint32_t, 1, "blk0 vqs");
	T_GET(fd1, VHOST_VDPA_GET_DEVICE_ID, uint32_t, 2, "blk0 device id");
	T_OK(get_config(fd1, 0, 96, cfg), "GET_CONFIG blk0 0+96");
	T(cfg[2] == 0x04 && cfg[20] == 0 && cfg[21] == 2 && cfg[34] == 1 && cfg[36] == 0xff &&
		  cfg[95] == 0,
	  "blk config: capacity 0x40000, blk_size 512, 1 queue, discard max, zero padded");
	T_OK(close(fd1), "close vhost-vdpa-1");

	/* ownership and the vring path (drivers/vhost/vdpa.c vhost_vdpa_set_features()) */
	T_ERR(vring(fd, VHOST_SET_VRING_NUM, 0, 256), EPERM, "SET_VRING_NUM before SET_OWNER");
	T_ERR(vring(fd, VHOST_VDPA_GET_VRING_GROUP, 0, 0), EPERM,
	      "GET_VRING_GROUP before SET_OWNER");
	T_OK(set_status(fd, 0), "SET_STATUS(0) needs no owner");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_ERR(ioctl(fd, VHOST_SET_OWNER, NULL), EBUSY, "second SET_OWNER");
	T_ERR(vring(fd, VHOST_SET_VRING_NUM, 3, 256), ENOBUFS, "SET_VRING_NUM idx 3 >= nvqs");
	T_ERR(vring(fd, VHOST_SET_VRING_NUM, 0, 100), EINVAL, "SET_VRING_NUM not a power of 2");
	T_ERR(vring(fd, VHOST_SET_VRING_NUM, 0, 0), EINVAL, "SET_VRING_NUM 0");
	T_ERR(vring(fd, VHOST_SET_VRING_NUM, 0, 512), EINVAL,
	      "SET_VRING_NUM 512 > device max (6.12.111+)");
	T_OK(vring(fd, VHOST_SET_VRING_NUM, 0, 256), "SET_VRING_NUM 256");
	T(vring_get(fd, VHOST_VDPA_GET_VRING_GROUP, 2, &r) == 1 && r == 0,
	  "GET_VRING_GROUP: cvq (vq 2) is in group 1");
	T(vring_get(fd, VHOST_VDPA_GET_VRING_GROUP, 0, &r) == 0 && r == 0,
	  "GET_VRING_GROUP: rx (vq 0) is in group 0");
	T_OK(vring(fd, VHOST_VDPA_SET_GROUP_ASID, 1, 1), "SET_GROUP_ASID group 1 -> AS 1");
	T(api_vq_asid(0, 2) == 1 && api_vq_asid(0, 0) == 0, "cvq now uses AS 1, rx AS 0");
	T_ERR(vring(fd, VHOST_VDPA_SET_GROUP_ASID, 1, 2), EINVAL, "SET_GROUP_ASID asid >= nas");
	T_ERR(vring(fd, VHOST_VDPA_SET_GROUP_ASID, 5, 0), ENOBUFS,
	      "SET_GROUP_ASID index checked against nvqs first");
	T_OK(set_status(fd, 0), "SET_STATUS(0)");
	T(api_vq_asid(0, 2) == 0, "reset rebinds every group to AS 0");
	T_ERR(vring(fd, VHOST_VDPA_GET_VRING_DESC_GROUP, 0, 0), EOPNOTSUPP,
	      "GET_VRING_DESC_GROUP without the op");
	T_ERR(vring(fd, VHOST_VDPA_GET_VRING_SIZE, 0, 0), EOPNOTSUPP,
	      "GET_VRING_SIZE without the op");
	T_ERR(ioctl(fd, VHOST_SET_LOG_BASE, NULL), ENOTTY, "SET_LOG_BASE");
	T_ERR(ioctl(fd, VHOST_SET_LOG_FD, NULL), ENOTTY, "SET_LOG_FD");
	T_OK(ioctl(fd, VHOST_VDPA_SUSPEND, NULL), "SUSPEND before DRIVER_OK is a no-op (6.9+)");
	T_ERR(ioctl(fd, VHOST_RESET_OWNER, NULL), EFAULT, "RESET_OWNER (arg read as vq index)");
	idx = 7;
	T_ERR(ioctl(fd, VHOST_RESET_OWNER, &idx), ENOBUFS, "RESET_OWNER with index 7");
	idx = 0;
	T_ERR(ioctl(fd, VHOST_RESET_OWNER, &idx), ENOTTY, "RESET_OWNER with index 0");
	T_ERR(ioctl(fd, VHOST_NET_SET_BACKEND, &idx), ENOTTY, "a vhost-net ioctl");
	T_ERR(ioctl(fd, VHOST_SET_VRING_ENDIAN, &idx), ENOTTY, "SET_VRING_ENDIAN");
	{
		struct vhost_vring_file vf = { 0, 1 };

		T_ERR(ioctl(fd, VHOST_SET_VRING_KICK, &vf), EINVAL, "SET_VRING_KICK with a pipe fd");
		vf.fd = 999;
		T_ERR(ioctl(fd, VHOST_SET_VRING_KICK, &vf), EBADF, "SET_VRING_KICK with a bad fd");
		efd = eventfd(0, EFD_CLOEXEC);
		vf.fd = efd;
		T_OK(ioctl(fd, VHOST_SET_VRING_CALL, &vf), "SET_VRING_CALL with an eventfd");
		vf.fd = -1;
		T_OK(ioctl(fd, VHOST_SET_VRING_CALL, &vf), "SET_VRING_CALL -1 unbinds");
		close(efd);
	}
	T_ERR(read(fd, cfg, sizeof(cfg)), EINVAL, "read() has no handler");
	T_OK(ioctl(fd, FIOCLEX, NULL), "FIOCLEX is handled by the VFS");
	T_OK(close(fd), "close vhost-vdpa-0");
	T_ERR(ioctl(fd, VHOST_GET_FEATURES, cfg), EBADF, "ioctl on the closed fd");

	/* other ways in */
	dir = opendir("/dev");
	fd = dir ? openat(dirfd(dir), "vhost-vdpa-1", O_RDWR | O_CLOEXEC) : -1;
	T(fd >= 0, "openat(dirfd(opendir(\"/dev\")), \"vhost-vdpa-1\")");
	T_GET(fd, VHOST_VDPA_GET_DEVICE_ID, uint32_t, 2, "that fd is the blk device");
	T(fstatat(dirfd(dir), "vhost-vdpa-1", &st, 0) == 0 && S_ISCHR(st.st_mode),
	  "fstatat relative to the /dev fd is a char device");
	close(fd);
	closedir(dir);
	f = fopen("/dev/vhost-vdpa-0", "r+e");
	T(f != NULL, "fopen /dev/vhost-vdpa-0 r+");
	if (f) {
		T_GET(fileno(f), VHOST_VDPA_GET_DEVICE_ID, uint32_t, 1, "ioctl on fileno()");
		T_ERR(dopen(0, O_RDWR), EBUSY, "the fopen holds the device");
		T_OK(fclose(f), "fclose releases it");
	}
	fd = dopen(0, O_PATH);
	T(fd >= 0, "O_PATH open");
	T(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode), "fstat of the O_PATH fd is a char device");
	T_ERR(ioctl(fd, VHOST_GET_FEATURES, cfg), EBADF, "ioctl on an O_PATH fd");
	fd2 = dopen(0, O_RDWR);
	T(fd2 >= 0, "O_PATH does not take the single open");
	close(fd2);
	close(fd);
	fd = dopen(0, O_RDONLY);
	T(fd >= 0, "reopen after close (nothing persists)");
	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x17e, "ioctls work on O_RDONLY");
	close(fd);
}

static void case_persist(void)
{
	void *buf = shared_buf(4 * PAGE);
	struct fake_vdpa_map m[4];
	void *hva = NULL;
	int fd = dopen(0, O_RDWR), id = -1, n;

	T(buf != NULL && fd == 3, "setup: memfd buffer, open net0");
	T_OK(set_backend(fd, 0x10e), "SET_BACKEND_FEATURES MSG_V2|BATCH|ASID|IOTLB_PERSIST");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_EQ(UPDATE(fd, 0x100000, 0x4000, buf), 72, "UPDATE returns 72");
	n = api_ptable(0, 0, m, 4, &id);
	T(n == 1 && m[0].iova == 0x100000 && m[0].size == 0x4000 &&
		  m[0].uaddr == (uintptr_t)buf && m[0].perm == VHOST_ACCESS_RW && id == 0,
	  "parent table: the one mapping, passthrough dropped");
	T(vtable(0, 0) == 1, "vhost table holds it");
	T_ERR(UPDATE(fd, 0x102000, 0x1000, buf), EFAULT, "overlapping UPDATE (EEXIST inside)");
	T_OK(set_status(fd, 0), "SET_STATUS(0)");
	T_GET(fd, VHOST_VDPA_GET_STATUS, uint8_t, 0, "status after reset");
	T(ptable(0, 0, &id) == 1 && id == 0, "PERSIST acked: the parent kept its translation");
	T(vtable(0, 0) == 1, "vhost table untouched by the reset");
	T(api_xlate(0, 0, 0x100010, 4, 1, &hva) == FAKE_VDPA_XLATE_OK &&
		  hva == (char *)buf + 0x10,
	  "translate IOVA 0x100010 -> buf+0x10");
	T(api_xlate(0, 0, 0x200000, 4, 0, &hva) == FAKE_VDPA_XLATE_FAULT,
	  "translate of an unmapped IOVA faults");
	T_EQ(INVAL(fd, 0x100000, 0x4000), 72, "INVALIDATE");
	T(ptable(0, 0, NULL) == 0 && vtable(0, 0) == 0, "both tables empty");
	T_EQ(UPDATE(fd, 0x100000, 0x4000, buf), 72, "UPDATE after INVALIDATE succeeds");
	T(ptable(0, 0, NULL) == 1, "parent has it again");
	T_OK(close(fd), "close");
	T(ptable(0, 0, &id) == 0 && id == 1, "after close: .reset_map restored passthrough");
	T(vtable(0, 0) == 0, "after close: vhost table gone");
}

static void case_nopersist(void)
{
	void *buf = shared_buf(2 * PAGE);
	void *hva = NULL;
	struct fake_vdpa_state st;
	int fd = dopen(0, O_RDWR), id = -1;

	T(buf && fd >= 0, "setup");
	T_ERR(set_backend(fd, 0x80 | 0x06), EINVAL, "DESC_ASID without IOTLB_ASID");
	T_ERR(set_backend(fd, 0x80 | 0x0e), EOPNOTSUPP, "DESC_ASID without get_vq_desc_group");
	T_ERR(set_backend(fd, 0x200), EOPNOTSUPP, "unassigned bit 9");
	T_OK(set_backend(fd, 0x7e), "SET 0x7e (SUSPEND, RESUME, ENABLE_AFTER_DRIVER_OK)");
	T_OK(set_backend(fd, 0x0e), "SET MSG_V2|BATCH|ASID");
	T(api_state(0, &st) == 0 && st.acked_backend == 0x0e, "acked value stored");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_EQ(UPDATE(fd, 0x10000, 0x2000, buf), 72, "UPDATE");
	T(ptable(0, 0, NULL) == 1, "parent has it");
	T_OK(set_status(fd, 0), "SET_STATUS(0) without PERSIST");
	T(ptable(0, 0, &id) == 0 && id == 1,
	  "compat reset (CLEAN_MAP): parent dropped its map, passthrough on");
	T(vtable(0, 0) == 1, "vhost table still has the entry");
	T(api_xlate(0, 0, (uintptr_t)buf, 8, 0, &hva) == FAKE_VDPA_XLATE_OK && hva == buf,
	  "passthrough in VA mode: IOVA read as our own address");
	T_ERR(UPDATE(fd, 0x10000, 0x2000, buf), EFAULT, "re-UPDATE: EEXIST from vhost's table");
	T_EQ(msg2(fd, 0, VHOST_IOTLB_BATCH_BEGIN, 0, 0, NULL, 0), 72, "BATCH_BEGIN");
	T(ptable(0, 0, NULL) == 0, "nothing pushed yet");
	T_EQ(msg2(fd, 0, VHOST_IOTLB_BATCH_END, 0, 0, NULL, 0), 72, "BATCH_END");
	T(ptable(0, 0, &id) == 1 && id == 0, "an empty batch re-pushed the table (the heal)");
	T_OK(close(fd), "close");
}

static void case_writes(void)
{
	void *buf = shared_buf(4 * PAGE), *anon = private_buf(2 * PAGE);
	struct fake_vdpa_state st;
	char junk[72];
	int fd;

	fd = dopen(0, O_RDONLY);
	T_ERR(UPDATE(fd, 0, PAGE, buf), EBADF, "write on an O_RDONLY fd");
	close(fd);
	fd = dopen(0, O_WRONLY);
	T_ERR(UPDATE(fd, 0, PAGE, buf), EFAULT, "UPDATE before SET_OWNER (EPERM inside)");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_ERR(INVAL(fd, 0, PAGE), EFAULT, "INVALIDATE before AS 0 exists (EINVAL inside)");
	memset(junk, 0, sizeof(junk));
	junk[0] = 3;
	T_ERR(write(fd, junk, sizeof(junk)), EINVAL, "message type 3");
	T_ERR(write(fd, junk, 3), EINVAL, "3-byte write");
	T_ERR(msg2(fd, 0, VHOST_IOTLB_UPDATE, 0, 0, buf, VHOST_ACCESS_RW), EINVAL,
	      "UPDATE size 0 is EINVAL, not EFAULT");
	{
		struct vhost_msg_v2 m;

		memset(&m, 0, sizeof(m));
		m.type = VHOST_IOTLB_MSG_V2;
		m.iotlb.type = VHOST_IOTLB_UPDATE;
		m.iotlb.size = PAGE;
		m.iotlb.uaddr = (uintptr_t)buf;
		m.iotlb.perm = VHOST_ACCESS_RW;
		void *volatile nowhere = NULL;
		char big[200];

		T_ERR(write(fd, &m, 20), EINVAL, "short message");
		T_ERR(write(fd, nowhere, sizeof(m)), EINVAL, "unreadable buffer");
		memset(big, 0, sizeof(big));
		memcpy(big, &m, sizeof(m));
		T_EQ(write(fd, big, sizeof(big)), 72, "a 200-byte write still returns 72");
	}
	T_EQ(msg1(fd, VHOST_IOTLB_UPDATE, 0x10000, PAGE, buf, VHOST_ACCESS_RO), 72, "v1 UPDATE");
	T(vtable(0, 0) == 2, "two entries in AS 0");
	T_EQ(msg2(fd, 1, VHOST_IOTLB_UPDATE, 0x20000, PAGE, buf, VHOST_ACCESS_RW), 72,
	     "v2 asid 1 before ASID is acked");
	T(vtable(0, 0) == 3 && vtable(0, 1) == 0, "... lands in AS 0");
	T_OK(set_backend(fd, 0x0e), "ack IOTLB_ASID");
	T_EQ(msg2(fd, 1, VHOST_IOTLB_UPDATE, 0x20000, PAGE, buf, VHOST_ACCESS_RW), 72,
	     "v2 asid 1 after ASID is acked");
	T(vtable(0, 1) == 1 && ptable(0, 1, NULL) == 1, "... lands in AS 1 on both sides");
	T_ERR(msg2(fd, 2, VHOST_IOTLB_UPDATE, 0x30000, PAGE, buf, VHOST_ACCESS_RW), EFAULT,
	      "asid 2 >= nas");
	T_EQ(msg2(fd, 0, VHOST_IOTLB_BATCH_BEGIN, 0, 0, NULL, 0), 72, "BATCH_BEGIN asid 0");
	T_ERR(msg2(fd, 1, VHOST_IOTLB_UPDATE, 0x40000, PAGE, buf, VHOST_ACCESS_RW), EFAULT,
	      "asid 1 inside an asid 0 batch");
	T_EQ(msg2(fd, 0, VHOST_IOTLB_UPDATE, 0x40000, PAGE, (char *)buf + PAGE, VHOST_ACCESS_RW),
	     72, "UPDATE inside the batch");
	T(vtable(0, 0) == 4 && ptable(0, 0, NULL) == 3, "set_map not pushed inside a batch");
	T(api_state(0, &st) == 0 && st.in_batch, "state says in_batch");
	T_EQ(msg2(fd, 0, VHOST_IOTLB_BATCH_END, 0, 0, NULL, 0), 72, "BATCH_END");
	T(ptable(0, 0, NULL) == 4, "BATCH_END pushed the whole table");
	T_ERR(msg2(fd, 0, VHOST_IOTLB_MISS, 0, PAGE, buf, 0), EFAULT, "MISS is not accepted");
	T_ERR(msg2(fd, 0, VHOST_IOTLB_ACCESS_FAIL, 0, PAGE, buf, 0), EFAULT, "ACCESS_FAIL");
	T_ERR(UPDATE(fd, 0xfffffffffffff000ULL, 0x2000, buf), EFAULT, "iova+size overflows");
	T_ERR(UPDATE(fd, 0x800000, PAGE, (void *)0xfffffffffffff000ULL), EFAULT,
	      "no VMA at or above uaddr (EINVAL inside)");
	T_EQ(UPDATE(fd, 0x800000, PAGE, NULL), 72,
	     "uaddr in a hole: find_vma() takes the next, private, VMA and skips it");
	T(vtable(0, 0) == 4, "no entry for it");
	T_EQ(UPDATE(fd, 0x900000, 2 * PAGE, anon), 72, "UPDATE of anonymous private memory");
	T(vtable(0, 0) == 4, "VA mode skipped it: no entry");
	T_EQ(UPDATE(fd, 0x900000, 2 * PAGE, anon), 72, "same UPDATE again: still 72, no EEXIST");
	T_EQ(INVAL(fd, 0x10800, 1), 72, "INVALIDATE one byte inside an entry");
	T(vtable(0, 0) == 3, "the whole entry went");
	T_OK(close(fd), "close");
}

static void case_features(void)
{
	struct fake_vdpa_state st;
	uint64_t f;
	int fd = dopen(0, O_RDWR), r;

	f = 1ULL << 32;
	T_ERR(ioctl(fd, VHOST_SET_FEATURES, &f), EINVAL, "SET_FEATURES without ACCESS_PLATFORM");
	f = (1ULL << 32) | (1ULL << 33) | (1ULL << 5) | (1ULL << 63);
	T_OK(ioctl(fd, VHOST_SET_FEATURES, &f), "SET_FEATURES VERSION_1|ACCESS_PLATFORM|MAC|63");
	T(api_state(0, &st) == 0 && st.driver_features == ((1ULL << 32) | (1ULL << 33) | (1ULL << 5)),
	  "unsupported bit 63 silently masked");
	T_OK(set_status(fd, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
				    VIRTIO_CONFIG_S_FEATURES_OK),
	     "SET_STATUS ACK|DRIVER|FEATURES_OK");
	T_ERR(ioctl(fd, VHOST_SET_FEATURES, &f), EBUSY, "SET_FEATURES after FEATURES_OK");
	T_ERR(set_status(fd, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER), EINVAL,
	      "clearing FEATURES_OK with a non-zero status");
	T_OK(set_status(fd, 0x0f), "DRIVER_OK");
	T_GET(fd, VHOST_VDPA_GET_STATUS, uint8_t, 0x0f, "status");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_ERR(vring(fd, VHOST_SET_VRING_BASE, 0, 5), EINVAL,
	      "SET_VRING_BASE while running (6.8+)");
	T_OK(ioctl(fd, VHOST_VDPA_SUSPEND, NULL), "SUSPEND after DRIVER_OK");
	T_OK(vring(fd, VHOST_SET_VRING_BASE, 0, 5), "SET_VRING_BASE while suspended");
	T(vring_get(fd, VHOST_GET_VRING_BASE, 0, &r) == 5 && r == 0, "GET_VRING_BASE reads it back");
	T_ERR(vring(fd, VHOST_SET_VRING_BASE, 0, 0x10000), EINVAL, "split base > 0xffff");
	T_OK(ioctl(fd, VHOST_VDPA_RESUME, NULL), "RESUME");
	T(api_state(0, &st) == 0 && !st.suspended, "not suspended");
	T_OK(set_status(fd, 0), "reset");
	T(api_state(0, &st) == 0 && st.status == 0 && st.driver_features == 0,
	  "reset cleared status and features");
	T_OK(close(fd), "close");
}

static void case_sim61(void)
{
	struct utsname u;
	void *anon = private_buf(2 * PAGE);
	uint32_t idx = 0;
	int fd = dopen(0, O_RDWR), fd1 = dopen(1, O_RDWR), id = -1;

	T(uname(&u) == 0 && !strcmp(u.release, "6.1.192"), "uname release is 6.1.192");
	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x1e, "net0 backend features");
	T_GET(fd1, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x1e, "blk0 backend features");
	T_GET(fd, VHOST_GET_FEATURES, uint64_t, 0x308820028, "net0 device features");
	T_GET(fd1, VHOST_GET_FEATURES, uint64_t, 0x308007646, "blk0 device features");
	T_GET(fd, VHOST_VDPA_GET_CONFIG_SIZE, uint32_t, 24, "net0 config size");
	T_GET(fd1, VHOST_VDPA_GET_CONFIG_SIZE, uint32_t, 72, "blk0 config size (6.1 UAPI)");
	T_ERR(set_backend(fd, 0x10e), EOPNOTSUPP, "SET with IOTLB_PERSIST on 6.1");
	T_ERR(set_backend(fd, 0x2e), EOPNOTSUPP, "SET with RESUME on 6.1");
	T_OK(set_backend(fd, 0x1e), "SET 0x1e (SUSPEND with the op)");
	T_ERR(ioctl(fd, VHOST_VDPA_RESUME, NULL), EPERM, "RESUME (unknown on 6.1) as non-owner");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_ERR(ioctl(fd, VHOST_VDPA_RESUME, NULL), EFAULT, "RESUME as owner: arg 0 read as index");
	T_ERR(vring(fd, VHOST_VDPA_GET_VRING_DESC_GROUP, 0, 0), ENOTTY,
	      "GET_VRING_DESC_GROUP (6.7) with vq 0");
	T_ERR(vring(fd, VHOST_VDPA_GET_VRING_DESC_GROUP, 7, 0), ENOBUFS,
	      "GET_VRING_DESC_GROUP with vq 7");
	T_ERR(vring(fd, VHOST_VDPA_GET_VRING_SIZE, 0, 0), ENOTTY, "GET_VRING_SIZE (6.9)");
	T_OK(vring(fd, VHOST_SET_VRING_NUM, 0, 512), "SET_VRING_NUM 512 > max is accepted on 6.1");
	T_OK(ioctl(fd, VHOST_VDPA_SUSPEND, &idx), "SUSPEND (op present)");
	T_EQ(UPDATE(fd, 0x1000, 2 * PAGE, anon), 72, "PA mode maps anonymous memory");
	T(vtable(0, 0) == 1 && ptable(0, 0, NULL) == 1, "both tables have it");
	T_ERR(UPDATE(fd, 0x1000, 2 * PAGE, anon), EFAULT, "EEXIST on repeat");
	T_OK(set_status(fd, 0), "SET_STATUS(0)");
	T(ptable(0, 0, &id) == 0 && id == 0, "6.1 sim reset emptied the parent, no passthrough");
	T(vtable(0, 0) == 1, "vhost table kept");
	T_OK(set_status(fd, 3), "SET_STATUS ACK|DRIVER");
	T_ERR(set_status(fd, 1), EINVAL, "SET_STATUS clearing DRIVER");
	T_OK(close(fd), "close net0");
	T_OK(close(fd1), "close blk0");
}

static void case_vp612(void)
{
	uint8_t cfg[4096];
	struct vhost_vdpa_iova_range range;
	struct rlimit old, low;
	void *anon = private_buf(4 * PAGE);
	int fd = dopen(0, O_RDWR), fd1 = dopen(1, O_RDWR), r, id = -1;
	uint32_t n;

	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x10e, "vpnet0 backend features");
	T_GET(fd1, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x10e, "vpblk0 backend features");
	T_GET(fd, VHOST_GET_FEATURES, uint64_t, 0x10330bf8024, "vpnet0 device features");
	T_GET(fd1, VHOST_GET_FEATURES, uint64_t, 0x10330006e54, "vpblk0 device features");
	T_GET(fd, VHOST_VDPA_GET_CONFIG_SIZE, uint32_t, 4096, "config size is the PCI region");
	T_GET(fd, VHOST_VDPA_GET_AS_NUM, uint32_t, 1, "1 address space");
	T_GET(fd, VHOST_VDPA_GET_GROUP_NUM, uint32_t, 1, "1 group");
	r = ioctl(fd, VHOST_VDPA_GET_IOVA_RANGE, &range);
	T(r == 0 && range.first == 0 && range.last == 0x7fffffffffULL,
	  "IOVA range is the IOMMU aperture");
	T_OK(get_config(fd, 0, 4096, cfg), "GET_CONFIG of all 4096 bytes");
	T(!memcmp(cfg, "\x52\x54\x00\x12\x34\x56\x01\x00", 8) && cfg[8] == 0xff &&
		  cfg[4095] == 0xff,
	  "QEMU MAC, LINK_UP, 0xff past config_len");
	T_OK(set_backend(fd, 0x10e), "SET with IOTLB_PERSIST (platform IOMMU)");
	T_OK(set_backend(fd, 0x0e), "SET without it");
	T_ERR(set_backend(fd, 0x1e), EOPNOTSUPP, "SET SUSPEND without the op");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_ERR(vring(fd, VHOST_VDPA_GET_VRING_GROUP, 0, 0), EOPNOTSUPP, "GET_VRING_GROUP");
	T_ERR(vring(fd, VHOST_VDPA_SET_GROUP_ASID, 0, 0), EOPNOTSUPP, "SET_GROUP_ASID");
	n = vring_get(fd, VHOST_VDPA_GET_VRING_SIZE, 2, &r);
	T(r == 0 && n == 64, "GET_VRING_SIZE of the cvq is 64 (got %d %u)", r, n);
	T_ERR(UPDATE(fd, 0x8000000000ULL, PAGE, anon), EFAULT, "UPDATE above the range");
	T_ERR(UPDATE(fd, 0x7ffffff000ULL, 2 * PAGE, anon), EFAULT, "UPDATE crossing the end");
	T_EQ(UPDATE(fd, 0x7ffffff000ULL, PAGE, anon), 72, "UPDATE of the last page");
	T_EQ(UPDATE(fd, 0x100000, 2 * PAGE, anon), 72, "PA mode pins private memory");
	T(ptable(0, 0, NULL) == 2, "platform IOMMU: mapped immediately");
	T_OK(set_status(fd, 0), "SET_STATUS(0) without PERSIST acked");
	T(ptable(0, 0, &id) == 2 && id == 0, "platform IOMMU keeps the maps anyway");
	getrlimit(RLIMIT_MEMLOCK, &old);
	low = old;
	low.rlim_cur = 0;
	T_OK(setrlimit(RLIMIT_MEMLOCK, &low), "RLIMIT_MEMLOCK soft 0");
	T_ERR(UPDATE(fd, 0x200000, PAGE, anon), EFAULT, "UPDATE over RLIMIT_MEMLOCK (ENOMEM)");
	setrlimit(RLIMIT_MEMLOCK, &old);
	T_OK(set_status(fd, 0x0f), "DRIVER_OK");
	T_ERR(ioctl(fd, VHOST_VDPA_SUSPEND, NULL), EOPNOTSUPP, "SUSPEND without the op");
	{
		struct vhost_vring_addr a = { .index = 0, .desc_user_addr = 0x1000,
					      .avail_user_addr = 0x2000,
					      .used_user_addr = 0x3000 };

		T_ERR(ioctl(fd, VHOST_SET_VRING_ADDR, &a), EINVAL, "SET_VRING_ADDR while running");
		a.used_user_addr = 0x3002;
		T_OK(set_status(fd, 0), "reset");
		T_ERR(ioctl(fd, VHOST_SET_VRING_ADDR, &a), EINVAL, "used ring not 4-aligned");
		a.used_user_addr = 0x3000;
		a.flags = 2;
		T_ERR(ioctl(fd, VHOST_SET_VRING_ADDR, &a), EOPNOTSUPP, "unknown vring flags");
		a.flags = 0;
		T_OK(ioctl(fd, VHOST_SET_VRING_ADDR, &a), "SET_VRING_ADDR after reset");
	}
	T_OK(close(fd), "close vpnet0");
	T(ptable(0, 0, NULL) == 0, "closing freed the IOMMU domain");
	T_OK(close(fd1), "close vpblk0");
}

static void case_vp61(void)
{
	int fd = dopen(0, O_RDWR);

	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x0e, "vp_vdpa backend features on 6.1");
	T_ERR(set_backend(fd, 0x10e), EOPNOTSUPP, "SET with IOTLB_PERSIST on 6.1");
	T_ERR(set_backend(fd, 0x1e), EOPNOTSUPP, "SET SUSPEND without the op");
	T_OK(close(fd), "close");
}

static void case_mlx5_66(void)
{
	void *buf = shared_buf(PAGE);
	void *hva;
	int fd = dopen(0, O_RDWR), id = -1;

	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x3e, "mlx5 on 6.6 backend features");
	T_ERR(set_backend(fd, 0x13e), EOPNOTSUPP, "SET with IOTLB_PERSIST on 6.6");
	T_OK(set_backend(fd, 0x3e), "SET 0x3e");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_ERR(vring(fd, VHOST_VDPA_GET_VRING_DESC_GROUP, 0, 0), ENOTTY, "no desc group on 6.6");
	T(ptable(0, 0, &id) == 0 && id == 1, "a fresh mlx5 device has the 1:1 DMA MR");
	T_EQ(UPDATE(fd, 0x1000, PAGE, buf), 72, "UPDATE");
	T(ptable(0, 0, &id) == 1 && id == 0, "user MR replaced the DMA MR");
	T_OK(set_status(fd, 0), "SET_STATUS(0)");
	T(ptable(0, 0, &id) == 0 && id == 1, "reset destroyed the user MR, DMA MR back");
	T(api_xlate(0, 0, 0x1000, 8, 0, &hva) == FAKE_VDPA_XLATE_PHYSICAL,
	  "IOVA now read as a physical address");
	T_OK(close(fd), "close");
}

static void case_mlx5_612(void)
{
	void *buf = shared_buf(PAGE);
	uint32_t g;
	int fd = dopen(0, O_RDWR), r, id = -1;

	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x1fe, "mlx5 on 6.12 backend features");
	T_GET(fd, VHOST_VDPA_GET_AS_NUM, uint32_t, 3, "3 address spaces");
	T_ERR(set_backend(fd, 0x80 | 0x06), EINVAL, "DESC_ASID without IOTLB_ASID");
	T_OK(set_backend(fd, 0x18e), "SET ASID|DESC_ASID|IOTLB_PERSIST");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	g = vring_get(fd, VHOST_VDPA_GET_VRING_DESC_GROUP, 0, &r);
	T(r == 0 && g == 2, "rx descriptors in group 2");
	g = vring_get(fd, VHOST_VDPA_GET_VRING_DESC_GROUP, 2, &r);
	T(r == 0 && g == 1, "cvq descriptors in group 1");
	T_EQ(UPDATE(fd, 0x1000, PAGE, buf), 72, "UPDATE");
	T_OK(set_status(fd, 0), "SET_STATUS(0) with PERSIST acked");
	T(ptable(0, 0, &id) == 1 && id == 0, "maps kept");
	T_OK(close(fd), "close");
	T(ptable(0, 0, &id) == 0 && id == 1, ".reset_map on close: DMA MR back");
	fd = dopen(0, O_RDWR);
	T_OK(set_backend(fd, 0x0e), "reopen, SET without PERSIST");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_EQ(UPDATE(fd, 0x1000, PAGE, buf), 72, "UPDATE");
	T_OK(set_status(fd, 0), "SET_STATUS(0) without PERSIST");
	T(ptable(0, 0, &id) == 0 && id == 1, "compat reset dropped the maps");
	T_OK(close(fd), "close");
}

static void case_vduse(void)
{
	void *buf = shared_buf(PAGE);
	uint64_t f = 1ULL << 32;
	int fd = dopen(0, O_RDWR), id = -1;

	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x0e, "VDUSE backend features");
	T_ERR(set_backend(fd, 0x10e), EOPNOTSUPP, "SET with IOTLB_PERSIST (no reset_map)");
	T_OK(ioctl(fd, VHOST_SET_FEATURES, &f), "SET_FEATURES without ACCESS_PLATFORM");
	T_OK(set_backend(fd, 0x0e), "SET 0x0e");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_EQ(UPDATE(fd, 0x1000, PAGE, buf), 72, "UPDATE");
	T_OK(set_status(fd, 0), "SET_STATUS(0)");
	T(ptable(0, 0, &id) == 1 && id == 0, "VDUSE keeps its maps (but does not promise)");
	T_OK(close(fd), "close");
	/* vhost_vdpa_remove_as() empties vhost-vdpa's table but never calls .set_map */
	T(ptable(0, 0, &id) == 1 && id == 0, "VDUSE keeps the closed owner's maps (measured)");
}

static void case_old(void)
{
	struct utsname u;
	void *buf = private_buf(PAGE);
	uint32_t v = 0;
	int fd = dopen(0, O_RDWR);

	T(uname(&u) == 0 && !strcmp(u.release, "5.15.131"), "uname release is 5.15.131");
	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x06, "5.15 backend features");
	T_ERR(set_backend(fd, 0x0e), EOPNOTSUPP, "SET IOTLB_ASID on 5.15");
	T_OK(set_backend(fd, 0x06), "SET 0x06");
	T_ERR(ioctl(fd, VHOST_VDPA_GET_CONFIG_SIZE, &v), EPERM, "GET_CONFIG_SIZE as non-owner");
	T_ERR(ioctl(fd, VHOST_VDPA_GET_VQS_COUNT, &v), EPERM, "GET_VQS_COUNT as non-owner");
	T_ERR(ioctl(fd, VHOST_VDPA_GET_AS_NUM, &v), EPERM, "GET_AS_NUM as non-owner");
	T_ERR(ioctl(fd, VHOST_VDPA_GET_GROUP_NUM, &v), EPERM, "GET_GROUP_NUM as non-owner");
	T_ERR(ioctl(fd, VHOST_VDPA_SUSPEND, NULL), EPERM, "SUSPEND as non-owner");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	v = 0;
	T_ERR(ioctl(fd, VHOST_VDPA_GET_CONFIG_SIZE, &v), ENOTTY, "GET_CONFIG_SIZE, arg 0");
	v = 9;
	T_ERR(ioctl(fd, VHOST_VDPA_GET_CONFIG_SIZE, &v), ENOBUFS, "GET_CONFIG_SIZE, arg 9");
	T_ERR(ioctl(fd, VHOST_VDPA_SUSPEND, NULL), EFAULT, "SUSPEND, NULL arg");
	T_GET(fd, VHOST_VDPA_GET_VRING_NUM, uint16_t, 256, "GET_VRING_NUM exists");
	T_EQ(INVAL(fd, 0, PAGE), 72, "INVALIDATE before any UPDATE (one IOTLB from open)");
	T_EQ(msg2(fd, 1, VHOST_IOTLB_UPDATE, 0x1000, PAGE, buf, VHOST_ACCESS_RW), 72,
	     "v2 with asid 1: the field is ignored");
	T(vtable(0, 0) == 1, "the entry is in the only IOTLB");
	T_OK(close(fd), "close");
}

static void case_liar(void)
{
	void *buf = private_buf(PAGE);
	int fd = dopen(0, O_RDWR), id = -1;

	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x17e, "the liar offers IOTLB_PERSIST");
	T_OK(set_backend(fd, 0x10e), "SET with IOTLB_PERSIST is accepted");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_EQ(UPDATE(fd, 0x1000, PAGE, buf), 72, "UPDATE");
	T_OK(set_status(fd, 0), "SET_STATUS(0)");
	T(ptable(0, 0, &id) == 0 && id == 0, "the parent dropped its maps anyway");
	T(vtable(0, 0) == 1, "vhost-vdpa still claims the entry");
	T_OK(close(fd), "close");
}

static void case_busy(void)
{
	struct stat st;

	T_ERR(dopen(0, O_RDWR), EBUSY, "open of a device held elsewhere");
	T_ERR(dopen(0, O_RDONLY), EBUSY, "even read-only");
	T(stat("/dev/vhost-vdpa-0", &st) == 0 && S_ISCHR(st.st_mode), "the node exists");
}

/* The scenario's processes are the host's /proc (fake_proc.c): holders-6.12.json */
static void case_procs(void)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	struct stat st;
	char buf[256];
	int n = 0, fd;
	ssize_t r;

	while (dir && (e = readdir(dir)))
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	if (dir)
		closedir(dir);
	T(dir && n == 6, "/proc lists the scenario's 6 processes (got %d)", n);
	T(stat("/proc/4242/fd/23", &st) == 0 && S_ISCHR(st.st_mode) &&
		  st.st_rdev == makedev(236, 0),
	  "a descriptor link stats as the node it refers to (236:0)");
	T(stat("/proc/1/fd/0", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
	  "a \"path\" descriptor stats as that file (/dev/null, 1:3)");
	T(stat("/proc/4300/fd/3", &st) == 0 && st.st_rdev == makedev(236, 1),
	  "an O_PATH descriptor refers to the node too");
	T_ERR(stat("/proc/4242/fd/24", &st), ENOENT, "no such descriptor");
	T_ERR(stat("/proc/77/comm", &st), ENOENT, "no such process");
	fd = open("/proc/4300/fdinfo/3", O_RDONLY | O_CLOEXEC);
	r = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[r > 0 ? r : 0] = 0;
	if (fd >= 0)
		close(fd);
	T(strstr(buf, "flags:\t012000000\n") != NULL, "fdinfo flags of the O_PATH descriptor");
	fd = open("/proc/4242/comm", O_RDONLY | O_CLOEXEC);
	r = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[r > 0 ? r : 0] = 0;
	if (fd >= 0)
		close(fd);
	T(!strcmp(buf, "qemu-system-x86\n"), "comm with its newline");
	fd = open("/proc/5000/cmdline", O_RDONLY | O_CLOEXEC);
	r = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	T(r == 73 && !memcmp(buf, "qemu-kvm\0-name\0db,,1\0-netdev\0", 29),
	  "cmdline: the arguments with their NULs (got %zd bytes)", r);
	T_ERR(dopen(0, O_RDWR), EBUSY, "a device a process has open is busy");
	T_ERR(dopen(2, O_RDWR), EBUSY, "...every device a process has open");
	fd = dopen(1, O_RDWR);
	T(fd >= 0, "an O_PATH descriptor holds nothing: the device opens");
	if (fd >= 0)
		close(fd);
}

static void case_nomodule(void)
{
	DIR *dir = opendir("/dev");
	struct dirent *e;
	int fd, n = 0;

	while (dir && (e = readdir(dir)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (dir)
		closedir(dir);
	T(dir && n == 0, "/dev has no vhost-vdpa nodes");
	fd = open("/proc/devices", O_RDONLY | O_CLOEXEC);
	T(fd >= 0 && proc_major(slurp_fd(fd)) == -1, "/proc/devices has no vhost-vdpa line");
	close(fd);
	T_ERR(dopen(0, O_RDWR), ENOENT, "open /dev/vhost-vdpa-0");
}

static void case_empty(void)
{
	int fd = open("/proc/devices", O_RDONLY | O_CLOEXEC);

	T(fd >= 0 && proc_major(slurp_fd(fd)) == 236, "/proc/devices has vhost-vdpa");
	close(fd);
	T_ERR(dopen(0, O_RDWR), ENOENT, "no nodes");
}

static void case_inject(void)
{
	struct utsname u;
	void *buf = shared_buf(PAGE);
	uint64_t f;
	int fd;

	T_ERR(dopen(1, O_RDWR), EACCES, "open:/dev/vhost-vdpa-1=EACCES");
	fd = dopen(0, O_RDWR);
	T(fd >= 0, "other devices open normally");
	T_OK(ioctl(fd, VHOST_GET_FEATURES, &f), "GET_FEATURES call 1");
	T_ERR(ioctl(fd, VHOST_GET_FEATURES, &f), EIO, "GET_FEATURES call 2 (@2=EIO)");
	T_OK(ioctl(fd, VHOST_GET_FEATURES, &f), "GET_FEATURES call 3");
	T_ERR(ioctl(fd, VHOST_VDPA_GET_CONFIG_SIZE, &f), ENOTTY, "GET_CONFIG_SIZE=ENOTTY");
	T_ERR(ioctl(fd, VHOST_VDPA_GET_CONFIG_SIZE, &f), ENOTTY, "... every time");
	T_ERR(ioctl(fd, VHOST_SET_OWNER, NULL), EINTR, "SET_OWNER@1=EINTR");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER again: the injected one had no effect");
	T_ERR(UPDATE(fd, 0x1000, PAGE, buf), ENOMEM, "write:IOTLB_UPDATE@1=ENOMEM");
	T_EQ(UPDATE(fd, 0x1000, PAGE, buf), 72, "the next UPDATE maps (no EEXIST)");
	T_ERR(uname(&u), EFAULT, "uname=EFAULT");
	T_OK(close(fd), "close");
	{
		struct stat st;

		T_ERR(stat("/dev/vhost-vdpa-0", &st), EPERM, "stat:/dev/vhost-vdpa-0=EPERM");
		T_OK(stat("/dev/vhost-vdpa-1", &st), "stat of another node");
		T(opendir("/dev") == NULL && errno == EMFILE, "opendir=EMFILE");
	}
}

static void case_inject2(void)
{
	struct stat st;
	uint64_t f;
	int fd0 = dopen(0, O_RDWR), fd1 = dopen(1, O_RDWR);

	T_OK(ioctl(fd0, VHOST_GET_FEATURES, &f), "ioctl 1");
	T_OK(ioctl(fd1, VHOST_GET_FEATURES, &f), "ioctl 2");
	T_ERR(ioctl(fd0, VHOST_VDPA_GET_STATUS, &f), EINTR, "ioctl:*@3=EINTR");
	T_OK(ioctl(fd1, VHOST_VDPA_GET_STATUS, &f), "ioctl 4");
	T_OK(fstat(fd0, &st), "fstat of device 0");
	T_ERR(fstat(fd1, &st), EIO, "fstat#1=EIO only on device 1");
	T_ERR(read(fd0, &f, 8), EAGAIN, "read=EAGAIN");
	T_ERR(close(fd1), EIO, "close#1=EIO ...");
	fd1 = dopen(1, O_RDWR);
	T(fd1 >= 0, "... still released the device");
	close(fd1);
	close(fd0);
}

static void case_override(void)
{
	int fd = dopen(0, O_RDWR);

	T_GET(fd, VHOST_GET_BACKEND_FEATURES, uint64_t, 0x1ff, "GET reports the override verbatim");
	T_ERR(set_backend(fd, 0x10e), EOPNOTSUPP, "SET still follows the ops (no reset_map)");
	T_OK(set_backend(fd, 0x3e), "SET of what the ops support");
	T_OK(close(fd), "close");
}

static void case_limits(void)
{
	void *buf = private_buf(4 * PAGE);
	int fd = dopen(0, O_RDWR);

	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	T_EQ(UPDATE(fd, 0x1000, PAGE, buf), 72, "entry 1");
	T_EQ(UPDATE(fd, 0x2000, PAGE, (char *)buf + PAGE), 72, "entry 2");
	T_ERR(UPDATE(fd, 0x3000, PAGE, (char *)buf + 2 * PAGE), EFAULT,
	      "entry 3 over max_iotlb_entries=2 (ENOSPC)");
	T_OK(close(fd), "close");
}

static void case_fork(void)
{
	int fd = dopen(0, O_RDWR), status = -1;
	pid_t pid;

	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER in the parent");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		uint64_t f;
		int bad = 0;

		alarm(30); /* fork clears the case's own alarm */
		bad |= vring(fd, VHOST_SET_VRING_NUM, 0, 256) != -1 || errno != EPERM;
		bad |= ioctl(fd, VHOST_GET_FEATURES, &f) != 0;
		_exit(bad); /* _exit: no exit line from this process */
	}
	waitpid(pid, &status, 0);
	T(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	  "a forked child is not the owner (EPERM) but may query");
	T_OK(vring(fd, VHOST_SET_VRING_NUM, 0, 256), "the parent still is");
	T_OK(close(fd), "close");
}

static void case_leak(void)
{
	T(dopen(0, O_RDWR) >= 0, "open a device and never close it");
	T(open("/dev/null", O_RDONLY) >= 0, "open /dev/null and never close it");
}

static void case_noscenario(void)
{
	struct utsname u, raw;
	struct fake_vdpa_state st;

	T_ERR(dopen(0, O_RDWR), ENOENT, "without a scenario /dev/vhost-vdpa-0 is the real one");
	T(uname(&u) == 0 && syscall(SYS_uname, &raw) == 0 && !strcmp(u.release, raw.release),
	  "uname passes through");
	T(api_state(0, &st) == -1 && errno == ESRCH, "inspection API says no scenario");
}

/* The root of a process that exec()s is reaped by the new image. */
static void find_own_root(char *out, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	DIR *dir = opendir(tmp ? tmp : "/tmp");
	struct dirent *e;

	out[0] = 0;
	while (dir && (e = readdir(dir))) {
		char path[600];
		FILE *f;
		int pid = -1;

		if (strncmp(e->d_name, "fake-vdpa.", 10))
			continue;
		snprintf(path, sizeof(path), "%s/%s/owner", tmp ? tmp : "/tmp", e->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%d", &pid) == 1 && pid == getpid())
			snprintf(out, len, "%s/%s", tmp ? tmp : "/tmp", e->d_name);
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
}

static void case_exec_reap(void)
{
	char root[600];

	T_OK(close(dopen(0, O_RDWR)), "open and close a device");
	find_own_root(root, sizeof(root));
	T(root[0] != 0, "this process made a private root (%s)", root);
	setenv("SELFTEST_ROOT", root, 1);
	fflush(stdout);
	execl("/proc/self/exe", "selftest", "--case", "exec-reap-2", (char *)NULL);
	T(false, "exec: %s", en(errno));
}

static void case_exec_reap2(void)
{
	const char *root = getenv("SELFTEST_ROOT");
	struct stat st;
	int fd;

	T(root && root[0] && stat(root, &st) == -1 && errno == ENOENT,
	  "after exec the old root is gone (destructors never ran)");
	fd = dopen(0, O_RDWR);
	T(fd >= 0, "the new image has its own devices");
	close(fd);
}

/* Every scenario file: every device opens (or is busy), answers the basic
 * queries consistently, and closes with nothing left behind. */
static void case_sweep(void)
{
	char text[16384], path[300];
	DIR *dir = opendir("/dev");
	struct dirent *e;
	int fd, r, major = -1, devices = 0;

	fd = open("/proc/devices", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		snprintf(text, sizeof(text), "%s", slurp_fd(fd));
		major = proc_major(text);
		close(fd);
	}
	while (dir && (e = readdir(dir))) {
		struct stat st;
		uint64_t bf = 0;
		uint32_t size = 0, id = 0;

		if (strncmp(e->d_name, "vhost-vdpa-", 11))
			continue;
		devices++;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			T(errno == EBUSY, "%s: open works or is busy (%s)", path, en(errno));
			continue;
		}
		T(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && (int)major(st.st_rdev) == major,
		  "%s: char device with the /proc/devices major %d", path, major);
		r = ioctl(fd, VHOST_GET_BACKEND_FEATURES, &bf);
		T(r == 0 && (bf & 0x6) == 0x6, "%s: backend features 0x%llx have MSG_V2|BATCH",
		  path, (unsigned long long)bf);
		r = ioctl(fd, VHOST_VDPA_GET_DEVICE_ID, &id);
		T(r == 0 && (id == 1 || id == 2), "%s: device id %u", path, id);
		if (ioctl(fd, VHOST_VDPA_GET_CONFIG_SIZE, &size) == 0)
			T(size > 0 && get_config(fd, 0, size > 4096 ? 4096 : size, NULL) == 0 &&
				  get_config(fd, size, 1, NULL) == -1,
			  "%s: GET_CONFIG agrees with config size %u", path, size);
		else
			T(errno == EPERM, "%s: no GET_CONFIG_SIZE: EPERM before owner", path);
		T(close(fd) == 0, "%s: close", path);
	}
	if (dir)
		closedir(dir);
	T(dir != NULL, "opendir /dev (%d devices)", devices);
}

/* ======================================================================== */
/* sysfs                                                                     */

static bool read_text(const char *path, char *out, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	out[0] = 0;
	if (fd < 0)
		return false;
	n = read(fd, out, len - 1);
	close(fd);
	if (n < 0)
		return false;
	out[n] = 0;
	return true;
}

static void T_TEXT(const char *path, const char *want)
{
	char got[512];
	bool ok = read_text(path, got, sizeof(got));

	T(ok && !strcmp(got, want), "%s reads \"%.*s\" (got %s\"%.*s\")", path,
	  (int)strcspn(want, "\n"), want, ok ? "" : "an error, ", (int)strcspn(got, "\n"), got);
}

static void T_LINK(const char *path, const char *want)
{
	char got[512];
	ssize_t n = readlink(path, got, sizeof(got) - 1);

	got[n > 0 ? n : 0] = 0;
	T(n > 0 && !strcmp(got, want), "readlink %s is %s (got %s)", path, want,
	  n > 0 ? got : en(errno));
}

static void T_REAL(const char *path, const char *want)
{
	char got[PATH_MAX];
	char *r = realpath(path, got);

	T(r && !strcmp(got, want), "realpath %s is %s (got %s)", path, want, r ? got : en(errno));
}

/* sorted entries of a directory, space separated */
static const char *listing(const char *path)
{
	static char out[4096];
	char names[64][64];
	int n = 0;
	DIR *d = opendir(path);
	struct dirent *e;

	out[0] = 0;
	while (d && (e = readdir(d)) && n < 64)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			snprintf(names[n++], sizeof(names[0]), "%.63s", e->d_name);
	if (d)
		closedir(d);
	else
		return "(opendir failed)";
	qsort(names, (size_t)n, sizeof(names[0]), (int (*)(const void *, const void *))strcmp);
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i ? " " : "",
			 names[i]);
	return out;
}

static void case_sysfs61(void)
{
	struct stat st;
	char *c;

	T(!strcmp(listing("/sys/bus/vdpa/devices"), "blk0 net0 vpblk0 vpnet0"),
	  "/sys/bus/vdpa/devices lists blk0 net0 vpblk0 vpnet0 (got %s)",
	  listing("/sys/bus/vdpa/devices"));
	T(!strcmp(listing("/sys/bus/vdpa"), "devices drivers drivers_autoprobe drivers_probe uevent"),
	  "/sys/bus/vdpa has the bus files (got %s)", listing("/sys/bus/vdpa"));
	T(!strcmp(listing("/sys/bus/vdpa/drivers/vhost_vdpa"),
		  "bind blk0 net0 uevent unbind vpblk0 vpnet0"),
	  "the vhost_vdpa driver links its devices (got %s)",
	  listing("/sys/bus/vdpa/drivers/vhost_vdpa"));
	T_LINK("/sys/bus/vdpa/devices/net0", "../../../devices/net0");
	T_LINK("/sys/bus/vdpa/devices/vpnet0", "../../../devices/pci0000:00/0000:00:01.0/vpnet0");
	T_LINK("/sys/bus/vdpa/drivers/vhost_vdpa/vpblk0",
	       "../../../../devices/pci0000:00/0000:00:02.0/vpblk0");
	T_REAL("/sys/bus/vdpa/devices/net0", "/sys/devices/net0");
	T_REAL("/sys/bus/vdpa/devices/vpnet0", "/sys/devices/pci0000:00/0000:00:01.0/vpnet0");
	T_REAL("/sys/bus/vdpa/devices/net0/driver", "/sys/bus/vdpa/drivers/vhost_vdpa");
	T_REAL("/sys/dev/char/253:3", "/sys/devices/pci0000:00/0000:00:02.0/vpblk0/vhost-vdpa-3");
	T_REAL("/sys/bus/vdpa/devices/net0/..", "/sys/devices");
	c = canonicalize_file_name("/sys/bus/vdpa/devices/blk0/vhost-vdpa-1");
	T(c && !strcmp(c, "/sys/devices/blk0/vhost-vdpa-1"),
	  "canonicalize_file_name maps back to /sys (got %s)", c ? c : en(errno));
	free(c);
	T(realpath("/sys/bus/vdpa/devices/nosuch", NULL) == NULL && errno == ENOENT,
	  "realpath of a missing device: ENOENT");
	T_LINK("/sys/devices/net0/driver", "../../bus/vdpa/drivers/vhost_vdpa");
	T_LINK("/sys/devices/net0/subsystem", "../../bus/vdpa");
	T_LINK("/sys/devices/pci0000:00/0000:00:01.0/vpnet0/driver",
	       "../../../../bus/vdpa/drivers/vhost_vdpa");
	T_LINK("/sys/devices/pci0000:00/0000:00:01.0/driver", "../../../bus/pci/drivers/vp-vdpa");
	T_LINK("/sys/devices/pci0000:00/0000:00:01.0/subsystem", "../../../bus/pci");
	T_LINK("/sys/dev/char/253:0", "../../devices/net0/vhost-vdpa-0");
	T_TEXT("/sys/devices/net0/vhost-vdpa-0/dev", "253:0\n");
	T_TEXT("/sys/devices/pci0000:00/0000:00:02.0/vpblk0/vhost-vdpa-3/dev", "253:3\n");
	T_TEXT("/sys/bus/vdpa/devices/net0/driver_override", "(null)\n");
	T_TEXT("/sys/bus/vdpa/devices/net0/uevent", "DRIVER=vhost_vdpa\n");
	T_TEXT("/sys/devices/net0/vhost-vdpa-0/uevent", "");
	T_TEXT("/sys/bus/vdpa/drivers_autoprobe", "1\n");
	T_TEXT("/sys/devices/vdpasim_net/uevent", "");
	T_TEXT("/sys/module/vhost_vdpa/parameters/max_iotlb_entries", "2048\n");
	T_TEXT("/sys/module/vdpa_sim/parameters/batch_mapping", "1\n");
	T_TEXT("/sys/module/vdpa_sim/parameters/max_iotlb_entries", "2048\n");
	T_TEXT("/sys/module/vdpa_sim/version", "0.1\n");
	T_ERR(open("/sys/module/vdpa_sim/parameters/use_va", O_RDONLY), ENOENT,
	      "vdpa_sim has no use_va on 6.1");
	T_ERR(open("/sys/module/vdpa_sim_blk/parameters/shared_backend", O_RDONLY), ENOENT,
	      "vdpa_sim_blk has no shared_backend on 6.1");
	T(lstat("/sys/bus/vdpa/devices/net0", &st) == 0 && S_ISLNK(st.st_mode),
	  "lstat: the bus entry is a symlink");
	T(stat("/sys/bus/vdpa/devices/net0", &st) == 0 && S_ISDIR(st.st_mode),
	  "stat: it leads to a directory");
	T(stat("/sys/bus/vdpa/drivers_probe", &st) == 0 && (st.st_mode & 07777) == 0200,
	  "drivers_probe is 0200 (got %o)", st.st_mode & 07777);
	T(access("/sys/bus/vdpa", F_OK) == 0, "access /sys/bus/vdpa");
	T(!strcmp(listing("/sys/devices/net0"),
		  "driver driver_override subsystem uevent vhost-vdpa-0"),
	  "a device directory has driver, driver_override, subsystem, uevent, vhost-vdpa-N (got "
	  "%s)",
	  listing("/sys/devices/net0"));
	/* openat relative to a directory of the fake tree works without redirection */
	{
		int dfd = open("/sys/devices/net0", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int f = dfd >= 0 ? openat(dfd, "vhost-vdpa-0/dev", O_RDONLY | O_CLOEXEC) : -1;
		char b[16] = "";

		T(f >= 0 && read(f, b, sizeof(b) - 1) == 6 && !strcmp(b, "253:0\n"),
		  "openat(dirfd of /sys/devices/net0, vhost-vdpa-0/dev)");
		if (f >= 0)
			close(f);
		if (dfd >= 0)
			close(dfd);
	}
}

static void case_sysfs_mixed(void)
{
	struct stat st;

	T_LINK("/sys/bus/vdpa/devices/vnet1/driver", "../../bus/vdpa/drivers/virtio_vdpa");
	T(!strcmp(listing("/sys/devices/vnet1"), "driver driver_override subsystem uevent"),
	  "a virtio_vdpa-bound device has no vhost-vdpa child (got %s)",
	  listing("/sys/devices/vnet1"));
	T_TEXT("/sys/devices/vnet1/uevent", "DRIVER=virtio_vdpa\n");
	T(stat("/dev/vhost-vdpa-4", &st) == -1 && errno == ENOENT, "and no node");
	T(lstat("/sys/devices/loose2/driver", &st) == -1 && errno == ENOENT,
	  "an unbound device has no driver link");
	T_TEXT("/sys/devices/loose2/driver_override", "vhost_vdpa\n");
	T_TEXT("/sys/devices/loose2/uevent", "");
	T(!strcmp(listing("/sys/bus/vdpa/drivers"), "vhost_vdpa virtio_vdpa"),
	  "both drivers are registered (got %s)", listing("/sys/bus/vdpa/drivers"));
	T_REAL("/sys/bus/vdpa/devices/vduse0", "/sys/devices/virtual/vduse/vduse0/vduse0");
	T_LINK("/sys/devices/virtual/vduse/vduse0/subsystem", "../../../../class/vduse");
	T_TEXT("/sys/devices/virtual/vduse/vduse0/dev", "254:1\n");
	T_TEXT("/sys/devices/virtual/vduse/vduse0/msg_timeout", "30\n");
	T_TEXT("/sys/devices/virtual/vduse/control/dev", "254:0\n");
	T_LINK("/sys/class/vduse/vduse0", "../../devices/virtual/vduse/vduse0");
	T_REAL("/sys/dev/char/254:1", "/sys/devices/virtual/vduse/vduse0");
	T(lstat("/sys/devices/virtual/vduse/vduse0/driver", &st) == -1,
	  "the VDUSE device has no driver");
	T_REAL("/sys/bus/vdpa/devices/eni0", "/sys/devices/pci0000:00/0000:00:07.0/eni0");
	T_LINK("/sys/devices/pci0000:00/0000:00:07.0/driver",
	       "../../../bus/pci/drivers/alibaba-eni-vdpa");
	T_REAL("/sys/bus/vdpa/devices/sf0", "/sys/devices/auxiliary/mlx5_core.sf.2/sf0");
	T_LINK("/sys/devices/auxiliary/mlx5_core.sf.2/subsystem", "../../../bus/auxiliary");
	T_TEXT("/sys/devices/vduse/uevent", "");
	T_TEXT("/sys/module/vdpa_sim/parameters/use_va", "Y\n");
	T_TEXT("/sys/module/vdpa_sim_blk/parameters/shared_backend", "N\n");
	T_TEXT("/sys/module/vduse/parameters/max_iotlb_entries", "2048\n");
	/* the rest of the system is not faked: /sys/kernel is the host's */
	T(stat("/sys/kernel", &st) == 0 && S_ISDIR(st.st_mode), "/sys/kernel passes through");
}

static void case_sysfs_nobus(void)
{
	struct stat st;

	T(stat("/sys/bus/vdpa", &st) == -1 && errno == ENOENT, "no /sys/bus/vdpa");
	T(!strcmp(listing("/sys/devices"), ""), "/sys/devices is empty (got %s)",
	  listing("/sys/devices"));
	T(stat("/sys/module/vhost_vdpa", &st) == -1 && errno == ENOENT,
	  "no /sys/module/vhost_vdpa without the module");
}

/* ======================================================================== */
/* Netlink                                                                   */

#define NL_BUF 65536
static uint8_t nlbuf[NL_BUF];

static int nl_open(uint32_t *portid, bool ext)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	int one = 1, fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0)
		return -1;
	if (ext)
		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || getsockname(fd, (void *)&sa, &sl))
		return -1;
	*portid = sa.nl_pid;
	return fd;
}

/* a generic netlink request with optional string attribute */
static int nl_req(int fd, uint16_t type, uint8_t cmd, uint16_t flags, uint32_t seq, uint16_t atype,
		  const char *aval)
{
	uint8_t req[256];
	struct nlmsghdr *h = (void *)req;
	struct genlmsghdr *g = (void *)(req + NLMSG_HDRLEN);
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;

	memset(req, 0, sizeof(req));
	if (aval) {
		struct nlattr *a = (void *)(req + len);

		a->nla_type = atype;
		a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(aval) + 1);
		memcpy(req + len + NLA_HDRLEN, aval, strlen(aval) + 1);
		len += NLA_ALIGN(a->nla_len);
	}
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	h->nlmsg_seq = seq;
	g->cmd = cmd;
	g->version = 1;
	return (int)send(fd, req, len, 0);
}

static ssize_t nl_recv_len(int fd, size_t len, int flags, int *mflags)
{
	struct sockaddr_nl from;
	struct iovec iov = { nlbuf, len };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			    .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &m, flags);

	if (mflags)
		*mflags = m.msg_flags;
	if (n >= 0 && (m.msg_namelen != sizeof(from) || from.nl_family != AF_NETLINK ||
		       from.nl_pid != 0))
		return -2;
	return n;
}

/* the attribute of type t in the message at h (genl), or NULL */
static const struct nlattr *nl_attr(const struct nlmsghdr *h, uint16_t t)
{
	const uint8_t *p = (const uint8_t *)h + NLMSG_HDRLEN + GENL_HDRLEN;
	size_t n = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	while (n >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > n)
			return NULL;
		if (a->nla_type == t)
			return a;
		if ((size_t)NLA_ALIGN(a->nla_len) >= n)
			break;
		n -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static uint64_t nl_uint(const struct nlattr *a)
{
	uint64_t v = 0;

	if (a)
		memcpy(&v, (const uint8_t *)a + NLA_HDRLEN,
		       a->nla_len - NLA_HDRLEN > 8 ? 8 : a->nla_len - NLA_HDRLEN);
	return v;
}

static const char *nl_str(const struct nlattr *a)
{
	return a ? (const char *)a + NLA_HDRLEN : "(none)";
}

static int nl_errno(const struct nlmsghdr *h)
{
	return h->nlmsg_type == NLMSG_ERROR ? -((const struct nlmsgerr *)NLMSG_DATA(h))->error : -1;
}

/* the extack message of an NLMSG_ERROR, or "" */
static const char *nl_extack(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const uint8_t *p;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return "";
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	p = (const uint8_t *)h + off;
	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_type == NLMSGERR_ATTR_MSG)
			return (const char *)a + NLA_HDRLEN;
		off += NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return "";
}

static uint16_t family_id(int fd)
{
	const struct nlmsghdr *h = (const void *)nlbuf;

	nl_req(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK, 1, CTRL_ATTR_FAMILY_NAME, "vdpa");
	if (nl_recv_len(fd, 4096, 0, NULL) < 0 || h->nlmsg_type != GENL_ID_CTRL)
		return 0;
	{
		uint16_t id = (uint16_t)nl_uint(nl_attr(h, CTRL_ATTR_FAMILY_ID));

		nl_recv_len(fd, 4096, 0, NULL); /* the ACK */
		return id;
	}
}

static void case_netlink612(void)
{
	const struct nlmsghdr *h = (const void *)nlbuf;
	uint32_t portid = 0, portid2 = 0;
	int fd = nl_open(&portid, true), fd2 = nl_open(&portid2, true), mflags = 0, n, one = 1;
	socklen_t sl = sizeof(one);
	uint16_t fam;
	ssize_t r;
	char names[256] = "";

	T(fd >= 0 && portid == (uint32_t)getpid(), "the first socket's port id is the pid (%u)",
	  portid);
	T(fd2 >= 0 && (int32_t)portid2 == -4097, "the second one's is -4097 (got %d)",
	  (int32_t)portid2);
	T(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &one, &sl) == 0 && one == NETLINK_GENERIC,
	  "SO_PROTOCOL is NETLINK_GENERIC");
	close(fd2);

	T_EQ(nl_req(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK, 1, CTRL_ATTR_FAMILY_NAME,
		    "vdpa"),
	     32, "GETFAMILY sent");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T_EQ(r, 208, "GETFAMILY reply: one 208-byte datagram (6.12)");
	T(h->nlmsg_type == GENL_ID_CTRL && h->nlmsg_seq == 1 && h->nlmsg_pid == portid &&
		  h->nlmsg_flags == 0,
	  "nlctrl reply, seq 1, our port id, no flags");
	T(((const struct genlmsghdr *)NLMSG_DATA(h))->cmd == CTRL_CMD_NEWFAMILY &&
		  ((const struct genlmsghdr *)NLMSG_DATA(h))->version == 2,
	  "CTRL_CMD_NEWFAMILY, version 2");
	T(!strcmp(nl_str(nl_attr(h, CTRL_ATTR_FAMILY_NAME)), "vdpa"), "family name vdpa");
	T_EQ(nl_uint(nl_attr(h, CTRL_ATTR_FAMILY_ID)), 19, "family id (measured 0x13)");
	T_EQ(nl_uint(nl_attr(h, CTRL_ATTR_VERSION)), 1, "family version");
	T_EQ(nl_uint(nl_attr(h, CTRL_ATTR_MAXATTR)), 37, "maxattr on 6.12");
	T_EQ(nl_attr(h, CTRL_ATTR_OPS)->nla_len, 4 + 7 * 20, "7 ops (MGMTDEV_GET .. DEV_ATTR_SET)");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 36 && nl_errno(h) == 0 && h->nlmsg_flags == NLM_F_CAPPED,
	  "then the ACK: 36 bytes, error 0, NLM_F_CAPPED");
	fam = 19;

	/* device dump: one datagram, then DONE alone */
	nl_req(fd, fam, 5, NLM_F_DUMP, 2, 0, NULL);
	r = nl_recv_len(fd, 4096, 0, NULL);
	n = 0;
	{
		size_t left = (size_t)(r > 0 ? r : 0);

		for (const struct nlmsghdr *m = h; NLMSG_OK(m, left); m = NLMSG_NEXT(m, left)) {
			n++;
			T(m->nlmsg_flags == NLM_F_MULTI && m->nlmsg_seq == 2,
			  "dump message %d: NLM_F_MULTI, seq 2", n);
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 n > 1 ? " " : "", nl_str(nl_attr(m, 4)));
		}
	}
	T(r == 376 && n == 4, "DEV_GET dump: 4 devices in 376 bytes (got %zd, %d)", r, n);
	T(!strcmp(names, "net0 blk0 vpnet0 vpblk0"), "in registration order (got %s)", names);
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 20 && h->nlmsg_type == NLMSG_DONE && h->nlmsg_flags == NLM_F_MULTI,
	  "then NLMSG_DONE alone, 20 bytes");

	/* config doit: 6.12 rules */
	nl_req(fd, fam, 6, NLM_F_ACK, 3, 4, "net0");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T_EQ(r, 80, "CONFIG_GET net0: 80 bytes");
	T_EQ(nl_uint(nl_attr(h, 20)), 0x308830028ULL, "device features in attribute 20");
	T(nl_attr(h, 21) == NULL, "no attribute 21 for a net device");
	T(nl_attr(h, 11) && nl_attr(h, 11)->nla_len == 6 && nl_uint(nl_attr(h, 11)) == 1,
	  "NET_STATUS is a u16 (LINK_UP)");
	T_EQ(nl_uint(nl_attr(h, 13)), 1500, "MTU");
	T(nl_attr(h, 14) == NULL, "no negotiated features before FEATURES_OK");
	nl_recv_len(fd, 4096, 0, NULL);
	nl_req(fd, fam, 6, NLM_F_ACK, 4, 4, "blk0");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T_EQ(r, 184, "CONFIG_GET blk0: 184 bytes");
	T_EQ(nl_uint(nl_attr(h, 21)), 0x40000, "capacity (attribute 21)");
	T_EQ(nl_uint(nl_attr(h, 25)), 1, "num_queues");
	T_EQ(nl_uint(nl_attr(h, 36)), 1, "flush");
	nl_recv_len(fd, 4096, 0, NULL);

	/* errors */
	nl_req(fd, fam, 5, NLM_F_ACK, 5, 4, "nosuch");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 80 && nl_errno(h) == ENODEV && h->nlmsg_flags == NLM_F_ACK_TLVS,
	  "DEV_GET nosuch: ENODEV with the request echoed and an extack (got %zd %s)", r,
	  en(nl_errno(h)));
	T(!strcmp(nl_extack(h), "vdpa: device not found"), "extack \"vdpa: device not found\"");
	nl_req(fd, fam, 5, NLM_F_ACK, 6, 0, NULL);
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 40 && nl_errno(h) == EINVAL && !nl_extack(h)[0], "DEV_GET without a name: EINVAL");
	nl_req(fd, fam, 99, NLM_F_ACK, 7, 0, NULL);
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(nl_errno(h) == EOPNOTSUPP, "an unknown command: EOPNOTSUPP");
	nl_req(fd, fam, 3, NLM_F_ACK, 8, 4, "new0");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(nl_errno(h) == EOPNOTSUPP && strstr(nl_extack(h), "not modelled"),
	  "DEV_NEW as root: not modelled (EOPNOTSUPP)");
	nl_req(fd, 0x77, 5, NLM_F_ACK, 9, 0, NULL);
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(nl_errno(h) == ENOENT, "an unknown family id: ENOENT");
	nl_req(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK, 10, CTRL_ATTR_FAMILY_NAME, "nope");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 52 && nl_errno(h) == ENOENT, "GETFAMILY of another family: ENOENT");

	/* a second dump while one runs: EBUSY */
	nl_req(fd, fam, 2, NLM_F_DUMP, 11, 0, NULL);
	nl_req(fd, fam, 5, NLM_F_DUMP, 12, 0, NULL);
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(h->nlmsg_seq == 11 && h->nlmsg_type == fam, "the first dump's messages come first");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(h->nlmsg_seq == 12 && nl_errno(h) == EBUSY, "the second dump: EBUSY");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(h->nlmsg_seq == 11 && h->nlmsg_type == NLMSG_DONE, "the first dump's DONE");

	/* datagram semantics: MSG_PEEK, MSG_TRUNC, nothing queued */
	nl_req(fd, fam, 2, NLM_F_ACK, 13, 2, "vdpasim_net");
	r = nl_recv_len(fd, 8, MSG_PEEK | MSG_TRUNC, &mflags);
	T(r == 68 && (mflags & MSG_TRUNC), "MSG_PEEK|MSG_TRUNC with 8 bytes: real length 68");
	r = nl_recv_len(fd, 16, 0, &mflags);
	T(r == 16 && (mflags & MSG_TRUNC), "a 16-byte buffer: truncated, MSG_TRUNC set");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 36 && nl_errno(h) == 0, "the rest of that datagram is gone: next is the ACK");
	T_ERR(nl_recv_len(fd, 4096, MSG_DONTWAIT, NULL), EAGAIN, "nothing queued, MSG_DONTWAIT");
	{
		struct timeval tv = { 0, 100000 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		T_ERR(nl_recv_len(fd, 4096, 0, NULL), EAGAIN, "nothing queued, SO_RCVTIMEO 100 ms");
	}
	{
		struct pollfd p = { .fd = fd, .events = POLLIN };

		T(poll(&p, 1, 0) == 0, "poll: not readable when nothing is queued");
		nl_req(fd, fam, 5, NLM_F_ACK, 14, 4, "net0");
		T(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "readable with a reply queued");
	}
	T_OK(close(fd), "close the socket");
	(void)family_id;
}

static void case_netlink61(void)
{
	const struct nlmsghdr *h = (const void *)nlbuf;
	uint32_t portid;
	int fd = nl_open(&portid, true);
	uint16_t fam = family_id(fd);
	ssize_t r;

	T_EQ(fam, 19, "family id");
	/* the config dump stops at the first block device (blk0, second on the bus) */
	nl_req(fd, fam, 6, NLM_F_DUMP, 2, 0, NULL);
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 80 && !strcmp(nl_str(nl_attr(h, 4)), "net0"),
	  "6.1 config dump: net0 only (got %zd bytes)", r);
	T_EQ(nl_uint(nl_attr(h, 21)), 0x308820028ULL, "6.1: device features in attribute 21");
	T(nl_attr(h, 20) == NULL, "and not in 20");
	T(nl_attr(h, 11) && nl_attr(h, 11)->nla_len == 6, "NET_STATUS u16 even without F_STATUS");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 20 && h->nlmsg_type == NLMSG_DONE, "then DONE: vpnet0 is never reached");
	nl_req(fd, fam, 6, NLM_F_ACK, 3, 4, "blk0");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 52 && nl_errno(h) == EOPNOTSUPP && !(h->nlmsg_flags & NLM_F_ACK_TLVS),
	  "6.1 block config: EOPNOTSUPP, no message");
	nl_req(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK, 4, CTRL_ATTR_FAMILY_NAME, "vdpa");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 188 && nl_uint(nl_attr(h, CTRL_ATTR_MAXATTR)) == 22, "6.1: maxattr 22, 6 ops");
	nl_recv_len(fd, 4096, 0, NULL);
	close(fd);
	/* without NETLINK_EXT_ACK: no TLVs */
	fd = nl_open(&portid, false);
	nl_req(fd, fam, 5, NLM_F_ACK, 1, 4, "nosuch");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 52 && nl_errno(h) == ENODEV && h->nlmsg_flags == 0, "no extack without EXT_ACK");
	close(fd);
}

/* 300 simulator devices: the dump needs several datagrams; the first (sent before any recv)
 * holds NLMSG_GOODSIZE, the next ones the receive buffer size. */
static void case_netlink_big(void)
{
	const struct nlmsghdr *h = (const void *)nlbuf;
	uint32_t portid;
	int fd = nl_open(&portid, true), dgrams = 0, msgs = 0;
	ssize_t r, max1 = 0, max2 = 0;
	bool done = false;

	nl_req(fd, 19, 5, NLM_F_DUMP, 1, 0, NULL); /* a dump before any recv */
	while (!done && (r = nl_recv_len(fd, 8192, 0, NULL)) > 0) {
		size_t left = (size_t)r;

		dgrams++;
		if (dgrams == 1)
			max1 = r;
		else if (r > max2)
			max2 = r;
		for (const struct nlmsghdr *m = h; NLMSG_OK(m, left); m = NLMSG_NEXT(m, left)) {
			if (m->nlmsg_type == NLMSG_DONE)
				done = true;
			else
				msgs++;
		}
	}
	T(done && msgs == 300, "300 devices dumped (got %d)", msgs);
	T(max1 <= 3776 && max1 > 3776 - 100, "the first datagram fills NLMSG_GOODSIZE (%zd)", max1);
	T(max2 <= 8192 && max2 > 8192 - 100, "the next ones fill the 8 KiB buffer (%zd)", max2);
	T(dgrams >= 3, "%d datagrams", dgrams);
	close(fd);
}


/* netlink_u64_pad: a zero-length VDPA_ATTR_PAD before each u64 that would be misaligned */
static void case_netlink_pad(void)
{
	const struct nlmsghdr *h = (const void *)nlbuf;
	uint32_t portid;
	int fd = nl_open(&portid, true);
	char seq[64] = "";
	const uint8_t *p;
	size_t n;

	nl_req(fd, 19, 2, NLM_F_ACK, 1, 2, "m");
	T(nl_recv_len(fd, 4096, 0, NULL) > 0 && h->nlmsg_type == 19, "MGMTDEV_GET m");
	p = (const uint8_t *)h + NLMSG_HDRLEN + GENL_HDRLEN;
	n = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	while (n >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		snprintf(seq + strlen(seq), sizeof(seq) - strlen(seq), "%s%u", seq[0] ? "," : "",
			 a->nla_type);
		if (a->nla_type == 16 || a->nla_type == 3)
			T(((uintptr_t)(p + NLA_HDRLEN) - (uintptr_t)nlbuf) % 8 == 0,
			  "the u64 of attribute %u is 8-aligned in the datagram", a->nla_type);
		if ((size_t)NLA_ALIGN(a->nla_len) >= n)
			break;
		n -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	T(!strcmp(seq, "2,3,15,0,16"), "attributes 2,3,15,PAD,16 (got %s)", seq);
	close(fd);
}

static void case_netlink_nofamily(void)
{
	const struct nlmsghdr *h = (const void *)nlbuf;
	uint32_t portid;
	int fd = nl_open(&portid, true);

	nl_req(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK, 1, CTRL_ATTR_FAMILY_NAME, "vdpa");
	T(nl_recv_len(fd, 4096, 0, NULL) > 0 && nl_errno(h) == ENOENT,
	  "GETFAMILY vdpa: ENOENT (no family, or an injected error)");
	close(fd);
}

/* FAKE_VDPA_NL_FAULT: each kind corrupts the chosen reply the documented way */
static void case_netlink_faults(void)
{
	const struct nlmsghdr *h = (const void *)nlbuf;
	uint32_t portid;
	int fd = nl_open(&portid, true);
	ssize_t r;

	/* short_attr:dev@1, no_name:dev@2, garbage_len:config@1, truncated:mgmtdev@1,
	 * wrong_len:dev@3 (from the case's FAKE_VDPA_NL_FAULT) */
	nl_req(fd, 19, 5, NLM_F_DUMP, 1, 0, NULL);
	r = nl_recv_len(fd, 4096, 0, NULL);
	{
		const struct nlmsghdr *m1 = h;
		size_t left = (size_t)r;
		const struct nlmsghdr *m2 = NLMSG_NEXT(m1, left);
		const struct nlmsghdr *m3 = NLMSG_NEXT(m2, left);

		T(nl_attr(m1, 5) && nl_attr(m1, 5)->nla_len == 6, "short_attr: DEV_ID has 2 bytes");
		T(nl_attr(m2, 4) == NULL && nl_attr(m2, 5) != NULL, "no_name: DEV_NAME left out");
		T(nl_attr(m3, 5) && nl_attr(m3, 5)->nla_len == 12, "wrong_len: DEV_ID has 8 bytes");
	}
	nl_recv_len(fd, 4096, 0, NULL);
	nl_req(fd, 19, 6, NLM_F_ACK, 2, 4, "net0");
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 80 && h->nlmsg_len == 0xdeadbeef, "garbage_len: nlmsg_len 0xdeadbeef");
	nl_recv_len(fd, 4096, 0, NULL);
	nl_req(fd, 19, 2, NLM_F_DUMP, 3, 0, NULL);
	r = nl_recv_len(fd, 4096, 0, NULL);
	T(r == 34 && h->nlmsg_len == 68, "truncated: a 34-byte datagram whose message claims 68");
	close(fd);
}

/* ======================================================================== */
/* Delay and datapath                                                        */

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void case_delay(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { 0, 100000 } };
	int fd = dopen(0, O_RDWR);
	uint64_t f = 0;
	double t0;

	sigaction(SIGALRM, &sa, NULL);
	t0 = now_ms();
	T_OK(ioctl(fd, VHOST_GET_FEATURES, &f), "the first GET_FEATURES (not delayed)");
	T(now_ms() - t0 < 200, "no delay on call 1");
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = now_ms();
	T_OK(ioctl(fd, VHOST_GET_FEATURES, &f), "the second GET_FEATURES, delayed 400 ms");
	T(now_ms() - t0 >= 400, "it took the full 400 ms (%.0f) although a signal came", now_ms() - t0);
	T(alarms == 1, "the signal was delivered during the delay");
	T_OK(close(fd), "close");
}

/* one TX frame loops back to RX through the parent's translation; after a reset that drops
 * the translation (IOTLB_PERSIST not acked), it does not */
static void case_datapath(void)
{
	uint8_t *mem = shared_buf(4 * PAGE);
	int fd = dopen(0, O_RDWR), kick[2], call[2];
	uint64_t feat = (1ULL << 32) | (1ULL << 33), one = 1, iova = 0x40000000;
	struct vhost_vring_addr a;
	struct vhost_vring_file vf;
	int round;

	for (int i = 0; i < 2; i++) {
		kick[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		call[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	T_OK(set_backend(fd, 0x0e), "SET_BACKEND_FEATURES 0x0e (no IOTLB_PERSIST)");
	T_OK(ioctl(fd, VHOST_SET_OWNER, NULL), "SET_OWNER");
	/* like vdpactl: the IOVAs are not addresses of ours (the VA-mode identity fallback
	 * after the reset must find nothing there) */
	T(mmap((void *)(uintptr_t)iova, 4 * PAGE, PROT_NONE,
	       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == (void *)(uintptr_t)iova,
	  "reserve the IOVA window PROT_NONE");
	for (int i = 0; i < 4; i++)
		UPDATE(fd, iova + (uint64_t)i * PAGE, PAGE, mem + i * PAGE);
	for (round = 0; round < 2; round++) {
		uint16_t *avail, *used_idx;
		uint32_t *used_len;
		uint8_t *tx = mem + 3 * PAGE, *rx = mem + 2 * PAGE;

		memset(mem, 0, 2 * PAGE);
		set_status(fd, 1);
		set_status(fd, 3);
		ioctl(fd, VHOST_SET_FEATURES, &feat);
		set_status(fd, 11);
		for (uint32_t q = 0; q < 2; q++) {
			uint64_t base = iova + q * PAGE;

			vring(fd, VHOST_SET_VRING_NUM, q, 16);
			a = (struct vhost_vring_addr){ .index = q,
						       .desc_user_addr = base,
						       .avail_user_addr = base + 0x400,
						       .used_user_addr = base + 0x800 };
			ioctl(fd, VHOST_SET_VRING_ADDR, &a);
			vring(fd, VHOST_SET_VRING_BASE, q, 0);
			vf = (struct vhost_vring_file){ q, kick[q] };
			ioctl(fd, VHOST_SET_VRING_KICK, &vf);
			vf = (struct vhost_vring_file){ q, call[q] };
			ioctl(fd, VHOST_SET_VRING_CALL, &vf);
			vring(fd, VHOST_VDPA_SET_VRING_ENABLE, q, 1);
		}
		set_status(fd, 15);
		/* RX desc 0 in page 2 (writable), TX desc 0 in page 3 */
		memset(rx, 0, 64);
		memcpy(tx, "\0\0\0\0\0\0\0\0\0\0\0\0looped frame", 24);
		{
			uint64_t d0[2] = { iova + 2 * PAGE, 256ULL | (2ULL << 32) }; /* WRITE */
			uint64_t d1[2] = { iova + 3 * PAGE, 24 };

			memcpy(mem, d0, 16);
			memcpy(mem + PAGE, d1, 16);
		}
		avail = (uint16_t *)(mem + 0x400);
		avail[2] = 0, avail[1] = 1;
		avail = (uint16_t *)(mem + PAGE + 0x400);
		avail[2] = 0, avail[1] = 1;
		(void)!write(kick[1], &one, sizeof(one));
		used_idx = (uint16_t *)(mem + 0x800 + 2);
		used_len = (uint32_t *)(mem + 0x800 + 8);
		if (round == 0) {
			T(*used_idx == 1 && *used_len == 24 && !memcmp(rx + 12, "looped frame", 12),
			  "TX frame looped back into RX (used idx %u len %u)", *used_idx, *used_len);
			T_OK(set_status(fd, 0), "SET_STATUS(0) without IOTLB_PERSIST acked");
		} else {
			T(*used_idx == 0, "after the reset the device cannot reach its rings (idx %u)",
			  *used_idx);
		}
	}
	T_OK(close(fd), "close");
	for (int i = 0; i < 2; i++) {
		close(kick[i]);
		close(call[i]);
	}
}

/* ======================================================================== */
/* Driver                                                                    */

struct tcase {
	const char *name;
	const char *scenario; /* file in the scenario dir, "@x" = generated, NULL = none */
	void (*fn)(void);
	const char *inject;
	const char *die; /* the child must abort with this on stderr */
	const char *exit_line; /* expected prefix of the last "exit" line */
	const char *log[8];	/* lines the log must contain (prefix match) */
	const char *delay;	/* FAKE_VDPA_DELAY */
	const char *nlfault;	/* FAKE_VDPA_NL_FAULT */
};

#define CLEAN_EXIT "exit open_fds=0 tracked_open=0 inherited_fds=0"

/* Entries leave delay/nlfault out when they do not use them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct tcase cases[] = {
	{ "basic-6.12", "sim-6.12.json", case_basic, NULL, NULL, CLEAN_EXIT,
	  { "uname = 0 (6.12.117 x86_64)", "open /dev/vhost-vdpa-0 O_RDWR|O_CLOEXEC = 3",
	    "ioctl 3 VHOST_GET_BACKEND_FEATURES = 0 (0x17e)",
	    "open /dev/vhost-vdpa-0 O_RDWR|O_CLOEXEC = -1 EBUSY",
	    "ioctl 3 VHOST_SET_VRING_NUM = -1 EPERM", "fstat 3 = 0 (chr 236:0)", "close 3 = 0",
	    "opendir /dev = ok" } },
	{ "persist-6.12", "sim-6.12.json", case_persist, NULL, NULL, CLEAN_EXIT,
	  { "ioctl 3 VHOST_SET_BACKEND_FEATURES = 0 (0x10e)",
	    "write 3 IOTLB_UPDATE iova=0x100000 size=0x4000 ",
	    "write 3 IOTLB_UPDATE iova=0x102000 size=0x1000 ", "ioctl 3 VHOST_VDPA_SET_STATUS = 0" } },
	{ "nopersist-6.12", "sim-6.12.json", case_nopersist, NULL, NULL, CLEAN_EXIT,
	  { "ioctl 3 VHOST_SET_BACKEND_FEATURES = -1 EOPNOTSUPP (0x200)",
	    "write 3 IOTLB_BATCH_BEGIN asid=0 v2 = 72", "write 3 IOTLB_BATCH_END asid=0 v2 = 72" } },
	{ "writes-6.12", "sim-6.12.json", case_writes, NULL, NULL, CLEAN_EXIT,
	  { "write 3 len=3 = -1 EINVAL", "write 3 msgtype=3 len=72 = -1 EINVAL",
	    "write 3 IOTLB_UPDATE iova=0x0 size=0x1000 uaddr=0x", "write 3 IOTLB_BATCH_END asid=0 v2 = 72",
	    "ioctl 3 VHOST_SET_OWNER = 0 (pid=" } },
	{ "features-6.12", "sim-6.12.json", case_features, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "sim-6.1", "sim-6.1.json", case_sim61, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "vp-6.12", "vp-6.12.json", case_vp612, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "vp-6.1", "vp-6.1.json", case_vp61, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "mlx5-6.6", "mlx5-6.6.json", case_mlx5_66, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "mlx5-6.12", "mlx5-6.12.json", case_mlx5_612, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "vduse-6.12", "vduse-6.12.json", case_vduse, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "vduse-6.1", "vduse-6.1.json", case_vduse, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "old-5.15", "old-5.15.json", case_old, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "liar-6.12", "liar-6.12.json", case_liar, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "busy", "busy.json", case_busy, NULL, NULL, CLEAN_EXIT,
	  { "open /dev/vhost-vdpa-0 O_RDWR|O_CLOEXEC = -1 EBUSY" } },
	{ "procs", "holders-6.12.json", case_procs, NULL, NULL, CLEAN_EXIT,
	  { "proc stat /proc/4242/fd/23 = 0 (chr 236:0)", "proc opendir /proc = ok" } },
	{ "no-module", "no-module.json", case_nomodule, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "empty", "empty.json", case_empty, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "inject", "sim-6.12.json", case_inject,
	  "open:/dev/vhost-vdpa-1=EACCES; ioctl:VHOST_GET_FEATURES@2=EIO;"
	  "ioctl:VHOST_VDPA_GET_CONFIG_SIZE=ENOTTY;ioctl:VHOST_SET_OWNER@1=EINTR;"
	  "write:IOTLB_UPDATE@1=ENOMEM;uname=EFAULT;stat:/dev/vhost-vdpa-0=EPERM;opendir=EMFILE",
	  NULL, CLEAN_EXIT,
	  { "open /dev/vhost-vdpa-1 O_RDWR|O_CLOEXEC = -1 EACCES (injected)",
	    "ioctl 3 VHOST_GET_FEATURES = -1 EIO (injected)",
	    "write 3 IOTLB_UPDATE = -1 ENOMEM (injected)", "uname = -1 EFAULT (injected)" } },
	{ "inject-any", "sim-6.12.json", case_inject2,
	  "ioctl:*@3=EINTR;fstat#1=EIO;read=EAGAIN;close#1=EIO",
	  NULL, CLEAN_EXIT, { "close 4 = -1 EIO (injected)" } },
	{ "inject-scenario", "@inject", case_inject2, "fstat#1=EIO;read=EAGAIN;close#1=EIO", NULL,
	  CLEAN_EXIT, { NULL } },
	{ "override", "@override", case_override, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "limits", "@limits", case_limits, NULL, NULL, CLEAN_EXIT,
	  { "write 3 IOTLB_UPDATE iova=0x3000 size=0x1000 " } },
	{ "fork-owner", "sim-6.12.json", case_fork, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "exec-reap", "sim-6.12.json", case_exec_reap, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "leak-detected", "sim-6.12.json", case_leak, NULL, NULL,
	  "exit open_fds=2 tracked_open=1 inherited_fds=0", { NULL } },
	{ "no-scenario", NULL, case_noscenario, NULL, NULL, NULL, { NULL } },
	{ "bad-inject-ioctl", "sim-6.12.json", case_basic, "ioctl:VHOST_NO_SUCH=EIO",
	  "unknown ioctl name", NULL, { NULL } },
	{ "bad-inject-errno", "sim-6.12.json", case_basic, "open:/dev/vhost-vdpa-0=EBOGUS",
	  "unknown errno name", NULL, { NULL } },
	{ "bad-inject-op", "sim-6.12.json", case_basic, "frobnicate=EIO", "unknown operation",
	  NULL, { NULL } },
	{ "bad-inject-number", "sim-6.12.json", case_basic, "ioctl:*=5", "unknown errno name",
	  NULL, { NULL } },
	{ "bad-scenario-missing", "@missing", case_basic, NULL, "kernel: missing required field",
	  NULL, { NULL } },
	{ "bad-scenario-hex", "@badhex", case_basic, NULL,
	  "devices[0].device_features: bad hex number '0xzz'", NULL, { NULL } },
	{ "bad-scenario-key", "@badkey", case_basic, NULL, "devices[0].nvq: unknown key", NULL,
	  { NULL } },
	{ "bad-scenario-op", "@badop", case_basic, NULL, "devices[0].ops: unknown op 'suspnd'",
	  NULL, { NULL } },
	{ "bad-scenario-json", "@badjson", case_basic, NULL, "invalid JSON", NULL, { NULL } },
	{ "bad-scenario-file", "@nofile", case_basic, NULL, "cannot open", NULL, { NULL } },
	{ "bad-scenario-config", "@bigconfig", case_basic, NULL,
	  "devices[0].config: has 3 bytes, more than config_size 2", NULL, { NULL } },
	{ "sysfs-6.1", "realvm-6.1.json", case_sysfs61, NULL, NULL, CLEAN_EXIT,
	  { "sysfs realpath /sys/bus/vdpa/devices/net0 = /sys/devices/net0",
	    "sysfs readlink /sys/bus/vdpa/devices/net0 = ../../../devices/net0",
	    "sysfs open /sys/devices/net0/vhost-vdpa-0/dev O_RDONLY|O_CLOEXEC = ",
	    "sysfs opendir /sys/bus/vdpa/devices = ok", "sysfs stat /sys/bus/vdpa/devices/net0 = 0",
	    "sysfs lstat /sys/bus/vdpa/devices/net0 = 0" } },
	{ "sysfs-mixed", "mixed-6.12.json", case_sysfs_mixed, NULL, NULL, CLEAN_EXIT,
	  { "sysfs realpath /sys/bus/vdpa/devices/vduse0 = /sys/devices/virtual/vduse/vduse0/vduse0" } },
	{ "sysfs-nobus", "@nobus", case_sysfs_nobus, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "netlink-6.12", "realvm-6.12.json", case_netlink612, NULL, NULL, CLEAN_EXIT,
	  { "netlink socket SOCK_RAW|SOCK_CLOEXEC = 3", "netlink setsockopt 3 = 0",
	    "netlink bind 3 = 0", "netlink send 3 32 (CTRL_CMD_GETFAMILY) = 32",
	    "netlink recvmsg 3 4096 = 208 (family)", "netlink recvmsg 3 4096 = 376 (4 msgs)",
	    "netlink recvmsg 3 16 = 68 MSG_TRUNC (mgmtdev)", "netlink close 3 = 0" } },
	{ "netlink-6.1", "realvm-6.1.json", case_netlink61, NULL, NULL, CLEAN_EXIT,
	  { "netlink send 3 20 (VDPA_CMD_DEV_CONFIG_GET dump) = 20",
	    "netlink recvmsg 3 4096 = 80 (1 msgs)" } },
	{ "netlink-big", "@big", case_netlink_big, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "netlink-pad", "@pad", case_netlink_pad, NULL, NULL, CLEAN_EXIT, { NULL } },
	{ "netlink-nofamily", "@nofam", case_netlink_nofamily, NULL, NULL, CLEAN_EXIT,
	  { "netlink send 3 32 (CTRL_CMD_GETFAMILY -> ENOENT) = 32" } },
	{ "netlink-faults", "realvm-6.12.json", case_netlink_faults, NULL, NULL, CLEAN_EXIT,
	  { "netlink recvmsg 3 4096 = 34 (1 msgs, fault truncated)" }, NULL,
	  "short_attr:dev@1;no_name:dev@2;wrong_len:dev@3;garbage_len:config@1;"
	  "truncated:mgmtdev@1" },
	{ "netlink-inject", "realvm-6.12.json", case_netlink_nofamily, "netlink:CTRL_CMD_GETFAMILY=ENOENT",
	  NULL, CLEAN_EXIT, { "netlink send 3 32 (CTRL_CMD_GETFAMILY -> ENOENT) = 32" } },
	{ "delay", "sim-6.12.json", case_delay, NULL, NULL, CLEAN_EXIT,
	  { "delay ioctl 3 VHOST_GET_FEATURES 400ms", "ioctl 3 VHOST_GET_FEATURES = 0" },
	  "ioctl:VHOST_GET_FEATURES@2=400" },
	{ "datapath", "realvm-6.12.json", case_datapath, NULL, NULL, CLEAN_EXIT,
	  { "kick ", "release /dev/vhost-vdpa-0: 4 vhost IOTLB entries torn down, 0 left" } },
	{ "bad-delay", "sim-6.12.json", case_basic, NULL, "bad delay spec", NULL, { NULL },
	  "ioctl:VHOST_SET_OWNER=soon" },
	{ "bad-nl-fault", "sim-6.12.json", case_basic, NULL, "bad netlink fault", NULL, { NULL },
	  NULL, "scramble:dev" },
	{ "bad-scenario-mgmtdev", "@badmgmt", case_basic, NULL,
	  "devices[0].mgmtdev: 'm' is not in mgmtdevs", NULL, { NULL } },
	{ "bad-scenario-dupname", "@dupname", case_basic, NULL,
	  "devices[1].name: 'n' is used by devices[0] too", NULL, { NULL } },
	{ "bad-scenario-virtio-index", "@virtioindex", case_basic, NULL,
	  "devices[0].index: only a device bound to vhost_vdpa has a vhost-vdpa-N node", NULL,
	  { NULL } },
};
#pragma GCC diagnostic pop

/* A minimal valid device for generated scenarios; %s lets a test break it. */
#define GEN_DEV                                                                              \
	"{\"index\":0,\"name\":\"n\",\"mgmtdev\":\"m\",\"parent_driver\":\"p\","             \
	"\"device_id\":1,\"device_features\":\"%s\",\"config\":\"%s\",\"config_size\":%d,"   \
	"\"vq_num_max\":256,\"nvqs\":2,\"ngroups\":1,\"nas\":1,%s"                           \
	"\"iova_range\":{\"first\":\"0x0\",\"last\":\"0xffffffffffffffff\"},"                \
	"\"dma\":\"set_map\",\"va_mode\":false,\"ops\":[%s],\"reset_drops_maps\":true}"

static void gen_scenario(const char *dir, const char *which, char *path, size_t len)
{
	char dev[1024], doc[4096];
	FILE *f;

	snprintf(path, len, "%s/%s.json", dir, which + 1);
	if (!strcmp(which, "@nofile"))
		return;
	snprintf(dev, sizeof(dev), GEN_DEV,
		 !strcmp(which, "@badhex") ? "0xzz" : "0x300000000",
		 !strcmp(which, "@bigconfig") ? "010203" : "0102",
		 2,
		 !strcmp(which, "@badkey")     ? "\"nvq\":2,"
		 : !strcmp(which, "@override") ? "\"backend_features_override\":\"0x1ff\","
					       : "",
		 !strcmp(which, "@badop") ? "\"suspnd\"" : "\"suspend\",\"resume\"");
	if (!strcmp(which, "@big")) {
		/* 300 simulator net devices n0..n299 */
		f = fopen(path, "w");
		if (!f)
			return;
		fputs("{\"kernel\":\"6.12.117\",\"devices\":[", f);
		for (int i = 0; i < 300; i++) {
			char one[1024], *nm, *ix;

			snprintf(one, sizeof(one), GEN_DEV, "0x300000000", "0102", 2, "", "");
			nm = strstr(one, "\"name\":\"n\"");
			ix = strstr(one, "\"index\":0");
			if (!nm || !ix)
				break;
			fprintf(f, "%s{\"index\":%d,\"name\":\"n%d\",\"mgmtdev\":\"vdpasim_net\"%s",
				i ? "," : "", i, i, strstr(one, ",\"parent_driver\""));
		}
		fputs("]}", f);
		fclose(f);
		return;
	}
	if (!strcmp(which, "@missing"))
		snprintf(doc, sizeof(doc), "{\"devices\":[]}");
	else if (!strcmp(which, "@nobus"))
		snprintf(doc, sizeof(doc), "{\"kernel\":\"6.12.117\",\"vdpa_bus\":false,"
					   "\"vhost_vdpa_module\":false,\"devices\":[]}");
	else if (!strcmp(which, "@pad"))
		snprintf(doc, sizeof(doc),
			 "{\"kernel\":\"6.12.117\",\"machine\":\"mips64\",\"devices\":[%s]}", dev);
	else if (!strcmp(which, "@nofam"))
		snprintf(doc, sizeof(doc),
			 "{\"kernel\":\"6.12.117\",\"vdpa_netlink\":false,\"devices\":[]}");
	else if (!strcmp(which, "@badmgmt"))
		snprintf(doc, sizeof(doc),
			 "{\"kernel\":\"6.12.117\",\"mgmtdevs\":[{\"name\":\"x\",\"classes\":"
			 "[\"net\"],\"max_vqs\":2,\"supported_features\":\"0x0\"}],"
			 "\"devices\":[%s]}",
			 dev);
	else if (!strcmp(which, "@dupname")) {
		char dev1[1024];

		snprintf(dev1, sizeof(dev1), "%s", dev);
		dev1[9] = '1';
		snprintf(doc, sizeof(doc), "{\"kernel\":\"6.12.117\",\"devices\":[%s,%s]}", dev,
			 dev1);
	} else if (!strcmp(which, "@virtioindex"))
		snprintf(doc, sizeof(doc),
			 "{\"kernel\":\"6.12.117\",\"devices\":[{\"bound_driver\":\"virtio_vdpa\",%s]}",
			 dev + 1);
	else if (!strcmp(which, "@badjson"))
		snprintf(doc, sizeof(doc), "{\"kernel\":\"6.12.117\",\n\"devices\":[,]}");
	else if (!strcmp(which, "@limits"))
		snprintf(doc, sizeof(doc),
			 "{\"kernel\":\"6.12.117\",\"max_iotlb_entries\":2,\"devices\":[%s]}", dev);
	else if (!strcmp(which, "@inject")) {
		/* two devices, injection from the scenario's own "inject" array
		 * plus the environment */
		char dev1[1024];

		char *nm;

		snprintf(dev1, sizeof(dev1), "%s", dev);
		dev1[9] = '1'; /* "index":1 */
		nm = strstr(dev1, "\"name\":\"n\"");
		if (nm) /* device names are unique, as on the vdpa bus */
			memcpy(nm, "\"name\":\"m\"", 10);
		snprintf(doc, sizeof(doc),
			 "{\"kernel\":\"6.12.117\",\"inject\":[\"ioctl:*@3=EINTR\"],"
			 "\"devices\":[%s,%s]}",
			 dev, dev1);
	} else
		snprintf(doc, sizeof(doc), "{\"kernel\":\"6.12.117\",\"devices\":[%s]}", dev);
	f = fopen(path, "w");
	if (f) {
		fputs(doc, f);
		fclose(f);
	}
}

static int test_no;
static int test_failed;

__attribute__((format(printf, 2, 3))) static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s %d - ", ok ? "ok" : "not ok", ++test_no);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	test_failed += !ok;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return strdup("");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = 0;
	fclose(f);
	return buf;
}

static bool has_line_prefix(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, prefix, n))
			return true;
	return false;
}

static const char *last_exit_line(const char *text, char *out, size_t len)
{
	const char *last = NULL;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "exit ", 5))
			last = p;
	out[0] = 0;
	if (last)
		snprintf(out, len, "%.*s", (int)strcspn(last, "\n"), last);
	return out;
}

static void run_case(const struct tcase *tc, const char *scdir, const char *tmp)
{
	char scenario[600], logp[600], errp[600], *line = NULL, *log, *err, exitl[256];
	size_t cap = 0;
	int pfd[2], status = 0, lines = 0;
	FILE *in;
	pid_t pid;

	scenario[0] = 0;
	if (tc->scenario && tc->scenario[0] == '@')
		gen_scenario(tmp, tc->scenario, scenario, sizeof(scenario));
	else if (tc->scenario)
		snprintf(scenario, sizeof(scenario), "%s/%s", scdir, tc->scenario);
	snprintf(logp, sizeof(logp), "%s/%s.log", tmp, tc->name);
	snprintf(errp, sizeof(errp), "%s/%s.err", tmp, tc->name);
	unlink(logp);
	if (pipe2(pfd, O_CLOEXEC))
		exit(99);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int efd = open(errp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		char *argv[] = { "selftest", "--case", (char *)tc->name, NULL };

		dup2(pfd[1], 1);
		if (efd >= 0)
			dup2(efd, 2);
		syscall(SYS_close_range, 3, ~0U, 0); /* the case starts with fds 0-2 only */
		alarm(120);			     /* survives exec: no case hangs the run */
		if (tc->scenario)
			setenv("FAKE_VDPA_SCENARIO", scenario, 1);
		else
			unsetenv("FAKE_VDPA_SCENARIO");
		setenv("FAKE_VDPA_LOG", logp, 1);
		setenv("TMPDIR", tmp, 1); /* private roots go where we can check them */
		if (tc->inject)
			setenv("FAKE_VDPA_INJECT", tc->inject, 1);
		else
			unsetenv("FAKE_VDPA_INJECT");
		if (tc->delay)
			setenv("FAKE_VDPA_DELAY", tc->delay, 1);
		else
			unsetenv("FAKE_VDPA_DELAY");
		if (tc->nlfault)
			setenv("FAKE_VDPA_NL_FAULT", tc->nlfault, 1);
		else
			unsetenv("FAKE_VDPA_NL_FAULT");
		execv("/proc/self/exe", argv);
		_exit(98);
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && getline(&line, &cap, in) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "ok - ", 5))
			tap(true, "%s: %s", tc->name, line + 5);
		else if (!strncmp(line, "not ok - ", 9))
			tap(false, "%s: %s", tc->name, line + 9);
		else
			printf("# %s: %s\n", tc->name, line);
		lines++;
	}
	free(line);
	if (in)
		fclose(in);
	waitpid(pid, &status, 0);
	err = read_file(errp);
	log = read_file(logp);

	if (tc->die) {
		tap(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
		    "%s: the process is aborted", tc->name);
		tap(strstr(err, tc->die) && strstr(err, "fake-vdpa: "),
		    "%s: stderr says \"%s\"", tc->name, tc->die);
		if (!strstr(err, tc->die))
			printf("# stderr: %s\n", err);
	} else {
		tap(WIFEXITED(status) && WEXITSTATUS(status) == 0 && lines > 0,
		    "%s: the case ran and exited 0", tc->name);
		if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			printf("# status 0x%x, stderr: %s\n", status, err);
	}
	for (size_t i = 0; i < ARRAY_SIZE(tc->log) && tc->log[i]; i++) {
		bool ok = has_line_prefix(log, tc->log[i]);

		tap(ok, "%s: log has \"%s\"", tc->name, tc->log[i]);
	}
	if (tc->exit_line) {
		last_exit_line(log, exitl, sizeof(exitl));
		tap(!strncmp(exitl, tc->exit_line, strlen(tc->exit_line)),
		    "%s: log ends with \"%s\" (got \"%s\")", tc->name, tc->exit_line, exitl);
	}
	if (!tc->scenario)
		tap(log[0] == 0, "%s: nothing logged without a scenario", tc->name);
	{
		DIR *dir = opendir(tmp);
		struct dirent *e;
		int left = 0;

		while (dir && (e = readdir(dir)))
			left += !strncmp(e->d_name, "fake-vdpa.", 10);
		if (dir)
			closedir(dir);
		tap(left == 0, "%s: no private root left behind", tc->name);
	}
	free(err);
	free(log);
}

/* Cases only reached from another case (by exec). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct tcase helpers[] = {
	{ "exec-reap-2", NULL, case_exec_reap2, NULL, NULL, NULL, { NULL } },
};
#pragma GCC diagnostic pop

static int run_case_child(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(helpers); i++)
		if (!strcmp(helpers[i].name, name) && load_api()) {
			helpers[i].fn();
			fflush(stdout);
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (strcmp(cases[i].name, name))
			continue;
		if (!load_api()) {
			report(false, "libfakevdpa.so is preloaded (LD_PRELOAD)");
			return 0;
		}
		cases[i].fn();
		fflush(stdout);
		return 0;
	}
	fprintf(stderr, "selftest: no case %s\n", name);
	return 2;
}

/* One sweep case per scenario file found in the directory. */
static void run_sweeps(const char *scdir, const char *tmp)
{
	struct dirent **names;
	int n = scandir(scdir, &names, NULL, alphasort);

	tap(n > 2, "scenario directory %s is readable", scdir);
	for (int i = 0; i < n; i++) {
		const char *f = names[i]->d_name;
		size_t len = strlen(f);

		if (len > 5 && !strcmp(f + len - 5, ".json")) {
			char name[300];
			struct tcase tc = { .scenario = f, .fn = case_sweep, .exit_line = CLEAN_EXIT };

			snprintf(name, sizeof(name), "sweep %s", f);
			tc.name = name;
			run_case(&tc, scdir, tmp);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *scdir = argc > 1 ? argv[1] : "tests/fake/scenarios";
	const char *tmpdir = getenv("TMPDIR");
	char tmp[400], cmd[450];

	if (argc == 3 && !strcmp(argv[1], "--case")) {
		if (!strncmp(argv[2], "sweep ", 6)) {
			if (!load_api())
				report(false, "libfakevdpa.so is preloaded (LD_PRELOAD)");
			else
				case_sweep();
			return 0;
		}
		return run_case_child(argv[2]);
	}
	snprintf(tmp, sizeof(tmp), "%s/fake-selftest.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 99;
	}
	printf("# fake vhost-vdpa kernel selftest, scenarios from %s\n", scdir);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i], scdir, tmp);
	run_sweeps(scdir, tmp);
	printf("1..%d\n", test_no);
	printf("# %d passed, %d failed\n", test_no - test_failed, test_failed);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	return test_failed ? 1 : 0;
}
