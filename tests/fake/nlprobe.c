// SPDX-License-Identifier: MIT
/*
 * nlprobe.c - print, byte for byte, what the "vdpa" generic netlink family answers.
 *
 * A measuring tool for the fake kernel: the same binary runs inside the real-kernel VM
 * (linked statically, tests/bats/real_kernel.bats) and on the host under libfakevdpa.so, and
 * the two outputs must be identical. It speaks raw netlink (no libmnl) so that it sees every
 * datagram boundary, flag, padding attribute and extended ACK exactly as the kernel sends them.
 *
 * Usage: nlprobe [-b BUFSIZE] [-A] [-C] [STEP...]
 *   -b N   receive buffer size (default 4096, libmnl's MNL_SOCKET_BUFFER_SIZE on x86-64)
 *   -A     do not set NETLINK_EXT_ACK
 *   -C     set NETLINK_CAP_ACK (errors do not echo the request payload)
 * Steps (default: all):
 *   family[=NAME]      CTRL_CMD_GETFAMILY (default name "vdpa")
 *   dump-mgmtdev, dump-dev, dump-config
 *   get-mgmtdev=[BUS/]DEV, get-dev=NAME, get-config=NAME
 *   get-dev-noname     DEV_GET doit without VDPA_ATTR_DEV_NAME
 *   cmd=N              an unknown vdpa command number (doit, empty)
 *   new-dev=NAME@MGMTDEV  VDPA_CMD_DEV_NEW, as `vdpa dev add name NAME mgmtdev MGMTDEV` sends it
 *                      for a management device without a bus (the simulators): adds a device
 *                      (needs CAP_NET_ADMIN); many in one process cost the guest far less than
 *                      one `vdpa` process each
 *   vq=NODE            open the vhost-vdpa NODE (it resets the device: never on a device in
 *                      use) and print GET_VQS_COUNT, GET_VRING_NUM and, per vq, the
 *                      GET_VRING_SIZE answer (6.9+) and the vq group (after SET_OWNER)
 *   sysfs              the vDPA part of sysfs: /sys/bus/vdpa, each device's directory (via
 *                      realpath), its parent's driver/subsystem links, /sys/dev/char links,
 *                      the management device directories and the vDPA module parameters;
 *                      one line per entry: "D path mode", "L path -> target",
 *                      "F path mode = content" (newlines as |; write-only files: no content)
 *   all                family, family=nosuch, the three dumps, every get-* for what the dumps
 *                      named, get-*=nosuch, get-dev-noname
 *
 * Output: one block per step, "== STEP", then "dgram N len L" per datagram received and the
 * messages in it with every attribute in hex (strings also quoted). Sequence numbers and port
 * ids are printed as "req"/"me" when they are the expected ones, so runs compare verbatim.
 * Exit status: 0 (whatever the kernel answered), 1 socket failure, 2 usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vhost.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define VDPA_CMD_MGMTDEV_GET 2
#define VDPA_CMD_DEV_NEW 3
#define VDPA_CMD_DEV_GET 5
#define VDPA_CMD_DEV_CONFIG_GET 6
#define A_BUS 1
#define A_MGMT 2
#define A_NAME 4

static int sock = -1;
static uint32_t portid;
static uint32_t seq;
static uint16_t family;
static size_t bufsize = 4096;

/* names collected from the dumps, for the "all" step */
static char names_dev[256][64], names_mgmt[64][128];
static int n_dev, n_mgmt;
static bool collecting; /* inside a dump step: remember the names it gives */

static void hexdump(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static bool printable(const uint8_t *p, size_t n)
{
	if (n == 0 || p[n - 1] != 0)
		return false;
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

/* Attributes in [p, p+n), one per line. ctrl: decode CTRL_ATTR_OPS / MCAST_GROUPS (a list of
 * nests, 2 levels); nest: every attribute here is itself a nest of (levels) more levels. */
static void attrs_n(const uint8_t *p, size_t n, int depth, bool ctrl, int nest);

static void attrs(const uint8_t *p, size_t n, int depth, bool ctrl)
{
	attrs_n(p, n, depth, ctrl, 0);
}

static void attrs_n(const uint8_t *p, size_t n, int depth, bool ctrl, int nest)
{
	while (n >= 4) {
		const struct nlattr *a = (const void *)p;
		size_t alen = a->nla_len, pl, step;

		if (alen < 4 || alen > n) {
			printf("%*sbad attribute len=%zu (left %zu): ", depth * 2, "", alen, n);
			hexdump(p, n);
			printf("\n");
			return;
		}
		pl = alen - 4;
		printf("%*sa%u%s len=%zu ", depth * 2, "", a->nla_type & NLA_TYPE_MASK,
		       a->nla_type & NLA_F_NESTED ? "N" : "", pl);
		hexdump(p + 4, pl);
		if (printable(p + 4, pl))
			printf(" \"%.*s\"", (int)pl - 1, (const char *)p + 4);
		printf("\n");
		if (nest > 0)
			attrs_n(p + 4, pl, depth + 1, false, nest - 1);
		else if (ctrl && ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_OPS ||
				  (a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS))
			attrs_n(p + 4, pl, depth + 1, false, 1);
		step = NLA_ALIGN(alen);
		if (step > n)
			step = n;
		p += step;
		n -= step;
	}
	if (n)
		printf("%*strailing %zu bytes\n", depth * 2, "", n);
}

static void field(const char *name, uint32_t v, uint32_t want, const char *alias)
{
	if (v == want)
		printf(" %s=%s", name, alias);
	else
		printf(" %s=%u", name, v);
}

static const char *type_name(uint16_t t, char *buf, size_t len)
{
	if (t == NLMSG_ERROR)
		return "ERROR";
	if (t == NLMSG_DONE)
		return "DONE";
	if (t == NLMSG_NOOP)
		return "NOOP";
	if (t == GENL_ID_CTRL)
		return "CTRL";
	if (t == family && family)
		return "VDPA";
	snprintf(buf, len, "0x%x", t);
	return buf;
}

static void flags_print(uint16_t f)
{
	printf(" flags=0x%x", f);
}

/* One message; returns false for DONE/ERROR (the end of a transaction). */
/* An NLMSG_ERROR: the error, the echoed request's header and, unless capped, its bytes; TLVs. */
static void error_message(const struct nlmsghdr *h, const uint8_t *pl, size_t pn, uint32_t req_seq)
{
	const struct nlmsgerr *e = (const void *)pl;
	char tb[16];
	size_t off;

	if (pn < sizeof(*e)) {
		printf("  short error payload: ");
		hexdump(pl, pn);
		printf("\n");
		return;
	}
	printf("  error=%d", e->error);
	printf(" req: type=%s len=%u", type_name(e->msg.nlmsg_type, tb, sizeof(tb)),
	       e->msg.nlmsg_len);
	flags_print(e->msg.nlmsg_flags);
	field("seq", e->msg.nlmsg_seq, req_seq, "req");
	field("pid", e->msg.nlmsg_pid, 0, "0");
	printf("\n");
	off = sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= NLMSG_HDRLEN) {
		size_t echo = e->msg.nlmsg_len - NLMSG_HDRLEN;

		if (echo > pn - off)
			echo = pn - off;
		printf("  echo ");
		hexdump(pl + off, echo);
		printf("\n");
		off += NLMSG_ALIGN(echo);
	}
	if (off < pn) {
		printf("  tlvs\n");
		attrs(pl + off, pn - off, 2, false);
	}
}

/* The controller's reply: remember the family id for the "all" step. */
static void remember_family(const uint8_t *p, size_t n)
{
	while (n >= 4) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < 4 || a->nla_len > n)
			break;
		if (a->nla_type == CTRL_ATTR_FAMILY_ID && a->nla_len == 6)
			memcpy(&family, p + 4, 2);
		if ((size_t)NLA_ALIGN(a->nla_len) >= n)
			break;
		n -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

/* A management device (cmd 1) or device (cmd 3) message: remember its name for "all". */
static void remember_name(uint8_t cmd, const uint8_t *p, size_t n)
{
	char bus[64] = "", dev[64] = "", name[64] = "";

	while (n >= 4) {
		const struct nlattr *a = (const void *)p;
		size_t l = a->nla_len;

		if (l < 4 || l > n)
			break;
		if (printable(p + 4, l - 4)) {
			if (a->nla_type == A_BUS)
				snprintf(bus, sizeof(bus), "%s", (const char *)p + 4);
			else if (a->nla_type == A_MGMT)
				snprintf(dev, sizeof(dev), "%s", (const char *)p + 4);
			else if (a->nla_type == A_NAME)
				snprintf(name, sizeof(name), "%s", (const char *)p + 4);
		}
		if (NLA_ALIGN(l) >= n)
			break;
		n -= NLA_ALIGN(l);
		p += NLA_ALIGN(l);
	}
	if (cmd == 1 && dev[0] && n_mgmt < 64)
		snprintf(names_mgmt[n_mgmt++], sizeof(names_mgmt[0]), "%s%s%s", bus,
			 bus[0] ? "/" : "", dev);
	if (cmd == 3 && name[0] && n_dev < 256)
		snprintf(names_dev[n_dev++], sizeof(names_dev[0]), "%s", name);
}

static bool message(const struct nlmsghdr *h, uint32_t req_seq, bool *last)
{
	char tb[16];
	const uint8_t *pl = NLMSG_DATA(h);
	size_t pn = h->nlmsg_len - NLMSG_HDRLEN;
	const struct genlmsghdr *g = (const void *)pl;

	printf(" msg %s len=%u", type_name(h->nlmsg_type, tb, sizeof(tb)), h->nlmsg_len);
	flags_print(h->nlmsg_flags);
	field("seq", h->nlmsg_seq, req_seq, "req");
	field("pid", h->nlmsg_pid, portid, "me");
	printf("\n");
	if (h->nlmsg_type == NLMSG_ERROR) {
		*last = true;
		error_message(h, pl, pn, req_seq);
		return false;
	}
	if (h->nlmsg_type == NLMSG_DONE) {
		*last = true;
		printf("  done ");
		hexdump(pl, pn);
		printf("\n");
		if (pn > 4) {
			printf("  tlvs\n");
			attrs(pl + 4, pn - 4, 2, false);
		}
		return false;
	}
	if (pn < GENL_HDRLEN) {
		printf("  short genl payload: ");
		hexdump(pl, pn);
		printf("\n");
		return true;
	}
	printf("  genl cmd=%u version=%u reserved=%u\n", g->cmd, g->version, g->reserved);
	attrs(pl + GENL_HDRLEN, pn - GENL_HDRLEN, 1, h->nlmsg_type == GENL_ID_CTRL);
	/* remember names for the "all" step */
	if (h->nlmsg_type == GENL_ID_CTRL)
		remember_family(pl + GENL_HDRLEN, pn - GENL_HDRLEN);
	else if (collecting && (g->cmd == 1 || g->cmd == 3))
		remember_name(g->cmd, pl + GENL_HDRLEN, pn - GENL_HDRLEN);
	return true;
}

static void put_attr(uint8_t *buf, size_t *len, uint16_t type, const void *data, size_t n)
{
	struct nlattr *a = (void *)(buf + *len);

	a->nla_type = type;
	a->nla_len = (uint16_t)(4 + n);
	memcpy(buf + *len + 4, data, n);
	memset(buf + *len + 4 + n, 0, NLA_ALIGN(4 + n) - (4 + n));
	*len += NLA_ALIGN(4 + n);
}

/* Send one request and print every datagram until DONE, ERROR, or (doit without ACK) the reply. */
static void transact(const char *label, uint16_t type, uint8_t cmd, uint8_t version,
		     uint16_t flags, const char *a1name, uint16_t a1, const char *a2name, uint16_t a2)
{
	uint8_t req[512];
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlmsghdr *h = (void *)req;
	struct genlmsghdr *g = (void *)(req + NLMSG_HDRLEN);
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	uint8_t *buf = malloc(bufsize);
	int dgram = 0;
	bool last = false, dump = flags & NLM_F_DUMP;

	printf("== %s\n", label);
	memset(req, 0, sizeof(req));
	if (a1name)
		put_attr(req, &len, a1, a1name, strlen(a1name) + 1);
	if (a2name)
		put_attr(req, &len, a2, a2name, strlen(a2name) + 1);
	h->nlmsg_len = (uint32_t)len;
	h->nlmsg_type = type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	h->nlmsg_seq = ++seq;
	g->cmd = cmd;
	g->version = version;
	if (!buf || sendto(sock, req, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		printf("send: %s\n", strerror(errno));
		free(buf);
		return;
	}
	while (!last) {
		struct sockaddr_nl from;
		struct iovec iov = { buf, bufsize };
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
				    .msg_iovlen = 1 };
		ssize_t n = recvmsg(sock, &m, 0);
		size_t left;

		if (n < 0) {
			printf("recv: %s\n", strerror(errno));
			break;
		}
		printf("dgram %d len %zd%s from=%u/%u namelen=%u\n", ++dgram, n,
		       m.msg_flags & MSG_TRUNC ? " TRUNC" : "", from.nl_family, from.nl_pid,
		       m.msg_namelen);
		left = (size_t)n;
		for (struct nlmsghdr *r = (void *)buf; NLMSG_OK(r, left); r = NLMSG_NEXT(r, left))
			if (!message(r, seq, &last) && !dump && !(flags & NLM_F_ACK))
				last = true;
		if (left)
			printf(" %zu bytes left over\n", left);
		/* a doit without NLM_F_ACK ends with its one reply */
		if (!dump && !(flags & NLM_F_ACK))
			last = true;
		if (dgram > 10000)
			break;
	}
	free(buf);
}

/* ---- sysfs ---------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entry names of dir (without . and ..); count in *n. */
static char **names_of(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static void entry(const char *path)
{
	struct stat st;
	char buf[512];

	if (lstat(path, &st)) {
		printf("- %s (%s)\n", path, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(path, buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = 0;
		printf("L %s -> %s\n", path, buf);
	} else if (S_ISDIR(st.st_mode)) {
		printf("D %s %o\n", path, st.st_mode & 07777);
	} else if (!(st.st_mode & 0444)) {
		printf("F %s %o\n", path, st.st_mode & 07777);
	} else {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (fd >= 0)
			close(fd);
		if (n < 0) {
			printf("F %s %o (read: %s)\n", path, st.st_mode & 07777, strerror(errno));
			return;
		}
		buf[n] = 0;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = '|';
		printf("F %s %o = %s\n", path, st.st_mode & 07777, buf);
	}
}

/* path and, for a real directory, everything below it (symlinks not followed) */
static void walk(const char *path)
{
	struct stat st;
	size_t n;
	char **v;

	entry(path);
	if (lstat(path, &st) || !S_ISDIR(st.st_mode))
		return;
	v = names_of(path, &n);
	for (size_t i = 0; i < n; i++) {
		char sub[PATH_MAX];

		snprintf(sub, sizeof(sub), "%s/%s", path, v[i]);
		walk(sub);
		free(v[i]);
	}
	free(v);
}

static void sysfs_step(void)
{
	static const char *const mgmt[] = { "vdpasim_net", "vdpasim_blk", "vduse" };
	static const char *const mods[] = { "vhost_vdpa", "vdpa_sim", "vdpa_sim_net",
					    "vdpa_sim_blk", "vp_vdpa", "vduse" };
	char **v, path[PATH_MAX + 64], real[PATH_MAX];
	size_t n;

	printf("== sysfs\n");
	walk("/sys/bus/vdpa");
	v = names_of("/sys/bus/vdpa/devices", &n);
	for (size_t i = 0; i < n; i++) {
		char **c, *slash;
		size_t nc;

		snprintf(path, sizeof(path), "/sys/bus/vdpa/devices/%s", v[i]);
		if (!realpath(path, real)) {
			printf("# %s: realpath: %s\n", path, strerror(errno));
			continue;
		}
		printf("# %s => %s\n", path, real);
		walk(real);
		c = names_of(real, &nc);
		for (size_t j = 0; j < nc; j++) {
			char dev[PATH_MAX + 300], text[64] = "";
			int fd;
			ssize_t r;

			if (strncmp(c[j], "vhost-vdpa-", 11))
				continue;
			snprintf(dev, sizeof(dev), "%s/%s/dev", real, c[j]);
			fd = open(dev, O_RDONLY | O_CLOEXEC);
			r = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
			if (fd >= 0)
				close(fd);
			text[r > 0 ? r : 0] = 0;
			text[strcspn(text, "\n")] = 0;
			snprintf(dev, sizeof(dev), "/sys/dev/char/%s", text);
			entry(dev);
			if (realpath(dev, path))
				printf("# %s => %s\n", dev, path);
		}
		for (size_t j = 0; j < nc; j++)
			free(c[j]);
		free(c);
		slash = strrchr(real, '/');
		*slash = 0;
		printf("# parent %s\n", real);
		snprintf(path, sizeof(path), "%s/driver", real);
		entry(path);
		snprintf(path, sizeof(path), "%s/subsystem", real);
		entry(path);
		free(v[i]);
	}
	free(v);
	for (size_t i = 0; i < sizeof(mgmt) / sizeof(mgmt[0]); i++) {
		snprintf(path, sizeof(path), "/sys/devices/%s", mgmt[i]);
		if (!access(path, F_OK))
			walk(path);
	}
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters", mods[i]);
		if (!access(path, F_OK))
			walk(path);
		snprintf(path, sizeof(path), "/sys/module/%s/version", mods[i]);
		if (!access(path, F_OK))
			entry(path);
	}
}

/* ---- per-vq sizes ----------------------------------------------------------------------- */

#ifndef VHOST_VDPA_GET_VRING_SIZE
#define VHOST_VDPA_GET_VRING_SIZE _IOWR(VHOST_VIRTIO, 0x82, struct vhost_vring_state)
#endif

static void vq_step(const char *node)
{
	uint32_t nvqs = 0;
	uint16_t num = 0;
	int fd = open(node, O_RDWR | O_CLOEXEC);

	printf("== vq=%s\n", node);
	if (fd < 0) {
		printf("open: %s\n", strerror(errno));
		return;
	}
	if (ioctl(fd, VHOST_VDPA_GET_VQS_COUNT, &nvqs))
		printf("GET_VQS_COUNT: %s\n", strerror(errno));
	else
		printf("GET_VQS_COUNT = %u\n", nvqs);
	if (ioctl(fd, VHOST_VDPA_GET_VRING_NUM, &num))
		printf("GET_VRING_NUM: %s\n", strerror(errno));
	else
		printf("GET_VRING_NUM = %u\n", num);
	if (ioctl(fd, VHOST_SET_OWNER, NULL)) /* the vring ioctls need an owner */
		printf("SET_OWNER: %s\n", strerror(errno));
	for (uint32_t i = 0; i < nvqs && i < 64; i++) {
		struct vhost_vring_state st = { .index = i };

		if (ioctl(fd, VHOST_VDPA_GET_VRING_SIZE, &st))
			printf("vq %u GET_VRING_SIZE: %s\n", i, strerror(errno));
		else
			printf("vq %u GET_VRING_SIZE = %u\n", i, st.num);
		st = (struct vhost_vring_state){ .index = i };
		if (ioctl(fd, VHOST_VDPA_GET_VRING_GROUP, &st))
			printf("vq %u GET_VRING_GROUP: %s\n", i, strerror(errno));
		else
			printf("vq %u GET_VRING_GROUP = %u\n", i, st.num);
	}
	close(fd);
}

static void step(const char *s)
{
	const char *v = strchr(s, '=');
	char label[300];

	snprintf(label, sizeof(label), "%s", s);
	if (!strcmp(s, "sysfs")) {
		sysfs_step();
		return;
	}
	if (!strncmp(s, "vq=", 3)) {
		vq_step(s + 3);
		return;
	}
	if (!family && strncmp(s, "family", 6)) {
		step("family");
		if (!family) {
			printf("== %s\nskipped: no family id\n", label);
			return;
		}
	}
	if (!strncmp(s, "family", 6)) {
		transact(label, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK, v ? v + 1 : "vdpa",
			 CTRL_ATTR_FAMILY_NAME, NULL, 0);
	} else if (!strcmp(s, "dump-mgmtdev")) {
		collecting = true;
		transact(label, family, VDPA_CMD_MGMTDEV_GET, 1, NLM_F_DUMP, NULL, 0, NULL, 0);
		collecting = false;
	} else if (!strcmp(s, "dump-dev")) {
		collecting = true;
		transact(label, family, VDPA_CMD_DEV_GET, 1, NLM_F_DUMP, NULL, 0, NULL, 0);
		collecting = false;
	} else if (!strcmp(s, "dump-config")) {
		transact(label, family, VDPA_CMD_DEV_CONFIG_GET, 1, NLM_F_DUMP, NULL, 0, NULL, 0);
	} else if (!strncmp(s, "get-mgmtdev=", 12)) {
		char bus[128];
		const char *slash = strchr(v + 1, '/');

		if (slash) {
			snprintf(bus, sizeof(bus), "%.*s", (int)(slash - v - 1), v + 1);
			transact(label, family, VDPA_CMD_MGMTDEV_GET, 1, NLM_F_ACK, bus, A_BUS,
				 slash + 1, A_MGMT);
		} else {
			transact(label, family, VDPA_CMD_MGMTDEV_GET, 1, NLM_F_ACK, v + 1, A_MGMT,
				 NULL, 0);
		}
	} else if (!strncmp(s, "get-dev=", 8)) {
		transact(label, family, VDPA_CMD_DEV_GET, 1, NLM_F_ACK, v + 1, A_NAME, NULL, 0);
	} else if (!strncmp(s, "get-config=", 11)) {
		transact(label, family, VDPA_CMD_DEV_CONFIG_GET, 1, NLM_F_ACK, v + 1, A_NAME, NULL,
			 0);
	} else if (!strcmp(s, "get-dev-noname")) {
		transact(label, family, VDPA_CMD_DEV_GET, 1, NLM_F_ACK, NULL, 0, NULL, 0);
	} else if (!strncmp(s, "new-dev=", 8) && strchr(v + 1, '@')) {
		char name[128];
		const char *at = strchr(v + 1, '@');

		snprintf(name, sizeof(name), "%.*s", (int)(at - v - 1), v + 1);
		transact(label, family, VDPA_CMD_DEV_NEW, 1, NLM_F_ACK, name, A_NAME, at + 1, A_MGMT);
	} else if (!strncmp(s, "cmd=", 4)) {
		transact(label, family, (uint8_t)atoi(v + 1), 1, NLM_F_ACK, NULL, 0, NULL, 0);
	} else {
		fprintf(stderr, "nlprobe: unknown step '%s'\n", s);
		exit(2);
	}
}

static void all(void)
{
	char s[300];

	step("family");
	if (!family)
		return;
	step("family=nosuchfamily");
	step("dump-mgmtdev");
	step("dump-dev");
	step("dump-config");
	for (int i = 0; i < n_mgmt; i++) {
		snprintf(s, sizeof(s), "get-mgmtdev=%.200s", names_mgmt[i]);
		step(s);
	}
	for (int i = 0; i < n_dev; i++) {
		snprintf(s, sizeof(s), "get-dev=%.60s", names_dev[i]);
		step(s);
		snprintf(s, sizeof(s), "get-config=%.60s", names_dev[i]);
		step(s);
	}
	step("get-mgmtdev=nosuchbus/nosuchdev");
	step("get-dev=nosuchdev");
	step("get-config=nosuchdev");
	step("get-dev-noname");
	step("cmd=99");
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	bool ext = true, cap = false;
	int one = 1, opt;

	while ((opt = getopt(argc, argv, "b:AC")) != -1) {
		switch (opt) {
		case 'b':
			bufsize = (size_t)strtoul(optarg, NULL, 0);
			if (bufsize < 16 || bufsize > (1u << 20)) {
				fprintf(stderr, "nlprobe: bad -b\n");
				return 2;
			}
			break;
		case 'A':
			ext = false;
			break;
		case 'C':
			cap = true;
			break;
		default:
			fprintf(stderr, "usage: nlprobe [-b BUFSIZE] [-A] [-C] [STEP...]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (optind < argc && (!strcmp(argv[optind], "sysfs") || !strncmp(argv[optind], "vq=", 3))) {
		for (int i = optind; i < argc; i++) /* no socket needed */
			step(argv[i]);
		return 0;
	}
	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0) {
		fprintf(stderr, "nlprobe: socket: %s\n", strerror(errno));
		return 1;
	}
	{
		/* never hang on a missing reply */
		struct timeval tv = { 10, 0 };

		setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	if (ext && setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)))
		printf("setsockopt NETLINK_EXT_ACK: %s\n", strerror(errno));
	if (cap && setsockopt(sock, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))
		printf("setsockopt NETLINK_CAP_ACK: %s\n", strerror(errno));
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(sock, (struct sockaddr *)&sa, &sl)) {
		fprintf(stderr, "nlprobe: bind/getsockname: %s\n", strerror(errno));
		return 1;
	}
	portid = sa.nl_pid;
	printf("socket family=%u namelen=%u portid=%s\n", sa.nl_family, sl,
	       portid == (uint32_t)getpid() ? "pid" : "other");
	seq = (uint32_t)time(NULL);
	if (optind == argc) {
		all();
	} else {
		for (int i = optind; i < argc; i++) {
			if (!strcmp(argv[i], "all"))
				all();
			else
				step(argv[i]);
		}
	}
	close(sock);
	return 0;
}
