// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-log.so: an LD_PRELOAD library for the real-kernel tests that logs what a vhost-vdpa
 * client (QEMU) asks the kernel, without changing it. Every ioctl of the vhost type (0xAF,
 * include/uapi/linux/vhost.h) goes to the file named by VHOST_LOG as one line:
 *
 *   <pid> ioctl <fd> <name or 0xREQ> [in=0x...] = <rc> [out=0x...]
 *
 * For the feature ioctls (64 bits) and the status ioctls (8 bits) the value is logged: what was
 * written (SET_*) before the call, what came back (GET_*) after it. So the log says what QEMU acked
 * with VHOST_SET_BACKEND_FEATURES, which strace shows only as a pointer.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define VHOST_TYPE 0xAF

static const struct {
	unsigned nr;
	int dir;
	const char *name;
	int val; /* 1: the argument is a __u64 or __u8 worth logging */
} names[] = {
	{ 0x00, _IOC_READ, "VHOST_GET_FEATURES", 1 },
	{ 0x00, _IOC_WRITE, "VHOST_SET_FEATURES", 1 },
	{ 0x01, _IOC_NONE, "VHOST_SET_OWNER", 0 },
	{ 0x02, _IOC_NONE, "VHOST_RESET_OWNER", 0 },
	{ 0x03, _IOC_WRITE, "VHOST_SET_MEM_TABLE", 0 },
	{ 0x10, _IOC_WRITE, "VHOST_SET_VRING_NUM", 0 },
	{ 0x11, _IOC_WRITE, "VHOST_SET_VRING_ADDR", 0 },
	{ 0x12, _IOC_WRITE, "VHOST_SET_VRING_BASE", 0 },
	{ 0x12, _IOC_READ | _IOC_WRITE, "VHOST_GET_VRING_BASE", 0 },
	{ 0x20, _IOC_WRITE, "VHOST_SET_VRING_KICK", 0 },
	{ 0x21, _IOC_WRITE, "VHOST_SET_VRING_CALL", 0 },
	{ 0x22, _IOC_WRITE, "VHOST_SET_VRING_ERR", 0 },
	{ 0x25, _IOC_WRITE, "VHOST_SET_BACKEND_FEATURES", 1 },
	{ 0x26, _IOC_READ, "VHOST_GET_BACKEND_FEATURES", 1 },
	{ 0x70, _IOC_READ, "VHOST_VDPA_GET_DEVICE_ID", 0 },
	{ 0x71, _IOC_READ, "VHOST_VDPA_GET_STATUS", 1 },
	{ 0x72, _IOC_WRITE, "VHOST_VDPA_SET_STATUS", 1 },
	{ 0x73, _IOC_READ, "VHOST_VDPA_GET_CONFIG", 0 },
	{ 0x74, _IOC_WRITE, "VHOST_VDPA_SET_CONFIG", 0 },
	{ 0x75, _IOC_WRITE, "VHOST_VDPA_SET_VRING_ENABLE", 0 },
	{ 0x76, _IOC_READ, "VHOST_VDPA_GET_VRING_NUM", 0 },
	{ 0x77, _IOC_WRITE, "VHOST_VDPA_SET_CONFIG_CALL", 0 },
	{ 0x78, _IOC_READ, "VHOST_VDPA_GET_IOVA_RANGE", 0 },
	{ 0x79, _IOC_READ, "VHOST_VDPA_GET_CONFIG_SIZE", 0 },
	{ 0x7A, _IOC_READ, "VHOST_VDPA_GET_AS_NUM", 0 },
	{ 0x7B, _IOC_READ | _IOC_WRITE, "VHOST_VDPA_GET_VRING_GROUP", 0 },
	{ 0x7C, _IOC_WRITE, "VHOST_VDPA_SET_GROUP_ASID", 0 },
	{ 0x7D, _IOC_NONE, "VHOST_VDPA_SUSPEND", 0 },
	{ 0x7E, _IOC_NONE, "VHOST_VDPA_RESUME", 0 },
	{ 0x80, _IOC_READ, "VHOST_VDPA_GET_VQS_COUNT", 0 },
	{ 0x81, _IOC_READ, "VHOST_VDPA_GET_GROUP_NUM", 0 },
};

static void logline(const char *fmt, ...)
{
	const char *path = getenv("VHOST_LOG");
	char buf[256];
	va_list ap;
	int fd, n;

	if (!path)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
		n = 0;
	close(fd);
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, void *);
	const char *name = NULL;
	char in[40] = "", out[40] = "";
	int val = 0, rc, err;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "ioctl");
	if (_IOC_TYPE(req) != VHOST_TYPE)
		return real(fd, req, arg);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == _IOC_NR(req) && names[i].dir == (int)_IOC_DIR(req)) {
			name = names[i].name;
			val = names[i].val ? (int)_IOC_SIZE(req) : 0;
		}
	if (val && (_IOC_DIR(req) & _IOC_WRITE))
		snprintf(in, sizeof(in), " in=0x%" PRIx64,
			 val == 8 ? *(uint64_t *)arg : *(uint8_t *)arg);
	rc = real(fd, req, arg);
	err = errno;
	if (val && rc == 0 && _IOC_DIR(req) == _IOC_READ)
		snprintf(out, sizeof(out), " out=0x%" PRIx64,
			 val == 8 ? *(uint64_t *)arg : *(uint8_t *)arg);
	if (name)
		logline("%d ioctl %d %s%s = %d%s%s%s\n", (int)getpid(), fd, name, in, rc,
			rc < 0 ? " " : "", rc < 0 ? strerror(err) : "", out);
	else
		logline("%d ioctl %d 0x%lx = %d\n", (int)getpid(), fd, req, rc);
	errno = err;
	return rc;
}
