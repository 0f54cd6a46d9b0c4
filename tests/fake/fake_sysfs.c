// SPDX-License-Identifier: MIT
/*
 * fake_sysfs.c - the scenario's sysfs, built once inside the private root (ROOT/sys).
 *
 * The layout is the one the 6.1 and 6.12 test kernels show (drivers/vdpa/vdpa.c, the vdpa bus in sysfs, measured with
 * tests/fake/README.md "Measured sysfs"): every path, symlink target and file content below
 * is what a real kernel gives for the same devices. Symlinks are relative, exactly as in
 * sysfs, so they resolve inside ROOT/sys when fake_core.c redirects /sys/bus/vdpa,
 * /sys/devices, /sys/dev/char, /sys/module and /sys/class/vduse there.
 *
 *   /sys/bus/vdpa/{drivers_autoprobe,drivers_probe,uevent}
 *   /sys/bus/vdpa/devices/NAME -> ../../../devices/.../NAME
 *   /sys/bus/vdpa/drivers/{vhost_vdpa,virtio_vdpa}/{bind,unbind,uevent,NAME -> ...}
 *   DEVDIR = /sys/devices/NAME (no parent: vdpa_sim)
 *          | /sys/devices/pciDDDD:BB/BDF/NAME (PCI parent: vp_vdpa, mlx5, ifcvf, ...)
 *          | /sys/devices/virtual/vduse/NAME/NAME (VDUSE)
 *   DEVDIR/{driver -> bus/vdpa/drivers/DRV, driver_override, subsystem -> bus/vdpa, uevent}
 *   DEVDIR/vhost-vdpa-N/{dev "MAJ:N", uevent ""}   (only when bound to vhost_vdpa; no class)
 *   /sys/dev/char/MAJ:N -> ../../devices/.../vhost-vdpa-N
 *   /sys/devices/{vdpasim_net,vdpasim_blk,vduse}/uevent   (bus-less management devices)
 *   PCI parent: {driver -> ../../../bus/pci/drivers/DRV, subsystem -> ../../../bus/pci, uevent}
 *   VDUSE parent: {dev, msg_timeout, subsystem -> class/vduse, uevent}, /sys/class/vduse/...
 *   /sys/module/MODULE/{parameters/NAME,version}
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake.h"

static const char *const sys_prefixes[] = { "/sys/bus/vdpa", "/sys/devices", "/sys/dev/char",
					    "/sys/module", "/sys/class/vduse" };

bool fake_sysfs_path(const char *path)
{
	for (size_t i = 0; i < FAKE_ARRAY_SIZE(sys_prefixes); i++) {
		size_t n = strlen(sys_prefixes[i]);

		if (!strncmp(path, sys_prefixes[i], n) && (path[n] == '/' || path[n] == 0))
			return true;
	}
	return false;
}

static const char *g_rootdir;

/* ROOT + path (path starts with /sys) */
static void full(char *out, size_t len, const char *path)
{
	if ((size_t)snprintf(out, len, "%s%s", g_rootdir, path) >= len)
		fake_die("sysfs path too long: %s", path);
}

/* mkdir -p, cheap when the parent exists (the usual case): one mkdir per directory */
static void mkdir_full(char *p)
{
	char *slash;

	if (!mkdir(p, 0755) || errno == EEXIST)
		return;
	if (errno != ENOENT || !(slash = strrchr(p, '/')) || slash == p)
		fake_die("mkdir %s: %s", p, strerror(errno));
	*slash = 0;
	mkdir_full(p);
	*slash = '/';
	if (mkdir(p, 0755) && errno != EEXIST)
		fake_die("mkdir %s: %s", p, strerror(errno));
}

static void mkdirs(const char *path)
{
	char p[PATH_MAX + 64];

	full(p, sizeof(p), path);
	mkdir_full(p);
}

static void parent_dirs(const char *path)
{
	char d[PATH_MAX];
	char *slash;

	snprintf(d, sizeof(d), "%s", path);
	slash = strrchr(d, '/');
	if (slash && slash != d) {
		*slash = 0;
		mkdirs(d);
	}
}

static void put(const char *path, const char *text, mode_t mode)
{
	char p[PATH_MAX + 64];
	size_t len = strlen(text);
	int fd;

	full(p, sizeof(p), path);
	fd = fake_real_open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT) {
		parent_dirs(path);
		fd = fake_real_open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		fake_die("cannot create %s: %s", p, strerror(errno));
	while (len) {
		ssize_t w = fake_real_write(fd, text, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			fake_die("cannot write %s: %s", p, strerror(errno));
		text += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, mode))
		fake_die("chmod %s: %s", p, strerror(errno));
	fake_real_close(fd);
}

static void putf(const char *path, mode_t mode, const char *fmt, ...) FAKE_PRINTF(3, 4);
static void putf(const char *path, mode_t mode, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	put(path, text, mode);
}

/* "../" once per component of dir below "/sys": how a link in dir climbs back to /sys. */
static const char *up(const char *dir, char *buf, size_t len)
{
	size_t n = 0, o = 0;

	for (const char *p = dir + strlen("/sys"); *p; p++)
		n += *p == '/';
	buf[0] = 0;
	for (size_t i = 0; i < n && o + 3 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "../");
	return buf;
}

/* A symlink at path (under /sys) to "/sys/<target below /sys>", written relative. */
static void link_to(const char *path, const char *target)
{
	char p[PATH_MAX + 64], dir[PATH_MAX], rel[PATH_MAX + 64], ups[256];
	char *slash;
	int r;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = 0;
	snprintf(rel, sizeof(rel), "%s%s", up(dir, ups, sizeof(ups)), target + strlen("/sys/"));
	full(p, sizeof(p), path);
	r = symlink(rel, p);
	if (r && errno == ENOENT) {
		parent_dirs(path);
		r = symlink(rel, p);
	}
	if (r && errno != EEXIST)
		fake_die("symlink %s: %s", p, strerror(errno));
}

/* The vdpa device's own directory. */
static void dev_dir(const struct fake_dev_cfg *d, char *out, size_t len)
{
	if (d->parent.bus)
		snprintf(out, len, "%s/%s", d->parent.path, d->name);
	else
		snprintf(out, len, "/sys/devices/%s", d->name);
}

static void build_parent(const struct fake_scenario *sc, const struct fake_dev_cfg *d)
{
	const struct fake_parent *p = &d->parent;
	char path[PATH_MAX], target[PATH_MAX];

	if (!strcmp(p->bus, "vduse")) {
		unsigned minor = d->vduse_minor;

		snprintf(path, sizeof(path), "%s/dev", p->path);
		putf(path, 0444, "%u:%u\n", sc->vduse_major, minor);
		snprintf(path, sizeof(path), "%s/msg_timeout", p->path);
		putf(path, 0644, "%s\n", d->msg_timeout);
		snprintf(path, sizeof(path), "%s/subsystem", p->path);
		link_to(path, "/sys/class/vduse");
		snprintf(path, sizeof(path), "%s/uevent", p->path);
		putf(path, 0644, "MAJOR=%u\nMINOR=%u\nDEVNAME=vduse/%s\n", sc->vduse_major, minor,
		     p->bus_id);
		snprintf(path, sizeof(path), "/sys/class/vduse/%s", p->bus_id);
		link_to(path, p->path);
		snprintf(path, sizeof(path), "/sys/dev/char/%u:%u", sc->vduse_major, minor);
		link_to(path, p->path);
		return;
	}
	snprintf(path, sizeof(path), "%s/subsystem", p->path);
	snprintf(target, sizeof(target), "/sys/bus/%s", p->bus);
	link_to(path, target);
	snprintf(path, sizeof(path), "%s/uevent", p->path);
	if (p->driver && !strcmp(p->bus, "pci"))
		putf(path, 0644, "DRIVER=%s\nPCI_SLOT_NAME=%s\n", p->driver, p->bus_id);
	else if (p->driver)
		putf(path, 0644, "DRIVER=%s\n", p->driver);
	else if (!strcmp(p->bus, "pci"))
		putf(path, 0644, "PCI_SLOT_NAME=%s\n", p->bus_id);
	else
		put(path, "", 0644);
	if (p->driver) {
		snprintf(path, sizeof(path), "%s/driver", p->path);
		snprintf(target, sizeof(target), "/sys/bus/%s/drivers/%s", p->bus, p->driver);
		link_to(path, target);
	}
}

/* /sys/module: each module parameter (and version) the scenario names. */
static void build_modules(const struct fake_scenario *sc)
{
	char path[PATH_MAX + 128];

	for (size_t i = 0; i < sc->nparams; i++) {
		const struct fake_modparam *p = &sc->params[i];

		if (!p->value)
			continue;
		if (!strcmp(p->name, "version"))
			snprintf(path, sizeof(path), "/sys/module/%s/version", p->module);
		else
			snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", p->module,
				 p->name);
		putf(path, 0444, "%s\n", p->value);
	}
}

/* /sys/bus/vdpa itself and the drivers whose modules are loaded (vhost_vdpa, virtio_vdpa). */
static void build_bus(const struct fake_scenario *sc)
{
	char path[PATH_MAX + 128];
	bool virtio_drv = false;

	put("/sys/bus/vdpa/drivers_autoprobe", "1\n", 0644);
	put("/sys/bus/vdpa/drivers_probe", "", 0200);
	put("/sys/bus/vdpa/uevent", "", 0200);
	mkdirs("/sys/bus/vdpa/devices");
	for (size_t i = 0; i < sc->ndevs; i++)
		virtio_drv |= sc->devs[i].bound_driver &&
			      !strcmp(sc->devs[i].bound_driver, "virtio_vdpa");
	for (int k = 0; k < 2; k++) {
		const char *drv = k ? "virtio_vdpa" : "vhost_vdpa";

		if ((k == 0 && !sc->module) || (k == 1 && !virtio_drv))
			continue; /* the driver's module is not loaded */
		snprintf(path, sizeof(path), "/sys/bus/vdpa/drivers/%s/bind", drv);
		put(path, "", 0200);
		snprintf(path, sizeof(path), "/sys/bus/vdpa/drivers/%s/unbind", drv);
		put(path, "", 0200);
		snprintf(path, sizeof(path), "/sys/bus/vdpa/drivers/%s/uevent", drv);
		put(path, "", 0200);
	}
}

/* Bus-less management devices are root devices of their own; vduse has its control node. */
static void build_busless_mgmt(const struct fake_scenario *sc)
{
	char path[PATH_MAX + 128];

	for (size_t i = 0; i < sc->nmgmt; i++) {
		if (sc->mgmt[i].bus)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/%s/uevent", sc->mgmt[i].dev);
		put(path, "", 0644);
		if (strcmp(sc->mgmt[i].dev, "vduse"))
			continue;
		putf("/sys/devices/virtual/vduse/control/dev", 0444, "%u:0\n", sc->vduse_major);
		link_to("/sys/devices/virtual/vduse/control/subsystem", "/sys/class/vduse");
		putf("/sys/devices/virtual/vduse/control/uevent", 0644,
		     "MAJOR=%u\nMINOR=0\nDEVNAME=vduse/control\n", sc->vduse_major);
		link_to("/sys/class/vduse/control", "/sys/devices/virtual/vduse/control");
		snprintf(path, sizeof(path), "/sys/dev/char/%u:0", sc->vduse_major);
		link_to(path, "/sys/devices/virtual/vduse/control");
	}
}

/* One vdpa device: its directory, bus and driver links, and its vhost-vdpa-N child. */
static void build_device(const struct fake_scenario *sc, const struct fake_dev_cfg *d)
{
	char path[PATH_MAX + 128], dir[PATH_MAX], target[PATH_MAX + 128];

	dev_dir(d, dir, sizeof(dir));
	mkdirs(dir);
	snprintf(path, sizeof(path), "/sys/bus/vdpa/devices/%s", d->name);
	link_to(path, dir);
	snprintf(path, sizeof(path), "%s/subsystem", dir);
	link_to(path, "/sys/bus/vdpa");
	snprintf(path, sizeof(path), "%s/driver_override", dir);
	putf(path, 0644, "%s\n", d->driver_override ? d->driver_override : "(null)");
	snprintf(path, sizeof(path), "%s/uevent", dir);
	if (d->bound_driver)
		putf(path, 0644, "DRIVER=%s\n", d->bound_driver);
	else
		put(path, "", 0644);
	if (!d->bound_driver)
		return;
	snprintf(path, sizeof(path), "%s/driver", dir);
	snprintf(target, sizeof(target), "/sys/bus/vdpa/drivers/%s", d->bound_driver);
	link_to(path, target);
	snprintf(path, sizeof(path), "/sys/bus/vdpa/drivers/%s/%s", d->bound_driver, d->name);
	link_to(path, dir);
	if (!d->has_index)
		return;
	snprintf(path, sizeof(path), "%s/vhost-vdpa-%u/dev", dir, d->index);
	putf(path, 0444, "%u:%u\n", sc->major, d->index);
	snprintf(path, sizeof(path), "%s/vhost-vdpa-%u/uevent", dir, d->index);
	put(path, "", 0644);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u", sc->major, d->index);
	snprintf(target, sizeof(target), "%s/vhost-vdpa-%u", dir, d->index);
	link_to(path, target);
}

void fake_sysfs_build(const struct fake_scenario *sc, const char *root)
{
	g_rootdir = root;
	mkdirs("/sys/devices");
	mkdirs("/sys/dev/char");
	mkdirs("/sys/module");
	build_modules(sc);
	if (!sc->vdpa_bus)
		return;
	build_bus(sc);
	build_busless_mgmt(sc);
	for (size_t i = 0; i < sc->ndevs; i++) {
		const struct fake_dev_cfg *d = &sc->devs[i];

		if (d->parent.bus) {
			/* the first device on this parent sets it up */
			bool done = false;

			for (size_t j = 0; j < i; j++)
				done |= sc->devs[j].parent.path &&
					!strcmp(sc->devs[j].parent.path, d->parent.path);
			if (!done)
				build_parent(sc, d);
		}
		build_device(sc, d);
	}
}
