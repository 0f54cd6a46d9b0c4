// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: parsers of kernel data fed malformed input (netlink replies, sysfs files) and the
 * pure parts of the data path (IOVA choice, guard choice, frames).
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/genetlink.h>
#include <linux/vdpa.h>
#include <stdlib.h>

#include "datapath.h"
#include "netlink.h"
#include "parents.h"
#include "probe_mem.h"
#include "sysfs.h"
#include <errno.h>
#include <linux/netlink.h>

#include "tap.h"

/* the test entry point of src/netlink.c (not in netlink.h) */
int nl_replay_datagram(int step, const void *buf, size_t len, struct nl_vdpa *v,
		       struct nl_config *cfg, unsigned *family, struct err_list *errs);

static char buf[4096];

static struct nlmsghdr *msg(void)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = VDPA_CMD_DEV_NEW;
	return nlh;
}

/* NLMSG_DONE carries the dump's result: -EIO is an error, never a complete listing */
static void done_errno(void)
{
	struct {
		struct nlmsghdr h;
		int32_t done;
	} msg = { { sizeof(msg), NLMSG_DONE, NLM_F_MULTI, 1, 0 }, -EIO };
	struct nl_vdpa v = { 0 };
	struct err_list errs = { 0 };

	is_u64((uint64_t)-nl_replay_datagram(2, &msg, sizeof(msg), &v, NULL, NULL, &errs), EIO,
	       "DONE with -EIO ends the dump with EIO");
	msg.done = 0;
	ok(nl_replay_datagram(2, &msg, sizeof(msg), &v, NULL, NULL, &errs) == 0,
	   "DONE with 0 ends it well");
	msg.done = 7;
	ok(nl_replay_datagram(2, &msg, sizeof(msg), &v, NULL, NULL, &errs) < 0,
	   "DONE with a positive value is malformed");
	nl_free(&v);
	err_list_free(&errs);
}

static void dev_replies(void)
{
	struct nlmsghdr *nlh;
	struct nl_dev d;
	const char *why;

	/* a well-formed DEV_GET reply */
	nlh = msg();
	mnl_attr_put_strz(nlh, VDPA_ATTR_DEV_NAME, "net0");
	mnl_attr_put_strz(nlh, VDPA_ATTR_MGMTDEV_BUS_NAME, "pci");
	mnl_attr_put_strz(nlh, VDPA_ATTR_MGMTDEV_DEV_NAME, "0000:00:01.0");
	mnl_attr_put_u32(nlh, VDPA_ATTR_DEV_ID, 1);
	mnl_attr_put_u32(nlh, VDPA_ATTR_DEV_MAX_VQS, 3);
	mnl_attr_put_u16(nlh, VDPA_ATTR_DEV_MAX_VQ_SIZE, 256);
	mnl_attr_put_u32(nlh, 99, 7); /* an attribute from a newer kernel: ignored */
	ok(nl_parse_dev(nlh, &d, &why) == 0, "valid device reply parses");
	is_str(d.name, "net0", "name");
	is_str(d.mgmtdev, "pci/0000:00:01.0", "mgmtdev handle bus/dev like iproute2");
	ok(d.has_id && d.device_id == 1 && d.max_vqs == 3 && d.max_vq_size == 256 &&
		   !d.has_min_vq_size,
	   "numbers; absent attributes stay absent");
	nl_dev_free(&d);

	/* wrong type: DEV_ID as u16 */
	nlh = msg();
	mnl_attr_put_strz(nlh, VDPA_ATTR_DEV_NAME, "net0");
	mnl_attr_put_strz(nlh, VDPA_ATTR_MGMTDEV_DEV_NAME, "vdpasim_net");
	mnl_attr_put_u16(nlh, VDPA_ATTR_DEV_ID, 1);
	ok(nl_parse_dev(nlh, &d, &why) == -EBADMSG && strstr(why, "attribute 5"),
	   "DEV_ID of the wrong length is rejected: %s", why);
	nl_dev_free(&d);

	/* missing required attribute */
	nlh = msg();
	mnl_attr_put_strz(nlh, VDPA_ATTR_MGMTDEV_DEV_NAME, "vdpasim_net");
	ok(nl_parse_dev(nlh, &d, &why) == -EBADMSG && strstr(why, "VDPA_ATTR_DEV_NAME"),
	   "reply without DEV_NAME is rejected: %s", why);
	nl_dev_free(&d);

	/* a string without its NUL */
	nlh = msg();
	mnl_attr_put(nlh, VDPA_ATTR_DEV_NAME, 4, "net0");
	mnl_attr_put_strz(nlh, VDPA_ATTR_MGMTDEV_DEV_NAME, "vdpasim_net");
	ok(nl_parse_dev(nlh, &d, &why) == -EBADMSG, "unterminated string rejected: %s", why);
	nl_dev_free(&d);

	/* an attribute whose length runs past the message (truncated) */
	nlh = msg();
	mnl_attr_put_strz(nlh, VDPA_ATTR_DEV_NAME, "net0");
	{
		struct nlattr *a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len - 8);

		a->nla_len = 200; /* claims more than there is */
	}
	ok(nl_parse_dev(nlh, &d, &why) == -EBADMSG, "attribute past the end rejected: %s", why);
	nl_dev_free(&d);

	/* message shorter than the genetlink header */
	nlh = msg();
	nlh->nlmsg_len = NLMSG_LENGTH(2);
	ok(nl_parse_dev(nlh, &d, &why) == -EBADMSG && strstr(why, "shorter"),
	   "short message rejected: %s", why);
	nl_dev_free(&d);
}

static void mgmt_config(void)
{
	struct nlmsghdr *nlh;
	struct nl_mgmtdev m;
	struct nl_config c;
	const char *why;
	uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

	/* management device: bus-less */
	nlh = msg();
	mnl_attr_put_strz(nlh, VDPA_ATTR_MGMTDEV_DEV_NAME, "vdpasim_net");
	mnl_attr_put_u64(nlh, VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES, 1u << 1);
	ok(nl_parse_mgmtdev(nlh, &m, &why) == 0 && !strcmp(m.handle, "vdpasim_net") && !m.bus &&
		   m.classes == 2,
	   "bus-less management device");
	nl_mgmtdev_free(&m);
	nlh = msg();
	mnl_attr_put_u64(nlh, VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES, 2);
	ok(nl_parse_mgmtdev(nlh, &m, &why) == -EBADMSG, "management device without a name");
	nl_mgmtdev_free(&m);

	/* config: 6.1 puts device features in attribute 21, newer kernels in 20; status is u16 */
	nlh = msg();
	mnl_attr_put(nlh, VDPA_ATTR_DEV_NET_CFG_MACADDR, 6, mac);
	mnl_attr_put_u16(nlh, VDPA_ATTR_DEV_NET_STATUS, 1);
	mnl_attr_put_u16(nlh, VDPA_ATTR_DEV_NET_CFG_MTU, 1500);
	mnl_attr_put_u64(nlh, 21, 0x308820028ull);
	ok(nl_parse_config(nlh, &c, &why) == 0 && c.has_mac && !memcmp(c.mac, mac, 6) &&
		   c.status == 1 && c.mtu == 1500,
	   "net config: mac, u16 status, mtu");
	ok(c.has_device_features && c.device_features == 0x308820028ull,
	   "6.1: device features from attribute 21");
	mnl_attr_put_u64(nlh, VDPA_ATTR_DEV_FEATURES, 0x308830028ull);
	ok(nl_parse_config(nlh, &c, &why) == 0 && c.device_features == 0x308830028ull,
	   "attribute 20 wins when present");
	nlh = msg();
	mnl_attr_put(nlh, VDPA_ATTR_DEV_NET_CFG_MACADDR, 4, mac);
	ok(nl_parse_config(nlh, &c, &why) == -EBADMSG && strstr(why, "6 bytes"),
	   "a 4-byte MAC is rejected: %s", why);
	nlh = msg();
	mnl_attr_put_u32(nlh, VDPA_ATTR_DEV_NET_STATUS, 1);
	ok(nl_parse_config(nlh, &c, &why) == -EBADMSG, "a 4-byte status is rejected: %s", why);
}

static void join(const char *dir, const char *target, size_t len, const char *want)
{
	char out[PATH_MAX];
	int rc = sysfs_join_link(dir, target, out, len);

	if (want)
		ok(rc == 0 && !strcmp(out, want), "%s + %s = %s (got %s)", dir, target, want,
		   rc ? "-1" : out);
	else
		ok(rc == -1, "%s + %s (room %zu): refused", dir, target, len);
}

/* a symlink's target resolved by name, as sysfs_scan does instead of realpath() */
static void sysfs_links(void)
{
	join("/sys/bus/vdpa/devices", "../../../devices/pci0000:00/0000:00:05.0/vdpa0", PATH_MAX,
	     "/sys/devices/pci0000:00/0000:00:05.0/vdpa0");
	join("/sys/bus/vdpa/devices", "../../../devices/net0", PATH_MAX, "/sys/devices/net0");
	join("/sys/bus/vdpa/devices", "/sys/devices/./x//y/", PATH_MAX, "/sys/devices/x/y");
	join("/sys/bus/vdpa/devices", "../../../..", PATH_MAX, "/");
	join("/sys/bus/vdpa/devices", "../../../../..", PATH_MAX, NULL);
	join("/a", "b", 5, "/a/b");
	join("/a", "b", 4, NULL);
	join("/a", "../b", 3, "/b");
	join("relative/dir", "x", PATH_MAX, NULL);
	join("/", "", PATH_MAX, "/");
}

static void sysfs_files(void)
{

	/* sysfs files */
	int ma, mi;
	ok(sysfs_parse_devt("236:3\n", &ma, &mi) == 0 && ma == 236 && mi == 3, "dev 236:3");
	ok(sysfs_parse_devt("236:3", &ma, &mi) == 0, "dev without newline");
	ok(sysfs_parse_devt("", &ma, &mi) && sysfs_parse_devt("236", &ma, &mi) &&
		   sysfs_parse_devt("x:1", &ma, &mi) && sysfs_parse_devt("1:x", &ma, &mi) &&
		   sysfs_parse_devt("1:2 junk", &ma, &mi) &&
		   sysfs_parse_devt("99999:1", &ma, &mi) &&
		   sysfs_parse_devt("1:2000000", &ma, &mi) && sysfs_parse_devt(NULL, &ma, &mi),
	   "malformed dev files are rejected");
	ok(sysfs_parse_bool("Y") == 1 && sysfs_parse_bool("N") == 0 && sysfs_parse_bool("1") == 1 &&
		   sysfs_parse_bool("maybe") == -1 && sysfs_parse_bool(NULL) == -1,
	   "module parameter booleans");
}

static void iova_guard(void)
{

	/* IOVA choice for the control probe */
	uint64_t iova;
	ok(probe_pick_iova(0, UINT64_MAX, 16384, 0x7f0000000000ull, 4096, &iova) == 0 &&
		   iova == 0x100000,
	   "1 MiB into a full range");
	ok(probe_pick_iova(0, 0x7fffffffffull, 16384, 0x100000, 4096, &iova) == 0 &&
		   iova != 0x100000 && (iova + 16384 <= 0x100000 || iova >= 0x104000),
	   "never overlapping the buffer's own address");
	ok(probe_pick_iova(0x1001, 0x1fffff, 16384, 0, 4096, &iova) == 0 && iova % 4096 == 0 &&
		   iova >= 0x1001,
	   "page aligned inside an unaligned range");
	ok(probe_pick_iova(0, 0x1fff, 16384, 0x10000000, 4096, &iova) == -1,
	   "a range too small is refused");
	ok(probe_pick_iova(10, 5, 16384, 0, 4096, &iova) == -1, "an empty range is refused");

	/* which guard the data path needs */
	ok(dp_guard_for("vdpasim_net", NULL, 1, "6.12.117") == DP_GUARD_VA, "6.12 sim VA mode: VA");
	ok(dp_guard_for("vdpasim_net", NULL, 0, "6.12.117") == DP_GUARD_PA,
	   "6.12 sim with use_va=0: PA");
	ok(dp_guard_for("vdpasim_blk", NULL, -1, "6.1.192") == DP_GUARD_VA,
	   "6.1 sim: no identity fallback, VA");
	ok(dp_guard_for("pci/0000:00:01.0", "vp-vdpa", -1, "6.1.192") == DP_GUARD_VA,
	   "platform IOMMU: VA");
	ok(dp_guard_for("pci/0000:3b:00.2", "mlx5_core", -1, "6.6.30") == DP_GUARD_PA, "mlx5: PA");
	ok(dp_guard_for(NULL, NULL, -1, "6.12.117") == DP_GUARD_PA, "unknown: PA");
	ok(dp_guard_for("vduse", NULL, -1, "6.1.192") == DP_GUARD_VA &&
		   dp_guard_for("vduse", NULL, -1, "6.12.117") == DP_GUARD_VA,
	   "VDUSE (use_va parent): VA, on 6.1 and 6.12");
	/* every platform-IOMMU parent of the table, by each name it goes by */
	for (size_t i = 0; i < parent_table_len; i++) {
		const struct parent_desc *row = &parent_table[i];

		for (size_t k = 0; row->kind == PK_PLATFORM && row->match[k]; k++)
			ok(dp_guard_for("pci/0000:00:02.0", row->match[k], -1, "6.12.117") ==
				   DP_GUARD_VA,
			   "platform IOMMU parent %s (%s): VA", row->name, row->match[k]);
	}
	ok(dp_is_simulator("vdpasim_net") && !dp_is_simulator("vduse") && !dp_is_simulator(NULL),
	   "simulator detection");
	/* whose IOTLB entries name physical pages (the closed-owner check needs pagemap there) */
	ok(!dp_entries_physical("vduse", NULL, -1) && !dp_entries_physical("vduse", "vduse", 0),
	   "VDUSE (use_va): this process's memory");
	ok(!dp_entries_physical("vdpasim_net", NULL, 1) &&
		   dp_entries_physical("vdpasim_net", NULL, 0) &&
		   dp_entries_physical("vdpasim_blk", NULL, -1),
	   "simulator: VA only when use_va is known to be 1");
	ok(dp_entries_physical("pci/0000:00:01.0", "vp-vdpa", -1) &&
		   dp_entries_physical("pci/0000:3b:00.2", "mlx5_core", 1) &&
		   dp_entries_physical(NULL, NULL, -1),
	   "platform IOMMU, mlx5, unknown: physical");
	/* CRC-32 of block reads: zlib's crc32() */
	ok(dp_crc32((const uint8_t *)"123456789", 9) == 0xcbf43926u, "crc32 check value");
	{
		uint8_t zero[512] = { 0 };

		ok(dp_crc32(zero, 512) == 0xb2aa7578u && dp_crc32(zero, 0) == 0,
		   "crc32 of 512 zero bytes and of nothing");
	}
	/* the informational run's wait: 100 times its control round trip, 0.25 s .. --timeout */
	ok(dp_compat_wait(2, 0.00004) == 0.25, "a fast device: the floor, 0.25 s");
	ok(dp_compat_wait(2, 0.005) == 0.5, "5 ms control: 0.5 s");
	ok(dp_compat_wait(2, 0.5) == 2, "a slow device: never past --timeout");
	ok(dp_compat_wait(0.2, 0) == 0.2, "--timeout below the floor wins");

	/* frames */
	uint8_t f[64], g[64];
	size_t n = dp_build_frame(f, sizeof(f), 0x1234abcd);
	ok(n == 60 && f[0] == 0xff && f[12] == 0x88 && f[13] == 0xb5 &&
		   strstr((char *)f + 14, "1234abcd"),
	   "broadcast frame with the probe ethertype and nonce");
	ok(dp_build_frame(f, 10, 1) == 0, "too small a buffer");
	memcpy(g, f, 60);
	ok(dp_frame_matches(g, 60, f, 60) && dp_frame_matches(g, 64, f, 60), "same frame matches");
	g[20] ^= 1;
	ok(!dp_frame_matches(g, 60, f, 60), "a changed byte does not");
	ok(!dp_frame_matches(f, 30, f, 60), "a short frame does not");
}

int main(void)
{
	dev_replies();
	mgmt_config();
	sysfs_links();
	sysfs_files();
	iova_guard();
	done_errno();
	return tap_done();
}
