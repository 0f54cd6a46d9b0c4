// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netlink.c - "vdpa" generic netlink client on libmnl.
 *
 * Attribute numbering follows <linux/vdpa.h>. Attribute 21 changed meaning after 6.1 (6.1:
 * device features in config replies; later: block capacity), so device features are read from
 * attribute 20 and from 21 only when 20 is absent and the device is not a block device.
 */
#include "netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vdpa.h>
#include <linux/virtio_ids.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* Block config attributes: enum values of <linux/vdpa.h> after 6.2, absent from bookworm's. */
#define VD_ATTR_BLK_CFG_CAPACITY 21
#define VD_ATTR_BLK_CFG_SIZE_MAX 22
#define VD_ATTR_BLK_CFG_BLK_SIZE 23
#define VD_ATTR_BLK_CFG_SEG_MAX 24
#define VD_ATTR_BLK_CFG_NUM_QUEUES 25
#define VD_ATTR_BLK_READ_ONLY 35
#define VD_ATTR_MAX_KNOWN 37
/* 6.1's meaning of attribute 21 */
#define VD_ATTR_61_DEV_SUPPORTED_FEATURES 21

#define VDPA_GENL_NAME_STR "vdpa"
#define VDPA_GENL_VERSION_NUM 1

struct nl_ctx {
	bool family_malformed; /* the family lookup answered, but with a bad CTRL_ATTR_FAMILY_ID */
	char why[128];	       /* our own diagnosis of a malformed datagram */
	struct mnl_socket *sock;
	unsigned portid;
	unsigned seq;
	uint16_t family;
	char extack[256];
};

/* ---- attribute validation ------------------------------------------------------------ */

/* Expected type per attribute number; MNL_TYPE_UNSPEC = not used by us (skipped). */
static enum mnl_attr_data_type attr_type(uint16_t type, bool block)
{
	switch (type) {
	case VDPA_ATTR_MGMTDEV_BUS_NAME:
	case VDPA_ATTR_MGMTDEV_DEV_NAME:
	case VDPA_ATTR_DEV_NAME:
		return MNL_TYPE_NUL_STRING;
	case VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES:
	case VDPA_ATTR_DEV_NEGOTIATED_FEATURES:
	case VDPA_ATTR_DEV_SUPPORTED_FEATURES:
	case VDPA_ATTR_DEV_FEATURES:
		return MNL_TYPE_U64;
	case VDPA_ATTR_DEV_ID:
	case VDPA_ATTR_DEV_VENDOR_ID:
	case VDPA_ATTR_DEV_MAX_VQS:
	case VDPA_ATTR_DEV_MGMTDEV_MAX_VQS:
		return MNL_TYPE_U32;
	case VDPA_ATTR_DEV_MAX_VQ_SIZE:
	case VDPA_ATTR_DEV_MIN_VQ_SIZE:
	case VDPA_ATTR_DEV_NET_CFG_MAX_VQP:
	case VDPA_ATTR_DEV_NET_CFG_MTU:
		return MNL_TYPE_U16;
	case VDPA_ATTR_DEV_NET_CFG_MACADDR:
		return MNL_TYPE_BINARY;
	case 21: /* capacity (block, newer) or device features (6.1): both u64 */
		return MNL_TYPE_U64;
	case VD_ATTR_BLK_CFG_SIZE_MAX:
	case VD_ATTR_BLK_CFG_BLK_SIZE:
	case VD_ATTR_BLK_CFG_SEG_MAX:
		return block ? MNL_TYPE_U32 : MNL_TYPE_UNSPEC;
	case VD_ATTR_BLK_CFG_NUM_QUEUES:
		return block ? MNL_TYPE_U16 : MNL_TYPE_UNSPEC;
	case VD_ATTR_BLK_READ_ONLY:
		return block ? MNL_TYPE_U8 : MNL_TYPE_UNSPEC;
	default:
		return MNL_TYPE_UNSPEC;
	}
}

struct attrs {
	const struct nlattr *tb[VD_ATTR_MAX_KNOWN + 1];
	const char *why;
	bool block;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	uint16_t type = mnl_attr_get_type(a);
	enum mnl_attr_data_type t;

	if (type > VD_ATTR_MAX_KNOWN)
		return MNL_CB_OK; /* newer kernel: ignore what we do not know */
	if (type == VDPA_ATTR_DEV_NET_STATUS) {
		/* uapi says u8, the kernel sends u16: accept both (drivers/vdpa/vdpa.c
		 * vdpa_dev_net_config_fill() puts a u16) */
		if (mnl_attr_get_payload_len(a) != 1 && mnl_attr_get_payload_len(a) != 2) {
			at->why = "VDPA_ATTR_DEV_NET_STATUS has a bad length";
			return MNL_CB_ERROR;
		}
		at->tb[type] = a;
		return MNL_CB_OK;
	}
	t = attr_type(type, at->block);
	if (t == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (t == MNL_TYPE_BINARY) {
		if (mnl_attr_validate2(a, t, 6) < 0) {
			at->why = "VDPA_ATTR_DEV_NET_CFG_MACADDR is not 6 bytes";
			return MNL_CB_ERROR;
		}
	} else if (mnl_attr_validate(a, t) < 0) {
		static char msg[64];

		snprintf(msg, sizeof(msg), "attribute %u has a bad type or length", type);
		at->why = msg;
		return MNL_CB_ERROR;
	}
	if (t == MNL_TYPE_NUL_STRING && mnl_attr_get_payload_len(a) > 256) {
		at->why = "string attribute longer than 256 bytes";
		return MNL_CB_ERROR;
	}
	at->tb[type] = a;
	return MNL_CB_OK;
}

/*
 * Walk the attributes of @nlh from payload offset @off (at most the payload length) to the
 * message's real end, nlh + nlmsg_len, whose bounds the caller checked (datagram_ok()).
 * libmnl's mnl_attr_for_each() and mnl_attr_parse() stop at the 4-aligned end instead, and read
 * up to 3 bytes past a message whose nlmsg_len is not a multiple of 4. Fewer than 4 bytes left
 * after the last attribute (padding) end the walk. @cb returns MNL_CB_OK to go on.
 * Returns 0 at the end, 1 if @cb returned anything else, -EBADMSG if an attribute is shorter
 * than its header or runs past the end of the message (the attributes before it were seen).
 */
static int attr_walk(const struct nlmsghdr *nlh, size_t off, mnl_attr_cb_t cb, void *data)
{
	size_t len = nlh->nlmsg_len, pos = MNL_NLMSG_HDRLEN + MNL_ALIGN(off);

	while (pos < len && len - pos >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)((const char *)nlh + pos);

		if (a->nla_len < sizeof(struct nlattr) || a->nla_len > len - pos)
			return -EBADMSG;
		if (cb(a, data) != MNL_CB_OK)
			return 1;
		pos += MNL_ALIGN(a->nla_len);
	}
	return 0;
}

static int parse_attrs(const struct nlmsghdr *nlh, struct attrs *at)
{
	int rc;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct genlmsghdr))) {
		at->why = "message shorter than its generic netlink header";
		return -EBADMSG;
	}
	rc = attr_walk(nlh, sizeof(struct genlmsghdr), attr_cb, at);
	if (rc < 0)
		at->why = "an attribute runs past the end of its message";
	return rc ? -EBADMSG : 0; /* 1: attr_cb() said why */
}

static char *dup_str(const struct nlattr *a)
{
	return a ? xstrdup(mnl_attr_get_str(a)) : NULL;
}

static char *make_handle(const char *bus, const char *dev)
{
	return bus ? xasprintf("%s/%s", bus, dev) : xstrdup(dev);
}

int nl_parse_mgmtdev(const void *msg, struct nl_mgmtdev *m, const char **why)
{
	struct attrs at = { 0 };

	memset(m, 0, sizeof(*m));
	if (parse_attrs(msg, &at)) {
		*why = at.why;
		return -EBADMSG;
	}
	if (!at.tb[VDPA_ATTR_MGMTDEV_DEV_NAME]) {
		*why = "management device reply without VDPA_ATTR_MGMTDEV_DEV_NAME";
		return -EBADMSG;
	}
	m->bus = dup_str(at.tb[VDPA_ATTR_MGMTDEV_BUS_NAME]);
	m->dev = dup_str(at.tb[VDPA_ATTR_MGMTDEV_DEV_NAME]);
	m->handle = make_handle(m->bus, m->dev);
	if ((m->has_classes = at.tb[VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES] != NULL))
		m->classes = mnl_attr_get_u64(at.tb[VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES]);
	if ((m->has_max_vqs = at.tb[VDPA_ATTR_DEV_MGMTDEV_MAX_VQS] != NULL))
		m->max_vqs = mnl_attr_get_u32(at.tb[VDPA_ATTR_DEV_MGMTDEV_MAX_VQS]);
	if ((m->has_features = at.tb[VDPA_ATTR_DEV_SUPPORTED_FEATURES] != NULL))
		m->features = mnl_attr_get_u64(at.tb[VDPA_ATTR_DEV_SUPPORTED_FEATURES]);
	return 0;
}

int nl_parse_dev(const void *msg, struct nl_dev *d, const char **why)
{
	struct attrs at = { 0 };
	const char *bus, *dev;

	memset(d, 0, sizeof(*d));
	if (parse_attrs(msg, &at)) {
		*why = at.why;
		return -EBADMSG;
	}
	if (!at.tb[VDPA_ATTR_DEV_NAME] || !at.tb[VDPA_ATTR_MGMTDEV_DEV_NAME]) {
		*why = "device reply without VDPA_ATTR_DEV_NAME or VDPA_ATTR_MGMTDEV_DEV_NAME";
		return -EBADMSG;
	}
	d->name = dup_str(at.tb[VDPA_ATTR_DEV_NAME]);
	bus = at.tb[VDPA_ATTR_MGMTDEV_BUS_NAME]
		      ? mnl_attr_get_str(at.tb[VDPA_ATTR_MGMTDEV_BUS_NAME])
		      : NULL;
	dev = mnl_attr_get_str(at.tb[VDPA_ATTR_MGMTDEV_DEV_NAME]);
	d->mgmtdev = make_handle(bus, dev);
	if ((d->has_id = at.tb[VDPA_ATTR_DEV_ID] != NULL))
		d->device_id = mnl_attr_get_u32(at.tb[VDPA_ATTR_DEV_ID]);
	if ((d->has_vendor = at.tb[VDPA_ATTR_DEV_VENDOR_ID] != NULL))
		d->vendor_id = mnl_attr_get_u32(at.tb[VDPA_ATTR_DEV_VENDOR_ID]);
	if ((d->has_max_vqs = at.tb[VDPA_ATTR_DEV_MAX_VQS] != NULL))
		d->max_vqs = mnl_attr_get_u32(at.tb[VDPA_ATTR_DEV_MAX_VQS]);
	if ((d->has_max_vq_size = at.tb[VDPA_ATTR_DEV_MAX_VQ_SIZE] != NULL))
		d->max_vq_size = mnl_attr_get_u16(at.tb[VDPA_ATTR_DEV_MAX_VQ_SIZE]);
	if ((d->has_min_vq_size = at.tb[VDPA_ATTR_DEV_MIN_VQ_SIZE] != NULL))
		d->min_vq_size = mnl_attr_get_u16(at.tb[VDPA_ATTR_DEV_MIN_VQ_SIZE]);
	return 0;
}

/* @block: the device is a block device (decides the meaning of attribute 21). */
static int parse_config(const void *msg, struct nl_config *c, bool block, const char **why)
{
	struct attrs at = { .block = block };
	const struct nlattr *a;

	memset(c, 0, sizeof(*c));
	if (parse_attrs(msg, &at)) {
		*why = at.why;
		return -EBADMSG;
	}
	c->valid = true;
	if ((a = at.tb[VDPA_ATTR_DEV_NET_CFG_MACADDR])) {
		c->has_mac = true;
		memcpy(c->mac, mnl_attr_get_payload(a), 6);
	}
	if ((a = at.tb[VDPA_ATTR_DEV_NET_STATUS])) {
		c->has_status = true;
		c->status =
			mnl_attr_get_payload_len(a) == 2 ? mnl_attr_get_u16(a) : mnl_attr_get_u8(a);
	}
	if ((a = at.tb[VDPA_ATTR_DEV_NET_CFG_MAX_VQP])) {
		c->has_max_vqp = true;
		c->max_vqp = mnl_attr_get_u16(a);
	}
	if ((a = at.tb[VDPA_ATTR_DEV_NET_CFG_MTU])) {
		c->has_mtu = true;
		c->mtu = mnl_attr_get_u16(a);
	}
	if ((a = at.tb[VDPA_ATTR_DEV_NEGOTIATED_FEATURES])) {
		c->has_negotiated = true;
		c->negotiated = mnl_attr_get_u64(a);
	}
	if ((a = at.tb[VDPA_ATTR_DEV_FEATURES])) {
		c->has_device_features = true;
		c->device_features = mnl_attr_get_u64(a);
	} else if (!block && (a = at.tb[VD_ATTR_61_DEV_SUPPORTED_FEATURES])) {
		/* 6.1: device features travel in attribute 21 */
		c->has_device_features = true;
		c->device_features = mnl_attr_get_u64(a);
	}
	if (block) {
		if ((a = at.tb[VD_ATTR_BLK_CFG_CAPACITY])) {
			c->has_capacity = true;
			c->capacity = mnl_attr_get_u64(a);
		}
		if ((a = at.tb[VD_ATTR_BLK_CFG_SIZE_MAX])) {
			c->has_size_max = true;
			c->size_max = mnl_attr_get_u32(a);
		}
		if ((a = at.tb[VD_ATTR_BLK_CFG_BLK_SIZE])) {
			c->has_blk_size = true;
			c->blk_size = mnl_attr_get_u32(a);
		}
		if ((a = at.tb[VD_ATTR_BLK_CFG_SEG_MAX])) {
			c->has_seg_max = true;
			c->seg_max = mnl_attr_get_u32(a);
		}
		if ((a = at.tb[VD_ATTR_BLK_CFG_NUM_QUEUES])) {
			c->has_num_queues = true;
			c->num_queues = mnl_attr_get_u16(a);
		}
		if ((a = at.tb[VD_ATTR_BLK_READ_ONLY])) {
			c->has_read_only = true;
			c->read_only = mnl_attr_get_u8(a);
		}
	}
	return 0;
}

int nl_parse_config(const void *msg, struct nl_config *c, const char **why)
{
	return parse_config(msg, c, false, why);
}

/* ---- request/response ---------------------------------------------------------------- */

/* NLMSG_ERROR: keep the errno and the extack message (NLMSGERR_ATTR_MSG) if any. */
/* What every callback of one transaction receives: the context and the caller's own data. */
struct cb_wrap {
	struct nl_ctx *ctx;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cb_wrap *w = data;

	return w->cb(nlh, w->data);
}

static int extack_cb(const struct nlattr *a, void *data)
{
	struct nl_ctx *ctx = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(ctx->extack, sizeof(ctx->extack), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* A malformed datagram: say why (nl_error() reports ctx->why as malformed data). */
static int malformed_reply(struct nl_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int malformed_reply(struct nl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ctx->why, sizeof(ctx->why), "malformed reply: ");

	va_start(ap, fmt);
	vsnprintf(ctx->why + n, sizeof(ctx->why) - (size_t)n, fmt, ap);
	va_end(ap);
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

/* Largest errno the kernel returns (MAX_ERRNO in <linux/err.h>). */
#define VD_MAX_ERRNO 4095

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *ctx = ((struct cb_wrap *)data)->ctx;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return malformed_reply(ctx, "an NLMSG_ERROR message shorter than its error code");
	if (err->error == 0)
		return MNL_CB_STOP; /* ACK */
	/* The kernel sends -errno; anything else (INT_MIN cannot even be negated) is garbage. */
	if (err->error > 0 || err->error < -VD_MAX_ERRNO)
		return malformed_reply(ctx, "NLMSG_ERROR with error %d, not a negative errno",
				       err->error);
	ctx->extack[0] = '\0';
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t off = sizeof(*err), left = nlh->nlmsg_len - mnl_nlmsg_size(sizeof(*err));
		bool ok = true;

		/* without NLM_F_CAPPED the whole request is echoed before the TLVs */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			ok = err->msg.nlmsg_len >= sizeof(struct nlmsghdr) &&
			     err->msg.nlmsg_len - sizeof(struct nlmsghdr) <= left;
			if (ok)
				off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
		}
		/* best effort: the error code is the answer, a broken TLV only loses the text */
		if (ok)
			attr_walk(nlh, off, extack_cb, ctx);
	}
	errno = -err->error;
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/*
 * NLMSG_DONE ends a dump. Its payload is the dump's own result (netlink_dump() in
 * net/netlink/af_netlink.c: nlk->dump_done_errno): 0, or the -errno of a dump callback that
 * failed part way. A dump that ended with an error is not a complete listing.
 */
static int stop_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *ctx = ((struct cb_wrap *)data)->ctx;
	int32_t done;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(done)))
		return MNL_CB_STOP; /* no payload: an old or minimal DONE */
	memcpy(&done, mnl_nlmsg_get_payload(nlh), sizeof(done));
	if (done == 0)
		return MNL_CB_STOP;
	if (done > 0 || done < -VD_MAX_ERRNO)
		return malformed_reply(ctx, "NLMSG_DONE with %d, not 0 or a negative errno", done);
	errno = -done;
	return MNL_CB_ERROR;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = stop_cb,
	[NLMSG_OVERRUN] = noop_cb,
};

/*
 * Every message of a datagram must lie inside it: libmnl compares lengths as signed ints, so a
 * huge nlmsg_len would walk it off the buffer, and a message cut short would be dropped silently.
 */
static bool datagram_ok(const char *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(buf + off);
		size_t left = n - off;

		if (left < sizeof(*h) || h->nlmsg_len < sizeof(*h) || h->nlmsg_len > left)
			return false;
		if (NLMSG_ALIGN(h->nlmsg_len) >= left)
			break;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return true;
}

/*
 * One received datagram of the transaction whose request had sequence number @seq (0: any):
 * run @cb on its data messages and the control callbacks on the others.
 * Returns 1 when more datagrams are expected, 0 at DONE/ACK, or -errno (-EBADMSG: malformed).
 */
static int transact_datagram(struct nl_ctx *ctx, const void *buf, size_t n, unsigned seq,
			     mnl_cb_t cb, void *data)
{
	struct cb_wrap w = { ctx, cb, data };
	int r;

	if (!datagram_ok(buf, n)) {
		snprintf(ctx->why, sizeof(ctx->why),
			 "malformed reply: a message length runs past the %zu bytes received", n);
		return -EBADMSG;
	}
	errno = 0;
	r = mnl_cb_run2(buf, n, seq, ctx->portid, data_cb, &w, ctl_cbs, MNL_ARRAY_SIZE(ctl_cbs));
	if (r == MNL_CB_ERROR)
		return errno ? -errno : -EBADMSG;
	return r == MNL_CB_STOP ? 0 : 1;
}

/* Send @nlh and run @cb on every reply until DONE/ACK. 0 or -errno (-EBADMSG: malformed). */
static int transact(struct nl_ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char *buf = xmalloc(MNL_SOCKET_BUFFER_SIZE);
	unsigned seq = nlh->nlmsg_seq;
	int rc = 0;

	ctx->extack[0] = '\0';
	ctx->why[0] = '\0';
	if (mnl_socket_sendto(ctx->sock, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(ctx->sock, buf, MNL_SOCKET_BUFFER_SIZE);

		if (n < 0) {
			rc = errno == EINTR ? -EINTR : -errno;
			break;
		}
		rc = transact_datagram(ctx, buf, (size_t)n, seq, cb, data);
		if (rc <= 0)
			break;
	}
out:
	free(buf);
	return rc;
}

static struct nlmsghdr *genl_msg(char *buf, uint16_t family, uint8_t cmd, uint16_t flags,
				 unsigned seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = family == GENL_ID_CTRL ? 1 : VDPA_GENL_VERSION_NUM;
	return nlh;
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	struct nl_ctx *ctx = data;

	if (mnl_attr_get_type(a) != CTRL_ATTR_FAMILY_ID)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		ctx->family = mnl_attr_get_u16(a);
	else
		ctx->family_malformed = true;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *ctx = data;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct genlmsghdr)))
		return malformed_reply(ctx, "message shorter than its generic netlink header");
	if (attr_walk(nlh, sizeof(struct genlmsghdr), family_attr_cb, ctx) < 0)
		return malformed_reply(ctx, "an attribute runs past the end of its message");
	return MNL_CB_OK;
}

/* dump collectors */
struct collect {
	struct nl_vdpa *v;
	struct err_list *errs;
	const char *cmd;
	struct nl_config *config;
	bool block;
	bool *seen; /* config dump: which devices answered */
	int malformed;
};

static void malformed(struct collect *c, const char *why)
{
	err_add(c->errs, ERR_MALFORMED, EBADMSG, "vdpa netlink", c->cmd, NULL,
		"malformed reply: %s", why ? why : "unknown");
	c->malformed++;
}

static int mgmt_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	struct nl_mgmtdev m;
	const char *why = NULL;

	if (nl_parse_mgmtdev(nlh, &m, &why)) {
		nl_mgmtdev_free(&m);
		malformed(c, why);
		return MNL_CB_OK;
	}
	c->v->mgmt = xgrow(c->v->mgmt, c->v->n_mgmt, sizeof(m));
	c->v->mgmt[c->v->n_mgmt++] = m;
	return MNL_CB_OK;
}

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	struct nl_dev d;
	const char *why = NULL;

	if (nl_parse_dev(nlh, &d, &why)) {
		nl_dev_free(&d);
		malformed(c, why);
		return MNL_CB_OK;
	}
	c->v->dev = xgrow(c->v->dev, c->v->n_dev, sizeof(d));
	c->v->dev[c->v->n_dev++] = d;
	return MNL_CB_OK;
}

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	const char *why = NULL;

	if (parse_config(nlh, c->config, c->block, &why))
		malformed(c, why);
	return MNL_CB_OK;
}

/* The device name of a config reply, for the dump: it names its device (vdpa_dev_config_fill()) */
struct name_find {
	const char *name; /* found */
	const char *why;  /* or why not */
};

static int name_attr_cb(const struct nlattr *a, void *data)
{
	struct name_find *f = data;

	if (mnl_attr_get_type(a) != VDPA_ATTR_DEV_NAME)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) || mnl_attr_get_payload_len(a) > 256)
		f->why = "VDPA_ATTR_DEV_NAME is not a string";
	else
		f->name = mnl_attr_get_str(a);
	return MNL_CB_STOP;
}

/* nl_find_dev() on the collection being built (sorted by name before the config dump) */
static struct nl_dev *find_dev(struct nl_vdpa *v, const char *name)
{
	return (struct nl_dev *)nl_find_dev(v, name);
}

/*
 * One message of the VDPA_CMD_DEV_CONFIG_GET dump: the config of the device it names, parsed as
 * that device's class (its device id from the DEV_GET dump). c->seen[i] marks device i answered,
 * well formed or not: a malformed reply is reported once and not asked again.
 */
static int config_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	struct name_find f = { NULL, "config reply without VDPA_ATTR_DEV_NAME" };
	const char *why = NULL;
	struct nl_dev *d;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct genlmsghdr)))
		attr_walk(nlh, sizeof(struct genlmsghdr), name_attr_cb, &f);
	if (!f.name) {
		malformed(c, f.why);
		return MNL_CB_OK;
	}
	d = find_dev(c->v, f.name);
	if (!d || c->seen[d - c->v->dev])
		return MNL_CB_OK; /* a device added since DEV_GET, or a repeat: not ours to show */
	c->seen[d - c->v->dev] = true;
	if (parse_config(nlh, &d->config, d->has_id && d->device_id == VIRTIO_ID_BLOCK, &why))
		malformed(c, why);
	return MNL_CB_OK;
}

static void nl_error(struct err_list *errs, struct nl_ctx *ctx, int rc, const char *op)
{
	enum err_code code = rc == -EPERM || rc == -EACCES ? ERR_PERMISSION
			     : rc == -EOPNOTSUPP	   ? ERR_UNSUPPORTED
							   : ERR_INTERNAL;

	if (ctx->why[0])
		err_add(errs, ERR_MALFORMED, -rc, "vdpa netlink", op, NULL, "%s", ctx->why);
	else if (ctx->extack[0])
		err_add(errs, code, -rc, "vdpa netlink", op, NULL, "%s (kernel: %s)",
			vd_strerror(-rc), ctx->extack);
	else
		err_add(errs, code, -rc, "vdpa netlink", op, NULL, "%s", vd_strerror(-rc));
}

static int cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct nl_dev *)a)->name, ((const struct nl_dev *)b)->name);
}

static int cmp_mgmt(const void *a, const void *b)
{
	return strcmp(((const struct nl_mgmtdev *)a)->handle,
		      ((const struct nl_mgmtdev *)b)->handle);
}

/*
 * What the CTRL_CMD_GETFAMILY transaction (its result @rc, the family in @ctx) means: 0 with
 * ctx->family set, or -errno with the error recorded in @errs (-ENOENT: no "vdpa" family).
 */
static int family_result(struct nl_ctx *ctx, int rc, struct err_list *errs)
{
	if (!rc && ctx->family_malformed) {
		err_add(errs, ERR_MALFORMED, EBADMSG, "vdpa netlink", "CTRL_CMD_GETFAMILY", NULL,
			"malformed reply: CTRL_ATTR_FAMILY_ID is not a 16-bit value");
		return -EBADMSG;
	}
	if (rc == -ENOENT || (!rc && !ctx->family)) {
		struct vd_error *e =
			err_add(errs, ERR_UNSUPPORTED, ENOENT, "vdpa netlink", "CTRL_CMD_GETFAMILY",
				NULL, "the kernel has no 'vdpa' generic netlink family");

		err_set_hint(e, "the kernel lacks CONFIG_VDPA (or the vdpa module is not loaded); "
				"sysfs alone is used");
		return -ENOENT;
	}
	if (rc)
		nl_error(errs, ctx, rc, "CTRL_CMD_GETFAMILY");
	return rc;
}

/*
 * Every device's config: one VDPA_CMD_DEV_CONFIG_GET dump, then a request by name for each
 * device the dump did not answer. The dump is not enough alone: it stops at the first device
 * whose config the kernel cannot fill (vdpa_nl_cmd_dev_config_get_dumpit() ends the walk on the
 * error without reporting it: on 6.1 vdpa_dev_config_fill() fails a block device with
 * EOPNOTSUPP), so the devices after it are asked one by one, and answer or fail on their own.
 * A dump that fails leaves every device to its own request (a malformed one is reported too).
 */
static void nl_query_configs(struct nl_ctx *ctx, char *buf, struct collect *c)
{
	struct nl_vdpa *out = c->v;
	struct nlmsghdr *nlh;
	int rc;

	c->cmd = "VDPA_CMD_DEV_CONFIG_GET";
	c->seen = xcalloc(out->n_dev ? out->n_dev : 1, sizeof(bool));
	nlh = genl_msg(buf, ctx->family, VDPA_CMD_DEV_CONFIG_GET, NLM_F_DUMP, ++ctx->seq);
	rc = out->n_dev ? transact(ctx, nlh, config_dump_cb, c) : 0;
	if (rc) {
		if (ctx->why[0])
			nl_error(c->errs, ctx, rc, c->cmd); /* a malformed dump is reported */
		memset(c->seen, 0, out->n_dev * sizeof(bool));
	}
	for (size_t i = 0; i < out->n_dev; i++) {
		struct nl_dev *d = &out->dev[i];

		if (c->seen[i])
			continue;
		c->config = &d->config;
		c->block = d->has_id && d->device_id == VIRTIO_ID_BLOCK;
		nlh = genl_msg(buf, ctx->family, VDPA_CMD_DEV_CONFIG_GET, NLM_F_ACK, ++ctx->seq);
		mnl_attr_put_strz(nlh, VDPA_ATTR_DEV_NAME, d->name);
		rc = transact(ctx, nlh, config_cb, c);
		if (rc == -EOPNOTSUPP)
			continue; /* e.g. block devices on 6.1: config over netlink is not supported
				   */
		if (rc)
			nl_error(c->errs, ctx, rc, c->cmd); /* one device's config is not worth the
							     * whole listing */
	}
	free(c->seen);
	c->seen = NULL;
}

/*
 * DEV_GET by name for each of @names (vdpa_nl_cmd_dev_get_doit()): a few calls per device where
 * a dump costs calls for every device of the host. A name the kernel does not know (ENODEV) is
 * left out quietly: it came from the command line, which reports it.
 */
static void nl_query_names(struct nl_ctx *ctx, char *buf, struct collect *c,
			   const char *const *names, size_t n_names)
{
	for (size_t i = 0; i < n_names; i++) {
		struct nlmsghdr *nlh;
		int rc;

		if (!names[i] || !names[i][0] || nl_find_dev(c->v, names[i]))
			continue;
		nlh = genl_msg(buf, ctx->family, VDPA_CMD_DEV_GET, NLM_F_ACK, ++ctx->seq);
		mnl_attr_put_strz(nlh, VDPA_ATTR_DEV_NAME, names[i]);
		rc = transact(ctx, nlh, dev_cb, c);
		if (rc && rc != -ENODEV)
			nl_error(c->errs, ctx, rc, c->cmd);
		if (c->v->n_dev > 1)
			qsort(c->v->dev, c->v->n_dev, sizeof(*c->v->dev), cmp_dev);
	}
}

int nl_query(struct nl_vdpa *out, bool with_config, const char *const *names, size_t n_names,
	     struct err_list *errs)
{
	struct nl_ctx ctx = { 0 };
	char *buf = xmalloc(MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh;
	struct collect c = { .v = out, .errs = errs };
	int one = 1, rc;

	memset(out, 0, sizeof(*out));
	ctx.seq = (unsigned)time(NULL);
	ctx.sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!ctx.sock) {
		rc = -errno;
		err_add(errs, ERR_UNSUPPORTED, -rc, "vdpa netlink", "socket", NULL, "%s",
			vd_strerror(-rc));
		free(buf);
		return rc;
	}
	/* extended ACKs carry the kernel's own error text; best effort */
	mnl_socket_setsockopt(ctx.sock, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(ctx.sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		err_add(errs, ERR_INTERNAL, -rc, "vdpa netlink", "bind", NULL, "%s",
			vd_strerror(-rc));
		goto out;
	}
	ctx.portid = mnl_socket_get_portid(ctx.sock);

	nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK, ++ctx.seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VDPA_GENL_NAME_STR);
	rc = family_result(&ctx, transact(&ctx, nlh, family_cb, &ctx), errs);
	if (rc)
		goto out;

	c.cmd = "VDPA_CMD_MGMTDEV_GET";
	nlh = genl_msg(buf, ctx.family, VDPA_CMD_MGMTDEV_GET, NLM_F_DUMP, ++ctx.seq);
	rc = transact(&ctx, nlh, mgmt_cb, &c);
	if (rc) {
		nl_error(errs, &ctx, rc, c.cmd);
		goto out;
	}
	c.cmd = "VDPA_CMD_DEV_GET";
	if (names) {
		nl_query_names(&ctx, buf, &c, names, n_names);
	} else {
		nlh = genl_msg(buf, ctx.family, VDPA_CMD_DEV_GET, NLM_F_DUMP, ++ctx.seq);
		rc = transact(&ctx, nlh, dev_cb, &c);
		if (rc) {
			nl_error(errs, &ctx, rc, c.cmd);
			goto out;
		}
	}
	if (out->n_dev)
		qsort(out->dev, out->n_dev, sizeof(*out->dev), cmp_dev);
	if (out->n_mgmt)
		qsort(out->mgmt, out->n_mgmt, sizeof(*out->mgmt), cmp_mgmt);
	if (with_config)
		nl_query_configs(&ctx, buf, &c);
	rc = 0;
out:
	mnl_socket_close(ctx.sock);
	free(buf);
	return rc;
}

/* ---- test entry point ----------------------------------------------------------------- */

/*
 * For the fuzz harness tests/fuzz/fuzz_netlink.c only: vdpactl never calls it, and netlink.h
 * does not declare it because it is no part of the interface (the harness declares it; keep the
 * two in sync).
 *
 * Runs @len bytes at @buf, one datagram as recvfrom() returns it, through exactly the code that
 * nl_query() runs on a reply to the request of @step: the datagram check, libmnl's callback
 * loop, the NLMSG_ERROR/DONE callbacks, the step's data callback and parsers, and the same error
 * records in @errs. Sequence numbers and port ids are not checked (as if they matched).
 * @step: 0 CTRL_CMD_GETFAMILY (the family id goes to *@family); 1 VDPA_CMD_MGMTDEV_GET and
 * 2 VDPA_CMD_DEV_GET (what they find is appended to @v, to be freed with nl_free());
 * 3 VDPA_CMD_DEV_CONFIG_GET of a net device and 4 of a block device (into @cfg); 5 the
 * VDPA_CMD_DEV_CONFIG_GET dump, into the configs of the devices already in @v (sorted by name).
 * Returns 1 when the transaction would wait for another datagram, 0 when it ended (DONE, ACK),
 * or -errno as nl_query() sees it (step 0: after its checks of the family); -EINVAL: bad @step.
 */
int nl_replay_datagram(int step, const void *buf, size_t len, struct nl_vdpa *v,
		       struct nl_config *cfg, unsigned *family, struct err_list *errs);
int nl_replay_datagram(int step, const void *buf, size_t len, struct nl_vdpa *v,
		       struct nl_config *cfg, unsigned *family, struct err_list *errs)
{
	static const char *const ops[] = { "CTRL_CMD_GETFAMILY",      "VDPA_CMD_MGMTDEV_GET",
					   "VDPA_CMD_DEV_GET",	      "VDPA_CMD_DEV_CONFIG_GET",
					   "VDPA_CMD_DEV_CONFIG_GET", "VDPA_CMD_DEV_CONFIG_GET" };
	static const mnl_cb_t cbs[] = { family_cb, mgmt_cb,   dev_cb,
					config_cb, config_cb, config_dump_cb };
	struct nl_ctx ctx = { 0 };
	struct collect c = { .v = v, .errs = errs, .config = cfg, .block = step == 4 };
	int rc;

	if (step < 0 || step >= (int)MNL_ARRAY_SIZE(cbs))
		return -EINVAL;
	c.cmd = ops[step];
	if (step == 5)
		c.seen = xcalloc(v->n_dev ? v->n_dev : 1, sizeof(bool));
	rc = transact_datagram(&ctx, buf, len, 0, cbs[step], step ? (void *)&c : (void *)&ctx);
	free(c.seen);
	if (step == 0) {
		if (rc <= 0)
			rc = family_result(&ctx, rc, errs);
		*family = ctx.family;
	} else if (step == 5) {
		if (rc < 0 && ctx.why[0])
			nl_error(errs, &ctx, rc,
				 c.cmd); /* as nl_query_configs(): only a malformed
					  * dump is reported, the rest is asked again */
	} else if (rc < 0 && !(step >= 3 && rc == -EOPNOTSUPP)) {
		nl_error(errs, &ctx, rc, c.cmd); /* nl_query() skips a config it cannot have */
	}
	return rc;
}

void nl_mgmtdev_free(struct nl_mgmtdev *m)
{
	free(m->bus);
	free(m->dev);
	free(m->handle);
	memset(m, 0, sizeof(*m));
}

void nl_dev_free(struct nl_dev *d)
{
	free(d->name);
	free(d->mgmtdev);
	memset(d, 0, sizeof(*d));
}

void nl_free(struct nl_vdpa *v)
{
	for (size_t i = 0; i < v->n_mgmt; i++)
		nl_mgmtdev_free(&v->mgmt[i]);
	for (size_t i = 0; i < v->n_dev; i++)
		nl_dev_free(&v->dev[i]);
	free(v->mgmt);
	free(v->dev);
	memset(v, 0, sizeof(*v));
}

const struct nl_dev *nl_find_dev(const struct nl_vdpa *v, const char *name)
{
	struct nl_dev key = { .name = (char *)name };

	/* nl_query sorts the devices by name: O(log n) per lookup keeps list linear overall */
	return v->n_dev ? bsearch(&key, v->dev, v->n_dev, sizeof(key), cmp_dev) : NULL;
}
