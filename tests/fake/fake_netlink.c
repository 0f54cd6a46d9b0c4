// SPDX-License-Identifier: MIT
/*
 * fake_netlink.c - the kernel side of a NETLINK_GENERIC socket, for the "vdpa" family.
 *
 * fake_core.c turns socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC) into an eventfd (in
 * semaphore mode: its counter is the number of queued datagrams, so blocking, O_NONBLOCK,
 * poll and EINTR behave as on a socket) and hands every bind/getsockname/setsockopt/send/recv
 * on it to this file. Requests are answered the way the 6.1 and 6.12 kernels answer them
 * (drivers/vdpa/vdpa.c, the vdpa netlink family; kernel sources drivers/vdpa/vdpa.c, net/netlink/{af_netlink,genetlink}.c; every
 * byte checked against the test VMs with tests/fake/nlprobe):
 *
 * - nlctrl CTRL_CMD_GETFAMILY "vdpa": name, id, version 1, hdrsize 0, maxattr (22 before
 *   6.2, 21 for 6.2, 37 from 6.3 [inferred]) and the op list with GENL_CMD_CAP_* flags;
 *   ENOENT when the scenario has no family ("vdpa_netlink": false).
 * - VDPA_CMD_MGMTDEV_GET, DEV_GET, DEV_CONFIG_GET as doit and dump; DEV_VSTATS_GET doit
 *   (EAGAIN before FEATURES_OK, no vendor counters); DEV_NEW/DEL/ATTR_SET are refused
 *   (EPERM without CAP_NET_ADMIN, else EOPNOTSUPP: not modelled).
 * - Replies carry the request's seq and the socket's port id; doit replies and their ACK are
 *   separate datagrams; NLMSG_ERROR echoes the request (unless NETLINK_CAP_ACK) and carries
 *   NLMSGERR_ATTR_MSG when NETLINK_EXT_ACK is on.
 * - Dumps fill one datagram of max(NLMSG_GOODSIZE, largest recv buffer seen, capped at 32 KiB)
 *   bytes at a time, the first at send time, the next when the previous one was received,
 *   NLMSG_DONE alone in the last. Devices without management device are skipped. On 6.1 a
 *   config dump stops at the first block device (its fill fails with EOPNOTSUPP).
 * - u64 attributes get a VDPA_ATTR_PAD attribute in front when misaligned, only on machines
 *   without efficient unaligned access ("netlink_u64_pad").
 * - Faults (FAKE_VDPA_NL_FAULT / "netlink_faults") corrupt chosen reply messages.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "fake.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* vdpa family (drivers/vdpa/vdpa.c vdpa_nl_cmd_mgmtdev_get_doit(); drivers/vdpa/vdpa.c vdpa_dev_net_config_fill() puts a u16) */
enum {
	CMD_MGMTDEV_NEW = 1,
	CMD_MGMTDEV_GET,
	CMD_DEV_NEW,
	CMD_DEV_DEL,
	CMD_DEV_GET,
	CMD_DEV_CONFIG_GET,
	CMD_DEV_VSTATS_GET,
	CMD_DEV_ATTR_SET,
};
enum {
	A_PAD = 0,
	A_BUS = 1,
	A_MGMT_NAME = 2,
	A_CLASSES = 3,
	A_DEV_NAME = 4,
	A_DEV_ID = 5,
	A_VENDOR = 6,
	A_MAX_VQS = 7,
	A_MAX_VQ_SIZE = 8,
	A_MIN_VQ_SIZE = 9,
	A_MAC = 10,
	A_STATUS = 11,
	A_MAX_VQP = 12,
	A_MTU = 13,
	A_NEGOTIATED = 14,
	A_MGMT_MAX_VQS = 15,
	A_SUPPORTED = 16,
	A_QUEUE_INDEX = 17,
	A_FEATURES = 20,
	A_61_DEV_FEATURES = 21,
	A_BLK_CAPACITY = 21,
	A_BLK_SIZE_MAX,
	A_BLK_BLK_SIZE,
	A_BLK_SEG_MAX,
	A_BLK_NUM_QUEUES,
	A_BLK_PHY_BLK_EXP,
	A_BLK_ALIGN_OFFSET,
	A_BLK_MIN_IO_SIZE,
	A_BLK_OPT_IO_SIZE,
	A_BLK_MAX_DISCARD_SEC,
	A_BLK_MAX_DISCARD_SEG,
	A_BLK_DISCARD_SEC_ALIGN,
	A_BLK_MAX_WRITE_ZEROES_SEC,
	A_BLK_MAX_WRITE_ZEROES_SEG,
	A_BLK_READ_ONLY,
	A_BLK_FLUSH,
};

/* virtio feature bits used by the config fill */
#define NET_F_MTU 3
#define NET_F_MAC 5
#define NET_F_STATUS 16
#define NET_F_MQ 22
#define NET_F_RSS 60
#define BLK_F_SIZE_MAX 1
#define BLK_F_SEG_MAX 2
#define BLK_F_RO 5
#define BLK_F_BLK_SIZE 6
#define BLK_F_FLUSH 9
#define BLK_F_TOPOLOGY 10
#define BLK_F_MQ 12
#define BLK_F_DISCARD 13
#define BLK_F_WRITE_ZEROES 14
#define FEAT(f, bit) (((f) >> (bit)) & 1)

#define NLMSG_GOODSIZE_X86 3776 /* SKB_WITH_OVERHEAD(4096) on x86-64 */
#define MAX_RECVMSG_LEN 32448	/* SKB_WITH_OVERHEAD(32768) */
#define DGRAM_MAX 65536

static const struct fake_scenario *g_sc;

/* ------------------------------------------------------------------------ */
/* Message buffers                                                           */

struct mb {
	uint8_t *p;
	size_t len, cap;
};

static void mb_room(struct mb *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	while (b->cap < b->len + n)
		b->cap = b->cap ? b->cap * 2 : 512;
	b->p = realloc(b->p, b->cap);
	if (!b->p)
		fake_die("out of memory");
}

static void mb_put(struct mb *b, const void *data, size_t n)
{
	mb_room(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void mb_zero(struct mb *b, size_t n)
{
	mb_room(b, n);
	memset(b->p + b->len, 0, n);
	b->len += n;
}

static size_t msg_start(struct mb *b, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid)
{
	struct nlmsghdr h = { .nlmsg_len = 0,
			      .nlmsg_type = type,
			      .nlmsg_flags = flags,
			      .nlmsg_seq = seq,
			      .nlmsg_pid = pid };
	size_t at = b->len;

	mb_put(b, &h, sizeof(h));
	return at;
}

static void msg_end(struct mb *b, size_t at)
{
	uint32_t len = (uint32_t)(b->len - at);

	memcpy(b->p + at, &len, sizeof(len));
}

static void genl_hdr(struct mb *b, uint8_t cmd, uint8_t version)
{
	struct genlmsghdr g = { .cmd = cmd, .version = version };

	mb_put(b, &g, sizeof(g));
}

static void attr(struct mb *b, uint16_t type, const void *data, size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n), .nla_type = type };

	mb_put(b, &a, sizeof(a));
	if (n)
		mb_put(b, data, n);
	mb_zero(b, NLA_ALIGN(n) - n);
}

static void attr_u8(struct mb *b, uint16_t type, uint8_t v)
{
	attr(b, type, &v, 1);
}

static void attr_u16(struct mb *b, uint16_t type, uint16_t v)
{
	attr(b, type, &v, 2);
}

static void attr_u32(struct mb *b, uint16_t type, uint32_t v)
{
	attr(b, type, &v, 4);
}

/*
 * nla_put_u64_64bit(): without efficient unaligned access, a pad attribute first when the
 * payload would be misaligned, i.e. when the attribute would start 8-aligned in the skb (whose
 * data is 8-aligned: the datagram's first byte). base is unused: the datagram, not the
 * message, is what counts.
 */
static void attr_u64(struct mb *b, uint16_t type, uint64_t v, uint16_t padtype, size_t base)
{
	(void)base;
	if (g_sc->u64_pad && (b->len % 8) == 0)
		attr(b, padtype, NULL, 0);
	attr(b, type, &v, 8);
}

static void attr_str(struct mb *b, uint16_t type, const char *s)
{
	attr(b, type, s, strlen(s) + 1);
}

/* ------------------------------------------------------------------------ */
/* Faults                                                                    */

enum fault_kind {
	F_SHORT_ATTR,	/* an integer attribute two bytes long */
	F_WRONG_TYPE,	/* the name attribute as binary, not a NUL-terminated string */
	F_WRONG_LEN,	/* a u16 attribute four bytes long (u32 eight) */
	F_NO_NAME,	/* the name attribute left out */
	F_ATTR_OVERRUN, /* the last attribute claims more bytes than the message holds */
	F_TRUNCATED,	/* the datagram ends in the middle of the message */
	F_GARBAGE_LEN,	/* nlmsg_len is garbage (0xdeadbeef) */
};

static const char *const fault_names[] = {
	[F_SHORT_ATTR] = "short_attr",	   [F_WRONG_TYPE] = "wrong_type",
	[F_WRONG_LEN] = "wrong_len",	   [F_NO_NAME] = "no_name",
	[F_ATTR_OVERRUN] = "attr_overrun", [F_TRUNCATED] = "truncated",
	[F_GARBAGE_LEN] = "garbage_len",
};

enum reply_kind { R_FAMILY, R_MGMTDEV, R_DEV, R_CONFIG, R_VSTATS, R_KINDS };
static const char *const reply_names[] = { "family", "mgmtdev", "dev", "config", "vstats" };

struct fault {
	enum fault_kind kind;
	int reply; /* enum reply_kind, -1 = any */
	unsigned long nth, seen;
};

static struct fault *g_faults;
static size_t g_nfaults;

static _Noreturn void fault_bad(const char *origin, const char *spec, const char *why)
{
	fake_die("%s: bad netlink fault '%s': %s (syntax KIND[:REPLY][@N], KIND one of "
		 "short_attr, wrong_type, wrong_len, no_name, attr_overrun, truncated, "
		 "garbage_len; REPLY one of family, mgmtdev, dev, config, vstats; see "
		 "tests/fake/README.md)",
		 origin, spec, why);
}

void fake_nl_fault_add(const char *spec, const char *origin)
{
	char kind[32] = "", reply[32] = "";
	struct fault f = { .reply = -1 };
	const char *p = spec;
	size_t n = strcspn(p, ":@");
	unsigned i;

	if (n == 0 || n >= sizeof(kind))
		fault_bad(origin, spec, "no kind");
	memcpy(kind, p, n);
	p += n;
	for (i = 0; i < FAKE_ARRAY_SIZE(fault_names); i++)
		if (!strcmp(kind, fault_names[i]))
			break;
	if (i == FAKE_ARRAY_SIZE(fault_names))
		fault_bad(origin, spec, "unknown kind");
	f.kind = (enum fault_kind)i;
	if (*p == ':') {
		n = strcspn(++p, "@");
		if (n == 0 || n >= sizeof(reply))
			fault_bad(origin, spec, "empty reply kind");
		memcpy(reply, p, n);
		p += n;
		if (strcmp(reply, "*")) {
			for (i = 0; i < R_KINDS; i++)
				if (!strcmp(reply, reply_names[i]))
					break;
			if (i == R_KINDS)
				fault_bad(origin, spec, "unknown reply kind");
			f.reply = (int)i;
		}
	}
	if (*p == '@') {
		char *end;

		f.nth = strtoul(p + 1, &end, 10);
		if (f.nth == 0 || end == p + 1)
			fault_bad(origin, spec, "@N counts from 1");
		p = end;
	}
	if (*p)
		fault_bad(origin, spec, "trailing characters");
	g_faults = realloc(g_faults, (g_nfaults + 1) * sizeof(*g_faults));
	if (!g_faults)
		fake_die("out of memory");
	g_faults[g_nfaults++] = f;
}

void fake_nl_fault_add_list(const char *list, const char *origin)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		fake_die("out of memory");
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		while (*t == ' ')
			t++;
		if (*t)
			fake_nl_fault_add(t, origin);
	}
	free(copy);
}

/* Which fault (if any) hits this reply message. */
static int fault_for(enum reply_kind r)
{
	int hit = -1;

	for (size_t i = 0; i < g_nfaults; i++) {
		struct fault *f = &g_faults[i];

		if (f->reply >= 0 && f->reply != (int)r)
			continue;
		f->seen++;
		if (hit < 0 && (f->nth == 0 || f->seen == f->nth))
			hit = (int)f->kind;
	}
	return hit;
}

/* Attribute payload sizes that are integers, per reply kind (for short_attr/wrong_len). */
static bool is_int_attr(enum reply_kind r, uint16_t type, size_t plen)
{
	if (r == R_FAMILY)
		return type == CTRL_ATTR_FAMILY_ID || type == CTRL_ATTR_VERSION;
	if (type == A_PAD || type == A_BUS || type == A_MGMT_NAME || type == A_DEV_NAME ||
	    type == A_MAC)
		return false;
	return plen == 2 || plen == 4 || plen == 8;
}

static uint16_t name_attr(enum reply_kind r)
{
	return r == R_FAMILY ? CTRL_ATTR_FAMILY_NAME : r == R_MGMTDEV ? A_MGMT_NAME : A_DEV_NAME;
}

/* F_ATTR_OVERRUN: the last attribute of the message claims 64 bytes more than there are. */
static void overrun_last_attr(struct mb *b, size_t first, size_t end)
{
	size_t last = first;
	struct nlattr a;

	for (size_t off = first; off + NLA_HDRLEN <= end;) {
		memcpy(&a, b->p + off, sizeof(a));
		last = off;
		off += NLA_ALIGN(a.nla_len);
	}
	memcpy(&a, b->p + last, sizeof(a));
	a.nla_len = (uint16_t)(a.nla_len + 64);
	memcpy(b->p + last, &a, sizeof(a));
}

/* Put attribute (@type, @pl, @plen) into @out as fault @k changes it; true if @k applied. */
static bool fault_attr(struct mb *out, enum reply_kind r, int k, uint16_t type, const uint8_t *pl,
		       size_t plen)
{
	switch (k) {
	case F_SHORT_ATTR:
		if (!is_int_attr(r, type, plen) || plen < 4)
			return false;
		attr(out, type, pl, 2);
		return true;
	case F_WRONG_LEN:
		if (!is_int_attr(r, type, plen))
			return false;
		{
			uint8_t wide[16] = { 0 };

			memcpy(wide, pl, plen);
			attr(out, type, wide, plen * 2);
		}
		return true;
	case F_WRONG_TYPE:
		if (type != name_attr(r))
			return false;
		/* the name without its terminating NUL: not a NUL string */
		attr(out, type, pl, plen > 1 ? plen - 1 : plen);
		return true;
	case F_NO_NAME:
		return type == name_attr(r); /* dropped */
	default:
		return false;
	}
}

/*
 * Rewrite the message at @at (the last one in @b) according to fault @k. Returns the number
 * of bytes the datagram must be cut to after this message (0 = no cut).
 */
static size_t apply_fault(struct mb *b, size_t at, enum reply_kind r, int k, char *note,
			  size_t nlen)
{
	size_t first = at + NLMSG_HDRLEN + GENL_HDRLEN, end = b->len;
	struct mb out = { 0 };
	bool done = false;

	snprintf(note, nlen, "fault %s", fault_names[k]);
	if (k == F_TRUNCATED)
		return at + (b->len - at) / 2;
	if (k == F_GARBAGE_LEN) {
		uint32_t g = 0xdeadbeef;

		memcpy(b->p + at, &g, 4);
		return 0;
	}
	if (k == F_ATTR_OVERRUN) {
		overrun_last_attr(b, first, end);
		return 0;
	}
	/* rebuild the attribute list with one attribute changed or dropped */
	mb_put(&out, b->p + at, NLMSG_HDRLEN + GENL_HDRLEN);
	for (size_t off = first; off + NLA_HDRLEN <= end;) {
		struct nlattr a;
		const uint8_t *pl;
		size_t plen;

		memcpy(&a, b->p + off, sizeof(a));
		pl = b->p + off + NLA_HDRLEN;
		plen = a.nla_len - NLA_HDRLEN;
		off += NLA_ALIGN(a.nla_len);
		if (!done && fault_attr(&out, r, k, a.nla_type, pl, plen))
			done = true;
		else
			attr(&out, a.nla_type, pl, plen);
	}
	b->len = at;
	mb_put(b, out.p, out.len);
	msg_end(b, at);
	free(out.p);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The family                                                                */

static unsigned family_maxattr(void)
{
	if (g_sc->kver < FAKE_KV(6, 2, 0))
		return 22; /* ... 21 = VDPA_ATTR_VDPA_DEV_SUPPORTED_FEATURES (measured 6.1) */
	if (g_sc->kver < FAKE_KV(6, 3, 0))
		return 21; /* 21 removed [inferred] */
	return 37;	   /* block config attributes 21..36 (measured 6.12) */
}

static bool kv_ge(unsigned a, unsigned b, unsigned c)
{
	return g_sc->kver >= FAKE_KV(a, b, c);
}

struct op {
	uint8_t cmd;
	bool doit, dumpit, admin;
	unsigned since; /* FAKE_KV */
};

static const struct op ops[] = {
	{ CMD_MGMTDEV_GET, true, true, false, 0 },
	{ CMD_DEV_NEW, true, false, true, 0 },
	{ CMD_DEV_DEL, true, false, true, 0 },
	{ CMD_DEV_GET, true, true, false, 0 },
	{ CMD_DEV_CONFIG_GET, true, true, false, FAKE_KV(5, 17, 0) },  /* [inferred] */
	{ CMD_DEV_VSTATS_GET, true, false, true, FAKE_KV(5, 19, 0) },  /* drivers/vdpa/vdpa.c vdpa_nl_cmd_mgmtdev_get_doit() */
	{ CMD_DEV_ATTR_SET, true, false, true, FAKE_KV(6, 12, 0) },    /* drivers/vdpa/vdpa.c vdpa_nl_cmd_mgmtdev_get_doit() */
};

static const struct op *op_find(uint8_t cmd)
{
	for (size_t i = 0; i < FAKE_ARRAY_SIZE(ops); i++)
		if (ops[i].cmd == cmd && g_sc->kver >= ops[i].since)
			return &ops[i];
	return NULL;
}

static void build_family(struct mb *b, uint32_t seq, uint32_t pid, uint16_t flags)
{
	size_t at = msg_start(b, GENL_ID_CTRL, flags, seq, pid), nest;
	uint16_t id = g_sc->family_id;
	unsigned idx = 0;

	genl_hdr(b, CTRL_CMD_NEWFAMILY, 2);
	attr_str(b, CTRL_ATTR_FAMILY_NAME, "vdpa");
	attr_u16(b, CTRL_ATTR_FAMILY_ID, id);
	attr_u32(b, CTRL_ATTR_VERSION, 1);
	attr_u32(b, CTRL_ATTR_HDRSIZE, 0);
	attr_u32(b, CTRL_ATTR_MAXATTR, family_maxattr());
	nest = b->len;
	attr(b, CTRL_ATTR_OPS, NULL, 0);
	for (size_t i = 0; i < FAKE_ARRAY_SIZE(ops); i++) {
		size_t one = b->len;
		uint32_t fl = GENL_CMD_CAP_HASPOL;
		struct nlattr a;

		if (g_sc->kver < ops[i].since)
			continue;
		fl |= ops[i].doit ? GENL_CMD_CAP_DO : 0;
		fl |= ops[i].dumpit ? GENL_CMD_CAP_DUMP : 0;
		fl |= ops[i].admin ? GENL_ADMIN_PERM : 0;
		attr(b, (uint16_t)++idx, NULL, 0);
		attr_u32(b, CTRL_ATTR_OP_ID, ops[i].cmd);
		attr_u32(b, CTRL_ATTR_OP_FLAGS, fl);
		a.nla_len = (uint16_t)(b->len - one);
		a.nla_type = (uint16_t)idx;
		memcpy(b->p + one, &a, sizeof(a));
	}
	{
		struct nlattr a = { .nla_len = (uint16_t)(b->len - nest),
				    .nla_type = CTRL_ATTR_OPS };

		memcpy(b->p + nest, &a, sizeof(a));
	}
	msg_end(b, at);
}

/* ------------------------------------------------------------------------ */
/* vdpa replies                                                              */

static void handle_fill(struct mb *b, const char *bus, const char *dev)
{
	if (bus)
		attr_str(b, A_BUS, bus);
	attr_str(b, A_MGMT_NAME, dev);
}

static void build_mgmtdev(struct mb *b, const struct fake_mgmt_cfg *m, uint32_t seq,
			  uint32_t pid, uint16_t flags)
{
	size_t at = msg_start(b, g_sc->family_id, flags, seq, pid);

	genl_hdr(b, CMD_MGMTDEV_NEW, 1);
	handle_fill(b, m->bus, m->dev);
	attr_u64(b, A_CLASSES, m->classes, A_PAD, at);
	if (kv_ge(5, 18, 0)) { /* [inferred] */
		attr_u32(b, A_MGMT_MAX_VQS, m->max_vqs);
		attr_u64(b, A_SUPPORTED, m->features, A_PAD, at);
	}
	msg_end(b, at);
}

static void build_dev(struct mb *b, const struct fake_dev_cfg *d, uint32_t seq, uint32_t pid,
		      uint16_t flags)
{
	const struct fake_mgmt_cfg *m = fake_mgmt_of(g_sc, d);
	size_t at = msg_start(b, g_sc->family_id, flags, seq, pid);

	genl_hdr(b, CMD_DEV_NEW, 1);
	handle_fill(b, m->bus, m->dev);
	attr_str(b, A_DEV_NAME, d->name);
	attr_u32(b, A_DEV_ID, d->device_id);
	attr_u32(b, A_VENDOR, d->vendor_id);
	attr_u32(b, A_MAX_VQS, d->nvqs);
	attr_u16(b, A_MAX_VQ_SIZE, d->vq_num_max);
	attr_u16(b, A_MIN_VQ_SIZE, d->vq_num_min);
	msg_end(b, at);
}

static uint16_t le16(const uint8_t *c, size_t off)
{
	return (uint16_t)(c[off] | c[off + 1] << 8);
}

static uint32_t le32(const uint8_t *c, size_t off)
{
	return (uint32_t)le16(c, off) | (uint32_t)le16(c, off + 2) << 16;
}

static uint64_t le64(const uint8_t *c, size_t off)
{
	return (uint64_t)le32(c, off) | (uint64_t)le32(c, off + 4) << 32;
}

/* The device's config as get_config(0, sizeof(struct)) gives it: short devices read zeros. */
static void config_copy(const struct fake_dev *dev, uint8_t *out, size_t len)
{
	size_t n = dev->cfg->config_size < len ? dev->cfg->config_size : len;

	memset(out, 0, len);
	memcpy(out, dev->config, n);
}

/* vdpa_dev_config_fill(): 0, or -EOPNOTSUPP for a class the kernel cannot report. */
static int build_config(struct mb *b, const struct fake_dev *dev, uint32_t seq, uint32_t pid,
			uint16_t flags)
{
	const struct fake_dev_cfg *d = dev->cfg;
	uint64_t f = d->device_features;
	size_t at;
	uint8_t c[96];

	if (d->device_id != 1 && !(d->device_id == 2 && kv_ge(6, 3, 0)))
		return -EOPNOTSUPP; /* 6.1: net only; block config from 6.3 [inferred] */
	at = msg_start(b, g_sc->family_id, flags, seq, pid);
	genl_hdr(b, CMD_DEV_CONFIG_GET, 1);
	attr_str(b, A_DEV_NAME, d->name);
	attr_u32(b, A_DEV_ID, d->device_id);
	/* only read driver features after the feature negotiation is done */
	if (dev->status & 0x8 /* FEATURES_OK */)
		attr_u64(b, A_NEGOTIATED, dev->driver_features, A_PAD, at);
	if (d->device_id == 1) {
		config_copy(dev, c, 24);
		if (!kv_ge(6, 2, 0)) {
			/* 6.1: status unconditionally, device features in attribute 21 */
			attr_u16(b, A_STATUS, le16(c, 6));
			attr_u64(b, A_61_DEV_FEATURES, f, A_PAD, at);
		} else {
			attr_u64(b, A_FEATURES, f, A_PAD, at);
		}
		if (FEAT(f, NET_F_MTU))
			attr_u16(b, A_MTU, le16(c, 10));
		if (FEAT(f, NET_F_MAC))
			attr(b, A_MAC, c, 6);
		if (kv_ge(6, 2, 0) && FEAT(f, NET_F_STATUS))
			attr_u16(b, A_STATUS, le16(c, 6));
		if (FEAT(f, NET_F_MQ) || FEAT(f, NET_F_RSS))
			attr_u16(b, A_MAX_VQP, le16(c, 8));
	} else {
		config_copy(dev, c, 96);
		attr_u64(b, A_FEATURES, f, A_PAD, at);
		attr_u64(b, A_BLK_CAPACITY, le64(c, 0), A_PAD, at);
		if (FEAT(f, BLK_F_SIZE_MAX))
			attr_u32(b, A_BLK_SIZE_MAX, le32(c, 8));
		if (FEAT(f, BLK_F_BLK_SIZE))
			attr_u32(b, A_BLK_BLK_SIZE, le32(c, 20));
		if (FEAT(f, BLK_F_SEG_MAX))
			attr_u32(b, A_BLK_SEG_MAX, le32(c, 12));
		if (FEAT(f, BLK_F_MQ))
			attr_u16(b, A_BLK_NUM_QUEUES, le16(c, 34));
		if (FEAT(f, BLK_F_TOPOLOGY)) {
			attr_u8(b, A_BLK_PHY_BLK_EXP, c[24]);
			attr_u8(b, A_BLK_ALIGN_OFFSET, c[25]);
			attr_u16(b, A_BLK_MIN_IO_SIZE, le16(c, 26));
			attr_u32(b, A_BLK_OPT_IO_SIZE, le32(c, 28));
		}
		if (FEAT(f, BLK_F_DISCARD)) {
			attr_u32(b, A_BLK_MAX_DISCARD_SEC, le32(c, 36));
			attr_u32(b, A_BLK_MAX_DISCARD_SEG, le32(c, 40));
			attr_u32(b, A_BLK_DISCARD_SEC_ALIGN, le32(c, 44));
		}
		if (FEAT(f, BLK_F_WRITE_ZEROES)) {
			attr_u32(b, A_BLK_MAX_WRITE_ZEROES_SEC, le32(c, 48));
			attr_u32(b, A_BLK_MAX_WRITE_ZEROES_SEG, le32(c, 52));
		}
		attr_u8(b, A_BLK_READ_ONLY, FEAT(f, BLK_F_RO));
		attr_u8(b, A_BLK_FLUSH, FEAT(f, BLK_F_FLUSH));
	}
	msg_end(b, at);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Sockets                                                                   */

struct dgram {
	uint8_t *p;
	size_t len;
	char note[96];
};

enum dump_kind { D_NONE, D_FAMILY, D_MGMTDEV, D_DEV, D_CONFIG };

struct fake_nlsock {
	int fd;
	uint32_t portid;
	bool bound;
	bool ext_ack, cap_ack;
	long rcvtimeo_ms; /* SO_RCVTIMEO, 0 = none */
	size_t max_recvmsg_len;
	struct dgram *q;
	size_t nq, capq;
	/* the running dump */
	enum dump_kind dump;
	size_t dump_idx;
	uint32_t dump_seq;
	bool dump_done;
	struct fake_nlsock *next;
};

static struct fake_nlsock *g_socks;

void fake_netlink_init(const struct fake_scenario *sc)
{
	g_sc = sc;
}

bool fake_nl_any(void)
{
	return g_socks != NULL;
}

int fake_nl_fd(const struct fake_nlsock *s)
{
	return s->fd;
}

long fake_nl_rcvtimeo(const struct fake_nlsock *s)
{
	return s->rcvtimeo_ms;
}

struct fake_nlsock *fake_nl_open(int fd)
{
	struct fake_nlsock *s = calloc(1, sizeof(*s));

	if (!s)
		fake_die("out of memory");
	s->fd = fd;
	s->next = g_socks;
	g_socks = s;
	return s;
}

struct fake_nlsock *fake_nl_find(int fd)
{
	for (struct fake_nlsock *s = g_socks; s; s = s->next)
		if (s->fd == fd)
			return s;
	return NULL;
}

void fake_nl_close(struct fake_nlsock *s)
{
	for (struct fake_nlsock **pp = &g_socks; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	for (size_t i = 0; i < s->nq; i++)
		free(s->q[i].p);
	free(s->q);
	free(s);
}

static bool portid_used(uint32_t id)
{
	for (struct fake_nlsock *s = g_socks; s; s = s->next)
		if (s->bound && s->portid == id)
			return true;
	return false;
}

/* netlink_autobind(): the process id first, then -4097, -4098, ... */
static void autobind(struct fake_nlsock *s)
{
	int32_t rover = -4097;
	uint32_t id = (uint32_t)getpid();

	while (portid_used(id))
		id = (uint32_t)rover--;
	s->portid = id;
	s->bound = true;
}

int fake_nl_bind(struct fake_nlsock *s, const void *addr, unsigned len)
{
	struct sockaddr_nl sa;

	if (len < sizeof(sa))
		return -EINVAL;
	memcpy(&sa, addr, sizeof(sa));
	if (sa.nl_family != AF_NETLINK)
		return -EINVAL;
	if (sa.nl_groups)
		return -EPERM; /* the vdpa family has no multicast groups (nor does our ctrl) */
	if (s->bound)
		return sa.nl_pid == 0 || sa.nl_pid == s->portid ? 0 : -EINVAL;
	if (sa.nl_pid == 0) {
		autobind(s);
		return 0;
	}
	if (portid_used(sa.nl_pid))
		return -EADDRINUSE;
	s->portid = sa.nl_pid;
	s->bound = true;
	return 0;
}

int fake_nl_getsockname(struct fake_nlsock *s, void *addr, unsigned *len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = s->portid };
	size_t n = *len < sizeof(sa) ? *len : sizeof(sa);

	memcpy(addr, &sa, n);
	*len = sizeof(sa);
	return 0;
}

int fake_nl_setsockopt(struct fake_nlsock *s, int level, int name, const void *val,
		       unsigned len)
{
	int v = 0;

	if (level == SOL_SOCKET) {
		if (name == SO_RCVTIMEO) {
			struct timeval tv;

			if (len < sizeof(tv))
				return -EINVAL;
			memcpy(&tv, val, sizeof(tv));
			s->rcvtimeo_ms = tv.tv_sec * 1000L + tv.tv_usec / 1000;
			if (s->rcvtimeo_ms == 0 && tv.tv_usec)
				s->rcvtimeo_ms = 1;
		}
		return 0; /* SO_RCVBUF, SO_SNDBUF, SO_PASSCRED ...: accepted */
	}
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	if (len >= sizeof(int))
		memcpy(&v, val, sizeof(int));
	switch (name) {
	case NETLINK_EXT_ACK:
		if (len < sizeof(int))
			return -EINVAL;
		s->ext_ack = v != 0;
		return 0;
	case NETLINK_CAP_ACK:
		if (len < sizeof(int))
			return -EINVAL;
		s->cap_ack = v != 0;
		return 0;
	case NETLINK_GET_STRICT_CHK:
	case NETLINK_NO_ENOBUFS:
	case NETLINK_BROADCAST_ERROR:
	case NETLINK_PKTINFO:
	case NETLINK_LISTEN_ALL_NSID:
		return len < sizeof(int) ? -EINVAL : 0;
	case NETLINK_ADD_MEMBERSHIP:
	case NETLINK_DROP_MEMBERSHIP:
		return -EINVAL; /* no multicast groups here */
	default:
		return -ENOPROTOOPT;
	}
}

int fake_nl_getsockopt(struct fake_nlsock *s, int level, int name, void *val, unsigned *len)
{
	int v;

	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE:
			v = SOCK_RAW;
			break;
		case SO_PROTOCOL:
			v = NETLINK_GENERIC;
			break;
		case SO_DOMAIN:
			v = AF_NETLINK;
			break;
		case SO_RCVBUF:
		case SO_SNDBUF:
			v = 212992;
			break;
		case SO_ERROR:
			v = 0;
			break;
		default:
			return -ENOPROTOOPT;
		}
	} else if (level == SOL_NETLINK) {
		switch (name) {
		case NETLINK_EXT_ACK:
			v = s->ext_ack;
			break;
		case NETLINK_CAP_ACK:
			v = s->cap_ack;
			break;
		default:
			return -ENOPROTOOPT;
		}
	} else {
		return -ENOPROTOOPT;
	}
	if (*len < sizeof(int))
		return -EINVAL;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(int);
	return 0;
}

/* Queue one datagram; the caller (fake_core.c) bumps the eventfd once per datagram. */
static int queued_now;

static void enqueue(struct fake_nlsock *s, struct mb *b, const char *note)
{
	if (s->nq == s->capq) {
		s->capq = s->capq ? s->capq * 2 : 8;
		s->q = realloc(s->q, s->capq * sizeof(*s->q));
		if (!s->q)
			fake_die("out of memory");
	}
	s->q[s->nq].p = b->p;
	s->q[s->nq].len = b->len;
	snprintf(s->q[s->nq].note, sizeof(s->q[s->nq].note), "%s", note);
	s->nq++;
	queued_now++;
	b->p = NULL;
	b->len = b->cap = 0;
}

static void signal_queued(struct fake_nlsock *s)
{
	uint64_t n = (uint64_t)queued_now;

	if (n)
		(void)!fake_real_write(s->fd, &n, sizeof(n));
	queued_now = 0;
}

/* netlink_ack(): an NLMSG_ERROR datagram (error 0 = ACK). */
static void send_ack(struct fake_nlsock *s, const struct nlmsghdr *req, int err, const char *msg)
{
	struct mb b = { 0 };
	uint16_t flags = 0;
	size_t at;
	int32_t e = err;
	bool tlv = s->ext_ack && msg;
	char note[96];

	if (!err || s->cap_ack)
		flags |= NLM_F_CAPPED;
	if (tlv)
		flags |= NLM_F_ACK_TLVS;
	at = msg_start(&b, NLMSG_ERROR, flags, req->nlmsg_seq, s->portid);
	mb_put(&b, &e, sizeof(e));
	mb_put(&b, req, NLMSG_HDRLEN);
	if (!(flags & NLM_F_CAPPED)) {
		size_t pl = req->nlmsg_len - NLMSG_HDRLEN;

		mb_put(&b, (const uint8_t *)req + NLMSG_HDRLEN, pl);
		mb_zero(&b, NLMSG_ALIGN(pl) - pl);
	}
	if (tlv)
		attr_str(&b, NLMSGERR_ATTR_MSG, msg);
	msg_end(&b, at);
	snprintf(note, sizeof(note), err ? "ERROR %s" : "ACK", fake_errname(-err));
	enqueue(s, &b, note);
}

/* Append a reply message to @b, applying a fault. *cut > 0: end the datagram there. */
static void finish_reply(struct mb *b, size_t at, enum reply_kind r, size_t *cut, char *note,
			 size_t nlen)
{
	int k = fault_for(r);

	if (k >= 0)
		*cut = apply_fault(b, at, r, k, note, nlen);
}

static size_t dump_capacity(const struct fake_nlsock *s)
{
	return s->max_recvmsg_len > NLMSG_GOODSIZE_X86 ? s->max_recvmsg_len : NLMSG_GOODSIZE_X86;
}

static bool in_dumps(const struct fake_dev_cfg *d)
{
	return d->mgmtdev != NULL; /* devices without mgmtdev are skipped (drivers/vdpa/vdpa.c vdpa_nl_cmd_mgmtdev_get_doit()) */
}

/*
 * One dump datagram (netlink_dump()): the dumpit fills what fits; when it added nothing the
 * dump is over and NLMSG_DONE goes into this (empty) datagram.
 */
static void dump_step(struct fake_nlsock *s)
{
	size_t cap = dump_capacity(s), cut = 0;
	struct mb b = { 0 };
	char note[96] = "";
	unsigned n = 0;
	enum reply_kind r = s->dump == D_FAMILY	   ? R_FAMILY
			    : s->dump == D_MGMTDEV ? R_MGMTDEV
			    : s->dump == D_DEV	   ? R_DEV
						   : R_CONFIG;

	for (;;) {
		size_t before = b.len;
		int rc = 0;

		if (s->dump == D_FAMILY) {
			if (s->dump_idx >= 1 || !g_sc->vdpa_netlink)
				break;
			build_family(&b, s->dump_seq, s->portid, NLM_F_MULTI);
		} else if (s->dump == D_MGMTDEV) {
			if (s->dump_idx >= g_sc->nmgmt)
				break;
			build_mgmtdev(&b, &g_sc->mgmt[s->dump_idx], s->dump_seq, s->portid,
				      NLM_F_MULTI);
		} else {
			/* walk the bus from the first device not dumped yet */
			size_t i = s->dump_idx;

			while (i < g_sc->ndevs && !in_dumps(&g_sc->devs[i]))
				i++;
			if (i == g_sc->ndevs)
				break;
			s->dump_idx = i;
			if (s->dump == D_DEV)
				build_dev(&b, &g_sc->devs[i], s->dump_seq, s->portid, NLM_F_MULTI);
			else
				rc = build_config(&b, fake_dev_at(i), s->dump_seq, s->portid,
						  NLM_F_MULTI);
		}
		if (rc) /* the fill failed: the kernel stops this round here */
			break;
		if (b.len > cap) { /* did not fit: cancelled, next datagram */
			b.len = before;
			break;
		}
		finish_reply(&b, before, r, &cut, note, sizeof(note));
		s->dump_idx++;
		n++;
		if (cut) {
			b.len = cut;
			break;
		}
	}
	if (b.len == 0) {
		/* dumpit returned 0: NLMSG_DONE with dump_done_errno 0 */
		size_t at = msg_start(&b, NLMSG_DONE, NLM_F_MULTI, s->dump_seq, s->portid);
		int32_t zero = 0;

		mb_put(&b, &zero, sizeof(zero));
		msg_end(&b, at);
		s->dump = D_NONE;
		enqueue(s, &b, "DONE");
		return;
	}
	{
		char full[96];

		snprintf(full, sizeof(full), "%u msgs%s%s", n, note[0] ? ", " : "", note);
		enqueue(s, &b, full);
	}
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */

struct req_attrs {
	const struct nlattr *tb[64];
};

/* Liberal parsing (genl ops below resv_start_op): unknown types ignored, a malformed tail
 * ends the list. */
static void parse_req(const struct nlmsghdr *h, struct req_attrs *ra)
{
	const uint8_t *p = (const uint8_t *)h + NLMSG_HDRLEN + GENL_HDRLEN;
	size_t n = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	memset(ra, 0, sizeof(*ra));
	while (n >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		uint16_t t = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > n)
			break;
		if (t < 64)
			ra->tb[t] = a;
		if ((size_t)NLA_ALIGN(a->nla_len) >= n)
			break;
		n -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

/* A request string attribute as C string (bounded, NUL added). */
static const char *req_str(const struct nlattr *a, char *buf, size_t len)
{
	size_t n;

	if (!a)
		return NULL;
	n = a->nla_len - NLA_HDRLEN;
	if (n >= len)
		n = len - 1;
	memcpy(buf, (const uint8_t *)a + NLA_HDRLEN, n);
	buf[n] = 0;
	return buf;
}

static bool net_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
	return (d[0].effective >> CAP_NET_ADMIN) & 1;
}

static const struct fake_dev_cfg *dev_by_name(const char *name, size_t *at)
{
	for (size_t i = 0; name && i < g_sc->ndevs; i++)
		if (!strcmp(g_sc->devs[i].name, name)) {
			*at = i;
			return &g_sc->devs[i];
		}
	return NULL;
}

static const char *cmd_name(uint16_t type, uint8_t cmd)
{
	static const char *const vdpa[] = { "VDPA_CMD_UNSPEC",	   "VDPA_CMD_MGMTDEV_NEW",
					    "VDPA_CMD_MGMTDEV_GET", "VDPA_CMD_DEV_NEW",
					    "VDPA_CMD_DEV_DEL",	   "VDPA_CMD_DEV_GET",
					    "VDPA_CMD_DEV_CONFIG_GET", "VDPA_CMD_DEV_VSTATS_GET",
					    "VDPA_CMD_DEV_ATTR_SET" };
	static _Thread_local char buf[48];

	if (type == GENL_ID_CTRL && cmd == CTRL_CMD_GETFAMILY)
		return "CTRL_CMD_GETFAMILY";
	if (type == GENL_ID_CTRL) {
		snprintf(buf, sizeof(buf), "CTRL_CMD_%u", cmd);
		return buf;
	}
	if (g_sc->vdpa_netlink && type == g_sc->family_id && cmd < FAKE_ARRAY_SIZE(vdpa))
		return vdpa[cmd];
	snprintf(buf, sizeof(buf), "family%u/cmd%u", type, cmd);
	return buf;
}

const char *fake_nl_peek_cmd(const struct fake_nlsock *s, const void *buf, size_t len)
{
	const struct nlmsghdr *h = buf;

	(void)s;
	if (len < NLMSG_HDRLEN + GENL_HDRLEN || h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return "?";
	return cmd_name(h->nlmsg_type, ((const struct genlmsghdr *)NLMSG_DATA(h))->cmd);
}

/* A doit reply: the message, then (NLM_F_ACK) the ACK in its own datagram. */
static void reply_one(struct fake_nlsock *s, struct mb *b, size_t at, enum reply_kind r)
{
	size_t cut = 0;
	char note[96] = "";

	finish_reply(b, at, r, &cut, note, sizeof(note));
	if (cut)
		b->len = cut;
	enqueue(s, b, note[0] ? note : reply_names[r]);
}

/* Returns 0 (reply queued) or -errno; *msg gets the extack text. */
static int ctrl_request(struct fake_nlsock *s, const struct nlmsghdr *h, uint8_t cmd, bool dump,
			const char **msg)
{
	struct req_attrs ra;
	char name[64];
	struct mb b = { 0 };
	size_t at;

	(void)msg;
	if (cmd != CTRL_CMD_GETFAMILY)
		return -EOPNOTSUPP; /* GETPOLICY & co.: not modelled */
	if (dump) {
		s->dump = D_FAMILY;
		s->dump_idx = 0;
		s->dump_seq = h->nlmsg_seq;
		dump_step(s);
		return 0;
	}
	parse_req(h, &ra);
	if (!ra.tb[CTRL_ATTR_FAMILY_ID] && !ra.tb[CTRL_ATTR_FAMILY_NAME])
		return -EINVAL;
	if (!g_sc->vdpa_netlink)
		return -ENOENT;
	if (ra.tb[CTRL_ATTR_FAMILY_NAME]) {
		if (strcmp(req_str(ra.tb[CTRL_ATTR_FAMILY_NAME], name, sizeof(name)), "vdpa"))
			return -ENOENT;
	} else {
		uint16_t id;

		if (ra.tb[CTRL_ATTR_FAMILY_ID]->nla_len < NLA_HDRLEN + 2)
			return -EINVAL;
		memcpy(&id, (const uint8_t *)ra.tb[CTRL_ATTR_FAMILY_ID] + NLA_HDRLEN, 2);
		if (id != g_sc->family_id)
			return -ENOENT;
	}
	at = b.len;
	build_family(&b, h->nlmsg_seq, s->portid, 0);
	reply_one(s, &b, at, R_FAMILY);
	return 0;
}

/* VDPA_CMD_MGMTDEV_GET for one management device (vdpa_nl_cmd_mgmtdev_get_doit()). */
static int mgmtdev_get(struct fake_nlsock *s, const struct nlmsghdr *h, const struct req_attrs *ra,
		       const char **msg)
{
	char name[256], bus[256];
	const char *bn = req_str(ra->tb[A_BUS], bus, sizeof(bus));
	const char *dn = req_str(ra->tb[A_MGMT_NAME], name, sizeof(name));
	struct mb b = { 0 };
	size_t i;

	*msg = "vdpa: Fail to find the specified mgmt device";
	if (!dn)
		return -EINVAL;
	for (i = 0; i < g_sc->nmgmt; i++) {
		const struct fake_mgmt_cfg *m = &g_sc->mgmt[i];

		/* mgmtdev_handle_match(): the bus must be given exactly when it has one */
		if (!bn != !m->bus)
			continue;
		if (!strcmp(m->dev, dn) && (!bn || !strcmp(m->bus, bn)))
			break;
	}
	if (i == g_sc->nmgmt)
		return -ENODEV;
	*msg = NULL;
	build_mgmtdev(&b, &g_sc->mgmt[i], h->nlmsg_seq, s->portid, 0);
	reply_one(s, &b, 0, R_MGMTDEV);
	return 0;
}

/* VDPA_CMD_DEV_VSTATS_GET: net only, FEATURES_OK first (drivers/vdpa/vdpa.c
 * vdpa_nl_cmd_dev_stats_get_doit()). */
static int vstats_get(struct fake_nlsock *s, const struct nlmsghdr *h, const struct req_attrs *ra,
		      size_t i, const char **msg)
{
	const struct fake_dev_cfg *d = &g_sc->devs[i];
	const struct fake_dev *dev = fake_dev_at(i);
	uint32_t qidx = 0;
	struct mb b = { 0 };
	size_t at;
	uint8_t c[24];

	memcpy(&qidx, (const uint8_t *)ra->tb[A_QUEUE_INDEX] + NLA_HDRLEN,
	       ra->tb[A_QUEUE_INDEX]->nla_len >= NLA_HDRLEN + 4 ? 4 : 0);
	if (d->device_id != 1)
		return -EOPNOTSUPP;
	if (qidx > 0x8000) {
		*msg = "vdpa: queue index excceeds max value";
		return -ERANGE;
	}
	if (!fake_has_op(d, FAKE_OP_GET_VENDOR_VQ_STATS))
		return -EOPNOTSUPP;
	if (!(dev->status & 0x8)) {
		*msg = "vdpa: feature negotiation not complete";
		return -EAGAIN;
	}
	config_copy(dev, c, sizeof(c));
	at = msg_start(&b, g_sc->family_id, 0, h->nlmsg_seq, s->portid);
	genl_hdr(&b, CMD_DEV_VSTATS_GET, 1);
	attr_str(&b, A_DEV_NAME, d->name);
	attr_u32(&b, A_DEV_ID, d->device_id);
	attr_u16(&b, A_MAX_VQP, le16(c, 8));
	attr_u64(&b, A_NEGOTIATED, dev->driver_features, A_PAD, at);
	attr_u32(&b, A_QUEUE_INDEX, qidx);
	msg_end(&b, at);
	reply_one(s, &b, 0, R_VSTATS);
	return 0;
}

/* VDPA_CMD_DEV_GET, DEV_CONFIG_GET and DEV_VSTATS_GET for one named device. */
static int dev_request(struct fake_nlsock *s, const struct nlmsghdr *h, uint8_t cmd,
		       const struct req_attrs *ra, const char **msg)
{
	char name[256];
	const struct fake_dev_cfg *d;
	struct mb b = { 0 };
	size_t i;
	int rc;

	if (!ra->tb[A_DEV_NAME])
		return -EINVAL;
	if (cmd == CMD_DEV_VSTATS_GET && !ra->tb[A_QUEUE_INDEX])
		return -EINVAL;
	d = dev_by_name(req_str(ra->tb[A_DEV_NAME], name, sizeof(name)), &i);
	if (!d) {
		*msg = "vdpa: device not found";
		return -ENODEV;
	}
	if (!d->mgmtdev) {
		*msg = cmd == CMD_DEV_GET ? NULL : "vdpa: unmanaged vdpa device";
		return -EINVAL;
	}
	if (cmd == CMD_DEV_VSTATS_GET)
		return vstats_get(s, h, ra, i, msg);
	if (cmd == CMD_DEV_GET) {
		build_dev(&b, d, h->nlmsg_seq, s->portid, 0);
		reply_one(s, &b, 0, R_DEV);
		return 0;
	}
	rc = build_config(&b, fake_dev_at(i), h->nlmsg_seq, s->portid, 0);
	if (rc) {
		free(b.p);
		return rc;
	}
	reply_one(s, &b, 0, R_CONFIG);
	return 0;
}

static int vdpa_request(struct fake_nlsock *s, const struct nlmsghdr *h, uint8_t cmd, bool dump,
			const char **msg)
{
	const struct op *op = op_find(cmd);
	struct req_attrs ra;

	if (!op)
		return -EOPNOTSUPP;
	if (op->admin && !net_admin())
		return -EPERM;
	if (dump) {
		if (!op->dumpit)
			return -EOPNOTSUPP;
		if (s->dump != D_NONE)
			return -EBUSY;
		s->dump = cmd == CMD_MGMTDEV_GET ? D_MGMTDEV : cmd == CMD_DEV_GET ? D_DEV : D_CONFIG;
		s->dump_idx = 0;
		s->dump_seq = h->nlmsg_seq;
		dump_step(s);
		return 0;
	}
	parse_req(h, &ra);
	switch (cmd) {
	case CMD_MGMTDEV_GET:
		return mgmtdev_get(s, h, &ra, msg);
	case CMD_DEV_GET:
	case CMD_DEV_CONFIG_GET:
	case CMD_DEV_VSTATS_GET:
		return dev_request(s, h, cmd, &ra, msg);
	default:
		*msg = "fake-vdpa: this command is not modelled";
		return -EOPNOTSUPP;
	}
}

/* One message of a request buffer (netlink_rcv_skb + genl_rcv_msg). */
static void request(struct fake_nlsock *s, const struct nlmsghdr *h, char *detail, size_t dlen)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);
	const char *msg = NULL, *name;
	bool dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	int err, inj;
	size_t n;

	if (!(h->nlmsg_flags & NLM_F_REQUEST) || h->nlmsg_type < NLMSG_MIN_TYPE) {
		/* not a request / a control message: only acked */
		n = strlen(detail);
		snprintf(detail + n, dlen - n, "%s(skipped)", n ? "; " : "");
		if (h->nlmsg_flags & NLM_F_ACK)
			send_ack(s, h, 0, NULL);
		return;
	}
	if (h->nlmsg_type != GENL_ID_CTRL &&
	    (!g_sc->vdpa_netlink || h->nlmsg_type != g_sc->family_id)) {
		err = -ENOENT; /* genl_family_find_byid() */
		name = "unknown family";
		goto out;
	}
	if (h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		err = -EINVAL;
		name = "short";
		goto out;
	}
	name = cmd_name(h->nlmsg_type, g->cmd);
	inj = fake_inject_check(FAKE_INJ_NETLINK, name, -1);
	if (inj) {
		err = -inj;
		msg = "fake-vdpa: injected";
		goto out;
	}
	err = h->nlmsg_type == GENL_ID_CTRL ? ctrl_request(s, h, g->cmd, dump, &msg)
					    : vdpa_request(s, h, g->cmd, dump, &msg);
out:
	n = strlen(detail);
	snprintf(detail + n, dlen - n, "%s%s%s%s%s", n ? "; " : "", name, dump ? " dump" : "",
		 err ? " -> " : "", err ? fake_errname(-err) : "");
	if (dump && !err)
		return; /* a dump never acks */
	if (err || (h->nlmsg_flags & NLM_F_ACK))
		send_ack(s, h, err, err ? msg : NULL);
}

ssize_t fake_nl_send(struct fake_nlsock *s, const void *buf, size_t len, char *detail,
		     size_t dlen)
{
	const uint8_t *p = buf;
	size_t left = len;

	detail[0] = 0;
	if (len > 212992)
		return -EMSGSIZE;
	if (!s->bound)
		autobind(s);
	/* netlink_rcv_skb(): every complete message in the buffer, in order */
	while (left >= NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const void *)p;
		size_t ml;

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > left)
			break;
		request(s, h, detail, dlen);
		ml = NLMSG_ALIGN(h->nlmsg_len);
		if (ml > left)
			ml = left;
		p += ml;
		left -= ml;
	}
	signal_queued(s);
	return (ssize_t)len;
}

int fake_nl_recv(struct fake_nlsock *s, void *buf, size_t len, size_t iov_total, bool peek,
		 size_t *copied, size_t *full, char *detail, size_t dlen)
{
	struct dgram d;

	if (!s->nq)
		return -EAGAIN;
	d = s->q[0];
	*full = d.len;
	*copied = d.len < len ? d.len : len;
	memcpy(buf, d.p, *copied);
	snprintf(detail, dlen, "%s", d.note);
	if (peek)
		return 0;
	/* netlink_recvmsg(): remember the largest buffer, then maybe continue the dump */
	if (iov_total > s->max_recvmsg_len)
		s->max_recvmsg_len = iov_total;
	if (s->max_recvmsg_len > MAX_RECVMSG_LEN)
		s->max_recvmsg_len = MAX_RECVMSG_LEN;
	free(d.p);
	memmove(s->q, s->q + 1, (s->nq - 1) * sizeof(*s->q));
	s->nq--;
	if (s->dump != D_NONE && s->nq == 0) {
		dump_step(s);
		signal_queued(s);
	}
	return 0;
}
